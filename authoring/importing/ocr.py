"""A scanned PDF read by Tesseract's Vietnamese model: each page rasterised (pdftoppm), deskewed by Tesseract's own
page analysis, its words with their positions and confidence; bounded in pages and time; pages read badly named."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .. import limits, nd30
from ..errors import InputError, ToolMissingError
from ..findings import Finding, Severity
from ..ooxml.layout import Page, Word
from ..text import nfc

# Mean word confidence (0–100) under which a page is said to be read badly: Tesseract's own scale, where clean
# 300 dpi print scores 85–95 and a faint or skewed photocopy falls below 70.
POOR_PAGE_CONFIDENCE = 70.0
_POINTS_PER_INCH = 72.0
# Tesseract often loses the space after the unit word of an issuer line set in capitals ("TỈNHLÂM ĐỒNG").
# Tesseract's Vietnamese model gives the Icelandic eth ("QÐ-BTC", U+00D0) for Đ (U+0110), which it draws the same.
_ETH = str.maketrans("Ðð", "Đđ")
_GLUED = re.compile(r"^(TỈNH|HUYỆN|QUẬN|THỊ XÃ|PHƯỜNG|XÃ)(?=[A-ZĐÀ-Ỹ]{2,})")
# A number cited with its ký hiệu ("105/2021/NĐ-CP", "7404/QĐ-BCA"): the letters OCR gives for figures in it.
_CITED_NUMBER = re.compile(r"^(?P<number>[0-9lIO|]{1,5}(?:/[0-9lIO|]{4})?)(?=/[A-ZĐ])")
_FIGURES = str.maketrans("lIO|", "1101")
_UNSURE = 50.0   # the confidence a figure set from a look-alike letter keeps: flagged wherever it is used
# A công văn's "V/v" in small type loses its second v, or has it read as a capital or a y: no other word is so spelt.
_SUBJECT = {"V/": "V/v", "V/V": "V/v", "V/y": "V/v", "V/y.": "V/v"}


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


# Skew searched for, in degrees either way, and the step: a page fed by hand sits within a few degrees.
_MAX_SKEW = 4.0
_SKEW_STEP = 0.2


def skew_angle(picture) -> float:
    """The turn that makes the text lines level: the angle whose rows of ink are sharpest (each row's ink averaged
    into one pixel; level lines give rows that are all ink or all paper, so the spread of row values is largest)."""
    from PIL import Image, ImageOps

    small = ImageOps.invert(picture.convert("L"))
    small.thumbnail((900, 900))
    best, best_spread = 0.0, -1.0
    steps = int(_MAX_SKEW / _SKEW_STEP)
    for k in range(-steps, steps + 1):
        angle = k * _SKEW_STEP
        rows = small.rotate(angle, resample=Image.BILINEAR).resize((1, small.size[1]), Image.BOX)
        values = list(rows.tobytes())   # mode L: one byte a row
        mean = sum(values) / len(values)
        spread = sum((v - mean) ** 2 for v in values)
        if spread > best_spread + 1e-9:
            best, best_spread = angle, spread
    return best


# A received stamp ("ĐẾN Số: … Ngày: …", "BẢN SAO") is a box drawn in ink beside the header or the tên loại; read
# with the page, its lines run into the tên loại and the trích yếu (a Prime Minister's decision lost its "QUYẾT ĐỊNH").
# Sought in the top of page 1, at a third of the resolution: boxes from 4 % to 35 % of that part high, at most 45 %
# of the page wide, each side a line drawn in ink.
_STAMP_REGION = 0.45
_STAMP_SCALE = 3


def stamp_boxes(picture) -> list[tuple[int, int, int, int]]:
    """The boxes drawn in ink in the top of a page (received stamps), as (left, top, right, bottom) pixels."""
    import re

    from PIL import Image, ImageChops

    grey = picture.convert("L")
    width, height = grey.size
    small = grey.crop((0, 0, width, int(height * _STAMP_REGION))).resize(
        (width // _STAMP_SCALE, int(height * _STAMP_REGION) // _STAMP_SCALE), Image.BOX)
    small_w, small_h = small.size

    def runs(image, shortest: int) -> list[tuple[int, int, int]]:
        # a stamp's line is drawn a little slanted and broken: each row darkened by the two below it, gaps of 2 closed
        ink = ImageChops.darker(ImageChops.darker(image, ImageChops.offset(image, 0, -1)),
                                ImageChops.offset(image, 0, -2))
        ink = ImageChops.darker(ink, ImageChops.offset(ink, -2, 0)).point(lambda v: 0 if v < 150 else 255)
        data, row_width = ink.tobytes(), ink.size[0]
        run = re.compile(rb"\x00{%d,}" % shortest)
        return [(y, m.start(), m.end()) for y in range(ink.size[1])
                for m in run.finditer(data[y * row_width:(y + 1) * row_width])]

    across = runs(small, int(small_w * 0.08))
    down = runs(small.transpose(Image.Transpose.TRANSPOSE), int(small_h * 0.04))
    found = []
    for top, a1, b1 in across:
        for bottom, a2, b2 in across:
            left, right = min(a1, a2), max(b1, b2)
            if not (small_h * 0.04 < bottom - top < small_h * 0.35 and abs(a1 - a2) < 8 and abs(b1 - b2) < 8
                    and right - left <= small_w * 0.45):
                continue
            if all(any(abs(x - at) <= 4 and start <= top + 4 and end >= bottom - 4 for at, start, end in down)
                   for x in (left, right - 1)):
                found.append((left * _STAMP_SCALE, top * _STAMP_SCALE, right * _STAMP_SCALE,
                              (bottom + 3) * _STAMP_SCALE))
    out: list[tuple[int, int, int, int]] = []
    for box in sorted(found, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]), reverse=True):
        if not any(box[0] >= o[0] - 15 and box[1] >= o[1] - 15 and box[2] <= o[2] + 15 and box[3] <= o[3] + 15
                   for o in out):
            out.append(box)
    return out


def _joining(rows: list[list[str]], at: int) -> bool:
    """A dash between two words of one line ("năm học 2025 – 2026"): it joins them, whatever Tesseract's confidence in
    so thin a mark; a speck or a rule read as a dash stands alone or at a line's end."""
    line = rows[at][1:5]
    before = [r for r in rows[:at] if len(r) == 12 and r[0] == "5" and r[1:5] == line and r[11].strip()]
    after = [r for r in rows[at + 1:] if len(r) == 12 and r[0] == "5" and r[1:5] == line and r[11].strip()]
    return bool(before and after) and any(c.isalnum() for c in before[-1][11]) and any(c.isalnum() for c in after[0][11])


def _page_words(tsv: str, scale: float) -> list[Word]:
    """Words of Tesseract's TSV (level 5 rows) in points. Each word takes the box of the line Tesseract put it in:
    accents stacked above capitals and descenders below make word boxes of one line differ by a third of a line."""
    rows = [line.split("\t") for line in tsv.splitlines()[1:]]
    lines: dict[tuple, tuple[int, int]] = {}
    for r in rows:
        if len(r) == 12 and r[0] == "4":
            lines[tuple(r[1:5])] = (int(r[7]), int(r[9]))
    words = []
    for at, r in enumerate(rows):
        if len(r) != 12 or r[0] != "5" or not r[11].strip():
            continue
        if not any(c.isalnum() for c in r[11]) and (r[11].strip() not in ("-", "–", "—", "+", "•", nd30.END_MARK)
                                                     or float(r[10]) < 80 and not _joining(rows, at)):
            continue   # specks and rules read as "_", "¬", "ˆ": a dash or bullet read clearly is kept, it starts a line
        left, top, width, height = (int(v) for v in r[6:10])
        top, height = lines.get(tuple(r[1:5]), (top, height))
        size = max(height * scale * 0.6, 6.0)   # a line box with Vietnamese accents is ~5/3 of the type size
        text = _GLUED.sub(r"\1 ", nfc(r[11].strip()).translate(_ETH))
        text = _SUBJECT.get(text, text)
        confidence = float(r[10])
        cited = _CITED_NUMBER.match(text)
        if cited and any(c.isdigit() for c in cited.group("number")) and not cited.group("number").replace("/", "").isdigit():
            # "l05/2021/NĐ-CP": before the ký hiệu only figures stand, so "l" is 1; the number stays unsure
            text = cited.group("number").translate(_FIGURES) + text[cited.end("number"):]
            confidence = min(confidence, _UNSURE)
        words.append(Word(text, left * scale, (left + width) * scale, top * scale,
                          (top + height) * scale, size, confidence))
    return words


# The left column of the header (issuer, Số line, a công văn's V/v) is set smaller than the body and often lies under a
# handwritten số or a seal: read again by itself — this part of page 1, enlarged, as one column of lines of varying
# size (Tesseract's page segmentation mode 4) — it gives "V/v tham gia ý kiến …" where the whole page gave "gìa".
HEADER_REGION = (0.5, 0.3)   # fraction of the page's width and height, from the top left corner
_HEADER_ZOOM = 1.5
_WORSE = 5.0                 # mean confidence points the second reading may lose and still be taken
_EDGE_PT = 3.0               # a word this close to the region's edge may be cut: the whole page's reading stands


# Page segmentation modes the header's column is read in: a column of lines of varying size (4), one block of
# uniform text (6); on Bộ Công an 4409 the first gives "ñ8ườ!" and the second "người" for the V/v's last line.
_HEADER_MODES = ("4", "6")
_VIETNAMESE_LETTERS = set("abcdeghiklmnopqrstuvxyđfjwz")


def garbled(word: str) -> bool:
    """A word no Vietnamese document prints: a letter outside the alphabet ("ñ"), a sign inside it ("ườ!"), letters
    and digits mixed ("n8"); a ký hiệu ("BCA-C04", "V/v") and a number are not."""
    from ..text import strip_diacritics

    core = word.strip(".,:;()\"“”'")
    if not core or "-" in core or "/" in core:
        return False
    if core.isdigit():
        return False
    bare = strip_diacritics(core).lower()
    # a capital with a vowel mark amid lower case ("Hồ SƠ"): abbreviations in capitals carry none ("UBND", "HĐND")
    shouting = core.isupper() and len(core) > 1 and strip_diacritics(core).replace("Đ", "D") != core.replace("Đ", "D")
    return not all(c in _VIETNAMESE_LETTERS for c in bare) or any(c.isdigit() for c in core) or shouting


def _fewer_garbled(first: list[Word], second: list[Word]) -> list[Word]:
    """Line by line, the first reading's line, or the second's at the same height when it has fewer garbled words (as
    many: fewer words the registry's phrases never print): Tesseract is as sure of "ñ8ườ!" as of "người", and the
    mode that reads one line better may misread the next."""
    from ..ooxml.layout import lines_of

    from .phrasebook import vocabulary

    known = vocabulary()

    def count(words: list[Word]) -> tuple[int, int]:
        """Garbled words, then words with marks the registry's phrases never print ("vê" beside "về")."""
        lower = any(w.text[:1].islower() for w in words)   # capitals with marks are garbled only amid lower case
        unknown = sum(w.text.isalpha() and w.text.lower() not in known for w in words)
        return sum(garbled(w.text) and (lower or not w.text.isupper()) for w in words), unknown

    others = lines_of(second, 0)
    out: list[Word] = []
    for line in lines_of(first, 0):
        same = [o for o in others if line.top <= (o.top + o.bottom) / 2 <= line.bottom]
        better = len(same) == 1 and count(same[0].words) < count(line.words)
        out += same[0].words if better else line.words
    return out


def _header_read_again(tesseract: str, png: Path, words: list[Word], scale: float, path: Path) -> list[Word]:
    """Page 1's words with those of the header's left column replaced by the second reading when Tesseract is surer
    of it (mean confidence) than of the same part of the whole page."""
    from PIL import Image

    from ..ooxml.facts import compact
    from ..ooxml.layout import lines_of
    from ..ooxml.reader import is_type_line

    with Image.open(png) as picture:
        width, height = picture.size
        # down to the first line that is no longer the header: "Kính gửi", the tên loại, a line across the page
        ends = [line.top for line in lines_of(words, 0) if line.top > height * scale * 0.08 and (
            line.text.startswith("Kính gửi") or any(is_type_line(" ".join(w.text for w in s)) or s[-1].x1 - s[0].x0
                                                    > width * scale * 0.55 for s in line.segments()))]
        low = min([height * HEADER_REGION[1]] + [top / scale for top in ends])
        # from the Quốc hiệu's line down: a signing stamp or the Công báo's running head above it is left as read
        motto = [line for line in lines_of(words, 0) if any(
            compact(" ".join(w.text for w in s)).startswith("CONGHOAXAHOI") and s[0].x0 > width * scale * 0.4
            for s in line.segments())]
        if not motto:
            return words
        high = max(0.0, (motto[0].top - (motto[0].bottom - motto[0].top)) / scale)
        box = (0, int(high), int(width * HEADER_REGION[0]), int(low))
        if box[3] - box[1] < height * 0.05:
            return words
        crop = picture.crop(box).resize((int(box[2] * _HEADER_ZOOM), int((box[3] - box[1]) * _HEADER_ZOOM)),
                                        Image.LANCZOS)
        part = png.with_name(f"{png.stem}-phan-dau.png")
        crop.save(part)
    right, top, bottom = box[2] * scale - _EDGE_PT, box[1] * scale + _EDGE_PT, box[3] * scale - _EDGE_PT
    inside = lambda w: w.x1 < right and w.top > top and w.bottom < bottom  # noqa: E731
    readings = []
    for mode in _HEADER_MODES:
        done = _run([tesseract, str(part), "stdout", "-l", "vie", "--psm", mode, "--dpi",
                     str(int(limits.OCR_DPI * _HEADER_ZOOM)), "tsv"], path, "nhận dạng chữ phần đầu trang 1")
        read = [Word(w.text, w.x0, w.x1, w.top + box[1] * scale, w.bottom + box[1] * scale, w.size, w.confidence)
                for w in _page_words(done.stdout.decode("utf-8", "replace"), scale / _HEADER_ZOOM)]
        readings.append([w for w in read if inside(w)])
    again = _fewer_garbled(*readings)
    before = [w for w in words if inside(w)]
    mean = lambda some: sum(w.confidence or 0.0 for w in some) / len(some) if some else 0.0  # noqa: E731
    # Tesseract is as sure of "gìa" (the whole page) as of "V/v tham gia" (the column read alone): the column's
    # reading is taken unless it is clearly less sure.
    if not again or mean(again) < mean(before) - _WORSE:
        return words
    return [w for w in words if not inside(w)] + again


def quality_notes(confidence: list[float]) -> list[str]:
    """What the report says of a scan: read by OCR, each page's confidence, and the pages read badly."""
    notes = ["Tệp PDF là bản quét: chữ được đọc bằng nhận dạng chữ (OCR, Tesseract tiếng Việt); mọi thông tin nhập "
             "từ tệp này cần đối chiếu lại với bản gốc. Độ tin cậy từng trang: "
             + ", ".join(f"trang {n}: {c:.0f}%" for n, c in enumerate(confidence, 1)) + "."]
    poor = [str(n) for n, c in enumerate(confidence, 1) if c < POOR_PAGE_CONFIDENCE]
    if poor:
        notes.append(f"Trang {', '.join(poor)} đọc kém (độ tin cậy dưới {POOR_PAGE_CONFIDENCE:.0f}%): chữ có thể sai; "
                     "hãy quét lại ở 300 dpi, thẳng trang, hoặc dùng bản Word của văn bản.")
    return notes


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
                angle = skew_angle(picture)
                if angle:   # Tesseract reads a turned page, but its word boxes then cross the lines
                    picture = picture.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
                    picture.save(png)
                    notes.append(f"Trang {number} quét nghiêng {abs(angle):.1f}°, đã được xoay thẳng trước khi đọc.")
                boxes = stamp_boxes(picture) if number == 1 else []
                if boxes:
                    from PIL import ImageDraw

                    picture = picture.copy()
                    for left, top, right, bottom in boxes:
                        ImageDraw.Draw(picture).rectangle((left - 4, top - 4, right + 4, bottom + 4), fill=255)
                    picture.save(png)
                    notes.append(f"Trang 1 có {len(boxes)} dấu đóng khung (dấu \"ĐẾN\" hay \"BẢN SAO\" của nơi nhận) ở "
                                 "phần đầu: kehoach che dấu đó trước khi đọc để chữ của dấu không lẫn vào tên loại, trích "
                                 "yếu; nội dung dấu không được nhập.")
            done = _run([tesseract, str(png), "stdout", "-l", "vie", "--psm", "1", "--dpi", str(limits.OCR_DPI),
                         "tsv"], path, f"nhận dạng chữ trang {number}")
            words = _page_words(done.stdout.decode("utf-8", "replace"), scale)
            if number == 1:
                words = _header_read_again(tesseract, png, words, scale, path)
            mean = sum(w.confidence for w in words) / len(words) if words else 0.0
            confidence.append(mean)
            pages.append(Page(width * scale, height * scale, words))
    notes[:0] = quality_notes(confidence)[:1]
    notes += quality_notes(confidence)[1:]
    return pages, confidence, notes
