"""`lint-docx`: every rendered seed passes; a fixture broken in one rule fails with that rule's code."""

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from authoring.cli import main
from authoring.ooxml.formatting import Formatting
from authoring.errors import InputError
from authoring.rules.docx import lint_docx
from helpers import example


def codes(path) -> dict[str, str]:
    return {f.code: f.severity.value for f in lint_docx(path)}


def test_every_rendered_seed_passes(rendered):
    for name, path in rendered.items():
        assert list(lint_docx(path)) == [], name


def _body(document):
    """Body paragraphs between the trích yếu rule and the closing table (non-empty)."""
    paragraphs = [p for p in document.paragraphs if p.text.strip()]
    return paragraphs[2:]


def _prose(document):
    """A paragraph of running text in the body (after a numbered one, long enough to wrap)."""
    body = _body(document)
    return next(p for i, p in enumerate(body) if i > 3 and len(p.text) > 100 and len(body[i - 1].text) > 60)


def _by_style(document, style_id):
    for p in document.element.body.iter(qn("w:p")):
        if Formatting.style_id(p) == style_id:
            return p
    raise AssertionError(style_id)


def _set_text(paragraph, text):
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run.text = ""


def _header_paragraph(document, starts):
    for row in document.tables[0].rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                if p.text.startswith(starts):
                    return p
    raise AssertionError(starts)


def _closing_paragraphs(document, column):
    return [p for p in document.tables[-1].cell(0, column).paragraphs if p.text.strip()]


def _text_run(paragraph):
    return next(r for r in paragraph.runs if r.text.strip())


def _theme_font(document):
    run = _text_run(_body(document)[3])
    run._r.rPr.remove(run._r.rPr.rFonts)
    fonts = document.styles["KH Nội dung"].element.rPr.rFonts
    for attr in ("ascii", "hAnsi"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")


def _remove(p):
    p.getparent().remove(p)


BREAKS = {
    "X101": lambda d: setattr(d.sections[0], "page_width", Mm(216)),
    "X102": lambda d: setattr(d.sections[0], "left_margin", Mm(20)),
    "X103": lambda d: setattr(_text_run(_body(d)[3]).font, "name", "Arial"),
    "X104": _theme_font,
    "X105": lambda d: _set_text(_header_paragraph(d, "CỘNG HÒA"), "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    "X106": lambda d: [setattr(r.font, "bold", False) for r in _header_paragraph(d, "Độc lập").runs],
    "X107": lambda d: _remove(_by_style(d, "KHKeTieuNgu")),
    "X108": lambda d: _remove(_by_style(d, "KHKeCoQuan")),
    "X109": lambda d: _set_text(_header_paragraph(d, "Số:"), "Số: 7/KH-UBND"),
    "X110": lambda d: _set_text(_header_paragraph(d, "Nghệ An"), "Nghệ An, ngày 6 tháng 1 năm 2025"),
    "X111": lambda d: _set_text([p for p in d.paragraphs if p.text.strip()][0], "Kế hoạch"),
    "X112": lambda d: _remove(_by_style(d, "KHKeTrichYeu")),
    "X113": lambda d: setattr(_prose(d).paragraph_format, "alignment", WD_ALIGN_PARAGRAPH.LEFT),
    "X114": lambda d: setattr(_prose(d).paragraph_format, "first_line_indent", Cm(2)),
    "X115": lambda d: [setattr(_prose(d).paragraph_format, "space_before", Pt(0)),
                       setattr(_prose(d).paragraph_format, "space_after", Pt(0))],
    "X116": lambda d: setattr(_prose(d).paragraph_format, "line_spacing", 2.0),
    "X117": lambda d: [setattr(r.font, "size", Pt(12)) for r in _prose(d).runs],
    "X118": lambda d: _set_text(_body(d)[-1], _body(d)[-1].text.replace("./.", ".")),
    "X119": lambda d: _set_text(next(p for p in _body(d) if p.text.startswith("I. ")), "I. Mục đích, yêu cầu"),
    "X121": lambda d: _set_text(_closing_paragraphs(d, 0)[0], "Noi nhậm:"),
    "X122": lambda d: _set_text(_closing_paragraphs(d, 0)[2], "- Bộ LĐ-TB&XH (để b/c)"),
    "X123": lambda d: _set_text(_closing_paragraphs(d, 1)[-1], "BÙI ĐÌNH LONG"),
    "X124": lambda d: d.sections[0]._sectPr.remove(d.sections[0]._sectPr.find(qn("w:titlePg"))),
    "X125": lambda d: _set_text(_body(d)[3], _body(d)[3].text + "¹"),
}
SEVERITY = {"X118": "warning", "X119": "warning", "X125": "warning"}


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_fixture_broken_in_one_rule_fails_with_that_rule(code, rendered, tmp_path):
    document = Document(str(rendered[example("nghe-an").stem]))
    BREAKS[code](document)
    broken = tmp_path / f"{code}.docx"
    document.save(str(broken))
    found = codes(broken)
    assert found.get(code) == SEVERITY.get(code, "error"), found
    assert set(found) == {code}, f"only {code} should fire: {found}"


def test_month_03_with_a_leading_zero_is_a_warning(rendered, tmp_path):
    document = Document(str(rendered[example("nghe-an").stem]))
    _set_text(_header_paragraph(document, "Nghệ An"), "Nghệ An, ngày 06 tháng 03 năm 2025")
    document.save(str(tmp_path / "thang.docx"))
    assert codes(tmp_path / "thang.docx") == {"X110": "warning"}


def test_a_plain_word_document_gets_the_header_and_font_findings(tmp_path):
    document = Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Thực hiện công tác trẻ em năm 2026")
    document.add_paragraph("Nội dung kế hoạch.")
    path = tmp_path / "soan-tay.docx"
    document.save(str(path))
    found = codes(path)
    assert {"X120", "X104", "X102", "X121"} <= set(found)
    assert "X124" not in found   # one page: no page number is needed


def test_a_file_that_is_not_a_docx_is_bad_input(tmp_path, runner):
    path = tmp_path / "khong-phai.docx"
    path.write_text("xin chào", encoding="utf-8")
    with pytest.raises(InputError):
        lint_docx(path)
    result = runner.invoke(main, ["lint-docx", str(path)])
    assert result.exit_code == 1 and "không phải văn bản Word" in result.output and "Traceback" not in result.output


def test_lint_command_exit_codes_follow_errors(rendered, runner, tmp_path):
    assert runner.invoke(main, ["lint-docx", str(rendered[example("kon-tum").stem])]).exit_code == 0
    document = Document(str(rendered[example("kon-tum").stem]))
    _set_text(_header_paragraph(document, "Số:"), "Số: 5/KH-UBND")
    document.save(str(tmp_path / "so.docx"))
    result = runner.invoke(main, ["lint-docx", "--format", "json", str(tmp_path / "so.docx")])
    assert result.exit_code == 1 and '"code": "X109"' in result.output


def test_a_landscape_page_keeps_the_decree_margins(tmp_path):
    """The decree allows a landscape page for a wide table, with the same margins: left 20 mm is too narrow there too."""
    from authoring.loading import load_plan_or_raise
    from authoring.render.docx import render_docx
    from helpers import FIXTURES

    path = tmp_path / "phu-luc.docx"
    path.write_bytes(render_docx(load_plan_or_raise(FIXTURES / "annex.yaml")))
    assert "X102" not in codes(path)
    document = Document(str(path))
    annex = document.sections[-1]
    annex.left_margin, annex.top_margin = Mm(20), Mm(30)
    document.save(str(path))
    found = [f for f in lint_docx(path) if f.code == "X102"]
    assert len(found) == 2 and all("trang ngang" in f.message for f in found)
    assert {"lề trái", "lề trên"} == {f.message.split(" trang")[0] for f in found}
