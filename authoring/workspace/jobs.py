"""Batch work: derive drafts (or PDFs) for every commune of a province in parallel processes, and the batch's life.

A batch is one queue job (authoring/web/workspace_batch.py, run by `rq worker kehoach` when KEHOACH_REDIS is set);
inside it, the communes are derived in this machine's processes (ProcessPoolExecutor). Each task gets the provincial
plan's text and one unit and returns the commune's draft, its check summary and its coverage cells. Here also: the
heartbeat, when a silent batch is stale, taking it over or closing it with its reason.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

QUEUE = "kehoach"
_PARENTS: dict[str, tuple[Path, object]] = {}
# A running batch writes its heartbeat every BEAT; one silent for STALE lost its worker (killed or restarted).
# KEHOACH_BATCH_STALE (seconds) shortens it for the fault tests.
STALE = timedelta(seconds=float(os.environ.get("KEHOACH_BATCH_STALE") or 120))
BEAT = STALE.total_seconds() / 8
# A batch whose worker died is started again this many times in all, then closed with the reason.
MAX_ATTEMPTS = 3
INTERRUPTED = ("Máy chủ đã dừng giữa chừng lượt này; các đơn vị đã xong được giữ nguyên. "
               "Bấm lại để làm tiếp cho các đơn vị còn lại.")
RESUMED = ("Tiến trình xử lý nền đã dừng giữa chừng; lượt được làm tiếp cho các đơn vị còn lại "
           "(lần chạy thứ {n}), các đơn vị đã xong được giữ nguyên.")
GAVE_UP = ("Lượt này đã dừng {n} lần vì tiến trình xử lý nền bị dừng giữa chừng; các đơn vị đã xong được giữ "
           "nguyên. Báo quản trị kiểm tra các tiến trình xử lý nền (rq worker), rồi bấm lại để làm tiếp cho các đơn "
           "vị còn lại.")


def failure_text(exc: BaseException) -> str:
    """What the dashboard says when a whole batch stopped: Vietnamese, what to do; the details go to the server log."""
    logging.getLogger("kehoach.jobs").error("lượt xử lý dừng", exc_info=exc)
    kind = f"{type(exc).__module__}.{type(exc).__name__}"
    if kind.startswith("redis.") or isinstance(exc, (ConnectionError, TimeoutError)):
        return ("Lỗi: không kết nối được hàng đợi xử lý của máy chủ. Báo quản trị kiểm tra dịch vụ hàng đợi và các "
                "tiến trình xử lý nền (chi tiết trong nhật ký máy chủ), rồi bấm lại.")
    return "Lỗi ngoài dự kiến khi chạy lượt này (chi tiết trong nhật ký máy chủ); báo quản trị, rồi bấm lại."


def is_stale(batch) -> bool:
    from .models import now

    return batch.state == "running" and (batch.heartbeat_at or batch.started_at) < now() - STALE


def close(batch, state: str, message: str | None = None) -> None:
    from .models import now

    batch.state, batch.finished_at = state, now()
    if message:
        batch.messages = list(batch.messages or [])[-49:] + [message]


def take_over(batch) -> bool:
    """A stale batch counts one more start and is alive again (True: the caller starts its job after the commit),
    or, stopped too often, is closed as failed with the reason in words."""
    from .models import now

    attempts = batch.attempts or 1
    if attempts >= MAX_ATTEMPTS:
        close(batch, "failed", GAVE_UP.format(n=attempts))
        return False
    batch.attempts, batch.heartbeat_at = attempts + 1, now()
    batch.messages = list(batch.messages or [])[-49:] + [RESUMED.format(n=attempts + 1)]
    return True


def running_batch(session: Session, plan_id: int, revive: Callable | None = None):
    """The plan's batch still running, or None. Takes the plan's workflow row for update first, so two server
    processes cannot both start (or take over) one. A batch whose heartbeat stopped is never left running:
    *revive(session, batch)* may bring it back (True), else it is closed as interrupted."""
    from .models import BatchRow, WorkflowRow

    session.get(WorkflowRow, plan_id, with_for_update=True)
    batch = session.scalar(select(BatchRow).where(BatchRow.plan_id == plan_id, BatchRow.state == "running"))
    if batch is not None and is_stale(batch):
        if revive is not None and revive(session, batch):
            return batch
        if batch.state == "running":
            close(batch, "failed", INTERRUPTED)
        return None
    return batch


@contextmanager
def heartbeat(sessions, batch_id: int, every: float | None = None):
    """While the body runs, a thread stamps the batch as alive every *every* seconds (the first stamp at once)."""
    from .models import BatchRow, now

    stop = threading.Event()
    with sessions.begin() as session:
        session.execute(update(BatchRow).where(BatchRow.id == batch_id).values(heartbeat_at=now()))

    every = every or BEAT

    def beat():
        while not stop.wait(every):
            try:
                with sessions.begin() as session:
                    session.execute(update(BatchRow).where(BatchRow.id == batch_id).values(heartbeat_at=now()))
            except Exception:   # a busy database: the next beat tries again, STALE leaves room for several
                pass

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def redis_url(explicit: str | None = None) -> str | None:
    return explicit or os.environ.get("KEHOACH_REDIS") or None


def _parent(parent_name: str, parent_text: str):
    """The provincial plan loaded once per worker process, in its own folder under its own name."""
    key = hashlib.sha256(f"{parent_name}\0{parent_text}".encode()).hexdigest()
    cached = _PARENTS.get(key)
    if cached is not None:
        return cached
    from ..loading import load_plan

    folder = Path(tempfile.mkdtemp(prefix="kehoach-lap-xa-"))
    path = folder / parent_name
    path.write_text(parent_text, encoding="utf-8")
    loaded, index = load_plan(path)
    if loaded is None or index.has_errors:
        raise ValueError("kế hoạch cấp trên còn lỗi định dạng")
    _PARENTS.clear()
    _PARENTS[key] = (folder, loaded)
    return folder, loaded


def derive_one(parent_name: str, parent_text: str, unit: str) -> dict:
    """One commune's draft: {'unit', 'ok', 'text', 'counts', 'format_ok', 'title', 'cells', 'kept', 'error'}
    ('kept': its check, kept with its first version so that its first opening does not check it again).

    Runs in a worker process (pool or RQ); everything it returns is plain data."""
    from ..lifecycle.derive import derive
    from ..text import slug

    try:
        folder, parent = _parent(parent_name, parent_text)
        output = folder / f"{slug(unit)}.yaml"
        text, _report = derive(parent, unit, output)
        output.write_text(text, encoding="utf-8")
        try:
            counts, format_ok, cells, kept = check_summary(output)
        finally:
            output.unlink(missing_ok=True)
        return {"unit": unit, "ok": True, "text": text, "counts": counts, "format_ok": format_ok, "cells": cells,
                "kept": kept, "error": ""}
    except Exception as exc:  # one commune's failure must not stop the batch; the message is shown to the user
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        findings = getattr(exc, "findings", None) or []
        if findings:
            message += " " + "; ".join(f.message for f in findings[:3])
        if not isinstance(exc, (ValueError,)) and not findings:
            message = f"lỗi chương trình ({type(exc).__name__}: {message})"
            traceback.print_exc()
        return {"unit": unit, "ok": False, "text": "", "counts": {}, "format_ok": False, "cells": {}, "error": message}


def check_summary(path: Path) -> tuple[dict, bool, dict, dict | None]:
    """`kehoach check` on a plan file (the plan loaded once): counts by severity, readable or not, coverage cells,
    and the check as kept with a version (rules/kept; None when not kept)."""
    from ..loading import load_plan
    from ..rules import kept as kept_check
    from ..rules.check import check_loaded
    from .dashboard import cells_of

    loaded, index = load_plan(path)
    counts = {"error": 0, "warning": 0, "info": 0}
    cells: dict = {}
    kept = None
    format_ok = loaded is not None and not index.has_errors
    if format_ok:
        report = check_loaded(loaded, index, load_parent=_load_parent_cached)
        cells = cells_of(loaded, report.coverage)
        kept = kept_check.keep(loaded, index.sorted(), report.coverage, report.parents)
    for finding in index:
        counts[finding.severity.value] += 1
    return counts, format_ok, cells, kept


_PARENT_FILES: dict[str, tuple] = {}


def _load_parent_cached(path: Path, registry):
    """A parent plan loaded once per worker process: twenty communes check against the same provincial plan."""
    from ..loading import load_plan

    key = str(path)
    if key not in _PARENT_FILES:
        _PARENT_FILES[key] = load_plan(path, registry)
    return _PARENT_FILES[key]


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0


def run_batch(parent_name: str, parent_text: str, units: list[str], on_result: Callable[[dict], None],
              workers: int | None = None) -> str:
    """Derive every unit's draft in this machine's processes; *on_result* is called in this thread as each one
    finishes. Run by a batch's queue job on the worker (authoring/web/workspace_batch.py), or by the CLI."""
    workers = workers or min(len(units), os.cpu_count() or 2, 8) or 1
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("forkserver")) as pool:
        futures = {pool.submit(derive_one, parent_name, parent_text, unit): unit for unit in units}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # a worker process died
                result = {"unit": futures[future], "ok": False, "text": "", "counts": {}, "format_ok": False,
                          "cells": {}, "error": f"tiến trình xử lý bị dừng ({type(exc).__name__})"}
            on_result(result)
    return "process"


# --- PDFs for many plans ------------------------------------------------------------------------

def pdf_chunk(items: list[tuple[int, str]]) -> list[dict]:
    """PDF/A of several plans with one LibreOffice start: [(plan id, YAML text)] → [{'plan', 'ok', 'pdf', 'error'}].

    Runs in a worker (RQ or a local process). Each plan is loaded from a private folder; a plan with format errors
    is reported, not converted."""
    from ..render.docx import render_docx
    from ..pdf.convert import docx_to_pdf
    from ..loading import load_plan

    folder = Path(tempfile.mkdtemp(prefix="kehoach-pdf-lo-"))
    out, pairs = [], []
    for plan_id, text in items:
        path = folder / f"ke-hoach-{plan_id}.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            loaded, index = load_plan(path)
            if loaded is None or index.has_errors:
                out.append({"plan": plan_id, "ok": False, "pdf": b"", "error": "kế hoạch còn lỗi định dạng"})
                continue
            docx = folder / f"ke-hoach-{plan_id}.docx"
            docx.write_bytes(render_docx(loaded))
            pairs.append((plan_id, docx, folder / f"ke-hoach-{plan_id}.pdf"))
        except Exception as exc:  # one plan's failure is reported with the others' results
            out.append({"plan": plan_id, "ok": False, "pdf": b"", "error": str(exc)[:300]})
    if pairs:
        try:
            docx_to_pdf([(docx, pdf) for _, docx, pdf in pairs], workers=1)  # each job already takes a core
            out.extend({"plan": plan_id, "ok": True, "pdf": pdf.read_bytes(), "error": ""} for plan_id, _, pdf in pairs)
        except Exception as exc:
            out.extend({"plan": plan_id, "ok": False, "pdf": b"", "error": f"không xuất được PDF ({exc})"[:300]}
                       for plan_id, _, _ in pairs)
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    return out


def run_pdf_batch(items: list[tuple[int, str]], on_result: Callable[[dict], None], chunk: int = 10) -> str:
    """PDFs of many plans in chunks (one LibreOffice start per chunk), in a local child process."""
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    # LibreOffice uses one profile: chunks run one after another in a single child process.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("forkserver")) as pool:
        for results in pool.map(pdf_chunk, chunks):
            for result in results:
                on_result(result)
    return "process"
