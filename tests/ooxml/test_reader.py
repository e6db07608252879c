"""The one DOCX reader: regions of any document, text with footnote marks, embedded plan data, refused packages."""

from __future__ import annotations

import time
import zipfile

import pytest

from authoring.errors import InputError
from authoring.ooxml.reader import (
    EMBEDDED_PLAN_PART, embedded_plan, find_regions, open_document, paragraph_text, signer_lines, split_columns,
    table_text_rows,
)
from helpers import FIXTURES, example

REAL = FIXTURES / "real" / "docx"


def test_regions_of_a_rendered_plan_are_header_body_and_closing(rendered):
    regions = find_regions(open_document(rendered[example("nghe-an").stem]))
    header_text = " ".join(paragraph_text(p) for p in regions.header.iter() if p.tag.endswith("}p"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_text
    assert paragraph_text(regions.type_line).strip() == "KẾ HOẠCH" and len(regions.title) == 1
    assert not paragraph_text(regions.body_paragraphs()[0]).startswith(("KẾ HOẠCH", "Thực hiện công tác"))
    assert "Nơi nhận:" in " ".join(paragraph_text(p) for p in regions.closing.iter() if p.tag.endswith("}p"))


def test_signer_lines_are_the_name_and_the_title_above_it(rendered):
    name, title = signer_lines(open_document(rendered[example("kon-tum").stem]))
    assert name and title and name != name.upper() and title == title.upper()


def test_footnote_references_read_as_marks_only_on_request(rendered):
    document = open_document(rendered[example("kon-tum").stem])
    with_marks = [paragraph_text(p, footnote_marks=True) for p in document.element.body.iter() if p.tag.endswith("}p")]
    assert any("[^" in t for t in with_marks)
    plain = [paragraph_text(p) for p in document.element.body.iter() if p.tag.endswith("}p")]
    assert not any("[^" in t for t in plain)


def test_a_rendered_docx_carries_its_plan_data(rendered):
    data = embedded_plan(rendered[example("lang-son").stem])
    assert data is not None and b'"document"' in data


def _zip(tmp_path, members: dict[str, bytes], name="x.docx"):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return path


def test_a_zip_without_its_document_part_is_refused_by_name(tmp_path):
    path = _zip(tmp_path, {"[Content_Types].xml": b"<Types/>"})
    with pytest.raises(InputError) as caught:
        open_document(path)
    assert "word/document.xml" in caught.value.findings[0].message


def test_a_compression_bomb_is_refused_before_it_is_inflated(tmp_path):
    bomb = b"<w:t>" + b"a" * (200 * 2**20) + b"</w:t>"
    path = _zip(tmp_path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": bomb})
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        open_document(path)
    assert time.perf_counter() - start < 5 and "word/document.xml" in caught.value.findings[0].message


def test_text_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "a.docx"
    path.write_text("không phải tệp Word", encoding="utf-8")
    with pytest.raises(InputError):
        open_document(path)


def test_embedded_part_name_is_shared_with_the_renderer():
    from authoring.render.docx import MODEL_PART

    assert MODEL_PART == "/" + EMBEDDED_PLAN_PART


# --- real documents (tests/fixtures/real/docx) -----------------------------------------------------------------

def _regions(name):
    document = open_document(next(REAL.glob(f"{name}-*.docx")))
    return document, find_regions(document)


def test_a_draft_stamp_in_a_text_box_is_not_read_into_the_number_line():
    _, regions = _regions("004")
    left, right = regions.header_columns()
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG", "Số: /KH-UBND"]
    assert right[-1].startswith("Lâm Đồng, ngày")


def test_header_in_three_rows_and_trich_yeu_over_two_paragraphs():
    _, regions = _regions("003")
    assert paragraph_text(regions.type_line).strip() == "KẾ HOẠCH"
    assert [paragraph_text(p).strip() for p in regions.title] == [
        "Kiểm tra công tác cải cách hành chính năm 2026", "trên địa bàn tỉnh Lâm Đồng"]
    assert regions.closing is not None and regions.annex_start is not None


def test_a_letter_laid_out_with_spaces_has_its_columns_read():
    _, regions = _regions("011")
    assert regions.headers == [] and len(regions.header_paragraphs) == 3
    left, right = regions.header_columns()
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "TỈNH LÂM ĐỒNG"] and right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert regions.closing is None and regions.closing_paragraphs
    assert split_columns("     Số:             /UBND-NC        Lâm Đồng, ngày") == ["Số: /UBND-NC", "Lâm Đồng, ngày"]


def test_tables_are_read_whole_on_their_grid():
    document, regions = _regions("001")
    table = next(c for c in regions.annexes if c.tag.endswith("}tbl"))
    rows = table_text_rows(table)
    assert len(rows) > 50 and len(rows[0]) == 7 and rows[0][4] == "Chủ trì thực hiện"


def test_non_breaking_spaces_read_as_spaces(tmp_path):
    """kehoach keeps "PHƯỜNG BÌNH ĐỨC" on one line with non-breaking spaces; a reader of the text sees plain words."""
    from docx import Document

    from authoring.ooxml.reader import open_document, reading_order_lines

    document = Document()
    document.add_paragraph("PHƯỜNG\u00a0BÌNH\u00a0ĐỨC và\u202fxã")
    path = tmp_path / "nbsp.docx"
    document.save(path)
    assert reading_order_lines(open_document(path)) == ["PHƯỜNG BÌNH ĐỨC và xã"]
