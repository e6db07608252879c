"""The fault driver of tests/security/test_fault_kill.py and benchmarks/fault_kill.py: a real server process saves a
plan again and again while it is killed (SIGKILL) at random moments and started again; afterwards every save the
server confirmed must be in the database with its audit entry."""

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


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, db_url: str, folder: Path):
        self.env = {**os.environ, "KEHOACH_WORKSPACE": "1", "KEHOACH_DB": db_url, "XDG_DATA_HOME": str(folder / "data"),
                    "KEHOACH_STORAGE": str(folder / "luu-tru"), "KEHOACH_SECRET": "k" * 64, "KEHOACH_HTTPS": "0",
                    "PYTHONPATH": str(ROOT)}
        self.process = None
        self.url = ""

    def start(self) -> None:
        port = _port()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "authoring.web.workspace_app:factory", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"], env=self.env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
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


def _login(http: httpx.Client, base: str) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', http.get(base + "/dang-nhap").text).group(1)
    response = http.post(base + "/dang-nhap", data={"csrf": token, "ten": "cv.anhson", "mat_khau": PASSWORD})
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
