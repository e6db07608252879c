"""PDFs in: the text layer read by position into the structure the DOCX reader builds (header columns, title,
closing table, annex tables over page breaks); bad PDFs refused with a reason."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from authoring.cli.commands import main
from authoring.importing.pdfsource import pdf_facts, read_pdf
from authoring.importing.sources import read_docx
from authoring.ooxml.facts import document_facts
from helpers import ROOT

REAL = ROOT / "tests" / "fixtures" / "real"
PDFS = sorted(p for p in (REAL / "pdf").glob("*.pdf") if (REAL / "docx" / f"{p.stem}.docx").is_file())


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem[:3])
def test_a_printed_pdf_gives_the_header_facts_of_the_docx_it_was_printed_from(pdf):
    want, got = document_facts(REAL / "docx" / f"{pdf.stem}.docx"), pdf_facts(pdf)
    for name in ("doc_type", "issuer", "parent_issuer", "number", "symbol", "date", "place", "title"):
        assert getattr(got, name) == getattr(want, name), name


def test_the_closing_is_read_in_its_two_columns_even_over_a_page_break():
    """Lâm Đồng KH CCHC 2026: Nơi nhận starts at the foot of page 10, the last recipients and the signer's name
    are on page 11, beside each other."""
    pdf = REAL / "pdf" / "001-lam-dong-kh-cchc-2026.pdf"
    paras = read_docx(pdf, read_pdf(pdf).document)
    left = [p.text for p in paras if p.zone == "closing-left"]
    right = [p.text for p in paras if p.zone == "closing-right"]
    assert left[0] == "Nơi nhận:" and left[-1] == "- Lưu: VT, NC. Châu" and len(left) == 14
    assert right == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Ngọc Phúc"]


def test_an_annex_table_running_over_pages_is_one_table_with_its_header_once():
    pdf = REAL / "pdf" / "001-lam-dong-kh-cchc-2026.pdf"
    paras = read_docx(pdf, read_pdf(pdf).document)
    heads = [p for p in paras if p.zone == "annex-head"]
    rows = [p for p in paras if p.zone == "annex-row"]
    assert len(heads) == 1 and heads[0].cells[:2] == ["STT", "Nhiệm vụ"]
    assert len(rows) >= 59 and all(len(r.cells) == len(heads[0].cells) for r in rows)


def test_a_two_line_title_under_the_type_line_is_one_trich_yeu():
    facts = pdf_facts(REAL / "pdf" / "009-lam-dong-qd-cong-bo-chi-so-cchc-2025.pdf")
    assert facts.title.endswith("Ủy ban nhân dân các xã, phường, đặc khu")


def test_import_of_a_pdf_writes_a_valid_plan(tmp_path):
    out = tmp_path / "kh.yaml"
    result = CliRunner().invoke(main, ["import", str(REAL / "pdf" / "001-lam-dong-kh-cchc-2026.pdf"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Cải cách hành chính nhà nước năm 2026 tỉnh Lâm Đồng" in text and "Sở Nội vụ" in text


def test_the_number_and_day_an_e_office_writes_into_a_signed_pdf_are_read():
    """Sở NN&MT Lâm Đồng 4186: "Số:" and "ngày … tháng 4" are blanks in the page; the văn thư's signing tool draws
    4186 and 09 in signature fields over them."""
    facts = pdf_facts(REAL / "pdf" / "105-lam-dong-snnmt-cv-4186-hiep-hoi-bds.pdf")
    assert (facts.number, facts.symbol, facts.date) == ("4186", "SNNMT-CCQLĐĐ", "2026-04-09")


def test_a_basis_clause_goes_on_after_a_semicolon_inside_the_cited_title():
    """Bộ Nội vụ 5816: "Triển khai thực hiện Quyết định số 145/QĐ-BNV … về việc ban hành Kế hoạch sơ kết …; đề xuất
    nhiệm vụ …; Công văn số 336/BNV-CCHC … và Công văn số 376/BNV-CCHC …, trong thời gian vừa qua"."""
    facts = pdf_facts(REAL / "pdf" / "109-bnv-cv-5816-so-ket-cchc.pdf")
    assert [b["code"] for b in facts.bases] == ["145/QĐ-BNV", "336/BNV-CCHC", "376/BNV-CCHC"]


def test_a_real_signed_pdf_imports_with_its_signatures_and_no_traceback(tmp_path):
    """Its chains cannot be built without roots: pyHanko logs a traceback for each, which the user must not see
    (a subprocess, as pytest's own log capture would hide them)."""
    import sys

    out = tmp_path / "cv.yaml"
    result = subprocess.run([sys.executable, "-m", "authoring.cli", "import",
                             str(REAL / "pdf" / "105-lam-dong-snnmt-cv-4186-hiep-hoi-bds.pdf"), "-o", str(out)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Chữ ký số: ") == 5 and "Bùi Thanh Hà" in result.stdout
    assert "Traceback" not in result.stderr and "pyhanko" not in result.stderr.replace("pyhanko/sign/signers", "")


def test_a_file_named_pdf_that_is_not_one_is_refused_with_exit_1(tmp_path):
    fake = tmp_path / "van-ban.pdf"
    fake.write_bytes(b"PK\x03\x04 not a pdf")
    result = CliRunner().invoke(main, ["import", str(fake), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "không phải PDF" in result.output


def test_a_damaged_pdf_is_refused_not_crashed(tmp_path):
    broken = tmp_path / "hong.pdf"
    broken.write_bytes((REAL / "pdf" / "010-lam-dong-cv-3653-vpcp.pdf").read_bytes()[:3000])
    result = CliRunner().invoke(main, ["import", str(broken), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output and not (tmp_path / "x.yaml").exists()


# --- scans: OCR --------------------------------------------------------------------------------------------------

TESSERACT = shutil.which("tesseract") and shutil.which("pdftoppm")
needs_ocr = pytest.mark.skipif(not TESSERACT, reason="Tesseract (tesseract-ocr-vie) is not installed; scripts/setup.sh")
SCAN = REAL / "scan" / "010-lam-dong-cv-3653-vpcp-scan.pdf"


@needs_ocr
def test_a_turned_speckled_scan_gives_the_header_facts_of_the_original():
    want, got = document_facts(REAL / "docx" / "010-lam-dong-cv-3653-vpcp.docx"), pdf_facts(SCAN)
    for name in ("doc_type", "issuer", "number", "symbol", "date", "place", "title"):
        assert getattr(got, name) == getattr(want, name), name


@needs_ocr
def test_a_scan_says_it_was_read_by_ocr_with_each_fact_and_page_confidence(tmp_path):
    result = CliRunner().invoke(main, ["import", str(SCAN), "-o", str(tmp_path / "cv.yaml")])
    assert result.exit_code == 0, result.output
    assert "bản quét" in result.output and re.search(r"trang 1: \d+%", result.output)
    assert re.search(r"ký hiệu 'UBND-NC' \(độ tin cậy \d+%\)", result.output)
    assert "quét nghiêng 1.2°" in result.output


def test_the_skew_of_a_page_is_measured():
    from PIL import Image, ImageDraw

    from authoring.importing.ocr import skew_angle

    page = Image.new("L", (800, 1000), 255)
    draw = ImageDraw.Draw(page)
    for y in range(100, 900, 40):
        draw.rectangle((100, y, 700, y + 12), fill=0)   # lines of "text"
    assert skew_angle(page) == 0.0
    assert abs(skew_angle(page.rotate(-2.0, fillcolor=255)) - 2.0) <= 0.2


def test_a_page_read_badly_is_named_page_by_page():
    from authoring.importing.ocr import quality_notes

    notes = quality_notes([93.4, 41.0, 88.0, 55.5])
    assert "trang 1: 93%, trang 2: 41%" in notes[0]
    assert notes[1].startswith("Trang 2, 4 đọc kém") and len(notes) == 2
    assert len(quality_notes([90.0])) == 1


def test_ocr_words_take_their_line_box_and_keep_their_confidence():
    from authoring.importing import ocr

    tsv = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
           "4\t1\t1\t1\t1\t0\t100\t100\t900\t50\t-1\t\n"
           "5\t1\t1\t1\t1\t1\t100\t110\t200\t30\t31.5\tKẾ\n"
           "5\t1\t1\t1\t1\t2\t400\t105\t20\t5\t40\t_\n")
    words = ocr._page_words(tsv, 72 / 300)
    assert [w.text for w in words] == ["KẾ"] and words[0].confidence == 31.5 and words[0].top == 24.0


# --- signed PDFs ---------------------------------------------------------------------------------------------------

def _signed(tmp_path, common_name: str):
    from io import BytesIO

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    from helpers import self_signed_p12

    data, _ = self_signed_p12(common_name, b"mat-khau")
    p12 = tmp_path / "ky.p12"
    p12.write_bytes(data)
    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"mat-khau")
    out = BytesIO()
    source = BytesIO((REAL / "pdf" / "010-lam-dong-cv-3653-vpcp.pdf").read_bytes())
    signers.sign_pdf(IncrementalPdfFileWriter(source), signers.PdfSignatureMetadata(field_name="ChuKy"),
                     signer=signer, output=out)
    return out.getvalue()


def test_a_signed_pdf_reports_its_signer_time_and_intact_signature(tmp_path):
    pdf = tmp_path / "da-ky.pdf"
    pdf.write_bytes(_signed(tmp_path, "Trịnh Ngọc Duệ"))
    result = CliRunner().invoke(main, ["import", str(pdf), "-o", str(tmp_path / "cv.yaml")])
    assert result.exit_code == 0, result.output
    assert re.search(r"Chữ ký số: Trịnh Ngọc Duệ lúc 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d; chữ ký nguyên vẹn", result.output)
    from authoring.importing import import_plan

    fact = import_plan(pdf).signatures[0]
    assert fact["signer"] == "Trịnh Ngọc Duệ" and fact["intact"] and fact["whole_file"] and fact["time"]


def test_a_pdf_changed_after_signing_is_reported_as_not_intact(tmp_path):
    data = bytearray(_signed(tmp_path, "Trịnh Ngọc Duệ"))
    at = data.index(b"LibreOffice")   # the producer, inside the signed bytes: the digest no longer matches
    data[at:at + 11] = b"LibreOffise"
    pdf = tmp_path / "da-sua.pdf"
    pdf.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["import", str(pdf), "-o", str(tmp_path / "cv.yaml")])
    assert result.exit_code == 0 and "KHÔNG còn nguyên vẹn" in result.output, result.output


def test_a_pdf_with_more_pages_than_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from authoring import limits

    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    result = CliRunner().invoke(main, ["import", str(REAL / "pdf" / "001-lam-dong-kh-cchc-2026.pdf"),
                                       "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "M106" in result.output and "quá 3 trang" in result.output


def test_an_encrypted_pdf_is_refused_not_crashed(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(REAL / "pdf" / "010-lam-dong-cv-3653-vpcp.pdf"))
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="AES-128")
    locked = tmp_path / "khoa.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    result = CliRunner().invoke(main, ["import", str(locked), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output and not (tmp_path / "x.yaml").exists()
    assert "tệp PDF có mật khẩu" in result.output and "Exception" not in result.output


@needs_ocr
def test_a_scan_too_poor_to_read_is_refused_page_by_page_not_as_a_document_without_facts(tmp_path):
    from PIL import Image, ImageFilter

    pngs = tmp_path / "p"
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-png", "-f", "1", "-l", "1",
                    str(REAL / "pdf" / "010-lam-dong-cv-3653-vpcp.pdf"), str(pngs)], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).filter(ImageFilter.GaussianBlur(1.2)).rotate(3.5, fillcolor=255)
    scan = tmp_path / "mo.pdf"
    image.save(scan, resolution=60)
    result = CliRunner().invoke(main, ["import", str(scan), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Đây là bản quét đọc bằng OCR" in result.output and "M108" in result.output
    assert re.search(r"Trang 1 đọc kém \(độ tin cậy dưới 70%\)", result.output)
