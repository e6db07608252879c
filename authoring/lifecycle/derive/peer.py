"""A neighbour's plan as evidence (derive --peer): the bodies another unit's real plan gives duties to, as this unit's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import InputError, KehoachError
from ...findings import Finding, Severity
from ...loading import load_plan, load_plan_or_raise, load_registry
from ...model import Block
from ...model.walk import iter_blocks
from ...text import match_key, nfc
from ..pairs import agency_key
from .context import Draft

# "Giao Sở Nội vụ:", "Giao Thanh tra tỉnh chủ trì, …": a line that hands a body its duties (a directive-style plan).
_GIVEN = re.compile(r"^(?:Giao|Đề nghị)\s+(.+?)(?=\s*:|\s+(?:chủ trì|phối hợp|tham mưu|thực hiện)\b|\s*\(|$)")
# How much of the neighbour's words is searched for the parent's citation.
_TEXT = 400_000
# The label of a heading or an item: "2.", "II.", "a)", "-", "+", "Điều 5." (a regulation's article).
_LABEL = re.compile(r"^(?:Điều\s+\d+\s*[.:]|(?:[IVX]+|\d+(?:\.\d+)*|[a-zđ])[.)]|[-+•])\s*")
# An item that opens with the bodies it gives duties to, as its subject: "Sở Tài chính, trên cơ sở …, chủ trì …",
# "Kho bạc Nhà nước Thành phố, Kho bạc Nhà nước quận - huyện có nhiệm vụ", "Bộ CHQS tỉnh có trách nhiệm tham mưu …".
_SUBJECT = re.compile(r"^(.{3,200}?)(?=\s+(?:có nhiệm vụ|có trách nhiệm|chịu trách nhiệm|chủ trì|tham mưu|phối hợp|bố trí|"
                      r"tổng hợp|hướng dẫn|theo dõi)\b|,\s*(?:trên cơ sở|căn cứ|theo)\b)")
# "Sở Lao động - Thương binh và Xã hội có nhiệm vụ": the words after a body's name that say it is given duties.
_DUTY_TAIL = re.compile(r"\s+(?:có nhiệm vụ|có trách nhiệm|chịu trách nhiệm)(?:\s+như sau)?\s*:?\s*$")
# The first word of a body's name: a heading "6. Sở Ngoại" cut there by a hard line break goes on in the next line.
_BODY_START = re.compile(r"^(?:Sở|Ban|Văn phòng|Trung tâm|Công an|Bộ|Đài|Báo|Hội|Chi cục|Cục|Thanh tra|Liên|Tỉnh đoàn|"
                         r"Kho bạc|Ngân hàng|Viện|Tòa án|Bảo hiểm|Ủy ban|Đoàn)(?:\s|$)")
# "Cơ quan thực hiện: Sở Khoa học và Công nghệ; Sở Tư pháp; …", "Đơn vị chủ trì: …".
_EXECUTING = re.compile(r"\b(?:[Cc]ơ quan|[Đđ]ơn vị)\s+(?:thực hiện|chủ trì|phối hợp|thực hiện chính)\s*:\s*(.{3,300})")
# A heading that names a body, known to the registry or not: "3. Ban Quản lý các khu công nghiệp".
_BODY = re.compile(r"^(?:Sở|Ban|Văn phòng|Trung tâm|Công an|Bộ Chỉ huy|Bộ đội|Đài|Báo|Hội|Chi cục|Cục|Thanh tra|Liên "
                   r"hiệp|Tỉnh đoàn|Thành đoàn|Kho bạc|Ngân hàng|Viện|Tòa án|Bảo hiểm|Ủy ban|Đoàn|Liên đoàn)\s")
# Words of a sentence, not of a name: "Ban hành quyết định …", "… giám sát trực tiếp thông qua".
_VERB = re.compile(r"^Ban hành\b|\b(?:thông qua|bao gồm|thành lập|thực hiện|tổ chức|chủ trì|phối hợp|gồm)\b")
# The header of a plan names its issuer: "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN" → "tỉnh Nghệ An".
_OWNER = re.compile(r"^(?:Ban Thường trực\s+)?(?:Ủy ban nhân dân|UBND|Ủy ban (?:Mặt trận Tổ quốc|MTTQ) Việt Nam)\s+((?:tỉnh|thành phố|xã|phường|đặc khu|huyện|quận|thị xã)\s.+)$",
                    re.IGNORECASE)

# A heading naming several bodies at once, or one with what follows its name.
_PARTS = re.compile(r",\s*|\s+và\s+|\s+(?:trong phạm vi|theo chức năng|căn cứ)\b.*$")


@dataclass(frozen=True)
class Peer:
    """What a neighbour's plan says: who issued it, and the names of the bodies it gives duties to, as written."""

    path: Path
    owner: str
    names: tuple[str, ...]
    text: str = ""   # its words (headings, items, bases): whether it implements the same parent

    def implements(self, parents) -> bool:
        """Whether the neighbour's plan cites one of *parents* by its number and symbol ("1187/QĐ-BNV"): a plan of
        the same programme, not one of another subject."""
        text = match_key(self.text)
        for parent in parents:
            document = parent.plan.document
            if document.number and re.search(rf"(?<!\d){document.number}\s*/\s*(?:\d{{4}}\s*/\s*)?"
                                             rf"{re.escape(match_key(document.symbol))}", text):
                return True
        return False


def read_peer(path: Path, name: str | None = None) -> Peer:
    """The neighbour's plan at *path*: a plan YAML, or a DOCX, PDF or text file read by the importer (its headings and
    task leads, and every paragraph that names a body as a heading or hands it duties: "1. Sở Tư pháp", "Giao Sở …")."""
    from ...importing.importer import import_plan, read_source
    from ...importing.recognise import ImportRefused

    path = Path(path)
    shown = Path(name) if name else path
    if not path.is_file():
        raise InputError(f"Không tìm thấy kế hoạch tham khảo {path}.", [Finding(
            "V107", Severity.ERROR, "không tìm thấy tệp kế hoạch của địa phương khác", str(path),
            suggestion="Kiểm tra lại đường dẫn sau --peer (tệp .yaml, .docx, .pdf hoặc .txt).")])
    plan, lines = None, []
    if path.suffix.lower() in (".yaml", ".yml"):
        plan = load_plan_or_raise(path).plan
    else:
        lines = [p.text for p in read_source(path).paras if p.zone == "body"]   # refuses what it cannot read
        try:
            loaded, _ = load_plan(path.with_suffix(".yaml"), text=import_plan(path).yaml_text)
            plan = loaded.plan if loaded is not None else None
        except (KehoachError, ImportRefused):
            plan = None   # a plan whose structure the importer does not follow: its paragraphs still name bodies
    names = []
    if plan is not None:
        lines += [f"{b.code or ''} {b.title or ''}" for b in plan.bases] + [plan.document.title or ""]
        lines += [b.text or "" for b in plan.preamble]
        for _, block in iter_blocks(plan):
            names += list(block.agency) + (list(block.task.lead) if block.task is not None else [])
            lines += [block.title or "", (block.text or "").split("\n")[0]]
    registry = load_registry()
    for line in _mended(registry, lines):
        text = _DUTY_TAIL.sub("", _LABEL.sub("", nfc(line).strip(), count=1))
        given = _GIVEN.match(text)
        if given:
            names.append(given.group(1))
        elif (text != line.strip() or text.endswith(":")) and 0 < len(text) <= 90 and (
                not agency_key(registry, text.rstrip(" :.;,")).startswith("~")
                or (not _VERB.search(text) and _known(registry, text)) or _named(text)):
            # a heading that is a body's name, or "Sở Tư pháp:"; one naming several: "Kho bạc …, Bảo hiểm xã hội …"
            whole = text.rstrip(" :.;,")
            names += [whole] if not agency_key(registry, whole).startswith("~") else (_known(registry, text) or [whole])
        elif subject := _SUBJECT.match(text):
            names += _known(registry, subject.group(1))   # only the registry's bodies: the subject may be a sentence
        executing = _EXECUTING.search(text)
        if executing:
            names += _known(registry, executing.group(1))
    owner = _owner(plan, lines)
    return Peer(shown, owner, tuple(dict.fromkeys(n.strip() for n in names if n and n.strip())), "\n".join(lines)[:_TEXT])



def _mended(registry, lines: list[str]) -> list[str]:
    """*lines* with a heading cut inside a body's name by a hard line break ("6. Sở Ngoại" / "Vụ") joined to the next."""
    out: list[str] = []
    for line in lines:
        last = _LABEL.sub("", nfc(out[-1]).strip(), count=1) if out else ""
        if last and last != out[-1].strip() and len(last) <= 40 and _BODY_START.match(last) \
                and not re.search(r"[.:;!?)]$", last) and agency_key(registry, last).startswith("~") \
                and not _LABEL.match(nfc(line).strip()):   # the rest of the name, not the next item
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
    return out


def _known(registry, words: str) -> list[str]:
    """The names in *words* ("A, B và C"; "A; B và các sở, ngành liên quan") that the registry knows, each apart: a
    name with a comma or "và" of its own ("Sở Văn hóa, Thể thao và Du lịch") whole."""
    found = []
    for chunk in re.split(r";", words):
        chunk = re.sub(r"\s+(?:và|cùng)\s+các\s.*$", "", chunk).strip(" .;:,")
        parts = [chunk] if not agency_key(registry, chunk).startswith("~") else \
            [p.strip(" .;:,") for p in _PARTS.split(chunk)]
        found += [p for p in parts if p and len(p) <= 90 and not agency_key(registry, p).startswith("~")]
    return found


def _named(text: str) -> bool:
    """Whether a heading is only a body's name the registry does not know (short, no sentence, no verb after it)."""
    return bool(_BODY.match(text)) and not _VERB.search(text) and len(text.split()) <= 12 \
        and not re.search(r"[.(;]", text.rstrip(" :"))


def _owner(plan, lines: list[str]) -> str:
    """Who issued the neighbour's plan ("tỉnh Nghệ An"), from its issuer or its first lines."""
    texts = []
    if plan is not None and plan.document.issuer:
        texts += [plan.document.issuer.name or "", " ".join((plan.document.issuer.header or [])[1:])]
    parts = [part.strip() for line in lines[:8] for part in re.split(r"\s{2,}|-{3,}|\s*\|\s*", line) if part.strip()]
    texts += parts + [f"{a} {b}" for a, b in zip(parts, parts[1:])]   # "UỶ BAN MTTQ VIỆT NAM" / "PHƯỜNG BẮC CAM RANH"
    for text in texts:
        found = _OWNER.match(re.sub("(?i)uỷ", lambda m: "Ủy" if m.group(0)[0] == "U" else "ủy", nfc(text).strip()))
        if found:
            words = found.group(1).split()
            return words[0].lower() + " " + " ".join(w[:1].upper() + w[1:].lower() for w in words[1:])
    if plan is not None and plan.document.province:
        return f"tỉnh {plan.document.province}"
    return "địa phương khác"


def translate(d: Draft, peer: Peer) -> dict[str, str]:
    """This unit's bodies that the neighbour gives duties to (id → the neighbour's name), on the draft's day: another
    province's newspaper is this one's, a district is its successor communes, an abolished body its successor; bodies
    not found at this unit's level are left out and named in a note."""
    found: dict[str, str] = {}
    dropped = []
    names = []
    for name in peer.names:   # "Ủy ban MTTQ tỉnh, Tỉnh đoàn, Hội LHPN tỉnh trong phạm vi …": each body apart
        parts = [p for p in _PARTS.split(name) if not agency_key(d.registry, p).startswith("~")]
        names += parts if agency_key(d.registry, name).startswith("~") and parts else [name]
    for name in dict.fromkeys(names):
        key = agency_key(d.registry, name)
        agency_id = d.now(key) if key in d.registry.agencies else None
        agency = d.registry.agencies.get(agency_id) if agency_id else None
        if agency is None or not d.exists(agency_id):
            shown = d.registry.agency_name(name, d.on) if name in d.registry.agencies else name
            dropped.append(shown if len(shown) <= 80 else shown[:77].rsplit(" ", 1)[0] + " …")
        elif agency.kind == "chinh-quyen" or (agency.collective and agency.level != d.unit.level):
            continue   # the unit itself, its sub-units: every draft has them already
        elif agency.level != d.unit.level:
            dropped.append(name)
        else:
            found.setdefault(agency_id, name)
    if dropped:
        names = ", ".join(dict.fromkeys(dropped))
        d.notes.append(f"kế hoạch của {peer.owner} ({peer.path.name}) có {names}: không tìm thấy cơ quan tương ứng "
                       f"đang hoạt động ở {d.unit.level.label} ngày {d.on:%d/%m/%Y} trong danh mục cơ quan "
                       "(plans/registry/agencies.yaml) nên không dùng làm căn cứ")
    return found


def peer_reason(d: Draft) -> str:
    """The `derived:` words of a body the draft names because the neighbour does."""
    return f"theo kế hoạch của {d.peer_owner}"


def peer_asks(d: Draft, role: str, asked: str, bodies) -> str | None:
    """With a neighbour's plan, the words by which what the parents ask of the unit (*asked*) reaches a closing *role*
    (press, front): its wider `reach` words (roles.yaml, ranking), when the neighbour names one of its *bodies*; None
    when the neighbour names none of them. Only what is asked of the unit: the parent's words to others do not count
    (on tune, with each children's plan as another's neighbour, the parent's whole text added the press wrongly 4 times
    of 4)."""
    ranking = d.roles.ranking
    if ranking is None or not set(bodies) & set(d.peer):
        return None
    for words in (ranking.asks.get(role), ranking.reach.get(role)):
        found = re.search(words, asked) if words else None
        if found:
            return found.group(0).strip(" .;:")
    return None


def unused(d: Draft, sections: list[Block]) -> None:
    """The neighbour's bodies the parents' duties never reach: a note (the neighbour alone gives no body a duty)."""
    named = set()
    for section in sections:
        for block in walk(section):
            named.update(block.agency)
            if block.task is not None:
                named.update(block.task.lead + block.task.cooperating)
    left = [a for a in d.peer if a not in named]
    if left:
        d.notes.append(f"{', '.join(d.name(a) for a in left)}: có trong kế hoạch của {d.peer_owner} nhưng không nhiệm vụ "
                       "nào của văn bản cấp trên thuộc chức năng của cơ quan này (competences.yaml) nên dự thảo không "
                       "giao việc; thêm tay nếu cần")



def walk(block: Block):
    yield block
    for child in block.blocks:
        yield from walk(child)
