"""How a server process schedules its work: young garbage collected when idle; optionally, pages a few at a time."""

# Python runs one thread of a process at a time. When many pages are built at once, a save's thread gets the
# interpreter back only after each of them has had its turn, at every one of its database round trips, and it holds
# the province's audit-chain lock meanwhile: a burst of pages stretched saves to seconds. Building the pages one after
# another costs the pages nothing in total CPU and leaves a save at most a few pages to share the interpreter with.
# Measured (docs/benchmarks.md, speed9): with two at a time, saves' p95 halved on an overloaded machine (load 7–13)
# but did not change at load 4–5, where logins (whose pages wait in line too) took 2–3 times longer: off by default.

from __future__ import annotations

import asyncio
import gc
import os

# Reads that mostly wait for something other than this process's interpreter (LibreOffice converting to PDF, the
# print preview's pictures): in line they would hold up the others for seconds while using no CPU here.
WAITING = ("pdf", "trang-in")
STATIC = "/tinh/"
# A collection of the youngest objects stops the whole process for as long as it walks them (up to 50 000, the
# threshold set at start-up: 30–50 ms of CPU, hundreds of ms on a busy machine), and a save caught in it holds the
# province's audit-chain lock meanwhile. When no request is running and this many are waiting, collect them then.
IDLE_COLLECT = 10_000


def width() -> int:
    """How many pages or downloads a process builds at once: KEHOACH_READ_LANES, e.g. 2; 0 (default): no limit."""
    try:
        return max(0, int(os.environ.get("KEHOACH_READ_LANES", "0")))
    except ValueError:
        return 0


def in_line(scope) -> bool:
    """A GET or HEAD that builds a page or a download in this process (saves and other changes never wait)."""
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    path = scope["path"]
    return not path.startswith(STATIC) and not any(word in path for word in WAITING)


class ReadLane:
    """ASGI middleware: a request in line waits for a slot, given back as soon as its answer starts; when the last
    running request ends, young garbage is collected (if there is enough of it) before the next one comes."""

    def __init__(self, app, lanes: int | None = None):
        self.app = app
        lanes = width() if lanes is None else lanes
        self.slots = asyncio.Semaphore(lanes) if lanes > 0 else None
        self.running = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self.running += 1
        try:
            await self._serve(scope, receive, send)
        finally:
            self.running -= 1
            if self.running == 0 and gc.get_count()[0] >= IDLE_COLLECT:
                asyncio.get_running_loop().call_soon(self._collect_if_idle)

    def _collect_if_idle(self) -> None:
        if self.running == 0:
            gc.collect(0)

    async def _serve(self, scope, receive, send):
        if self.slots is None or not in_line(scope):
            return await self.app(scope, receive, send)
        await self.slots.acquire()
        held = True

        def give_back():
            nonlocal held
            if held:
                held = False
                self.slots.release()

        async def sending(message):
            if message["type"] == "http.response.start":
                give_back()   # a slow reader of the body holds nothing
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            give_back()
