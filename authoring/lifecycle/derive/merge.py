"""Re-deriving into an existing draft: keep every hand edit, add new parent items, report changed ones."""

from __future__ import annotations

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ...loading.writer import comment_at, plan_tree
from ...model import Plan
from .context import DeriveReport


def item_ids(node, found: dict) -> dict:
    if isinstance(node, CommentedMap):
        if "id" in node:
            found[str(node["id"])] = node
        for value in node.values():
            item_ids(value, found)
    elif isinstance(node, CommentedSeq):
        for value in node:
            item_ids(value, found)
    return found


def merge(existing: CommentedMap, fresh: CommentedMap, report: DeriveReport, parent_ids: set[str]) -> CommentedMap:
    """Keep every human edit: existing items stay as written; new upstream items are appended where they belong."""
    have = item_ids(existing, {})
    old_nodes = list(have.values())
    fresh_ids = item_ids(fresh, {})
    fresh_refs = {str(l["ref"]): l.get("fingerprint") for n in fresh_ids.values() for l in (n.get("links") or [])}
    linked = {str(l["ref"]) for n in old_nodes for l in (n.get("links") or [])}
    carried: set[str] = set()   # ids that came in inside a node already added or already present
    for item_id, node in fresh_ids.items():
        if item_id in carried or node is fresh:   # the plan's own id: the file keeps its own
            continue
        if item_id in have:
            report.kept.append(item_id)
            continue
        inner = set(item_ids(node, {}))
        refs = {str(l["ref"]) for l in (node.get("links") or [])}
        # The same report or parent item already in the draft (under an agency renamed since): keep the author's.
        if (inner - {item_id}) & set(have) or (refs and refs <= linked):
            report.kept.append(item_id)
            carried |= inner
            continue
        target = _matching_container(existing, fresh, _find_parent(fresh, node))
        if target is not None:
            target.append(node)
            report.added.append(item_id)
            carried |= inner
            have.update(item_ids(node, {}))
    for node in old_nodes:
        for old in node.get("links") or []:
            ref = str(old["ref"])
            if ref.split("#", 1)[0] not in parent_ids:
                continue
            if ref not in fresh_refs:
                report.removed_upstream.append(ref)
            elif old.get("fingerprint") and old.get("fingerprint") != fresh_refs[ref]:
                report.changed_upstream.append(ref)
    return existing


def _find_parent(tree, target, container=None):
    if isinstance(tree, CommentedMap):
        for value in tree.values():
            if value is target:
                return container
            found = _find_parent(value, target, tree if isinstance(value, CommentedSeq) else container)
            if found is not None:
                return found
    elif isinstance(tree, CommentedSeq):
        for value in tree:
            if value is target:
                return tree
            found = _find_parent(value, target, container)
            if found is not None:
                return found
    return None


def _path_to(tree, target, path=()):
    if tree is target:
        return path
    if isinstance(tree, CommentedMap):
        for key, value in tree.items():
            found = _path_to(value, target, path + (key,))
            if found is not None:
                return found
    elif isinstance(tree, CommentedSeq):
        for index, value in enumerate(tree):
            found = _path_to(value, target, path + (index,))
            if found is not None:
                return found
    return None


def _matching_container(existing, fresh, fresh_container):
    """The list in the existing file that plays the role of *fresh_container* (same path, same title/label)."""
    path = _path_to(fresh, fresh_container)
    node = existing
    fresh_node = fresh
    for key in path or ():
        fresh_node = fresh_node[key]
        if isinstance(key, int):
            wanted = fresh_node
            candidates = [n for n in node if isinstance(n, CommentedMap) and
                          n.get("title") == wanted.get("title") and wanted.get("title") is not None]
            if not candidates and key < len(node):
                candidates = [node[key]]
            if not candidates:
                return None
            node = candidates[0]
        else:
            if key not in node:
                return None
            node = node[key]
    return node if isinstance(node, CommentedSeq) else None


def fresh_tree(plan: Plan, comments: dict) -> CommentedMap:
    tree = plan_tree(plan)
    for path, comment in comments.items():
        try:
            comment_at(tree, path, comment)
        except (KeyError, IndexError, TypeError):
            continue
    return tree
