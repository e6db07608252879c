"""Benchmark: the web page's edit round trip and PDF download, through the HTTP interface.

An edit round trip is what one changed field costs: save (new version), validate, check, findings and preview
fragment, measured on the largest example plan. The PDF download is timed after one warm-up conversion.

    .venv/bin/python benchmarks/web.py [--edits 60] [--pdfs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402

from authoring.paths import EXAMPLES_DIR  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=60)
    parser.add_argument("--pdfs", type=int, default=5)
    args = parser.parse_args()
    largest = max(EXAMPLES_DIR.glob("*.yaml"), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        from authoring.web.app import create_app

        app = create_app(f"sqlite:///{tmp}/bench.db", warm_office=True)
        with TestClient(app) as http:
            token = re.search(r'name="csrf" value="([^"]+)"', http.get("/").text).group(1)
            opened = http.post("/tao/thu-vien", data={"csrf": token, "file": f"examples/{largest.name}"},
                               follow_redirects=False)
            plan = opened.headers["location"]
            page = http.get(plan).text
            base = int(re.search(r'id="base-version" name="base" value="(\d+)"', page).group(1))
            headers = {"X-CSRF-Token": token, "HX-Request": "true"}
            times, cpu = [], []
            for i in range(args.edits):
                start, start_cpu = time.perf_counter(), time.process_time()
                answer = http.post(f"{plan}/truong", headers=headers,
                                   data={"path": "document.place", "v": f"Kon Tum {i}", "base": base})
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                assert answer.status_code == 200 and 'class="a4"' in answer.text, answer.text[:200]
                base += 1
            print(f"Lượt sửa một trường ({largest.name}, {len(largest.read_text().splitlines())} dòng, {args.edits} lần): "
                  f"p50 {statistics.median(times):.0f} ms, p95 {percentile(times, 0.95):.0f} ms, "
                  f"lớn nhất {max(times):.0f} ms")
            # CPU time of this process (server and client threads) does not grow when other programs share the
            # machine: it is what the round trip costs on an idle one, apart from waiting for the disk.
            print(f"  thời gian CPU mỗi lượt: p50 {statistics.median(cpu):.0f} ms, p95 {percentile(cpu, 0.95):.0f} ms")
            structural, structural_cpu = [], []
            for _ in range(10):
                start, start_cpu = time.perf_counter(), time.process_time()
                answer = http.post(f"{plan}/thao-tac", headers=headers, data={"op": "add_after", "path": "sections[0]", "base": base})
                structural.append((time.perf_counter() - start) * 1000)
                structural_cpu.append((time.process_time() - start_cpu) * 1000)
                base += 1
            print(f"Thêm một mục (ghi lại cả tệp YAML, 10 lần): p50 {statistics.median(structural):.0f} ms, "
                  f"p95 {percentile(structural, 0.95):.0f} ms; thời gian CPU p50 {statistics.median(structural_cpu):.0f} ms")
            start = time.perf_counter()
            first = http.get(f"{plan}/tai/pdf")
            print(f"PDF lần đầu (khởi động LibreOffice): {(time.perf_counter() - start):.2f} s")
            pdf_times = []
            for _ in range(args.pdfs):
                start = time.perf_counter()
                answer = http.get(f"{plan}/tai/pdf")
                pdf_times.append(time.perf_counter() - start)
                assert answer.status_code == 200 and answer.content.startswith(b"%PDF"), answer.text[:200]
            print(f"Tải PDF ({args.pdfs} lần): p50 {statistics.median(pdf_times):.2f} s, lớn nhất {max(pdf_times):.2f} s")
            assert first.status_code == 200
    load = os.getloadavg()
    print(f"Tải của máy trong lúc đo (load average 1/5/15 phút, {os.cpu_count()} nhân): "
          f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")


if __name__ == "__main__":
    main()
