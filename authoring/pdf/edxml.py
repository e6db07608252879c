"""The edXML envelope of an issued plan (QĐ 28/2018/QĐ-TTg, QCVN 102:2016/BTTTT), with its PDF attached.

`build_edxml` writes it, `read_edxml` reads one back, `edxml_problems` checks it against schema/edxml.xsd.
Same plan and same PDF give the same bytes: the DocumentId is a UUID derived from the content, and nothing carries
the time of the export.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import nd30
from ..errors import InputError
from ..findings import Finding, Severity
from ..paths import SCHEMA_DIR

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
EDXML_XSD = SCHEMA_DIR / "edxml.xsd"
# UUIDs of kehoach's envelopes are name-based (uuid5) in this namespace, from the plan's fields and the PDF's bytes.
DOCUMENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://kehoach.vn/edxml/document-id")
ADMINISTRATIVE = 1        # DocumentType/Type: 1 văn bản hành chính, 2 văn bản quy phạm pháp luật
PRIORITY_NORMAL = 0       # OtherInfo/Priority: 0 thường (no urgency stamp)


@dataclass
class Organ:
    name: str
    organ_id: str | None = None
    organ_id_status: str | None = None   # "confirmed", "unconfirmed" — from the registry; never written to edXML


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes
    content_id: str = ""


@dataclass
class EdxmlDocument:
    """The fields of an edXML envelope kehoach writes and reads (dates as ISO YYYY-MM-DD)."""

    sender: Organ
    recipients: list[Organ]
    code_number: str
    code_notation: str
    place: str
    date: str | None
    type_name: str
    subject: str
    competence: str
    position: str
    full_name: str
    page_amount: int
    priority: int = PRIORITY_NORMAL
    due_date: str | None = None
    appendixes: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    document_id: str = ""

    def identity(self) -> str:
        """DocumentId: a UUID from the fields and attachments, so the same input gives the same envelope."""
        digest = hashlib.sha256()
        for value in (self.sender.organ_id or "", self.sender.name, self.code_number, self.code_notation,
                      self.date or "", self.type_name, self.subject, self.full_name):
            digest.update(value.encode("utf-8") + b"\0")
        for attachment in self.attachments:
            digest.update(attachment.name.encode("utf-8") + b"\0" + hashlib.sha256(attachment.data).digest())
        return str(uuid.uuid5(DOCUMENT_ID_NAMESPACE, digest.hexdigest()))


def _iso_to_vn(iso: str | None) -> str | None:
    if not iso:
        return None
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def _vn_to_iso(text: str | None) -> str | None:
    if not text:
        return None
    day, month, year = text.split("/")
    return f"{year}-{month}-{day}"


def from_plan(loaded, pdf: bytes, pdf_name: str) -> EdxmlDocument:
    """The envelope's fields from a loaded plan (registry for the agency identifiers) and its PDF."""
    from pypdf import PdfReader

    from ..model.issuing import is_issued
    from ..model.plan import strip_footnote_marks
    from ..render.plain import strip_emphasis
    from ..render.properties import organ_identifier

    plan = loaded.plan
    doc = plan.document
    signature = plan.signature
    sender_id = organ_identifier(loaded)
    recipients = []
    for recipient in plan.recipients:
        name = strip_emphasis(strip_footnote_marks(recipient.name))
        found = organ_identifier(loaded, name)
        recipients.append(Organ(name, found[0] if found else None, found[1] if found else None))
    try:
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # pypdf raises several kinds (PdfStreamError, PdfReadError, ValueError) for a file not a PDF
        raise InputError(f"Không đọc được {pdf_name}.", [Finding(
            "K101", Severity.ERROR, "tệp không phải PDF đọc được", pdf_name,
            suggestion="Đính kèm bản PDF do kehoach tạo (kehoach pdf …), hoặc bản đã ký số của văn bản.")]) from None
    authority = list(signature.authority) if signature else []
    positions = list(signature.positions) if signature else []
    competence = " ".join(authority + positions[:-1])
    appendixes = [plan.annex.title] if plan.annex is not None else []
    envelope = EdxmlDocument(
        sender=Organ(doc.issuer.name, sender_id[0] if sender_id else None, sender_id[1] if sender_id else None),
        recipients=recipients or [Organ(doc.issuer.name)],
        code_number=nd30.number_text(doc.number if is_issued(plan) else None).strip(),   # as the document prints it
        code_notation=doc.symbol,
        place=doc.place or doc.province or "",
        date=doc.date.iso() if doc.date.is_complete else None,
        type_name=doc.type,
        subject=strip_emphasis(strip_footnote_marks(doc.title)),
        competence=competence,
        position=positions[-1] if positions else "",
        full_name=signature.name if signature else "",
        page_amount=pages,
        appendixes=appendixes,
        attachments=[Attachment(pdf_name, "application/pdf", pdf, "")],
    )
    for index, attachment in enumerate(envelope.attachments, 1):
        attachment.content_id = f"{index:03d}"
    envelope.document_id = envelope.identity()
    return envelope


def _sub(parent, name: str, text: str | int | None = None):
    element = etree.SubElement(parent, f"{{{EDXML_NS}}}{name}")
    if text is not None:
        element.text = str(text)
    return element


def _organ(parent, name: str, organ: Organ) -> None:
    element = _sub(parent, name)
    if organ.organ_id:
        _sub(element, "OrganId", organ.organ_id)
    _sub(element, "OrganName", organ.name)


def build_edxml(envelope: EdxmlDocument) -> bytes:
    """The envelope as bytes (UTF-8, indented); attachments base64 in 76-character lines."""
    root = etree.Element(f"{{{EDXML_NS}}}edXML", nsmap={"edXML": EDXML_NS})
    body_envelope = _sub(root, "edXMLEnvelope")
    header = _sub(_sub(body_envelope, "edXMLHeader"), "MessageHeader")
    _organ(header, "From", envelope.sender)
    for recipient in envelope.recipients:
        _organ(header, "To", recipient)
    _sub(header, "DocumentId", envelope.document_id or envelope.identity())
    code = _sub(header, "Code")
    _sub(code, "CodeNumber", envelope.code_number)
    _sub(code, "CodeNotation", envelope.code_notation)
    promulgation = _sub(header, "PromulgationInfo")
    _sub(promulgation, "Place", envelope.place)
    if envelope.date:
        _sub(promulgation, "PromulgationDate", _iso_to_vn(envelope.date))
    doc_type = _sub(header, "DocumentType")
    _sub(doc_type, "Type", ADMINISTRATIVE)
    _sub(doc_type, "TypeName", envelope.type_name)
    _sub(header, "Subject", envelope.subject)
    signer = _sub(header, "SignerInfo")
    _sub(signer, "Competence", envelope.competence)
    _sub(signer, "Position", envelope.position)
    _sub(signer, "FullName", envelope.full_name)
    if envelope.due_date:
        _sub(header, "DueDate", _iso_to_vn(envelope.due_date))
    other = _sub(header, "OtherInfo")
    _sub(other, "Priority", envelope.priority)
    _sub(other, "PageAmount", envelope.page_amount)
    if envelope.appendixes:
        appendixes = _sub(other, "Appendixes")
        for appendix in envelope.appendixes:
            _sub(appendixes, "Appendix", appendix)
    manifest = _sub(_sub(body_envelope, "edXMLBody"), "edXMLManifest")
    for attachment in envelope.attachments:
        reference = _sub(manifest, "Reference")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "AttachmentName", attachment.name)
    encoded = _sub(root, "AttachmentEncoded")
    for attachment in envelope.attachments:
        item = _sub(encoded, "Attachment")
        _sub(item, "ContentId", attachment.content_id)
        _sub(item, "AttachmentName", attachment.name)
        _sub(item, "ContentType", attachment.content_type)
        _sub(item, "ContentTransferEncoding", "base64")
        _sub(item, "ContentTransferEncoded", base64.encodebytes(attachment.data).decode("ascii"))
    etree.indent(root, space=" ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _parse(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    return etree.fromstring(data, parser)


def edxml_problems(data: bytes) -> list[str]:
    """What keeps *data* from validating against schema/edxml.xsd, in words (empty: valid)."""
    schema = etree.XMLSchema(etree.parse(str(EDXML_XSD)))
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as exc:
        return [f"không phải XML hợp lệ (hỏng từ dòng {exc.position[0]}, cột {exc.position[1]})"]
    if schema.validate(root):
        return []
    return [f"dòng {error.line}: {_schema_error_vi(error)}" for error in schema.error_log]


def _schema_error_vi(error) -> str:
    """lxml's English schema complaint as Vietnamese: which element, and whether it is missing, extra or wrong."""
    import re

    names = re.findall(r"'\{?[^'}]*\}?([^'{}]+)'", error.message)
    element = names[0] if names else error.path.rsplit("/", 1)[-1]
    if "Missing child element" in error.message:
        return f"phần tử {element} thiếu phần tử con bắt buộc theo lược đồ edXML"
    if "not expected" in error.message:
        return f"phần tử {element} không được phép ở vị trí này theo lược đồ edXML"
    return f"giá trị của phần tử {element} không đúng kiểu theo lược đồ edXML"


def read_edxml(data: bytes) -> EdxmlDocument:
    """An envelope written by build_edxml (or any that follows schema/edxml.xsd) back into its fields."""
    root = _parse(data)
    ns = {"e": EDXML_NS}

    def text(node, path: str) -> str | None:
        found = node.find(path, ns)
        return found.text if found is not None and found.text is not None else (None if found is None else "")

    header = root.find("e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader", ns)

    def organ(node) -> Organ:
        return Organ(text(node, "e:OrganName") or "", text(node, "e:OrganId"))

    attachments = []
    for item in root.findall("e:AttachmentEncoded/e:Attachment", ns):
        attachments.append(Attachment(text(item, "e:AttachmentName") or "", text(item, "e:ContentType") or "",
                                      base64.b64decode(text(item, "e:ContentTransferEncoded") or ""),
                                      text(item, "e:ContentId") or ""))
    return EdxmlDocument(
        sender=organ(header.find("e:From", ns)),
        recipients=[organ(node) for node in header.findall("e:To", ns)],
        code_number=text(header, "e:Code/e:CodeNumber") or "",
        code_notation=text(header, "e:Code/e:CodeNotation") or "",
        place=text(header, "e:PromulgationInfo/e:Place") or "",
        date=_vn_to_iso(text(header, "e:PromulgationInfo/e:PromulgationDate")),
        type_name=text(header, "e:DocumentType/e:TypeName") or "",
        subject=text(header, "e:Subject") or "",
        competence=text(header, "e:SignerInfo/e:Competence") or "",
        position=text(header, "e:SignerInfo/e:Position") or "",
        full_name=text(header, "e:SignerInfo/e:FullName") or "",
        page_amount=int(text(header, "e:OtherInfo/e:PageAmount") or 0),
        priority=int(text(header, "e:OtherInfo/e:Priority") or 0),
        due_date=_vn_to_iso(text(header, "e:DueDate")),
        appendixes=[a.text or "" for a in header.findall("e:OtherInfo/e:Appendixes/e:Appendix", ns)],
        attachments=attachments,
        document_id=text(header, "e:DocumentId") or "",
    )


def write_edxml(loaded, pdf_path: Path) -> tuple[bytes, EdxmlDocument]:
    pdf = Path(pdf_path).read_bytes()
    envelope = from_plan(loaded, pdf, Path(pdf_path).name)
    return build_edxml(envelope), envelope
