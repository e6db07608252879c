"""Our own DOCX, saved again by LibreOffice (which drops kehoach's embedded data), re-imports to the same model.

Pinned: footnotes (numbered as printed, whatever ids LibreOffice writes), the plan's period, the dated reporting
deadlines, and the targets — none invented, at least 85 % recovered by value and 75 % with their direction (17/19
and 15/19 today). Not recovered from the text: units only the hand-made YAML spells out ("% huyện, thành phố"), a
qualitative target, a count the sentence does not state, and the direction a hand-made YAML chose for a second
target in the same sentence.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter

import pytest

from authoring.importing import import_plan
from authoring.loading import load_plan, load_plan_or_raise
from authoring.render.docx import render_docx
from authoring.render.json import plan_to_json
from helpers import EXAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; scripts/setup.sh installs it")


@pytest.fixture(scope="module")
def round_tripped(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo")
    sources = []
    for path in EXAMPLES:
        docx = folder / f"{path.stem}.docx"
        docx.write_bytes(render_docx(load_plan_or_raise(path)))
        sources.append(docx)
    out = folder / "out"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "docx", "--outdir", str(out), *map(str, sources)],
                   capture_output=True, timeout=300, env=dict(os.environ, SAL_USE_VCLPLUGIN="svp"))
    results = {}
    for path in EXAMPLES:
        result = import_plan(out / f"{path.stem}.docx")
        assert not result.exact   # LibreOffice dropped the embedded data: this is the text being read
        target = folder / f"{path.stem}.yaml"
        target.write_text(result.yaml_text, encoding="utf-8")
        loaded, index = load_plan(target)
        assert loaded is not None and not index.has_errors
        results[path.stem] = (load_plan_or_raise(path), loaded)
    return results


def _targets(loaded, direction=False):
    return Counter((round(t["value"], 3), t["comparator"] if direction else None)
                   for t in plan_to_json(loaded)["targets"] if t["value"] is not None)


def test_footnotes_and_period_survive(round_tripped):
    for name, (original, imported) in round_tripped.items():
        assert imported.plan.footnotes == original.plan.footnotes, name
        assert imported.plan.document.period == original.plan.document.period, name


def test_dated_reporting_deadlines_survive(round_tripped):
    for name, (original, imported) in round_tripped.items():
        dated = lambda loaded: sorted((r["period"], r["due"]) for r in plan_to_json(loaded)["reporting"] if r["due"])  # noqa: E731
        assert dated(imported) == dated(original), name


def test_targets_survive_none_invented(round_tripped):
    found = expected = same_direction = 0
    for name, (original, imported) in round_tripped.items():
        want, got = _targets(original), _targets(imported)
        assert not (got - want), f"{name}: targets not in the original: {got - want}"
        found += sum((want & got).values())
        expected += sum(want.values())
        same_direction += sum((_targets(original, True) & _targets(imported, True)).values())
    print(f"targets after a LibreOffice round trip: {found}/{expected} values, {same_direction}/{expected} with direction")
    assert found / expected >= 0.85, f"values {found}/{expected}"
    assert same_direction / expected >= 0.75, f"value and direction {same_direction}/{expected}"
