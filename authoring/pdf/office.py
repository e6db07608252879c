"""Headless LibreOffice workers (one per core, each with its own profile) converting many DOCX files per start-up."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .. import limits
from ..errors import KehoachError, ToolMissingError
from ..paths import cache_dir

# PDF/A-2b, tagged: the JSON filter options of LibreOffice ≥ 7.4.
PDF_FILTER = ('pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},'
              '"UseTaggedPDF":{"type":"boolean","value":"true"}}')
INSTALL_HINT = ("Cài LibreOffice và phông chữ: sudo apt-get install -y libreoffice-writer-nogui fonts-liberation2 "
                "(hoặc chạy bash scripts/setup.sh).")
MAX_ATTEMPTS = 3
MAX_WORKERS = 8  # each LibreOffice takes ~200 MB; more than the cores only makes them wait for each other


class _Stopped(Exception):
    """Another worker failed or the user pressed Ctrl+C: this worker's LibreOffice is stopped."""


def worker_count(files: int) -> int:
    """LibreOffice workers for *files* documents: one per core (KEHOACH_PDF_WORKERS chooses), never more than files."""
    chosen = os.environ.get("KEHOACH_PDF_WORKERS", "")
    wanted = int(chosen) if chosen.isdigit() and int(chosen) > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, files, MAX_WORKERS))


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
def _profile(slot: int = 0) -> Iterator[Path]:
    """Worker *slot*'s LibreOffice user profile, kept between runs (start-up is faster); a private one if it is in use."""
    cache = cache_dir()
    name = "libreoffice-profile" if slot == 0 else f"libreoffice-profile-{slot}"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        lock = open(cache / f"{name}.lock", "w")
    except OSError:
        lock = None
    if lock is not None:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                yield cache / name
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
                lock.close()
            return
        except BlockingIOError:
            lock.close()
    with tempfile.TemporaryDirectory(prefix="kehoach-lo-") as private:
        yield Path(private)


def _timeout(count: int) -> float:
    """Seconds one LibreOffice run may take for *count* files (KEHOACH_SOFFICE_TIMEOUT overrides, for tests)."""
    chosen = os.environ.get("KEHOACH_SOFFICE_TIMEOUT")
    if chosen:
        try:
            return float(chosen)
        except ValueError:
            pass
    return limits.SOFFICE_START_S + limits.SOFFICE_PER_FILE_S * count


def convert_to_pdf(docx_files: list[Path], progress: Callable[[Path], None] | None = None,
                   workers: int | None = None, on_pdf: Callable[[Path, bytes], None] | None = None) -> dict[Path, bytes]:
    """Convert DOCX files to PDF/A bytes through LibreOffice workers, each started once for its share of the files
    (again only if it dies). *workers*: how many run side by side (default: worker_count). *on_pdf(docx, bytes)* is
    called as each PDF arrives, one call at a time, while LibreOffice goes on with the next files.

    Returns {docx path: pdf bytes}. Raises KehoachError naming the files LibreOffice could not convert, or saying
    it stopped answering. Whatever LibreOffice does, its processes and the temporary folder are gone on return,
    on error, and on Ctrl+C or SIGTERM (see authoring/pdf/guarded.py); one worker failing stops the others.
    """
    from .guarded import interrupts_unwind, owned_tempdir

    soffice = find_soffice()
    results: dict[Path, bytes] = {}

    def arrived(source: Path) -> None:
        if on_pdf:
            on_pdf(source, results[source])
        if progress:
            progress(source)

    with interrupts_unwind(), owned_tempdir() as work:
        # Unique names in one folder: two inputs called ke-hoach.docx must not overwrite each other's PDF.
        staged: dict[Path, Path] = {}
        for index, source in enumerate(docx_files):
            target = work / "in" / f"{index:05d}.docx"
            target.parent.mkdir(exist_ok=True)
            shutil.copyfile(source, target)
            staged[target] = Path(source)
        count = min(workers, MAX_WORKERS) if workers else worker_count(len(staged))
        shares = [share for share in (list(staged)[slot::count] for slot in range(count)) if share]
        if len(shares) <= 1:
            _convert_share(soffice, 0, shares[0] if shares else [], staged, work, arrived, results, None)
        else:
            _convert_in_parallel(soffice, shares, staged, work, arrived, results)
    return results


def page_count(docx: Path) -> int | None:
    """The pages of a DOCX as LibreOffice lays it out, or None when LibreOffice is missing or cannot convert it."""
    import io

    from pypdf import PdfReader

    try:
        pdf = convert_to_pdf([Path(docx)], workers=1)[Path(docx)]
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:   # no LibreOffice, a file it cannot convert, a PDF it wrote badly: the caller estimates
        return None


def _convert_in_parallel(soffice: str, shares: list[list[Path]], staged, work: Path, progress, results) -> None:
    """One thread per worker, each guarding its own LibreOffice; the first error stops them all and is raised."""
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def report(path: Path) -> None:
        with lock:
            progress(path)

    def run(slot: int, share: list[Path]) -> None:
        try:
            _convert_share(soffice, slot, share, staged, work, report, results, stop)
        except BaseException as exc:  # carried to the main thread, which raises it
            with lock:
                errors.append(exc)
            stop.set()

    threads = [threading.Thread(target=run, args=(slot, share), name=f"kehoach-soffice-{slot}", daemon=True)
               for slot, share in enumerate(shares)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.1)  # a short wait, so Ctrl+C reaches the main thread at once
    except BaseException:
        stop.set()
        for thread in threads:
            thread.join()
        raise
    failures = [error for error in errors if not isinstance(error, _Stopped)]
    if failures:
        raise failures[0]


def _convert_share(soffice: str, slot: int, files: list[Path], staged, work: Path, progress, results,
                   stop: threading.Event | None) -> None:
    from .guarded import TimedOut

    folder = work / f"worker-{slot}"
    folder.mkdir()
    with _profile(slot) as profile:
        pending = list(files)
        attempts = 0
        while pending and attempts < MAX_ATTEMPTS:
            attempts += 1
            out_dir = folder / f"out-{attempts}"
            out_dir.mkdir()
            try:
                _run_batch(soffice, profile, pending, out_dir, staged, progress, results, folder, stop)
            except TimedOut:
                names = ", ".join(str(staged[p]) for p in pending if staged[p] not in results)
                raise KehoachError(
                    f"LibreOffice không trả lời sau {_timeout(len(pending)):.0f} giây khi chuyển sang PDF: {names}; "
                    "đã dừng LibreOffice",
                    "Đóng các cửa sổ LibreOffice đang mở rồi thử lại; nếu vẫn vậy, mở tệp bằng LibreOffice để xem tệp có "
                    "lỗi không, hoặc cài lại LibreOffice (bash scripts/setup.sh).") from None
            pending = [p for p in pending if staged[p] not in results]
        if pending:
            names = ", ".join(str(staged[p]) for p in pending)
            raise KehoachError(f"LibreOffice không chuyển được sang PDF: {names}",
                               "Mở tệp trong LibreOffice để xem có lỗi không; thử lại sau khi đóng các cửa sổ LibreOffice đang mở.")


def _is_pdf(data: bytes) -> bool:
    """A whole PDF that pypdf can open and that has pages (a LibreOffice that writes anything else is not trusted)."""
    if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]):
        return False
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(data)).pages) > 0
    except Exception:  # pypdf raises many kinds for a file that only looks like a PDF
        return False


def _run_batch(soffice, profile: Path, files: list[Path], out_dir: Path, staged, progress, results, work: Path,
               stop: threading.Event | None = None) -> None:
    from .guarded import run_guarded

    command = [soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", str(out_dir), *map(str, files)]
    env = dict(os.environ, LC_ALL="C.UTF-8", SAL_USE_VCLPLUGIN="svp")

    def collect(stem_done: Path) -> None:
        pdf = out_dir / (stem_done.stem + ".pdf")
        if staged[stem_done] in results or not pdf.is_file() or pdf.stat().st_size == 0:
            return
        data = pdf.read_bytes()
        if _is_pdf(data):
            results[staged[stem_done]] = data
            if progress:
                progress(staged[stem_done])

    current: list[Path | None] = [None]

    def on_line(line: str) -> None:  # "convert /…/00003.docx -> /…/00003.pdf using filter : …"
        if line.startswith("convert "):
            if current[0] is not None:
                collect(current[0])
            current[0] = Path(line.split(" -> ")[0][len("convert "):].strip())

    def finished() -> bool:
        if stop is not None and stop.is_set():
            raise _Stopped  # run_guarded stops this worker's LibreOffice on the way out
        if current[0] is not None:
            collect(current[0])
        return all(staged[f] in results for f in files)

    try:
        run_guarded(command, env, _timeout(len(files)), on_line, finished, work)
    except OSError as exc:
        raise ToolMissingError(f"không chạy được LibreOffice ({exc.strerror})", INSTALL_HINT) from exc
    finally:
        for path in files:  # a crash mid-batch leaves later files unconverted; whole PDFs are still taken
            collect(path)
