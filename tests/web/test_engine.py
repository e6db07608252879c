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


def test_an_analysis_reads_the_yaml_once_and_copies_no_tree(monkeypatch):
    """A save analyses its new text once: the YAML is composed once and the tree the page reads is the one validation
    read, not a deep copy of it (a copy of a province plan cost as much as reading it)."""
    import copy
    import types

    from authoring.loading import fastyaml, yamlio

    path = EXAMPLES[0]
    text = path.read_text(encoding="utf-8")
    engine.analyse(text)   # the parents and the registry are read once a process; not counted
    calls = {"compose": 0, "deepcopy": 0}
    real_compose = fastyaml.compose_yaml

    def compose(*args, **kwargs):
        calls["compose"] += 1
        return real_compose(*args, **kwargs)

    def deepcopy(value, *args):
        calls["deepcopy"] += 1
        return copy.deepcopy(value, *args)

    monkeypatch.setattr(fastyaml, "compose_yaml", compose)
    monkeypatch.setattr(yamlio, "copy", types.SimpleNamespace(deepcopy=deepcopy))
    analysis = engine.analyse(text + "\n# một lần sửa\n")
    assert calls == {"compose": 1, "deepcopy": 0}
    assert analysis.tree["document"]["title"] == analysis.loaded.plan.document.title
