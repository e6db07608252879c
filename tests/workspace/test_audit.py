"""The audit chain under many writers at once: every entry chained after the one committed before it, and the lock on
the chain held for as few statements as possible (every other save of the province waits while one holds it)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select
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
def test_a_save_holds_the_chain_lock_for_its_two_log_writes_and_the_commit_only(ws_app, users, db_url):
    """PostgreSQL: the head row, locked, is the chain's lock and holds its last value; from that lock to COMMIT a save
    only adds its entries and moves the head (no separate lock, no read of the last entry, no read of the head)."""
    response, events, _ = save_recorded(ws_app, users)
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    lock = next(i for i, s in enumerate(events) if s.startswith("SELECT ws_audit_head.") and s.endswith("FOR UPDATE"))
    held = events[lock + 1:events.index("COMMIT", lock)]
    assert sorted(s.split(" (")[0].split(" SET")[0] for s in held) == ["INSERT INTO ws_audit", "UPDATE ws_audit_head"]
    assert not any("pg_advisory" in s for s in events)
    with sessionmaker(create_engine(db_url))() as session:
        assert audit.verify(session).problems == []
