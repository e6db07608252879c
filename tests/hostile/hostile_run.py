"""Running `kehoach` as its own process, with a time bound and the peak memory it used."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEHOACH = [sys.executable, "-m", "authoring.cli"]
TIME_LIMIT_S = 20
LAUNCHER = Path(__file__).with_name("measured_launch.py")


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float

    @property
    def text(self) -> str:
        return self.out + self.err


def kehoach(*args, timeout: float = TIME_LIMIT_S, env: dict | None = None, cwd: Path | None = None,
            stdin: bytes | None = None) -> Run:
    """Run kehoach; a run past *timeout* is killed and fails the test (a hang is a bug). Peak memory of kehoach itself
    (measured_launch.py says why it is not the wait4 of this child)."""
    import tempfile

    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp, \
            tempfile.TemporaryDirectory() as scratch:
        inp.write(stdin or b"")
        inp.seek(0)
        peak_file = Path(scratch) / "peak"
        process = subprocess.Popen([sys.executable, "-S", str(LAUNCHER), str(peak_file), *KEHOACH, *map(str, args)],
                                   stdin=inp, stdout=out, stderr=err, cwd=cwd or ROOT,
                                   env=dict(os.environ, **(env or {})), start_new_session=True)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                os.killpg(process.pid, 9)
                os.wait4(process.pid, 0)
                raise AssertionError(f"kehoach {' '.join(map(str, args))} chạy quá {timeout} s")
            time.sleep(0.02)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_kib = int(peak_file.read_text(encoding="ascii")) if peak_file.exists() else usage.ru_maxrss
        return Run(process.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   time.monotonic() - start, peak_kib / 1024)


# Words of the English messages of the libraries kehoach uses (PyYAML, ruamel, pydantic, click, lxml, zipfile, pypdf,
# pyHanko, the OS): none of them may reach a user, who reads Vietnamese only.
LIBRARY_ENGLISH = set("""
    the and not with from this that expected found while scanning parsing error errors invalid could cannot unable
    failed failure exceeded maximum nesting depth value values field required missing unexpected must should input
    string integer object none null valid allowed extra permitted character characters unicode decode encoding
    directory exist exists such permission denied traceback exception mapping sequence scalar token stream
    did mean choose got does takes argument arguments usage aborted bad zip archive password signature certificate
    """.split())


def english_words(text: str) -> set[str]:
    """English words of library messages in *text*, outside file paths, [field paths] and `quoted code`."""
    import re

    text = re.sub(r"\[[^\]\n]*\]|`[^`\n]*`|\S*[/\\]\S*|\S+\.(?:ya?ml|docx|pdf|json|html|txt|p12|png)\b", " ", text)
    return {w for w in re.findall(r"[A-Za-z']+", text) if w.lower() in LIBRARY_ENGLISH}


def assert_refused(run: Run, *words: str, seconds: float = 10, memory_mb: float = 500) -> None:
    """Bad input: exit 1, a Vietnamese message containing *words* and no English of a library, no traceback, quickly,
    in little memory."""
    assert run.code == 1, (run.code, run.text[-2000:])
    assert "Traceback" not in run.text and "Lỗi nội bộ" not in run.text, run.text[-2000:]
    assert not english_words(run.text), (english_words(run.text), run.text[-2000:])
    for word in words:
        assert word in run.text, (word, run.text[-2000:])
    assert run.seconds < seconds, run.seconds
    assert run.peak_mb < memory_mb, run.peak_mb
