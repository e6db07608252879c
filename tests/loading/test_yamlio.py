"""The composed tree of a file is kept per content: validation reads the kept tree, every other reader gets a copy."""

from __future__ import annotations

import copy
from types import SimpleNamespace

from authoring.loading import yamlio
from authoring.loading.fastyaml import compose_yaml
from authoring.loading.loader import load_plan
from helpers import example


def test_loading_a_plan_does_not_copy_its_tree_and_leaves_the_kept_tree_as_read(monkeypatch):
    path = example("kon-tum")
    raw = path.read_bytes()
    copies = []
    monkeypatch.setattr(yamlio, "copy", SimpleNamespace(deepcopy=lambda tree: copies.append(tree) or copy.deepcopy(tree)))
    loaded, index = load_plan(path)
    assert loaded is not None and not index.has_errors
    assert copies == []   # validation read the kept tree itself
    kept, _, _ = yamlio.read_yaml(path, raw, shared=True)
    assert kept == compose_yaml(raw.decode("utf-8"), str(path))[0]   # not changed by validation


def test_a_reader_that_may_change_the_tree_gets_its_own_copy():
    path = example("kon-tum")
    mine, _, _ = yamlio.read_yaml(path)
    mine["document"]["title"] = "đã sửa"
    again, _, _ = yamlio.read_yaml(path)
    assert again["document"]["title"] != "đã sửa"
