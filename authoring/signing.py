"""Signing a prepared PDF with pyHanko (PAdES), with a visible stamp that shows Vietnamese names."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from pathlib import Path

from .errors import InputError, KehoachError, ToolMissingError
from .findings import Finding, Severity
from .render.pdf import SIGNER_FIELD

# pyHanko and fontTools log tracebacks and subsetting notes to stderr; kehoach reports its own messages.
for _noisy in ("pyhanko", "fontTools"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
]


def _source_font() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Liberation Serif"], capture_output=True, text=True)
        if found.returncode == 0 and Path(found.stdout).is_file() and "Liberation" in found.stdout:
            return Path(found.stdout)
    raise ToolMissingError("không tìm thấy phông Liberation Serif để in dấu chữ ký có dấu tiếng Việt",
                           "Cài phông: sudo apt-get install -y fonts-liberation2 (hoặc chạy bash scripts/setup.sh).")


def stamp_font() -> str:
    """A TrueType font with Vietnamese glyphs for the stamp (pyHanko's built-in font has none).

    pyHanko writes glyph widths in font units, which is right only for fonts of 1000 units per em;
    Liberation Serif has 2048 and its stamp text would come out letter-spaced. A rescaled copy is kept.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    from .fileio import write_atomic
    from .render.office import _cache_dir

    source = _source_font()
    target = _cache_dir() / "fonts" / f"{source.stem}-upm1000.ttf"
    if not target.is_file():
        font = TTFont(str(source))
        if font["head"].unitsPerEm == 1000:
            return str(source)
        scale_upem(font, 1000)
        buffer = io.BytesIO()
        font.save(buffer)
        write_atomic(target, buffer.getvalue())
    return str(target)


def sign_pdf(pdf: bytes, p12: Path, password: str | None, field: str = SIGNER_FIELD,
             reason: str = "Ký ban hành văn bản", location: str | None = None, source: Path | None = None) -> bytes:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle

    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=password.encode() if password else None)
    except (OSError, ValueError) as exc:
        signer = None
        reason_text = str(exc)
    else:
        reason_text = ""
    if signer is None:
        raise InputError("Không dùng được chứng thư số.", [Finding(
            "K100", Severity.ERROR, f"không mở được tệp chứng thư số .p12 (sai mật khẩu hoặc tệp hỏng){': ' + reason_text if reason_text else ''}",
            str(p12), suggestion="Kiểm tra đường dẫn tệp .p12 và mật khẩu (--password).")])
    from .certcheck import refuse_encrypted, require_signing_certificate

    require_signing_certificate(signer.signing_cert, p12)  # expired, not yet valid, not for signing: refused
    pdf_name = str(source) if source else None
    refuse_encrypted(pdf, pdf_name)

    class _KeepMetadata(IncrementalPdfFileWriter):
        # pyHanko rewrites XMP and Info on every incremental write (Producer, ModDate), so the two no
        # longer match and PDF/A breaks (pyHanko #755). The signing revision leaves metadata untouched.
        def _update_meta(self):
            pass

    try:
        writer = _KeepMetadata(io.BytesIO(pdf))
    except Exception as exc:  # pyHanko raises several kinds for a file that is not a PDF
        raise InputError(f"Không đọc được tệp PDF {pdf_name or ''}.", [Finding(
            "K101", Severity.ERROR, f"tệp không phải PDF đọc được ({exc})", pdf_name,
            suggestion="Dùng tệp PDF do kehoach tạo (kehoach pdf …).")])
    names = [name for name, _, _ in fields.enumerate_sig_fields(writer.prev, filled_status=False)]
    if field not in names:
        raise InputError("Tệp PDF chưa có ô chữ ký cần ký.", [Finding(
            "K102", Severity.ERROR, f"không có ô chữ ký trống tên '{field}' (các ô trống: {', '.join(names) or 'không có'})",
            pdf_name,
            suggestion="Tạo PDF bằng kehoach pdf hoặc kehoach render --pdf để có sẵn ô chữ ký.")])
    style = TextStampStyle(
        stamp_text="Ký bởi: %(signer)s\nThời gian: %(ts)s",
        timestamp_format="%d/%m/%Y %H:%M:%S",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font()), font_size=9),
        border_width=0,
        background=None,
    )
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=location)
    try:
        out = signers.PdfSigner(meta, signer, stamp_style=style).sign_pdf(writer)
    except Exception as exc:
        raise KehoachError(f"ký số không thành công: {exc}", "Kiểm tra chứng thư số còn hiệu lực và tệp PDF chưa bị khóa.")
    return out.getvalue()
