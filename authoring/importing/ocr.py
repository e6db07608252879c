"""A scanned PDF read by Tesseract's Vietnamese model: each page rasterised (pdftoppm), deskewed by Tesseract's own
page analysis, its words with their positions and confidence; bounded in pages and time; pages read badly named."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import limits
from ..errors import InputError, ToolMissingError
from ..findings import Finding, Severity
from ..ooxml.layout import Page, Word
from ..text import nfc

# Mean word confidence (0–100) under which a page is said to be read badly: Tesseract's own scale, where clean
# 300 dpi print scores 85–95 and a faint or skewed photocopy falls below 70.
POOR_PAGE_CONFIDENCE = 70.0
_POINTS_PER_INCH = 72.0


def _tools() -> tuple[str, str]:
    tesseract, pdftoppm = shutil.which("tesseract"), shutil.which("pdftoppm")
    if not tesseract or not pdftoppm:
        raise ToolMissingError("Tệp PDF là bản quét (không có lớp chữ); để đọc được cần Tesseract có tiếng Việt và "
                               "Poppler: cài bằng 'apt-get install tesseract-ocr tesseract-ocr-vie poppler-utils'.")
    return tesseract, pdftoppm


def _run(command: list[str], path: Path, what: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, timeout=limits.OCR_PAGE_TIMEOUT_S, check=True)
    except subprocess.TimeoutExpired:
        raise InputError(f"Không đọc được {path}: {what} quá {limits.OCR_PAGE_TIMEOUT_S} giây.",
                         [Finding("M107", Severity.ERROR, f"{what} quá {limits.OCR_PAGE_TIMEOUT_S} giây", str(path),
                                  suggestion="Quét lại trang ở 300 dpi, đen trắng, hoặc dùng bản Word của văn bản.")])
    except subprocess.CalledProcessError as exc:
        raise InputError(f"Không đọc được {path}: {what} không thành công.",
                         [Finding("M107", Severity.ERROR, f"{what} không thành công "
                                  f"({exc.stderr.decode('utf-8', 'replace').strip()[:120]})", str(path),
                                  suggestion="Mở tệp bằng trình đọc PDF và in lại ra PDF, rồi nhập lại.")])


def _page_words(tsv: str, scale: float) -> list[Word]:
    """Words of Tesseract's TSV (level 5 rows), in points; the size of a word is the height of its line."""
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    line_height: dict[tuple, float] = {}
    for r in rows:
        if len(r) == 12 and r[0] == "4":
            line_height[tuple(r[1:5])] = int(r[9]) * scale
    words = []
    for r in rows:
        if len(r) != 12 or r[0] != "5" or not r[11].strip():
            continue
        left, top, width, height = (int(v) for v in r[6:10])
        size = line_height.get(tuple(r[1:5]), height * scale) * 0.75   # a line is ~4/3 of the type size
        words.append(Word(nfc(r[11].strip()), left * scale, (left + width) * scale, top * scale,
                          (top + height) * scale, max(size, 6.0), float(r[10])))
    return words


def ocr_pages(path: Path, page_count: int) -> tuple[list[Page], list[float], list[str]]:
    """The pages of a scan as words (at most MAX_OCR_PAGES), the mean confidence of each, and what to tell the user."""
    tesseract, pdftoppm = _tools()
    count = min(page_count, limits.MAX_OCR_PAGES)
    notes = []
    if page_count > count:
        notes.append(f"Bản quét có {page_count} trang; kehoach chỉ đọc {count} trang đầu bằng nhận dạng chữ (OCR). "
                     "Phần còn lại không được nhập.")
    pages, confidence = [], []
    scale = _POINTS_PER_INCH / limits.OCR_DPI
    with tempfile.TemporaryDirectory(prefix="kehoach-ocr-") as folder:
        for number in range(1, count + 1):
            image = Path(folder) / f"trang-{number}"
            _run([pdftoppm, "-r", str(limits.OCR_DPI), "-gray", "-png", "-singlefile", "-f", str(number), "-l",
                  str(number), str(path), str(image)], path, f"chuyển trang {number} thành ảnh")
            png = image.with_suffix(".png")
            from PIL import Image

            with Image.open(png) as picture:
                width, height = picture.size
            done = _run([tesseract, str(png), "stdout", "-l", "vie", "--psm", "1", "--dpi", str(limits.OCR_DPI),
                         "tsv"], path, f"nhận dạng chữ trang {number}")
            words = _page_words(done.stdout.decode("utf-8", "replace"), scale)
            mean = sum(w.confidence for w in words) / len(words) if words else 0.0
            confidence.append(mean)
            pages.append(Page(width * scale, height * scale, words))
    poor = [str(n) for n, c in enumerate(confidence, 1) if c < POOR_PAGE_CONFIDENCE]
    notes.insert(0, "Tệp PDF là bản quét: chữ được đọc bằng nhận dạng chữ (OCR, Tesseract tiếng Việt); mọi thông tin "
                    "nhập từ tệp này cần đối chiếu lại với bản gốc. Độ tin cậy từng trang: "
                    + ", ".join(f"trang {n}: {c:.0f}%" for n, c in enumerate(confidence, 1)) + ".")
    if poor:
        notes.append(f"Trang {', '.join(poor)} đọc kém (độ tin cậy dưới {POOR_PAGE_CONFIDENCE:.0f}%): chữ có thể sai; "
                     "hãy quét lại ở 300 dpi, thẳng trang, hoặc dùng bản Word của văn bản.")
    return pages, confidence, notes
