"""Recognising a plan's structure in its paragraphs; whatever is not recognised stays as prose, never dropped."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import nd30
from ..loading.registry import Registry
from ..model.units import KIND_PATTERN, level_of
from ..text import match_key, slug
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

_MOTTO_KEYS = {match_key(t) for t in (*nd30.QUOC_HIEU_VARIANTS, nd30.TIEU_NGU_TEXT)}


@dataclass
class Recognition:
    tree: dict
    recognised: dict = field(default_factory=dict)
    prose: int = 0


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


class Recogniser:
    def __init__(self, registry: Registry):
        self.registry = registry
        self.unit_kind: str | None = None
        self.counts = {"chỉ tiêu": 0, "nhiệm vụ": 0, "nhiệm vụ của cơ quan": 0, "hạn báo cáo": 0, "văn bản dẫn chiếu": 0,
                       "nơi nhận": 0}

    # --- agencies ---------------------------------------------------------------
    def agencies_in(self, head: str) -> list[str]:
        """Agency ids named at the start of a heading ("Sở Y tế", "Đề nghị Ủy ban …, Hội … và …").

        Names may themselves contain "và" (Sở Giáo dục và Đào tạo), so the longest run of words that the
        registry knows is taken first, then separators (",", "và") are skipped and the next name is sought.
        """
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
        return found

    # --- whole plan --------------------------------------------------------------
    def recognise(self, paras: list[Para]) -> Recognition:
        body = [p.text for p in paras if p.zone == "body"]
        header = [p for p in paras if p.zone.startswith("header")]
        closing_left = [p.text for p in paras if p.zone == "closing-left"]
        closing_right = [p.text for p in paras if p.zone == "closing-right"]
        footnotes = {m.group(1): m.group(2) for p in paras if p.zone == "footnote"
                     for m in [re.match(r"^\[\^(\d+)\]\s*(.*)$", p.text)] if m}
        document: dict = {"type": "Kế hoạch", "symbol": "KH-UBND"}
        issuer_lines = [p.text for p in header if p.zone == "header-left" and not p.text.startswith("Số")]
        for text in [p.text for p in header] + body[:6]:
            if m := NUMBER_LINE.match(text):
                document["symbol"] = nd30.clean_symbol(m.group("symbol"))
                if m.group("number"):
                    document["number"] = int(m.group("number"))
            elif m := DATE_LINE.match(text.strip("*")):
                document["place"] = m.group("place").strip()
                date = m.group("year")
                if m.group("month"):
                    date += f"-{int(m.group('month')):02d}"
                    if m.group("day"):
                        date += f"-{int(m.group('day')):02d}"
                document["date"] = date
        body = [t for t in body if not NUMBER_LINE.match(t) and not DATE_LINE.match(t.strip("*"))
                and match_key(t) not in _MOTTO_KEYS]
        # Title: after "KẾ HOẠCH", up to the first opening paragraph.
        kind_index = next((i for i, t in enumerate(body) if t.upper().startswith("KẾ HOẠCH")), None)
        title_parts, start = [], 0
        if kind_index is not None:
            first = body[kind_index][len("KẾ HOẠCH"):].strip()
            start = kind_index + 1
            if not first and start < len(body) and not re.match(r"^I\.\s", body[start]):
                first, start = body[start], start + 1  # the line right under KẾ HOẠCH is the trích yếu
            title_parts = [first] if first else []
            while start < len(body) and not re.match(r"^(Thực hiện|Căn cứ|Ủy ban|UBND|Nhằm|Để|I\.)", body[start]):
                title_parts.append(body[start])
                start += 1
            body = body[:kind_index] + body[start:]
            start = kind_index
        document["title"] = " ".join(title_parts) or "(chưa nhận ra trích yếu)"
        first_section = next((i for i, t in enumerate(body) if re.match(r"^I\.\s", t)), len(body))
        recipients_at = next((i for i, t in enumerate(body) if re.match(r"^N[oơ]i nh[aậ][nm]:?$", t.strip(" *"))), None)
        closing_end = recipients_at if recipients_at is not None else len(body)
        tail = body[recipients_at:] if recipients_at is not None else []
        preamble = body[:first_section]
        section_texts = body[first_section:closing_end]
        # Paragraphs after the last numbered item that address everyone ("Trên đây là …") close the body.
        closing: list[str] = []
        while section_texts and not LABEL.match(section_texts[-1]) and re.match(
                r"^(Trên đây|Yêu cầu|Căn cứ Kế hoạch|Trong quá trình)", section_texts[-1]):
            closing.insert(0, section_texts.pop())
        sections = _build(section_texts)
        tree: dict = {"kind": "plan"}
        text_all = " ".join(preamble + [document["title"]])
        unit = UNIT_RE.search(" ".join(issuer_lines)) or UNIT_RE.search(text_all)
        place = document.get("place")
        province = None
        if unit:
            kind, name = unit.group("kind"), unit.group("name")
            level = level_of(kind, name).value
        else:
            kind, level = "tỉnh", "tinh"
            m = re.search(r"trên địa bàn tỉnh ([A-ZĐ][\wÀ-ỹ]*(?: [A-ZĐ][\wÀ-ỹ]*)*)", text_all)
            name = place or (m.group(1) if m else "…")
        self.unit_kind = kind
        if level == "tinh":
            province = name
        document.setdefault("place", name)
        if issuer_lines:
            issuer_name = " ".join(issuer_lines).title()
            issuer_name = f"Ủy ban nhân dân {kind} {name}" if "ỦY BAN NHÂN DÂN" in " ".join(issuer_lines) else issuer_name
        else:
            issuer_name = f"Ủy ban nhân dân {kind} {name}"
        agency = {"tinh": "ubnd-tinh", "huyen": "ubnd-huyen", "xa": "ubnd-xa"}[level]
        issuer = {"agency": agency, "name": issuer_name,
                  "header": issuer_lines or ["ỦY BAN NHÂN DÂN", f"{kind} {name}".upper()]}
        year = int(str(document.get("date", "0"))[:4]) if document.get("date") else None
        if year is None:
            years = [int(y) for y in re.findall(r"\b(20\d\d)\b", document["title"])]
            year = years[0] if years else 2000
            document["date"] = str(year)
        document = {"type": document["type"], "issuer": issuer, **{k: v for k, v in document.items() if k != "type"},
                    "level": level}
        if province:
            document["province"] = province
        if level == "huyen":
            document["district"] = name
        years = [int(y) for y in re.findall(r"\b(20\d\d)\s*-\s*(20\d\d)\b", document["title"]) for y in y]
        if len(years) >= 2:
            document["period"] = {"from": years[0], "to": years[1]}
        tree["id"] = slug(f"{name} {year}") or "ke-hoach"
        tree["document"] = document
        bases = self.citations(" ".join(preamble), verb=True)
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
        if footnotes:
            tree["footnotes"] = footnotes
        recognised = {k: v for k, v in self.counts.items() if v}
        prose = sum(1 for b in _walk(sections + tree.get("preamble", []) + tree.get("closing", []))
                    if not any(k in b for k in ("targets", "task", "agency", "reporting", "budget")))
        return Recognition(tree, recognised, prose)

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
                if ("nội dung" in head or "nhiệm vụ" in head) and block in section.get("blocks", []) and block.get("label"):
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
            value = float(m.group("high") or m.group("low")).__round__(4)
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
        if not targets:
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
        block["id"] = f"nd-{block['label'].rstrip('.')}"
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
                item["id"] = base
                self.counts["nhiệm vụ của cơ quan"] += 1
            for n, child in enumerate([c for c in item.get("blocks", []) if "agency" not in c], 1):
                child["id"] = f"{base}.{n}"
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
            item = {"id": f"bc-{self.counts['hạn báo cáo'] + 1}", "from": senders or ["(chưa rõ)"],
                    "to": to or ["(chưa rõ)"], "period": period}
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
        tree["recipients_label"] = label.strip(" *")
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
            sig_lines += [s.strip(" *") for s in re.split(nd30.AUTHORITY_SPLIT_RE.pattern + r"|(?<=[A-ZĐ]) (?=PHÓ |CHỦ TỊCH$)", text) if s.strip(" *")]
        if sig_lines:
            authority = [s for s in sig_lines if AUTHORITY.match(s)]
            positions = [s for s in sig_lines if not AUTHORITY.match(s) and s == s.upper()]
            names = [s for s in sig_lines if s != s.upper()]
            tree["signature"] = {"authority": authority, "positions": positions or ["(chức vụ)"],
                                 "name": names[-1] if names else "(họ và tên)"}
        tree.setdefault("signature", {"authority": [], "positions": ["(chức vụ)"], "name": "(họ và tên)"})
