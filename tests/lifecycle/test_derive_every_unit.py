"""Every province of the 2025 unit registry: its communes, wards and đặc khu derive from a province plan, pass
check with 0 errors and render. A sample per province here; benchmarks/every_unit.py runs all 3,321."""

from __future__ import annotations

import pytest

from authoring.lifecycle.derive import derive
from authoring.loading import load_plan_or_raise, units
from authoring.ooxml.reader import open_document, reading_order_lines
from authoring.render.docx import render_docx
from authoring.rules.check import run_check
from helpers import province_plan

PROVINCES = units.load_provinces()


def sample(province: units.Province) -> list[units.CommuneUnit]:
    """The first and last unit of the list, and one of each other kind (phường, đặc khu) and a name with an apostrophe."""
    picked = [province.units[0], province.units[-1]]
    for wanted in (lambda u: u.kind == "phường", lambda u: u.kind == "đặc khu", lambda u: "'" in u.name):
        found = next((u for u in province.units if wanted(u)), None)
        if found is not None and found not in picked:
            picked.append(found)
    return picked


@pytest.mark.parametrize("province_id", sorted(PROVINCES))
def test_units_of_every_province_derive_pass_check_and_render(province_id, tmp_path):
    province = PROVINCES[province_id]
    parent = load_plan_or_raise(province_plan(province, tmp_path))
    for n, unit in enumerate(sample(province)):
        out = tmp_path / f"{n}.yaml"
        text, _ = derive(parent, unit.name, out)
        out.write_text(text, encoding="utf-8")
        report = run_check(out)
        assert not report.index.has_errors, (unit.name, [f.message for f in report.index.findings])
        assert {row["parent"] for row in report.coverage} == {f"{province_id}-2026#p-xa-1", f"{province_id}-2026#p-xa-2"}
        if n == 0:
            docx = tmp_path / "ke-hoach.docx"
            docx.write_bytes(render_docx(load_plan_or_raise(out)))
            lines = reading_order_lines(open_document(docx))
            assert unit.name.upper() in lines, lines[:6]   # the issuer's header names the unit as the resolution does
