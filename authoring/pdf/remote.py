"""Remote signing over the Cloud Signature Consortium API (VNPT SmartCA, Viettel MySign…), with pyHanko's CSC signer.

A body's account (service address, credential) is configured in plans/registry/signing.yaml; its secrets (the OAuth
token, the PIN or the OTP the phone shows) are given at signing time, never written in a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from pyhanko.sign.signers import csc_signer

from ..errors import InputError, KehoachError, UsageError
from ..findings import Finding, Severity
from ..paths import registry_dir
from ..text import match_key

SIGNING_FILE = "signing.yaml"
TOKEN_ENV = "KEHOACH_CSC_TOKEN"
PIN_ENV = "KEHOACH_CSC_PIN"
TIMEOUT_S = 120          # the provider may wait for the signer to confirm on the phone


@dataclass(frozen=True)
class RemoteAccount:
    """One body's credential at a CSC service."""

    url: str                     # the service's base address, before /csc/v1/…
    credential: str              # the credential id the service gave the body
    provider: str = ""           # "VNPT SmartCA", "Viettel MySign": named in messages
    token: str | None = None     # OAuth bearer token
    pin: str | None = None
    otp: str | None = None


def account(url: str, credential: str, provider: str = "", token: str | None = None, pin: str | None = None,
            otp: str | None = None) -> RemoteAccount:
    """A checked account; the token and PIN default to KEHOACH_CSC_TOKEN and KEHOACH_CSC_PIN."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"'{url}' không phải địa chỉ dịch vụ ký số từ xa.",
                         "Ghi địa chỉ đầy đủ bắt đầu bằng https://, như nhà cung cấp dịch vụ (SmartCA, MySign) cho biết.")
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise UsageError(f"Dịch vụ ký số từ xa {url} phải dùng https:// (mã truy cập, mã PIN không gửi qua mạng "
                         "không mã hóa).", "Dùng địa chỉ https:// của nhà cung cấp.")
    return RemoteAccount(url.rstrip("/"), credential, provider, token or os.environ.get(TOKEN_ENV) or None,
                         pin or os.environ.get(PIN_ENV) or None, otp)


def configured_account(body: str, **secrets) -> RemoteAccount:
    """The account plans/registry/signing.yaml gives *body* (its registry id or name)."""
    import yaml

    path = registry_dir() / SIGNING_FILE
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    bodies = (data or {}).get("bodies") or {}
    entry = bodies.get(body) or next((v for k, v in bodies.items() if match_key(k) == match_key(body)
                                      or match_key(str(v.get("name", ""))) == match_key(body)), None)
    if not entry:
        raise InputError(f"Chưa cấu hình ký số từ xa cho {body}.", [Finding(
            "K122", Severity.ERROR, f"không có mục '{body}' trong {SIGNING_FILE}", str(path),
            suggestion="Thêm mục của cơ quan (service_url, credential_id, provider) vào plans/registry/signing.yaml "
                       "(xem docs/pdf.md).")])
    return account(entry["service_url"], str(entry["credential_id"]), entry.get("provider", ""), **secrets)


def sign_remotely(remote: RemoteAccount, prepare, file: str):
    """Fetch the credential's certificates, let *prepare* build the signature, have the service sign its hash."""
    from ..aio import run_async

    return run_async(lambda: _sign(remote, prepare, file))


async def _sign(remote: RemoteAccount, prepare, file: str):
    import aiohttp

    who = remote.provider or remote.url
    session_info = csc_signer.CSCServiceSessionInfo(remote.url, remote.credential, oauth_token=remote.token)
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:
            credential = await csc_signer.fetch_certs_in_csc_credential(session, session_info, timeout=TIMEOUT_S)
        except Exception as exc:
            raise KehoachError(f"không lấy được chứng thư số từ dịch vụ ký số từ xa {who} để ký {file}: "
                               f"{_reason(exc)}", "Kiểm tra địa chỉ dịch vụ, mã chứng thư (credential) và mã truy cập "
                                                  f"({TOKEN_ENV}).") from None
        signer = csc_signer.CSCSigner(session, _Authorize(session_info, credential, session, remote),
                                      sign_timeout=TIMEOUT_S)
        prepared = prepare(signer)
        try:
            out = await prepared.pdf_signer.async_sign_pdf(prepared.writer, appearance_text_params=prepared.params)
        except Exception as exc:
            raise KehoachError(f"dịch vụ ký số từ xa {who} không ký được {file}: {_reason(exc)}",
                               "Kiểm tra mã PIN/OTP và xác nhận yêu cầu ký trên ứng dụng của nhà cung cấp.") from None
    return prepared.signed(out.getvalue())


def _reason(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None:
        status = getattr(seen, "status", None)
        if isinstance(status, int):
            return f"dịch vụ trả lời mã HTTP {status}"
        if seen.__class__.__name__.startswith("ClientConnector"):
            return "không kết nối được"
        seen = seen.__cause__ or seen.__context__
    return str(exc) or exc.__class__.__name__


class _Authorize(csc_signer.CSCAuthorizationManager):
    """credentials/authorize for each signature, with the hash, PIN and OTP (a SAD bound to what is signed)."""

    def __init__(self, session_info, credential, session, remote: RemoteAccount):
        super().__init__(session_info, credential)
        self.session, self.remote = session, remote

    async def authorize_signature(self, hash_b64s):
        request = self.format_csc_auth_request(num_signatures=len(hash_b64s), pin=self.remote.pin,
                                               otp=self.remote.otp, hash_b64s=hash_b64s)
        url = self.csc_session_info.endpoint_url("credentials/authorize")
        async with self.session.post(url, headers=self.auth_headers, json=request, raise_for_status=True) as answer:
            return self.parse_csc_auth_response(await answer.json())
