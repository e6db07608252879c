"""Text a document cannot carry is refused at validation, with the field named, before render can break."""

from __future__ import annotations

import pytest

from authoring.loading import load_plan
from hostile_run import assert_refused, kehoach


def _errors(path):
    _, index = load_plan(path)
    return [f for f in index.sorted() if f.severity.value == "error"]


BAD_CHARS = {"SOH": "\\x01", "VT": "\\v", "ESC": "\\e", "NUL": "\\0", "BEL": "\\a", "FF": "\\f", "FFFE": "\\uFFFE",
             "marker": "\\u2063"}
FIELDS = {  # field path → (text in the minimal plan, its line)
    "document.title": ("  title: Thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026", 12),
    "document.issuer.name": ("    name: Ủy ban nhân dân xã Hòa Bình", 7),
    "signature.name": ("  name: Nguyễn Văn An", 49),
}


@pytest.mark.parametrize("char", sorted(BAD_CHARS))
@pytest.mark.parametrize("field", sorted(FIELDS))
def test_characters_xml_cannot_carry_are_refused_with_the_field(write_plan, field, char):
    original, line = FIELDS[field]
    key, _, value = original.partition(": ")
    path = write_plan((original, f'{key}: "{value}{BAD_CHARS[char]}x"'))
    errors = _errors(path)
    assert len(errors) == 1, errors
    assert errors[0].path == field and errors[0].code == "L107", errors[0]
    assert "không in được" in errors[0].message and errors[0].suggestion
    if line:
        assert errors[0].line == line


def test_control_character_in_a_block_text_too(write_plan):
    errors = _errors(write_plan(("text: 95% trẻ em có hoàn cảnh đặc biệt được trợ giúp;",
                                 'text: "95% trẻ em\\x1b có hoàn cảnh"')))
    assert [e.path for e in errors] == ["sections[0].blocks[0].text"]


def test_render_and_check_refuse_instead_of_crashing(write_plan, tmp_path):
    path = write_plan(("  name: Nguyễn Văn An", '  name: "Nguyễn Văn An\\x01"'))
    assert_refused(kehoach("render", path, "-o", tmp_path / "out.docx"), "signature.name", "không in được")
    assert not (tmp_path / "out.docx").exists()
    assert_refused(kehoach("check", path), "signature.name")


@pytest.mark.parametrize("char,name", [("\\t", "Tab"), ("\\n", "xuống dòng")])
def test_tab_or_newline_in_a_single_line_field(write_plan, char, name):
    errors = _errors(write_plan(("  title: Thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026",
                                 f'  title: "Thực hiện{char}công tác"')))
    assert len(errors) == 1 and errors[0].path == "document.title" and name in errors[0].message


@pytest.mark.parametrize("field,original", [
    ("document.province", "  province: Lạng Sơn"),
    ("document.symbol", "  symbol: KH-UBND"),
])
def test_over_long_short_fields(write_plan, field, original):
    key, _, value = original.partition(": ")
    long_value = "KH-" + "A" * 300 if "symbol" in field else value + " " + "dài " * 80
    errors = _errors(write_plan((original, f"{key}: {long_value}")))
    assert len(errors) == 1 and errors[0].path == field and "quá 200 ký tự" in errors[0].message


def test_over_long_type(write_plan):
    errors = _errors(write_plan(("  symbol: KH-UBND", "  symbol: KH-UBND\n  type: " + "Kế hoạch " * 40)))
    assert len(errors) == 1 and errors[0].path == "document.type"


@pytest.mark.parametrize("date", ["0000-01-01", "0000", "9999-12-31"])
def test_year_zero_and_far_years_are_refused(write_plan, date, tmp_path):
    path = write_plan(("date: 2026-01-06", f"date: {date}"))
    errors = _errors(path)
    assert len(errors) == 1 and errors[0].path == "document.date" and "năm" in errors[0].message.lower()
    assert_refused(kehoach("check", path), "document.date")
    assert_refused(kehoach("render", path, "-o", tmp_path / "x.docx"), "document.date")


def test_target_year_zero(write_plan):
    errors = _errors(write_plan(("year: 2026}", "year: 0}")))
    assert len(errors) == 1 and "lớn hơn hoặc bằng 1900" in errors[0].message


def test_very_long_implements_id(write_plan):
    path = write_plan(("bases:\n", "implements: [" + "x" * 5000 + "]\nbases:\n"))
    errors = _errors(path)
    assert len(errors) == 1 and errors[0].path == "implements[0]" and "quá 200 ký tự" in errors[0].message
    assert_refused(kehoach("check", path), "implements[0]")
