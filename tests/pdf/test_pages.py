"""Page 1 as issued: the số filled at signing spaced right for one to four digits; a draft prints "DỰ THẢO", no số.

The Kiến An example (no number) is signed by the signer, then by the body with numbers of one to four digits;
pdftotext -bbox reads where "Số:", the number and the ký hiệu landed. A plan with a typed number but no full date of
issue is rendered and converted; its page 1 text carries "DỰ THẢO" and no number.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pypdf.generic import NameObject

from authoring.pdf.finishing import ORGAN_FIELD
from helpers import example
from test_signing import _sign, kit  # noqa: F401  (kit is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="cần pdftotext (poppler-utils)")

SPACE_PT = 0.25 * 13   # a Times space at the 13 pt of the Số line
DIGIT_PT = 0.5 * 13


def _line_words(pdf: Path, first: str, right_column: bool = False) -> list[tuple[str, float, float]]:
    """(word, x0, x1) of the page-1 line that starts with the word *first* (in the header's left or right column)."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(w, float(a), float(b), float(c)) for a, b, c, _, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    start = next(w for w in words if w[0] == first and (w[1] > 300) == right_column)
    return sorted(((w, x0, x1) for w, x0, y0, x1 in words if abs(y0 - start[2]) < 3 and (x0 > 300) == right_column), key=lambda w: w[1])


def _line_words_at(pdf: Path, prefix: str) -> list[tuple[str, float, float]]:
    """(word, x0, x1) of the page-1 line holding a word that starts with *prefix*, left to right."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(w, float(a), float(b), float(c)) for a, b, c, _, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    start = next(w for w in words if w[0].startswith(prefix))
    return sorted(((w, x0, x1) for w, x0, y0, x1 in words if abs(y0 - start[2]) < 3), key=lambda w: w[1])


@pytest.fixture(scope="session")
def numbered(pdfs, kit, tmp_path_factory):
    """The Kiến An PDF issued at signing with the numbers 7, 12, 409 and 1234: number → signed PDF."""
    from click.testing import CliRunner

    runner = CliRunner()
    out = tmp_path_factory.mktemp("so-1-4-chu-so")
    signed = out / "nguoi-ky.pdf"
    assert _sign(runner, pdfs[example("kien-an").stem], kit["signer"][0], signed, "--image",
                 str(kit["image"])).exit_code == 0
    result = {}
    for number in (7, 12, 409, 1234):
        target = out / f"so-{number}.pdf"
        done = _sign(runner, signed, kit["body"][0], target, "--field", ORGAN_FIELD, "--number", str(number),
                     "--date", "06/01/2024")
        assert done.exit_code == 0, done.output
        result[number] = target
    return result


@pytest.mark.parametrize("number", [7, 12, 409, 1234])
def test_the_number_filled_at_signing_sits_one_space_after_so_and_against_the_slash(numbered, pdfs, number):
    """pdftotext reads "Số:" (page) and "1234/KH-UBND" (the field, which draws the line's rest) as two words: the
    number touches the "/" (one word), sits one space after "Số:", and the word is the digits at their own width
    plus the ký hiệu as printed before signing: nothing narrowed, nothing overlapping."""
    unsigned = {w: (x0, x1) for w, x0, x1 in _line_words(pdfs[example("kien-an").stem], "Số:")}
    words = _line_words(numbered[number], "Số:")
    text = f"{number:02d}"
    assert [w for w, *_ in words[:2]] == ["Số:", f"{text}/KH-UBND"], words
    (_, _, colon), (_, left, right) = words[:2]
    assert abs((left - colon) - SPACE_PT) < 0.6, f"Số: {text}: cách 'Số:' {left - colon:.2f} pt, phải là một dấu cách"
    symbol = unsigned["/KH-UBND"][1] - unsigned["/KH-UBND"][0]
    assert right - left == pytest.approx(len(text) * DIGIT_PT + symbol, abs=0.6)   # at their own width
    assert colon == pytest.approx(unsigned["Số:"][1], abs=0.1)                   # "Số:" has not moved
    if len(text) == 2:   # the blank is one space and two digits wide: a two-digit number leaves the ký hiệu put
        assert right == pytest.approx(unsigned["/KH-UBND"][1], abs=0.6)


def test_the_unissued_page_keeps_only_so_and_the_number_field_draws_the_rest_of_the_line(pdfs):
    """Page content: "Số:" alone (read with pypdf); what pdftotext and a viewer show: "Số:     /KH-UBND", the blank
    and ký hiệu drawn by the field, in the page's own embedded font, one blank of a space and two digits."""
    from pypdf import PdfReader

    pdf = pdfs[example("kien-an").stem]
    page = PdfReader(str(pdf)).pages[0]
    assert "Số:" in page.extract_text() and "/KH-UBND" not in page.extract_text()
    (_, _, colon), (slash, start, _) = _line_words(pdf, "Số:")[:2]
    assert slash == "/KH-UBND" and start - colon == pytest.approx(SPACE_PT + 2 * DIGIT_PT, abs=0.6)
    field = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == "SoVanBan")
    font = next(iter(field["/AP"]["/N"]["/Resources"]["/Font"].values())).get_object()
    assert font["/BaseFont"].endswith("LiberationSerif") and "/FontFile2" in font["/FontDescriptor"]


@pytest.mark.parametrize("number", [7, 1234])
def test_import_reads_the_number_and_symbol_of_a_pdf_issued_at_signing(numbered, number):
    """The số and ký hiệu live in the field's appearance now; the PDF reader reads them there (a regression guard)."""
    from authoring.importing.pdfsource import pdf_facts

    facts = pdf_facts(numbered[number])
    assert (facts.number, facts.symbol, facts.date) == (f"{number:02d}", "KH-UBND", "2024-01-06")


@pytest.fixture(scope="session")
def draft_pdf(tmp_path_factory) -> Path:
    """The Nghệ An plan with its number typed but its date of issue incomplete, as a finished PDF."""
    from authoring.loading import load_plan_or_raise
    from authoring.pdf.convert import docx_to_pdf
    from authoring.render.docx import render_docx

    out = tmp_path_factory.mktemp("du-thao")
    source = example("nghe-an")
    variant = source.with_name(".tmp-du-thao.yaml")   # beside the example: the registry resolves the same way
    variant.write_text(source.read_text(encoding="utf-8").replace("  date: 2025-01-06", "  date: 2025-01", 1),
                       encoding="utf-8")   # the document's date; its issue record keeps the full one: no longer agrees
    try:
        docx = out / "du-thao.docx"
        docx.write_bytes(render_docx(load_plan_or_raise(variant)))
    finally:
        variant.unlink()
    pdf = out / "du-thao.pdf"
    docx_to_pdf([(docx, pdf)])
    return pdf


def test_a_draft_with_a_typed_number_prints_du_thao_and_no_number_in_the_pdf(draft_pdf):
    page = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(draft_pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "DỰ THẢO" in page and re.search(r"Số:\s+/KH-UBND", page) and "07/KH-UBND" not in page


@pytest.mark.parametrize("field", ["ChuKyNguoiKy", "ChuKyBanSao"])
def test_sign_refuses_a_pdf_marked_du_thao_saying_how_to_get_one_to_sign(draft_pdf, kit, tmp_path, field):
    from click.testing import CliRunner

    target = tmp_path / "da-ky.pdf"
    result = _sign(CliRunner(), draft_pdf, kit["signer"][0], target, "--field", field)
    assert result.exit_code == 1, result.output
    assert "K109" in result.output and "DỰ THẢO" in result.output and "document.number" in result.output
    assert "Traceback" not in result.output and not target.exists()


def test_the_body_refuses_to_sign_a_pdf_with_no_number_printed_and_none_to_fill(pdfs, kit, tmp_path):
    """A PDF whose số field was taken away (made elsewhere): the body's signature would issue it without a number."""
    from click.testing import CliRunner
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject

    from authoring.pdf.finishing import NUMBER_FIELD

    writer = PdfWriter(clone_from=str(pdfs[example("kien-an").stem]))
    keep = lambda refs: ArrayObject(r for r in refs if r.get_object().get("/T") != NUMBER_FIELD)  # noqa: E731
    writer.pages[0][NameObject("/Annots")] = keep(writer.pages[0]["/Annots"])
    form = writer._root_object["/AcroForm"]
    form[NameObject("/Fields")] = keep(form["/Fields"])
    bare = tmp_path / "khong-o-so.pdf"
    writer.write(bare)
    runner = CliRunner()
    signed = tmp_path / "nguoi-ky.pdf"
    assert _sign(runner, bare, kit["signer"][0], signed).exit_code == 0
    target = tmp_path / "co-quan.pdf"
    result = _sign(runner, signed, kit["body"][0], target, "--field", ORGAN_FIELD, "--number", "7", "--date",
                   "06/01/2024")
    assert result.exit_code == 1, result.output
    assert "K109" in result.output and "không in số" in result.output and not target.exists()


@pytest.fixture(scope="session")
def issued_pdfs(tmp_path_factory) -> dict[int, Path]:
    """The Kiến An plan issued (kehoach issue's copy) with the numbers 7, 409 and 1234, rendered and converted."""
    from authoring.lifecycle.issue import issued_copy
    from authoring.loading import load_plan_or_raise
    from authoring.pdf.convert import docx_to_pdf
    from authoring.render.docx import render_docx

    out = tmp_path_factory.mktemp("so-in-san")
    loaded = load_plan_or_raise(example("kien-an"))
    pairs = {}
    for number in (7, 409, 1234):
        docx = out / f"so-{number}.docx"
        docx.write_bytes(render_docx(issued_copy(loaded, number, "06/01/2024")))
        pairs[number] = (docx, out / f"so-{number}.pdf")
    docx_to_pdf(list(pairs.values()))
    return {number: pdf for number, (_, pdf) in pairs.items()}


@pytest.mark.parametrize("number", [7, 409, 1234])
def test_an_issued_plan_prints_its_number_one_space_after_so_and_against_the_slash(issued_pdfs, number):
    """Read with pdfplumber (page content, where an issued plan's number is printed): "Số: 1234/KH-UBND"."""
    import pdfplumber

    with pdfplumber.open(issued_pdfs[number]) as document:
        words = document.pages[0].extract_words()
    at = next(i for i, w in enumerate(words) if w["text"] == "Số:")
    so, code = words[at], words[at + 1]
    assert code["text"] == f"{number:02d}/KH-UBND" and abs(code["top"] - so["top"]) < 1, code
    assert abs((code["x0"] - so["x1"]) - SPACE_PT) < 0.6, f"cách 'Số:' {code['x0'] - so['x1']:.2f} pt"


@pytest.fixture(scope="session")
def dated(pdfs, kit, tmp_path_factory):
    """The Kiến An PDF (date line "ngày … tháng … năm 2024") issued at signing on several days and months."""
    from click.testing import CliRunner

    runner = CliRunner()
    out = tmp_path_factory.mktemp("ngay-thang")
    signed = out / "nguoi-ky.pdf"
    assert _sign(runner, pdfs[example("kien-an").stem], kit["signer"][0], signed).exit_code == 0
    result = {}
    for date in ("6/3/2024", "06/03/2024", "15/11/2024", "06/01/2024"):
        target = out / f"{date.replace('/', '-')}.pdf"
        done = _sign(runner, signed, kit["body"][0], target, "--field", ORGAN_FIELD, "--number", "7", "--date", date)
        assert done.exit_code == 0, done.output
        result[date] = target
    return result


@pytest.mark.parametrize("date, day, month", [("6/3/2024", "06", "3"), ("06/03/2024", "06", "3"),
                                              ("15/11/2024", "15", "11"), ("06/01/2024", "06", "01")])
def test_the_date_filled_at_signing_has_single_spaces_between_its_words(dated, date, day, month):
    """The day field draws "Kiến An, ngày 06 tháng 3 năm 2024" at its own widths: every gap on the line is one
    italic space (the month 3–9 without a zero, Phụ lục I §II.4), nothing narrowed, nothing overlapping."""
    from authoring.render.metrics import text_width_pt

    drawn = f"Kiến An, ngày {day} tháng {month} năm 2024"
    words = [w for w in _line_words_at(dated[date], "Kiến") if w[1] > 300]
    # pdftotext reads the field's line as one word (its spaces are glyph advances): its width is the text's at
    # single spaces, so a space too many (3.25 pt) or a narrowed digit shows
    assert [w for w, *_ in words] == [drawn], words
    (_, left, right), = words
    # (the shaper kerns some digit pairs, "11" by about 1 pt: still far under a space)
    assert right - left == pytest.approx(text_width_pt(drawn, 13, italic=True), abs=1.2)


def test_the_unissued_date_line_looks_as_before_and_the_day_field_draws_all_of_it(pdfs):
    """Page content: nothing of the date line (pypdf); what a viewer shows: the line drawn by the day field in the
    page's embedded italic font, "ngày" and "tháng" two blanks apart as the plan printed them."""
    from pypdf import PdfReader

    pdf = pdfs[example("kien-an").stem]
    page = PdfReader(str(pdf)).pages[0]
    from authoring import nd30

    assert "Kiến An," not in page.extract_text() and not nd30.DATE_SEARCH_RE.search(page.extract_text())
    words = _line_words(pdf, "Kiến", right_column=True)
    assert [w for w, *_ in words] == ["Kiến", "An,", "ngày", "tháng", "năm", "2024"], words
    field = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == "NgayBanHanh")
    font = next(iter(field["/AP"]["/N"]["/Resources"]["/Font"].values())).get_object()
    assert "Italic" in font["/BaseFont"] and "/FontFile2" in font["/FontDescriptor"]


@pytest.mark.parametrize("date, iso", [("6/3/2024", "2024-03-06"), ("15/11/2024", "2024-11-15")])
def test_import_reads_the_date_drawn_by_the_day_field(dated, date, iso):
    from authoring.importing.pdfsource import pdf_facts

    assert pdf_facts(dated[date]).date == iso


def _date_line_span(pdf: Path) -> tuple[float, float]:
    """Where the date line of page 1's right column starts and ends (pdftotext -bbox, points)."""
    line = [w for w in _line_words_at(pdf, "Kiến") if w[1] > 300]
    return min(w[1] for w in line), max(w[2] for w in line)


@pytest.mark.parametrize("date", ["6/3/2024", "06/01/2024", "15/11/2024"])
def test_the_date_line_filled_at_signing_keeps_the_centre_of_the_blank_line(dated, pdfs, date):
    """«Kiến An, ngày 06 tháng 3 năm 2024» is shorter than «Kiến An, ngày      tháng      năm 2024»: it is centred
    where the blank line was (under the Quốc hiệu's axis), not left where the blank line started."""
    left, right = _date_line_span(pdfs[example("kien-an").stem])
    signed_left, signed_right = _date_line_span(dated[date])
    if date == "6/3/2024":   # the short case: 6 pt shorter than the blank line; 15/11 is as long as it
        assert signed_right - signed_left < right - left - 5
    assert abs((signed_left + signed_right) / 2 - (left + right) / 2) < 0.5, (
        f"tâm dòng ngày lệch {(signed_left + signed_right) / 2 - (left + right) / 2:+.2f} pt")


def _date_line_by_ngay(pdf: Path) -> tuple[float, float]:
    """Start and end of page 1's date line in the header's right column: the line holding «ngày» (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    words = [(w, float(a), float(b), float(c)) for a, b, c, _, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]
    start = next(w for w in words if re.search(r"(^|\s)ngày(\s|$)", w[0]) and w[2] < 200)
    line = [w for w in words if abs(w[2] - start[2]) < 3 and w[1] > 250]
    return min(w[1] for w in line), max(w[3] for w in line)


@pytest.mark.parametrize("name, date", [("dak-nong", "6/2/2021"), ("kon-tum", "6/3/2020"), ("lang-son", "6/3/2019")])
def test_every_unissued_examples_date_line_stays_centred_when_the_body_fills_it(pdfs, kit, tmp_path, name, date):
    """Đắk Nông prints its month (2) and leaves the day blank; Kon Tum and Lạng Sơn leave both blank."""
    from click.testing import CliRunner

    blank = pdfs[example(name).stem]
    signer, target = tmp_path / "nguoi-ky.pdf", tmp_path / "co-quan.pdf"
    assert _sign(CliRunner(), blank, kit["signer"][0], signer).exit_code == 0
    done = _sign(CliRunner(), signer, kit["body"][0], target, "--field", ORGAN_FIELD, "--number", "7", "--date",
                 date)
    assert done.exit_code == 0, done.output
    (left, right), (signed_left, signed_right) = _date_line_by_ngay(blank), _date_line_by_ngay(target)
    assert abs((signed_left + signed_right) / 2 - (left + right) / 2) < 0.5, (left, right, signed_left, signed_right)
