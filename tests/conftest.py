"""Shared fixtures: paths to the examples, a CLI runner, a way to write broken plans."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Test folders mirror the package and some keep shared helpers (hostile_run.py, strategies.py, webtools.py):
# with --import-mode=importlib they are importable only from sys.path.
for _folder in sorted(p for p in Path(__file__).resolve().parent.iterdir() if p.is_dir() and p.name != "fixtures"):
    if str(_folder) not in sys.path:
        sys.path.append(str(_folder))
from click.testing import CliRunner

from helpers import EXAMPLES, MINIMAL


@pytest.fixture
def utc_clock(monkeypatch):
    """Sets the clock kehoach reads (text.utc_now) to a moment given in UTC: utc_clock("2026-12-06 23:30")."""
    from datetime import datetime, timezone

    from authoring import text

    def set_to(moment: str) -> None:
        fixed = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
        monkeypatch.setattr(text, "utc_now", lambda: fixed)

    return set_to


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def write_plan(tmp_path):
    """Write a variant of the minimal plan: replace(old, new) pairs, or raw bytes."""

    def write(*replacements: tuple[str, str], raw: bytes | None = None, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        if raw is not None:
            path.write_bytes(raw)
            return path
        text = MINIMAL.read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict:
    """Example stem → path of its rendered DOCX (made once per test session)."""
    from authoring.loading import load_plan_or_raise
    from authoring.render.docx import render_docx

    out = tmp_path_factory.mktemp("rendered")
    paths = {}
    for example in EXAMPLES:
        target = out / f"{example.stem}.docx"
        target.write_bytes(render_docx(load_plan_or_raise(example)))
        paths[example.stem] = target
    return paths
