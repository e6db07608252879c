"""Agencies: each named agency exists on the plan's date; recipients reach every agency given a duty."""

from __future__ import annotations

import re

from .. import words
from ..findings import Severity
from ..model.walk import iter_agency_refs, iter_duties
from ..text import match_key
from .context import CheckContext

_AS_SECTION = re.compile(r"^như (mục|điểm|phần) ([ivxlc]+)", re.IGNORECASE)


def _successor_text(ctx: CheckContext, agency) -> str:
    if not agency.successors:
        return ""
    parts = []
    for successor in sorted(agency.successors, key=lambda s: not s.children):
        name = ctx.registry.agency_name(successor.id, ctx.plan_date, ctx.plan.document.province)
        scope = f" ({successor.scope})" if successor.scope else ""
        caveat = {"unconfirmed": " [chưa xác nhận]", "inferred": " [suy luận]"}.get(successor.status.value, "")
        parts.append(f"{name}{scope}{caveat}")
    return "; chức năng chuyển cho: " + "; ".join(parts)


def check_agencies(ctx: CheckContext) -> None:
    on = ctx.plan_date
    seen: set[tuple] = set()
    for path, text in iter_agency_refs(ctx.plan):
        agency_id = ctx.loaded.agency_id(text)
        if agency_id is None:
            if (text,) not in seen:
                seen.add((text,))
                waiting = ctx.registry.pending_words if ctx.registry.pending_agency(text) else ""
                ctx.add("A103", Severity.INFO, f"cơ quan '{text}' không có trong danh mục cơ quan{waiting}, chưa kiểm tra được",
                        path, "Dùng tên hoặc mã có trong plans/registry/agencies.yaml, hoặc bổ sung danh mục.")
            continue
        agency = ctx.registry.agencies[agency_id]
        until = agency.valid_until.to_date() if agency.valid_until and agency.valid_until.is_complete else None
        start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
        if until and on >= until:
            ctx.add("A101", Severity.ERROR,
                    f"'{text}' không còn tồn tại vào ngày của kế hoạch ({on:%d/%m/%Y}); đã kết thúc từ {until:%d/%m/%Y}"
                    + _successor_text(ctx, agency), path,
                    "Giao nhiệm vụ cho cơ quan kế nhiệm (xem danh mục cơ quan); nếu kế hoạch thuộc năm trước, sửa ngày.")
        elif start and on < start:
            ctx.add("A102", Severity.ERROR, f"'{text}' chưa được thành lập vào ngày của kế hoạch ({on:%d/%m/%Y}); "
                                            f"bắt đầu hoạt động từ {start:%d/%m/%Y}", path,
                    "Dùng tên cơ quan đang tồn tại vào ngày của kế hoạch.")
    _recipients(ctx)


def _recipients(ctx: CheckContext) -> None:
    plan = ctx.plan
    recipient_ids = {ctx.agency(a) for r in plan.recipients for a in r.agency}
    recipient_ids |= {ctx.agency(r.name) for r in plan.recipients}
    # The drafting unit keeps its copy through the "Lưu: VT, <đơn vị>" line.
    recipient_ids |= {ctx.agency(token.strip(" .")) for token in (plan.archive or "").split(",")}
    as_sections = {m.group(2).upper() for r in plan.recipients if (m := _AS_SECTION.match(match_key(r.name).strip()))}
    collective_sections = recipient_ids & {"cac-so-nganh-tinh"}
    reported: set[str] = set()
    for duty in iter_duties(plan):
        section = plan.sections[duty.path[1]] if duty.path[0] == "sections" else None
        if section is not None and section.label and section.label.rstrip(".") in as_sections:
            continue
        for name in duty.agencies:
            agency_id = ctx.agency(name)
            agency = ctx.registry.agencies.get(agency_id)
            if agency_id in recipient_ids or agency_id in reported:
                continue
            # "Các sở, ban, ngành, đoàn thể …" reaches every provincial body that is not a government itself.
            if collective_sections and agency and agency.level.value == "tinh" and agency.kind != "chinh-quyen":
                continue
            reported.add(agency_id)
            shown = words.agency(ctx.registry, name, ctx.plan_date, plan.document.province)
            ctx.add("A104", Severity.WARNING, f"'{shown}' được giao nhiệm vụ nhưng không có trong nơi nhận", duty.path,
                    f"Thêm '{shown}' vào nơi nhận, hoặc ghi '- Như Mục …;' chỉ tới phần giao nhiệm vụ.")
    for parent in ctx.parents:
        for expected in _parent_addressees(ctx, parent):
            if expected not in recipient_ids and not (_successors(ctx, expected) & recipient_ids):
                name = ctx.registry.agency_name(expected, ctx.plan_date, plan.document.province)
                ctx.add("A105", Severity.WARNING,
                        f"nơi nhận không có {name}, cơ quan ban hành hoặc theo dõi văn bản cấp trên "
                        f"{words.document(parent.plan)}",
                        ("recipients",), f"Thêm '{name} (để b/c)' vào nơi nhận.")


def _parent_addressees(ctx: CheckContext, parent) -> set[str]:
    """Whom a plan reports to about its parent: a local parent's issuer; for a central decision, the body that
    collects the reports (a province does not send its plan to the Prime Minister but to the ministry)."""
    from ..model import Level
    from ..model.walk import iter_reporting

    if parent.plan.document.level != Level.CENTRAL:
        issuer = parent.agency_id(parent.plan.document.issuer.agency)
        return {issuer} if issuer else set()
    return {parent.agency_id(name) or name for _, _, report in iter_reporting(parent.plan) for name in report.to}


def _successors(ctx: CheckContext, agency_id: str) -> set[str]:
    agency = ctx.registry.agencies.get(agency_id)
    return {s.id for s in agency.successors} if agency else set()
