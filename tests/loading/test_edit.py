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
