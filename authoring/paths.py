"""Where kehoach's own data lives (registries, directive library, templates, schema) and where outputs go."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _data_root() -> Path:
    """The folder holding templates/, plans/ and schema/: inside the package when installed from a wheel (setup.py
    copies them into authoring/_data), the repository's own folders in a checkout or an editable install."""
    packaged = Path(__file__).resolve().parent / "_data"  # a package on disk (importlib.resources: +2 ms a start)
    if packaged.is_dir():
        return packaged
    return PROJECT_ROOT


DATA_ROOT = _data_root()
INSTALLED = DATA_ROOT != PROJECT_ROOT
PLANS_DIR = DATA_ROOT / "plans"
EXAMPLES_DIR = PLANS_DIR / "examples"
DIRECTIVES_DIR = PLANS_DIR / "directives"
TEMPLATES_DIR = DATA_ROOT / "templates"
SCHEMA_DIR = DATA_ROOT / "schema"
SCHEMA_FILE = SCHEMA_DIR / "plan.schema.json"


def _folders(variable: str) -> list[Path]:
    return [Path(part).expanduser() for part in os.environ.get(variable, "").split(os.pathsep) if part.strip()]


def registry_dir() -> Path:
    """The registry folder; KEHOACH_REGISTRY replaces it as a whole (tests, another country's registry)."""
    return Path(os.environ.get("KEHOACH_REGISTRY", PLANS_DIR / "registry"))


def own_registry_dirs() -> list[Path]:
    """A user's own registry folders (KEHOACH_OWN_REGISTRY, separated by ':'), laid over the built-in one: their
    agencies.yaml and citations.yaml add entries, and an entry with a built-in id replaces it."""
    return _folders("KEHOACH_OWN_REGISTRY")


def directive_dirs() -> list[Path]:
    """Where the directive library is looked up: a user's own folders first (KEHOACH_DIRECTIVES, separated by ':'),
    then the library that ships with kehoach."""
    return [*_folders("KEHOACH_DIRECTIVES"), DIRECTIVES_DIR]


def output_dir() -> Path:
    """Default folder for outputs: generated/ of the repository in a checkout, ./generated where the user works when
    kehoach is installed (never inside the installed package)."""
    return (Path.cwd() if INSTALLED else PROJECT_ROOT) / "generated"


def cache_dir() -> Path:
    """kehoach's cache (LibreOffice profile, rescaled fonts): $XDG_CACHE_HOME/kehoach."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "kehoach"
