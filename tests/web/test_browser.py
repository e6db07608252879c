"""The page in a real browser (Debian's chromium through pytest-playwright): edit, check, preview, download."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from authoring.loading import load_plan
from authoring.model.walk import iter_targets
from authoring.web.forms import slot_id
from helpers import CHROMIUM_ARGS, FIXTURES, example

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = os.environ.get("KEHOACH_SHOTS")  # a folder: save screenshots of the main pages there (docs/web)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "viewport": {"width": 1600, "height": 1000}, "accept_downloads": True}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn in a thread on a free loopback port, with its own database."""
    import uvicorn

    from authoring.web.app import create_app

    folder = tmp_path_factory.mktemp("web")
    before = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "KEHOACH_OWN_REGISTRY")}
    os.environ["XDG_DATA_HOME"] = str(folder / "data")   # the session secret goes there, not in the user's folder
    os.environ["KEHOACH_OWN_REGISTRY"] = str(folder / "danh-muc")   # the unit's own registry layer
    app = create_app(f"sqlite:///{folder / 'kehoach.db'}", warm_office=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not instance.started and time.time() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(10)
    for key, value in before.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"))


def reveal(page, element_id: str) -> None:
    page.evaluate("id => khGoto(id)", element_id)


def test_edit_check_preview_and_download(page, server, tmp_path):
    page.goto(server + "/")
    assert page.locator("h1", has_text="Bắt đầu một kế hoạch").is_visible()
    shot(page, "trang-dau")
    page.select_option("#lib-file", "examples/nghe-an-2025-kh-07.yaml")
    page.click("text=Mở để soạn")
    page.wait_for_selector("#editor")
    shot(page, "soan-thao")

    # A target value that the sentence does not state: the finding appears beside the field, then goes when fixed.
    loaded, _ = load_plan(example("nghe-an"))
    path, _, target = next(iter_targets(loaded.plan))
    value_path = path + ("value",)
    reveal(page, slot_id(value_path))
    field = page.locator(f"#i-{slot_id(value_path)}")
    field.fill("37")
    field.press("Tab")
    slot = page.locator(f"#{slot_id(value_path)}")
    slot.get_by_text("có giá trị 37").wait_for()
    assert "Cách sửa" in slot.inner_text()
    assert "có giá trị 37" in page.locator("#summary").inner_text()      # and in the summary panel
    field.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 250)")
    shot(page, "chi-tieu")
    field.fill(f"{target.value:g}")
    field.press("Tab")
    slot.get_by_text("có giá trị 37").wait_for(state="detached")
    page.locator("#save-status", has_text="phiên bản 3").wait_for()

    # Add a duty to the first agency, write it, and see it in the preview.
    button = page.locator("button[hx-vals*='add_duty']").first
    button.evaluate("b => { for (let d = b.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
    button.click()
    page.locator("#save-status", has_text="phiên bản 4").wait_for()
    new_duty = page.locator("textarea", has_text="(nhiệm vụ mới)").first
    new_duty.evaluate("t => { for (let d = t.closest('details'); d; d = d.parentElement.closest('details')) d.open = true; }")
    new_duty.fill("Tổ chức tập huấn kỹ năng bảo vệ trẻ em cho cộng tác viên thôn, bản")
    new_duty.press("Tab")
    page.locator("#save-status", has_text="phiên bản 5").wait_for()
    page.click("button[data-tab=xem-truoc]")
    assert "Tổ chức tập huấn kỹ năng bảo vệ trẻ em" in page.locator("#preview").inner_text()
    page.locator("#preview p", has_text="Tổ chức tập huấn kỹ năng").scroll_into_view_if_needed()
    shot(page, "xem-truoc")

    with page.expect_download() as info:
        page.click("text=Word (.docx)")
    docx_path = tmp_path / "ke-hoach.docx"
    info.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "Tổ chức tập huấn kỹ năng bảo vệ trẻ em" in text and "KẾ HOẠCH" in text

    with page.expect_download(timeout=120_000) as info:
        page.click("text=PDF")
    pdf_path = tmp_path / "ke-hoach.pdf"
    info.value.save_as(pdf_path)
    reader = PdfReader(str(pdf_path))
    assert len(reader.pages) >= 2
    pdf_text = " ".join(page_.extract_text() for page_ in reader.pages)
    assert "tập huấn" in pdf_text

    page.click("text=Các phiên bản")
    page.select_option("select[name=a]", "1")
    page.select_option("select[name=b]", "5")
    page.click("text=So sánh nội dung")
    assert "Nhiệm vụ của" in page.locator("#so-sanh").inner_text()
    shot(page, "so-sanh")


def test_import_a_word_file(page, server, tmp_path, rendered):
    page.goto(server + "/")
    page.set_input_files("#upload", str(rendered["kon-tum-2020-kh-chua-so"]))
    page.click("text=Tải lên và nhập")
    page.get_by_text("đã lấy lại toàn bộ dữ liệu gốc").wait_for()     # kehoach's own DOCX, unchanged
    page.click("text=Mở để soạn tiếp")
    page.wait_for_selector("#editor")
    assert "Kon Tum" in page.locator("#phan-document").inner_html()


def test_import_a_word_file_made_by_hand(page, server):
    page.goto(server + "/")
    page.set_input_files("#upload", str(FIXTURES / "import" / "soan-tay.docx"))
    page.click("text=Tải lên và nhập")
    page.get_by_text("Những gì đã nhận ra").wait_for()
    recognised = page.locator("ul.recognised").inner_text()
    assert "đoạn giữ nguyên dạng văn bản" in recognised
    assert "#" not in page.locator("main").inner_text()                  # no ids of parent items on the page
    shot(page, "nhap-tep")
    page.click("text=Mở để soạn tiếp")
    page.wait_for_selector("#editor")


def test_two_tabs_conflict_is_explained(page, server):
    page.goto(server + "/")
    page.select_option("#lib-file", "examples/lang-son-2019-kh-chua-so.yaml")
    page.click("text=Mở để soạn")
    page.wait_for_selector("#editor")
    other = page.context.new_page()
    other.goto(page.url)
    place = "#i-" + slot_id(("document", "place"))
    other.fill(place, "Thẻ thứ hai")
    other.press(place, "Tab")
    other.locator("#save-status", has_text="phiên bản 2").wait_for()
    page.fill(place, "Thẻ thứ nhất")
    page.press(place, "Tab")
    alert = page.locator("#alert")
    alert.get_by_text("cửa sổ hoặc thẻ khác").wait_for()
    assert "Thẻ thứ nhất" in alert.inner_text()
    shot(page, "xung-dot")
    page.click("text=Ghi nội dung của tôi lên bản mới nhất")
    page.locator("#save-status", has_text="phiên bản 3").wait_for()
    other.close()


def open_library_plan(page, server, name: str) -> None:
    page.goto(server + "/")
    page.select_option("#lib-file", f"examples/{name}")
    page.click("text=Mở để soạn")
    page.wait_for_selector("#editor")


def test_a_legal_basis_is_filled_from_the_registry_search(page, server):
    open_library_plan(page, server, "kon-tum-2020-kh-chua-so.yaml")
    bases = page.locator("#phan-bases")
    count = bases.locator(".item").count()
    bases.locator("button", has_text="+ Thêm căn cứ").click()
    bases.locator(".item").nth(count).wait_for()
    item = bases.locator(".item").nth(count)
    item.locator("input[type=search]").fill("56/2017")            # the search in the citation registry
    result = item.locator("button.result", has_text="Nghị định số 56/2017/NĐ-CP")
    result.wait_for()
    shot(page, "can-cu")
    result.click()
    page.locator("#save-status", has_text="Điền căn cứ từ danh mục").wait_for()
    item = page.locator("#phan-bases .item").nth(count)
    assert "Nghị định số 56/2017/NĐ-CP — Quy định chi tiết" in item.locator(".registry .chosen").inner_text()
    assert item.locator(f"#i-{slot_id(('bases', count, 'code'))}").input_value() == "56/2017/NĐ-CP"
    saved = page.request.get(page.url.split("#")[0] + "/tai/yaml").text()
    assert "code: 56/2017/NĐ-CP" in saved and "registry: " in saved     # written to the plan file


def test_a_target_linked_to_the_parents_target_clears_the_coverage_finding(page, server):
    from authoring.web import engine, forms

    open_library_plan(page, server, "lang-son-2019-kh-chua-so.yaml")
    item = engine.parent_items(["qd-2361-2015"])
    choices = forms.ParentChoices(item)
    label = choices.by_ref["qd-2361-2015#ct-1-2020"]
    words = choices.by_label[label].text[:40]
    summary = page.locator("#summary")
    assert words in summary.inner_text() and "chưa có chỉ tiêu tương ứng" in summary.inner_text()
    loaded, _ = load_plan(example("lang-son"))
    path = next(p for p, _, t in iter_targets(loaded.plan) if t.id == "ct-b") + ("links",)
    reveal(page, slot_id(path))
    box = page.locator(f"#i-{slot_id(path)} input").last
    box.fill(label)                                               # picked by its words, never by an id
    box.press("Tab")
    page.locator("#save-status", has_text="phiên bản 2").wait_for()
    page.locator(f"#i-{slot_id(path)} input").first.wait_for()
    assert page.locator(f"#i-{slot_id(path)} input").first.input_value() == label
    assert words not in summary.inner_text()                      # the coverage finding is gone
    assert "#" not in page.locator(f"#i-{slot_id(path)}").inner_text()
    page.locator(f"#i-{slot_id(path)}").scroll_into_view_if_needed()
    shot(page, "lien-ket")


def test_a_version_is_named_and_restored(page, server):
    open_library_plan(page, server, "nghe-an-2025-kh-07.yaml")
    place = "#i-" + slot_id(("document", "place"))
    for n, typed in ((2, "Vinh"), (3, "Cửa Lò"), (4, "Thái Hòa")):
        page.fill(place, typed)
        page.press(place, "Tab")
        page.locator("#save-status", has_text=f"phiên bản {n}").wait_for()
    page.click("text=Các phiên bản")
    assert page.locator("tr[id^=v]").count() == 2                # three saves on one part: one row, plus version 1
    page.locator("details.earlier summary").click()
    assert "→ Cửa Lò" in page.locator("details.earlier").inner_text()
    # a named version stands on its own row: 4 named, 2–3 folded under 3
    row4 = page.locator("tr#v4")
    row4.locator("input[name=name]").fill("Bản trình lãnh đạo")
    row4.locator("button", has_text="Đặt tên").click()
    page.locator("b.version-name", has_text="Bản trình lãnh đạo").wait_for()
    shot(page, "phien-ban")
    assert page.locator("tr[id^=v]").count() == 3
    page.locator("tr#v3 > td:last-child button", has_text="Khôi phục").click()   # an older version, still restorable
    page.wait_for_selector("#editor")
    assert page.locator(place).input_value() == "Cửa Lò"
    page.click("text=Các phiên bản")
    assert "Khôi phục phiên bản 3" in page.locator("tr#v5").inner_text()


def test_the_printed_pages_are_the_pdfs_pages(page, server):
    open_library_plan(page, server, "nghe-an-2025-kh-07.yaml")
    with page.context.expect_page(timeout=120_000) as info:
        page.click("#xem-trang-in")
    printed = info.value
    printed.wait_for_load_state()
    printed.locator("h1", has_text="Xem trang in").wait_for(timeout=120_000)
    images = printed.locator("figure.printed-page img")
    assert images.count() >= 2
    printed.evaluate("() => Promise.all([...document.images].map(i => { i.loading = 'eager'; return i.decode(); }))")
    widths = printed.evaluate("() => [...document.querySelectorAll('figure img')].map(i => i.naturalWidth)")
    assert all(w > 600 for w in widths)                          # real page pictures, A4 at 80 dpi
    with printed.expect_download(timeout=120_000) as download:
        printed.click("text=Tải PDF")
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == images.count()                       # as many pictures as the PDF has pages
    shot(printed, "trang-in")
    printed.close()


def test_an_unknown_directive_is_added_to_ones_own_registry_from_its_finding_then_withdrawn(page, server, tmp_path):
    """Chỉ thị 23/CT-TTg of 2021 is not the library's directive of 2020: the finding offers to add it, with its source;
    on one's own computer it counts at once, and withdrawn (after confirming) it counts no more."""
    text = example("nghe-an").read_text(encoding="utf-8").replace("\nbases:\n", "\nbases:\n  - {type: Chỉ thị, code: "
                                                                    "23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính "
                                                                    "phủ, title: Về tăng cường}\n", 1)
    upload = tmp_path / "ke-hoach-23-2021.yaml"
    upload.write_text(text, encoding="utf-8")
    page.goto(server + "/")
    page.set_input_files("#upload", str(upload))
    page.click("text=Tải lên và nhập")
    page.wait_for_selector("#editor")
    unknown = page.locator(".fnd .finding", has_text="năm 2021 chưa có trong danh mục")
    unknown.first.wait_for()
    unknown.first.locator("a", has_text="Thêm vào danh mục của đơn vị").click()
    page.locator("h1", has_text="Thêm vào danh mục của riêng bạn").wait_for()
    assert page.input_value("#dm-code") == "23/CT-TTg" and page.input_value("#dm-date") == "26/05/2021"
    assert "Sở" not in page.inner_text("main")
    page.fill("#dm-source", "Công báo, bản chính lưu tại văn thư")
    shot(page, "them-danh-muc")
    page.click("button:has-text('Thêm vào danh mục')")
    page.wait_for_selector("#editor")
    assert unknown.count() == 0                                    # one's own entry counts at once
    editor = page.url
    page.goto(server + "/danh-muc")
    main = page.inner_text("main")
    assert "Đang dùng khi kiểm tra" in main and "Sở" not in main
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Rút khỏi danh mục')")
    page.locator("td", has_text="Đã rút ngày").wait_for()
    shot(page, "danh-muc-da-rut")
    page.goto(editor)
    page.wait_for_selector("#editor")
    assert unknown.count() >= 1
