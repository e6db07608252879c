"""Benchmark: whole-process CPU seconds of `kehoach` commands (start-up included), as a user feels them.

    .venv/bin/python benchmarks/startup.py [--repeat 5] [--kehoach .venv/bin/kehoach]
    .venv/bin/python benchmarks/startup.py --baseline /path/to/other/checkout --repeat 11 --pairs 3 \
        --only=--help,validate,check --plans kon-tum

Each command runs as its own process; the figure is the user + system CPU time of that child process
(resource.getrusage(RUSAGE_CHILDREN)), the median of --repeat runs. `render` writes to a temporary folder. Byte-code
is written and used (PYTHONDONTWRITEBYTECODE is dropped), as an installed user has it.

With --baseline, the same entry point runs this checkout's code and the baseline checkout's (PYTHONPATH), one run of
each in turn, so that both see the same load; each of --pairs rounds prints both medians and their ratio. Both use
one private cache folder (XDG_CACHE_HOME), warmed first, so that other users of the machine do not evict it.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "plans" / "examples").glob("*.yaml"))


def cpu_seconds(command: list[str], env: dict | None = None) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _env(code: Path, cache: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPATH=str(code), XDG_CACHE_HOME=cache)
    return env


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--kehoach", default=str(ROOT / ".venv" / "bin" / "kehoach"))
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with, run in turn")
    parser.add_argument("--pairs", type=int, default=1, help="with --baseline: rounds of paired medians")
    parser.add_argument("--only", default="", help="commands to run, e.g. --only=--help,validate,check")
    parser.add_argument("--plans", default="", help="examples whose name contains one of these words, e.g. 'kon-tum'")
    args = parser.parse_args()
    exe = [args.kehoach]
    only = {word.strip() for word in args.only.split(",") if word.strip()}
    plans = [p for p in EXAMPLES if not args.plans or any(w in p.name for w in args.plans.split(","))]
    rows: list[tuple[str, list[str]]] = [("kehoach --help", exe + ["--help"])]
    with tempfile.TemporaryDirectory() as tmp:
        for plan in plans:
            name = plan.stem
            rows.append((f"validate {name}", exe + ["validate", str(plan)]))
            rows.append((f"check {name}", exe + ["check", str(plan)]))
            rows.append((f"render {name}", exe + ["render", str(plan), "-o", str(Path(tmp) / f"{name}.docx")]))
        if only:
            rows = [(label, command) for label, command in rows if command[1] in only]
        cache = str(Path(tmp) / "cache")
        codes = [ROOT] + ([args.baseline.resolve()] if args.baseline else [])
        envs = [_env(code, cache) for code in codes]
        for _, command in rows:  # warm the file cache, the byte-code and kehoach's own caches
            for env in envs:
                cpu_seconds(command, env)
        if not args.baseline:
            print(f"{'lệnh':55} {'CPU (s)':>8}")
            for label, command in rows:
                times = [cpu_seconds(command, envs[0]) for _ in range(args.repeat)]
                print(f"{label:55} {statistics.median(times):8.3f}")
                sys.stdout.flush()
            return 0
        print(f"{'lệnh':45} {'lượt':>4} {'gốc (s)':>8} {'nhánh (s)':>9} {'nhánh/gốc':>9}  tải")
        for label, command in rows:
            for round_ in range(1, args.pairs + 1):
                branch, base = [], []
                for _ in range(args.repeat):  # one run of each in turn: both see the same load
                    base.append(cpu_seconds(command, envs[1]))
                    branch.append(cpu_seconds(command, envs[0]))
                b, n = statistics.median(base), statistics.median(branch)
                print(f"{label:45} {round_:>4} {b:8.3f} {n:9.3f} {n / b:9.2f}  {os.getloadavg()[0]:.1f}")
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
