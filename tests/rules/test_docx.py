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


# --- issue 22: what lint-docx used to find on real files of other offices ------------------------------------------

def _messages(path) -> list[str]:
    return [f.message for f in lint_docx(path)]


def _page_number_runs(document):
    header = document.sections[0].header._element
    return [r for r in header.iter(qn("w:r")) if any((t.text or "").strip() for t in r.iter(qn("w:t")))]


def _set_font(run, name):
    fonts = run.find(qn("w:rPr")).find(qn("w:rFonts")) if run.find(qn("w:rPr")) is not None else None
    if fonts is None:
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = run.makeelement(qn("w:rPr"), {})
            run.insert(0, rpr)
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{attr}"), name)


ISSUE_22 = {
    "recipient lines at 12 pt": (lambda d: [setattr(r.font, "size", Pt(12)) for p in _closing_paragraphs(d, 0)[1:]
                                            for r in p.runs], "cỡ chữ 12, phải 11"),
    "label at 11 pt": (lambda d: [setattr(r.font, "size", Pt(11)) for r in _closing_paragraphs(d, 0)[0].runs],
                       "phải in đậm, nghiêng, cỡ chữ 12"),
    "label not italic": (lambda d: [setattr(r.font, "italic", False) for r in _closing_paragraphs(d, 0)[0].runs],
                         "phải in đậm, nghiêng"),
    "KT.CHỦ TỊCH without the space": (lambda d: _set_text(next(p for p in _closing_paragraphs(d, 1)
                                                               if p.text.startswith("KT.")), "KT.CHỦ TỊCH"),
                                      "phải có một dấu cách sau dấu chấm"),
    "page number in Calibri Light": (lambda d: [_set_font(r, "Calibri Light") for r in _page_number_runs(d)],
                                     "số trang dùng phông Calibri Light"),
}


@pytest.mark.parametrize("name", sorted(ISSUE_22))
def test_a_closing_or_page_number_slip_of_a_real_office_is_found(name, rendered, tmp_path):
    document = Document(str(rendered[example("nghe-an").stem]))
    breaking, message = ISSUE_22[name]
    breaking(document)
    broken = tmp_path / "hong.docx"
    document.save(str(broken))
    assert any(message in m for m in _messages(broken)), _messages(broken)


def test_a_note_typed_inside_the_recipient_lines_is_not_a_finding(rendered, tmp_path):
    document = Document(str(rendered[example("nghe-an").stem]))
    last = _closing_paragraphs(document, 0)[-1]
    note = last.insert_paragraph_before("(Kèm theo hồ sơ gửi qua Hệ thống quản lý văn bản)")
    for run in note.runs:
        run.font.size = Pt(11)
    path = tmp_path / "ghi-chu.docx"
    document.save(str(path))
    assert list(lint_docx(path)) == []


def test_a_one_page_letter_laid_out_with_a_different_first_page_needs_no_page_number(tmp_path):
    document = Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    document.add_paragraph("Kính gửi: Sở Nội vụ.")
    document.add_paragraph("Ủy ban nhân dân tỉnh đề nghị Sở Nội vụ báo cáo kết quả trước ngày 10/5./.")
    path = tmp_path / "cong-van.docx"
    document.save(str(path))
    assert not any(f.code == "X124" for f in lint_docx(path))
