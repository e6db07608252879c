"""Benchmark: a whole province's commune plans — derive, check, DOCX and PDF/A — with the time of each stage.

    .venv/bin/python benchmarks/province.py [--province nghe-an] [--count 130] [--baseline 5]

The stages call what `kehoach derive --units … --render --pdf` calls, in one process. Beside each stage, a baseline
measured in the same run: python-docx opening the template (render), one `soffice --convert-to` per file (PDF, on
the first --baseline files). Prints the machine's load and the number of LibreOffice workers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from authoring.fileio import write_atomic  # noqa: E402
from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.loading import load_plan_or_raise, units  # noqa: E402
from authoring.pdf.convert import docx_to_pdf  # noqa: E402
from authoring.pdf.office import PDF_FILTER, _profile, find_soffice, worker_count  # noqa: E402
from authoring.render.docx import choose_template, render_docx  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402
from helpers import province_plan  # noqa: E402


def timed(label: str, count: int, seconds: float, rows: list) -> None:
    rows.append((label, seconds, seconds / max(count, 1)))
    print(f"  {label:48} {seconds:7.2f} s  ({seconds / max(count, 1) * 1000:6.0f} ms mỗi văn bản)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="nghe-an")
    parser.add_argument("--count", type=int, default=130, help="how many of the province's units (default 130)")
    parser.add_argument("--baseline", type=int, default=5, help="files converted one soffice per file, for the ratio")
    args = parser.parse_args()
    province = units.load_provinces()[args.province]
    chosen = [unit.name for unit in province.units][: args.count]
    print(f"{province.name}: {len(chosen)} đơn vị; tải máy (1/5/15 phút) {os.getloadavg()[0]:.1f} / "
          f"{os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f}; {os.cpu_count()} lõi; "
          f"{worker_count(len(chosen))} LibreOffice song song")
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        parent = load_plan_or_raise(province_plan(province, folder))
        wall = time.perf_counter()

        start = time.perf_counter()
        drafts = []
        for n, name in enumerate(chosen):
            text, _ = derive(parent, name, None)
            target = folder / f"{n:03d}.yaml"  # beside the parent, where check finds it
            write_atomic(target, text.encode("utf-8"))
            drafts.append(target)
        timed("lập dự thảo (derive)", len(drafts), time.perf_counter() - start, rows)

        start = time.perf_counter()
        errors = sum(run_check(path).index.has_errors for path in drafts)
        timed(f"kiểm tra (check; {errors} dự thảo có lỗi)", len(drafts), time.perf_counter() - start, rows)

        start = time.perf_counter()
        loaded = [load_plan_or_raise(path) for path in drafts]
        timed("đọc lại dự thảo (load)", len(drafts), time.perf_counter() - start, rows)

        start = time.perf_counter()
        docx_files = []
        for plan, path in zip(loaded, drafts):
            write_atomic(path.with_suffix(".docx"), render_docx(plan))
            docx_files.append(path.with_suffix(".docx"))
        timed("xuất DOCX (mẫu đọc một lần)", len(docx_files), time.perf_counter() - start, rows)

        from docx import Document

        template = choose_template(loaded[0])
        start = time.perf_counter()
        for _ in docx_files:
            Document(str(template))
        timed("  mốc so sánh: python-docx mở mẫu", len(docx_files), time.perf_counter() - start, rows)

        start = time.perf_counter()
        docx_to_pdf([(docx, docx.with_suffix(".pdf")) for docx in docx_files])
        timed(f"PDF/A ({worker_count(len(docx_files))} LibreOffice song song, hoàn thiện, kiểm tra)", len(docx_files),
              time.perf_counter() - start, rows)
        total = time.perf_counter() - wall
        print(f"  {'tổng (wall)':48} {total:7.2f} s")

        if args.baseline:
            soffice = find_soffice()
            sample = docx_files[: args.baseline]
            with _profile() as profile:
                start = time.perf_counter()
                for docx in sample:
                    subprocess.run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                                    "--norestore", "--convert-to", PDF_FILTER, "--outdir", str(folder / "mot-tung-tep"),
                                    str(docx)], check=True, capture_output=True)
                timed(f"  mốc so sánh: một soffice cho mỗi tệp ({len(sample)} tệp)", len(sample),
                      time.perf_counter() - start, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
