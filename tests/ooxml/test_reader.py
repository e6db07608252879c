"""The one DOCX reader: regions of any document, text with footnote marks, embedded plan data, refused packages."""

from __future__ import annotations

import time
import zipfile

import pytest

from authoring.errors import InputError
from authoring.ooxml.reader import (
    EMBEDDED_PLAN_PART, embedded_plan, find_regions, open_document, paragraph_text, signer_lines,
)
from helpers import example


def test_regions_of_a_rendered_plan_are_header_body_and_closing(rendered):
    regions = find_regions(open_document(rendered[example("nghe-an").stem]))
    header_text = " ".join(paragraph_text(p) for p in regions.header.iter() if p.tag.endswith("}p"))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_text
    assert paragraph_text(regions.body_paragraphs()[0]).strip() == "KẾ HOẠCH"
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
