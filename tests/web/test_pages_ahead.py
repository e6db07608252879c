"""«Xem trang in» made ahead: after a save of a plan someone has looked at, the printed pages of the saved version are
made in the background, and the page then serves those pictures without asking LibreOffice again."""

from __future__ import annotations

import re
import time

from authoring.web import preview
from webtools import open_example


def _images(page: str) -> list[str]:
    return re.findall(r'<img src="(/ke-hoach/\d+/trang-in/[0-9a-f]{64}/\d+\.png)"', page)


def test_the_pages_made_after_a_save_are_those_of_the_saved_version(app, client):
    state = app.state.kh
    state.ahead.delay = 0.1
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    first = _images(client.get(f"/ke-hoach/{plan_id}/trang-in").text)
    assert first
    built = []
    build = state.ahead.build
    state.ahead.build = lambda *a: (built.append(a[0]), build(*a))
    response = client.htmx(f"/ke-hoach/{plan_id}/truong", {"base": "1", "path": "document.title",
                                                           "v": "Kế hoạch in trước sau khi lưu"})
    assert response.status_code == 200, response.text
    saved = state.store.version(plan_id, 2).yaml_text
    assert "Kế hoạch in trước sau khi lưu" in saved
    digest = state.pages.digest(saved)
    deadline = time.monotonic() + 120
    while not (state.pages.root / digest / "so-trang").is_file():
        assert time.monotonic() < deadline, "trang in của phiên bản 2 chưa được làm trước"
        time.sleep(0.2)
    assert built == [plan_id]
    asked = []
    state.ahead.build = lambda *a: asked.append(a)
    start = time.monotonic()
    second = _images(client.get(f"/ke-hoach/{plan_id}/trang-in").text)
    assert time.monotonic() - start < 2
    assert second and all(f"/{digest}/" in src for src in second) and not asked
    # the picture is of the new text: page 1, with its changed title, differs from version 1's
    assert client.get(first[0]).content != client.get(second[0]).content


def test_a_plan_nobody_looks_at_gets_no_pages_made_ahead(app, client):
    state = app.state.kh
    state.ahead.delay = 0.1
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    response = client.htmx(f"/ke-hoach/{plan_id}/truong", {"base": "1", "path": "document.title", "v": "Không ai xem"})
    assert response.status_code == 200
    assert not state.ahead.pending and state.ahead.thread is None


def test_only_the_newest_of_quick_saves_is_made_and_the_request_can_take_it_first():
    made = []
    ahead = preview.PagesAhead(lambda plan_id, text, loaded: made.append((plan_id, text)), delay=0.3)
    assert not ahead.saved(1, "v1", object())          # not watched
    ahead.watch(1)
    assert ahead.saved(1, "v1", object()) and ahead.saved(1, "v2", object())
    ahead.watch(2)
    ahead.saved(2, "w1", object())
    assert ahead.take(2, "w1") and not ahead.take(2, "w1")
    deadline = time.monotonic() + 5
    while not made and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.4)
    assert made == [(1, "v2")]
    ahead.stop()
