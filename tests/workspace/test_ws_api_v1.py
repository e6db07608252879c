"""The JSON API (/api/v1) of the workspace: access keys per account, the page's permissions, optimistic versions,
check, derive and render, and its OpenAPI description."""

from __future__ import annotations

import io
import re
import zipfile

from fastapi.testclient import TestClient

from ws_support import new_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def key_of(user) -> str:
    page = user.form("/khong-gian/khoa-truy-cap", {"ten_khoa": "Hệ thống quản lý văn bản"})
    assert page.status_code == 200 and "sẽ không hiện lại" in page.text
    return re.search(r'value="(kh_[^"]+)"', page.text).group(1)


def test_an_access_key_is_required_shown_once_and_revocable(ws_app, users):
    cv = users("cv.anhson")
    key = key_of(cv)
    with TestClient(ws_app) as http:
        refused = http.get("/api/v1/ke-hoach")
        assert refused.status_code == 401 and "khóa" in refused.json()["loi"]
        assert http.get("/api/v1/ke-hoach", headers={"Authorization": "Bearer kh_sai"}).status_code == 401
        # the browser's session cookie does not open the API (no cross-site requests with the user's cookie)
        assert cv.get("/api/v1/ke-hoach").status_code == 401
        assert http.get("/api/v1/ke-hoach", headers={"Authorization": f"Bearer {key}"}).status_code == 200
        listing = cv.get("/khong-gian/khoa-truy-cap").text
        assert key not in listing and "Hệ thống quản lý văn bản" in listing
        key_id = re.search(r'/khong-gian/khoa-truy-cap/(\d+)/thu-hoi', listing).group(1)
        assert cv.form(f"/khong-gian/khoa-truy-cap/{key_id}/thu-hoi", follow_redirects=False).status_code == 303
        assert http.get("/api/v1/ke-hoach", headers={"Authorization": f"Bearer {key}"}).status_code == 401
        # the description of the API is public (no data in it)
        spec = http.get("/api/v1/openapi.json").json()
        assert {"/ke-hoach", "/ke-hoach/{plan_id}", "/ke-hoach/{plan_id}/kiem-tra", "/lap-cap-duoi",
                "/ke-hoach/{plan_id}/van-ban.{kind}"} <= set(spec["paths"])


def test_the_api_reads_writes_checks_derives_and_renders_with_the_pages_permissions(ws_app, users):
    cv, other, vt = users("cv.anhson"), users("cv.quynhanh"), users("vt.anhson")
    own = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    theirs = new_plan(other, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    with TestClient(ws_app) as http:
        me = {"Authorization": f"Bearer {key_of(cv)}"}
        clerk = {"Authorization": f"Bearer {key_of(vt)}"}
        listed = http.get("/api/v1/ke-hoach", headers=me).json()
        assert [p["id"] for p in listed["ke_hoach"]] == [own] and listed["tong"] == 1
        assert http.get(f"/api/v1/ke-hoach/{theirs}", headers=me).status_code == 404   # another commune's
        plan = http.get(f"/api/v1/ke-hoach/{own}", headers=me).json()
        assert plan["phien_ban"] == 1 and plan["du_lieu"]["symbol"] and "document:" in plan["yaml"]
        changed = plan["yaml"].replace("Thực hiện nhiệm vụ", "Triển khai nhiệm vụ", 1)
        saved = http.put(f"/api/v1/ke-hoach/{own}", headers=me, json={"yaml": changed, "phien_ban": 1})
        assert saved.status_code == 200 and saved.json()["phien_ban"] == 2
        stale = http.put(f"/api/v1/ke-hoach/{own}", headers=me, json={"yaml": changed, "phien_ban": 1})
        assert stale.status_code == 409 and stale.json()["phien_ban_moi_nhat"] == 2
        assert http.put(f"/api/v1/ke-hoach/{own}", headers=clerk,
                        json={"yaml": changed, "phien_ban": 2}).status_code == 403   # a văn thư does not edit
        assert http.post("/api/v1/ke-hoach", headers=clerk, json={"yaml": changed}).status_code == 403
        # the edit through the API is in the audit log, under the user's name
        assert "Đặng Thị Hoa" in cv.get(f"/khong-gian/ke-hoach/{own}").text
        check = http.get(f"/api/v1/ke-hoach/{own}/kiem-tra", headers=me).json()
        assert check["doc_duoc"] and check["phien_ban"] == 2 and all(f["noi_dung"] for f in check["phat_hien"])
        docx = http.get(f"/api/v1/ke-hoach/{own}/van-ban.docx", headers=me)
        assert docx.status_code == 200 and "Triển khai nhiệm vụ" in zipfile.ZipFile(io.BytesIO(docx.content)).read(
            "word/document.xml").decode("utf-8")
        derived = http.post("/api/v1/lap-cap-duoi", headers=me,
                            json={"van_ban": "examples/nghe-an-2025-kh-07.yaml", "don_vi": "xã Anh Sơn"})
        assert derived.status_code == 201, derived.text
        refused = http.post("/api/v1/lap-cap-duoi", headers=me,
                            json={"van_ban": "examples/nghe-an-2025-kh-07.yaml", "don_vi": "xã Quỳnh Anh"})
        assert refused.status_code == 400 and "chỉ lập được kế hoạch của xã Anh Sơn" in refused.json()["loi"]
        bad = http.put(f"/api/v1/ke-hoach/{own}", headers=me, json={"phien_ban": "hai"})
        assert bad.status_code == 422 and "yaml" in bad.json()["truong"]


def test_workflow_steps_through_the_api_follow_the_pages_roles_and_order(ws_app, users):
    cv, ld = users("cv.anhson"), users("ld.anhson")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    with TestClient(ws_app) as http:
        drafter = {"Authorization": f"Bearer {key_of(cv)}"}
        head = {"Authorization": f"Bearer {key_of(ld)}"}
        done = http.post(f"/api/v1/ke-hoach/{plan}/buoc/trinh", headers=drafter, json={})
        assert done.status_code == 200 and done.json()["buoc"] == "Đã trình lãnh đạo"
        refused = http.post(f"/api/v1/ke-hoach/{plan}/buoc/duyet", headers=drafter, json={})
        assert refused.status_code == 403 and "lãnh đạo đơn vị" in refused.json()["loi"]
        assert http.post(f"/api/v1/ke-hoach/{plan}/buoc/duyet", headers=head, json={}).json()["buoc"] == \
            "Lãnh đạo đã duyệt nội dung"
        early = http.post(f"/api/v1/ke-hoach/{plan}/buoc/ban-hanh", headers=head, json={"ngay": "07/12/2026"})
        assert early.status_code in (403, 409) and early.json()["loi"]
        assert http.post(f"/api/v1/ke-hoach/{plan}/buoc/ky", headers=head, json={}).status_code == 400
    log = cv.get(f"/khong-gian/ke-hoach/{plan}").text
    assert "Chuyên viên trình lãnh đạo đơn vị" in log and "Lãnh đạo đơn vị duyệt nội dung" in log
