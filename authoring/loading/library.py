"""The directive library: finding and loading the higher-level documents a plan implements."""

from __future__ import annotations

import re
from pathlib import Path

from ..paths import EXAMPLES_DIR, directive_dirs
from .loader import LoadedPlan, load_plan

_ID_LINE = re.compile(r"^id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9._-]*)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def plan_id(text: str) -> str | None:
    """The top-level id of a plan's YAML text, without parsing the whole file."""
    match = _ID_LINE.search(text)
    return match.group(1) if match else None


def _id_of(candidate: Path) -> str | None:
    from ..fileio import not_a_file

    if not_a_file(candidate):   # a pipe named *.yaml in the folder would hang the search
        return None
    try:
        with open(candidate, encoding="utf-8") as handle:
            head = handle.read(4000)
    except (OSError, UnicodeDecodeError):
        return None
    match = _ID_LINE.search(head)
    return match.group(1) if match else None


# (ref, folder) → the file last found with that id: the web server checks each edit against the same parent, in a
# folder that also holds every plan being checked at that moment (reading them all was a tenth of a save under load).
_FOUND: dict[tuple[str, str], Path] = {}


def _by_id(ref: str, folder: Path) -> Path | None:
    """The YAML file in *folder* whose top-level id is *ref* (a derived plan names its parent plan by id): the one
    found last time while it still has that id, else the first in name order."""
    key = (ref, str(folder))
    known = _FOUND.get(key)
    if known is not None and _id_of(known) == ref:
        return known
    if not folder.is_dir():
        return None
    for candidate in sorted(folder.glob("*.y*ml")):
        if _id_of(candidate) == ref:
            if len(_FOUND) > 256:
                _FOUND.clear()
            _FOUND[key] = candidate
            return candidate
    return None


def find_parent(ref: str, base: Path) -> Path | None:
    """A parent's file: a library id (<id>.yaml in the user's own directive folders, then in the library that ships
    with kehoach), a path relative to the plan, or the id of a plan beside it or among the examples."""
    try:
        if ref.endswith((".yaml", ".yml")):
            return next((c for c in (base.parent / ref, Path(ref)) if c.is_file()), None)
        for folder in directive_dirs():
            library = folder / f"{ref}.yaml"
            if library.is_file():
                return library
    except (OSError, ValueError):  # a name too long or with a NUL byte is simply not in the library
        return None
    for folder in (Path(base).parent, EXAMPLES_DIR):
        found = _by_id(ref, folder)
        if found is not None and found.resolve() != Path(base).resolve():
            return found
    return None


def library_file(name: str) -> Path | None:
    """For a file name that does not exist where the user is: the directive or example kehoach ships (or the user's own
    directive folders hold) with that id, so 'qd-23-2021' and the README's 'plans/directives/qd-23-2021.yaml' work
    from any folder once kehoach is installed. None when the name exists as given or names nothing known."""
    path = Path(name)
    try:
        if path.exists():
            return None
    except (OSError, ValueError):
        return None
    stem = path.stem if path.suffix in (".yaml", ".yml") else path.name
    for folder in (*directive_dirs(), EXAMPLES_DIR):
        candidate = folder / f"{stem}.yaml"
        if candidate.is_file():
            return candidate
    return None


def load_parent(ref: str, base: Path, registry) -> LoadedPlan | None:
    """The parent loaded, or None when it is missing or itself has format errors."""
    path = find_parent(ref, base)
    if path is None:
        return None
    loaded, index = load_plan(path, registry)
    return loaded if loaded is not None and not index.has_errors else None
