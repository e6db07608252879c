"""Same input, same bytes: the examples' DOCX, JSON and text match committed hashes under any hash seed and clock.

The hashes were taken when the outputs were last changed on purpose; rendering at any other time (another clock)
or with another PYTHONHASHSEED (another set order) must give the same bytes. After an intended change of output:
    KEHOACH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLES, FIXTURES

GOLDEN = FIXTURES / "golden.json"
OUTPUTS = {
    "docx": ["render", "{plan}", "-o", "{out}"],
    "json": ["show", "--json", "{plan}"],
    "text": ["text", "{plan}"],
}


def _run(kind: str, plan: Path, tmp: Path, seed: str) -> bytes:
    out = tmp / f"{plan.stem}-{seed}.docx"
    args = [a.format(plan=plan, out=out) for a in OUTPUTS[kind]]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-m", "authoring.cli.commands", *args], capture_output=True, env=env,
                          cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return out.read_bytes() if kind == "docx" else done.stdout


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}


@pytest.mark.parametrize("kind", sorted(OUTPUTS))
@pytest.mark.parametrize("plan", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_output_matches_the_committed_bytes_under_two_hash_seeds(plan, kind, golden, tmp_path):
    digests = {_digest(_run(kind, plan, tmp_path, seed)) for seed in ("1", "4242")}
    assert len(digests) == 1, f"{kind} of {plan.name} depends on the hash seed (set or dict order)"
    digest = digests.pop()
    if os.environ.get("KEHOACH_UPDATE_GOLDEN"):
        data = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
        data.setdefault(plan.stem, {})[kind] = digest
        GOLDEN.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return
    assert golden.get(plan.stem, {}).get(kind) == digest, (
        f"{kind} of {plan.name} changed; if intended, refresh with KEHOACH_UPDATE_GOLDEN=1 (see this file's docstring)")
