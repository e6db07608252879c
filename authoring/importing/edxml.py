"""An edXML package as the exchange axis delivers it (QCVN 102:2016): header metadata trusted over the attached page."""

from __future__ import annotations

import base64
import binascii
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from .. import limits, nd30
from ..errors import InputError
from ..findings import Finding, Severity
from ..text import match_key, nfc

_FIX = "Xin cơ quan gửi gửi lại gói tin, hoặc nhập tệp PDF/Word đính kèm của văn bản."
# The attachment is read from a file kehoach names itself: the envelope's AttachmentName is never a path.
_READABLE = {"application/pdf": ".pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
_VN_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _refuse(path: Path, message: str, fix: str = _FIX) -> InputError:
    return InputError(f"Không nhập được {path}: {message}.", [Finding("M109", Severity.ERROR, message, str(path),
                                                                     suggestion=fix)])


def _parse(path: Path):
    from lxml import etree

    from ..fileio import read_bounded

    data = read_bounded(path, limits.MAX_EDXML_BYTES)   # bounded even while the file still grows
    if len(data) > limits.MAX_EDXML_BYTES:
        raise _refuse(path, f"gói tin lớn hơn {limits.MAX_EDXML_BYTES // (1024 * 1024)} MB kehoach đọc",
                      "Nhập riêng tệp PDF đính kèm của văn bản.")
    # No DTD at all: entities (billion laughs, external files, network) can only come from one.
    if re.search(rb"<!\s*(?:DOCTYPE|ENTITY)", data[:65536], re.I) or b"<!ENTITY" in data:
        raise _refuse(path, "gói tin có khai báo DOCTYPE/ENTITY, gói tin edXML không bao giờ có; kehoach không đọc")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else "?"
        raise _refuse(path, f"gói tin không phải XML đọc được (hỏng từ dòng {line})") from None
    if etree.QName(root).localname != "edXML":
        raise _refuse(path, f"phần tử gốc là <{etree.QName(root).localname}>, không phải <edXML>")
    return root


def _text(node, path: str) -> str:
    found = node.find(path) if node is not None else None
    return nfc((found.text or "").strip()) if found is not None else ""


def _header(root) -> dict:
    """The envelope's facts (wildcard namespaces: senders write the QCVN 102 namespace with or without a prefix)."""
    header = root.find("{*}edXMLEnvelope/{*}edXMLHeader/{*}MessageHeader")
    date = _VN_DATE.match(_text(header, "{*}PromulgationInfo/{*}PromulgationDate"))
    iso = None
    if date:
        day, month, year = (int(g) for g in date.groups())
        if 1 <= day <= 31 and 1 <= month <= 12 and 1900 <= year <= 2200:
            iso = f"{year:04d}-{month:02d}-{day:02d}"
    cap = limits.MAX_EDXML_FIELD_CHARS
    return {
        "sender": _text(header, "{*}From/{*}OrganName")[:cap],
        "sender_id": _text(header, "{*}From/{*}OrganId")[:cap],
        "number": _text(header, "{*}Code/{*}CodeNumber")[:cap],
        "symbol": _text(header, "{*}Code/{*}CodeNotation")[:cap],
        "place": _text(header, "{*}PromulgationInfo/{*}Place")[:cap],
        "date": iso,
        "type": _text(header, "{*}DocumentType/{*}TypeName")[:cap],
        "title": _text(header, "{*}Subject")[:cap],
        "signer": _text(header, "{*}SignerInfo/{*}FullName")[:cap],
    }


def _attachment(path: Path, root) -> tuple[str, str, bytes]:
    """(name as sent, suffix kehoach reads it as, bytes) of the first attached PDF or DOCX."""
    items = root.findall("{*}AttachmentEncoded/{*}Attachment")
    for item in items[:limits.MAX_EDXML_ATTACHMENTS]:
        name = _text(item, "{*}AttachmentName")[:200]
        kind = _text(item, "{*}ContentType").lower()
        suffix = _READABLE.get(kind) or next((s for s in _READABLE.values() if name.lower().endswith(s)), None)
        if suffix is None:
            continue
        encoded = re.sub(rb"\s+", b"", (_text(item, "{*}ContentTransferEncoded")).encode("ascii", "replace"))
        try:
            return name, suffix, base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _refuse(path, f"tệp đính kèm \"{name}\" không giải mã được (base64 hỏng)") from None
    raise _refuse(path, "gói tin không có tệp đính kèm PDF hay Word (.docx) để đọc nội dung văn bản"
                  if items else "gói tin không có tệp đính kèm nào")


def _agree(page, envelope) -> bool:
    return match_key(str(page or "")).replace(" ", "") == match_key(str(envelope or "")).replace(" ", "")


def read_envelope(path: Path, read_file):
    """The Source of the attached document, its facts replaced by the envelope's where the envelope states them;
    each replacement that differs from the page is said. *read_file* reads the attachment (read_source)."""
    root = _parse(path)
    meta = _header(root)
    name, suffix, data = _attachment(path, root)
    with tempfile.TemporaryDirectory(prefix="kehoach-edxml-") as folder:
        attached = Path(folder) / f"dinh-kem{suffix}"
        attached.write_bytes(data)
        try:
            source = read_file(attached)
        except InputError as exc:   # said of the envelope and its attachment, never of a temporary file
            where = f"{path} (tệp đính kèm \"{name}\")"
            raise InputError(exc.message.replace(str(attached), where), [
                replace(f, file=where if f.file == str(attached) else f.file,
                        message=f.message.replace(str(attached), where)) for f in exc.findings]) from None
    facts = source.facts
    said = []
    for field, label in (("number", "số"), ("symbol", "ký hiệu"), ("date", "ngày ban hành"), ("place", "địa danh"),
                         ("title", "trích yếu"), ("type", "tên loại")):
        value = meta[field]
        if field == "number" and not value.isdigit():
            value = ""
        if field == "type" and value not in nd30.TYPE_ABBREVIATIONS:
            value = ""
        if not value:
            continue
        attribute = "doc_type" if field == "type" else field
        page = getattr(facts, attribute)
        if page and not _agree(page, value):
            said.append(f"{label}: trang ghi \"{page}\", gói tin ghi \"{value}\"")
        setattr(facts, attribute, value)
    if meta["sender"] and not facts.issuer:
        facts.issuer = meta["sender"]
    facts.finish()
    sender = meta["sender"] or "(gói tin không ghi)"
    if meta["sender_id"]:
        sender += f", mã định danh {meta['sender_id']}"
    notes = [f"Nhập từ gói tin edXML của {sender}, tệp đính kèm \"{name}\": số, ký hiệu, ngày, địa danh, tên loại và "
             "trích yếu lấy theo gói tin (phần đầu gói tin do hệ thống quản lý văn bản của cơ quan gửi ghi, tin cậy "
             "hơn chữ đọc từ trang)."]
    if said:
        notes.append("Gói tin và trang văn bản khác nhau, đã dùng gói tin — " + "; ".join(said)
                     + ". Kiểm tra lại với bản gốc.")
    if meta["signer"]:
        notes.append(f"Người ký theo gói tin: {meta['signer']}.")
    source.notes = notes + source.notes
    return source
