"""The whole province's reporting round, as a Sở runs it: the Nghệ An 2025 plan derived for 20 communes, each
commune's generated figures for 6 months of 2026 and of 2025, each commune's own Báo cáo, then `kehoach report` over
the folder of communes' plans with two communes that did not report and last year's folder beside it."""

from __future__ import annotations

import importlib.util
import random
import sys

import pytest
from docx import Document

from authoring.cli.commands import main
from authoring.lifecycle.derive import derive
from authoring.lifecycle.report import render_report, results_form, rollup
from authoring.loading import load_plan_or_raise
from authoring.loading.results import load_results, results_to_yaml
from authoring.ooxml.reader import reading_order_lines
from authoring.rules.docx import lint_docx
from helpers import ROOT

# The figures are generated as benchmarks/report.py generates them (one generator, seeded).
_spec = importlib.util.spec_from_file_location("report_benchmark", ROOT / "benchmarks" / "report.py")
report_benchmark = importlib.util.module_from_spec(_spec)
sys.modules["report_benchmark"] = report_benchmark
_spec.loader.exec_module(report_benchmark)
PROVINCE = report_benchmark.PROVINCE
filled = report_benchmark.fill


def communes(n: int) -> list[str]:
    return report_benchmark.units_of_nghe_an()[:n]


@pytest.fixture(scope="module")
def round_of_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("nghe-an-bao-cao")
    province = load_plan_or_raise(PROVINCE)
    names = communes(22)
    reporting, silent = names[:20], names[20:]
    rng = random.Random(27)
    commune_reports = []
    for folder in ("ke-hoach-xa", "2026-h1", "2025-h1", "bao-cao-xa"):
        (out / folder).mkdir()
    for name in reporting:
        text, _ = derive([province], name, None, 5, 2026)
        plan_file = out / "ke-hoach-xa" / f"{name}.yaml"
        plan_file.write_text(text, encoding="utf-8")
        own = load_plan_or_raise(plan_file)
        for period, folder in (("2026-H1", "2026-h1"), ("2025-H1", "2025-h1")):
            form = filled(results_form(own.plan, f"Ủy ban nhân dân {name}", period), rng)
            (out / folder / f"{name}.yaml").write_text(results_to_yaml(form, plan=own.plan), encoding="utf-8")
        loaded, index = load_results(out / "2026-h1" / f"{name}.yaml", own.plan)
        assert not index.has_errors, index.sorted()
        docx = out / "bao-cao-xa" / f"{name}.docx"
        docx.write_bytes(render_report(own, rollup(own.plan, [loaded], "2026-H1")))
        commune_reports.append(docx)
    (out / "don-vi.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    return out, commune_reports, silent


def test_each_communes_own_bao_cao_is_lint_clean(round_of_reports):
    _, reports, _ = round_of_reports
    assert len(reports) == 20
    for docx in reports:
        assert list(lint_docx(docx)) == [], docx.name


def test_the_provinces_bao_cao_rolls_up_twenty_communes_names_the_silent_ones_and_compares_with_last_year(
        round_of_reports, runner):
    out, _, silent = round_of_reports
    target = out / "bao-cao-tinh-2026-h1.docx"
    result = runner.invoke(main, ["report", str(PROVINCE), *sorted(str(p) for p in (out / "2026-h1").glob("*.yaml")),
                                  "--plans", str(out / "ke-hoach-xa"), "--units", str(out / "don-vi.txt"),
                                  "--previous", str(out / "2025-h1"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "20 đơn vị đã báo cáo, 2 đơn vị chưa báo cáo" in result.output
    lint = runner.invoke(main, ["lint-docx", str(target)])
    assert lint.exit_code == 0, lint.output
    document = Document(target)
    text = "\n".join(reading_order_lines(document))
    assert "20/22 đơn vị đã gửi báo cáo." in text and all(name in text for name in silent)
    assert "cùng kỳ năm 2025:" in text
    headings = [c.text for c in document.tables[-2].rows[0].cells]
    assert "Cùng kỳ năm 2025" in headings
    assert len(document.tables[-1].rows) == 1 + 22          # one row per commune, the silent ones included
    # the same inputs give the same bytes
    again = out / "lan-2.docx"
    runner.invoke(main, ["report", str(PROVINCE), *sorted(str(p) for p in (out / "2026-h1").glob("*.yaml")),
                         "--plans", str(out / "ke-hoach-xa"), "--units", str(out / "don-vi.txt"),
                         "--previous", str(out / "2025-h1"), "-o", str(again)])
    assert again.read_bytes() == target.read_bytes()
