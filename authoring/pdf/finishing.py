"""Finishing a LibreOffice PDF/A: fixed metadata, a content-derived ID, signature fields on the signer's block."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, StreamObject

from .. import nd30
from ..render.metrics import text_width_pt
from .metadata import ND30_FIELDS, PdfMeta, _pdf_date, _xmp

SIGNER_FIELD = "ChuKyNguoiKy"       # the person's signature (ô 7c)
ORGAN_FIELD = "ChuKyCoQuan"         # the issuing body's signature, over the left third of it (ô 8)
COPY_FIELD = "ChuKyBanSao"          # the body's signature on an electronic copy or annex file (ô 14), made at signing
SEAL_FIELD_MM = 42                 # the largest seal the body's field holds at its real size
SEAL_TEXT_BAND_PT = 25.0           # under the seal: the body's name and the signing time (two lines, 8 pt at most)


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
        top = title_hit[2] - 4 if title_hit else y + 5 * size
        bottom = y + size
        width = 170.0
        signer = (centre - width / 2, bottom, centre + width / 2, top)
        # Room for a seal up to SEAL_FIELD_MM across: `sign --seal` draws the seal at its real size inside, right
        # edge on the signer's left third. The field never changes after the signer signs (that would break it).
        seal = SEAL_FIELD_MM * 72 / 25.4
        seal_right = signer[0] + width * nd30.SEAL_OVER_SIGNATURE
        middle = (bottom + top) / 2
        organ = (seal_right - seal, middle - seal / 2 - SEAL_TEXT_BAND_PT, seal_right, middle + seal / 2)
        return FieldBoxes(index, tuple(round(v, 2) for v in signer), tuple(round(v, 2) for v in organ))
    return None


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


def _signature_field(writer: PdfWriter, page, name: str, box) -> None:
    from pypdf.generic import DictionaryObject, FloatObject, NumberObject, TextStringObject

    appearance = StreamObject()
    appearance._data = b""
    appearance.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(box[2] - box[0]),
                                          FloatObject(box[3] - box[1])]),
        NameObject("/Resources"): DictionaryObject(),
    })
    widget = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Sig"), NameObject("/T"): TextStringObject(name),
        NameObject("/F"): NumberObject(4),  # Print: PDF/A requires printable annotations
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in box]),
        NameObject("/P"): page.indirect_reference,
        NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
    })
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
    form.get_object()["/Fields"].append(reference)


def _add_signature_fields(writer: PdfWriter, boxes: FieldBoxes) -> None:
    page = writer.pages[boxes.page]
    _signature_field(writer, page, SIGNER_FIELD, boxes.signer)
    _signature_field(writer, page, ORGAN_FIELD, boxes.organ)
