"""Kill -9 of the workspace server during saves, many times: prints how many saves were confirmed, lost, and left
without their audit entry (issue 24's "20 kill cycles, 0 lost, 0 missing").

Bounded: loopback only, a fresh database in a temporary folder, about 4 s per cycle plus a server start.

    .venv/bin/python benchmarks/fault_kill.py                   # SQLite, 20 cycles
    .venv/bin/python benchmarks/fault_kill.py --postgres        # a throwaway PostgreSQL cluster
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    from kill_cycles import run_cycles
    from ws_servers import Postgres

    with tempfile.TemporaryDirectory(prefix="kehoach-kill-") as tmp:
        cluster = None
        if args.postgres:
            cluster = Postgres()
            cluster.start()
            url = cluster.create_database(f"k_{uuid.uuid4().hex[:8]}")
        else:
            url = f"sqlite:///{Path(tmp) / 'kehoach.db'}"
        started = time.time()
        try:
            figures = run_cycles(url, Path(tmp), args.cycles)
        finally:
            if cluster is not None:
                cluster.stop()
    print(f"{'PostgreSQL' if args.postgres else 'SQLite'}: {figures['kills']} lần kill -9, "
          f"{figures['confirmed']} lần lưu được xác nhận, {figures['lost']} bị mất, "
          f"{figures['missing_audit']} phiên bản thiếu mục nhật ký ({time.time() - started:.0f} s)")
    return 1 if figures["lost"] or figures["missing_audit"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
