"""The one writer of plan YAML: model objects or edited round-trip trees in, validated text out, written whole.

Every command that writes a plan (derive, new-year, import, review, issue, the web page) goes through here, so
nothing reaches the disk that `kehoach validate` would refuse.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError
from ..fileio import write_atomic
from ..model import Plan
from .yamlio import DateText, make_yaml

SCHEMA_LINE = "yaml-language-server: $schema=../../schema/plan.schema.json"
# Keys of a block written first, in reading order; other keys keep the model's field order.
_BLOCK_ORDER = ("id", "label", "title", "text", "agency", "task", "targets", "reporting", "budget", "blocks")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

Path_ = tuple


def to_tree(data) -> CommentedMap | CommentedSeq | object:
    """Plain data (a model dump) as round-trip nodes: blocks in reading order, full dates written as dates."""
    if isinstance(data, dict):
        node = CommentedMap()
        blockish = any(k in data for k in ("label", "text", "blocks"))
        keys = ([k for k in _BLOCK_ORDER if k in data] + [k for k in data if k not in _BLOCK_ORDER]) if blockish \
            else list(data)
        for key in keys:
            node[key] = to_tree(data[key])
        return node
    if isinstance(data, list):
        seq = CommentedSeq()
        seq.extend(to_tree(v) for v in data)
        return seq
    if isinstance(data, str) and _ISO_DATE.fullmatch(data):
        return DateText(data)
    return data


def plan_tree(plan: Plan) -> CommentedMap:
    """A plan as a round-trip tree, only the fields that differ from their defaults."""
    return to_tree(plan.model_dump(mode="json", by_alias=True, exclude_defaults=True))


def node_at(tree, path: Path_):
    node = tree
    for key in path:
        node = node[key]
    return node


def comment_at(tree, path: Path_, comment: str) -> None:
    """An end-of-line comment on the node at *path* (a key of a mapping or an item of a list)."""
    parent, key = node_at(tree, path[:-1]), path[-1]
    comment = " ".join(comment.split())
    if isinstance(parent, CommentedMap):
        parent.yaml_add_eol_comment(comment, key)
    elif isinstance(parent, CommentedSeq):
        parent.yaml_add_eol_comment(comment, key)


def dump_tree(tree, header: str | None = None, name: str = "kế hoạch") -> str:
    """YAML text of a round-trip tree, validated as a plan before it is returned (InputError if it is not one)."""
    if header is not None and isinstance(tree, CommentedMap):
        tree.yaml_set_start_comment(header)
    buffer = io.StringIO()
    make_yaml().dump(tree, buffer)
    text = buffer.getvalue()
    validate_text(text, name)
    return text


def plan_to_yaml(plan: Plan, header: str | None = None, comments: dict[Path_, str] | None = None,
                 name: str = "kế hoạch") -> str:
    """A model plan as YAML, with a header comment and end-of-line comments at model paths."""
    tree = plan_tree(plan)
    for path, comment in (comments or {}).items():
        try:
            comment_at(tree, path, comment)
        except (KeyError, IndexError, TypeError):
            continue  # a comment on a field left at its default has nowhere to go
    start = SCHEMA_LINE if header is None else f"{SCHEMA_LINE}\n{header}"
    return dump_tree(tree, start, name)


def load_tree(path: Path):
    """A plan file as a round-trip tree (comments and order kept), with the comment lines that open it."""
    text = Path(path).read_text(encoding="utf-8")
    return make_yaml().load(text)


def validate_text(text: str, name: str) -> None:
    """Load *text* as a plan; InputError naming *name* with every problem when it is not a valid one."""
    from .loader import load_plan

    loaded, index = load_plan(name, text=text)
    if loaded is None or index.has_errors:
        findings = index.sorted()
        raise InputError(f"kehoach chưa tạo được {name}: dữ liệu sinh ra chưa hợp lệ (lỗi của chương trình, "
                         "tệp chưa được ghi).", findings)


def write_plan_text(path: Path, text: str) -> None:
    """Write validated plan text whole (never half a file)."""
    write_atomic(Path(path), text.encode("utf-8"))
