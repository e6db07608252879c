"""Nghị định 30/2020/NĐ-CP as data: the facts kehoach prints and checks, each with the part of the decree it comes from.

Everything that renders, lints, imports or finishes a document takes these facts from here, so the renderer and
`lint-docx` cannot drift apart. Sources: Phụ lục I (thể thức, kỹ thuật trình bày), Phụ lục III (chữ viết tắt,
mẫu), Phụ lục VI (thông tin đầu ra của văn bản đi); see shared/reference/nd30.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The decree's line patterns (the *_RE names below) are compiled on first use: most commands read none of them, and
# compiling all of them costs every start-up about 6 ms.
_LAZY: dict[str, str] = {}


def __getattr__(name: str) -> re.Pattern:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    pattern = globals()[name] = re.compile(_LAZY[name])
    return pattern

# --- Page (Phụ lục I §I) ------------------------------------------------------------------------------------------

A4_MM = (210, 297)
MARGINS_MM = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
# The decree gives one set of margins for the A4 page and allows a page turned landscape for wide tables (Phụ lục I
# §I) without other margins: a landscape page keeps top 20–25, bottom 20–25, left 30–35, right 15–20 mm.
LANDSCAPE_MARGINS_MM = MARGINS_MM
# What kehoach prints: the low end of each range, in twips rounded up so no margin falls a hair under its minimum.
PRINTED_MARGINS_TWIPS = {"top": 1134, "bottom": 1134, "left": 1701, "right": 851, "header": 567, "footer": 567}
FONT = "Times New Roman"


# --- Elements of the document (Phụ lục I §II–III, ô số of §IV) ----------------------------------------------------

@dataclass(frozen=True)
class Element:
    """One printed element: its Vietnamese name, the size range the decree allows and the size kehoach prints."""

    name: str
    sizes: tuple[float, float]
    printed: float
    bold: bool = False
    italic: bool = False
    upper: bool = False

    def size_ok(self, size: float) -> bool:
        return self.sizes[0] <= size <= self.sizes[1]

    @property
    def size_text(self) -> str:
        low, high = (f"{s:g}" for s in self.sizes)
        return low if low == high else f"{low}–{high}"


QUOC_HIEU = Element("Quốc hiệu", (12, 13), 12, bold=True, upper=True)                 # ô 1
TIEU_NGU = Element("Tiêu ngữ", (13, 14), 13, bold=True)                                # ô 1
GOVERNING_BODY = Element("tên cơ quan chủ quản", (12, 13), 13, upper=True)            # ô 2
ISSUER = Element("tên cơ quan ban hành", (12, 13), 13, bold=True, upper=True)         # ô 2
NUMBER = Element("số, ký hiệu", (13, 13), 13)                                          # ô 3
PLACE_DATE = Element("địa danh, ngày tháng năm", (13, 14), 13, italic=True)            # ô 4
TYPE_NAME = Element("tên loại văn bản", (13, 14), 14, bold=True, upper=True)           # ô 5a
TITLE = Element("trích yếu", (13, 14), 14, bold=True)                                  # ô 5a
LETTER_SUBJECT = Element("trích yếu của công văn (V/v)", (12, 13), 12)                 # ô 5b
BASIS = Element("căn cứ ban hành", (13, 14), 14, italic=True)                          # ô 6
BODY = Element("nội dung", (13, 14), 14)                                               # ô 6
AUTHORITY = Element("quyền hạn, chức vụ người ký", (13, 14), 14, bold=True, upper=True)  # ô 7a
SIGNER_NAME = Element("họ tên người ký", (13, 14), 14, bold=True)                      # ô 7b
RECIPIENTS_HEAD = Element("chữ 'Nơi nhận:'", (12, 12), 12, bold=True, italic=True)     # ô 9b
RECIPIENT_LINE = Element("dòng nơi nhận", (11, 11), 11)                                # ô 9b
PAGE_NUMBER = Element("số trang", (13, 14), 14)
ANNEX_LABEL = Element("chữ 'Phụ lục'", (14, 14), 14, bold=True)
ANNEX_TITLE = Element("tên phụ lục", (13, 14), 14, bold=True, upper=True)
ANNEX_REFERENCE = Element("dòng 'Kèm theo …' của phụ lục", (13, 14), 14, italic=True)

# Rules (đường kẻ) under header lines, as a share of the text above them.
RULE_UNDER_ISSUER = (1 / 3, 1 / 2)      # 1/3 to 1/2 of the issuing body's name
RULE_UNDER_TIEU_NGU = (1.0, 1.0)        # as long as the motto
RULE_UNDER_TITLE = (1 / 3, 1 / 2)       # 1/3 to 1/2 of the trích yếu

# Body paragraphs (Phụ lục I §II.6).
FIRST_LINE_INDENTS_CM = (1.0, 1.27)
INDENT_TOLERANCE_CM = 0.05
MIN_PARAGRAPH_SPACING_PT = 6
LINE_SPACING = (1.0, 1.5)

# --- Words printed the same way on every document ----------------------------------------------------------------

QUOC_HIEU_TEXT = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
QUOC_HIEU_VARIANTS = (QUOC_HIEU_TEXT, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")  # the decree itself writes both
TIEU_NGU_TEXT = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_LABEL = "Nơi nhận:"
ARCHIVE_PREFIX = "Lưu:"                  # last recipient line: "- Lưu: VT, <đơn vị soạn thảo>."
# Phụ lục I §II.9b: "Lưu: VT, <viết tắt tên đơn vị soạn thảo>, số lượng bản" — the drafting unit is not optional.
_LAZY["ARCHIVE_LINE_RE"] = r"^- Lưu: VT,\s*\S.*\.$"
END_MARK = "./."                         # the body ends with it (every sample of Phụ lục III)
LETTER_SUBJECT_PREFIX = "V/v"

# Authority before the signer's title (Phụ lục I §II.7): thay mặt, ký thay, thừa lệnh, thừa ủy quyền, quyền.
AUTHORITY_PREFIXES = ("TM", "KT", "TL", "TUQ", "Q")
_LAZY["AUTHORITY_RE"] = r"^(?:TM|KT|TL|TUQ|Q)\. "
_LAZY["AUTHORITY_LOOSE_RE"] = r"^(TM|KT|TL|TUQ|Q)\b\.?"   # also "KT CHỦ TỊCH", to point out the missing dot
_LAZY["AUTHORITY_START_RE"] = r"^(?:TM|KT|TL|TUQ|Q)\."   # the prefix, with or without its space
_LAZY["AUTHORITY_NO_SPACE_RE"] = r"^(?:TM|KT|TL|TUQ|Q)\.\S"   # "KT.CHỦ TỊCH": a slip, not a missing dot
_LAZY["AUTHORITY_SPLIT_RE"] = r"(?=\b(?:TM|KT|TL|TUQ|Q)\. )"
# Under the trích yếu of a Quyết định or Nghị quyết, the authority that enacts it, in capitals, on a line of its own
# (Phụ lục III, forms 1.x and 1.4, "THẨM QUYỀN BAN HÀNH"): not a line of the trích yếu.
_LAZY["ENACTING_AUTHORITY_RE"] = (r"^(?:CHỦ TỊCH|THỦ TƯỚNG|BỘ TRƯỞNG|GIÁM ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|VIỆN TRƯỞNG|"
                                  r"CHÁNH ÁN|HIỆU TRƯỞNG|HỘI ĐỒNG NHÂN DÂN|[ỦU]Y BAN NHÂN DÂN|CHÍNH PHỦ$)")

# One group of a ký hiệu (Phụ lục I §II.3: the type's abbreviation, the issuer's, the drafting unit's), as agencies
# really write them: "UBND", "SLĐTBXH", "UBND.VX" (a unit after a dot), "CAT(PC04)" (the drafting unit in brackets).
# Groups are joined by "-" (state bodies: "KH-UBND") or "/" (Party bodies "CT/TW"; a Sở's unit "CV-SYT/NVY").
SYMBOL_GROUP = r"[A-ZĐ0-9](?:[A-Za-zĐđ0-9&]|\.(?=[A-Za-zĐđ0-9]))*(?:\([A-Za-zĐđ0-9&.-]+\))?"
SYMBOL_FIRST_GROUP = r"[A-ZĐ](?:[A-Za-zĐđ0-9&]|\.(?=[A-Za-zĐđ0-9]))*(?:\([A-Za-zĐđ0-9&.-]+\))?"
SYMBOL_EXAMPLE = "KH-UBND"

# "Số: 07/KH-UBND" (Phụ lục I §II.3); spaces around "/" and "-" tolerated on reading, never printed, and so are a
# period or dots typed after the number ("Số: 3070. /KH-UBND").
_LAZY["NUMBER_LINE_RE"] = r"^Số\s*:?\s*(?P<number>\d*)[\s.…]*/\s*(?P<symbol>[^\s/][^\n]*?)\s*$"
# The same at the start of a line that may go on (web copies join table cells): "Số: 36 /KH - UBND".
_LAZY["NUMBER_PREFIX_RE"] = (r"^Số\s*:?\s*(?P<number>\d*)[\s.…]*/\s*(?P<symbol>" + SYMBOL_FIRST_GROUP
                             + r"(?:\s*-\s*" + SYMBOL_GROUP + r"|/" + SYMBOL_GROUP + r")*)")
# Where a "Số:" line starts, and the same found anywhere in a line (web copies, text boxes), tolerant of the
# spaces and dashes real documents put in: "Số: 14/2007/QĐ-UBND", "Số: 36 /KH - UBND", "Số: 409 /TTr-CAT(PC04)".
# OCR reads "Só:", "Sô:" or "Sá:" for "Số:" on a scan.
_LAZY["NUMBER_START_RE"] = r"^S[ốóôồổá]\s*:"
# The Số line and the date line as OCR gives them on a scan: the number part may be crumbs of handwriting ("Số:96ÿđ
# /BCA-C04"), the day and month blank or garbled ("ngày“$ tháng năm 2026"); the place before ", ngày" kept.
_LAZY["OCR_NUMBER_LINE_RE"] = r"^S[ốóôồổá]\s*[:;.]?\s*(?P<number>[^/]*?)\s*/\s*(?P<symbol>[A-ZĐ][A-Za-zĐđ0-9&().\-]*)"
# The place's words start with a capital and stand apart ("NQ-CP Hà Nội, ngày": "CP" is the ký hiệu's), after
# "Thành phố" in lower case ("Thành phố Hồ Chí Minh, ngày"); "ngày" may have its end written over by the pen's day
# ("Hà Nội, ngàw)Ÿ tháng năm 2025") when "tháng" follows it, and the day be read as two crumbs ("ngày 4 0) tháng");
# "Tp." glued to the city's name ("Tp.Hồ Chí Minh") is printed so.
_LAZY["OCR_DATE_LINE_RE"] = (r"(?:(?<![\w/-])(?P<place>(?:Thành phố\s+|T[Pp]\.\s*)?[A-ZĐ][^\W\d_]*(?:(?:\s+|\s*[-–]\s*)[A-ZĐ][^\W\d_A-ZĐ]*){0,4}"
                              r"(?:\s+\d{1,2}(?=\s*,))?)\s*,\s*)?"
                              r"(?i:ngày|ng[àa]\S{0,3}(?=\s+tháng))\s*(?P<day>(?:\S{1,3}\s+)?\S*?)\s*(?i:tháng)\s*(?P<month>\S*?)\s*(?i:năm)\s*"
                              r"(?P<year>\d{4}(?!\S)|\S{1,6})")
_LAZY["NUMBER_SEARCH_RE"] = (r"(?<![\wÀ-ỹ])Số\s*:\s*(?P<number>\d+[a-z]?)?[\s.…]*(?:/\s*(?P<year>(?:19|20)\d\d)\s*)?/\s*"
                             rf"(?P<symbol>{SYMBOL_FIRST_GROUP}(?:\s*[-–]\s*{SYMBOL_GROUP}|/{SYMBOL_GROUP})*)")
# A ký hiệu as printed and as a plan stores it: at least two groups, no spaces (Phụ lục I §II.3).
_LAZY["SYMBOL_RE"] = rf"^{SYMBOL_FIRST_GROUP}(?:[-/]{SYMBOL_GROUP})+$"
# Phụ lục I §II.4: a unit named after a person, a number or an event is written in full ("Thành phố Hồ Chí Minh",
# not "TP. Hồ Chí Minh" or "TP. HCM"); the abbreviated forms seen in real documents.
_LAZY["PLACE_ABBREVIATED_RE"] = r"^(?:T\.?P|Tp|TX|Tx)\.\s*|\bHCM\b"
# "<Địa danh>, ngày 06 tháng 01 năm 2025" (Phụ lục I §II.4); blanks before issue are dots or spaces.
_LAZY["DATE_LINE_RE"] = (r"^(?P<place>[^,\n]{2,60}),\s*ngày\s*(?P<day>\d*)[\s.…]*tháng\s*(?P<month>\d*)[\s.…]*"
                         r"năm\s*(?P<year>\d{4})\s*$")


# The place-and-date line found inside a longer line; blanks before issue may be dots, ellipses or underscores.
_LAZY["DATE_SEARCH_RE"] = r",\s*ngày\s*(?P<day>\d{0,2})[\s.…_]*tháng\s*(?P<month>\d{0,2})[\s.…_]*năm\s*(?P<year>\d{4})"


def clean_symbol(symbol: str) -> str:
    """A ký hiệu as the decree writes it: groups joined without spaces ("KH - UBND" → "KH-UBND", "TTr-CAT (PC04)" →
    "TTr-CAT(PC04)", "CV-SYT / NVY" → "CV-SYT/NVY"); an en dash typed for the hyphen becomes the hyphen."""
    symbol = re.sub(r"\s*[-–]\s*", "-", symbol.strip())
    return re.sub(r"\s*([/.(])\s*", r"\1", symbol).replace(" )", ")")


# The blank of an unissued number: with the space after "Số:", as wide as " 07" in Times, so a one- or two-digit
# number filled in at signing sits one space after the colon and against the "/" (0.25 em a space, 0.5 em a digit).
NUMBER_BLANK = "    "
# The blank of an unissued day or month: two digits wide, so "06" filled in at signing has one space on each side
# (a one-digit month, 3 to 9, is centred: half a digit more on each side).
DATE_BLANK = "    "


def number_text(number: int | None) -> str:
    """The number as printed: a leading zero below 10; blank (spaces) until issue."""
    return f"{number:02d}" if number is not None else NUMBER_BLANK


# A document not yet issued carries no number and is marked "DỰ THẢO" (framed, upper case) in the Số cell, as the
# drafts in tests/fixtures/real do (docx-004) [P]: ND30 itself numbers a document only at issue (Điều 15, 16).
DRAFT_MARK = "DỰ THẢO"


def number_line(number: int | None, symbol: str) -> str:
    return f"Số: {number_text(number)}/{symbol}"


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Months 1 and 2 take a leading zero, the others none (Phụ lục I §II.4)."""
    return f"{month:02d}" if month <= 2 else str(month)


# --- Document types (Phụ lục III §I) -------------------------------------------------------------------------------

TYPE_ABBREVIATIONS = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ",
    "Thông cáo": "TC", "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH",
    "Phương án": "PA", "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr",
    "Hợp đồng": "HĐ", "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM", "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC",
    "Phiếu báo": "PB", "Bản sao y": "SY", "Bản trích sao": "TrS", "Bản sao lục": "SL",
}
# Legal documents a plan implements but never is (Luật Ban hành văn bản quy phạm pháp luật): their số carries the
# year of issue, "Số: 10/2022/TT-BLĐTBXH".
LEGAL_TYPE_ABBREVIATIONS = {"Thông tư": "TT", "Thông tư liên tịch": "TTLT", "Nghị định": "NĐ"}
ALL_TYPE_ABBREVIATIONS = {**TYPE_ABBREVIATIONS, **LEGAL_TYPE_ABBREVIATIONS}
LETTER = "Công văn"   # the one common type with no type line: its trích yếu is "V/v …" under the number


@dataclass(frozen=True)
class Form:
    """What the first page of one document type looks like (Phụ lục III, Mẫu 1.x)."""

    type_name: str
    has_type_line: bool = True        # "KẾ HOẠCH" centred above the trích yếu
    italic_bases: bool = False        # a block of căn cứ lines, in italics (Quyết định, Nghị quyết, Kế hoạch)
    articles: bool = False            # "Điều 1." …
    addressee: bool = False           # "Kính gửi:" line
    sample: str = "Mẫu 1.4"


FORMS = {
    "Kế hoạch": Form("Kế hoạch", italic_bases=True),
    "Quyết định": Form("Quyết định", italic_bases=True, articles=True, sample="Mẫu 1.3"),
    "Nghị quyết": Form("Nghị quyết", italic_bases=True, articles=True, sample="Mẫu 1.2"),
    "Chỉ thị": Form("Chỉ thị", sample="Mẫu 1.4"),
    "Công văn": Form("Công văn", has_type_line=False, addressee=True, sample="Mẫu 1.5"),
    "Tờ trình": Form("Tờ trình", addressee=True),
    "Báo cáo": Form("Báo cáo"),
    "Thông báo": Form("Thông báo"),
    "Hướng dẫn": Form("Hướng dẫn"),
    "Chương trình": Form("Chương trình"),
}


def type_of_symbol(symbol: str | None) -> str | None:
    """The document type a ký hiệu names by its first group ("KH-UBND" → Kế hoạch); None for a công văn's."""
    if not symbol:
        return None
    first = re.split(r"[-/]", symbol.strip())[0].upper()
    return next((name for name, abbr in ALL_TYPE_ABBREVIATIONS.items() if abbr.upper() == first), None)


def form_of(type_name: str | None) -> Form:
    """The form for a type name; types without their own entry follow the general 'văn bản có tên loại' form."""
    if not type_name:
        return FORMS[LETTER]
    key = type_name.strip().capitalize()
    return FORMS.get(key, Form(key))


# --- Electronic documents (Phụ lục VI, outgoing-document fields) ---------------------------------------------------

# (name in the e-office exchange, Vietnamese description, maximum length or None)
OUTGOING_FIELDS = [
    ("OrganId", "Mã định danh của cơ quan, tổ chức ban hành", 13),
    ("TypeName", "Tên loại văn bản", 100),
    ("CodeNumber", "Số của văn bản", 11),
    ("CodeNotation", "Ký hiệu của văn bản", 30),
    ("IssuedDate", "Ngày, tháng, năm ban hành", 10),
    ("OrganName", "Tên cơ quan, tổ chức ban hành", 200),
    ("Subject", "Trích yếu nội dung", 500),
    ("Language", "Ngôn ngữ", 30),
    ("PageAmount", "Số trang của văn bản", 3),
    ("SignerPosition", "Chức vụ của người ký", 100),
    ("SignerFullName", "Họ và tên người ký", 50),
    ("To", "Nơi nhận", None),
    ("Priority", "Độ khẩn", 1),
    ("DueDate", "Hạn xử lý", 10),
]


# --- Digital signatures on electronic documents (Phụ lục I §II.7d, §II.8, §III.1; Điều 32) -------------------------

# The signer's signature image: blue, transparent PNG, centred between the authority/position lines and the name.
SIGNER_IMAGE_COLOUR = "blue"
# The body's signature image: its seal, red, transparent PNG, at the seal's real size, over about the left third
# of the signer's signature image.
SEAL_IMAGE_COLOUR = "red"
SEAL_OVER_SIGNATURE = 1 / 3
# Printed seal size when the PNG carries no resolution: a common UBND seal diameter. [P] — the seal sizes are set
# by the rules on seals (not ND30); 35–36 mm is what UBND seals commonly measure. Not a decree fact.
SEAL_DIAMETER_MM = 36
# The body's signature on an electronic copy, or on an annex in its own file: top right of page 1 (ô 14), no image,
# Times New Roman 10 pt, upright, black: the number and symbol, and the signing time.
ELECTRONIC_SIGNATURE_TEXT_PT = 10
# Signing times: date, hh:mm:ss and the Vietnam time zone, ISO 8601.
SIGNING_TIME_ZONE = "+07:00"
