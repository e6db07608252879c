"""Workspace pages of the Báo cáo kết quả: a unit enters or uploads its figures, sends them; the province rolls up."""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ... import limits
from ...errors import InputError
from ...findings import Severity
from ...lifecycle.report import (change_words, compare, compared_with, item_texts, lift_results, meets,
                                plan_periods, previous_period,
                                render_report, results_form, rollup, target_name)
from ...loading import LoadedPlan
from ...loading.results import LoadedResults, load_results, plan_budget_total, plan_items, results_yaml
from ...loading.yamlio import SourceMap
from ...model.results import Results, TargetResult, WorkResult, WorkStatus, is_period, period_label
from ...workspace import report_flow
from ...workspace.models import UnitRow, WorkflowRow
from ..store import PlanRow
from ...text import vietnam_today

router = APIRouter()
MAX_XLSX = 10 * 1024 * 1024
MAX_TEXT = 2000
# The results file's field names in the checks' suggestions, as the page labels them.
FIELD_WORDS = {"value": "Giá trị đạt được", "numerator": "Tử số", "denominator": "Mẫu số", "source": "Nguồn số liệu",
               "note": "Nguồn số liệu", "spent": "Kinh phí đã chi", "account": "Tóm tắt kết quả"}


@dataclass
class Helpers:
    """What the workspace gives these pages (set by workspace_site.install on app.state.reports)."""

    state: object            # the web application's storage and analyses
    sessions: object         # SQLAlchemy sessionmaker
    access: object           # workspace_access.Access
    page: object             # page(request, template, status, **context)
    who: object              # the logged-in account, or WsError 401
    form_checked: object     # the posted form, CSRF checked
    error: type              # WsError
    address: object          # client_address(scope)
    site: object = None      # the WorkspaceSite: its storage, its PDF lock, the body's signature at issue


def _h(request: Request) -> Helpers:
    return request.app.state.reports


def _period(ky: str) -> str:
    ky = (ky or "").strip()
    if not ky:
        today = vietnam_today()
        return f"{today.year}-H1" if today.month <= 6 else f"{today.year}-H2"
    if not is_period(ky):
        raise InputError(f"Kỳ báo cáo «{ky[:20]}» không đúng dạng.",
                         hint="Chọn kỳ trong danh sách: 6 tháng đầu năm, 6 tháng cuối năm, cả năm, "
                         "hoặc quý, tháng khi kế hoạch có báo cáo quý, tháng.")
    return ky


def _periods(year: int, current: str, *plans) -> list[tuple[str, str]]:
    """The periods offered: those the plans' reporting clauses ask for (quarters, months when a clause says so),
    in the plan's year and the next."""
    codes = list(dict.fromkeys(c for y in (year, year + 1) for loaded in plans if loaded is not None
                               for c in plan_periods(loaded.plan, y)))
    if current not in codes:
        codes.insert(0, current)
    return [(c, period_label(c)) for c in codes]


def reporting_name(unit: UnitRow) -> str:
    """The name a commune signs its report with: 'Ủy ban nhân dân xã Anh Sơn'; a Sở by its own name."""
    return f"Ủy ban nhân dân {unit.name}" if unit.level == "xa" else unit.name


@dataclass
class Place:
    plan: PlanRow
    flow: WorkflowRow | None
    unit: UnitRow | None
    loaded: LoadedPlan
    parent: PlanRow | None = None
    receiver_unit_id: int | None = None


def _place(h: Helpers, me, plan_id: int) -> Place:
    """The plan (visible to *me*), its unit, its loaded model, and the plan it was derived from."""
    exists, unit_id, _ = h.access.plan_place(plan_id) if plan_id < 10**9 else (False, None, None)
    if not exists or not h.access.visible(me, unit_id):
        raise h.error("Không tìm thấy kế hoạch này.", 404)
    with h.sessions() as session:
        plan = session.get(PlanRow, plan_id)
        flow = session.get(WorkflowRow, plan_id)
        unit = session.get(UnitRow, unit_id) if unit_id else None
        parent = session.get(PlanRow, flow.parent_plan_id) if flow and flow.parent_plan_id else None
        receiver = parent.unit_id if parent is not None else (unit.parent_id if unit is not None else None)
    analysis = h.state.analysis(plan_id, plan.head)
    if not analysis.format_ok:
        raise h.error("Kế hoạch còn lỗi định dạng nên chưa lập báo cáo kết quả được; hãy sửa kế hoạch trước.", 409)
    return Place(plan, flow, unit, analysis.loaded, parent, receiver)


# --- the figures a unit enters ----------------------------------------------------------------------------------

def _number(raw: str, label: str, problems: dict[str, list[str]], key: str) -> float | None:
    text = (raw or "").strip().replace(" ", "").rstrip("%‰")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value):
        problems.setdefault(key, []).append(f"{label}: «{raw[:30]}» không phải là số. Ghi số, dấu phẩy thập phân "
                                            "(ví dụ 96,5).")
        return None
    return value


def results_from_form(form, plan, unit: str, period: str) -> tuple[Results, dict[str, list[str]]]:
    """The posted figures as results, with the fields that are not numbers (field name → messages)."""
    targets, work = plan_items(plan)
    problems: dict[str, list[str]] = {}
    base = results_form(plan, unit, period)

    def text(name: str) -> str | None:
        value = " ".join(str(form.get(name) or "").split())[:MAX_TEXT]
        return value or None

    entries = []
    for i, entry in enumerate(base.targets):
        values = {}
        for part, label in (("value", "Giá trị đạt được"), ("numerator", "Tử số"), ("denominator", "Mẫu số")):
            key = f"targets[{i}].{part}"
            values[part] = _number(str(form.get(key) or ""), label, problems, key)
        entries.append(TargetResult(target=entry.target, unit=entry.unit, source=text(f"targets[{i}].source"),
                                    **values))
    done = []
    for i, entry in enumerate(base.work):
        raw = str(form.get(f"work[{i}].status") or WorkStatus.NOT_STARTED.value)
        status = next((s for s in WorkStatus if s.value == raw), WorkStatus.NOT_STARTED)
        spent = _number(str(form.get(f"work[{i}].spent") or ""), "Kinh phí đã chi", problems, f"work[{i}].spent")
        if spent is not None and (spent < 0 or spent != int(spent)):
            problems.setdefault(f"work[{i}].spent", []).append("Kinh phí đã chi ghi số đồng, không âm, không lẻ.")
            spent = None
        done.append(WorkResult(item=entry.item, status=status, account=text(f"work[{i}].account"),
                               spent=int(spent) if spent is not None else None))
    results = Results(plan=plan.id, unit=unit, period=period, targets=entries, work=done,
                      difficulties=text("difficulties"), proposals=text("proposals"))
    return results, problems


def check_figures(results: Results, plan) -> tuple[str | None, dict[str, list[str]], list[str]]:
    """The results as YAML (None when they cannot be written) with the Q1xx checks of `kehoach report-check`:
    errors by field, and warnings."""
    text = results_yaml(results)
    _, index = load_results("ket-qua.yaml", plan, text=text)
    errors: dict[str, list[str]] = {}
    warnings = []
    for finding in index.sorted():
        # Under its field the message needs no item id: the field's heading already names the target.
        message = re.sub(r"^(chỉ tiêu|nhiệm vụ) [\w.#-]+: ", "", finding.message) if finding.path else finding.message
        words = message + (f". {finding.suggestion}" if finding.suggestion else "")
        for key, label in FIELD_WORDS.items():
            words = words.replace(f"'{key}'", f"ô «{label}»")
        if finding.severity is Severity.ERROR:
            errors.setdefault(finding.path or "", []).append(words[:1].upper() + words[1:])
        elif finding.code != "Q105":   # every item is on the page: nothing is left out
            warnings.append(words[:1].upper() + words[1:])
    return (None if errors else text), errors, warnings


def _stored(row: report_flow.ResultsRow | None) -> Results | None:
    if row is None or not row.text:
        return None
    loaded, _ = load_results("ket-qua.yaml", None, text=row.text)
    return loaded.results if loaded is not None else None


def _form_rows(plan, results: Results) -> tuple[list[dict], list[dict]]:
    targets, work = plan_items(plan)
    texts = item_texts(plan)
    base = results_form(plan, results.unit, results.period)
    by_target = {e.target: e for e in results.targets}
    by_item = {e.item: e for e in results.work}
    target_rows = []
    for i, entry in enumerate(base.targets):
        t = targets[entry.target]
        got = by_target.get(entry.target, entry)
        committed = f"{t.comparator.label} {_plain(t.value)}{' ' + t.unit if t.unit else ''}".strip() \
            if t.value is not None else t.comparator.label
        target_rows.append({"i": i, "text": texts.get(entry.target, ""), "committed": committed, "unit": t.unit or "",
                            "rate": (t.unit or "").strip() in ("%", "‰"), "value": _plain(got.value),
                            "numerator": _plain(got.numerator), "denominator": _plain(got.denominator),
                            "source": got.source or ""})
    work_rows = []
    for i, entry in enumerate(base.work):
        got = by_item.get(entry.item, entry)
        work_rows.append({"i": i, "text": " ".join(work.get(entry.item, "").split())[:400],
                          "status": got.status.value, "account": got.account or "", "spent": _plain(got.spent)})
    return target_rows, work_rows


def _plain(value) -> str:
    if value is None:
        return ""
    if float(value) == int(value):
        return str(int(value))
    return f"{value:g}".replace(".", ",")


def _report_context(h: Helpers, me, where: Place, period: str, results: Results | None = None,
                    errors: dict | None = None, warnings: list | None = None, message: str = "") -> dict:
    with h.sessions() as session:
        row = report_flow.find(session, where.plan.id, period)
        due = report_flow.deadline(session, where.parent.id if where.parent is not None else where.plan.id, period,
                                   where.loaded, _parent_loaded(h, where))
    unit = where.unit
    name = reporting_name(unit) if unit is not None else where.loaded.plan.document.issuer.name
    shown = results or _stored(row) or results_form(where.loaded.plan, name, period)
    has_budget = plan_budget_total(where.loaded.plan) is not None
    target_rows, work_rows = _form_rows(where.loaded.plan, shown)
    refusal = report_flow.edit_refusal(me, where.plan.unit_id, row) if where.plan.unit_id else \
        "Kế hoạch này chưa thuộc đơn vị nào."
    return {"plan": where.plan, "unit": unit, "parent": where.parent, "period": period,
            "period_words": period_label(period),
            "periods": _periods(where.loaded.plan.document.date.year, period, where.loaded, _parent_loaded(h, where)),
            "row": row, "state_words": report_flow.state_label(row.state) if row else "Chưa nhập số liệu",
            "targets": target_rows, "work": work_rows, "statuses": [(s.value, s.label) for s in WorkStatus],
            "has_budget": has_budget, "difficulties": shown.difficulties or "", "proposals": shown.proposals or "",
            "errors": errors or {}, "error_count": sum(len(v) for v in (errors or {}).values()),
            "warnings": warnings or [], "refusal": refusal, "steps": report_flow.allowed(me, row),
            "message": message, "q": quote(period), "due": due.day if due else None,
            "due_words": due.words if due else "", "today": f"{vietnam_today():%d/%m/%Y}",
            "late": report_flow.late(row, due.day if due else None, vietnam_today())}


def _parent_loaded(h: Helpers, where: Place) -> LoadedPlan | None:
    if where.parent is None:
        return None
    analysis = h.state.analysis(where.parent.id, where.parent.head)
    return analysis.loaded if analysis.format_ok else None


@router.get("/khong-gian/ket-qua/{plan_id}", response_class=HTMLResponse)
def report_page(request: Request, plan_id: int, ky: str = "", tb: str = ""):
    h = _h(request)
    me = h.who(request)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    return h.page(request, "reports/unit.html", **_report_context(h, me, where, period, message=tb[:200]))


def _checked_period(h: Helpers, ky: str) -> str:
    try:
        return _period(ky)
    except InputError as exc:
        raise h.error(f"{exc} {exc.hint or ''}".strip(), 400)


def _back(plan_id: int, period: str, message: str) -> RedirectResponse:
    return RedirectResponse(f"/khong-gian/ket-qua/{plan_id}?ky={quote(period)}&tb={quote(message)}", status_code=303)


def _store(h: Helpers, request: Request, me, where: Place, period: str, text: str, how: str) -> None:
    try:
        with h.sessions.begin() as session:
            report_flow.save(session, me, where.plan.id, where.plan.unit_id, period, text,
                             receiver_unit_id=where.receiver_unit_id,
                             parent_plan_id=where.parent.id if where.parent is not None else None, how=how,
                             address=h.address(request.scope))
    except report_flow.ReportFlowError as exc:
        raise h.error(exc.message, exc.status)


@router.post("/khong-gian/ket-qua/{plan_id}/luu", response_class=HTMLResponse)
async def report_save(request: Request, plan_id: int, ky: str = ""):
    h = _h(request)
    me = h.who(request)
    # Three fields a task, four a target: a plan's whole form, bounded like a results file (limits.py).
    form = await h.form_checked(request, max_files=0, max_fields=4 * limits.MAX_RESULTS_ROWS + 10)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    name = reporting_name(where.unit) if where.unit is not None else where.loaded.plan.document.issuer.name
    results, problems = results_from_form(form, where.loaded.plan, name, period)
    text, errors, warnings = check_figures(results, where.loaded.plan)
    for key, messages in problems.items():
        errors.setdefault(key, []).extend(messages)
    if errors:
        context = _report_context(h, me, where, period, results, errors, warnings)
        return h.page(request, "reports/unit.html", 422, **context)
    _store(h, request, me, where, period, text, "nhập trên trang")
    return _back(plan_id, period, "Đã lưu số liệu." + (f" Lưu ý: {' '.join(warnings)}" if warnings else ""))


@router.post("/khong-gian/ket-qua/{plan_id}/tai-len", response_class=HTMLResponse)
async def report_upload(request: Request, plan_id: int, ky: str = ""):
    from ...importing.results_table import results_from_xlsx

    h = _h(request)
    me = h.who(request)
    form = await h.form_checked(request, max_files=1)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    upload = form.get("bang")
    if upload is None or not hasattr(upload, "read"):
        raise h.error("Hãy chọn tệp Excel (.xlsx) đã điền.", 400)
    data = await upload.read(MAX_XLSX + 1)
    if len(data) > MAX_XLSX:
        raise h.error("Tệp Excel quá 10 MB; hãy kiểm tra có chọn nhầm tệp.", 413)
    with tempfile.TemporaryDirectory(prefix="kehoach-ket-qua-") as folder:
        path = Path(folder) / "bang-ket-qua.xlsx"
        path.write_bytes(data)
        try:
            results = results_from_xlsx(path)
        except InputError as exc:
            reasons = [f"{f.message}. {f.suggestion or ''}".strip() for f in exc.findings[:20]]
            raise h.error(f"Bảng {getattr(upload, 'filename', '') or 'đã chọn'} chưa nhập được: {exc}", 400,
                          reasons)
    name = reporting_name(where.unit) if where.unit is not None else where.loaded.plan.document.issuer.name
    if results.period != period:
        raise h.error(f"Bảng này là kết quả {period_label(results.period)}, không phải {period_label(period)}. "
                      "Chọn đúng kỳ ở đầu trang, hoặc tải mẫu của kỳ này.", 400)
    if results.plan != where.loaded.plan.id:
        raise h.error("Bảng này là mẫu của một kế hoạch khác. Hãy tải mẫu Excel trên trang này rồi điền lại.", 400)
    results = results.model_copy(update={"unit": name})
    text, errors, warnings = check_figures(results, where.loaded.plan)
    if errors:
        context = _report_context(h, me, where, period, results, errors, warnings)
        return h.page(request, "reports/unit.html", 422, **context)
    _store(h, request, me, where, period, text, "tải lên bảng Excel")
    return _back(plan_id, period, "Đã nhập số liệu từ bảng Excel." + (f" Lưu ý: {' '.join(warnings)}" if warnings else ""))


@router.get("/khong-gian/ket-qua/{plan_id}/mau.xlsx")
def report_template(request: Request, plan_id: int, ky: str = ""):
    from ...render.results_xlsx import results_xlsx

    h = _h(request)
    me = h.who(request)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    name = reporting_name(where.unit) if where.unit is not None else where.loaded.plan.document.issuer.name
    form = results_form(where.loaded.plan, name, period)
    data = results_xlsx(where.loaded.plan, form, item_texts(where.loaded.plan))
    file = f"mau-ket-qua-{period}.xlsx"
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=\"{file}\""})


def _unit_docx(h: Helpers, where: Place, row: report_flow.ResultsRow | None, period: str) -> bytes:
    """The unit's Báo cáo from its saved figures, with the number and date the văn thư gave it once issued."""
    loaded, index = load_results("ket-qua.yaml", where.loaded.plan, text=row.text) if row and row.text else (None, None)
    if loaded is None or index.has_errors:
        raise h.error(f"Chưa có số liệu {period_label(period)} đã lưu cho kế hoạch này; hãy nhập và lưu số liệu "
                      "trước.", 409)
    return render_report(where.loaded, rollup(where.loaded.plan, [loaded], period), row.number, row.issued_on)


@router.get("/khong-gian/ket-qua/{plan_id}/bao-cao.docx")
def unit_report(request: Request, plan_id: int, ky: str = ""):
    """The unit's own Báo cáo for the period, from its saved figures, through the same rendering as the CLI."""
    h = _h(request)
    me = h.who(request)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    with h.sessions() as session:
        row = report_flow.find(session, plan_id, period)
    data = _unit_docx(h, where, row, period)
    h.access.log_export(me, h.address(request.scope), plan_id, f"Báo cáo kết quả {period_label(period)} (Word)")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename=\"bao-cao-ket-qua-{period}.docx\""})


def _unit_pdf(h: Helpers, where: Place, row: report_flow.ResultsRow, period: str) -> bytes:
    """The Báo cáo to be signed, as PDF/A with its signature fields: the same bytes for the same figures."""
    return as_pdf(h, _unit_docx(h, where, row, period))


def as_pdf(h: Helpers, docx: bytes) -> bytes:
    """A Báo cáo's Word bytes as PDF/A, through LibreOffice under its guard, one conversion at a time."""
    from ...pdf.convert import docx_to_pdf

    with tempfile.TemporaryDirectory(prefix="kehoach-bao-cao-ky-") as tmp, h.state.pdf_lock:
        source, target = Path(tmp) / "bao-cao.docx", Path(tmp) / "bao-cao.pdf"
        source.write_bytes(docx)
        docx_to_pdf([(source, target)])
        return target.read_bytes()


def _expected(where: Place, pdf: bytes | None):
    """What a signed Báo cáo must match: these bytes (when given), the plan's signer and issuer."""
    import hashlib

    from ...pdf.verify import Expected

    plan = where.loaded.plan
    return Expected(hashlib.sha256(pdf).hexdigest() if pdf else None,
                    plan.signature.name if plan.signature else None, plan.document.issuer.name)


def _reviewed_row(h: Helpers, plan_id: int, period: str) -> report_flow.ResultsRow:
    with h.sessions() as session:
        row = report_flow.find(session, plan_id, period)
    if row is None or row.state != "reviewed":
        raise h.error("Bản để ký chỉ có khi lãnh đạo đã duyệt báo cáo và chưa ký.", 409)
    return row


@router.get("/khong-gian/ket-qua/{plan_id}/ban-de-ky")
def report_to_sign(request: Request, plan_id: int, ky: str = ""):
    """The PDF a USB token's software signs outside kehoach, with its SHA-256: the signing step takes back only
    these bytes, signed."""
    import hashlib

    h = _h(request)
    me = h.who(request)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    data = _unit_pdf(h, where, _reviewed_row(h, plan_id, period), period)
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"bao-cao-ket-qua-{period}-de-ky.pdf\"",
        "X-Kehoach-Sha256": hashlib.sha256(data).hexdigest()})


@router.get("/khong-gian/ket-qua/{plan_id}/ban-da-ky")
def report_signed(request: Request, plan_id: int, ky: str = ""):
    h = _h(request)
    me = h.who(request)
    _place(h, me, plan_id)
    period = _checked_period(h, ky)
    with h.sessions() as session:
        row = report_flow.find(session, plan_id, period)
    if row is None or not row.signed_file:
        raise h.error("Báo cáo này chưa có bản đã ký.", 404)
    from ..workspace_site import safe_path

    data = safe_path(h.site.storage, *row.signed_file.split("/")).read_bytes()
    h.access.log_export(me, h.address(request.scope), plan_id, f"Báo cáo kết quả {period_label(period)} (bản đã ký)")
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=\"bao-cao-ket-qua-{period}-da-ky.pdf\""})


async def _signing_facts(h: Helpers, where: Place, row: report_flow.ResultsRow | None, period: str, form):
    """The signed Báo cáo: uploaded (signed outside, e.g. with a USB token) or signed here with a .p12."""
    from anyio import to_thread

    from ...workspace.workflow import Facts
    from ..workspace_site import MAX_P12, MAX_PDF

    if row is None or row.state != "reviewed":
        return Facts(), ""
    upload, key_file = form.get("ban_ky"), form.get("chung_thu")
    if upload is not None and getattr(upload, "filename", ""):
        data = await upload.read(MAX_PDF + 1)
        if len(data) > MAX_PDF:
            raise h.error("Tệp PDF quá lớn (tối đa 20 MB).", 413)
        approved = await to_thread.run_sync(_unit_pdf, h, where, row, period)
        return Facts(signed_pdf=data, expected=_expected(where, approved)), "tải lên bản đã ký số"
    if key_file is not None and getattr(key_file, "filename", ""):
        key = await key_file.read(MAX_P12 + 1)
        if len(key) > MAX_P12:
            raise h.error("Tệp chứng thư số quá lớn.", 413)
        password = str(form.get("mat_khau_chung_thu") or "")

        def sign() -> bytes:
            return h.site.sign_with_key(_unit_pdf(h, where, row, period), key, password, "bản PDF của báo cáo")

        return Facts(signed_pdf=await to_thread.run_sync(sign), expected=_expected(where, None)), \
            "ký số ngay trên hệ thống"
    return Facts(), ""


async def _body_key(h: Helpers, form) -> tuple[bytes, str] | None:
    """The body's certificate (.p12) and its password, when the văn thư gives one at «Cấp số»."""
    from ..workspace_site import MAX_P12

    key_file = form.get("chung_thu_co_quan")
    if key_file is None or not getattr(key_file, "filename", ""):
        return None
    key = await key_file.read(MAX_P12 + 1)
    if len(key) > MAX_P12:
        raise h.error("Tệp chứng thư số quá lớn.", 413)
    return key, str(form.get("mat_khau_chung_thu_co_quan") or "")


def _signed_name(plan_id: int, period: str) -> str:
    import secrets

    return f"bao-cao-ky/{plan_id}/{period}-{secrets.token_hex(6)}.pdf"


def _keep_signed(h: Helpers, relative: str, data: bytes) -> None:
    from ..workspace_site import safe_path

    target = safe_path(h.site.storage, *relative.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


@router.post("/khong-gian/ket-qua/{plan_id}/buoc/{step}")
async def report_step(request: Request, plan_id: int, step: str, ky: str = ""):
    from anyio import to_thread

    from ..workspace_site import day_from_form

    h = _h(request)
    me = h.who(request)
    form = await h.form_checked(request, max_files=2)   # ký: the signed PDF, or the certificate (a browser sends both)
    where = _place(h, me, plan_id)
    period = _checked_period(h, ky)
    facts, how = None, ""
    if step == "ky":
        with h.sessions() as session:
            row = report_flow.find(session, plan_id, period)
        if row is not None and report_flow.STEPS["ky"] in report_flow.allowed(me, row):
            facts, how = await _signing_facts(h, where, row, period, form)
    day = day_from_form(str(form.get("ngay") or "")[:40], "Ngày ban hành") if step == "cap-so" else None
    signed_file = _signed_name(plan_id, period) if facts is not None and facts.signed_pdf else None
    body_key = await _body_key(h, form) if step == "cap-so" else None

    def apply() -> str:
        # In a worker thread: verifying a signature runs its own event loop.
        with h.sessions.begin() as session:
            row = report_flow.find(session, plan_id, period)
            if row is None:
                raise report_flow.ReportFlowError("Đơn vị chưa nhập số liệu cho kỳ này.", 404)
            report_flow.take(session, me, row, step, str(form.get("ly_do") or ""), h.address(request.scope),
                             facts=facts, signed_file=signed_file, day=day)
            if step == "ky":   # in the transaction: a file that cannot be written leaves the report unsigned
                _keep_signed(h, signed_file, facts.signed_pdf)
            if body_key is not None:
                # As for a plan: the body's signature fills the số and ngày of the signed PDF, in the number's
                # transaction, so a failed signature leaves the number unused.
                if not row.signed_file:
                    raise report_flow.ReportFlowError("Chưa có bản PDF đã ký của người ký để văn thư ký số của "
                                                      "cơ quan.")
                row.signed_file = h.site.sign_as_body(row, *body_key, row.number, row.issued_on)
            how_now = how or ("số, ngày điền vào bản PDF đã ký; ký số của cơ quan" if body_key else "")
            words = report_flow.state_label(row.state) + (f" ({how_now})" if how_now else "")
            return words + (f", số {row.number:02d}, ngày {row.issued_on:%d/%m/%Y}" if row.number else "")

    try:
        words = await to_thread.run_sync(apply)
    except report_flow.ReportFlowError as exc:
        raise h.error(exc.message, exc.status, exc.reasons)
    if report_flow.STEPS[step].receiver and where.parent is not None:
        return RedirectResponse(f"/khong-gian/tong-hop/{where.parent.id}?ky={quote(period)}&tb="
                                f"{quote(f'Báo cáo của {where.unit.name}: {words}.')}", status_code=303)
    return _back(plan_id, period, f"Báo cáo: {words}.")


# --- reminders on the workspace home ----------------------------------------------------------------------------

REMIND_DAYS = 30   # a report due within this many days is announced on the home page


def reminders(request: Request, me, rows: list[dict], today: date | None = None) -> list[dict]:
    """What the home page reminds *me* of about reports of results: for a unit, its reports due soon, overdue,
    returned to fix, and the steps waiting for my role; for the province, the communes late with theirs. The dates
    come from each plan's reporting clauses (or the one its unit set)."""
    h = _h(request)
    today = today or vietnam_today()
    out: list[dict] = []
    for r in rows:
        flow, plan = r["flow"], r["plan"]
        if flow is None or r["unit"] is None or r["unit"].id != me.unit_id:
            continue
        analysis = h.state.analysis(plan.id, plan.head)
        if not analysis.format_ok:
            continue
        year = analysis.loaded.plan.document.date.year
        periods = plan_periods(analysis.loaded.plan, year)
        link = f"/khong-gian/ket-qua/{plan.id}"
        with h.sessions() as session:
            if flow.parent_plan_id:   # a unit's own plan, derived from the province's: its reports to send
                parent = session.get(PlanRow, flow.parent_plan_id)
                above = h.state.analysis(parent.id, parent.head) if parent is not None else None
                above = above.loaded if above is not None and above.format_ok else None
                if above is not None:
                    periods = list(dict.fromkeys(periods + plan_periods(above.plan, year)))
                sent = {row.period: row for row in session.scalars(
                    select(report_flow.ResultsRow).where(report_flow.ResultsRow.plan_id == plan.id))}
                for period in sorted(set(periods) | set(sent)):
                    row = sent.get(period)
                    item = {"plan": plan, "period": period, "words": period_label(period),
                            "href": f"{link}?ky={quote(period)}"}
                    # As for plans: a head may review a draft directly, but it waits for them once submitted.
                    steps = [s for s in report_flow.allowed(me, row) if s.id != "tra-lai-du-thao"
                             and not (s.id == "duyet" and row.state in report_flow.EDITABLE)]
                    if steps:
                        out.append({**item, "kind": "step", "text": f"chờ bạn: {steps[0].label}"})
                    if row is not None and row.state == "returned":
                        out.append({**item, "kind": "returned", "text": f"cấp trên trả lại để sửa: {row.note}"})
                        continue
                    if row is not None and row.state in report_flow.COUNTED:
                        continue
                    due = report_flow.deadline(session, flow.parent_plan_id, period, analysis.loaded, above)
                    if due is None:
                        continue
                    if due.day < today:
                        out.append({**item, "kind": "late", "text": f"quá hạn từ {due.day:%d/%m/%Y}, chưa gửi"})
                    elif (due.day - today).days <= REMIND_DAYS:
                        out.append({**item, "kind": "due", "text": f"hạn gửi {due.day:%d/%m/%Y}, còn "
                                                                     f"{(due.day - today).days} ngày"})
            elif r["children"] and me.province_wide:   # the province's plan: communes late with their reports
                for period in periods:
                    due = report_flow.deadline(session, plan.id, period, analysis.loaded)
                    if due is None or due.day >= today:
                        continue
                    counted = len(report_flow.counted(session, plan.id, period))
                    missing = r["children"] - counted
                    if missing > 0:
                        out.append({"plan": plan, "period": period, "words": period_label(period), "kind": "late",
                                    "href": f"/khong-gian/tong-hop/{plan.id}?ky={quote(period)}",
                                    "text": f"{missing} xã, phường chưa gửi báo cáo, hạn {due.day:%d/%m/%Y}"})
    return out


# --- the province: who reported, the roll-up, its Báo cáo --------------------------------------------------------

@dataclass
class Board:
    rows: list[dict] = field(default_factory=list)
    counted: list[LoadedResults] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    due: date | None = None
    due_words: str = ""


def _board(h: Helpers, where: Place, period: str) -> Board:
    """Every commune of the plan's province: its derived plan, where its report stands; the reports counted."""
    board = Board()
    parent_plan = where.loaded.plan
    with h.sessions() as session:
        province = where.unit.province if where.unit is not None else ""
        communes = list(session.scalars(select(UnitRow).where(UnitRow.level == "xa", UnitRow.province == province)
                                        .order_by(UnitRow.id)))
        plans = {f.unit_id: f.plan_id for f in session.scalars(
            select(WorkflowRow).where(WorkflowRow.parent_plan_id == where.plan.id))}
        reports = report_flow.of_parent(session, where.plan.id, period)
        deadline = report_flow.deadline(session, where.plan.id, period, where.loaded)
        board.due, board.due_words = (deadline.day, deadline.words) if deadline else (None, "")
    today = vietnam_today()
    # Communes with a plan first (they are the ones expected to report now), each group in the registry's order.
    for unit in sorted(communes, key=lambda u: u.id not in plans):
        name = reporting_name(unit)
        board.expected.append(name)
        row = reports.get(unit.id)
        entry = {"unit": unit, "plan_id": plans.get(unit.id), "row": row,
                 "state": report_flow.state_label(row.state) if row else
                 ("Chưa nhập số liệu" if unit.id in plans else "Chưa có kế hoạch"),
                 "key": row.state if row else "none", "late": report_flow.late(row, board.due, today)}
        board.rows.append(entry)
        if row is None or row.state not in report_flow.COUNTED:
            continue
        own = h.state.analysis(row.plan_id, _head(h, row.plan_id)).loaded
        loaded, index = load_results(f"{unit.name}.yaml", own.plan if own else None, text=row.text)
        if loaded is None or own is None or index.has_errors:
            entry["state"] += " (số liệu không đọc được theo kế hoạch hiện tại)"
            continue
        lifted = lift_results(loaded.results, own.plan, parent_plan) if own.plan.id != parent_plan.id \
            else loaded.results
        board.counted.append(LoadedResults(lifted, loaded.path, SourceMap(loaded.path.name)))
    return board


def _head(h: Helpers, plan_id: int) -> int:
    with h.sessions() as session:
        return session.get(PlanRow, plan_id).head


def _province_place(h: Helpers, request: Request, plan_id: int):
    me = h.who(request)
    where = _place(h, me, plan_id)
    if where.unit is None or where.unit.level != "tinh" or not me.province_wide:
        raise h.error("Trang tổng hợp dành cho đơn vị cấp tỉnh đã ban hành kế hoạch.", 404)
    return me, where


def _province_rollup(h: Helpers, where: Place, period: str):
    """The period's roll-up of the reports counted, beside the same period last year's when there was one."""
    board = _board(h, where, period)
    roll = rollup(where.loaded.plan, board.counted, period, board.expected)
    earlier = previous_period(period)
    before = _board(h, where, earlier)
    if before.counted:
        roll = compare(roll, rollup(where.loaded.plan, before.counted, earlier))
    return board, roll


@router.get("/khong-gian/tong-hop/{plan_id}", response_class=HTMLResponse)
def province_page(request: Request, plan_id: int, ky: str = "", tb: str = ""):
    h = _h(request)
    me, where = _province_place(h, request, plan_id)
    period = _checked_period(h, ky)
    board, roll = _province_rollup(h, where, period)
    targets = [{"text": target_name(where.loaded.plan, t.target), "committed": _committed(t.target),
                "total": _figure(t.total, t.target.unit), "meeting": t.meeting, "reported": t.reported,
                "verdict": {True: "Đạt", False: "Chưa đạt", None: "Chưa đánh giá được"}[t.achieved],
                "key": {True: "dat", False: "chua-dat", None: "chua-danh-gia"}[t.achieved],
                "previous": _figure(t.previous, t.target.unit) if roll.previous_period else "",
                "change": change_words(t) if roll.previous_period else ""} for t in roll.targets]
    columns, matrix = _heat_map(where, board)
    # Weakest first: the communes a Sở officer calls first.
    bars = sorted(({"unit": u.unit, "done": u.statuses[WorkStatus.DONE], "total": sum(u.statuses.values())}
                   for u in roll.units), key=lambda b: (b["done"] / b["total"] if b["total"] else 0, b["unit"]))
    for b in bars:
        b["pct"] = round(b["done"] / b["total"] * 100) if b["total"] else 0
    counts = {k: 0 for k in ("sent", "accepted", "returned", "working", "none")}
    for r in board.rows:
        key = r["key"] if r["key"] in counts else "working"   # drafted, reviewed, signed or numbered: not sent yet
        counts[key] += 1
    return h.page(request, "reports/province.html", plan=where.plan, unit=where.unit, period=period,
                  period_words=period_label(period),
                  periods=_periods(where.loaded.plan.document.date.year, period, where.loaded, _parent_loaded(h, where)),
                  rows=board.rows, targets=targets, counted=len(board.counted), total=len(board.rows),
                  counts=counts, message=tb[:300], q=quote(period), since=compared_with(roll), columns=columns,
                  matrix=matrix, bars=bars, due=board.due, due_words=board.due_words,
                  late=sum(1 for r in board.rows if r["late"]),
                  may_set_due=me.unit_id == where.plan.unit_id and any(me.has(r) for r in report_flow.EDITORS))


@router.post("/khong-gian/tong-hop/{plan_id}/han")
async def province_due(request: Request, plan_id: int, ky: str = ""):
    """The plan's unit sets the date by which the communes must send the period's results (empty: none)."""
    from ..workspace_site import day_from_form

    h = _h(request)
    me, where = _province_place(h, request, plan_id)
    form = await h.form_checked(request, max_files=0)
    period = _checked_period(h, ky)
    day = day_from_form(str(form.get("han") or "")[:40], "Hạn gửi báo cáo")
    try:
        with h.sessions.begin() as session:
            report_flow.set_due(session, me, plan_id, where.plan.unit_id, period, day, h.address(request.scope))
    except report_flow.ReportFlowError as exc:
        raise h.error(exc.message, exc.status)
    words = f"Hạn gửi báo cáo {period_label(period)}: {day:%d/%m/%Y}." if day else "Đã bỏ hạn gửi báo cáo."
    return RedirectResponse(f"/khong-gian/tong-hop/{plan_id}?ky={quote(period)}&tb={quote(words)}", status_code=303)


def _heat_map(where: Place, board: Board) -> tuple[list[str], list[dict]]:
    """Communes that reported × targets: each commune's figure, and whether it meets the plan's target."""
    targets, _ = plan_items(where.loaded.plan)
    ids = list(targets)   # the roll-up's order: column n is row n of the targets table
    columns = [f"Chỉ tiêu {i}" for i in range(1, len(ids) + 1)]
    matrix = []
    for item in board.counted:
        values = {e.target: e.value for e in item.results.targets}
        cells = []
        for t in ids:
            value = values.get(t)
            verdict = meets(targets[t], value)
            cells.append({"text": _figure(value, targets[t].unit) if value is not None else "—",
                          "key": {True: "dat", False: "chua-dat", None: "chua-danh-gia"}[verdict]})
        matrix.append({"unit": item.results.unit, "cells": cells})
    return columns, matrix


@router.get("/khong-gian/tong-hop/{plan_id}/bang.xlsx")
def province_table(request: Request, plan_id: int, ky: str = ""):
    """The roll-up, the reports' states and each commune's figures, for Excel."""
    from ...render.results_xlsx import tables_xlsx

    h = _h(request)
    _, where = _province_place(h, request, plan_id)
    period = _checked_period(h, ky)
    board, roll = _province_rollup(h, where, period)
    names = {t.target.id: target_name(where.loaded.plan, t.target) for t in roll.targets}
    summary = [[i, names[t.target.id], _committed(t.target), t.total, t.meeting, t.reported,
                {True: "Đạt", False: "Chưa đạt", None: "Chưa đánh giá được"}[t.achieved]]
               for i, t in enumerate(roll.targets, 1)]
    states = [[i, r["unit"].name, r["state"]] for i, r in enumerate(board.rows, 1)]
    ids = [t.target.id for t in roll.targets]
    figures = [[i, item.results.unit, *({e.target: e.value for e in item.results.targets}.get(t) for t in ids)]
               for i, item in enumerate(board.counted, 1)]
    data = tables_xlsx([
        ("Tổng hợp", ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Số đơn vị đạt", "Số đơn vị đã báo cáo",
                      "Đánh giá"], summary),
        ("Tình hình báo cáo", ["STT", "Đơn vị", "Tình trạng"], states),
        ("Số liệu từng đơn vị", ["STT", "Đơn vị", *(names[t] for t in ids)], figures),
    ])
    h.access.log_export(h.who(request), h.address(request.scope), plan_id,
                        f"bảng tổng hợp kết quả {period_label(period)} (Excel)")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=\"tong-hop-ket-qua-{period}.xlsx\""})


def _figure(value: float | None, unit: str | None) -> str:
    if value is None:
        return "chưa có số liệu"
    unit = (unit or "").strip()
    return _plain(round(value, 1)) + (unit if unit in ("%", "‰") else f" {unit}" if unit else "")


def _committed(target) -> str:
    if target.value is None:
        return target.comparator.label
    unit = target.unit or ""
    return f"{target.comparator.label} {_plain(target.value)}{unit if unit in ('%', '‰') else ' ' + unit}".strip()


@router.get("/khong-gian/tong-hop/{plan_id}/bao-cao.docx")
def province_report(request: Request, plan_id: int, ky: str = ""):
    h = _h(request)
    _, where = _province_place(h, request, plan_id)
    period = _checked_period(h, ky)
    board, roll = _province_rollup(h, where, period)
    if not board.counted:
        raise h.error(f"Chưa đơn vị nào gửi báo cáo {period_label(period)}; chưa lập được báo cáo tổng hợp.", 409)
    data = render_report(where.loaded, roll)
    h.access.log_export(h.who(request), h.address(request.scope), plan_id,
                        f"Báo cáo kết quả {period_label(period)} (Word)")
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    headers={"Content-Disposition": f"attachment; filename=\"bao-cao-ket-qua-{period}.docx\""})
