"""Số and ngày at issue: the body's signature fills the blanks of page 1 without breaking the signer's signature.

The Kiến An example has no number and no day or month; its PDF is signed by the signer, then by the body with
--number and --date. pdftotext reads page 1 as printed (field appearances included), pyHanko judges what changed
after the signer signed, pypdf reads the fields and the PDF/A parts.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from authoring.pdf.finishing import DAY_FIELD, MONTH_FIELD, NUMBER_FIELD, ORGAN_FIELD, SIGNER_FIELD
from helpers import example
from test_signing import _sign, _still_pdfa, _validate, kit  # noqa: F401  (kit is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="cần pdftotext (poppler-utils)")


def _page1_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return re.sub(r"[ \t]+", " ", out)


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) of page 1 in PDF points, origin bottom left (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    height = float(PdfReader(str(pdf)).pages[0].mediabox.height)
    return [(w, float(a), height - float(d), float(c), height - float(b)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def _fields(pdf: Path) -> dict[str, dict]:
    reader = PdfReader(str(pdf))
    return {str(f.get_object()["/T"]): f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]}


@pytest.fixture(scope="session")
def unissued(pdfs) -> Path:
    return pdfs[example("kien-an").stem]


@pytest.fixture(scope="session")
def issued_at_signing(unissued, kit, tmp_path_factory):
    from click.testing import CliRunner

    runner = CliRunner()
    out = tmp_path_factory.mktemp("so-ngay")
    first, second = out / "nguoi-ky.pdf", out / "co-quan.pdf"
    one = _sign(runner, unissued, kit["signer"][0], first, "--image", str(kit["image"]))
    assert one.exit_code == 0, one.output
    two = _sign(runner, first, kit["body"][0], second, "--field", ORGAN_FIELD, "--seal", str(kit["seal"]),
                "--number", "7", "--date", "06/01/2024")
    assert two.exit_code == 0, two.output
    return {"signer": first, "body": second, "output": two.output, "dir": out}


def test_unissued_pdf_has_empty_text_fields_exactly_over_its_blanks(unissued, pdfs):
    fields = _fields(unissued)
    assert {NUMBER_FIELD, DAY_FIELD, MONTH_FIELD} <= set(fields)
    for name in (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD):
        assert fields[name]["/FT"] == "/Tx" and "/V" not in fields[name] and fields[name]["/F"] == 4
    assert "/KhIssueR 13 Tf" in fields[NUMBER_FIELD]["/DA"] and "/KhIssueI 13 Tf" in fields[DAY_FIELD]["/DA"]
    words = _words(unissued)
    word = {w: box for w, *box in reversed(words)}  # first occurrence on the page wins (the header lines)
    number, day, month = (tuple(float(v) for v in fields[n]["/Rect"]) for n in (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD))
    # From "Số:" over the blank and "/KH-UBND" (which the field draws), with room for four digits more; between
    # over the whole date line "Kiến An, ngày … tháng … năm 2024" (which the day field draws), with room for two
    # digits more on each side of its centre; between "tháng" and "năm"; on the same line.
    assert word["Số:"][2] <= number[0] + 0.5 < word["/KH-UBND"][0] < word["/KH-UBND"][2] + 4 * 6.5 <= number[2] + 0.5
    line = (word["Kiến"][0], word["2024"][2])
    assert day[0] + 2 * 6.5 <= line[0] < word["ngày"][0] < word["tháng"][0] < word["năm"][2] < line[1] <= day[2] - 13
    assert (day[0] + day[2]) / 2 == pytest.approx((line[0] + line[1]) / 2, abs=0.5)
    assert word["tháng"][2] < month[0] < month[2] < word["năm"][0]
    for box, neighbour, room in ((number, word["Số:"], 15.7), (day, word["ngày"], 12.9), (month, word["tháng"], 12.9)):
        assert box[1] < neighbour[1] + 2 and neighbour[3] - 2 < box[3]
        assert box[2] - box[0] >= room   # two digits at 13 pt (and, for the number, the space after "Số:")
    # A plan printed with its number and date has nothing to fill.
    assert not {NUMBER_FIELD, DAY_FIELD, MONTH_FIELD} & set(_fields(pdfs[example("nghe-an").stem]))


def test_body_signature_fills_number_and_date_on_page_1(issued_at_signing, unissued):
    before = _page1_text(unissued)
    assert "Số: /KH-UBND" in before and "ngày tháng năm 2024" in before
    after = _page1_text(issued_at_signing["body"])
    assert "Số: 07/KH-UBND" in after            # NĐ 30: a leading zero below 10
    assert "Kiến An, ngày 06 tháng 01 năm 2024" in after
    fields = _fields(issued_at_signing["body"])
    assert (fields[NUMBER_FIELD]["/V"], fields[DAY_FIELD]["/V"], fields[MONTH_FIELD]["/V"]) == ("07", "06", "01")
    assert "07" in issued_at_signing["output"] and "06/01/2024" in issued_at_signing["output"]
    # The signer's copy still shows the blanks: only the body's revision fills them.
    assert "Số: /KH-UBND" in _page1_text(issued_at_signing["signer"])


def test_filling_keeps_both_signatures_intact_and_counts_as_form_filling(issued_at_signing, kit):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel

    data = issued_at_signing["body"].read_bytes()
    statuses = _validate(data, [kit["signer"][1], kit["body"][1]])
    assert set(statuses) == {SIGNER_FIELD, ORGAN_FIELD}
    for status in statuses.values():
        assert status.intact and status.valid and status.docmdp_ok
    assert statuses[SIGNER_FIELD].modification_level == ModificationLevel.FORM_FILLING
    first = next(s for s in PdfFileReader(io.BytesIO(data)).embedded_signatures if s.field_name == SIGNER_FIELD)
    first.compute_integrity_info()
    diff = first.evaluate_modifications(DEFAULT_DIFF_POLICY)
    assert diff.modification_level == ModificationLevel.FORM_FILLING
    assert diff.changed_form_fields == {ORGAN_FIELD, NUMBER_FIELD, DAY_FIELD, MONTH_FIELD}
    _still_pdfa(data)   # PDF/A-2b declared, output intent kept, every font (the fields' too) embedded


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="cần pdftoppm (poppler-utils)")
def test_filled_digits_are_drawn_inside_the_blanks(issued_at_signing, unissued):
    from PIL import Image

    def dark(pdf: Path, box) -> int:
        prefix = issued_at_signing["dir"] / f"{pdf.stem}-trang-1"
        subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf), str(prefix)],
                       check=True)
        image = Image.open(f"{prefix}.png").convert("L")
        height = image.height
        return sum(1 for x in range(int(box[0]) + 1, int(box[2])) for y in range(int(height - box[3]) + 1,
                                                                                  int(height - box[1]))
                   if image.getpixel((x, y)) < 110)

    fields = _fields(unissued)
    slash = next(x0 for w, x0, *_ in _words(unissued) if w == "/KH-UBND")
    word = {w: box for w, *box in reversed(_words(unissued))}
    day_blank = (word["ngày"][2], word["tháng"][0])
    for name in (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD):
        box = [float(v) for v in fields[name]["/Rect"]]
        blank = {NUMBER_FIELD: [box[0], box[1], slash - 1, box[3]],   # then the ký hiệu it draws
                 DAY_FIELD: [day_blank[0] + 1, box[1], day_blank[1] - 1, box[3]]}.get(name, box)   # ngày … tháng
        assert dark(unissued, blank) == 0
        assert dark(issued_at_signing["body"], box) > 15


def test_body_must_give_number_and_date_to_an_unissued_pdf(issued_at_signing, kit, runner, tmp_path):
    out = tmp_path / "x.pdf"
    result = _sign(runner, issued_at_signing["signer"], kit["body"][0], out, "--field", ORGAN_FIELD)
    assert result.exit_code == 1 and "K107" in result.output and "nguoi-ky.pdf" in result.output
    assert "--number 7 --date 06/01/2025" in result.output and not out.exists()


def test_date_that_contradicts_the_printed_year_is_refused(issued_at_signing, kit, runner, tmp_path):
    out = tmp_path / "x.pdf"
    result = _sign(runner, issued_at_signing["signer"], kit["body"][0], out, "--field", ORGAN_FIELD,
                   "--number", "7", "--date", "06/01/2025")
    assert result.exit_code == 1 and "K108" in result.output and "năm 2024" in result.output
    assert "nguoi-ky.pdf" in result.output and "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("extra, word", [
    (("--field", ORGAN_FIELD, "--number", "7"), "--date"),
    (("--field", ORGAN_FIELD, "--date", "06/01/2024"), "--number"),
    (("--field", ORGAN_FIELD, "--number", "7", "--date", "32/01/2024"), "--date"),
    (("--number", "7", "--date", "06/01/2024"), "ChuKyCoQuan"),
])
def test_misused_number_and_date_options_are_usage_errors(issued_at_signing, unissued, kit, runner, tmp_path, extra,
                                                          word):
    source = issued_at_signing["signer"] if ORGAN_FIELD in extra else unissued
    result = _sign(runner, source, kit["body"][0] if ORGAN_FIELD in extra else kit["signer"][0], tmp_path / "x.pdf",
                   *extra)
    assert result.exit_code == 2, result.output
    assert word in result.output and source.name in result.output and "Traceback" not in result.output


def test_number_and_date_from_an_issued_plan(pdfs, kit, runner, tmp_path, issued_at_signing):
    """--plan: the Nghệ An plan prints 07 and 06/01/2025 already; the same values are accepted, others refused."""
    nghe_an = pdfs[example("nghe-an").stem]
    first = tmp_path / "1.pdf"
    assert _sign(runner, nghe_an, kit["signer"][0], first).exit_code == 0
    ok = _sign(runner, first, kit["body"][0], tmp_path / "2.pdf", "--field", ORGAN_FIELD, "--plan",
               str(example("nghe-an")))
    assert ok.exit_code == 0, ok.output
    other = _sign(runner, first, kit["body"][0], tmp_path / "3.pdf", "--field", ORGAN_FIELD, "--number", "8",
                  "--date", "06/01/2025")
    assert other.exit_code == 1 and "K108" in other.output and "1.pdf" in other.output
    unissued_plan = _sign(runner, issued_at_signing["signer"], kit["body"][0], tmp_path / "4.pdf", "--field",
                          ORGAN_FIELD, "--plan", str(example("kien-an")))
    assert unissued_plan.exit_code == 1 and "K107" in unissued_plan.output and "kien-an" in unissued_plan.output


def test_copy_of_a_document_numbered_at_signing_shows_that_number_and_date(issued_at_signing, kit):
    from click.testing import CliRunner

    from authoring.pdf.finishing import COPY_FIELD
    from test_signing import _actual_text

    out = issued_at_signing["dir"] / "ban-sao.pdf"
    result = _sign(CliRunner(), issued_at_signing["body"], kit["body"][0], out, "--field", COPY_FIELD)
    assert result.exit_code == 0, result.output
    widget = next(a.get_object() for a in PdfReader(str(out)).pages[0]["/Annots"]
                  if a.get_object().get("/T") == COPY_FIELD)
    text = _actual_text(widget)
    assert text.startswith("SAO Y") and "Số: 07/KH-UBND, ngày 06/01/2024" in text, text


def test_name_under_the_seal_is_the_certificates_not_the_plans(issued_at_signing):
    from test_signing import _actual_text

    widget = next(a.get_object() for p in PdfReader(str(issued_at_signing["body"])).pages
                  for a in (p.get("/Annots") or []) if a.get_object().get("/T") == ORGAN_FIELD)
    text = _actual_text(widget)
    # the test body's certificate is Nghệ An's; the Kiến An plan prints another body, and the seal must not hide it
    assert "Ủy ban nhân dân tỉnh Nghệ An" in text and "Kiến An" not in text, text


def test_metadata_carries_the_number_and_date_given_at_signing_under_the_bodys_signature(issued_at_signing, kit):
    from authoring.pdf.checks import _xmp_value
    from authoring.pdf.metadata import ND30_NS

    before = PdfReader(str(issued_at_signing["signer"])).trailer["/Root"]["/Metadata"].get_object().get_data()
    data = issued_at_signing["body"].read_bytes()
    xmp = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert _xmp_value(before, ND30_NS, "CodeNumber") in ("", None)
    assert _xmp_value(xmp, ND30_NS, "CodeNumber") == "07" and _xmp_value(xmp, ND30_NS, "IssuedDate") == "2024-01-06"
    statuses = _validate(data, [kit["signer"][1], kit["body"][1]])
    assert all(s.intact and s.valid and s.docmdp_ok for s in statuses.values())
    assert statuses[ORGAN_FIELD].coverage.name == "ENTIRE_FILE"   # the body's signature covers the new packet
    _still_pdfa(data)
