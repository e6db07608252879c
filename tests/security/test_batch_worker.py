"""The batch leaves the web process (issue 24, items 4 and 6): "lập cho mọi xã" is a queue job that the RQ worker
runs and whose results and progress it writes to the database; a worker killed with -9 mid-batch is followed by
another that does the rest (no commune twice), and a batch whose worker keeps dying is closed with its reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import sessionmaker

from authoring.web.store import PlanRow
from authoring.workspace import jobs
from authoring.workspace.models import AuditRow, BatchRow, WorkflowRow
from kill_cycles import Worker
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import User, province_plan, seed

NAMES = ["xã Anh Sơn", "xã Nam Đàn", "phường Vinh Hưng", "xã Con Cuông", "xã Quỳnh Anh", "xã Tân Kỳ"]


@pytest.fixture
def queued_app(db_url, redis_url, tmp_path, monkeypatch):
    """The web with a queue (KEHOACH_REDIS) and a short heartbeat; a worker with the same database and storage."""
    import os

    from authoring.web.app import create_app

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KEHOACH_STORAGE", str(tmp_path / "luu-tru"))
    monkeypatch.setattr(jobs, "STALE", jobs.timedelta(seconds=10))
    monkeypatch.setattr(jobs, "BEAT", 1.0)
    from redis import Redis

    Redis.from_url(redis_url).flushdb()
    seed(db_url)
    app = create_app(db_url, workspace=True, redis=redis_url)
    env = {**os.environ, "KEHOACH_DB": db_url, "KEHOACH_BATCH_STALE": "10", "KEHOACH_BATCH_PROCESSES": "1",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    worker = Worker(redis_url, env)
    yield app, worker, sessionmaker(create_engine(db_url)), redis_url
    worker.kill()
    app.state.kh.store.engine.dispose()


def start_batch(user: User, province: int) -> None:
    response = user.form(f"/khong-gian/tinh/{province}/lap-cho-xa",
                         files={"danh_sach": ("ds.txt", "\n".join(NAMES).encode(), "text/plain")},
                         follow_redirects=False)
    assert response.status_code == 303, response.text


def batch_of(sessions, province: int) -> BatchRow:
    with sessions() as session:
        return session.scalar(select(BatchRow).where(BatchRow.plan_id == province).order_by(BatchRow.id.desc()))


def wait_for(sessions, province: int, user: User, done, timeout: float = 240) -> BatchRow:
    deadline = time.time() + timeout
    while time.time() < deadline:
        user.get(f"/khong-gian/tinh/{province}")          # the page a Sở officer watches (takes up a dead batch)
        batch = batch_of(sessions, province)
        if done(batch):
            return batch
        time.sleep(0.3)
    raise AssertionError(f"lượt không đến trạng thái chờ đợi: {batch.state} {batch.done}/{batch.total} {batch.messages}")


def children(sessions, province: int) -> dict[str, int]:
    from authoring.workspace.models import UnitRow

    with sessions() as session:
        rows = session.execute(select(UnitRow.name, func.count()).join(WorkflowRow, WorkflowRow.unit_id == UnitRow.id)
                               .join(PlanRow, PlanRow.id == WorkflowRow.plan_id)
                               .where(WorkflowRow.parent_plan_id == province).group_by(UnitRow.name)).all()
    return dict(rows)


def test_the_batch_runs_on_the_worker_not_in_the_web_process(queued_app):
    app, worker, sessions, redis_url = queued_app
    so = User(app, "cv.so")
    province = province_plan(so)
    start_batch(so, province)
    time.sleep(3)
    waiting = batch_of(sessions, province)
    assert waiting.backend == "rq" and waiting.state == "running" and waiting.done == 0   # no worker yet: nothing done
    worker.start()
    batch = wait_for(sessions, province, so, lambda b: b.state != "running")
    assert batch.state == "finished" and batch.done == len(NAMES) and batch.attempts == 1, batch.messages
    assert children(sessions, province) == {name: 1 for name in NAMES}
    with sessions() as session:
        entry = session.scalar(select(AuditRow).where(AuditRow.action == "lap-cap-duoi"))
        assert entry is not None and f"cho {len(NAMES)} đơn vị" in entry.summary and "Nguyễn Thị Soạn" in entry.user_name
    so.close()


def test_a_worker_killed_mid_batch_is_followed_by_one_that_does_the_rest(queued_app):
    app, worker, sessions, redis_url = queued_app
    so = User(app, "cv.so")
    province = province_plan(so)
    start_batch(so, province)
    worker.start()
    wait_for(sessions, province, so, lambda b: b.done >= 1)
    worker.kill()
    assert batch_of(sessions, province).done < len(NAMES)
    worker.start()
    batch = wait_for(sessions, province, so, lambda b: b.state != "running")
    assert batch.state == "finished" and batch.done == len(NAMES) and batch.attempts == 2, batch.messages
    assert any("làm tiếp" in m for m in batch.messages)
    assert children(sessions, province) == {name: 1 for name in NAMES}   # every commune once, none twice
    so.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_batch_whose_worker_keeps_dying_is_closed_with_its_reason(queued_app):
    app, worker, sessions, redis_url = queued_app
    so = User(app, "cv.so")
    province = province_plan(so)
    from redis import Redis

    start_batch(so, province)
    queue = Redis.from_url(redis_url)

    def lost(batch) -> bool:       # every job this batch gets is lost (a queue restarted without its data)
        queue.flushdb()
        return batch.state != "running"

    batch = wait_for(sessions, province, so, lost, timeout=90)
    assert batch.state == "failed" and batch.attempts == jobs.MAX_ATTEMPTS
    assert "rq worker" in batch.messages[-1] and "bấm lại" in batch.messages[-1]
    assert "Traceback" not in " ".join(batch.messages)
    so.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_pdfs_for_every_commune_are_made_by_the_worker(queued_app):
    import io
    import zipfile

    app, worker, sessions, _redis_url = queued_app
    so = User(app, "cv.so")
    province = province_plan(so)
    start_batch(so, province)
    worker.start()
    wait_for(sessions, province, so, lambda b: b.state != "running")
    worker.kill()
    response = so.form(f"/khong-gian/tinh/{province}/pdf-xa", follow_redirects=False)
    assert response.status_code == 303, response.text
    time.sleep(2)
    assert batch_of(sessions, province).done == 0          # no worker: the web process makes no PDF
    worker.start()
    batch = wait_for(sessions, province, so, lambda b: b.state != "running", timeout=300)
    assert batch.kind == "pdf" and batch.state == "finished" and batch.done == len(NAMES), batch.messages
    archive = zipfile.ZipFile(io.BytesIO(so.get(f"/khong-gian/tinh/{province}/pdf-xa.zip").content))
    assert len(archive.namelist()) == len(NAMES)
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())
    with sessions() as session:
        assert session.scalar(select(AuditRow).where(AuditRow.action == "xuat", AuditRow.plan_id == province,
                                                     AuditRow.summary.contains(f"cho {len(NAMES)} kế hoạch")))
    so.close()
