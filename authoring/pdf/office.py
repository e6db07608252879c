"""A headless LibreOffice that converts many DOCX files per start-up, restarted if it dies."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from ..errors import KehoachError, ToolMissingError
from ..paths import cache_dir

# PDF/A-2b, tagged: the JSON filter options of LibreOffice ≥ 7.4.
PDF_FILTER = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
              '"UseTaggedPDF":{"type":"boolean","value":"true"}}')
INSTALL_HINT = ("Cài LibreOffice và phông chữ: sudo apt-get install -y libreoffice-writer-nogui fonts-liberation2 "
                "(hoặc chạy bash scripts/setup.sh).")
MAX_ATTEMPTS = 3
TIMEOUT_PER_FILE_S = 60


def find_soffice() -> str:
    chosen = os.environ.get("KEHOACH_SOFFICE")  # another LibreOffice build, or a wrapper in tests
    if chosen:
        if shutil.which(chosen):
            return shutil.which(chosen)
        raise ToolMissingError(f"không chạy được LibreOffice tại KEHOACH_SOFFICE={chosen}", INSTALL_HINT)
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise ToolMissingError("không tìm thấy LibreOffice (lệnh soffice), cần để chuyển văn bản sang PDF", INSTALL_HINT)


@contextmanager
def _profile() -> Iterator[Path]:
    """A LibreOffice user profile kept between runs (start-up is faster); a private one if it is in use."""
    cache = cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        lock = open(cache / "libreoffice-profile.lock", "w")
    except OSError:
        lock = None
    if lock is not None:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                yield cache / "libreoffice-profile"
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                lock.close()
            return
        except BlockingIOError:
            lock.close()
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as private:
        yield Path(private)


def convert_to_pdf(docx_files: list[Path], progress: Callable[[Path], None] | None = None) -> dict[Path, bytes]:
    """Convert DOCX files to PDF/A bytes, starting LibreOffice once for the batch (again only if it dies).

    Returns {docx path: pdf bytes}. Raises KehoachError naming the files LibreOffice could not convert.
    """
    soffice = find_soffice()
    results: dict[Path, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as tmp, _profile() as profile:
        work = Path(tmp)
        # Unique names in one folder: two inputs called ke-hoach.docx must not overwrite each other's PDF.
        staged: dict[Path, Path] = {}
        for index, source in enumerate(docx_files):
            target = work / "in" / f"{index:05d}.docx"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, target)
            staged[target] = Path(source)
        pending = list(staged)
        attempts = 0
        while pending and attempts < MAX_ATTEMPTS:
            attempts += 1
            out_dir = work / f"out-{attempts}"
            out_dir.mkdir()
            _run_batch(soffice, profile, pending, out_dir, staged, progress, results)
            pending = [p for p in pending if staged[p] not in results]
        if pending:
            names = ", ".join(str(staged[p]) for p in pending)
            raise KehoachError(f"LibreOffice không chuyển được sang PDF: {names}",
                               "Mở tệp trong LibreOffice để xem có lỗi không; thử lại sau khi đóng các cửa sổ LibreOffice đang mở.")
    return results


def _run_batch(soffice, profile: Path, files: list[Path], out_dir: Path, staged, progress, results) -> None:
    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", str(out_dir), *map(str, files)]
    env = dict(os.environ, LC_ALL="C.UTF-8", SAL_USE_VCLPLUGIN="svp")
    timeout = 30 + TIMEOUT_PER_FILE_S * len(files)
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    except OSError as exc:
        raise ToolMissingError(f"không chạy được LibreOffice ({exc.strerror})", INSTALL_HINT) from exc

    def collect(stem_done: Path) -> None:
        pdf = out_dir / (stem_done.stem + ".pdf")
        if pdf.is_file() and pdf.stat().st_size > 0 and staged[stem_done] not in results:
            data = pdf.read_bytes()
            if data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]:
                results[staged[stem_done]] = data
                if progress:
                    progress(staged[stem_done])

    current: Path | None = None
    try:
        for line in process.stdout:  # "convert /…/00003.docx -> /…/00003.pdf using filter : …"
            if line.startswith("convert "):
                if current is not None:
                    collect(current)
                current = Path(line.split(" -> ")[0][len("convert "):].strip())
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if current is not None:
        collect(current)
    for path in files:  # a crash mid-batch leaves later files unconverted; whole PDFs are still taken
        collect(path)
