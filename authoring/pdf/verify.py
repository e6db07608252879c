"""What comes back signed: integrity, coverage, changes after signing, chain to a trusted root, the approved version, names.

A signed PDF is accepted only when every signature pyHanko reads is intact, cryptographically valid and chains to a
root of the trust list (plans/registry/trust/roots.yaml); nothing but what signing permits changed after each
signature (the body's field lock: SoVanBan, NgayBanHanh, ThangBanHanh); the last signature covers the whole file;
the revision the signer signed is byte for byte the approved version; the signer's certificate names the printed
signer and the body's certificate names the issuing body.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
from dataclasses import dataclass, field as dc_field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .. import limits
from ..aio import run_async
from ..errors import InputError
from ..findings import Finding, Severity
from ..paths import registry_dir
from ..text import match_key
from .finishing import COPY_FIELD, ORGAN_FIELD, SIGNER_FIELD
from .signing import iso_time

MAX_REVISIONS = 64                   # %%EOF markers looked at when finding the approved revision
CLOCK_SKEW = timedelta(minutes=10)   # a signing time this far in the future is refused
TRUST_FILE = "roots.yaml"
EXTRA_ROOTS_ENV = "KEHOACH_TRUST_ROOTS"   # more PEM files (path list), for a test root or a province's own CA
# The abbreviations a body's certificate may use for its name ("UBND tỉnh Nghệ An").
_ABBREVIATIONS = {"ubnd": "ủy ban nhân dân", "hđnd": "hội đồng nhân dân", "tp.": "thành phố", "tp": "thành phố"}
_LEVELS = {  # pyHanko's ModificationLevel, as a văn thư reads it
    "NONE": "không thay đổi gì", "LTA_UPDATES": "chỉ thêm thông tin kiểm tra chữ ký",
    "FORM_FILLING": "điền ô, ký tiếp", "ANNOTATIONS": "thêm ghi chú lên trang", "OTHER": "sửa nội dung văn bản",
}
_FIELD_WHO = {SIGNER_FIELD: "chữ ký của người có thẩm quyền", ORGAN_FIELD: "chữ ký số của cơ quan",
              COPY_FIELD: "chữ ký số của cơ quan trên bản sao"}


@dataclass(frozen=True)
class TrustedRoot:
    name: str
    holder: str
    sha256: str
    status: str
    certificate: object          # asn1crypto x509.Certificate


@dataclass(frozen=True)
class Expected:
    """What the signed PDF must agree with, beyond what it prints itself."""

    approved_sha256: str | None = None      # the approved, unsigned PDF (its SHA-256)
    signer_name: str | None = None          # from the plan: the signer printed under the signature
    organ_name: str | None = None           # from the plan: the issuing body
    require_body: bool = False              # the body's signature must be there (an issued document)
    number: int | None = None               # from an issued plan: the số the body gave (filled or printed)


@dataclass
class SignatureReport:
    field: str
    subject: str
    when: str


@dataclass
class Verdict:
    signatures: list[SignatureReport] = dc_field(default_factory=list)
    problems: list[str] = dc_field(default_factory=list)     # Vietnamese, one reason each; empty: accepted

    @property
    def ok(self) -> bool:
        return not self.problems


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _load_pem_or_der(data: bytes) -> list[bytes]:
    """DER certificates in a PEM (one or more) or DER file."""
    import base64

    if b"-----BEGIN CERTIFICATE-----" in data:
        blocks = re.findall(rb"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", data, re.S)
        return [base64.b64decode(b"".join(block.split())) for block in blocks]
    return [data]


def trust_roots(extra: list[Path] | None = None) -> list[TrustedRoot]:
    """The trust list: the registry's roots (each checked against its fingerprint), then *extra* PEM files and those
    named in KEHOACH_TRUST_ROOTS."""
    import yaml
    from asn1crypto import x509

    folder = registry_dir() / "trust"
    roots: list[TrustedRoot] = []
    listing = folder / TRUST_FILE
    if listing.is_file():
        data = yaml.safe_load(listing.read_text(encoding="utf-8")) or {}
        for entry in data.get("roots", []):
            path = folder / entry["file"]
            der = _load_pem_or_der(path.read_bytes())[0]
            if _fingerprint(der) != str(entry["sha256"]).lower():
                raise InputError(f"Danh sách chứng thư gốc tin cậy bị sai: {path}.", [Finding(
                    "K120", Severity.ERROR, f"vân tay SHA-256 của tệp {path.name} ({_fingerprint(der)}) không khớp "
                                            f"vân tay ghi trong {TRUST_FILE} ({entry['sha256']})", str(listing),
                    suggestion="Tải lại chứng thư gốc từ nguồn chính thức ghi trong danh sách và so vân tay.")])
            roots.append(TrustedRoot(entry["name"], entry.get("holder", ""), entry["sha256"], entry.get("status", ""),
                                     x509.Certificate.load(der)))
    paths = list(extra or []) + [Path(p) for p in os.environ.get(EXTRA_ROOTS_ENV, "").split(os.pathsep) if p]
    for path in paths:
        data = path.read_bytes()
        try:
            # asn1crypto parses lazily: reading the subject is what finds a file that is not a certificate
            certs = [(der, x509.Certificate.load(der)) for der in _load_pem_or_der(data)]
            subjects = [cert.subject.human_friendly for _, cert in certs]
        except Exception:  # ValueError, TypeError, binascii.Error: not a certificate
            raise InputError(f"Không đọc được chứng thư gốc {path}.", [Finding(
                "K123", Severity.ERROR, "tệp không phải chứng thư số (dạng PEM hoặc DER)", str(path),
                suggestion="Dùng tệp .pem, .cer hoặc .crt của chứng thư gốc tải từ nguồn chính thức.")]) from None
        roots += [TrustedRoot(subject, "", _fingerprint(der), "local", cert)
                  for (der, cert), subject in zip(certs, subjects)]
    return roots


def _names(cert) -> list[str]:
    subject = cert.subject.native
    return [str(subject[key]) for key in ("common_name", "organization_name", "organizational_unit_name")
            if subject.get(key)] or [cert.subject.human_friendly]


def _issuer(cert) -> str:
    issuer = cert.issuer.native
    return str(issuer.get("common_name") or issuer.get("organization_name") or cert.issuer.human_friendly)


def _key(text: str) -> str:
    words = match_key(text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def name_matches(expected: str, candidates: list[str]) -> bool:
    """The certificate names *expected*: the same words (case, tone placement, UBND spelled out), or contains them."""
    want = _key(expected)
    return bool(want) and any(want == _key(c) or f" {want} " in f" {_key(c)} " for c in candidates)


def approved_revision_matches(data: bytes, approved_sha256: str) -> bool:
    """True when a leading revision of *data* (the bytes up to one of its %%EOF markers) hashes to *approved_sha256*."""
    want = approved_sha256.lower()
    for count, match in enumerate(re.finditer(rb"%%EOF", data)):
        if count >= MAX_REVISIONS:
            break
        end = match.end()
        for tail in (b"", b"\n", b"\r\n", b"\r"):
            if data[end:end + len(tail)] == tail and hashlib.sha256(data[:end + len(tail)]).hexdigest() == want:
                return True
    return False


def _info(reader) -> dict[str, str]:
    """The document information of the first revision: what the approved PDF prints (signer, body)."""
    info = reader.trailer_view.get("/Info")
    info = info.get_object() if info is not None else {}
    return {str(k)[1:]: str(v) for k, v in info.items()}


def _empty_value(sig_object) -> bool:
    contents = sig_object.get("/Contents")
    if contents is None:
        return True
    # pypdf may read the value as text; its original bytes are what was signed (or not)
    raw = getattr(contents, "original_bytes", None)
    raw = raw if raw is not None else contents.encode("latin-1") if isinstance(contents, str) else bytes(contents)
    return not raw.strip(b"\x00")


def _empty_signature_fields(data: bytes) -> list[str]:
    """Signature fields that claim a value but hold no signature bytes (read with pypdf, which is lenient)."""
    from pypdf import PdfReader

    try:
        fields = PdfReader(io.BytesIO(data)).get_fields() or {}
        return [name for name, f in fields.items() if f.get("/FT") == "/Sig" and f.get("/V") is not None
                and _empty_value(f["/V"].get_object())]
    except Exception:  # pypdf raises many kinds for a broken file
        return []


def _shown_number(data: bytes, info: dict[str, str]) -> int | None:
    """The số page 1 shows: printed (Info) or filled at the body's signature (field SoVanBan)."""
    from pypdf import PdfReader

    from .finishing import NUMBER_FIELD

    if info.get("CodeNumber", "").isdigit():
        return int(info["CodeNumber"])
    try:
        field = (PdfReader(io.BytesIO(data)).get_fields() or {}).get(NUMBER_FIELD)
    except Exception:  # pypdf raises many kinds for a broken file; the signature checks have said why
        return None
    value = str(field.get("/V") or "") if field else ""
    return int(value) if value.isdigit() else None


def verify_signed(data: bytes, file: str, roots: list[TrustedRoot], expected: Expected | None = None,
                  now: datetime | None = None) -> Verdict:
    """Every reason, in Vietnamese, why *data* may not be taken as the signed document; none: it may."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    expected = expected or Expected()
    now = now or datetime.now(timezone.utc)
    verdict = Verdict()
    problems = verdict.problems
    if not data.startswith(b"%PDF-"):
        problems.append(f"{file} không phải tệp PDF.")
        return verdict
    if len(data) > limits.MAX_SIGNED_PDF_BYTES:
        problems.append(f"{file} quá lớn ({len(data) // (1024 * 1024)} MB; tối đa "
                        f"{limits.MAX_SIGNED_PDF_BYTES // (1024 * 1024)} MB cho một văn bản đã ký).")
        return verdict
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        info = _info(reader)
    except Exception as exc:  # pyHanko raises many kinds for a broken file
        empty = _empty_signature_fields(data)
        if empty:
            problems.append(f"Ô {', '.join(empty)} của {file} có chữ ký rỗng (không có giá trị chữ ký nào): không "
                            "phải văn bản đã ký số.")
        else:
            problems.append(f"Không đọc được {file} ({type(exc).__name__}): tệp hỏng hoặc không phải PDF do kehoach "
                            "tạo.")
        return verdict
    if not signatures:
        problems.append(f"{file} chưa có chữ ký số nào (các ô chữ ký còn trống).")
        return verdict
    if len(signatures) > limits.MAX_SIGNATURES:
        problems.append(f"{file} có {len(signatures)} chữ ký số; một kế hoạch chỉ có chữ ký của người ký, của cơ quan "
                        f"và của bản sao (tối đa {limits.MAX_SIGNATURES} được kiểm tra): tệp không phải văn bản của "
                        "kehoach.")
        return verdict
    if expected.approved_sha256 and not approved_revision_matches(data, expected.approved_sha256):
        problems.append(f"{file} không phải bản đã duyệt: trang được ký khác bản PDF của phiên bản kế hoạch đang "
                        "chờ ký (có thể ký nhầm bản cũ, hoặc bản đã bị sửa trước khi ký). Tải bản PDF đã duyệt về, "
                        "ký lại, rồi tải lên.")
    names = [root.name for root in roots if root.status != "local"] or ["(trống)"]
    context = ValidationContext(trust_roots=[r.certificate for r in roots], allow_fetching=False,
                                revocation_mode="soft-fail")
    fields_signed = set()
    last = None
    for signature in signatures:
        field = signature.field_name
        who = _FIELD_WHO.get(field, f"chữ ký trong ô {field}")
        if _empty_value(signature.sig_object):
            problems.append(f"Ô {field} của {file} có chữ ký rỗng (không có giá trị chữ ký nào): không phải văn bản "
                            "đã ký số.")
            continue
        try:
            status = run_async(lambda: async_validate_pdf_signature(signature, signer_validation_context=context))
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"Không kiểm tra được {who} (ô {field}) trong {file}: chữ ký hỏng ({type(exc).__name__}).")
            continue
        cert = status.signing_cert
        subject = _names(cert)[0]
        when = status.signer_reported_dt
        verdict.signatures.append(SignatureReport(field, subject, iso_time(when) if when else ""))
        fields_signed.add(field)
        last = (field, status)
        if not status.intact:
            problems.append(f"{who.capitalize()} (ô {field}, {subject}) không còn khớp với nội dung: văn bản đã bị "
                            "sửa sau khi ký.")
            continue
        if not status.valid:
            problems.append(f"{who.capitalize()} (ô {field}, {subject}) không hợp lệ: giá trị chữ ký không khớp "
                            "với chứng thư số.")
        if not status.trusted:
            problems.append(f"Chứng thư số của {who} (ô {field}, cấp cho {subject}, do {cert.issuer.human_friendly} "
                            f"cấp) không thuộc chuỗi tin cậy của một chứng thư gốc trong danh sách "
                            f"({'; '.join(names)}), hoặc đã hết hạn: chữ ký không được công nhận.")
        level = status.modification_level
        if not status.docmdp_ok or level is not None and level.value > ModificationLevel.FORM_FILLING.value:
            shown = _LEVELS.get(level.name, level.name) if level is not None else "không rõ"
            problems.append(f"Văn bản bị thay đổi sau {who} (ô {field}) theo cách chữ ký không cho phép ({shown}; "
                            "số, ngày ban hành đã bị khóa khi cơ quan ký).")
        if when is not None:
            validity = cert["tbs_certificate"]["validity"]
            start, end = validity["not_before"].native, validity["not_after"].native
            if when > now + CLOCK_SKEW:
                problems.append(f"Thời gian ký của {who} (ô {field}) là {when:%d/%m/%Y %H:%M}, sau thời điểm hiện tại.")
            elif not start <= when <= end:
                problems.append(f"{who.capitalize()} (ô {field}) ký lúc {when:%d/%m/%Y %H:%M}, ngoài thời hạn của "
                                f"chứng thư số ({start:%d/%m/%Y} – {end:%d/%m/%Y}).")
        candidates = _names(cert)
        if field == SIGNER_FIELD:
            for printed in {n for n in (info.get("SignerFullName"), expected.signer_name) if n}:
                if "…" in printed or "..." in printed:
                    problems.append(f"Văn bản chưa in họ tên người ký (còn «{printed}»): ghi họ tên người ký vào "
                                    "kế hoạch (phần chữ ký), tạo lại bản PDF rồi mới ký.")
                elif not name_matches(printed, candidates):
                    problems.append(f"Người ký trong chứng thư số là {subject}, nhưng văn bản in tên người ký "
                                    f"{printed}: người ký phải ký bằng chứng thư của chính mình.")
        else:
            for organ in {n for n in (info.get("OrganName"), expected.organ_name) if n}:
                if not name_matches(organ, candidates):
                    problems.append(f"Chứng thư số của {who} (ô {field}) cấp cho {subject}, không phải cơ quan "
                                    f"ban hành {organ}: văn thư ký bằng chứng thư của cơ quan mình.")
    if last is not None:
        field, status = last
        from pyhanko.sign.validation.status import SignatureCoverageLevel

        updates_only = status.modification_level is not None and \
            status.modification_level.value <= ModificationLevel.LTA_UPDATES.value
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and not updates_only:
            problems.append(f"{file} có phần được thêm vào sau chữ ký cuối cùng (ô {field}) mà không ai ký: phần "
                            "này có thể đổi số, ngày hoặc nội dung hiển thị.")
    if expected.number is not None:
        shown = _shown_number(data, info)
        if shown is not None and shown != expected.number:
            problems.append(f"{file} mang số {shown:02d}, nhưng kế hoạch đã ban hành với số {expected.number:02d}: "
                            "không phải văn bản đã cấp số này.")
    if SIGNER_FIELD not in fields_signed and not any(f"ô {SIGNER_FIELD}" in p for p in problems):
        problems.append(f"{file} chưa có chữ ký của người có thẩm quyền (ô {SIGNER_FIELD}).")
    if expected.require_body and ORGAN_FIELD not in fields_signed:
        problems.append(f"{file} chưa có chữ ký số của cơ quan (ô {ORGAN_FIELD}).")
    return verdict


def verify_error(verdict: Verdict, file: str) -> InputError:
    """The refusal (exit 1) listing every reason."""
    return InputError(f"{file} không được chấp nhận là văn bản đã ký số hợp lệ.", [
        Finding("K121", Severity.ERROR, problem, file) for problem in verdict.problems])
