"""PDFs in: the text layer read by position into the structure the DOCX reader builds (header columns, title,
closing table, annex tables over page breaks); bad PDFs refused with a reason."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from authoring.cli.commands import main
from authoring.importing.pdfsource import pdf_facts, read_pdf
from authoring.importing.sources import read_docx
from authoring.ooxml.facts import document_facts
from helpers import ROOT

REAL = ROOT / "tests" / "fixtures" / "real"
PDFS = sorted((REAL / "pdf").glob("*.pdf"))


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
