"""sign --tsa against a real RFC 3161 server over HTTP on loopback, started here.

The server wraps pyHanko's DummyTimeStamper with a TSA certificate made here (extended key usage timeStamping);
other paths answer wrongly (HTML, HTTP 500, a refusal) or never answer, to show each ends in exit 1 with a
Vietnamese message naming the address, within the deadline.
"""

from __future__ import annotations

import asyncio
import datetime
import http.server
import threading
import time

import pytest

from authoring.pdf.finishing import SIGNER_FIELD
from helpers import example
from test_signing import _sign, _validate, kit  # noqa: F401  (kit is a fixture)


def _tsa_identity():
    from asn1crypto import keys, x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Máy chủ dấu thời gian thử")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return cert, asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)), keys.PrivateKeyInfo.load(der_key)


@pytest.fixture(scope="module")
def tsa_server():
    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert, asn1_cert, asn1_key = _tsa_identity()
    stamper = DummyTimeStamper(tsa_cert=asn1_cert, tsa_key=asn1_key)
    release = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status: int, kind: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            request = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path == "/tsa":
                answer = asyncio.run(stamper.async_request_tsa_response(tsp.TimeStampReq.load(request)))
                self._reply(200, "application/timestamp-reply", answer.dump())
            elif self.path == "/html":
                self._reply(200, "text/html", b"<html>not a timestamp</html>")
            elif self.path == "/loi":
                self._reply(500, "text/plain", b"internal error")
            elif self.path == "/hong":
                self._reply(200, "application/timestamp-reply", b"\x30\x03\x02\x01")
            elif self.path == "/tu-choi":
                status = tsp.PKIStatusInfo({"status": "rejection"}).dump()   # a refusal carries no token
                self._reply(200, "application/timestamp-reply", b"\x30" + bytes([len(status)]) + status)
            elif self.path == "/treo":
                release.wait(30)   # accepts, never answers within the deadline

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "cert": cert}
    release.set()
    server.shutdown()
    server.server_close()


def test_timestamp_from_a_real_http_tsa_validates(pdfs, kit, runner, tmp_path, tsa_server):
    out = tmp_path / "tsa.pdf"
    before = datetime.datetime.now(datetime.timezone.utc)
    result = _sign(runner, pdfs[example("nghe-an").stem], kit["signer"][0], out, "--tsa", f"{tsa_server['url']}/tsa")
    assert result.exit_code == 0, result.output
    status = _validate(out.read_bytes(), [kit["signer"][1], tsa_server["cert"]])[SIGNER_FIELD]
    assert status.intact and status.valid
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted
    assert before - datetime.timedelta(seconds=5) <= stamp.timestamp <= datetime.datetime.now(datetime.timezone.utc)


@pytest.mark.parametrize("path, words", [
    ("/html", "Content-Type: text/html"),
    ("/loi", "mã HTTP 500"),
    ("/hong", "câu trả lời hỏng"),
    ("/tu-choi", "từ chối"),
    ("/treo", "không trả lời trong 2 giây"),
])
def test_a_bad_tsa_is_exit_1_naming_the_address_within_the_deadline(pdfs, kit, runner, tmp_path, tsa_server,
                                                                    monkeypatch, path, words):
    monkeypatch.setenv("KEHOACH_TSA_TIMEOUT", "2")
    out = tmp_path / "x.pdf"
    url = f"{tsa_server['url']}{path}"
    started = time.monotonic()
    result = _sign(runner, pdfs[example("nghe-an").stem], kit["signer"][0], out, "--tsa", url)
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert url in result.output and "dấu thời gian" in result.output and words in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert elapsed < 8


def test_unreachable_tsa_and_a_bad_address(pdfs, kit, runner, tmp_path):
    pdf = pdfs[example("nghe-an").stem]
    closed = _sign(runner, pdf, kit["signer"][0], tmp_path / "a.pdf", "--tsa", "http://127.0.0.1:9/tsa")
    assert closed.exit_code == 1 and "http://127.0.0.1:9/tsa" in closed.output and "không kết nối được" in closed.output
    wrong = _sign(runner, pdf, kit["signer"][0], tmp_path / "b.pdf", "--tsa", "file:///etc/passwd")
    assert wrong.exit_code == 2 and "file:///etc/passwd" in wrong.output and "http://" in wrong.output
