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
