"""The province's container: the compose file holds together, the image builds from the lock, and the entry point
runs the web process, the setup step and its health check as plain processes (no container engine here)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time

import pytest
import yaml

from helpers import ROOT

DEPLOY = ROOT / "deploy"
ENTRYPOINT = DEPLOY / "entrypoint.sh"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_brings_up_database_queue_setup_web_worker_and_proxy(compose):
    services = compose["services"]
    assert set(services) == {"db", "redis", "init", "web", "worker", "proxy"}
    for name in ("db", "redis", "web", "proxy"):
        assert services[name].get("healthcheck", {}).get("test"), name
    assert services["web"]["depends_on"]["init"]["condition"] == "service_completed_successfully"
    assert services["init"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert [s for s, spec in services.items() if spec.get("ports")] == ["proxy"]  # only the proxy faces the network
    assert {"co-so-du-lieu", "luu-tru"} <= set(compose["volumes"])
    assert any("co-so-du-lieu:" in v for v in services["db"]["volumes"])
    assert any("luu-tru:" in v for v in services["web"]["volumes"])
    assert [services[s]["command"] for s in ("init", "web", "worker")] == [["init"], ["web"], ["worker"]]


def test_compose_takes_every_secret_from_the_environment_file(compose):
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{(\w+)", text))
    example = {line.split("=", 1)[0] for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines()
               if "=" in line and not line.startswith("#")}
    assert used <= example, used - example
    assert {"KEHOACH_SECRET", "POSTGRES_PASSWORD", "KEHOACH_ADMIN_PASSWORD"} <= example
    assert not re.search(r"^\s*\w*(PASSWORD|SECRET):\s*[^$\s{]", text, re.M)  # no literal secret in the file


def test_the_proxy_is_the_only_address_the_web_process_believes(compose):
    proxy_ip = compose["services"]["proxy"]["networks"]["noi-bo"]["ipv4_address"]
    assert compose["services"]["web"]["environment"]["KEHOACH_PROXY_IPS"] == proxy_ip
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    web_ip = compose["services"]["web"]["networks"]["noi-bo"]["ipv4_address"]
    assert "proxy_pass http://kehoach_web;" in nginx


def test_the_proxy_has_one_server_per_web_process_and_keeps_a_session_on_one(compose):
    count = int(compose["services"]["web"]["environment"]["KEHOACH_WEB_PROCESSES"])
    web_ip = compose["services"]["web"]["networks"]["noi-bo"]["ipv4_address"]
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream kehoach_web \{(.*?)\}", nginx, re.S).group(1)
    assert re.findall(r"server ([\d.]+:\d+);", upstream) == [f"{web_ip}:{8000 + i}" for i in range(count)]
    cookie = re.search(r"hash \$cookie_(\w+) consistent;", upstream).group(1)
    assert f'session_cookie="{cookie}"' in (ROOT / "authoring" / "web" / "app.py").read_text(encoding="utf-8")


def test_the_image_installs_from_the_lock_with_the_packages_setup_installs():
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements/build.txt" in text
    assert "--require-hashes -r requirements/workspace.txt" in text
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    for package in ("libreoffice-writer-nogui", "fonts-liberation2", "poppler-utils"):
        assert package in text and package in setup, package
    assert (ROOT / ".dockerignore").read_text().split().count(".venv") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEHOACH_")}
    env.update(PYTHON=sys.executable, XDG_DATA_HOME=str(tmp_path), KEHOACH_STORAGE=str(tmp_path / "luu-tru"),
               KEHOACH_DB=f"sqlite:///{tmp_path / 'kehoach.db'}", **extra)
    return env


def _entry(*args, env, timeout=120):
    return subprocess.run(["sh", str(ENTRYPOINT), *args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def test_entrypoint_refuses_a_missing_secret_in_vietnamese(tmp_path):
    run = _entry("web", env=_env(tmp_path))
    assert run.returncode == 1 and "Thiếu biến môi trường KEHOACH_SECRET" in run.stderr


def test_entrypoint_refuses_a_process_count_that_is_not_a_whole_number(tmp_path):
    for bad in ("hai", "0", "1000"):
        run = _entry("web", env=_env(tmp_path, KEHOACH_SECRET="x" * 64, KEHOACH_WEB_PROCESSES=bad))
        assert run.returncode == 1 and "KEHOACH_WEB_PROCESSES" in run.stderr and "từ 1 đến 64" in run.stderr, bad


def test_entrypoint_refuses_an_unknown_role_as_a_usage_error(tmp_path):
    run = _entry("lam-gi", env=_env(tmp_path))
    assert run.returncode == 2 and "web, worker, init, healthcheck" in run.stderr


def test_entrypoint_sets_up_the_province_twice_without_harm_then_serves_and_reports_healthy(tmp_path):
    setup = _env(tmp_path, KEHOACH_TINH="nghe-an", KEHOACH_CO_QUAN="Sở Y tế tỉnh Nghệ An", KEHOACH_ADMIN="quantri",
                 KEHOACH_ADMIN_PASSWORD="mot-mat-khau-du-dai-2026")
    for _ in range(2):
        run = _entry("init", env=setup)
        assert run.returncode == 0, run.stderr[-2000:]
    port = _free_port()
    env = _env(tmp_path, KEHOACH_SECRET="x" * 64, PORT=str(port), HOST="127.0.0.1")
    assert _entry("healthcheck", env=env).returncode == 1  # nothing listens yet
    web = subprocess.Popen(["sh", str(ENTRYPOINT), "web"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while _entry("healthcheck", env=env).returncode != 0:
            assert web.poll() is None, web.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "trang không trả lời sau 60 s"
            time.sleep(0.5)
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=30)


def test_several_web_processes_each_answer_and_one_gone_stops_the_service(tmp_path):
    setup = _env(tmp_path, KEHOACH_TINH="nghe-an", KEHOACH_CO_QUAN="Sở Y tế tỉnh Nghệ An", KEHOACH_ADMIN="quantri",
                 KEHOACH_ADMIN_PASSWORD="mot-mat-khau-du-dai-2026")
    assert _entry("init", env=setup).returncode == 0
    port = _free_port()
    while _port_taken(port + 1):
        port = _free_port()
    env = _env(tmp_path, KEHOACH_SECRET="x" * 64, PORT=str(port), HOST="127.0.0.1", KEHOACH_WEB_PROCESSES="2")
    web = subprocess.Popen(["sh", str(ENTRYPOINT), "web"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        while _entry("healthcheck", env=env).returncode != 0:   # healthy only when both ports answer
            assert web.poll() is None, web.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "trang không trả lời sau 90 s"
            time.sleep(0.5)
        second = subprocess.run(["pgrep", "-f", "--", f"--port {port + 1}$"], capture_output=True, text=True).stdout.split()
        assert second
        for pid in second:
            os.kill(int(pid), 9)
        _, err = web.communicate(timeout=30)   # ends only when every process has let go of the output
        assert web.returncode == 1 and "dừng cả dịch vụ" in err.decode()
        assert _entry("healthcheck", env=env).returncode == 1
    finally:
        if web.poll() is None:
            os.killpg(web.pid, 15)
            web.wait(timeout=30)


def _port_taken(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0

