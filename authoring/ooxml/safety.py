"""Opening a DOCX someone else made, without trusting it.

A DOCX is a zip of XML parts. Before anything is inflated, the zip directory is checked against the limits
(number of parts, declared sizes, compression ratio); every XML part is then parsed without entity expansion,
DTD loading or network access, and a part that declares a DTD at all (no Word document does) is refused, so
"billion laughs" and external entities never reach python-docx. Every problem is an InputError with a
Vietnamese message naming the file: exit 1, never an internal error.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
import zlib
from pathlib import Path

from .. import limits
from ..errors import InputError, os_error_words
from ..findings import Finding, Severity

REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")
_XML_SUFFIXES = (".xml", ".rels")
_REPAIR = "Mở tệp bằng Word hoặc LibreOffice và lưu lại dạng .docx (Word 2007 trở lên), rồi thử lại."


def safe_xml_parser():
    """An lxml parser that never expands entities, loads a DTD, reads the network, or builds a huge tree."""
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False)


def _refuse(path: Path, message: str, code: str, suggestion: str = _REPAIR, title: str | None = None):
    raise InputError(title or f"Không đọc được {path}.",
                     [Finding(code, Severity.ERROR, message, str(path), suggestion=suggestion)])


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f} MB"


def check_directory(path: Path, archive: zipfile.ZipFile, code: str) -> None:
    """Refuse, from the zip directory alone, an archive whose parts would be too many or inflate too far."""
    members = archive.infolist()
    if len(members) > limits.MAX_DOCX_MEMBERS:
        _refuse(path, f"tệp nén có {len(members)} phần, quá {limits.MAX_DOCX_MEMBERS} phần một văn bản Word có thể có",
                code)
    total = 0
    for info in members:
        total += info.file_size
        if info.flag_bits & 0x1:
            _refuse(path, f"phần {info.filename} bị mã hóa (đặt mật khẩu)", code,
                    "Bỏ mật khẩu của tệp trong Word (Tệp → Thông tin → Bảo vệ tài liệu) rồi lưu lại.")
        if info.filename.endswith(_XML_SUFFIXES) and info.file_size > limits.MAX_XML_PART_BYTES:
            _refuse(path, f"phần {info.filename} khi giải nén lớn {_mb(info.file_size)}, quá giới hạn "
                          f"{_mb(limits.MAX_XML_PART_BYTES)} cho một phần XML", code)
        if info.file_size >= limits.RATIO_CHECK_FROM_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.MAX_COMPRESSION_RATIO:
                _refuse(path, f"phần {info.filename} nén với tỷ lệ {ratio:.0f}:1 (giải nén ra {_mb(info.file_size)}): "
                              "đây là dấu hiệu của tệp nén độc hại (bom giải nén)", code,
                        "Không mở tệp này; xin lại bản gốc từ nơi gửi.")
    if total > limits.MAX_DOCX_UNCOMPRESSED:
        _refuse(path, f"các phần của tệp giải nén ra tổng cộng {_mb(total)}, quá giới hạn "
                      f"{_mb(limits.MAX_DOCX_UNCOMPRESSED)}", code)
    names = {info.filename for info in members}
    for required in REQUIRED_PARTS:
        if required not in names:
            _refuse(path, f"thiếu phần bắt buộc {required} của văn bản Word: tệp không phải .docx hoặc đã hỏng", code)


def read_member(path: Path, archive: zipfile.ZipFile, name: str, code: str, limit: int | None = None) -> bytes:
    """One part, inflated; a corrupt part, or one larger than *limit*, is refused."""
    info = archive.getinfo(name)
    if limit is not None and info.file_size > limit:
        _refuse(path, f"phần {name} lớn {_mb(info.file_size)}, quá giới hạn {_mb(limit)}", code)
    try:
        with archive.open(info) as handle:  # reads at most the declared size, then checks the CRC
            data = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError) as exc:
        _refuse(path, f"phần {name} của tệp nén bị hỏng, không giải nén được", code)
    if len(data) > info.file_size:
        _refuse(path, f"phần {name} lớn hơn kích thước ghi trong tệp nén", code)
    return data


def check_xml(path: Path, name: str, data: bytes, code: str) -> None:
    """Refuse a part that is not well-formed XML, or that declares a DTD or entities."""
    from lxml import etree

    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _refuse(path, f"phần {name} khai báo DTD hoặc thực thể XML (<!DOCTYPE>/<!ENTITY>), điều văn bản Word không "
                      "bao giờ có; có thể là tệp cố ý làm treo chương trình (billion laughs)", code,
                "Không mở tệp này; xin lại bản gốc từ nơi gửi.")
    if not head.strip():
        _refuse(path, f"phần {name} rỗng", code)
    try:
        etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        _refuse(path, f"phần {name} không phải XML hợp lệ (hỏng từ dòng {exc.position[0]}, cột {exc.position[1]} của phần đó)", code)


def open_zip(path: Path | str, code: str = "X100") -> tuple[zipfile.ZipFile, bytes]:
    """The DOCX as a checked zip (directory and every XML part), and its bytes."""
    from ..fileio import note_read, read_bounded

    path = Path(path)
    note_read(path)
    try:
        if not path.is_file():
            path.stat()  # the system's reason (missing, a link loop) is reported below
            _refuse(path, "đây là một thư mục, không phải tệp" if path.is_dir() else "đây không phải là một tệp", code,
                    "Kiểm tra lại đường dẫn và tên tệp.")
        size = path.stat().st_size
        if size > limits.MAX_DOCX_BYTES:
            _refuse(path, f"tệp lớn {_mb(size)}, quá giới hạn {_mb(limits.MAX_DOCX_BYTES)} cho một văn bản", code,
                    "Kiểm tra có chọn nhầm tệp không; giảm kích thước ảnh trong văn bản.")
        data = read_bounded(path, limits.MAX_DOCX_BYTES)   # a file still growing stops at the limit
    except OSError as exc:
        what, fix = os_error_words(exc)
        _refuse(path, f"không đọc được tệp: {what}", code, fix)
    if len(data) > limits.MAX_DOCX_BYTES:
        _refuse(path, f"tệp lớn hơn {_mb(limits.MAX_DOCX_BYTES)}, quá giới hạn cho một văn bản (tệp vẫn đang lớn thêm "
                "trong lúc đọc)", code, "Chờ tệp được lưu xong rồi chạy lại; kiểm tra có chọn nhầm tệp không.")
    if not data:
        _refuse(path, "tệp rỗng (0 byte)", code)
    if not data.startswith(b"PK"):
        kind = "đây là tệp Word cũ (.doc), " if data.startswith(b"\xd0\xcf\x11\xe0") else (
            "đây là tệp PDF, " if data.startswith(b"%PDF") else "tệp này ")
        _refuse(path, f"{kind}không phải văn bản Word dạng .docx", code,
                "Mở tệp bằng Word hoặc LibreOffice và lưu lại dạng .docx (Word 2007 trở lên).")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # zipfile raises BadZipFile, NotImplementedError (a mangled version), ValueError, …
        _refuse(path, "tệp nén .docx bị hỏng, không mở được danh mục các phần bên trong", code)
    check_directory(path, archive, code)
    for info in archive.infolist():
        if info.filename.endswith(_XML_SUFFIXES):
            check_xml(path, info.filename, read_member(path, archive, info.filename, code), code)
    return archive, data


def open_docx(path: Path | str, code: str = "X100"):
    """A python-docx Document of *path*, after every check above; InputError (exit 1) otherwise."""
    from docx import Document

    path = Path(path)
    archive, data = open_zip(path, code)
    archive.close()
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds (KeyError, ValueError, …) for a damaged package
        _refuse(path, "văn bản Word bị hỏng, không đọc được cấu trúc các phần bên trong", code)
    _check_relationships(path, document, code)
    return document


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _check_relationships(path: Path, document, code: str) -> None:
    """Every r:id a part uses must lead to a part (python-docx resolves them lazily and fails with KeyError)."""
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is None:
            continue
        known = set(part.rels)
        for node in element.iter():
            for name, value in node.attrib.items():
                if name.startswith(_REL_NS) and value not in known:
                    _refuse(path, f"phần {str(part.partname).lstrip('/')} tham chiếu tới phần không có ({value})", code)


def embedded_part(path: Path | str, name: str, code: str = "M104") -> bytes | None:
    """An extra part (kehoach/plan.json) of a checked DOCX, size-limited; None when the file has none."""
    path = Path(path)
    archive, _ = open_zip(path, code)
    with archive:
        if name not in archive.namelist():
            return None
        return read_member(path, archive, name, code, limits.MAX_EMBEDDED_PLAN_BYTES)


def custom_xml_text(path: Path | str, namespace: str, code: str = "M104", limit: int | None = None) -> bytes | None:
    """The text of the customXml item whose root element is in *namespace* (size-limited, parsed safely); None if none.

    Word and LibreOffice keep customXml items when they save a document again, unlike a part of their own."""
    from lxml import etree

    path = Path(path)
    archive, _ = open_zip(path, code)
    with archive:
        for name in sorted(n for n in archive.namelist() if re.fullmatch(r"customXml/item\d+\.xml", n)):
            data = read_member(path, archive, name, code, limit)
            check_xml(path, name, data, code)
            root = etree.fromstring(data, safe_xml_parser())
            if etree.QName(root).namespace == namespace:
                return (root.text or "").encode("utf-8")
    return None


def _xml_where(exc) -> str:
    """The element python-docx complained about, by its WordprocessingML name (w:headerReference), not its English."""
    import re

    match = re.search(r"\{[^}]*wordprocessingml[^}]*\}(\w+)", str(exc))
    return f" ở phần tử w:{match.group(1)}" if match else ""


@contextlib.contextmanager
def damaged_document(path: Path | str, code: str = "X100"):
    """python-docx's own complaint about a required attribute or element missing becomes bad input (exit 1)."""
    from docx.oxml.exceptions import InvalidXmlError

    try:
        yield
    except InvalidXmlError as exc:
        _refuse(Path(path), f"văn bản Word có phần XML sai cấu trúc (thiếu thuộc tính hoặc phần tử bắt buộc{_xml_where(exc)})", code)
