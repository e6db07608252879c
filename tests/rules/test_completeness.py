"""Facts a plan lacks (E101–E105): what `kehoach import` left empty stays on `kehoach check`'s list until written in."""

from __future__ import annotations

from authoring.cli import main
from authoring.importing import import_plan
from authoring.rules.check import run_check
from helpers import FIXTURES, MINIMAL

WEB_COPY = FIXTURES / "real" / "web" / "001-nghe-an-kh-cong-tac-tre-em-2025.txt"


def _e_findings(path):
    return [f for f in run_check(path).index.findings if f.code.startswith("E")]


def test_the_minimal_plan_lacks_nothing():
    assert _e_findings(MINIMAL) == []


def test_E101_no_place(write_plan):
    found = _e_findings(write_plan(("  place: Hòa Bình\n", "")))
    assert [(f.code, f.path) for f in found] == [("E101", "document.place")]
    assert "địa danh" in found[0].message and "place: " in found[0].suggestion and found[0].line


def test_E102_a_basis_without_its_date(write_plan):
    found = _e_findings(write_plan(("    date: 2021-01-07\n", "")))
    assert [(f.code, f.path) for f in found] == [("E102", "bases[0].date")]
    assert "Quyết định 23/QĐ-TTg" in found[0].message and "date: " in found[0].suggestion


def test_E104_no_signature(write_plan):
    text = MINIMAL.read_text(encoding="utf-8")
    found = _e_findings(write_plan((text[text.index("signature:"):], "")))
    assert [(f.code, f.path) for f in found] == [("E104", "signature")]
    assert "người ký" in found[0].message


def test_E105_a_target_without_its_value(write_plan):
    found = _e_findings(write_plan(("{id: ct-1, value: 95, unit: \"%\", comparator: at_least", "{id: ct-1, unit: \"%\", comparator: at_least")))
    assert [(f.code, f.path) for f in found] == [("E105", "sections[0].blocks[0].targets[0].value")]
    assert "ct-1" in found[0].message
    qualitative = _e_findings(write_plan(("{id: ct-1, value: 95, unit: \"%\", comparator: at_least", "{id: ct-1, comparator: qualitative")))
    assert qualitative == []


def test_what_import_left_empty_is_listed_by_check(tmp_path, runner):
    """A web copy without the signer's name and with two bases cited without their dates."""
    result = import_plan(WEB_COPY)
    assert "họ tên người ký" in result.missing
    out = tmp_path / "nhap.yaml"
    out.write_text(result.yaml_text, encoding="utf-8")
    found = {(f.code, f.path) for f in _e_findings(out)}
    assert ("E104", "signature") in found
    from authoring.loading import load_plan_or_raise

    dateless = [i for i, c in enumerate(load_plan_or_raise(out).plan.bases) if c.code and c.date is None]
    assert dateless and {("E102", f"bases[{i}].date") for i in dateless} <= found
    run = runner.invoke(main, ["check", str(out)])
    assert "E104" in run.output and "E102" in run.output and str(out) in run.output
    assert "Traceback" not in run.output
