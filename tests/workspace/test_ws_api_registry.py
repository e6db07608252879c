"""The unit registry through the JSON API (/api/v1): the page's list, add, edit at a version, withdraw and approval,
with its roles, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from test_ws_registry import _finding, _plan_citing_2021  # noqa: E402
from ws_fixtures import *  # noqa: E402,F401,F403

DOCUMENT = {"loai": "van-ban", "loai_van_ban": "Chỉ thị", "so_ky_hieu": "23/CT-TTg", "ngay": "26/05/2021",
            "co_quan_ban_hanh": "Thủ tướng Chính phủ", "trich_yeu": "Về tăng cường",
            "nguon": "Công báo, bản chính lưu tại văn thư"}


def _key(user) -> dict:
    page = user.form("/khong-gian/khoa-truy-cap", {"ten_khoa": "Phần mềm văn phòng điện tử"})
    key = re.search(r'value="(kh_[^"]+)"', page.text).group(1)
    return {"Authorization": f"Bearer {key}"}


def test_the_api_adds_edits_at_a_version_approves_and_withdraws_with_the_pages_roles(ws_app, users):
    anhson, quynhanh, province = users("cv.anhson"), users("cv.quynhanh"), users("ld.so")
    own = _plan_citing_2021(anhson)
    cv, other, so = _key(anhson), _key(quynhanh), _key(province)
    with TestClient(ws_app) as http:
        spec = http.get("/api/v1/openapi.json").json()
        assert {"/danh-muc", "/ke-hoach/{plan_id}/danh-muc", "/danh-muc/{loai}/{muc}", "/danh-muc/{loai}/{muc}/rut",
                "/danh-muc/{loai}/{muc}/duyet"} <= set(spec["paths"])
        added = http.post(f"/api/v1/ke-hoach/{own}/danh-muc", json=DOCUMENT, headers=cv)
        assert added.status_code == 201, added.text
        entry = added.json()
        assert entry["tinh_trang"] == "Chờ Sở duyệt" and not entry["dung_khi_kiem_tra"] and entry["duoc_sua"]
        assert entry["noi_dung"] == "Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường"
        assert entry["don_vi"] == "xã Anh Sơn" and entry["gia_tri"]["ngay"] == "26/05/2021"
        again = http.post(f"/api/v1/ke-hoach/{own}/danh-muc", json=DOCUMENT, headers=cv)
        assert again.status_code == 400 and "đang chờ Sở duyệt" in again.json()["loi"]
        assert http.post(f"/api/v1/ke-hoach/{own}/danh-muc", json={**DOCUMENT, "nguon": ""},
                         headers=cv).status_code == 400
        # the list: the commune sees its own, another commune nothing of it; only the Sở's leader approves
        listed = http.get("/api/v1/danh-muc", headers=cv).json()
        assert [m["muc"] for m in listed["muc"]] == [entry["muc"]] and listed["duoc_duyet"] is False
        assert http.get("/api/v1/danh-muc", headers=other).json()["muc"] == []
        where = f"/api/v1/danh-muc/van-ban/{entry['muc']}"
        assert http.post(f"{where}/duyet", json={"phien_ban": entry["phien_ban"]}, headers=cv).status_code == 403
        assert http.put(where, json={**DOCUMENT, "phien_ban": entry["phien_ban"]}, headers=other).status_code == 403
        approved = http.post(f"{where}/duyet", json={"phien_ban": entry["phien_ban"]}, headers=so)
        assert approved.status_code == 200 and approved.json()["tinh_trang"] == "Sở đã duyệt"
        assert _finding(anhson, own) == ""
        # edited at the version read: back to waiting; a second edit from the same reading is refused, in words
        read = approved.json()["phien_ban"]
        edited = http.put(where, json={**DOCUMENT, "trich_yeu": "Về tăng cường công tác", "phien_ban": read},
                          headers=cv)
        assert edited.status_code == 200 and edited.json()["tinh_trang"] == "Chờ Sở duyệt"
        assert "đang chờ Sở duyệt" in _finding(anhson, own)
        stale = http.put(where, json={**DOCUMENT, "trich_yeu": "Về phòng chống", "phien_ban": read}, headers=so)
        assert stale.status_code == 409
        body = stale.json()
        assert "Người khác đã sửa mục này" in body["loi"] and body["phien_ban_moi_nhat"] == edited.json()["phien_ban"]
        assert body["noi_dung_hien_nay"] == "Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường công tác"
        assert http.post(f"{where}/rut", json={"phien_ban": read}, headers=cv).status_code == 409
        # withdrawn at the current version: counts nowhere, kept in the list as history
        withdrawn = http.post(f"{where}/rut", json={"phien_ban": edited.json()["phien_ban"]}, headers=cv)
        assert withdrawn.status_code == 204
        history = http.get("/api/v1/danh-muc", headers=so).json()["muc"]
        assert len(history) == 1 and history[0]["tinh_trang"].startswith("Đã rút ngày")
        assert not history[0]["duoc_sua"] and not history[0]["dung_khi_kiem_tra"]
        assert http.put(where, json={**DOCUMENT, "phien_ban": edited.json()["phien_ban"]}, headers=cv).status_code == 404
        assert _finding(anhson, own) and "chờ" not in _finding(anhson, own)
        assert http.get("/api/v1/danh-muc").status_code == 401                # no key, no list
    log = province.get("/khong-gian/nhat-ky").text
    assert "Sửa mục của danh mục đơn vị (chờ Sở duyệt lại)" in log and "Rút khỏi danh mục của đơn vị" in log


def _without_version(answer) -> None:
    assert answer.status_code == 428, answer.text
    body = answer.json()
    assert body["truong"] == ["phien_ban"] and "«phien_ban» (phiên bản bạn đã đọc)" in body["loi"]
    assert "GET" in body["loi"] and "gửi lại yêu cầu kèm trường này" in body["loi"]


def test_an_approval_edit_or_withdrawal_without_the_version_read_is_refused_428_and_changes_nothing(ws_app, users):
    anhson, province = users("cv.anhson"), users("ld.so")
    own = _plan_citing_2021(anhson)
    cv, so = _key(anhson), _key(province)
    with TestClient(ws_app) as http:
        entry = http.post(f"/api/v1/ke-hoach/{own}/danh-muc", json=DOCUMENT, headers=cv).json()
        where = f"/api/v1/danh-muc/van-ban/{entry['muc']}"
        for no_version in ({}, {"phien_ban": None}, {"phien_ban": ""}):
            _without_version(http.post(f"{where}/duyet", json=no_version, headers=so))
            _without_version(http.post(f"{where}/rut", json=no_version, headers=cv))
            _without_version(http.put(where, json={**DOCUMENT, "trich_yeu": "Về khác", **no_version}, headers=cv))
        _without_version(http.post(f"{where}/duyet", headers=so))                 # no body at all
        after = http.get("/api/v1/danh-muc", headers=so).json()["muc"]
        assert [(m["phien_ban"], m["tinh_trang"], m["noi_dung"]) for m in after] == [
            (entry["phien_ban"], "Chờ Sở duyệt", entry["noi_dung"])]
        # the other routes that write at a version: the plan and a period's figures
        _without_version(http.put(f"/api/v1/ke-hoach/{own}", json={"yaml": "document: {}\n"}, headers=cv))
        _without_version(http.put(f"/api/v1/ke-hoach/{own}/bao-cao/2026-H1", json={"yaml": "period: 2026-H1\n"},
                                  headers=cv))
        assert http.get(f"/api/v1/ke-hoach/{own}", headers=cv).json()["phien_ban"] == 1
        assert http.post(f"{where}/duyet", json={"phien_ban": entry["phien_ban"]}, headers=so).status_code == 200
