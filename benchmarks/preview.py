"""Benchmark: «Xem trang in» (the real printed pages) of the largest example after an edit, with one LibreOffice kept
running (as `kehoach serve` runs), three ways: made on request (nobody had opened it before the edit), made ahead in
the background after the save (the page was opened before), and a second opening of the same version.

    .venv/bin/python benchmarks/preview.py [--rounds 5]

Each round: change the title (a save), then open «Xem trang in». "Ahead": the plan's printed pages were opened once,
so after each save the pages are made in the background; the round waits until they are made (as a person reads
the editor for a few seconds) before opening the page. Prints p50 and the largest time of each kind.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    largest = max(EXAMPLES_DIR.glob("*.yaml"), key=lambda p: p.stat().st_size)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = tmp
        from authoring.web.app import create_app

        app = create_app(f"sqlite:///{tmp}/bench.db", warm_office=True)
        state = app.state.kh
        with TestClient(app) as http:
            token = re.search(r'name="csrf" value="([^"]+)"', http.get("/").text).group(1)
            headers = {"X-CSRF-Token": token, "HX-Request": "true"}

            def open_plan() -> tuple[str, int]:
                opened = http.post("/tao/thu-vien", data={"csrf": token, "file": f"examples/{largest.name}"},
                                   follow_redirects=False)
                return opened.headers["location"], int(opened.headers["location"].rsplit("/", 1)[1])

            def edit(plan: str, base: int, title: str) -> None:
                answer = http.post(f"{plan}/truong", headers=headers,
                                   data={"path": "document.title", "v": title, "base": base})
                assert answer.status_code == 200, answer.text[:300]

            def printed(plan: str) -> float:
                start = time.perf_counter()
                answer = http.get(f"{plan}/trang-in")
                assert answer.status_code == 200 and "trang-in/" in answer.text, answer.text[:300]
                return time.perf_counter() - start

            time.sleep(3)   # the kept LibreOffice starts with the application
            on_request, ahead, again, waited = [], [], [], []
            cold_plan, _ = open_plan()
            printed(cold_plan)                     # warms the converter and pdftoppm once
            warm_plan, warm_id = open_plan()
            printed(warm_plan)                     # from now on its saves have their pages made ahead
            for n in range(args.rounds):
                # a plan opened for the first time after an edit: made on request
                plan, _ = open_plan()
                edit(plan, 1, f"Kế hoạch đo tốc độ {n}")
                on_request.append(printed(plan))
                again.append(printed(plan))
                edit(warm_plan, n + 1, f"Kế hoạch đo tốc độ, in trước {n}")
                start = time.perf_counter()
                text = state.store.version(warm_id, n + 2).yaml_text
                while not (state.pages.root / state.pages.digest(text) / "so-trang").is_file():
                    time.sleep(0.05)
                waited.append(time.perf_counter() - start)
                ahead.append(printed(warm_plan))

    def line(label: str, values: list[float]) -> str:
        return f"{label}: p50 {statistics.median(values):.2f} s, lớn nhất {max(values):.2f} s"

    load = os.getloadavg()
    print(f"{largest.name}, {args.rounds} lượt; tải máy {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(line("Xem trang in, làm khi mở (LibreOffice chạy sẵn)", on_request))
    print(line("Xem trang in, đã làm trước sau khi lưu", ahead))
    print(line("  — thời gian làm trước, sau khi lưu (nền)", waited))
    print(line("Xem trang in lần hai, cùng phiên bản", again))


if __name__ == "__main__":
    main()
