"""The directive library: finding and loading the higher-level documents a plan implements."""

from __future__ import annotations

from pathlib import Path

from ..paths import DIRECTIVES_DIR
from .loader import LoadedPlan, load_plan


def find_parent(ref: str, base: Path) -> Path | None:
    """A parent's file: a library id (plans/directives/<id>.yaml) or a path relative to the plan."""
    candidates = [base.parent / ref, Path(ref)] if ref.endswith((".yaml", ".yml")) else [DIRECTIVES_DIR / f"{ref}.yaml"]
    for candidate in candidates:
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):  # a name too long or with a NUL byte is simply not in the library
            continue
    return None


def load_parent(ref: str, base: Path, registry) -> LoadedPlan | None:
    """The parent loaded, or None when it is missing or itself has format errors."""
    path = find_parent(ref, base)
    if path is None:
        return None
    loaded, index = load_plan(path, registry)
    return loaded if loaded is not None and not index.has_errors else None
