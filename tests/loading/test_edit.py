"""Edits at model paths keep the author's text: a changed value is spliced in place and reads back as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.loading import edit
from authoring.loading.yamlio import read_yaml


@pytest.mark.parametrize("text", ["a: b", "yes", "on", "12:30", "- x", "x #y", "x: y", "2025-01-06", "010", " lề",
                                  "dòng\nhai", "'q'", "Sở Y tế", "[1]", "a, b", "null", "~", "@x", "95%"])
def test_spliced_scalars_read_back_as_written(text):
    source = "a: old  # ghi chú\nb: {c: old}\n"
    for path in (("a",), ("b", "c")):
        changed = edit.set_value(source, path, text)
        tree, _, findings = read_yaml(Path("x.yaml"), changed.encode("utf-8"))
        assert not findings and edit.get_in(tree, path) == text
    assert "# ghi chú" in edit.set_value(source, ("a",), text)


def test_paths_in_findings_parse_back_to_model_paths():
    assert edit.parse_path("sections[0].blocks[2].text") == ("sections", 0, "blocks", 2, "text")
    assert edit.format_path(("sections", 0, "blocks", 2, "text")) == "sections[0].blocks[2].text"


@pytest.mark.parametrize("text", ["a: b", "yes", "12:30", "x #y", "dòng\nhai", "Sở Y tế", "[1]", "a, b", "~", "95%"])
def test_a_splice_at_the_readers_positions_writes_the_same_bytes_as_reading_the_text_again(text):
    """The page splices an edit where the reader saw the scalar (no second read of the whole plan): the text written
    is byte for byte the one found by composing the text again, for every scalar of every example plan."""
    from helpers import EXAMPLES, SEEDS_DIR

    for plan in EXAMPLES + sorted(SEEDS_DIR.glob("*.yaml"))[:3]:
        source_text = plan.read_text(encoding="utf-8")
        _, source, findings = read_yaml(plan, source_text.encode("utf-8"))
        assert not findings and source.spans
        for path in list(source.spans)[::7]:
            assert edit.set_value(source_text, path, text, source) == edit.set_value(source_text, path, text), path
    flow = "a: old  # ghi chú\nb: {c: old, d: [x, 'y']}\n"
    _, source, _ = read_yaml(Path("x.yaml"), flow.encode("utf-8"))
    for path in (("a",), ("b", "c"), ("b", "d", 0), ("b", "d", 1)):
        assert edit.set_value(flow, path, text, source) == edit.set_value(flow, path, text)


def test_a_splice_at_the_readers_positions_does_not_read_the_text_again(monkeypatch):
    source_text = "a: old  # ghi chú\nb: {c: old}\n"
    _, source, _ = read_yaml(Path("x.yaml"), source_text.encode("utf-8"))
    monkeypatch.setattr(edit, "_splice", lambda *args: pytest.fail("the text was composed again"))
    assert edit.set_value(source_text, ("b", "c"), "mới", source) == "a: old  # ghi chú\nb: {c: mới}\n"
