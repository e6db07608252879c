"""Benchmark and demonstration: communes' 6-month results → their Báo cáo → the province's roll-up and Báo cáo.

    .venv/bin/python benchmarks/report.py [--communes 20] [--units 3321] [-d OUT_DIR]

1. The Nghệ An 2025 plan derived for N communes of plans/registry/units/nghe-an.yaml; each commune's results for
   2026-H1 generated (seeded, so the same every run), written through the results writer, checked against its plan;
   each commune's own Báo cáo rendered and linted.
2. The province's Báo cáo built from the communes' figures (lifted onto the province plan through the links), with
   two communes that did not report and the same period of 2025 beside each target; linted.
3. Roll-up time for U generated units (results in memory) and the time to render its Báo cáo.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.lifecycle.report import compare, lift_results, render_report, results_form, rollup  # noqa: E402
from authoring.loading import LoadedPlan, load_plan_or_raise, units  # noqa: E402
from authoring.loading.results import LoadedResults, load_results, results_to_yaml  # noqa: E402
from authoring.loading.yamlio import SourceMap  # noqa: E402
from authoring.model.results import WorkStatus  # noqa: E402
from authoring.rules.docx import lint_docx  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = ROOT / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"
PERIOD = "2026-H1"
LAST_YEAR = "2025-H1"   # the same period a year before: the province's report shows the change
WEIGHTS = {WorkStatus.DONE: 5, WorkStatus.IN_PROGRESS: 3, WorkStatus.NOT_STARTED: 1, WorkStatus.NOT_DONE: 1}
REASONS = ["Thiếu kinh phí", "Thiếu cán bộ chuyên trách", "Chưa có hướng dẫn của cấp trên"]


def fill(form, rng: random.Random):
    """A unit's figures as generated data: seeded, so the same every run (also used by the pipeline's test)."""
    for entry in form.targets:
        entry.value = float(rng.choice([0, 1, 1, 2, 3]))
        entry.source = "Sổ theo dõi của Ủy ban nhân dân cấp xã"
    for entry in form.work:
        entry.status = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if entry.status is WorkStatus.NOT_DONE:
            entry.account = rng.choice(REASONS)
    if rng.random() < 0.3:
        form.difficulties = rng.choice(REASONS)
    return form


def units_of_nghe_an() -> list[str]:
    return [u.name for u in units.load_provinces()["nghe-an"].units]


def lint(path: Path) -> int:
    return len([f for f in lint_docx(path)])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=20)
    parser.add_argument("--units", type=int, default=3321)
    parser.add_argument("-d", "--output-dir", type=Path)
    args = parser.parse_args()
    out = args.output_dir or Path(tempfile.mkdtemp(prefix="kehoach-report-"))
    out.mkdir(parents=True, exist_ok=True)
    province = load_plan_or_raise(PROVINCE)
    names = units_of_nghe_an()
    chosen, absent = names[: args.communes], names[args.communes: args.communes + 2]
    rng = random.Random(27)
    lifted, last_year, findings, commune_lint = [], [], 0, 0
    started = time.perf_counter()
    for name in chosen:
        text, _ = derive([province], name, None, 5, 2026)
        plan_file = out / f"{name}.yaml"
        plan_file.write_text(text, encoding="utf-8")
        own = load_plan_or_raise(plan_file)
        form = fill(results_form(own.plan, f"Ủy ban nhân dân {name}", PERIOD), rng)
        results_file = out / f"ket-qua-{name}-{PERIOD}.yaml"
        results_file.write_text(results_to_yaml(form, plan=own.plan), encoding="utf-8")
        loaded, index = load_results(results_file, own.plan)
        findings += len(index)
        docx = out / f"bao-cao-{name}-{PERIOD}.docx"
        docx.write_bytes(render_report(own, rollup(own.plan, [loaded], PERIOD)))
        commune_lint += lint(docx)
        lifted.append(LoadedResults(lift_results(loaded.results, own.plan, province.plan), results_file,
                                    loaded.source))
        before = fill(results_form(own.plan, f"Ủy ban nhân dân {name}", LAST_YEAR), rng)
        last_year.append(LoadedResults(lift_results(before, own.plan, province.plan), results_file, loaded.source))
    communes_s = time.perf_counter() - started
    roll = compare(rollup(province.plan, lifted, PERIOD, chosen + absent), rollup(province.plan, last_year, LAST_YEAR))
    province_docx = out / f"bao-cao-tinh-{PERIOD}.docx"
    province_docx.write_bytes(render_report(province, roll))
    print(f"{len(chosen)} xã: kế hoạch, kết quả, báo cáo trong {communes_s:.1f} s; {findings} phát hiện trong tệp kết "
          f"quả; {commune_lint} lỗi lint-docx trong các báo cáo của xã.")
    print(f"Báo cáo của tỉnh: {province_docx} — {len(roll.units)} xã đã báo cáo, chưa báo cáo: "
          f"{', '.join(roll.missing)}; lint-docx: {lint(province_docx)} lỗi.")

    # 3. the roll-up of a whole country's communes, results in memory
    base = results_form(province.plan, "x", PERIOD)
    many = []
    for i in range(args.units):
        form = fill(base.model_copy(deep=True, update={"unit": f"Ủy ban nhân dân xã Số {i + 1}"}), rng)
        many.append(LoadedResults(form, Path(f"{i}.yaml"), SourceMap(f"{i}.yaml")))
    started = time.perf_counter()
    big = rollup(province.plan, many, PERIOD)
    roll_s = time.perf_counter() - started
    started = time.perf_counter()
    data = render_report(LoadedPlan.from_model(province.plan, PROVINCE, province.registry), big)
    render_s = time.perf_counter() - started
    print(f"Tổng hợp {args.units} đơn vị ({len(base.work)} nhiệm vụ, {len(base.targets)} chỉ tiêu mỗi đơn vị): "
          f"{roll_s:.2f} s; báo cáo DOCX {len(data) // 1024} KB trong {render_s:.2f} s.")


if __name__ == "__main__":
    main()
