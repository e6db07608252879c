"""The drafting context: the parents, the unit, the day, and the draft's ids and sentences so far."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as member
from datetime import date

from ...errors import UsageError
from ...loading import LoadedPlan
from ...loading.drafting import load_competences, load_fields, load_roles
from ...model import Block, Level, Link, PartialDate
from ...model.drafting import CompetenceRegistry, DraftField, FieldRegistry, RoleRegistry
from ...model.plan import strip_footnote_marks
from ...model.units import CENTRAL_CITIES, Unit
from ...model.wording import current, ends, name_of
from ...text import match_key, slug


PLACEHOLDER = "…"
GENERIC_REASON = ("đề xuất của kehoach (câu chung, không lấy từ văn bản cấp trên và không theo lĩnh vực nào); "
                  "điều chỉnh cho phù hợp")
FIELD_REASON = ("đề xuất của kehoach theo lĩnh vực {field} của văn bản cấp trên, như các kế hoạch cấp tỉnh của lĩnh vực "
                "này thường giao; điều chỉnh cho phù hợp")
# A centrally-run city (Nghị quyết 202/2025/QH15) names itself thành phố, its party committee Thành ủy.
CITY_WORDS = [(r"\bTỉnh ủy\b", "Thành ủy"), (r"\bTỉnh đoàn\b", "Thành đoàn"), (r"\bcấp tỉnh\b", "cấp thành phố"),
              (r"\btỉnh\b", "thành phố")]


def parse_unit(text: str) -> Unit:
    unit = Unit.parse(text)
    if unit is None:
        raise UsageError(f"không rõ loại đơn vị của '{text}'",
                         "Ghi kèm loại đơn vị: 'tỉnh Đắk Nông', 'xã Hòa Bình', 'phường …', 'đặc khu …', 'quận …'.")
    return unit


@dataclass
class DeriveReport:
    added: list[str] = member(default_factory=list)
    kept: list[str] = member(default_factory=list)
    changed_upstream: list[str] = member(default_factory=list)
    removed_upstream: list[str] = member(default_factory=list)
    notes: list[str] = member(default_factory=list)   # what the author should know (unit not in the 2025 list, …)


@dataclass
class Draft:
    parents: list[LoadedPlan]
    unit: Unit
    when: PartialDate
    province: str | None
    lead_days: int
    day: date | None = None           # the day the draft is written for (derive --date); else its year's first day
    field: DraftField | None = None   # the parents' field (children, drugs, …), None when none is recognised
    fields: FieldRegistry = member(default_factory=load_fields)
    roles: RoleRegistry = member(default_factory=load_roles)
    competences: CompetenceRegistry = member(default_factory=load_competences)
    comments: dict = member(default_factory=dict)
    notes: list[str] = member(default_factory=list)
    reasons: dict = member(default_factory=dict)   # block id → why kehoach gave that duty to that body (a comment)
    peer: dict = member(default_factory=dict)   # this unit's bodies a neighbour's plan gives duties to (derive --peer)
    peer_owner: str = ""                          # who issued that plan: "tỉnh Nghệ An"
    peer_same: bool = False                       # that plan implements the same parent (it cites it)
    body_names: re.Pattern | None = None   # every registry name of a body (competences: names are not subjects)
    learned_topic: frozenset | None = None  # the syllable pairs of the parents' own subject (learned.json: not a hint)
    _seen: set = member(default_factory=set)
    _ids: set = member(default_factory=set)

    @property
    def registry(self):
        return self.parents[0].registry

    @property
    def on(self) -> date:
        return self.day or date(self.when.year, self.when.month or 1, self.when.day or 1)

    @property
    def after_reform(self) -> bool:
        end = self.registry.district_level_ends
        return bool(end and self.on >= end)

    def now(self, agency_id: str | None) -> str | None:
        """The agency doing *agency_id*'s work of the parents' field on the draft's date."""
        if agency_id is None:
            return None
        if self.field is not None:
            found = _successor_for(self.registry, agency_id, self.on, self.field.pattern())
            if found:
                return found
        found, _ = current(self.registry, agency_id, self.on)
        return found

    def exists(self, agency_id: str) -> bool:
        """Whether *agency_id* is in being on the draft's day (not yet abolished, already set up)."""
        agency = self.registry.agencies.get(agency_id)
        if agency is None or ends(agency, self.on):
            return False
        start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
        return start is None or self.on >= start

    def proposal(self, name: str):
        """What kehoach may propose (*name* of fields.yaml): the field's own, else the generic one."""
        own = getattr(self.field, name) if self.field is not None else None
        return own if own else getattr(self.fields.generic, name)

    def proposed_by_field(self, name: str) -> bool:
        return self.field is not None and bool(getattr(self.field, name))

    @property
    def reason(self) -> str:
        """The `derived:` reason of a proposal, naming the parents' field when the proposal comes from it."""
        if self.field is None:
            return GENERIC_REASON
        return FIELD_REASON.format(field=self.field.name)

    def say(self, text: str) -> str:
        """A fixed sentence in the unit's own words: a centrally-run city says thành phố, Thành ủy, Thành đoàn."""
        city = self.unit.level == Level.PROVINCE and self.unit.kind == "thành phố"
        if city or (self.province and match_key(self.province) in {match_key(c) for c in CENTRAL_CITIES}):
            for old, new in CITY_WORDS:
                text = re.sub(old, new, text)
        return text

    def name(self, agency_id: str) -> str:
        unit = self.unit if self.registry.agencies[agency_id].level == self.unit.level else None
        text = name_of(self.registry, agency_id, self.on, self.province, unit)
        district = next((p.plan.document.district for p in self.parents if p.plan.document.district), None)
        return self.say(text.replace("{huyen}", district) if district else text)

    def ref(self, agency_id: str) -> str:
        """How the draft writes an agency: its id, or its full name when the registry name has a place slot."""
        raw = self.registry.agencies[agency_id].names
        return self.name(agency_id) if any("{xa}" in n.name or "{huyen}" in n.name for n in raw) else agency_id

    def unique(self, text: str) -> str | None:
        """*text*, or None when the draft already says it (no sentence twice)."""
        key = match_key(strip_footnote_marks(text))
        if not key or key in self._seen:
            return None
        self._seen.add(key)
        return text

    def new_id(self, wanted: str) -> str:
        candidate, n = slug(wanted) or "muc", 2
        base = candidate
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate


def duty_filer(d: Draft, headings: dict[str, list[Block]], order: list[str]):
    """The one way a draft files a duty under its agency's heading (new headings in the order met, ids numbered per
    agency); a duty with no agency or no text is not filed (the answer says whether it was)."""
    def duty(agency_id: str | None, text: str | None, links=(), reporting=(), derived: str | None = None,
             reason: str | None = None) -> bool:
        if agency_id is None or text is None:
            return False
        if agency_id not in headings:
            headings[agency_id] = []
            order.append(agency_id)
        block = Block(id=d.new_id(f"{agency_id}.{len(headings[agency_id]) + 1}"), label="-", text=text,
                      links=list(links), reporting=list(reporting), derived=derived)
        headings[agency_id].append(block)
        if reason:
            d.reasons[block.id] = reason
        return True
    return duty


def cooperation(d: Draft, primary: str, text: str, agency_id: str, words: tuple[str, ...] = ()) -> str | None:
    """The line of *agency_id*, cooperating with *primary* on a duty: on its own subject (*words*) when the duty names
    it, else by its name; None when the draft already says it."""
    if words:
        return d.unique(f"Phối hợp với {d.name(primary)} {first_clause(text)} (về {', '.join(words[:2])}).")
    return d.unique(f"{d.name(agency_id)} phối hợp với {d.name(primary)} {first_clause(text)}.")


def first_clause(text: str, limit: int = 110) -> str:
    """The opening clause of a duty, to name it in a cooperating body's line: cut at its last comma within *limit*
    (else at a word, with '…'), its first letter lowered."""
    clause = re.split(r"[;:.](?:\s|$)", text.strip(), maxsplit=1)[0].strip()
    if len(clause) > limit:
        head = clause[:limit]
        clause = head[:head.rfind(",")] if head.rfind(",") > limit // 2 else head.rsplit(" ", 1)[0].rstrip(" ,") + " …"
    return clause[:1].lower() + clause[1:] if clause[:2] != clause[:2].upper() else clause


def comment_reasons(d: Draft, sections: list[Block]) -> None:
    """The reasons kehoach gave a parent's duty to a body (competence spreading), as comments beside the duty."""
    def walk(blocks: list[Block], path: tuple) -> None:
        for i, block in enumerate(blocks):
            if block.id in d.reasons:
                d.comments[path + (i, "text")] = d.reasons[block.id]
            walk(block.blocks, path + (i, "blocks"))
    for i, section in enumerate(sections):
        walk(section.blocks, ("sections", i, "blocks"))


def link(parent: LoadedPlan, item_id: str, items: dict) -> Link:
    item = items.get(item_id)
    return Link(ref=f"{parent.plan.id}#{item_id}", fingerprint=item.fingerprint if item else None)


def is_addressed(parent: LoadedPlan, ids: set[str], names) -> bool:
    return bool({parent.agency_id(n) or n for n in names} & ids)


def _successor_for(registry, agency_id: str, on: date, words: re.Pattern, seen: tuple = ()) -> str | None:
    """The successor of *agency_id* on *on* whose scope is the field's (Sở LĐTBXH's drug rehabilitation → Công an tỉnh)."""
    agency = registry.agencies.get(agency_id)
    if agency is None or agency_id in seen:
        return None
    if not ends(agency, on):
        return agency_id
    for successor in agency.successors:
        if successor.scope and words.search(successor.scope):
            return _successor_for(registry, successor.id, on, words, seen + (agency_id,))
    return None
