"""Batches of the province workspace ("lập cho mọi xã", PDFs for every commune) as queue jobs run by the worker.

The job reads its batch from the database, does what remains, and writes each result with the progress in one
transaction; a batch whose worker died (heartbeat silent) is taken up again or closed with its reason in words. With
a queue (KEHOACH_REDIS) the job runs in `rq worker kehoach` (same KEHOACH_DB, KEHOACH_STORAGE as the web); without
one (tests, a single machine) the web process runs the same job in a thread.
"""

from __future__ import annotations

import os
import threading
from datetime import timezone
from pathlib import Path

from sqlalchemy import select, update

from ..loading import edit as yamledit
from ..text import match_key
from ..workspace import accounts, audit, dashboard, jobs, workflow
from ..workspace.models import BatchRow, UnitRow, WorkflowRow, now
from .store import PlanRow, Store, VersionRow, default_url
from .workspace_access import CURRENT, RequestContext

NO_ACCOUNT = ("Tài khoản đã lập lượt này không còn hoạt động nên lượt dừng; các đơn vị đã xong được giữ nguyên. "
              "Người khác của đơn vị bấm lại để làm tiếp.")
_WORKER: dict[str, Store] = {}


def job_id(batch) -> str:
    """One queue job per start of a batch: a resumed batch's job does not collide with the one that died."""
    return f"kehoach-lo-{batch.id}-{batch.attempts or 1}"


class Launcher:
    """What the web process does with batches: start their job, and take up those whose worker stopped."""

    def __init__(self, sessions, storage: Path, redis: str | None):
        self.sessions, self.storage, self.redis = sessions, storage, jobs.redis_url(redis)

    @property
    def backend(self) -> str:
        return "rq" if self.redis else "process"

    def launch(self, batch_id: int) -> None:
        """Start the batch's job (after the transaction that created or revived it is committed)."""
        if not self.redis:
            threading.Thread(target=run, args=(batch_id,), kwargs={"sessions": self.sessions, "storage": self.storage},
                             daemon=True).start()
            return
        try:
            from redis import Redis
            from rq import Queue

            with self.sessions() as session:
                batch = session.get(BatchRow, batch_id)
            Queue(jobs.QUEUE, connection=Redis.from_url(self.redis)).enqueue(
                "authoring.web.workspace_batch.run", batch_id, job_id=job_id(batch), job_timeout=6 * 3600,
                result_ttl=0, failure_ttl=7 * 86400)
        except Exception as exc:  # the queue is down: the batch says so instead of waiting for nothing
            with self.sessions.begin() as session:
                jobs.close(session.get(BatchRow, batch_id), "failed", jobs.failure_text(exc))

    def running(self, session, plan_id: int, revived: list[int]):
        """The plan's running batch (a stale one taken up again: its id joins *revived*, to launch after commit)."""
        def revive(_session, batch) -> bool:
            if self._waiting(batch):     # not stale: its job is still waiting in the queue behind others
                batch.heartbeat_at = now()
                return True
            if jobs.take_over(batch):
                revived.append(batch.id)
                return True
            return False

        return jobs.running_batch(session, plan_id, revive)

    def check(self, plan_id: int) -> None:
        """Called by every page that shows a batch: one whose worker died never stays `running`."""
        revived: list[int] = []
        with self.sessions.begin() as session:
            self.running(session, plan_id, revived)
        for batch_id in revived:
            self.launch(batch_id)

    def check_all(self) -> None:
        with self.sessions() as session:
            plans = set(session.scalars(select(BatchRow.plan_id).where(BatchRow.state == "running")))
        for plan_id in plans:
            self.check(plan_id)

    def _waiting(self, batch) -> bool:
        if batch.backend != "rq" or not self.redis:
            return False
        try:
            from redis import Redis
            from rq.job import Job

            job = Job.fetch(job_id(batch), connection=Redis.from_url(self.redis))
            status = getattr(job.get_status(), "value", job.get_status())
        except Exception:  # no such job (expired, never queued) or no queue: judged by the heartbeat alone
            return False
        if status in ("queued", "deferred", "scheduled"):
            return True
        # Just taken by a worker that is still loading the program, before the job's first heartbeat.
        started = job.started_at.replace(tzinfo=None) if job.started_at else None
        return status == "started" and started is not None and started > now() - jobs.STALE

    def watch(self, every: float | None = None) -> None:
        """A watchdog thread: batches whose worker died are taken up even when nobody opens their page."""
        every = every or max(jobs.STALE.total_seconds() / 2, 1.0)

        def loop():
            while True:
                threading.Event().wait(every)
                try:
                    self.check_all()
                except Exception:  # a busy database: the next round tries again
                    pass

        threading.Thread(target=loop, daemon=True, name="kehoach-lo-canh-gac").start()


def _worker_store() -> Store:
    url = default_url()
    if url not in _WORKER:
        _WORKER[url] = Store(url)
    return _WORKER[url]


def _storage() -> Path:
    from .app import _data_dir
    from .workspace_site import storage_root

    return storage_root(_data_dir())


def run(batch_id: int, sessions=None, storage: Path | None = None) -> None:
    """The job: do what remains of the batch, writing each result and the progress to the database."""
    sessions = sessions or _worker_store().sessions
    storage = storage or _storage()
    with sessions() as session:
        batch = session.get(BatchRow, batch_id)
        if batch is None or batch.state != "running":
            return
        me = accounts.account(session, batch.user_id) if batch.user_id else None
        kind, plan_id, params = batch.kind, batch.plan_id, dict(batch.params or {})
    if me is None:
        with sessions.begin() as session:
            jobs.close(session.get(BatchRow, batch_id), "failed", NO_ACCOUNT)
        return
    token = CURRENT.set(RequestContext(me, str(params.get("address") or "")))
    try:
        with jobs.heartbeat(sessions, batch_id):
            if kind == "pdf":
                made = _pdfs(sessions, batch_id, plan_id, storage)
                summary = f"Xuất PDF cho {made} kế hoạch cấp xã"
                action = "xuat"
            else:
                _drafts(sessions, batch_id, plan_id, me, params)
                summary, action = None, "lap-cap-duoi"
        with sessions.begin() as session:
            batch = _locked(session, batch_id)
            if batch.state != "running":
                return
            jobs.close(batch, "finished")
            if summary is None:
                summary = (f"Lập dự thảo kế hoạch cho {batch.done} đơn vị cấp xã"
                           + (f" ({batch.failed} đơn vị chưa lập được)" if batch.failed else ""))
            audit.record(session, me, action, summary, plan_id)
    except Exception as exc:  # shown on the dashboard in words; the batch can be started again
        with sessions.begin() as session:
            batch = session.get(BatchRow, batch_id)
            if batch is not None and batch.state == "running":
                jobs.close(batch, "failed", jobs.failure_text(exc))
    finally:
        CURRENT.reset(token)


def _locked(session, batch_id: int) -> BatchRow:
    """The batch row, locked until the end of the transaction (PostgreSQL: the row; SQLite: the write lock)."""
    session.execute(update(BatchRow).where(BatchRow.id == batch_id).values(heartbeat_at=now()))
    return session.get(BatchRow, batch_id, populate_existing=True)


def _children(session, plan_id: int) -> list[tuple[int, int, str | None]]:
    return list(session.execute(
        select(PlanRow.id, PlanRow.head, UnitRow.name).join(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
        .outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
        .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False))))


def _drafts(sessions, batch_id: int, plan_id: int, me, params: dict) -> None:
    with sessions() as session:
        parent = session.get(PlanRow, plan_id)
        parent_text = session.scalar(select(VersionRow.yaml_text).where(VersionRow.plan_id == plan_id,
                                                                        VersionRow.number == parent.head))
        parent_label = f"{parent.issuer}: {parent.title[:120]}"
        have = {match_key(name or "") for _pid, _head, name in _children(session, plan_id)}
    failed = set((params.get("failed") or []))
    remaining = [u for u in params.get("units") or [] if match_key(u) not in have and u not in failed]

    def store_one(result: dict) -> None:
        with sessions.begin() as session:
            batch = _locked(session, batch_id)
            if batch.state != "running":
                return
            name = result["unit"]
            if any(match_key(n or "") == match_key(name) for _p, _h, n in _children(session, plan_id)):
                return   # stored by an earlier run of this batch
            if result["ok"]:
                save_derived(session, me, plan_id, parent_label, result, params.get("kinds") or {},
                             params.get("province") or "")
                batch.done += 1
            else:
                batch.failed += 1
                batch.messages = list(batch.messages or [])[-49:] + [f"{name}: {result['error']}"]
                batch.params = {**(batch.params or {}), "failed": [*((batch.params or {}).get("failed") or []), name]}

    if remaining:
        jobs.run_batch(f"ke-hoach-{plan_id}.yaml", parent_text, remaining, store_one,
                       workers=_pool_size(len(remaining)))


def _pool_size(count: int) -> int:
    wanted = os.environ.get("KEHOACH_BATCH_PROCESSES")
    return max(1, min(count, int(wanted) if wanted else min(os.cpu_count() or 2, 8)))


def save_derived(session, me, parent_plan_id: int, parent_label: str, result: dict, kinds: dict,
                 province_id: str) -> None:
    """One commune's draft stored as its plan, version 1 at the Dự thảo step (the audit entry joins the flush)."""
    name = result["unit"]
    unit = session.scalar(select(UnitRow).where(UnitRow.name == name))
    if unit is None:
        province_unit = session.get(UnitRow, me.unit_id)
        unit = accounts.add_unit(session, name, kinds.get(name, name.split()[0]), "xa", province_id, province_unit)
    try:
        tree_doc = dict(yamledit.load_tree(result["text"]).get("document") or {})
    except Exception:  # the title is only for lists; the plan itself is stored whatever happens
        tree_doc = {}
    title = str(tree_doc.get("title") or "")[:1000]
    issuer = str((tree_doc.get("issuer") or {}).get("name") or "")[:300]
    plan = PlanRow(title=title, issuer=issuer, origin=f"Lập từ kế hoạch của {parent_label}"[:500], head=1,
                   unit_id=unit.id, owner_id=me.id)
    session.add(plan)
    session.flush()
    session.add(VersionRow(plan_id=plan.id, number=1, yaml_text=result["text"],
                           note=f"Dự thảo lập từ kế hoạch của {parent_label}"[:500],
                           counts=result["counts"], format_ok=result["format_ok"], author_id=me.id,
                           analysis=result.get("kept")))
    flow = workflow.ensure(session, plan.id, unit.id)
    flow.parent_plan_id = parent_plan_id
    dashboard.keep_coverage(session, flow, 1, result["cells"], result["counts"])
    flow.updated_at = now()


def _pdfs(sessions, batch_id: int, plan_id: int, storage: Path) -> int:
    """PDF/A of the newest version of every commune plan; a resumed run keeps those this batch already made."""
    from .workspace_site import safe_path

    with sessions() as session:
        started = session.get(BatchRow, batch_id).started_at
        children = _children(session, plan_id)
        names = {pid: name or "một đơn vị chưa gán" for pid, _head, name in children}
        heads = {pid: head for pid, head, _name in children}
        items = []
        for pid, head, _name in children:
            path = safe_path(storage, "pdf", str(pid), f"v{head}.pdf")
            if path.is_file() and path.stat().st_mtime >= started.replace(tzinfo=timezone.utc).timestamp():
                continue
            items.append((pid, session.scalar(select(VersionRow.yaml_text).where(VersionRow.plan_id == pid,
                                                                                 VersionRow.number == head))))

    def store_one(result: dict) -> None:
        with sessions.begin() as session:
            batch = _locked(session, batch_id)
            if batch.state != "running":
                return
            if result["ok"]:
                folder = safe_path(storage, "pdf", str(result["plan"]))
                folder.mkdir(parents=True, exist_ok=True)
                target = safe_path(folder, f"v{heads[result['plan']]}.pdf")
                partial = target.with_suffix(".pdf.tmp")
                partial.write_bytes(result["pdf"])
                os.replace(partial, target)   # a worker killed while writing leaves no half PDF counted as made
                batch.done += 1
            else:
                batch.failed += 1
                batch.messages = list(batch.messages or [])[-49:] + [
                    f"Kế hoạch của {names.get(result['plan'], 'một đơn vị')}: {result['error']}"]

    if items:
        jobs.run_pdf_batch(items, store_one)
    with sessions() as session:
        return session.get(BatchRow, batch_id).done

