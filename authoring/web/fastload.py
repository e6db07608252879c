"""Plan YAML text → model and findings in milliseconds: libyaml composes, ruamel's rules resolve, the loader checks.

The CLI reads with ruamel's pure-Python round-trip parser (about 150 ms for the largest example); an edit round
trip cannot afford that. This reader builds the same plain tree and source map from libyaml's nodes, resolving
plain scalars with ruamel's own YAML 1.2 resolver and constructor, then runs the same validation and loader
checks. Anything unusual (a syntax error, a duplicate key, a tag) falls back to the CLI's reader, so messages
stay identical; tests/web/test_fastload.py compares both readers on every library plan.
"""

from __future__ import annotations

from pathlib import Path

import yaml as pyyaml
from pydantic import ValidationError
from ruamel.yaml.nodes import ScalarNode as RuamelScalar

from . import core

_YAML = core.make_yaml()
_RESOLVER = _YAML.resolver
_STANDARD_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                  "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
                  "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:value",
                  "tag:yaml.org,2002:binary", "tag:yaml.org,2002:omap", "tag:yaml.org,2002:set",
                  "tag:yaml.org,2002:merge"}


class _Unusual(Exception):
    """Something this reader does not mirror exactly; the CLI's reader takes over."""


# YAML 1.2 implicit types (bool, int, float, null, timestamp, merge) all start with one of these characters;
# any other plain scalar is a string, and most of a plan's scalars are words, so the resolver is skipped for them.
_MAYBE_TYPED = frozenset("tTfFnN~-+.0123456789<=")


def _scalar(node):
    if node.style:  # quoted or block scalar: always a string
        return node.value
    value = node.value
    if value and value[0] not in _MAYBE_TYPED:
        return value
    tag = _RESOLVER.resolve(RuamelScalar, value, (True, False))
    if tag == "tag:yaml.org,2002:str":
        return node.value
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:merge":
        raise _Unusual("merge key")
    value = _YAML.constructor.construct_object(RuamelScalar(tag, node.value), deep=True)
    return str(value) if isinstance(value, core.DateText) else value


def _build(node, path, source):
    if node.tag not in _STANDARD_TAGS:
        raise _Unusual(node.tag)
    if isinstance(node, pyyaml.MappingNode):
        out = {}
        raw_keys = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, pyyaml.ScalarNode):
                raise _Unusual("complex key")
            key = _scalar(key_node)
            if key in raw_keys:
                raise _Unusual("duplicate key")
            raw_keys.add(key)
            here = path + (key,)
            source.keys[here] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            source.values[here] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            plain_key = key if isinstance(key, str) else str(key)
            out[plain_key] = _build(value_node, here, source)
        return out
    if isinstance(node, pyyaml.SequenceNode):
        items = []
        for i, child in enumerate(node.value):
            source.values[path + (i,)] = (child.start_mark.line + 1, child.start_mark.column + 1)
            items.append(_build(child, path + (i,), source))
        return items
    return _scalar(node)


def read_text(text: str, file: str):
    """(plain NFC tree, source map) like the CLI's reader, or None when only the CLI's reader can judge the text."""
    source = core.SourceMap(file)
    try:
        # The base loader resolves nothing itself (every plain scalar is a str to it); types are resolved above.
        root = pyyaml.compose(text, Loader=pyyaml.CBaseLoader)
    except pyyaml.YAMLError:
        return None
    if root is None or not isinstance(root, pyyaml.MappingNode):
        return None
    source.values[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    try:
        tree = _build(root, (), source)
    except (_Unusual, RecursionError, ValueError):
        return None
    return core.nfc_tree(tree), source


def load_file_text(path: Path, text: str, registry=None):
    """Like core.load_plan(path) for a file whose content is *text*: (loaded or None, findings index, plain tree)."""
    registry = registry or core.load_registry()
    read = read_text(text, str(path))
    if read is None:
        loaded, index = core.load_plan(path, registry)
        tree, _, _ = core.read_yaml(path)
        return loaded, index, tree if isinstance(tree, dict) else None
    tree, source = read
    index = core.FindingIndex()
    try:
        plan = core.Plan.model_validate(tree)
    except ValidationError as exc:
        index.extend(core.validation_findings(exc, core.Plan, source))
        return None, index, tree
    index.extend(core._check_ids(plan, source))
    resolved, agency_findings = core._check_agencies(plan, source, registry)
    index.extend(agency_findings)
    index.extend(core._check_citations(plan, source, registry))
    index.extend(core._check_footnotes(plan, source))
    return core.LoadedPlan(plan, Path(path), source, registry, resolved), index, tree
