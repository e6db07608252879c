"""The workspace through HTTP (the framework's test client), on SQLite and PostgreSQL: login, unit scoping,
CSRF, the workflow with its guards and four users, the audit log, uploads, the dashboard and its exports."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, text

from authoring.text import vietnam_today
from ws_support import PASSWORD, User, derive_for, new_plan, province_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def test_login_required_and_wrong_passwords_rate_limited(ws_app):
    from fastapi.testclient import TestClient

    with TestClient(ws_app) as http:
        response = http.get("/khong-gian", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/dang-nhap")
        assert http.get("/ke-hoach/1", follow_redirects=False).status_code == 303
        page = http.get("/dang-nhap")
        assert "Đăng nhập hệ thống soạn thảo kế hoạch" in page.text
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        for _ in range(5):
            response = http.post("/dang-nhap", data={"csrf": token, "ten": "cv.so", "mat_khau": "sai-mat-khau"})
            assert response.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
        response = http.post("/dang-nhap", data={"csrf": token, "ten": "cv.so", "mat_khau": PASSWORD})
        assert response.status_code == 401 and "thử lại sau 30 giây" in response.text   # even the right password, for now
        # login without the form's token is refused
        assert http.post("/dang-nhap", data={"ten": "cv.anhson", "mat_khau": PASSWORD}).status_code == 403


def test_password_never_logged_or_stored_in_clear(ws_app, db_url, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    user = User(ws_app, "cv.anhson")
    user.close()
    out, err = capfd.readouterr()
    assert PASSWORD not in caplog.text and PASSWORD not in out and PASSWORD not in err
    engine = create_engine(db_url)
    with engine.connect() as connection:
        hashes = [row[0] for row in connection.execute(text("SELECT password_hash FROM ws_users"))]
        dump = " ".join(str(v) for table in ("ws_users", "ws_audit", "ws_login_limits", "ws_sessions", "ws_memberships")
                        for row in connection.execute(text(f"SELECT * FROM {table}")) for v in row)
    engine.dispose()
    assert all(h.startswith("$argon2id$") for h in hashes) and PASSWORD not in dump


def test_a_commune_sees_only_its_own_plans(users):
    namdan, anhson, so = users("cv.namdan"), users("cv.anhson"), users("cv.so")
    plan = new_plan(namdan, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    own = new_plan(anhson, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    assert namdan.get(f"/ke-hoach/{plan}").status_code == 200
    # another unit's plan by guessing its address: not there at all
    for url in (f"/ke-hoach/{plan}", f"/ke-hoach/{plan}/tai/yaml", f"/ke-hoach/{plan}/phien-ban",
                f"/ke-hoach/{plan}/bao-phu", f"/khong-gian/ke-hoach/{plan}", f"/khong-gian/ke-hoach/{plan}/nhat-ky.csv",
                f"/khong-gian/tinh/{plan}"):
        response = anhson.get(url)
        assert response.status_code == 404, url
        assert "Không tìm thấy" in response.text and "Kiến An" not in response.text
    for url, data in ((f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Sửa trộm"}),
                      (f"/ke-hoach/{plan}/xoa", {}), (f"/khong-gian/ke-hoach/{plan}/buoc/duyet", {}),
                      ("/tao/nam-moi", {"plan": str(plan), "year": "2026"})):
        assert anhson.form(url, data).status_code == 404, url
    assert f"/ke-hoach/{plan}\"" not in anhson.get("/").text and f"/ke-hoach/{own}\"" in anhson.get("/").text
    assert f"/khong-gian/ke-hoach/{plan}\"" not in anhson.get("/khong-gian").text
    # the province sees every unit's plan, but changes only its own
    assert so.get(f"/ke-hoach/{plan}").status_code == 200
    assert f"/khong-gian/ke-hoach/{plan}\"" in so.get("/khong-gian").text
    response = so.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Sửa từ Sở"})
    assert response.status_code == 403 and "thuộc đơn vị khác" in response.text
    assert namdan.get(f"/ke-hoach/{plan}/tai/yaml").text.count("Sửa") == 0


def test_every_form_needs_the_csrf_token(users):
    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    for url, data in ((f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "x"}),
                      ("/tao/thu-vien", {"file": "examples/nghe-an-2025-kh-07.yaml"}),
                      (f"/khong-gian/ke-hoach/{plan}/buoc/duyet", {}), ("/dang-xuat", {}),
                      (f"/khong-gian/tinh/{plan}/lap-cho-xa", {})):
        assert user.http.post(url, data=data).status_code == 403, url
        assert user.http.post(url, data={**data, "csrf": "gia-mao"}).status_code == 403, url


def test_users_without_an_editing_role_cannot_create_or_edit(users):
    cv, vt = users("cv.anhson"), users("vt.anhson")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    assert vt.form("/tao/thu-vien", {"file": "examples/nghe-an-2025-kh-07.yaml"}).status_code == 403
    response = vt.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "x"})
    assert response.status_code == 403 and "chuyên viên soạn thảo" in response.text


def test_draft_to_issued_with_four_users_and_the_audit_log(users, p12, body_p12):
    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    cv, ld, vt, nk = users("cv.anhson"), users("ld.anhson"), users("vt.anhson"), users("nk.anhson")
    # the drafting officer edits the draft (an audited edit with its semantic diff)
    editor = cv.get(f"/ke-hoach/{plan}")
    assert editor.status_code == 200 and f"/khong-gian/ke-hoach/{plan}/khung" in editor.text
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title",
                                                    "v": "Thực hiện công tác trẻ em năm 2026 trên địa bàn xã Anh Sơn"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    # the signer's name replaces the derived placeholder: a PDF printing "Họ và tên …" is not taken as signed
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "2", "path": "signature.name", "v": "Đỗ Văn Hùng"})
    assert response.status_code == 200 and "Đã lưu phiên bản 3" in response.text
    page = cv.get(f"/khong-gian/ke-hoach/{plan}").text
    assert "Dự thảo" in page and "Trình lãnh đạo" in page and "Duyệt" not in page.split("Việc của bạn")[1]
    # the drafting officer submits; only the head of unit reviews
    assert cv.form(f"/khong-gian/ke-hoach/{plan}/buoc/trinh", follow_redirects=False).status_code == 303
    assert cv.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet").status_code == 403
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    # no more edits once reviewed
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "3", "path": "document.title", "v": "Sửa muộn"})
    assert response.status_code == 409 and "Trả lại" in response.text
    # the văn thư checks the form (check and lint-docx run), the signer cannot skip ahead
    assert nk.form(f"/khong-gian/ke-hoach/{plan}/buoc/ky").status_code in (403, 409)
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc", follow_redirects=False)
    assert response.status_code == 303, response.text
    # signing needs a signed PDF: an unsigned upload is refused; the signer signs in place with a .p12
    response = nk.form(f"/khong-gian/ke-hoach/{plan}/buoc/ky", files={"ban_ky": ("a.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")})
    assert response.status_code == 409
    data, password = p12
    response = nk.form(f"/khong-gian/ke-hoach/{plan}/buoc/ky", {"mat_khau_chung_thu": password},
                       files={"chung_thu": ("ky.p12", data, "application/x-pkcs12")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    signed = cv.get(f"/khong-gian/ke-hoach/{plan}/ban-ky")
    assert signed.status_code == 200 and signed.content.startswith(b"%PDF")
    from pypdf import PdfReader

    fields = PdfReader(io.BytesIO(signed.content)).get_fields()
    assert any(f.get("/FT") == "/Sig" and f.get("/V") is not None for f in fields.values())
    # the body's certificate with a wrong password: nothing issued, and the register's number is not used up
    body_data, body_password = body_p12
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh",
                       {"ngay": vietnam_today().isoformat(), "mat_khau_chung_thu_co_quan": "sai"},
                       files={"chung_thu_co_quan": ("co-quan.p12", body_data, "application/x-pkcs12")})
    assert response.status_code == 400 and "chữ ký số của cơ quan" in response.text
    assert "Đã ký" in vt.get(f"/khong-gian/ke-hoach/{plan}").text
    # the văn thư issues: number 01 of the unit's register for the year, today's date, saved in the plan; the body
    # signs the signer's PDF, whose blank số and ngày are filled in the same revision
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh",
                       {"ngay": vietnam_today().isoformat(), "mat_khau_chung_thu_co_quan": body_password},
                       files={"chung_thu_co_quan": ("co-quan.p12", body_data, "application/x-pkcs12")},
                       follow_redirects=False)
    assert response.status_code == 303, response.text
    issued_pdf = cv.get(f"/khong-gian/ke-hoach/{plan}/ban-ky").content
    reader = PdfReader(io.BytesIO(issued_pdf))
    signed_fields = [n for n, f in reader.get_fields().items() if f.get("/FT") == "/Sig" and f.get("/V") is not None]
    assert sorted(signed_fields) == ["ChuKyCoQuan", "ChuKyNguoiKy"]
    values = {n: f.get("/V") for n, f in reader.get_fields().items()}
    assert values["SoVanBan"] == "01" and values["NgayBanHanh"] == f"{vietnam_today():%d}"
    import subprocess

    printed = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=issued_pdf, capture_output=True, check=True)
    page_one = " ".join(printed.stdout.decode("utf-8").split())   # what the reader sees, field appearances included
    assert "Số: 01/KH-UBND" in page_one
    page = vt.get(f"/khong-gian/ke-hoach/{plan}").text
    assert "Đã ban hành" in page and "Số <b>01/KH-UBND</b>" in page
    yaml_text = vt.get(f"/ke-hoach/{plan}/tai/yaml").text
    assert "number: 1" in yaml_text and vietnam_today().isoformat() in yaml_text
    # the audit log: who did what, with the diff of the edit; four different people
    log = page[page.index('id="nhat-ky"'):]
    for who in ("Đặng Thị Hoa", "Vũ Văn Minh", "Bùi Thị Lan", "Đỗ Văn Hùng"):
        assert who in log
    assert "Lãnh đạo đơn vị duyệt nội dung" in log and "Văn thư cấp số, ngày và phát hành: số 01" in log
    assert "Người có thẩm quyền ký (ký số ngay trên hệ thống)" in log
    assert "Văn bản — Trích yếu" in log and "trên địa bàn xã Anh Sơn" in log and "Văn bản — Số" in log
    book = load_workbook(io.BytesIO(cv.get(f"/khong-gian/ke-hoach/{plan}/nhat-ky.xlsx").content))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c]
    assert "Ban hành" in cells and any("Bùi Thị Lan" in str(c) for c in cells)
    csv_text = cv.get(f"/khong-gian/ke-hoach/{plan}/nhat-ky.csv").content.decode("utf-8-sig")
    assert csv_text.startswith("Thời điểm,Người thực hiện")
    # no application route changes or removes an entry
    for method in ("put", "patch", "delete"):
        assert getattr(cv.http, method)(f"/khong-gian/ke-hoach/{plan}/nhat-ky.csv").status_code in (404, 405)


def test_form_check_refused_while_check_has_errors(users):
    cv, ld, vt = users("cv.so"), users("ld.so"), users("vt.so")
    plan = new_plan(cv)   # the 2025 Nghệ An plan keeps its original's mistakes: check finds errors
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc")
    assert response.status_code == 409
    assert "Chưa thực hiện được bước «Kiểm tra thể thức»" in response.text and "Kiểm tra nội dung còn" in response.text
    # sent back to the draft by the văn thư, editable again
    assert vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/tra-lai", follow_redirects=False).status_code == 303
    assert "Dự thảo" in cv.get(f"/khong-gian/ke-hoach/{plan}").text


def test_uploads_cannot_write_outside_storage(users, ws_app, tmp_path):
    from authoring.web.workspace_app import WsError, safe_path

    root = (tmp_path / "luu-tru").resolve()
    for parts in (("..", "x"), ("ban-ky", "../../etc"), ("/etc/passwd",), ("a\\b",), ("",)):
        with pytest.raises(WsError):
            safe_path(root, *parts)
    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    users("ld.anhson").form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet")
    users("vt.anhson").form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc")
    # a signed PDF sent under a hostile name is stored under the system's own name, inside storage
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    from authoring.pdf.signing import sign_pdf

    p12_path = tmp_path / "k.p12"
    response = users("nk.anhson").form(f"/khong-gian/ke-hoach/{plan}/buoc/ky",
                                       files={"ban_ky": ("../../../../tmp/evil.pdf", buffer.getvalue(), "application/pdf")})
    assert response.status_code == 409   # unsigned: refused, nothing written
    assert not Path("/tmp/evil.pdf").exists()
    written = [p for p in tmp_path.rglob("*.pdf")]
    assert all(root in p.resolve().parents for p in written)


def test_province_dashboard_and_exports(users):
    so = users("cv.so")
    province = province_plan(so)
    names = ["xã Anh Sơn", "xã Nam Đàn", "phường Vinh Hưng"]
    found = derive_for(so, province, names)
    page = so.get(f"/khong-gian/tinh/{province}").text
    assert "3</b>/130" in page and "Nghị quyết 1678/NQ-UBTVQH15" in page
    assert "Phòng Văn hóa - Xã hội" in page and "Chưa có kế hoạch" in page
    # a commune leaves one duty without a lead agency: the matrix shows it for that commune only
    namdan = users("cv.namdan")
    yaml_text = namdan.get(f"/ke-hoach/{found['xã Nam Đàn']}/tai/yaml").text
    assert "links:" in yaml_text
    book = load_workbook(io.BytesIO(so.get(f"/khong-gian/tinh/{province}/bang.xlsx").content))
    sheet = book["Đơn vị cấp xã"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 130 and rows["xã Anh Sơn"][1] == "Dự thảo"
    assert rows["xã Anh Sơn"][7].startswith("Dự thảo đề xuất, lãnh đạo chưa duyệt: ")   # not reviewed: not taken up
    assert rows["xã Tân Kỳ"][1] == "Chưa có kế hoạch"
    assert book["Nhiệm vụ tỉnh giao"].max_row == 6
    html_export = so.get(f"/khong-gian/tinh/{province}/bang.html").text
    assert "Tình hình triển khai kế hoạch ở cấp xã" in html_export and "xã Nam Đàn" in html_export
    # communes cannot open the province's dashboard of another... they can read the province plan? no: 404
    assert users("cv.anhson").get(f"/khong-gian/tinh/{province}").status_code == 404
    # deriving again skips communes that already have a draft
    response = so.form(f"/khong-gian/tinh/{province}/lap-cho-xa",
                       files={"danh_sach": ("ds.txt", "\n".join(names).encode(), "text/plain")})
    assert response.status_code == 400 and "đã có dự thảo" in response.text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # one database is enough for a date column
def test_the_so_sets_the_communes_deadline_and_sees_who_missed_it(users, db_url):
    from datetime import timedelta

    so = users("cv.so")
    province = province_plan(so)
    derive_for(so, province, ["xã Anh Sơn"])
    assert "Chưa đặt hạn ban hành kế hoạch cấp xã" in so.get(f"/khong-gian/tinh/{province}").text
    # a commune cannot set the province's deadline; a form without its token is refused
    assert users("cv.anhson").form(f"/khong-gian/tinh/{province}/han", {"han": "2026-03-31"}).status_code in (403, 404)
    assert so.http.post(f"/khong-gian/tinh/{province}/han", data={"han": "2026-03-31"}).status_code == 403
    assert so.form(f"/khong-gian/tinh/{province}/han", {"han": "31/3"}).status_code == 400
    yesterday = vietnam_today() - timedelta(days=1)
    response = so.form(f"/khong-gian/tinh/{province}/han", {"han": yesterday.isoformat()}, follow_redirects=False)
    assert response.status_code == 303
    page = so.get(f"/khong-gian/tinh/{province}").text
    assert f"Hạn ban hành kế hoạch cấp xã: <b>{yesterday:%d/%m/%Y}</b>" in page
    assert "130</b><span><a href=\"?loc=qua-han\">quá hạn chưa ban hành" in page   # none of the 130 has issued
    overdue = so.get(f"/khong-gian/tinh/{province}?loc=qua-han").text
    assert overdue.count("Quá hạn, chưa ban hành") == 130
    book = load_workbook(io.BytesIO(so.get(f"/khong-gian/tinh/{province}/bang.xlsx").content))
    rows = {row[0]: row for row in book["Đơn vị cấp xã"].iter_rows(min_row=2, values_only=True)}
    assert rows["xã Anh Sơn"][3] == "Quá hạn, chưa ban hành"
    log = so.get("/khong-gian/nhat-ky").text
    assert f"Đặt hạn ban hành kế hoạch cấp xã: {yesterday:%d/%m/%Y}" in log
    assert "Đặt hạn cho cấp dưới" in log and ">dat-han<" not in log   # the action by its name, not its code
    # a deadline still ahead: nobody is late yet
    so.form(f"/khong-gian/tinh/{province}/han", {"han": (vietnam_today() + timedelta(days=30)).isoformat()})
    book = load_workbook(io.BytesIO(so.get(f"/khong-gian/tinh/{province}/bang.xlsx").content))
    rows = {row[0]: row for row in book["Đơn vị cấp xã"].iter_rows(min_row=2, values_only=True)}
    assert rows["xã Anh Sơn"][3] == "Chưa đến hạn"
    assert "0</b><span><a href=\"?loc=qua-han\">" in so.get(f"/khong-gian/tinh/{province}").text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # LibreOffice is slow; one database is enough for this one
def test_pdfs_for_every_commune_in_one_zip(users, db_url):
    import time
    import zipfile

    so = users("cv.so")
    province = province_plan(so)
    derive_for(so, province, ["xã Anh Sơn", "xã Nam Đàn"])
    assert so.get(f"/khong-gian/tinh/{province}/pdf-xa.zip").status_code == 404
    response = so.form(f"/khong-gian/tinh/{province}/pdf-xa", follow_redirects=False)
    assert response.status_code == 303
    deadline = time.time() + 240
    while time.time() < deadline:
        page = so.get(f"/khong-gian/tinh/{province}").text
        if "Lượt gần nhất (xuất PDF): 2/2" in page:
            break
        time.sleep(0.5)
    archive = zipfile.ZipFile(io.BytesIO(so.get(f"/khong-gian/tinh/{province}/pdf-xa.zip").content))
    names = sorted(archive.namelist())
    assert len(names) == 2 and names[0].startswith("xa-anh-son-") and names[1].startswith("xa-nam-dan-")
    assert all(archive.read(n).startswith(b"%PDF") for n in names)
    assert users("cv.anhson").get(f"/khong-gian/tinh/{province}/pdf-xa.zip").status_code == 404


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # pages only
def test_administrator_adds_units_and_accounts(users, db_url):
    admin, officer = users("qt.so"), users("cv.so")
    assert officer.get("/khong-gian/quan-tri").status_code == 404
    page = admin.get("/khong-gian/quan-tri").text
    assert "tỉnh Lạng Sơn — 65 đơn vị (NQ 1672/NQ-UBTVQH15)" in page
    response = admin.form("/khong-gian/quan-tri/tinh", {"tinh": "lang-son", "co_quan": "Sở Y tế tỉnh Lạng Sơn"},
                          follow_redirects=False)
    assert response.status_code == 303
    page = admin.get("/khong-gian/quan-tri").text
    unit = re.search(r'<option value="(\d+)">xã Mẫu Sơn</option>', page).group(1)
    response = admin.form("/khong-gian/quan-tri/nguoi-dung", {"ten": "cv.mauson", "ho_ten": "Hoàng Thị Mai",
                                                              "mat_khau": "ngan", "don_vi": unit, "vai_tro": ["soan-thao"]})
    assert response.status_code == 400 and "ít nhất 12 ký tự" in response.text
    response = admin.form("/khong-gian/quan-tri/nguoi-dung", {"ten": "cv.mauson", "ho_ten": "Hoàng Thị Mai",
                                                              "mat_khau": PASSWORD, "don_vi": unit,
                                                              "vai_tro": ["soan-thao"]}, follow_redirects=False)
    assert response.status_code == 303
    newcomer = User(admin.http.app, "cv.mauson")
    assert "xã Mẫu Sơn" in newcomer.get("/khong-gian").text
    newcomer.close()
    log = admin.get("/khong-gian/nhat-ky").text
    assert "Tạo tài khoản cv.mauson (Hoàng Thị Mai) — xã Mẫu Sơn: Chuyên viên soạn thảo" in log
    assert "mat-khau" not in log.replace("mat_khau", "")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)   # configuration only
def test_deployment_factory_answers_only_to_its_own_names(db_url, tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from authoring.web.workspace_app import factory

    monkeypatch.setenv("KEHOACH_DB", db_url)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("KEHOACH_HOSTS", "kehoach.syt.nghean.gov.vn")
    app = factory()
    with TestClient(app, base_url="http://kehoach.syt.nghean.gov.vn") as http:
        assert http.get("/dang-nhap").status_code == 200
        assert http.get("/khong-gian", follow_redirects=False).status_code == 303   # login first
    with TestClient(app, base_url="http://trang-khac.example") as http:
        assert http.get("/dang-nhap").status_code == 400
    with TestClient(app, base_url="https://kehoach.syt.nghean.gov.vn") as http:
        cookie = http.get("/dang-nhap").headers.get("set-cookie", "")
        assert "kehoach_phien=" in cookie and "secure" in cookie.lower()   # behind the proxy: never over plain HTTP
    app.state.kh.store.engine.dispose()
