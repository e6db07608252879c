"""No code on screen: every page and download of a full workflow (province plan, commune drafts, draft → issued by
five people, the audit log, the dashboard and its exports) read as the user reads it, scanned for ids, paths, rule
codes, field paths, YAML syntax and English words."""

from __future__ import annotations

from no_code import code_on_screen, docx_text, html_text, xlsx_text
from ws_support import derive_for, province_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def shown(response) -> str:
    kind = response.headers.get("content-type", "")
    if "spreadsheetml" in kind:
        return xlsx_text(response.content)
    if "wordprocessingml" in kind:
        return docx_text(response.content)
    if "text/csv" in kind:
        return response.content.decode("utf-8-sig")
    return html_text(response.text)


def pages_of(plan: int) -> list[str]:
    return ["/", "/khong-gian", "/khong-gian/nhat-ky", "/khong-gian/nhat-ky.xlsx", "/khong-gian/nhat-ky.csv",
            f"/khong-gian/ke-hoach/{plan}", f"/ke-hoach/{plan}", f"/ke-hoach/{plan}/phien-ban",
            f"/ke-hoach/{plan}/bao-phu", f"/ke-hoach/{plan}/tai/bao-cao", f"/ke-hoach/{plan}/tai/docx",
            f"/khong-gian/ke-hoach/{plan}/nhat-ky.xlsx", f"/khong-gian/ke-hoach/{plan}/nhat-ky.csv",
            f"/khong-gian/ke-hoach/{plan}/khung"]


def test_no_code_on_any_page_or_download_of_a_full_workflow(users, p12):
    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    cv, ld, vt, nk = users("cv.anhson"), users("ld.anhson"), users("vt.anhson"), users("nk.anhson")
    found: dict[str, set[str]] = {}

    def walk(user, urls):
        for url in urls:
            response = user.get(url)
            assert response.status_code == 200, (user.username, url, response.status_code)
            for problem in code_on_screen(shown(response)):
                found.setdefault(problem, set()).add(f"{user.username} {url}")

    walk(so, ["/", "/khong-gian", f"/khong-gian/tinh/{province}", f"/khong-gian/tinh/{province}/bang.xlsx",
              f"/khong-gian/tinh/{province}/bang.html", f"/ke-hoach/{province}", f"/ke-hoach/{province}/bao-phu",
              f"/ke-hoach/{province}/tai/bao-cao", f"/khong-gian/ke-hoach/{province}"])
    walk(users("qt.so"), ["/khong-gian/quan-tri", "/khong-gian/nhat-ky"])
    walk(cv, pages_of(plan))
    # the signer's name replaces the derived placeholder: a PDF printing "Họ và tên …" is not taken as signed
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "signature.name", "v": "Đỗ Văn Hùng"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    assert cv.form(f"/khong-gian/ke-hoach/{plan}/buoc/trinh", follow_redirects=False).status_code == 303
    walk(ld, pages_of(plan))
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    walk(vt, pages_of(plan))
    assert vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/kiem-tra-the-thuc", follow_redirects=False).status_code == 303
    walk(nk, pages_of(plan))
    data, password = p12
    response = nk.form(f"/khong-gian/ke-hoach/{plan}/buoc/ky", {"mat_khau_chung_thu": password},
                       files={"chung_thu": ("ky.p12", data, "application/x-pkcs12")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    walk(vt, pages_of(plan))
    response = vt.form(f"/khong-gian/ke-hoach/{plan}/buoc/ban-hanh", follow_redirects=False)
    assert response.status_code == 303, response.text
    walk(vt, pages_of(plan))
    walk(so, [f"/khong-gian/tinh/{province}", f"/khong-gian/tinh/{province}/bang.xlsx",
              f"/khong-gian/tinh/{province}/bang.html", "/khong-gian/nhat-ky", "/khong-gian/nhat-ky.xlsx"])
    assert not found, "\n".join(f"{p}\n    ở {', '.join(sorted(w)[:3])}" for p, w in sorted(found.items()))
