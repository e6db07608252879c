"""Hostile DOCX files: the zip directory is checked against size and ratio limits before anything is inflated."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError

MAX_PART_BYTES = 64 * 1024 * 1024        # one part, inflated: far above any real document.xml
MAX_TOTAL_BYTES = 256 * 1024 * 1024      # all parts, inflated
MAX_RATIO = 200                          # inflated / compressed; text XML compresses 5–20×, bombs 1000×+
MAX_MEMBERS = 10_000
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml")


def _refuse(path: Path, reason: str) -> InputError:
    from .reader import UnreadableDocx

    return UnreadableDocx(path, reason)


def check_package(path: Path) -> None:
    """Refuse a DOCX whose zip directory promises more than a document needs, or lacks its required parts."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(path, "tệp không phải văn bản Word (.docx) đọc được (không phải tệp nén zip)") from None
    if len(members) > MAX_MEMBERS:
        raise _refuse(path, f"tệp chứa {len(members)} thành phần, quá giới hạn {MAX_MEMBERS}")
    names = {m.filename for m in members}
    for required in REQUIRED_PARTS:
        if required not in names:
            raise _refuse(path, f"tệp thiếu thành phần bắt buộc '{required}' của văn bản Word")
    total = 0
    for member in members:
        _check_member(path, member)
        total += member.file_size
    if total > MAX_TOTAL_BYTES:
        raise _refuse(path, f"nội dung giải nén {total // 2**20} MB, quá giới hạn {MAX_TOTAL_BYTES // 2**20} MB")


def _check_member(path: Path, member: zipfile.ZipInfo) -> None:
    if member.file_size > MAX_PART_BYTES:
        raise _refuse(path, f"thành phần '{member.filename}' giải nén {member.file_size // 2**20} MB, "
                            f"quá giới hạn {MAX_PART_BYTES // 2**20} MB")
    if member.compress_size and member.file_size / member.compress_size > MAX_RATIO and member.file_size > 2**20:
        raise _refuse(path, f"thành phần '{member.filename}' nén bất thường (tỉ lệ "
                            f"{member.file_size // member.compress_size}:1), có thể là tệp độc hại")


def read_member(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    """One part's bytes, after its directory entry passed the limits."""
    member = archive.getinfo(name)
    _check_member(path, member)
    return archive.read(member)
