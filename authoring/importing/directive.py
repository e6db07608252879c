"""`kehoach import --directive`: a decision's or a plan's text → a `kind: directive` file with its duty list."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import nd30
from ..loading import load_registry
from ..loading.writer import SCHEMA_LINE, dump_tree, to_tree
from ..text import match_key, nfc, slug
from .importer import read_source, refusal
from .recognise import _ATTACHED, ImportRefused, Recogniser
from .sources import Para

# "(1) Bộ Công an …": a numbered item as decisions print them; read like "1. …".
_PAREN_LABEL = re.compile(r"^\((\d{1,2})\)\s+")
# "Đề nghị …", "Giao …": how a text addresses the body it gives a duty to.
_ADDRESS = re.compile(r"^(?:Đề nghị|Giao|Yêu cầu)\s+", re.IGNORECASE)
# "Bộ trưởng Bộ Công an", "Chủ tịch Ủy ban nhân dân các tỉnh": the head stands for the body.
_HEAD = re.compile(r"^(?:Các\s+)?(?:Bộ trưởng|Thủ trưởng|Chủ tịch|Giám đốc|Trưởng ban|Tổng giám đốc|Chánh án|Viện trưởng|"
                   r"Tổng Kiểm toán|Thống đốc)\s+(?=[A-ZĐÀ-Ỹ]|các\s|cơ quan)", re.IGNORECASE)
# Where the name of the addressed body ends and what it must do begins ("xây dựng" in lower case only: Bộ Xây dựng).
_DUTY_VERB = re.compile(r"\s(?:chỉ đạo|chủ trì|phối hợp|có trách nhiệm|tham mưu|thực hiện|tăng cường|triển khai|giúp|căn cứ|"
                        r"theo dõi|(?-i:xây dựng)|bảo đảm|đảm bảo|nghiên cứu|hướng dẫn|rà soát|chịu trách nhiệm|"
                        r"quán triệt|nâng cao|đẩy mạnh|tiếp tục|trong phạm vi)\b|[:.;(]", re.IGNORECASE)
# The words an agency's name begins with, for bodies the registry does not know yet (kept as written).
_BODY = re.compile(r"^(?:Bộ|Sở|Ủy ban|Uỷ ban|UBND|Công an|Ban(?! hành)|Hội|Viện|Tòa án|Toà án|Liên đoàn|Tỉnh đoàn|Thành đoàn|"
                   r"Trung ương|Đoàn|Báo|Đài|Thông tấn xã|Văn phòng|Chi cục|Cục|Kho bạc|Ngân hàng|Thuế|Bảo hiểm|"
                   r"Kiểm toán|Cơ quan|Các cơ quan|Các bộ|Các sở|Bộ Chỉ huy|Bộ Tư lệnh|Thanh tra|Phòng|Trung tâm|"
                   r"Học viện|Trường(?! hợp))\b")
_MAX_NAME_WORDS = 16
_REPORT = re.compile(r"^Báo cáo\b", re.IGNORECASE)
# "2. Trách nhiệm của Ủy ban nhân dân các tỉnh …": a heading whose items are that body's duties unless they name another.
_OWNER = re.compile(r"^(?:Trách nhiệm|Nhiệm vụ)(?: cụ thể)? của\s+", re.IGNORECASE)
# "Điều 5. Tổ chức thực hiện": a circular's articles, read as sections when no programme is issued with the text.
_ARTICLE = re.compile(r"^Điều\s+(\d{1,2})\.\s*")
_ROMAN = ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
          "XVII", "XVIII", "XIX", "XX")
# "Cơ quan chủ trì:", "Cơ quan phối hợp": the fields of a task table, not bodies.
_TITLE_ONLY = re.compile(r"^(?:Các\s+)?(?:Bộ trưởng|Thủ trưởng|Chủ tịch|Giám đốc|Trưởng ban|Thủ trưởng các)$", re.IGNORECASE)
_FIELD = re.compile(r"^(?:Cơ quan|Đơn vị)(?:\s+(?:chủ trì|phối hợp|thực hiện))?$", re.IGNORECASE)


@dataclass
class DirectiveImport:
    yaml_text: str
    duties: int = 0                       # items given to a named body
    known: int = 0                        # bodies matched to the registry
    unknown: list[tuple[str, int]] = field(default_factory=list)   # (name as written, line) not in the registry
    targets: int = 0
    reports: int = 0
    missing: list[str] = field(default_factory=list)
    place: str = "dòng"                   # what the numbers count: lines of a text, paragraphs of a DOCX


class _Lines:
    """Where each paragraph starts in the source text: sought forward from the last one, across hard line breaks."""

    def __init__(self, text: str):
        self.keys = [match_key(line) for line in nfc(text).split("\n")]
        full = [i for i, k in enumerate(self.keys) if k]
        # the line and the next three non-empty ones, as one string: a paragraph's first words fit in it
        self.windows = {i: " ".join(self.keys[j] for j in full[n:n + 4]) for n, i in enumerate(full)}
        self.heads = {i: re.sub(r"^(?:\(?\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ]\)|[ivx]+\.|[-+])\s*", "", self.keys[i])
                      for i in full}
        self.full = full
        self.position = {i: n for n, i in enumerate(full)}
        self.opening: dict[str, list[int]] = {}   # first word of a line (after its number) → the lines
        self.holding: dict[str, list[int]] = {}   # any word → the lines whose window holds it
        for i in full:
            first = self.heads[i].split()[:1]
            if first:
                self.opening.setdefault(first[0], []).append(i)
            for word in set(self.keys[i].split()):
                self.holding.setdefault(word, []).append(i)
        self.cursor = 0

    def _from_cursor(self, lines: list[int]) -> list[int]:
        at = bisect.bisect_left(lines, self.cursor)
        return lines[at:] + lines[:at]

    def of(self, text: str) -> int | None:
        words = match_key(re.sub(r"[*_]", "", text)).split()[:8]
        if not words:
            return None
        phrase = " ".join(words)
        # first a line that opens with the paragraph's words (after its number), then the line they start on
        for i in self._from_cursor(self.opening.get(words[0], [])):
            head = self.heads[i]
            if (head.startswith(phrase) or phrase.startswith(head[:40])) and phrase in self.windows[i]:
                self.cursor = i
                return i + 1
        for i in self._from_cursor(self.holding.get(words[0], [])):
            if phrase in self.windows[i]:
                n = self.position[i]
                later = [j for j in self.full[n + 1:n + 4] if phrase in self.windows[j]]
                self.cursor = later[-1] if later else i
                return self.cursor + 1
        return None


class _Duties:
    def __init__(self, recogniser: Recogniser, lines: _Lines, source: str, place: str):
        self.recogniser = recogniser
        self.lines = lines
        self.source = source
        self.place = place
        self.result = DirectiveImport("", place=place)

    def bodies(self, head: str) -> tuple[list[str], list[str]]:
        """Registry ids and unknown names of the bodies a heading addresses, in order.

        At each place the longest run of words the registry knows is taken ("Ủy ban nhân dân các tỉnh, thành phố
        trực thuộc trung ương" has a comma in it); failing that, the body behind a head's title ("Bộ trưởng Bộ Công
        an"); failing that, a name that looks like a body's, kept as written up to the next comma.
        """
        head = _ADDRESS.sub("", nfc(head).strip().replace("*", ""))
        if _REPORT.match(head):   # "Báo cáo quyết toán …" is what is written, not "Báo {tỉnh}", the newspaper
            return [], []
        head = re.split(_DUTY_VERB, head, maxsplit=1)[0]
        tokens = re.findall(r"[^\s,;]+|[,;]", head)
        registry = self.recogniser.registry
        ids: list[str] = []
        names: list[str] = []
        i = 0
        while i < len(tokens):
            if tokens[i] in (",", ";") or tokens[i].lower() == "và":
                i += 1
                continue
            found = None
            for skip in (0, 1, 2):   # the body itself, or behind a one- or two-word title (Bộ trưởng, Thủ trưởng)
                if skip and not _HEAD.match(" ".join(tokens[i:i + skip + 1]) + " X"):
                    continue
                for j in range(min(len(tokens), i + skip + 16), i + skip, -1):
                    if tokens[j - 1] in (",", ";"):
                        continue
                    agency = registry.resolve_agency(" ".join(tokens[i + skip:j]).replace(" ,", ","))
                    if agency:
                        found = (agency, j)
                        break
                if found:
                    break
            if found:
                if found[0] not in ids:
                    ids.append(found[0])
                i = found[1]
                continue
            end = next((k for k in range(i, len(tokens)) if tokens[k] in (",", ";")), len(tokens))
            name = _HEAD.sub("", " ".join(tokens[i:end]))
            if _TITLE_ONLY.match(name):   # "Bộ trưởng, Thủ trưởng cơ quan ngang bộ, …": the body follows the comma
                i = end
                continue
            if not (_BODY.match(name) and 2 <= len(name.split()) <= _MAX_NAME_WORDS) or _FIELD.match(name):
                break   # a heading names its bodies first; a sentence that begins otherwise addresses nobody
            if name not in names:
                names.append(name)
            i = end
        return ids, names

    def cite(self, block: dict) -> None:
        line = self.lines.of(block.get("title") or block.get("text") or "")
        if line:
            block["source"] = f"{self.source}, {self.place} {line}"

    def visit(self, blocks: list[dict]) -> None:
        for block in blocks:
            if block.get("targets"):
                self.result.targets += len(block["targets"])
            if block.get("reporting"):
                self.result.reports += len(block["reporting"])
            if block.get("task") or block.get("targets") or block.get("reporting"):
                self.cite(block)
            labelled = block.get("label") and block["label"] not in ("-", "+")
            if labelled and not block.get("task"):
                ids, names = ([block["agency"]] if isinstance(block.get("agency"), str) else list(block.get("agency", []))), []
                if not ids:
                    ids, names = self.bodies(block.get("title") or block.get("text", ""))
                if ids or names:
                    self.assign(block, ids, names)
                    continue
                owner = _OWNER.match(block.get("title") or "")
                ids, names = self.bodies(block["title"][owner.end():]) if owner and block.get("blocks") else ([], [])
                if ids or names:
                    self.own(block["blocks"], ids, names)
                    continue
            self.visit(block.get("blocks", []))

    def own(self, items: list[dict], ids: list[str], names: list[str]) -> None:
        """The items under a "Trách nhiệm của …" heading: each is that body's duty unless it addresses its own body."""
        for item in items:
            if item.get("task"):
                continue
            mine = [item["agency"]] if isinstance(item.get("agency"), str) else list(item.get("agency", []))
            theirs, unknown = (mine, []) if mine else self.bodies(item.get("title") or item.get("text", "")) \
                if item.get("label") not in (None, "-", "+") else ([], [])
            self.assign(item, *((theirs, unknown) if theirs or unknown else (ids, names)))

    def assign(self, block: dict, ids: list[str], names: list[str]) -> None:
        line = self.lines.of(block.get("title") or block.get("text") or "")
        block["agency"] = ids + names
        self.result.known += len(ids)
        self.result.unknown += [(n, line or 0) for n in names]
        base = (ids or [slug(names[0])[:40]])[0]
        if block.get("text"):
            block.setdefault("id", self.recogniser.unique(base))
            self.result.duties += 1
        if line:
            block["source"] = f"{self.source}, {self.place} {line}"
        for n, child in enumerate(block.get("blocks", []), 1):
            child.setdefault("id", self.recogniser.unique(f"{base}.{n}"))
            self.result.duties += 1
            self.cite(child)


_LEAD_IN = re.compile(r"(mục tiêu|chỉ tiêu)[^:]*:\s*$", re.IGNORECASE)


def _listed_targets(tree: dict, recogniser: Recogniser) -> None:
    """Targets in the items listed after a lead-in ("Dự án đặt mục tiêu … bao gồm:"), wherever the text puts them.

    A decision quoted in parts has no "MỤC TIÊU" section for the plan importer to find; its goals still read so.
    """
    document = tree["document"]
    year = int(str(document["date"])[:4])

    def run(blocks: list[dict], listing: bool) -> bool:
        for block in blocks:
            text = block.get("text") or ""
            bullet = block.get("label") in ("-", "+") or re.match(r"^[-+]\s", text)
            if listing and bullet and "targets" not in block and "%" in text:
                recogniser.targets(block, year, document.get("period"), {}, percentages=True)
            elif not bullet:
                listing = bool(_LEAD_IN.search(text or block.get("title") or ""))
            listing = run(block.get("blocks", []), listing) if block.get("blocks") else listing
        return listing

    for group in ("preamble", "sections"):
        run(tree.get(group, []), False)


def _articles_as_sections(paras: list[Para]) -> list[Para]:
    """A text set out in articles only (a circular): each "Điều N." becomes section N, so its clauses nest under it.

    A decision whose duties are in the programme issued with it keeps its articles as they are: the importer reads
    that programme after the signature.
    """
    texts = [p.text.strip(" *") for p in paras]
    first = next((i for i, t in enumerate(texts) if _ARTICLE.match(t)), None)
    if first is None or any(re.match(r"^I\.\s", t) for t in texts[:first]) or any(_ATTACHED.match(t) for t in texts):
        return paras
    return [Para(_ARTICLE.sub(lambda m: f"{_ROMAN[int(m.group(1))]}. " if int(m.group(1)) < len(_ROMAN) else m.group(0),
                              p.text.strip(" *")) if p.zone == "body" else p.text, p.zone, p.cells, p.title)
            for p in paras]


def _directive_id(document: dict) -> str:
    abbr = nd30.ALL_TYPE_ABBREVIATIONS.get(document.get("type", ""), "vb")
    year = str(document["date"])[:4]
    return slug(f"{abbr} {document.get('number', '')} {year}")


def import_directive(path: Path, overrides: dict | None = None) -> DirectiveImport:
    """A `kind: directive` tree from a decision's, a directive's or a plan's text: its duties, each with its line."""
    from ..fileio import note_read

    path = Path(path)
    note_read(path)
    source = read_source(path)
    facts = source.facts
    paras = _articles_as_sections([Para(_PAREN_LABEL.sub(r"\1. ", p.text), p.zone, p.cells, p.title) for p in source.paras])
    recogniser = Recogniser(load_registry())
    try:
        recognition = recogniser.recognise(paras, facts, overrides or {})
    except ImportRefused as exc:
        raise refusal(path, exc, source.pdf) from None
    tree = recognition.tree
    text = path.suffix.lower() in (".txt", ".md")
    raw = path.read_text(encoding="utf-8-sig") if text else "\n".join(p.text for p in paras)
    _listed_targets(tree, recogniser)
    duties = _Duties(recogniser, _Lines(raw), path.name, "dòng" if text else "đoạn")
    duties.visit(tree.get("preamble", []) + tree.get("sections", []))
    document = tree["document"]
    tree = {"kind": "directive", "id": _directive_id(document), **{k: v for k, v in tree.items() if k not in ("kind", "id")}}
    tree["source"] = f"{path.name} (kehoach import --directive)"
    tree["status"] = "unconfirmed"
    result = duties.result
    missing = [m for m in facts.missing if not overrides or not any(k in m for k in ("ký hiệu", "ngày ban hành", "trích yếu"))]
    note = (f"Văn bản cấp trên nhập từ {path.name} bằng kehoach import --directive. Kiểm tra lại từng nhiệm vụ và cơ "
            "quan được giao (source: tệp, dòng hoặc đoạn), rồi đổi status thành confirmed."
            + (" Cơ quan chưa có trong danh mục (giữ nguyên tên): "
               + "; ".join(f"{n} ({result.place} {ln})" for n, ln in result.unknown) + "." if result.unknown else ""))
    result.missing = missing
    result.yaml_text = dump_tree(to_tree(tree), f"{SCHEMA_LINE}\n{note}", name=f"văn bản cấp trên nhập từ {path.name}")
    return result
