"""A database pool of two connections under twenty requests at once (issue 24, item 7): saves, boards and logins all
answer, none waits for a connection until the pool's timeout (no request holds one connection while it waits for a
second), and every save the server confirmed is in the database."""

from __future__ import annotations

import re
import threading

import httpx
import pytest
from sqlalchemy import create_engine, text

from kill_cycles import Server, _created, _login
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import PASSWORD, seed

SAVERS = ["cv.anhson", "cv.anhson", "cv.namdan", "cv.namdan", "cv.quynhanh", "cv.quynhanh", "cv.so", "cv.so"]
BOARDS = ["ld.so", "ld.so", "vt.so", "ld.anhson", "ld.anhson", "vt.anhson"]
LOGINS = ["nk.so", "nk.anhson", "vt.quynhanh", "ld.quynhanh", "nk.quynhanh", "qt.so"]


@pytest.fixture
def small_pool_server(db_url, tmp_path):
    seed(db_url)
    server = Server(db_url, tmp_path)
    server.env.update(KEHOACH_DB_POOL="2", KEHOACH_DB_POOL_TIMEOUT="10")
    server.log = tmp_path / "may-chu.log"
    server.start()
    yield server
    server.kill()


def test_twenty_requests_at_once_on_a_pool_of_two_connections(small_pool_server, db_url):
    base = small_pool_server.url
    jobs = []
    for index, name in enumerate(SAVERS):    # each saver edits a plan of its own
        http = httpx.Client(timeout=120, follow_redirects=False)
        token = _login(http, base, name)
        plan = _created(http.post(base + "/tao/thu-vien", data={
            "csrf": token, "file": "examples/hai-phong-kien-an-2024-kh-chua-so.yaml"}))
        jobs.append(("save", http, token, plan, index))
    for name in BOARDS:
        http = httpx.Client(timeout=120, follow_redirects=False)
        jobs.append(("board", http, _login(http, base, name), None, None))
    for name in LOGINS:
        jobs.append(("login", httpx.Client(timeout=120, follow_redirects=False), name, None, None))
    assert len(jobs) == 20
    start = threading.Barrier(len(jobs))
    answers: list[tuple[str, int, str]] = [None] * len(jobs)

    def one(slot: int) -> None:
        kind, http, token, plan, index = jobs[slot]
        if kind == "login":
            form = re.search(r'name="csrf" value="([^"]+)"', http.get(base + "/dang-nhap").text).group(1)
        start.wait()
        if kind == "save":
            response = http.post(f"{base}/ke-hoach/{plan}/truong",
                                 data={"base": "1", "path": "document.title", "v": f"Kế hoạch thử số {index}"},
                                 headers={"X-CSRF-Token": token, "HX-Request": "true"})
        elif kind == "board":
            response = http.get(base + "/khong-gian")
        else:
            response = http.post(base + "/dang-nhap", data={"csrf": form, "ten": token, "mat_khau": PASSWORD})
        answers[slot] = (kind, response.status_code, response.text)

    threads = [threading.Thread(target=one, args=(slot,)) for slot in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(150)
    for job in jobs:
        job[1].close()
    assert all(answer is not None for answer in answers), "một yêu cầu không được trả lời"
    statuses = [(kind, status) for kind, status, _ in answers]
    assert all(status == (303 if kind == "login" else 200) for kind, status in statuses), \
        ([(k, s, b[:200]) for k, s, b in answers if s not in (200, 303)], small_pool_server.log.read_text()[-3000:])
    confirmed = [int(re.search(r"Đã lưu phiên bản (\d+)", body).group(1)) for kind, _, body in answers
                 if kind == "save"]
    assert confirmed == [2] * len(SAVERS)
    engine = create_engine(db_url)
    with engine.connect() as connection:
        saved = {p: t for p, t in connection.execute(text(
            "SELECT v.plan_id, v.yaml_text FROM plan_versions v WHERE v.number = 2"))}
    engine.dispose()
    for _kind, _http, _token, plan, index in (job for job in jobs if job[0] == "save"):
        assert f"Kế hoạch thử số {index}" in saved[plan]
