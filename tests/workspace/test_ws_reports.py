"""The Báo cáo kết quả in the workspace: a commune enters its figures on the page (checked like report-check, the
message under the field) or uploads the Excel form, sends them; the province accepts or returns them, sees who
reported and the roll-up, and downloads its Báo cáo; every step is in the audit log."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from ws_support import User, derive_for, province_plan, seed  # noqa: E402

PERIOD = "2026-H1"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A SQLite workspace with the Sở's 2026 plan and the drafts it derived for xã Anh Sơn and xã Nam Đàn."""
    import os

    from authoring.workspace import accounts

    accounts.set_cost(1, 1024)
    folder = tmp_path_factory.mktemp("ws-reports")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "KEHOACH_STORAGE")}
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    os.environ["KEHOACH_STORAGE"] = str(folder / "luu-tru")
    url = f"sqlite:///{folder / 'kehoach.db'}"
    seed(url)
    from authoring.web.app import create_app

    app = create_app(url, workspace=True)
    users = {}

    def user(name: str) -> User:
        if name not in users:
            users[name] = User(app, name)
        return users[name]

    province = province_plan(user("cv.so"))
    communes = derive_for(user("cv.so"), province, ["xã Anh Sơn", "xã Nam Đàn"])
    yield app, user, province, communes
    for u in users.values():
        u.close()
    app.state.kh.store.engine.dispose()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def form_fields(html: str) -> dict[str, str]:
    """The values the page's figure form would post as it is."""
    fields = {}
    form = html[html.index('id="so-lieu"'):]
    for name, value in re.findall(r'<input type="text"[^>]*name="([^"]+)" value="([^"]*)"', form):
        fields[name] = value
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        fields[name] = re.search(r'<option value="([^"]+)" selected', body).group(1)
    return fields


def test_commune_figures_checked_on_the_page_with_the_message_under_the_field(world):
    app, user, province, communes = world
    officer = user("cv.anhson")
    page = officer.get(f"/khong-gian/ket-qua/{communes['xã Anh Sơn']}?ky={PERIOD}")
    assert page.status_code == 200, page.text[:500]
    assert "Chưa nhập số liệu" in page.text and "6 tháng đầu năm 2026" in page.text
    fields = form_fields(page.text)
    first = next(k for k in fields if k.endswith(".value"))
    fields[first] = "-3"
    response = officer.form(f"/khong-gian/ket-qua/{communes['xã Anh Sơn']}/luu?ky={PERIOD}", fields)
    assert response.status_code == 422
    key = first.replace("[", "-").replace("].", "-")
    error = re.search(rf'<p class="field-error" id="loi-{re.escape(key)}">([^<]+)</p>', response.text)
    assert error and "số âm" in error.group(1), response.text[:3000]
    assert 'aria-invalid="true"' in response.text and 'value="-3"' in response.text   # what was typed stays
    fields[first] = "2"
    fields["work[0].status"] = "hoan_thanh"
    fields["difficulties"] = "Thiếu cán bộ chuyên trách."
    response = officer.form(f"/khong-gian/ket-qua/{communes['xã Anh Sơn']}/luu?ky={PERIOD}", fields,
                            follow_redirects=True)
    assert response.status_code == 200 and "Đã lưu số liệu" in response.text
    assert re.search(r'id="tinh-trang">Đang soạn<', response.text)
    assert form_fields(response.text)[first] == "2"


def issued(app, plan: int, period: str) -> None:
    """The report numbered and ready to send: the steps before (trình, duyệt, ký, cấp số) are tested above."""
    from sqlalchemy import text

    with app.state.kh.store.engine.begin() as connection:
        connection.execute(text("UPDATE ws_results SET state = 'issued' WHERE plan_id = :p AND period = :k"),
                           {"p": plan, "k": period})


def name_signer(app, officer, plan: int, name: str) -> None:
    from sqlalchemy import text

    with app.state.kh.store.engine.begin() as connection:
        head = connection.execute(text("SELECT head FROM plans WHERE id = :p"), {"p": plan}).scalar()
    response = officer.htmx(f"/ke-hoach/{plan}/truong", {"base": str(head), "path": "signature.name", "v": name})
    assert response.status_code == 200, response.text[-800:]


def test_the_commune_report_is_submitted_reviewed_signed_numbered_sent_then_returned_and_accepted(world, tmp_path):
    from docx import Document

    from ws_fixtures import make_p12

    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    url = f"/khong-gian/ket-qua/{plan}"
    if "Đang soạn" not in user("cv.anhson").get(f"{url}?ky={PERIOD}").text:
        test_commune_figures_checked_on_the_page_with_the_message_under_the_field(world)
    cv, ld, vt, nk, so = (user(n) for n in ("cv.anhson", "ld.anhson", "vt.anhson", "nk.anhson", "cv.so"))
    # a draft is neither sent nor accepted: it is first submitted to the head, who reviews it
    assert ld.form(f"{url}/buoc/gui?ky={PERIOD}").status_code == 403
    assert so.form(f"{url}/buoc/tiep-nhan?ky={PERIOD}").status_code == 403
    assert cv.form(f"{url}/buoc/trinh?ky={PERIOD}", follow_redirects=False).status_code == 303
    page = cv.get(f"{url}?ky={PERIOD}").text
    assert "Đã trình lãnh đạo" in page and 'id="luu"' not in page and "«Trả lại dự thảo»" in page
    assert cv.form(f"{url}/luu?ky={PERIOD}", {}).status_code == 409
    early = nk.form(f"{url}/buoc/ky?ky={PERIOD}")                              # not reviewed yet
    assert early.status_code == 403 and "«Đã trình lãnh đạo», bước này dành cho người ký của đơn vị" in early.text
    assert ld.form(f"{url}/buoc/duyet?ky={PERIOD}", follow_redirects=False).status_code == 303
    # the signer signs: nothing uploaded is refused, saying what to do; a .p12 signs it in place
    refused = nk.form(f"{url}/buoc/ky?ky={PERIOD}")
    assert refused.status_code == 409 and "Chưa có bản PDF đã ký" in refused.text
    page = nk.get(f"{url}?ky={PERIOD}").text
    assert 'id="ban-de-ky"' in page and 'name="chung_thu"' in page
    # the Báo cáo prints the signer of the commune's plan: unnamed, it cannot be signed
    key, password = make_p12("Đỗ Văn Hùng")
    unnamed = nk.form(f"{url}/buoc/ky?ky={PERIOD}", {"mat_khau_chung_thu": password},
                      files={"chung_thu": ("ky.p12", key, "application/x-pkcs12")})
    assert unnamed.status_code == 409 and "chưa in họ tên người ký" in unnamed.text
    name_signer(app, cv, plan, "Đỗ Văn Hùng")
    signed = nk.form(f"{url}/buoc/ky?ky={PERIOD}", {"mat_khau_chung_thu": password},
                     files={"chung_thu": ("ky.p12", key, "application/x-pkcs12")}, follow_redirects=False)
    assert signed.status_code == 303, signed.text[-1500:]
    pdf = cv.get(f"{url}/ban-da-ky?ky={PERIOD}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and b"/ByteRange" in pdf.content
    # the văn thư numbers it from the commune's register, then sends it
    body, body_password = make_p12("Ủy ban nhân dân xã Anh Sơn")
    numbered = vt.form(f"{url}/buoc/cap-so?ky={PERIOD}", {"ngay": "10/06/2026", "mat_khau_chung_thu_co_quan": body_password},
                       files={"chung_thu_co_quan": ("co-quan.p12", body, "application/x-pkcs12")}, follow_redirects=False)
    assert numbered.status_code == 303, numbered.text[-1500:]
    issued_pdf = cv.get(f"{url}/ban-da-ky?ky={PERIOD}").content
    assert issued_pdf.startswith(pdf.content[:8]) and issued_pdf.count(b"/ByteRange") == 2   # signer, then the body
    from authoring.pdf.verify import Expected, trust_roots, verify_signed

    verdict = verify_signed(issued_pdf, "bản đã ban hành", trust_roots(), Expected(require_body=True))
    assert verdict.ok, verdict.problems
    page = cv.get(f"{url}?ky={PERIOD}").text
    number = re.search(r'id="so-bao-cao">Số: <b>(\d+)</b>, ngày <b>10/06/2026</b>', page)
    assert number and "Đã cấp số" in page, page[:3000]
    docx = tmp_path / "bc.docx"
    docx.write_bytes(cv.get(f"{url}/bao-cao.docx?ky={PERIOD}").content)
    text = "\n".join(p.text for p in Document(docx).paragraphs) + "\n".join(
        c.text for t in Document(docx).tables for r in t.rows for c in r.cells)
    assert f"Số: {number.group(1)}/BC-UBND" in text and "ngày 10 tháng 6 năm 2026" in text, text[:800]
    assert so.form(f"{url}/buoc/tiep-nhan?ky={PERIOD}").status_code == 403   # numbered, not sent yet
    assert vt.form(f"{url}/buoc/gui?ky={PERIOD}", follow_redirects=False).status_code == 303
    page = cv.get(f"{url}?ky={PERIOD}").text
    assert "Đã gửi cấp trên" in page and 'id="so-lieu"' in page and 'id="luu"' not in page   # no more edits
    # another commune sees nothing of it
    assert user("cv.namdan").get(f"{url}?ky={PERIOD}").status_code == 404
    # returned without a reason: refused; with one: back to the commune, which may edit again
    assert so.form(f"{url}/buoc/tra-lai?ky={PERIOD}").status_code == 400
    response = so.form(f"{url}/buoc/tra-lai?ky={PERIOD}", {"ly_do": "Thiếu nguồn số liệu."}, follow_redirects=False)
    assert response.status_code == 303
    page = cv.get(f"{url}?ky={PERIOD}").text
    assert "Cấp trên trả lại để sửa" in page and "Thiếu nguồn số liệu." in page and 'id="luu"' in page
    assert 'id="so-bao-cao"' not in page and 'id="tai-ban-da-ky"' not in page   # signed and numbered again later
    issued(app, plan, PERIOD)
    assert vt.form(f"{url}/buoc/gui?ky={PERIOD}").status_code in (200, 303)
    assert so.form(f"{url}/buoc/tiep-nhan?ky={PERIOD}").status_code in (200, 303)
    log = cv.get(f"/khong-gian/ke-hoach/{plan}").text
    for words in ("Chuyên viên trình lãnh đạo báo cáo kết quả", "Lãnh đạo đơn vị duyệt báo cáo kết quả",
                  "Người có thẩm quyền ký báo cáo kết quả", f"Văn thư cấp số báo cáo kết quả",
                  "Gửi báo cáo kết quả lên cấp trên", "Trả lại báo cáo kết quả để sửa",
                  "lý do: Thiếu nguồn số liệu", "Tiếp nhận báo cáo kết quả", "Lưu số liệu báo cáo kết quả"):
        assert words in log, words


def test_token_hand_off_takes_back_only_the_offered_report_signed_by_its_signer(world, tmp_path):
    """A USB token signs outside kehoach: the offered PDF comes back unsigned (refused), signed by someone else
    (refused), signed by the printed signer (taken)."""
    import hashlib

    from authoring.pdf.signing import sign_pdf
    from ws_fixtures import make_p12

    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    url = f"/khong-gian/ket-qua/{plan}"
    name_signer(app, user("cv.anhson"), plan, "Đỗ Văn Hùng")
    fields = form_fields(user("cv.anhson").get(f"{url}?ky=2031-H1").text)
    fields[next(k for k in fields if k.endswith(".value"))] = "1"
    assert user("cv.anhson").form(f"{url}/luu?ky=2031-H1", fields).status_code in (200, 303)
    assert user("nk.anhson").get(f"{url}/ban-de-ky?ky=2031-H1").status_code == 409   # not reviewed yet
    assert user("ld.anhson").form(f"{url}/buoc/duyet?ky=2031-H1", follow_redirects=False).status_code == 303
    offered = user("nk.anhson").get(f"{url}/ban-de-ky?ky=2031-H1")
    assert offered.headers["x-kehoach-sha256"] == hashlib.sha256(offered.content).hexdigest()

    def signed_by(name: str) -> bytes:
        key, password = make_p12(name)
        path = tmp_path / f"{len(name)}.p12"
        path.write_bytes(key)
        return sign_pdf(offered.content, path, password, file="bc").data

    def upload(data: bytes):
        return user("nk.anhson").form(f"{url}/buoc/ky?ky=2031-H1", files={"ban_ky": ("bc.pdf", data, "application/pdf")},
                                      follow_redirects=False)

    stranger = upload(signed_by("Phạm Văn Đức"))
    assert stranger.status_code == 409 and "Đỗ Văn Hùng" in stranger.text, stranger.text[-1500:]
    assert upload(signed_by("Đỗ Văn Hùng")).status_code == 303
    assert "Đã ký" in user("cv.anhson").get(f"{url}?ky=2031-H1").text


def test_a_report_signed_by_nobody_or_unsigned_is_refused_at_signing(world):
    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    url = f"/khong-gian/ket-qua/{plan}"
    fields = form_fields(user("cv.anhson").get(f"{url}?ky=2029-H1").text)
    fields[next(k for k in fields if k.endswith(".value"))] = "1"
    assert user("cv.anhson").form(f"{url}/luu?ky=2029-H1", fields).status_code in (200, 303)
    assert user("ld.anhson").form(f"{url}/buoc/duyet?ky=2029-H1", follow_redirects=False).status_code == 303
    offered = user("nk.anhson").get(f"{url}/ban-de-ky?ky=2029-H1")
    assert offered.status_code == 200 and offered.content.startswith(b"%PDF")
    assert user("nk.anhson").get(f"{url}/ban-de-ky?ky=2029-H1").content == offered.content   # same bytes each time
    response = user("nk.anhson").form(f"{url}/buoc/ky?ky=2029-H1",
                                      files={"ban_ky": ("bc.pdf", offered.content, "application/pdf")})
    assert response.status_code == 409 and "chưa có chữ ký số nào" in response.text, response.text[-1500:]
    assert "Lãnh đạo đã duyệt" in user("cv.anhson").get(f"{url}?ky=2029-H1").text
    # sent back to the drafter with a reason, the figures may be changed again
    assert user("nk.anhson").form(f"{url}/buoc/tra-lai-du-thao?ky=2029-H1", {"ly_do": "Sửa số liệu chỉ tiêu 1."},
                                  follow_redirects=False).status_code == 303
    page = user("cv.anhson").get(f"{url}?ky=2029-H1").text
    assert "Trả lại dự thảo: Sửa số liệu chỉ tiêu 1." in page and 'id="luu"' in page


def test_excel_upload_then_province_rollup_and_its_bao_cao(world):
    from docx import Document

    app, user, province, communes = world
    plan = communes["xã Nam Đàn"]
    officer = user("cv.namdan")   # soạn thảo and lãnh đạo of xã Nam Đàn
    template = officer.get(f"/khong-gian/ket-qua/{plan}/mau.xlsx?ky={PERIOD}")
    assert template.status_code == 200
    data = fill_xlsx(template.content, value="3")
    response = officer.form(f"/khong-gian/ket-qua/{plan}/tai-len?ky={PERIOD}",
                            files={"bang": ("nam-dan.xlsx", data, "application/octet-stream")},
                            follow_redirects=True)
    assert response.status_code == 200 and "Đã nhập số liệu từ bảng Excel" in response.text, response.text[:2000]
    # a bad figure in the table is refused, nothing stored
    bad = officer.form(f"/khong-gian/ket-qua/{plan}/tai-len?ky={PERIOD}",
                       files={"bang": ("x.xlsx", fill_xlsx(template.content, value="-1"), "application/octet-stream")})
    assert bad.status_code == 422 and "số âm" in bad.text
    issued(app, plan, PERIOD)
    assert officer.form(f"/khong-gian/ket-qua/{plan}/buoc/gui?ky={PERIOD}").status_code in (200, 303)
    board = user("cv.so").get(f"/khong-gian/tong-hop/{province}?ky={PERIOD}")
    assert board.status_code == 200, board.text[:500]
    counted = int(re.search(r'id="da-tinh">(\d+)<', board.text).group(1))
    assert counted >= 1 and "/130" in board.text
    assert re.search(r"xã Nam Đàn</a></td><td>Đã gửi cấp trên", board.text)
    assert "xã Quỳnh Anh</td><td>Chưa có kế hoạch" in board.text
    docx = user("cv.so").get(f"/khong-gian/tong-hop/{province}/bao-cao.docx?ky={PERIOD}")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert f"{counted}/130 đơn vị đã gửi báo cáo" in text
    # a commune does not see the province's roll-up
    assert user("cv.namdan").get(f"/khong-gian/tong-hop/{province}?ky={PERIOD}").status_code == 404


def fill_xlsx(data: bytes, value: str) -> bytes:
    """The Excel form with every target's value and every task's status filled in, as a commune would."""
    from openpyxl import load_workbook

    from authoring.render.results_xlsx import TARGET_COLUMNS, TARGET_SHEET, WORK_COLUMNS, WORK_SHEET

    book = load_workbook(io.BytesIO(data))
    sheet = book[TARGET_SHEET]
    column = [c.value for c in sheet[1]].index(TARGET_COLUMNS["value"]) + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column, value)
    sheet = book[WORK_SHEET]
    column = [c.value for c in sheet[1]].index(WORK_COLUMNS["status"]) + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column, "hoàn thành")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_province_rollup_shows_the_same_period_last_year_and_the_change(world):
    app, user, province, communes = world
    plan = communes["xã Nam Đàn"]
    officer = user("cv.namdan")
    fields = form_fields(officer.get(f"/khong-gian/ket-qua/{plan}?ky=2025-H1").text)
    first = next(k for k in fields if k.endswith(".value"))
    fields[first] = "1"
    assert officer.form(f"/khong-gian/ket-qua/{plan}/luu?ky=2025-H1", fields).status_code in (200, 303)
    board = user("cv.so").get(f"/khong-gian/tong-hop/{province}?ky={PERIOD}").text
    assert "Cùng kỳ năm 2025" not in board          # a draft of last year is not counted
    issued(app, plan, "2025-H1")
    assert officer.form(f"/khong-gian/ket-qua/{plan}/buoc/gui?ky=2025-H1").status_code in (200, 303)
    board = user("cv.so").get(f"/khong-gian/tong-hop/{province}?ky={PERIOD}").text
    assert "<th scope=\"col\">Cùng kỳ năm 2025</th>" in board
    row = re.search(r'<table id="tong-hop">.*?<tbody><tr>(.*?)</tr>', board, re.S).group(1)
    assert "<td>1 " in row and "tăng" in row, row


def test_a_plan_with_hundreds_of_tasks_fits_in_one_posted_form(world):
    """Three fields a task: a plan of 100 tasks posts 300 fields, more than the workspace's other forms allow."""
    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    fields = {f"khac-{i}": "x" for i in range(400)}
    response = user("cv.anhson").form(f"/khong-gian/ket-qua/{plan}/luu?ky=2027-H1", fields, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]


def test_province_sees_each_communes_figure_against_the_target_and_exports_it_to_excel(world):
    from openpyxl import load_workbook

    app, user, province, communes = world
    plan = communes["xã Nam Đàn"]
    officer = user("cv.namdan")
    if "Đã gửi cấp trên" not in officer.get(f"/khong-gian/ket-qua/{plan}?ky=2026-H2").text:
        fields = form_fields(officer.get(f"/khong-gian/ket-qua/{plan}?ky=2026-H2").text)
        fields[next(k for k in fields if k.endswith(".value"))] = "0"
        assert officer.form(f"/khong-gian/ket-qua/{plan}/luu?ky=2026-H2", fields).status_code in (200, 303)
        issued(app, plan, "2026-H2")
        assert officer.form(f"/khong-gian/ket-qua/{plan}/buoc/gui?ky=2026-H2").status_code in (200, 303)
    board = user("cv.so").get(f"/khong-gian/tong-hop/{province}?ky=2026-H2").text
    row = re.search(r'<table id="ban-do-nhiet">.*?<tbody><tr>(.*?)</tr>', board, re.S).group(1)
    assert "Ủy ban nhân dân xã Nam Đàn" in row and 'class="h-chua-dat">0 ' in row, row
    bars = re.search(r'<table id="hoan-thanh".*?</table>', board, re.S).group(0)
    assert re.search(r'<th scope="row">Ủy ban nhân dân xã Nam Đàn</th><td><progress max="100" value="0"', bars)
    data = user("cv.so").get(f"/khong-gian/tong-hop/{province}/bang.xlsx?ky=2026-H2")
    assert data.status_code == 200
    assert data.content == user("cv.so").get(f"/khong-gian/tong-hop/{province}/bang.xlsx?ky=2026-H2").content
    book = load_workbook(io.BytesIO(data.content))
    assert book.sheetnames == ["Tổng hợp", "Tình hình báo cáo", "Số liệu từng đơn vị"]
    figures = list(book["Số liệu từng đơn vị"].iter_rows(values_only=True))
    assert figures[1][1] == "Ủy ban nhân dân xã Nam Đàn" and figures[1][2] == 0
    states = [r[2] for r in book["Tình hình báo cáo"].iter_rows(min_row=2, values_only=True)]
    assert len(states) == 130 and states.count("Đã gửi cấp trên") == 1
    log = user("cv.so").get(f"/khong-gian/ke-hoach/{province}").text
    assert "Tải bảng tổng hợp kết quả 6 tháng cuối năm 2026 (Excel)" in log   # an export is in the audit log


def test_the_province_sets_a_deadline_and_sees_who_is_late(world):
    app, user, province, communes = world
    so = user("cv.so")
    url = f"/khong-gian/tong-hop/{province}/han?ky=2027-H1"
    bad = so.form(url, {"han": "31/02/2027"})
    assert bad.status_code == 400 and "không phải một ngày có thật" in bad.text
    assert user("cv.namdan").form(url, {"han": "01/01/2000"}).status_code == 404   # a commune: not its page
    assert so.form(url, {"han": "15/06/2027"}, follow_redirects=False).status_code == 303
    board = so.get(f"/khong-gian/tong-hop/{province}?ky=2027-H1").text
    assert "Hạn gửi báo cáo 6 tháng đầu năm 2027: <b>15/06/2027</b>" in board and 'id="qua-han">0<' in board
    # a deadline in the past: every commune that has not sent is late, on the board and on its own page
    assert so.form(url, {"han": "02/01/2000"}, follow_redirects=False).status_code == 303
    board = so.get(f"/khong-gian/tong-hop/{province}?ky=2027-H1").text
    assert 'id="qua-han">130<' in board and board.count("quá hạn</span>") == 130
    page = user("cv.anhson").get(f"/khong-gian/ket-qua/{communes['xã Anh Sơn']}?ky=2027-H1").text
    assert "Hạn gửi báo cáo: <b>02/01/2000</b>" in page and "đã quá hạn, chưa gửi" in page
    log = so.get(f"/khong-gian/ke-hoach/{province}").text
    assert "Đặt hạn gửi báo cáo kết quả 6 tháng đầu năm 2027: 02/01/2000" in log


def test_a_commune_downloads_its_own_bao_cao_from_its_saved_figures(world, tmp_path):
    from docx import Document

    from authoring.rules.docx import lint_docx

    app, user, province, communes = world
    plan = communes["xã Anh Sơn"]
    officer = user("cv.anhson")
    assert officer.get(f"/khong-gian/ket-qua/{plan}/bao-cao.docx?ky=2030-H1").status_code == 409   # nothing saved
    fields = form_fields(officer.get(f"/khong-gian/ket-qua/{plan}?ky=2028-H1").text)
    fields[next(k for k in fields if k.endswith(".value"))] = "4"
    assert officer.form(f"/khong-gian/ket-qua/{plan}/luu?ky=2028-H1", fields).status_code in (200, 303)
    assert 'id="tai-bao-cao-don-vi"' in officer.get(f"/khong-gian/ket-qua/{plan}?ky=2028-H1").text
    response = officer.get(f"/khong-gian/ket-qua/{plan}/bao-cao.docx?ky=2028-H1")
    assert response.status_code == 200
    path = tmp_path / "bc.docx"
    path.write_bytes(response.content)
    assert list(lint_docx(path)) == []
    text = "\n".join(p.text for p in Document(path).paragraphs)
    assert "6 tháng đầu năm 2028" in text and "của Ủy ban nhân dân xã Anh Sơn)" in text


def test_the_deadline_comes_from_the_plans_reporting_clause_unless_the_province_sets_one(world):
    """The Nghệ An plan asks the communes (the former districts' successors) for a yearly report before 01/12."""
    app, user, province, communes = world
    so = user("cv.so")
    board = so.get(f"/khong-gian/tong-hop/{province}?ky=2020").text
    assert "Hạn gửi báo cáo năm 2020: <b>01/12/2020</b>" in board and "theo mục chế độ báo cáo của kế hoạch" in board
    assert 'id="qua-han">130<' in board
    assert "Kế hoạch không ghi hạn gửi báo cáo kỳ này" in so.get(f"/khong-gian/tong-hop/{province}?ky=2040-H1").text
    page = user("cv.anhson").get(f"/khong-gian/ket-qua/{communes['xã Anh Sơn']}?ky=2040").text
    assert "Hạn gửi báo cáo: <b>01/12/2040</b>" in page and "đã quá hạn" not in page
    # the province moves it: its date wins, and says so
    assert so.form(f"/khong-gian/tong-hop/{province}/han?ky=2040", {"han": "15/12/2040"}).status_code in (200, 303)
    board = so.get(f"/khong-gian/tong-hop/{province}?ky=2040").text
    assert "<b>15/12/2040</b>" in board and "do đơn vị ban hành kế hoạch đặt" in board


def test_home_pages_remind_the_commune_of_reports_due_late_or_waiting_and_the_province_of_late_communes(world):
    from datetime import timedelta

    from authoring.text import vietnam_today

    app, user, province, communes = world
    so, plan = user("cv.so"), communes["xã Anh Sơn"]
    assert so.form(f"/khong-gian/tong-hop/{province}/han?ky=2026-H2", {"han": "02/01/2000"}).status_code in (200, 303)
    home = user("cv.anhson").get("/khong-gian").text
    late = re.search(r'<li class="r-late"><a href="/khong-gian/ket-qua/\d+\?ky=2026-H2">Báo cáo kết quả 6 tháng cuối '
                     r'năm 2026</a> — <b class="c loi">quá hạn từ 02/01/2000, chưa gửi</b>', home)
    assert late, home[home.find('id="nhac-bao-cao"'):][:1500]
    assert re.search(r"\d+ xã, phường chưa gửi báo cáo, hạn 02/01/2000", so.get("/khong-gian").text)
    soon = vietnam_today() + timedelta(days=10)
    assert so.form(f"/khong-gian/tong-hop/{province}/han?ky=2026-H2", {"han": f"{soon:%d/%m/%Y}"}).status_code in (200, 303)
    home = user("cv.anhson").get("/khong-gian").text
    assert f"hạn gửi {soon:%d/%m/%Y}, còn 10 ngày" in home
    # a report submitted to the head waits for them on their home page
    fields = form_fields(user("cv.anhson").get(f"/khong-gian/ket-qua/{plan}?ky=2026-H2").text)
    fields[next(k for k in fields if k.endswith(".value"))] = "1"
    assert user("cv.anhson").form(f"/khong-gian/ket-qua/{plan}/luu?ky=2026-H2", fields).status_code in (200, 303)
    assert "chờ bạn: Duyệt" not in user("ld.anhson").get("/khong-gian").text     # a draft is the drafter's
    assert user("cv.anhson").form(f"/khong-gian/ket-qua/{plan}/buoc/trinh?ky=2026-H2").status_code in (200, 303)
    assert "chờ bạn: Duyệt" in user("ld.anhson").get("/khong-gian").text


def test_the_page_opens_a_monthly_or_quarterly_period_and_refuses_a_malformed_one(world):
    app, user, province, communes = world
    url = f"/khong-gian/ket-qua/{communes['xã Nam Đàn']}"
    monthly = user("cv.namdan").get(f"{url}?ky=2026-03")
    assert monthly.status_code == 200 and "tháng 3 năm 2026" in monthly.text
    assert 'value="2026-03" selected' in monthly.text or 'value="2026-03"' in monthly.text
    assert "quý II năm 2026" in user("cv.namdan").get(f"{url}?ky=2026-Q2").text
    refused = user("cv.namdan").get(f"{url}?ky=2026-13")
    assert refused.status_code == 400 and "không đúng dạng" in refused.text
