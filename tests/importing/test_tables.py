"""Nothing dropped: every table of a document becomes annex tasks or is kept row by row (and said); merged cells are
read as the grid they draw."""

from __future__ import annotations

import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from ruamel.yaml import YAML

from authoring.importing import import_plan
from authoring.importing.pdfsource import read_pdf
from authoring.importing.sources import _is_task_header
from authoring.loading import load_registry
from authoring.ooxml.reader import find_regions, open_document, table_text_rows
from authoring.text import match_key
from helpers import ROOT

REAL = ROOT / "tests" / "fixtures" / "real"
# The measured parts of the real PDFs are only scored (benchmarks/corpus.py), never a test to tune on.
_MEASURED = {e["file"] for e in YAML(typ="safe").load((REAL / "index.yaml").read_text(encoding="utf-8"))
             if e.get("part") in ("measured", "fresh", "fresh2", "fresh3")}
DOCUMENTS = [p for p in sorted((REAL / "docx").glob("*.docx")) + sorted((REAL / "pdf").glob("*.pdf"))
             if f"{p.parent.name}/{p.name}" not in _MEASURED]
# Refused documents still have to import somewhere: these stand in for facts a plan must have.
STAND_INS = {"symbol": "KH-UBND", "date": "2025", "level": "tinh", "title": "Nhập thử"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", match_key(text)))


def _strings(node, registry):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value, registry)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value, registry)
    elif isinstance(node, str):
        yield node
        if registry.resolve_agency(node) == node:   # an agency id stands for the name printed in the cell
            yield registry.agency_name(node)


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: f"{p.parent.name}-{p.stem[:3]}")
def test_every_table_cell_of_the_corpus_is_in_the_imported_plan_or_its_report(path):
    """The header row of a task table is its structure (STT, Nhiệm vụ, Chủ trì …: the fields), not content."""
    document = read_pdf(path).document if path.suffix == ".pdf" else open_document(path)
    regions = find_regions(document)
    layout = {id(t) for t in regions.headers} | {id(regions.closing)}
    cells = []
    for table in document.element.body.iter(qn("w:tbl")):
        if id(table) in layout:
            continue
        rows = table_text_rows(table)
        if rows and _is_task_header(rows[0]):
            rows = rows[1:]
        cells += [c for row in rows for c in row if c.strip()]
    result = import_plan(path, STAND_INS)
    registry = load_registry()
    found: set[str] = set()
    for text in [*_strings(YAML(typ="safe").load(result.yaml_text), registry), *result.notes]:
        found |= _words(text)
    lost = [c for c in cells if _words(c) - found]
    assert not lost, lost[:5]


def _plan_with_annex(tmp_path):
    """Lâm Đồng KH CCHC 2026 with, in its annex, a task whose content cell is merged over two rows (two leads) and a
    member list that is not a task table."""
    document = Document(str(REAL / "docx" / "001-lam-dong-kh-cchc-2026.docx"))
    tasks = document.add_table(rows=3, cols=3)
    for cell, text in zip(tasks.rows[0].cells, ("STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì")):
        cell.text = text
    tasks.cell(1, 0).text, tasks.cell(1, 1).text, tasks.cell(1, 2).text = "1", "Số hóa hồ sơ đất đai", "Sở Nội vụ"
    tasks.cell(2, 2).text = "Sở Tài chính"
    tasks.cell(1, 1).merge(tasks.cell(2, 1))   # vMerge: one content cell drawn over two rows
    members = document.add_table(rows=3, cols=3)
    for r, row in enumerate((("STT", "Họ và tên", "Chức vụ"), ("1", "Nguyễn Văn Thành", "Trưởng ban"),
                             ("2", "Lê Thị Hoa", "Thành viên"))):
        for c, text in enumerate(row):
            members.cell(r, c).text = text
    path = tmp_path / "kh-phu-luc.docx"
    document.save(str(path))
    return path


def test_a_content_cell_merged_down_is_one_task_with_both_leads(tmp_path):
    result = import_plan(_plan_with_annex(tmp_path))
    tree = YAML(typ="safe").load(result.yaml_text)
    tasks = [b for s in tree["sections"] for b in s.get("blocks", []) if b.get("text") == "Số hóa hồ sơ đất đai"]
    assert len(tasks) == 1 and tasks[0]["task"]["lead"] == ["so-noi-vu", "so-tai-chinh"]


def test_a_table_that_is_not_a_task_table_is_kept_row_by_row_and_named(tmp_path):
    result = import_plan(_plan_with_annex(tmp_path))
    assert "Nguyễn Văn Thành | Trưởng ban" in result.yaml_text and "Lê Thị Hoa | Thành viên" in result.yaml_text
    note = next(n for n in result.notes if "không phải bảng phân công nhiệm vụ" in n)
    assert re.match(r"^Bảng \d+ \(", note) and "STT | Họ và tên | Chức vụ" in note


def test_the_prose_of_an_annex_is_kept(tmp_path):
    document = Document(str(_plan_with_annex(tmp_path)))
    document.add_paragraph("Ghi chú: các cơ quan gửi báo cáo về Sở Nội vụ trước ngày 15 hằng tháng.")
    path = tmp_path / "kh-ghi-chu.docx"
    document.save(str(path))
    assert "Ghi chú: các cơ quan gửi báo cáo về Sở Nội vụ trước ngày 15 hằng tháng." in import_plan(path).yaml_text


def test_a_cell_naming_a_known_agency_then_others_keeps_the_others_as_written():
    """"Sở Tài chính, các cơ quan có nguồn thu nộp ngân sách": the known name becomes its agency, the rest of the cell
    stays as the plan wrote it instead of vanishing."""
    from authoring.importing.recognise import Recogniser

    recogniser = Recogniser(load_registry())
    cell = "Sở Tài chính, các cơ quan có nguồn thu nộp ngân sách nhà nước"
    found = recogniser.cell_agencies(cell)
    assert found[0] == recogniser.registry.resolve_agency("Sở Tài chính")
    assert found[1:] == ["các cơ quan có nguồn thu nộp ngân sách nhà nước"]
    assert recogniser.cell_agencies("Sở Tài chính") == found[:1]
    assert recogniser.cell_agencies(" Ban chỉ đạo của xã. ") == ["Ban chỉ đạo của xã"]


def test_the_localities_of_a_province_plan_are_not_read_as_the_province_government():
    """In a province's plan "Các địa phương" are its communes: only a national parent's "các địa phương" is the
    province itself (derive reads it so through roles.yaml, not through the registry's names)."""
    from authoring.importing.recognise import Recogniser

    recogniser = Recogniser(load_registry())
    cell = "Các địa phương, các cơ quan có nguồn thu nộp ngân sách nhà nước"
    assert "ubnd-tinh" not in recogniser.cell_agencies(cell)
