"""Real servers for the workspace tests, on loopback only: a throwaway PostgreSQL cluster and a Redis server,
each in a temporary folder, started for the test session and stopped after it."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("Chưa cài PostgreSQL (gói Debian 'postgresql'); chạy bash scripts/setup.sh với quyền root.")
    return Path(found[-1]).parent


def _as_user() -> list[str]:
    """PostgreSQL refuses to run as root: run it as the 'postgres' system user (or 'nobody') when we are root."""
    if os.geteuid() != 0:
        return []
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"]
    raise RuntimeError("Không có người dùng hệ thống nào để chạy PostgreSQL (cần 'postgres' hoặc 'nobody').")


class Postgres:
    def __init__(self):
        self.bin = _pg_bin()
        self.prefix = _as_user()
        # Run as another user, the cluster's folder must be reachable by it: under /tmp, not a private TMPDIR.
        self.folder = Path(tempfile.mkdtemp(prefix="kehoach-pg-", dir="/tmp" if self.prefix else None))
        self.data = self.folder / "data"
        self.port = free_port()
        if self.prefix:
            shutil.chown(self.folder, user=self.prefix[2])
            os.chmod(self.folder, 0o700)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.prefix, *args], check=True, capture_output=True, text=True, cwd=self.folder)

    def start(self) -> str:
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "kehoach", "--auth=trust", "-E", "UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.folder} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log.txt"),
                 "-w", "-t", "60", "start")
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "kehoach", "kehoach")
        return f"postgresql+psycopg://kehoach@127.0.0.1:{self.port}/kehoach"

    def create_database(self, name: str) -> str:
        self.run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "kehoach", name)
        return f"postgresql+psycopg://kehoach@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


class Redis:
    def __init__(self):
        self.exe = shutil.which("redis-server")
        if not self.exe:
            raise RuntimeError("Chưa cài Redis (gói Debian 'redis-server'); chạy bash scripts/setup.sh với quyền root.")
        self.folder = Path(tempfile.mkdtemp(prefix="kehoach-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> str:
        self.process = subprocess.Popen(
            [self.exe, "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.folder), "--save", "",
             "--appendonly", "no", "--protected-mode", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return f"redis://127.0.0.1:{self.port}/0"
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server không khởi động được")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)
