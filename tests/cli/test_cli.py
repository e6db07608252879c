"""The command line: exit codes, Vietnamese usage errors, reports."""

import json

from authoring.cli import main
from helpers import EXAMPLES, MINIMAL


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
    assert lines[:3] == ["ỦY BAN NHÂN DÂN", "XÃ HÒA BÌNH", "Số:      /KH-UBND"]
    assert lines.index("I. CHỈ TIÊU") < lines.index("II. TỔ CHỨC THỰC HIỆN")
