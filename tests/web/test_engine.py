"""The web page checks with the same code as `kehoach check`: same findings, same coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.rules.check import run_check
from authoring.web import engine
from helpers import EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_matches_kehoach_check(path: Path):
    analysis = engine.analyse_file(path, path.read_text(encoding="utf-8"))
    report = run_check(path)
    assert [f.to_dict() for f in analysis.findings] == [f.to_dict() for f in report.index.sorted()]
    assert analysis.coverage == report.coverage
