"""Storage on SQLite and PostgreSQL: Alembic upgrade and downgrade, plans and versions, the workspace tables,
the register's numbers, the append-only audit log."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import sessionmaker

from authoring.web.store import MIGRATIONS, Conflict, Store, migrate
from authoring.workspace import accounts, audit, workflow
from authoring.workspace.models import UnitRow
from ws_fixtures import *  # noqa: F401,F403  (fixtures)

WS_TABLES = {"ws_units", "ws_users", "ws_memberships", "ws_login_limits", "ws_sessions", "ws_workflow", "ws_registers",
             "ws_audit", "ws_batches"}
WS01_TABLES = WS_TABLES - {"ws_login_limits", "ws_sessions"} | {"ws_login_failures"}


def alembic(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def workflow_columns(url: str) -> set[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("ws_workflow")}
    finally:
        engine.dispose()


def test_alembic_upgrade_downgrade_upgrade(db_url):
    migrate(db_url)
    assert WS_TABLES | {"plans", "plan_versions"} <= tables(db_url)
    assert "children_due" in workflow_columns(db_url)
    command.downgrade(alembic(db_url), "ws02")      # sessions and login limits go, the old failures table is back
    assert WS01_TABLES <= tables(db_url) and not ({"ws_login_limits", "ws_sessions"} & tables(db_url))
    command.downgrade(alembic(db_url), "ws01")      # the communes' deadline column goes, the tables stay
    assert "children_due" not in workflow_columns(db_url) and WS01_TABLES <= tables(db_url)
    command.downgrade(alembic(db_url), "0001")
    assert not ((WS_TABLES | WS01_TABLES) & tables(db_url))
    assert {"plans", "plan_versions"} <= tables(db_url)
    command.downgrade(alembic(db_url), "base")
    assert not ({"plans", "plan_versions"} & tables(db_url))
    command.upgrade(alembic(db_url), "head")
    assert WS_TABLES | {"plans", "plan_versions"} <= tables(db_url) and "children_due" in workflow_columns(db_url)


def test_versions_and_conflicts(db_url):
    migrate(db_url)
    store = Store(db_url)
    saved = store.create("kind: plan\n", "tạo", "thử", "Kế hoạch thử", "UBND xã", {"error": 0}, True)
    store.save(saved.plan_id, 1, "kind: plan\nid: a\n", "sửa", "", "", {}, True)
    with pytest.raises(Conflict):
        store.save(saved.plan_id, 1, "kind: plan\nid: b\n", "sửa cũ", "", "", {}, True)
    assert [v.number for v in store.versions(saved.plan_id)] == [2, 1]
    assert store.version(saved.plan_id).yaml_text == "kind: plan\nid: a\n"
    store.engine.dispose()


def test_register_numbers_are_unique_under_concurrency(db_url):
    migrate(db_url)
    engine = create_engine(db_url, connect_args={"timeout": 30} if db_url.startswith("sqlite") else {})
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        unit_id = accounts.add_unit(session, "xã Anh Sơn", "xã", "xa", "nghe-an").id
    got: list[int] = []
    lock = threading.Lock()

    def take():
        for _ in range(5):
            while True:
                try:
                    with sessions.begin() as session:
                        number = workflow.next_number(session, unit_id, 2026)
                    break
                except Exception:   # SQLite: "database is locked" under contention; try again
                    continue
            with lock:
                got.append(number)

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 21))
    with sessions.begin() as session:
        assert workflow.next_number(session, unit_id, 2027) == 1   # a new year starts at 01
    engine.dispose()


def test_audit_log_refuses_update_and_delete_in_the_database(db_url):
    migrate(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        audit.record(session, None, "tao", "Tạo kế hoạch", 1)
    for statement in ("UPDATE ws_audit SET summary = 'đã sửa'", "DELETE FROM ws_audit"):
        with pytest.raises(Exception) as caught:
            with engine.begin() as connection:
                connection.execute(text(statement))
        assert "nhật ký không được sửa hoặc xóa" in str(caught.value)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT summary FROM ws_audit")).scalar() == "Tạo kế hoạch"
    engine.dispose()


def test_passwords_are_argon2_hashes_never_the_password(db_url):
    migrate(db_url)
    engine = create_engine(db_url)
    sessions = sessionmaker(engine)
    secret = "mật-khẩu-rất-riêng-123"
    with sessions.begin() as session:
        unit = accounts.add_unit(session, "xã Anh Sơn", "xã", "xa", "nghe-an")
        accounts.add_user(session, "cv.anhson", "Đặng Thị Hoa", secret, unit, ["soan-thao"])
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM ws_users")).scalar()
        everything = " ".join(str(v) for table in ("ws_users", "ws_audit", "ws_login_limits")
                              for row in connection.execute(text(f"SELECT * FROM {table}")) for v in row)
    assert stored.startswith("$argon2id$") and secret not in stored
    assert secret not in everything
    with sessions() as session:
        assert accounts.login(session, "cv.anhson", secret, "127.0.0.1").unit_name == "xã Anh Sơn"
        with pytest.raises(accounts.LoginRefused):
            accounts.login(session, "cv.anhson", "sai", "127.0.0.1")
    with pytest.raises(accounts.AccountError):
        accounts.hash_password("ngắn")
    engine.dispose()


def test_units_and_memberships(db_url):
    migrate(db_url)
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:
        so = accounts.add_unit(session, "Sở Y tế tỉnh Nghệ An", "sở", "tinh", "nghe-an")
        xa = accounts.add_unit(session, "xã Anh Sơn", "xã", "xa", "nghe-an", so)
        user = accounts.add_user(session, "ld.so", "Lê Văn Lãnh", "chuoi-dai-du-muoi-hai", so, ["lanh-dao", "nguoi-ky"])
        who = accounts.account(session, user.id)
        assert who.province_wide and who.has("nguoi-ky") and who.role_labels == "Lãnh đạo đơn vị, Người ký"
        assert session.get(UnitRow, xa.id).parent_id == so.id
        with pytest.raises(accounts.AccountError):
            accounts.add_user(session, "ld.so", "Trùng", "chuoi-dai-du-muoi-hai", so, ["lanh-dao"])
    engine.dispose()


def test_downgrading_the_registry_history_drops_withdrawn_entries_and_keeps_the_live_ones(db_url):
    from authoring.workspace.models import RegistryEntryRow, now

    migrate(db_url)
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:
        unit = accounts.add_unit(session, "xã Anh Sơn", "xa", "xa")
        for entry_id, gone in (("con-dung", None), ("da-rut", now())):
            session.add(RegistryEntryRow(unit_id=unit.id, kind="documents", entry_id=entry_id, data={"id": entry_id},
                                         added_by="Đặng Thị Hoa", withdrawn_by="Đặng Thị Hoa" if gone else None,
                                         withdrawn_at=gone))
    engine.dispose()
    command.downgrade(alembic(db_url), "wsreg01")
    # without the withdrawn columns a withdrawn entry would count again: it is dropped, the audit log keeps its history
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT entry_id FROM ws_registry_entries")).scalars().all() == ["con-dung"]
        assert "withdrawn_at" not in {c["name"] for c in inspect(engine).get_columns("ws_registry_entries")}
    finally:
        engine.dispose()
    command.upgrade(alembic(db_url), "head")
    engine = create_engine(db_url)
    try:
        assert {"changed_by", "changed_at", "withdrawn_by", "withdrawn_at"} <= {
            c["name"] for c in inspect(engine).get_columns("ws_registry_entries")}
    finally:
        engine.dispose()


def test_entries_made_before_the_history_table_start_their_history_with_their_present_state(db_url):
    from authoring.workspace import unit_registry

    command.upgrade(alembic(db_url), "wsreg02")
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO ws_units (id, name, kind, level, province, symbol) "
                                "VALUES (1, 'xã Anh Sơn', 'xa', 'xa', '', 'KH-UBND')"))
        connection.execute(text(
            "INSERT INTO ws_registry_entries (unit_id, kind, entry_id, data, pending, added_by, added_at, reviewed_by, "
            "reviewed_at, version) VALUES (1, 'documents', 'ct-23', '{\"id\": \"ct-23\", \"source\": \"Công báo\"}', "
            ":no, 'Đặng Thị Hoa (xã Anh Sơn)', '2026-11-02 08:00:00', 'Lê Văn Lãnh (Sở Y tế tỉnh Nghệ An)', "
            "'2026-11-03 09:30:00', 2)"), {"no": False})
    engine.dispose()
    command.upgrade(alembic(db_url), "head")
    engine = create_engine(db_url)
    try:
        with sessionmaker(engine)() as session:
            row, unit, versions = unit_registry.history(session, 1)
            assert unit.name == "xã Anh Sơn" and [(v.version, v.action, v.by, v.pending, v.data["source"])
                                                  for v in versions] == [
                (2, "known", "Lê Văn Lãnh (Sở Y tế tỉnh Nghệ An)", False, "Công báo")]
            assert f"{versions[0].at:%d/%m/%Y %H:%M}" == "03/11/2026 09:30"
    finally:
        engine.dispose()
    command.downgrade(alembic(db_url), "wsreg02")
    assert "ws_registry_versions" not in tables(db_url)


def test_the_audit_subject_column_is_added_keeping_the_logs_guards_and_dropped_on_downgrade(db_url):
    command.upgrade(alembic(db_url), "wsreg03")
    engine = create_engine(db_url)
    try:
        with sessionmaker(engine).begin() as session:   # an entry written before the column existed
            session.execute(text("INSERT INTO ws_audit (at, user_name, action, summary) VALUES "
                                 "(CURRENT_TIMESTAMP, 'hệ thống', 'don-vi', 'trước wsreg04')"))
        command.upgrade(alembic(db_url), "head")
        assert "subject" in {c["name"] for c in inspect(engine).get_columns("ws_audit")}
        with sessionmaker(engine).begin() as session:
            audit.record(session, None, "don-vi", "sau wsreg04")
            audit.record(session, None, "danh-muc", "có phiên bản", subject="ws_registry_versions:9:ab")
        with sessionmaker(engine)() as session:
            verdict = audit.verify(session)
        assert (verdict.checked, verdict.unchained) == (2, 1)
        # the chain holds across the upgrade; only the version the last entry names (never written) is missing
        assert len(verdict.problems) == 1 and "mục nhật ký số 3" in verdict.problems[0], verdict.problems
        assert verdict.problems[0].endswith("không còn trong cơ sở dữ liệu: đã bị xóa.")
        with pytest.raises(Exception, match="không được sửa hoặc xóa"), engine.begin() as connection:
            connection.execute(text("UPDATE ws_audit SET summary = 'khác'"))   # still refused: the triggers stayed
    finally:
        engine.dispose()
    command.downgrade(alembic(db_url), "wsreg03")
    engine = create_engine(db_url)
    try:
        assert "subject" not in {c["name"] for c in inspect(engine).get_columns("ws_audit")}
    finally:
        engine.dispose()
