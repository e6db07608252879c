"""Locks and verification: nobody alters an issued document unseen, and nothing false is taken as signed.

The Kiến An example (no số, no ngày) is signed by its signer, then by its body with --number and --date, with
certificates issued at test time by a test root CA (a chain, as real signing certificates have). Every field the
body fills is then changed in an unsigned incremental update; pyHanko must flag it, and `kehoach verify` refuse it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from authoring.cli import main
from authoring.pdf.finishing import DAY_FIELD, ISSUE_FIELDS, MONTH_FIELD, NUMBER_FIELD, ORGAN_FIELD, SIGNER_FIELD
from authoring.pdf.verify import Expected, approved_revision_matches, name_matches, trust_roots, verify_signed
from helpers import example

PASSWORD = "mat-khau"


def _ca():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử của kehoach"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=2)).not_valid_after(now + datetime.timedelta(days=60))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def _leaf(ca, common_name: str, folder: Path, file_name: str, organization: str | None = None) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    ca_key, ca_cert = ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, common_name), x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name(parts)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    path = folder / file_name
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"k", key, cert, [ca_cert],
                                                           serialization.BestAvailableEncryption(PASSWORD.encode())))
    return path


@pytest.fixture(scope="session")
def chain(tmp_path_factory):
    """A test root (its PEM) and certificates it issued: the printed signer, the body, another person, another body."""
    from cryptography.hazmat.primitives import serialization

    folder = tmp_path_factory.mktemp("chuoi-tin-cay")
    ca = _ca()
    root = folder / "goc-thu.pem"
    root.write_bytes(ca[1].public_bytes(serialization.Encoding.PEM))
    return {
        "root": root, "dir": folder,
        "signer": _leaf(ca, "Nguyễn Phong Doanh", folder, "nguoi-ky.p12"),
        "body": _leaf(ca, "UBND quận Kiến An", folder, "co-quan.p12", "Ủy ban nhân dân quận Kiến An"),
        "stranger": _leaf(ca, "Phạm Văn Đức", folder, "nguoi-khac.p12"),
        "foreign_body": _leaf(ca, "Ủy ban nhân dân tỉnh Lạng Sơn", folder, "co-quan-khac.p12"),
    }


def _sign(source: Path, p12: Path, target: Path, *extra: str) -> None:
    result = CliRunner().invoke(main, ["sign", str(source), "--p12", str(p12), "--password", PASSWORD,
                                       "-o", str(target), *extra])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="session")
def signed(pdfs, chain):
    """The Kiến An PDF (approved), signed by its signer, then by its body giving số 7, ngày 06/01/2024."""
    folder = chain["dir"]
    approved = pdfs[example("kien-an").stem]
    first, second = folder / "nguoi-ky-da-ky.pdf", folder / "co-quan-da-ky.pdf"
    _sign(approved, chain["signer"], first)
    _sign(first, chain["body"], second, "--field", ORGAN_FIELD, "--number", "7", "--date", "06/01/2024")
    return {"approved": approved, "signer": first, "body": second}


def _roots(chain):
    return trust_roots([chain["root"]])


def _expected(signed, **more) -> Expected:
    return Expected(approved_sha256=hashlib.sha256(signed["approved"].read_bytes()).hexdigest(), **more)


def _set_field(data: bytes, name: str, value: str) -> bytes:
    """An unsigned incremental update that sets the text field *name* to *value*, appearance untouched."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        widget = ref.get_object()
        if str(widget["/T"]) == name:
            widget[generic.pdf_name("/V")] = generic.TextStringObject(value)
            writer.update_container(widget)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pyhanko(data: bytes, roots) -> dict:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from authoring.aio import run_async
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    context = ValidationContext(trust_roots=[r.certificate for r in roots], allow_fetching=False)
    return {s.field_name: run_async(lambda: async_validate_pdf_signature(s, signer_validation_context=context))
            for s in PdfFileReader(io.BytesIO(data)).embedded_signatures}


def test_prepared_pdf_locks_the_number_and_date_under_the_bodys_signature(pdfs):
    reader = PdfReader(str(pdfs[example("kien-an").stem]))
    fields = {str(f.get_object()["/T"]): f.get_object() for f in reader.trailer["/Root"]["/AcroForm"]["/Fields"]}
    body_lock = fields[ORGAN_FIELD]["/Lock"].get_object()
    assert body_lock["/Action"] == "/Include" and set(body_lock["/Fields"]) == set(ISSUE_FIELDS)
    assert body_lock["/P"] == 2
    signer_lock = fields[SIGNER_FIELD]["/Lock"].get_object()
    assert signer_lock["/Action"] == "/Exclude" and set(ISSUE_FIELDS) | {ORGAN_FIELD} <= set(signer_lock["/Fields"])


def test_properly_signed_document_validates_and_verify_accepts_it(signed, chain):
    roots = _roots(chain)
    statuses = _pyhanko(signed["body"].read_bytes(), roots)
    assert set(statuses) == {SIGNER_FIELD, ORGAN_FIELD}
    for status in statuses.values():
        assert status.intact and status.valid and status.trusted and status.docmdp_ok
    assert statuses[ORGAN_FIELD].coverage.name == "ENTIRE_FILE"
    verdict = verify_signed(signed["body"].read_bytes(), "co-quan-da-ky.pdf", roots,
                            _expected(signed, signer_name="Nguyễn Phong Doanh",
                                      organ_name="Ủy ban nhân dân quận Kiến An", require_body=True))
    assert verdict.ok, verdict.problems
    assert [r.field for r in verdict.signatures] == [SIGNER_FIELD, ORGAN_FIELD]
    result = CliRunner().invoke(main, ["verify", str(signed["body"]), "--trust", str(chain["root"]),
                                       "--approved", str(signed["approved"]), "--plan", str(example("kien-an")),
                                       "--issued"])
    assert result.exit_code == 0, result.output
    assert "hợp lệ" in result.output and "đúng bản đã duyệt" in result.output


@pytest.mark.parametrize("name", [NUMBER_FIELD, DAY_FIELD, MONTH_FIELD])
def test_changing_a_field_after_the_bodys_signature_breaks_it(signed, chain, name):
    roots = _roots(chain)
    tampered = _set_field(signed["body"].read_bytes(), name, "99")
    status = _pyhanko(tampered, roots)[ORGAN_FIELD]
    # pyHanko: the body's field lock is violated, the change is beyond form filling
    assert not status.docmdp_ok and status.modification_level.name == "OTHER"
    verdict = verify_signed(tampered, "sua-so.pdf", roots, _expected(signed))
    assert any("Văn bản bị thay đổi sau chữ ký số của cơ quan" in p for p in verdict.problems), verdict.problems


@pytest.mark.parametrize("name", [NUMBER_FIELD, DAY_FIELD, MONTH_FIELD])
def test_filling_a_field_after_the_signer_without_the_bodys_signature_is_refused(signed, chain, name):
    roots = _roots(chain)
    tampered = _set_field(signed["signer"].read_bytes(), name, "99")
    verdict = verify_signed(tampered, "dien-so.pdf", roots, _expected(signed))
    assert any("thêm vào sau chữ ký cuối cùng (ô ChuKyNguoiKy) mà không ai ký" in p for p in verdict.problems)
    assert verify_signed(signed["signer"].read_bytes(), "nguoi-ky.pdf", roots, _expected(signed)).ok


def test_forged_pdf_is_refused_because_its_content_changed_after_signing(signed, chain):
    data = bytearray(signed["signer"].read_bytes())
    at = data.index(b"/Producer") + 2      # inside the first revision, covered by the signature
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    verdict = verify_signed(bytes(data), "gia-mao.pdf", _roots(chain), Expected())
    assert any("đã bị sửa sau khi ký" in p for p in verdict.problems), verdict.problems


def test_foreign_bodys_signature_is_refused_naming_both_bodies(signed, chain, tmp_path):
    other = tmp_path / "co-quan-khac.pdf"
    _sign(signed["signer"], chain["foreign_body"], other, "--field", ORGAN_FIELD, "--number", "7",
          "--date", "06/01/2024")
    verdict = verify_signed(other.read_bytes(), "co-quan-khac.pdf", _roots(chain), _expected(signed))
    assert any("Ủy ban nhân dân tỉnh Lạng Sơn" in p and "Ủy ban nhân dân quận Kiến An" in p
               for p in verdict.problems), verdict.problems


def test_signer_other_than_the_printed_name_is_refused(pdfs, signed, chain, tmp_path):
    other = tmp_path / "nguoi-khac.pdf"
    _sign(signed["approved"], chain["stranger"], other)
    verdict = verify_signed(other.read_bytes(), "nguoi-khac.pdf", _roots(chain), _expected(signed))
    assert any("Phạm Văn Đức" in p and "Nguyễn Phong Doanh" in p for p in verdict.problems), verdict.problems


def test_wrong_version_is_refused(pdfs, signed, chain, tmp_path):
    older = pdfs[example("nghe-an").stem]      # any other approved PDF stands for an older version
    wrong = Expected(approved_sha256=hashlib.sha256(older.read_bytes()).hexdigest())
    verdict = verify_signed(signed["body"].read_bytes(), "ban-cu.pdf", _roots(chain), wrong)
    assert any("không phải bản đã duyệt" in p for p in verdict.problems), verdict.problems
    result = CliRunner().invoke(main, ["verify", str(signed["body"]), "--trust", str(chain["root"]),
                                       "--approved", str(older)])
    assert result.exit_code == 1 and "không phải bản đã duyệt" in result.output


def test_untrusted_chain_is_refused_naming_the_trust_list(signed):
    verdict = verify_signed(signed["body"].read_bytes(), "co-quan-da-ky.pdf", trust_roots(), Expected())
    assert any("không thuộc chuỗi tin cậy" in p and "Vietnam National Root CA" in p for p in verdict.problems)


def test_blank_pdf_with_an_empty_signature_value_is_refused(pdfs, tmp_path):
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter(clone_from=str(pdfs[example("kien-an").stem]))
    for ref in writer._root_object["/AcroForm"]["/Fields"]:
        widget = ref.get_object()
        if widget["/T"] == SIGNER_FIELD:
            widget[NameObject("/V")] = writer._add_object(DictionaryObject({
                NameObject("/Type"): NameObject("/Sig"), NameObject("/Filter"): NameObject("/Adobe.PPKLite"),
                NameObject("/SubFilter"): NameObject("/ETSI.CAdES.detached"),
                NameObject("/ByteRange"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/Contents"): ByteStringObject(bytes(64))}))
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_signed(out.getvalue(), "trong.pdf", trust_roots(), Expected())
    assert any("ChuKyNguoiKy" in p and "chữ ký rỗng" in p for p in verdict.problems), verdict.problems
    path = tmp_path / "trong.pdf"
    path.write_bytes(out.getvalue())
    result = CliRunner().invoke(main, ["verify", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_registry_roots_match_their_recorded_fingerprints():
    roots = trust_roots()
    assert {r.name for r in roots} >= {"Vietnam National Root CA", "RootCA chuyên dùng Chính phủ G2"}
    for root in roots:
        assert hashlib.sha256(root.certificate.dump()).hexdigest() == root.sha256


def test_names_compare_across_spelling_and_abbreviation():
    assert name_matches("Ủy ban nhân dân quận Kiến An", ["UBND quận Kiến An"])
    assert name_matches("Nguyễn Phong Doanh", ["NGUYỄN PHONG DOANH"])
    assert not name_matches("Ủy ban nhân dân tỉnh Nghệ An", ["UBND tỉnh Lạng Sơn"])
    assert not name_matches("Bùi Đình Long", ["Phạm Văn Đức"])


def test_approved_revision_is_found_only_at_a_revision_end():
    base = b"%PDF-1.7\n1 0 obj\n%%EOF\n"
    signed_data = base + b"2 0 obj\n%%EOF\n"
    assert approved_revision_matches(signed_data, hashlib.sha256(base).hexdigest())
    assert not approved_revision_matches(signed_data, hashlib.sha256(base[:-3]).hexdigest())


def test_number_other_than_the_issued_plans_is_refused(signed, chain):
    data = signed["body"].read_bytes()      # filled with số 07 at the body's signature
    assert verify_signed(data, "co-quan-da-ky.pdf", _roots(chain), _expected(signed, number=7)).ok
    verdict = verify_signed(data, "co-quan-da-ky.pdf", _roots(chain), _expected(signed, number=12))
    assert any("mang số 07" in p and "số 12" in p for p in verdict.problems), verdict.problems


def test_oversized_or_over_signed_files_are_refused_without_validating(monkeypatch, signed, chain):
    from authoring import limits

    data = signed["body"].read_bytes()
    monkeypatch.setattr(limits, "MAX_SIGNATURES", 1)
    assert any("có 2 chữ ký số" in p for p in verify_signed(data, "x.pdf", _roots(chain), Expected()).problems)
    monkeypatch.setattr(limits, "MAX_SIGNED_PDF_BYTES", 1000)
    assert any("quá lớn" in p for p in verify_signed(data, "x.pdf", _roots(chain), Expected()).problems)
