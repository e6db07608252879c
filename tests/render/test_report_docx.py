"""A Báo cáo's annex tables: one table is 'Phụ lục', several are 'Phụ lục I, II…', each on a landscape page."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT

from authoring.loading import load_plan_or_raise
from authoring.ooxml.reader import reading_order_lines
from authoring.render.report_docx import render_report_docx
from helpers import MINIMAL

TABLE = ("KẾT QUẢ", [("STT", 1.2), ("Nội dung", 24.0)], [["1", "Một dòng"]])


def test_one_annex_is_phu_luc_and_two_are_numbered_each_on_a_landscape_page():
    loaded = load_plan_or_raise(MINIMAL)
    one = Document(io.BytesIO(render_report_docx(loaded, [TABLE])))
    assert "Phụ lục" in reading_order_lines(one) and "Phụ lục I" not in reading_order_lines(one)
    two = Document(io.BytesIO(render_report_docx(loaded, [TABLE, TABLE])))
    lines = reading_order_lines(two)
    assert "Phụ lục I" in lines and "Phụ lục II" in lines
    assert [s.orientation for s in two.sections][1:] == [WD_ORIENT.LANDSCAPE, WD_ORIENT.LANDSCAPE]
    assert [c.text for c in two.tables[-1].rows[1].cells] == ["1", "Một dòng"]
