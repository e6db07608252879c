"""Loading: every malformed input gets one located Vietnamese finding; good input loads in NFC."""

import unicodedata

import pytest

from authoring.cli import main
from authoring.loading import load_plan
from helpers import MINIMAL


def _only_finding(path):
    loaded, index = load_plan(path)
    errors = [f for f in index.sorted() if f.severity.value == "error"]
    assert len(errors) == 1, [f.message for f in errors]
    return errors[0]


def test_minimal_plan_loads_without_findings():
    loaded, index = load_plan(MINIMAL)
    assert loaded is not None and len(index) == 0


BROKEN = {
    # name: (replacements or raw bytes, code, line, column, words the message must contain)
    "yaml_syntax": ((("  symbol: KH-UBND", "  symbol: KH-UBND: x"),), "L103", 9, 18, "dấu ':'"),
    "unknown_key_typo": ((("  place: Hòa Bình", "  plcae: Hòa Bình"),), "L110", 10, 3, "'plcae'"),
    "wrong_type": ((("value: 95,", "value: chín mươi lăm,"),), "L112", 30, 31, "phải là một số"),
    "impossible_date": ((("date: 2026-01-06", "date: 2026-02-31"),), "L114", 11, 9, "không có thật"),
    "impossible_due_date": ((("due: 10/11", "due: 31/02"),), "L114", 42, 89, "chỉ có 29 ngày"),
    "duplicate_id": ((("id: vhxh.1", "id: ct-1"),), "L120", 38, 17, "đã dùng"),
    "unknown_agency_id": ((("agency: phong-van-hoa-xa-hoi", "agency: phong-van-hoa-xahoi"),), "L121", 36, 17,
                          "không có cơ quan mã 'phong-van-hoa-xahoi'"),
    "missing_field": (((  "  title: Thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026\n", ""),), "L111", 5, 3, "thiếu trường bắt buộc 'title'"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_each_malformed_input_gets_one_located_vietnamese_message(case, write_plan):
    replacements, code, line, column, words = BROKEN[case]
    finding = _only_finding(write_plan(*replacements))
    assert (finding.code, finding.line, finding.column) == (code, line, column), finding
    assert words in finding.message
    assert finding.suggestion, "every finding says how to fix it"


def test_typo_in_a_key_suggests_the_right_name(write_plan):
    finding = _only_finding(write_plan(("  place: Hòa Bình", "  plcae: Hòa Bình")))
    assert "Có phải ý bạn là 'place'" in finding.suggestion


def test_unknown_agency_id_suggests_the_closest_registered_id(write_plan):
    finding = _only_finding(write_plan(("agency: phong-van-hoa-xa-hoi", "agency: phong-van-hoa-xahoi")))
    assert "phong-van-hoa-xa-hoi" in finding.suggestion


def test_file_in_a_legacy_vietnamese_encoding_is_reported_with_its_position(write_plan):
    raw = MINIMAL.read_text(encoding="utf-8").encode("cp1258", errors="replace")
    finding = _only_finding(write_plan(raw=raw))
    assert finding.code == "L101" and finding.line == 7 and "UTF-8" in finding.message


@pytest.mark.parametrize("raw", [b"", "# chỉ có chú thích\n".encode("utf-8"), b"\n\n"])
def test_empty_file_is_reported_as_empty(raw, write_plan):
    finding = _only_finding(write_plan(raw=raw))
    assert finding.code == "L102" and finding.line == 1 and "tệp rỗng" in finding.message


def test_all_problems_of_a_file_are_reported_at_once(write_plan):
    path = write_plan(("  place: Hòa Bình", "  plcae: Hòa Bình"), ("date: 2026-01-06", "date: 2026-02-31"),
                      ("value: 95,", "value: nhiều,"))
    _, index = load_plan(path)
    assert {f.code for f in index.findings} == {"L110", "L114", "L112"}


def test_text_arriving_in_nfd_is_stored_in_nfc_and_still_matches_the_registry(write_plan, tmp_path):
    text = MINIMAL.read_text(encoding="utf-8").replace("agency: phong-van-hoa-xa-hoi", "agency: Phòng Văn hóa - Xã hội")
    path = tmp_path / "nfd.yaml"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    loaded, index = load_plan(path)
    assert not index.has_errors
    title = loaded.plan.document.title
    assert title == unicodedata.normalize("NFC", title)
    assert loaded.agency_id(unicodedata.normalize("NFC", "Phòng Văn hóa - Xã hội")) == "phong-van-hoa-xa-hoi"


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_cli_exits_1_with_file_line_column_and_no_traceback(case, write_plan, runner):
    replacements, code, line, column, _ = BROKEN[case]
    path = write_plan(*replacements)
    result = runner.invoke(main, ["show", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{line}:{column}: lỗi {code}" in result.output
    assert "Traceback" not in result.output


def test_cli_reports_a_missing_file_as_bad_input(runner, tmp_path):
    result = runner.invoke(main, ["show", str(tmp_path / "khong-co.yaml")])
    assert result.exit_code == 1 and "không tìm thấy tệp" in result.output


def test_a_plan_read_from_text_is_the_plan_read_from_its_file():
    from helpers import example

    path = example("nghe-an")
    from_file, _ = load_plan(path)
    from_text, index = load_plan(path, text=path.read_text(encoding="utf-8"))
    assert not index.has_errors and from_text.plan == from_file.plan


def test_text_over_the_size_limit_is_refused_like_a_file(tmp_path):
    from authoring import limits

    _, index = load_plan(tmp_path / "x.yaml", text="# " + "a" * (limits.MAX_PLAN_BYTES + 10))
    assert [f.code for f in index.sorted()] == ["L105"]
