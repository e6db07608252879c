"""The board's coverage table: each save of a commune plan rewrites that plan's answers to its province plan's duties
in the save's own transaction, equal to what checking the saved version from scratch gives; the board reads them
and pages its units."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ws_support import derive_for, province_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def _stored(db_url: str, plan_id: int) -> tuple[dict, int | None]:
    from authoring.workspace.models import CoverageRow, WorkflowRow

    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            rows = session.scalars(select(CoverageRow).where(CoverageRow.plan_id == plan_id)).all()
            flow = session.get(WorkflowRow, plan_id)
            return ({r.ref: {"status": r.status, "agencies": r.agencies, "note": r.note, "version": r.version}
                     for r in rows}, flow.checked_version)
    finally:
        engine.dispose()


def _block_linked_to(tree: dict, ref_end: str) -> str:
    """The path (as the editor's forms write it) of the one block answering the parent duty *ref_end*."""
    found = []

    def walk(blocks, path):
        for i, block in enumerate(blocks or []):
            here = f"{path}.blocks[{i}]"
            if any(str(link.get("ref", "")).endswith(ref_end) for link in block.get("links") or []):
                found.append(here)
            walk(block.get("blocks"), here)

    for s, section in enumerate(tree["sections"]):
        walk(section.get("blocks"), f"sections[{s}]")
    assert len(found) == 1, found
    return found[0]


def _from_scratch(ws_app, plan_id: int) -> dict:
    """The saved version's text checked anew, in a fresh analysis (no cache), against the province plan."""
    from authoring.web import engine
    from authoring.workspace import dashboard

    state = ws_app.state.kh
    text = state.store.version(plan_id).yaml_text
    analysis = engine.analyse(text)
    assert analysis.format_ok
    cells = dashboard.cells_of(analysis.loaded, analysis.coverage)
    return {ref: {"status": c["status"], "agencies": c["agencies"], "note": c["note"]} for ref, c in cells.items()}


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_coverage_after_a_save_equals_coverage_recomputed_from_scratch(ws_app, users, db_url):
    so = users("cv.so")
    province = province_plan(so)
    namdan_plan = derive_for(so, province, ["xã Nam Đàn"])["xã Nam Đàn"]
    stored, checked = _stored(db_url, namdan_plan)
    assert checked == 1 and {c["status"] for c in stored.values()} == {"taken"} and len(stored) == 5
    namdan = users("cv.namdan")
    # The commune drops the Phòng Kinh tế's task: the duty it answered is no longer taken up.
    tree = yaml.safe_load(namdan.get(f"/ke-hoach/{namdan_plan}/tai/yaml").text)
    path = _block_linked_to(tree, "#ubnd-cap-huyen.2")
    response = namdan.htmx(f"/ke-hoach/{namdan_plan}/thao-tac", {"op": "delete", "path": path, "base": "1"})
    assert response.status_code == 200, response.text
    stored, checked = _stored(db_url, namdan_plan)
    assert checked == 2
    assert {ref: {k: v for k, v in c.items() if k != "version"} for ref, c in stored.items()} == _from_scratch(
        ws_app, namdan_plan)
    assert {c["version"] for c in stored.values()} == {2}
    assert sorted(c["status"] for c in stored.values()).count("missing") == 1
    # The board shows it from the table: that commune now misses one duty.
    assert "xã Nam Đàn" in so.get(f"/khong-gian/tinh/{province}?loc=thieu").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_board_pages_its_units_and_keeps_the_filter_in_the_page_links(ws_app, users, db_url, monkeypatch):
    from authoring.workspace import dashboard

    so = users("cv.so")
    province = province_plan(so)
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 50)
    units = lambda page: page.count('<span class="state s-')  # noqa: E731  (one per unit row)
    first = so.get(f"/khong-gian/tinh/{province}").text
    assert "Trang 1/3" in first and units(first) == 50 and "</b>/130" in first   # the totals count every unit
    third = so.get(f"/khong-gian/tinh/{province}?trang=3").text
    assert "Trang 3/3" in third and units(third) == 30
    assert units(so.get(f"/khong-gian/tinh/{province}?trang=99").text) == 30   # beyond the last: the last page
    assert 'href="?loc=chua-co&amp;trang=2"' in so.get(f"/khong-gian/tinh/{province}?loc=chua-co").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_plan_list_is_loaded_without_a_query_per_unit(ws_app, users, db_url):
    from sqlalchemy import event

    so = users("cv.so")
    province = province_plan(so)
    derive_for(so, province, ["xã Anh Sơn", "xã Nam Đàn", "phường Vinh Hưng"])
    engine = ws_app.state.kh.store.engine
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = so.get("/khong-gian")
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 200
    units = [s for s in statements if "FROM ws_units" in s and "JOIN" not in s]
    assert len(units) <= 1, units   # the session's own unit at most; the plans' units come with the list's query
