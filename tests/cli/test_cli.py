"""The command line: exit codes, Vietnamese usage errors, reports."""

import json
import re

from authoring.cli import main
from helpers import EXAMPLES, MINIMAL, example


def test_usage_error_exits_2_in_vietnamese(runner):
    result = runner.invoke(main, ["show", "--jsn", str(MINIMAL)])
    assert result.exit_code == 2
    assert "Không có tùy chọn '--jsn'" in result.output and "--json" in result.output


def test_unknown_command_exits_2(runner):
    result = runner.invoke(main, ["khong-co"])
    assert result.exit_code == 2 and "Không có lệnh" in result.output


def test_help_is_in_vietnamese(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "Cách dùng:" in result.output and "Lệnh:" in result.output


def test_command_list_says_import_takes_pdfs_and_scans(runner):
    import_line = next(line for line in runner.invoke(main, ["--help"]).output.splitlines()
                       if line.strip().startswith("import "))
    assert "PDF" in import_line and "bản quét" in import_line


def test_validate_passes_the_examples(runner):
    result = runner.invoke(main, ["validate", *map(str, EXAMPLES)])
    assert result.exit_code == 0 and "5 tệp: 0 lỗi" in result.output


def test_validate_json_report_has_findings_and_summary(runner, write_plan):
    bad = write_plan(("  place: Hòa Bình", "  plcae: Hòa Bình"))
    result = runner.invoke(main, ["validate", "--format", "json", str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"]["errors"] == 1
    finding = report["findings"][0]
    assert set(finding) >= {"code", "severity", "message", "file", "line", "path", "suggestion"}


def test_validate_writes_an_html_report_whole(runner, write_plan, tmp_path):
    out = tmp_path / "bao-cao.html"
    result = runner.invoke(main, ["validate", "--format", "html", "-o", str(out), str(MINIMAL)])
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert not list(tmp_path.glob(".*.tmp"))


def test_text_prints_the_plan_in_reading_order(runner):
    result = runner.invoke(main, ["text", str(MINIMAL)])
    lines = result.output.splitlines()
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH", "Số:     /KH-UBND"]
    assert lines.index("I. CHỈ TIÊU") < lines.index("II. TỔ CHỨC THỰC HIỆN")


# --- choices are Vietnamese words, never the codes the model stores ------------------------------------------------

WEB_COPY = MINIMAL.parent / "real" / "web" / "001-nghe-an-kh-cong-tac-tre-em-2025.txt"


def _imported_level(runner, tmp_path, word):
    out = tmp_path / "nhap.yaml"
    result = runner.invoke(main, ["import", str(WEB_COPY), "-o", str(out), "--level", word])
    assert result.exit_code == 0, result.output
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(out.read_text(encoding="utf-8"))["document"]["level"]


def test_import_level_takes_vietnamese_words_with_or_without_diacritics(runner, tmp_path):
    for word, stored in [("xã", "xa"), ("xa", "xa"), ("Trung ương", "trung_uong"), ("trung uong", "trung_uong"),
                         ("huyện", "huyen"), ("cấp tỉnh", "tinh"), ("TINH", "tinh")]:
        assert _imported_level(runner, tmp_path, word) == stored, word


def test_import_level_error_and_help_show_words_not_codes(runner, tmp_path):
    result = runner.invoke(main, ["import", str(WEB_COPY), "-o", str(tmp_path / "x.yaml"), "--level", "tỉnh thành"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "'tỉnh thành' không phải cấp" in result.output
    assert "trung ương, tỉnh, huyện, xã" in result.output and "trung_uong" not in result.output
    assert not (tmp_path / "x.yaml").exists()
    help_text = runner.invoke(main, ["import", "--help"]).output
    assert "trung ương, tỉnh, huyện hoặc xã" in help_text and "trung_uong" not in help_text


def test_report_format_is_chosen_in_vietnamese(runner):
    help_text = runner.invoke(main, ["check", "--help"]).output
    assert "văn bản, json hoặc html" in help_text and "mặc định: văn" in help_text and "text" not in help_text
    plain = runner.invoke(main, ["validate", "--format", "van ban", str(MINIMAL)])
    assert plain.exit_code == 0 and "0 lỗi" in plain.output
    wrong = runner.invoke(main, ["validate", "--format", "pdf", str(MINIMAL)])
    assert wrong.exit_code == 2 and "văn bản, json, html" in wrong.output


def test_show_cites_a_legal_document_with_the_year_in_its_number(runner):
    from helpers import FIXTURES

    result = runner.invoke(main, ["show", str(FIXTURES / "derive_pairs" / "parents" / "tt-10-2022.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Thông tư số 10/2022/TT-BLĐTBXH — Bộ Lao động - Thương binh và Xã hội")


def test_sign_with_a_plan_whose_number_was_typed_by_hand_is_refused_naming_the_field(runner, write_plan, tmp_path):
    """--plan takes the số and ngày only from a plan carrying its issue record: a typed number and date are not
    the register's, even with a full date."""
    plan = write_plan(("  symbol: KH-UBND", "  number: 7\n  symbol: KH-UBND"))
    pdf, p12 = tmp_path / "van-ban.pdf", tmp_path / "co-quan.p12"
    pdf.write_bytes(b"%PDF-1.7\n")
    p12.write_bytes(b"x")
    result = runner.invoke(main, ["sign", str(pdf), "--p12", str(p12), "--field", "ChuKyCoQuan", "--plan", str(plan)])
    assert result.exit_code == 1, result.output
    assert "K107" in result.output and f"{plan}:9" in result.output and "[document.number]" in result.output
    assert "kehoach issue" in result.output and "Traceback" not in result.output


def test_derive_without_a_date_takes_the_month_of_vietnam_s_day_not_the_server_s(runner, tmp_path, utc_clock):
    utc_clock("2025-11-30 23:30")   # already 06:30 on 01/12/2025 in Hà Nội; a server in UTC is still on 30/11
    out = tmp_path / "nam-dan.yaml"
    result = runner.invoke(main, ["derive", str(EXAMPLES[-1]), "--unit", "xã Nam Đàn", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "\n  date: 2025-12  #" in out.read_text(encoding="utf-8")


def test_new_year_names_the_line_of_the_new_file_for_each_change(runner, tmp_path):
    target = tmp_path / "nam-sau.yaml"
    result = runner.invoke(main, ["new-year", str(example("kon-tum-2020-kh-chua-so")), "--year", "2026", "-o", str(target)])
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    changes = re.findall(rf"{re.escape(str(target))}:(\d+): Đổi cơ quan \[document\.place\]: Kon Tum → (\S+ \S+)", result.output)
    assert changes and changes[0][1] in lines[int(changes[0][0]) - 1]
    assert all(re.match(rf"  {re.escape(str(target))}:\d+: ", line) for line in result.output.splitlines()[1:-2]
               if "[" in line)
