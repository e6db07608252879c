"""The Báo cáo kết quả through the JSON API (/api/v1): a commune's reports with their steps and deadlines, its
figures read and written with an optimistic version, the steps of the page with its roles, and the Word download."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from test_ws_reports import world  # noqa: E402,F401  (fixture: the Sở's plan and two derived communes)

PERIOD = "2026-H1"


def key_of(user) -> dict:
    page = user.form("/khong-gian/khoa-truy-cap", {"ten_khoa": "Phần mềm tổng hợp báo cáo"})
    key = re.search(r'value="(kh_[^"]+)"', page.text).group(1)
    return {"Authorization": f"Bearer {key}"}


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def filled(text: str, value: float) -> str:
    """The figures YAML with the first target reached and the first task done."""
    from authoring.loading.results import load_results, results_yaml
    from authoring.model.results import WorkStatus

    loaded, _ = load_results("ket-qua.yaml", None, text=text)
    results = loaded.results
    results.targets[0].value = value
    results.work[0].status = WorkStatus.DONE
    return results_yaml(results)


def test_the_api_lists_reads_writes_and_steps_a_communes_report_with_the_pages_roles(world):  # noqa: F811
    from sqlalchemy import text as sql

    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    cv, ld, vt, so, other = (key_of(user(n)) for n in ("cv.anhson", "ld.anhson", "vt.anhson", "cv.so", "cv.namdan"))
    base = f"/api/v1/ke-hoach/{plan}/bao-cao"
    with TestClient(app) as http:
        listed = http.get(base, headers=cv).json()
        assert listed["don_vi"] == "Ủy ban nhân dân xã Anh Sơn"
        first = next(r for r in listed["bao_cao"] if r["ky"] == PERIOD)
        assert (first["ten_ky"], first["trang_thai"], first["phien_ban"]) == ("6 tháng đầu năm 2026",
                                                                              "Chưa nhập số liệu", 0)
        assert {r["ky"] for r in listed["bao_cao"]} >= {"2026-H1", "2026-H2", "2026"}
        assert http.get(base, headers=other).status_code == 404                  # another commune's plan
        form = http.get(f"{base}/{PERIOD}", headers=cv).json()
        assert form["phien_ban"] == 0 and f"period: {PERIOD}" in form["yaml"] and form["du_lieu"]["targets"]
        # figures checked as on the page: a negative value is refused, saying where
        bad = http.put(f"{base}/{PERIOD}", headers=cv, json={"yaml": filled(form["yaml"], -3), "phien_ban": 0})
        assert bad.status_code == 422 and any("số âm" in f["noi_dung"] for f in bad.json()["phat_hien"])
        saved = http.put(f"{base}/{PERIOD}", headers=cv, json={"yaml": filled(form["yaml"], 2), "phien_ban": 0})
        assert saved.status_code == 200, saved.text
        assert saved.json()["phien_ban"] == 1 and saved.json()["trang_thai"] == "Đang soạn"
        stale = http.put(f"{base}/{PERIOD}", headers=cv, json={"yaml": filled(form["yaml"], 3), "phien_ban": 0})
        assert stale.status_code == 409 and "vừa được người khác lưu" in stale.json()["loi"]
        wrong = http.put(f"{base}/2026-H2", headers=cv, json={"yaml": filled(form["yaml"], 3), "phien_ban": 0})
        assert wrong.status_code == 400 and "6 tháng đầu năm 2026" in wrong.json()["loi"]
        assert http.put(f"{base}/{PERIOD}", headers=vt, json={"yaml": filled(form["yaml"], 3),
                                                              "phien_ban": 1}).status_code == 403   # a văn thư
        read = http.get(f"{base}/{PERIOD}", headers=cv).json()
        assert read["phien_ban"] == 1 and read["du_lieu"]["targets"][0]["value"] == 2 and read["buoc_duoc_lam"] == \
            ["trinh"]
        # the steps, each to its role
        assert http.post(f"{base}/{PERIOD}/buoc/duyet", headers=cv, json={}).status_code == 403
        assert http.post(f"{base}/{PERIOD}/buoc/trinh", headers=cv, json={}).json()["trang_thai"] == \
            "Đã trình lãnh đạo"
        assert http.put(f"{base}/{PERIOD}", headers=cv, json={"yaml": read["yaml"], "phien_ban": 1}).status_code == 409
        assert http.post(f"{base}/{PERIOD}/buoc/duyet", headers=ld, json={}).status_code == 200
        ky = http.post(f"{base}/{PERIOD}/buoc/ky", headers=ld, json={})
        assert ky.status_code == 400 and "trên trang" in ky.json()["loi"]
        with app.state.kh.store.engine.begin() as connection:   # signed on the page (tested in test_ws_reports)
            connection.execute(sql("UPDATE ws_results SET state = 'signed' WHERE plan_id = :p AND period = :k"),
                               {"p": plan, "k": PERIOD})
        numbered = http.post(f"{base}/{PERIOD}/buoc/cap-so", headers=vt, json={"ngay": "10/06/2026"}).json()
        assert numbered["so"] and numbered["ngay_ban_hanh"] == "10/06/2026"
        assert http.post(f"{base}/{PERIOD}/buoc/tiep-nhan", headers=so, json={}).status_code == 403   # not sent
        assert http.post(f"{base}/{PERIOD}/buoc/gui", headers=vt, json={}).json()["trang_thai"] == "Đã gửi cấp trên"
        returned = http.post(f"{base}/{PERIOD}/buoc/tra-lai", headers=so, json={})
        assert returned.status_code == 400 and "lý do" in returned.json()["loi"]
        assert http.post(f"{base}/{PERIOD}/buoc/tiep-nhan", headers=so, json={}).status_code == 200
        listed = http.get(base, headers=cv).json()
        row = next(r for r in listed["bao_cao"] if r["ky"] == PERIOD)
        assert row["trang_thai"] == "Cấp trên đã tiếp nhận" and row["so"] == numbered["so"] and not row["qua_han"]
        docx = http.get(f"{base}/{PERIOD}/van-ban.docx", headers=so)
        assert docx.status_code == 200
        body = zipfile.ZipFile(io.BytesIO(docx.content)).read("word/document.xml").decode("utf-8")
        assert "6 tháng đầu năm 2026" in body and f"{numbered['so']:02d}/BC-UBND" in body
        # the same Báo cáo as PDF, converted as the page converts it: its title and its number are in the text
        pdf = http.get(f"{base}/{PERIOD}/van-ban.pdf", headers=so)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", pdf.text[:300]
        assert 'filename="bao-cao-ket-qua-2026-H1.pdf"' in pdf.headers["content-disposition"]
        printed = " ".join(pdf_text(pdf.content).split())
        assert "BÁO CÁO" in printed and "6 tháng đầu năm 2026" in printed
        assert f"Số: {numbered['so']:02d}/BC-UBND" in printed
        assert http.get(f"{base}/{PERIOD}/van-ban.pdf", headers=other).status_code == 404   # another commune
        assert http.get(f"{base}/2026-H7", headers=cv).status_code == 400
        # the province: who reported, each target rolled up, and its own Báo cáo naming the communes still silent
        rollup = http.get(f"/api/v1/ke-hoach/{province}/tong-hop/{PERIOD}", headers=so).json()
        communes = {r["don_vi"]: r for r in rollup["xa"]}
        assert rollup["da_tinh"] == 1 and communes["xã Anh Sơn"]["trang_thai"] == "Cấp trên đã tiếp nhận"
        assert communes["xã Nam Đàn"]["ke_hoach"] == world[3]["xã Nam Đàn"] and rollup["chi_tieu"]
        assert http.get(f"/api/v1/ke-hoach/{province}/tong-hop/{PERIOD}", headers=cv).status_code == 404   # a commune
        document = http.get(f"/api/v1/ke-hoach/{province}/tong-hop/{PERIOD}/van-ban.docx", headers=so)
        assert document.status_code == 200
        text = zipfile.ZipFile(io.BytesIO(document.content)).read("word/document.xml").decode("utf-8")
        assert "Nam Đàn" in text and "6 tháng đầu năm 2026" in text
        province_pdf = http.get(f"/api/v1/ke-hoach/{province}/tong-hop/{PERIOD}/van-ban.pdf", headers=so)
        assert province_pdf.status_code == 200 and province_pdf.content.startswith(b"%PDF")
        assert "Nam Đàn" in " ".join(pdf_text(province_pdf.content).split())
        spec = http.get("/api/v1/openapi.json").json()
        assert {"/ke-hoach/{plan_id}/bao-cao", "/ke-hoach/{plan_id}/bao-cao/{ky}", "/ke-hoach/{plan_id}/tong-hop/{ky}",
                "/ke-hoach/{plan_id}/bao-cao/{ky}/buoc/{step}", "/ke-hoach/{plan_id}/bao-cao/{ky}/van-ban.docx",
                "/ke-hoach/{plan_id}/bao-cao/{ky}/van-ban.pdf", "/ke-hoach/{plan_id}/tong-hop/{ky}/van-ban.pdf"} <= \
            set(spec["paths"])
    log = user("cv.anhson").get(f"/khong-gian/ket-qua/{plan}?ky={PERIOD}").text
    assert "qua API" in log or "Cấp trên đã tiếp nhận" in log
