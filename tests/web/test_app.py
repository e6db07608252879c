"""The running application's interpreter settings: what a request waiting for the database gets back how fast."""

from __future__ import annotations

import statistics
import sys
import threading
import time

from fastapi.testclient import TestClient

from authoring.web.app import create_app


def test_a_thread_back_from_waiting_gets_the_interpreter_within_a_millisecond_while_another_computes(tmp_path,
                                                                                                   monkeypatch):
    """A save waits for the database ~18 times while a Word file may be built in the same process; each time it
    needs the interpreter lock back. Once the application runs, that hand-off takes ~1 ms, not Python's 5 ms."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    before = sys.getswitchinterval()
    try:
        with TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}")):
            stop = threading.Event()

            def compute():   # pure Python work that never waits: holds the lock until asked to hand it over
                n = 0
                while not stop.is_set():
                    n += 1

            worker = threading.Thread(target=compute)
            worker.start()
            try:
                waits = []
                for _ in range(60):
                    start = time.perf_counter()
                    time.sleep(0)   # lets go of the lock as a database call does, then asks for it back
                    waits.append(time.perf_counter() - start)
            finally:
                stop.set()
                worker.join()
        assert statistics.median(waits) < 0.003
    finally:
        sys.setswitchinterval(before)


def test_the_running_application_collects_young_objects_in_short_steps_and_old_ones_as_rarely_as_before(tmp_path,
                                                                                                     monkeypatch):
    """Python's collector stops the whole process; the young generation's walk is as long as its threshold. Once the
    application runs, the young generation is collected every ≤ 5,000 new objects (a ~1 ms stop, where 50,000 stopped
    every request in flight 30–50 ms), and the kept analyses (older generations) after ≥ 2.5 million, as before."""
    import gc

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    before = gc.get_threshold()
    try:
        with TestClient(create_app(f"sqlite:///{tmp_path / 'k.db'}")):
            young, middle, old = gc.get_threshold()
            frozen = gc.get_freeze_count()
        assert young <= 5_000
        assert young * middle >= 2_500_000 and old >= 100
        assert frozen > 0   # what start-up loaded is left out of every walk
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
