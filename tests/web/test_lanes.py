"""Pages and downloads of a process are built a few at a time; saves, PDFs and static files never wait in line."""

from __future__ import annotations

import asyncio

from authoring.web.lanes import ReadLane


def _scope(method: str, path: str) -> dict:
    return {"type": "http", "method": method, "path": path, "headers": []}


class _Slow:
    """An ASGI app that notes when each request starts, builds nothing until released, then answers in two parts."""

    def __init__(self):
        self.started: list[str] = []
        self.release: dict[str, asyncio.Event] = {}
        self.body_sent: dict[str, asyncio.Event] = {}

    async def __call__(self, scope, receive, send):
        self.started.append(scope["path"])
        await self.release.setdefault(scope["path"], asyncio.Event()).wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await self.body_sent.setdefault(scope["path"], asyncio.Event()).wait()
        await send({"type": "http.response.body", "body": b"xong"})

    async def finish(self, paths, tasks):
        """Let every request in *paths* answer whole, and wait for them."""
        for path in paths:
            self.release[path].set()
            self.body_sent.setdefault(path, asyncio.Event()).set()
        await asyncio.gather(*tasks)


async def _nothing():
    return {"type": "http.disconnect"}


async def _sink(message):
    pass


def _run(scenario):
    # In a thread of its own: other tests of this folder (the browser's) may leave an event loop running here.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, scenario()).result()


def test_a_second_page_waits_for_the_first_while_a_save_goes_straight_in():
    async def scenario():
        app = _Slow()
        lane = ReadLane(app, 1)
        first = asyncio.create_task(lane(_scope("GET", "/ke-hoach/1"), _nothing, _sink))
        second = asyncio.create_task(lane(_scope("GET", "/ke-hoach/2/tai/docx"), _nothing, _sink))
        save = asyncio.create_task(lane(_scope("POST", "/ke-hoach/3/truong"), _nothing, _sink))
        await asyncio.sleep(0.05)
        assert app.started == ["/ke-hoach/1", "/ke-hoach/3/truong"]
        app.release["/ke-hoach/1"].set()
        await asyncio.sleep(0.05)
        # The first page has started its answer (its body not yet sent): its slot is already given back.
        assert app.started[-1] == "/ke-hoach/2/tai/docx"
        for path in ("/ke-hoach/2/tai/docx", "/ke-hoach/3/truong"):
            app.release.setdefault(path, asyncio.Event()).set()
        for path in ("/ke-hoach/1", "/ke-hoach/2/tai/docx", "/ke-hoach/3/truong"):
            app.body_sent.setdefault(path, asyncio.Event()).set()
        await asyncio.gather(first, second, save)

    _run(scenario)


def test_pdfs_the_print_preview_and_static_files_do_not_wait_in_line():
    async def scenario():
        app = _Slow()
        lane = ReadLane(app, 1)
        paths = ["/ke-hoach/1", "/ke-hoach/1/tai/pdf", "/ke-hoach/1/trang-in", "/ke-hoach/1/bao-cao/q1/van-ban.pdf",
                 "/tinh/app.css"]
        tasks = [asyncio.create_task(lane(_scope("GET", path), _nothing, _sink)) for path in paths]
        await asyncio.sleep(0.05)
        assert app.started == paths
        await app.finish(paths, tasks)

    _run(scenario)


def test_a_page_that_fails_gives_its_slot_back():
    async def scenario():
        calls = []

        async def failing(scope, receive, send):
            calls.append(scope["path"])
            if scope["path"] == "/hong":
                raise RuntimeError("hỏng")
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b""})

        lane = ReadLane(failing, 1)
        try:
            await lane(_scope("GET", "/hong"), _nothing, _sink)
        except RuntimeError:
            pass
        await asyncio.wait_for(lane(_scope("GET", "/ke-hoach/1"), _nothing, _sink), 1)
        assert calls == ["/hong", "/ke-hoach/1"]

    _run(scenario)


def test_no_line_when_the_width_is_zero(monkeypatch):
    monkeypatch.setenv("KEHOACH_READ_LANES", "0")

    async def scenario():
        app = _Slow()
        lane = ReadLane(app)
        tasks = [asyncio.create_task(lane(_scope("GET", f"/ke-hoach/{i}"), _nothing, _sink)) for i in range(3)]
        await asyncio.sleep(0.05)
        assert len(app.started) == 3
        await app.finish(app.started, tasks)

    _run(scenario)


def test_the_start_and_end_of_the_application_pass_through():
    # A lifespan message has no path: the application's start-up (gc.freeze, LibreOffice) must still run.
    async def scenario():
        seen = []

        async def app(scope, receive, send):
            seen.append(scope["type"])

        await ReadLane(app, 1)({"type": "lifespan"}, _nothing, _sink)
        assert seen == ["lifespan"]

    _run(scenario)


def test_the_application_schedules_its_requests_through_the_lane(app):
    assert any(middleware.cls is ReadLane for middleware in app.user_middleware)


def test_no_line_unless_asked(monkeypatch):
    from authoring.web import lanes

    monkeypatch.delenv("KEHOACH_READ_LANES", raising=False)
    assert lanes.width() == 0
    monkeypatch.setenv("KEHOACH_READ_LANES", "một")
    assert lanes.width() == 0
    monkeypatch.setenv("KEHOACH_READ_LANES", "2")
    assert lanes.width() == 2


def test_young_garbage_is_collected_when_the_last_request_ends_and_never_during_one():
    import gc

    from authoring.web.lanes import IDLE_COLLECT

    collections = []

    def watch(phase, info):
        if phase == "start":
            collections.append((info["generation"], lane.running))

    app = _Slow()
    lane = ReadLane(app, 0)   # the default: no line, the collection still waits for idleness

    async def finish(path, task):
        app.release.setdefault(path, asyncio.Event()).set()
        app.body_sent.setdefault(path, asyncio.Event()).set()
        await task
        await asyncio.sleep(0.01)

    async def scenario():
        page = asyncio.create_task(lane(_scope("GET", "/ke-hoach/1"), _nothing, _sink))
        save = asyncio.create_task(lane(_scope("POST", "/ke-hoach/2/truong"), _nothing, _sink))
        await asyncio.sleep(0.01)
        young = [[] for _ in range(IDLE_COLLECT * 2)]   # new container objects, as a request leaves behind
        await finish("/ke-hoach/1", page)
        assert collections == []                        # the save still runs: nothing stops it
        await finish("/ke-hoach/2/truong", save)
        assert collections == [(0, 0)]                  # the youngest generation, with no request running
        assert gc.get_count()[0] < IDLE_COLLECT and young

    threshold = gc.get_threshold()
    gc.set_threshold(10_000_000, 50, 100)   # no collection of its own during the test
    gc.callbacks.append(watch)
    try:
        _run(scenario)
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*threshold)
