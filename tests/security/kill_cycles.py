"""The fault driver of tests/security/test_fault_kill.py and benchmarks/fault_kill.py: real server and worker
processes are killed (SIGKILL) at random moments and started again — during saves, during issues (số from the
register), during "lập cho mọi xã" batches — and afterwards nothing confirmed is lost, every change has its audit
entry, no batch stays running and the register has no gap and no duplicate."""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from ws_support import PASSWORD, seed

ROOT = Path(__file__).resolve().parents[2]
STALE = 10   # seconds without a heartbeat before a batch's job is taken up again (120 in production)


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, db_url: str, folder: Path, redis_url: str | None = None):
        self.env = {**os.environ, "KEHOACH_WORKSPACE": "1", "KEHOACH_DB": db_url, "XDG_DATA_HOME": str(folder / "data"),
                    "KEHOACH_STORAGE": str(folder / "luu-tru"), "KEHOACH_SECRET": "k" * 64, "KEHOACH_HTTPS": "0",
                    "PYTHONPATH": str(ROOT)}
        self.env.pop("KEHOACH_REDIS", None)
        if redis_url:
            self.env.update(KEHOACH_REDIS=redis_url, KEHOACH_BATCH_STALE=str(STALE), KEHOACH_BATCH_PROCESSES="1")
        self.process = None
        self.url = ""
        self.log: Path | None = None   # the server's error output, to read when a test fails

    def start(self) -> None:
        port = _port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "authoring.web.workspace_app:factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"], env=self.env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=self.log.open("ab") if self.log else subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if httpx.get(self.url + "/dang-nhap", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("máy chủ không khởi động được")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


class Worker:
    """`rq worker kehoach` as docs/deploy.md runs it (same database and storage as the web), killable with -9."""

    def __init__(self, redis_url: str, env: dict):
        self.redis_url, self.env, self.process = redis_url, env, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rq.cli", "worker", "kehoach", "--url", self.redis_url, "--worker-class",
             "rq.worker.SimpleWorker", "--quiet"], env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)   # the worker and its derive processes
            self.process.wait(10)


def _login(http: httpx.Client, base: str, username: str = "cv.anhson") -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', http.get(base + "/dang-nhap").text).group(1)
    response = http.post(base + "/dang-nhap", data={"csrf": token, "ten": username, "mat_khau": PASSWORD})
    assert response.status_code == 303, response.text
    return re.search(r'name="csrf" value="([^"]+)"', http.get(base + "/khong-gian").text).group(1)


def _head(db_url: str, plan_id: int) -> int:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        head = connection.execute(text("SELECT head FROM plans WHERE id = :id"), {"id": plan_id}).scalar()
    engine.dispose()
    return head


def run_cycles(db_url: str, folder: Path, cycles: int, seed_random: int = 24) -> dict:
    """Kill the server *cycles* times during saves; the figures: confirmed saves, lost ones, missing audit entries."""
    rng = random.Random(seed_random)
    seed(db_url)
    server = Server(db_url, folder)
    confirmed: list[tuple[int, int]] = []
    plan_id = None
    kills = 0
    try:
        for cycle in range(cycles + 1):
            server.start()
            with httpx.Client(timeout=30, follow_redirects=False) as http:
                token = _login(http, server.url)
                if plan_id is None:
                    response = http.post(server.url + "/tao/thu-vien",
                                         data={"csrf": token, "file": "examples/hai-phong-kien-an-2024-kh-chua-so.yaml"})
                    plan_id = int(response.headers["location"].rsplit("/", 1)[1])
                    confirmed.append((plan_id, 1))
                last = cycle == cycles
                killer = None if last else threading.Timer(rng.uniform(0.3, 1.5), server.kill)
                if killer:
                    killer.start()
                    kills += 1
                started = time.time()
                while time.time() - started < (1.0 if last else 3.0):
                    base = _head(db_url, plan_id)
                    try:
                        response = http.post(f"{server.url}/ke-hoach/{plan_id}/truong",
                                             data={"base": str(base), "path": "document.title",
                                                   "v": f"Kế hoạch phòng chống thiên tai, lần lưu {base + 1}"},
                                             headers={"X-CSRF-Token": token, "HX-Request": "true"})
                    except httpx.HTTPError:
                        break   # killed mid-request: that save was never confirmed
                    found = re.search(r"Đã lưu phiên bản (\d+)", response.text)
                    if response.status_code == 200 and found:
                        confirmed.append((plan_id, int(found.group(1))))
                if killer:
                    killer.join()
            server.kill()
    finally:
        server.kill()
    engine = create_engine(db_url)
    with engine.connect() as connection:
        versions = {(p, n) for p, n in connection.execute(text("SELECT plan_id, number FROM plan_versions"))}
        entries = {(p, n) for p, n in connection.execute(
            text("SELECT plan_id, version FROM ws_audit WHERE action IN ('tao', 'sua')"))}
    engine.dispose()
    lost = [c for c in confirmed if c not in versions]
    unaudited = [v for v in versions if v not in entries]
    return {"kills": kills, "confirmed": len(confirmed), "lost": len(lost), "versions": len(versions),
            "missing_audit": len(unaudited)}


def _created(response) -> int:
    if response.status_code == 303:
        return int(response.headers["location"].rsplit("/", 1)[1])
    return int(re.search(r'href="/ke-hoach/(\d+)">Mở để soạn tiếp', response.text).group(1))


def _audit_problems(db_url: str) -> list[str]:
    from sqlalchemy.orm import Session

    from authoring.workspace import audit

    engine = create_engine(db_url)
    with Session(engine) as session:
        problems = audit.verify(session).problems
    engine.dispose()
    return problems


def run_issue_cycles(db_url: str, folder: Path, cycles: int, seed_random: int = 24) -> dict:
    """Kill the server *cycles* times while the văn thư issues plans one after another; afterwards every plan is
    issued with its number, its numbered version and its audit entry, or not issued and its number unused."""
    rng = random.Random(seed_random)
    seed(db_url)
    server = Server(db_url, folder)
    plans: list[int] = []
    confirmed: list[int] = []
    kills = interrupted = 0
    try:
        server.start()
        with httpx.Client(timeout=60, follow_redirects=False) as http:
            token = _login(http, server.url)
            for _ in range(3 * cycles + 3):   # about one issue a second: three plans per cycle are enough
                plans.append(_created(http.post(server.url + "/tao/thu-vien", data={
                    "csrf": token, "file": "examples/hai-phong-kien-an-2024-kh-chua-so.yaml"})))
        engine = create_engine(db_url)
        with engine.begin() as connection:   # the steps before issuing are tested elsewhere: here they are signed
            connection.execute(text("UPDATE ws_workflow SET state = 'signed' WHERE plan_id IN (%s)"
                                    % ",".join(str(p) for p in plans)))
        engine.dispose()
        server.kill()
        waiting = list(plans)
        for cycle in range(cycles + 1):
            server.start()
            with httpx.Client(timeout=60, follow_redirects=False) as http:
                token = _login(http, server.url, "vt.anhson")
                last = cycle == cycles
                killer = None if last else threading.Timer(rng.uniform(0.3, 2.0), server.kill)
                if killer:
                    killer.start()
                    kills += 1
                started = time.time()
                while waiting and time.time() - started < (1.0 if last else 4.0):
                    plan = waiting[0]
                    try:
                        response = http.post(f"{server.url}/khong-gian/ke-hoach/{plan}/buoc/ban-hanh",
                                             data={"csrf": token, "ngay": "07/12/2026", "theo_ngay": "1"})
                    except httpx.HTTPError:
                        interrupted += 1
                        break   # killed mid-request: this issue was never confirmed
                    assert response.status_code in (303, 409), response.text[:500]
                    waiting.pop(0)
                    if response.status_code == 303:
                        confirmed.append(plan)
                if killer:
                    killer.join()
                waiting = [p for p in waiting if p not in _issued(db_url)]
            server.kill()
    finally:
        server.kill()
    return {"kills": kills, "interrupted": interrupted, "confirmed": len(confirmed),
            **_issue_figures(db_url, plans, confirmed)}


def _issued(db_url: str) -> set[int]:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        found = {p for (p,) in connection.execute(text("SELECT plan_id FROM ws_workflow WHERE state = 'issued'"))}
    engine.dispose()
    return found


def _issue_figures(db_url: str, plans: list[int], confirmed: list[int]) -> dict:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        flows = {p: (s, n, v) for p, s, n, v in connection.execute(
            text("SELECT plan_id, state, number, issued_version FROM ws_workflow"))}
        register = connection.execute(text("SELECT COALESCE(MAX(last_number), 0) FROM ws_registers")).scalar()
        entries = {(p, re.search(r"số (\d+)", summary).group(1)) for p, summary in connection.execute(
            text("SELECT plan_id, summary FROM ws_audit WHERE action = 'ban-hanh'"))}
        texts = {(p, n): t for p, n, t in connection.execute(text("SELECT plan_id, number, yaml_text FROM plan_versions"))}
    engine.dispose()
    issued = [p for p in plans if flows[p][0] == "issued"]
    numbers = sorted(flows[p][1] for p in issued)
    broken = [p for p in issued if flows[p][1] is None or f"number: {flows[p][1]}" not in texts.get((p, flows[p][2]), "")]
    half = [p for p in plans if flows[p][0] != "issued" and flows[p][1] is not None]
    return {"issued": len(issued), "lost": len([p for p in confirmed if p not in issued]),
            "missing_audit": len([p for p in issued if (p, f"{flows[p][1]:02d}") not in entries]),
            "gaps": len(set(range(1, register + 1)) - set(numbers)), "duplicates": len(numbers) - len(set(numbers)),
            "broken": len(broken) + len(half), "audit_problems": len(_audit_problems(db_url))}


def run_batch_cycles(db_url: str, redis_url: str, folder: Path, cycles: int, seed_random: int = 24) -> dict:
    """Each cycle: "lập cho mọi xã" for three fresh communes, then kill -9 of the worker or of the web server
    mid-batch (chosen at random), both started again; afterwards every batch finished or failed with its reason
    (none stuck), every commune has at most one draft, each draft its audit entry."""
    from redis import Redis

    from authoring.loading import units

    rng = random.Random(seed_random)
    seed(db_url)
    Redis.from_url(redis_url).flushdb()
    names = [u.name for u in units.load_provinces()["nghe-an"].units if u.name not in ("xã Anh Sơn", "xã Nam Đàn",
                                                                                          "xã Quỳnh Anh")]
    server = Server(db_url, folder, redis_url)
    worker = Worker(redis_url, server.env)
    kills = {"worker": 0, "web": 0}
    stuck = mid_batch = 0
    try:
        server.start()
        worker.start()
        http = httpx.Client(timeout=60, follow_redirects=False)
        token = _login(http, server.url, "cv.so")
        first = _created(http.post(server.url + "/tao/thu-vien", data={"csrf": token,
                                                                       "file": "examples/nghe-an-2025-kh-07.yaml"}))
        province = _created(http.post(server.url + "/tao/nam-moi", data={"csrf": token, "plan": str(first),
                                                                          "year": "2026"}))
        for cycle in range(cycles):
            chosen = names[3 * cycle:3 * cycle + 3]
            response = http.post(f"{server.url}/khong-gian/tinh/{province}/lap-cho-xa", data={"csrf": token},
                                 files={"danh_sach": ("ds.txt", "\n".join(chosen).encode(), "text/plain")})
            assert response.status_code == 303, response.text[:500]
            time.sleep(rng.uniform(0.5, 6.0))
            victim = rng.choice(["worker", "web"])
            kills[victim] += 1
            mid_batch += _latest_batch(db_url, province) == "running"
            if victim == "worker":
                worker.kill()
                worker.start()
            else:
                server.kill()
                server.start()
                http.close()
                http = httpx.Client(timeout=60, follow_redirects=False)
                token = _login(http, server.url, "cv.so")
            deadline = time.time() + 20 * STALE
            while time.time() < deadline:
                http.get(f"{server.url}/khong-gian/tinh/{province}")   # the page the Sở watches
                if _latest_batch(db_url, province) != "running":
                    break
                time.sleep(0.5)
            else:
                stuck += 1
        http.close()
    finally:
        worker.kill()
        server.kill()
    engine = create_engine(db_url)
    with engine.connect() as connection:
        states = [s for (s,) in connection.execute(text("SELECT state FROM ws_batches"))]
        per_unit = [n for (n,) in connection.execute(text(
            "SELECT COUNT(*) FROM ws_workflow w JOIN plans p ON p.id = w.plan_id WHERE w.parent_plan_id = :p "
            "GROUP BY w.unit_id"), {"p": province})]
        unaudited = connection.execute(text(
            "SELECT COUNT(*) FROM plan_versions v JOIN ws_workflow w ON w.plan_id = v.plan_id "
            "WHERE w.parent_plan_id = :p AND NOT EXISTS (SELECT 1 FROM ws_audit a WHERE a.plan_id = v.plan_id "
            "AND a.version = v.number AND a.action = 'tao')"), {"p": province}).scalar()
    engine.dispose()
    return {"kills": kills["worker"] + kills["web"], "worker_kills": kills["worker"], "web_kills": kills["web"],
            "mid_batch": mid_batch,
            "batches": len(states), "finished": states.count("finished"), "failed": states.count("failed"),
            "stuck": stuck + states.count("running"), "drafts": len(per_unit),
            "duplicates": sum(n - 1 for n in per_unit), "missing_audit": unaudited,
            "audit_problems": len(_audit_problems(db_url))}


def _latest_batch(db_url: str, plan_id: int) -> str | None:
    engine = create_engine(db_url)
    with engine.connect() as connection:
        state = connection.execute(text("SELECT state FROM ws_batches WHERE plan_id = :p ORDER BY id DESC LIMIT 1"),
                                   {"p": plan_id}).scalar()
    engine.dispose()
    return state
