"""Fixtures of the province workspace: real PostgreSQL and Redis on loopback for the session, an application on
SQLite or PostgreSQL with the Nghệ An units and users of every role, clients logged in as each of them.

Imported by each test module (`from ws_fixtures import *`) rather than kept in a conftest.py: the web tests
import their own conftest by name at run time, and a second module named `conftest` would shadow it."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ws_servers import Postgres, Redis  # noqa: E402
from ws_support import User, seed  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def cheap_hashing():
    """argon2id still, with a small cost so that a test run does not spend minutes hashing."""
    from authoring.workspace import accounts

    accounts.set_cost(1, 1024)


@pytest.fixture(scope="session")
def postgres():
    server = Postgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url():
    server = Redis()
    url = server.start()
    yield url
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kehoach.db'}"
    postgres = request.getfixturevalue("postgres")
    return postgres.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
def ws_app(db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KEHOACH_STORAGE", str(tmp_path / "luu-tru"))
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(tmp_path / "danh-muc"))   # the province's own layer, per test
    seed(db_url)
    from authoring.web.app import create_app

    app = create_app(db_url, workspace=True)
    yield app
    app.state.kh.store.engine.dispose()


@pytest.fixture
def users(ws_app):
    made = {}

    def get(name: str) -> User:
        if name not in made:
            made[name] = User(ws_app, name)
        return made[name]

    yield get
    for user in made.values():
        user.close()


@pytest.fixture(scope="session")
def p12(tmp_path_factory):
    """A throw-away signing certificate of the commune's signer, made at test time: (bytes, password)."""
    return make_p12("Đỗ Văn Hùng")


@pytest.fixture(scope="session")
def body_p12(tmp_path_factory):
    """The commune body's own certificate, for the văn thư's signature at issue: (bytes, password)."""
    return make_p12("Ủy ban nhân dân xã Anh Sơn")


def make_p12(common_name: str) -> tuple[bytes, str]:
    """Also trusted for the session (KEHOACH_TRUST_ROOTS): the signing step accepts only certificates that chain to a
    root of the trust list."""
    import os
    import tempfile

    from cryptography.hazmat.primitives import serialization

    from authoring.pdf.verify import EXTRA_ROOTS_ENV
    from helpers import self_signed_p12

    data, cert = self_signed_p12(common_name, b"mat-khau-ky")
    handle, pem = tempfile.mkstemp(prefix="kehoach-goc-thu-", suffix=".pem")
    os.write(handle, cert.public_bytes(serialization.Encoding.PEM))
    os.close(handle)
    os.environ[EXTRA_ROOTS_ENV] = os.pathsep.join(filter(None, [os.environ.get(EXTRA_ROOTS_ENV), pem]))
    return data, "mat-khau-ky"


