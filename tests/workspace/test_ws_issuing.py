"""Issuing on the page a plan whose own date is only a year ("2027", as «Kế hoạch năm sau» writes it) on a day of
another year: told in plain words what to change, and the văn thư changes it right there."""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine, text

from ws_support import created_id, new_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def plan_for_2027_waiting_to_be_issued(users, db_url) -> int:
    cv = users("cv.anhson")
    first = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    plan = created_id(cv.form("/tao/nam-moi", {"plan": str(first), "year": "2027"}, follow_redirects=False))
    engine = create_engine(db_url)
    with engine.begin() as connection:   # the steps before issuing are tested elsewhere; here the plan is signed
        connection.execute(text("UPDATE ws_workflow SET state = 'signed' WHERE plan_id = :p"), {"p": plan})
    engine.dispose()
    return plan


def test_issuing_a_plan_dated_another_year_says_in_plain_words_what_to_change(users, db_url, utc_clock):
    plan = plan_for_2027_waiting_to_be_issued(users, db_url)
    vt = users("vt.anhson")
    utc_clock("2026-12-09 23:30")   # 06:30 on 10/12 in Hà Nội: the văn thư issues on the 10th, not the server's 9th
    page = vt.get(f"/khong-gian/ke-hoach/{plan}").text
    assert "Kế hoạch ghi ngày: <b>năm 2027</b>" in page and 'name="theo_ngay"' in page
    assert 'value="10/12/2026"' in page   # the day is shown and typed as ngày/tháng/năm
    day = date(2026, 12, 7)
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh", {"ngay": f"{day:%d/%m/%Y}"})
    assert response.status_code == 409
    words = response.text
    assert "kế hoạch ghi ngày ban hành là năm 2027" in words and "07/12/2026" in words
    assert "Ghi lại ngày của kế hoạch theo ngày ban hành" in words
    for code in ("document.date", "--date", "document", "I100"):
        assert code not in words, code
    assert "Đã ký" in vt.get(f"/khong-gian/ke-hoach/{plan}").text   # nothing issued, no number used


def test_the_clerk_lets_the_issue_day_replace_the_plans_year_and_the_plan_is_issued(users, db_url):
    plan = plan_for_2027_waiting_to_be_issued(users, db_url)
    vt = users("vt.anhson")
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh", {"ngay": "07/12/2026", "theo_ngay": "1"},
                       follow_redirects=False)
    assert response.status_code == 303, response.text
    page = vt.get(f"/khong-gian/ke-hoach/{plan}").text
    assert "Đã ban hành" in page and "ngày 07/12/2026" in page
    assert "ngày của kế hoạch đổi từ năm 2027 thành 07/12/2026" in page   # in the audit log
    saved = vt.get(f"/ke-hoach/{plan}/tai/yaml").text
    assert "date: 2026-12-07" in saved and "number: 1" in saved
