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


def _same(a, b) -> bool:
    return ([f.to_dict() for f in a.findings], a.coverage, a.parents, a.format_ok) == \
        ([f.to_dict() for f in b.findings], b.coverage, b.parents, b.format_ok)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_kept_check_gives_the_findings_of_a_full_check_without_checking_again(path: Path, monkeypatch):
    """The check kept with a version (rules/kept) is what opening the plan shows, in another file of the check folder
    too (the plan's own file named as it is now): same findings, coverage and parents as checking it anew; the
    rules do not run. So too after edits (a title, a task removed)."""
    from authoring.loading import edit as yamledit

    text = path.read_text(encoding="utf-8")
    tree = yamledit.load_tree(text)
    tree["document"]["title"] = "Kế hoạch đã sửa trích yếu"
    edited = yamledit.dump_tree(tree)
    texts = [text, edited]
    sections = tree.get("sections") or []
    if sections and sections[0].get("blocks"):
        del sections[0]["blocks"][0]
        texts.append(yamledit.dump_tree(tree))
    for version in texts:
        with engine.plan_file(version) as first:
            kept = engine.analyse_file(first, version).kept
        assert kept is not None and kept["findings"]
        with engine.plan_file(version) as here:
            full = engine.analyse_file(here, version)
            monkeypatch.setattr(engine, "check_loaded", lambda *a, **k: pytest.fail("checked again"))
            restored = engine.analyse_file(here, version, kept=kept)
            monkeypatch.undo()
        assert _same(restored, full) and restored.kept is kept


def test_kept_checks_turned_off_check_every_opening_anew(monkeypatch):
    """KEHOACH_KEEP_CHECKS=0 (to measure what keeping saves): a kept check is not used, the plan is checked."""
    text = EXAMPLES[0].read_text(encoding="utf-8")
    kept = engine.analyse(text).kept
    monkeypatch.setenv("KEHOACH_KEEP_CHECKS", "0")
    calls = []
    real = engine.check_loaded
    monkeypatch.setattr(engine, "check_loaded", lambda *a, **k: calls.append(1) or real(*a, **k))
    engine.analyse(text, kept=kept)
    assert calls == [1]
