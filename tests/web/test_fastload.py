"""The web's fast reader and checker give exactly what the CLI's loader and `kehoach check` give."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.loading import load_plan
from authoring.loading.yamlio import read_yaml
from authoring.rules.check import run_check
from authoring.web import engine, fastload, yamledit
from helpers import EXAMPLES, FIXTURES, ROOT

LIBRARY = EXAMPLES + sorted((ROOT / "plans" / "directives").glob("*.yaml")) + sorted(FIXTURES.rglob("*.yaml"))


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_fast_reader_matches_the_cli_reader(path: Path):
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    read = fastload.read_text(text, str(path))
    tree, source, findings = read_yaml(path)
    if read is None:  # the CLI's reader takes over, so the results are the same by construction
        return
    fast_tree, fast_source = read
    assert fast_tree == tree
    assert fast_source.values == source.values and fast_source.keys == source.keys
    loaded, index = load_plan(path)
    fast_loaded, fast_index, _ = fastload.load_file_text(path, text)
    assert [f.to_dict() for f in fast_index.sorted()] == [f.to_dict() for f in index.sorted()]
    assert (fast_loaded and fast_loaded.plan) == (loaded and loaded.plan)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_check_matches_kehoach_check(path: Path):
    analysis = engine.analyse_file(path, path.read_text(encoding="utf-8"))
    report = run_check(path)
    assert [f.to_dict() for f in analysis.findings] == [f.to_dict() for f in report.index.sorted()]
    assert analysis.coverage == report.coverage


@pytest.mark.parametrize("text", ["a: b", "yes", "on", "12:30", "- x", "x #y", "x: y", "2025-01-06", "010", " lề",
                                  "dòng\nhai", "'q'", "Sở Y tế", "[1]", "a, b", "null", "~", "@x", "95%"])
def test_spliced_scalars_read_back_as_written(text):
    source = "a: old  # ghi chú\nb: {c: old}\n"
    for path in (("a",), ("b", "c")):
        changed = yamledit.set_value(source, path, text)
        tree, _ = fastload.read_text(changed, "x")
        assert yamledit.get_in(tree, path) == text
    assert "# ghi chú" in yamledit.set_value(source, ("a",), text)
