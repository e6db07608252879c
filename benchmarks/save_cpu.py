"""Benchmark: CPU of one save in the workspace (an edit of a commune plan's title), measured in process.

    .venv/bin/python benchmarks/save_cpu.py [--saves 40] [--baseline DIR] [--rounds 2] [--postgres] [--profile N]

CPU time (time.process_time) of the server's whole work for one save — parse, validate, check, the answer's HTML,
database writes, the audit entry and what runs after the reply — on SQLite (or, with --postgres, a throwaway
PostgreSQL cluster on 127.0.0.1 as benchmarks/workspace_load.py starts it), through the framework's test client.
--profile N prints the N costliest functions of the saves (cProfile, cumulative time) to standard error.
Unlike wall-clock latency under load, it hardly depends on what else the machine runs. With --baseline (another
checkout, e.g. a `git worktree` of main), the two checkouts are measured in turn, --rounds times each, each in its
own process, and the ratio of their medians is printed.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_RE = re.compile(r'id="base-version" name="base" value="(\d+)"')


def measure(code: Path, saves: int, postgres: bool = False, profile: int = 0) -> tuple[float, float]:
    """(p50, p95) CPU seconds of a save with the checkout *code*, the first five (warming caches) left out."""
    sys.path[:0] = [str(code), str(code / "tests" / "workspace")]
    tmp = tempfile.mkdtemp(prefix="kehoach-save-cpu-")
    os.environ["XDG_DATA_HOME"] = f"{tmp}/data"
    os.environ["KEHOACH_STORAGE"] = f"{tmp}/luu-tru"
    from authoring.workspace import accounts

    accounts.set_cost(1, 1024)   # logging in is not what is measured
    server = None
    if postgres:
        from ws_servers import Postgres

        server = Postgres()
        url = server.start()
    else:
        url = f"sqlite:///{tmp}/k.db"
    try:
        return _saves(app_url=url, saves=saves, profile=profile)
    finally:
        if server is not None:
            server.stop()


def _saves(app_url: str, saves: int, profile: int) -> tuple[float, float]:
    import cProfile
    import pstats

    from ws_support import User, derive_for, province_plan, seed

    from authoring.web.app import create_app

    url = app_url
    seed(url)

    app = create_app(url, workspace=True)
    officer = User(app, "cv.so")
    profiler = cProfile.Profile(time.process_time) if profile else None   # CPU, not waiting for the database
    plan = derive_for(officer, province_plan(officer), ["xã Anh Sơn"])["xã Anh Sơn"]
    commune = User(_profiled(app, profiler) if profiler is not None else app, "cv.anhson")
    base = int(BASE_RE.search(commune.get(f"/ke-hoach/{plan}").text).group(1))
    cpu = []
    for i in range(saves + 5):
        if profiler is not None:
            profiler.on = i >= 5
        start = time.process_time()
        reply = commune.htmx(f"/ke-hoach/{plan}/truong", {
            "base": str(base), "path": "document.title",
            "v": f"Thực hiện công tác bảo vệ trẻ em năm 2026 — bản sửa {i}"})
        assert reply.status_code == 200 and "Đã lưu phiên bản" in reply.text, reply.text[:300]
        base = int(BASE_RE.search(reply.text).group(1))
        time.sleep(0.25)   # the work after the reply (the audit's detail entry) runs in this pause
        if i >= 5:
            cpu.append(time.process_time() - start)
    if profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(profile)
        stats.sort_stats("tottime").print_stats(profile // 2)
        if os.environ.get("KEHOACH_PROFILE_OUT"):
            stats.dump_stats(os.environ["KEHOACH_PROFILE_OUT"])
    cpu.sort()
    return statistics.median(cpu), cpu[min(len(cpu) - 1, round(0.95 * (len(cpu) - 1)))]


def _profiled(app, profiler):
    """*app* with each request profiled in the thread that serves it: the work the server hands to worker threads
    runs inline instead (cProfile sees one thread only), which changes the order of nothing in one request."""
    import anyio.to_thread

    async def inline(func, *args, **_kw):
        return func(*args)

    anyio.to_thread.run_sync = inline
    profiler.on = False

    async def wrapped(scope, receive, send):
        if not profiler.on:
            return await app(scope, receive, send)
        profiler.enable()
        try:
            return await app(scope, receive, send)
        finally:
            profiler.disable()

    return wrapped


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--saves", type=int, default=40)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured in turn with this one")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster instead of SQLite")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print the N costliest functions")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)   # a child: measure that checkout once
    args = parser.parse_args()
    if args.one:
        p50, p95 = measure(args.one, args.saves, args.postgres, args.profile)
        print(f"{p50 * 1000:.1f} {p95 * 1000:.1f}")
        return 0
    checkouts = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
    results: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
    for _ in range(args.rounds):
        for checkout in checkouts:
            extra = (["--postgres"] if args.postgres else []) + (["--profile", str(args.profile)] if args.profile else [])
            run = subprocess.run([sys.executable, "-P", __file__, "--one", str(checkout), "--saves", str(args.saves),
                                  *extra], capture_output=True, text=True, cwd=tempfile.gettempdir())
            if run.returncode != 0 or not run.stdout.strip():
                print(run.stderr[-2000:], file=sys.stderr)
                return 1
            if args.profile:
                print(run.stderr, file=sys.stderr)
            p50, p95 = map(float, run.stdout.split()[-2:])
            results[checkout].append((p50, p95))
            print(f"{str(checkout):40} CPU một lần lưu: p50 {p50:5.1f} ms, p95 {p95:5.1f} ms "
                  f"(tải {os.getloadavg()[0]:.1f})", flush=True)
    if args.baseline:
        mine = statistics.median(p50 for p50, _ in results[ROOT])
        theirs = statistics.median(p50 for p50, _ in results[checkouts[1]])
        print(f"tỷ lệ p50 (mã này / mốc): {mine / theirs:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
