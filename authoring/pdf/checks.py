"""Structural PDF/A-2b checks kehoach can make with pypdf (not a full veraPDF validation)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from ..errors import KehoachError

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
