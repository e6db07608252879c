"""Counterpart translation: who holds a parent agency's role in the draft's unit on the draft's day."""

from __future__ import annotations

import re
from datetime import date

from ...loading import LoadedPlan
from ...model import Level
from ...model.walk import iter_duties, iter_reporting
from ...model.wording import ends
from ...text import match_key
from .competences import holders
from .context import Draft


def central_to_province(d: Draft, text: str) -> str:
    """A national sentence said by a province: central bodies become their counterparts, the Prime Minister the UBND."""
    registry = d.registry
    for swap in d.roles.swaps:
        text = re.sub(rf"\b{re.escape(swap.national)}\b", d.say(swap.province), text)
    for agency in registry.agencies.values():
        if agency.level != Level.CENTRAL or "tinh" not in agency.counterparts or agency.collective:
            continue
        counterpart = d.now(agency.counterparts["tinh"])
        if counterpart is None:
            continue
        for old in sorted({n.name for n in agency.names} | {a for a in agency.aliases if a[:1].isupper()},
                          key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", d.name(counterpart), text)
    for head in d.roles.heads:   # "Bộ trưởng Sở Nội vụ" → "Giám đốc Sở Nội vụ"
        text = re.sub(rf"\b{re.escape(head.national)} (?={re.escape(d.say(head.before))})", head.province + " ", text)
    return text


# "Các Bộ: Công an, Quốc phòng, Y tế …", "Các bộ, cơ quan ngang bộ: Tài chính; Tư pháp; Văn phòng Chính phủ phối hợp …":
# national texts name several ministries after one "Bộ", by their field (Nghị định 30/2020, cách viết tên cơ quan
# trong văn bản; seen in QĐ 1187/QĐ-BNV, Công điện 223/CĐ-TTg). The list ends at the verb of the duty.
LISTED = re.compile(r"(?:^|[.;:]\s+|-\s*)[Cc]ác [Bb]ộ(?:, (?:cơ quan ngang bộ|ngành))?\s*:\s*(?P<names>.+?)"
                    r"(?=\s+(?:phối hợp|chủ trì|có trách nhiệm|theo chức năng|căn cứ|thực hiện|chỉ đạo|hướng dẫn|"
                    r"tăng cường|khẩn trương|tổ chức|rà soát|nghiên cứu|triển khai)\b|[.]\s|[.:]?$)")


def listed_ministries(d: Draft, text: str) -> list[tuple[str, str | None]]:
    """The central bodies a duty lists by their field after "Các Bộ:" (at least two found), in its order, each with
    the field it was named by ("tư pháp"; None for a body named in full); else []."""
    found = LISTED.search(text)
    if not found:
        return []
    bodies: dict[str, str | None] = {}
    for name in re.split(r"\s*[;,]\s*", found.group("names").strip(" ;,")):
        name = re.sub(r"^và\s+", "", name).strip()
        for candidate, field in ((name, None), (f"Bộ {name}", name.lower())):
            agency_id = d.registry.resolve_agency(candidate) if name else None
            agency = d.registry.agencies.get(agency_id) if agency_id else None
            if agency is not None and agency.level == Level.CENTRAL and not agency.collective:
                bodies.setdefault(agency_id, field)
                break
    return list(bodies.items()) if len(bodies) >= 2 else []


def listed_predicate(text: str) -> str | None:
    """What a duty listing ministries after "Các Bộ:" asks of them (the words after the list), capitalised."""
    found = LISTED.search(text)
    rest = text[found.end():].strip(" ,") if found else ""
    return rest[:1].upper() + rest[1:] if len(rest.split()) >= 3 else None


def to_province(d: Draft, agency_id: str) -> str | None:
    """The province body holding a central body's role on the draft's day (Bộ Quốc phòng → Bộ Chỉ huy Quân sự tỉnh)."""
    agency = d.registry.agencies.get(agency_id)
    if agency is None:
        return None
    if agency.level == Level.PROVINCE:
        return d.now(agency_id)
    counterpart = agency.counterparts.get("tinh")
    if counterpart is None and agency.id == "cac-bo-nganh":
        counterpart = "cac-so-nganh-tinh"
    if counterpart is None:
        now = d.now(agency_id)   # a body merged away: its successor's counterpart (Bộ LĐTBXH → Bộ Y tế → Sở Y tế)
        successor = d.registry.agencies.get(now) if now and now != agency_id else None
        counterpart = successor.counterparts.get("tinh") if successor else None
    return d.now(counterpart) if counterpart else None


def unplaced(d: Draft, parent: LoadedPlan, agency_id: str, text: str) -> None:
    """A parent duty no body of the unit holds: a note with the reason, never dropped silently."""
    agency = d.registry.agencies.get(agency_id)
    who = d.name(agency_id) if agency else agency_id
    why = (agency.note.rstrip(". ") if agency is not None and agency.note else
           f"danh mục cơ quan chưa có cơ quan tương ứng ở {d.unit.level.label} của {who}")
    from .phrasing import mention   # phrasing reads counterparts: imported here, not at the top

    short = text if len(text) <= 90 else text[:87].rstrip() + "…"
    d.notes.append(f"nhiệm vụ mà {mention(parent, d, later=True)} giao {who} (\"{short}\") chưa chuyển cho cơ quan nào "
                   f"của {d.unit.full}: {why}; tự giao trong dự thảo, hoặc bổ sung cơ quan tương ứng vào danh mục cơ "
                   "quan (tệp agencies.yaml của danh mục)")


STANDING = re.compile(r"cơ quan (thường trực|đầu mối)|là đầu mối", re.IGNORECASE)


def province_lead(d: Draft) -> str:
    """The province's lead, following the parent's: its standing body, else the body its reports go to, else the
    field's usual lead (fields.yaml), else the body whose competence the parents' titles name, else the first body the
    parent gives duties to."""
    central = []
    for parent in d.parents:
        for item in iter_duties(parent.plan):
            agency_id = parent.agency_id(item.agencies[0]) or item.agencies[0] if item.agencies else None
            agency = d.registry.agencies.get(agency_id) if agency_id else None
            if agency is None or agency.level != Level.CENTRAL or agency.collective or agency.kind != "co-quan":
                continue
            central.append(agency_id)
            if STANDING.search(item.text):
                found = to_province(d, agency_id)
                if found:
                    return found
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            for name in list(report.via) + list(report.to):
                found = to_province(d, parent.agency_id(name) or name)
                if found and found != "ubnd-tinh" and not d.registry.agencies[found].collective:
                    return found
    if d.field is not None and d.field.lead and d.now(d.field.lead):
        return d.now(d.field.lead)
    found = holders(d, Level.PROVINCE, " ".join(p.plan.document.title for p in d.parents))
    if found:   # the department whose competence the parents' titles name (thi đua → Sở Nội vụ)
        return found[0].agency
    for agency_id in central:
        found = to_province(d, agency_id)
        if found:
            return found
    return "van-phong-ubnd-tinh"


def names_standing(d: Draft, lead: str) -> bool:
    """Whether a parent already makes *lead*'s central counterpart the standing body (its duty says so)."""
    for parent in d.parents:
        for item in iter_duties(parent.plan):
            if item.agencies and STANDING.search(item.text) and \
                    to_province(d, parent.agency_id(item.agencies[0]) or item.agencies[0]) == lead:
                return True
    return False


def ministry_of(d: Draft) -> str | None:
    """The central body the province reports to: the parents' report addressee, else the field's ministry, else the
    central counterpart of the province's lead."""
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            for name in report.to:
                agency_id = parent.agency_id(name) or name
                if agency_id in d.registry.agencies and d.registry.agencies[agency_id].level == Level.CENTRAL:
                    return d.now(agency_id)
    if d.field is not None and d.field.ministry:
        return d.now(d.field.ministry)
    lead = d.registry.agencies.get(province_lead(d))
    central = lead.counterparts.get("trung_uong") if lead else None
    return d.now(central) if central else None


def department(d: Draft, key: str, lead: str) -> str | None:
    if key == "lead":
        return lead
    agency = d.registry.agencies.get(key)
    if agency is None:
        return None
    return d.now(key)


def coordinator_of(parent: LoadedPlan, collectives: set[str]) -> str | None:
    """The department that coordinates the parent's work: the one its sub-units report through, or its issuer."""
    for _, _, report in iter_reporting(parent.plan):
        if collectives & {parent.agency_id(a) or a for a in report.from_}:
            for name in list(report.via) + list(report.to):
                agency_id = parent.agency_id(name) or name
                if not agency_id.startswith("ubnd") and agency_id in parent.registry.agencies:
                    return agency_id
    issuer = parent.agency_id(parent.plan.document.issuer.agency) or parent.plan.document.issuer.agency
    if not issuer.startswith("ubnd"):
        return issuer
    for duty in iter_duties(parent.plan):  # the first department the parent gives duties to (the "cơ quan thường trực")
        agency_id = parent.agency_id(duty.agencies[0]) or duty.agencies[0]
        agency = parent.registry.agencies.get(agency_id)
        if agency and agency.kind == "co-quan" and not agency.collective:
            return agency_id
    return None


def counterpart_of(d: Draft, agency_id: str, level: Level) -> str | None:
    """The office at *level* that matches *agency_id*, following successors to the draft's date."""
    for candidate in (d.now(agency_id), agency_id):
        agency = d.registry.agencies.get(candidate) if candidate else None
        found = agency.counterparts.get(level.value) if agency else None
        if found and d.now(found) == found:
            return found
        # No direct counterpart: through the level between (Sở → Phòng ở huyện → công chức ở xã).
        middle = d.registry.agencies.get(agency.counterparts.get("huyen")) if agency and level == Level.COMMUNE else None
        found = middle.counterparts.get(level.value) if middle else None
        if found and d.now(found) == found:
            return found
    return None


def offices_of(d: Draft, district: bool) -> dict[str, str]:
    """The unit's own offices by role, as they exist on the draft's date."""
    wanted = d.roles.offices.get(Level.DISTRICT.value if district else Level.COMMUNE.value, {})
    out = {}
    for role, agency_id in wanted.items():
        agency = d.registry.agencies.get(agency_id)
        if agency and not ends(agency, d.on) and not _starts_later(agency, d.on):
            out[role] = agency_id
    return out


def _starts_later(agency, on: date) -> bool:
    start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
    return start is not None and on < start


# Where an imported parent names several bodies in one string ("Bộ Công Thương, Bộ Xây dựng và Bộ Tư pháp").
_JOINED = re.compile(r"[,;]\s*|\s+và\s+(?=(Bộ|Ban|Ủy ban|Văn phòng|Tổng|Ngân hàng|Viện|Tòa|Kiểm toán|Thanh tra)\b)")


def resolved(d: Draft, parent: LoadedPlan, names) -> list[str]:
    """The registry ids of the bodies *names* give, each of a joined string on its own; a name the registry does not
    know is kept as written (it becomes a note, never dropped)."""
    places = d.roles.localities
    localities = {match_key(w) for w in places.names} if places else set()

    def one(name: str) -> str | None:   # "các địa phương" of a national document: the province's own government
        return d.registry.resolve_agency(name) or (places.agency if match_key(name) in localities else None)

    out = []
    for name in names:
        found = parent.agency_id(name) or (name if name in d.registry.agencies else None) or one(name)
        if found is None:
            parts = [p for p in _JOINED.split(name) if p and p.strip() and not re.fullmatch(r"Bộ|Ban|Ủy ban|Văn phòng|Tổng|"
                                                                                        r"Ngân hàng|Viện|Tòa|Kiểm toán|Thanh tra", p)]
            hits = [h for h in (one(p.strip()) for p in parts) if h]
            out += [h for h in hits if h not in out] if hits else [name]
        elif found not in out:
            out.append(found)
    return out


def central_only(d: Draft, text: str, products=()) -> bool:
    """Whether a ministry's duty is one only central bodies do (draft, submit, issue laws and decrees: roles.yaml)."""
    return d.roles.central_only is not None and d.roles.central_only.matches(text, products)
