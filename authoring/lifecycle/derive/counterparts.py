"""Counterpart translation: who holds a parent agency's role in the draft's unit on the draft's day."""

from __future__ import annotations

import re
from datetime import date

from ...loading import LoadedPlan
from ...model import Level
from ...model.walk import iter_duties, iter_reporting
from ...model.wording import ends
from .. import assignments as A
from .context import Draft


def central_to_province(d: Draft, text: str) -> str:
    """A national sentence said by a province: ministries become their departments, the Prime Minister the UBND."""
    registry = d.registry
    swaps = [(r"\bThủ tướng Chính phủ\b", "Ủy ban nhân dân tỉnh"), (r"\bcác bộ, ngành, địa phương\b",
             "các sở, ban, ngành, địa phương"), (r"\bcác bộ, ngành\b", "các sở, ban, ngành"),
             (r"\bbộ, ngành\b", "sở, ban, ngành"), (r"\bThủ tướng\b", "Ủy ban nhân dân tỉnh")]
    for pattern, new in swaps:
        text = re.sub(pattern, new, text)
    for agency in registry.agencies.values():
        if agency.level != Level.CENTRAL or "tinh" not in agency.counterparts or not agency.id.startswith("bo-"):
            continue
        counterpart = d.now(agency.counterparts["tinh"])
        if counterpart is None:
            continue
        for old in sorted({n.name for n in agency.names} | {a for a in agency.aliases if a.startswith("Bộ ")},
                          key=len, reverse=True):
            text = re.sub(re.escape(old), d.name(counterpart), text)
    return text


def province_lead(d: Draft) -> str:
    """The province's children's department on the draft's date (Sở LĐTBXH, Sở Y tế from 03/2025)."""
    return d.now("so-ldtbxh") or "so-y-te"


def ministry_of(d: Draft) -> str | None:
    """The ministry the province reports to: the parents' report addressee, else the children's ministry."""
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            for name in report.to:
                agency_id = parent.agency_id(name) or name
                if agency_id in d.registry.agencies and d.registry.agencies[agency_id].level == Level.CENTRAL:
                    return d.now(agency_id)
    return d.now("bo-ldtbxh")


def department(d: Draft, key: str, lead: str) -> str | None:
    if key == "lead":
        return lead
    agency = d.registry.agencies.get(key)
    if agency is None:
        return None
    return d.now(key)


def coordinator_of(parent: LoadedPlan, collectives: set[str]) -> str:
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
    return "so-y-te"


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
    if district:
        wanted = {"budget": "phong-tc-kh", "police": "cong-an-huyen", "front": "uy-ban-mttq-huyen"}
    else:
        wanted = {"budget": "phong-kinh-te", "police": "cong-an-xa", "front": "uy-ban-mttq-xa"}
    out = {}
    for role, agency_id in wanted.items():
        agency = d.registry.agencies.get(agency_id)
        if agency and not ends(agency, d.on) and not _starts_later(agency, d.on):
            out[role] = agency_id
    return out


def _starts_later(agency, on: date) -> bool:
    start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
    return start is not None and on < start
