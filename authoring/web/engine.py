"""One plan text in, everything the page shows out: validate and check findings, the model, coverage."""

from __future__ import annotations

import os
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import core

_WORKDIR: Path | None = None
_LOCK = threading.Lock()
_PARENTS: dict[str, tuple[float, object, object]] = {}


def workdir() -> Path:
    """A private folder for plan texts being checked, beside links to the example plans.

    The loader, check and lifecycle code read files; a plan derived from an example names its parent by a path
    relative to itself ('nghe-an-2025-kh-07.yaml'), so the examples are linked in to resolve the same way.
    """
    global _WORKDIR
    with _LOCK:
        if _WORKDIR is None or not _WORKDIR.is_dir():
            _WORKDIR = Path(tempfile.mkdtemp(prefix="kehoach-web-"))
            for example in core.EXAMPLES_DIR.glob("*.yaml"):
                try:
                    os.symlink(example.resolve(), _WORKDIR / example.name)
                except OSError:
                    (_WORKDIR / example.name).write_bytes(example.read_bytes())
        return _WORKDIR


@contextmanager
def plan_file(text: str, stem: str = "ke-hoach") -> Iterator[Path]:
    """The text as a file the core can read, removed afterwards."""
    path = workdir() / f"{stem}-{uuid.uuid4().hex[:10]}.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


@dataclass
class Analysis:
    """What one version of a plan is: its tree (even when invalid), model, findings and coverage."""

    text: str
    tree: dict | None
    loaded: object | None
    findings: list = field(default_factory=list)
    coverage: list = field(default_factory=list)
    parents: list = field(default_factory=list)
    format_ok: bool = False  # loaded without format errors: the plan can be checked, previewed and downloaded
    # (registry, describe) of forms.describer over this tree: built once, as a save's summary and slots both use it
    described: tuple | None = field(default=None, repr=False, compare=False)
    # the check as kept with the version's row (rules/kept), None when it is not to be kept
    kept: dict | None = field(default=None, repr=False, compare=False)

    def counts(self) -> dict:
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            out[f.severity.value] += 1
        return out


def parent_plan(path: Path, registry):
    """A parent plan, loaded once per file version (the library rarely changes while the server runs)."""
    key = str(path.resolve())
    mtime = path.stat().st_mtime
    cached = _PARENTS.get(key)
    if cached and cached[0] == mtime:
        return cached[1], cached[2]
    loaded, index = core.load_plan(path, registry)
    _PARENTS[key] = (mtime, loaded, index)
    return loaded, index


def check_loaded(loaded, index, lead_days: int = 5) -> core.CheckReport:
    """`kehoach check` on a plan already loaded (the same rules.check code), parents cached between edits."""
    return core.check_loaded(loaded, index, None, lead_days, parent_plan)


def analyse_file(path: Path, text: str, registry=None, kept: dict | None = None) -> Analysis:
    """*registry*: the one the plan's unit checks against (its own layer laid over the built-in one); default, the
    built-in registry with the user's own folders. *kept*: the check kept with the version's row; when it still holds
    (same code, registry and parents) its findings and coverage are used instead of checking again."""
    registry = registry or core.load_registry()
    loaded, index = core.load_plan(path, registry, text=text)
    # The reader ran once (cached by content); shared, not copied: an analysis's tree is only read.
    tree, _, _ = core.read_yaml(path, text.encode("utf-8"), shared=True)
    tree = tree if isinstance(tree, dict) else None
    format_ok = loaded is not None and not index.has_errors
    if not format_ok:
        return Analysis(text, tree, loaded, index.sorted(), [], [], format_ok)
    restored = core.kept_check.restore(loaded, kept) if kept is not None else None
    if restored is not None:
        findings, coverage, parents = restored
        return Analysis(text, tree, loaded, findings, coverage, parents, format_ok, kept=kept)
    report = check_loaded(loaded, index)
    findings = index.sorted()
    return Analysis(text, tree, loaded, findings, report.coverage, report.parents, format_ok,
                    kept=core.kept_check.keep(loaded, findings, report.coverage, report.parents))


def analyse(text: str, registry=None, kept: dict | None = None) -> Analysis:
    """Validate and check a plan text exactly as `kehoach validate` and `kehoach check` would."""
    with plan_file(text) as path:
        return analyse_file(path, text, registry, kept)


_CHOICES: dict[tuple, object] = {}


def parent_items(parents: list[str]) -> list:
    """The items (targets, tasks, duties, reports) of the parents a plan was checked against, for linking."""
    key = tuple(parents)
    with _LOCK:
        if key in _CHOICES:
            return _CHOICES[key]
    registry = core.load_registry()
    items = []
    for ref in parents:
        path = core.find_parent(ref, workdir() / "ke-hoach.yaml")
        if path is None:
            continue
        loaded, index = parent_plan(path, registry)
        if loaded is not None and not index.has_errors:
            items.extend(core.parent_items(loaded).values())
    with _LOCK:
        _CHOICES[key] = items
    return items


def parent_name(ref: str) -> str | None:
    """A parent plan found beside the plan (the library's examples, a province plan in the workspace) in words:
    «Kế hoạch số 07/KH-UBND của Ủy ban nhân dân tỉnh Nghệ An (2026)»; None when it is not there."""
    path = core.find_parent(ref, workdir() / "ke-hoach.yaml")
    if path is None:
        return None
    loaded, index = parent_plan(path, core.load_registry())
    if loaded is None:
        return None
    doc = loaded.plan.document
    number = f" số {doc.number:02d}/{doc.symbol}" if doc.number and doc.symbol else ""
    return f"{doc.type}{number} của {doc.issuer.name} ({doc.date.year})"
