"""Structural edits of a plan's round-trip tree: blocks moved, indented, added, removed; items added."""

from __future__ import annotations

import re

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from . import core
from ..loading.edit import get_in, insert_key

Path_ = tuple


class OpError(Exception):
    """An edit that does not apply here; the message is shown to the user."""


def _ids(tree) -> set:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("id"), str):
                found.add(node["id"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


def new_id(tree, prefix: str) -> str:
    """A fresh stable id ('ct-3'): the page never asks the author to invent one."""
    taken = _ids(tree)
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


def _container(tree, path: Path_) -> tuple[CommentedSeq, int]:
    if not path or not isinstance(path[-1], int):
        raise OpError("không xác định được mục cần sửa")
    seq = get_in(tree, path[:-1])
    if not isinstance(seq, list) or path[-1] >= len(seq):
        raise OpError("mục này không còn (có thể đã bị sửa ở cửa sổ khác)")
    return seq, path[-1]


def _blank_block(label: str = "-") -> CommentedMap:
    return CommentedMap([("label", label), ("text", "(nội dung mới)")])


def _next_label(label) -> str:
    """The label after this one: 2. after 1., b) after a), III. after II., '-' after '-'."""
    if not isinstance(label, str):
        return "-"
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
    match = re.fullmatch(r"([IVX]+)\.", label)
    if match and match.group(1) in romans[:-1]:
        return romans[romans.index(match.group(1)) + 1] + "."
    match = re.fullmatch(r"(\d+(?:\.\d+)*?)(\d+)\.", label)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}."
    match = re.fullmatch(r"([a-zđ])\)", label)
    if match and match.group(1) != "z":
        return chr(ord(match.group(1)) + 1) + ")"
    return label if label in ("-", "+", "*") else "-"


def _ensure_list(node: CommentedMap, owner: Path_, key: str) -> CommentedSeq:
    if not isinstance(node.get(key), list):
        insert_key(node, owner, key, CommentedSeq()) if key not in node else node.__setitem__(key, CommentedSeq())
    return node[key]


def apply(tree, op: str, path: Path_) -> str:
    """Apply *op* at *path*; returns a short Vietnamese note for the version list."""
    if op == "up":
        seq, i = _container(tree, path)
        if i == 0:
            raise OpError("mục đã ở trên cùng")
        seq.insert(i - 1, seq.pop(i))
        return "Chuyển mục lên"
    if op == "down":
        seq, i = _container(tree, path)
        if i + 1 >= len(seq):
            raise OpError("mục đã ở dưới cùng")
        seq.insert(i + 1, seq.pop(i))
        return "Chuyển mục xuống"
    if op == "indent":
        seq, i = _container(tree, path)
        if i == 0:
            raise OpError("mục đầu tiên không có mục nào phía trên để làm mục cha")
        block = seq.pop(i)
        _ensure_list(seq[i - 1], path[:-1] + (i - 1,), "blocks").append(block)
        return "Thụt mục vào"
    if op == "outdent":
        if len(path) < 4 or path[-2] != "blocks":
            raise OpError("mục lớn nhất không lùi ra được nữa")
        seq, i = _container(tree, path)
        block = seq.pop(i)
        parent_seq, parent_index = _container(tree, path[:-2])
        parent_seq.insert(parent_index + 1, block)
        if not seq:
            del get_in(tree, path[:-2])["blocks"]
        return "Lùi mục ra"
    if op == "add_after":
        seq, i = _container(tree, path)
        seq.insert(i + 1, _blank_block(_next_label(seq[i].get("label") if isinstance(seq[i], dict) else None)))
        return "Thêm mục"
    if op == "add_child":
        block = get_in(tree, path)
        children = _ensure_list(block, path, "blocks")
        last = children[-1].get("label") if children and isinstance(children[-1], dict) else None
        children.append(_blank_block(_next_label(last) if last else "-"))
        return "Thêm mục con"
    if op == "add_duty":
        block = get_in(tree, path)
        children = _ensure_list(block, path, "blocks")
        children.append(CommentedMap([("id", new_id(tree, "nv")), ("label", "-"), ("text", "(nhiệm vụ mới)")]))
        return "Thêm nhiệm vụ của cơ quan"
    if op == "add_target":
        block = get_in(tree, path)
        _ensure_list(block, path, "targets").append(
            CommentedMap([("id", new_id(tree, "ct")), ("comparator", "at_least")]))
        return "Thêm chỉ tiêu"
    if op == "add_task":
        block = get_in(tree, path)
        if "id" not in block:
            block.insert(0, "id", new_id(tree, "nv"))
        insert_key(block, path, "task", CommentedMap([("lead", CommentedSeq())]))
        return "Thêm dữ liệu nhiệm vụ"
    if op == "add_agency":
        insert_key(get_in(tree, path), path, "agency", CommentedSeq())
        return "Giao mục cho cơ quan"
    if op == "add_reporting":
        block = get_in(tree, path)
        _ensure_list(block, path, "reporting").append(CommentedMap(
            [("id", new_id(tree, "bc")), ("from", CommentedSeq()), ("to", CommentedSeq()), ("period", "nam")]))
        return "Thêm chế độ báo cáo"
    if op == "add_budget":
        insert_key(get_in(tree, path), path, "budget", CommentedMap([("sources", CommentedSeq(["ngan_sach_nha_nuoc"]))]))
        return "Thêm kinh phí"
    if op == "add_footnote":
        notes = get_in(tree, ("footnotes",))
        if not isinstance(notes, dict):
            notes = CommentedMap()
            insert_key(tree, (), "footnotes", notes)
            notes = tree["footnotes"]
        n = 1
        while str(n) in notes or n in notes:
            n += 1
        notes[str(n)] = "(nội dung chú thích)"
        return "Thêm chú thích"
    if op == "remove":
        owner = get_in(tree, path[:-1])
        if not isinstance(owner, dict) or path[-1] not in owner:
            raise OpError("không có gì để bỏ")
        del owner[path[-1]]
        return "Bỏ dữ liệu"
    if op == "delete":
        seq, i = _container(tree, path)
        del seq[i]
        return "Xóa"
    if op == "append":
        seq = get_in(tree, path)
        if seq is None:
            seq = _ensure_list(get_in(tree, path[:-1]), path[:-1], path[-1])
        key = path[-1]
        if key in ("sections", "preamble", "closing", "blocks"):
            last = seq[-1].get("label") if seq and isinstance(seq[-1], dict) else None
            label = _next_label(last) if last else ("I." if key == "sections" else "-")
            item = _blank_block(label) if key != "preamble" else CommentedMap([("text", "(đoạn mới)")])
        elif key == "targets":
            item = CommentedMap([("id", new_id(tree, "ct")), ("comparator", "at_least")])
        elif key == "reporting":
            item = CommentedMap([("id", new_id(tree, "bc")), ("from", CommentedSeq()), ("to", CommentedSeq()), ("period", "nam")])
        elif key == "bases":
            item = CommentedMap([("verb", "Căn cứ"), ("type", "Luật")])
        elif key == "references":
            item = CommentedMap([("type", "Luật")])
        elif key == "recipients":
            item = CommentedMap([("name", "(nơi nhận)")])
        elif key == "lines":
            item = CommentedMap([("name", "(khoản)"), ("amount", 0)])
        else:
            raise OpError("không thêm được ở đây")
        seq.append(item)
        return "Thêm " + {"targets": "chỉ tiêu", "reporting": "chế độ báo cáo", "bases": "căn cứ",
                          "references": "văn bản dẫn chiếu",
                          "recipients": "nơi nhận", "lines": "khoản kinh phí"}.get(key, "mục")
    raise OpError("thao tác không có")


def fill_citation(tree, path: Path_, document) -> None:
    """Fill a legal basis from the citation registry entry the author picked."""
    node = get_in(tree, path)
    if not isinstance(node, dict):
        raise OpError("không tìm thấy căn cứ cần điền")
    values = {"type": document.type, "code": document.code, "date": core.DateText(document.date.iso()) if document.date else None,
              "issuer": document.issuer, "title": document.title, "registry": document.id}
    for key, value in values.items():
        if value is None:
            node.pop(key, None)
        elif key in node:
            node[key] = value
        else:
            insert_key(node, path, key, value)
