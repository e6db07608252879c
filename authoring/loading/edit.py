"""Edits to a plan's YAML text at model paths that keep the author's comments and layout (part of the one writer).

A changed scalar is spliced into the text where it stands (fast, and the comment beside it stays). Anything
else (a new key, a removed key, a list that grows, a moved block) goes through ruamel's round-trip writer,
the same one the CLI uses.
"""

from __future__ import annotations

import io
import json
import re
import types
import typing
from typing import Any, Callable

import yaml as pyyaml
from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode as RuamelScalar

from ..model import Plan
from .messages import field_path
from .yamlio import make_yaml

Path_ = tuple
_RESOLVER = make_yaml().resolver
_PLAIN_BAD_START = set("-?:,[]{}#&*!|>'\"%@`")


def parse_path(text: str) -> Path_:
    """'sections[0].blocks[2].text' → ('sections', 0, 'blocks', 2, 'text') (the findings' path format)."""
    parts: list = []
    for match in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
    return tuple(parts)


def format_path(path: Path_) -> str:
    return field_path(path)


# --- splicing -------------------------------------------------------------------------------

def _key_text(node) -> str:
    return node.value


def _node_at(root, path: Path_):
    node, parent_flow = root, False
    for part in path:
        if isinstance(node, pyyaml.MappingNode):
            parent_flow = bool(node.flow_style)
            for key_node, value_node in node.value:
                if _key_text(key_node) == str(part):
                    node = value_node
                    break
            else:
                return None, False
        elif isinstance(node, pyyaml.SequenceNode) and isinstance(part, int):
            parent_flow = bool(node.flow_style)
            if part >= len(node.value):
                return None, False
            node = node.value[part]
        else:
            return None, False
    return node, parent_flow


def emit_scalar(value: Any, in_flow: bool) -> str | None:
    """One YAML scalar that reads back as *value* (plain when that is safe, else double-quoted)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str) or value == "":
        return None
    plain_ok = (value == value.strip() and "\n" not in value and "\t" not in value and value[0] not in _PLAIN_BAD_START
                and ": " not in value and " #" not in value and not value.endswith(":")
                and not (in_flow and any(c in value for c in ",[]{}"))
                and _RESOLVER.resolve(RuamelScalar, value, (True, False)) == "tag:yaml.org,2002:str")
    return value if plain_ok else json.dumps(value, ensure_ascii=False)


def _splice(text: str, path: Path_, value: Any) -> str | None:
    try:
        root = pyyaml.compose(text, Loader=pyyaml.CBaseLoader)
    except pyyaml.YAMLError:
        return None
    node, in_flow = _node_at(root, path)
    if node is None:
        return None
    edits = []
    if isinstance(value, list):
        if not isinstance(node, pyyaml.SequenceNode) or len(node.value) != len(value):
            return None
        for child, item in zip(node.value, value):
            if not isinstance(child, pyyaml.ScalarNode) or child.style not in ("", "'", '"'):
                return None
            emitted = emit_scalar(item, bool(node.flow_style))
            if emitted is None:
                return None
            edits.append((child.start_mark.index, child.end_mark.index, emitted))
    else:
        if not isinstance(node, pyyaml.ScalarNode) or node.style not in ("", "'", '"'):
            return None
        emitted = emit_scalar(value, in_flow)
        if emitted is None:
            return None
        edits.append((node.start_mark.index, node.end_mark.index, emitted))
    for start, end, emitted in sorted(edits, reverse=True):
        text = text[:start] + emitted + text[end:]
    return text


def _splice_at(text: str, span, value: Any) -> str | None:
    """*value* in place of the scalar at *span* (SourceMap.spans), as _splice would write it; None when it cannot."""
    if span is None or isinstance(value, list) or text.startswith("\ufeff"):
        return None
    start, end, style, in_flow = span
    if style not in ("", "'", '"'):
        return None
    emitted = emit_scalar(value, in_flow)
    return None if emitted is None else text[:start] + emitted + text[end:]


# --- round-trip edits -----------------------------------------------------------------------

def load_tree(text: str) -> CommentedMap:
    return make_yaml().load(text)


def dump_tree(tree) -> str:
    buffer = io.StringIO()
    make_yaml().dump(tree, buffer)
    return buffer.getvalue()


def _model_for(path: Path_) -> type[BaseModel] | None:
    """The model class owning the mapping at *path* (keys as written in YAML)."""
    model: type[BaseModel] | None = Plan
    for part in path:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        fields = {(info.alias or name): info for name, info in model.model_fields.items()}
        info = fields.get(part)
        model = _unwrap(info.annotation) if info else None
    return model


def _unwrap(annotation):
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def insert_key(node: CommentedMap, owner_path: Path_, key: str, value) -> None:
    """Add *key* where the model lists it, so a new field lands among its neighbours, not at the end."""
    model = _model_for(owner_path)
    order = [info.alias or name for name, info in model.model_fields.items()] if model else []
    if key in order:
        wanted = order.index(key)
        position = len(node)
        for i, existing in enumerate(node):
            if existing in order and order.index(existing) > wanted:
                position = i
                break
        node.insert(position, key, value)
    else:
        node[key] = value


def _to_yaml(value):
    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _to_yaml(v)
        return node
    if isinstance(value, list):
        return CommentedSeq([_to_yaml(v) for v in value])
    return value


def set_in_tree(tree, path: Path_, value) -> None:
    """Set (or, with None, remove) the value at *path*, creating the mappings on the way."""
    node = tree
    for depth, part in enumerate(path[:-1]):
        nxt = node[part] if (isinstance(node, list) or part in node) else None
        if nxt is None:
            if value is None:
                return
            nxt = CommentedMap()
            if isinstance(node, CommentedMap):
                insert_key(node, path[:depth], part, nxt)
            else:
                node[part] = nxt
        node = nxt
    last = path[-1]
    if value is None:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    value = _to_yaml(value)
    if isinstance(node, CommentedMap) and last not in node:
        insert_key(node, path[:-1], last, value)
    else:
        node[last] = value


def set_value(text: str, path: Path_, value, source=None) -> str:
    """The text with *value* at *path* (None removes the field). *source*: the SourceMap the reader made of *text*;
    with it a scalar is spliced where the reader saw it, without reading the text again."""
    if value is not None:
        spliced = _splice_at(text, source.spans.get(tuple(path)), value) if source is not None else None
        if spliced is None:
            spliced = _splice(text, path, value)
        if spliced is not None:
            return spliced
    return transform(text, lambda tree: set_in_tree(tree, path, value))


def transform(text: str, change: Callable[[CommentedMap], Any]) -> str:
    """Apply a structural change to the round-trip tree and write it back."""
    tree = load_tree(text)
    change(tree)
    return dump_tree(tree)


def get_in(tree, path: Path_, default=None):
    node = tree
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return default
    return node
