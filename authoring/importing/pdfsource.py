"""A PDF as it arrives — text layer, or a scan read by Tesseract — turned into the document the DOCX reader reads,
with what the PDF itself attests (its signatures) and how well a scan could be read."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import limits, nd30
from ..aio import run_async
from ..errors import InputError
from ..findings import Finding, Severity
from ..ooxml.layout import Cell, Page, Table, Word, document_from_pages, lines_of, opens_a_document
from ..text import VIETNAMESE_MARKED, nfc

_FIX = "Mở tệp bằng trình đọc PDF và lưu lại (In ra PDF), hoặc dùng bản Word (.docx) của văn bản."


@dataclass
class PdfRead:
    document: object                      # python-docx Document rebuilt from the pages
    ocr: bool = False
    page_confidence: list[float] = field(default_factory=list)   # mean OCR confidence of each page read (0–100)
    signatures: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)                # what the import report must say
    first_page_words: list = field(default_factory=list)          # a scan's words on page 1, with their confidence


def _refuse(path: Path, code: str, message: str, fix: str = _FIX) -> InputError:
    return InputError(f"Không nhập được {path}: {message}.",
                      [Finding(code, Severity.ERROR, message, str(path), suggestion=fix)])


_ITEM_START = re.compile(r"^(?:[-+•–]\s|\d{1,2}(?:\.\d{1,2})*\.\s|[a-zđ]\)\s|N[oơ]i nh)")


def _snap(values: list[float]) -> list[float]:
    """Ruling positions, positions closer than 3 pt taken as one line."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > 3:
            out.append(v)
    return out


def _index(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))


def _table(found, words: list[Word]) -> Table | None:
    """A ruled table as found by pdfplumber, its cells placed on the grid the rulings draw (spans kept)."""
    boxes = [c for c in found.cells if c]
    if not boxes:
        return None
    xs = _snap([b[0] for b in boxes] + [b[2] for b in boxes])
    ys = _snap([b[1] for b in boxes] + [b[3] for b in boxes])
    for bx0, btop, bx1, bbottom in boxes:
        if any(btop <= (w.top + w.bottom) / 2 <= bbottom and bx0 <= (w.x0 + w.x1) / 2 <= bx1
               and (w.x0 < bx0 - 2 or w.x1 > bx1 + 2) for w in words):
            return None   # words run out of their "cell": shading or underlines behind running text, not a table
    cells = []
    for x0, top, x1, bottom in boxes:
        inner = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
        paragraphs: list[str] = []
        for line in lines_of(inner, 0):
            if paragraphs and not _ITEM_START.match(line.text):
                paragraphs[-1] += " " + line.text   # a wrapped line goes on; "- …", "1. …" start a new paragraph
            else:
                paragraphs.append(line.text)
        text = "\n".join(paragraphs)
        col, row = _index(xs, x0), _index(ys, top)
        cells.append(Cell(row, col, max(1, _index(ys, bottom) - row), max(1, _index(xs, x1) - col), nfc(text)))
    left, top, right, bottom = found.bbox
    return Table(top, bottom, left, right, len(ys) - 1, len(xs) - 1, cells)


# Above this distance from the top edge no ND30 margin lets the document print: text there is the e-office's own
# stamp ("Cơ quan phát hành: …"), not the document.
_STAMP_MARGIN = 36.0


def _chars_of(item):
    from pdfminer.layout import LTChar, LTContainer

    if isinstance(item, LTChar):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _chars_of(child)


def _appearance_words(page) -> list[Word]:
    """The text drawn in the page's annotations: the số and the day an e-office writes into a signed PDF at issue
    time are signature fields' appearances, not page content, so pdfplumber's words lack them."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdftypes import PDFStream, resolve1
    from pdfminer.utils import MATRIX_IDENTITY, apply_matrix_pt, mult_matrix

    words: list[Word] = []
    top_edge = float(page.page_obj.mediabox[3])
    for ref in (resolve1(page.page_obj.annots) or [])[:limits.MAX_PDF_ANNOTATIONS]:
        try:
            data = resolve1(ref)
            if int(resolve1(data.get("F", 0)) or 0) & 0b100010:   # Hidden or NoView: not on the page
                continue
            appearance = resolve1(data.get("AP"))
            normal = resolve1(appearance.get("N")) if isinstance(appearance, dict) else None
            if not isinstance(normal, PDFStream):
                continue
            rect = [float(resolve1(v)) for v in resolve1(data["Rect"])]
            box = [float(resolve1(v)) for v in resolve1(normal.attrs.get("BBox", [0, 0, 1, 1]))]
            matrix = tuple(float(resolve1(v)) for v in resolve1(normal.attrs.get("Matrix", MATRIX_IDENTITY)))
            corners = [apply_matrix_pt(matrix, (x, y)) for x in (box[0], box[2]) for y in (box[1], box[3])]
            bx0, by0 = min(c[0] for c in corners), min(c[1] for c in corners)
            bx1, by1 = max(c[0] for c in corners), max(c[1] for c in corners)
            if bx1 - bx0 < 1 or by1 - by0 < 1 or top_edge - max(rect[1], rect[3]) < _STAMP_MARGIN:
                continue
            sx, sy = abs(rect[2] - rect[0]) / (bx1 - bx0), abs(rect[3] - rect[1]) / (by1 - by0)
            placed = (sx, 0, 0, sy, min(rect[0], rect[2]) - bx0 * sx, min(rect[1], rect[3]) - by0 * sy)
            manager = PDFResourceManager()
            device = PDFPageAggregator(manager)
            device.begin_page(page.page_obj, MATRIX_IDENTITY)
            PDFPageInterpreter(manager, device).render_contents(resolve1(normal.attrs.get("Resources")) or {},
                                                                [normal], ctm=mult_matrix(matrix, placed))
            device.end_page(page.page_obj)
            chars = [c for c in _chars_of(device.get_result())][:limits.MAX_PDF_PAGE_WORDS]
        except Exception:   # a broken appearance draws nothing; the page's own text is still read
            continue
        current: list = []
        for char in chars + [None]:
            if char is not None and char.get_text().strip() and (not current or (
                    abs(char.y1 - current[-1].y1) < 2 and char.x0 - current[-1].x1 < char.size * 0.25)):
                current.append(char)
                continue
            if current:
                words.append(Word(nfc("".join(c.get_text() for c in current)), current[0].x0, current[-1].x1,
                                  top_edge - max(c.y1 for c in current), top_edge - min(c.y0 for c in current),
                                  float(current[0].size)))
            current = [char] if char is not None and char.get_text().strip() else []
    return words


# A rule typed as underscores ("_______" under the issuer, the Tiêu ngữ or the trích yếu): a drawing in a DOCX, text
# in the text layer of some e-office PDFs (VGCASignService); read as text it joins the line beside it.
_RULE_TEXT = re.compile(r"_{3,}")
_WORD_GAP = 0.15


def _touching_joined(words: list[Word]) -> list[Word]:
    """Words that touch on one line are one word: pdfplumber splits a word where the type size changes ("V" at
    12.5 pt, "/v" at 12 pt), which would read "V /v"."""
    out: list[Word] = []
    for word in words:
        last = out[-1] if out else None
        if last is not None and -1 <= word.x0 - last.x1 <= 0.5 and abs(word.bottom - last.bottom) <= 0.2 * last.size:
            out[-1] = Word(last.text + word.text, last.x0, word.x1, min(last.top, word.top),
                           max(last.bottom, word.bottom), max(last.size, word.size))
        else:
            out.append(word)
    return out


# Cyrillic capitals drawn like Latin ones: a ký hiệu typed with a Russian keyboard layout ("TT-BТС" in a Công báo
# text layer) looks right on the page but matches nothing. Only in a word that also has Latin letters.
_CYRILLIC_LOOKALIKES = str.maketrans("АВСЕНКМОРТХаеорсух", "ABCEHKMOPTXaeopcyx")


# The letter "oi" (Ƣ ƣ, U+01A2/3), which no Vietnamese text uses, is what some PDF writers put in the text layer for
# the glyph Ư ư of a Vietnamese font ("BỘ CÔNG THƢƠNG", "hƣớng dẫn" on a page that shows "THƯƠNG", "hướng").
_OI_FOR_U_HORN = str.maketrans("Ƣƣ", "Ưư")


def _latin(text: str) -> str:
    text = text.translate(_OI_FOR_U_HORN)
    if re.search(r"[A-Za-z]", text) and re.search(r"[\u0400-\u04ff]", text):
        return text.translate(_CYRILLIC_LOOKALIKES)
    return text


def _text_pages(path: Path) -> list[Page]:
    import pdfplumber

    pages: list[Page] = []
    with pdfplumber.open(path) as pdf:
        if len(pdf.pages) > limits.MAX_PDF_PAGES:
            raise _refuse(path, "M106", f"tệp có {len(pdf.pages)} trang, quá {limits.MAX_PDF_PAGES} trang kehoach đọc",
                          "Tách phần văn bản cần nhập ra một tệp PDF riêng.")
        for page in pdf.pages:
            chars = page.chars
            if len(chars) > limits.MAX_PDF_PAGE_WORDS * 10:
                raise _refuse(path, "M106", f"trang {page.page_number} có quá nhiều chữ ({len(chars)} ký tự)")
            # Words are split at a gap of 0.15 of the type size, not a fixed 3 pt: some e-office PDFs place each
            # word with a 2.75 pt gap and no space character ("V/vhợpnhấtTCXH-NN…" with the default).
            raw = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, x_tolerance_ratio=_WORD_GAP)
            words = [Word(_latin(text), w["x0"], w["x1"], w["top"], w["bottom"], float(w["size"])) for w in raw
                     if (text := _RULE_TEXT.sub("", nfc(w["text"])).strip())]
            words = _touching_joined(words) + _appearance_words(page)
            drawn = page.filter(lambda obj: not _blank_fill(obj))
            tables = [t for t in (_table(f, words) for f in drawn.find_tables()) if t and t.rows and t.cols > 1]
            pages.append(Page(float(page.width), float(page.height), words, tables))
    return pages


def _blank_fill(obj: dict) -> bool:
    """A rectangle filled white and not stroked draws nothing on the page (Word's white shading behind each line of a
    paragraph): its edges are no table's rulings."""
    if obj.get("object_type") != "rect" or obj.get("stroke") or not obj.get("fill"):
        return False
    colour = obj.get("non_stroking_color")
    colour = tuple(colour) if isinstance(colour, (list, tuple)) else (colour,)   # a grey level comes as one number
    return colour in ((1,), (1, 1, 1), (0, 0, 0, 0))   # white in grey, RGB and CMYK


# Letters of text on page 1 below which a PDF is read as a scan: a first page with its header, trích yếu and the
# start of the body has many hundreds; a scan carries at most a signing stamp's text ("SAO Y; CÔNG AN TỈNH LÂM ĐỒNG;
# Thời gian ký: …", 82 letters on a scan of the corpus) or a running header.
_TEXT_LAYER_LETTERS = 300


def _has_text(pages: list[Page]) -> bool:
    """A text layer worth reading: real words on the first page (a scan has none, a signing stamp, or OCR crumbs)."""
    return bool(pages) and sum(len(w.text) for w in pages[0].words) >= _TEXT_LAYER_LETTERS


# Share of words with a Vietnamese mark below which a text layer is not Vietnamese as typed: the corpus's PDFs typed
# in Vietnamese have 0.83–0.93 on page 1; a scanner's own OCR without Vietnamese ("TRUONG D~I HQC TAYl>O", or an old
# 8-bit encoding read as Latin-1) has 0.00.
_MARKED_SHARE = 0.5


# Share of page 1's characters drawn with a glyph the PDF gives no Unicode for (pdfminer's "(cid:1228)") above which the
# layer is not read: a font embedded without its ToUnicode map (a signed copy passed through Ghostscript: "UBND 7ӌ1+
# LÀO CAI" for "TỈNH", 37–45 % of the characters) leaves the letters unknowable from the file itself, as the embedded
# subset keeps neither cmap nor glyph names; a PDF typed and saved as usual has none.
_UNMAPPED_SHARE = 0.05
_UNMAPPED = re.compile(r"\(cid:\d+\)")


def _unmapped_share(words: list[Word]) -> float:
    unmapped = sum(len(_UNMAPPED.findall(w.text)) for w in words)
    total = sum(len(_UNMAPPED.sub("x", w.text)) for w in words)
    return unmapped / total if total else 0.0


def _trusted(text: str) -> bool:
    """A word of a partly broken layer drawn wholly in fonts that map their glyphs: Vietnamese or Latin letters,
    figures and signs, as typed."""
    from ..text import strip_diacritics

    return (not _UNMAPPED.search(text) and bool(text.strip())
            and all(ord(c) < 0x250 for c in strip_diacritics(text).replace("Đ", "D").replace("đ", "d")))


def _confirmed_by_layer(scanned: list[Page], layer: list[Page]) -> tuple[list[Page], int]:
    """The OCR reading of pages whose text layer is partly broken, each word the layer still gives whole at the same
    place taken as the layer gives it, sure: what the fonts map is the typed text (a "1894" OCR read at 83 % is
    printed, not handwritten), the rest stays as OCR read it."""
    out, count = [], 0
    for page, typed in zip(scanned, layer):
        words = []
        for word in page.words:
            inside = [t for t in typed.words if word.x0 - 1 <= (t.x0 + t.x1) / 2 <= word.x1 + 1
                      and word.top - 1 <= (t.top + t.bottom) / 2 <= word.bottom + 1]
            tolerance = 0.35 * max(word.bottom - word.top, 4.0)
            if (len(inside) == 1 and _trusted(inside[0].text) and abs(inside[0].x0 - word.x0) <= tolerance
                    and abs(inside[0].x1 - word.x1) <= tolerance):
                word = replace(word, text=inside[0].text, confidence=100.0)
                count += 1
            head = next((t for t in inside if _trusted(t.text) and abs(t.x0 - word.x0) <= tolerance
                         and t.x1 < word.x1 - tolerance and word.text.startswith(t.text)), None)
            if head is not None and word.confidence != 100.0:
                # "1105⁄KH-ĐKT" read as one word at 55 %: the layer's "1105" starts it, its ký hiệu in unmapped
                # glyphs follows; the printed số is taken sure, the rest stays as OCR read it (its "⁄" a slash)
                rest = word.text[len(head.text):]
                words.append(replace(word, text=head.text, x1=head.x1, confidence=100.0))
                word = replace(word, text="/" + rest[1:] if rest.startswith("⁄") else rest, x0=head.x1)
                count += 1
            words.append(word)
        out.append(replace(page, words=words))
    return out + scanned[len(out):], count


def _garbled_layer_note(pages: list[Page]) -> str | None:
    """Why the text layer of page 1 is not read but the page images are: what the scanner's OCR put there is not
    Vietnamese text (too few words carry a mark), or its fonts give no letters for many glyphs. None when the layer
    reads as Vietnamese."""
    from ..text import marked_share

    unmapped = _unmapped_share(pages[0].words)
    if unmapped >= _UNMAPPED_SHARE:
        return (f"Lớp chữ của tệp PDF hỏng một phần: ở trang 1, {unmapped:.0%} ký tự dùng phông chữ không kèm bảng mã chữ "
                "(thường do tệp đã qua phần mềm nén hay in lại như Ghostscript), nên không biết đó là chữ gì. kehoach bỏ "
                "lớp chữ đó và đọc lại ảnh trang bằng nhận dạng chữ (OCR); nếu có bản Word hay bản PDF gốc của văn "
                "bản, hãy nhập bản đó.")
    share, counted = marked_share([w.text for w in pages[0].words])
    if share >= _MARKED_SHARE:
        return None
    return (f"Lớp chữ có sẵn trong tệp PDF (do phần mềm máy quét nhận dạng) không phải tiếng Việt đọc được: trang 1 chỉ "
            f"{share:.0%} trong {counted} chữ có dấu tiếng Việt (văn bản tiếng Việt thường trên 80%). kehoach bỏ lớp "
            "chữ đó và đọc lại ảnh trang bằng nhận dạng chữ (OCR).")


def signatures(path: Path) -> list[dict]:
    """Each signature of a PDF: the signer as its certificate names them, the time it claims, whether the signed bytes
    are intact and whether it covers the whole file. Trust in the signer's CA is not judged here (no roots given)."""
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import async_validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return []
    out = []
    # pyHanko logs each chain it cannot build (no roots are given, by design) with a traceback: not for the user.
    quiet = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    saved = [(logger.level, logger.propagate) for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
    try:
        with path.open("rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            for sig in reader.embedded_signatures:
                fact = {"field": sig.field_name, "signer": "", "organisation": "", "time": None,
                        "intact": False, "whole_file": False}
                try:
                    subject = sig.signer_cert.subject.native
                    fact["signer"] = nfc(subject.get("common_name", "") or "")
                    fact["organisation"] = nfc(subject.get("organization_name", "") or "")
                    when = sig.self_reported_timestamp
                    fact["time"] = when.isoformat() if when else None
                    status = run_async(lambda: async_validate_pdf_signature(
                        sig, ValidationContext(trust_roots=[], allow_fetching=False)))
                    fact["intact"] = bool(status.intact and status.valid)
                    fact["whole_file"] = status.coverage.name == "ENTIRE_FILE"
                except Exception:   # a damaged signature is reported as not intact, never a crash
                    pass
                out.append(fact)
    except Exception:   # no readable signature dictionary at all: the PDF is read as unsigned
        return out
    finally:
        for logger, (level, propagate) in zip(quiet, saved):
            logger.setLevel(level)
            logger.propagate = propagate
    return out


def _signature_note(fact: dict) -> str:
    who = fact["signer"] or "(không rõ tên)"
    if fact["organisation"]:
        who += f", {fact['organisation']}"
    when = f" lúc {fact['time'][:19].replace('T', ' ')}" if fact.get("time") else ""
    state = ("nguyên vẹn" if fact["intact"] else "KHÔNG còn nguyên vẹn (tệp đã bị sửa sau khi ký, hoặc chữ ký hỏng)")
    if fact["intact"] and not fact["whole_file"]:
        state += ", nhưng tệp còn phần được thêm sau khi ký"
    return (f"Chữ ký số: {who}{when}; chữ ký {state}. kehoach không kiểm tra chứng thư với tổ chức chứng thực "
            "— hãy kiểm tra bằng phần mềm ký số của cơ quan.")


def _first_document(pages: list[Page]) -> tuple[list[Page], list[str]]:
    """The pages of the file's first document, and what to say when another one follows it in the same file."""
    start = next((n for n, page in enumerate(pages[1:], 1) if opens_a_document(page, n)), None)
    if start is None:
        return pages, []
    return pages[:start], [
        f"Tệp chứa hơn một văn bản: từ trang {start + 1} là một văn bản khác (có Quốc hiệu và dòng 'Số: …' riêng). "
        f"kehoach chỉ nhập văn bản đầu tiên (trang 1–{start}); hãy tách văn bản sau ra tệp riêng nếu cần nhập nó."]


def read_pdf(path: Path) -> PdfRead:
    """The PDF's pages as a document: from its text layer, else (a scan) by OCR; bounded in size, pages and time."""
    path = Path(path)
    if path.stat().st_size > limits.MAX_PDF_BYTES:
        raise _refuse(path, "M106", f"tệp lớn hơn {limits.MAX_PDF_BYTES // (1024 * 1024)} MB",
                      "Tách phần văn bản cần nhập ra một tệp PDF riêng.")
    with path.open("rb") as handle:
        start = handle.read(1024).find(b"%PDF-")
    if start < 0:
        raise _refuse(path, "M106", "tệp không phải PDF (không có dấu hiệu %PDF trong 1024 byte đầu tệp)")
    if start > 0:
        return _read_after_junk(path, start)
    return _read_pdf(path)


def _read_after_junk(path: Path, start: int) -> PdfRead:
    """A PDF with bytes before its "%PDF-" header (some mail and e-office systems prepend them; readers such as
    Acrobat accept up to 1024): read from the header on, since the file's offsets count from there; what is said
    about the copy names the user's file."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(path.read_bytes()[start:])
        try:
            read = _read_pdf(copy)
        except InputError as exc:
            findings = [replace(f, file=str(path)) if f.file == str(copy) else f for f in exc.findings]
            raise InputError(exc.message.replace(str(copy), str(path)), findings, exc.hint) from None
    read.notes.append(f"Tệp có {start} byte lạ trước dấu hiệu %PDF ở đầu tệp (thường do hệ thống gửi nhận thêm vào): "
                      "kehoach đọc phần PDF sau đó. Nếu phần mềm khác không mở được tệp, hãy xin cơ quan gửi lại.")
    return read


def _read_pdf(path: Path) -> PdfRead:
    try:
        pages = _text_pages(path)
    except InputError:
        raise
    except Exception as exc:   # pdfminer on a damaged, crafted or locked file
        chain = f"{exc!r} {exc.__cause__!r} {exc.__context__!r}"
        if "Password" in chain or "Encrypt" in chain:
            raise _refuse(path, "M106", "tệp PDF có mật khẩu", "Mở tệp bằng mật khẩu, in ra PDF không đặt mật khẩu "
                                                                 "rồi nhập lại.")
        raise _refuse(path, "M106", "tệp PDF hỏng hoặc không đọc được")
    facts = signatures(path)
    notes = [_signature_note(f) for f in facts]
    garbled = _garbled_layer_note(pages) if _has_text(pages) else None
    if _has_text(pages) and garbled is None:
        pages, more = _first_document(pages)
        return PdfRead(document_from_pages(pages), signatures=facts, notes=notes + more)
    if garbled:
        notes.append(garbled)
    from .ocr import ocr_pages

    scanned, confidence, ocr_notes = ocr_pages(path, len(pages))
    if garbled and _unmapped_share(pages[0].words) >= _UNMAPPED_SHARE:
        scanned, confirmed = _confirmed_by_layer(scanned, pages)
        if confirmed:
            notes.append(f"{confirmed} chữ đọc bằng OCR trùng vị trí với chữ còn đọc được trong lớp chữ (phông có bảng "
                         "mã chữ) được lấy đúng như lớp chữ ghi.")
    scanned, more = _first_document(scanned)
    read = PdfRead(document_from_pages(scanned), True, confidence, facts, notes + ocr_notes + more)
    read.first_page_words = scanned[0].words if scanned else []
    return read


def ocr_fact_notes(read: PdfRead, facts) -> list[str]:
    """Each header fact read by OCR with the confidence of the words it was read from: for each part of the value
    the best word that carries it, for the fact the weakest of its parts."""
    if not read.ocr:
        return []
    confidence: dict[str, float] = {}
    for word in read.first_page_words:
        key = word.text.strip(".,:;")
        confidence[key] = min(confidence.get(key, 100.0), word.confidence or 0.0)
    out = []
    for label, value in (("cơ quan ban hành", facts.issuer), ("số", facts.number), ("ký hiệu", facts.symbol),
                         ("ngày", facts.date), ("địa danh", facts.place), ("trích yếu", facts.title)):
        if not value:
            continue
        tokens = [t.strip(".,:;()") for t in re.split(r"[\s/-]+", str(value)) if t.strip(".,:;()")]
        scores = [max(matches) for t in tokens
                  if (matches := [c for key, c in confidence.items()
                                  if t == key or len(t) >= 3 and t in key or t.lstrip("0") == key])]
        found = f"độ tin cậy {min(scores):.0f}%" if scores else "độ tin cậy không rõ"
        out.append(f"{label} '{value}' ({found})")
    return ["Đọc bằng OCR, cần đối chiếu với bản gốc: " + "; ".join(out) + "."] if out else []


# A digit OCR reads with less confidence than this is not taken as the số or the day: on issued scans they are
# written by hand or stamped after printing, and a guessed number is worse than a blank the user fills in.
# Tesseract gives printed digits 90-97 on the corpus's scans; a handwritten "1710" glued to "Số:" came out "4340" at
# 83, a stamped "932" as "332" at 67.
_DIGIT_CONFIDENCE = 88.0
# A day or month is one or two digits standing alone, which Tesseract scores lower when right (a handwritten "04"
# read right at 76): below this it is not taken.
_DAY_CONFIDENCE = 70.0
# A word of the trích yếu OCR read with less confidence than this may have its marks set by a two-word phrase of the
# phrase book ("Chính phú" read at 76 → "Chính phủ"); longer phrases set marks whatever the confidence ("Nghị định sô"
# read at 95).
_DOUBTFUL_WORD = 90.0
# Below this, a title token of marks or of one letter is a speck on the page, not a word (words of the corpus's
# trích yếu are read at 70-97; "'^j" at 57, "Z" at 0).
_SPECK_CONFIDENCE = 60.0
_NUMBER_LINE = nd30.OCR_NUMBER_LINE_RE
_DATE_LINE = nd30.OCR_DATE_LINE_RE
# Lines of page 1 within which the header's Số line lies, for a "Số" OCR read in lower case ("só./⁄ /QĐ-UBND"): below
# them a line opening "số 35/2019/QĐ-UBND" is the body's.
_HEAD_ROWS = 12
# Lines of page 1 within which the date line lies: the header's, under a signing stamp's few lines at most.
_DATE_ROWS = 16
# The same Số line with the pen's strokes read as any marks, a slash among them, before " /QĐ-UBND": "só./⁄ /QĐ-UBND".
_PEN_NUMBER_LINE = re.compile(r"^[Ss][ốóôồổá]\s*[:;.]?\s*(?P<number>.*?)\s/\s*(?P<symbol>[A-ZĐ][A-Za-zĐđ0-9&().\-]*)")


# The Số line whose "/" OCR read as a letter no Vietnamese word has, glued to the ký hiệu ("số:2 6 ŸBCT-ATMT" under a
# numbering stamp): the ký hiệu after it stands, the số is not guessed.
_SLASH_MISREAD = re.compile(r"^[Ss][ốóôồổá]\s*[:;.]?\s*(?P<ink>.*?)\s*[^\sA-ZĐa-zđ0-9\W" + "".join(
    sorted(c + c.upper() for c in VIETNAMESE_MARKED)) + r"](?P<symbol>[A-ZĐ]{2,}[-/]\S+)$")


# A word of the place read with less confidence than this may be a misreading ("Hà" at 23 % for "Hồ", "Đẳng" at 64 %
# for "Đồng"): printed words of the header are read at 85-97.
_UNSURE_PLACE_WORD = 70.0


def _place_by_sure_words(name: str, words: list[Word], provinces, notes: list[str]) -> str | None:
    """The province whose name the place matches word for word except where OCR was unsure of a word ("Hà Chí Minh",
    "Hà" read at 23 %: Hồ Chí Minh); said in the report. None when no province, or more than one, fits."""
    confidence = {w.text.strip(".,;:").split(".")[-1]: w.confidence or 0.0 for w in words}   # "Tp.Hà": "Hà"
    read = name.split()
    unsure = [confidence.get(w.split(".")[-1], 100.0) < _UNSURE_PLACE_WORD for w in read]
    if not any(unsure):
        return None
    fits = [p for p in provinces if len(p.split()) == len(read) and all(
        u or _bare(a) == _bare(b) for a, b, u in zip(read, p.split(), unsure)) and sum(not u for u in unsure) >= 1]
    if len(fits) != 1:
        return None
    notes.append(f"Địa danh: OCR đọc \"{name}\", có chữ đọc không chắc; các chữ đọc chắc chỉ khớp với \"{fits[0]}\" "
                 "trong danh sách tỉnh, thành phố nên ghi theo danh sách. Hãy đối chiếu với bản gốc.")
    return fits[0]


def _speck(token: str, confidence: float) -> bool:
    """A token of a scan's trích yếu that is a speck, not a word: marks no text uses ("'^j"), or a lone letter read
    with next to no confidence ("Z" at 0)."""
    if confidence >= _SPECK_CONFIDENCE:
        return False
    odd_marks = re.search(r"[^\w\s\-–—.,;:()“”\"'/%&]", token)
    lone_letter = re.fullmatch(r"[\W_]*[^\W\d_][\W_]*", token) and confidence < 10
    return bool(odd_marks or lone_letter)


def _bare(text: str) -> str:
    from ..text import strip_diacritics

    return re.sub(r"[^A-Z]", "", strip_diacritics(text).upper().replace("Đ", "D"))


def _known_issuers() -> list[str]:
    """Issuing bodies as printed (upper case): the registry's agencies, each province-level one also with every
    province of the unit lists ("CÔNG AN TỈNH LÂM ĐỒNG"), and the people's committees."""
    from ..loading import load_registry
    from ..loading.units import load_provinces

    # the 34 provinces and those merged into them on 12/6/2025: papers issued before then name the old province
    provinces = sorted({n for p in load_provinces().values() for n in (p.name, *p.merged_from)})
    names = {"ỦY BAN NHÂN DÂN", "UBND"}
    for agency in load_registry().agencies.values():
        for name in [n.name for n in agency.names] + list(agency.aliases):
            if "{" in name:
                continue
            names.add(name.upper())
            if agency.level == "tinh" and re.search(r"\btỉnh$", name):
                names.update(f"{name[:-len('tỉnh')]}{p}".upper() for p in provinces)
    names.update(p.upper() for p in provinces)
    names.update(f"ỦY BAN NHÂN DÂN {p}".upper() for p in provinces)
    names.update(f"UBND {p}".upper() for p in provinces)
    return sorted(names, key=len, reverse=True)


def _issuer_by_registry(lines: list[str]) -> list[str]:
    """OCR's issuer lines set right by the registry of agency names: two lines read as one ("BỘCÔNGAN CÔNG AN TỈNH
    LÂM ĐÔNG") split where a known name ends, and a line that is a known name but for its marks ("LÂM ĐÔNG")
    written as the registry writes it. A line the registry does not know is kept as read."""
    from ..ooxml.facts import _ORG_HEAD
    from .ocrnames import closest

    known = {_bare(n): n for n in _known_issuers()}
    ordered = sorted(known, key=len, reverse=True)
    # What starts a body's name ("SỞ", "TỔ", "CÔNG AN", …), marks off: the second of two glued lines starts so.
    words = {_bare(h): h for h in _ORG_HEAD.pattern.strip("^()\\b").split("|") if " " not in h}
    heads = tuple({_bare(h) for h in _ORG_HEAD.pattern.strip("^()\\b").split("|")} | set(known))
    joined: list[str] = []
    for line in lines:   # a name wrapped over two lines ("ỦY BAN NHÂN DÂN" / "TỈNH LÂM ĐỒNG") is one name
        if joined and _bare(joined[-1] + line) in known:
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    # Specks under the name (its rule, a seal's edge) read as "“ỐC": no line of a body's name has fewer than 3 letters.
    joined = [line for line in joined if sum(c.isalpha() for c in line) >= 3]
    out: list[str] = []
    for line in joined:
        rest = line
        while rest:
            bare = _bare(rest)
            if bare in known:
                out.append(known[bare])
                break
            head = next((k for k in ordered if len(k) >= 6 and bare.startswith(k) and bare[len(k):]
                         and bare[len(k):].startswith(heads)), None)
            near = closest(rest, known) if head is None else None
            if near:   # "CONG AN TINH LAM DONC": a registry name but for letters OCR confuses
                out.append(near)
                break
            if head is None:
                first, _, tail = rest.partition(" ")
                spelled = words.get(_bare(first))   # "TỎ CÔNG TÁC …": the name's first word as the decree writes it
                if re.search(r"\d+/", tail):
                    spelled = None   # "SỐ 1050/QĐ-SCT": a decision's number ends the team's name, "SỐ" is no "SỞ"
                out.append(f"{spelled} {tail}".strip() if spelled and tail else rest)
                break
            out.append(known[head])
            letters, cut = 0, 0
            for cut, char in enumerate(rest):   # where, in the line as read, the known name's letters end
                if _bare(char):
                    letters += 1
                if letters == len(head):
                    break
            rest = rest[cut + 1:].strip()
    return out


# The date line with its figures and words written over by hand ("Hà Nội, ở! đ tháng {4Ô 2ã 202"): a known place,
# a comma, then a word of the date line.
_GARBLED_DATE = re.compile(r"^(?P<place>[A-ZĐ][^\W\d_]*(?:\s+[A-ZĐ][^\W\d_]*){0,3})\s*,\s*(?=.*\b(?:ngày|tháng|năm)\b)")


_CITED_CODE = re.compile(r"^(?P<number>\d+)(?P<year>/\d{4})?/(?P<first>[^-/]+)(?P<rest>[-/].*)$")


def _bases_checked(facts, words, notes: list[str]) -> None:
    """Each base's ký hiệu set right where the cited type makes one reading certain (a "Quyết định" whose first group
    OCR read "QĐĐ" or "QD" is "QĐ", nd30's abbreviation), and a base whose number OCR read unsure said so, not
    guessed."""
    confidence: dict[str, float] = {}
    for word in words:
        for token in re.findall(r"\d+", word.text):
            confidence[token] = min(confidence.get(token, 100.0), word.confidence or 0.0)
    for index, base in enumerate(facts.bases):
        code = _CITED_CODE.match(base.get("code", ""))
        if code is None:
            continue
        want = nd30.ALL_TYPE_ABBREVIATIONS.get(base.get("type", ""))
        first = code.group("first")
        if want and first != want and (re.sub(r"(.)\1+", r"\1", first) == want or _bare(first) == _bare(want)
                                       and first.upper() == first):
            base["code"] = f"{code.group('number')}{code.group('year') or ''}/{want}{code.group('rest')}"
            notes.append(f"Căn cứ {index + 1}: ký hiệu \"{code.group(0)}\" đọc bằng OCR được sửa thành "
                         f"\"{base['code']}\" theo tên loại {base['type']} ({want}, Nghị định 30). Hãy đối chiếu với bản gốc.")
        sure = confidence.get(code.group("number"))
        if sure is not None and sure < _DIGIT_CONFIDENCE:
            notes.append(f"Căn cứ {index + 1}: số \"{code.group('number')}\" của {base.get('type', 'văn bản')} "
                         f"{base['code']} đọc bằng OCR không chắc (độ tin cậy {sure:.0f}%): hãy đối chiếu với bản gốc.")


def _place_of_garbled_date(facts, lines, notes: list[str]) -> None:
    """The place of a date line OCR could not read as one: kept when it is a province's name as the unit lists spell
    it but for marks; the date itself said unreadable, never guessed."""
    from ..loading.units import load_provinces

    spelled = {_bare(p.short_name): p.short_name for p in load_provinces().values()}
    for row, line in enumerate(lines[:20], 1):
        texts = [" ".join(w.text for w in s) for s in line.segments()]   # the Số may sit beside it
        match = next((m for t in texts if (m := _GARBLED_DATE.match(t))), None)
        if match and _bare(match.group("place")) in spelled:
            facts.place = spelled[_bare(match.group("place"))]
            facts.unreadable.append("date")
            # "ngàj¿§háng0„¿ năm 2022": the pen wrote over the day and month, the printed year read surely stands
            year = [b for a, b in zip(line.words, line.words[1:]) if a.text.lower() == "năm"
                    and re.fullmatch(r"(?:19|20)\d\d", b.text.strip(".,")) and (b.confidence or 0) >= _DIGIT_CONFIDENCE]
            if year and not facts.date_partial:
                facts.date_partial = year[0].text.strip(".,")
            notes.append(f"Ngày ban hành ở \"{match.string}\" (trang 1, dòng {row}) không đọc được, có thể viết tay: "
                         "kehoach không đoán. Hãy ghi ngày theo bản gốc vào document.date.")
            return


_DIGIT_O = re.compile(r"(?<![\w])(\d+)ó(?=[,.;)\s]|$)")
# "V/v" as OCR may read it under the Số line ("Ứ⁄w", "V⁄v", "V|v"): a short token with a slash-like stroke.
_GARBLED_VV = re.compile(r"^(?:V/v|[^\W\d_]{0,2}[/⁄|][^\W\d_]{0,2})\s+(?P<rest>[A-ZĐÀ-Ỹ].*)$")


def _issuer_initials(facts, group: str) -> bool:
    """Whether a ký hiệu of one group ("Số: 1135/ĐHTĐ", a letter with no type part) is the issuer's initials from
    some word to the end ("TRƯỜNG ĐẠI HỌC TÂY ĐÔ" → "ĐHTĐ"): read as the ký hiệu though its "/" was lost under the pen."""
    words = (facts.issuer or "").split()
    initials = "".join(w[0] for w in words if w[:1].isalpha()).upper()
    return len(group) >= 3 and group.isupper() and group.isalpha() and initials.endswith(group)


def _garbled_subject(facts, read: PdfRead, notes: list[str]) -> None:
    """A công văn's "V/v …" under the Số line whose "V/v" OCR misread: the lines of the left header column after the
    Số line are its trích yếu when the letter has its "Kính gửi" and no tên loại."""
    table = read.document.tables[0]
    left = table.rows[0].cells[0].text.split("\n") if table.rows and table.rows[0].cells else []
    at = next((i for i, line in enumerate(left) if re.match(r"^S\S{0,2}\s*[:;.]", line)), None)
    greeted = any(p.text.startswith("Kính gửi") for p in read.document.paragraphs[:6])
    subject = _GARBLED_VV.match(" ".join(left[at + 1:])) if at is not None and greeted else None
    if subject is None or facts.doc_type not in (None, nd30.LETTER):
        return
    facts.title, facts.doc_type = f"{nd30.LETTER_SUBJECT_PREFIX} {subject.group('rest')}", nd30.LETTER
    notes.append(f"Trích yếu: dòng \"{subject.group(0)}\" dưới dòng Số, chữ \"V/v\" đọc bằng OCR thành "
                 f"\"{subject.group(0).split()[0]}\"; ghi là \"{facts.title}\" (công văn có \"Kính gửi\"). Hãy đối "
                 "chiếu với bản gốc.")


def _issuer_marks(lines: list[str], notes: list[str]) -> list[str]:
    """The issuer's lines with marks OCR misread set as the phrase book prints them (marks only, as for the trích
    yếu): the registry does not list every Cục, Trung tâm or joint body, but its phrases spell their words ("HÓA CHÁT"
    → "HÓA CHẤT", "PHÁT TRIÊN" → "PHÁT TRIỂN", "TÓI CAO" → "TỐI CAO")."""
    from .phrasebook import correct_marks, stop_tones

    out = []
    for line in lines:
        # any word's marks: Tesseract is as sure of "CHÁT" as of "CHẤT", the marks over capitals being so small
        fixed, changes = correct_marks(line)
        fixed, toned = stop_tones(fixed)
        changes += toned
        if changes:
            notes.append("Cơ quan ban hành: dấu của chữ đọc bằng OCR được sửa theo cụm từ của danh mục (chỉ sửa dấu): "
                         + "; ".join(f"\"{a}\" → \"{b}\"" for a, b in changes) + ". Hãy đối chiếu với bản gốc.")
        out.append(fixed)
    return out


def facts_of(read: PdfRead):
    """The header facts of a PDF read as those of a DOCX, and what the import report must add. On a scan a số or a day
    that OCR cannot read for sure (handwritten, stamped) is left empty and said unreadable, never guessed."""
    from ..ooxml.facts import facts_from_docx

    facts = facts_from_docx(read.document)
    if not read.ocr:
        return facts, []
    notes: list[str] = []
    if facts.issuer_lines or facts.parent_issuer:
        read_as = ([facts.parent_issuer] if facts.parent_issuer else []) + facts.issuer_lines
        lines = _issuer_by_registry(read_as)
        if _bare("".join(lines)) != _bare("".join(read_as)):   # letters changed, not only marks or spaces
            notes.append(f"Cơ quan ban hành: OCR đọc \"{' / '.join(read_as)}\", gần nhất với tên trong danh mục "
                         f"\"{' / '.join(lines)}\" nên ghi theo danh mục. Hãy đối chiếu với bản gốc.")
        lines = _issuer_marks(lines, notes)
        if lines:   # "BAN CHỈ ĐẠO CẢI CÁCH" / "HÀNH CHÍNH CỦA CHÍNH PHỦ": one name over two lines, not a parent and a body
            from ..ooxml.facts import _split_issuer

            facts.issuer, facts.parent_issuer, _ = _split_issuer(lines)
    if facts.title is None and read.document.tables:
        _garbled_subject(facts, read, notes)
    if facts.title:
        from .phrasebook import correct_marks, stop_tones

        # "khóa 1ó, 17, 18": Tesseract's Vietnamese model reads a 6 as "ó"; a figure glued to "ó" is no word
        spelled = _DIGIT_O.sub(r"\g<1>6", facts.title)
        if spelled != facts.title:
            notes.append(f"Trích yếu: \"{facts.title}\" đọc bằng OCR có chữ số dính chữ \"ó\", ghi là số 6: \"{spelled}\". "
                         "Hãy đối chiếu với bản gốc.")
            facts.title = spelled

        confidence: dict[str, float] = {}
        for word in read.first_page_words:
            key = word.text.strip(".,:;()“”\"")
            confidence[key] = min(confidence.get(key, 100.0), word.confidence or 0.0)
        # specks read as a letter and marks ("Z", "'^j", conf 0-57) among the trích yếu's words, a stray low quote
        # ("„Triển khai") before them: no word, nothing of the document
        raw = {w.text: w.confidence or 0.0 for w in read.first_page_words}
        specks = [t for t in facts.title.split(" ") if _speck(t, raw.get(t, 100.0))]
        if specks or facts.title.startswith("„"):
            cleaned = " ".join(t for t in facts.title.split(" ") if t not in specks).lstrip("„ ")
            notes.append(f"Trích yếu: bỏ các vết bẩn OCR đọc thành chữ ({', '.join(repr(t) for t in specks) or '„'}): "
                         f"\"{facts.title}\" → \"{cleaned}\". Hãy đối chiếu với bản gốc.")
            facts.title = cleaned
        facts.title, changes = correct_marks(facts.title, lambda w: confidence.get(w, 0.0) < _DOUBTFUL_WORD)
        facts.title, toned = stop_tones(facts.title)
        changes += toned
        if changes:
            notes.append("Trích yếu: dấu của chữ đọc bằng OCR được sửa theo cụm từ của danh mục cơ quan, văn bản và Nghị "
                         "định 30 (chỉ sửa dấu, không đổi chữ cái): " + "; ".join(f"\"{a}\" → \"{b}\"" for a, b in changes)
                         + ". Hãy đối chiếu với bản gốc.")
    lines = lines_of(read.first_page_words, 0)
    typed_in = None
    issued = False   # a draft scanned before its number and day were given keeps them blank, and that is no flaw
    sure = lambda words, floor=_DIGIT_CONFIDENCE: all((w.confidence or 0) >= floor for w in words)  # noqa: E731
    for row, line in enumerate(lines, 1):
        # the Số line is the start of a part of the line (the date may sit beside it); the date line is searched in
        # the whole line ("Hà Nội, ngày" and "tháng 12 năm 2025" apart where the day was left for the pen)
        segments = line.segments()
        at = next((n for n, s in enumerate(segments) if nd30.NUMBER_START_RE.match(" ".join(w.text for w in s))), None)
        words = line.words if at is None else segments[at] + (
            segments[at + 1] if at + 1 < len(segments) and segments[at + 1][0].text.startswith("/") else [])
        # ("Số: 6ŸƑ" | "/STP-VB": a handwritten số set apart from the printed "/" is one Số line still)
        text = " ".join(w.text for w in words)
        number = _NUMBER_LINE.match(text) or (facts.symbol is None and row <= _HEAD_ROWS and
                                              _PEN_NUMBER_LINE.match(text))
        if number and "number" not in facts.unreadable:
            digits = number.group("number")
            carriers = [w for w in words if digits and re.search(r"\d", w.text)
                        and (w.text.strip(":;.") in digits or digits in w.text)]
            if facts.symbol is None:
                facts.symbol = number.group("symbol").rstrip(".")
            # ink on the Số line, not dots (a pen's strokes may read as marks: "./⁄"): an issued paper, whose day is
            # never left blank either
            issued = bool(re.search(r"[^\s.…_:]", digits))
            # The số standing apart from "/NQ-CP" was put into the blank the print left for it, by hand, stamp or
            # typing: Tesseract reads a handwritten "115" as "445" with a printed digit's confidence.
            after = words.index(carriers[-1]) + 1 if carriers else 0
            filled = bool(carriers) and after < len(words) and words[after].text.startswith("/")
            clear = facts.number is not None and re.fullmatch(r"\d{1,5}", digits) and sure(carriers)
            if issued and clear and filled:
                typed_in = (row, number.group(0))   # judged below by the day filled in beside it
            elif issued and not clear:
                facts.number = None
                facts.unreadable.append("number")
                notes.append(f"Số văn bản ở \"{number.group(0)}\" (trang 1, dòng {row}) không đọc được, có thể viết tay hoặc đóng dấu: "
                             "kehoach để trống, không đoán. Hãy ghi số theo bản gốc vào document.number.")
        bare_symbol = re.match(r"^S[ốóôồổá]\s*[:;.]?\s*(?P<ink>.*?)\s*(?P<symbol>[A-ZĐ]\S*)$", text) or (
            row <= _HEAD_ROWS and next((m for s in segments if (m := _SLASH_MISREAD.match(" ".join(w.text for w in s)))),
                                       None))
        if not number and facts.symbol is None and bare_symbol and (nd30.SYMBOL_RE.match(bare_symbol.group("symbol"))
                                                                  or _issuer_initials(facts, bare_symbol.group("symbol"))):
            # the "/" lost under the handwritten số ("Số: 309 BCA-C04"): the ký hiệu stands, the số is not guessed
            facts.symbol = bare_symbol.group("symbol")
            issued = bool(re.search(r"\w", bare_symbol.group("ink")))
            if issued:
                facts.number = None
                facts.unreadable.append("number")
                notes.append(f"Số văn bản ở \"{text}\" (trang 1, dòng {row}) không đọc được, có thể viết tay hoặc đóng "
                             "dấu: kehoach để trống, không đoán. Hãy ghi số theo bản gốc vào document.number.")
        words, text = line.words, line.text
        # the date line is the header's: "ngày 16 tháng 4 năm 2025" further down cites another document
        date = _DATE_LINE.search(text) if row <= _DATE_ROWS else None
        if date and date.group("place") and (facts.place is None or
                                             re.search(r"(?:[-–]\s*|\s|\.)" + re.escape(facts.place) + "$",
                                                       date.group("place"))):
            # the date itself garbled ("ngày“$ tháng"): the place before it stands, a hyphenated one whole
            facts.place = re.sub(r"\s*[-–]\s*", " - ", date.group("place"))
        if date and "date" not in facts.unreadable and facts.date is None and not facts.date_partial:
            # the whole date written by hand ("ngày‹2{ tháng0† năm0/6"): the line is there, its figures are not
            facts.unreadable.append("date")
            year = [w for w in words if w.text.strip(".,") == date.group("year")]
            if re.fullmatch(r"(?:19|20)\d\d", date.group("year")) and year and sure(year):
                facts.date_partial = date.group("year")   # "năm 2025" printed beside the pen's day: what was read
            notes.append(f"Ngày ban hành ở \"{date.group(0)}\" (trang 1, dòng {row}) không đọc được, có thể viết tay: "
                         "kehoach không đoán. Hãy ghi ngày theo bản gốc vào document.date.")
        elif date and "date" not in facts.unreadable and facts.date and facts.date[:4] == date.group("year"):
            day, month = date.group("day"), date.group("month")
            carriers = [w for w in words if w.text in (day, month)]
            if (len(facts.date) < 10 and issued) or not sure(carriers, _DAY_CONFIDENCE):
                facts.date_partial, facts.date = facts.date[:7] if len(facts.date) >= 7 and sure(
                    [w for w in carriers if w.text == month], _DAY_CONFIDENCE) else facts.date[:4], None
                facts.unreadable.append("date")
                notes.append(f"Ngày ban hành ở \"{date.group(0)}\" (trang 1, dòng {row}) không đọc được đủ ngày, tháng, có thể viết "
                             "tay: kehoach không đoán. Hãy ghi ngày theo bản gốc vào document.date.")
    if typed_in:
        # The số put into the blank the print left: the văn thư fills the day in the same way, by hand or by typing.
        # A day read clearly says typed; a day unreadable says the pen wrote both (a handwritten "115" read "445" at
        # 89 % beside a day read "#@3").
        row, shown = typed_in
        if facts.date and len(facts.date) == 10 and "date" not in facts.unreadable:
            notes.append(f"Số văn bản {facts.number} ở \"{shown}\" (trang 1, dòng {row}) được điền vào chỗ trống sau khi in, "
                         "như ngày ban hành, và đọc rõ: hãy đối chiếu với bản gốc.")
        else:
            facts.number = None
            facts.unreadable.insert(0, "number")   # the Số line comes before the date line
            notes.append(f"Số văn bản ở \"{shown}\" (trang 1, dòng {row}) không đọc được, có thể viết tay hoặc đóng dấu: "
                         "kehoach để trống, không đoán. Hãy ghi số theo bản gốc vào document.number.")
    _bases_checked(facts, read.first_page_words, notes)
    if facts.place is None and facts.date is None and not facts.date_partial and "date" not in facts.unreadable:
        _place_of_garbled_date(facts, lines, notes)
    if facts.symbol:
        # "QD-BTC": the first group of a ký hiệu is the type's abbreviation (nd30), its Đ read without the stroke
        first, sep, rest = facts.symbol.partition("-")
        spelled = [a for a in nd30.ALL_TYPE_ABBREVIATIONS.values()]
        known = {_bare(a): a for a in spelled if [_bare(b) for b in spelled].count(_bare(a)) == 1}   # not HD/HĐ
        if sep and first not in known.values() and _bare(first) in known and first.isupper():
            facts.symbol = f"{known[_bare(first)]}-{rest}"
        elif sep and first not in spelled and (single := re.sub(r"(.)\1+", r"\1", first)) in spelled:
            facts.symbol = f"{single}-{rest}"   # "QĐĐ-UBND": a letter OCR doubled
    if facts.place:
        from ..loading.units import load_provinces

        # "Lâm Đông" for "Lâm Đồng": a place OCR read but for its marks is the province the unit lists spell
        spelled = {_bare(p.short_name): p.short_name for p in load_provinces().values()}
        city, name = re.match(r"^(Thành phố\s+|T[Pp]\.\s*)?(.*)$", facts.place).groups()
        known = spelled.get(_bare(name)) or _place_by_sure_words(name, read.first_page_words, spelled.values(), notes)
        facts.place = (city or "") + (known or name)
    # the steps above fill or empty facts after the reader's own finish(): what is "not stated" is named again
    return facts.finish(), notes


def pdf_facts(path: Path):
    """The header facts of a PDF, read as those of a DOCX (a scan's unreadable số or day left empty)."""
    return facts_of(read_pdf(Path(path)))[0]
