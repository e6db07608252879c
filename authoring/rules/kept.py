"""A check's findings and coverage kept with a saved version, and the key (code, registry, parents) they hold under."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import replace
from pathlib import Path

from ..findings import Finding, Severity
from ..loading import load_registry
from ..loading.library import find_parent
from ..paths import own_registry_dirs, registry_dir

_LOCK = threading.Lock()
_CODE: dict[tuple, str] = {}
_FILES: dict[tuple, str] = {}
PACKAGE = Path(__file__).resolve().parent.parent


def code_key() -> str:
    """The hash of every source file of the package and of the registry folders' files: a change to the rules, the
    loader or the registry makes every kept check stale. Read once a process (per registry folders)."""
    folders = (registry_dir(), *own_registry_dirs())
    marker = tuple(str(f) for f in folders)
    with _LOCK:
        if marker in _CODE:
            return _CODE[marker]
    digest = hashlib.sha256()
    files = sorted(PACKAGE.rglob("*.py")) + [f for folder in folders for f in sorted(Path(folder).rglob("*"))]
    for file in files:
        if file.is_file() and "__pycache__" not in file.parts:
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    with _LOCK:
        _CODE[marker] = digest.hexdigest()
        return _CODE[marker]


def forget() -> None:
    """Hash the code and the registry again (after the registry was changed while the process runs)."""
    with _LOCK:
        _CODE.clear()
        _FILES.clear()


def _file_hash(path: Path) -> str:
    stat = path.stat()
    marker = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        if marker in _FILES:
            return _FILES[marker]
    value = hashlib.sha256(path.read_bytes()).hexdigest()
    with _LOCK:
        if len(_FILES) > 512:
            _FILES.clear()
        _FILES[marker] = value
    return value


def check_key(loaded, lead_days: int = 5) -> str | None:
    """What a plan's check depends on besides its own text: the code, the registry and each parent's content.
    None when it cannot be kept: a registry other than the built-in one (a unit's own layer is checked anew)."""
    if loaded is None or loaded.registry is not load_registry():
        return None
    digest = hashlib.sha256(f"{code_key()}\0{lead_days}".encode())
    try:
        for ref in loaded.plan.implements:
            parent = find_parent(ref, loaded.path)
            digest.update(f"\0{ref}\0{_file_hash(parent) if parent is not None else '-'}".encode())
    except OSError:
        return None
    return digest.hexdigest()


def keep(loaded, findings: list[Finding], coverage: list, parents: list, lead_days: int = 5) -> dict | None:
    """The check of a readable plan as plain data for its version's row; None when it is not to be kept (a parent
    with format errors names its own file in the findings, so it is checked anew each time)."""
    key = check_key(loaded, lead_days)
    if key is None or any(f.code == "C002" for f in findings):
        return None
    return {"key": key, "file": str(loaded.path),
            "findings": [[f.code, f.severity.value, f.message, f.file, f.line, f.column, f.path, f.suggestion]
                         for f in findings],
            "coverage": coverage, "parents": list(parents)}


def restore(loaded, kept, lead_days: int = 5) -> tuple[list[Finding], list, list] | None:
    """(findings, coverage, parents) of a kept check when it still holds for *loaded* (same code, registry and
    parents), the plan's own file named as it is now; None otherwise (check again)."""
    if not enabled() or not isinstance(kept, dict) or kept.get("key") is None or kept.get("key") != check_key(loaded, lead_days):
        return None
    try:
        here, before = str(loaded.path), kept["file"]
        findings = [Finding(code, Severity(severity), message, file, line, column, path, suggestion)
                    for code, severity, message, file, line, column, path, suggestion in kept["findings"]]
        findings = [replace(f, file=here) if f.file == before else f for f in findings]
        return findings, list(kept["coverage"]), list(kept["parents"])
    except (KeyError, TypeError, ValueError):   # a row written by another version of this code: check again
        return None


def enabled() -> bool:
    """KEHOACH_KEEP_CHECKS=0 turns the kept checks off (every open checks the plan anew), for measuring."""
    return os.environ.get("KEHOACH_KEEP_CHECKS", "1") != "0"
