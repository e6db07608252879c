"""Remote signing (CSC API) against a local test service: the body signs the Kiến An PDF without holding its key,
and the result validates like a .p12 signature (pyHanko, kehoach verify)."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.cli import main
from authoring.pdf.finishing import ORGAN_FIELD, SIGNER_FIELD
from authoring.pdf.verify import Expected, trust_roots, verify_signed
from csc_server import CscTestServer
from helpers import example
from test_verify import PASSWORD, _ca  # noqa: F401


@pytest.fixture(scope="module")
def service_keys(tmp_path_factory):
    """A test CA, the body's key and certificate (kept by the 'provider'), the signer's .p12, the CA's PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    from test_verify import _leaf

    folder = tmp_path_factory.mktemp("csc")
    ca_key, ca_cert = ca = _ca()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ủy ban nhân dân quận Kiến An"),
                                     x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(ca_key, hashes.SHA256()))
    root = folder / "goc.pem"
    root.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return {"key": key, "chain": [cert, ca_cert], "root": root, "dir": folder,
            "signer": _leaf(ca, "Nguyễn Phong Doanh", folder, "nguoi-ky.p12")}


def test_body_signs_remotely_through_the_csc_api_and_the_result_validates(pdfs, service_keys, monkeypatch):
    folder = service_keys["dir"]
    approved = pdfs[example("kien-an").stem]
    first, second = folder / "nguoi-ky.pdf", folder / "co-quan.pdf"
    runner = CliRunner()
    result = runner.invoke(main, ["sign", str(approved), "--p12", str(service_keys["signer"]), "--password", PASSWORD,
                                  "-o", str(first)])
    assert result.exit_code == 0, result.output
    with CscTestServer(service_keys["key"], service_keys["chain"]) as service:
        monkeypatch.setenv("KEHOACH_CSC_TOKEN", service.token)
        monkeypatch.setenv("KEHOACH_CSC_PIN", service.pin)
        result = runner.invoke(main, ["sign", str(first), "--csc", service.url, "--credential", service.credential,
                                      "--field", ORGAN_FIELD, "--number", "7", "--date", "06/01/2024", "-o", str(second)])
        assert result.exit_code == 0, result.output
        assert service.calls == ["credentials/info", "credentials/authorize", "signatures/signHash"]
        # a wrong PIN: refused by the service, said in Vietnamese, nothing written
        monkeypatch.setenv("KEHOACH_CSC_PIN", "000000")
        third = folder / "sai-pin.pdf"
        result = runner.invoke(main, ["sign", str(first), "--csc", service.url, "--credential", service.credential,
                                      "--field", ORGAN_FIELD, "--number", "7", "--date", "06/01/2024", "-o", str(third)])
        assert result.exit_code == 1 and "không ký được" in result.output and "Traceback" not in result.output
        assert not third.exists()
    verdict = verify_signed(second.read_bytes(), "co-quan.pdf", trust_roots([service_keys["root"]]),
                            Expected(hashlib.sha256(approved.read_bytes()).hexdigest(), "Nguyễn Phong Doanh",
                                     "Ủy ban nhân dân quận Kiến An", require_body=True))
    assert verdict.ok, verdict.problems
    assert [r.field for r in verdict.signatures] == [SIGNER_FIELD, ORGAN_FIELD]


def test_remote_service_must_be_https_off_the_loopback(pdfs, tmp_path):
    result = CliRunner().invoke(main, ["sign", str(pdfs[example("kien-an").stem]), "--csc", "http://ky.example.vn",
                                       "--credential", "x", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "https://" in result.output


def test_one_way_of_signing_is_chosen(pdfs, tmp_path):
    result = CliRunner().invoke(main, ["sign", str(pdfs[example("kien-an").stem]), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--p12" in result.output and "--remote" in result.output
