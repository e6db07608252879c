"""From plan to report: the form a unit fills in, the roll-up of units' results, the Báo cáo as an ND30 document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .. import nd30
from ..errors import InputError, os_error_words
from ..findings import Finding, Severity
from ..loading import LoadedPlan
from ..loading.results import PERCENT_UNITS, LoadedResults, plan_budget_total, plan_items
from ..model import Block, Comparator, Plan, Recipient, Reporting, Signature, Target
from ..model.common import PartialDate
from ..model.issuing import issue_digest
from ..model.plan import Document, IssueRecord, Issuer
from ..model.results import Results, TargetResult, WorkResult, WorkStatus, period_label
from ..model.walk import iter_reporting
from ..text import match_key, nd30_date_line, nfc
from ..words import agencies as agency_names


def results_form(plan: Plan, unit: str, period: str) -> Results:
    """The form a unit fills in for one period: every target (with its unit) and every task and duty of the plan."""
    targets, work = plan_items(plan)
    return Results(
        plan=plan.id, unit=unit, period=period,
        targets=[TargetResult(target=t.id, unit=t.unit) for t in targets.values()
                 if t.comparator is not Comparator.QUALITATIVE],
        work=[WorkResult(item=item, status=WorkStatus.NOT_STARTED) for item in work],
    )


def item_texts(plan: Plan) -> dict[str, str]:
    """Each target's and task's wording, as a unit reads it on its form."""
    from ..model.walk import iter_targets

    _, work = plan_items(plan)
    texts = {t.id: t.indicator or (block.text or block.title or "") for _, block, t in iter_targets(plan)}
    return {**texts, **{k: " ".join(v.split()) for k, v in work.items()}}


def target_name(plan: Plan, target: Target) -> str:
    """A target as a reader knows it: its indicator, else the words of the item that states it (never its id)."""
    return (item_texts(plan).get(target.id) or target.id).strip().rstrip(";.")


_PROGRESS = (WorkStatus.NOT_DONE, WorkStatus.NOT_STARTED, WorkStatus.IN_PROGRESS, WorkStatus.DONE)


def lift_results(results: Results, own: Plan, parent: Plan) -> Results:
    """A unit's results on its own (derived) plan, restated on the parent's targets and tasks through the links.

    Items the unit added itself have no parent and stay in its own report. Several items linked to one parent item
    count as done when all are done, not done when one is not done, else as the least advanced of them.
    """
    prefix = f"{parent.id}#"

    def parent_id(links) -> str | None:
        for link in links:
            if link.ref.startswith(prefix):
                return link.ref[len(prefix):]
        return None

    from ..model.walk import iter_blocks, iter_targets

    target_parent = {t.id: parent_id(t.links) for _, _, t in iter_targets(own)}
    block_parent = {b.id: parent_id(b.links) for _, b in iter_blocks(own) if b.id}
    targets, seen = [], set()
    for entry in results.targets:
        up = target_parent.get(entry.target)
        if up and up not in seen:
            seen.add(up)
            targets.append(entry.model_copy(update={"target": up}))
    grouped: dict[str, list[WorkResult]] = {}
    for entry in results.work:
        up = block_parent.get(entry.item)
        if up:
            grouped.setdefault(up, []).append(entry)
    work = []
    for up, entries in grouped.items():
        status = min((e.status for e in entries), key=_PROGRESS.index)
        if status is WorkStatus.NOT_STARTED and any(e.status is not WorkStatus.NOT_STARTED for e in entries):
            status = WorkStatus.IN_PROGRESS
        accounts = "; ".join(e.account.strip().rstrip(".;") for e in entries if e.account)
        spent = sum(e.spent for e in entries if e.spent is not None) if any(e.spent is not None for e in entries) \
            else None
        work.append(WorkResult(item=up, status=status, account=accounts or None, spent=spent))
    return results.model_copy(update={"plan": parent.id, "targets": targets, "work": work})


def meets(target: Target, value: float | None) -> bool | None:
    """Whether *value* reaches the target; None when it cannot be judged (no figure, no committed value)."""
    if value is None or target.value is None:
        return None
    return {
        Comparator.AT_LEAST: value >= target.value, Comparator.REACH: value >= target.value,
        Comparator.ABOVE: value > target.value, Comparator.AT_MOST: value <= target.value,
        Comparator.BELOW: value < target.value,
    }.get(target.comparator)


@dataclass
class TargetRollup:
    """One target across the reporting units."""

    target: Target
    reported: int = 0          # units that gave a figure
    meeting: int = 0           # units whose figure reaches the target
    total: float | None = None  # the province's figure: weighted percentage, or sum
    weighted: bool = False     # total computed from numerators and denominators
    achieved: bool | None = None
    previous: float | None = None  # the figure of the period compared with (same period last year), if given

    @property
    def is_rate(self) -> bool:
        return (self.target.unit or "").strip() in PERCENT_UNITS


@dataclass
class UnitSummary:
    unit: str
    targets_met: int = 0
    targets_missed: list[str] = field(default_factory=list)
    statuses: dict[WorkStatus, int] = field(default_factory=lambda: {s: 0 for s in WorkStatus})
    spent: int = 0


@dataclass
class Rollup:
    """The units' results for one plan and one period, added up."""

    plan: Plan
    period: str
    targets: list[TargetRollup]
    units: list[UnitSummary]
    statuses: dict[str, dict[WorkStatus, int]]       # item id → status → number of units
    not_done: list[tuple[str, str, str]]             # (unit, item id, reason) of tasks not done
    missing: list[str]                               # units expected that did not report
    difficulties: list[tuple[str, str]]
    proposals: list[tuple[str, str]]
    spent: int = 0
    previous_period: str | None = None   # the earlier period whose figures stand beside these (compare)


def rollup(plan: Plan, loaded: list[LoadedResults], period: str, expected: list[str] | None = None) -> Rollup:
    """Sums, weighted percentages and the number of units meeting each target, from units' results of one period."""
    problems = []
    seen: dict[str, str] = {}
    for item in loaded:
        r = item.results
        if r.period != period:
            problems.append(Finding("Q107", Severity.ERROR, f"tệp báo cáo kỳ {period_label(r.period)}, không phải kỳ "
                                    f"{period_label(period)}", str(item.path), *item.source.locate(("period",)),
                                    "period", f"Chọn đúng tệp của kỳ {period_label(period)}, hoặc sửa 'period'."))
        if r.unit in seen:
            problems.append(Finding("Q107", Severity.ERROR, f"{r.unit} đã có kết quả trong tệp {seen[r.unit]}",
                                    str(item.path), *item.source.locate(("unit",)), "unit",
                                    "Mỗi đơn vị chỉ nộp một tệp cho một kỳ; bỏ tệp thừa."))
        seen.setdefault(r.unit, str(item.path))
    if problems:
        raise InputError("Các tệp kết quả không gộp được.", problems)
    targets, work = plan_items(plan)
    ordered = sorted(loaded, key=lambda x: x.results.unit)
    summaries = []
    statuses = {item: {s: 0 for s in WorkStatus} for item in work}
    not_done, difficulties, proposals = [], [], []
    rolls = {tid: TargetRollup(t) for tid, t in targets.items()}
    sums: dict[str, list[float]] = {tid: [0.0, 0.0, 0.0, 0] for tid in targets}  # value sum, num, den, ratio count
    for item in ordered:
        r = item.results
        summary = UnitSummary(r.unit)
        for entry in r.targets:
            roll = rolls.get(entry.target)
            value = entry.value
            if roll is None:
                continue
            if value is None and entry.numerator is not None and entry.denominator and roll.is_rate:
                value = entry.numerator / entry.denominator * PERCENT_UNITS[roll.target.unit.strip()]
            if value is None:
                continue
            roll.reported += 1
            acc = sums[entry.target]
            acc[0] += value
            if entry.numerator is not None and entry.denominator:
                acc[1] += entry.numerator
                acc[2] += entry.denominator
                acc[3] += 1
            verdict = meets(roll.target, value)
            if verdict:
                roll.meeting += 1
                summary.targets_met += 1
            elif verdict is False:
                summary.targets_missed.append(entry.target)
        for entry in r.work:
            if entry.item in statuses:
                statuses[entry.item][entry.status] += 1
            summary.statuses[entry.status] += 1
            summary.spent += entry.spent or 0
            if entry.status is WorkStatus.NOT_DONE:
                not_done.append((r.unit, entry.item, entry.account or ""))
        if r.difficulties:
            difficulties.append((r.unit, r.difficulties))
        if r.proposals:
            proposals.append((r.unit, r.proposals))
        summaries.append(summary)
    for tid, roll in rolls.items():
        acc = sums[tid]
        if not roll.reported:
            continue
        if roll.is_rate:
            scale = PERCENT_UNITS[roll.target.unit.strip()]
            if acc[3] == roll.reported and acc[2]:
                roll.total, roll.weighted = acc[1] / acc[2] * scale, True
            else:
                roll.total = acc[0] / roll.reported  # no denominators: the plain mean of the units' rates
            roll.achieved = meets(roll.target, roll.total)
        else:
            roll.total = acc[0]
            # A count target ("at least 1 playground") binds each unit: achieved when every reporting unit meets it.
            roll.achieved = None if roll.target.value is None else roll.meeting == roll.reported
    reported = {unit_key(s.unit) for s in summaries}
    missing = [u for u in (expected or []) if unit_key(u) not in reported]
    return Rollup(plan, period, list(rolls.values()), summaries, statuses, not_done, missing, difficulties, proposals,
                  sum(s.spent for s in summaries))


# A monthly report's figures close on the 14th of the month reported on, a quarterly one's on the 14th of the
# quarter's last month, so a due day before the 15th is the report on the month before. [S]: read in Khánh Hòa's
# Quyết định 01/2023/QĐ-UBND, Điều 4, which restates Nghị định 09/2019/NĐ-CP, Điều 12 (not read here).
CLOSING_DAY = 14


def reporting_due(clause: Reporting, period: str) -> date | None:
    """The date a report for *period* is due under one reporting clause of a plan, or None when the clause says no
    date for that period. A yearly clause due 01/12 gives 01/12 of the year reported on (due in January to June:
    the report on the year before); a six-monthly one due 10/6 gives 10/6 for the first half and, six months
    later, 10/12 for the second; a quarterly one is written for the first quarter (20/3: the 20th of each
    quarter's last month; 05/4: the 5th of the month after each quarter); a monthly one («trước ngày 20 hằng
    tháng», written 20/1) gives that day of the month reported on, or of the next month when the day is before
    the figures close (CLOSING_DAY); a clause with its own year (due_year) applies to that year only."""
    match = re.fullmatch(r"(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?", period)
    if clause.due is None or match is None:
        return None
    year, part = int(match.group(1)), match.group(2)
    day, month = clause.due.day, clause.due.month
    kind = clause.period.value
    if kind == "nam" and part is None:
        when = (year if month >= 7 else year + 1, month)
    elif kind == "6_thang" and part in ("H1", "H2"):
        first = month if month <= 6 else month - 6          # written for the first half, or for the second
        when = (year, first) if part == "H1" else (year + (first + 6 > 12), (first + 6 - 1) % 12 + 1)
    elif kind == "quy" and part is not None and part[0] == "Q":
        offset = (month - 1) % 3                            # 0, 1: in the next quarter; 2: in the quarter's last month
        index = (int(part[1]) - 1) * 3 + 2 + (offset + 1 if offset < 2 else 0)
        when = (year + index // 12, index % 12 + 1)
    elif kind == "thang" and part is not None and part.isdigit():
        index = int(part) - 1 + (day <= CLOSING_DAY)
        when = (year + index // 12, index % 12 + 1)
    else:
        return None
    if clause.due_year is not None and clause.due_year != when[0]:
        return None
    for last in (day, 30, 29, 28):   # 31/… six months on is the month's last day
        try:
            return date(when[0], when[1], last)
        except ValueError:
            continue
    return None


def plan_periods(plan: Plan, year: int) -> list[str]:
    """The periods of *year* a plan's reporting clauses ask reports for: the half years and the year always, then
    the quarters and the months when a clause is quarterly or monthly."""
    kinds = {clause.period.value for _, _, clause in iter_reporting(plan)}
    codes = [f"{year}-H1", f"{year}-H2", str(year)]
    if "quy" in kinds:
        codes += [f"{year}-Q{q}" for q in range(1, 5)]
    if "thang" in kinds:
        codes += [f"{year}-{m:02d}" for m in range(1, 13)]
    return codes


def previous_period(code: str) -> str:
    """The same period one year earlier: '2026-H1' → '2025-H1', '2026' → '2025' (cùng kỳ năm trước)."""
    return f"{int(code[:4]) - 1}{code[4:]}"


def compare(current: Rollup, previous: Rollup) -> Rollup:
    """*current* with each target's figure of an earlier period beside it (a trend: tăng, giảm so với cùng kỳ)."""
    if previous.period >= current.period:
        raise InputError(f"Kỳ so sánh ({period_label(previous.period)}) phải trước kỳ báo cáo "
                         f"({period_label(current.period)}).", hint="Chọn các tệp kết quả của kỳ trước.")
    before = {t.target.id: t.total for t in previous.targets}
    for t in current.targets:
        t.previous = before.get(t.target.id)
    current.previous_period = previous.period
    return current


def compared_with(roll: Rollup) -> str:
    """'cùng kỳ năm 2025' for the same period a year before, else the period's name ('6 tháng cuối năm 2025')."""
    if roll.previous_period is None:
        return ""
    if roll.previous_period == previous_period(roll.period):
        return f"cùng kỳ năm {roll.previous_period[:4]}"
    return period_label(roll.previous_period)


def change_words(t: TargetRollup) -> str:
    """'tăng 2 điểm vui chơi', 'giảm 1,5 điểm phần trăm', 'không đổi'; rates change in percentage points."""
    if t.total is None or t.previous is None:
        return "chưa so sánh được"
    delta = round(t.total - t.previous, 1)
    if delta == 0:
        return "không đổi"
    unit = (t.target.unit or "").strip()
    amount = _number(abs(delta))
    if t.is_rate:
        amount += " điểm phần trăm" if unit == "%" else " phần nghìn"
    elif unit:
        amount += f" {unit}"
    return f"{'tăng' if delta > 0 else 'giảm'} {amount}"


def unit_key(name: str) -> str:
    """'Ủy ban nhân dân xã Hưng Đông', 'UBND xã Hưng Đông' and 'xã Hưng Đông' are the same reporting unit."""
    key = match_key(name)
    for prefix in ("ủy ban nhân dân ", "ubnd "):
        key = key.removeprefix(prefix)
    return key


def expected_units(path: Path) -> list[str]:
    """The units that must report, one a line (bullets and numbering allowed); the file is read bounded."""
    from .. import limits
    from ..fileio import note_read, open_regular

    note_read(path)
    try:
        with open_regular(path) as handle:
            raw = handle.read(limits.MAX_PLAN_BYTES + 1)
        text = raw.decode("utf-8-sig")
    except OSError as exc:
        what, fix = os_error_words(exc)
        raise InputError(f"Không đọc được danh sách đơn vị {path}: {what}.", hint=fix) from None
    except UnicodeDecodeError:
        raise InputError(f"Danh sách đơn vị {path} không được lưu theo bảng mã UTF-8.",
                         hint="Mở tệp và lưu lại với bảng mã UTF-8.") from None
    if len(raw) > limits.MAX_PLAN_BYTES:
        raise InputError(f"Danh sách đơn vị {path} quá lớn.",
                         hint="Mỗi dòng một tên đơn vị; kiểm tra có chọn nhầm tệp.")
    units = []
    for line in nfc(text).splitlines():
        name = re.sub(r"^\s*(?:[-+*•]|\d+[.)])?\s*", "", line).strip().rstrip(";,.")
        if name and name not in units:
            units.append(name)
    return units


# --- the Báo cáo --------------------------------------------------------------------------------------------------

def _number(value: float | None, unit: str | None = None) -> str:
    if value is None:
        return "chưa có số liệu"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")  # Vietnamese: 1.234,5
    if not unit:
        return text
    return f"{text}{unit}" if unit.strip() in PERCENT_UNITS else f"{text} {unit}"


def _committed(target: Target) -> str:
    if target.value is None:
        return target.comparator.label
    return f"{target.comparator.label} {_number(target.value, target.unit)}"


def _verdict(achieved: bool | None) -> str:
    return {True: "đạt", False: "chưa đạt", None: "chưa đánh giá được"}[achieved]


def plan_citation(plan: Plan, with_issuer: bool = True) -> str:
    """'Kế hoạch số 07/KH-UBND ngày 06 tháng 01 năm 2025 của Ủy ban nhân dân tỉnh Nghệ An'."""
    doc = plan.document
    if doc.number is None or doc.date.day is None:  # a draft plan: no gaps for a number and date inside a sentence
        return f"{doc.type} số …/{doc.symbol} năm {doc.date.year}" + (f" của {doc.issuer.name}" if with_issuer else "")
    number = nd30.number_line(doc.number, doc.symbol).removeprefix("Số: ").strip()
    when = nd30_date_line(None, doc.date.year, doc.date.month, doc.date.day)
    return f"{doc.type} số {number} {when}" + (f" của {doc.issuer.name}" if with_issuer else "")


def _symbol(plan: Plan) -> str:
    rest = plan.document.symbol.split("-", 1)[1] if "-" in plan.document.symbol else plan.document.symbol
    return f"{nd30.TYPE_ABBREVIATIONS['Báo cáo']}-{rest}"


def _line(text: str, label: str = "-") -> Block:
    return Block(label=label, text=text)


NAMED_UNITS = 10  # beyond this the body gives a count and the annex the names: 130 names make no sentence


def _target_lines(roll: Rollup, single: bool) -> list[Block]:
    lines = []
    for t in roll.targets:
        name = target_name(roll.plan, t.target)
        reached = _number(t.total, t.target.unit)
        how = " (tính theo tử số, mẫu số của các đơn vị)" if t.weighted else ""
        units = "" if single else f"; {t.meeting}/{t.reported} đơn vị đã báo cáo đạt chỉ tiêu"
        trend = ""
        if roll.previous_period is not None:
            trend = (f"; {compared_with(roll)}: {_number(t.previous, t.target.unit)}"
                     + (f", {change_words(t)}" if t.previous is not None and t.total is not None else ""))
        lines.append(_line(f"{name}: kế hoạch {_committed(t.target)}; thực hiện {reached}{how}{trend}{units}; "
                           f"đánh giá: {_verdict(t.achieved)};"))
    if not lines:
        lines.append(_line("Kế hoạch không có chỉ tiêu định lượng;"))
    return lines


def _work_lines(roll: Rollup, work: dict[str, str], single: bool) -> list[Block]:
    totals = {s: sum(counts[s] for counts in roll.statuses.values()) for s in WorkStatus}
    counted = sum(totals.values())
    lines = [_line(f"Tổng số lượt nhiệm vụ được báo cáo: {counted}; trong đó "
                   + ", ".join(f"{s.label}: {totals[s]}" for s in WorkStatus) + ";")]
    by_item: dict[str, list[tuple[str, str]]] = {}
    for unit, item, reason in roll.not_done:
        by_item.setdefault(item, []).append((unit, reason.strip().rstrip(".;")))
    for item, entries in by_item.items():
        reasons = "; ".join(dict.fromkeys(r for _, r in entries if r)) or "chưa nêu lý do"
        named = f" ({', '.join(u for u, _ in entries)})" if len(entries) <= NAMED_UNITS else " (xem Phụ lục II)"
        where = "" if single else f" tại {len(entries)} đơn vị{named}"
        lines.append(_line(f"Nhiệm vụ «{_short(work.get(item, item))}» không hoàn thành{where}; lý do: {reasons};"))
    return lines


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split()).rstrip(".;:")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _quoted(entries: list[tuple[str, str]], single: bool, blank: str) -> list[Block]:
    """Units' own words; the same words from several units once, with the units named."""
    if not entries:
        return [Block(text=blank)]
    by_text: dict[str, list[str]] = {}
    for unit, text in entries:
        by_text.setdefault(" ".join(text.split()).rstrip(".;"), []).append(unit)
    lines = []
    for text, units in by_text.items():
        named = f" ({', '.join(units)})" if len(units) <= NAMED_UNITS else f" ({len(units)} đơn vị)"
        lines.append(_line(text + ("" if single else named) + ";"))
    return lines


def next_period(code: str) -> str:
    """The period after *code*: '2026-H1' → '2026-H2', '2026-H2' → '2027-H1', '2026-Q4' → '2027-Q1',
    '2026-12' → '2027-01', '2026' → '2027'."""
    year, part = int(code[:4]), code[5:]
    if not part:
        return str(year + 1)
    if part.isdigit():
        return f"{year}-{int(part) + 1:02d}" if int(part) < 12 else f"{year + 1}-01"
    kind, number = part[0], int(part[1])
    last = 2 if kind == "H" else 4
    return f"{year}-{kind}{number + 1}" if number < last else f"{year + 1}-{kind}1"


def _overall(roll: Rollup, single: bool) -> str:
    """Targets achieved and tasks done, in one sentence (the figures of section II, summed up)."""
    judged = [t for t in roll.targets if t.achieved is not None]
    achieved = sum(1 for t in judged if t.achieved)
    totals = {s: sum(counts[s] for counts in roll.statuses.values()) for s in WorkStatus}
    counted = sum(totals.values())
    done = totals[WorkStatus.DONE]
    share = f" ({_number(round(done / counted * 100, 1))}%)" if counted else ""
    targets = f"{achieved}/{len(judged)} chỉ tiêu đạt kế hoạch" if judged else "chưa đánh giá được chỉ tiêu nào"
    tasks = f"{done}/{counted} lượt nhiệm vụ hoàn thành{share}" if counted else "chưa có nhiệm vụ nào được báo cáo"
    return f"{targets}; {tasks}" + ("" if single else f"; {len(roll.units)} đơn vị đã gửi báo cáo") + ";"


def _ahead_lines(roll: Rollup, work: dict[str, str]) -> list[Block]:
    """The tasks to carry on: those not finished everywhere, then a line for the author's own priorities."""
    open_items = [item for item, counts in roll.statuses.items()
                  if sum(counts.values()) and counts[WorkStatus.DONE] < sum(counts.values())]
    lines = []
    if open_items:
        named = "; ".join(f"«{_short(work.get(i, i), 80)}»" for i in open_items[:NAMED_UNITS])
        more = f" và {len(open_items) - NAMED_UNITS} nhiệm vụ khác" if len(open_items) > NAMED_UNITS else ""
        lines.append(_line(f"Tiếp tục thực hiện các nhiệm vụ chưa hoàn thành: {named}{more};"))
    lines.append(Block(text="(Người soạn thảo bổ sung các nhiệm vụ trọng tâm của kỳ tới.)"))
    return lines


def report_plan(loaded: LoadedPlan, roll: Rollup, number: int | None = None, day=None) -> Plan:
    """The plan issuer's Báo cáo kết quả thực hiện for one period, as a document model: number and date blank until
    the văn thư gives them (*number* from the unit's register, *day* a date)."""
    plan = loaded.plan
    doc = plan.document
    single = len(roll.units) == 1 and not roll.missing
    year = int(roll.period[:4])
    when = period_label(roll.period)
    _, work = plan_items(plan)
    title = f"Kết quả thực hiện {plan_citation(plan)} {when}"
    # The plan and the report have one issuer: the preamble names it once.
    about = "" if doc.title.isupper() else f" về {doc.title[:1].lower() + doc.title[1:]}"
    preamble = [Block(text=f"Thực hiện {plan_citation(plan, with_issuer=False)}{about}, {doc.issuer.name} báo cáo "
                           f"kết quả thực hiện {when} như sau:")]
    results_blocks = [
        Block(label="1.", title="Kết quả thực hiện các chỉ tiêu", blocks=_target_lines(roll, single)),
        Block(label="2.", title="Kết quả thực hiện các nhiệm vụ", blocks=_work_lines(roll, work, single)),
    ]
    if plan_budget_total(plan) is not None:
        results_blocks.append(Block(label="3.", title="Kinh phí", text=f"Kinh phí đã chi: {_number(roll.spent)} đồng."))
    if not single:
        reported = len(roll.units)
        expected = reported + len(roll.missing)
        text = f"{reported}/{expected} đơn vị đã gửi báo cáo."
        if len(roll.missing) > NAMED_UNITS:
            text += f" Chưa gửi báo cáo: {len(roll.missing)} đơn vị (danh sách ở Phụ lục II)."
        elif roll.missing:
            text += f" Chưa gửi báo cáo: {', '.join(roll.missing)}."
        results_blocks.append(Block(label=f"{len(results_blocks) + 1}.", title="Tình hình báo cáo của các đơn vị",
                                    text=text))
    # The sections of real Báo cáo kết quả (tests/fixtures/real/reports/): direction, results, overall assessment,
    # the next period's tasks, proposals. What kehoach cannot know is left as a line for the author to fill in.
    ahead = next_period(roll.period)
    sections = [
        Block(label="I.", title="CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH",
              blocks=[Block(text="(Người soạn thảo bổ sung các văn bản chỉ đạo, đôn đốc, kiểm tra đã ban hành, tổ chức "
                                 f"trong {when}.)")]),
        Block(label="II.", title="KẾT QUẢ THỰC HIỆN", blocks=results_blocks),
        Block(label="III.", title="ĐÁNH GIÁ CHUNG", blocks=[
            Block(label="1.", title="Kết quả đạt được", blocks=[_line(_overall(roll, single))]),
            Block(label="2.", title="Khó khăn, vướng mắc",
                  blocks=_quoted(roll.difficulties, single, "(Người soạn thảo bổ sung khó khăn, vướng mắc.)")),
        ]),
        Block(label="IV.", title=f"PHƯƠNG HƯỚNG, NHIỆM VỤ {period_label(ahead).upper()}",
              blocks=_ahead_lines(roll, work)),
        Block(label="V.", title="ĐỀ XUẤT, KIẾN NGHỊ",
              blocks=_quoted(roll.proposals, single, "(Người soạn thảo bổ sung đề xuất, kiến nghị.)")),
    ]
    closing = [Block(text=f"Trên đây là báo cáo kết quả thực hiện {plan_citation(plan, with_issuer=False)} {when} "
                          f"của {doc.issuer.name}.")]
    recipients = _recipients(loaded)
    signature = plan.signature
    if signature is not None:
        signature = Signature(authority=signature.authority, positions=signature.positions, name=signature.name)
    report = Plan(
        id=f"{plan.id}-bc-{roll.period.lower()}",
        document=Document(type="Báo cáo", issuer=Issuer(**doc.issuer.model_dump()),
                          governing_body=doc.governing_body, symbol=_symbol(plan), place=doc.place,
                          number=number, date=PartialDate.parse(day) if day else PartialDate(year), title=title,
                          level=doc.level, province=doc.province,
                          district=doc.district, commune=doc.commune),
        preamble=preamble, sections=sections, closing=closing, recipients=recipients,
        archive=plan.archive or "VT", signature=signature,
    )
    if number is None or not report.document.date.is_complete:
        return report
    # The number comes from the unit's register: the report carries the issue record that lets it be printed.
    record = IssueRecord(number=number, date=report.document.date, by=f"sổ đăng ký văn bản đi của {doc.issuer.name}",
                         digest=issue_digest(report))
    return report.model_copy(update={"document": report.document.model_copy(update={"issued": record})})


def _recipients(loaded: LoadedPlan) -> list[Recipient]:
    """Whom the plan's reporting clauses send the report to; else 'Như trên'."""
    plan = loaded.plan
    names: list[str] = []
    for _, _, reporting in iter_reporting(plan):
        for to in reporting.to:
            name = agency_names(loaded.registry, [to], plan.document.date.to_date(), plan.document.province)
            if name not in names:
                names.append(name)
    return [Recipient(name=n, purpose="b/c") for n in names] or [Recipient(name="Như trên")]


def annex_tables(roll: Rollup) -> list[tuple[str, list[tuple[str, float]], list[list[str]]]]:
    """The annex tables of the report: (title, columns with widths in cm, rows)."""
    target_rows = []
    trend = roll.previous_period is not None
    for i, t in enumerate(roll.targets, 1):
        before = [_number(t.previous, t.target.unit), change_words(t)] if trend else []
        target_rows.append([str(i), target_name(roll.plan, t.target), _committed(t.target),
                            _number(t.total, t.target.unit), *before, f"{t.meeting}/{t.reported}",
                            _verdict(t.achieved)])
    columns = [("STT", 1.2), ("Chỉ tiêu", 10.0), ("Kế hoạch", 3.2), ("Thực hiện", 3.2),
               ("Số đơn vị đạt / đã báo cáo", 3.5), ("Đánh giá", 4.1)]
    if trend:   # two more columns in the same page width
        since = compared_with(roll)
        columns = [("STT", 1.2), ("Chỉ tiêu", 6.3), ("Kế hoạch", 3.0), ("Thực hiện", 3.0),
                   (since[:1].upper() + since[1:], 3.0), (f"Tăng, giảm so với {since}", 3.2),
                   ("Số đơn vị đạt / đã báo cáo", 2.9), ("Đánh giá", 2.6)]
    tables = [("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", columns, target_rows)]
    numbers = {t.target.id: str(i) for i, t in enumerate(roll.targets, 1)}  # a target by its row in Phụ lục I
    unit_rows = []
    n = 0
    for s in roll.units:
        n += 1
        unit_rows.append([str(n), s.unit, str(s.targets_met), ", ".join(numbers[t] for t in s.targets_missed) or "—",
                          *(str(s.statuses[w]) for w in WorkStatus)])
    for unit in roll.missing:
        n += 1
        unit_rows.append([str(n), unit, "chưa báo cáo", "", "", "", "", ""])
    tables.append(("KẾT QUẢ THEO ĐƠN VỊ",
                   [("STT", 1.2), ("Đơn vị", 6.0), ("Số chỉ tiêu đạt", 2.4),
                    ("Chỉ tiêu chưa đạt (số thứ tự ở Phụ lục I)", 3.6),
                    *((f"Nhiệm vụ {w.label}", 3.0) for w in WorkStatus)], unit_rows))
    return tables


def render_report(loaded: LoadedPlan, roll: Rollup, number: int | None = None, day=None) -> bytes:
    """The Báo cáo as DOCX bytes through the plans' own ND30 rendering, with its annex tables."""
    from ..render.report_docx import render_report_docx

    report = LoadedPlan.from_model(report_plan(loaded, roll, number, day), loaded.path, loaded.registry)
    return render_report_docx(report, annex_tables(roll))
