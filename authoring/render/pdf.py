"""Finishing a LibreOffice PDF/A: ND30 metadata (Info and XMP), signature fields on the signer's block, checks."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ByteStringObject, NameObject, StreamObject

from ..errors import KehoachError
from .metrics import text_width_pt

ND30_NS = "http://kehoach.vn/ns/nd30/1.0/"
CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

# ND30 Phụ lục VI fields of an outgoing document, as (XMP/Info name, Vietnamese description).
ND30_FIELDS = [
    ("TypeName", "Tên loại văn bản"),
    ("CodeNumber", "Số của văn bản"),
    ("CodeNotation", "Ký hiệu của văn bản"),
    ("IssuedDate", "Ngày, tháng, năm ban hành"),
    ("OrganName", "Tên cơ quan, tổ chức ban hành"),
    ("Subject", "Trích yếu nội dung"),
    ("SignerPosition", "Chức vụ của người ký"),
    ("SignerFullName", "Họ và tên người ký"),
]

SIGNER_FIELD = "ChuKyNguoiKy"       # the person's signature (ô 7c)
ORGAN_FIELD = "ChuKyCoQuan"         # the issuing body's signature, over the left third of it (ô 8)


@dataclass
class PdfMeta:
    """What the PDF says about itself: document information, XMP, and the signer to place fields for."""

    title: str
    author: str
    subject: str
    keywords: str
    stamp: datetime
    nd30: dict[str, str] = field(default_factory=dict)
    signer_name: str | None = None
    signer_last_line: str | None = None


def nd30_values(plan) -> dict[str, str]:
    """ND30 Phụ lục VI metadata from a plan; number and date stay empty until issue."""
    doc = plan.document
    signature = plan.signature
    return {
        "TypeName": doc.type,
        "CodeNumber": f"{doc.number:02d}" if doc.number else "",
        "CodeNotation": doc.symbol,
        "IssuedDate": doc.date.iso() if doc.date.is_complete else "",
        "OrganName": doc.issuer.name,
        "Subject": doc.title,
        "SignerPosition": " ".join(signature.authority + signature.positions) if signature else "",
        "SignerFullName": signature.name if signature else "",
    }


def custom_properties_xml(values: dict[str, str]) -> bytes:
    """docProps/custom.xml carrying the ND30 fields, so `kehoach pdf FILE.docx` can read them back."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escape(values.get(name, ''))}</vt:lpwstr></property>"
        for pid, (name, _) in enumerate(ND30_FIELDS, start=2)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}">{props}</Properties>').encode("utf-8")


def meta_from_docx(path: Path) -> PdfMeta:
    """Read title, author, dates and the ND30 fields from a DOCX (ours or another)."""
    from lxml import etree

    from ..ooxml.safety import embedded_part, open_docx, safe_xml_parser

    document = open_docx(path, "P100")
    core = document.core_properties
    nd30: dict[str, str] = {}
    custom = embedded_part(path, "docProps/custom.xml", "P100")
    if custom is not None:
        root = etree.fromstring(custom, safe_xml_parser())
        for prop in root.findall(f"{{{CUSTOM_PROPS_NS}}}property"):
            value = prop.find(f"{{{VT_NS}}}lpwstr")
            nd30[prop.get("name")] = value.text or "" if value is not None else ""
    stamp = core.created or datetime(2000, 1, 1)
    closing = document.tables[-1] if document.tables else None
    signer_name = signer_last = None
    if closing is not None and len(closing.rows[0].cells) > 1:
        lines = [p.text.strip() for p in closing.cell(0, 1).paragraphs if p.text.strip()]
        if len(lines) >= 2:
            signer_name, signer_last = lines[-1], lines[-2]
    return PdfMeta(title=core.title or path.stem, author=core.author or "", subject=core.subject or "",
                   keywords=core.keywords or "", stamp=stamp.replace(tzinfo=None), nd30=nd30,
                   signer_name=nd30.get("SignerFullName") or signer_name, signer_last_line=signer_last)


def _pdf_date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%S+07'00'")


def _xmp(meta: PdfMeta, producer: str) -> bytes:
    """An XMP packet for PDF/A-2b, with a PDF/A extension schema declaring the ND30 properties."""
    iso = meta.stamp.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    schema_props = "".join(
        f"<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(description)}</pdfaProperty:description></rdf:li>"
        for name, description in ND30_FIELDS
    )
    nd30_values_xml = "".join(f"<nd30:{name}>{escape(meta.nd30.get(name, ''))}</nd30:{name}>" for name, _ in ND30_FIELDS)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>vi-VN</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{escape(producer)}</pdf:Producer>
   <pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>kehoach</xmp:CreatorTool>
   <xmp:CreateDate>{iso}</xmp:CreateDate>
   <xmp:ModifyDate>{iso}</xmp:ModifyDate>
   <xmp:MetadataDate>{iso}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
      xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>Nghị định 30/2020/NĐ-CP, Phụ lục VI: thông tin văn bản đi</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{ND30_NS}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>nd30</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq>{schema_props}</rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:nd30="{ND30_NS}">
   {nd30_values_xml}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


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
        seal = min(113.0, max(60.0, top - bottom + 20))  # a seal is about 35-40 mm across
        seal_right = signer[0] + width / 3
        middle = (bottom + top) / 2
        organ = (seal_right - seal, middle - seal / 2, seal_right, middle + seal / 2)
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


# --- checks ---------------------------------------------------------------------

def pdfa_problems(data: bytes) -> list[str]:
    """Structural PDF/A-2b checks kehoach can make with pypdf (not a full veraPDF validation)."""
    problems: list[str] = []
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return ["tệp PDF bị mã hóa (PDF/A không cho phép)"]
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    part = _xmp_value(xmp, PDFAID_NS, "part")
    conformance = _xmp_value(xmp, PDFAID_NS, "conformance")
    if not part or not part.isdigit() or int(part) < 2 or conformance not in ("A", "B", "U"):
        problems.append("thiếu khai báo PDF/A-2 (pdfaid) trong XMP")
    intents = root.get("/OutputIntents")
    if not intents or not any(i.get_object().get("/S") == "/GTS_PDFA1" and i.get_object().get("/DestOutputProfile")
                              for i in intents):
        problems.append("thiếu OutputIntent GTS_PDFA1 có hồ sơ màu")
    if "/ID" not in reader.trailer:
        problems.append("thiếu mã nhận dạng tệp (/ID)")
    info = reader.metadata or {}
    for key, ns, name in (("/Producer", PDF_NS, "Producer"), ("/Keywords", PDF_NS, "Keywords")):
        if key in info and _xmp_value(xmp, ns, name) != str(info[key]):
            problems.append(f"{key[1:]} trong Info và trong XMP khác nhau")
    if "/Title" in info and str(info["/Title"]) not in _xmp_texts(xmp, DC_NS, "title"):
        problems.append("tiêu đề trong Info và trong XMP khác nhau")
    for number, page in enumerate(reader.pages, 1):
        for font in _fonts_of(page):
            if not font["embedded"]:
                problems.append(f"trang {number}: phông {font['name']} không được nhúng")
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if annotation.get("/Subtype") in ("/Popup", "/Link"):
                continue
            flags = int(annotation.get("/F", 0))
            if not flags & 4:
                problems.append(f"trang {number}: chú thích {annotation.get('/T', '')} thiếu cờ in (Print)")
            rect = [float(v) for v in annotation.get("/Rect", [0, 0, 0, 0])]
            if rect[2] > rect[0] and rect[3] > rect[1] and "/AP" not in annotation:
                problems.append(f"trang {number}: chú thích {annotation.get('/T', '')} thiếu hình hiển thị (/AP)")
    return problems


PDFAID_NS = "http://www.aiim.org/pdfa/ns/id/"
PDF_NS = "http://ns.adobe.com/pdf/1.3/"
DC_NS = "http://purl.org/dc/elements/1.1/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _descriptions(xmp: bytes):
    from lxml import etree

    try:
        root = etree.fromstring(xmp.strip().removeprefix(b"\xef\xbb\xbf"))
    except etree.XMLSyntaxError:
        return []
    return root.iter(f"{{{RDF_NS}}}Description")


def _xmp_value(xmp: bytes, ns: str, name: str) -> str | None:
    """A simple XMP property, written either as an element or as an attribute."""
    for description in _descriptions(xmp):
        if description.get(f"{{{ns}}}{name}") is not None:
            return description.get(f"{{{ns}}}{name}")
        element = description.find(f"{{{ns}}}{name}")
        if element is not None:
            return (element.text or "").strip()
    return None


def _xmp_texts(xmp: bytes, ns: str, name: str) -> list[str]:
    """The texts of an XMP array property (rdf:Alt / rdf:Seq / rdf:Bag)."""
    out = []
    for description in _descriptions(xmp):
        element = description.find(f"{{{ns}}}{name}")
        if element is not None:
            out += [(li.text or "") for li in element.iter(f"{{{RDF_NS}}}li")]
    return out


def _fonts_of(page) -> list[dict]:
    found = []
    seen = set()

    def walk(resources):
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            key = id(font)
            if key in seen:
                continue
            seen.add(key)
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append({"name": str(font.get("/BaseFont", "?")), "embedded": embedded})
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                walk(xobject.get("/Resources"))

    walk(page.get("/Resources"))
    for annotation in page.get("/Annots", []) or []:
        appearance = annotation.get_object().get("/AP")
        if appearance is not None and appearance.get("/N") is not None:
            normal = appearance["/N"].get_object()
            if hasattr(normal, "get") and normal.get("/Resources") is not None:
                walk(normal.get("/Resources"))
    return found


def require_pdfa(data: bytes, name: str) -> None:
    problems = pdfa_problems(data)
    if problems:
        raise KehoachError(f"{name} chưa đạt PDF/A: " + "; ".join(problems),
                           "Kiểm tra bản LibreOffice (cần ≥ 7.4) và phông Liberation đã cài (bash scripts/setup.sh).")
