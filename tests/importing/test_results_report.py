"""`kehoach report-import BAO_CAO.docx`: a unit's figures read back from the targets table of its Báo cáo in Word —
kehoach's own, another layout typed by a commune, and a real province report whose targets are not the plan's."""

from __future__ import annotations

from docx import Document

from authoring.cli.commands import main
from authoring.lifecycle.report import render_report, rollup
from authoring.loading import load_plan_or_raise
from authoring.loading.results import load_results
from helpers import FIXTURES, MINIMAL

GOOD = FIXTURES / "results" / "hoa-binh-2026-h1.yaml"
REAL = FIXTURES / "real" / "reports" / "001-lam-dong-bc-cchc-quy-i-2026.docx"


def imported(runner, tmp_path, docx, *extra):
    out = tmp_path / "ket-qua.yaml"
    result = runner.invoke(main, ["report-import", str(docx), "--plan", str(MINIMAL), "--unit",
                                  "Ủy ban nhân dân xã Hòa Bình", *extra, "-o", str(out)])
    return result, out


def test_kehoachs_own_bao_cao_gives_back_its_figures_and_period(runner, tmp_path):
    loaded = load_plan_or_raise(MINIMAL)
    result, _ = load_results(GOOD, loaded.plan)
    docx = tmp_path / "bao-cao-xa.docx"
    docx.write_bytes(render_report(loaded, rollup(loaded.plan, [result], "2026-H1")))
    result, out = imported(runner, tmp_path, docx)
    assert result.exit_code == 0, result.output
    back, index = load_results(out, loaded.plan)
    assert not index.has_errors
    assert back.results.period == "2026-H1"
    assert [(t.target, t.value) for t in back.results.targets] == [("ct-1", 96.0)]
    assert back.results.targets[0].source == "Báo cáo bao-cao-xa.docx"


def test_a_communes_own_table_layout_with_a_vietnamese_decimal_is_read(runner, tmp_path):
    from authoring.model.walk import iter_targets

    loaded = load_plan_or_raise(MINIMAL)
    (_, block, target), = list(iter_targets(loaded.plan))
    words = target.indicator or block.text   # the target's words as the plan writes them
    document = Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Kết quả thực hiện kế hoạch 6 tháng đầu năm 2026")
    table = document.add_table(rows=2, cols=5)
    for cell, text in zip(table.rows[0].cells, ["STT", "Tên chỉ tiêu", "Kế hoạch năm", "Kết quả thực hiện",
                                                "Ghi chú"]):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", words, "95%", "96,5%", "theo sổ theo dõi"]):
        cell.text = text
    docx = tmp_path / "bao-cao-tu-go.docx"
    document.save(docx)
    result, out = imported(runner, tmp_path, docx)
    assert result.exit_code == 0, result.output
    back, _ = load_results(out, loaded.plan)
    assert [(t.target, t.value) for t in back.results.targets] == [("ct-1", 96.5)]


def test_a_real_province_report_on_other_targets_is_refused_saying_why(runner, tmp_path):
    result, out = imported(runner, tmp_path, REAL)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "không dòng nào trùng câu chữ một chỉ tiêu của kế hoạch" in result.output
    assert "quý I năm 2026" not in result.output and not out.exists()


def test_a_word_report_needs_the_unit_that_sent_it(runner, tmp_path):
    result = runner.invoke(main, ["report-import", str(REAL), "--plan", str(MINIMAL), "-o", str(tmp_path / "k.yaml")])
    assert result.exit_code == 2 and "--unit" in result.output
