"""A workspace server that times each request (thread CPU, database, audit-chain lock, COMMIT, pool, GC pauses) for workspace_load.py --trace."""

# Started as `uvicorn --factory trace_server:factory` with benchmarks/ on PYTHONPATH and KEHOACH_TRACE=<folder>; each
# process writes one JSON-lines file at shutdown, joined by the load generator to its own timings (X-Bench-Id header).

from __future__ import annotations

import contextvars
import gc
import json
import os
import threading
import time

current: contextvars.ContextVar[dict | None] = contextvars.ContextVar("kehoach_trace", default=None)
records: list[dict] = []
pauses: list[tuple[float, float, int, int]] = []   # (start, seconds, generation, collected)
_gc_start = [0.0]
_lock = threading.Lock()


def _on_gc(phase: str, info: dict) -> None:
    if phase == "start":
        _gc_start[0] = time.time()
    else:
        pauses.append((_gc_start[0], time.time() - _gc_start[0], info["generation"], info["collected"]))


def _add(key: str, seconds: float) -> None:
    record = current.get()
    if record is not None:
        record[key] = record.get(key, 0.0) + seconds


def _instrument() -> None:
    import anyio.to_thread
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import Pool

    gc.callbacks.append(_on_gc)

    original_run_sync = anyio.to_thread.run_sync

    async def run_sync(func, *args, **kwargs):
        asked = time.time()

        def timed(*a):
            _add("pool_thread_wait", time.time() - asked)
            start = time.thread_time()
            try:
                return func(*a)
            finally:
                _add("thread_cpu", time.thread_time() - start)

        return await original_run_sync(timed, *args, **kwargs)

    anyio.to_thread.run_sync = run_sync

    original_connect = Pool.connect

    def connect(self):
        start = time.time()
        try:
            return original_connect(self)
        finally:
            _add("db_pool_wait", time.time() - start)

    Pool.connect = connect

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["trace_t0"] = time.time()

    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        now = time.time()
        spent = now - conn.info.pop("trace_t0", now)
        _add("db", spent)
        _add("db_statements", 1)
        if "UPDATE ws_audit_head SET entries" in statement and not cursor.rowcount:
            _add("audit_chain_retry", 1)   # another writer moved the head first: this one locks it and writes again
        if ("pg_advisory_xact_lock" in statement or "UPDATE ws_audit SET id = id" in statement
                or ("FROM ws_audit_head" in statement and "FOR UPDATE" in statement)
                or ("UPDATE ws_audit_head SET entries" in statement and cursor.rowcount
                    and "audit_lock_at" not in (current.get() or {}))):
            _add("audit_lock_wait", spent)
            record = current.get()
            if record is not None:
                record["audit_lock_at"] = now

    @event.listens_for(Session, "after_begin")
    def _begin(session, transaction, connection):
        session.info["trace_begin"] = time.time()

    @event.listens_for(Session, "before_commit")
    def _before_commit(session):
        session.info["trace_commit"] = time.time()

    @event.listens_for(Session, "after_commit")
    def _after_commit(session):
        now = time.time()
        _add("commit", now - session.info.pop("trace_commit", now))
        record = current.get()
        if record is not None and record.get("audit_lock_at"):
            _add("audit_lock_held", now - record.pop("audit_lock_at"))


class Trace:
    """Outermost ASGI middleware: one record per HTTP request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            # uvicorn ends on SIGTERM by raising the signal again, so atexit never runs: write at shutdown
            async def shutting(message):
                if message["type"] == "lifespan.shutdown.complete":
                    _write()
                await send(message)

            return await self.app(scope, receive, shutting)
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        record = {"pid": os.getpid(), "method": scope["method"], "path": scope["path"],
                  "id": headers.get(b"x-bench-id", b"").decode() or None, "t0": time.time(),
                  "cpu_process0": time.process_time()}
        token = current.set(record)

        async def sending(message):
            if message["type"] == "http.response.start":
                record["status"] = message["status"]
            if message["type"] == "http.response.body" and not message.get("more_body"):
                record["t1"] = time.time()
                record["cpu_process"] = time.process_time() - record.pop("cpu_process0")
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            current.reset(token)
            record.setdefault("t1", time.time())
            with _lock:
                records.append(record)


def _write() -> None:
    folder = os.environ.get("KEHOACH_TRACE")
    if not folder:
        return
    with open(os.path.join(folder, f"server-{os.getpid()}.jsonl"), "w", encoding="utf-8") as out:
        for record in records:
            record.pop("cpu_process0", None)
            out.write(json.dumps(record) + "\n")
        for start, seconds, generation, collected in pauses:
            out.write(json.dumps({"gc": generation, "t0": start, "seconds": seconds, "collected": collected}) + "\n")
        out.write(json.dumps({"gc_threshold": gc.get_threshold(), "gc_frozen": gc.get_freeze_count(),
                              "gc_counts": gc.get_count()}) + "\n")


def factory():
    from authoring.web.workspace_app import factory as workspace_factory

    _instrument()
    return Trace(workspace_factory())
