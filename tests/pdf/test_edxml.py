"""edXML export (QĐ 28/2018/QĐ-TTg, QCVN 102:2016/BTTTT) and the Phụ lục VI fields in the PDF's XMP."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from pypdf import PdfReader

from authoring.cli import main
from authoring.loading import load_plan_or_raise
from authoring.pdf.edxml import build_edxml, edxml_problems, from_plan, read_edxml
from authoring.pdf.metadata import ND30_NS
from authoring.render.properties import ND30_FIELDS
from helpers import example


@pytest.fixture(scope="session")
def nghe_an(pdfs):
    path = pdfs[example("nghe-an").stem]
    return load_plan_or_raise(example("nghe-an")), path


def test_envelope_validates_against_the_schema_and_round_trips(nghe_an):
    loaded, pdf = nghe_an
    envelope = from_plan(loaded, pdf.read_bytes(), pdf.name)
    data = build_edxml(envelope)
    assert edxml_problems(data) == []
    back = read_edxml(data)
    for item in dataclasses.fields(envelope):
        if item.name in ("sender", "recipients"):
            continue
        assert getattr(back, item.name) == getattr(envelope, item.name), item.name
    assert (back.sender.name, back.sender.organ_id) == ("Ủy ban nhân dân tỉnh Nghệ An", "000.00.00.H40")
    assert [r.name for r in back.recipients] == [r.name for r in envelope.recipients]
    assert back.code_number == "07" and back.code_notation == "KH-UBND" and back.date == "2025-01-06"
    assert back.place == "Nghệ An" and back.type_name == "Kế hoạch"
    assert (back.competence, back.position, back.full_name) == ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
                                                                "Bùi Đình Long")
    assert back.page_amount == len(PdfReader(str(pdf)).pages)
    assert back.attachments[0].data == pdf.read_bytes() and back.attachments[0].content_type == "application/pdf"
    assert uuid.UUID(back.document_id).version == 5


def test_same_input_gives_the_same_bytes_and_another_pdf_another_id(nghe_an):
    loaded, pdf = nghe_an
    data = pdf.read_bytes()
    first = build_edxml(from_plan(loaded, data, pdf.name))
    assert first == build_edxml(from_plan(loaded, data, pdf.name))
    other = from_plan(loaded, data + b"\n%", pdf.name)
    assert other.document_id != read_edxml(first).document_id


def test_schema_rejects_what_the_exchange_would(nghe_an):
    loaded, pdf = nghe_an
    envelope = from_plan(loaded, pdf.read_bytes(), pdf.name)
    too_long = dataclasses.replace(envelope, subject="x" * 501)
    assert any("Subject" in p for p in edxml_problems(build_edxml(too_long)))
    bad_id = dataclasses.replace(envelope, sender=dataclasses.replace(envelope.sender, organ_id="UBND-NGHE-AN-01"))
    assert edxml_problems(build_edxml(bad_id))
    assert edxml_problems(b"<khong-phai-edxml/>")


def test_export_command_writes_a_valid_envelope_and_warns_about_unconfirmed_ids(nghe_an, runner, tmp_path):
    _, pdf = nghe_an
    out = tmp_path / "ke-hoach.edxml"
    result = runner.invoke(main, ["export", "--edxml", str(example("nghe-an")), "--pdf", str(pdf), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert edxml_problems(out.read_bytes()) == []
    assert "000.00.00.H40" in result.output and "chưa được xác nhận" in result.output
    again = tmp_path / "lan-hai.edxml"
    runner.invoke(main, ["export", "--edxml", str(example("nghe-an")), "--pdf", str(pdf), "-o", str(again)])
    assert again.read_bytes() == out.read_bytes()


def test_pdf_xmp_carries_every_outgoing_field_of_phu_luc_vi(pdfs):
    reader = PdfReader(str(pdfs[example("nghe-an").stem]))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert f'xmlns:nd30="{ND30_NS}"' in xmp
    for name, _ in ND30_FIELDS:
        assert f"<pdfaProperty:name>{name}</pdfaProperty:name>" in xmp, name
        assert f"<nd30:{name}>" in xmp or f"<nd30:{name}/>" in xmp, name
    expected = {"OrganId": "000.00.00.H40", "OrganIdStatus": "unconfirmed", "Language": "vi",
                "PageAmount": str(len(reader.pages)), "Priority": "0", "TypeName": "Kế hoạch",
                "CodeNumber": "07", "CodeNotation": "KH-UBND"}
    for name, value in expected.items():
        assert f"<nd30:{name}>{value}</nd30:{name}>" in xmp, name
        assert reader.metadata[f"/{name}"] == value
    assert "Bộ LĐ-TB&amp;XH (để b/c)" in xmp and "Lưu" not in reader.metadata["/To"]


def test_a_number_without_its_issue_record_stays_out_of_the_envelope(nghe_an):
    """A number typed by hand (no issue record) prints as a draft: the envelope carries no number either."""
    loaded, pdf = nghe_an
    typed = dataclasses.replace(loaded, plan=loaded.plan.model_copy(update={
        "document": loaded.plan.document.model_copy(update={"issued": None})}))
    back = read_edxml(build_edxml(from_plan(typed, pdf.read_bytes(), pdf.name)))
    assert back.code_number in ("", None) and back.code_notation == "KH-UBND"


def test_a_plan_without_a_known_identifier_leaves_it_blank(pdfs):
    info = PdfReader(str(pdfs[example("kon-tum").stem])).metadata
    assert info["/OrganId"] == "" and info["/OrganIdStatus"] == ""


def test_footnote_marks_stay_out_of_the_envelope_and_the_metadata(pdfs):
    pdf = pdfs[example("kon-tum").stem]
    envelope = read_edxml(build_edxml(from_plan(load_plan_or_raise(example("kon-tum")), pdf.read_bytes(), pdf.name)))
    assert "Các đơn vị liên quan" in [r.name for r in envelope.recipients]
    assert not any("[^" in r.name for r in envelope.recipients)
    assert envelope.code_number == "" and envelope.date is None   # not issued yet: blank, still valid
