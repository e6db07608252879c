"""G101/G102: a target whose wording is a national statistical indicator should name it; a named code must exist."""

from __future__ import annotations

from authoring.loading.indicators import load_indicators
from authoring.rules.check import run_check


def _codes(path) -> list[str]:
    return [f.code for f in run_check(path).index.sorted() if f.code.startswith("G")]


SPECIAL = "95% trẻ em có hoàn cảnh đặc biệt được trợ giúp;"


def test_a_target_worded_as_an_indicator_without_its_code_is_warned(write_plan):
    path = write_plan()  # minimal: "95% trẻ em có hoàn cảnh đặc biệt được trợ giúp"
    report = run_check(path)
    (finding,) = [f for f in report.index.sorted() if f.code == "G101"]
    assert "«Mã chỉ tiêu thống kê»" in finding.suggestion and finding.line is not None
    assert "indicator_code" not in finding.suggestion  # the page shows it: words, not YAML


def test_a_target_naming_its_indicator_is_not_warned(write_plan):
    path = write_plan(("comparator: at_least,", "comparator: at_least, indicator_code: tre-em-hcdb-duoc-tro-giup,"))
    assert _codes(path) == []


def test_an_unknown_indicator_code_is_an_error(write_plan):
    path = write_plan(("comparator: at_least,", "comparator: at_least, indicator_code: khong-co,"))
    assert _codes(path) == ["G102"]


def test_a_count_is_not_taken_for_a_rate(write_plan):
    path = write_plan((SPECIAL, "Có thêm 3 điểm vui chơi cho trẻ em;"), ('unit: "%"', "unit: điểm"))
    assert _codes(path) == []


def test_every_indicator_has_a_source_and_a_status_and_codes_are_never_guessed():
    catalogue = load_indicators()
    assert catalogue.source_document == "tt-13-2021" and len(catalogue.indicators) >= 10
    for indicator in catalogue.indicators:
        assert indicator.source and indicator.status
        if indicator.code:  # a code read in the Thông tư itself, from one copy: single source at most
            assert indicator.status.value in ("single_source", "confirmed")


def test_a_vaccination_rate_target_is_told_the_rate_indicator_and_a_count_the_communes_count(write_plan):
    from authoring.rules.check import run_check

    rate = write_plan((SPECIAL, "Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin đạt 97%;"))
    (finding,) = [f for f in run_check(rate).index.sorted() if f.code == "G101"]
    assert "«Tỷ lệ trẻ em dưới một tuổi được tiêm chủng đầy đủ các loại vắc xin»" in finding.message
    count = write_plan((SPECIAL, "Có 120 trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin;"),
                       ('unit: "%"', "unit: trẻ em"))
    (finding,) = [f for f in run_check(count).index.sorted() if f.code == "G101"]
    assert "«Số trẻ em dưới một tuổi được tiêm chủng đầy đủ các loại vắc xin»" in finding.message


def test_formulas_breakdowns_and_periods_are_given_with_their_own_confidence():
    catalogue = {i.id: i for i in load_indicators().indicators}
    u5 = catalogue["ty-suat-chet-duoi-5-tuoi"]
    assert "× 1.000" in u5.formula and u5.breakdown == ["giới tính"] and u5.period == "năm"
    for indicator in catalogue.values():
        if indicator.formula:   # a formula says how sure it is, apart from the indicator's name
            assert indicator.formula_status is not None, indicator.id
