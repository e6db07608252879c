"""The drafting-to-issuing workflow of Nghị định 30 (Điều 12–16), as states and guarded transitions.

dự thảo → (đã trình lãnh đạo) → lãnh đạo đã duyệt nội dung → văn thư đã kiểm tra thể thức → đã ký → đã ban hành

Each transition is allowed to one role, in the plan's own unit (the province's users act on their own unit's
plans; they only read the communes'). Guards keep the decree's order: no "form-checked" while `kehoach check` or
`kehoach lint-docx` finds errors; issuing takes the next number of the unit's register for the year and the date;
the signed PDF is uploaded back or signed in place. Any step before issuing can be sent back to the draft.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .accounts import Account
from .models import RegisterRow, WorkflowRow, now
from ..text import vietnam_today

STATES = {
    "draft": "Dự thảo",
    "submitted": "Đã trình lãnh đạo",
    "reviewed": "Lãnh đạo đã duyệt nội dung",
    "form-checked": "Văn thư đã kiểm tra thể thức",
    "signed": "Đã ký",
    "issued": "Đã ban hành",
}
STATE_ORDER = list(STATES)


@dataclass(frozen=True)
class Transition:
    id: str
    sources: tuple[str, ...]
    target: str
    role: tuple[str, ...]
    label: str          # the button
    done: str           # what the audit log says


TRANSITIONS = {
    t.id: t for t in (
        Transition("trinh", ("draft",), "submitted", ("soan-thao",), "Trình lãnh đạo",
                   "Chuyên viên trình lãnh đạo đơn vị"),
        Transition("duyet", ("draft", "submitted"), "reviewed", ("lanh-dao",), "Duyệt",
                   "Lãnh đạo đơn vị duyệt nội dung"),
        Transition("kiem-tra-the-thuc", ("reviewed",), "form-checked", ("van-thu",), "Kiểm tra thể thức",
                   "Văn thư kiểm tra thể thức, kỹ thuật trình bày"),
        Transition("ky", ("form-checked",), "signed", ("nguoi-ky",), "Ký", "Người có thẩm quyền ký"),
        Transition("ban-hanh", ("signed",), "issued", ("van-thu",), "Cấp số và ban hành",
                   "Văn thư cấp số, ngày và phát hành"),
        Transition("tra-lai", ("submitted", "reviewed", "form-checked", "signed"), "draft",
                   ("lanh-dao", "van-thu", "nguoi-ky"), "Trả lại", "Trả lại dự thảo để sửa"),
    )
}
# Who may change the content at each step: the drafter and the head in the draft; once submitted, the head
# alone (Điều 12 khoản 2: the head reviews and may amend).
EDITABLE = {"draft": {"soan-thao", "lanh-dao"}, "submitted": {"lanh-dao"}}
EDITOR_ROLES = {"soan-thao", "lanh-dao"}


class WorkflowError(Exception):
    """A transition refused; the message (Vietnamese) says why and what to do."""

    def __init__(self, message: str, reasons: list[str] | None = None, status: int = 409):
        super().__init__(message)
        self.message = message
        self.reasons = reasons or []
        self.status = status


def state_label(state: str) -> str:
    return STATES.get(state, state)


def allowed(who: Account, row: WorkflowRow) -> list[Transition]:
    """The transitions *who* may take now on this plan (buttons to show)."""
    if row.unit_id != who.unit_id:
        return []
    return [t for t in TRANSITIONS.values() if row.state in t.sources and any(who.has(r) for r in t.role)]


def acts_for_plan_unit(who: Account, row: WorkflowRow) -> bool:
    """*who* drafts for the unit that owns the plan (its chuyên viên or lãnh đạo): derives drafts for the level below
    and sets the level below's deadline."""
    return row.unit_id == who.unit_id and any(who.has(r) for r in EDITOR_ROLES)


def can_edit(who: Account, row: WorkflowRow | None) -> str | None:
    """None when *who* may edit the plan's content now, else the reason in Vietnamese."""
    if row is not None and row.unit_id is not None and row.unit_id != who.unit_id:
        return "Kế hoạch này thuộc đơn vị khác; bạn chỉ được xem."
    if not any(who.has(r) for r in EDITOR_ROLES):
        return "Vai trò của bạn không sửa nội dung kế hoạch (chỉ chuyên viên soạn thảo và lãnh đạo đơn vị sửa)."
    if row is not None and not any(who.has(r) for r in EDITABLE.get(row.state, ())):
        return (f"Kế hoạch đang ở bước «{state_label(row.state)}» nên không sửa được nội dung. "
                "Muốn sửa, người có thẩm quyền bấm «Trả lại».")
    return None


@dataclass
class Facts:
    """What the guards look at, gathered by the caller (the web layer runs check, lint-docx, renders)."""

    format_ok: bool = True
    check_errors: int = 0
    lint_errors: list[str] | None = None       # messages of lint-docx errors on the rendered DOCX
    signed_pdf: bytes | None = None             # for "ký": the signed PDF (uploaded or signed in place)
    expected: object | None = None              # for "ký": pdf.verify.Expected (approved version, printed names)


def guard(transition: Transition, facts: Facts) -> list[str]:
    """Reasons the transition may not happen now (empty: it may)."""
    reasons: list[str] = []
    if transition.id in ("trinh", "duyet") and not facts.format_ok:
        reasons.append("Dự thảo còn lỗi định dạng (xem phần Kiểm tra); sửa xong mới trình duyệt được.")
    if transition.id == "kiem-tra-the-thuc":
        if not facts.format_ok:
            reasons.append("Dự thảo còn lỗi định dạng.")
        if facts.check_errors:
            reasons.append(f"Kiểm tra nội dung còn {facts.check_errors} lỗi (xem bảng Kiểm tra ở trang soạn); "
                           "người soạn sửa xong rồi trình lại.")
        for message in (facts.lint_errors or [])[:10]:
            reasons.append(f"Thể thức bản Word xuất ra: {message}.")
    if transition.id == "ky":
        problem = signed_pdf_problem(facts.signed_pdf, facts.expected)
        if problem:
            reasons.append(problem)
    return reasons


def signed_pdf_problem(data: bytes | None, expected=None) -> str | None:
    """None when *data* is the approved PDF validly signed (pdf.verify: integrity, chain, locks, names), else why not."""
    if not data:
        return "Chưa có bản PDF đã ký: tải lên bản đã ký số hoặc ký ngay bằng chứng thư số (.p12)."
    if not data.startswith(b"%PDF-"):
        return "Tệp tải lên không phải PDF."
    from ..pdf.verify import verify_signed, trust_roots

    verdict = verify_signed(data, "Bản PDF đã ký", trust_roots(), expected)
    return None if verdict.ok else " ".join(verdict.problems)


def take(session: Session, who: Account, plan_id: int, transition_id: str, facts: Facts) -> tuple[WorkflowRow, str]:
    """Apply a transition in the caller's transaction; returns the row and the state before."""
    transition = TRANSITIONS.get(transition_id)
    if transition is None:
        raise WorkflowError("Không có bước này trong quy trình.", status=404)
    row = session.get(WorkflowRow, plan_id, with_for_update=True)
    if row is None:
        raise WorkflowError("Không tìm thấy kế hoạch này.", status=404)
    if row.unit_id != who.unit_id:
        raise WorkflowError("Chỉ người của đơn vị ban hành kế hoạch mới thực hiện được các bước của quy trình.",
                            status=403)
    if row.state not in transition.sources:
        raise WorkflowError(f"Kế hoạch đang ở bước «{state_label(row.state)}»; bước «{transition.label}» không áp dụng.")
    if not any(who.has(r) for r in transition.role):
        roles = " hoặc ".join(_role_label(r) for r in transition.role)
        raise WorkflowError(f"Bước «{transition.label}» do {roles} thực hiện.", status=403)
    reasons = guard(transition, facts)
    if reasons:
        raise WorkflowError(f"Chưa thực hiện được bước «{transition.label}».", reasons)
    before = row.state
    # Conditional on the state read above: of two people taking a step at once, the second is refused.
    changed = session.execute(update(WorkflowRow).where(WorkflowRow.plan_id == plan_id, WorkflowRow.state == before)
                              .values(state=transition.target, updated_at=now(),
                                      **({"signed_file": None} if transition.target == "draft" else {})))
    if changed.rowcount != 1:
        raise WorkflowError("Kế hoạch vừa được người khác chuyển sang bước khác; hãy tải lại trang.")
    session.refresh(row)
    return row, before


def _role_label(role: str) -> str:
    from .accounts import ROLES

    return ROLES[role].lower()


def next_number(session: Session, unit_id: int, year: int) -> int:
    """The next number of the unit's register for the year (01 on 1 January), taken in the caller's transaction.

    One atomic UPDATE … SET last_number = last_number + 1 (a row lock on PostgreSQL, the write lock on SQLite), so
    two văn thư issuing at once never get the same number; the year's first number creates the row under the
    unique (unit, year) constraint."""
    bump = (update(RegisterRow).where(RegisterRow.unit_id == unit_id, RegisterRow.year == year)
            .values(last_number=RegisterRow.last_number + 1))
    if session.execute(bump).rowcount == 0:
        try:
            with session.begin_nested():
                session.add(RegisterRow(unit_id=unit_id, year=year, last_number=1))
            return 1
        except IntegrityError:   # another transaction created the year's row first
            session.execute(bump)
    return session.scalar(select(RegisterRow.last_number).where(RegisterRow.unit_id == unit_id,
                                                                RegisterRow.year == year))


def ensure(session: Session, plan_id: int, unit_id: int | None, parent_plan_id: int | None = None) -> WorkflowRow:
    row = session.get(WorkflowRow, plan_id) or next(
        (o for o in session.new if isinstance(o, WorkflowRow) and o.plan_id == plan_id), None)
    if row is None:
        try:
            with session.begin_nested():
                row = WorkflowRow(plan_id=plan_id, unit_id=unit_id, parent_plan_id=parent_plan_id, state="draft")
                session.add(row)
        except IntegrityError:   # another request made it first (two tabs opening a new plan)
            row = session.get(WorkflowRow, plan_id, populate_existing=True)
    return row


def issue_date(today: date | None = None) -> date:
    return today or vietnam_today()
