"""Số and ngày at issue: the body's signature fills the blanks page 1 left for them.

An unissued document prints "Số:     /KH-UBND" and "…, ngày      tháng      năm 2025" (NĐ 30: the number and date
are given by the văn thư at issue). `finish_pdf` puts read-only text fields over those blanks
(finishing.issue_blanks); when the văn thư signs ô ChuKyCoQuan, the values are written into the fields — value and
appearance, in the same incremental update as the body's signature. Filling form fields is a change PDF signatures
permit after the signer's signature (pyHanko counts it as form filling), so the signer's signature stays valid.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date

from .. import nd30
from ..errors import InputError
from ..findings import Finding, Severity
from .finishing import DAY_FIELD, ISSUE_FIELDS, MONTH_FIELD, NUMBER_FIELD, NUMBER_FIELD_OFFSET_PT

EXAMPLE = "--number 7 --date 06/01/2025 (hoặc --plan KE_HOACH.yaml đã ban hành bằng kehoach issue)"


@dataclass(frozen=True)
class IssueValues:
    """The number and date the văn thư gives the document at issue."""

    number: int
    issued: date
    symbol: str | None = None       # from an issued plan: must be the ký hiệu the PDF prints

    def text(self, name: str) -> str:
        """What each field shows: "07" (leading zero below 10), "06", "01" (months 1 and 2 take a zero)."""
        return {NUMBER_FIELD: nd30.number_text(self.number), DAY_FIELD: nd30.day_text(self.issued.day),
                MONTH_FIELD: nd30.month_text(self.issued.month)}[name]

    @property
    def short(self) -> str:
        return f"{self.issued.day:02d}/{self.issued.month:02d}/{self.issued.year}"


def issue_fields(reader) -> dict[str, tuple[object, str | None]]:
    """{field name: (field dictionary, value or None)} of the số/ngày/tháng text fields of a PDF."""
    out = {}
    form = reader.root.get("/AcroForm")
    if form is None:
        return out
    for ref in form.get_object().get("/Fields", []):
        widget = ref.get_object()
        name = str(widget.get("/T"))
        if widget.get("/FT") == "/Tx" and name in ISSUE_FIELDS:
            value = widget.get("/V")
            out[name] = (widget, str(value) if value else None)
    return out


def page_one_text(pdf: bytes) -> str:
    """The text layer of page 1 (page content only, not form fields), NFC."""
    from pypdf import PdfReader

    from ..text import nfc

    return nfc(PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "")


def _day_field_text(pdf: bytes) -> str:
    """The text the day field's appearance draws on page 1 (the date line after the place), NFC; "" if none."""
    from pypdf import PageObject, PdfReader
    from pypdf.generic import NameObject

    from ..text import nfc

    page = PdfReader(io.BytesIO(pdf)).pages[0]
    for ref in page.get("/Annots", []) or []:
        widget = ref.get_object()
        if widget.get("/T") != DAY_FIELD or "/AP" not in widget:
            continue
        appearance = widget["/AP"]["/N"].get_object()
        # a page of its own drawing only the appearance: pypdf reads its text through the font's ToUnicode map
        holder = PageObject.create_blank_page(width=1000, height=100)
        holder[NameObject("/Resources")] = appearance.get("/Resources", {})
        holder[NameObject("/Contents")] = appearance
        try:
            return nfc(holder.extract_text() or "")
        except Exception:   # an appearance pypdf cannot read: no date read, as for a page without one
            return ""
    return ""


def drawn_place(pdf: bytes) -> str | None:
    """The place the day field draws before "ngày" when it draws the whole date line (PDFs finished since it is
    centred: "Kiến An"); None when the page keeps the place (the field draws from "ngày" on) or only a blank."""
    match = nd30.DATE_LINE_RE.match(_day_field_text(pdf).strip())
    return match.group("place").strip() if match else None


def refuse_draft_or_unnumbered(pdf: bytes, field: str, fields: dict, info: dict[str, str], file: str) -> None:
    """A draft is never signed; the body signs only what carries a number and date, printed or filled now (K109).

    *fields*: issue_fields of the PDF. Page 1 printing "DỰ THẢO" is a plan whose number did not come from the
    register (render/docx.py); a PDF with no số printed and no số field to fill cannot be issued by signing it.
    """
    from .finishing import ORGAN_FIELD

    text = page_one_text(pdf)
    # the mark is a line of its own (a trích yếu in capitals may say "DỰ THẢO" inside a sentence)
    if re.search(rf"^\s*{nd30.DRAFT_MARK}\s*$", text, re.MULTILINE):
        raise InputError(f"Không ký {file}: đây là bản dự thảo.", [Finding(
            "K109", Severity.ERROR, f"trang 1 của văn bản in «{nd30.DRAFT_MARK}»: bản dự thảo chưa được cấp số qua sổ "
                                    "đăng ký văn bản nên không ký số để ban hành", file,
            suggestion="Xóa số đã gõ trong kế hoạch (document.number), tạo lại PDF (kehoach pdf), ký bản đó; văn thư "
                       "cấp số khi ký ô ChuKyCoQuan (--number, --date) hoặc ban hành bằng kehoach issue.")])
    if field != ORGAN_FIELD or NUMBER_FIELD in fields:
        return
    match = nd30.NUMBER_SEARCH_RE.search(text)
    if not info.get("CodeNumber", "").isdigit() and not (match and match.group("number")):
        raise InputError(f"Không ký {file}: văn bản chưa có số ban hành.", [Finding(
            "K109", Severity.ERROR, "trang 1 không in số văn bản và không có ô số để văn thư điền khi ký: ký số của "
                                    "cơ quan lên văn bản này sẽ ban hành một văn bản không có số", file,
            suggestion="Tạo PDF bằng kehoach pdf từ kế hoạch (có sẵn ô số, ngày), rồi ký ô ChuKyCoQuan với --number "
                       "và --date.")])


def printed_date(pdf: bytes) -> tuple[int | None, int | None]:
    """(year, month) the date line of page 1 prints; month None while blank.

    The page keeps "Nghệ An,"; "ngày … tháng … năm 2026" is drawn by the day field (finishing._take_tail), so
    its appearance is read when the page's text has no date.
    """
    text = page_one_text(pdf)
    match = nd30.DATE_SEARCH_RE.search(text) or nd30.DATE_SEARCH_RE.search(", " + _day_field_text(pdf))
    if not match:
        return None, None
    return int(match.group("year")), int(match.group("month")) if match.group("month") else None


def _error(file: str, code: str, message: str, suggestion: str) -> InputError:
    return InputError(f"Chưa điền được số, ngày ban hành vào {file}.",
                      [Finding(code, Severity.ERROR, message, file, suggestion=suggestion)])


def fill_issue_fields(writer, pdf: bytes, info: dict[str, str], values: IssueValues | None, file: str) -> list[str]:
    """Write number and date into the blank fields of *writer* (pyHanko incremental writer); the names filled.

    Refused (exit 1): blanks left and no values (K107); values that contradict what the PDF prints — another
    ký hiệu, another year or month than the date line, or a number and date already printed (K108).
    """
    fields = issue_fields(writer.prev)
    empty = [name for name in ISSUE_FIELDS if name in fields and fields[name][1] is None]
    if values is None:
        if empty:
            raise _error(file, "K107", "văn bản chưa có số và ngày ban hành (các ô số, ngày trên trang 1 còn trống); "
                                       "văn thư cấp số, ngày khi ký số của cơ quan",
                         f"Thêm số và ngày ban hành: kehoach sign … --field ChuKyCoQuan {EXAMPLE}.")
        return []
    notation = info.get("CodeNotation", "")
    if values.symbol and notation and values.symbol != notation:
        raise _error(file, "K108", f"kế hoạch có ký hiệu {values.symbol}, nhưng văn bản in ký hiệu {notation}",
                     "Dùng đúng tệp kế hoạch của văn bản này (--plan), hoặc ghi --number và --date.")
    if not empty:
        number, issued = info.get("CodeNumber", ""), info.get("IssuedDate", "")
        if number.isdigit() and int(number) == values.number and issued == values.issued.isoformat():
            return []   # printed already, and the same: nothing to fill
        shown = f"số {number or '(trống)'}, ngày {issued or '(trống)'}"
        raise _error(file, "K108", f"văn bản không có ô trống để điền số, ngày (đã in {shown}); không điền được số "
                                   f"{values.number:02d}, ngày {values.short}",
                     "Bỏ --number/--date (văn bản đã có số, ngày), hoặc tạo lại PDF từ kế hoạch chưa có số.")
    year, month = printed_date(pdf)
    if year is not None and year != values.issued.year or month is not None and month != values.issued.month:
        printed = f"tháng {month} năm {year}" if month else f"năm {year}"
        raise _error(file, "K108", f"ngày ban hành {values.short} không khớp với {printed} đã in trên văn bản",
                     "Kiểm tra lại --date; nếu văn bản ban hành sang năm khác, sửa ngày trong kế hoạch và tạo lại PDF.")
    engines: dict[bool, object] = {}   # one embedded subset per face (the day and month share the italic one)
    # how the day field was made: it draws the whole line, place included, centred (place given); or the date after
    # the place the page keeps (/Q 0); or, in PDFs finished before either, only the blank between "ngày" and "tháng"
    place = drawn_place(pdf) if DAY_FIELD in fields else None
    whole_date = DAY_FIELD in fields and (place is not None or fields[DAY_FIELD][0].get("/Q", 1) == 0)
    for name in empty:
        widget = fields[name][0]
        suffix = ""
        if whole_date and name == MONTH_FIELD:   # drawn by the day field: the value only, the appearance stays empty
            from pyhanko.pdf_utils import generic

            widget[generic.pdf_name("/V")] = generic.TextStringObject(values.text(name))
            writer.update_container(widget)
            continue
        if whole_date and name == DAY_FIELD:   # "ngày 06 tháng 3 năm 2026", single spaces, after "Nghệ An,"
            month = values.text(MONTH_FIELD) if MONTH_FIELD in fields else nd30.month_text(values.issued.month)
            _fill(writer, widget, values.text(name), engines, f" tháng {month} năm {values.issued.year}",
                  f"{place}, ngày " if place is not None else "ngày ")
            continue
        if name == NUMBER_FIELD and widget.get("/Q", 0) == 0:   # the field draws the line's rest: "/KH-UBND"
            if not notation:
                raise _error(file, "K108", "không đọc được ký hiệu văn bản (thuộc tính CodeNotation của tệp trống) để "
                                           "in sau số", "Tạo lại PDF bằng kehoach pdf từ kế hoạch, rồi ký lại.")
            suffix = f"/{notation}"
        _fill(writer, widget, values.text(name), engines, suffix)
    return empty


NUMBER_SPACE_EM = 0.25        # a Times space: what separates "Số:" from the number


def _fill(writer, widget, text: str, engines: dict, suffix: str = "", prefix: str = "") -> None:
    """The field's value and its appearance: the text in the line's face and size, on the line's baseline.

    A number field aligned left (/Q 0) draws the rest of the line after "Số:" — one space, the number at its own
    width, then *suffix* ("/KH-UBND") against it; one aligned right (PDFs finished before that) holds only the
    number, narrowed into the blank before the printed "/". A day field aligned left draws the date line's rest
    after "Nghệ An," the same way: one space, *prefix* ("ngày "), the day, *suffix* (" tháng 3 năm 2026"); one
    centred draws the whole line ("Nghệ An, ngày " + day + suffix) on the axis of the line it replaced.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

    from .signing import stamp_font

    rect = [float(v) for v in widget["/Rect"]]
    width, height = rect[2] - rect[0], rect[3] - rect[1]
    da = str(widget.get("/DA", "")).split()
    size = float(da[da.index("Tf") - 1]) if "Tf" in da else float(nd30.NUMBER.printed)
    italic = da[0].endswith("I") if da else False
    if italic not in engines:
        engines[italic] = GlyphAccumulatorFactory(stamp_font("Italic" if italic else "Regular")).create_font_engine(writer)
    engine = engines[italic]
    engine.font_size = size
    shaped = engine.shape(prefix + text + suffix)
    advance = shaped.x_advance * size
    room, align = width, widget.get("/Q", 0)
    space = NUMBER_SPACE_EM * size - NUMBER_FIELD_OFFSET_PT   # the field starts 0.5 pt after the colon of "Số:"
    if str(widget.get("/T")) == NUMBER_FIELD or align == 0:   # one space after "Số:" (or "Nghệ An,") always
        room = width - space
    # right-aligned (older PDFs): three or four digits in the blank of two are narrowed to the room left after
    # that space; left-aligned, the field holds four digits more than the blank, so only a longer one narrows
    scale = min(1.0, room / advance) if advance else 1.0
    x = {2: width - advance * scale, 0: space}.get(align, (width - advance * scale) / 2)
    baseline = 0.3 * size     # finishing._blank: the box starts 0.3 em under the baseline
    ops = b"/Tx BMC q BT /F1 %g Tf %g Tz %g %g Td %s ET Q EMC" % (size, round(scale * 100, 2), round(x, 3), baseline,
                                                                  shaped.graphics_ops)
    resources = generic.DictionaryObject({
        generic.pdf_name("/Font"): generic.DictionaryObject({generic.pdf_name("/F1"): engine.as_resource()})})
    stream = generic.StreamObject({
        generic.pdf_name("/Type"): generic.pdf_name("/XObject"), generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
        generic.pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(0), generic.FloatObject(0),
                                                        generic.FloatObject(width), generic.FloatObject(height)]),
        generic.pdf_name("/Resources"): resources}, stream_data=ops)
    widget[generic.pdf_name("/AP")] = generic.DictionaryObject({generic.pdf_name("/N"): writer.add_object(stream)})
    widget[generic.pdf_name("/V")] = generic.TextStringObject(text)
    writer.update_container(widget)


def record_in_metadata(writer, values: IssueValues) -> bool:
    """Phụ lục VI: the số and ngày given at signing written into the XMP packet (nd30:CodeNumber, nd30:IssuedDate).

    In the body's signing revision, so the body's signature covers them. Only the XMP stream changes: pyHanko
    accepts a well-formed metadata update after the signer's signature, while a changed Info dictionary would count
    as a modification of the signed document (Info keeps its blanks; PDF/A ties only the standard keys to XMP).
    """
    from xml.sax.saxutils import escape

    ref = writer.root.raw_get("/Metadata")
    stream = ref.get_object() if ref is not None else None
    if stream is None:
        return False
    packet = stream.data
    changed = packet
    for name, value in (("CodeNumber", nd30.number_text(values.number)), ("IssuedDate", values.issued.isoformat())):
        changed = changed.replace(f"<nd30:{name}></nd30:{name}>".encode(),
                                  f"<nd30:{name}>{escape(value)}</nd30:{name}>".encode())
    if changed == packet:
        return False
    stream.strip_filters()   # XMP stays uncompressed (readable by any tool); pyHanko has no setter for stream data
    stream._data = stream._encoded_data = changed
    writer.mark_update(ref)
    return True
