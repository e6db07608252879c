"""Coverage: every parent task or duty addressed to this plan's level is taken up by a named agency."""

from __future__ import annotations

import re
from datetime import date

from ..words import agency as agency_name
from ..findings import Severity
from ..model import Level
from ..text import match_key
from .context import CheckContext

_WORD = re.compile(r"\w+")


def addressed_agencies(ctx: CheckContext) -> set[str]:
    """The agency ids a parent uses to address this plan's issuer: the issuer, and the collective of its level."""
    level = ctx.plan.document.level
    issuer = ctx.agency(ctx.plan.document.issuer.agency)
    addressed = {issuer}
    for agency in ctx.registry.agencies.values():
        if agency.level == level and agency.kind in ("chinh-quyen", "tap-the") and agency.id.startswith("ubnd"):
            addressed.add(agency.id)
    if level == Level.PROVINCE:
        addressed.add("ubnd-tinh")
    # What a parent gave a collective that has since ended ("UBND các huyện, thị xã, thành phố", until 01/7/2025)
    # falls to its registry successor: a commune's plan after that day answers for the districts' duties.
    when = ctx.plan.document.date
    on = date(when.year, when.month or 1, when.day or 1) if when else None
    for agency in ctx.registry.agencies.values():
        until = agency.valid_until.to_date() if agency.valid_until else None
        if (on and until and on >= until and agency.collective
                and any(s.children and s.id in addressed for s in agency.successors)):
            addressed.add(agency.id)
    return addressed


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(match_key(text)) if len(w) > 2}


def check_coverage(ctx: CheckContext) -> None:
    addressed = addressed_agencies(ctx)
    local: dict[str, list[tuple]] = {}
    candidates = []

    def walk(block, path, inherited):
        owners = list(block.task.lead) if block.task and block.task.lead else (list(block.agency) or inherited)
        for link in list(block.links) + (list(block.task.links) if block.task else []):
            local.setdefault(link.ref, []).append((path, block, owners))
        if block.id and (block.task or block.text):
            candidates.append((block, _words(" ".join(filter(None, [block.title, block.text])))))
        for i, child in enumerate(block.blocks):
            walk(child, path + ("blocks", i), list(block.agency) or inherited)

    for group in ("preamble", "sections", "closing"):
        for i, block in enumerate(getattr(ctx.plan, group)):
            walk(block, (group, i), [])
    for ref, item in sorted(ctx.items().items()):
        if item.kind not in ("task", "duty"):
            continue
        if not (set(item.agencies) & addressed):
            continue
        takers = local.get(ref, [])
        row = {"parent": ref, "kind": item.kind, "text": item.text, "status": item.status,
               "covered_by": [b.id for _, b, _ in takers], "lead": sorted({ctx.agency(a) for _, _, ags in takers for a in ags})}
        row["lead_names"] = [agency_name(ctx.registry, a) for a in row["lead"]]  # what reports show
        ctx.coverage.append(row)
        if not takers:
            words = _words(item.text)
            best = max(candidates, key=lambda c: len(words & c[1]) / (len(words | c[1]) or 1), default=None)
            hint = ""
            if best and words and len(words & best[1]) / (len(words | best[1]) or 1) >= 0.12:
                hint = f" Mục gần nhất về nội dung: '{best[0].id}'."
            ctx.add("C101", Severity.ERROR,
                    f"nhiệm vụ cấp trên {ref} giao cho cấp này chưa được mục nào của kế hoạch đảm nhận: «{_short(item.text)}»",
                    ("sections",), f"Thêm 'links: [{{ref: {ref}}}]' vào mục nhiệm vụ tương ứng, có cơ quan chủ trì.{hint}")
        elif not row["lead"]:
            path = takers[0][0]
            ctx.add("C102", Severity.WARNING,
                    f"nhiệm vụ cấp trên {ref} được mục '{takers[0][1].id}' đảm nhận nhưng chưa nêu cơ quan chủ trì",
                    path, "Ghi 'task: {lead: …}' hoặc đặt nhiệm vụ dưới tên cơ quan ở phần Tổ chức thực hiện.")


def _short(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
