"""Where kehoach's own data lives (registries, directive library, templates, schema)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLANS_DIR = PROJECT_ROOT / "plans"
EXAMPLES_DIR = PLANS_DIR / "examples"
DIRECTIVES_DIR = PLANS_DIR / "directives"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
SCHEMA_FILE = PROJECT_ROOT / "schema" / "plan.schema.json"


def registry_dir() -> Path:
    """The registry folder; KEHOACH_REGISTRY points elsewhere (tests, other provinces)."""
    return Path(os.environ.get("KEHOACH_REGISTRY", PLANS_DIR / "registry"))


def cache_dir() -> Path:
    """kehoach's cache (LibreOffice profile, rescaled fonts): $XDG_CACHE_HOME/kehoach."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kehoach"
