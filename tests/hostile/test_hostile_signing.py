"""Signing refuses certificates that may not sign today, and encrypted PDFs, naming the files and dates."""

from __future__ import annotations

import datetime
import io

import pytest
from pypdf import PdfReader, PdfWriter

from authoring.cli import main


def _p12(tmp_path, name: str, start_days: int, end_days: int, signing: bool = True):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bùi Đình Long")])
    now = datetime.datetime.now(datetime.timezone.utc)
    usage = (x509.KeyUsage(True, True, False, False, False, False, False, False, False) if signing else
             x509.KeyUsage(False, False, True, False, False, False, False, False, False))
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now + datetime.timedelta(days=start_days))
            .not_valid_after(now + datetime.timedelta(days=end_days))
            .add_extension(usage, critical=True).sign(key, hashes.SHA256()))
    path = tmp_path / f"{name}.p12"
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"k", key, cert, None,
                                                           serialization.BestAvailableEncryption(b"mk")))
    return path, now


@pytest.fixture(scope="module")
def a_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "van-ban.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def _sign(runner, pdf, p12, tmp_path):
    out = tmp_path / "da-ky.pdf"
    result = runner.invoke(main, ["sign", str(pdf), "--p12", str(p12), "--password", "mk", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not out.exists()
    return result.output


def test_expired_certificate_is_refused_with_its_dates(runner, a_pdf, tmp_path):
    p12, now = _p12(tmp_path, "het-han", -400, -30)
    output = _sign(runner, a_pdf, p12, tmp_path)
    expired = (now - datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert "đã hết hạn" in output and expired in output and str(p12) in output and "K105" in output


def test_not_yet_valid_certificate_is_refused_with_its_dates(runner, a_pdf, tmp_path):
    p12, now = _p12(tmp_path, "chua-hieu-luc", 10, 400)
    output = _sign(runner, a_pdf, p12, tmp_path)
    assert "chưa có hiệu lực" in output and (now + datetime.timedelta(days=10)).strftime("%d/%m/%Y") in output


def test_certificate_not_for_signing_is_refused(runner, a_pdf, tmp_path):
    p12, _ = _p12(tmp_path, "ma-hoa", -1, 30, signing=False)
    output = _sign(runner, a_pdf, p12, tmp_path)
    assert "không được cấp để ký" in output and "key_encipherment" in output


def test_encrypted_pdf_gets_a_clear_message(runner, a_pdf, tmp_path):
    p12, _ = _p12(tmp_path, "tot", -1, 30)
    writer = PdfWriter(clone_from=PdfReader(a_pdf))
    writer.encrypt("mat-khau")
    encrypted = tmp_path / "co-mat-khau.pdf"
    with open(encrypted, "wb") as handle:
        writer.write(handle)
    output = _sign(runner, encrypted, p12, tmp_path)
    assert "K106" in output and "đặt mật khẩu" in output and str(encrypted) in output


def test_not_a_pdf_names_the_file(runner, tmp_path):
    p12, _ = _p12(tmp_path, "tot", -1, 30)
    bad = tmp_path / "khong-phai.pdf"
    bad.write_text("xin chào", encoding="utf-8")
    output = _sign(runner, bad, p12, tmp_path)
    assert "K101" in output and str(bad) in output
