"""DOCX rendering: faithful text, ND30 layout in the XML, real footnotes, byte-stable output."""

import difflib
import re
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from authoring.ooxml.formatting import EMU_PER_MM, Formatting
from authoring.ooxml.reader import reading_order_lines
from authoring.errors import KehoachError
from authoring.loading import load_plan_or_raise
from authoring.render.docx import choose_template, render_docx
from helpers import MINIMAL, SEEDS_DIR, example

SEED_FILES = {"lang-son": "000", "kien-an": "001", "nghe-an": "002", "dak-nong": "003", "kon-tum": "004"}


def _words(text: str) -> list[str]:
    """Words of a text with the seed's own artefacts removed: markdown marks, footnote digits, line breaks."""
    text = re.sub(r"</?sub>|[#*|^¹²]", "", text)
    return text.casefold().split()


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_docx_text_matches_the_seed_word_for_word(name, rendered):
    seed = next(SEEDS_DIR.glob(f"{SEED_FILES[name]}_*.txt")).read_text(encoding="utf-8")
    docx_path = rendered[example(name).stem]
    ours = "\n".join(reading_order_lines(Document(str(docx_path))))
    ratio = difflib.SequenceMatcher(None, _words(seed), _words(ours), autojunk=False).ratio()
    print(f"{name}: similarity {ratio:.4f}")
    assert ratio >= 0.97


def test_page_is_a4_portrait_with_nd30_margins(rendered):
    section = Document(str(rendered[example("nghe-an").stem])).sections[0]
    assert round(section.page_width / EMU_PER_MM) == 210 and round(section.page_height / EMU_PER_MM) == 297
    assert 20 <= section.top_margin / EMU_PER_MM <= 25 and 20 <= section.bottom_margin / EMU_PER_MM <= 25
    assert 30 <= section.left_margin / EMU_PER_MM <= 35 and 15 <= section.right_margin / EMU_PER_MM <= 20


def test_times_new_roman_is_named_everywhere_and_no_theme_font_is_used(rendered):
    with zipfile.ZipFile(rendered[example("kon-tum").stem]) as docx:
        for part in ("word/styles.xml", "word/document.xml", "word/footnotes.xml"):
            xml = docx.read(part).decode("utf-8")
            assert "asciiTheme" not in xml and "hAnsiTheme" not in xml, part
    document = Document(str(rendered[example("kon-tum").stem]))
    fmt = Formatting(document)
    fonts = {fmt.run(r, p).font for p in document.element.body.iter(qn("w:p")) for r in p.iter(qn("w:r"))
             if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()}
    assert fonts == {"Times New Roman"}


def test_number_gets_the_nd30_leading_zero_and_date_its_padding(rendered):
    lines = reading_order_lines(Document(str(rendered[example("nghe-an").stem])))
    assert "Số: 07/KH-UBND" in lines
    assert "Nghệ An, ngày 06 tháng 01 năm 2025" in lines


def test_unissued_plan_keeps_number_and_date_blank(rendered):
    lines = reading_order_lines(Document(str(rendered[example("kien-an").stem])))
    number = next(line for line in lines if line.startswith("Số:"))
    assert re.fullmatch(r"Số:\s+/KH-UBND", number)
    assert any(re.fullmatch(r"Kiến An, ngày\s+tháng\s+năm 2024", line) for line in lines)


def test_header_table_puts_issuer_left_and_national_title_right(rendered):
    document = Document(str(rendered[example("nghe-an").stem]))
    header = document.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in header.cell(0, 1).paragraphs if p.text]
    assert left == ["ỦY BAN NHÂN DÂN", "TỈNH\u00a0NGHỆ\u00a0AN"]   # the place name never wraps inside
    assert right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


def test_rules_under_header_lines_have_nd30_lengths(rendered):
    document = Document(str(rendered[example("nghe-an").stem]))
    cells = document.tables[0].rows[0].cells
    def rule_length_twips(cell, style_id):
        p = next(p for p in cell.paragraphs if Formatting.style_id(p._p) == style_id)
        ind = p._p.pPr.find(qn("w:ind"))
        width = int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) - 2 * 108
        return width - int(ind.get(qn("w:left"))) - int(ind.get(qn("w:right")))
    # "TỈNH NGHỆ AN" bold 13 pt is about 1900 twips wide: the rule is 1/3 to 1/2 of that line.
    assert 0.3 * 2500 < rule_length_twips(cells[0], "KHKeCoQuan") < 0.5 * 2500
    # The motto line "Độc lập - Tự do - Hạnh phúc", bold 13 pt, is about 3300 twips: the rule matches it.
    assert 3000 < rule_length_twips(cells[1], "KHKeTieuNgu") < 3700


def test_pages_are_numbered_from_page_2_in_the_header(rendered):
    document = Document(str(rendered[example("kon-tum").stem]))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))
    assert not list(section.first_page_header._element.iter(qn("w:instrText")))


def test_footnotes_are_real_word_footnotes(rendered):
    path = rendered[example("kon-tum").stem]
    with zipfile.ZipFile(path) as docx:
        document_xml = docx.read("word/document.xml").decode("utf-8")
        footnotes_xml = docx.read("word/footnotes.xml").decode("utf-8")
        types = docx.read("[Content_Types].xml").decode("utf-8")
    assert document_xml.count("<w:footnoteReference") == 2
    assert "Thông tư số 02/2018/TT-TANDTC" in footnotes_xml and "Các sở, ngành" in footnotes_xml
    assert "footnotes+xml" in types
    assert "¹" not in document_xml and "[^" not in document_xml


def test_signature_block_and_recipients_follow_the_body(rendered):
    document = Document(str(rendered[example("nghe-an").stem]))
    closing = document.tables[-1]
    left = [p.text for p in closing.cell(0, 0).paragraphs if p.text]
    right = [p.text for p in closing.cell(0, 1).paragraphs if p.text]
    assert left[0] == "Nơi nhận:" and left[1] == "- Như mục IV;" and left[-1] == "- Lưu: VT, KGVX (TP, Th)."
    assert right == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Bùi Đình Long"]


def test_body_ends_with_the_nd30_end_mark(rendered):
    for path in rendered.values():
        body = [p.text for p in Document(str(path)).paragraphs if p.text.strip()]
        assert body[-1].endswith("./."), path.name


def test_slip_in_a_copied_document_is_corrected_in_print(rendered):
    lines = reading_order_lines(Document(str(rendered[example("kon-tum").stem])))
    assert "Nơi nhận:" in lines and "Noi nhậm:" not in lines
    kien_an = reading_order_lines(Document(str(rendered[example("kien-an").stem])))
    assert "II. CHỈ TIÊU" in kien_an


def test_template_follows_the_issuers_letterhead_kind():
    assert choose_template(load_plan_or_raise(example("kien-an"))).name == "ubnd-huyen.docx"
    assert choose_template(load_plan_or_raise(example("nghe-an"))).name == "ubnd-tinh.docx"
    assert choose_template(load_plan_or_raise(MINIMAL)).name == "ubnd-xa.docx"


def test_so_template_prints_the_governing_body_above_the_department(write_plan, tmp_path):
    path = write_plan(("    agency: ubnd-xa\n    name: Ủy ban nhân dân xã Hòa Bình\n    header: [ỦY BAN NHÂN DÂN, XÃ HÒA BÌNH]",
                       "    agency: so-y-te\n    name: Sở Y tế tỉnh Lạng Sơn\n    header: [SỞ Y TẾ]"),
                      ("  symbol: KH-UBND", "  governing_body: UBND TỈNH LẠNG SƠN\n  symbol: KH-SYT"),
                      ("  level: xa", "  level: tinh"))
    loaded = load_plan_or_raise(path)
    assert choose_template(loaded).name == "so.docx"
    out = tmp_path / "so.docx"
    out.write_bytes(render_docx(loaded))
    left = [p.text for p in Document(str(out)).tables[0].cell(0, 0).paragraphs if p.text]
    assert left == ["UBND TỈNH\u00a0LẠNG\u00a0SƠN", "SỞ Y TẾ"]


def test_unknown_template_variable_is_an_error_not_silence(tmp_path):
    from authoring.paths import TEMPLATES_DIR

    template = Document(str(TEMPLATES_DIR / "ubnd-xa.docx"))
    template.add_paragraph("{{ so_dien_thoai }}")
    broken = tmp_path / "mau.docx"
    template.save(str(broken))
    with pytest.raises(KehoachError, match="so_dien_thoai"):
        render_docx(load_plan_or_raise(MINIMAL), broken)


def test_render_command_writes_the_docx_whole(runner, tmp_path):
    from authoring.cli import main

    out = tmp_path / "ke-hoach.docx"
    result = runner.invoke(main, ["render", str(MINIMAL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(out).testzip() is None
    assert not list(tmp_path.glob(".*.tmp"))


def test_render_command_rejects_a_broken_plan_without_writing(runner, write_plan, tmp_path):
    from authoring.cli import main

    bad = write_plan(("  place: Hòa Bình", "  plcae: Hòa Bình"))
    out = tmp_path / "khong-ghi.docx"
    result = runner.invoke(main, ["render", str(bad), "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()


def test_task_annex_is_a_landscape_section_with_the_task_table(tmp_path):
    from authoring.rules.docx import lint_docx
    from helpers import FIXTURES

    out = tmp_path / "phu-luc.docx"
    out.write_bytes(render_docx(load_plan_or_raise(FIXTURES / "annex.yaml")))
    document = Document(str(out))
    annex = document.sections[-1]
    assert len(document.sections) == 2 and annex.page_width > annex.page_height
    assert annex._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    from authoring import nd30   # a landscape page keeps the decree's margins: top, bottom 20–25, left 30–35, right 15–20
    for side, (low, high) in nd30.MARGINS_MM.items():
        assert low <= getattr(annex, f"{side}_margin") / EMU_PER_MM <= high, side
    text_width = (annex.page_width - annex.left_margin - annex.right_margin) / EMU_PER_MM
    assert abs(sum(c.width for c in document.tables[-1].columns) / EMU_PER_MM - text_width) < 1
    lines = reading_order_lines(document)
    assert "Phụ lục" in lines and "DANH MỤC NHIỆM VỤ NĂM 2026" in lines
    assert "(Kèm theo Kế hoạch số 12/KH-UBND ngày 05 tháng 3 năm 2026 của Ủy ban nhân dân tỉnh Lạng Sơn)" in lines
    table = document.tables[-1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp",
                                                    "Thời gian", "Sản phẩm"]
    assert [c.text for c in table.rows[1].cells] == ["1", "Truyền thông về phòng, chống xâm hại trẻ em.", "Sở Y tế",
                                                    "Sở Văn hóa, Thể thao và Du lịch; Báo Lạng Sơn", "Quý II/2026",
                                                    "Phóng sự; tờ rơi"]
    # no task row splits across pages; only the heading row repeats
    for index, row in enumerate(table.rows):
        properties = row._tr.trPr
        assert properties is not None and properties.find(qn("w:cantSplit")) is not None, index
        assert (properties.find(qn("w:tblHeader")) is not None) == (index == 0), index
    assert list(lint_docx(out)) == []


# --- issue 13: marks of the source, keep-together in the XML ------------------------------------------------------

def _document_xml(path) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def test_footnote_references_are_superscript_in_the_run_itself(rendered):
    xml = _document_xml(rendered[example("kon-tum").stem])
    runs = re.findall(r"<w:r>(?:(?!</w:r>).)*<w:footnoteReference[^>]*/></w:r>", xml)
    assert len(runs) == 2 and all('<w:vertAlign w:val="superscript"/>' in run for run in runs)


def test_superscripts_and_subscripts_of_the_source_are_kept(rendered):
    kien_an = _document_xml(rendered[example("kien-an").stem])
    assert re.search(r'55</w:t></w:r><w:r><w:rPr>(?:(?!</w:rPr>).)*<w:vertAlign w:val="superscript"/></w:rPr>'
                     r'<w:t xml:space="preserve">a</w:t>', kien_an)
    dak_nong = _document_xml(rendered[example("dak-nong").stem])
    assert re.search(r'<w:vertAlign w:val="subscript"/></w:rPr><w:t xml:space="preserve">\(Hp\)</w:t>', dak_nong)
    assert "<sup>" not in kien_an and "<sub>" not in dak_nong


def test_wrapped_recipient_lines_hang_under_the_text_after_the_dash(rendered):
    document = Document(str(rendered[example("kien-an").stem]))
    style = document.styles["KH Nơi nhận - dòng"].paragraph_format
    assert style.first_line_indent < 0 and style.left_indent == -style.first_line_indent
    assert 3 < style.left_indent.pt < 8   # the width of "- " at 11 pt


def test_closing_block_and_headings_keep_together(rendered):
    document = Document(str(rendered[example("nghe-an").stem]))
    closing = document.tables[-1]
    assert closing.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    previous = closing._tbl.getprevious()
    assert previous.tag == qn("w:p") and previous.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
    headings = [p for p in document.paragraphs if p.style.name == "KH Khoản"]
    assert "1. Sở Lao động - Thương binh và Xã hội" in [p.text for p in headings]
    assert document.styles["KH Khoản"].paragraph_format.keep_with_next
    assert all(document.styles[name].paragraph_format.keep_with_next
               for name in ("KH Mục", "KH Nơi nhận", "KH Thẩm quyền, chức vụ", "KH Chỗ ký"))


def test_place_names_in_header_and_title_lines_are_kept_on_one_line():
    from authoring.render.docx import keep_names_together

    nbsp = "\u00a0"
    assert keep_names_together("UBND HUYỆN QUẾ PHONG") == f"UBND HUYỆN{nbsp}QUẾ{nbsp}PHONG"
    assert keep_names_together("PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT") == nbsp.join("PHƯỜNG XUÂN TRƯỜNG - ĐÀ LẠT".split())
    # in mixed case the capitals say where the name ends; in capitals, two words
    assert keep_names_together("trên địa bàn tỉnh Nghệ An năm 2025") == f"trên địa bàn tỉnh{nbsp}Nghệ{nbsp}An năm 2025"
    assert keep_names_together("CỦA TỈNH NGHỆ AN TRIỂN KHAI") == f"CỦA TỈNH{nbsp}NGHỆ{nbsp}AN TRIỂN KHAI"
    assert keep_names_together("các xã, phường trên địa bàn") == "các xã, phường trên địa bàn"


def _header_cell_texts(path) -> list[str]:
    """The paragraphs of the Số cell (the header table's second row, left), as the DOCX XML holds them."""
    cell = Document(str(path)).tables[0].rows[1].cells[0]
    return [p.text for p in cell.paragraphs]


def test_a_typed_number_on_an_unissued_plan_prints_du_thao_and_no_number(runner, write_plan, tmp_path):
    from authoring.cli import main

    plan = write_plan(("  symbol: KH-UBND", "  number: 7\n  symbol: KH-UBND"), ("  date: 2026-01-06", "  date: 2026-01"))
    out = tmp_path / "du-thao.docx"
    result = runner.invoke(main, ["render", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _header_cell_texts(out) == ["Số:     /KH-UBND", "DỰ THẢO"]
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "07/KH-UBND" not in xml and xml.count("DỰ THẢO") == 1
    custom = zipfile.ZipFile(out).read("docProps/custom.xml").decode("utf-8")
    assert re.search(r'name="CodeNumber"[^>]*><vt:lpwstr>\s*</vt:lpwstr>|name="CodeNumber"[^>]*><vt:lpwstr/>', custom)
    # The warning names the file, the line and the field of the typed number, and how to issue instead.
    assert f"{plan}:9" in result.output and "[document.number]" in result.output and "DỰ THẢO" in result.output
    assert "kehoach issue" in result.output


def test_a_number_with_a_full_date_prints_du_thao_when_the_register_did_not_give_it(tmp_path):
    """The workspace says issued=False until «Cấp số và ban hành»: a typed number and full date are still a draft."""
    loaded = load_plan_or_raise(example("nghe-an"))   # number 7, date 2025-01-06
    for issued, cell in ((False, ["Số:     /KH-UBND", "DỰ THẢO"]), (None, ["Số: 07/KH-UBND"]),
                         (True, ["Số: 07/KH-UBND"])):
        out = tmp_path / f"{issued}.docx"
        out.write_bytes(render_docx(loaded, issued=issued))
        assert _header_cell_texts(out) == cell, issued


def test_an_issued_plan_and_an_unnumbered_one_carry_no_draft_mark(rendered):
    assert _header_cell_texts(rendered[example("nghe-an").stem]) == ["Số: 07/KH-UBND"]
    assert _header_cell_texts(rendered[example("kien-an").stem]) == ["Số:     /KH-UBND"]


@pytest.mark.parametrize("number, printed", [(7, "Số: 07/KH-UBND"), (12, "Số: 12/KH-UBND"), (409, "Số: 409/KH-UBND"),
                                             (1234, "Số: 1234/KH-UBND")])
def test_an_issued_number_of_one_to_four_digits_follows_so_after_one_space(write_plan, tmp_path, number, printed):
    from authoring.lifecycle.issue import issued_copy

    loaded = issued_copy(load_plan_or_raise(write_plan()), number, "2026-01-06")
    out = tmp_path / "ke-hoach.docx"
    out.write_bytes(render_docx(loaded))
    assert _header_cell_texts(out) == [printed]


def test_a_number_and_full_date_typed_by_hand_print_du_thao_and_check_says_to_use_issue(runner, write_plan, tmp_path):
    """Only the issue record kehoach issue writes makes a number printed; a file typed by hand stays a draft."""
    from authoring.cli import main

    plan = write_plan(("  symbol: KH-UBND", "  number: 7\n  symbol: KH-UBND"))   # full date 2026-01-06 already
    out = tmp_path / "go-tay.docx"
    result = runner.invoke(main, ["render", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _header_cell_texts(out) == ["Số:     /KH-UBND", "DỰ THẢO"]
    assert "07/KH-UBND" not in zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    checked = runner.invoke(main, ["check", str(plan)])
    assert f"{plan}:9" in checked.output and "[document.number]" in checked.output
    assert "dấu ban hành" in checked.output and "kehoach issue" in checked.output


def test_issue_writes_the_marker_and_only_then_the_number_prints(runner, write_plan, tmp_path):
    from authoring.cli import main
    from authoring.model.issuing import issue_state

    plan = write_plan()
    result = runner.invoke(main, ["issue", str(plan), "--number", "1234", "--date", "06/01/2026", "-d",
                                  str(tmp_path / "out"), "--force"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    issued = load_plan_or_raise(plan)
    record = issued.plan.document.issued
    assert issue_state(issued.plan) == "issued" and record.number == 1234 and record.by == "kehoach issue"
    assert record.date.iso() == "2026-01-06" and record.digest.startswith("sha256:")
    out = tmp_path / "ban-hanh.docx"
    out.write_bytes(render_docx(issued))
    assert _header_cell_texts(out) == ["Số: 1234/KH-UBND"]


@pytest.mark.parametrize("edit, why", [
    (("    number: 7\n", "    number: 8\n"), "số 07, dấu ban hành ghi số 08"),
    (("  date: 2026-01-06", "  date: 2026-01-07"), "ngày 2026-01-07"),
    (("bảo vệ, chăm sóc trẻ em năm 2026", "bảo vệ trẻ em năm 2026"), "nội dung đã sửa sau khi ban hành"),
])
def test_a_plan_changed_after_issue_prints_du_thao_and_check_names_the_issue_record(runner, write_plan, tmp_path,
                                                                                      edit, why):
    from authoring.cli import main

    plan = write_plan()
    assert runner.invoke(main, ["issue", str(plan), "--number", "7", "--date", "06/01/2026", "-d",
                                str(tmp_path / "out"), "--force"]).exit_code == 0
    text = plan.read_text(encoding="utf-8")
    old, new = edit
    if old == "    number: 7\n":   # the record's number, not the document's
        old, new = "    number: 7\n    date:", "    number: 8\n    date:"
    assert old in text
    plan.write_text(text.replace(old, new, 1), encoding="utf-8")
    out = tmp_path / "sua.docx"
    result = runner.invoke(main, ["render", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _header_cell_texts(out) == ["Số:     /KH-UBND", "DỰ THẢO"]
    assert "[document.issued]" in result.output and why in result.output


def test_a_file_issued_before_the_issue_record_gets_it_by_issuing_again_with_the_same_number(runner, write_plan,
                                                                                               tmp_path):
    """Migration: the number and date already in the file are accepted again, and the record is added."""
    from authoring.cli import main
    from authoring.model.issuing import issue_state

    plan = write_plan(("  symbol: KH-UBND", "  number: 7\n  symbol: KH-UBND"))   # as kehoach issue wrote it before
    assert issue_state(load_plan_or_raise(plan).plan) == "typed"
    result = runner.invoke(main, ["issue", str(plan), "--number", "7", "--date", "06/01/2026", "-d",
                                  str(tmp_path / "out"), "--force"])
    assert result.exit_code == 0, result.output
    assert issue_state(load_plan_or_raise(plan).plan) == "issued"
    assert _header_cell_texts(next((tmp_path / "out").glob("*.docx"))) == ["Số: 07/KH-UBND"]
