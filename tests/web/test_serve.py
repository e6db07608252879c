"""`kehoach serve` as a user starts it: the address printed in Vietnamese, the page served, a clear port error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from authoring.cli import main


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_prints_the_address_and_serves_the_page(tmp_path):
    port = _free_port()
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    process = subprocess.Popen([sys.executable, "-m", "authoring.cli", "serve", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
                               cwd=Path(__file__).resolve().parents[2])
    try:
        assert "Đang khởi động" in process.stdout.readline()
        assert f"Mở trình duyệt tại: http://localhost:{port}/" in process.stdout.readline()
        deadline = time.time() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode("utf-8")
                break
            except OSError:
                assert time.time() < deadline, "the page did not open"
                time.sleep(0.2)
        assert "Bắt đầu một kế hoạch" in page
        assert (tmp_path / "data" / "kehoach" / "kehoach.db").is_file()    # the default database, migrated
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert "Traceback" not in output


def test_a_busy_port_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port)])
    assert result.exit_code == 1
    assert "cổng đang được dùng" in result.output and "--port" in result.output


def test_a_host_this_machine_does_not_have_is_explained_in_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["serve", "--host", "999.1.1.1", "--port", "18798"])
    assert result.exit_code == 1 and "không có địa chỉ 999.1.1.1" in result.output and "--host 127.0.0.1" in result.output
    assert "Name or service" not in result.output


@pytest.mark.parametrize("name", ["khong-co/x.db", "rac.db"])
def test_a_database_that_cannot_be_opened_is_the_user_s_db_not_a_bug(tmp_path, monkeypatch, name):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    (tmp_path / "rac.db").write_bytes(b"\x7fELF" + bytes(4096))
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    result = CliRunner().invoke(main, ["serve", "--db", f"sqlite:///{tmp_path / name}", "--port", str(port)])
    assert result.exit_code == 1 and "không mở được cơ sở dữ liệu" in result.output and "--db" in result.output
    assert "OperationalError" not in result.output and "DatabaseError" not in result.output
