"""Results files: loaded like plans, checked against the plan they report on (Q100–Q106)."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.loading import load_plan_or_raise
from authoring.loading.results import load_results, results_to_yaml
from helpers import FIXTURES, MINIMAL

GOOD = FIXTURES / "results" / "hoa-binh-2026-h1.yaml"
NO_RATIO = (("    numerator: 48\n", ""), ("    denominator: 50\n", ""))


@pytest.fixture(scope="module")
def plan():
    return load_plan_or_raise(MINIMAL).plan


def _load(tmp_path: Path, plan, *replacements: tuple[str, str]):
    text = GOOD.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "ket-qua.yaml"
    path.write_text(text, encoding="utf-8")
    return load_results(path, plan)


def _codes(index) -> list[str]:
    return [f.code for f in index.sorted()]


def test_a_complete_results_file_has_no_finding(plan):
    loaded, index = load_results(GOOD, plan)
    assert loaded is not None and _codes(index) == []
    assert loaded.results.targets[0].value == 96


def test_a_unit_of_measure_other_than_the_targets_is_an_error_naming_line_and_field(tmp_path, plan):
    _, index = _load(tmp_path, plan, ('unit: "%"', "unit: trẻ em"))
    (finding,) = [f for f in index.sorted() if f.code == "Q102"]
    assert finding.line == 9 and finding.path == "targets[0].unit"
    assert "'%'" in finding.suggestion


def test_a_percentage_above_100_is_out_of_range(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("value: 96", "value: 120"), *NO_RATIO)
    assert _codes(index) == ["Q103"]


def test_a_negative_figure_is_out_of_range(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("value: 96", "value: -1"), *NO_RATIO)
    assert _codes(index) == ["Q103"]


def test_a_percentage_that_does_not_match_its_numerator_and_denominator_is_an_error(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("value: 96", "value: 90"))
    (finding,) = index.sorted()
    assert finding.code == "Q104" and "96.0" in finding.suggestion


@pytest.mark.parametrize("change", [("numerator: 48", "numerator: 60"), ("denominator: 50", "denominator: 0"),
                                    ("    denominator: 50\n", "")])
def test_a_numerator_above_its_denominator_a_zero_or_a_missing_denominator_is_an_error(tmp_path, plan, change):
    _, index = _load(tmp_path, plan, change)
    assert "Q104" in _codes(index)


def test_an_item_the_plan_does_not_have_is_an_error(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("target: ct-1", "target: ct-9"))
    assert sorted(_codes(index)) == ["Q101", "Q105"]  # ct-9 unknown, so ct-1 is not accounted for


def test_every_target_and_duty_of_the_plan_must_be_accounted_for(tmp_path, plan):
    text = GOOD.read_text(encoding="utf-8")
    path = tmp_path / "thieu.yaml"
    path.write_text(text.split("targets:")[0], encoding="utf-8")
    _, index = load_results(path, plan)
    messages = [f.message for f in index.sorted()]
    assert _codes(index) == ["Q105", "Q105"] and any("vhxh.1" in m for m in messages)


def test_results_for_another_plan_are_refused(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("plan: thu-nghiem-2026", "plan: ke-hoach-khac"))
    assert _codes(index) == ["Q100"]


def test_budget_spent_where_the_plan_has_no_budget_is_a_warning(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("status: hoan_thanh", "status: hoan_thanh\n    spent: 1000000"))
    assert _codes(index) == ["Q106"]


def test_a_malformed_period_is_refused_with_the_accepted_forms(tmp_path, plan):
    _, index = _load(tmp_path, plan, ("period: 2026-H1", "period: 2026-H3"))
    (finding,) = index.sorted()
    assert finding.code == "L114" and "2026-Q1" in finding.message


def test_the_writer_round_trips_a_results_file(plan):
    loaded, _ = load_results(GOOD, plan)
    text = results_to_yaml(loaded.results, plan=plan)
    again, index = load_results("lai.yaml", plan, text=text)
    assert again.results == loaded.results and not index.has_errors
