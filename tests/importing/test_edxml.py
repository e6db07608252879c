"""edXML in: a package from the exchange axis imports its attached document with the envelope's facts trusted over
the page; hostile packages (entities, external files, size, broken base64, crafted names) are refused with exit 1."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from authoring.cli.commands import main
from authoring.importing import import_plan
from authoring.pdf.edxml import Attachment, EdxmlDocument, Organ, build_edxml
from helpers import ROOT

PDF = ROOT / "tests" / "fixtures" / "real" / "pdf" / "105-lam-dong-snnmt-cv-4186-hiep-hoi-bds.pdf"
DOCX = ROOT / "tests" / "fixtures" / "real" / "docx" / "003-lam-dong-kh-kiem-tra-cchc-2026.docx"


def _envelope(attachment: Path, **fields) -> bytes:
    content = {".pdf": "application/pdf",
               ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}[attachment.suffix]
    values = dict(sender=Organ("Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng", "000.15.25.H36"),
                  recipients=[Organ("Sở Nội vụ tỉnh Lâm Đồng")], code_number="4186", code_notation="SNNMT-CCQLĐĐ",
                  place="Lâm Đồng", date="2026-04-09", type_name="Công văn",
                  subject="V/v ý kiến công nhận Ban vận động thành lập Hiệp hội Bất động sản tỉnh Lâm Đồng",
                  competence="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", full_name="Bùi Thanh Hà", page_amount=1,
                  attachments=[Attachment(attachment.name, content, attachment.read_bytes(), "001")])
    values.update(fields)
    return build_edxml(EdxmlDocument(**values))


def _document(result) -> dict:
    return YAML(typ="safe").load(result.yaml_text)["document"]


def test_a_package_imports_its_attached_pdf_with_the_envelope_facts(tmp_path):
    package = tmp_path / "goi-tin.edxml"
    package.write_bytes(_envelope(PDF))
    result = import_plan(package)
    document = _document(result)
    assert (document["number"], document["symbol"], str(document["date"])) == (4186, "SNNMT-CCQLĐĐ", "2026-04-09")
    assert result.notes[0].startswith("Nhập từ gói tin edXML của Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng")
    assert len(result.signatures) == 5   # the attached PDF's own signatures are still reported


def test_the_envelope_is_trusted_over_the_page_and_the_difference_is_said(tmp_path):
    """A DOCX sent for signature has "Số:      /KH-UBND" and a blank day and month; the issued envelope states them."""
    package = tmp_path / "kh.edxml"
    package.write_bytes(_envelope(DOCX, code_number="51", code_notation="KH-UBND", date="2026-01-20",
                                  type_name="Kế hoạch", subject="Kiểm tra công tác cải cách hành chính năm 2026",
                                  sender=Organ("Ủy ban nhân dân tỉnh Lâm Đồng")))
    result = import_plan(package)
    document = _document(result)
    assert (document["number"], str(document["date"])) == (51, "2026-01-20")
    differences = next(n for n in result.notes if n.startswith("Gói tin và trang văn bản khác nhau"))
    assert "ngày ban hành: trang ghi \"2026\", gói tin ghi \"2026-01-20\"" in differences


def test_the_cli_imports_a_package_and_names_it(tmp_path):
    package = tmp_path / "goi-tin.edxml"
    package.write_bytes(_envelope(PDF))
    out = tmp_path / "cv.yaml"
    result = CliRunner().invoke(main, ["import", str(package), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "gói tin edXML" in result.output and out.is_file()


def _refused(tmp_path, data: bytes, name: str = "x.edxml"):
    package = tmp_path / name
    package.write_bytes(data)
    out = tmp_path / "x.yaml"
    result = CliRunner().invoke(main, ["import", str(package), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    return result.output


def test_a_package_with_entities_is_refused_before_any_is_expanded(tmp_path):
    laughs = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY a "hahahahahahaha">'
              + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10)
                         for i in range(8))
              + b']><edXML>&i;</edXML>')
    assert "DOCTYPE/ENTITY" in _refused(tmp_path, laughs)


def test_a_package_naming_an_external_file_never_reads_it(tmp_path):
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("MẬT KHẨU", encoding="utf-8")
    xxe = (f'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
           '<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&x;</Subject></MessageHeader></edXMLHeader>'
           '</edXMLEnvelope></edXML>').encode()
    output = _refused(tmp_path, xxe)
    assert "MẬT KHẨU" not in output and "DOCTYPE/ENTITY" in output


def test_a_package_over_the_size_bound_is_refused_unread(tmp_path, monkeypatch):
    from authoring import limits

    monkeypatch.setattr(limits, "MAX_EDXML_BYTES", 1024)
    assert "lớn hơn" in _refused(tmp_path, _envelope(PDF))


@pytest.mark.parametrize("data, said", [
    (b"<edXML><unclosed>", "không phải XML đọc được"),
    (b"<html><body>trang web</body></html>", "không phải <edXML>"),
    (b"<edXML><edXMLEnvelope/></edXML>", "không có tệp đính kèm nào"),
], ids=["broken", "not-edxml", "no-attachment"])
def test_a_package_that_is_not_a_usable_envelope_is_refused_with_the_reason(tmp_path, data, said):
    assert said in _refused(tmp_path, data)


def test_broken_base64_in_the_attachment_is_refused(tmp_path):
    data = _envelope(PDF).replace(base64.encodebytes(PDF.read_bytes()[:57]).strip(), b"!!!!not base64!!!!")
    assert "base64 hỏng" in _refused(tmp_path, data)


def test_an_attachment_name_is_never_a_path_written_to(tmp_path):
    """AttachmentName "../../ke-hoach.pdf" must not place a file outside the temporary folder (nor anywhere)."""
    crafted = tmp_path / "deep" / "er"
    crafted.mkdir(parents=True)
    data = _envelope(PDF).replace(PDF.name.encode(), b"../../ke-hoach.pdf")
    package = crafted / "x.edxml"
    package.write_bytes(data)
    result = import_plan(package)
    assert not (tmp_path / "ke-hoach.pdf").exists() and "../../ke-hoach.pdf" in result.notes[0]


def test_a_damaged_attachment_is_said_of_the_package_not_of_a_temporary_file(tmp_path):
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(b"%PDF-1.7\n" + b"\0" * 200)
    output = _refused(tmp_path, _envelope(broken))
    assert "x.edxml (tệp đính kèm \"hong.pdf\")" in output and "kehoach-edxml-" not in output
