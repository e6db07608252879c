"""A batch never stays `running` after its server died (issue 24, item 6): its heartbeat stops, the next request
closes it as interrupted and may start again; a live batch still refuses a second one."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from authoring.web.store import migrate
from authoring.workspace import accounts, jobs
from authoring.workspace.models import BatchRow, WorkflowRow, now
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def plan_with_batch(db_url: str, beat_age: timedelta | None):
    migrate(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        from authoring.web.store import PlanRow

        unit = accounts.add_unit(session, "Sở Y tế tỉnh Nghệ An", "sở", "tinh", "nghe-an")
        plan = PlanRow(title="Kế hoạch tỉnh", issuer="Sở Y tế", origin="thử", head=1, unit_id=unit.id)
        session.add(plan)
        session.flush()
        session.add(WorkflowRow(plan_id=plan.id, unit_id=unit.id, state="draft"))
        batch = BatchRow(kind="lap-cap-duoi", plan_id=plan.id, total=130, done=40, messages=[],
                         started_at=now() - timedelta(hours=1),
                         heartbeat_at=now() - beat_age if beat_age is not None else None)
        session.add(batch)
    return engine, sessions, plan.id, batch.id


def test_a_batch_whose_server_was_killed_does_not_block_the_next(db_url):
    engine, sessions, plan_id, batch_id = plan_with_batch(db_url, jobs.STALE + timedelta(seconds=5))
    with sessions.begin() as session:
        assert jobs.running_batch(session, plan_id) is None
    with sessions() as session:
        old = session.get(BatchRow, batch_id)
        assert old.state == "failed" and old.finished_at is not None and "làm tiếp" in old.messages[-1]
    engine.dispose()


def test_a_batch_that_never_beat_is_judged_by_its_start(db_url):
    engine, sessions, plan_id, _ = plan_with_batch(db_url, None)   # started an hour ago, killed before its first beat
    with sessions.begin() as session:
        assert jobs.running_batch(session, plan_id) is None
    engine.dispose()


def test_a_live_batch_still_refuses_a_second(db_url):
    engine, sessions, plan_id, batch_id = plan_with_batch(db_url, timedelta(seconds=3))
    with sessions.begin() as session:
        assert jobs.running_batch(session, plan_id).id == batch_id
    engine.dispose()


def test_the_heartbeat_keeps_a_long_batch_alive(db_url):
    engine, sessions, _plan_id, batch_id = plan_with_batch(db_url, jobs.STALE + timedelta(seconds=5))
    with jobs.heartbeat(sessions, batch_id, every=0.1):
        time.sleep(0.5)
    with sessions() as session:
        assert now() - session.get(BatchRow, batch_id).heartbeat_at < timedelta(seconds=5)
    engine.dispose()


def test_a_stale_batch_is_taken_up_again_until_it_has_stopped_too_often(db_url):
    engine, sessions, plan_id, batch_id = plan_with_batch(db_url, jobs.STALE + timedelta(seconds=5))
    with sessions.begin() as session:
        batch = session.get(BatchRow, batch_id)
        assert jobs.take_over(batch) and batch.attempts == 2 and batch.state == "running"
        assert not jobs.is_stale(batch) and "làm tiếp" in batch.messages[-1]
        batch.attempts = jobs.MAX_ATTEMPTS
        assert not jobs.take_over(batch)
        assert batch.state == "failed" and batch.finished_at is not None
        assert f"đã dừng {jobs.MAX_ATTEMPTS} lần" in batch.messages[-1] and "bấm lại" in batch.messages[-1]
    engine.dispose()
