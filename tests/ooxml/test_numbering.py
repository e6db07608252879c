"""Word automatic numbering resolved to the labels Word prints."""

from __future__ import annotations

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from authoring.ooxml.numbering import Numbering, format_number

LEVELS = [("upperRoman", "%1."), ("decimal", "%2."), ("lowerLetter", "%3)"), ("bullet", "•")]


def _numbered(document, items, start_override=None):
    """Paragraphs numbered with a four-level list (I. / 1. / a) / bullet); items are (level, text)."""
    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text) in enumerate(LEVELS))
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    override = (f'<w:lvlOverride w:ilvl="1"><w:startOverride w:val="{start_override}"/></w:lvlOverride>'
                if start_override else "")
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/>{override}</w:num>'))
    paragraphs = []
    for level, text in items:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
        paragraphs.append(p._p)
    return paragraphs


def test_levels_formats_and_restarts():
    document = Document()
    paragraphs = _numbered(document, [(0, "MỤC TIÊU"), (1, "Mục tiêu chung"), (2, "điểm"), (2, "điểm"),
                                      (1, "Mục tiêu cụ thể"), (2, "điểm"), (3, "gạch"), (0, "TỔ CHỨC"), (1, "Sở")])
    numbering = Numbering(document)
    assert [numbering.label(p) for p in paragraphs] == ["I.", "1.", "a)", "b)", "2.", "a)", "-", "II.", "1."]


def test_start_override_and_unnumbered_paragraphs():
    document = Document()
    plain = document.add_paragraph("không đánh số")._p
    paragraphs = _numbered(document, [(1, "x"), (1, "y")], start_override=4)
    numbering = Numbering(document)
    assert numbering.label(plain) is None
    assert [numbering.label(p) for p in paragraphs] == ["4.", "5."]


def test_formats():
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert [format_number(n, "lowerLetter") for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]
    assert format_number(3, "decimal") == "3"


def test_import_prints_the_numbers_word_shows(tmp_path):
    from authoring.importing.sources import read_docx

    document = Document()
    _numbered(document, [(0, "MỤC ĐÍCH, YÊU CẦU"), (1, "Mục đích"), (2, "Triển khai kịp thời.")])
    path = tmp_path / "so-tu-dong.docx"
    document.save(str(path))
    texts = [p.text for p in read_docx(path)]
    assert texts[:3] == ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "a) Triển khai kịp thời."]
    assert qn("w:numPr")  # the numbering stays in the file; only the text read gains the label
