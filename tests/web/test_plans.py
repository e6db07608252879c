"""The first page's forms (routes/plans.py): what they propose by default."""

from __future__ import annotations


def test_on_new_year_s_morning_in_vietnam_the_blank_plan_proposes_the_new_year(client, utc_clock):
    utc_clock("2026-12-31 23:30")   # 06:30 on 01/01/2027 in Hà Nội; a server in UTC is still in 2026
    page = client.get("/").text
    assert 'id="blank-year" value="2027"' in page
