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

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def pages(self, plan_id: int, text: str, make_pdf) -> tuple[str, int, bool]:
        """(digest, number of pictures, whether the plan has more pages than shown); made once per content."""
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
            try:
                subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-l", str(MAX_PAGES), str(work / "ke-hoach.pdf"),
                                str(work / "trang")], check=True, capture_output=True, timeout=TIMEOUT)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                shutil.rmtree(work, ignore_errors=True)
                raise PageError("Không cắt được bản PDF thành ảnh trang (pdftoppm báo lỗi); bản PDF vẫn tải được.") from exc
            images = sorted(work.glob("trang-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
            for n, image in enumerate(images, 1):
                image.rename(work / f"{n}.png")
            total = _page_count(pdf) or len(images)
            (work / "ke-hoach.pdf").unlink()
            (work / "so-trang").write_text(f"{len(images)} {total}")
            shutil.rmtree(folder, ignore_errors=True)
            work.rename(folder)
            self._evict()
            return digest, len(images), total > len(images)

    def image(self, plan_id: int, digest: str, number: int) -> Path | None:
        """The picture of one page, only for a digest this plan made and a page it has."""
        if not _DIGEST.fullmatch(digest) or plan_id not in self.owners.get(digest, ()):
            return None
        if not 1 <= number <= MAX_PAGES:
            return None
        path = self.root / digest / f"{number}.png"
        return path if path.is_file() else None

    def _evict(self) -> None:
        folders = sorted((p for p in self.root.iterdir() if p.is_dir() and _DIGEST.fullmatch(p.name)),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in folders[MAX_PLANS:]:
            shutil.rmtree(old, ignore_errors=True)
            self.owners.pop(old.name, None)


def _page_count(pdf: bytes) -> int | None:
    try:
        import io

        from pypdf import PdfReader

        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:  # noqa: BLE001 — the count is only for saying "first N pages"
        return None
