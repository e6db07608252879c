"""Benchmark: DOCX render time per example plan and for a generated 200-item plan.

    .venv/bin/python benchmarks/render.py [--repeat 5]

Prints the median wall time of `render_docx` (load excluded) for each plan.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.paths import EXAMPLES_DIR  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from synthetic import write_synthetic  # noqa: E402


def measure(path: Path, repeat: int) -> tuple[float, float, int]:
    loaded = load_plan_or_raise(path)
    start = time.perf_counter()
    load_plan_or_raise(path)
    load_time = time.perf_counter() - start
    times = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(render_docx(loaded))
        times.append(time.perf_counter() - start)
    return load_time, statistics.median(times), size


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    plans = sorted(EXAMPLES_DIR.glob("*.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        plans.append(write_synthetic(Path(tmp) / "tong-hop-200.yaml", 200))
        print(f"{'kế hoạch':45} {'đọc (s)':>9} {'xuất DOCX (s)':>14} {'kích thước':>11}")
        for path in plans:
            load_time, render_time, size = measure(path, args.repeat)
            print(f"{path.stem:45} {load_time:9.3f} {render_time:14.3f} {size:11,d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
