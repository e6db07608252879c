"""The identity of a document as printed — issuer, number, ký hiệu, date, place, type, trích yếu, legal bases.

Read the same way from a DOCX (its header columns, tên loại and trích yếu paragraphs) and from a copy taken from a
web page or a text file (site banners, metadata blocks, "|" cell separators, hard line breaks). A fact that is not in
the document stays None and is named in `missing`; nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import nd30
from ..text import match_key, nfc, strip_diacritics

BOUNDARY = None   # a cell edge, a blank line or a drawn rule between two lines of the head

_QH_KEY = "CONGHOAXAHOICHUNGHIAVIETNAM"
_TN_KEY = "DOCLAPTUDOHANHPHUC"
_SEPARATOR = re.compile(r"^[\s\-–—_=.*•·~oO]{0,}$")
_TYPE_NAMES = {match_key(name): name for name in (*nd30.ALL_TYPE_ABBREVIATIONS, nd30.LETTER)}
_TYPE_NAMES_BARE = {re.sub(r"[^A-Z]", "", strip_diacritics(name).upper().replace("Đ", "D")): name
                    for name in (*nd30.ALL_TYPE_ABBREVIATIONS, nd30.LETTER)}
_AUTHORITY_HEAD = re.compile(r"^(CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|GIÁM ĐỐC|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND|"
                             r"HỘI ĐỒNG NHÂN DÂN|CHÁNH VĂN PHÒNG|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG)\b")
_ORG_HEAD = re.compile(r"^(SỞ|BỘ|CÔNG AN|TRUNG TÂM|BAN|VĂN PHÒNG|CỤC|CHI CỤC|PHÒNG|TRƯỜNG|BỆNH VIỆN|ỦY BAN|UỶ BAN|"
                       r"UBND|HỘI|THANH TRA|ĐÀI|BÁO|BỘ CHỈ HUY|KHO BẠC|TỔNG CỤC|ĐẢNG ỦY|HỘI ĐỒNG|TỔ|"
                       r"ĐOÀN GIÁM SÁT|ĐOÀN KIỂM TRA|ĐOÀN THANH TRA|ĐOÀN CÔNG TÁC)\b")
_SECTION_START = re.compile(r"^(?:[IVX]+\.\s|\d{1,2}\.\s|\d+\.\d+\.|[A-DĐ]\.\s|Phần\b|PHẦN\b|Chương\b|CHƯƠNG\b|Điều \d|"
                            r"QUYẾT ĐỊNH\s*:|QUYẾT NGHỊ\s*:|CHỈ THỊ\s*:)")
_ADDRESSEE = re.compile(r"^Kính gửi\b")
_NUMBERED_UNITS = ("Phường", "Quận", "Xã")   # units named by a number before 07/2025 ("Phường 1", "Quận 3")

# "Số: 14/2007/QĐ-UBND", "Số: 36 /KH - UBND", "Số: 409 /TTr-CAT(PC04)", "Số:      /KH-UBND"
NUMBER_SEARCH = nd30.NUMBER_SEARCH_RE
_DATE_SEARCH = nd30.DATE_SEARCH_RE
_YEAR_ONLY = re.compile(r"\b(?:thang|tháng)\b.{0,12}?\b(?:nam|năm)\s+(?P<year>(?:19|20)\d\d)\b")

# Citations: "Quyết định số 23/QĐ-TTg", "Chỉ thị số 28-CT/TW", "Nghị định 61/2018/NĐ-CP", "Văn bản số 01/BC-HHDN-K5"
CITED_TYPES = ("Luật|Bộ luật|Pháp lệnh|Nghị định|Nghị quyết|Quyết định|Chỉ thị|Thông tư liên tịch|Thông tư|Kế hoạch|"
               "Hướng dẫn|Hướng dân|Chương trình|Đề án|Công văn|Văn bản|Kết luận|Thông báo|Công điện|Quy định|Quy chế|"
               "Báo cáo|Tờ trình")
_CODE = (r"\d+[a-zA-Z]?(?:\s?/\s?(?:19|20)\d\d)?\s?[/-]\s?[A-ZĐ][A-Za-zĐđ0-9&]*"
         r"(?:\s?[-/]\s?[A-ZĐ0-9][A-Za-zĐđ0-9&]*)*(?:(?<=/QH) (?:1[0-9])(?!\d))?(?:\([A-Z0-9]+\))?")
CITATION_SEARCH = re.compile(rf"(?:(?<![\wÀ-ỹ])số|(?P<type>{CITED_TYPES}))\s*:?\s+(?P<code>{_CODE})(?![\wÀ-ỹ/])")
_BASIS_VERB = re.compile(r"^\s*(?:Căn cứ|Thực hiện|Triển khai|Tiếp tục thực hiện|Tiếp tục triển khai|Trên cơ sở|Theo|"
                         r"Thi hành|Để triển khai|Để thực hiện|Nhằm triển khai|Nhằm thực hiện|Thực hiện ý kiến|"
                         r"Thực hiện chỉ đạo)\b", re.I)
_PROPOSAL = re.compile(r"(?:theo|xét|trên cơ sở)\s+(?:đề nghị|đề xuất|tờ trình|ý kiến đề xuất)|^\s*xét\b", re.I)
# How a citation is introduced: after "," / "và" / "kèm theo" it is cited in its own right; after "về", "thực hiện",
# "ban hành Kế hoạch triển khai" … it is named inside the title of the document cited before it.
_PARALLEL = re.compile(r"(?:^|,|;|\bvà|\bkèm theo|\(|\bcùng)\s*$")
# "Nghị định số 63/2010/NĐ-CP … (đã được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP …)": the amending document
# is a basis too, not a document named inside the first one's title.
_AMENDED_BY = re.compile(r"\((?:đã\s+)?(?:được\s+)?sửa\s+đổi(?:,?\s*bổ\s+sung)?(?:\s+một\s+số\s+điều)?\s+"
                         r"(?:bởi|tại|theo)\s*$")


@dataclass
class Facts:
    doc_type: str | None = None
    issuer: str | None = None
    parent_issuer: str | None = None
    issuer_lines: list[str] = field(default_factory=list)   # the issuing body's lines as printed
    number: str | None = None
    number_year: str | None = None
    symbol: str | None = None
    date: str | None = None          # ISO, or "2025-12" / "2026" when the day or month is left blank
    place: str | None = None
    title: str | None = None
    bases: list[dict] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)   # fields printed but not legible (handwritten on a scan)
    date_partial: str | None = None  # the year (and month) read around an unreadable day: the plan's date meanwhile

    @property
    def code(self) -> str | None:
        if not self.symbol or not self.number:
            return None
        return f"{self.number}/{self.number_year}/{self.symbol}" if self.number_year else f"{self.number}/{self.symbol}"

    def finish(self) -> "Facts":
        if self.doc_type is None and self.symbol:
            self.doc_type = nd30.type_of_symbol(self.symbol)
        if self.doc_type is None and self.title and self.title.startswith(nd30.LETTER_SUBJECT_PREFIX):
            self.doc_type = nd30.LETTER
        names = {"issuer": "tên cơ quan ban hành", "symbol": "ký hiệu (dòng 'Số: …/…')",
                 "date": "ngày ban hành (dòng '<Địa danh>, ngày … tháng … năm …')", "place": "địa danh",
                 "title": "trích yếu", "doc_type": "tên loại văn bản"}
        self.missing = [label for key, label in names.items() if getattr(self, key) in (None, "")]
        return self


def compact(text: str) -> str:
    return re.sub(r"[^A-Z]", "", strip_diacritics(text).upper().replace("Đ", "D"))


def is_upper_line(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(not c.islower() for c in letters)


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", nfc(text)).strip()


# --- reading the head of a text copy -----------------------------------------------------------------------------

def text_items(raw: str) -> list[str | None]:
    """A web or text copy as lines, with BOUNDARY at blank lines, rules and "|" cell edges."""
    raw = nfc(raw).replace("\\r\\n", "\n").replace("\\n", "\n").replace("\r\n", "\n").replace("\r", "\n")
    items: list[str | None] = []
    for line in raw.split("\n"):
        cells = line.split("|")
        for index, cell in enumerate(cells):
            if index:
                items.append(BOUNDARY)
            text = clean(re.sub(r"^#+\s*", "", cell)).strip("*").strip()
            if not text or _SEPARATOR.match(text) and len(text) <= 40 and not re.search(r"\w\w\w", text):
                items.append(BOUNDARY)
            else:
                items.append(text)
    return items


def _qh_index(items: list[str | None], limit: int = 120) -> tuple[int, int] | None:
    """(first, last) item of the Quốc hiệu, possibly broken over lines ("CỘNG\\nHÒA XÃ HỘI …")."""
    for i, text in enumerate(items[:limit]):
        if text is None or not compact(text).startswith("CONG"):
            continue
        joined, last = "", i
        for j in range(i, min(len(items), i + 6)):
            if items[j] is None:
                continue
            joined += compact(items[j])
            last = j
            if len(joined) >= len(_QH_KEY):
                break
        if joined.startswith(_QH_KEY) or _QH_KEY in joined[:len(_QH_KEY) + 6]:
            return i, last
    return None


def _split_issuer(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(issuer, parent) from the upper-case lines of the left column: a new organisation word starts the issuer."""
    lines = [clean(l) for l in lines if l and l.strip() and "DỰ THẢO" not in l.upper()]
    if not lines:
        return None, None, []
    groups: list[list[str]] = [[lines[0]]]
    for line in lines[1:]:
        previous = " ".join(groups[-1])
        if _ORG_HEAD.match(line) and len(previous.split()) >= 2 and not re.search(r"\b(VÀ|CỦA)$", previous):
            groups.append([line])
        else:
            groups[-1].append(line)
    issuer = " ".join(groups[-1])
    parent = " ".join(" ".join(g) for g in groups[:-1]) or None
    return issuer, parent, groups[-1]


def _number(facts: Facts, text: str) -> bool:
    m = NUMBER_SEARCH.search(text)
    if not m:
        return False
    facts.number = m.group("number") or None
    facts.number_year = m.group("year")
    facts.symbol = re.sub(r"\s+", "", m.group("symbol").replace("–", "-")).rstrip(".-")
    return True


def _date(facts: Facts, text: str) -> bool:
    """Place and date from '<Địa danh>, ngày … tháng … năm …' (the place: the capitalised words before the comma)."""
    m = _DATE_SEARCH.search(text)
    if not m:
        y = _YEAR_ONLY.search(strip_diacritics(text).lower().replace("đ", "d")) if "th" in text else None
        if y:
            facts.date = y.group("year")
            return True
        return False
    before = text[:m.start()].split("¦")[-1].split()
    words: list[str] = []
    for k in range(len(before) - 1, -1, -1):
        token = before[k]
        if re.fullmatch(r"[^\W\d_][^\W\d_]*(?:-[^\W\d_]+)*", token) and token[0].isupper() and \
                not (len(token) > 1 and token[1:].replace("-", "").isupper() and token.isupper()):
            words.insert(0, token)
        elif token in ("phố",) and words:
            words.insert(0, token)
        elif words and re.fullmatch(r"(?:TP|Tp|T\.P|TX|Tx)\.", token):
            words.insert(0, token)   # "TP. Hồ Chí Minh, ngày …": kept as printed (lint-docx says it is abbreviated)
            break
        elif not words and re.fullmatch(r"\d{1,2}", token) and k and before[k - 1] in _NUMBERED_UNITS:
            words.insert(0, token)   # "Phường 1, ngày …": a ward or district named by its number
        elif token in ("-", "–") and words and k and before[k - 1][:1].isupper():
            words.insert(0, "-")     # "Bà Rịa - Vũng Tàu, ngày …": one province's name, not two words apart
        else:
            break
        if len(words) >= 6:
            break
    if words and words[0] == "phố":
        words = words[1:]
    motto_end = nd30.TIEU_NGU_TEXT.split()[-2:]
    if len(words) > len(motto_end) and [match_key(w) for w in words[:2]] == [match_key(w) for w in motto_end]:
        # "Độc lập - Tự do - Hạnh Phúc" (a capital P) run into the date line below it: the motto's end is no place
        words = words[len(motto_end):]
    facts.place = " ".join(words) or None
    date = m.group("year")
    if m.group("month"):
        date += f"-{int(m.group('month')):02d}"
        if m.group("day"):
            date += f"-{int(m.group('day')):02d}"
    facts.date = date
    return True


def facts_from_items(items: list[str | None], own_title: list[str] | None = None, type_line: str | None = None,
                     body: list[str] | None = None, issuer_lines: list[str] | None = None) -> Facts:
    """Facts from the head of a document given as items (text lines and BOUNDARY marks).

    For a DOCX the caller passes the header columns as items and the tên loại, trích yếu and body paragraphs it
    already knows; for a text copy everything is found in the items.
    """
    facts = Facts()
    qh = _qh_index(items)
    start = 0
    if issuer_lines is not None:
        facts.issuer, facts.parent_issuer, facts.issuer_lines = _split_issuer(issuer_lines)
    elif qh is not None:
        k = qh[0] - 1
        issuer_lines: list[str] = []
        while k >= 0:
            text = items[k]
            if text is None:
                k -= 1
                continue
            if len(text) <= 2 and not text.isalpha() or nd30.NUMBER_START_RE.match(text):
                k -= 1
                continue
            if is_upper_line(text) and ":" not in text and len(text) <= 90 and compact(text) != "":
                issuer_lines.insert(0, text)
                k -= 1
                continue
            break
        start = k + 1
        facts.issuer, facts.parent_issuer, facts.issuer_lines = _split_issuer(issuer_lines)
    else:
        # No Quốc hiệu (a copy that dropped it): the issuer is the block of upper-case lines that opens the text,
        # right before the "Số:" line — printed facts, not a guess.
        number_at = next((i for i, t in enumerate(items[:12]) if t and nd30.NUMBER_START_RE.match(t)), None)
        lines = [t for t in items[:number_at] if t] if number_at else []
        if lines and all(is_upper_line(t) and ":" not in t and len(t) <= 90 for t in lines):
            facts.issuer, facts.parent_issuer, facts.issuer_lines = _split_issuer(lines)
    # The head: from the issuer to the tên loại / trích yếu / first sentence.
    last_element = qh[1] if qh else -1
    for i in range(start, min(len(items), start + 40)):
        text = items[i]
        if text is None:
            continue
        if facts.symbol is None and nd30.NUMBER_START_RE.match(text):
            joined = text
            j = i + 1
            while re.fullmatch(r"Số\s*:\s*\d*\s*", joined) and j < len(items):
                if items[j] is not None:
                    joined = f"{joined} {items[j]}"
                j += 1
            if _number(facts, joined):
                last_element = max(last_element, j - 1 if joined != text else i)
                continue
        if qh and i <= qh[1]:
            continue
        if compact(text) == _TN_KEY or compact(text).startswith("DOCLAP"):
            last_element = max(last_element, i)
            continue
    # Date: over the head joined (cells separated by ¦), starting after the issuer.
    window: list[tuple[int, int]] = []
    joined = ""
    for i in range(start, min(len(items), start + 45)):
        text = items[i]
        if text is None:
            joined += " ¦ "
            continue
        if type_line is None and is_type_line_text(text) and i > last_element:
            break
        window.append((len(joined), i))
        joined += text + " "
    m = _DATE_SEARCH.search(joined)
    if qh is None and facts.symbol is None:
        pass   # no header at all (a copy that starts with the preamble): no date to read
    elif m and _date(facts, joined[:m.end()]):
        position = m.end()
        last_element = max(last_element, max(i for offset, i in window if offset <= position))
    elif _date(facts, joined):
        pass
    # Công văn: "V/v …" near the number, its continuation lines starting in lower case.
    subject: list[str] = []
    for i in range(start, min(len(items), start + 40)):
        text = items[i]
        prior = next((items[k] for k in range(i - 1, max(start, i - 3) - 1, -1) if items[k]), None)
        if text and (text.startswith(nd30.LETTER_SUBJECT_PREFIX) or (
                text.startswith("Về ") and prior and nd30.NUMBER_START_RE.match(prior))):
            # "Về Chương trình …" right under the Số line: a công văn's subject written without its "V/v"
            subject = [text]
            j = i + 1
            while j < len(items):
                nxt = items[j]
                if nxt is None:
                    j += 1
                    continue
                if nxt[:1].islower() or (nxt[:1].isdigit() and not _DATE_SEARCH.search(nxt)):
                    subject.append(nxt)
                    j += 1
                    continue
                break
            last_element = max(last_element, j - 1)
            break
    # Tên loại and trích yếu.
    title: list[str] = []
    kind = type_line
    i = last_element + 1
    if own_title is not None:
        title = own_title
    else:
        while i < len(items) and items[i] is None:
            i += 1
        if i < len(items) and items[i] and is_type_line_text(items[i]):
            kind = items[i]
            i += 1
        elif i < len(items) and items[i] and (split := _type_and_title(items[i], facts.symbol)):
            kind, items[i] = split   # "CHƯƠNG TRÌNH HÀNH ĐỘNG" (CTr-…): the tên loại, then the trích yếu begins
        while i < len(items):
            text = items[i]
            if text is None:
                if title and not is_upper_line(title[0]):
                    break   # a sentence-case trích yếu ends at the blank line under it
                i += 1
                continue
            if kind and not title and not is_upper_line(text) and not _SECTION_START.match(text):
                title.append(text)   # the line right under the tên loại is the trích yếu, whatever its case
                i += 1
                continue
            if title and not is_upper_line(title[0]):
                if _BASIS_VERB.match(text) or _SECTION_START.match(text) or re.search(r"[.;:]\s*$", title[-1]) \
                        or is_upper_line(text):
                    break
                title.append(text)
                i += 1
                continue
            if not is_upper_line(text) or _AUTHORITY_HEAD.match(text) or is_type_line_text(text) or \
                    (facts.issuer and match_key(text) == match_key(facts.issuer)) or re.match(r"^[IVX]+\.\s", text):
                break
            title.append(text)
            i += 1
    if kind:
        # the type line as OCR reads it ("QUYÉT ĐỊNH", "QUYẾT ĐỊ NH") by its letters alone
        facts.doc_type = _TYPE_NAMES.get(match_key(kind.strip())) or _TYPE_NAMES_BARE.get(compact(kind))
    if subject and not title:
        title = subject
        facts.doc_type = facts.doc_type or nd30.LETTER
    facts.title = re.sub(r"(?<![./])\.$", "", clean(" ".join(title))) or None   # a closing full stop is not the title's
    # Preamble: from after the title to the first section heading.
    if body is None:
        body = _paragraphs(items[i:] if (qh or title or facts.symbol) else items)
    facts.preamble = preamble_of(body)
    kind_now = facts.doc_type or nd30.type_of_symbol(facts.symbol)
    facts.bases = bases_in("\n".join(facts.preamble + basis_section(body)), own=facts.code,
                           received=kind_now == "Kế hoạch")
    return facts.finish()


def _type_and_title(text: str, symbol: str | None) -> tuple[str, str] | None:
    """An upper-case line that starts with the tên loại the ký hiệu names, then goes on: (tên loại, the rest)."""
    name = nd30.type_of_symbol(symbol)
    if not name or not is_upper_line(text):
        return None
    words, head = text.split(), name.upper().split()
    # by its letters too, as the type line alone is: OCR reads "QUYÉT ĐỊNH CHÁP THUẬN …" for "QUYẾT ĐỊNH CHẤP THUẬN …"
    if len(words) > len(head) and (match_key(" ".join(words[:len(head)])) == match_key(name)
                                   or compact(" ".join(words[:len(head)])) == compact(name)):
        return " ".join(words[:len(head)]), " ".join(words[len(head):])
    return None


def is_type_line_text(text: str) -> bool:
    return is_upper_line(text) and match_key(text.strip().rstrip(":")) in _TYPE_NAMES and not text.strip().endswith(":")


def _paragraphs(items: list[str | None]) -> list[str]:
    """Lines joined into paragraphs: a line continues the previous one unless the previous ended a sentence."""
    out: list[str] = []
    current = ""
    for text in items:
        if text is None:
            if current:
                out.append(current)
                current = ""
            continue
        if current and (re.search(r"[.;:!?]\s*$", current) and (text[:1].isupper() or _SECTION_START.match(text))
                        or _SECTION_START.match(text)):
            out.append(current)
            current = text
        else:
            current = f"{current} {text}" if current else text
    if current:
        out.append(current)
    return out


def preamble_of(paragraphs: list[str]) -> list[str]:
    """The paragraphs before the first section heading ("I.", "1.", "Điều 1", "QUYẾT ĐỊNH:"), addressee left out."""
    out = []
    for text in paragraphs:
        # "“1. Theo quy định tại …": another document's numbered points, quoted; the opening has ended.
        if _SECTION_START.match(text.strip().lstrip("“\"'‘")):
            break
        if _ADDRESSEE.match(text.strip()) or _AUTHORITY_HEAD.match(text.strip()) and is_upper_line(text):
            continue
        out.append(text.strip())
    return out


_BASIS_HEADING = re.compile(r"^(?:[IVX]+|\d+)\.\s*(?:CĂN CỨ|Căn cứ)\b")
_BASIS_SUBHEADING = re.compile(r"^\d+\.\s*(?:Căn cứ|Các văn bản|Văn bản)\b", re.I)


def basis_section(paragraphs: list[str]) -> list[str]:
    """The documents listed under a first section headed as the bases ("I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", then "1. Các
    văn bản chỉ đạo" and "- Luật …;" lines), as căn cứ clauses; empty when the plan has no such section."""
    out: list[str] = []
    inside = False
    for text in (t.strip() for t in paragraphs):
        if not inside:
            if _SECTION_START.match(text):
                if not _BASIS_HEADING.match(text):
                    return []
                inside = True
            continue
        if _SECTION_START.match(text) and not _BASIS_SUBHEADING.match(text):
            break
        # One line per document, "- …;" (a copy may have joined them): a dash after ";" or at the start opens one.
        items = re.split(r"(?:^|(?<=[;.:])\s*)[-–+]\s+", text)
        out += ["Căn cứ " + item.strip() for item in items[1:] if item.strip()]
    return out


_RECEIVED = re.compile(r"^\s*(?:Ủy ban nhân dân|UBND|Sở|Phòng)[^,;]{0,60}?\bnhận được\b")


def bases_in(text: str, own: str | None = None, received: bool = False) -> list[dict]:
    """The documents a preamble cites as its bases (căn cứ, thực hiện, triển khai, trên cơ sở …), in order.

    Left out: proposals (theo / xét đề nghị, Tờ trình of the drafting body), documents named inside another one's
    title, the document's own number. With *received* (a Kế hoạch), "UBND quận … nhận được Kế hoạch số …" is the
    document being implemented, so a basis; in a công văn it is only the subject of the letter.
    """
    found: list[dict] = []
    seen: set[str] = set()
    state = False
    # ", thực hiện Kế hoạch số 884/…" after a cited title: a second basis clause, not a document nested in that title
    for clause in re.split(r";|\n|\.\s+(?=[A-ZĐÀ-Ỹ])|:\s*$|,\s+(?=(?:thực hiện|căn cứ|triển khai)\s+(?:"
                           + CITED_TYPES + r")\s+số\b)", nfc(text)):
        clause = clean(clause)
        # "Căn cứ các Nghị định của Chính phủ: Số 63/2010/NĐ-CP …": a list opened by a colon, its first item capitalised.
        clause = re.sub(r":\s*Số\s+(?=\d)", ": số ", clause).strip()
        if not clause:
            continue
        if _PROPOSAL.search(clause[:40]):
            state = False
            continue
        if _BASIS_VERB.match(clause) or (received and _RECEIVED.match(clause)):
            state = True
        elif state and clause[:1].islower() and not CITATION_SEARCH.match(clause):
            # "; đề xuất nhiệm vụ …": a ";" inside the cited document's title, not the end of the basis clause; what
            # it names is nested in that title, and the next clause may still cite ("; Công văn số 336/…").
            continue
        elif not (state and (CITATION_SEARCH.match(clause) or re.match(rf"^(?:và\s+)?(?:{CITED_TYPES})\b", clause))):
            state = False
        if not state:
            continue
        cut = re.search(r",?\s*(?:theo|xét|trên cơ sở)\s+(?:đề nghị|đề xuất)", clause, re.I)
        if cut:
            clause = clause[:cut.start()]
        own_act = re.search(r",\s*(?:Ủy ban|UBND|Sở|Chủ tịch|Ban|Bộ)[^,]{0,60}?\b(?:ban hành|xây dựng|báo cáo|"
                            r"hướng dẫn|đề nghị|trình)\b", clause)
        if own_act:
            clause = clause[:own_act.start()]
        previous_end = None
        for m in CITATION_SEARCH.finditer(clause):
            code = re.sub(r"\s+", "", m.group("code"))
            gap = clause[previous_end:m.start()] if previous_end is not None else ""
            if m.group("type") is None:
                gap = re.sub(rf"(?:{CITED_TYPES})\s*$", "", gap.rstrip())
            if previous_end is not None and not _PARALLEL.search(gap.rstrip()) and not _AMENDED_BY.search(gap.rstrip()):
                previous_end = m.end()
                continue
            previous_end = m.end()
            if code in seen or (own and code == own):
                continue
            seen.add(code)
            kind = m.group("type")
            if kind is None:
                before = clause[max(0, m.start() - 40):m.start()]
                kinds = re.findall(CITED_TYPES, before)
                kind = kinds[-1] if kinds else None
            if kind == "Hướng dân":
                kind = "Hướng dẫn"
            found.append({"type": kind or "Văn bản", "code": code})
    return found


# --- entry points ------------------------------------------------------------------------------------------------

def facts_from_docx(document) -> Facts:
    """Facts of any DOCX: its header column(s), tên loại, trích yếu (or V/v) and the paragraphs of its body."""
    from .reader import find_regions, paragraph_text

    regions = find_regions(document)
    left, right = regions.header_columns()
    issuer_lines = []
    for line in left:
        if nd30.NUMBER_START_RE.match(line) or re.match(r"^(V/v|Về việc)", line):
            break
        if is_upper_line(line):
            issuer_lines.append(line)
    items: list[str | None] = [*left, BOUNDARY, *right, BOUNDARY]
    title = [clean(paragraph_text(p).replace("\n", " ")) for p in regions.title]
    type_line = clean(paragraph_text(regions.type_line)) if regions.type_line is not None else None
    body = [clean(paragraph_text(p).replace("\n", " ")) for p in regions.body_paragraphs()]
    if type_line is None and not title and body and (split := _heading_type_and_title(body[0])):
        # "QUYẾT ĐỊNH CHẤP THUẬN CHỦ TRƯƠNG ĐẦU TƯ / ĐỒNG THỜI …": the tên loại and the trích yếu as one heading in
        # capitals, its further lines in capitals too, up to the line that is not (the "(Cấp lần đầu …)" note)
        type_line, title = split[0], [split[1]]
        k = 1
        while k < len(body) and is_upper_line(body[k]) and not _AUTHORITY_HEAD.match(body[k]) \
                and not nd30.ENACTING_AUTHORITY_RE.match(body[k]) and not is_type_line_text(body[k]):
            title.append(body[k])
            k += 1
        body = body[k:]
    return facts_from_items(items, own_title=title, type_line=type_line, body=body, issuer_lines=issuer_lines)


def _heading_type_and_title(text: str) -> tuple[str, str] | None:
    """A heading in capitals that starts with a tên loại (by its letters: OCR reads "QUYÉT ĐỊNH") and goes on:
    (tên loại, the rest)."""
    if not is_upper_line(text):
        return None
    words = text.split()
    for bare, name in sorted(_TYPE_NAMES_BARE.items(), key=lambda kv: -len(kv[1].split())):
        n = len(name.split())
        if len(words) > n + 1 and compact(" ".join(words[:n])) == bare:
            return " ".join(words[:n]), " ".join(words[n:])
    return None


def facts_from_text(raw: str) -> Facts:
    return facts_from_items(text_items(raw))


def document_facts(path) -> Facts:
    """Facts of a .docx or a .txt/.md file."""
    from pathlib import Path

    from .reader import open_document

    path = Path(path)
    if path.suffix.lower() == ".docx":
        return facts_from_docx(open_document(path))
    return facts_from_text(path.read_text(encoding="utf-8-sig"))
