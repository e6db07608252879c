"""What one save costs in the workspace: the audit log's detail entry of an edit reuses the semantic diff the save
made (the same sentences as diffing the two versions anew), instead of diffing them again after the reply."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from ws_support import new_plan, save_recorded
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_detail_entry_of_an_edit_is_the_diff_the_save_made_not_a_second_diff(ws_app, users, db_url, monkeypatch):
    from authoring.web import core
    from authoring.workspace.models import AuditRow

    cv = users("cv.anhson")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    diffs = []
    real = core.semantic_diff
    monkeypatch.setattr(core, "semantic_diff", lambda a, b: diffs.append(1) or real(a, b))
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title",
                                                    "v": "Kế hoạch sửa một lần, so sánh một lần"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    assert len(diffs) == 1
    engine = create_engine(db_url)
    with Session(engine) as session:
        entry = session.scalar(select(AuditRow).where(AuditRow.plan_id == plan, AuditRow.action == "chi-tiet"))
    engine.dispose()
    state = ws_app.state.kh
    from authoring.web.changes import diff_lines
    from authoring.web.forms import AgencyNames

    first, second = state.analysis(plan, 1), state.analysis(plan, 2)
    anew = diff_lines(real(first.loaded, second.loaded), AgencyNames(state.registry, second.tree))
    assert entry is not None and entry.diff == anew and any("Kế hoạch sửa một lần, so sánh một lần" in line
                                                            for line in anew)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_saves_board_answers_are_written_before_the_audit_chain_is_locked(ws_app, users, db_url):
    """The audit chain is locked for every writer of the province until the save commits: the save's own work must
    be done before it takes that lock, or every other save waits for it."""
    response, statements, _ = save_recorded(ws_app, users)
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    lock = statements.index("UPDATE ws_audit SET id = id WHERE 0")
    coverage = next(i for i, s in enumerate(statements) if s.startswith("INSERT INTO ws_coverage"))
    assert coverage < lock


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_a_save_is_one_transaction_with_its_audit_and_detail_entries_and_nothing_after(ws_app, users, db_url):
    """The version, the board's answers, the edit's audit entry and its detail entry (the diff) are committed
    together; the request writes or reads nothing more after that commit (no second transaction after the reply)."""
    from authoring.workspace.models import AuditRow

    response, events, plan = save_recorded(ws_app, users)
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    version = next(i for i, s in enumerate(events) if s.startswith("INSERT INTO plan_versions"))
    commit = events.index("COMMIT", version)
    inside = events[version:commit]
    assert any("INSERT INTO ws_audit " in s for s in inside)
    assert [s for s in events[commit + 1:] if s != "COMMIT"] == []
    engine = create_engine(db_url)
    with Session(engine) as session:
        entries = session.execute(select(AuditRow.action, AuditRow.version, AuditRow.diff)
                                  .where(AuditRow.plan_id == plan, AuditRow.version == 2).order_by(AuditRow.id)).all()
    engine.dispose()
    assert [(a, v) for a, v, _ in entries] == [("sua", 2), ("chi-tiet", 2)]
    assert any("Kế hoạch xã" in line for line in entries[1][2])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_save_reads_the_login_session_and_the_plans_units_in_one_query_each(ws_app, users, db_url):
    """Every request looks up its login session: the session, its user and roles are one query; the units whose
    registry layers a plan is checked against (the commune, its Sở) are read with the plan in one query too."""
    from sqlalchemy import event

    cv = users("cv.anhson")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    statements = []
    listen = lambda *args: statements.append(" ".join(args[2].split()))  # noqa: E731
    engine = ws_app.state.kh.store.engine
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Kế hoạch xã"})
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    reads = [s for s in statements if s.startswith("SELECT")]
    assert len([s for s in reads if "ws_sessions" in s]) == 1
    assert not [s for s in reads if s.split(" FROM ", 1)[1].startswith(("ws_users", "ws_memberships"))]
    assert len([s for s in reads if "ws_units" in s]) == 2   # the session's roles with their unit; the plan's units
