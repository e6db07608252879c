"""Benchmark: whole-process CPU seconds of `kehoach` commands (start-up included), as a user feels them.

    .venv/bin/python benchmarks/startup.py [--repeat 5] [--kehoach .venv/bin/kehoach]

Each command runs as its own process; the figure is the user + system CPU time of that child process
(resource.getrusage(RUSAGE_CHILDREN)), the median of --repeat runs. `render` writes to a temporary folder.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "plans" / "examples").glob("*.yaml"))


def cpu_seconds(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kehoach", default=str(ROOT / ".venv" / "bin" / "kehoach"))
    args = parser.parse_args()
    exe = [args.kehoach]
    rows: list[tuple[str, list[str]]] = [("kehoach --help", exe + ["--help"])]
    with tempfile.TemporaryDirectory() as tmp:
        for plan in EXAMPLES:
            name = plan.stem
            rows.append((f"validate {name}", exe + ["validate", str(plan)]))
            rows.append((f"check {name}", exe + ["check", str(plan)]))
            rows.append((f"render {name}", exe + ["render", str(plan), "-o", str(Path(tmp) / f"{name}.docx")]))
        for _, command in rows:  # warm the file cache and write the byte-code caches
            cpu_seconds(command)
        print(f"{'lệnh':55} {'CPU (s)':>8}")
        for label, command in rows:
            times = [cpu_seconds(command) for _ in range(args.repeat)]
            print(f"{label:55} {statistics.median(times):8.3f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
