"""Benchmark: derive, check and render DOCX for 100 communes from one provincial plan.

    .venv/bin/python benchmarks/derive.py [--units 100]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402

PARENT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check" / "parent.yaml"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(PARENT, folder / "parent.yaml")
        parent = load_plan_or_raise(folder / "parent.yaml")
        timings = {"derive": 0.0, "check": 0.0, "render": 0.0}
        errors = 0
        for index in range(args.units):
            out = folder / f"xa-{index:03d}.yaml"
            start = time.perf_counter()
            text, _ = derive(parent, f"xã Thử Nghiệm {index}", out)
            out.write_text(text, encoding="utf-8")
            timings["derive"] += time.perf_counter() - start
            start = time.perf_counter()
            errors += run_check(out).index.has_errors
            timings["check"] += time.perf_counter() - start
            start = time.perf_counter()
            (folder / f"xa-{index:03d}.docx").write_bytes(render_docx(load_plan_or_raise(out)))
            timings["render"] += time.perf_counter() - start
    total = sum(timings.values())
    print(f"{args.units} xã: lập {timings['derive']:.1f} s, kiểm tra {timings['check']:.1f} s, "
          f"xuất DOCX {timings['render']:.1f} s; tổng {total:.1f} s ({total / args.units:.3f} s/xã); "
          f"kế hoạch có lỗi: {errors}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
