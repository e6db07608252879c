"""Attacks on login, each the request that broke it (issue 24, items 1 and 8), on SQLite and PostgreSQL: a lock-out
of the province, a forged X-Forwarded-For, parallel guesses past the limit, weak passwords, unequal answer times."""

from __future__ import annotations

import ipaddress
import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, update
from sqlalchemy.orm import sessionmaker

from authoring.web.workspace_access import client_address
from authoring.workspace import accounts
from authoring.workspace.models import LoginLimitRow, UserRow, now
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from security_support import post_login
from ws_support import PASSWORD


def test_wrong_passwords_for_one_name_behind_the_proxy_do_not_lock_out_the_province(ws_app):
    # Behind the proxy every request comes from 127.0.0.1: five wrong passwords for any name used to lock out all.
    with TestClient(ws_app, client=("127.0.0.1", 50000)) as attacker:
        for _ in range(6):
            assert post_login(attacker, "cv.so", "doan-bua-mat-khau").status_code == 401
    with TestClient(ws_app, client=("127.0.0.1", 50001)) as colleague:
        assert post_login(colleague, "cv.anhson", PASSWORD).status_code == 303


def test_a_locked_name_waits_a_growing_delay_then_its_owner_gets_in(ws_app, db_url):
    with TestClient(ws_app, client=("203.0.113.9", 1)) as attacker:
        for _ in range(5):
            post_login(attacker, "cv.so", "doan-bua-mat-khau")
        refused = post_login(attacker, "cv.so", PASSWORD)
        assert refused.status_code == 401 and "thử lại sau 30 giây" in refused.text and "quản trị" in refused.text
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:   # the delay has passed
        session.execute(update(LoginLimitRow).values(blocked_until=now() - timedelta(seconds=1)))
    with TestClient(ws_app, client=("198.51.100.7", 1)) as owner:
        assert post_login(owner, "cv.so", "van-sai-mat-khau").status_code == 401
        again = post_login(owner, "cv.so", PASSWORD)
        assert "thử lại sau 60 giây" in again.text   # the next delay is twice as long
        with sessionmaker(engine).begin() as session:
            accounts.unlock(session, "cv.so")            # the administrator lets the owner in at once
        assert post_login(owner, "cv.so", PASSWORD).status_code == 303
    engine.dispose()


def test_a_forged_x_forwarded_for_is_not_believed():
    forged = {"client": ("203.0.113.5", 1), "headers": [(b"x-forwarded-for", b"10.9.9.9")]}
    assert client_address(forged, nets=[]) == "203.0.113.5"
    proxy = ipaddress.ip_network("127.0.0.1/32")
    # Through the trusted proxy, only the hop the proxy itself added counts, not what the client wrote before it.
    through = {"client": ("127.0.0.1", 1), "headers": [(b"x-forwarded-for", b"10.9.9.9, 203.0.113.5")]}
    assert client_address(through, nets=[proxy]) == "203.0.113.5"
    # A client that reaches the server directly and claims to be the proxy's client is not believed either.
    assert client_address({"client": ("198.51.100.1", 1), "headers": through["headers"]}, nets=[proxy]) == "198.51.100.1"


def test_the_address_limit_holds_whatever_x_forwarded_for_says(ws_app, monkeypatch):
    monkeypatch.setattr(accounts, "ADDRESS_TRIES", 3)
    with TestClient(ws_app, client=("203.0.113.5", 1)) as attacker:
        answers = [post_login(attacker, f"ten{i}", "doan-bua-mat-khau",
                              headers={"X-Forwarded-For": f"10.0.0.{i}"}).text for i in range(5)]
    assert "thử lại sau" in answers[-1]


def test_forty_parallel_guesses_check_at_most_five_passwords(db_url, monkeypatch):
    from ws_support import seed

    seed(db_url)
    engine = create_engine(db_url, pool_size=45, connect_args={"timeout": 60} if db_url.startswith("sqlite") else {})
    sessions = sessionmaker(engine)
    checked = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: checked.append(1) or real(h, p))
    start = threading.Barrier(40)

    def guess(i):
        start.wait()
        with sessions() as session:
            try:
                accounts.login(session, "cv.so", f"doan-{i}-mat-khau", "203.0.113.5")
            except accounts.LoginRefused:
                pass

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert len(checked) == accounts.FREE_TRIES


class _Watched:
    """The process's argon2 hasher, noting for each verification its thread, how many ran at once and how many
    database connections were checked out meanwhile."""

    def __init__(self, real, engine):
        self.real, self.engine, self.lock = real, engine, threading.Lock()
        self.running, self.seen = 0, []

    def verify(self, stored, password):
        import time

        with self.lock:
            self.running += 1
            self.seen.append((threading.get_native_id(), self.running, self.engine.pool.checkedout()))
        time.sleep(0.02)
        with self.lock:
            self.running -= 1
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_burst_of_logins_hashes_one_password_at_a_time_in_one_thread(db_url, monkeypatch):
    # 50 officers logging in at once must not take the cores that saves need, nor 50 × 19 MiB.
    from ws_support import USERS, seed

    seed(db_url)
    engine = create_engine(db_url, pool_size=20, connect_args={"timeout": 60} if db_url.startswith("sqlite") else {})
    sessions = sessionmaker(engine)
    watched = _Watched(accounts._hasher, engine)
    monkeypatch.setattr(accounts, "_hasher", watched)
    names = sorted(USERS)
    start, logged = threading.Barrier(len(names)), []

    def log_in(name):
        start.wait()
        with sessions() as session:
            logged.append(accounts.login(session, name, PASSWORD, "203.0.113.5").username)

    threads = [threading.Thread(target=log_in, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert sorted(logged) == names and len(names) >= 6      # every login still verifies
    assert len({tid for tid, *_ in watched.seen}) == 1      # one hashing thread
    assert max(running for *_, running, _ in watched.seen) == 1


def test_no_database_connection_is_held_while_a_password_is_hashed(db_url, monkeypatch):
    # A login waiting for the hashing thread must not hold one of the pool's connections that saves need.
    from ws_support import seed

    seed(db_url)
    engine = create_engine(db_url)
    watched = _Watched(accounts._hasher, engine)
    monkeypatch.setattr(accounts, "_hasher", watched)
    with sessionmaker(engine)() as session:
        assert accounts.login(session, "cv.so", PASSWORD, "203.0.113.5").username == "cv.so"
        with pytest.raises(accounts.LoginRefused):
            accounts.login(session, "khong.co.ai", PASSWORD, "203.0.113.5")
    engine.dispose()
    assert [checked_out for *_, checked_out in watched.seen] == [0, 0]


@pytest.mark.parametrize("case", ["unknown", "inactive", "wrong"])
def test_unknown_inactive_and_wrong_each_take_one_argon2_verification(db_url, monkeypatch, case):
    from ws_support import seed

    seed(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        session.execute(update(UserRow).where(UserRow.username == "ld.so").values(active=False))
    checked = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: checked.append(h) or real(h, p))
    name, password = {"unknown": ("khong.co.ai", PASSWORD), "inactive": ("ld.so", PASSWORD),
                      "wrong": ("cv.so", "sai-mat-khau-roi")}[case]
    with sessions() as session, pytest.raises(accounts.LoginRefused) as refused:
        accounts.login(session, name, password, "203.0.113.5")
    engine.dispose()
    assert str(refused.value) == "Tên đăng nhập hoặc mật khẩu không đúng."
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


@pytest.mark.parametrize("password", ["1234567890", " " * 12, "cv.anhson", "cv.anhson-2024", "123456789012",
                                      "password1234", "matkhaumatkhau", "qwertyuiop123", "aaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(accounts.AccountError) as refused:
        accounts.check_password(password, "cv.anhson")
    assert str(refused.value).startswith("Mật khẩu") and "hãy" in str(refused.value)


def test_a_sentence_is_a_good_password():
    accounts.check_password("mèo con ăn cá lúc chiều", "cv.anhson")


def test_the_common_password_list_names_its_source():
    head = accounts.COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()[:6]
    assert any("SecLists" in line for line in head)


def test_argon2_parameters_are_recorded_in_each_hash():
    hashed = accounts.PasswordHasher(**accounts.ARGON2).hash("mèo con ăn cá lúc chiều")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
