"""A LibreOffice that hangs, lingers, writes rubbish or is interrupted: kehoach stops it, cleans up, says why."""

from __future__ import annotations

import io
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from authoring.errors import KehoachError
from authoring.pdf.office import convert_to_pdf
from hostile_run import ROOT, assert_refused, kehoach

FAKE = r"""#!/bin/bash
echo $$ >> "$FAKE_PIDS"
for arg in "$@"; do case "$arg" in --outdir) next=1;; *) if [ -n "$next" ]; then out="$arg"; next=; fi;; esac; done
convert() {
  for arg in "$@"; do case "$arg" in *.docx)
    b=$(basename "${arg%.docx}")
    echo "convert $arg -> $out/$b.pdf using filter : pdf"
    "$1" "$out/$b.pdf";;
  esac; done
}
good() { cp "$FAKE_GOOD_PDF" "$1"; }
junk() { printf 'Day khong phai PDF' > "$1"; }
fake_pdf() { printf '%%PDF-1.7\nrac\n%%%%EOF\n' > "$1"; }
case "$FAKE_MODE" in
  hang) sleep 1000 & echo $! >> "$FAKE_PIDS"; wait ;;
  linger) convert good "$@"; sleep 1000 & echo $! >> "$FAKE_PIDS"; wait ;;
  junk) convert junk "$@" ;;
  fake-pdf) convert fake_pdf "$@" ;;
  wait) first=1; for arg in "$@"; do case "$arg" in *.docx)
      b=$(basename "${arg%.docx}"); echo "convert $arg -> $out/$b.pdf using filter : pdf"
      if [ -z "$first" ]; then for i in $(seq 50); do [ -e "$FAKE_WAIT" ] && break; sleep 0.1; done; fi
      first=; cp "$FAKE_GOOD_PDF" "$out/$b.pdf";; esac; done ;;
esac
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    script = tmp_path / "soffice-gia"
    script.write_text(FAKE.replace('"$1" "$out', '"$FAKE_ACTION" "$out'), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    good = tmp_path / "tot.pdf"
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    good.write_bytes(buffer.getvalue())
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"KEHOACH_SOFFICE": str(script), "FAKE_PIDS": str(tmp_path / "pids"), "FAKE_GOOD_PDF": str(good),
           "TMPDIR": str(tmp), "KEHOACH_SOFFICE_TIMEOUT": "3", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # gettempdir() is cached for this process

    def use(mode: str) -> dict:
        action = {"linger": "good", "junk": "junk", "fake-pdf": "fake_pdf"}.get(mode, "good")
        monkeypatch.setenv("FAKE_MODE", mode)
        monkeypatch.setenv("FAKE_ACTION", action)
        return {**env, "FAKE_MODE": mode, "FAKE_ACTION": action}

    use.tmp = tmp
    use.pids = tmp_path / "pids"
    return use


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its parent counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _assert_nothing_left(fake) -> None:
    pids = [int(p) for p in fake.pids.read_text().split()] if fake.pids.exists() else []
    assert pids, "the fake LibreOffice never started"
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], "LibreOffice processes left behind"
    assert not list(fake.tmp.glob("kehoach-pdf-*")), "temporary folders left behind"


@pytest.fixture(scope="module")
def a_docx(tmp_path_factory) -> Path:
    from authoring.loading import load_plan_or_raise
    from authoring.render.docx import render_docx
    from helpers import MINIMAL

    path = tmp_path_factory.mktemp("docx") / "ke-hoach.docx"
    path.write_bytes(render_docx(load_plan_or_raise(MINIMAL)))
    return path


def test_a_hanging_libreoffice_is_stopped_at_the_time_limit(fake, a_docx, tmp_path):
    env = fake("hang")
    start = time.monotonic()
    run = kehoach("pdf", a_docx, "-d", tmp_path / "ra", env=env, timeout=30)
    assert_refused(run, "LibreOffice không trả lời sau 3 giây", str(a_docx), seconds=15)
    assert time.monotonic() - start < 15
    assert not (tmp_path / "ra").exists() or not list((tmp_path / "ra").iterdir())
    _assert_nothing_left(fake)


def test_a_libreoffice_that_stays_alive_after_converting_does_not_hold_kehoach(fake, a_docx):
    fake("linger")
    start = time.monotonic()
    results = convert_to_pdf([a_docx])
    assert time.monotonic() - start < 10
    assert list(results) == [a_docx] and results[a_docx].startswith(b"%PDF")
    _assert_nothing_left(fake)


@pytest.mark.parametrize("mode", ["junk", "fake-pdf"])
def test_output_that_is_not_a_pdf_is_refused(fake, a_docx, tmp_path, mode):
    with pytest.raises(KehoachError):
        convert_to_pdf([a_docx])
    env = fake(mode)
    run = kehoach("pdf", a_docx, "-d", tmp_path / "ra", env=env)
    assert_refused(run, "LibreOffice không chuyển được sang PDF", str(a_docx))
    assert not list((tmp_path / "ra").glob("*.pdf")) if (tmp_path / "ra").exists() else True
    _assert_nothing_left(fake)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("command", ["pdf", "render"])
def test_a_signal_while_converting_leaves_nothing_behind(fake, a_docx, tmp_path, sig, command):
    from helpers import MINIMAL

    env = fake("hang")
    env["KEHOACH_SOFFICE_TIMEOUT"] = "60"
    args = ["pdf", str(a_docx), "-d", str(tmp_path / "ra")] if command == "pdf" else \
        ["render", "--pdf", str(MINIMAL), "-o", str(tmp_path / "ra" / "k.docx")]
    process = subprocess.Popen([sys.executable, "-m", "authoring.cli", *args], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not fake.pids.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(sig)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err.decode()
    assert "Đã dừng theo yêu cầu" in err.decode() and "Traceback" not in err.decode()
    assert not list((tmp_path / "ra").glob("*.pdf")) if (tmp_path / "ra").exists() else True
    _assert_nothing_left(fake)


def test_kill_9_leaves_no_libreoffice_and_the_next_run_removes_its_folder(fake, a_docx, tmp_path):
    env = fake("hang")
    env["KEHOACH_SOFFICE_TIMEOUT"] = "60"
    process = subprocess.Popen([sys.executable, "-m", "authoring.cli", "pdf", str(a_docx), "-d", str(tmp_path / "ra")],
                               cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not fake.pids.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    leader = int(fake.pids.read_text().split()[0])
    process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while _alive(leader) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(leader), "the LibreOffice started by a killed kehoach must die with it"
    for pid in map(int, fake.pids.read_text().split()):  # what it started itself: stopped here by the test
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    assert list(fake.tmp.glob("kehoach-pdf-*")), "(a kill -9 cannot clean up; the next run does)"
    fake("linger")
    fake.pids.unlink()
    convert_to_pdf([a_docx])
    _assert_nothing_left(fake)


def _copies(a_docx: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = [folder / f"ke-hoach-{index}.docx" for index in range(count)]
    for path in paths:
        path.write_bytes(a_docx.read_bytes())
    return paths


def test_a_pool_gives_each_worker_its_own_libreoffice_and_profile(fake, a_docx, tmp_path, monkeypatch):
    fake("linger")
    monkeypatch.setenv("KEHOACH_PDF_WORKERS", "2")
    files = _copies(a_docx, tmp_path / "vao", 4)
    done = []
    results = convert_to_pdf(files, progress=done.append)
    assert sorted(results) == sorted(files) and sorted(done) == sorted(files)
    leaders = [line for line in fake.pids.read_text().split()]
    assert len(leaders) == 4  # two LibreOffice, each with the one child it started
    assert sorted(p.name for p in (tmp_path / "cache" / "kehoach").glob("*.lock")) == [
        "libreoffice-profile-1.lock", "libreoffice-profile.lock"]
    _assert_nothing_left(fake)


def test_a_hanging_worker_stops_the_whole_pool(fake, a_docx, tmp_path, monkeypatch):
    fake("hang")
    monkeypatch.setenv("KEHOACH_PDF_WORKERS", "2")
    start = time.monotonic()
    with pytest.raises(KehoachError, match="không trả lời"):
        convert_to_pdf(_copies(a_docx, tmp_path / "vao", 3))
    assert time.monotonic() - start < 15
    _assert_nothing_left(fake)


def test_ctrl_c_during_a_pool_leaves_nothing_behind(fake, a_docx, tmp_path):
    env = fake("hang")
    env.update(KEHOACH_SOFFICE_TIMEOUT="60", KEHOACH_PDF_WORKERS="2")
    files = _copies(a_docx, tmp_path / "vao", 2)
    process = subprocess.Popen([sys.executable, "-m", "authoring.cli", "pdf", *map(str, files), "-d", str(tmp_path / "ra")],
                               cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while (not fake.pids.exists() or len(fake.pids.read_text().split()) < 4) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 130, err.decode()
    assert "Đã dừng theo yêu cầu" in err.decode() and "Traceback" not in err.decode()
    _assert_nothing_left(fake)


def test_each_pdf_is_handed_over_while_libreoffice_goes_on_with_the_next(fake, a_docx, tmp_path, monkeypatch):
    fake("wait")  # the fake converts the second file only once the first has been handed over (or after 5 s)
    marker = tmp_path / "da-nhan"
    monkeypatch.setenv("FAKE_WAIT", str(marker))
    monkeypatch.setenv("KEHOACH_PDF_WORKERS", "1")
    files = _copies(a_docx, tmp_path / "vao", 2)
    handed = []

    def on_pdf(docx, data):
        handed.append((docx, data[:5]))
        marker.touch()

    start = time.monotonic()
    results = convert_to_pdf(files, on_pdf=on_pdf)
    assert handed == [(files[0], b"%PDF-"), (files[1], b"%PDF-")] and sorted(results) == sorted(files)
    assert time.monotonic() - start < 4.5
    _assert_nothing_left(fake)
