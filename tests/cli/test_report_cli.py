"""`kehoach report-form`, `report-check` and `report`: the commands over results and the Báo cáo."""

from __future__ import annotations

from authoring.cli.commands import main
from helpers import FIXTURES, MINIMAL

GOOD = FIXTURES / "results" / "hoa-binh-2026-h1.yaml"


def test_report_form_writes_a_form_the_check_accepts(runner, tmp_path):
    out = tmp_path / "mau.yaml"
    result = runner.invoke(main, ["report-form", str(MINIMAL), "--unit", "Ủy ban nhân dân xã Hòa Bình",
                                  "--period", "2026-H1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 chỉ tiêu, 1 nhiệm vụ" in result.output
    result = runner.invoke(main, ["report-check", str(MINIMAL), str(out)])
    assert result.exit_code == 0 and "1 tệp kết quả dùng được" in result.output


def test_a_malformed_period_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["report-form", str(MINIMAL), "--unit", "xã A", "--period", "2026-6",
                                  "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and "2026-H1" in result.output and "Traceback" not in result.output


def test_results_with_errors_exit_1_naming_file_line_and_fix(runner, tmp_path):
    bad = tmp_path / "sai.yaml"
    bad.write_text(GOOD.read_text(encoding="utf-8").replace("value: 96", "value: 90"), encoding="utf-8")
    result = runner.invoke(main, ["report", str(MINIMAL), str(bad), "-o", str(tmp_path / "bc.docx")])
    assert result.exit_code == 1 and f"{bad}:8:" in result.output and "Q104" in result.output
    assert "Cách sửa" in result.output and not (tmp_path / "bc.docx").exists()


def test_report_writes_the_bao_cao_naming_units_that_did_not_report(runner, tmp_path):
    units = tmp_path / "don-vi.txt"
    units.write_text("xã Hòa Bình\nxã Nam Sơn\n", encoding="utf-8")
    out = tmp_path / "bc.docx"
    result = runner.invoke(main, ["report", str(MINIMAL), str(GOOD), "--units", str(units), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 đơn vị đã báo cáo, 1 đơn vị chưa báo cáo" in result.output and out.stat().st_size > 0


def test_report_form_as_xlsx_and_report_import_make_a_results_file(runner, tmp_path):
    form = tmp_path / "mau.xlsx"
    result = runner.invoke(main, ["report-form", str(MINIMAL), "--unit", "Ủy ban nhân dân xã Hòa Bình",
                                  "--period", "2026-H1", "-o", str(form)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "ket-qua.yaml"
    result = runner.invoke(main, ["report-import", str(form), "--plan", str(MINIMAL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "kind: results" in out.read_text(encoding="utf-8")


def test_report_import_of_a_csv_needs_unit_and_period(runner, tmp_path):
    table = tmp_path / "xuat.csv"
    table.write_text("Mã,Giá trị đạt được\nct-1,96\n", encoding="utf-8")
    result = runner.invoke(main, ["report-import", str(table), "--plan", str(MINIMAL), "-o", str(tmp_path / "k.yaml")])
    assert result.exit_code == 2 and "--unit" in result.output


def test_report_with_unit_plans_rolls_communes_results_up_onto_the_province_plan(runner, tmp_path):
    import shutil

    plans = tmp_path / "ke-hoach-xa"
    plans.mkdir()
    shutil.copy(FIXTURES / "check" / "child.yaml", plans / "xa-2026.yaml")
    shutil.copy(FIXTURES / "check" / "parent.yaml", tmp_path / "parent.yaml")
    form = tmp_path / "ket-qua.yaml"
    assert runner.invoke(main, ["report-form", str(plans / "xa-2026.yaml"), "--unit", "Ủy ban nhân dân xã Hòa Bình",
                                "--period", "2026-H1", "-o", str(form)]).exit_code == 0
    out = tmp_path / "bc.docx"
    result = runner.invoke(main, ["report", str(tmp_path / "parent.yaml"), str(form), "--plans", str(plans),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["report", str(tmp_path / "parent.yaml"), str(form), "-o", str(out)])
    assert result.exit_code == 1 and "Q100" in result.output  # without the commune's plan it cannot be read


def test_report_with_last_year_folder_writes_the_change_beside_each_target(runner, tmp_path):
    from docx import Document

    earlier = tmp_path / "2025-h1"
    earlier.mkdir()
    text = GOOD.read_text(encoding="utf-8").replace("period: 2026-H1", "period: 2025-H1")
    text = text.replace("value: 96", "value: 90").replace("numerator: 48", "numerator: 45")
    (earlier / "hoa-binh.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "bc.docx"
    result = runner.invoke(main, ["report", str(MINIMAL), str(GOOD), "--previous", str(earlier), "-o", str(out)])
    assert result.exit_code == 0, result.output
    cells = [c.text for c in Document(out).tables[-2].rows[1].cells]
    assert cells[4:6] == ["90%", "tăng 6 điểm phần trăm"]


def test_report_with_an_empty_previous_folder_is_a_usage_error(runner, tmp_path):
    (tmp_path / "trong").mkdir()
    result = runner.invoke(main, ["report", str(MINIMAL), str(GOOD), "--previous", str(tmp_path / "trong"),
                                  "-o", str(tmp_path / "bc.docx")])
    assert result.exit_code == 2 and "không có tệp kết quả" in result.output
