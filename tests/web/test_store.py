"""Storage: migrations, versions, and the optimistic check under real concurrency."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import inspect

from authoring.web.store import Conflict, Store, migrate


def test_migrations_make_the_tables_and_run_again_harmlessly(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate(url)
    migrate(url)
    tables = inspect(Store(url).engine).get_table_names()
    assert {"plans", "plan_versions", "alembic_version"} <= set(tables)
    columns = {c["name"] for c in inspect(Store(url).engine).get_columns("plans")}
    assert {"owner_id", "unit_id"} <= columns          # room for accounts and units (issue 15)


def test_simultaneous_saves_on_one_version_keep_exactly_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    migrate(url)
    store = Store(url)
    plan_id = store.create("v1", "tạo", "thử", "Kế hoạch", "UBND", {}, True).plan_id
    outcome = Counter()
    for round_ in range(15):
        base = store.plan(plan_id).head
        barrier = threading.Barrier(3)

        def save(i):
            barrier.wait()
            try:
                store.save(plan_id, base, f"v{round_}-{i}", "sửa", "Kế hoạch", "UBND", {}, True)
                outcome["saved"] += 1
            except Conflict:
                outcome["conflict"] += 1

        threads = [threading.Thread(target=save, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcome == Counter(saved=15, conflict=30)
    versions = store.versions(plan_id)
    assert [v.number for v in versions] == list(range(16, 0, -1))   # no gap, no duplicate, nothing overwritten


def test_the_version_names_migration_goes_up_and_down(tmp_path):
    from alembic import command
    from alembic.config import Config

    from authoring.web.store import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'k.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0001")
    store = Store(url)
    with store.engine.begin() as connection:   # a version saved before the upgrade
        connection.exec_driver_sql("INSERT INTO plans (id, title, issuer, origin, head, created_at, updated_at, deleted) "
                                   "VALUES (1, 'KH', 'UBND', '', 1, '2026-01-01', '2026-01-01', 0)")
        connection.exec_driver_sql("INSERT INTO plan_versions (plan_id, number, yaml_text, note, created_at, format_ok) "
                                   "VALUES (1, 1, 'v1', 'tạo', '2026-01-01', 1)")
    command.upgrade(config, "head")
    columns = {c["name"] for c in inspect(store.engine).get_columns("plan_versions")}
    assert {"session_key", "part", "change", "name"} <= columns
    assert store.name_version(1, 1, "Bản trình lãnh đạo")
    assert store.version(1, 1).name == "Bản trình lãnh đạo" and store.version(1, 1).yaml_text == "v1"
    store.engine.dispose()
    command.downgrade(config, "0001")
    columns = {c["name"] for c in inspect(Store(url).engine).get_columns("plan_versions")}
    assert "name" not in columns and "session_key" not in columns
    with Store(url).engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT yaml_text FROM plan_versions").scalar() == "v1"


def test_reports_sent_before_the_report_workflow_stay_sent_after_the_upgrade_and_back(tmp_path):
    """wsrep02: 'submitted' meant 'sent to the province'; it now means 'trình lãnh đạo'."""
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from authoring.web.store import MIGRATIONS

    url = f"sqlite:///{tmp_path / 'k.db'}"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1
    command.upgrade(config, "ws04_coverage")
    store = Store(url)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("INSERT INTO plans (id, title, issuer, origin, head, created_at, updated_at, deleted) "
                                   "VALUES (1, 'KH', 'UBND', '', 1, '2026-01-01', '2026-01-01', 0)")
        connection.exec_driver_sql("INSERT INTO ws_units (id, name, kind, level, province, symbol) "
                                   "VALUES (1, 'xã Anh Sơn', 'xã', 'xa', 'nghe-an', 'KH-UBND')")
        connection.exec_driver_sql("INSERT INTO ws_results (plan_id, unit_id, period, state, text, version, note, "
                                   "updated_at) VALUES (1, 1, '2026-H1', 'submitted', 'x', 1, '', '2026-06-01')")
    command.upgrade(config, "head")
    columns = {c["name"] for c in inspect(store.engine).get_columns("ws_results")}
    assert {"number", "issued_on", "signed_file"} <= columns
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT state FROM ws_results").scalar() == "sent"
    store.engine.dispose()
    command.downgrade(config, "ws04_coverage")
    with Store(url).engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT state FROM ws_results").scalar() == "submitted"
