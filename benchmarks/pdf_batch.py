"""Benchmark: 50 rendered plans to PDF, one `soffice --convert-to` per file vs kehoach's batch path.

    .venv/bin/python benchmarks/pdf_batch.py [--count 50]

Both paths use a warm LibreOffice profile and the same PDF/A export filter. The batch path is
`authoring.pdf.office.convert_to_pdf` (one LibreOffice start for the batch); "with finishing" adds
kehoach's metadata, signature fields and PDF/A check (`docx_to_pdf`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.paths import EXAMPLES_DIR  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from authoring.pdf.office import PDF_FILTER, _profile, convert_to_pdf, find_soffice  # noqa: E402
from authoring.pdf.convert import docx_to_pdf  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    plans = sorted(EXAMPLES_DIR.glob("*.yaml"))
    soffice = find_soffice()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        docx_files = []
        for index in range(args.count):
            plan = plans[index % len(plans)]
            target = work / "docx" / f"{index:03d}-{plan.stem}.docx"
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(render_docx(load_plan_or_raise(plan)))
            docx_files.append(target)
        convert_to_pdf(docx_files[:1])  # warm the profile for both paths
        with _profile() as profile:
            start = time.perf_counter()
            for docx in docx_files:
                subprocess.run([soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
                                "--norestore", "--convert-to", PDF_FILTER, "--outdir", str(work / "one-by-one"),
                                str(docx)], check=True, capture_output=True)
            one_by_one = time.perf_counter() - start
        start = time.perf_counter()
        convert_to_pdf(docx_files)
        batch = time.perf_counter() - start
        start = time.perf_counter()
        docx_to_pdf([(d, work / "final" / (d.stem + ".pdf")) for d in docx_files])
        finished = time.perf_counter() - start
    n = args.count
    print(f"{n} kế hoạch → PDF/A")
    print(f"  mỗi tệp một lần soffice:  {one_by_one:7.1f} s  ({one_by_one / n:.2f} s/tệp)")
    print(f"  lô, một lần khởi động:     {batch:7.1f} s  ({batch / n:.2f} s/tệp)")
    print(f"  lô + hoàn thiện PDF/A:     {finished:7.1f} s  ({finished / n:.2f} s/tệp)")
    print(f"  tỷ lệ (từng tệp / lô):     {one_by_one / batch:7.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
