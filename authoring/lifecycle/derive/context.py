"""The drafting context: the parents, the unit, the day, and the draft's ids and sentences so far."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ...errors import UsageError
from ...loading import LoadedPlan
from ...model import Link, PartialDate
from ...model.plan import strip_footnote_marks
from ...model.units import Unit
from ...text import match_key, slug
from ...model.wording import current, name_of


PLACEHOLDER = "…"


def parse_unit(text: str) -> Unit:
    unit = Unit.parse(text)
    if unit is None:
        raise UsageError(f"không rõ loại đơn vị của '{text}'",
                         "Ghi kèm loại đơn vị: 'tỉnh Đắk Nông', 'xã Hòa Bình', 'phường …', 'đặc khu …', 'quận …'.")
    return unit


@dataclass
class DeriveReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    changed_upstream: list[str] = field(default_factory=list)
    removed_upstream: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what the author should know (unit not in the 2025 list, …)


@dataclass
class Draft:
    parents: list[LoadedPlan]
    unit: Unit
    when: PartialDate
    province: str | None
    lead_days: int
    comments: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _seen: set = field(default_factory=set)
    _ids: set = field(default_factory=set)

    @property
    def registry(self):
        return self.parents[0].registry

    @property
    def on(self) -> date:
        return date(self.when.year, self.when.month or 1, self.when.day or 1)

    @property
    def after_reform(self) -> bool:
        end = self.registry.district_level_ends
        return bool(end and self.on >= end)

    def now(self, agency_id: str | None) -> str | None:
        """The agency doing *agency_id*'s (children's) work on the draft's date."""
        if agency_id is None:
            return None
        found, _ = current(self.registry, agency_id, self.on)
        return found

    def name(self, agency_id: str) -> str:
        unit = self.unit if self.registry.agencies[agency_id].level == self.unit.level else None
        text = name_of(self.registry, agency_id, self.on, self.province, unit)
        district = next((p.plan.document.district for p in self.parents if p.plan.document.district), None)
        return text.replace("{huyen}", district) if district else text

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


def link(parent: LoadedPlan, item_id: str, items: dict) -> Link:
    item = items.get(item_id)
    return Link(ref=f"{parent.plan.id}#{item_id}", fingerprint=item.fingerprint if item else None)


def is_addressed(parent: LoadedPlan, ids: set[str], names) -> bool:
    return bool({parent.agency_id(n) or n for n in names} & ids)
