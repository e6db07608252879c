"""Ranking the bodies a draft names by how directly the parents' words reach them (roles.yaml, ranking)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as member

from ...model import Block
from ...model.walk import iter_duties, iter_tasks
from .context import Draft


@dataclass
class Ranks:
    """The weight each body has gathered in a draft: one per duty, by how the parent reaches it."""

    d: Draft
    weights: dict[str, float] = member(default_factory=dict)
    listed: set[str] = member(default_factory=set)   # bodies of the field's usual list (a parent naming no body)

    def add(self, agency_id: str, tier: str) -> None:
        weight = self.d.roles.ranking.weights.get(tier, 0) if self.d.roles.ranking else 0
        self.weights[agency_id] = self.weights.get(agency_id, 0) + weight
        if tier == "default":
            self.listed.add(agency_id)

    def filer(self, duty):
        """*duty* (context.duty_filer) that also weighs each duty it files under its *tier*."""
        def filed(agency_id, text, links=(), reporting=(), derived=None, reason=None, tier: str | None = None) -> bool:
            done = duty(agency_id, text, links, reporting, derived, reason)
            if done and tier:
                self.add(agency_id, tier)
            return done
        return filed

    def minor(self, candidates, with_peer: bool = True) -> list[str]:
        """The *candidates* whose weight is under the share of the draft's whole weight that earns a heading (the
        field's usual list, proposed only for a parent that names no body, stays: it is all the draft has); a
        neighbour's plan giving the body duties adds its weight (derive --peer) unless *with_peer* is False; a
        neighbour of the same parent giving it duties keeps it whatever its weight (a real plan of the same programme
        gave it a heading, and the parent's own duties reach it)."""
        ranking = self.d.roles.ranking
        total = sum(self.weights.values())
        if ranking is None or not total:
            return []
        peer = ranking.weights.get("peer", 0) if with_peer else 0
        return [a for a in candidates if a not in self.listed and not (with_peer and self.d.peer_same and a in self.d.peer)
                and self.weights.get(a, 0) + (peer if a in self.d.peer else 0) < ranking.share * total]


def asks(d: Draft, role: str, text: str) -> str | None:
    """The words by which *text* (what the parents ask of the unit) asks for the closing *role* (press, front,
    group), or None."""
    ranking = d.roles.ranking
    words = ranking.asks.get(role) if ranking else None
    found = re.search(words, text) if words else None
    return found.group(0).strip(" .;:") if found else None


def asked_reason(word: str) -> str:
    """The `derived:` reason of a closing body proposed because the parent's words ask for it."""
    return (f"đề xuất của kehoach vì văn bản cấp trên yêu cầu việc này ('{word}'; roles.yaml, ranking.asks); "
            "điều chỉnh cho phù hợp")


def addressed_bodies(d: Draft, resolve) -> set[str]:
    """The particular bodies the parents give duties or tasks to (not a whole level, not 'every ministry', not what
    they ask of the Front and the mass organisations, not what kehoach proposed in a derived parent)."""
    found = set()
    for parent in d.parents:
        names = [n for item in iter_duties(parent.plan) if not item.request and not item.block.derived
                 for n in item.agencies]
        names += [n for _, block in iter_tasks(parent.plan) for n in block.task.lead]
        for agency_id in resolve(parent, names):
            agency = d.registry.agencies.get(agency_id)
            if agency is not None and not agency.collective and agency.kind not in ("chinh-quyen", "doan-the"):
                found.add(agency_id)
    return found


def parent_addresses_bodies(d: Draft, resolve) -> bool:
    """Whether the parents themselves say who does what (then a field's usual list is not proposed)."""
    ranking = d.roles.ranking
    return ranking is not None and len(addressed_bodies(d, resolve)) >= ranking.addressed


def fold_minor(d: Draft, ranks: Ranks, headings: dict[str, list[Block]], order: list[str], tasks: list[Block],
               lead: str, exempt: set[str]) -> list[str]:
    """Bodies the parents reach too little get no heading: the parents' duties they had go to the lead (a comment
    names them as cooperating), kehoach's own proposals for them are left out, the tasks they led are the lead's."""
    leading = [t.task.lead[0] for t in tasks if t.task.lead]
    candidates = [a for a in dict.fromkeys(order + leading) if a not in exempt and a != lead]
    folded = ranks.minor(candidates)
    for agency_id in ranks.minor(candidates, with_peer=False):   # kept only because the neighbour names it: said
        for block in headings.get(agency_id, []) if agency_id not in folded else []:
            why = d.reasons.get(block.id)
            d.reasons[block.id] = (f"theo kế hoạch của {d.peer_owner}: {d.name(agency_id)} có mục riêng dù văn bản "
                                   "cấp trên ít nói tới" + (f"; {why}" if why else ""))
    if not folded:
        return []
    if lead not in headings:
        headings[lead] = []
        order.insert(0, lead)
    lead_name = d.name(lead)
    for agency_id in folded:
        name = d.name(agency_id)
        why = (f"văn bản cấp trên giao việc này cho cơ quan mà ở {d.unit.level.label} là {name}; {name} ít được văn "
               f"bản cấp trên nói tới nên không có mục riêng (roles.yaml, ranking): {lead_name} chủ trì, {name} phối "
               f"hợp; tách mục riêng cho {name} nếu cần")
        for block in headings.pop(agency_id, []):
            if block.links and not block.derived:
                d.reasons[block.id] = why
                headings[lead].append(block)
        if agency_id in order:
            order.remove(agency_id)
        for task_block in tasks:
            task = task_block.task
            if task.lead and task.lead[0] == agency_id:
                task.lead = [lead]
                task.cooperating = [agency_id] + [c for c in task.cooperating if c not in (agency_id, lead)]
                d.reasons.pop(task_block.id, None)
    names = ", ".join(d.name(a) for a in folded)
    d.notes.append(f"{names}: văn bản cấp trên ít nói tới (dưới {100 * d.roles.ranking.share:.0f} % phần việc của dự "
                   f"thảo, roles.yaml, ranking) nên không có mục riêng; nhiệm vụ văn bản cấp trên giao các cơ quan này "
                   f"ghi dưới {lead_name}, đề xuất của kehoach cho chúng được bỏ")
    return folded
