"""Xem trang in: the real printed pages as pictures — the PDF from LibreOffice, cut into PNGs by pdftoppm.

The HTML preview is fast and follows every keystroke, but its page breaks are estimated; these pictures are the
pages the PDF download has. They are kept by the content hash of the plan text, in a bounded folder, and served
only by that hash and a page number, so no request names a path."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

MAX_PLANS = 12        # plan versions kept as pictures; the oldest go first
MAX_PAGES = 60        # a plan longer than this shows its first pages and says so
DPI = 80              # an A4 page ≈ 660 × 935 pixels: readable on screen, ~100 kB a page
TIMEOUT = 120         # seconds for pdftoppm
_DIGEST = re.compile(r"[0-9a-f]{64}")


class PageError(Exception):
    """The pictures could not be made; the message says why, in Vietnamese."""


class PageImages:
    def __init__(self, root: Path | None = None):
        self.root = root or Path(tempfile.mkdtemp(prefix="kehoach-trang-in-"))
        self.lock = threading.Lock()
        self.owners: dict[str, set[int]] = {}     # digest → plans allowed to read its pictures
        self.cut_lock = threading.Lock()           # one pdftoppm at a time, apart from the PDF being made

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def pages(self, plan_id: int, text: str, make_pdf) -> tuple[str, int, bool]:
        """(digest, number of pictures, whether the plan has more pages than shown); the PDF made once per content.
        The pictures are cut from it one by one as the browser asks for them (image), so the page answers as soon
        as LibreOffice has made the PDF."""
        digest = self.digest(text)
        folder = self.root / digest
        with self.lock:
            self.owners.setdefault(digest, set()).add(plan_id)
            done = folder / "so-trang"
            if done.is_file():
                count, total = (int(n) for n in done.read_text().split())
                folder.touch()
                return digest, count, total > count
            pdf = make_pdf()
            if shutil.which("pdftoppm") is None:
                raise PageError("Máy chưa có pdftoppm (gói poppler-utils) nên chưa xem được trang in; "
                                "cài bằng: sudo apt-get install poppler-utils. Bản PDF vẫn tải được.")
            work = self.root / f".{digest}.tmp"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            (work / "ke-hoach.pdf").write_bytes(pdf)
            total = _page_count(pdf)
            if total is None:  # pypdf cannot count them: cut every page now, and count the pictures
                try:
                    _cut(work / "ke-hoach.pdf", work / "trang", 1, MAX_PAGES)
                except PageError:
                    shutil.rmtree(work, ignore_errors=True)
                    raise
                images = sorted(work.glob("trang-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
                for n, image in enumerate(images, 1):
                    image.rename(work / f"{n}.png")
                total = len(images)
            count = min(total, MAX_PAGES)
            (work / "so-trang").write_text(f"{count} {total}")
            shutil.rmtree(folder, ignore_errors=True)
            work.rename(folder)
            self._evict()
            return digest, count, total > count

    def image(self, plan_id: int, digest: str, number: int) -> Path | None:
        """The picture of one page, only for a digest this plan made and a page it has; cut from the PDF when first
        asked for."""
        if not _DIGEST.fullmatch(digest) or plan_id not in self.owners.get(digest, ()):
            return None
        if not 1 <= number <= MAX_PAGES:
            return None
        folder = self.root / digest
        path = folder / f"{number}.png"
        if path.is_file():
            return path
        try:
            count = int((folder / "so-trang").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
        if number > count:
            return None
        with self.cut_lock:
            if not path.is_file():
                try:
                    _cut(folder / "ke-hoach.pdf", folder / f".{number}", number, number, single=True)
                    (folder / f".{number}.png").rename(path)
                except (PageError, OSError):   # the folder was cleared meanwhile, or pdftoppm failed
                    return None
        return path

    def cut_all(self, plan_id: int, digest: str) -> None:
        """Every picture of a made PDF, cut ahead of the browser's asking."""
        try:
            count = int((self.root / digest / "so-trang").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        for number in range(1, count + 1):
            self.image(plan_id, digest, number)

    def _evict(self) -> None:
        folders = sorted((p for p in self.root.iterdir() if p.is_dir() and _DIGEST.fullmatch(p.name)),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[MAX_PLANS:]:
            shutil.rmtree(old, ignore_errors=True)
            self.owners.pop(old.name, None)


def _cut(pdf: Path, prefix: Path, first: int, last: int, single: bool = False) -> None:
    """Pages *first*..*last* of *pdf* as PNG files named from *prefix* (one file «prefix.png» when *single*)."""
    command = ["pdftoppm", "-png", "-r", str(DPI), "-f", str(first), "-l", str(last)]
    try:
        subprocess.run(command + (["-singlefile"] if single else []) + [str(pdf), str(prefix)], check=True,
                       capture_output=True, timeout=TIMEOUT)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise PageError("Không cắt được bản PDF thành ảnh trang (pdftoppm báo lỗi); bản PDF vẫn tải được.") from exc


def _page_count(pdf: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 — then the pages are cut at once and counted
        return None
