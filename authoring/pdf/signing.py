"""Signing a prepared PDF with pyHanko (PAdES), with the appearances Phụ lục I draws.

- the signer (ô 7c, field ChuKyNguoiKy): the person's signature image (blue, transparent PNG) centred between the
  last title line and the name; a text stamp (signer and time) when no image is given;
- the issuing body (ô 8, field ChuKyCoQuan): the seal image (red, transparent PNG, at the seal's real size) over
  the left third of the signer's signature, with the body's name and the signing time under it; only on a
  document the signer has already signed (NĐ 30 Điều 32);
- an electronic copy or an annex in its own file, signed by the body (field ChuKyBanSao): text only, 10 pt, at the
  top right of page 1 (ô 14);
- optionally an RFC 3161 timestamp from a TSA.

Signing times are printed in ISO 8601 with the Vietnam time zone (+07:00).
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
from dataclasses import dataclass, field as dc_field
from datetime import datetime
from pathlib import Path

from .. import nd30
from ..aio import run_async
from ..errors import InputError, KehoachError, ToolMissingError, UsageError
from ..findings import Finding, Severity
from ..render.metrics import text_width_pt
from ..text import VIETNAM, match_key
from .issuing import IssueValues
from .finishing import COPY_FIELD, ORGAN_FIELD, SEAL_TEXT_BAND_PT, SIGNER_FIELD

# pyHanko and fontTools log tracebacks and subsetting notes to stderr; kehoach reports its own messages.
for _noisy in ("pyhanko", "fontTools", "PIL"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

FONT_FOLDERS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"]
FIELDS = (SIGNER_FIELD, ORGAN_FIELD, COPY_FIELD)
# Phụ lục I, Phần II: the copy's type on the body's signature of an electronic copy; None for an annex in its own file.
COPY_TYPES = ("SAO Y", "SAO LỤC", "TRÍCH SAO")
MM_PER_PT = 25.4 / 72


def _source_font(style: str = "Regular") -> Path:
    for folder in FONT_FOLDERS:
        if (Path(folder) / f"LiberationSerif-{style}.ttf").is_file():
            return Path(folder) / f"LiberationSerif-{style}.ttf"
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", f"Liberation Serif:style={style}"], capture_output=True,
                               text=True)
        if found.returncode == 0 and Path(found.stdout).is_file() and "Liberation" in found.stdout:
            return Path(found.stdout)
    raise ToolMissingError("không tìm thấy phông Liberation Serif để in dấu chữ ký có dấu tiếng Việt",
                           "Cài phông: sudo apt-get install -y fonts-liberation2 (hoặc chạy bash scripts/setup.sh).")


def stamp_font(style: str = "Regular") -> str:
    """A TrueType font with Vietnamese glyphs for the stamp (pyHanko's built-in font has none).

    pyHanko writes glyph widths in font units, which is right only for fonts of 1000 units per em;
    Liberation Serif has 2048 and its stamp text would come out letter-spaced. A rescaled copy is kept.
    """
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    from ..fileio import write_atomic
    from ..paths import cache_dir

    source = _source_font(style)
    target = cache_dir() / "fonts" / f"{source.stem}-upm1000.ttf"
    if not target.is_file():
        font = TTFont(str(source))
        if font["head"].unitsPerEm == 1000:
            return str(source)
        scale_upem(font, 1000)
        buffer = io.BytesIO()
        font.save(buffer)
        write_atomic(target, buffer.getvalue())
    return str(target)


def iso_time(when: datetime) -> str:
    """'2025-01-06T10:20:30+07:00': date, hh:mm:ss and the Vietnam time zone (ISO 8601), as Phụ lục I asks."""
    return when.astimezone(VIETNAM).replace(microsecond=0).isoformat()


@dataclass
class Signed:
    """A signed PDF and the warnings worth telling the person who signed it."""

    data: bytes
    warnings: list[Finding] = dc_field(default_factory=list)
    signer: str = ""
    when: str = ""
    filled: list[str] = dc_field(default_factory=list)   # the số/ngày/tháng fields this signature filled


# --- images ------------------------------------------------------------------------------------------------------

@dataclass
class Picture:
    image: object           # PIL image, RGBA
    width_pt: float
    height_pt: float


def load_picture(path: Path, file: str, default_width_mm: float | None = None) -> Picture:
    """A PNG as an image with its printed size: from its resolution (pHYs), else *default_width_mm* wide."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as opened:
            fmt = opened.format
            dpi = opened.info.get("dpi")
            image = opened.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError("Không đọc được ảnh chữ ký hoặc ảnh dấu.", [Finding(
            "K104", Severity.ERROR, f"tệp ảnh {path} không đọc được ({type(exc).__name__})", file,
            suggestion="Dùng ảnh PNG nền trong suốt (Phụ lục I Nghị định 30).")]) from exc
    if fmt != "PNG":
        raise InputError("Ảnh chữ ký, ảnh dấu phải là PNG.", [Finding(
            "K104", Severity.ERROR, f"tệp ảnh {path} có định dạng {fmt}, không phải PNG", file,
            suggestion="Lưu ảnh dạng .png, nền trong suốt (Phụ lục I Nghị định 30).")])
    width_px, height_px = image.size
    if dpi and _plausible(dpi):
        width_pt, height_pt = width_px / float(dpi[0]) * 72, height_px / float(dpi[1]) * 72
    elif default_width_mm is not None:
        width_pt = default_width_mm / MM_PER_PT
        height_pt = width_pt * height_px / width_px
    else:
        width_pt, height_pt = width_px * 0.75, height_px * 0.75   # 96 dpi, as image editors assume
    return Picture(image, width_pt, height_pt)


def at_width(picture: Picture, width_mm: float) -> Picture:
    width_pt = width_mm / MM_PER_PT
    return Picture(picture.image, width_pt, picture.height_pt * width_pt / picture.width_pt)


def _plausible(dpi) -> bool:
    return len(dpi) == 2 and 50 <= float(dpi[0]) <= 2400 and 50 <= float(dpi[1]) <= 2400


def colour_warnings(picture: Picture, path: Path, want: str, file: str) -> list[Finding]:
    """Phụ lục I: the signature image is blue, the seal image red, both on a transparent background."""
    image = picture.image
    alpha = image.getchannel("A")
    warnings = []
    if alpha.getextrema()[0] == 255:
        warnings.append(Finding("K111", Severity.WARNING, f"ảnh {path.name} không có nền trong suốt", file,
                                suggestion="Phụ lục I Nghị định 30: ảnh chữ ký và ảnh dấu dạng PNG nền trong suốt."))
    small = image.resize((min(64, image.width), min(64, image.height)))
    red = green = blue = count = 0
    raw = small.tobytes()
    for index in range(0, len(raw), 4):
        r, g, b, a = raw[index:index + 4]
        if a > 128 and (r, g, b) != (255, 255, 255):
            red, green, blue, count = red + r, green + g, blue + b, count + 1
    if count:
        red, green, blue = red / count, green / count, blue / count
        ok = blue > red + 20 and blue > green if want == "blue" else red > blue + 40 and red > green + 40
        if not ok:
            colour = "màu xanh" if want == "blue" else "màu đỏ"
            what = "ảnh chữ ký" if want == "blue" else "ảnh dấu"
            warnings.append(Finding("K112", Severity.WARNING, f"{what} {path.name} không phải {colour}", file,
                                    suggestion=f"Phụ lục I Nghị định 30: {what} {colour}."))
    return warnings


# --- the fields ----------------------------------------------------------------------------------------------------

def _field_widgets(reader):
    """{field name: (widget dictionary, reference, filled?)} of the signature fields of a PDF."""
    out = {}
    form = reader.root.get("/AcroForm")
    if form is None:
        return out
    for ref in form.get_object().get("/Fields", []):
        widget = ref.get_object()
        if widget.get("/FT") == "/Sig":
            out[str(widget.get("/T"))] = (widget, ref, widget.get("/V") is not None)
    return out


def _document_info(reader) -> dict[str, str]:
    info = reader.trailer_view.get("/Info")
    info = info.get_object() if info is not None else {}
    return {str(k)[1:]: str(v) for k, v in info.items()}


def _subject_name(signer) -> str:
    subject = signer.signing_cert.subject.native
    return subject.get("common_name") or ", ".join(str(v) for v in subject.values())


def subject_warnings(subject: str, field: str, info: dict[str, str], file: str) -> list[Finding]:
    """The certificate should be the plan's signer's (ChuKyNguoiKy) or the issuing body's (the other fields)."""
    if field == SIGNER_FIELD:
        expected, who = info.get("SignerFullName", ""), "người ký của văn bản"
    else:
        expected, who = info.get("OrganName", ""), "cơ quan ban hành"
    if not expected:
        return []
    if match_key(expected) in match_key(subject) or match_key(subject) in match_key(expected):
        return []
    return [Finding("K110", Severity.WARNING, f"chứng thư số cấp cho '{subject}', không phải {who} '{expected}'", file,
                    suggestion="Kiểm tra lại tệp .p12: người ký dùng chứng thư của mình, văn thư dùng chứng thư của "
                               "cơ quan.")]


def sign_pdf(pdf: bytes, p12: Path | None, password: str | None, field: str = SIGNER_FIELD, *, file: str = "",
             image: Path | None = None, seal: Path | None = None, tsa: str | None = None,
             when: datetime | None = None, reason: str | None = None, location: str | None = None,
             issue: IssueValues | None = None, copy_type: str | None = COPY_TYPES[0], remote=None) -> Signed:
    """Sign *pdf* into *field*; *file* names the PDF in every message.

    Signing ChuKyCoQuan on an unissued document also fills the số and ngày fields from *issue* (issuing.py), in
    the same incremental update.
    """
    from pyhanko.sign import signers

    file = file or "tệp PDF"
    if field not in FIELDS:
        raise InputError("Ô chữ ký không đúng.", [Finding(
            "K102", Severity.ERROR, f"không có ô chữ ký tên '{field}'", file,
            suggestion=f"Dùng một trong các ô: {', '.join(FIELDS)}.")])
    if remote is not None:   # a remote-signing service (CSC API): the key never leaves the provider
        from .remote import sign_remotely

        return sign_remotely(remote, lambda signer: _prepare(signer, remote.url, pdf, field, file, image, seal, tsa,
                                                             when, reason, location, issue, copy_type), file)
    try:
        signer = signers.SimpleSigner.load_pkcs12(pfx_file=str(p12), passphrase=password.encode() if password else None)
    except (OSError, ValueError) as exc:
        signer, reason_text = None, str(exc)
    else:
        reason_text = ""
    if signer is None:
        raise InputError(f"Không dùng được chứng thư số để ký {file}.", [Finding(
            "K100", Severity.ERROR, f"không mở được tệp chứng thư số .p12 (sai mật khẩu hoặc tệp hỏng){': ' + reason_text if reason_text else ''}",
            str(p12), suggestion="Kiểm tra đường dẫn tệp .p12 và mật khẩu (--password).")])
    prepared = _prepare(signer, p12, pdf, field, file, image, seal, tsa, when, reason, location, issue, copy_type)
    try:
        out = run_async(lambda: prepared.pdf_signer.async_sign_pdf(prepared.writer,
                                                                    appearance_text_params=prepared.params))
    except Exception as exc:
        failure = _tsa_failure(exc)
        if tsa and failure is not None:
            raise KehoachError(f"không lấy được dấu thời gian cho {file} từ máy chủ {tsa}: {failure}",
                               "Kiểm tra địa chỉ --tsa và kết nối mạng, hoặc ký không có dấu thời gian.") from None
        if tsa and _is_network_error(exc):
            raise KehoachError(f"không lấy được dấu thời gian cho {file} từ máy chủ {tsa}: {exc}",
                               "Kiểm tra địa chỉ --tsa và kết nối mạng, hoặc ký không có dấu thời gian.") from None
        logging.getLogger("kehoach.signing").error("ký số %s không thành công", file, exc_info=exc)
        raise KehoachError(f"ký số {file} không thành công (chi tiết kỹ thuật trong nhật ký của chương trình)",
                           "Kiểm tra chứng thư số còn hiệu lực và tệp PDF chưa bị khóa.") from None
    return prepared.signed(out.getvalue())


@dataclass
class Prepared:
    """Everything of a signature but the signing itself (local .p12, or a remote service awaited elsewhere)."""

    pdf_signer: object
    writer: object
    params: dict
    warnings: list[Finding]
    subject: str
    when: str
    filled: list[str]

    def signed(self, data: bytes) -> Signed:
        return Signed(data, self.warnings, self.subject, self.when, self.filled)


def _prepare(signer, key_source, pdf: bytes, field: str, file: str, image, seal, tsa, when, reason, location, issue,
             copy_type) -> Prepared:
    """Check the certificate and the PDF, fill the số/ngày fields, build the appearance: ready for *signer* to sign."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from .certcheck import refuse_encrypted, require_signing_certificate

    require_signing_certificate(signer.signing_cert, key_source, when)  # expired, not yet valid, not for signing
    refuse_encrypted(pdf, file)

    class _KeepMetadata(IncrementalPdfFileWriter):
        # pyHanko rewrites XMP and Info on every incremental write (Producer, ModDate), so the two no
        # longer match and PDF/A breaks (pyHanko #755). The signing revision leaves metadata untouched.
        def _update_meta(self):
            pass

    try:
        writer = _KeepMetadata(io.BytesIO(pdf))
    except Exception:  # pyHanko raises several kinds for a file that is not a PDF
        raise InputError(f"Không đọc được {file}.", [Finding(
            "K101", Severity.ERROR, "tệp không phải PDF đọc được", file,
            suggestion="Dùng tệp PDF do kehoach tạo (kehoach pdf …).")])
    widgets = _field_widgets(writer.prev)
    info = _document_info(writer.prev)
    empty = [name for name, (_, _, filled) in widgets.items() if not filled]
    if field != COPY_FIELD and field not in empty:
        done = field in widgets
        message = (f"ô chữ ký '{field}' đã được ký" if done else
                   f"không có ô chữ ký trống tên '{field}' (các ô trống: {', '.join(empty) or 'không có'})")
        raise InputError(f"{file} chưa có ô chữ ký cần ký.", [Finding(
            "K102", Severity.ERROR, message, file,
            suggestion="Tạo PDF bằng kehoach pdf hoặc kehoach render --pdf để có sẵn ô chữ ký.")])
    if field == ORGAN_FIELD and SIGNER_FIELD in widgets and not widgets[SIGNER_FIELD][2]:
        raise InputError(f"Chưa ký được chữ ký của cơ quan vào {file}.", [Finding(
            "K103", Severity.ERROR, "người có thẩm quyền chưa ký (ô ChuKyNguoiKy còn trống); chữ ký số của cơ quan "
                                    "chỉ ký lên văn bản đã có chữ ký của người có thẩm quyền", file,
            suggestion="Người ký ký trước (kehoach sign … --field ChuKyNguoiKy), văn thư ký sau (Điều 32 Nghị định 30).")])

    from .issuing import issue_fields, refuse_draft_or_unnumbered

    refuse_draft_or_unnumbered(pdf, field, issue_fields(writer.prev), info, file)
    filled: list[str] = []
    if field == ORGAN_FIELD:
        from .issuing import fill_issue_fields, record_in_metadata

        filled = fill_issue_fields(writer, pdf, info, issue, file)
        if filled:
            record_in_metadata(writer, issue)
    elif issue is not None:
        raise UsageError(f"--number, --date, --plan chỉ dùng khi văn thư ký ô {ORGAN_FIELD} (đang ký {file} vào ô "
                         f"{field}).", "Người ký ký ô ChuKyNguoiKy không kèm số, ngày; văn thư điền số, ngày khi ký "
                                       "ô ChuKyCoQuan.")

    warnings: list[Finding] = []
    subject = _subject_name(signer)
    warnings += subject_warnings(subject, field, info, file)
    moment = when or datetime.now(VIETNAM)
    stamp_time = iso_time(moment)
    new_field = None
    if field == SIGNER_FIELD:
        style = _signer_style(image, file, warnings)
    elif field == ORGAN_FIELD:
        # the name under the seal is the certificate's: what the body vouches for, not what the plan says
        style = _organ_style(writer, widgets, seal, file, warnings, subject, stamp_time)
    else:
        style, box = _copy_style(writer.prev, copy_type)
        new_field = fields.SigFieldSpec(COPY_FIELD, on_page=0, box=box)
    timestamper = time_stamper(tsa, file) if tsa else None
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or {SIGNER_FIELD: "Ký duyệt văn bản", ORGAN_FIELD: "Ký số của cơ quan, tổ chức (phát hành)",
                          COPY_FIELD: "Ký số bản điện tử của cơ quan, tổ chức"}[field],
        location=location)
    params = {"when": stamp_time, "organ": subject, "subject": subject, "code": _code_line(info, writer.prev, pdf),
              "kind": copy_type or ""}
    pdf_signer = signers.PdfSigner(meta, signer, stamp_style=style, timestamper=timestamper, new_field_spec=new_field)
    return Prepared(pdf_signer, writer, params, warnings, subject, stamp_time, filled)


class TsaFailure(Exception):
    """The time-stamp server did not give a usable answer; the message says why, in Vietnamese."""


def _tsa_failure(exc: BaseException) -> str | None:
    seen = exc
    while seen is not None:
        if isinstance(seen, TsaFailure):
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def tsa_timeout_s() -> float:
    """Seconds the whole exchange with the time-stamp server may take (KEHOACH_TSA_TIMEOUT overrides, for tests)."""
    import os

    from .. import limits

    chosen = os.environ.get("KEHOACH_TSA_TIMEOUT", "")
    try:
        return max(0.5, float(chosen)) if chosen else limits.TSA_TIMEOUT_S
    except ValueError:
        return limits.TSA_TIMEOUT_S


def time_stamper(url: str, file: str):
    """An RFC 3161 client over HTTP(S) with one deadline for the whole exchange, never a hang.

    The request runs in a daemon thread joined with a timeout, so a server that accepts and never answers, or
    trickles its answer, cannot hold kehoach (or its exit) beyond the deadline.
    """
    import threading
    import urllib.error
    import urllib.request
    from urllib.parse import urlsplit

    from asn1crypto import core, tsp
    from pyhanko.sign.timestamps.api import TimeStamper

    from .. import limits

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--tsa '{url}' không phải địa chỉ máy chủ cấp dấu thời gian (đang ký {file}).",
                         "Ghi địa chỉ đầy đủ bắt đầu bằng http:// hoặc https://, ví dụ --tsa http://tsa.example.vn/tsa.")
    deadline = tsa_timeout_s()

    class _Bounded(TimeStamper):
        async def async_request_tsa_response(self, req):
            outcome: dict = {}

            def task():
                request = urllib.request.Request(url, data=req.dump(), method="POST",
                                                 headers={"Content-Type": "application/timestamp-query"})
                try:
                    with urllib.request.urlopen(request, timeout=deadline) as response:
                        outcome["type"] = response.headers.get("Content-Type", "")
                        outcome["body"] = response.read(limits.MAX_TSA_REPLY_BYTES + 1)
                except urllib.error.HTTPError as exc:
                    outcome["error"] = f"máy chủ trả lời mã HTTP {exc.code}"
                except (OSError, ValueError) as exc:
                    reason = getattr(exc, "reason", exc)
                    outcome["error"] = f"không kết nối được ({reason})"

            worker = threading.Thread(target=task, name="kehoach-tsa", daemon=True)
            worker.start()
            worker.join(deadline)
            if worker.is_alive():
                raise TsaFailure(f"máy chủ không trả lời trong {deadline:g} giây")
            if "error" in outcome:
                raise TsaFailure(outcome["error"])
            body = outcome["body"]
            if len(body) > limits.MAX_TSA_REPLY_BYTES:
                raise TsaFailure("câu trả lời quá lớn, không phải dấu thời gian")
            if outcome["type"].split(";")[0].strip() != "application/timestamp-reply":
                raise TsaFailure(f"câu trả lời không phải dấu thời gian RFC 3161 (Content-Type: "
                                 f"{outcome['type'] or 'không có'})")
            try:
                # the status first, read alone: a refusal carries no token, which asn1crypto's TimeStampResp
                # requires, so reading the whole reply would call a refusal "malformed"
                status = tsp.PKIStatusInfo.load(core.Sequence.load(body)[0].dump())["status"].native
                answer = tsp.TimeStampResp.load(body)
            except (ValueError, TypeError, KeyError) as exc:
                raise TsaFailure(f"câu trả lời hỏng, không đọc được ({exc})") from None
            if status not in ("granted", "granted_with_mods"):
                raise TsaFailure(f"máy chủ từ chối cấp dấu thời gian (trạng thái {status})")
            try:
                answer["time_stamp_token"]["content"].native  # a malformed token is the server's fault, said so
            except (ValueError, TypeError, KeyError) as exc:
                raise TsaFailure(f"câu trả lời hỏng, không đọc được ({exc})") from None
            return answer

    return _Bounded()


def _is_network_error(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(word in text for word in ("timestamp", "connection", "timeout", "http", "url", "request"))


def _code_line(info: dict[str, str], reader, pdf: bytes) -> str:
    """"Số: 07/KH-UBND, ngày 06/01/2024": what page 1 shows, the số and ngày filled at signing included."""
    from .issuing import issue_fields, printed_date
    from .finishing import DAY_FIELD, MONTH_FIELD, NUMBER_FIELD

    number, notation = info.get("CodeNumber", ""), info.get("CodeNotation", "")
    if not notation:
        return ""
    filled = {name: value for name, (_, value) in issue_fields(reader).items() if value}
    number = number or filled.get(NUMBER_FIELD, "")
    line = nd30.number_line(int(number) if number.isdigit() else None, notation).replace(nd30.NUMBER_BLANK, "…")
    issued = info.get("IssuedDate", "")
    if issued:
        year, month, day = issued.split("-")
    elif DAY_FIELD in filled:
        printed_year, printed_month = printed_date(pdf)
        year = str(printed_year or "")
        day, month = filled[DAY_FIELD], filled.get(MONTH_FIELD) or (f"{printed_month:02d}" if printed_month else "")
    else:
        return line
    return f"{line}, ngày {day}/{month}/{year}" if day and month and year else line


SIGNER_TEXT_PT = 9
SEAL_TEXT_PT = 8
COPY_TEXT_PT = nd30.ELECTRONIC_SIGNATURE_TEXT_PT


def _text_box(size: int):
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle

    tight = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
                                       margins=layout.Margins.uniform(0),
                                       inner_content_scaling=layout.InnerScaling.NO_SCALING)
    return TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font()), font_size=size, leading=round(size * 1.2),
                        box_layout_rule=tight)


def _signer_style(image: Path | None, file: str, warnings: list[Finding]):
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import StaticStampStyle, TextStampStyle

    if image is None:
        return TextStampStyle(stamp_text="Ký bởi: %(subject)s\nThời gian ký: %(when)s",
                              text_box_style=_text_box(SIGNER_TEXT_PT), border_width=0, background=None)
    picture = load_picture(image, file)
    warnings += colour_warnings(picture, image, "blue", file)
    background = _pdf_image(picture)
    rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                      margins=layout.Margins.uniform(0),
                                      inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT)
    return StaticStampStyle(background=background, background_layout=rule, background_opacity=1.0,
                            border_width=0)


def _pdf_image(picture: Picture):
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints

    return PdfImage(picture.image, box=BoxConstraints(width=picture.width_pt, height=picture.height_pt))


def caption_size(lines: list[str], width: float) -> float:
    """The largest size up to SEAL_TEXT_PT (and at least 6 pt) at which every caption line fits *width*."""
    widest = max(text_width_pt(line, 1.0) for line in lines)
    # pyHanko writes the font size as a whole number ("%d Tf"), so the size is one.
    return max(6, min(SEAL_TEXT_PT, int(width / widest) if widest else SEAL_TEXT_PT))


def signature_image_box(widget) -> tuple[float, float, float, float]:
    """Where the signer's signature shows on the page: the image its appearance draws, else the field itself.

    Read from the appearance stream (the transformations in force when the image is painted), so the seal is placed
    over what the reader sees, whatever size the signer's PNG had.
    """
    from pypdf.generic import ContentStream

    rect = [float(v) for v in widget["/Rect"]]
    try:
        appearance = widget["/AP"]["/N"].get_object()
        images = {name for name, ref in appearance.get("/Resources", {}).get("/XObject", {}).items()
                  if ref.get_object().get("/Subtype") == "/Image"}
        matrix, stack, box = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], None
        for operands, operator in ContentStream(appearance, None).operations:
            if operator == b"q":
                stack.append(matrix)
            elif operator == b"Q" and stack:
                matrix = stack.pop()
            elif operator == b"cm":
                a, b, c, d, e, f = (float(v) for v in operands)
                m = matrix
                matrix = [a * m[0] + b * m[2], a * m[1] + b * m[3], c * m[0] + d * m[2], c * m[1] + d * m[3],
                          e * m[0] + f * m[2] + m[4], e * m[1] + f * m[3] + m[5]]
            elif operator == b"Do" and operands and operands[0] in images:
                xs = [matrix[4], matrix[4] + matrix[0] + matrix[2]]
                ys = [matrix[5], matrix[5] + matrix[1] + matrix[3]]
                box = (rect[0] + min(xs), rect[1] + min(ys), rect[0] + max(xs), rect[1] + max(ys))
    except (KeyError, AttributeError, TypeError, ValueError):
        box = None
    return box or tuple(rect)


def seal_place(field, image_box, seal_w: float, seal_h: float) -> tuple[float, float]:
    """(left, bottom) of the seal inside the body's *field*: its right edge on the left third of the signature image
    (Phụ lục I, ô 8), seal and caption centred on the image's height; kept inside the field, which finishing made clear
    of the title, the name and the recipients' column."""
    left = image_box[0] + (image_box[2] - image_box[0]) * nd30.SEAL_OVER_SIGNATURE - seal_w
    left = min(max(left, field[0]), field[2] - seal_w)
    bottom = (image_box[1] + image_box[3]) / 2 - (seal_h - SEAL_TEXT_BAND_PT) / 2   # seal and caption level with it
    bottom = min(max(bottom, field[1] + SEAL_TEXT_BAND_PT), field[3] - seal_h)
    return left, bottom


def _organ_style(writer, widgets, seal: Path | None, file: str, warnings: list[Finding], organ: str, when: str):
    """The seal at its real size over the left third of the signature image, the body's name and signing time under it.

    The field keeps the rectangle `finish` gave it (changing a field after the signer signed would count as a
    modification of the signed document); the seal moves inside it.
    """
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import TextStampStyle

    widget = widgets[ORGAN_FIELD][0]
    rect = [float(v) for v in widget["/Rect"]]
    field_w, field_h = rect[2] - rect[0], rect[3] - rect[1]
    room_w, room_h = field_w, field_h - SEAL_TEXT_BAND_PT
    seal_w = seal_h = nd30.SEAL_DIAMETER_MM / MM_PER_PT
    background = None
    if seal is not None:
        picture = load_picture(seal, file, default_width_mm=nd30.SEAL_DIAMETER_MM)
        warnings += colour_warnings(picture, seal, "red", file)
        if not _plausible_size(picture):
            picture = at_width(picture, nd30.SEAL_DIAMETER_MM)
        if picture.width_pt > room_w + 0.5 or picture.height_pt > room_h + 0.5:
            warnings.append(Finding("K113", Severity.WARNING,
                                    f"ảnh dấu {seal.name} rộng {picture.width_pt * MM_PER_PT:.0f} mm, lớn hơn ô chữ ký "
                                    f"của cơ quan ({room_w * MM_PER_PT:.0f} mm); ảnh được thu nhỏ cho vừa", file,
                                    suggestion="Kiểm tra độ phân giải (dpi) ghi trong tệp PNG: ảnh dấu in đúng kích thước thật."))
            scale = min(room_w / picture.width_pt, room_h / picture.height_pt)
            picture = Picture(picture.image, picture.width_pt * scale, picture.height_pt * scale)
        seal_w, seal_h = picture.width_pt, picture.height_pt
        background = _pdf_image(picture)
    signer = widgets.get(SIGNER_FIELD)
    image_box = signature_image_box(signer[0]) if signer else tuple(rect)
    left, bottom = seal_place(rect, image_box, seal_w, seal_h)
    # pyHanko's margins are whole points: round the same way for the seal and its caption
    margin_left, margin_bottom = round(left - rect[0]), round(bottom - rect[1])
    margin_right = max(0, round(field_w - margin_left - seal_w))
    size = caption_size([organ, when], seal_w - 2)
    image_rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN,
                                            y_align=layout.AxisAlignment.ALIGN_MIN,
                                            margins=layout.Margins(margin_left, 0, 0, margin_bottom),
                                            inner_content_scaling=layout.InnerScaling.NO_SCALING)
    text_rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                           y_align=layout.AxisAlignment.ALIGN_MAX,
                                           margins=layout.Margins(margin_left, margin_right,
                                                                  round(field_h) - margin_bottom + 1, 0),
                                           inner_content_scaling=layout.InnerScaling.NO_SCALING)
    return TextStampStyle(stamp_text="%(organ)s\n%(when)s", text_box_style=_text_box(size),
                          inner_content_layout=text_rule, border_width=0, background=background,
                          background_layout=image_rule, background_opacity=1.0)


def _plausible_size(picture: Picture) -> bool:
    """A seal is some 20 to 60 mm across; a PNG whose resolution says otherwise is printed at the default size."""
    width_mm = picture.width_pt * MM_PER_PT
    return 20 <= width_mm <= 60


def _copy_style(reader, copy_type: str | None):
    """Ô 14: text only, 10 pt, at the top right of page 1, partly in the top margin.

    An electronic copy names its type first ("SAO Y", Phụ lục I Phần II); an annex in its own file does not.
    """
    from pyhanko.pdf_utils import layout
    from pyhanko.stamp import TextStampStyle

    page = reader.root["/Pages"]["/Kids"][0].get_object()
    box = [float(v) for v in page.get("/MediaBox", [0, 0, 595.3, 841.9])]
    lines = ["%(kind)s"] * bool(copy_type) + ["%(organ)s", "%(code)s", "Thời gian ký: %(when)s"]
    right, top = box[2] - 14, box[3] - 6
    width, height = 215.0, len(lines) * round(COPY_TEXT_PT * 1.2) + 4
    rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MAX,
                                      margins=layout.Margins(2, 2, 2, 2),
                                      inner_content_scaling=layout.InnerScaling.NO_SCALING)
    style = TextStampStyle(stamp_text="\n".join(lines), text_box_style=_text_box(COPY_TEXT_PT),
                           inner_content_layout=rule, border_width=0, background=None)
    return style, (round(right - width, 2), round(top - height, 2), round(right, 2), round(top, 2))
