"""Kill -9 of the workspace's server and worker, many times: during saves, during issues (số from the register) and
during "lập cho mọi xã" batches; prints what was confirmed, lost, left without its audit entry, stuck, numbered
twice or skipped (issue 24's "20 kill cycles, 0 lost, 0 missing, 0 stuck").

Bounded: loopback only, a fresh database (and Redis) in a temporary folder; saves ~4 s a cycle, issues ~5 s, batches
~30 s (three communes, and up to 10 s before a dead worker's batch is taken up).

    .venv/bin/python benchmarks/fault_kill.py                          # SQLite, 20 cycles of each kind
    .venv/bin/python benchmarks/fault_kill.py --postgres --kind issue  # a throwaway PostgreSQL cluster
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "workspace"))
sys.path.insert(0, str(ROOT / "tests" / "security"))

BAD = {"saves": ("lost", "missing_audit"),
       "issue": ("lost", "missing_audit", "gaps", "duplicates", "broken", "audit_problems"),
       "batch": ("stuck", "duplicates", "missing_audit", "audit_problems")}


def describe(kind: str, f: dict) -> str:
    if kind == "saves":
        return (f"lưu: {f['kills']} lần kill -9 máy chủ, {f['confirmed']} lần lưu được xác nhận, {f['lost']} bị mất, "
                f"{f['missing_audit']} phiên bản thiếu mục nhật ký")
    if kind == "issue":
        return (f"ban hành: {f['kills']} lần kill -9 máy chủ ({f['interrupted']} giữa một yêu cầu ban hành), "
                f"{f['confirmed']} lần ban hành được xác nhận, {f['issued']} kế hoạch đã ban hành, {f['lost']} bị mất, "
                f"{f['missing_audit']} thiếu mục nhật ký, {f['gaps']} số bị bỏ trống, {f['duplicates']} số trùng, "
                f"{f['broken']} ban hành dở dang, {f['audit_problems']} chỗ nhật ký không khớp")
    return (f"lập cho mọi xã: {f['kills']} lần kill -9 ({f['worker_kills']} worker, {f['web_kills']} máy chủ web; "
            f"{f['mid_batch']} giữa lượt), {f['batches']} lượt: {f['finished']} xong, {f['failed']} dừng có lý do, "
            f"{f['stuck']} kẹt; {f['drafts']} dự thảo, {f['duplicates']} xã bị lập hai lần, {f['missing_audit']} "
            f"thiếu mục nhật ký, {f['audit_problems']} chỗ nhật ký không khớp")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--kind", choices=["saves", "issue", "batch", "all"], default="all")
    args = parser.parse_args()
    from authoring.workspace import accounts
    from kill_cycles import run_batch_cycles, run_cycles, run_issue_cycles
    from ws_servers import Postgres, Redis

    accounts.set_cost(1, 1024)   # the seeded accounts: the cycles measure faults, not password hashing
    kinds = ["saves", "issue", "batch"] if args.kind == "all" else [args.kind]
    failed = False
    cluster = None
    if args.postgres:
        cluster = Postgres()
        cluster.start()
    try:
        for kind in kinds:
            with tempfile.TemporaryDirectory(prefix="kehoach-kill-") as tmp:
                url = (cluster.create_database(f"k_{uuid.uuid4().hex[:8]}") if cluster
                       else f"sqlite:///{Path(tmp) / 'kehoach.db'}")
                started = time.time()
                if kind == "saves":
                    figures = run_cycles(url, Path(tmp), args.cycles)
                elif kind == "issue":
                    figures = run_issue_cycles(url, Path(tmp), args.cycles)
                else:
                    redis = Redis()
                    try:
                        figures = run_batch_cycles(url, redis.start(), Path(tmp), args.cycles)
                    finally:
                        redis.stop()
            failed |= any(figures[bad] for bad in BAD[kind])
            print(f"{'PostgreSQL' if cluster else 'SQLite'}, {describe(kind, figures)} ({time.time() - started:.0f} s)",
                  flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
