"""The unit's own registry on a phone and a desktop window, in Chromium: a commune's officer adds the directive a
finding names, the Sở's leader approves it on «Danh mục của đơn vị», the officer corrects it (it waits for the Sở
again) and withdraws it after confirming, then opens the entry's history; each page passes axe, has no code on screen, no sideways scrolling and no
tap target under 24 px."""

from __future__ import annotations

from pathlib import Path

from test_ws_browser import (api_login, browser_context_args, browser_type_launch_args,  # noqa: F401 (fixtures)
                             server)
from test_ws_phone import DESKTOP, PHONE, SHOTS, _shot, inspect, login
from ws_fixtures import *  # noqa: F401,F403  (fixtures)

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"
CITATION = "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ, title: Về tăng cường}\n"


def _upload(server: str, username: str) -> str:
    client, token = api_login(server, username)
    text = EXAMPLE.read_text(encoding="utf-8").replace("\nbases:\n", "\nbases:\n" + CITATION, 1)
    answer = client.post("/tao/tai-len", data={"csrf": token},
                         files={"file": ("ke-hoach.yaml", text.encode("utf-8"), "application/yaml")})
    assert answer.status_code == 303, answer.text[:300]
    return answer.headers["location"]


def test_a_commune_adds_a_directive_and_the_so_approves_it_on_a_phone_and_a_desktop(browser, server):
    shots = Path(SHOTS or Path(__file__).resolve().parents[2] / "generated" / "danh-muc-don-vi")
    problems: list[str] = []
    # each window its own commune: once approved, the directive counts for that commune's plans
    for window, viewport, officer in (("dien-thoai", PHONE, "cv.anhson"), ("may-tinh", DESKTOP, "cv.quynhanh")):
        page = login(browser, server, officer, viewport)
        editor = _upload(server, officer)
        page.goto(server + editor)
        finding = page.locator(".fnd .finding", has_text="năm 2021 chưa có trong danh mục").first
        finding.locator("a", has_text="Thêm vào danh mục của đơn vị").click()
        page.locator("h1", has_text="Thêm vào danh mục của đơn vị").wait_for()
        inspect(page, page.url, problems, f"{officer}-{viewport['width']}-them")
        page.fill("#dm-source", "Công báo, bản chính lưu tại văn thư")
        _shot(page, shots / window, "1-xa-them-van-ban")
        page.click("button:has-text('Thêm vào danh mục')")
        page.wait_for_selector("#editor")
        assert page.locator(".finding", has_text="đang chờ Sở duyệt").count() >= 1
        page.context.close()
        page = login(browser, server, "ld.so", viewport)
        inspect(page, server + "/danh-muc", problems, f"ld.so-{viewport['width']}")
        _shot(page, shots / window, "2-so-duyet")
        page.locator("button:has-text('Duyệt')").first.click()
        page.locator("td", has_text="Sở đã duyệt").first.wait_for()
        inspect(page, server + "/danh-muc", problems, f"ld.so-{viewport['width']}-da-duyet")
        page.context.close()
        # the officer corrects the title: the entry waits for the Sở again; then withdraws it, asked first
        page = login(browser, server, officer, viewport)
        page.goto(server + "/danh-muc")
        page.locator("a.button", has_text="Sửa").first.click()
        page.locator("h1", has_text="Sửa mục trong danh mục").wait_for()
        inspect(page, page.url, problems, f"{officer}-{viewport['width']}-sua")
        page.fill("#dm-title", "Về tăng cường công tác")
        _shot(page, shots / window, "3-xa-sua")
        page.click("button:has-text('Lưu nội dung sửa')")
        page.locator("td", has_text="Chờ Sở duyệt").first.wait_for()
        assert page.locator("td", has_text="Về tăng cường công tác").count() == 1
        asked: list[str] = []

        def answer(dialog, asked=asked):
            asked.append(dialog.message)
            dialog.dismiss() if len(asked) == 1 else dialog.accept()

        page.on("dialog", answer)
        withdraw = page.locator("button", has_text="Rút khỏi danh mục").first
        withdraw.click()                                         # dismissed: nothing happens
        page.wait_for_timeout(300)
        assert page.locator("td", has_text="Đã rút ngày").count() == 0
        withdraw.click()                                         # accepted: the list is swapped in place
        page.locator("td", has_text="Đã rút ngày").first.wait_for()
        assert asked and "Rút «Chỉ thị số 23/CT-TTg" in asked[0] and "không còn được dùng khi kiểm tra" in asked[0]
        assert page.locator("button", has_text="Rút khỏi danh mục").count() == 0
        _shot(page, shots / window, "4-xa-da-rut")
        inspect(page, server + "/danh-muc", problems, f"{officer}-{viewport['width']}-da-rut")
        # the entry's history, from its row: four versions, newest first, each with who, what and the Sở's decision
        page.locator("a.history").first.click()
        page.locator("h1", has_text="Lịch sử các phiên bản của mục").wait_for()
        steps = page.locator("td[data-label='Việc']").all_inner_texts()
        assert steps == ["Rút khỏi danh mục", "Sửa nội dung", "Sở duyệt", "Thêm vào danh mục"], steps
        assert page.locator("li", has_text="Trích yếu: «Về tăng cường» → «Về tăng cường công tác»").count() == 1
        assert page.locator("td[data-label='Quyết định của Sở']").all_inner_texts()[1] == "Chờ Sở duyệt"
        _shot(page, shots / window, "5-lich-su")
        inspect(page, page.url, problems, f"{officer}-{viewport['width']}-lich-su")
        page.goto(server + editor)
        page.wait_for_selector("#editor")
        assert page.locator(".finding", has_text="năm 2021 chưa có trong danh mục").count() >= 1   # counts no more
        page.context.close()
    assert not problems, "\n".join(problems)
