"""A province duty said at the commune's scale, in the commune's words (plans/registry/commune_scale.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache

from ...loading import LoadedPlan
from ...loading.drafting import load_commune_scale
from ...model import Level
from ...model.drafting import CommuneScale
from .context import Draft
from .phrasing import mention


def applies(d: Draft, parent: LoadedPlan) -> bool:
    """Whether the draft is a commune's (xã, phường, đặc khu) plan carrying down a province's."""
    return d.unit.level == Level.COMMUNE and parent.plan.document.level == Level.PROVINCE


def at_commune_scale(d: Draft, parent: LoadedPlan, text: str, actor: str | None) -> str | None:
    """*text* as *actor*, an office of the commune, says it; None when the duty is the province's alone (a note says
    which duty and why)."""
    scale = load_commune_scale()
    # A part (between semicolons) about work only the province does is left out; the rest of the duty is carried.
    kept = []
    for part in re.split(r"(?<=;)\s+", text):
        rule = next((r for r in scale.dropped if re.search(r.words, part)), None)
        if rule is None:
            kept.append(part)
        else:
            _note_dropped(d, parent, part.rstrip(" ;"), rule.why, whole=part == text)
    if not kept:
        return None
    text = " ".join(kept).rstrip(" ;")
    text = text if text.endswith((".", "…", ":")) or not kept[-1].endswith(";") else text + "."
    slots = _slots(d, scale)
    text = _peers(d, scale, text, actor)   # first: "Sở Nội vụ, các sở, ngành" then folds into one "các cơ quan, đơn vị"
    for rule in scale.rewrites:
        text = re.sub(_pattern(rule.words, slots["province"]), _fill(rule.say or "", slots), text)
    text = re.sub(r"\s{2,}", " ", re.sub(r"\s+([,.;:])", r"\1", text)).strip()
    text = re.sub(r"([;:]\s*)([,;]\s*)+", r"\1", text)
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def foreign_words(text: str, scale: CommuneScale | None = None) -> list[str]:
    """The words of *text* that belong to the province or to an abolished level when a commune's office says them."""
    scale = scale or load_commune_scale()
    found = []
    for rule in scale.foreign:
        found += [m.group(0) for m in re.finditer(rule.words, text)]
    return found


def _slots(d: Draft, scale: CommuneScale) -> dict[str, str]:
    unit = d.unit
    return {"unit": unit.full, "kind": unit.kind, "own": f"Ủy ban nhân dân {unit.full}",
            "villages": scale.villages.get(unit.kind, "các thôn, tổ dân phố"), "province": d.province or ""}


@lru_cache(maxsize=256)
def _pattern(words: str, province: str) -> re.Pattern:
    return re.compile(words.replace("{province}", re.escape(province) if province else "(?!x)x"))


def _fill(say: str, slots: dict[str, str]) -> str:
    for key, value in slots.items():
        say = say.replace("{" + key + "}", value.replace("\\", "\\\\"))
    return say


def _peers(d: Draft, scale: CommuneScale, text: str, actor: str | None) -> str:
    """A province body named as the office's partner becomes the commune's office holding its role (agencies.yaml
    counterparts), or 'the bodies concerned' when that office is the actor itself; named as the doer, the office the
    duty is given to."""
    registry = d.registry
    doer = d.name(actor) if actor and actor in registry.agencies else None
    for agency in registry.agencies.values():
        if agency.level != Level.PROVINCE or agency.collective or agency.kind == "chinh-quyen":
            continue
        office = d.now(agency.counterparts.get("xa")) if agency.counterparts.get("xa") else None
        if office not in registry.agencies or registry.agencies[office].collective:
            office = None
        names = sorted({n.name for n in agency.names} | {a for a in agency.aliases if a[:1].isupper()},
                       key=len, reverse=True)
        said = d.name(office) if office and office != actor else "các cơ quan, đơn vị có liên quan"
        for name in sorted(set(names) | {d.say(n) for n in names}, key=len, reverse=True):
            if name not in text:
                continue
            text = re.sub(rf"({scale.peers})(?:các )?{re.escape(name)}(?!\w)", lambda m: m.group(1) + said, text)
            subject = d.name(office) if office else doer
            if subject:
                text = re.sub(rf"(^|[.;:]\s+|-\s*){re.escape(name)}(?= )", lambda m: m.group(1) + subject, text)
    return text


# The data's certainty tags, said as a civil servant reads them.
_CERTAINTY = {"[C]": "", "[S]": "(một nguồn)", "[U]": "(chưa xác nhận)"}


def _note_dropped(d: Draft, parent: LoadedPlan, text: str, why: str, whole: bool) -> None:
    short = text if len(text) <= 90 else text[:87].rstrip() + "…"
    what = "nhiệm vụ" if whole else "phần nhiệm vụ"
    why = re.sub(r"\s*\[[CSU]\]", lambda m: f" {_CERTAINTY[m.group().strip()]}".rstrip(), why)
    note = (f"{what} của {mention(parent, d, later=True)} (\"{short}\") không chuyển xuống {d.unit.full}: {why} "
            f"(lý do ghi trong tệp commune_scale.yaml của danh mục); tự giao trong dự thảo nếu {d.unit.kind} có việc này")
    if note not in d.notes:
        d.notes.append(note)
