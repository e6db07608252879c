"""A clone of the repository alone runs the whole suite: nothing is read from beside it."""

from __future__ import annotations

import re
import subprocess

from helpers import ROOT, SEEDS_DIR

ALLOWED = {"tests/fixtures/seeds/README.md", "tests/test_fresh_clone.py"}


def test_seed_texts_live_in_the_repository():
    assert SEEDS_DIR.is_relative_to(ROOT)
    assert len(list(SEEDS_DIR.glob("*.txt"))) == 5
    assert (SEEDS_DIR / "README.md").is_file()


def test_no_file_reaches_outside_the_repository():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:  # not a git checkout (an sdist): nothing to scan
        return
    pattern = re.compile(r"(\.\./shared|[\"' (]shared/seeds|parent\s*/\s*[\"']shared[\"'])")
    offenders = []
    for name in files:
        if name in ALLOWED or not name.endswith((".py", ".sh", ".md", ".yaml", ".yml", ".toml", ".cfg", ".txt")):
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}:{n}" for n, line in enumerate(text.splitlines(), 1) if pattern.search(line)]
    assert not offenders, offenders
