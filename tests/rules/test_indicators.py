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
    assert "«Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin» (mã số 0206, Phụ lục I của Thông tư " \
        "số 13/2021/TT-BLĐTBXH)" in finding.message
    count = write_plan((SPECIAL, "Có 120 trẻ em dưới 1 tuổi được tiêm chủng đầy đủ các loại vắc xin;"),
                       ('unit: "%"', "unit: trẻ em"))
    (finding,) = [f for f in run_check(count).index.sorted() if f.code == "G101"]
    assert "«Số trẻ em dưới một tuổi được tiêm chủng đầy đủ các loại vắc xin»" in finding.message


def test_formulas_breakdowns_and_periods_are_given_with_their_own_confidence():
    catalogue = {i.id: i for i in load_indicators().indicators}
    u5 = catalogue["ty-suat-chet-duoi-5-tuoi"]
    assert "× 1.000" in u5.formula and u5.period == "Năm"
    assert u5.breakdown == ["Giới tính", "Thành thị/nông thôn", "Vùng", "Tỉnh/thành phố trực thuộc Trung ương"]
    for indicator in catalogue.values():
        if indicator.formula:   # a formula says how sure it is, apart from the indicator's name
            assert indicator.formula_status is not None, indicator.id


def test_every_indicator_of_the_thong_tu_is_catalogued_once_by_its_annex_and_code_with_its_source():
    """Phụ lục I (trẻ em, 60 chỉ tiêu) and Phụ lục II (xâm hại trẻ em, 24) number their indicators apart: 0101 is in
    both, so an indicator is its annex and its code; each was read in the Công báo text."""
    indicators = load_indicators().indicators
    coded = [(i.catalogue, i.code) for i in indicators if i.code]
    assert len(coded) == len(set(coded)) == 84
    assert sum(1 for c, _ in coded if c == "Phụ lục I") == 60 and sum(1 for c, _ in coded if c == "Phụ lục II") == 24
    by_code = {(i.catalogue, i.code): i for i in indicators if i.code}
    assert by_code[("Phụ lục I", "0210")].name == "Tỷ suất trẻ em bị tử vong do đuối nước"
    assert by_code[("Phụ lục II", "0101")].name == "Số trẻ em bị xâm hại"
    assert {i.code: i.national_code for i in indicators if i.national_code} == {
        "0102": "0103", "0103": "0104", "0202": "1604", "0203": "1603", "0204": "1606", "0206": "1605", "0323": "0112"}
    for indicator in by_code.values():
        assert "[tt13-cb]" in indicator.source and indicator.status.value == "confirmed" and indicator.period, \
            indicator.id


def test_two_indicators_with_one_code_in_one_annex_are_refused(tmp_path):
    import pytest

    from authoring.errors import InputError
    from authoring.loading.indicators import _cached

    entry = "  - {{id: {0}, code: \"0101\", catalogue: Phụ lục I, name: Dân số trẻ em, status: confirmed, source: x}}\n"
    (tmp_path / "indicators.yaml").write_text("indicators:\n" + entry.format("a") + entry.format("b"), encoding="utf-8")
    with pytest.raises(InputError) as refused:
        _cached(str(tmp_path))
    assert "0101 (Phụ lục I)" in str(refused.value)


def test_check_names_the_code_of_the_indicator_a_drowning_target_measures(write_plan):
    path = write_plan((SPECIAL, "Giảm tỷ suất trẻ em bị tử vong do đuối nước xuống còn 5 trên 100.000 trẻ em;"),
                      ('unit: "%"', "unit: trên 100.000 trẻ em"))
    (finding,) = [f for f in run_check(path).index.sorted() if f.code == "G101"]
    assert "«Tỷ suất trẻ em bị tử vong do đuối nước» (mã số 0210, Phụ lục I của Thông tư số 13/2021/TT-BLĐTBXH)" \
        in finding.message
