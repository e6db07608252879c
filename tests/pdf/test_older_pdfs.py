"""PDFs finished by earlier kehoach versions still sign and verify the way they were made.

Three generations of page 1: no số/ngày fields (an issued plan, its number printed); fields over the blanks only
(made when the line could not be taken out of the page: the number narrowed into its blank, day and month each
in theirs); the day field drawing «ngày … năm 2024» after the «Kiến An,» the page keeps (kept as a fixture made on
7/12/2026). Each is signed by the signer, then by the body (giving số 7, ngày 06/3/2024 where there are blanks),
then validated by pyHanko against the test root and accepted by `verify` with the approved PDF's hash.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from authoring.pdf.finishing import DAY_FIELD, MONTH_FIELD, NUMBER_FIELD, ORGAN_FIELD, SIGNER_FIELD
from authoring.pdf.verify import Expected, verify_signed
from helpers import example
from test_verify import _ca, _leaf, _pyhanko, _roots, _sign, chain  # noqa: F401  (chain is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="cần pdftotext (poppler-utils)")

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pdf-older" / "kien-an-ngay-sau-dia-danh.pdf"


def _fields(pdf: Path) -> dict[str, dict]:
    from pypdf import PdfReader

    form = PdfReader(str(pdf)).trailer["/Root"].get("/AcroForm")
    return {str(f.get_object()["/T"]): f.get_object() for f in (form.get_object()["/Fields"] if form else [])}


def _page1(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"[ \t]+", " ", text)


@pytest.fixture(scope="session")
def blanks_only(rendered, tmp_path_factory):
    """Kiến An finished as kehoach did when a line could not be taken out of the page: fields over the blanks."""
    from authoring.pdf import finishing
    from authoring.pdf.convert import docx_to_pdf

    target = tmp_path_factory.mktemp("o-trong") / "kien-an.pdf"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(finishing, "_take_tail", lambda page, blank: None)
        docx_to_pdf([(rendered[example("kien-an").stem], target)], workers=1)
    return target


def _issue(approved: Path, chain, folder: Path, *issue: str) -> Path:
    signer, body = folder / "nguoi-ky.pdf", folder / "co-quan.pdf"
    _sign(approved, chain["signer"], signer)
    _sign(signer, chain["body"], body, "--field", ORGAN_FIELD, *issue)
    data = body.read_bytes()
    statuses = _pyhanko(data, _roots(chain))
    assert set(statuses) == {SIGNER_FIELD, ORGAN_FIELD}
    assert all(s.intact and s.valid and s.trusted and s.docmdp_ok for s in statuses.values())
    expected = Expected(approved_sha256=hashlib.sha256(approved.read_bytes()).hexdigest(), require_body=True,
                        number=7)
    verdict = verify_signed(data, body.name, _roots(chain), expected)
    assert verdict.ok, verdict.problems
    return body


@pytest.fixture(scope="session")
def nghe_an_chain(tmp_path_factory):
    """A test root and the certificates of the Nghệ An example's printed signer and body."""
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path_factory.mktemp("chuoi-nghe-an")
    ca = _ca()
    root = folder / "goc-thu.pem"
    root.write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    return {"root": root, "signer": _leaf(ca, "Bùi Đình Long", folder, "nguoi-ky.p12"),
            "body": _leaf(ca, "UBND tỉnh Nghệ An", folder, "co-quan.p12", "Ủy ban nhân dân tỉnh Nghệ An")}


def test_a_pdf_with_its_number_printed_and_no_fields_signs_and_verifies_as_before(pdfs, nghe_an_chain, tmp_path):
    approved = pdfs[example("nghe-an").stem]
    assert not {NUMBER_FIELD, DAY_FIELD, MONTH_FIELD} & set(_fields(approved))
    printed = _page1(approved)
    body = _issue(approved, nghe_an_chain, tmp_path)
    assert "Số: 07/KH-UBND" in printed and "Số: 07/KH-UBND" in _page1(body)


def test_a_pdf_with_fields_over_the_blanks_only_is_filled_in_its_blanks_and_verifies(blanks_only, chain, tmp_path):
    fields = _fields(blanks_only)
    assert (fields[NUMBER_FIELD]["/Q"], fields[DAY_FIELD]["/Q"], fields[MONTH_FIELD]["/Q"]) == (2, 1, 1)
    assert "Kiến An, ngày tháng năm 2024" in _page1(blanks_only)          # the page prints the whole line
    body = _issue(blanks_only, chain, tmp_path, "--number", "7", "--date", "06/03/2024")
    filled = _fields(body)
    assert (filled[NUMBER_FIELD]["/V"], filled[DAY_FIELD]["/V"], filled[MONTH_FIELD]["/V"]) == ("07", "06", "3")
    text = _page1(body)
    assert re.search(r"Số: 07 ?/KH-UBND", text) and re.search(r"Kiến An, ngày 06 tháng 3 năm 2024", text), text


def test_a_pdf_whose_page_keeps_the_place_fills_the_date_after_it_and_verifies(chain, tmp_path):
    fields = _fields(FIXTURE)
    assert fields[DAY_FIELD]["/Q"] == 0                                   # the day field draws from «ngày» on
    body = _issue(FIXTURE, chain, tmp_path, "--number", "7", "--date", "06/03/2024")
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(body), "-"], capture_output=True,
                         text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)
    line = [w for *_, w in words if w in ("Kiến", "An,") or w.startswith("ngày ")]
    assert line[:3] == ["Kiến", "An,", "ngày 06 tháng 3 năm 2024"], line    # the place from the page, the rest drawn
    assert "Số: 07/KH-UBND" in _page1(body)
