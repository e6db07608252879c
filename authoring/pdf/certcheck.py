"""What a signing certificate must be before kehoach signs with it: valid today, made for signing."""

from __future__ import annotations

from datetime import datetime, timezone

from ..errors import InputError
from ..findings import Finding, Severity

SIGNING_USAGES = {"digital_signature", "non_repudiation"}


def _day(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%d/%m/%Y %H:%M UTC")


def certificate_problems(cert, now: datetime | None = None) -> list[str]:
    """Vietnamese reasons why *cert* (asn1crypto x509.Certificate) may not sign a document now."""
    now = now or datetime.now(timezone.utc)
    validity = cert["tbs_certificate"]["validity"]
    start, end = validity["not_before"].native, validity["not_after"].native
    problems = []
    if now < start:
        problems.append(f"chứng thư số chưa có hiệu lực: có hiệu lực từ {_day(start)} đến {_day(end)}, "
                        f"hôm nay là {_day(now)}")
    elif now > end:
        problems.append(f"chứng thư số đã hết hạn ngày {_day(end)} (có hiệu lực từ {_day(start)})")
    usage = cert.key_usage_value
    if usage is not None and not (set(usage.native) & SIGNING_USAGES):
        listed = ", ".join(sorted(usage.native)) or "không có"
        problems.append(f"chứng thư số không được cấp để ký (mục đích sử dụng khóa: {listed}; cần "
                        "digitalSignature hoặc nonRepudiation)")
    return problems


def require_signing_certificate(cert, p12_file, now: datetime | None = None) -> None:
    problems = certificate_problems(cert, now)
    if problems:
        subject = cert.subject.human_friendly if hasattr(cert, "subject") else ""
        raise InputError(f"Không ký được bằng chứng thư số {p12_file} ({subject}).", [
            Finding("K105", Severity.ERROR, problem, str(p12_file),
                    suggestion="Dùng chứng thư số còn hiệu lực, cấp cho việc ký số (liên hệ tổ chức cung cấp dịch vụ "
                               "chứng thực chữ ký số để gia hạn hoặc cấp mới).") for problem in problems])


def refuse_encrypted(pdf: bytes, pdf_file) -> None:
    """An encrypted (password-protected) PDF cannot be signed by kehoach, nor be PDF/A."""
    import io

    from pypdf import PdfReader

    try:
        encrypted = PdfReader(io.BytesIO(pdf)).is_encrypted
    except Exception:  # not a readable PDF: the signing step says so in its own words
        return
    if encrypted:
        raise InputError(f"Không ký được {pdf_file or 'tệp PDF'}.", [Finding(
            "K106", Severity.ERROR, "tệp PDF đã được đặt mật khẩu (mã hóa); văn bản ký số theo PDF/A không được mã hóa",
            str(pdf_file) if pdf_file else None,
            suggestion="Ký bản PDF do kehoach tạo (kehoach pdf …), chưa đặt mật khẩu.")])
