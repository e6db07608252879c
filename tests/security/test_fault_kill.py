"""Kill -9 during saves, issues and batches (issue 24, items 5 and 6): no confirmed save or issue is lost, none lacks
its audit entry, the register has no gap or duplicate, no batch stays running and no commune gets two drafts.
Three kills each here; `benchmarks/fault_kill.py` runs twenty and prints the figures."""

from __future__ import annotations

from kill_cycles import run_batch_cycles, run_cycles, run_issue_cycles
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def test_killing_the_server_during_saves_loses_nothing_confirmed(db_url, tmp_path):
    figures = run_cycles(db_url, tmp_path, cycles=3)
    assert figures["kills"] == 3 and figures["confirmed"] > 3, figures
    assert figures["lost"] == 0 and figures["missing_audit"] == 0, figures


def test_killing_the_server_during_issues_leaves_each_plan_issued_whole_or_not_at_all(db_url, tmp_path):
    figures = run_issue_cycles(db_url, tmp_path, cycles=3)
    assert figures["kills"] == 3 and figures["confirmed"] >= 3, figures
    for bad in ("lost", "missing_audit", "gaps", "duplicates", "broken", "audit_problems"):
        assert figures[bad] == 0, figures


def test_killing_the_worker_or_the_server_mid_batch_leaves_no_batch_stuck(db_url, redis_url, tmp_path):
    figures = run_batch_cycles(db_url, redis_url, tmp_path, cycles=3)
    assert figures["kills"] == 3 and figures["mid_batch"] >= 1, figures
    assert figures["stuck"] == 0 and figures["finished"] == 3, figures
    for bad in ("duplicates", "missing_audit", "audit_problems"):
        assert figures[bad] == 0, figures
    assert figures["drafts"] == 9, figures
