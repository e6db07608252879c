"""Deadlines: sub-units report early enough for this level to report upward; periods and timeframes fit."""

from __future__ import annotations

import re
from datetime import date

from ..findings import Severity
from ..model import Level
from ..model.walk import iter_reporting, iter_tasks
from .context import CheckContext

RANK = {Level.CENTRAL: 0, Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}
_YEAR = re.compile(r"\b(19|20)\d{2}\b")


def _level(ctx: CheckContext, name: str) -> int | None:
    agency = ctx.registry.agencies.get(ctx.agency(name))
    return RANK[agency.level] if agency else None


def _classify(ctx: CheckContext, report) -> str | None:
    """'upward' (to a higher level), 'internal' (sub-units to this level), or None."""
    mine = RANK[ctx.plan.document.level]
    to_levels = [_level(ctx, n) for n in list(report.to) + list(report.via)]
    if any(level is not None and level < mine for level in to_levels):
        return "upward"
    if any(level == mine for level in to_levels):
        return "internal"
    return None


def _day(due, year: int) -> date:
    return due.in_year(year)


def check_deadlines(ctx: CheckContext) -> None:
    year = ctx.plan.document.date.year
    reports = list(iter_reporting(ctx.plan))
    upward = {}
    for path, _, report in reports:
        if _classify(ctx, report) == "upward" and report.due:
            upward.setdefault(report.period, []).append((path, report))
    for path, _, report in reports:
        if _classify(ctx, report) != "internal":
            continue
        targets = upward.get(report.period, [])
        if not targets:
            others = sorted({p.label for p in upward if p != report.period})
            if others:
                ctx.add("H102", Severity.WARNING,
                        f"báo cáo {report.id} kỳ {report.period.label} của cấp dưới không có kỳ báo cáo lên trên tương ứng "
                        f"(cấp này báo cáo lên theo kỳ: {', '.join(others)})", path,
                        "Để kỳ báo cáo của cấp dưới khớp kỳ báo cáo lên trên (6 tháng với 6 tháng, năm với năm).")
            continue
        if report.due is None:
            continue
        for up_path, up in targets:
            lead = (_day(up.due, year) - _day(report.due, year)).days
            if lead < ctx.lead_days:
                ctx.add("H101", Severity.ERROR,
                        f"cấp dưới nộp báo cáo {report.period.label} ({report.id}) trước ngày {report.due.text()}, chỉ sớm "
                        f"{lead} ngày so với hạn cấp này báo cáo lên ({up.id}: {up.due.text()}); cần sớm ít nhất {ctx.lead_days} ngày",
                        path + ("due",), f"Đặt hạn cho cấp dưới không muộn hơn {_minus(up.due, year, ctx.lead_days)}.")
    _against_parent(ctx, upward, year)
    _timeframes(ctx)


def _minus(due, year: int, days: int) -> str:
    from datetime import timedelta

    d = _day(due, year) - timedelta(days=days)
    return f"{d.day:02d}/{d.month:02d}"


def _against_parent(ctx: CheckContext, upward, year: int) -> None:
    from .coverage import addressed_agencies

    addressed = addressed_agencies(ctx)
    for item in ctx.items().values():
        if item.kind != "reporting" or not (set(item.agencies) & addressed):
            continue
        parent = item.obj
        if parent.due is None:  # e.g. QĐ 23: "sơ kết 2025" without a day and month
            continue
        for path, mine in upward.get(parent.period, []):
            if _day(mine.due, year) > _day(parent.due, year):
                ctx.add("H103", Severity.ERROR,
                        f"kế hoạch đặt hạn báo cáo lên trên {mine.due.text()} ({mine.id}), muộn hơn hạn văn bản cấp trên "
                        f"giao cho cấp này {parent.due.text()} ({item.ref})", path + ("due",),
                        f"Đặt hạn không muộn hơn {parent.due.text()}.")


def _timeframes(ctx: CheckContext) -> None:
    period = ctx.plan.document.period
    if period is None:
        return
    for path, block in iter_tasks(ctx.plan):
        years = [int(m.group(0)) for m in _YEAR.finditer(block.task.timeframe or "")]
        outside = [y for y in years if not period.start <= y <= period.end]
        if outside:
            ctx.add("H104", Severity.WARNING,
                    f"thời gian thực hiện '{block.task.timeframe}' của nhiệm vụ {block.id} nằm ngoài giai đoạn của kế hoạch "
                    f"({period.start}-{period.end})", path + ("task", "timeframe"),
                    "Sửa thời gian thực hiện cho nằm trong giai đoạn của kế hoạch, hoặc sửa giai đoạn.")
