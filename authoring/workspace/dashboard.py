"""The province dashboard for a provincial plan: every commune and ward, its derived plan's state and check
summary, and the coverage matrix (each duty the province addresses to communes × each commune: taken up by a named
agency, missing, or explained). Exported to XLSX (openpyxl) and HTML."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from ..text import vietnam_time, vietnam_today

COMMUNE_COLLECTIVE = "ubnd-cap-xa"     # "Ủy ban nhân dân các xã, phường, đặc khu" in the agency registry
# From 01/7/2025 what a province plan gave "UBND các huyện, thị xã, thành phố" falls to the communes that took over
# the districts' area (registry: ubnd-cap-huyen → successors ubnd-cap-xa), so the board counts it for every commune.
COMMUNE_DUTY_HOLDERS = {COMMUNE_COLLECTIVE, "ubnd-cap-huyen"}
_ONE_DISTRICT = re.compile(r"^(?:UBND|Ủy ban nhân dân)\s+((?:huyện|quận|thị xã|thành phố)\s+.+)$", re.IGNORECASE)
# A draft nobody has reviewed yet only proposes agencies: it is not a duty taken up (state ids of workflow.STATES).
UNREVIEWED_STATES = {None, "draft"}
EXPLAIN_WORDS = ("giải trình", "không áp dụng", "không thực hiện", "không có đối tượng")

CELL_LABELS = {
    "taken": "Đã đảm nhận",
    "missing": "Chưa đảm nhận",
    "explained": "Có giải trình",
    "no-lead": "Chưa có cơ quan chủ trì",
    "no-plan": "Chưa có kế hoạch",
    "proposed": "Dự thảo đề xuất, lãnh đạo chưa duyệt",
    "not-assigned": "Không giao cho đơn vị này",
}
CELL_MARKS = {"taken": "✔", "missing": "✘", "explained": "i", "no-lead": "⚠", "no-plan": "—", "proposed": "?",
              "not-assigned": "·"}

# Against the date the Sở set for the communes' own plans.
DEADLINE_LABELS = {
    "on-time": "Đã ban hành đúng hạn",
    "late": "Ban hành sau hạn",
    "overdue": "Quá hạn, chưa ban hành",
    "pending": "Chưa đến hạn",
}


def reporting_for_communes(loaded) -> list[dict]:
    """The reports the provincial plan asks of the communes: subject, period in words, due date in words."""
    from .. import words
    from ..model import ReportPeriod
    from ..model.walk import iter_reporting

    out = []
    for _path, _block, item in iter_reporting(loaded.plan):
        senders = {loaded.agency_id(a) or a for a in item.from_}
        if COMMUNE_COLLECTIVE not in senders:
            continue
        due = f"{item.due.day:02d}/{item.due.month:02d}" if item.due else ""
        if due and item.due_year:
            due += f"/{item.due_year}"
        out.append({"subject": item.subject or "Báo cáo kết quả thực hiện",
                    "period": words.enum_label(item.period, ReportPeriod), "due": due})
    return out


def duties_for_communes(loaded, province=None) -> list[tuple[str, str]]:
    """(ref, text) of every duty the provincial plan gives to the communes, or to the former districts whose area
    the communes took over (all of them, or one named district when *province*'s registry knows its successors),
    in the plan's order."""
    return [(ref, text) for ref, text, _ in _commune_duties(loaded, province)]


def duty_scope(loaded, province) -> dict[str, set[str]]:
    """{ref: names of the units it falls to} for the duties given to one named former district ('UBND huyện Nghi
    Lộc'): the communes formed from that district, as plans/registry/units/ records them. Other duties: every unit."""
    return {ref: units for ref, _, units in _commune_duties(loaded, province) if units is not None}


def _commune_duties(loaded, province) -> list[tuple[str, str, set[str] | None]]:
    from ..model.walk import iter_duties

    out = []
    for duty in iter_duties(loaded.plan):
        if not duty.id:
            continue
        ref = f"{loaded.plan.id}#{duty.id}"
        agencies = {loaded.agency_id(a) or a for a in duty.agencies}
        if agencies & COMMUNE_DUTY_HOLDERS:
            out.append((ref, duty.text, None))
            continue
        heirs: set[str] = set()
        for agency in duty.agencies:   # as written: the registry id of "UBND huyện Nghi Lộc" names no district
            named = _ONE_DISTRICT.match(" ".join(str(agency).split()))
            if named and province is not None:
                heirs |= {u.name for u in province.successors(named.group(1), loaded.plan.document.province)}
        if heirs:
            out.append((ref, duty.text, heirs))
    return out


def _agency_names(loaded, ids) -> list[str]:
    names = []
    for agency in ids:
        try:
            names.append(loaded.registry.agency_name(agency, loaded.plan.document.date.to_date(),
                                                     loaded.plan.document.province))
        except (KeyError, AttributeError, TypeError):
            names.append(agency)
    return names


def cells_of(loaded, coverage: list[dict]) -> dict[str, dict]:
    """A commune plan's answer to each parent duty, from its check coverage rows: {ref: {status, agencies, note}}."""
    if loaded is None:
        return {}
    blocks = {}
    from ..model.walk import iter_blocks

    for _, block in iter_blocks(loaded.plan):
        if block.id:
            blocks[block.id] = block
    out = {}
    for row in coverage:
        takers = [blocks[b] for b in row.get("covered_by", []) if b in blocks]
        note = next((b.note for b in takers if b.note), "") or ""
        text = " ".join(filter(None, [note] + [b.text or "" for b in takers])).lower()
        if not row.get("covered_by"):
            status = "missing"
        elif row.get("lead"):
            status = "taken"
        elif any(word in text for word in EXPLAIN_WORDS):
            status = "explained"
        else:
            status = "no-lead"
        out[row["parent"]] = {"status": status, "agencies": _agency_names(loaded, row.get("lead", [])),
                              "note": note[:300], "text": row.get("text", "")[:500]}
    return out


def keep_coverage(session, flow, number: int, cells: dict, counts: dict) -> None:
    """Store a commune plan's answers (cells_of) for version *number* in *session*'s transaction: the board's rows
    of ws_coverage replace the plan's earlier ones, and the workflow row records the version they are of."""
    from sqlalchemy import delete, insert

    from .models import CoverageRow

    flow.counts, flow.checked_version = counts, number
    session.execute(delete(CoverageRow).where(CoverageRow.plan_id == flow.plan_id))
    if flow.parent_plan_id is None or not cells:
        return
    session.execute(insert(CoverageRow), [
        {"plan_id": flow.plan_id, "ref": ref[:300], "parent_plan_id": flow.parent_plan_id, "version": number,
         "status": cell["status"], "agencies": cell.get("agencies") or [], "note": cell.get("note") or ""}
        for ref, cell in sorted(cells.items())])


def coverage_on_save(session, plan_id: int, number: int, analysis) -> None:
    """Store hook (web/store.Store.save_hooks): a commune plan saved under a parent plan gets its answers to that
    plan's duties recomputed from the analysis the save already made, in the save's transaction."""
    from .models import WorkflowRow

    # Before the version is flushed: the flush writes the audit entry, whose hash chain is locked for every writer
    # of the province until commit, so nothing of this may run after it (it made every other save wait).
    with session.no_autoflush:
        flow = session.get(WorkflowRow, plan_id)
        if flow is None or flow.parent_plan_id is None:
            return
        cells = cells_of(analysis.loaded, analysis.coverage) if analysis.format_ok else {}
        keep_coverage(session, flow, number, cells, analysis.counts())


def coverage_of(session, parent_plan_id: int) -> dict[int, dict[str, dict]]:
    """Every commune plan's answers to *parent_plan_id*'s duties, in one query: {plan_id: {ref: cell}}."""
    from sqlalchemy import select

    from .models import CoverageRow

    out: dict[int, dict[str, dict]] = {}
    rows = session.execute(select(CoverageRow.plan_id, CoverageRow.ref, CoverageRow.status, CoverageRow.agencies,
                                  CoverageRow.note).where(CoverageRow.parent_plan_id == parent_plan_id))
    for plan_id, ref, status, agencies, note in rows:
        out.setdefault(plan_id, {})[ref] = {"status": status, "agencies": agencies or [], "note": note or ""}
    return out


PAGE_SIZE = 200   # units in one page of the board: a province's 168 communes fit in one, the country's 3,321 in 17


def page_of(rows: list, page: int, size: int | None = None) -> tuple[list, int, int]:
    """(rows of page *page*, counted from 1 and brought within range, number of pages)."""
    size = size or PAGE_SIZE
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    return rows[(page - 1) * size: page * size], page, pages


@dataclass
class CommuneRow:
    unit: str
    kind: str
    plan_id: int | None = None
    state: str | None = None          # workflow state id
    state_label: str = "Chưa có kế hoạch"
    counts: dict = field(default_factory=dict)
    format_ok: bool = False
    cells: dict = field(default_factory=dict)
    updated_at: datetime | None = None
    number: str = ""
    issued_on: date | None = None
    not_assigned: set = field(default_factory=set)   # refs of duties given to former districts this unit is not from

    def deadline(self, due: date | None, today: date) -> str:
        """'' without a deadline, else a key of DEADLINE_LABELS."""
        if due is None:
            return ""
        if self.state == "issued" and self.issued_on is not None:
            return "on-time" if self.issued_on <= due else "late"
        return "overdue" if today > due else "pending"

    def cell(self, ref: str) -> dict:
        if ref in self.not_assigned:
            return {"status": "not-assigned", "agencies": [], "note": ""}
        if self.plan_id is None:
            return {"status": "no-plan", "agencies": [], "note": ""}
        cell = self.cells.get(ref) or {"status": "missing", "agencies": [], "note": ""}
        if cell["status"] == "taken" and self.state in UNREVIEWED_STATES:
            return {**cell, "status": "proposed"}
        return cell

    def complete(self, refs: list[str]) -> bool:
        """Every duty given to this unit taken up (reviewed) or explained; a unit given no duty is not 'complete'."""
        given = [ref for ref in refs if ref not in self.not_assigned]
        return bool(given) and self.plan_id is not None and all(
            self.cell(ref)["status"] in ("taken", "explained") for ref in given)


def commune_rows(registry_units: list[tuple[str, str]], children, coverage: dict[int, dict[str, dict]],
                 scope: dict[str, set[str]]) -> list["CommuneRow"]:
    """The board's rows: the province's units as the registry lists them, then units with a plan the registry does not
    know; each with its plan's step and answers. *children*: rows of the plans under the province plan (plan_id,
    state, counts, number, issued_on, updated_at, unit_name, unit_kind); *coverage*: coverage_of."""
    from ..text import match_key
    from .workflow import state_label

    by_unit = {match_key(c.unit_name): c for c in children if c.unit_name is not None}
    names, keys = [], set()
    for name, kind in registry_units + [(c.unit_name, c.unit_kind) for c in children if c.unit_name is not None]:
        key = match_key(name)
        if key not in keys:   # a unit once, under the registry's spelling when it has one
            keys.add(key)
            names.append((key, name, kind))
    rows = []
    for key, name, kind in names:
        row = CommuneRow(unit=name, kind=kind, not_assigned={ref for ref, heirs in scope.items() if name not in heirs})
        child = by_unit.get(key)
        if child is not None:
            row.plan_id, row.state, row.state_label = child.plan_id, child.state, state_label(child.state)
            row.counts, row.cells = child.counts or {}, coverage.get(child.plan_id, {})
            row.updated_at = child.updated_at
            row.number = f"{child.number:02d}" if child.number else ""
            row.issued_on = child.issued_on
        rows.append(row)
    return rows


@dataclass
class Dashboard:
    plan_title: str
    issuer: str
    province_name: str
    resolution: str
    duties: list[tuple[str, str]]
    rows: list[CommuneRow]
    due: date | None = None                               # the communes' plans must be issued by then
    today: date = field(default_factory=vietnam_today)
    reports: list[dict] = field(default_factory=list)     # reporting_for_communes

    def deadline(self, row: CommuneRow) -> str:
        return row.deadline(self.due, self.today)

    def totals(self) -> dict:
        states: dict[str, int] = {}
        for row in self.rows:
            states[row.state or "none"] = states.get(row.state or "none", 0) + 1
        with_plan = [r for r in self.rows if r.plan_id is not None]
        complete = [r for r in with_plan if r.complete([ref for ref, _ in self.duties])]
        return {"units": len(self.rows), "with_plan": len(with_plan), "states": states, "complete": len(complete),
                "errors": sum(1 for r in with_plan if r.counts.get("error")),
                "overdue": sum(1 for r in self.rows if self.deadline(r) == "overdue")}

    def duty_totals(self) -> list[dict]:
        out = []
        for ref, text in self.duties:
            counts = {k: 0 for k in CELL_LABELS}
            for row in self.rows:
                counts[row.cell(ref)["status"]] += 1
            out.append({"ref": ref, "text": text, **counts})
        return out


def _local(moment: datetime | None) -> str:
    return vietnam_time(moment, seconds=False)


def export_rows(board: Dashboard) -> list[dict]:
    """The board's rows in words, for the standalone page (templates/workspace/board_export.html): unit, step,
    deadline, check counts, and each duty's cell with its mark and what it means."""
    rows = []
    for row in board.rows:
        cells = []
        for ref, _ in board.duties:
            cell = row.cell(ref)
            title = CELL_LABELS[cell["status"]] + (": " + ", ".join(cell["agencies"]) if cell["agencies"] else "")
            cells.append({"status": cell["status"], "title": title, "mark": CELL_MARKS[cell["status"]]})
        counts = row.counts or {}
        check = (f"{counts.get('error', 0)} lỗi, {counts.get('warning', 0)} cảnh báo" if row.plan_id is not None else "")
        rows.append({"unit": row.unit, "state": row.state_label, "deadline": DEADLINE_LABELS.get(board.deadline(row), ""),
                     "check": check, "cells": cells})
    return rows


def states_sentence(totals: dict, state_labels: dict[str, str]) -> str:
    """How many communes are at each step, in words."""
    return ", ".join(f"{state_labels.get(k, 'Chưa có kế hoạch')}: {v}" for k, v in totals["states"].items())


def due_sentence(board: Dashboard, totals: dict) -> str:
    if board.due is None:
        return "Chưa đặt hạn ban hành kế hoạch cấp xã."
    return (f"Hạn ban hành kế hoạch cấp xã: {board.due:%d/%m/%Y}; {totals['overdue']} đơn vị quá hạn chưa ban hành "
            f"(tính đến {board.today:%d/%m/%Y}).")


def to_xlsx(board: Dashboard) -> bytes:
    """Two sheets: the communes with state, check summary and one column per duty; the duties with totals."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fills = {"taken": "DFF0D8", "missing": "F2DEDE", "explained": "D9EDF7", "no-lead": "FCF8E3", "no-plan": "EEEEEE",
             "proposed": "FCF8E3", "not-assigned": "FFFFFF"}
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị cấp xã"
    header = ["Đơn vị", "Bước quy trình", "Số, ký hiệu", "Hạn ban hành", "Lỗi", "Cảnh báo", "Cập nhật"] + [
        f"NV {i}" for i in range(1, len(board.duties) + 1)]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in board.rows:
        counts = row.counts or {}
        values = [row.unit, row.state_label, row.number, DEADLINE_LABELS.get(board.deadline(row), ""),
                  counts.get("error", "") if row.plan_id else "",
                  counts.get("warning", "") if row.plan_id else "", _local(row.updated_at)]
        for ref, _ in board.duties:
            cell = row.cell(ref)
            values.append(CELL_LABELS[cell["status"]] + (": " + ", ".join(cell["agencies"]) if cell["agencies"] else ""))
        sheet.append(values)
        for offset, (ref, _) in enumerate(board.duties):
            sheet.cell(row=sheet.max_row, column=8 + offset).fill = PatternFill(
                "solid", fgColor=fills[row.cell(ref)["status"]])
    widths = [28, 28, 16, 22, 8, 10, 18] + [22] * len(board.duties)
    for i, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    duties = book.create_sheet("Nhiệm vụ tỉnh giao")
    duties.append(["NV", "Nội dung"] + list(CELL_LABELS.values()))
    for cell in duties[1]:
        cell.font = Font(bold=True)
    for i, item in enumerate(board.duty_totals(), 1):
        duties.append([i, item["text"]] + [item[k] for k in CELL_LABELS])
    duties.column_dimensions["B"].width = 90
    for row in duties.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
