"""Kill -9 of the server during saves (issue 24, item 5): no confirmed save is lost, none lacks its audit entry.
Three kills here; `benchmarks/fault_kill.py` runs more and prints the figures."""

from __future__ import annotations

from kill_cycles import run_cycles
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def test_killing_the_server_during_saves_loses_nothing_confirmed(db_url, tmp_path):
    figures = run_cycles(db_url, tmp_path, cycles=3)
    assert figures["kills"] == 3 and figures["confirmed"] > 3, figures
    assert figures["lost"] == 0 and figures["missing_audit"] == 0, figures
