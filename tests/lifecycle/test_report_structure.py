"""The Báo cáo that `kehoach report` writes, measured against real Báo cáo kết quả of a province
(tests/fixtures/real/reports/): the same kinds of sections in the same order, an annex table of indicators that
starts as theirs does."""

from __future__ import annotations

import re

import pytest
import yaml
from docx import Document

from authoring.lifecycle.report import render_report, rollup
from authoring.loading import load_plan_or_raise
from authoring.loading.results import load_results
from helpers import FIXTURES, MINIMAL

REPORTS = FIXTURES / "real" / "reports"
INDEX = yaml.safe_load((REPORTS / "index.yaml").read_text(encoding="utf-8"))
# What each Roman-numbered section of a Báo cáo kết quả is about, by its words.
KINDS = {"chỉ đạo": "CHỈ ĐẠO", "kết quả": "KẾT QUẢ", "đánh giá": "ĐÁNH GIÁ", "phương hướng": "PHƯƠNG HƯỚNG",
         "kiến nghị": ("KIẾN NGHỊ", "ĐỀ XUẤT")}


def kinds(headings: list[str]) -> list[str]:
    out = []
    for heading in headings:
        for kind, words in KINDS.items():
            if any(w in heading.upper() for w in ((words,) if isinstance(words, str) else words)):
                out.append(kind)
                break
    return out


def roman_headings(document) -> list[str]:
    return [" ".join(p.text.split()) for p in document.paragraphs if re.match(r"^\s*[IVX]+\.\s", p.text)]


@pytest.fixture(scope="module")
def ours(tmp_path_factory):
    loaded = load_plan_or_raise(MINIMAL)
    result, _ = load_results(FIXTURES / "results" / "hoa-binh-2026-h1.yaml", loaded.plan)
    path = tmp_path_factory.mktemp("bc") / "bao-cao.docx"
    path.write_bytes(render_report(loaded, rollup(loaded.plan, [result], "2026-H1")))
    return Document(path)


@pytest.mark.parametrize("entry", INDEX, ids=[e["file"].rsplit("/", 1)[-1] for e in INDEX])
def test_the_real_reports_sections_are_read_as_written_down(entry):
    document = Document(REPORTS / entry["file"])
    assert roman_headings(document) == entry["sections"]


def test_our_sections_are_the_real_reports_kinds_in_their_order(ours):
    mine = kinds(roman_headings(ours))
    assert mine == ["chỉ đạo", "kết quả", "đánh giá", "phương hướng", "kiến nghị"]
    for entry in INDEX:
        theirs = kinds(entry["sections"])
        # every kind of section a real report has, ours has, in the same order
        assert [k for k in mine if k in theirs] == theirs, entry["file"]
    # each kind is in at least one real report: nothing of ours is invented
    seen = {k for entry in INDEX for k in kinds(entry["sections"])}
    assert set(mine) <= seen


def test_our_annex_of_targets_starts_as_the_real_statistics_tables(ours):
    real = [e["table"] for e in INDEX if e["table"]]
    assert real
    heading = [" ".join(c.text.split()) for c in ours.tables[-2].rows[0].cells]
    for theirs in real:
        assert heading[0] == theirs[0] == "STT"
        assert heading[1].startswith("Chỉ tiêu") and theirs[1].startswith("Chỉ tiêu")
