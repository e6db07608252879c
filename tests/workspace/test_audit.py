"""The audit chain under many writers at once: every entry chained after the one committed before it, and the lock on
the chain held for as few statements as possible (every other save of the province waits while one holds it)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import sessionmaker

from authoring.web.store import migrate
from authoring.workspace import audit
from authoring.workspace.models import AuditHeadRow, AuditRow
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import save_recorded


def _append_at_once(url: str, writers: int, each: int) -> None:
    engine = create_engine(url, pool_size=writers, connect_args={"timeout": 30} if url.startswith("sqlite") else {})
    sessions = sessionmaker(engine)
    start = threading.Barrier(writers)
    failures = []

    def write(n: int) -> None:
        start.wait()
        try:
            for i in range(each):
                with sessions.begin() as session:
                    audit.record(session, None, "sua", f"người {n}, lần {i}")
                    if i % 3 == 0:   # two entries in one transaction: the second chains after the first
                        audit.record(session, None, "chi-tiet", f"người {n}, lần {i}, chi tiết", flush=False)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(repr(exc))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    engine.dispose()
    assert failures == []


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_writers_at_once_from_an_empty_log_leave_one_unbroken_chain_and_its_head(db_url):
    migrate(db_url)
    _append_at_once(db_url, writers=6, each=7)
    engine = create_engine(db_url)
    with sessionmaker(engine)() as session:
        verdict = audit.verify(session)
        entries = session.scalar(select(func.count()).select_from(AuditRow))
        head = session.get(AuditHeadRow, 1)
    engine.dispose()
    assert verdict.problems == []
    assert entries == verdict.checked == head.entries == 6 * (7 + 3)
    assert head.chain == verdict.head


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_save_holds_the_chain_lock_for_one_statement_and_the_commit_only(ws_app, users, db_url):
    """PostgreSQL: the head row is the chain's lock and holds its last value. A save reads it unlocked, then one
    statement moves it (locking it) and adds both its entries; COMMIT follows at once: every other writer of the log
    waits for one round trip and the COMMIT, not for a lock, the entries, the head and the COMMIT one by one."""
    response, events, _ = save_recorded(ws_app, users)
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    moves = [i for i, s in enumerate(events) if s.startswith("WITH moved AS (UPDATE ws_audit_head")]
    assert len(moves) == 1
    assert events[moves[0] + 1] == "COMMIT"
    read = events.index("SELECT chain FROM ws_audit_head WHERE id = 1")
    assert read < moves[0]
    assert not any(("ws_audit_head" in s and "FOR UPDATE" in s) or "pg_advisory" in s for s in events)
    assert not any(s.startswith(("INSERT INTO ws_audit ", "UPDATE ws_audit_head SET")) for s in events)
    with sessionmaker(create_engine(db_url))() as session:
        assert audit.verify(session).problems == []


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_writer_whose_head_was_moved_meanwhile_locks_it_and_chains_after_the_other(db_url, monkeypatch):
    """Between the unlocked read of the head and the statement that moves it, another writer commits: the statement
    moves nothing, then the head is locked, read again and the entry chained after the other one."""
    migrate(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        audit.record(session, None, "sua", "thứ nhất")
    with sessions() as session:
        stale = session.get(AuditHeadRow, 1).chain
    with sessions.begin() as session:
        audit.record(session, None, "sua", "thứ hai, ghi trong lúc thứ ba chưa ghi xong")
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    monkeypatch.setattr(audit, "_head_unlocked", lambda session: stale)
    with sessions.begin() as session:
        third = audit.record(session, None, "sua", "thứ ba")
    monkeypatch.undo()
    assert any("FOR UPDATE" in s for s in statements)
    with sessions() as session:
        verdict = audit.verify(session)
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        head = session.get(AuditHeadRow, 1)
    engine.dispose()
    assert verdict.problems == [] and verdict.checked == head.entries == 3
    assert [r.summary for r in rows][-1] == "thứ ba" and rows[-1].id == third.id and head.chain == rows[-1].chain


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_entries_written_together_verify_and_an_edited_one_is_named(db_url):
    """Entries written by `record_all` (a save's edit and detail entries) carry the links `verify` recomputes: intact
    they verify, and the one edited behind the application's back is named by its number."""
    migrate(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        audit.record(session, None, "dang-nhap", "Đăng nhập", address="127.0.0.1")
    with sessions.begin() as session:
        audit.record_all(session, [audit.entry(None, "sua", "Sửa kế hoạch", 7, 2),
                                             audit.entry(None, "chi-tiet", "Thay đổi", 7, 2, diff=["Tên: «a» → «b»"])],
                                   flush=False)
    with sessions() as session:
        assert audit.verify(session).problems == []
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        assert [r.action for r in rows] == ["dang-nhap", "sua", "chi-tiet"]
        detail = rows[-1].id
    with engine.begin() as connection:
        if db_url.startswith("sqlite"):
            connection.execute(text("DROP TRIGGER IF EXISTS ws_audit_no_update"))
        else:
            connection.execute(text("ALTER TABLE ws_audit DISABLE TRIGGER USER"))
        connection.execute(text("UPDATE ws_audit SET diff = '[\"khác\"]' WHERE action = 'chi-tiet'"))
    with sessions() as session:
        problems = audit.verify(session).problems
    engine.dispose()
    assert len(problems) == 1 and problems[0].startswith(f"Mục số {detail} ")
