"""Running an outside program (LibreOffice) so that nothing it does can hang kehoach or outlive it.

- The program runs in its own process group; on every way out (done, time limit, error, Ctrl+C, SIGTERM) the whole
  group is asked to stop, then killed, and reaped.
- Its output goes to a file that is read while it runs, so the time limit holds whatever the program does with its
  output (nothing, endless lines, or staying alive after its work is done).
- While it runs, SIGTERM and SIGINT become KeyboardInterrupt, so `with` blocks (temporary folders) unwind.
- On Linux the direct child also gets SIGKILL if kehoach itself is killed (-9); temporary folders such a kill leaves
  behind are removed by the next run (their names carry the owner's process id).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from .. import limits


class TimedOut(Exception):
    """The program was still running at the time limit (and has been killed)."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def kill_group(process: subprocess.Popen, grace: float = limits.SOFFICE_GRACE_S) -> None:
    """Stop the process group of *process*: SIGTERM, a short grace, then SIGKILL; reap the leader."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if process.poll() is not None and not _group_alive(process.pid):
                break
            time.sleep(0.05)
        else:
            continue
        break
    with contextlib.suppress(Exception):
        process.wait(timeout=5)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


@contextlib.contextmanager
def interrupts_unwind() -> Iterator[None]:
    """SIGTERM and SIGINT raise KeyboardInterrupt inside the block (main thread only), so cleanup runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_guarded(command: list[str], env: dict, timeout: float, on_line: Callable[[str], None],
                finished: Callable[[], bool], log_dir: Path) -> int | None:
    """Run *command*; feed each output line to *on_line*; stop it at *timeout* seconds (TimedOut).

    *finished()* tells when the work is done: the program then gets a short grace to exit by itself before its
    group is stopped (a LibreOffice that stays alive after converting does not hold kehoach up).
    Returns the exit code, or None when kehoach stopped a program that had finished its work.
    """
    log_path = log_dir / "soffice.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True, preexec_fn=_die_with_parent)
    try:
        with open(log_path, "rb") as reader:
            pending = b""
            deadline = time.monotonic() + timeout
            done_since: float | None = None
            while True:
                code = process.poll()
                chunk = reader.read(1 << 16)
                if chunk:
                    pending += chunk
                    *lines, pending = pending.split(b"\n")
                    for line in lines:
                        on_line(line.decode("utf-8", "replace"))
                if code is not None and not chunk:
                    if pending:
                        on_line(pending.decode("utf-8", "replace"))
                    return code
                now = time.monotonic()
                if finished():  # its work is done: a short grace to exit by itself, whatever the time limit says
                    done_since = done_since or now
                    if now - done_since > limits.SOFFICE_GRACE_S:
                        return None
                elif now > deadline:
                    raise TimedOut(f"quá {timeout:.0f} giây")
                if not chunk:
                    time.sleep(0.05)
    finally:
        kill_group(process)


TEMP_PREFIX = "kehoach-pdf-"


@contextlib.contextmanager
def owned_tempdir(prefix: str = TEMP_PREFIX) -> Iterator[Path]:
    """A temporary folder named after this process, removed on the way out; stale ones of dead owners go too."""
    remove_stale_tempdirs(prefix)
    path = Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def remove_stale_tempdirs(prefix: str = TEMP_PREFIX) -> None:
    base = Path(tempfile.gettempdir())
    try:
        candidates = list(base.glob(f"{prefix}*"))
    except OSError:
        return
    for folder in candidates:
        owner = folder.name[len(prefix):].split("-", 1)[0]
        if not owner.isdigit() or int(owner) == os.getpid():
            continue
        try:
            os.kill(int(owner), 0)
            continue  # its owner still runs
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue
