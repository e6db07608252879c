"""The JSON API of the single-user page (`kehoach serve`): no account, loopback only, JSON bodies only."""

from __future__ import annotations

from pathlib import Path


def test_single_user_api_creates_reads_updates_and_refuses_form_posts(client):
    http = client.http
    text = Path("plans/examples/lang-son-2019-kh-chua-so.yaml").read_text(encoding="utf-8")
    created = http.post("/api/v1/ke-hoach", json={"yaml": text, "ghi_chu": "Từ e-office"})
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    assert http.get(f"/api/v1/ke-hoach/{plan_id}").json()["yaml"] == text
    saved = http.put(f"/api/v1/ke-hoach/{plan_id}", json={"yaml": text + "\n", "phien_ban": 1})
    assert saved.status_code == 200 and saved.json()["phien_ban"] == 2
    # a cross-site form cannot write: only a JSON body is read
    form = http.post("/api/v1/ke-hoach", data={"yaml": text}, headers={"content-type": "application/x-www-form-urlencoded"})
    assert form.status_code == 422
    assert http.get("/api/v1/ke-hoach/999").status_code == 404 and "loi" in http.get("/api/v1/ke-hoach/999").json()
    listing = http.get("/api/v1/ke-hoach?so_dong=1").json()
    assert listing["tong"] >= 1 and len(listing["ke_hoach"]) == 1
