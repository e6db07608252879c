"""new-year on a programme's plan: the period stays the parent's, ended bases and abolished names are flagged."""

from __future__ import annotations

from authoring.lifecycle.new_year import new_year
from authoring.loading import load_plan_or_raise
from helpers import example


def test_a_programme_plan_keeps_its_period_and_flags_what_the_new_year_no_longer_has(tmp_path):
    text, report = new_year(load_plan_or_raise(example("kon-tum")), 2026)   # Kế hoạch giai đoạn 2020 - 2025
    assert "2031" not in text and "giai đoạn 2026" not in text
    assert "from: 2020" in text and "to: 2025" in text
    flagged = dict(report.flagged)
    assert "đã kết thúc trước năm 2026" in flagged["document.period"]
    assert any(path.startswith("bases[") and "1863/QĐ-TTg" in why for path, why in report.flagged)
    wording = [why for path, why in report.flagged if "không còn vào năm 2026" in why]
    assert any("cấp huyện" in why for why in wording) and any("Ủy ban nhân dân huyện" in why for why in wording)
    out = tmp_path / "kon-tum-2026.yaml"
    out.write_text(text, encoding="utf-8")
    assert load_plan_or_raise(out)


def test_a_plan_inside_its_programme_keeps_the_programmes_years(tmp_path):
    text, report = new_year(load_plan_or_raise(example("dak-nong")), 2026)   # giai đoạn 2021 - 2030
    assert "from: 2021" in text and "to: 2030" in text and "2035" not in text
    assert "document.period" not in dict(report.flagged)
