"""The Báo cáo kết quả in Chromium: xã Nam Đàn enters its figures by hand on a desktop window (a wrong one is refused
under its field), xã Anh Sơn fills the Excel form and uploads it on a phone; each report is submitted, reviewed,
signed with a certificate, numbered and sent by the commune's own people; the Sở sees who reported, the roll-up,
accepts one and downloads its Báo cáo. Every page is checked with axe-core (no serious or critical violation), for
code on screen, and on the phone for horizontal scrolling and small tap targets."""

from __future__ import annotations

import io
import re
import time

from axe_playwright_python.sync_playwright import Axe

from authoring.web.forms import slot_id
from no_code import code_on_screen
from test_ws_browser import (api_login, browser_context_args, browser_type_launch_args,  # noqa: F401 (fixtures)
                             login, province_plan_via_api, server, shot)
from test_ws_phone import DESKTOP, PHONE, inspect
from test_ws_phone import login as window_login
from test_ws_reports import fill_xlsx
from ws_fixtures import *  # noqa: F401,F403  (fixtures)

PERIOD = "2026-H1"
AXE = Axe()


def derived(server: str, province: int, names: list[str]) -> dict[str, int]:
    client, token = api_login(server, "cv.so")
    response = client.post(f"/khong-gian/tinh/{province}/lap-cho-xa", data={"csrf": token},
                           files={"danh_sach": ("ds.txt", "\n".join(names).encode(), "text/plain")})
    assert response.status_code == 303
    found: dict[str, int] = {}
    for _ in range(600):
        text = client.get(f"/khong-gian/tinh/{province}").text
        found = {n: int(i) for i, n in re.findall(r'<a href="/khong-gian/ke-hoach/(\d+)">([^<]+)</a>', text)}
        if set(names) <= set(found) and "every 1s" not in text:
            break
        time.sleep(0.3)
    return {n: found[n] for n in names}


def clean(page, problems: list[str], where: str) -> None:
    """No serious axe violation, no code on screen."""
    results = AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            problems.append(f"{where}: axe {violation['id']} {[n['target'] for n in violation['nodes'][:3]]}")
    problems.extend(f"{where}: {p}" for p in code_on_screen(page.inner_text("body")))


def name_the_signer(browser, server: str, username: str, plan: int, name: str) -> None:
    """The commune's chuyên viên writes the signer's name into the plan: the Báo cáo prints it and signing checks it."""
    page = login(browser, server, username)
    page.goto(f"{server}/ke-hoach/{plan}")
    signer = page.locator(f"#i-{slot_id(('signature', 'name'))}")
    signer.fill(name)
    signer.press("Enter")
    page.locator("#save-status", has_text="phiên bản 2").wait_for()
    page.context.close()


def step(page, step_id: str, state: str, timeout: int = 30_000) -> None:
    with page.expect_navigation(timeout=timeout):
        page.click(f"#buoc-{step_id} button[type=submit]")
    shown = page.inner_text("#tinh-trang") if page.locator("#tinh-trang").count() else ""
    assert state in shown, page.inner_text("main")[:1500]


def sign_and_send(browser, server, plan: int, people: dict, viewport: dict, signer: str, tmp_path,
                  problems: list[str]) -> None:
    """The head reviews, the signer signs with a .p12, the văn thư numbers and sends: on *viewport*."""
    url = f"{server}/khong-gian/ket-qua/{plan}?ky={PERIOD}"
    where = f"{viewport['width']}px"
    head = window_login(browser, server, people["head"], viewport)
    inspect(head, url, problems, f"lãnh đạo {where}")
    step(head, "duyet", "Lãnh đạo đã duyệt")
    head.context.close()
    sign = window_login(browser, server, people["signer"], viewport)
    inspect(sign, url, problems, f"người ký {where}")
    data, password = make_p12(signer)
    key = tmp_path / f"ky-{plan}.p12"
    key.write_bytes(data)
    sign.set_input_files("#chung_thu", str(key))
    sign.fill("#mat_khau_chung_thu", password)
    shot(sign, f"bao-cao-ky-{viewport['width']}", full=True)
    step(sign, "ky", "Đã ký", timeout=120_000)
    sign.context.close()
    clerk = window_login(browser, server, people["clerk"], viewport)
    inspect(clerk, url, problems, f"văn thư {where}")
    clerk.fill("#ngay", time.strftime("%d/%m/%Y"))
    step(clerk, "cap-so", "Đã cấp số")
    assert re.match(r"Số: \d\d, ngày ", clerk.inner_text("#so-bao-cao"))
    step(clerk, "gui", "Đã gửi cấp trên")
    inspect(clerk, url, problems, f"văn thư {where} đã gửi")
    shot(clerk, f"bao-cao-da-gui-{viewport['width']}", full=True)
    clerk.context.close()


def test_two_communes_send_their_reports_through_the_workflow_and_the_province_accepts(browser, server, tmp_path):
    province = province_plan_via_api(server)
    plans = derived(server, province, ["xã Nam Đàn", "xã Anh Sơn"])
    problems: list[str] = []
    name_the_signer(browser, server, "cv.namdan", plans["xã Nam Đàn"], "Phan Văn Nhân")
    name_the_signer(browser, server, "cv.anhson", plans["xã Anh Sơn"], "Đỗ Văn Hùng")

    # xã Nam Đàn by hand on a desktop window: a negative figure is refused under its field, then corrected
    hand = window_login(browser, server, "cv.namdan", DESKTOP)
    hand.goto(f"{server}/khong-gian/ke-hoach/{plans['xã Nam Đàn']}")
    hand.click("a:has-text('Báo cáo kết quả thực hiện')")
    hand.select_option("#ky", PERIOD)
    hand.click("button:has-text('Xem kỳ này')")
    hand.locator("#tinh-trang", has_text="Chưa nhập số liệu").wait_for()
    clean(hand, problems, "trang nhập số liệu")
    hand.fill("#t0-value", "-3")
    hand.click("#luu")
    error = hand.locator("#chi-tieu-0 .field-error")
    error.wait_for()
    assert "số âm" in error.inner_text()
    assert hand.get_attribute("#t0-value", "aria-invalid") == "true"
    clean(hand, problems, "trang nhập số liệu có lỗi")
    shot(hand, "ket-qua-loi-duoi-o", full=True)
    hand.fill("#t0-value", "2")
    hand.fill("#t0-source", "Sổ theo dõi của xã")
    for i in range(hand.locator("select[id$='-status']").count()):
        hand.select_option(f"#w{i}-status", "hoan_thanh")
    hand.fill("#difficulties", "Thiếu cán bộ chuyên trách.")
    hand.click("#luu")
    hand.locator("#thong-bao", has_text="Đã lưu số liệu").wait_for()
    assert hand.input_value("#t0-value") == "2"
    assert hand.locator("#buoc-gui").count() == 0       # a draft is not sent: it is submitted to the head first
    step(hand, "trinh", "Đã trình lãnh đạo")
    hand.context.close()
    sign_and_send(browser, server, plans["xã Nam Đàn"], {"head": "cv.namdan", "signer": "vt.namdan",
                                                          "clerk": "vt.namdan"}, DESKTOP, "Phan Văn Nhân",
                  tmp_path, problems)

    # xã Anh Sơn by Excel on a phone: the officer downloads the form, fills it, uploads it and submits it
    excel = window_login(browser, server, "cv.anhson", PHONE)
    url = f"{server}/khong-gian/ket-qua/{plans['xã Anh Sơn']}?ky={PERIOD}"
    inspect(excel, url, problems, "chuyên viên 390px")
    with excel.expect_download() as info:
        excel.click("a:has-text('mẫu Excel của kỳ này')")
    filled = tmp_path / "anh-son.xlsx"
    filled.write_bytes(fill_xlsx(open(info.value.path(), "rb").read(), value="3"))
    excel.set_input_files("#bang", str(filled))
    excel.click("#tai-len button")
    excel.locator("#thong-bao", has_text="Đã nhập số liệu từ bảng Excel").wait_for()
    assert excel.input_value("#t0-value") == "3"
    step(excel, "trinh", "Đã trình lãnh đạo")
    excel.context.close()
    # the head finds it on the home page
    head = window_login(browser, server, "ld.anhson", PHONE)
    inspect(head, f"{server}/khong-gian", problems, "lãnh đạo 390px trang chủ")
    assert "chờ bạn: Duyệt" in head.inner_text("#nhac-bao-cao + ul")
    head.context.close()
    sign_and_send(browser, server, plans["xã Anh Sơn"], {"head": "ld.anhson", "signer": "nk.anhson",
                                                          "clerk": "vt.anhson"}, PHONE, "Đỗ Văn Hùng",
                  tmp_path, problems)

    # the Sở: who reported, the roll-up, accepts one, downloads the province's Báo cáo
    so = login(browser, server, "cv.so")
    so.goto(f"{server}/khong-gian/tinh/{province}")
    so.click("a:has-text('Tổng hợp báo cáo kết quả')")
    so.select_option("#ky", PERIOD)
    so.click("button:has-text('Xem kỳ này')")
    assert so.inner_text("#da-tinh") == "2"
    clean(so, problems, "trang tổng hợp")
    shot(so, "tong-hop-ket-qua", full=True)
    for name in ("xã Nam Đàn", "xã Anh Sơn"):
        row = so.locator("#don-vi tbody tr", has=so.locator(f"a:text-is('{name}')"))
        assert "Đã gửi cấp trên" in row.inner_text(), name
    assert so.locator("#don-vi tbody tr").count() == 130
    first = so.locator("#tong-hop tbody tr").first.inner_text()
    assert "2/2" in first, first        # both communes gave the first target a figure that meets it
    so.click("#don-vi a:text-is('xã Nam Đàn')")
    clean(so, problems, "báo cáo của xã, xem từ tỉnh")
    with so.expect_download() as info:
        so.click("#tai-ban-da-ky")
    assert open(info.value.path(), "rb").read(4) == b"%PDF"
    so.click("#buoc-tiep-nhan button")
    so.locator("#thong-bao", has_text="Cấp trên đã tiếp nhận").wait_for()
    with so.expect_download() as info:
        so.click("#tai-bao-cao")
    from docx import Document

    text = "\n".join(p.text for p in Document(info.value.path()).paragraphs)
    assert "2/130 đơn vị đã gửi báo cáo" in text and "Thiếu cán bộ chuyên trách" in text
    so.context.close()
    phone = window_login(browser, server, "cv.so", PHONE)
    inspect(phone, f"{server}/khong-gian/tong-hop/{province}?ky={PERIOD}", problems, "Sở 390px tổng hợp")
    phone.context.close()
    assert not problems, "\n".join(problems)
