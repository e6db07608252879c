"""Load on the province workspace: 50 commune officers editing, checking and downloading at once.

Bounded: loopback only (127.0.0.1), a fresh database in a temporary folder, a fixed playing time (default 60 s;
the whole run stays under two minutes), then everything stops by itself. Prints the number of requests, failures,
lost edits and p50/p95/max latency per kind of request.

    .venv/bin/python benchmarks/workspace_load.py                      # SQLite, 2 server processes per core
    .venv/bin/python benchmarks/workspace_load.py --postgres           # a throwaway PostgreSQL cluster
    .venv/bin/python benchmarks/workspace_load.py --users 50 --workers 4 --seconds 60
    .venv/bin/python benchmarks/workspace_load.py --postgres --trace   # + what the slowest 5 % of saves waited for

Each user logs in, then loops: change the plan's title (the edit round trip: save, validate, check, preview), open
the editor page, open the workflow page with its audit log, download the Word file, the check report or the YAML;
think time 2–6 s between actions. "No lost edit": at the end every user's plan holds the last title that user
saved, its version count is one more than the user's saved edits, and the audit log has one entry per edit.
Exit code 1 when a request failed or an edit was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "workspace"))

PASSWORD = "mat-khau-tai-thu-nghiem"
STEADY = 45.0   # seconds at the end of play counted apart: the 50 logins (first 10 s) and first editor pages are over
args_think = (2.0, 6.0)   # seconds between a person's actions (reading, typing)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(url: str, users: int) -> list[str]:
    """The Sở of Nghệ An, its communes, one drafting officer in each of *users* communes."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import sessionmaker

    from authoring.web.workspace_app import bootstrap
    from authoring.loading import units
    from authoring.workspace import accounts
    from authoring.workspace.models import UnitRow

    bootstrap(url, "nghe-an", "Sở Y tế tỉnh Nghệ An", "qt.so", "Quản trị", PASSWORD)
    communes = [u.name for u in units.load_provinces()["nghe-an"].units][:users]
    engine = create_engine(url)
    with sessionmaker(engine).begin() as session:
        so = session.scalar(select(UnitRow).where(UnitRow.name == "Sở Y tế tỉnh Nghệ An"))
        accounts.add_user(session, "cv.so", "Chuyên viên Sở", PASSWORD, so, ["soan-thao"])
        for i, name in enumerate(communes):
            unit = session.scalar(select(UnitRow).where(UnitRow.name == name))
            accounts.add_user(session, f"cv{i:03d}", f"Chuyên viên {name}", PASSWORD, unit, ["soan-thao"])
    engine.dispose()
    return communes


class Recorder:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.failures: list[str] = []
        self.steady: list[float] = []   # edits once every login is over (the last STEADY seconds of play)
        self.sent: list[tuple[str, str, float, float]] = []   # (request id, kind, wall clock sent, answered)
        self.count = 0

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.times.setdefault(kind, []).append(seconds)
        if not ok:
            self.failures.append(f"{kind}: {detail}")

    def next_id(self) -> str:
        self.count += 1
        return str(self.count)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)] if ordered else 0.0


async def login(client, username: str) -> str:
    page = await client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = await client.post("/dang-nhap", data={"csrf": token, "ten": username, "mat_khau": PASSWORD})
    assert response.status_code == 303, (response.status_code, re.findall(r'class="alert[^"]*"[^>]*>([^<]+)', response.text))
    page = await client.get("/khong-gian")
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


async def play(base: str, username: str, plan_id: int, until: float, rec: Recorder, seed_: int) -> dict:
    import httpx

    rnd = random.Random(seed_)
    saved = 0
    last_title = None
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.sleep(rnd.uniform(0, 10))   # people do not all log in at the same instant
        start = time.perf_counter()
        token = await login(client, username)
        rec.add("login", time.perf_counter() - start, True)
        page = await client.get(f"/ke-hoach/{plan_id}")
        version = int(re.search(r'id="base-version" name="base" value="(\d+)"', page.text).group(1))
        headers = {"X-CSRF-Token": token, "HX-Request": "true"}
        while time.monotonic() < until:
            action = rnd.choices(["edit", "editor", "workflow", "docx", "report", "yaml"], [5, 2, 1, 1, 1, 1])[0]
            start = time.perf_counter()
            ident = rec.next_id()
            sent = time.time()
            headers["X-Bench-Id"] = ident
            client.headers["X-Bench-Id"] = ident
            try:
                if action == "edit":
                    title = f"Thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026 — bản sửa {saved + 1} của {username}"
                    response = await client.post(f"/ke-hoach/{plan_id}/truong", headers=headers,
                                                 data={"base": str(version), "path": "document.title", "v": title})
                    ok = response.status_code == 200 and "Đã lưu phiên bản" in response.text
                    if ok:
                        version = int(re.search(r'id="base-version" name="base" value="(\d+)"', response.text).group(1))
                        saved += 1
                        last_title = title
                elif action == "editor":
                    response = await client.get(f"/ke-hoach/{plan_id}")
                    ok = response.status_code == 200 and 'id="summary"' in response.text
                elif action == "workflow":
                    response = await client.get(f"/khong-gian/ke-hoach/{plan_id}")
                    ok = response.status_code == 200 and "Nhật ký" in response.text
                elif action == "docx":
                    response = await client.get(f"/ke-hoach/{plan_id}/tai/docx")
                    ok = response.status_code == 200 and response.content[:2] == b"PK"
                elif action == "report":
                    response = await client.get(f"/ke-hoach/{plan_id}/tai/bao-cao")
                    ok = response.status_code == 200 and "<html" in response.text[:500].lower()
                else:
                    response = await client.get(f"/ke-hoach/{plan_id}/tai/yaml")
                    ok = response.status_code == 200 and "kind: plan" in response.text
                rec.add(action, time.perf_counter() - start, ok, f"{response.status_code} {response.text[:200]!r}")
                rec.sent.append((ident, action, sent, time.time()))
                if action == "edit" and time.monotonic() > until - STEADY:
                    rec.steady.append(time.perf_counter() - start)
            except Exception as exc:  # a refused connection or a timeout is a failed request too
                rec.add(action, time.perf_counter() - start, False, repr(exc))
            await asyncio.sleep(rnd.uniform(args_think[0], args_think[1]))
    return {"username": username, "plan": plan_id, "saved": saved, "title": last_title}


def derive_drafts(url: str, communes: list[str]) -> dict[str, int]:
    """The Sở's 2026 plan (last year's Nghệ An plan through new-year) and every commune's draft, derived in parallel
    processes by the workspace's own batch code and stored as the workspace stores them (while the server boots)."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import sessionmaker

    from authoring.web import core, engine as web_engine
    from authoring.web.store import PlanRow, VersionRow
    from authoring.workspace import audit, jobs
    from authoring.workspace.dashboard import keep_coverage
    from authoring.loading import load_plan
    from authoring.workspace.models import UnitRow, WorkflowRow, now

    loaded, _ = load_plan(ROOT / "plans/examples/nghe-an-2025-kh-07.yaml")
    text, _report = core.new_year(loaded, 2026)
    db = create_engine(url, connect_args={"timeout": 60} if url.startswith("sqlite") else {})
    sessions = sessionmaker(db, expire_on_commit=False)
    with sessions.begin() as session:
        so = session.scalar(select(UnitRow).where(UnitRow.name == "Sở Y tế tỉnh Nghệ An"))
        analysis = web_engine.analyse(text)
        province = PlanRow(title="Kế hoạch năm 2026", issuer="Ủy ban nhân dân tỉnh Nghệ An", origin="tải", head=1,
                           unit_id=so.id)
        session.add(province)
        session.flush()
        session.add(VersionRow(plan_id=province.id, number=1, yaml_text=text, note="Tạo", counts=analysis.counts(),
                               format_ok=analysis.format_ok))
        session.add(WorkflowRow(plan_id=province.id, unit_id=so.id, state="draft", updated_at=now()))
        units = {u.name: u.id for u in session.scalars(select(UnitRow))}
    parent_name = f"ke-hoach-{province.id}.yaml"
    found: dict[str, int] = {}

    def store(result: dict) -> None:
        assert result["ok"], result["error"]
        with sessions.begin() as session:
            unit_id = units[result["unit"]]
            plan = PlanRow(title="Dự thảo", issuer=result["unit"], origin="lập từ kế hoạch tỉnh", head=1, unit_id=unit_id)
            session.add(plan)
            session.flush()
            session.add(VersionRow(plan_id=plan.id, number=1, yaml_text=result["text"], note="Dự thảo",
                                   counts=result["counts"], format_ok=result["format_ok"],
                                   analysis=result.get("kept")))
            flow = WorkflowRow(plan_id=plan.id, unit_id=unit_id, parent_plan_id=province.id, state="draft",
                               updated_at=now())
            session.add(flow)
            keep_coverage(session, flow, 1, result["cells"], result["counts"])
            audit.record(session, None, "tao", "Dự thảo lập từ kế hoạch tỉnh", plan.id, 1, unit_id=unit_id)
            found[result["unit"]] = plan.id

    jobs.run_batch(parent_name, text, communes, store)
    db.dispose()
    return found


def warm(base: str, province_plan_id: int) -> None:
    """The provincial plan's file in each server process's check folder (what the dashboard does on first view)."""
    import httpx

    client = httpx.Client(base_url=base, timeout=120)
    page = client.get("/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    client.post("/dang-nhap", data={"csrf": token, "ten": "cv.so", "mat_khau": PASSWORD})
    for _ in range(2):
        client.get(f"/khong-gian/tinh/{province_plan_id}")


def verify(url: str, results: list[dict]) -> list[str]:
    """No lost edit: the stored plan has the user's last title, one version per saved edit, one audit entry each."""
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import sessionmaker

    from authoring.web.store import PlanRow, VersionRow
    from authoring.workspace.models import AuditRow

    lost = []
    engine = create_engine(url)
    with sessionmaker(engine)() as session:
        for r in results:
            plan = session.get(PlanRow, r["plan"])
            versions = session.scalar(select(func.count()).select_from(VersionRow).where(VersionRow.plan_id == r["plan"]))
            edits = session.scalar(select(func.count()).select_from(AuditRow)
                                   .where(AuditRow.plan_id == r["plan"], AuditRow.action == "sua"))
            head = session.scalar(select(VersionRow.yaml_text).where(VersionRow.plan_id == r["plan"],
                                                                     VersionRow.number == plan.head))
            if versions != r["saved"] + 1 or plan.head != r["saved"] + 1:
                lost.append(f"{r['username']}: {r['saved']} lần lưu nhưng có {versions} phiên bản")
            if r["title"] and r["title"] not in head:
                lost.append(f"{r['username']}: bản mới nhất không có trích yếu vừa lưu")
            if edits != r["saved"]:
                lost.append(f"{r['username']}: {r['saved']} lần lưu nhưng nhật ký ghi {edits}")
    engine.dispose()
    return lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    # Two per core: measured against one per core on 2 cores (docs/benchmarks.md, speed10), fewer requests of a
    # process run at once beside a save.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="số tiến trình uvicorn")
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 6.0], help="thời gian nghĩ giữa hai thao tác (s)")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--postgres", action="store_true", help="chạy trên một cụm PostgreSQL tạm (127.0.0.1)")
    parser.add_argument("--trace", action="store_true",
                        help="ghi thời gian từng yêu cầu trong máy chủ và in thành phần của 5 %% lần lưu chậm nhất")
    args = parser.parse_args()
    global args_think
    args_think = tuple(args.think)

    import logging

    logging.disable(logging.CRITICAL)
    folder = Path(tempfile.mkdtemp(prefix="kehoach-tai-"))
    postgres = None
    if args.postgres:
        from ws_servers import Postgres

        postgres = Postgres()
        url = postgres.start()
    else:
        url = f"sqlite:///{folder / 'kehoach.db'}"
    started = time.time()
    servers = []
    try:
        communes = seed(url, args.users)
        ports = [free_port() for _ in range(args.workers)]
        env = {**os.environ, "KEHOACH_DB": url, "KEHOACH_WORKSPACE": "1", "XDG_DATA_HOME": str(folder / "data"),
               "KEHOACH_STORAGE": str(folder / "luu-tru"), "KEHOACH_SECRET": "tai-thu-nghiem-" + str(ports[0])}
        env.pop("KEHOACH_REDIS", None)
        app = "authoring.web.workspace_app:factory"
        if args.trace:
            (folder / "trace").mkdir()
            env["KEHOACH_TRACE"] = str(folder / "trace")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT / "benchmarks")]))
            app = "trace_server:factory"
        # One uvicorn process per port, as behind a reverse proxy that keeps a session on one process
        # (nginx: hash $cookie_kehoach_phien consistent): each user is sent to one of them.
        servers = [subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                                     app, "--host", "127.0.0.1", "--port", str(port),
                                     "--timeout-keep-alive", "75", "--log-level", "warning", "--no-access-log"],
                                    cwd=ROOT, env=env, start_new_session=True) for port in ports]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        import httpx

        plans = derive_drafts(url, communes)   # while the server starts
        for base in bases:
            deadline = time.time() + 60
            while time.time() < deadline:
                try:
                    if httpx.get(base + "/dang-nhap", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            warm(base, min(plans.values()) - 1)
        setup = time.time() - started
        seconds = max(15.0, min(args.seconds, 112 - setup))   # bounded: the whole run stays under two minutes
        rec = Recorder()

        async def run_all():
            until = time.monotonic() + seconds
            return await asyncio.gather(*(play(bases[i % len(bases)], f"cv{i:03d}", plans[name], until, rec, i)
                                          for i, name in enumerate(communes)))

        sampler = None
        if args.trace:
            from load_trace import Sampler

            sampler = Sampler([s.pid for s in servers], str(postgres.data) if postgres else None)
            sampler.start()
        play_start = time.time()
        results = asyncio.run(run_all())
        played = time.time() - play_start
        if sampler is not None:
            sampler.stop()
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    lost = verify(url, results)
    if postgres is not None:
        postgres.stop()
    if args.trace:
        from load_trace import report

        report(str(folder / "trace"), rec.sent, sampler.samples, play_start + played - STEADY)
        keep = os.environ.get("KEHOACH_TRACE_KEEP")   # a folder to keep the records in, to look at them again
        if keep:
            import json

            shutil.copytree(folder / "trace", keep, dirs_exist_ok=True)
            Path(keep, "client.json").write_text(json.dumps({"sent": rec.sent, "samples": sampler.samples,
                                                             "steady_from": play_start + played - STEADY}))
    shutil.rmtree(folder, ignore_errors=True)

    every = [t for values in rec.times.values() for t in values]
    load = os.getloadavg()
    print(f"Máy đo: {os.cpu_count()} lõi CPU; tải trung bình lúc kết thúc {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
          "(1 / 5 / 15 phút; trên máy dùng chung, các việc khác cũng tính vào)")
    print(f"Cơ sở dữ liệu: {'PostgreSQL' if args.postgres else 'SQLite'}; {args.workers} tiến trình uvicorn; "
          f"{args.users} người dùng (mỗi người giữ một tiến trình); chuẩn bị {setup:.0f} s (lập {len(communes)} dự thảo), chạy {played:.0f} s")
    print(f"{'loại yêu cầu':<12} {'số':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for kind in ("login", "edit", "editor", "workflow", "docx", "report", "yaml"):
        values = rec.times.get(kind, [])
        if values:
            print(f"{kind:<12} {len(values):>6} {statistics.median(values) * 1000:>8.0f} {p95(values) * 1000:>8.0f} "
                  f"{max(values) * 1000:>8.0f}")
    if rec.steady:
        print(f"{'edit, 45 s cuối':<12} {len(rec.steady):>6} {statistics.median(rec.steady) * 1000:>8.0f} "
              f"{p95(rec.steady) * 1000:>8.0f} {max(rec.steady) * 1000:>8.0f}")
    print(f"{'tất cả':<12} {len(every):>6} {statistics.median(every) * 1000:>8.0f} {p95(every) * 1000:>8.0f} "
          f"{max(every) * 1000:>8.0f}")
    saved = sum(r["saved"] for r in results)
    print(f"{len(every) / played:.1f} yêu cầu/s; {saved} lần lưu; yêu cầu lỗi: {len(rec.failures)}; "
          f"mất nội dung đã lưu: {len(lost)}")
    for line in (rec.failures[:10] + lost[:10]):
        print("  " + line)
    return 1 if rec.failures or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
