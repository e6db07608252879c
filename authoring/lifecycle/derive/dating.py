"""Dating: the draft's day and period, the level pairs allowed on it, and the reports' dues."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ...errors import InputError, UsageError
from ...findings import Finding, Severity
from ...loading import LoadedPlan
from ...loading.units import unit_list
from ...model import DayMonth, Level, PartialDate, ReportPeriod
from ...model.plan import Period
from ...model.units import Unit
from ...model.walk import iter_reporting
from .context import Draft


def ordered(parents: list[LoadedPlan]) -> list[LoadedPlan]:
    """Parents in citing order: a document before the ones that implement it (CT 28 before QĐ 1183)."""
    ids = {p.plan.id for p in parents}
    return sorted(parents, key=lambda p: (len(set(p.plan.implements) & ids), p.plan.document.date))


def period_of(d: Draft) -> Period:
    for parent in d.parents:
        if parent.plan.document.period:
            p = parent.plan.document.period
            return Period(**{"from": max(p.start, d.when.year), "to": max(p.end, d.when.year)})
        match = re.search(r"giai đoạn (\d{4})\s*-\s*(\d{4})", parent.plan.document.title)
        if match:
            start, end = int(match.group(1)), int(match.group(2))
            return Period(**{"from": max(start, d.when.year), "to": max(end, d.when.year)})
    return Period(**{"from": d.when.year, "to": d.when.year})


def local_dues(d: Draft) -> tuple[DayMonth, DayMonth, bool]:
    """Deadlines for the local governments: before the parents' deadlines for the province, or proposed ones."""
    found = {}
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            if report.due and report.period in (ReportPeriod.SIX_MONTHS, ReportPeriod.ANNUAL):
                earlier = report.due.in_year(d.when.year) - timedelta(days=d.lead_days)
                found[report.period] = DayMonth(earlier.month, earlier.day)
    if len(found) == 2:
        return found[ReportPeriod.SIX_MONTHS], found[ReportPeriod.ANNUAL], False
    return (found.get(ReportPeriod.SIX_MONTHS, DayMonth(6, 15)), found.get(ReportPeriod.ANNUAL, DayMonth(12, 15)),
            True)


def draft_date(parents: list[LoadedPlan], unit: Unit, year: int | None, day: date | None = None) -> PartialDate:
    """The draft's date as it prints before issue: the year of *day* when given, else the parents' or *year*."""
    registry = parents[0].registry
    top = parents[0].plan.document
    if day is not None:
        latest = max(parents, key=lambda p: p.plan.document.date.to_date() if p.plan.document.date.is_complete
                     else date(p.plan.document.date.year, 1, 1))
        issued = latest.plan.document.date
        if issued.is_complete and day < issued.to_date():
            raise UsageError(f"ngày {day:%d/%m/%Y} trước ngày ban hành văn bản cấp trên "
                             f"({issued.to_date():%d/%m/%Y}, {latest.path.name})",
                             "Chọn --date từ ngày ban hành văn bản cấp trên trở đi (mặc định: hôm nay).")
        return PartialDate(day.year, day.month)   # the month keeps check on the same agencies (they change on a 1st)
    when = PartialDate(year) if year else PartialDate(max(p.plan.document.date.year for p in parents))
    if year is None and top.level == Level.CENTRAL:
        match = re.search(r"giai đoạn (\d{4})\s*-\s*(\d{4})", top.title)
        if match and int(match.group(1)) > when.year:
            when = PartialDate(int(match.group(1)))
    end = registry.district_level_ends
    if year is None and end and unit.level == Level.COMMUNE and top.level == Level.PROVINCE:
        on = date(when.year, top.date.month or 1, top.date.day or 1)
        if on < end and (_in_2025_list(top.province, unit) or when.year == end.year):
            when = PartialDate(end.year, end.month)   # communes implement the province's plan directly from 07/2025
    return when


def _in_2025_list(province: str | None, unit: Unit) -> bool:
    units = unit_list(province)
    return bool(units and units.find(unit)) or unit.kind == "đặc khu"


def check_pair(parents: list[LoadedPlan], unit: Unit, when: PartialDate, day: date | None = None) -> None:
    levels = {p.plan.document.level for p in parents}
    registry = parents[0].registry
    on = day or date(when.year, when.month or 1, when.day or 1)
    end = registry.district_level_ends
    source = str(parents[0].path)
    if unit.level == Level.DISTRICT and end and on >= end:
        raise InputError("Không lập được kế hoạch cấp huyện.", [Finding(
            "V101", Severity.ERROR, f"kế hoạch cấp dưới ngày {on:%d/%m/%Y}, sau khi cấp huyện kết thúc ({end:%d/%m/%Y})",
            source, suggestion="Lập kế hoạch cho xã, phường, đặc khu: --unit 'xã …' hoặc 'phường …'.")])
    if Level.DISTRICT in levels and end and on >= end:
        raise InputError("Không lập được kế hoạch cấp dưới từ kế hoạch cấp huyện ở ngày này.", [Finding(
            "V101", Severity.ERROR, f"kế hoạch cấp dưới ngày {on:%d/%m/%Y}, sau khi cấp huyện kết thúc ({end:%d/%m/%Y}): "
            "xã, phường, đặc khu thực hiện kế hoạch của tỉnh", source,
            suggestion=f"Lập từ kế hoạch của tỉnh, hoặc ghi --date trước ngày {end:%d/%m/%Y} nếu là kế hoạch của năm đó.")])
    allowed = {Level.CENTRAL: {Level.PROVINCE}, Level.PROVINCE: {Level.DISTRICT, Level.COMMUNE},
               Level.DISTRICT: {Level.COMMUNE}, Level.COMMUNE: set()}
    for level in levels:
        if unit.level not in allowed[level]:
            raise InputError("Không lập được kế hoạch cấp dưới từ văn bản này.", [Finding(
                "V103", Severity.ERROR, f"không lập được kế hoạch {unit.level.label} ({unit.full}) từ văn bản "
                f"{level.label}; kehoach lập: trung ương → tỉnh; tỉnh → huyện (trước {end_text(parents)}), xã, phường, đặc khu; "
                "huyện → xã", source, suggestion="Chọn đúng văn bản cấp trên trực tiếp của đơn vị.")])
    if len(levels) > 1:
        raise UsageError("các văn bản cấp trên phải cùng một cấp", "Ví dụ: Chỉ thị 28-CT/TW và Quyết định 1183/QĐ-TTg.")


def end_text(parents: list[LoadedPlan]) -> str:
    """The day the district level ended and the new communes began, as the registry says (dd/mm/yyyy)."""
    end = parents[0].registry.district_level_ends if parents else None
    return f"{end:%d/%m/%Y}" if end else "…"
