"""A commune's draft opens without being checked again: the check made when it was derived (in the batch's worker) or
saved is kept with its version, and it is what a full check says; an edit of the province plan makes it stale."""

from __future__ import annotations

import pytest

from ws_support import derive_for, province_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def _counting(monkeypatch):
    from authoring.web import engine

    calls = []
    real = engine.check_loaded
    monkeypatch.setattr(engine, "check_loaded", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


def _findings(analysis):
    return [(f.code, f.severity, f.message, f.line, f.column, f.path, f.suggestion) for f in analysis.findings]


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_a_derived_draft_opens_with_its_kept_check_equal_to_a_full_check(ws_app, users, db_url, monkeypatch):
    from authoring.web import engine

    so, cv = users("cv.so"), users("cv.anhson")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    state = ws_app.state.kh
    row = state.store.version(plan, 1, kept=True)
    assert row.analysis and row.analysis["findings"]
    state.cache.clear()   # as in another server process, or the next morning
    calls = _counting(monkeypatch)
    page = cv.get(f"/ke-hoach/{plan}")
    assert page.status_code == 200 and 'id="summary"' in page.text
    assert calls == []
    opened = state.analysis(plan, 1)
    full = engine.analyse(row.yaml_text)
    assert _findings(opened) == _findings(full) and opened.coverage == full.coverage and opened.parents == full.parents

    # A save keeps the check of the new version; opened afresh it is not checked again either.
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Trích yếu mới"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    assert state.store.version(plan, 2, kept=True).analysis["key"] == row.analysis["key"]
    state.cache.clear()
    calls.clear()
    assert cv.get(f"/ke-hoach/{plan}").status_code == 200 and calls == []

    # The Sở edits the province plan: the commune's kept check no longer holds, the draft is checked again.
    response = so.htmx(f"/ke-hoach/{province}/truong", {"base": "1", "path": "document.title",
                                                        "v": "Kế hoạch của tỉnh, trích yếu đã sửa"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    ws_app.state.materialise_parent(province)
    state.cache.clear()
    calls.clear()
    assert cv.get(f"/ke-hoach/{plan}").status_code == 200 and calls == [1]
