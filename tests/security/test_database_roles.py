"""PostgreSQL as docs/deploy.md sets it up: one role owns the tables, the application runs as another that may only
read and add to the audit log — it can neither empty it, nor change an entry, nor drop the trigger that guards it."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text

from authoring.web.workspace_app import bootstrap
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import PASSWORD, SO, User


@pytest.fixture
def two_roles(postgres, tmp_path, monkeypatch):
    suffix = uuid.uuid4().hex[:8]
    owner, app_role, name = f"chu_{suffix}", f"ud_{suffix}", f"r_{suffix}"
    admin = create_engine(f"postgresql+psycopg://kehoach@127.0.0.1:{postgres.port}/kehoach", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} LOGIN"))
        connection.execute(text(f"CREATE ROLE {app_role} LOGIN"))
        connection.execute(text(f"CREATE DATABASE {name} OWNER {owner}"))
    admin.dispose()
    base = f"postgresql+psycopg://{{}}@127.0.0.1:{postgres.port}/{name}"
    # PostgreSQL 15+ no longer lets every role create tables in public; the owner of the database does.
    owner_engine = create_engine(base.format("kehoach"), isolation_level="AUTOCOMMIT")
    with owner_engine.connect() as connection:
        connection.execute(text(f"ALTER SCHEMA public OWNER TO {owner}"))
    owner_engine.dispose()
    bootstrap(base.format(owner), "nghe-an", SO, "qt.so", "Trần Quản Trị", PASSWORD, app_role=app_role)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KEHOACH_STORAGE", str(tmp_path / "luu-tru"))
    return base.format(owner), base.format(app_role)


@pytest.mark.parametrize("statement", ["TRUNCATE ws_audit", "DELETE FROM ws_audit", "UPDATE ws_audit SET summary = ''",
                                       "DROP TRIGGER ws_audit_no_update ON ws_audit", "ALTER TABLE ws_audit DISABLE TRIGGER ALL",
                                       "DROP TABLE ws_audit", "DELETE FROM ws_audit_head", "TRUNCATE ws_audit_head",
                                       "DROP TRIGGER ws_audit_head_forward_only ON ws_audit_head"])
def test_the_application_role_cannot_rewrite_the_log(two_roles, statement):
    _owner, app = two_roles
    engine = create_engine(app)
    with pytest.raises(Exception) as refused, engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)


def test_the_workspace_runs_as_the_application_role(two_roles):
    from authoring.web.app import create_app

    _owner, app_url = two_roles
    application = create_app(app_url, workspace=True)
    admin = User(application, "qt.so")          # login: sessions, login limits and an audit entry written
    assert "Đăng nhập" in admin.get("/khong-gian/nhat-ky").text
    admin.close()
    application.state.kh.store.engine.dispose()
