"""The Báo cáo kết quả in Chromium: xã Nam Đàn enters its figures by hand (a wrong one is refused under its field),
xã Anh Sơn fills the Excel form and uploads it, both send; the Sở sees who reported, the roll-up, downloads its Báo
cáo. Every page is checked with axe-core (no serious or critical violation) and for code on screen."""

from __future__ import annotations

import io
import re
import time

from axe_playwright_python.sync_playwright import Axe

from no_code import code_on_screen
from test_ws_browser import (api_login, browser_context_args, browser_type_launch_args,  # noqa: F401 (fixtures)
                             login, province_plan_via_api, server, shot)
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


def test_one_commune_by_hand_one_by_excel_and_the_province_rollup(browser, server, tmp_path):
    province = province_plan_via_api(server)
    plans = derived(server, province, ["xã Nam Đàn", "xã Anh Sơn"])
    problems: list[str] = []

    # xã Nam Đàn by hand: a negative figure is refused under its field, then corrected and sent
    hand = login(browser, server, "cv.namdan")
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
    hand.click("#buoc-gui button")
    hand.locator("#tinh-trang", has_text="Đã gửi cấp trên").wait_for()
    hand.context.close()

    # xã Anh Sơn by Excel: the officer downloads the form, fills it, uploads it; the head sends it
    excel = login(browser, server, "cv.anhson")
    excel.goto(f"{server}/khong-gian/ket-qua/{plans['xã Anh Sơn']}?ky={PERIOD}")
    with excel.expect_download() as info:
        excel.click("a:has-text('mẫu Excel của kỳ này')")
    filled = tmp_path / "anh-son.xlsx"
    filled.write_bytes(fill_xlsx(open(info.value.path(), "rb").read(), value="3"))
    excel.set_input_files("#bang", str(filled))
    excel.click("#tai-len button")
    excel.locator("#thong-bao", has_text="Đã nhập số liệu từ bảng Excel").wait_for()
    assert excel.input_value("#t0-value") == "3"
    assert excel.locator("#buoc-gui").count() == 0     # the chuyên viên does not send: the head does
    excel.context.close()
    head = login(browser, server, "ld.anhson")
    head.goto(f"{server}/khong-gian/ket-qua/{plans['xã Anh Sơn']}?ky={PERIOD}")
    head.click("#buoc-gui button")
    head.locator("#tinh-trang", has_text="Đã gửi cấp trên").wait_for()
    head.context.close()

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
    so.click("#buoc-tiep-nhan button")
    so.locator("#thong-bao", has_text="Cấp trên đã tiếp nhận").wait_for()
    with so.expect_download() as info:
        so.click("#tai-bao-cao")
    from docx import Document

    text = "\n".join(p.text for p in Document(info.value.path()).paragraphs)
    assert "2/130 đơn vị đã gửi báo cáo" in text and "Thiếu cán bộ chuyên trách" in text
    so.context.close()
    assert not problems, "\n".join(problems)
