"""Recognising a plan's structure in its paragraphs; whatever is not recognised stays as prose, never dropped."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from .. import limits, nd30
from ..loading.registry import Registry
from ..model.textcheck import printable_line
from ..model.units import CENTRAL_CITIES, KIND_PATTERN, level_of
from ..text import match_key, slug
from ..ooxml.facts import Facts, facts_from_items, is_upper_line
from .sources import LABEL, Para

ROMAN = re.compile(r"^[IVX]+\.$")
NUMBER_LINE = nd30.NUMBER_PREFIX_RE
DATE_LINE = nd30.DATE_LINE_RE
DOC_TYPES = "Luật|Nghị định|Nghị quyết|Quyết định|Chỉ thị|Thông tư liên tịch|Thông tư|Kế hoạch|Hướng dẫn|Chương trình|Đề án"
CITATION = re.compile(
    rf"(?P<type>{DOC_TYPES})(?: số)? (?P<code>\d+[a-z]?(?:/\d{{4}})?\s?[/-]\s?[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s?[-/]\s?[A-ZĐ][A-Za-zĐđ0-9&]*)*)"
    r"(?:,? ngày (?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>\d{4})|,? ngày (?P<d2>\d{1,2}) tháng (?P<m2>\d{1,2}) năm (?P<y2>\d{4}))?"
    r"(?: của (?P<issuer>(?:Bộ trưởng |Ban |Bộ |Thủ tướng |Chính phủ|Sở |Ủy ban |Tòa án |Hội đồng )[^;,.()]*?)(?= về | phê duyệt| ban hành| thực hiện| triển khai|[;,.(]|$))?")
LAW = re.compile(r"Luật (?P<name>[A-ZĐ][\wÀ-ỹ ]+?) năm (?P<year>\d{4})")
PERCENT = re.compile(r"(?P<low>\d+(?:[.,]\d+)?)\s*(?:-\s*(?P<high>\d+(?:[.,]\d+)?))?\s*%")
DEADLINE = re.compile(r"trước ngày\s*\**\s*(?P<d>\d{1,2})\s*(?:/|tháng\s*)(?P<m>\d{1,2})(?:\s*(?:/|năm\s*)(?P<y>\d{4}))?")
# "trước ngày 20 hằng tháng", "trước ngày 20 hằng quý", "trước ngày 20 tháng cuối quý": kept as the first month's
# (quarter's) date, the way a six-monthly due is kept as the first half's (reporting_due reads them back).
RECURRING_DEADLINE = re.compile(r"trước ngày\s*\**\s*(?P<d>\d{1,2})\s*(?:(?:của )?(?:hằng|hàng|mỗi) (?P<k>tháng|quý)"
                                r"|(?:của )?(?P<last>tháng cuối (?:của )?(?:mỗi |hằng |hàng )?quý))")
# "chậm nhất trong tháng 6", "chậm nhất vào tháng 12/2026": by the last day of that month.
MONTH_DEADLINE = re.compile(r"chậm nhất (?:là |vào )?(?:trong )?tháng (?P<m>\d{1,2})(?:\s*(?:/|năm\s*)(?P<y>\d{4}))?")
PERIOD_WORDS = [("6_thang", re.compile(r"(?:0?6|sáu) tháng")), ("quy", re.compile(r"\bquý\b")),
                ("nam", re.compile(r"(?:hằng|hàng|01|một)? ?năm\b|kết quả năm"))]
BUDGET_SOURCES = [("ngan_sach_trung_uong", "trung ương"), ("ngan_sach_dia_phuong", "ngân sách địa phương"),
                  ("ngan_sach_dia_phuong", "ngân sách quận"), ("ngan_sach_dia_phuong", "ngân sách huyện"),
                  ("ngan_sach_nha_nuoc", "ngân sách nhà nước"), ("long_ghep", "lồng ghép"),
                  ("tai_tro", "tài trợ"), ("xa_hoi_hoa", "xã hội hóa"), ("xa_hoi_hoa", "huy động từ xã hội"),
                  ("hop_phap_khac", "hợp pháp khác")]
UNIT_RE = re.compile(r"(?:Ủy ban nhân dân|UBND) (?P<kind>" + KIND_PATTERN + r") "
                     r"(?P<name>[A-ZĐ][\wÀ-ỹ]*(?: [A-ZĐ][\wÀ-ỹ]*)*)")
AUTHORITY = nd30.AUTHORITY_RE
_ISSUING = re.compile(r"(?:Ủy ban nhân dân|UBND) (?:" + KIND_PATTERN + r")(?: [A-ZĐ][\wÀ-ỹ]*)* (?:xây dựng|ban hành)\b")
SYMBOL_SHAPE = nd30.SYMBOL_RE   # the shape the model accepts

_MOTTO_KEYS = {match_key(t) for t in (*nd30.QUOC_HIEU_VARIANTS, nd30.TIEU_NGU_TEXT)}


class ImportRefused(Exception):
    """No valid plan can be made: facts the model requires are not in the text. `missing`: (field, what, option)."""

    def __init__(self, missing: list[tuple[str, str, str]]):
        super().__init__(", ".join(what for _, what, _ in missing))
        self.missing = missing


@dataclass
class Recognition:
    tree: dict
    recognised: dict = field(default_factory=dict)
    prose: int = 0
    warnings: list[str] = field(default_factory=list)   # what was inferred, and from which line


def _quote(text: str, at: int = 0, limit: int = 90) -> str:
    """*text* as quoted in a message: whole if short, else the part around position *at*, cut with "…"."""
    if len(text) <= limit:
        return text
    start = max(0, min(at - limit // 2, len(text) - limit))
    return ("…" if start else "") + text[start:start + limit].strip() + ("…" if start + limit < len(text) else "")


def _level_of(label: str) -> int:
    if ROMAN.match(label):
        return 1
    if re.fullmatch(r"\d+\.\d+\.", label):
        return 3
    if re.fullmatch(r"\d+\.", label):
        return 2
    if re.fullmatch(r"[a-zđ]\)", label):
        return 3
    return 4


def _build(paragraphs: list[str]) -> list[dict]:
    root = {"blocks": [], "_level": 0}
    stack = [root]
    for text in paragraphs:
        match = LABEL.match(text)
        if match:
            level = _level_of(match.group("label"))
            node = {"label": match.group("label"), "_rest": match.group("rest"), "blocks": [], "_level": level}
            while stack[-1]["_level"] >= level:
                stack.pop()
            stack[-1]["blocks"].append(node)
            stack.append(node)
        else:
            node = {"text": text, "blocks": [], "_level": 9}
            while stack[-1]["_level"] >= 4:
                stack.pop()
            stack[-1]["blocks"].append(node)
    return [_finish(b) for b in root["blocks"]]


def _finish(node: dict) -> dict:
    if "_rest" in node:
        rest = node.pop("_rest")
        split = re.match(r"^([^:“\"]{1,45}):\s+(\S.*)$", rest) if node["_level"] <= 3 else None
        if node["_level"] == 1:
            node["title"] = rest
        elif split:
            node["title"], node["text"] = split.group(1), split.group(2)
        elif node["blocks"] and node["_level"] <= 3:
            node["title"] = rest
        else:
            node["text"] = rest
    node.pop("_level", None)
    for child in node["blocks"]:
        _finish(child)
    if not node["blocks"]:
        node.pop("blocks")
    return node


def _walk(blocks):
    for block in blocks:
        yield block
        yield from _walk(block.get("blocks", []))


_LEVEL_WORDS = [("trung_uong", re.compile(r"^(BỘ|THỦ TƯỚNG|CHÍNH PHỦ|VĂN PHÒNG CHÍNH PHỦ|ỦY BAN DÂN TỘC|UỶ BAN DÂN TỘC|"
                                          r"QUỐC HỘI|TỔNG CỤC|BO )|\bCỦA (?:THỦ TƯỚNG )?CHÍNH PHỦ$")),
                # a Sở is a specialised body of the province's people's committee (Luật Tổ chức chính quyền địa
                # phương): "SỞ CÔNG THƯƠNG / ĐOÀN KIỂM TRA …" is provincial though no province is named
                ("tinh", re.compile(r"^SỞ\b|\b(TỈNH|THÀNH PHỐ (?:HÀ NỘI|HỒ CHÍ MINH|HẢI PHÒNG|ĐÀ NẴNG|CẦN THƠ|HUẾ))\b")),
                ("huyen", re.compile(r"\b(HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ)\b")),
                ("xa", re.compile(r"\b(XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\b"))]
# A governing body named as national ("… QUỐC GIA", "… VIỆT NAM", "TRUNG ƯƠNG …"): its units are of central level.
_NATIONAL = re.compile(r"\b(QUỐC GIA|VIỆT NAM|TRUNG ƯƠNG)\b")
_AGENCY_LISTS = ("lead", "cooperating", "from", "to", "via")
_LEVEL_NAMES = {"trung_uong": "trung ương", "tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}
_UNIT_UPPER = re.compile(r"(?:ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|UBND)\s+(?P<kind>TỈNH|THÀNH PHỐ|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|"
                         r"THỊ TRẤN|ĐẶC KHU)\s+(?P<name>.+)$")


_ATTACHED = re.compile(r"^\(?\s*(?:Ban hành )?[Kk]èm theo (?:" + DOC_TYPES + r")\b")


def _attached(body: list[str], recipients_at: int | None) -> tuple[int, int] | None:
    """Where the text issued with a decision starts after its signature: (its title's first line, its content)."""
    if recipients_at is None:
        return None
    for index in range(recipients_at + 1, len(body)):
        if _ATTACHED.match(body[index].strip(" *")):
            title = lambda i: i > recipients_at and not body[i].startswith("- ") and not AUTHORITY.match(body[i])  # noqa: E731
            title_at = index - 1 if title(index - 1) else index
            while title(title_at - 1) and is_upper_line(body[title_at - 1].strip(" *")):
                title_at -= 1   # a title written over several lines
            return title_at, index + 1
    return None


def _name_apart(text: str) -> str:
    """A signature block copied as one line ("PHÓ THỦ TƯỚNG Nguyễn Hòa Bình"): the signer's name on its own line."""
    words = text.split()
    for k in range(1, len(words)):
        if all(w[:1].isupper() and any(c.islower() for c in w) for w in words[k:]) \
                and all(not any(c.islower() for c in w) for w in words[:k]):
            return " ".join(words[:k]) + "\n" + " ".join(words[k:])
    return text


def _task_header(cells: list[str]) -> bool:
    from .sources import _is_task_header

    return _is_task_header(cells)


def _strip_head(body: list[str], facts: Facts) -> list[str]:
    """The body without what comes before the preamble: site banners, metadata, header lines, tên loại, trích yếu."""
    def key(text: str) -> str:
        return re.sub(r"[^\w]", "", match_key(text))

    if facts.preamble:
        first = key(facts.preamble[0])[:30]
        for index, text in enumerate(body):
            k = key(text)
            if first and (k.startswith(first) or (len(k) >= 15 and first.startswith(k[:30]))):
                return body[index:]
            if first and first in k:   # the preamble glued to a header line by a hard wrap
                return [text[max(0, text.find(facts.preamble[0][:20])):]] + body[index + 1:] \
                    if facts.preamble[0][:20] in text else body[index:]
    title = key(facts.title or "")
    for index, text in enumerate(body):
        if LABEL.match(text) and LABEL.match(text).group("label") != "-":
            return body[index:]
        if title and key(text) and key(text) in title and len(key(text)) > 10:
            continue
    return body


def _proper_case(upper: str, texts: list[str]) -> str | None:
    """The spelling of an upper-case name ("LÂM ĐỒNG") as the document writes it in running text ("Lâm Đồng")."""
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in upper.split()) + r"\b", re.I)
    for text in texts:
        for m in pattern.finditer(text):
            if not is_upper_line(m.group(0)):
                return m.group(0)
    return None


class Recogniser:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.unit_kind: str | None = None
        self.used_ids: set[str] = set()
        self.warnings: list[str] = []
        self.year: int | None = None   # the document's year, once read: a "trước ngày" of an earlier year is no due
        self.counts = {"chỉ tiêu": 0, "nhiệm vụ": 0, "nhiệm vụ của cơ quan": 0, "hạn báo cáo": 0, "văn bản dẫn chiếu": 0,
                       "nơi nhận": 0}

    def unique(self, base: str) -> str:
        """*base*, or base-2, base-3 … when a block elsewhere already has it (ids are unique in a plan)."""
        candidate, n = base, 1
        while candidate in self.used_ids:
            n += 1
            candidate = f"{base}-{n}"
        self.used_ids.add(candidate)
        return candidate

    # --- agencies ---------------------------------------------------------------
    def agencies_in(self, head: str) -> list[str]:
        """Agency ids named at the start of a heading ("Sở Y tế", "Đề nghị Ủy ban …, Hội … và …").

        Names may themselves contain "và" (Sở Giáo dục và Đào tạo), so the longest run of words that the
        registry knows is taken first, then separators (",", "và") are skipped and the next name is sought.
        """
        return self.agencies_and_rest(head)[0]

    def cell_agencies(self, cell: str) -> list[str]:
        """The agencies of a table cell: the ids the registry knows, then what follows them as written — a cell
        is the plan's content, nothing of it is dropped ("Các địa phương, các cơ quan có nguồn thu …")."""
        found, rest = self.agencies_and_rest(cell)
        if not found:
            return [cell.strip(" ,.")] if cell.strip(" ,.") else []
        return found + ([rest] if rest else [])

    def agencies_and_rest(self, head: str) -> tuple[list[str], str]:
        """agencies_in, and the words after the last name it knows ("" when every name is known)."""
        head = re.sub(r"^(Đề nghị|Yêu cầu)\s+", "", head.strip())
        tokens = re.findall(r"[^\s,;:]+|[,;:]", head)
        found: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] in (",", ";") or tokens[i].lower() == "và":
                i += 1
                continue
            match = None
            for j in range(min(len(tokens), i + 16), i, -1):
                if tokens[j - 1] in (",", ";", ":") or ";" in tokens[i:j] or ":" in tokens[i:j]:
                    continue
                span = " ".join(tokens[i:j]).replace(" ,", ",")
                agency = self.registry.resolve_agency(span)
                if agency is None and self.unit_kind:  # "Ủy ban Mặt trận Tổ quốc" in a district plan: of the quận
                    agency = self.registry.resolve_agency(f"{span} {self.unit_kind}")
                if agency:
                    match = (agency, j)
                    break
            if match is None:
                break
            if match[0] not in found:
                found.append(match[0])
            i = match[1]
        rest = " ".join(tokens[i:]).replace(" ,", ",").replace(" ;", ";").strip(" ,;.")
        return found, rest

    # --- whole plan --------------------------------------------------------------
    def recognise(self, paras: list[Para], facts: Facts | None = None, overrides: dict | None = None) -> Recognition:
        """The plan tree of a document: its identity from *facts* (never guessed), its body recognised."""
        overrides = overrides or {}
        body = [p.text for p in paras if p.zone == "body"]
        annex = [p for p in paras if p.zone in ("annex-head", "annex-row")]
        closing_left = [p.text for p in paras if p.zone == "closing-left"]
        closing_right = [p.text for p in paras if p.zone == "closing-right"]
        footnotes = {m.group(1): m.group(2) for p in paras if p.zone == "footnote"
                     for m in [re.match(r"^\[\^(\d+)\]\s*(.*)$", p.text)] if m}
        if facts is None:
            facts = facts_from_items([p.text for p in paras])
        body = _strip_head(body, facts)
        first_section = next((i for i, t in enumerate(body) if re.match(r"^I\.\s", t)), len(body))
        if first_section == len(body):
            first_section = next((i for i, t in enumerate(body) if LABEL.match(t) and LABEL.match(t).group("label") != "-"),
                                 len(body))
        recipients_at = next((i for i, t in enumerate(body) if re.match(r"^N[oơ]i nh[aậ][nm]:?$", t.strip(" *"))), None)
        closing_end = recipients_at if recipients_at is not None else len(body)
        tail = body[recipients_at:] if recipients_at is not None else []
        preamble = body[:min(first_section, closing_end)]
        section_texts = body[first_section:closing_end]
        attached = _attached(body, recipients_at)
        if attached is not None:   # a decision "ban hành kèm theo": its duties are in the text after the signature
            title_at, content_at = attached
            tail = body[recipients_at:title_at]
            start = next((i for i in range(content_at, len(body)) if re.match(r"^I\.\s", body[i])), content_at)
            section_texts = body[start:]
        # Paragraphs after the last numbered item that address everyone ("Trên đây là …") close the body.
        closing: list[str] = []
        while section_texts and not LABEL.match(section_texts[-1]) and re.match(
                r"^(Trên đây|Yêu cầu|Căn cứ Kế hoạch|Trong quá trình)", section_texts[-1]):
            closing.insert(0, section_texts.pop())
        sections = _build(section_texts)
        groups: list[list] = []
        for row in annex:
            if not groups or row.zone == "annex-head":
                groups.append([])
            groups[-1].append(row)
        for group in groups:
            sections.append(self.annex_tasks(group))
        tables: dict[int, list] = {}
        for para in paras:
            if para.zone == "annex-table":
                tables.setdefault(para.table, []).append(para)
        sections += [self.verbatim_table(rows) for rows in tables.values()]
        prose: dict[str, list[str]] = {}
        for para in paras:
            if para.zone == "annex-text":
                prose.setdefault(para.title or "PHỤ LỤC", []).append(para.text)
        sections += [{"title": title, "blocks": [{"text": t} for t in texts]} for title, texts in prose.items()]
        tree: dict = {"kind": "plan"}
        document, unit = self.document(facts, preamble, overrides)
        self.unit_kind = unit[0] if unit else None
        year = int(str(document["date"])[:4])
        tree["id"] = slug(f"{unit[1] if unit else (facts.issuer or 'van-ban')} {year}"
                          + (f" {facts.number}" if facts.number else "")) or "ke-hoach"
        tree["document"] = document
        rich = {c["code"]: c for c in self.citations(" ".join(preamble), verb=True) if c.get("code")}
        bases = []
        for number, found in enumerate(facts.bases, 1):
            item = dict(rich.get(found["code"], {"verb": "Thực hiện", "type": found["type"], "code": found["code"]}))
            item["id"] = f"cc-{number}"
            bases.append(item)
        if bases:
            tree["bases"] = bases
        references = [c for c in self.citations(" ".join(section_texts + closing + list(footnotes.values())))
                      if c.get("code") and c["code"] not in {b.get("code") for b in bases}]
        if references:
            tree["references"] = references
        if preamble:
            tree["preamble"] = [{"text": t} for t in preamble]
        self.typed(sections, year, document.get("period"))
        tree["sections"] = sections
        if closing:
            tree["closing"] = [{"text": t} for t in closing]
            self.reporting(tree["closing"][0], tree["closing"][0]["text"], [])
        self.closing(tree, tail, closing_left, closing_right)
        for block in _walk(sections + tree.get("preamble", []) + tree.get("closing", [])):
            for key in ("text", "title"):   # a mark whose note the copy lost ("gồm¹:") is dropped, not left dangling
                if isinstance(block.get(key), str):
                    block[key] = re.sub(r"\[\^(\d+)\]", lambda m: m.group(0) if m.group(1) in footnotes else "", block[key])
        if footnotes:
            tree["footnotes"] = footnotes
        self.flag_implausible(tree)
        recognised = {k: v for k, v in self.counts.items() if v}
        prose = sum(1 for b in _walk(sections + tree.get("preamble", []) + tree.get("closing", []))
                    if not any(k in b for k in ("targets", "task", "agency", "reporting", "budget")))
        return Recognition(tree, recognised, prose, self.warnings)

    # --- the document's identity ---------------------------------------------------------------------------------
    def document(self, facts: Facts, preamble: list[str], overrides: dict) -> tuple[dict, tuple | None]:
        """The `document` part from the facts the text states; what it does not state stays empty.

        The model requires a ký hiệu, a date, a trích yếu and a level: when the text has none of one of them (and no
        override gives it), no valid plan can be produced and ImportRefused says which and how to supply it.
        """
        missing = []
        symbol = overrides.get("symbol") or facts.symbol
        date = overrides.get("date") or facts.date
        title = overrides.get("title") or facts.title
        if symbol and (not SYMBOL_SHAPE.match(symbol) or len(symbol) > limits.MAX_SHORT_FIELD):
            missing.append(("symbol", f"!ký hiệu '{symbol}' in trong văn bản không theo dạng kế hoạch lưu được (các nhóm "
                                      "chữ nối bằng '-' hoặc '/', không có dấu cách)",
                            "--symbol " + nd30.SYMBOL_EXAMPLE))
        printed = date
        if date and not overrides.get("date"):
            date = self.possible_date(date)
        if printed and not date and not (year := re.search(r"\b(?:19|20)\d\d\b", title or "")):
            missing.append(("date", f"!ngày ban hành in là \"{_quote(printed, 0, 30)}\", không phải một ngày có thật "
                                    "(có lẽ gõ nhầm hoặc đọc sai); kehoach không đoán",
                            "--date NĂM-THÁNG-NGÀY (như ghi trên bản gốc)"))
        if not date and facts.date_partial:
            date = facts.date_partial   # the day could not be read (handwritten on a scan): what was read, said so
            self.warnings.append(f"Ngày ban hành không đọc được đủ (có thể viết tay): tạm ghi {date}, là phần đọc "
                                 "được. Sửa document.date theo bản gốc.")
        elif not date and "date" in facts.unreadable:   # a year in the trích yếu is a cited document's, not this one's
            missing.append(("date", "ngày ban hành: dòng ngày tháng có trên trang nhưng không đọc được (có thể viết "
                                    "tay)", "--date NĂM-THÁNG-NGÀY (như ghi trên bản gốc)"))
        elif not date and (year := re.search(r"\b(?:19|20)\d\d\b", title or "")):
            date = year.group(0)   # "… NĂM 2019 - 2020": a plan is issued in the first year it covers
            self.warnings.append(f"Văn bản không có dòng ngày tháng: năm ban hành {date} suy ra từ trích yếu "
                                 f"\"{_quote(title, year.start())}\". Kiểm tra lại với bản gốc và sửa document.date "
                                 "nếu khác.")
        if not date and "date" not in facts.unreadable and not any(m[0] == "date" for m in missing):
            missing.append(("date", "ngày ban hành (dòng '<Địa danh>, ngày … tháng … năm …'), trích yếu cũng không "
                                    "ghi năm", "--date NĂM-THÁNG-NGÀY (như ghi trên bản gốc)"))
        if not title or not printable_line(title):
            missing.append(("title", "trích yếu (dòng dưới tên loại văn bản)", "--title \"Thực hiện …\""))
        texts = preamble + [facts.title or ""]
        issuer_upper = " ".join(filter(None, [facts.parent_issuer, facts.issuer])).upper()
        level, unit = None, None
        if facts.issuer and (m := _UNIT_UPPER.search(facts.issuer.upper())):
            kind = m.group("kind").lower()
            name = _proper_case(m.group("name"), texts + [facts.place or ""]) or \
                (facts.place if facts.place and match_key(facts.place) == match_key(m.group("name")) else None)
            unit = (kind, name or m.group("name"))
            level = level_of(kind, unit[1]).value
        if level is None and facts.issuer and (known := self.registry.resolve_agency(facts.issuer)):
            level = self.registry.agencies[known].level.value   # "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO": central, per registry
        if level is None:
            for value, pattern in _LEVEL_WORDS:
                if pattern.search(issuer_upper):
                    level = value
                    break
        if level is None and (m := UNIT_RE.search(" ".join(texts))):
            unit = (m.group("kind"), m.group("name"))
            level = level_of(*unit).value
        own = re.search(r"\b(?:UBND|Ủy ban nhân dân) (?P<kind>" + KIND_PATTERN + r")\b(?! [A-ZĐ])", " ".join(texts))
        if unit is None and own and not facts.issuer:
            # "Ủy ban nhân dân tỉnh ban hành …" dated at Đắk Nông: the unit's địa danh is its name (ND30 Phụ lục I §II.4);
            # without a date line, the unit the title names ("… trên địa bàn tỉnh Kon Tum").
            named = re.search(r"trên địa bàn " + own.group("kind") + r" ([A-ZĐ][\wÀ-ỹ]*(?: [A-ZĐ][\wÀ-ỹ]*)*)",
                              facts.title or overrides.get("title") or "")
            name = facts.place or (named.group(1) if named else None)
            if name:
                unit = (own.group("kind"), name)
                level = level or level_of(*unit).value
        if level is None and facts.parent_issuer:
            # A unit under a governing body ("TRUNG TÂM ĐIỀU ĐỘ … MIỀN NAM" under "… QUỐC GIA"): its level is the
            # governing body's, said as inferred (issue 22: such documents were refused although the header answers).
            parent = facts.parent_issuer.upper()
            known = self.registry.resolve_agency(facts.parent_issuer)
            inferred = self.registry.agencies[known].level.value if known else \
                next((value for value, pattern in _LEVEL_WORDS if pattern.search(parent)), None) or \
                ("trung_uong" if _NATIONAL.search(parent) else None)
            if inferred:
                level = inferred
                self.warnings.append(f"Cấp của cơ quan ban hành \"{facts.issuer}\" suy ra từ tên cơ quan chủ quản "
                                     f"\"{facts.parent_issuer}\" ở góc trái: {_LEVEL_NAMES[inferred]}. Kiểm tra lại "
                                     "và sửa document.issuer nếu khác.")
        if level is None and re.search(r"\b(UBND|Ủy ban nhân dân) tỉnh\b", " ".join(texts)):
            level = "tinh"
        if level is None and facts.place and match_key(facts.place) in {match_key(c) for c in CENTRAL_CITIES} and \
                re.search(r"\bTHÀNH PHỐ " + re.escape(facts.place.upper()) + r"\b", " ".join(texts).upper()):
            level = "tinh"   # "… THÀNH PHỐ HÀ NỘI …" dated at Hà Nội: the city, a province-level unit
        level = overrides.get("level") or level
        # Who issues: the header's issuer, or the preamble's "UBND tỉnh Lạng Sơn xây dựng / ban hành Kế hoạch …".
        issuing = _ISSUING.search(" ".join(texts)) if not facts.issuer else None
        issued_by_ubnd = bool(re.match(r"^(ỦY|UỶ) BAN NHÂN DÂN|^UBND", (facts.issuer or "").upper())) or bool(issuing)
        abbreviation = nd30.TYPE_ABBREVIATIONS.get(facts.doc_type or "Kế hoạch")
        if not symbol and issued_by_ubnd and abbreviation:
            symbol = f"{abbreviation}-UBND"   # ND30 Phụ lục III: the type's abbreviation, then the issuing body's
            source = f"cơ quan ban hành \"{facts.issuer}\"" if facts.issuer else \
                f"câu \"… {issuing.group(0)} …\" ở phần mở đầu"
            self.warnings.append(f"Văn bản không có dòng \"Số: …\": ký hiệu {symbol} suy ra từ tên loại "
                                 f"{facts.doc_type or 'Kế hoạch'} và {source}. Kiểm tra lại với bản gốc.")
        if not symbol:
            missing.append(("symbol", "ký hiệu văn bản (dòng 'Số: …/KH-UBND')", "--symbol KÝ-HIỆU (như ghi trên bản gốc)"))
        if level is None:
            missing.append(("level", "cấp của cơ quan ban hành (tên cơ quan ban hành ở góc trái)", "--level tinh"))
        if missing:
            raise ImportRefused(missing)
        issuer_name = facts.issuer or overrides.get("issuer") or ""
        if not issuer_name and unit:   # no header: the preamble says who issues ("UBND tỉnh Lạng Sơn ban hành …")
            issuer_name = f"ỦY BAN NHÂN DÂN {unit[0]} {unit[1]}".upper()
        if not issuer_name:
            raise ImportRefused([("issuer", "tên cơ quan ban hành (góc trái phần đầu)", "--issuer \"Ủy ban nhân dân tỉnh …\"")])
        agency = self.registry.resolve_agency(issuer_name) if issuer_name else None
        if unit and re.match(r"^(ỦY|UỶ) BAN NHÂN DÂN|^UBND", issuer_name.upper()):
            agency = agency or {"tinh": "ubnd-tinh", "huyen": "ubnd-huyen", "xa": "ubnd-xa"}.get(level)
            issuer_name = f"Ủy ban nhân dân {unit[0]} {unit[1]}"
        elif agency:
            issuer_name = self.registry.agency_name(agency)
        issuer: dict = {"agency": agency or issuer_name or "(chưa rõ)", "name": issuer_name or "(chưa rõ)"}
        if facts.issuer_lines:
            issuer["header"] = list(facts.issuer_lines)
        if overrides.get("issuer"):
            issuer = {"agency": self.registry.resolve_agency(overrides["issuer"]) or overrides["issuer"],
                      "name": overrides["issuer"]}
        document: dict = {"type": overrides.get("type") or facts.doc_type or "Kế hoạch", "issuer": issuer}
        if facts.parent_issuer:
            document["governing_body"] = facts.parent_issuer
        number = str(overrides.get("number") or facts.number or "")
        if number.isdigit() and int(number) > 0:
            document["number"] = int(number)
            if facts.number_year and not overrides.get("number"):
                document["number_year"] = int(facts.number_year)   # "10/2022/TT-BLĐTBXH": cited with its year
        document["symbol"] = symbol
        if facts.place:
            document["place"] = facts.place
            from ..loading.units import known_place

            if not overrides.get("place") and not known_place(facts.place):
                self.warnings.append(f"Địa danh \"{facts.place}\" ở dòng ngày tháng không có trong danh mục đơn vị "
                                     "hành chính (34 tỉnh, thành phố; 3.321 xã, phường, đặc khu và tên trước 07/2025): "
                                     "giữ như đã in. Kiểm tra chính tả với bản gốc và sửa document.place nếu sai.")
        document["date"] = date
        document["title"] = title
        document["level"] = level
        if unit and level == "tinh":
            document["province"] = unit[1]
        elif unit and level == "huyen":
            document["district"] = unit[1]
        elif unit and level == "xa":
            document["commune"] = unit[1]
        years = [int(y) for pair in re.findall(r"\b(20\d\d)\s*[-–]\s*(20\d\d)\b", title) for y in pair]
        if len(years) >= 2 and years[0] <= years[1]:
            document["period"] = {"from": years[0], "to": years[1]}
        elif (single := re.search(r"\bnăm (20\d\d)\s*$", title.rstrip(". "))) and (facts.doc_type or "Kế hoạch") == "Kế hoạch":
            document["period"] = {"from": int(single.group(1)), "to": int(single.group(1))}   # "… năm 2024": that year
        return document, unit

    def possible_date(self, date: str) -> str | None:
        """The printed date as far as it is a real one ("2025-02-30" → 2025-02, said so); None when even its year is
        not plausible (5014)."""
        from ..model.common import PartialDate

        parts = date.split("-")
        for keep in range(len(parts), 0, -1):
            try:
                kept = PartialDate.parse("-".join(parts[:keep])).iso()
            except ValueError:
                continue
            if keep < len(parts):
                self.warnings.append(f"Ngày ban hành in là \"{date}\", không phải một ngày có thật (có lẽ gõ nhầm hoặc "
                                     f"đọc sai): tạm ghi {kept}, là phần hợp lý. Sửa document.date theo bản gốc.")
            return kept
        return None

    def annex_tasks(self, rows: list) -> dict:
        """An annex task table (STT, nội dung, chủ trì, phối hợp, thời gian, sản phẩm) as a section of tasks."""
        header, *data = [row.cells for row in rows]
        columns = {}
        for index, cell in enumerate(header):
            key = match_key(cell)
            for name, words in (("lead", ("chủ trì", "thực hiện", "cơ quan thực hiện", "đơn vị thực hiện")),
                                ("cooperating", ("phối hợp",)), ("timeframe", ("thời gian", "thời hạn", "hoàn thành")),
                                ("products", ("sản phẩm", "kết quả")), ("text", ("nội dung", "nhiệm vụ"))):
                if name not in columns and any(w in key for w in words):
                    columns[name] = index
                    break
        blocks: list[dict] = []
        group: dict | None = None
        for row in data:
            get = lambda name: row[columns[name]].strip() if name in columns and columns[name] < len(row) else ""  # noqa: E731
            text = get("text")
            if not text or re.fullmatch(r"[\d.()\s]*", text):
                rest = [c for c in row if c.strip() and not re.fullmatch(r"[\d.()\s]*", c)]
                if rest:   # text outside the content column: kept as the row reads, never dropped
                    (group["blocks"] if group is not None else blocks).append({"text": " | ".join(rest)})
                continue
            target = group["blocks"] if group is not None else blocks
            if target and target[-1].get("text") == text and "task" in target[-1]:
                # a content cell merged down over several rows (vMerge) is one task with several agencies
                self.merge_task(target[-1]["task"], row, get)
                continue
            first = row[0].strip() if row else ""
            label = first if re.fullmatch(r"[\dIVX]+\.?|[a-zđ]\)", first) else ""
            label = f"{label}." if label and not label.endswith((".", ")")) else label
            task: dict = {}
            if get("lead"):
                task["lead"] = self.cell_agencies(get("lead"))
            if get("cooperating"):
                task["cooperating"] = [a for part in re.split(r"[;\n]", get("cooperating"))
                                       for a in self.cell_agencies(part) if a]
            if get("timeframe"):
                task["timeframe"] = get("timeframe")
            if get("products"):
                task["products"] = [p.strip() for p in re.split(r";", get("products")) if p.strip()]
            if not task or (re.fullmatch(r"[IVX]+\.?", first) and "lead" not in task):   # a group row ("I | CẢI CÁCH THỂ CHẾ")
                group = {**({"label": label} if label else {}), "title": text, "blocks": []}
                blocks.append(group)
                continue
            self.counts["nhiệm vụ"] += 1
            block = {**({"label": label} if label else {}), "id": f"pl-{self.counts['nhiệm vụ']}", "text": text,
                     "task": task}
            (group["blocks"] if group is not None else blocks).append(block)
        for block in blocks:
            if "blocks" in block and not block["blocks"]:
                del block["blocks"]
        title = rows[0].title or "PHỤ LỤC"
        return {"title": title, "blocks": blocks} if blocks else {"title": title, "text": "(bảng phụ lục không có dòng nhiệm vụ)"}

    def flag_implausible(self, tree: dict) -> None:
        """Values the document prints but a plan cannot hold (a citation dated 5014, an issuer line of 229
        characters): the document is kept, the value set aside or shortened, and each said with where it is."""
        for group in ("bases", "references"):
            for index, item in enumerate(tree.get(group, [])):
                date = str(item.get("date", ""))
                if date and not limits.MIN_YEAR <= int(date[:4]) <= limits.MAX_YEAR:
                    del item["date"]
                    self.warnings.append(f"{item.get('type', 'Văn bản')} {item.get('code') or item.get('title', '')} "
                                         f"ghi ngày có năm {date[:4]} (có lẽ gõ nhầm ở bản gốc): ngày để trống, văn bản "
                                         f"dẫn chiếu vẫn giữ. Ghi lại ngày đúng vào {group}[{index}].date.")
                issuer = str(item.get("issuer") or "")
                if len(issuer) > limits.MAX_SHORT_FIELD:   # "của Bộ trưởng …" read on into the cited title
                    item["issuer"] = issuer[:limits.MAX_SHORT_FIELD - 1].rsplit(" ", 1)[0] + "…"
                    self.warnings.append(f"{item.get('type', 'Văn bản')} {item.get('code') or ''}: cơ quan ban hành "
                                         f"đọc được dài {len(issuer)} ký tự (có lẽ lẫn cả trích yếu): đã rút gọn, "
                                         f"hãy sửa lại cho đúng ở {group}[{index}].issuer.")
        self.bound_lines(tree)
        self.bound_agencies(tree)
        issuer = tree.get("document", {}).get("issuer", {})
        for key in ("name", "agency"):
            value = issuer.get(key, "")
            if len(value) > limits.MAX_SHORT_FIELD:
                cut = value[:limits.MAX_SHORT_FIELD - 1].rsplit(" ", 1)[0] + "…"
                issuer[key] = cut
                if key == "name":
                    self.warnings.append(f"Tên cơ quan ban hành in dài {len(value)} ký tự (quá "
                                         f"{limits.MAX_SHORT_FIELD}; có lẽ dòng khác bị nối vào): giữ đủ các dòng như in ở "
                                         "document.issuer.header, tên rút gọn ở document.issuer.name — sửa lại cho đúng.")
        if issuer.get("header"):
            lines = []
            for line in issuer["header"]:
                while len(line) > limits.MAX_SHORT_FIELD:   # a printed line that long is kept, in pieces
                    head = line[:limits.MAX_SHORT_FIELD].rsplit(" ", 1)[0]
                    lines.append(head)
                    line = line[len(head):].strip()
                lines.append(line)
            issuer["header"] = lines

    def bound_agencies(self, tree, where: str = "") -> None:
        """Agency names of tasks and reporting (chủ trì, phối hợp, báo cáo) longer than a field holds — a sentence
        read as one name: cut at a word with "…" and said with the field, never a reason to lose the document."""
        if isinstance(tree, list):
            for index, item in enumerate(tree):
                self.bound_agencies(item, f"{where}[{index}]")
            return
        if not isinstance(tree, dict):
            return
        for key, value in tree.items():
            path = f"{where}.{key}" if where else key
            if key in _AGENCY_LISTS and isinstance(value, list):
                for index, name in enumerate(value):
                    if isinstance(name, str) and len(name) > limits.MAX_SHORT_FIELD:
                        cut = name[:limits.MAX_SHORT_FIELD - 1].rsplit(" ", 1)[0] + "…"
                        value[index] = cut
                        self.warnings.append(f"{path}[{index}] dài {len(name)} ký tự (quá {limits.MAX_SHORT_FIELD}; "
                                             f"có lẽ cả câu được đọc thành tên cơ quan): đã rút gọn thành "
                                             f"\"{_quote(cut, 0, 60)}\". Sửa lại theo bản gốc.")
            else:
                self.bound_agencies(value, path)

    def bound_lines(self, tree: dict) -> None:
        """Every one-line value of the header, the Nơi nhận and the signature as a line the model holds, whatever the
        reader made of it (OCR, a damaged copy): line breaks and unprintable characters taken out, a value longer than
        its field cut at a word with "…", an empty one left out; each change said with the field it is in."""
        document = tree.get("document", {})
        spots = [(document, key, f"document.{key}", limits.MAX_SHORT_FIELD)
                 for key in ("type", "governing_body", "place", "province", "district", "commune")]
        spots.append((document, "title", "document.title", limits.MAX_TITLE))
        spots.append((tree, "recipients_label", "recipients_label", limits.MAX_SHORT_FIELD))
        for index, recipient in enumerate(tree.get("recipients", [])):
            spots += [(recipient, key, f"recipients[{index}].{key}", limits.MAX_SHORT_FIELD) for key in ("name", "purpose")]
        signature = tree.get("signature", {})
        spots.append((signature, "name", "signature.name", limits.MAX_SHORT_FIELD))
        for key in ("authority", "positions"):
            spots += [(signature[key], i, f"signature.{key}[{i}]", limits.MAX_SHORT_FIELD)
                      for i in range(len(signature.get(key, [])))]
        issuer = document.get("issuer", {})
        spots += [(issuer, key, f"document.issuer.{key}", None) for key in ("name", "agency")]
        spots += [(issuer["header"], i, f"document.issuer.header[{i}]", None) for i in range(len(issuer.get("header", [])))]
        for holder, key, where, bound in spots:
            value = holder[key] if isinstance(holder, list) or key in holder else None
            if not isinstance(value, str):
                continue
            line = printable_line(value)
            if line != value.strip():
                self.warnings.append(f"{where} \"{_quote(line, 0, 60)}\" có ký tự xuống dòng hoặc không in được: đã bỏ "
                                     "để giữ trên một dòng. Đối chiếu với bản gốc.")
            if bound and len(line) > bound:
                cut = line[:bound - 1].rsplit(" ", 1)[0] + "…"
                self.warnings.append(f"{where} dài {len(line)} ký tự (quá {bound}; có lẽ dòng khác bị nối vào): đã rút "
                                     f"gọn thành \"{_quote(cut, 0, 60)}\". Sửa lại theo bản gốc.")
                line = cut
            holder[key] = line
        if "issuer" in document:
            issuer["header"] = [line for line in issuer.get("header", []) if line] or None
            if issuer["header"] is None:
                del issuer["header"]
            for key in ("name", "agency"):
                issuer[key] = issuer.get(key) or "(chưa rõ)"
        for key in ("type", "governing_body", "place", "province", "district", "commune", "title"):
            if key in document and not document[key]:
                del document[key]
        if "recipients" in tree:
            kept = [r for r in tree["recipients"] if r.get("name")]
            if len(kept) < len(tree["recipients"]):
                self.warnings.append(f"{len(tree['recipients']) - len(kept)} dòng ở Nơi nhận không còn chữ nào đọc "
                                     "được: đã bỏ. Đối chiếu với bản gốc.")
            for r in kept:
                if "purpose" in r and not r["purpose"]:
                    del r["purpose"]
            tree["recipients"] = kept
        if signature:
            for key in ("authority", "positions"):
                if key in signature:
                    signature[key] = [line for line in signature[key] if line]
        year = document.get("number_year")
        if year is not None and not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
            del document["number_year"]
            self.warnings.append(f"Năm trong số văn bản in là {year}, không phải một năm hợp lý (có lẽ gõ nhầm hoặc "
                                 "đọc sai): để trống. Ghi lại vào document.number_year theo bản gốc.")

    def merge_task(self, task: dict, row: list[str], get) -> None:
        for name in ("lead", "cooperating"):
            for agency in self.cell_agencies(get(name)) if get(name) else []:
                if agency not in task.setdefault(name, []):
                    task[name].append(agency)
        for name in ("timeframe",):
            if get(name) and get(name) != task.get(name):
                task[name] = f"{task[name]}; {get(name)}" if task.get(name) else get(name)

    def verbatim_table(self, rows: list) -> dict:
        """A table that is not a task table (a member list, a timetable) kept row by row as it reads, and said."""
        title = rows[0].title or "PHỤ LỤC"
        lines = [" | ".join(c for c in row.cells if c.strip()) for row in rows]
        lines = [line for line in lines if line]
        self.warnings.append(f"Bảng {rows[0].table} ({title}, {len(rows)} hàng, đầu bảng \"{_quote(lines[0] if lines else '', 0, 70)}\") "
                             "không phải bảng phân công nhiệm vụ (không có cột nội dung và cột cơ quan chủ trì): giữ "
                             f"nguyên văn từng hàng trong mục \"{_quote(title, 0, 60)}\"; sửa lại nếu cần.")
        return {"title": title, "blocks": [{"text": line} for line in lines] or [{"text": "(bảng trống)"}]}

    # --- pieces ------------------------------------------------------------------
    def citations(self, text: str, verb: bool = False) -> list[dict]:
        found, seen = [], set()
        text = text.replace("*", "")
        for m in LAW.finditer(text):
            found.append({"verb": "Thực hiện", "type": "Luật", "title": m.group("name"), "date": m.group("year")})
        for m in CITATION.finditer(text):
            code = re.sub(r"\s+", "", m.group("code")).rstrip("-/")
            year = m.group("y1") or m.group("y2")
            # A later mention repeats the number without the date; the same number with another date is
            # another document (06/QĐ-TTg of 2019 and of 2022).
            dated = {y for c, y in seen if c == code}
            if not re.search(r"[A-ZĐ]", code) or (dated and (year is None or year in dated or None in dated)):
                continue
            seen.add((code, year))
            item: dict = {"type": m.group("type"), "code": code}
            if verb:
                item = {"verb": "Thực hiện", **item}
            day, month, year = (m.group("d1"), m.group("m1"), m.group("y1")) if m.group("y1") else \
                (m.group("d2"), m.group("m2"), m.group("y2"))
            if year:
                item["date"] = f"{year}-{int(month):02d}-{int(day):02d}"
            if m.group("issuer"):
                item["issuer"] = m.group("issuer").strip()
            found.append(item)
        for index, item in enumerate(found, 1):
            item["id"] = f"{'cc' if verb else 'vb'}-{index}"
        self.counts["văn bản dẫn chiếu"] += len(found)
        return found

    def typed(self, sections: list[dict], year: int, period) -> None:
        self.year = year
        for section in sections:
            head = match_key(section.get("title", ""))
            if "tổ chức thực hiện" in head:
                self.duties(section)
            elif "kinh phí" in head:
                self.budget(section)
            target_section = "mục tiêu" in head or "chỉ tiêu" in head

            def visit(block, inherited):
                agency = block.get("agency") or inherited
                words = match_key(block.get("title", ""))
                if "text" in block and not block.get("blocks") and "tổng quát" not in words and "chung" not in words:
                    self.targets(block, year, period, section, percentages=target_section)
                if ("nội dung" in head or "nhiệm vụ" in head) and block in section.get("blocks", []) and block.get("label") \
                        and "task" not in block:   # an annex row already read its task from the columns
                    self.task(block, section)
                if "text" in block:
                    self.reporting(block, block["text"], agency)
                for child in block.get("blocks", []):
                    visit(child, agency)

            for block in section.get("blocks", []):
                visit(block, None)

    def targets(self, block: dict, year: int, period, section: dict, percentages: bool = True) -> None:
        """Targets in a sentence: percentages in a target section; "ít nhất N …" and "không có …" anywhere."""
        text = block["text"].replace("*", "")
        targets = []
        for m in (PERCENT.finditer(text) if percentages else ()):
            before = match_key(text[max(0, m.start() - 40):m.start()])
            value = float((m.group("high") or m.group("low")).replace(",", ".")).__round__(4)
            comparator = "at_least"
            if re.search(r"dưới\s*$", before):
                comparator = "below"
            elif re.search(r"trên\s*$", before):
                comparator = "above"
            elif re.search(r"(xuống còn|không quá|tối đa|giảm)\s*$", before):
                comparator = "at_most"
            elif re.search(r"(phấn đấu|phần đầu|đạt)(\s+tỷ lệ)?\s*$", before):
                comparator = "reach"
            item = {"id": f"ct-{self.counts['chỉ tiêu'] + 1}", "value": int(value) if value.is_integer() else value,
                    "unit": "%", "comparator": comparator}
            if m.group("high"):
                low = float(m.group("low").replace(",", "."))
                item["range"] = [int(low) if low.is_integer() else low, item["value"]]
            years = re.findall(r"năm (20\d\d)", text + " " + section.get("title", ""))
            item["year"] = int(years[-1]) if years else (period["to"] if period else year)
            targets.append(item)
            self.counts["chỉ tiêu"] += 1
        if not targets and percentages and (zero := re.search(r"không (có|để xảy ra) (?P<what>trẻ em [a-zà-ỹ ]+?)(?= trên| tại|[,.;]|$)", text)):
            targets.append({"id": f"ct-{self.counts['chỉ tiêu'] + 1}", "value": 0, "unit": zero.group("what"),
                            "comparator": "at_most"})
            self.counts["chỉ tiêu"] += 1
        if not targets or re.search(r"(ít nhất|tối thiểu) (\d+) [a-zà-ỹ]", text):
            count = re.search(r"(ít nhất|tối thiểu) (\d+) ([a-zà-ỹ ]+?)(?= cho| ở| tại|[,.;]|$)", text)
            if count:
                targets.append({"id": f"ct-{self.counts['chỉ tiêu'] + 1}", "value": int(count.group(2)),
                                "unit": count.group(3).strip(), "comparator": "at_least"})
                self.counts["chỉ tiêu"] += 1
        if targets:
            block["targets"] = targets

    def task(self, block: dict, section: dict) -> None:
        task: dict = {}
        for child in block.get("blocks", []):
            title = match_key(child.get("title", ""))
            if title.startswith("cơ quan chủ trì"):
                task["lead"] = self.agencies_in(child.get("text", ""))
            elif title.startswith("cơ quan phối hợp"):
                task["cooperating"] = [a for part in re.split(r";", child.get("text", "")) for a in self.agencies_in(part)]
        self.counts["nhiệm vụ"] += 1
        block["id"] = self.unique(f"nd-{re.sub(r'[^0-9A-Za-z.]+', '', block['label']).strip('.') or self.counts['nhiệm vụ']}")
        block["task"] = task

    def duties(self, section: dict) -> None:
        for item in section.get("blocks", []):
            if not item.get("label") or item["label"] == "-":
                continue
            head = item.get("title") or item.get("text", "")
            agencies = self.agencies_in(head)
            if not agencies:
                continue
            item["agency"] = agencies if len(agencies) > 1 else agencies[0]
            base = agencies[0]
            if item.get("text"):
                item["id"] = self.unique(base)
                self.counts["nhiệm vụ của cơ quan"] += 1
            for n, child in enumerate([c for c in item.get("blocks", []) if "agency" not in c], 1):
                child["id"] = self.unique(f"{base}.{n}")
                self.counts["nhiệm vụ của cơ quan"] += 1

    def budget(self, section: dict) -> None:
        text = match_key(" ".join(b.get("text", "") for b in _walk(section.get("blocks", []))))
        sources = []
        for key, words in BUDGET_SOURCES:
            if words in text and key not in sources:
                sources.append(key)
        if sources:
            section["budget"] = {"sources": sources}

    def reporting(self, block: dict, text: str, agencies) -> None:
        plain = text.replace("*", "")
        found = []
        clauses = re.split(r"(?<=[;])\s|\s(?=báo cáo kết quả năm)|,\s(?=0?1 năm)", plain)
        for clause in clauses:
            previous_end = 0
            for m in DEADLINE.finditer(clause):
                if m.group("y") and self.year and int(m.group("y")) < self.year:
                    continue   # "hoạt động cách mạng trước ngày 01 tháng 01 năm 1945": who is meant, not when to report
                # "06 tháng đầu năm" is a six-month report: "đầu năm" must not make it annual.
                context = re.sub(r"(đầu|cuối) năm", "", match_key(clause[previous_end:m.start()]))
                previous_end = m.end()
                period = "nam"
                last = -1
                for key, pattern in PERIOD_WORDS:
                    hits = [h.start() for h in pattern.finditer(context)]
                    if hits and hits[-1] > last:
                        period, last = key, hits[-1]
                found.append((period, f"{int(m.group('d')):02d}/{int(m.group('m')):02d}", m.group("y")))
            for m in RECURRING_DEADLINE.finditer(clause):
                day = int(m.group("d"))
                if not 1 <= day <= 31:
                    continue
                if m.group("k") == "tháng":
                    found.append(("thang", f"{day:02d}/01", None))
                else:   # the 20th of each quarter: of its last month; the 5th: of the month after it
                    month = 3 if m.group("last") or day > 14 else 4
                    found.append(("quy", f"{day:02d}/{month:02d}", None))
            if "báo cáo" in clause:
                for m in MONTH_DEADLINE.finditer(clause):
                    month = int(m.group("m"))
                    if 1 <= month <= 12:
                        last = calendar.monthrange(int(m.group("y") or 2001), month)[1]
                        period = "6_thang" if re.search(r"(0?6|sáu) tháng", match_key(clause[:m.start()])) else "nam"
                        found.append((period, f"{last:02d}/{month:02d}", m.group("y")))
        if not found and re.search(r"định kỳ (0?6|sáu) tháng, (hàng|hằng) năm", match_key(plain)):
            found = [("6_thang", None, None), ("nam", None, None)]
        elif not found and re.search(r"định kỳ báo cáo", match_key(plain)):
            found = [("dinh_ky", None, None)]
        if not found:
            return
        to = [a for m in re.finditer(r"(?:về|gửi|báo cáo) ((?:Ủy ban nhân dân|UBND|Sở|Phòng|Bộ)[^,;()]*?)(?= \(| để|,|;|\.|$)", plain)
              for a in self.agencies_in(m.group(1))][:2]
        via = [a for m in re.finditer(r"\(\*?qua ([^)]*?)\*?\)", plain) for a in self.agencies_in(m.group(1))]
        senders = ([agencies] if isinstance(agencies, str) else list(agencies)) if agencies else []
        if not senders:
            for m in re.finditer(r"(các sở, (?:ban, )?ngành[^;]*?|Ủy ban nhân dân các [a-zà-ỹ, ]+|UBND các [a-zà-ỹ, ]+)"
                                 r"(?= triển khai| thực hiện| tổng hợp| báo cáo| theo| có liên quan| xây dựng|$)", plain, re.I):
                for name in self.agencies_in(m.group(1)):
                    if name not in senders:
                        senders.append(name)
        reports = []
        for index, (period, due, due_year) in enumerate(found, 1):
            item = {"id": f"bc-{self.counts['hạn báo cáo'] + 1}", "from": senders,
                    "to": to, "period": period}
            if via:
                item["via"] = via
            if due:
                item["due"] = due
            if due_year:
                item["due_year"] = int(due_year)
            reports.append(item)
            self.counts["hạn báo cáo"] += 1
        block["reporting"] = reports

    def closing(self, tree: dict, tail: list[str], left: list[str], right: list[str]) -> None:
        if tail:  # plain text: "Nơi nhận:" then "- …" lines, then the signature lines
            label, rest = tail[0], tail[1:]
            lines = [t for t in rest if t.startswith("- ")]
            sig = [t for t in rest if not t.startswith("- ")]
        else:
            label = left[0] if left else nd30.RECIPIENTS_LABEL
            lines = [t for t in left[1:] if t.startswith("- ")]
            sig = right
        if tail or left:
            tree["recipients_label"] = label.strip(" *").split(":")[0] + ":" if ":" in label else label.strip(" *")
        recipients, archive = [], None
        for line in lines:
            body = line[2:].strip()
            if body.startswith(nd30.ARCHIVE_PREFIX[:-1]):
                archive = re.sub(r"^" + nd30.ARCHIVE_PREFIX[:-1] + r":?\s*", "", body).rstrip(".")
                continue
            body = body.rstrip(";").strip()
            m = re.match(r"^(.*?)\s*\(([^()]*)\)$", body)
            recipient = {"name": m.group(1), "purpose": m.group(2)} if m else {"name": body}
            agency = self.registry.resolve_agency(recipient["name"])
            if agency:
                recipient["agency"] = agency
            recipients.append(recipient)
        tree["recipients"] = recipients
        self.counts["nơi nhận"] += len(recipients)
        if archive is not None:
            tree["archive"] = archive
        sig_lines = []
        for text in sig:
            text = _name_apart(re.sub(r"[\[(]\s*[Đđ]ã ký\s*[\])]", " ", text))
            sig_lines += [s.strip(" *\n") for s in re.split(r"\n|" + nd30.AUTHORITY_SPLIT_RE.pattern + r"|(?<=[A-ZĐ]) (?=PHÓ |CHỦ TỊCH$)", text) if s.strip(" *")]
        if sig_lines:
            authority = [s for s in sig_lines if AUTHORITY.match(s)]
            positions = [s for s in sig_lines if not AUTHORITY.match(s) and s == s.upper()]
            names = [s for s in sig_lines if s != s.upper()]
            if names and (positions or authority):   # a draft sent for signature may have no name yet: left out
                tree["signature"] = {"authority": authority, "positions": positions or [authority[-1].split(". ", 1)[-1]],
                                     "name": names[-1]}
