"""Benchmark: every commune, ward and đặc khu of plans/registry/units/ derived from a plan of its province.

    .venv/bin/python benchmarks/every_unit.py [--province nghe-an] [--render N] [--parent plans/examples/….yaml]

Per province: units, drafts derived, drafts with 0 errors in kehoach check, DOCX rendered (the first N units of each
province, default 1), seconds. The province plan is tests/fixtures/units/province-plan.yaml filled for the province,
or --parent (a real plan of the one --province given, e.g. the Nghệ An 2025 plan whose duties go to the districts).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.loading import load_plan_or_raise, units  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402
from helpers import province_plan  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", action="append", help="province id (default: all 34)")
    parser.add_argument("--render", type=int, default=1, help="DOCX rendered for the first N units of each province")
    parser.add_argument("--parent", help="a real plan of the (one) --province to derive from")
    args = parser.parse_args()
    provinces = units.load_provinces()
    chosen = args.province or sorted(provinces)
    print("| Tỉnh/thành | Nghị quyết | Đơn vị | Lập được | 0 lỗi check | DOCX | Giây |")
    print("|---|---|---:|---:|---:|---:|---:|")
    totals = [0, 0, 0, 0, 0.0]
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for pid in chosen:
            province = provinces[pid]
            parent = load_plan_or_raise(Path(args.parent) if args.parent else province_plan(province, folder))
            start = time.perf_counter()
            derived = clean = rendered = 0
            for n, unit in enumerate(province.units):
                out = folder / f"{pid}-{n}.yaml"
                try:
                    text, _ = derive(parent, unit.name, out)
                except Exception as exc:  # counted and listed, the run goes on
                    failures.append(f"{unit.name} ({province.name}): {getattr(exc, 'message', exc)}")
                    continue
                out.write_text(text, encoding="utf-8")
                derived += 1
                report = run_check(out)
                if report.index.has_errors:
                    failures.append(f"{unit.name} ({province.name}): "
                                    + "; ".join(f.message for f in report.index.findings if f.severity.value == "error"))
                else:
                    clean += 1
                if n < args.render and render_docx(load_plan_or_raise(out)):
                    rendered += 1
                out.unlink()
            seconds = time.perf_counter() - start
            print(f"| {province.name} | {province.resolution} | {len(province.units)} | {derived} | {clean} | {rendered} "
                  f"| {seconds:.1f} |")
            for i, value in enumerate((len(province.units), derived, clean, rendered, seconds)):
                totals[i] += value
    print(f"| **Tổng** | | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | {totals[4]:.1f} |")
    for failure in failures[:50]:
        print("  -", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
