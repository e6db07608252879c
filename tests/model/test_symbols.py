"""Ký hiệu as real agencies write them: accepted by the model, read by import, printed as written."""

from __future__ import annotations

import io

import pytest
from docx import Document

from authoring import nd30
from authoring.importing import import_plan
from authoring.loading import load_plan
from authoring.ooxml.facts import document_facts
from authoring.ooxml.reader import reading_order_lines
from authoring.render.docx import render_docx
from helpers import FIXTURES

REAL = ["TTr-CAT(PC04)", "KH-UBND", "QĐ-UBND.VX", "CV-SYT/NVY", "BC-ĐTN", "CT/TW", "KH-SLĐTBXH", "HD-BTGTU"]


@pytest.mark.parametrize("symbol", REAL)
def test_real_symbols_are_accepted_and_printed_as_written(write_plan, symbol):
    loaded, index = load_plan(write_plan(("  symbol: KH-UBND", f"  symbol: '{symbol}'")))
    assert loaded is not None and not index.has_errors, [f.message for f in index.findings]
    assert loaded.plan.document.symbol == symbol
    lines = reading_order_lines(Document(io.BytesIO(render_docx(loaded))))
    assert any(line.startswith("Số:") and line.endswith(f"/{symbol}") for line in lines), lines[:8]


@pytest.mark.parametrize("symbol", REAL)
def test_the_number_line_reads_back_the_whole_symbol(symbol):
    line = nd30.number_line(7, symbol)
    assert nd30.NUMBER_PREFIX_RE.match(line + "  Hà Nội, ngày 01 tháng 01 năm 2025").group("symbol") == symbol
    assert nd30.NUMBER_SEARCH_RE.search("x " + line + " y").group("symbol") == symbol


@pytest.mark.parametrize("symbol", ["KH UBND", "KH", "KH-", "KH-UBND.", "kh-ubnd", "KH--UBND", "KH-(PC04)"])
def test_malformed_symbols_are_refused_in_vietnamese(write_plan, symbol):
    loaded, index = load_plan(write_plan(("  symbol: KH-UBND", f"  symbol: '{symbol}'")))
    messages = [f.message for f in index.findings]
    assert index.has_errors and any("ký hiệu" in m and "không đúng dạng" in m for m in messages), messages


@pytest.mark.parametrize("typed,clean", [("KH - UBND", "KH-UBND"), ("TTr-CAT (PC04)", "TTr-CAT(PC04)"),
                                         ("CV-SYT / NVY", "CV-SYT/NVY"), ("QĐ-UBND. VX", "QĐ-UBND.VX"),
                                         ("KH–UBND", "KH-UBND")])
def test_clean_symbol_joins_groups_without_spaces(typed, clean):
    assert nd30.clean_symbol(typed) == clean


def test_a_real_submission_with_its_unit_in_brackets_imports(tmp_path):
    source = FIXTURES / "real" / "docx" / "016-lam-dong-ttr-cat-409.docx"
    assert document_facts(source).symbol == "TTr-CAT(PC04)"
    out = tmp_path / "ttr.yaml"
    out.write_text(import_plan(source).yaml_text, encoding="utf-8")
    loaded, index = load_plan(out)
    assert loaded is not None and not index.has_errors
    assert loaded.plan.document.symbol == "TTr-CAT(PC04)" and loaded.plan.document.type == "Tờ trình"
