"""Fixtures for the web page: an app on a fresh database and a test client that carries the CSRF token."""

from __future__ import annotations

import pytest


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(tmp_path / "danh-muc"))   # the unit's own layer, per test
    from authoring.web.app import create_app

    return create_app(f"sqlite:///{tmp_path / 'kehoach.db'}")


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    from webtools import Client

    with TestClient(app) as http:
        yield Client(http)
