"""The province board's coverage: duties given to former districts follow the registry to the communes, and only
duties an agency has taken up (a reviewed plan) count."""

from __future__ import annotations

from pathlib import Path

from authoring.loading import load_plan, units
from authoring.workspace import dashboard, jobs

ROOT = Path(__file__).resolve().parents[2]
NGHE_AN = ROOT / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"


def _board(loaded, province, rows):
    return dashboard.Dashboard(plan_title="KH", issuer="UBND tỉnh", province_name=province.name,
                               resolution=province.resolution, duties=dashboard.duties_for_communes(loaded, province),
                               rows=rows)


def _row(name, result=None, state=None, scope=None):
    row = dashboard.CommuneRow(unit=name, kind=name.split()[0],
                               not_assigned={ref for ref, heirs in (scope or {}).items() if name not in heirs})
    if result is not None:
        row.plan_id, row.state, row.cells, row.counts = 1, state, result["cells"], result["counts"]
    return row


def test_duties_to_the_districts_of_a_2025_province_plan_fall_to_every_commune():
    loaded, _ = load_plan(NGHE_AN)
    province = units.find_province("Nghệ An")
    duties = dashboard.duties_for_communes(loaded, province)
    assert [ref.split("#")[1] for ref, _ in duties] == [f"ubnd-cap-huyen.{n}" for n in range(1, 6)]


def test_an_untouched_draft_is_not_counted_as_taking_up_the_duties_a_reviewed_one_is():
    loaded, _ = load_plan(NGHE_AN)
    province = units.find_province("Nghệ An")
    result = jobs.derive_one(NGHE_AN.name, NGHE_AN.read_text(encoding="utf-8"), "xã Nghi Lộc")
    assert result["ok"], result["error"]
    draft = _row("xã Nghi Lộc", result, "draft")
    reviewed = _row("xã Nghi Lộc", result, "reviewed")
    without = _row("xã Hải Lộc")
    board = _board(loaded, province, [draft, without])
    refs = [ref for ref, _ in board.duties]
    assert {draft.cell(ref)["status"] for ref in refs} == {"proposed"}
    assert {reviewed.cell(ref)["status"] for ref in refs} == {"taken"}
    assert board.totals()["complete"] == 0
    assert _board(loaded, province, [reviewed, without]).totals()["complete"] == 1


def test_a_duty_to_one_former_district_counts_only_for_the_communes_formed_from_it(tmp_path):
    text = NGHE_AN.read_text(encoding="utf-8").replace(
        "        agency: ubnd-cap-huyen\n", "        agency: Ủy ban nhân dân huyện Nghi Lộc\n")
    plan = tmp_path / NGHE_AN.name
    plan.write_text(text, encoding="utf-8")
    loaded, _ = load_plan(plan)
    province = units.find_province("Nghệ An")
    scope = dashboard.duty_scope(loaded, province)
    assert len(scope) == 5
    heirs = next(iter(scope.values()))
    assert {"xã Nghi Lộc", "xã Hải Lộc", "xã Văn Kiều"} <= heirs and "phường Trường Vinh" not in heirs
    outside = _row("phường Trường Vinh", scope=scope)
    inside = _row("xã Hải Lộc", scope=scope)
    board = _board(loaded, province, [outside, inside])
    ref = board.duties[0][0]
    assert outside.cell(ref)["status"] == "not-assigned" and inside.cell(ref)["status"] == "no-plan"
    assert [d["not-assigned"] for d in board.duty_totals()] == [1] * 5
    assert board.totals()["complete"] == 0
