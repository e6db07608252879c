"""Rendered seeds, made once per test session."""

from __future__ import annotations

import pytest

from authoring.loading import load_plan_or_raise
from authoring.render.docx import render_docx
from helpers import EXAMPLES


@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict:
    """Example stem → path of its rendered DOCX."""
    out = tmp_path_factory.mktemp("rendered")
    paths = {}
    for example in EXAMPLES:
        target = out / f"{example.stem}.docx"
        target.write_bytes(render_docx(load_plan_or_raise(example)))
        paths[example.stem] = target
    return paths
