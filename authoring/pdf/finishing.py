"""Finishing a LibreOffice PDF/A: fixed metadata, a content-derived ID, signature fields on the signer's block."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, DictionaryObject, NameObject, StreamObject

from .. import nd30
from ..render.metrics import text_width_pt
from .metadata import ND30_FIELDS, PdfMeta, _pdf_date, _xmp

SIGNER_FIELD = "ChuKyNguoiKy"       # the person's signature (ô 7c)
ORGAN_FIELD = "ChuKyCoQuan"         # the issuing body's signature, over the left third of it (ô 8)
COPY_FIELD = "ChuKyBanSao"          # the body's signature on an electronic copy or annex file (ô 14), made at signing
SEAL_FIELD_MM = 42                 # the largest seal the body's field holds at its real size
SEAL_TEXT_BAND_PT = 21.0           # under the seal: the body's name and the signing time (two 8 pt lines, 10 pt apart)
# Text fields over the blanks an unissued document leaves (số, ngày, tháng): the văn thư's signature fills them.
NUMBER_FIELD = "SoVanBan"
DAY_FIELD = "NgayBanHanh"
MONTH_FIELD = "ThangBanHanh"
ISSUE_FIELDS = (NUMBER_FIELD, DAY_FIELD, MONTH_FIELD)
DOCMDP_AFTER_SIGNING = 2          # DocMDP level: filling form fields and signing, nothing else
NUMBER_FIELD_OFFSET_PT = 0.5       # the number field starts this far after the colon of "Số:"
FIELD_FONT = "KhIssue"             # the /DR name of the page font the fields' /DA names


@dataclass(frozen=True)
class FieldBoxes:
    page: int
    signer: tuple[float, float, float, float]
    organ: tuple[float, float, float, float]


def signature_boxes(reader: PdfReader, name: str | None, last_title: str | None) -> FieldBoxes | None:
    """Where the signature goes: between the last title line and the signer's name, on their page.

    The body's seal goes over the left third of the person's signature (ND30 Phụ lục I, ô 8).
    """
    if not name:
        return None
    for index in range(len(reader.pages) - 1, -1, -1):
        page = reader.pages[index]
        hits: list[tuple[str, float, float, float]] = []

        def visit(text, cm, tm, font, size):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                hits.append((text.strip(), x, y, size * (tm[0] or 1) * (cm[0] or 1)))

        page.extract_text(visitor_text=visit)
        name_hit = next((h for h in reversed(hits) if h[0] == name), None)
        if name_hit is None:
            continue
        title_hit = next((h for h in reversed(hits) if last_title and h[0] == last_title and h[2] > name_hit[2]), None)
        _, x, y, size = name_hit
        size = size or 14
        centre = x + text_width_pt(name, size, bold=True) / 2
        if title_hit is None:   # a title too long for one line wraps: its last piece is the centred line above
            above = [h for h in hits if h[2] > y + size
                     and abs(h[1] + text_width_pt(h[0], h[3] or size, bold=True) / 2 - centre) < 8]
            title_hit = min(above, key=lambda h: h[2], default=None)
        top = title_hit[2] - 4 if title_hit else y + 5 * size
        bottom = y + size
        width = 170.0
        signer = (centre - width / 2, bottom, centre + width / 2, top)
        # The body's field spans the gap between the title and the name, from clear of the recipients' column to
        # the signer's centre: `sign --seal` puts the seal inside it over the left third of the signature image it
        # measures then (the field cannot change once the signer has signed). Title and name lie outside the gap.
        seal = SEAL_FIELD_MM * 72 / 25.4
        column = [box[2] for box in map(_line_box, hits) if box[2] < centre - width / 2 and box[1] < top
                  and box[3] > bottom]
        left = max([signer[0] - seal] + [right + SEAL_CLEARANCE_PT for right in column])
        organ = (left, bottom, centre, top)
        return FieldBoxes(index, tuple(round(v, 2) for v in signer), tuple(round(v, 2) for v in organ))
    return None


@dataclass(frozen=True)
class Blank:
    """One blank of page 1 to be filled at issue: where it is and how its text is set."""

    name: str                                   # NUMBER_FIELD, DAY_FIELD or MONTH_FIELD
    box: tuple[float, float, float, float]      # the blank, from the glyph after the space to the next word
    baseline: float                             # the line's baseline, from the box's bottom
    size: float                                 # the printed size of the line (13 pt)
    italic: bool                                # the date line is italic
    align: str                                  # "left" (the number: its field draws the line's rest) or "centre"
    font: object                                # the page's font of that line (an indirect reference)
    # the number's or the date's line: where it starts (x, baseline), its text, and how many characters the page
    # keeps ("Số:", "Nghệ An,") before what the field draws
    line: tuple[float, float, str, int] | None = None


def _page_lines(page) -> list[tuple[str, float, float, float, object]]:
    """(text, x, baseline y, size, font dictionary) of each text chunk on a page."""
    hits = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            hits.append((text.rstrip("\n"), x, y, size * (tm[0] or 1) * (cm[0] or 1), font))

    page.extract_text(visitor_text=visit)
    return hits


def issue_blanks(page) -> list[Blank]:
    """The blanks of an unissued page 1: the number in "Số:      /KH-UBND", the day and month of the date line.

    Positions are measured from the printed line: its start on the page and the Times widths of what precedes each
    blank. A line already carrying its number or date has no blank and gets no field.
    """
    blanks: list[Blank] = []
    for text, x, y, size, font in _page_lines(page):
        size = size or nd30.NUMBER.printed
        number = nd30.NUMBER_LINE_RE.match(text)
        if number and not number.group("number") and not any(b.name == NUMBER_FIELD for b in blanks):
            # from just after "Số:" (the space belongs to the blank: three digits fit) to the "/" of the ký hiệu
            left = x + text_width_pt(text[:text.index(":") + 1], size) + NUMBER_FIELD_OFFSET_PT
            right = x + text_width_pt(text[:text.index("/")], size)
            blanks.append(_blank(NUMBER_FIELD, left, right, y, size, False, "left", font,
                                 (x, y, text, text.index(":") + 1)))
            continue
        date = nd30.DATE_LINE_RE.match(text)
        if date and not date.group("day") and not any(b.name == DAY_FIELD for b in blanks):
            # "Kiến An, ngày       tháng       năm 2024": each blank runs from after "ngày " to before " tháng"
            day_at = text.index("ngày", date.end("place")) + len("ngày ")
            month_word = text.index("tháng", day_at)
            # the day field draws the whole line, place included, so that a filled date shorter or longer than the
            # blanks stays centred where the printed line was
            blanks.append(_blank(DAY_FIELD, x + text_width_pt(text[:day_at], size, italic=True),
                                 x + text_width_pt(text[:month_word - 1], size, italic=True),
                                 y, size, True, "centre", font, (x, y, text, 0)))
            if not date.group("month"):
                month_at = month_word + len("tháng ")
                year_word = text.index("năm", month_at)
                blanks.append(_blank(MONTH_FIELD, x + text_width_pt(text[:month_at], size, italic=True),
                                     x + text_width_pt(text[:year_word - 1], size, italic=True),
                                     y, size, True, "centre", font))
    return blanks


def _blank(name, left, right, baseline, size, italic, align, font, line=None) -> Blank:
    descent, ascent = 0.3 * size, 1.0 * size
    box = (round(left, 2), round(baseline - descent, 2), round(right, 2), round(baseline + ascent, 2))
    return Blank(name, box, round(descent, 2), size, italic, align, font, line)


NUMBER_ROOM_DIGITS = 4             # the number field reaches this many digits past the printed ký hiệu


def _take_tail(page, blank: Blank):
    """Take the rest of the line after "Số:" (the blank and ký hiệu), or the whole date line, out of page 1's
    content, for the number or day field to draw instead.

    Returns (font name, size, x where the tail starts, the TJ array that drew it), or None when the line is not one
    run of a simple TrueType font at default spacing (the field then stays the blank between "Số:" and "/"). The
    page keeps "Số:"; the field draws "      /KH-UBND" until issue and "1234/KH-UBND" after it, so a number of
    three or four digits is never narrowed: the ký hiệu moves with it (the page was laid out before the number).
    """
    from pypdf.generic import ArrayObject, ByteStringObject, ContentStream

    x, y, text, label = blank.line
    content = page.get_contents()
    if not isinstance(content, ContentStream):
        return None
    fonts = page["/Resources"].get_object().get("/Font", {})
    position, font_name, size, hit = None, None, None, None
    default = {b"Tc": 0, b"Tw": 0, b"Ts": 0, b"Tz": 100}   # spacing the widths below would not account for
    for index, (operands, operator) in enumerate(content.operations):
        if operator == b"Tm" or operator in default and float(operands[0]) != default[operator]:
            return None
        if operator == b"BT":
            position = (0.0, 0.0)
        elif operator == b"Td" and position is not None:
            position = (position[0] + float(operands[0]), position[1] + float(operands[1]))
        elif operator == b"Tf":
            font_name, size = operands[0], float(operands[1])
        elif operator in (b"TJ", b"Tj") and position and abs(position[0] - x) < 0.05 and abs(position[1] - y) < 0.05:
            hit = index
            break
    if hit is None or font_name not in fonts:
        return None
    font = fonts[font_name].get_object()
    if font.get("/Subtype") != "/TrueType" or font.get("/BaseFont") != blank.font.get("/BaseFont"):
        return None
    operands, operator = content.operations[hit]
    items = list(operands[0]) if operator == b"TJ" else [operands[0]]

    def raw(item) -> bytes:
        return item.get_original_bytes() if hasattr(item, "get_original_bytes") else bytes(item)

    if sum(len(raw(i)) for i in items if isinstance(i, (str, bytes))) != len(text):
        return None   # one byte per character, or the run was shaped differently from the text read
    widths, first = [float(w) for w in font["/Widths"]], int(font.get("/FirstChar", 0))
    keep, tail, advance, seen = [], [], 0.0, 0
    for item in items:
        if not isinstance(item, (str, bytes)):   # a kern, in thousandths of the size
            if seen < label:
                keep.append(item)
                advance -= float(item) / 1000 * size
            else:
                tail.append(item)
            continue
        data = raw(item)
        head, rest = data[:max(0, label - seen)], data[max(0, label - seen):]
        seen += len(data)
        if head:
            keep.append(ByteStringObject(head))
            advance += sum(widths[b - first] for b in head) / 1000 * size
        if rest:
            tail.append(ByteStringObject(rest))
    if not tail or not keep and label:
        return None
    content.operations[hit] = ([ArrayObject(keep)], b"TJ")   # the date line: an empty TJ, nothing left drawn
    page.replace_contents(content)
    return font_name, size, x + advance, ArrayObject(tail)


def _tail_width(font, size: float, tail) -> float:
    widths, first = [float(w) for w in font["/Widths"]], int(font.get("/FirstChar", 0))
    return sum(sum(widths[b - first] for b in bytes(i)) / 1000 * size if isinstance(i, bytes)
               else -float(i) / 1000 * size for i in tail)


SEAL_CLEARANCE_PT = 2.0            # between the body's field and the recipients' column


def _line_box(hit) -> tuple[float, float, float, float]:
    """The ink box of a printed line: from its start to its measured end, descenders to Vietnamese stacked marks."""
    text, x, y, size = hit[:4]
    size = size or 14
    return x, y - 0.25 * size, x + text_width_pt(text, size, bold=True), y + 1.0 * size


def finish_pdf(raw: bytes, meta: PdfMeta) -> bytes:
    """Fixed metadata (Info + XMP), a content-derived file ID, empty signature fields; byte-stable."""
    reader = PdfReader(io.BytesIO(raw))
    producer = str(reader.metadata.get("/Producer", "LibreOffice")) if reader.metadata else "LibreOffice"
    writer = PdfWriter(clone_from=reader)
    info = {
        "/Title": meta.title, "/Author": meta.author, "/Subject": meta.subject, "/Keywords": meta.keywords,
        "/Creator": "kehoach", "/Producer": producer,
        "/CreationDate": _pdf_date(meta.stamp), "/ModDate": _pdf_date(meta.stamp),
    }
    meta.nd30["PageAmount"] = str(len(reader.pages))   # Phụ lục VI: số trang, counted on the finished PDF
    info.update({f"/{name}": meta.nd30.get(name, "") for name, _ in ND30_FIELDS})
    writer.add_metadata(info)
    existing = writer._root_object.get("/Metadata")
    if existing is not None:  # rewrite LibreOffice's packet in place: a replaced object would still be written
        existing.get_object().set_data(_xmp(meta, producer))
    else:
        metadata = StreamObject()
        metadata._data = _xmp(meta, producer)
        metadata.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer._root_object[NameObject("/Metadata")] = writer._add_object(metadata)
    _fix_icc_dates(writer)
    boxes = signature_boxes(reader, meta.signer_name, meta.signer_last_line)
    if boxes is not None:
        _add_signature_fields(writer, boxes)
    if not meta.nd30.get("CodeNumber") and reader.pages:
        _add_issue_fields(writer, issue_blanks(reader.pages[0]))
    digest = hashlib.md5()
    for page in reader.pages:
        digest.update(page.get_contents().get_data() if page.get_contents() else b"")
    digest.update(_xmp(meta, producer))
    writer._ID = ArrayObject([ByteStringObject(digest.digest()), ByteStringObject(digest.digest())])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_ICC_FIXED_DATE = bytes([0x07, 0xE4, 0x00, 0x03, 0x00, 0x05, 0, 0, 0, 0, 0, 0])  # 2020-03-05 00:00:00


def _fix_icc_dates(writer: PdfWriter) -> None:
    """LibreOffice writes today's date into the output-intent colour profile; fix it so PDFs are byte-stable."""
    for intent in writer._root_object.get("/OutputIntents", []):
        profile = intent.get_object().get("/DestOutputProfile")
        if profile is None:
            continue
        stream = profile.get_object()
        data = bytearray(stream.get_data())
        if len(data) >= 128 and data[36:40] == b"acsp":
            data[24:36] = _ICC_FIXED_DATE
            data[84:100] = bytes(16)  # the profile ID is optional (zero = not computed) and hashed the date
            stream.set_data(bytes(data))


def field_lock(name: str) -> DictionaryObject:
    """The /Lock of a signature field: what its signature freezes, and what may still change after it (/P).

    The body's signature locks the số and ngày it gives (FieldMDP /Include), so an update after it that sets
    another number breaks it. The signer's signature locks every field but those the body fills after it
    (/Exclude). Both allow only what follows in issuing (/P 2: filling those fields, signing, a copy's signature).
    """
    from pypdf.generic import NumberObject, TextStringObject

    if name == ORGAN_FIELD:
        action, fields = "/Include", ISSUE_FIELDS
    else:
        action, fields = "/Exclude", ISSUE_FIELDS + (ORGAN_FIELD, COPY_FIELD)
    return DictionaryObject({
        NameObject("/Type"): NameObject("/SigFieldLock"), NameObject("/Action"): NameObject(action),
        NameObject("/Fields"): ArrayObject([TextStringObject(f) for f in fields]),
        NameObject("/P"): NumberObject(DOCMDP_AFTER_SIGNING),
    })


def _signature_field(writer: PdfWriter, page, name: str, box) -> None:
    from pypdf.generic import DictionaryObject, FloatObject, NumberObject, TextStringObject

    appearance = _empty_appearance(box[2] - box[0], box[3] - box[1])
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject(name),
        NameObject("/F"): NumberObject(4),  # Print: PDF/A requires printable annotations
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in box]),
        NameObject("/P"): page.indirect_reference,
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        NameObject("/Lock"): writer._add_object(field_lock(name)),
    })
    _attach_field(writer, page, widget)


def _empty_appearance(width: float, height: float) -> StreamObject:
    """An empty form XObject: until filled or signed, a field shows the page beneath it."""
    from pypdf.generic import DictionaryObject, FloatObject

    appearance = StreamObject()
    appearance._data = b""
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(width), FloatObject(height)]),
        NameObject("/Resources"): DictionaryObject(),
    })
    return appearance


def _attach_field(writer: PdfWriter, page, widget) -> DictionaryObject:
    """Add *widget* to the page's annotations and to the document's form; returns the form dictionary."""
    from pypdf.generic import DictionaryObject, NumberObject

    reference = writer._add_object(widget)
    annotations = page.get("/Annots")
    if annotations is None:
        page[NameObject("/Annots")] = ArrayObject([reference])
    else:
        annotations.get_object().append(reference)
    form = writer._root_object.get("/AcroForm")
    if form is None:
        form = DictionaryObject({NameObject("/Fields"): ArrayObject(), NameObject("/SigFlags"): NumberObject(0)})
        writer._root_object[NameObject("/AcroForm")] = writer._add_object(form)
    form = form.get_object()
    form["/Fields"].append(reference)
    return form


def _add_issue_fields(writer: PdfWriter, blanks: list[Blank]) -> None:
    """Empty text fields over the blanks; no border, no background: until issue the page shows its blanks.

    Read-only for viewers (only the body's signature fills them); /DA names the page's own embedded font, so a
    viewer that redraws a field uses the face and size of the printed line.
    """
    from pypdf.generic import DictionaryObject, FloatObject, NumberObject, TextStringObject

    if not blanks:
        return
    page = writer.pages[0]
    fonts = page["/Resources"].get_object().get("/Font", DictionaryObject()).get_object()
    for blank in blanks:
        font_ref = next((ref for ref in fonts.values()
                         if ref.get_object().get("/BaseFont") == blank.font.get("/BaseFont")), None)
        font_name = f"{FIELD_FONT}{'I' if blank.italic else 'R'}"
        box, align = blank.box, 2 if blank.align == "right" else 1
        tail = _take_tail(page, blank) if blank.line and font_ref is not None else None
        if blank.line and blank.name == NUMBER_FIELD:
            align = 0 if tail else 2   # the field draws the rest of the line from "Số:" on; else the blank only
        if tail:
            _, size, start, array = tail
            drawn, room = _tail_width(font_ref.get_object(), size, array), NUMBER_ROOM_DIGITS * 0.5 * size
            if blank.name == NUMBER_FIELD:   # "Số:" stays on the page: the number and ký hiệu start after it
                align, left, right = 0, box[0], start + drawn + room
            else:                            # the whole date line, centred on the axis of the printed one
                align, left, right = 1, start - room, start + drawn + room
            box = (round(left, 2), box[1], round(right, 2), box[3])
        appearance = _empty_appearance(round(box[2] - box[0], 2), round(box[3] - box[1], 2))
        if tail:   # until issue the field draws what the page drew: "      /KH-UBND", same glyphs, same place
            appearance._data = b"/Tx BMC q BT /%s %g Tf %g %g Td %s TJ ET Q EMC" % (
                font_name.encode(), size, round(start - box[0], 3), blank.baseline, _serialise(array))
            appearance[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
                {NameObject(f"/{font_name}"): font_ref})})
        description = {NUMBER_FIELD: "Số văn bản", DAY_FIELD: "Ngày ban hành", MONTH_FIELD: "Tháng ban hành"}
        widget = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(blank.name),
            NameObject("/TU"): TextStringObject(f"{description[blank.name]} (văn thư điền khi ký số của cơ quan)"),
            NameObject("/Ff"): NumberObject(1),   # read-only: filled by the body's signature, not typed
            NameObject("/F"): NumberObject(4),    # Print: PDF/A requires printable annotations
            NameObject("/Q"): NumberObject(align),
            NameObject("/DA"): TextStringObject(f"/{font_name} {blank.size:g} Tf 0 g"),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in box]),
            NameObject("/P"): page.indirect_reference,
            NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
        })
        form = _attach_field(writer, page, widget)
        if font_ref is not None:
            resources = form.setdefault(NameObject("/DR"), DictionaryObject())
            font_dict = resources.setdefault(NameObject("/Font"), DictionaryObject())
            font_dict[NameObject(f"/{font_name}")] = font_ref


def _serialise(array) -> bytes:
    out = io.BytesIO()
    array.write_to_stream(out)
    return out.getvalue()


def _add_signature_fields(writer: PdfWriter, boxes: FieldBoxes) -> None:
    page = writer.pages[boxes.page]
    _signature_field(writer, page, SIGNER_FIELD, boxes.signer)
    _signature_field(writer, page, ORGAN_FIELD, boxes.organ)
