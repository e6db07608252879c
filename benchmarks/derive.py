"""Benchmark: derive on the real pairs (how close to the real plans), the 2026 chain, and 100 communes.

    .venv/bin/python benchmarks/derive.py [--units 100] [--skip-units]

1. Each national decision in plans/directives/ derived for the province whose real plan is in plans/examples/
   (in the real plan's year): (a) share of the agencies the real plan gives duties to that the draft also gives
   duties to; (b) the real plan's reporting deadlines (period and day) and linked targets the draft proposes.
2. For each example: new-year --year 2026, then a xã and a phường from it, and a xã directly from the example:
   errors and warnings of kehoach check, DOCX rendered.
3. Timing: derive, check and render DOCX for N communes from one provincial plan.
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
from authoring.lifecycle.measure import CHAIN, REAL_PAIRS, compare, example_path, parents_of, run_chain  # noqa: E402
from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402

PARENT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "check" / "parent.yaml"


def real_pairs(folder: Path) -> None:
    print("1. Trung ương → tỉnh, so với kế hoạch thật")
    print("| Văn bản cấp trên → tỉnh (năm) | (a) cơ quan được giao nhiệm vụ | dự thảo giao thêm | (b) hạn báo cáo "
          "(kỳ + ngày) | kỳ báo cáo | chỉ tiêu có liên kết | check | DOCX |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    shares = []
    for ids, unit, stem, year in REAL_PAIRS:
        out = folder / f"{stem}-du-thao.yaml"
        text, _ = derive(parents_of(ids), unit, out, year=year)
        out.write_text(text, encoding="utf-8")
        draft, real = load_plan_or_raise(out), load_plan_or_raise(example_path(stem))
        c = compare(draft, real)
        shares.append(c.agency_share)
        summary = run_check(out).index.summary()
        size = len(render_docx(draft))
        extra = len(c.draft_agencies - c.real_agencies)
        missing = ", ".join(sorted(c.real_agencies - c.draft_agencies)) or "—"
        print(f"| {' + '.join(ids)} → {unit} ({year}) | {len(c.real_agencies & c.draft_agencies)}/{len(c.real_agencies)} "
              f"= {c.agency_share:.0%} (thiếu: {missing}) | {extra} | {c.deadlines_proposed}/{len(c.real_deadlines)} | "
              f"{c.periods_proposed}/{len(c.real_periods)} | {c.targets_proposed}/{len(c.real_linked_targets)} | "
              f"{summary['errors']} lỗi, {summary['warnings']} cảnh báo | {size:,} B |".replace(f"{size:,}", f"{size:,}".replace(",", " ")))
    print(f"Trung bình (a): {sum(shares) / len(shares):.0%}\n")


def chain(folder: Path) -> int:
    print("2. Chuỗi 2026 trên từng kế hoạch mẫu (new-year --year 2026; derive xã, phường; derive xã trực tiếp)")
    print("| Bước | Từ | Đơn vị | Lỗi | Cảnh báo | Thời gian (s) |")
    print("|---|---|---|---:|---:|---:|")
    failures = 0
    for stem in CHAIN:
        for step in run_chain(stem, folder):
            failures += step.errors > 0
            print(f"| {step.what} | {step.source} | {step.unit or '—'} | {step.errors} | {step.warnings} | "
                  f"{step.seconds:.2f} |")
    print(f"Bước có lỗi: {failures}\n")
    return failures


def many_units(folder: Path, count: int) -> None:
    shutil.copy(PARENT, folder / "parent.yaml")
    parent = load_plan_or_raise(folder / "parent.yaml")
    timings = {"derive": 0.0, "check": 0.0, "render": 0.0}
    errors = 0
    cpu = time.process_time()
    for index in range(count):
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
    cpu = time.process_time() - cpu
    print(f"3. {count} xã: lập {timings['derive']:.1f} s, kiểm tra {timings['check']:.1f} s, "
          f"xuất DOCX {timings['render']:.1f} s; tổng {total:.1f} s ({total / count:.3f} s/xã); "
          f"thời gian CPU {cpu:.1f} s ({cpu / count:.3f} s/xã); kế hoạch có lỗi: {errors}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--skip-units", action="store_true", help="Bỏ phép đo tốc độ nhiều xã.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        real_pairs(folder)
        failures = chain(folder)
        if not args.skip_units:
            many_units(folder, args.units)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
