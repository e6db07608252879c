"""`kehoach review`: confirm links to parent items by storing their current fingerprints (comments kept)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import load_plan_or_raise
from ..loading.writer import dump_tree, load_tree, write_plan_text
from ..loading.library import load_parent
from ..model.links import parent_items


def review(path: Path) -> tuple[int, list[str]]:
    """Set the fingerprint of every link whose parent item is found; returns (links confirmed, refs not found)."""
    loaded = load_plan_or_raise(path)
    items = {}
    for ref in loaded.plan.implements:
        parent = load_parent(ref, path, loaded.registry)
        if parent is not None:
            items.update({item.ref: item for item in parent_items(parent).values()})
    text = path.read_text(encoding="utf-8")
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#") and text.startswith(line))
    tree = load_tree(path)
    confirmed, missing = 0, []

    def walk(node):
        nonlocal confirmed
        if isinstance(node, CommentedMap):
            links = node.get("links")
            if isinstance(links, CommentedSeq):
                for link in links:
                    if isinstance(link, CommentedMap) and "ref" in link:
                        item = items.get(str(link["ref"]))
                        if item is None:
                            missing.append(str(link["ref"]))
                        else:
                            link["fingerprint"] = item.fingerprint
                            confirmed += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, CommentedSeq):
            for value in node:
                walk(value)

    walk(tree)
    if missing:
        raise InputError(f"Chưa xác nhận được liên kết trong {path}.", [
            Finding("S101", Severity.ERROR, f"không tìm thấy mục cấp trên '{ref}'", str(path),
                    suggestion="Sửa mã mục hoặc thêm văn bản cấp trên vào implements.") for ref in missing])
    output = dump_tree(tree, name=str(path))
    if header and not output.startswith(header.splitlines()[0]):
        output = header + output
    write_plan_text(path, output, may_replace_input=True)  # review rewrites the plan on purpose
    return confirmed, missing
