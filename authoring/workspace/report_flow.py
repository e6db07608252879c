"""A unit's results for one period of its plan, and the Báo cáo's workflow, the plan's own steps (workflow.py):
drafted → trình lãnh đạo → duyệt → ký → cấp số → gửi cấp trên → accepted or returned by the province.

The reporting unit's chuyên viên and lãnh đạo fill the figures in while the report is a draft (or was returned); the
same roles as for a plan review, sign and number it (the signed PDF verified by workflow.signed_pdf_problem, the
number taken from the unit's register by workflow.next_number); the unit that issued the parent plan (the province's
Sở) accepts it or returns it with a reason. Every step is an audit entry, in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..model.results import period_label
from . import audit, workflow
from .accounts import ROLES, Account
from .models import Base, now
from ..text import vietnam_today

STATES = {
    "draft": "Đang soạn",
    "submitted": "Đã trình lãnh đạo",
    "reviewed": "Lãnh đạo đã duyệt",
    "signed": "Đã ký",
    "issued": "Đã cấp số",
    "sent": "Đã gửi cấp trên",
    "accepted": "Cấp trên đã tiếp nhận",
    "returned": "Cấp trên trả lại để sửa",
}
# Reports the province counts in its roll-up: the ones sent to it and not returned.
COUNTED = ("sent", "accepted")
EDITABLE = ("draft", "returned")
EDITORS = ("soan-thao", "lanh-dao")


class ResultsRow(Base):
    """One unit's results (the YAML of `kehoach report-form`) for one period of one plan, and where they stand."""

    __tablename__ = "ws_results"
    __table_args__ = (UniqueConstraint("plan_id", "period", name="uq_ws_results"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)            # the plan reported on (the unit's own)
    unit_id: Mapped[int] = mapped_column(ForeignKey("ws_units.id"), index=True)
    receiver_unit_id: Mapped[int | None] = mapped_column(ForeignKey("ws_units.id"), nullable=True)
    parent_plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    period: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")                 # the reason it was returned
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)   # from the unit's register, at "cấp số"
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    signed_file: Mapped[str | None] = mapped_column(String(300), nullable=True)   # relative to the storage
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class ReportDueRow(Base):
    """The date by which the units must send their results for one period of a plan (set by the plan's unit)."""

    __tablename__ = "ws_report_due"
    __table_args__ = (UniqueConstraint("plan_id", "period", name="uq_ws_report_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(Integer, index=True)
    period: Mapped[str] = mapped_column(String(10))
    due: Mapped[date] = mapped_column(Date)


@dataclass(frozen=True)
class Step:
    id: str
    sources: tuple[str, ...]
    target: str
    label: str
    done: str
    receiver: bool          # taken by the receiving unit (else by the reporting unit)
    roles: tuple[str, ...]


def _plan_step(plan_step: str, sources: tuple[str, ...], target: str, done: str) -> Step:
    """A step of the plan's workflow (its id, button, roles), applied to a Báo cáo."""
    t = workflow.TRANSITIONS[plan_step]
    return Step(t.id, sources, target, t.label, done, False, t.role)


# The reporting unit's steps are the plan's (Điều 12–16 of the decree apply to a Báo cáo as to a Kế hoạch); the
# generated Báo cáo passes lint-docx by construction, so there is no separate form check.
STEPS = {s.id: s for s in (
    _plan_step("trinh", EDITABLE, "submitted", "Chuyên viên trình lãnh đạo báo cáo kết quả"),
    _plan_step("duyet", (*EDITABLE, "submitted"), "reviewed", "Lãnh đạo đơn vị duyệt báo cáo kết quả"),
    _plan_step("ky", ("reviewed",), "signed", "Người có thẩm quyền ký báo cáo kết quả"),
    Step("cap-so", ("signed",), "issued", "Cấp số", "Văn thư cấp số báo cáo kết quả", False, ("van-thu",)),
    Step("gui", ("issued",), "sent", "Gửi báo cáo lên cấp trên", "Gửi báo cáo kết quả lên cấp trên", False,
         ("van-thu", "lanh-dao")),
    Step("tra-lai-du-thao", ("submitted", "reviewed", "signed"), "draft", "Trả lại dự thảo",
         "Trả lại dự thảo báo cáo kết quả để sửa", False, workflow.TRANSITIONS["tra-lai"].role),
    Step("tiep-nhan", ("sent",), "accepted", "Tiếp nhận", "Tiếp nhận báo cáo kết quả", True, EDITORS),
    Step("tra-lai", ("sent",), "returned", "Trả lại để sửa", "Trả lại báo cáo kết quả để sửa", True, EDITORS),
)}
STALE = "Số liệu kỳ này vừa được người khác lưu; hãy đọc lại bản mới nhất rồi sửa trên đó."


class ReportFlowError(Exception):
    """A step or an edit refused; the message (Vietnamese) says why and what to do."""

    def __init__(self, message: str, status: int = 409, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reasons = reasons or []


def state_label(state: str) -> str:
    return STATES.get(state, state)


def find(session: Session, plan_id: int, period: str) -> ResultsRow | None:
    return session.scalar(select(ResultsRow).where(ResultsRow.plan_id == plan_id, ResultsRow.period == period))


def edit_refusal(who: Account, unit_id: int, row: ResultsRow | None) -> str | None:
    """None when *who* may change the figures now, else the reason."""
    if who.unit_id != unit_id:
        return "Báo cáo này của đơn vị khác; bạn chỉ được xem."
    if not any(who.has(r) for r in EDITORS):
        return "Chỉ chuyên viên soạn thảo và lãnh đạo đơn vị nhập số liệu báo cáo."
    if row is not None and row.state not in EDITABLE:
        if row.state in STEPS["tra-lai-du-thao"].sources:
            return (f"Báo cáo đang ở bước «{state_label(row.state)}» nên không sửa được số liệu. Muốn sửa, lãnh đạo, "
                    "văn thư hoặc người ký bấm «Trả lại dự thảo».")
        return f"Báo cáo đang ở bước «{state_label(row.state)}» nên không sửa được; chờ cấp trên tiếp nhận hoặc trả lại."
    return None


def allowed(who: Account, row: ResultsRow | None) -> list[Step]:
    """The steps *who* may take now (the buttons to show)."""
    if row is None:
        return []
    out = []
    for step in STEPS.values():
        unit = row.receiver_unit_id if step.receiver else row.unit_id
        if row.state in step.sources and unit is not None and who.unit_id == unit and any(who.has(r) for r in step.roles):
            out.append(step)
    return out


def save(session: Session, who: Account, plan_id: int, unit_id: int, period: str, text: str,
         receiver_unit_id: int | None = None, parent_plan_id: int | None = None, how: str = "nhập trên trang",
         address: str | None = None, base_version: int | None = None) -> ResultsRow:
    """Store the figures (already checked by the caller) as the unit's draft for the period; one audit entry. With
    *base_version* (the version the caller edited, 0 for none yet), a newer save in between is refused (409)."""
    row = find(session, plan_id, period)
    refusal = edit_refusal(who, unit_id, row)
    if refusal:
        raise ReportFlowError(refusal, 403 if row is None or row.state in EDITABLE else 409)
    if base_version is not None and base_version != (row.version if row is not None else 0):
        raise ReportFlowError(STALE, 409)
    if row is None:
        row = ResultsRow(plan_id=plan_id, unit_id=unit_id, period=period, state="draft", version=1, text=text,
                         receiver_unit_id=receiver_unit_id, parent_plan_id=parent_plan_id, updated_at=now())
        session.add(row)
    else:
        # Conditional on the version read above: of two saves at once, the second is refused.
        changed = session.execute(update(ResultsRow).where(ResultsRow.id == row.id, ResultsRow.version == row.version)
                                  .values(text=text, version=row.version + 1, updated_at=now(),
                                          receiver_unit_id=receiver_unit_id, parent_plan_id=parent_plan_id))
        if changed.rowcount != 1:
            raise ReportFlowError(STALE, 409)
        session.refresh(row)
    audit.record(session, who, "ket-qua", f"Lưu số liệu báo cáo kết quả {period_label(period)} ({how}), lần "
                 f"{row.version}", plan_id=plan_id, unit_id=unit_id, address=address)
    return row


def take(session: Session, who: Account, row: ResultsRow, step_id: str, reason: str = "",
         address: str | None = None, facts: workflow.Facts | None = None, signed_file: str | None = None,
         day: date | None = None) -> ResultsRow:
    """Move the report one step; refused (ReportFlowError) to anyone the step does not belong to, and, as for a
    plan, while the step's guard finds a reason (ký: the signed PDF must verify). Cấp số takes the next number of
    the unit's register (the one its plans take theirs from) and *day* (today by default)."""
    step = STEPS.get(step_id)
    if step is None:
        raise ReportFlowError("Không có bước này trong quy trình báo cáo; hãy tải lại trang.", 404)
    if step not in allowed(who, row):
        who_may = "cấp trên nhận báo cáo" if step.receiver else " hoặc ".join(
            ROLES[r].lower() for r in step.roles) + " của đơn vị báo cáo"
        raise ReportFlowError(f"Bạn không thực hiện được bước «{step.label}»: báo cáo đang ở bước "
                              f"«{state_label(row.state)}», bước này dành cho {who_may}.", 403)
    if step.id in ("trinh", "duyet") and not row.text:
        raise ReportFlowError("Báo cáo chưa có số liệu; hãy nhập và lưu số liệu trước khi trình.")
    reasons = workflow.guard(step, facts or workflow.Facts())
    if reasons:
        raise ReportFlowError(f"Chưa thực hiện được bước «{step.label}».", 409, reasons)
    reason = " ".join(reason.split())[:1000]
    if step.id == "tra-lai" and not reason:
        raise ReportFlowError("Hãy ghi lý do trả lại để đơn vị biết cần sửa gì.", 400)
    before = row.state
    values: dict = {"state": step.target, "updated_at": now(),
                    "note": reason if step.id in ("tra-lai", "tra-lai-du-thao") else ""}
    if step.id == "ky":
        values["signed_file"] = signed_file
    if step.id == "cap-so":
        day = day or vietnam_today()
        values.update(number=workflow.next_number(session, row.unit_id, day.year), issued_on=day)
    if step.target in EDITABLE:   # to be drafted again: signed again and given a new number when reissued
        values.update(signed_file=None, number=None, issued_on=None)
    # Conditional on the state read above: of two people taking a step at once, the second is refused.
    changed = session.execute(update(ResultsRow).where(ResultsRow.id == row.id, ResultsRow.state == before)
                              .values(**values))
    if changed.rowcount != 1:
        raise ReportFlowError("Báo cáo vừa được người khác chuyển sang bước khác; hãy tải lại trang.")
    session.refresh(row)
    summary = f"{step.done}, {period_label(row.period)}: {state_label(before)} → {state_label(row.state)}"
    if step.id == "cap-so":
        summary += f"; số {row.number:02d}, ngày {row.issued_on:%d/%m/%Y}"
    summary += f"; lý do: {reason}" if reason else ""
    audit.record(session, who, "ket-qua", summary, plan_id=row.plan_id, version=row.version, unit_id=row.unit_id,
                 address=address)
    return row


def counted(session: Session, parent_plan_id: int, period: str) -> list[ResultsRow]:
    """The reports on plans derived from *parent_plan_id* that the receiving unit counts for the period."""
    return list(session.scalars(select(ResultsRow).where(
        ResultsRow.parent_plan_id == parent_plan_id, ResultsRow.period == period,
        ResultsRow.state.in_(COUNTED)).order_by(ResultsRow.unit_id)))


def of_parent(session: Session, parent_plan_id: int, period: str) -> dict[int, ResultsRow]:
    """Every report (any state) on plans derived from *parent_plan_id* for the period, by reporting unit."""
    rows = session.scalars(select(ResultsRow).where(ResultsRow.parent_plan_id == parent_plan_id,
                                                    ResultsRow.period == period))
    return {r.unit_id: r for r in rows}


def due_from_plans(period: str, *plans) -> date | None:
    """The period's due date of the communes' report, from the reporting clauses (`reporting:`) that name the
    communes among the senders: the unit's own plan first, then the plan it was derived from (None: skipped)."""
    from ..lifecycle.report import reporting_due
    from ..model.walk import iter_reporting
    from .dashboard import COMMUNE_DUTY_HOLDERS

    for loaded in plans:
        if loaded is None:
            continue
        days = [day for _, _, clause in iter_reporting(loaded.plan)
                if {loaded.agency_id(a) or a for a in clause.from_} & COMMUNE_DUTY_HOLDERS
                and (day := reporting_due(clause, period)) is not None]
        if days:
            return min(days)
    return None


@dataclass(frozen=True)
class Deadline:
    day: date
    set_by_hand: bool    # the plan's unit set (or moved) it; else the plan's reporting clause gives it

    @property
    def words(self) -> str:
        return "do đơn vị ban hành kế hoạch đặt" if self.set_by_hand else "theo mục chế độ báo cáo của kế hoạch"


def deadline(session: Session, plan_id: int, period: str, *plans) -> Deadline | None:
    """When reports on plan *plan_id* (or on plans derived from it) are due for the period: the date its unit set,
    else the one its reporting clauses give (due_from_plans over *plans*)."""
    day = due_of(session, plan_id, period)
    if day is not None:
        return Deadline(day, True)
    day = due_from_plans(period, *plans)
    return Deadline(day, False) if day is not None else None


def due_of(session: Session, plan_id: int, period: str) -> date | None:
    """The date by which reports on plan *plan_id* (or on plans derived from it) are due for the period."""
    return session.scalar(select(ReportDueRow.due).where(ReportDueRow.plan_id == plan_id,
                                                         ReportDueRow.period == period))


def set_due(session: Session, who: Account, plan_id: int, plan_unit_id: int | None, period: str, day: date | None,
            address: str | None = None) -> None:
    """The plan's unit (its chuyên viên or lãnh đạo) sets or clears the period's deadline; an audit entry."""
    if plan_unit_id is None or who.unit_id != plan_unit_id or not any(who.has(r) for r in EDITORS):
        raise ReportFlowError("Chỉ chuyên viên soạn thảo hoặc lãnh đạo của đơn vị ban hành kế hoạch đặt được hạn gửi "
                              "báo cáo.", 403)
    row = session.scalar(select(ReportDueRow).where(ReportDueRow.plan_id == plan_id, ReportDueRow.period == period))
    if day is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(ReportDueRow(plan_id=plan_id, period=period, due=day))
    else:
        row.due = day
    audit.record(session, who, "dat-han", f"Đặt hạn gửi báo cáo kết quả {period_label(period)}: {day:%d/%m/%Y}"
                 if day else f"Bỏ hạn gửi báo cáo kết quả {period_label(period)}", plan_id=plan_id,
                 unit_id=plan_unit_id, address=address)


def late(row: ResultsRow | None, due: date | None, today: date) -> bool:
    """Not sent (or sent back) and the deadline has passed."""
    return due is not None and today > due and (row is None or row.state not in COUNTED)
