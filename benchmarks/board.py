"""Benchmark: opening the province's board (/khong-gian/tinh/<id>) with many commune plans, generated.

    .venv/bin/python benchmarks/board.py                         # 168 units (Thành phố Hồ Chí Minh), SQLite
    .venv/bin/python benchmarks/board.py --units 3321            # a national roll-up: 3,321 units
    .venv/bin/python benchmarks/board.py --units 3321 --postgres # the same on a throwaway PostgreSQL cluster

A fresh workspace in a temporary folder; the Sở's plan is made through the pages (Nghệ An 2025 brought to 2026); one
commune draft is derived from it for real, then copied to every unit with its coverage rows (statuses and workflow
steps drawn with a fixed seed) straight into the tables, as many saves would have left them. Then the board is opened
--runs times in process (the framework's test client, so no network) and p50/p95 printed; the first opening, which
also reads the province plan, is printed apart. Units beyond the city's 168 are generated ("xã Thử Nghiệm 0001"…).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "workspace"))

PASSWORD = "mat-khau-do-toc-do"
PROVINCE = "ho-chi-minh"
OFFICE = "Sở Y tế Thành phố Hồ Chí Minh"


def generate(url: str, units: int) -> int:
    """A workspace with *units* commune plans under one province plan; returns the province plan's id."""
    from fastapi.testclient import TestClient
    from sqlalchemy import create_engine, insert, select
    from sqlalchemy.orm import Session

    from authoring.web.app import create_app
    from authoring.web.store import PlanRow, VersionRow
    from authoring.web.workspace_app import bootstrap
    from authoring.workspace import accounts, jobs
    from authoring.workspace.models import CoverageRow, UnitRow, WorkflowRow
    from ws_support import User, province_plan

    accounts.set_cost(1, 1024)   # the board is measured, not the login
    bootstrap(url, PROVINCE, OFFICE, "qt.so", "Quản trị", PASSWORD)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        office = session.scalar(select(UnitRow).where(UnitRow.name == OFFICE))
        accounts.add_user(session, "cv.so", "Chuyên viên", PASSWORD, office, ["soan-thao"])
    app = create_app(url, workspace=True)
    import ws_support

    ws_support.PASSWORD = PASSWORD
    so = User(app, "cv.so")
    parent = province_plan(so)
    so.close()
    parent_text = app.state.kh.store.version(parent).yaml_text
    app.state.materialise_parent(parent)
    # The plan is Nghệ An's; its draft for one commune stands for every unit (the board reads only the tables).
    draft = jobs.derive_one(f"ke-hoach-{parent}.yaml", parent_text, "xã Anh Sơn")
    assert draft["ok"], draft["error"]
    refs = sorted(draft["cells"])
    rng = random.Random(26)
    with Session(engine) as session, session.begin():
        office = session.scalar(select(UnitRow).where(UnitRow.name == OFFICE))
        commune_units = list(session.scalars(select(UnitRow).where(UnitRow.level == "xa").order_by(UnitRow.id)))
        for n in range(len(commune_units), units):
            unit = UnitRow(name=f"xã Thử Nghiệm {n + 1:04d}", kind="xã", level="xa", province=PROVINCE,
                           parent_id=office.id)
            session.add(unit)
            commune_units.append(unit)
        session.flush()
        commune_units = commune_units[:units]
        first = (session.scalar(select(PlanRow.id).order_by(PlanRow.id.desc())) or 0) + 1
        ids = list(range(first, first + len(commune_units)))
        session.execute(insert(PlanRow), [
            {"id": i, "title": f"Kế hoạch của {u.name}", "issuer": f"Ủy ban nhân dân {u.name}", "origin": "đo tốc độ",
             "head": 1, "unit_id": u.id} for i, u in zip(ids, commune_units)])
        session.execute(insert(VersionRow), [
            {"plan_id": i, "number": 1, "yaml_text": draft["text"], "note": "đo tốc độ", "counts": draft["counts"],
             "format_ok": True} for i in ids])
        states = ["draft", "draft", "submitted", "reviewed", "form-checked", "signed", "issued"]
        session.execute(insert(WorkflowRow), [
            {"plan_id": i, "unit_id": u.id, "parent_plan_id": parent, "state": rng.choice(states),
             "checked_version": 1, "counts": draft["counts"]} for i, u in zip(ids, commune_units)])
        statuses = ["taken"] * 6 + ["missing", "explained", "no-lead"]
        session.execute(insert(CoverageRow), [
            {"plan_id": i, "ref": ref, "parent_plan_id": parent, "version": 1, "status": rng.choice(statuses),
             "agencies": draft["cells"][ref]["agencies"], "note": ""} for i in ids for ref in refs])
    engine.dispose()
    app.state.kh.store.engine.dispose()
    return parent


def measure(url: str, parent: int, runs: int) -> tuple[float, list[float], int]:
    from authoring.web.app import create_app
    from ws_support import User

    app = create_app(url, workspace=True)
    so = User(app, "cv.so")
    try:
        timings = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            response = so.get(f"/khong-gian/tinh/{parent}")
            timings.append(time.perf_counter() - start)
            assert response.status_code == 200, response.text[:500]
        rows = response.text.count('<span class="state s-')
        return timings[0], timings[1:], rows
    finally:
        so.close()
        app.state.kh.store.engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=168)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster instead of SQLite")
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XDG_DATA_HOME"] = str(Path(tmp) / "data")
        os.environ["KEHOACH_STORAGE"] = str(Path(tmp) / "luu-tru")
        server = None
        if args.postgres:
            from ws_servers import Postgres

            server = Postgres()
            server.start()
            url = server.create_database("board")
        else:
            url = f"sqlite:///{Path(tmp) / 'kehoach.db'}"
        try:
            start = time.perf_counter()
            parent = generate(url, args.units)
            made = time.perf_counter() - start
            first, timings, rows = measure(url, parent, args.runs)
        finally:
            if server is not None:
                server.stop()
    load = os.getloadavg()
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"cơ sở dữ liệu: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.units} đơn vị có kế hoạch "
          f"(chuẩn bị {made:.1f} s); tải máy {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"mở bảng theo dõi lần đầu (đọc kế hoạch tỉnh): {first * 1000:.0f} ms")
    print(f"mở bảng theo dõi, {len(timings)} lần: p50 {statistics.median(timings) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms, lớn nhất {timings[-1] * 1000:.0f} ms; {rows} đơn vị trên trang đầu")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
