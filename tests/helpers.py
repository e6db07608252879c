"""Paths shared by the tests: the examples, the fixtures, the seed texts (tests/fixtures/seeds)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "plans" / "examples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal.yaml"
SEEDS_DIR = FIXTURES / "seeds"


def example(name: str) -> Path:
    """The example plan whose file name contains *name*."""
    matches = [p for p in EXAMPLES if name in p.name]
    assert len(matches) == 1, f"{name}: {matches}"
    return matches[0]
