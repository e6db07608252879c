"""The workspace on a phone (390×844) and a desktop window (1366×768), in Chromium: the Sở's chuyên viên, the commune's
chuyên viên, lãnh đạo, văn thư and người ký take a plan from draft to issued; every page they and the administrator
open is checked with axe-core (no serious or critical violation), for horizontal scrolling, tap targets of at
least 24 px and code on screen."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from authoring.web.forms import slot_id
from no_code import code_on_screen
from test_ws_browser import (api_login, browser_context_args, browser_type_launch_args,  # noqa: F401 (fixtures)
                             province_plan_via_api, server)
from ws_support import PASSWORD
from ws_fixtures import *  # noqa: F401,F403  (fixtures)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("KEHOACH_SHOTS")
AXE = Axe()
# Controls a finger taps; links inside running text are exempt (WCAG 2.2, 2.5.8).
TAP_TARGETS = """() => [...document.querySelectorAll(
  'button, input:not([type=hidden]):not(.file-input), select, textarea, summary, nav a, .actions a, td a, li > a:only-child, a.button, label.button')]
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect(); return {w: r.width, h: r.height,
              what: (e.innerText || e.value || e.name || e.tagName).slice(0, 40)}; })
  .filter(r => r.w > 0 && (r.w < 24 || r.h < 24))"""
# The browser's file control says "Choose File" / "No file chosen": it must be hidden (tapped through its label), with
# a Vietnamese «Chọn tệp…» label and the chosen file's name in Vietnamese beside it.
ENGLISH_FILE_CONTROLS = """() => [...document.querySelectorAll('input[type=file]')].filter(e => {
  const r = e.getBoundingClientRect();
  const button = [...(e.labels || [])].some(l => l.textContent.trim() === 'Chọn tệp…' && l.getBoundingClientRect().height >= 24);
  const shown = document.getElementById(e.getAttribute('aria-describedby') || '');
  return r.width > 1 || r.height > 1 || getComputedStyle(e).opacity !== '0' || !button || !shown
    || !/^(Chưa chọn tệp|Đã chọn: )/.test(shown.textContent);
}).map(e => e.id || e.name)"""


def login(browser, server: str, username: str, viewport: dict):
    context = browser.new_context(locale="vi-VN", viewport=viewport, accept_downloads=True,
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    page.goto(server + "/dang-nhap")
    page.fill("#ten", username)
    page.fill("#mat_khau", PASSWORD)
    page.click("button:has-text('Đăng nhập')")
    page.wait_for_url(re.compile(r".*/khong-gian$"))
    return page


def inspect(page, url: str, problems: list[str], name: str) -> None:
    """Open *url* and record what is wrong with it for a person on this window."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    where = f"{name} {url.split('//', 1)[1].split('/', 1)[1] if '/' in url.split('//', 1)[1] else '/'}"
    results = AXE.run(page)
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [n["target"] for n in violation["nodes"][:3]]
            problems.append(f"{where}: axe {violation['id']} ({violation['impact']}, {len(violation['nodes'])} chỗ) {targets}")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"] + 1:
        problems.append(f"{where}: trang rộng {width} px, phải cuộn ngang")
    small = page.evaluate(TAP_TARGETS)
    if small:
        problems.append(f"{where}: {len(small)} chỗ bấm nhỏ hơn 24 px, vd. {small[:4]}")
    english = page.evaluate(ENGLISH_FILE_CONTROLS)
    if english:
        problems.append(f"{where}: ô chọn tệp hiện chữ tiếng Anh của trình duyệt («Choose File»): {english}")
    for problem in code_on_screen(page.inner_text("body")):
        problems.append(f"{where}: {problem}")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{re.sub(r'[^a-z0-9]+', '-', where.lower())}.png"), full_page=False)


def derive_one(server: str, province: int, unit: str) -> int:
    client, token = api_login(server, "cv.so")
    response = client.post(f"/khong-gian/tinh/{province}/lap-cho-xa", data={"csrf": token},
                           files={"danh_sach": ("ds.txt", unit.encode(), "text/plain")})
    assert response.status_code == 303
    for _ in range(400):
        text = client.get(f"/khong-gian/tinh/{province}").text
        match = re.search(rf'<a href="/khong-gian/ke-hoach/(\d+)">{unit}</a>', text)
        if match and "every 1s" not in text:
            return int(match.group(1))
        time.sleep(0.3)
    raise AssertionError("chưa lập xong dự thảo")


# Each window plays its own commune: (commune, its chuyên viên, lãnh đạo, văn thư, người ký — and the signer's name).
COMMUNES = {
    "dien-thoai": (PHONE, "xã Anh Sơn", "anhson", "Đỗ Văn Hùng"),
    "may-tinh": (DESKTOP, "xã Quỳnh Anh", "quynhanh", "Tạ Văn Sơn"),
}


def _shot(page, folder: Path, name: str) -> None:
    """Every step of the walk as a picture in generated/, to look at (KEHOACH_SHOTS chooses another folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


def play_five_roles(browser, server: str, tmp_path, window: str) -> list[str]:
    """The Sở's chuyên viên makes the commune's draft; the commune's chuyên viên drafts on the page and submits, the
    lãnh đạo approves, the văn thư checks the form, the người ký signs, the văn thư numbers and issues; every page each
    of them opens is inspected on this window."""
    viewport, commune, suffix, signer_name = COMMUNES[window]
    shots = Path(SHOTS or Path(__file__).resolve().parents[2] / "generated" / "nam-vai-tro") / window
    province = province_plan_via_api(server)
    plan = derive_one(server, province, commune)
    problems: list[str] = []

    def visit(username: str, urls: list[str]):
        page = login(browser, server, username, viewport)
        for url in urls:
            inspect(page, server + url, problems, f"{username}-{viewport['width']}")
        return page

    flow = f"/khong-gian/ke-hoach/{plan}"
    # the commune's chuyên viên: their home, the editor, the workflow page; submits by tapping «Trình lãnh đạo»
    page = visit(f"cv.{suffix}", ["/khong-gian", f"/ke-hoach/{plan}", flow, "/khong-gian/nhat-ky", "/",
                                  f"/ke-hoach/{plan}/phien-ban", f"/ke-hoach/{plan}/bao-phu", "/khong-gian/khoa-truy-cap",
                                  "/danh-muc"])
    page.goto(server + f"/ke-hoach/{plan}")
    signer = page.locator(f"#i-{slot_id(('signature', 'name'))}")
    signer.fill(signer_name)
    signer.press("Enter")                                  # Enter saves a one-line box, once
    page.locator("#save-status", has_text="phiên bản 2").wait_for()
    # said to screen readers in a region that stays on the page
    page.locator("#thong-bao", has_text="Đã lưu phiên bản 2").wait_for(state="attached")
    assert "Kiểm tra: 0 lỗi, " in page.text_content("#thong-bao")
    title = page.locator(f"#i-{slot_id(('document', 'title'))}")
    title.fill(f"Thực hiện công tác trẻ em năm 2026 trên địa bàn {commune}")
    title.press("Control+Enter")                           # a paragraph box: Ctrl+Enter
    page.locator("#save-status", has_text="phiên bản 3").wait_for()
    page.wait_for_timeout(800)
    assert "phiên bản 4" not in page.inner_text("#save-status") and "đã có phiên bản mới" not in page.inner_text("body")
    _shot(page, shots, "1-chuyen-vien-soan")
    page.goto(server + flow)
    page.click("button:has-text('Trình lãnh đạo')")
    page.locator("ol.steps li.now", has_text="Đã trình lãnh đạo").wait_for()
    _shot(page, shots, "2-chuyen-vien-da-trinh")
    page.context.close()
    # the lãnh đạo finds it on their home page and approves
    page = visit(f"ld.{suffix}", ["/khong-gian", flow])
    page.goto(server + "/khong-gian")
    _shot(page, shots, "3-lanh-dao-viec-cua-toi")
    page.click(f"#viec-cua-toi a[href='{flow}']")
    page.click("button:has-text('Duyệt')")
    page.locator("ol.steps li.now", has_text="Lãnh đạo đã duyệt nội dung").wait_for()
    _shot(page, shots, "4-lanh-dao-da-duyet")
    page.context.close()
    # the văn thư checks the form
    page = visit(f"vt.{suffix}", ["/khong-gian", flow])
    page.goto(server + flow)
    page.click("button:has-text('Kiểm tra thể thức')")
    page.locator("ol.steps li.now", has_text="Văn thư đã kiểm tra thể thức").wait_for(timeout=90_000)
    _shot(page, shots, "5-van-thu-kiem-tra-the-thuc")
    page.context.close()
    # the người ký signs with their certificate
    page = visit(f"nk.{suffix}", ["/khong-gian", flow])
    data, password = make_p12(signer_name)
    key = tmp_path / f"chung-thu-{suffix}.p12"
    key.write_bytes(data)
    page.goto(server + flow)
    page.set_input_files("#chung_thu", str(key))
    assert page.inner_text("#chung_thu-ten") == f"Đã chọn: chung-thu-{suffix}.p12"
    page.fill("#mat_khau_chung_thu", password)
    _shot(page, shots, "6-nguoi-ky")
    page.click("#buoc-ky button[type=submit]")
    page.locator("ol.steps li.now", has_text="Đã ký").wait_for(timeout=120_000)
    page.context.close()
    # the văn thư numbers, dates (ngày/tháng/năm, pressing Enter) and issues
    page = visit(f"vt.{suffix}", [flow])
    page.goto(server + flow)
    page.fill("#ngay", time.strftime("%d/%m/%Y"))
    page.press("#ngay", "Enter")
    page.locator("ol.steps li.now", has_text="Đã ban hành").wait_for(timeout=60_000)
    inspect(page, server + flow, problems, f"vt.{suffix}-{viewport['width']}-da-ban-hanh")
    _shot(page, shots, "7-van-thu-da-ban-hanh")
    page.context.close()
    # the Sở's chuyên viên sees the commune's plan issued on the board
    page = visit("cv.so", ["/khong-gian", f"/khong-gian/tinh/{province}", f"/ke-hoach/{province}"])
    page.goto(server + f"/khong-gian/tinh/{province}")
    _shot(page, shots, "8-so-bang-theo-doi")
    page.context.close()
    return problems


def test_five_people_take_a_plan_from_draft_to_issued_on_a_phone_and_every_page_passes(browser, server, tmp_path):
    problems = play_five_roles(browser, server, tmp_path, "dien-thoai")
    # the administrator, on both windows
    for viewport in (PHONE, DESKTOP):
        page = login(browser, server, "qt.so", viewport)
        for url in ("/khong-gian/quan-tri", "/khong-gian/nhat-ky"):
            inspect(page, server + url, problems, f"qt.so-{viewport['width']}")
        page.context.close()
    assert not problems, "\n".join(problems)


def test_five_people_take_a_plan_from_draft_to_issued_on_a_desktop_and_every_page_passes(browser, server, tmp_path):
    problems = play_five_roles(browser, server, tmp_path, "may-tinh")
    assert not problems, "\n".join(problems)
