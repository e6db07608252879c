"""Every command's output on the examples names agencies, comparators, periods and levels in words, not codes."""

from __future__ import annotations

import re

import pytest

from authoring.cli import main
from authoring.loading import load_registry
from authoring.model import Comparator, ReportPeriod
from helpers import EXAMPLES

CODES = sorted({c.value for c in Comparator} | {p.value for p in ReportPeriod if "_" in p.value} | {"trung_uong"})
ENGLISH = ["INTEGER", "RANGE", "TEXT", "None", "x>=", "Usage:", "Options:", "Error:", "…\n"]


def _pattern():
    ids = sorted(load_registry().agencies, key=len, reverse=True)
    return re.compile(r"(?<![\w/#.-])(" + "|".join(map(re.escape, ids + CODES)) + r")(?![\w-]|\.\d)")


def _outputs(runner, example, tmp_path):
    report = tmp_path / "bao-cao.html"
    runs = [["show", example], ["check", example], ["check", example, "--format", "html", "-o", report],
            ["validate", example], ["new-year", example, "--year", "2027", "-o", tmp_path / "nam-sau.yaml"],
            ["diff", example, tmp_path / "nam-sau.yaml"]]
    for args in runs:
        result = runner.invoke(main, [str(a) for a in args])
        assert result.exit_code in (0, 1), result.output
        yield " ".join(map(str, args[:1])), result.output
    yield "báo cáo HTML", report.read_text(encoding="utf-8")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_outputs_use_words_not_codes(runner, example, tmp_path):
    pattern = _pattern()
    for what, text in _outputs(runner, example, tmp_path):
        text = text.replace(str(tmp_path), "").replace(str(example), "")
        hits = sorted(set(pattern.findall(text)))
        assert not hits, (what, hits)
        assert not re.search(r"kỳ (nam|quy|thang)\b|cấp: (xa|tinh|huyen)\b", text), what


def test_help_pages_are_vietnamese_with_an_example(runner):
    top = runner.invoke(main, ["--help"]).output
    assert "…" not in top and "..." not in top.split("Lệnh:")[1]
    for name in main.commands:
        page = runner.invoke(main, [name, "--help"]).output
        assert "Ví dụ:" in page and f"kehoach {name}" in page, name
        for word in ENGLISH:
            assert word not in page, (name, word)
