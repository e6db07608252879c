"""Running a library's coroutine (pyHanko's signing and validation) to its end from synchronous code."""

from __future__ import annotations


def run_async(make_coroutine):
    """Run the coroutine *make_coroutine()* returns: here, or in a thread of its own when this thread already runs an
    event loop (asyncio.run refuses to nest; seen under a browser test's loop and in async web handlers)."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
