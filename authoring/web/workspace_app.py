"""The province's shared workspace on top of the web page: login, the plans of one's unit (all units for the
province's users), the drafting-to-issuing workflow, the audit log, the province dashboard and the batch that
derives every commune's draft. Switched on by `create_app(..., workspace=True)` or KEHOACH_WORKSPACE=1."""

from __future__ import annotations

import html
import os
import secrets
import tempfile
import threading
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from starlette.middleware import Middleware

from ..loading import units
from ..workspace import accounts, api_tokens, audit, dashboard, jobs, logins, workflow
from ..text import match_key, slug
from ..workspace.models import BatchRow, UnitRow, WorkflowRow, now
from ..loading import edit as yamledit
from . import core, engine
from .store import PlanRow, VersionRow
from .workspace_access import (
    CURRENT, Access, RequestContext, WorkspaceGuard, client_address, plan_label, plan_visible, visible_filter,
    visible_unit,
)

HERE = Path(__file__).resolve().parent
MAX_PDF = 20 * 1024 * 1024
MAX_P12 = 64 * 1024
MAX_LIST = 256 * 1024
# The home page's "what waits for me", one heading per step a role takes.
WORK_HEADINGS = {"trinh": "Dự thảo cần soạn xong và trình lãnh đạo", "duyet": "Chờ bạn duyệt",
                 "kiem-tra-the-thuc": "Chờ bạn kiểm tra thể thức", "ky": "Chờ bạn ký",
                 "ban-hanh": "Chờ bạn cấp số và ban hành"}


class WsError(Exception):
    def __init__(self, message: str, status: int = 400, reasons: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reasons = reasons or []


def enabled(flag: bool | None) -> bool:
    return bool(flag) if flag is not None else os.environ.get("KEHOACH_WORKSPACE", "") not in ("", "0")


def storage_root(data_dir: Path) -> Path:
    root = Path(os.environ.get("KEHOACH_STORAGE") or data_dir / "luu-tru").resolve()
    root.mkdir(parents=True, exist_ok=True)
    return root


def safe_path(root: Path, *parts: str) -> Path:
    """A path inside *root* built from our own names only; refuses anything that would land outside."""
    for part in parts:
        if not part or "/" in part or "\\" in part or part in (".", "..") or "\0" in part:
            raise WsError("Tên tệp lưu trữ không hợp lệ.", 400)
    path = root.joinpath(*parts).resolve()
    if root not in path.parents:
        raise WsError("Tên tệp lưu trữ không hợp lệ.", 400)
    return path


def install(app, state, data_dir: Path, redis: str | None = None) -> None:
    """Mount the workspace on the web application *app* whose storage and caches are *state*."""
    sessions = sessionmaker(state.store.engine, expire_on_commit=False)
    storage = storage_root(data_dir)
    access = Access(sessions, storage)
    state.store.visible = plan_visible(access)
    state.store.save_hooks.append(dashboard.coverage_on_save)   # the board's coverage, in each save's transaction
    # Each of a process's users edits their own plan: keep two analyses (the version edited and the one saved)
    # for each of up to 50 users, so an edit does not re-read the plan it starts from.
    state.cache_limit = int(os.environ.get("KEHOACH_CACHE", "100"))
    app.state.filter_plans = visible_filter(access)
    app.state.edit_refusal = lambda who, plan_id: edit_refusal(access, who, plan_id)
    app.state.workspace = True
    batches_lock = threading.Lock()

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(STATES=workflow.STATES, ROLES=accounts.ROLES, CELL_LABELS=dashboard.CELL_LABELS, DEADLINE_LABELS=dashboard.DEADLINE_LABELS,
                                 CELL_MARKS=dashboard.CELL_MARKS, ACTIONS=audit.ACTIONS,
                                 ADMIN_ACTIONS=accounts.ADMIN_ACTIONS)
    from datetime import timezone

    templates.env.filters["local"] = lambda m: m.replace(tzinfo=timezone.utc).astimezone().strftime(
        "%d/%m/%Y %H:%M:%S") if m else ""

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = secrets.token_urlsafe(24)
            request.session["csrf"] = token
        return token

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {"csrf": csrf_token(request), "me": who_or_none(request),
                                                              **context}, status_code=status)

    async def form_checked(request: Request, max_files: int = 2):
        form = await request.form(max_files=max_files, max_fields=200, max_part_size=MAX_PDF + 1024)
        expected = request.session.get("csrf")
        sent = request.headers.get("x-csrf-token") or form.get("csrf")
        if not expected or not sent or not secrets.compare_digest(str(sent), str(expected)):
            raise WsError("Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang của kehoach. "
                          "Hãy tải lại trang rồi làm lại.", 403)
        return form

    def who_or_none(request: Request) -> accounts.Account | None:
        return request.scope.get("state", {}).get("account")

    def who(request: Request) -> accounts.Account:
        account = who_or_none(request)
        if account is None:
            raise WsError("Hãy đăng nhập.", 401)
        return account

    @app.exception_handler(WsError)
    async def ws_error(request: Request, exc: WsError):
        if request.headers.get("hx-request") == "true":
            extra = "".join(f"<li>{html.escape(r)}</li>" for r in exc.reasons)
            body = (f'<div id="alert" hx-swap-oob="true" class="alert loi" role="alert">{html.escape(exc.message)}'
                    f'{"<ul>" + extra + "</ul>" if extra else ""}</div>')
            return HTMLResponse(body, status_code=exc.status, headers={"HX-Reswap": "none"})
        return page(request, "workspace/error.html", exc.status, message=exc.message, reasons=exc.reasons)

    # --- after each request: the semantic diff of what it saved ---------------------------------
    # The entry of each save is written in the save's own transaction (workspace_access); the diff needs both
    # versions analysed, so it follows as a second entry. Lost in a crash, it can be made again from the versions.

    def after_request(ctx: RequestContext) -> None:
        for plan_id, number, _note in ctx.saved:
            if number > 1:
                diff_lines = state.take_change(plan_id, number)
                if diff_lines is None:
                    diff_lines = version_diff(plan_id, number - 1, number)
                with sessions.begin() as session:
                    plan = session.get(PlanRow, plan_id)
                    audit.record(session, ctx.account, "chi-tiet", f"Thay đổi nội dung của phiên bản {number}, "
                                 f"kế hoạch {plan_label(plan)}", plan_id, number, diff=diff_lines,
                                 unit_id=plan.unit_id if plan else None, address=ctx.address)

    def version_diff(plan_id: int, a: int, b: int) -> list[str]:
        from .app import diff_lines
        from .forms import AgencyNames

        try:
            first, second = state.analysis(plan_id, a), state.analysis(plan_id, b)
        except Exception:
            return []
        if first.loaded is None or second.loaded is None:
            return ["(một trong hai phiên bản còn lỗi định dạng nên chưa so sánh được nội dung)"]
        changes = core.semantic_diff(first.loaded, second.loaded)
        return diff_lines(changes, AgencyNames(state.registry, second.tree))

    def keep_board_current(ctx: RequestContext) -> None:
        """A commune plan's answers to its province plan's duties, recomputed once after its save (after the reply),
        so the province's board reads them instead of checking every commune when it opens."""
        for plan_id, number, _note in ctx.saved:
            with sessions() as session:
                flow = session.get(WorkflowRow, plan_id)
                plan = session.get(PlanRow, plan_id)
                stale = (flow is not None and flow.parent_plan_id is not None and plan is not None
                         and plan.head == number and flow.checked_version != number)
            if stale:
                refresh_cells(plan_id, number)

    def after_saves(ctx: RequestContext) -> None:
        after_request(ctx)
        keep_board_current(ctx)

    app.user_middleware.append(Middleware(WorkspaceGuard, access=access, after=after_saves))

    # --- login ---------------------------------------------------------------------------------

    @app.get("/dang-nhap", response_class=HTMLResponse)
    def login_page(request: Request, tiep: str = "/khong-gian"):
        return page(request, "workspace/login.html", next=_safe_next(tiep), error=None)

    @app.post("/dang-nhap")
    async def login(request: Request):
        form = await form_checked(request, max_files=0)
        username, password = str(form.get("ten") or "")[:200], str(form.get("mat_khau") or "")[:1000]
        address = client_address(request.scope)
        target = _safe_next(str(form.get("tiep") or "/khong-gian"))
        from anyio import to_thread

        def attempt():
            with sessions() as session:
                try:
                    account = accounts.login(session, username, password, address)
                except accounts.LoginRefused as exc:
                    audit.failed_login(session, username, address, str(exc))
                    session.commit()
                    raise
                token = logins.start(session, account.id, address, request.headers.get("user-agent", ""))
                audit.record(session, account, "dang-nhap", "Đăng nhập", address=address)
                session.commit()
                return token

        try:
            token = await to_thread.run_sync(attempt)
        except accounts.LoginRefused as exc:
            return page(request, "workspace/login.html", 401, next=target, error=str(exc))
        request.session.clear()   # a new session at login: no fixation
        request.session["phien"] = token
        request.session["csrf"] = secrets.token_urlsafe(24)
        return RedirectResponse(target, status_code=303)

    @app.post("/dang-xuat")
    async def logout(request: Request):
        await form_checked(request, max_files=0)
        me, sid = who_or_none(request), request.scope.get("state", {}).get("session_id")
        if me is not None and sid:
            with sessions.begin() as session:
                logins.end(session, sid)
                audit.record(session, me, "dang-xuat", "Đăng xuất", address=client_address(request.scope))
        request.session.clear()
        return RedirectResponse("/dang-nhap", status_code=303)

    @app.get("/khong-gian/phien", response_class=HTMLResponse)
    def my_sessions(request: Request):
        me = who(request)
        with sessions() as session:
            rows = logins.open_sessions(session, me.id)
        return page(request, "workspace/sessions.html", rows=rows, current=request.state.session_id,
                    message=request.query_params.get("tb", ""))

    @app.post("/khong-gian/phien/ket-thuc")
    async def end_my_session(request: Request):
        me = who(request)
        form = await form_checked(request, max_files=0)
        with sessions.begin() as session:
            if not logins.end(session, str(form.get("phien") or "")[:64], me.id):
                raise WsError("Phiên này đã kết thúc hoặc không phải của bạn; hãy tải lại trang.", 404)
            audit.record(session, me, "dang-xuat", "Kết thúc một phiên đăng nhập khác", address=client_address(request.scope))
        return RedirectResponse("/khong-gian/phien?tb=" + quote("Đã kết thúc phiên đó."), status_code=303)

    @app.post("/khong-gian/mat-khau")
    async def change_my_password(request: Request):
        me = who(request)
        form = await form_checked(request, max_files=0)
        old, new = str(form.get("mat_khau_cu") or "")[:1000], str(form.get("mat_khau_moi") or "")[:1000]
        from anyio import to_thread

        def change():
            with sessions.begin() as session:
                user = session.get(accounts.UserRow, me.id)
                if not accounts.verify_password(user.password_hash, old):
                    raise WsError("Mật khẩu hiện tại không đúng; hãy gõ lại.", 400)
                try:
                    accounts.set_password(session, me.id, new, keep_session=request.state.session_id)
                except accounts.AccountError as exc:
                    raise WsError(str(exc))
                audit.record(session, me, "tai-khoan", "Đổi mật khẩu; các phiên đăng nhập khác đã kết thúc",
                             address=client_address(request.scope))

        await to_thread.run_sync(change)
        return RedirectResponse("/khong-gian/phien?tb=" + quote("Đã đổi mật khẩu; các phiên khác đã kết thúc."),
                                status_code=303)

    # --- the unit's plans ----------------------------------------------------------------------

    def plan_rows(me: accounts.Account) -> list[dict]:
        with sessions() as session:
            query = (select(PlanRow, WorkflowRow, UnitRow).outerjoin(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
                     .outerjoin(UnitRow, UnitRow.id == PlanRow.unit_id).where(PlanRow.deleted.is_(False))
                     .order_by(PlanRow.updated_at.desc()))
            out = []
            for plan, flow, unit in session.execute(query):
                if not visible_unit(me, plan.unit_id, unit):   # the unit is joined: no query per unit
                    continue
                out.append({"plan": plan, "flow": flow, "unit": unit,
                            "children": 0})
            parents = {r["plan"].id for r in out}
            if parents:
                counts = {}
                for (parent_id,) in session.execute(select(WorkflowRow.parent_plan_id)
                                                    .where(WorkflowRow.parent_plan_id.in_(parents))):
                    counts[parent_id] = counts.get(parent_id, 0) + 1
                for r in out:
                    r["children"] = counts.get(r["plan"].id, 0)
            return out

    @app.get("/khong-gian", response_class=HTMLResponse)
    def home(request: Request, don_vi: str = "", buoc: str = ""):
        me = who(request)
        rows = plan_rows(me)
        if buoc:
            rows = [r for r in rows if (r["flow"].state if r["flow"] else "draft") == buoc]
        if don_vi:
            rows = [r for r in rows if r["unit"] is not None and str(r["unit"].id) == don_vi]
        # Communes' derived plans are shown on their province plan's dashboard; here the province sees its own.
        own, communes = [], []
        for r in rows:
            (own if (r["unit"] is None or r["unit"].id == me.unit_id or not me.province_wide) else communes).append(r)
        return page(request, "workspace/home.html", own=own, communes=communes[:200], n_communes=len(communes),
                    buoc=buoc, work=work_of(me, own), overdue=overdue_of(me, own))

    def work_of(me: accounts.Account, rows: list[dict]) -> list[tuple[str, list[dict]]]:
        """The plans waiting for *me*, by the step my roles take on them (draft, review, form check, sign, issue)."""
        waiting: dict[str, list[dict]] = {}
        for r in rows:
            for transition in (workflow.allowed(me, r["flow"]) if r["flow"] else []):
                # A head may review a draft directly, but it waits for them only once submitted.
                if transition.id != "tra-lai" and not (transition.id == "duyet" and r["flow"].state == "draft"):
                    waiting.setdefault(transition.id, []).append(r)
        return [(WORK_HEADINGS[t], waiting[t]) for t in WORK_HEADINGS if t in waiting]

    def overdue_of(me: accounts.Account, rows: list[dict]) -> list[dict]:
        """Own plans not issued by the deadline the province set, and provincial plans with communes overdue."""
        today = date.today()
        out = []
        with sessions() as session:
            parents = {r["flow"].parent_plan_id for r in rows if r["flow"] and r["flow"].parent_plan_id}
            due = dict(session.execute(select(WorkflowRow.plan_id, WorkflowRow.children_due)
                                       .where(WorkflowRow.plan_id.in_(parents))).all()) if parents else {}
            for r in rows:
                flow = r["flow"]
                if flow is None:
                    continue
                deadline = due.get(flow.parent_plan_id)
                if deadline and deadline < today and flow.state != "issued":
                    out.append({**r, "due": deadline, "late": 1})
                elif r["children"] and flow.children_due and flow.children_due < today:
                    late = session.scalar(select(func.count()).select_from(WorkflowRow).where(
                        WorkflowRow.parent_plan_id == flow.plan_id, WorkflowRow.state != "issued"))
                    if late:
                        out.append({**r, "due": flow.children_due, "late": late})
        return out

    # --- one plan: workflow, audit ---------------------------------------------------------------

    def load_flow(plan_id: int) -> tuple[PlanRow, WorkflowRow, UnitRow | None]:
        with sessions.begin() as session:
            plan = session.get(PlanRow, plan_id)
            if plan is None or plan.deleted:
                raise WsError("Không tìm thấy kế hoạch này.", 404)
            flow = workflow.ensure(session, plan_id, plan.unit_id)
            unit = session.get(UnitRow, flow.unit_id) if flow.unit_id else None
            return plan, flow, unit

    def plan_panel_context(request: Request, plan_id: int) -> dict:
        me = who(request)
        plan, flow, unit = load_flow(plan_id)
        with sessions() as session:
            log = audit.entries(session, plan_id=plan_id, limit=200)
            authors = {}
            for row in log:
                authors.setdefault(row.user_id, row.user_name)
            parent = session.get(PlanRow, flow.parent_plan_id) if flow.parent_plan_id else None
        analysis = state.analysis(plan_id, plan.head)
        counts = analysis.counts()
        steps = []
        reached = workflow.STATE_ORDER.index(flow.state) if flow.state in workflow.STATE_ORDER else 0
        for i, (key, label) in enumerate(workflow.STATES.items()):
            steps.append({"key": key, "label": label, "done": i < reached, "now": i == reached})
        actions = workflow.allowed(me, flow)
        edit_reason = workflow.can_edit(me, flow)
        planned = analysis.loaded.plan.document.date if analysis.format_ok else None
        return {"plan": plan, "flow": flow, "unit": unit, "log": log, "steps": steps, "actions": actions,
                "planned_date": planned_words(planned) if planned else "chưa ghi",
                "counts": counts, "format_ok": analysis.format_ok, "edit_reason": edit_reason, "parent": parent,
                "number_text": f"{flow.number:02d}/{(analysis.tree or {}).get('document', {}).get('symbol', '')}"
                if flow.number else "", "today": f"{date.today():%d/%m/%Y}"}

    @app.get("/khong-gian/ke-hoach/{plan_id}", response_class=HTMLResponse)
    def plan_page(request: Request, plan_id: int):
        return page(request, "workspace/plan.html", **plan_panel_context(request, plan_id))

    @app.get("/khong-gian/ke-hoach/{plan_id}/khung", response_class=HTMLResponse)
    def plan_panel(request: Request, plan_id: int):
        """The workflow strip shown on the editor page (loaded by htmx)."""
        return page(request, "workspace/_panel.html", **plan_panel_context(request, plan_id))

    @app.post("/khong-gian/ke-hoach/{plan_id}/buoc/{step}")
    async def take_step(request: Request, plan_id: int, step: str):
        me = who(request)
        form = await form_checked(request)
        transition = workflow.TRANSITIONS.get(step)
        if transition is None:
            raise WsError("Không có bước này trong quy trình.", 404)
        plan, flow, _unit = load_flow(plan_id)
        from anyio import to_thread

        facts, extra = await gather_facts(transition, plan, flow, form)
        return await to_thread.run_sync(lambda: apply_step(me, plan, transition, facts, extra, form))

    async def api_step(me: accounts.Account, plan_id: int, step: str, values: dict) -> dict:
        """A workflow step asked through the JSON API: the page's guards, register and audit; signing stays on the
        page (it needs the signed PDF or the certificate)."""
        from anyio import to_thread

        transition = workflow.TRANSITIONS.get(step)
        if transition is None:
            raise WsError("Không có bước này trong quy trình.", 404)
        if transition.id == "ky":
            raise WsError("Bước «Ký» làm trên trang: cần bản PDF đã ký số hoặc tệp chứng thư số.", 400)
        plan, flow, _unit = load_flow(plan_id)
        if not access.visible(me, plan.unit_id):
            raise WsError("Không tìm thấy kế hoạch này.", 404)
        facts, extra = await gather_facts(transition, plan, flow, values)
        await to_thread.run_sync(lambda: apply_step(me, plan, transition, facts, extra, values))
        _plan, flow, _unit = load_flow(plan_id)
        return {"buoc": workflow.state_label(flow.state), "so": flow.number,
                "ngay_ban_hanh": f"{flow.issued_on:%d/%m/%Y}" if flow.issued_on else None}

    app.state.api_step = api_step

    async def gather_facts(transition, plan: PlanRow, flow: WorkflowRow, form) -> tuple[workflow.Facts, dict]:
        from anyio import to_thread

        analysis = state.analysis(plan.id, plan.head)
        facts = workflow.Facts(format_ok=analysis.format_ok, check_errors=analysis.counts()["error"])
        extra: dict = {}
        if transition.id == "kiem-tra-the-thuc" and analysis.format_ok:
            facts.lint_errors = await to_thread.run_sync(lint_errors, analysis)
        if transition.id == "ky":
            upload = form.get("ban_ky")
            p12 = form.get("chung_thu")
            if upload is not None and getattr(upload, "filename", ""):
                data = await upload.read(MAX_PDF + 1)
                if len(data) > MAX_PDF:
                    raise WsError("Tệp PDF quá lớn (tối đa 20 MB).", 413)
                facts.signed_pdf = data
                approved = await to_thread.run_sync(app.state.make_pdf, analysis.loaded) if analysis.format_ok else None
                facts.expected = expected_of(analysis, approved)
                extra["how"] = "tải lên bản đã ký số"
            elif p12 is not None and getattr(p12, "filename", ""):
                if not analysis.format_ok:
                    raise WsError("Kế hoạch còn lỗi định dạng nên chưa in ra PDF để ký được.")
                key = await p12.read(MAX_P12 + 1)
                if len(key) > MAX_P12:
                    raise WsError("Tệp chứng thư số quá lớn.", 413)
                password = str(form.get("mat_khau_chung_thu") or "")
                facts.signed_pdf = await to_thread.run_sync(sign_in_place, analysis, key, password)
                facts.expected = expected_of(analysis, None)   # signed here, from this version's own PDF
                extra["how"] = "ký số ngay trên hệ thống"
        if transition.id == "ban-hanh":
            p12 = form.get("chung_thu_co_quan")
            if p12 is not None and getattr(p12, "filename", ""):
                key = await p12.read(MAX_P12 + 1)
                if len(key) > MAX_P12:
                    raise WsError("Tệp chứng thư số quá lớn.", 413)
                if not flow.signed_file:
                    raise WsError("Chưa có bản PDF đã ký của người ký để văn thư ký số của cơ quan lên.")
                extra["body_key"] = key
                extra["body_password"] = str(form.get("mat_khau_chung_thu_co_quan") or "")
        return facts, extra

    def lint_errors(analysis) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="kehoach-the-thuc-") as tmp:
            path = Path(tmp) / "ke-hoach.docx"
            path.write_bytes(core.render_docx(analysis.loaded))
            index = core_lint(path)
            return [f.message for f in index.sorted() if f.severity.value == "error"]

    def expected_of(analysis, approved: bytes | None):
        """What the signed PDF must match: this version's PDF (byte-stable, so its hash), its signer and issuer."""
        import hashlib

        from ..pdf.verify import Expected

        plan = analysis.loaded.plan
        return Expected(hashlib.sha256(approved).hexdigest() if approved else None,
                        plan.signature.name if plan.signature else None, plan.document.issuer.name)

    def sign_in_place(analysis, key: bytes, password: str) -> bytes:
        from ..pdf.signing import sign_pdf

        pdf = app.state.make_pdf(analysis.loaded)
        with tempfile.TemporaryDirectory(prefix="kehoach-ky-") as tmp:
            p12 = Path(tmp) / "chung-thu.p12"
            p12.write_bytes(key)
            p12.chmod(0o600)
            try:
                return sign_pdf(pdf, p12, password or None, file="bản PDF của kế hoạch").data
            except core.InputError as exc:
                raise WsError("Chưa ký được: " + "; ".join(f.message for f in exc.findings[:2]), 400)

    def sign_as_body(flow: WorkflowRow, key: bytes, password: str, number: int, day: date) -> str:
        """The signer's PDF signed by the body (ChuKyCoQuan), its blank số and ngày filled in the same revision
        (kehoach sign --field ChuKyCoQuan --number --date); stored beside it; returns its path inside storage."""
        from ..pdf.finishing import ORGAN_FIELD
        from ..pdf.issuing import IssueValues
        from ..pdf.signing import sign_pdf

        signed = safe_path(storage, *flow.signed_file.split("/"))
        with tempfile.TemporaryDirectory(prefix="kehoach-ky-co-quan-") as tmp:
            p12 = Path(tmp) / "chung-thu-co-quan.p12"
            p12.write_bytes(key)
            p12.chmod(0o600)
            try:
                result = sign_pdf(signed.read_bytes(), p12, password or None, ORGAN_FIELD, file="bản PDF đã ký",
                                  issue=IssueValues(number, day))
            except core.InputError as exc:
                raise WsError("Chưa ban hành được: chữ ký số của cơ quan chưa ký được.", 400,
                              [f.message + (f" — {f.suggestion}" if f.suggestion else "") for f in exc.findings[:3]])
        from ..pdf.verify import Expected, trust_roots, verify_signed

        verdict = verify_signed(result.data, "Bản PDF đã ký", trust_roots(), Expected(require_body=True))
        if not verdict.ok:   # e.g. another body's certificate, or one no trusted root vouches for
            raise WsError("Chưa ban hành được: chữ ký số của cơ quan không hợp lệ.", 400, verdict.problems[:3])
        name = f"ban-hanh-so-{number:02d}-{secrets.token_hex(6)}.pdf"
        target = safe_path(signed.parent, name)
        target.write_bytes(result.data)
        return "/".join(flow.signed_file.split("/")[:-1] + [name])

    def apply_step(me, plan: PlanRow, transition, facts: workflow.Facts, extra: dict, form):
        issued = None
        # What issuing reads from the store is read before the transaction: a request never holds one pooled
        # connection while waiting for a second (18 at once used to exhaust the pool and hang every user).
        base = (state.analysis(plan.id, plan.head), state.store.version(plan.id, plan.head).yaml_text) \
            if transition.id == "ban-hanh" else None
        with sessions.begin() as session:
            try:
                flow, before = workflow.take(session, me, plan.id, transition.id, facts)
            except workflow.WorkflowError as exc:
                raise WsError(exc.message, exc.status, exc.reasons)
            summary = transition.done
            if transition.id == "ky":
                name = f"v{plan.head}-{secrets.token_hex(6)}.pdf"
                folder = safe_path(storage, "ban-ky", str(plan.id))
                folder.mkdir(parents=True, exist_ok=True)
                target = safe_path(folder, name)
                target.write_bytes(facts.signed_pdf)
                flow.signed_file = f"ban-ky/{plan.id}/{name}"
                summary += f" ({extra.get('how', '')})"
            if transition.id == "ban-hanh":
                issued = issue(session, me, plan, flow, str(form.get("ngay") or ""), *base, bool(form.get("theo_ngay")))
                summary += f": số {issued[0]:02d}, ngày {issued[1]:%d/%m/%Y}" + (f" ({issued[2]})" if issued[2] else "")
                if "body_key" in extra:
                    # In the same transaction as the number: if the body's signature fails, the number is not used.
                    flow.signed_file = sign_as_body(flow, extra["body_key"], extra["body_password"], *issued[:2])
                    summary += " (số, ngày điền vào bản PDF đã ký; ký số của cơ quan)"
            audit.record(session, me, "ban-hanh" if transition.id == "ban-hanh" else "chuyen-buoc", summary, plan.id,
                         plan.head, state_from=before, state_to=flow.state, unit_id=flow.unit_id)
        return RedirectResponse(f"/khong-gian/ke-hoach/{plan.id}", status_code=303)

    def issue(session, me, plan: PlanRow, flow: WorkflowRow, wanted: str, analysis, base_text: str,
              follow_day: bool) -> tuple[int, date, str]:
        """Number from the unit's register for the year, the date; the plan saved with both (a new version).
        With *follow_day* the văn thư lets the chosen day replace a date the plan wrote differently ("2027")."""
        day = day_from_form(wanted, "Ngày ban hành") or date.today()
        if not analysis.format_ok:
            raise WsError("Kế hoạch còn lỗi định dạng.")
        loaded, changed = analysis.loaded, ""
        planned = loaded.plan.document.date
        if planned is not None and not issue_day_fits(planned, day):
            if not follow_day:
                raise WsError(f"Chưa ban hành được: kế hoạch ghi ngày ban hành là {planned_words(planned)}, "
                              f"còn ngày ban hành bạn chọn là {day:%d/%m/%Y}.", 409,
                              [f"Nếu kế hoạch ban hành đúng ngày {day:%d/%m/%Y}: đánh dấu ô «Ghi lại ngày của kế "
                               "hoạch theo ngày ban hành» ngay dưới ô ngày rồi bấm lại «Cấp số và ban hành». Nội "
                               "dung kế hoạch không đổi, chỉ dòng ngày tháng ở đầu văn bản đổi theo.",
                               f"Nếu kế hoạch phải ban hành vào {planned_words(planned)}: chọn một ngày trong "
                               "khoảng đó ở ô «Ngày ban hành»."])
            changed = f"ngày của kế hoạch đổi từ {planned_words(planned)} thành {day:%d/%m/%Y}"
            document = loaded.plan.document.model_copy(update={"date": core.PartialDate.parse(day)})
            loaded = replace(loaded, plan=loaded.plan.model_copy(update={"document": document}))
        number = workflow.next_number(session, flow.unit_id, day.year)
        try:
            core_issued_copy(loaded, number, day.isoformat())
        except core.InputError as exc:
            raise WsError("Chưa ban hành được.", 409, [issue_refusal_words(f, number) for f in exc.findings])

        def stamp(tree):
            document = tree["document"]
            document["number"] = number
            document["date"] = core.DateText(day.isoformat())

        # The numbered version is saved in the same transaction as the register and the state: all or nothing.
        row = session.get(PlanRow, plan.id, with_for_update=True)
        if row.head != plan.head:
            raise WsError("Kế hoạch vừa được lưu ở nơi khác; hãy tải lại trang rồi làm lại.", 409)
        text = yamledit.transform(base_text, stamp)
        new = engine.analyse(text)
        session.add(VersionRow(plan_id=plan.id, number=row.head + 1, yaml_text=text,
                               note=f"Ban hành: số {number:02d}, ngày {day:%d/%m/%Y}", counts=new.counts(),
                               format_ok=new.format_ok))
        row.head += 1
        row.updated_at = now()
        session.flush()
        state.remember(plan.id, row.head, new)
        saved_number = row.head
        flow.number, flow.issued_on, flow.issued_version = number, day, saved_number
        return number, day, changed

    @app.get("/khong-gian/ke-hoach/{plan_id}/ban-ky")
    def signed_copy(request: Request, plan_id: int):
        who(request)
        _plan, flow, _unit = load_flow(plan_id)
        if not flow.signed_file:
            raise WsError("Kế hoạch chưa có bản đã ký.", 404)
        parts = flow.signed_file.split("/")
        path = safe_path(storage, *parts)
        if not path.is_file():
            raise WsError("Không tìm thấy tệp đã ký trong kho lưu trữ.", 404)
        name = f"ke-hoach-{plan_id}-da-ky.pdf"
        return Response(path.read_bytes(), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @app.get("/khong-gian/ke-hoach/{plan_id}/nhat-ky.{kind}")
    def plan_audit_export(request: Request, plan_id: int, kind: str):
        me = who(request)
        with sessions() as session:
            rows = audit.entries(session, plan_id=plan_id, limit=100_000)
        return export_audit(request, me, rows, f"nhat-ky-ke-hoach-{plan_id}", kind)

    def plan_names(rows) -> dict[int, str]:
        ids = {r.plan_id for r in rows if r.plan_id}
        with sessions() as session:
            return {p.id: plan_label(p) for p in session.scalars(select(PlanRow).where(PlanRow.id.in_(ids)))} if ids else {}

    @app.get("/khong-gian/nhat-ky", response_class=HTMLResponse)
    def unit_audit(request: Request):
        me = who(request)
        with sessions() as session:
            rows = audit.entries(session, unit_ids=audit.province_unit_ids(session, me), limit=300)
        return page(request, "workspace/audit.html", log=rows, plan_names=plan_names(rows))

    @app.get("/khong-gian/nhat-ky.{kind}")
    def unit_audit_export(request: Request, kind: str):
        me = who(request)
        with sessions() as session:
            rows = audit.entries(session, unit_ids=audit.province_unit_ids(session, me), limit=1_000_000)
        return export_audit(request, me, rows, "nhat-ky", kind)

    def export_audit(request: Request, me, rows, stem: str, kind: str) -> Response:
        if kind not in ("csv", "xlsx"):
            raise WsError("Không có loại tệp này.", 404)
        names = plan_names(rows)
        body = audit.to_csv(rows, names) if kind == "csv" else audit.to_xlsx(rows, plan_names=names)
        with sessions.begin() as session:
            audit.record(session, me, "xuat", f"Xuất nhật ký ({len(rows)} mục) ra tệp {kind.upper()}",
                         address=client_address(request.scope))
        if kind == "csv":
            return Response(body, media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
        return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})

    # --- province dashboard ---------------------------------------------------------------------

    def parent_file_name(plan_id: int) -> str:
        return f"ke-hoach-{plan_id}.yaml"

    def materialise_parent(plan_id: int) -> tuple[str, str]:
        """The provincial plan's newest text, as the file its communes' drafts name (in the check folder)."""
        row = state.store.version(plan_id)
        name = parent_file_name(plan_id)
        path = engine.workdir() / name
        if not path.is_file() or path.read_text(encoding="utf-8") != row.yaml_text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(row.yaml_text, encoding="utf-8")
            tmp.replace(path)
        return name, row.yaml_text

    app.state.materialise_parent = materialise_parent

    def province_of(plan: PlanRow, unit: UnitRow | None, analysis) -> units.Province | None:
        provinces = units.load_provinces()
        if unit is not None and unit.province in provinces:
            return provinces[unit.province]
        doc = (analysis.tree or {}).get("document") or {}
        return units.find_province(str(doc.get("province") or ""), provinces)

    def build_dashboard(plan_id: int, me) -> tuple[dashboard.Dashboard, dict]:
        plan, flow, unit = load_flow(plan_id)
        analysis = state.analysis(plan_id, plan.head)
        if not analysis.format_ok:
            raise WsError("Kế hoạch tỉnh còn lỗi định dạng nên chưa lập được bảng theo dõi.")
        materialise_parent(plan_id)
        province = province_of(plan, unit, analysis)
        duties = dashboard.duties_for_communes(analysis.loaded, province)
        scope = dashboard.duty_scope(analysis.loaded, province)
        # Columns, not objects: a national roll-up has 3,321 children, and building ORM objects was most of the time.
        children_query = (
            select(WorkflowRow.plan_id, WorkflowRow.state, WorkflowRow.counts, WorkflowRow.number,
                   WorkflowRow.issued_on, WorkflowRow.checked_version, PlanRow.head, PlanRow.updated_at,
                   UnitRow.name.label("unit_name"), UnitRow.kind.label("unit_kind"))
            .join(PlanRow, PlanRow.id == WorkflowRow.plan_id).outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
            .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False)))
        with sessions() as session:
            children = list(session.execute(children_query))
        stale = [c for c in children if c.checked_version != c.head]
        for child in stale:  # saved before coverage was kept on save; every save since keeps it
            refresh_cells(child.plan_id, child.head)
        with sessions() as session:
            if stale:
                children = list(session.execute(children_query))
            coverage = dashboard.coverage_of(session, plan_id)
        registry_units = [(c.name, c.kind) for c in province.units] if province else []
        rows = dashboard.commune_rows(registry_units, children, coverage, scope)
        doc = analysis.loaded.plan.document
        board = dashboard.Dashboard(plan_title=doc.title, issuer=doc.issuer.name,
                                    province_name=province.name if province else (doc.province or ""),
                                    resolution=province.resolution if province else "", duties=duties, rows=rows,
                                    due=flow.children_due, reports=dashboard.reporting_for_communes(analysis.loaded))
        return board, {"plan": plan, "flow": flow, "unit": unit, "province": province}

    def refresh_cells(plan_id: int, head: int) -> None:
        analysis = state.analysis(plan_id, head)
        cells = dashboard.cells_of(analysis.loaded, analysis.coverage) if analysis.format_ok else {}
        with sessions.begin() as session:
            dashboard.keep_coverage(session, session.get(WorkflowRow, plan_id), head, cells, analysis.counts())

    @app.get("/khong-gian/tinh/{plan_id}", response_class=HTMLResponse)
    def province_dashboard(request: Request, plan_id: int, loc: str = "", trang: int = 1):
        me = who(request)
        board, info = build_dashboard(plan_id, me)
        rows = board.rows
        if loc == "chua-co":
            rows = [r for r in rows if r.plan_id is None]
        elif loc == "co-ke-hoach":
            rows = [r for r in rows if r.plan_id is not None]
        elif loc == "thieu":
            rows = [r for r in rows if r.plan_id is not None
                    and any(r.cell(ref)["status"] in ("missing", "no-lead") for ref, _ in board.duties)]
        elif loc == "qua-han":
            rows = [r for r in rows if board.deadline(r) == "overdue"]
        elif loc in workflow.STATES:
            rows = [r for r in rows if r.state == loc]
        with sessions() as session:
            batch = session.scalar(select(BatchRow).where(BatchRow.plan_id == plan_id).order_by(BatchRow.id.desc()))
        can_derive = workflow.acts_for_plan_unit(me, info["flow"])
        rows, trang, pages = dashboard.page_of(rows, trang)
        return page(request, "workspace/dashboard.html", board=board, rows=rows, totals=board.totals(),
                    duty_totals=board.duty_totals(), batch=batch, can_derive=can_derive, loc=loc, trang=trang,
                    pages=pages, **info)

    @app.post("/khong-gian/tinh/{plan_id}/han")
    async def set_commune_deadline(request: Request, plan_id: int):
        """The Sở sets the date by which every commune and ward must have issued its plan (empty: no deadline)."""
        me = who(request)
        form = await form_checked(request)
        plan, flow, unit = load_flow(plan_id)
        if not workflow.acts_for_plan_unit(me, flow):
            raise WsError("Chỉ chuyên viên soạn thảo hoặc lãnh đạo của đơn vị ban hành kế hoạch tỉnh đặt được hạn cho "
                          "cấp xã.", 403)
        due = day_from_form(str(form.get("han") or ""), "Hạn ban hành")
        with sessions.begin() as session:
            row = session.get(WorkflowRow, plan_id)
            row.children_due = due
            audit.record(session, me, "dat-han", f"Đặt hạn ban hành kế hoạch cấp xã: {due:%d/%m/%Y}" if due else
                         "Bỏ hạn ban hành kế hoạch cấp xã", plan_id)
        return RedirectResponse(f"/khong-gian/tinh/{plan_id}", status_code=303)

    @app.get("/khong-gian/tinh/{plan_id}/bang.{kind}")
    def dashboard_export(request: Request, plan_id: int, kind: str):
        me = who(request)
        board, _info = build_dashboard(plan_id, me)
        stem = f"tinh-hinh-trien-khai-ke-hoach-{plan_id}"
        if kind == "xlsx":
            return Response(dashboard.to_xlsx(board), media_type="application/vnd.openxmlformats-officedocument."
                            "spreadsheetml.sheet", headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})
        if kind == "html":
            return Response(dashboard.to_html(board, workflow.STATES).encode("utf-8"), media_type="text/html; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
        raise WsError("Không có loại tệp này.", 404)

    @app.post("/khong-gian/tinh/{plan_id}/lap-cho-xa")
    async def derive_all(request: Request, plan_id: int):
        me = who(request)
        form = await form_checked(request)
        plan, flow, unit = load_flow(plan_id)
        if not workflow.acts_for_plan_unit(me, flow):
            raise WsError("Chỉ chuyên viên soạn thảo hoặc lãnh đạo của đơn vị ban hành kế hoạch tỉnh lập được dự thảo "
                          "cho cấp xã.", 403)
        analysis = state.analysis(plan_id, plan.head)
        if not analysis.format_ok:
            raise WsError("Kế hoạch tỉnh còn lỗi định dạng; sửa xong mới lập được kế hoạch cấp xã.")
        upload = form.get("danh_sach")
        if upload is not None and getattr(upload, "filename", ""):
            data = await upload.read(MAX_LIST + 1)
            if len(data) > MAX_LIST:
                raise WsError("Danh sách đơn vị quá lớn.", 413)
            try:
                parsed = units.parse_unit_list(data.decode("utf-8-sig"))
            except UnicodeDecodeError:
                raise WsError("Danh sách phải là tệp văn bản UTF-8, mỗi dòng một đơn vị.")
            except core.KehoachError as exc:
                raise WsError(exc.message)
            if parsed.problems:
                raise WsError("Danh sách đơn vị có dòng chưa đọc được.", 400, parsed.problems[:20])
            names = [u.name for u in parsed.units]
            kinds = {u.name: u.kind for u in parsed.units}
        else:
            province = province_of(plan, unit, analysis)
            if province is None:
                raise WsError("Chưa biết kế hoạch thuộc tỉnh nào trong danh mục; hãy tải lên danh sách xã, phường.")
            names = [u.name for u in province.units]
            kinds = {u.name: u.kind for u in province.units}
        with sessions() as session:
            existing = {match_key(u.name) for f, u in session.execute(
                select(WorkflowRow, UnitRow).join(UnitRow, UnitRow.id == WorkflowRow.unit_id)
                .join(PlanRow, PlanRow.id == WorkflowRow.plan_id)
                .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False)))}
        names = [n for n in names if match_key(n) not in existing]
        if not names:
            raise WsError("Mọi đơn vị trong danh sách đã có dự thảo kế hoạch.")
        with batches_lock, sessions.begin() as session:
            if jobs.running_batch(session, plan_id) is not None:
                raise WsError("Đang lập dự thảo cho cấp xã; hãy chờ lượt trước xong.", 409)
            batch = BatchRow(kind="lap-cap-duoi", plan_id=plan_id, user_id=me.id, total=len(names),
                             backend="rq" if jobs.redis_url(redis) else "process", messages=[])
            session.add(batch)
            session.flush()
            batch_id = batch.id
        parent_name, parent_text = materialise_parent(plan_id)
        province_id = (unit.province if unit else "") or ""
        thread = threading.Thread(target=run_derive_batch, daemon=True,
                                  args=(batch_id, me, plan_id, parent_name, parent_text, names, kinds, province_id))
        thread.start()
        if request.headers.get("hx-request") == "true":
            return HTMLResponse(progress_html(batch_id))
        return RedirectResponse(f"/khong-gian/tinh/{plan_id}", status_code=303)

    def run_derive_batch(batch_id, me, plan_id, parent_name, parent_text, names, kinds, province_id):
        with sessions() as session:
            parent_row = session.get(PlanRow, plan_id)
            parent_label = f"{parent_row.issuer}: {parent_row.title[:120]}" if parent_row else f"kế hoạch {plan_id}"
        token = CURRENT.set(RequestContext(me))
        messages: list[str] = []
        try:
            def store_one(result: dict) -> None:
                with sessions.begin() as session:
                    batch = session.get(BatchRow, batch_id)
                    if result["ok"]:
                        save_derived(session, me, plan_id, parent_label, result, kinds, province_id)
                        batch.done += 1
                    else:
                        batch.failed += 1
                        messages.append(f"{result['unit']}: {result['error']}")
                        batch.messages = list(messages[-50:])

            with jobs.heartbeat(sessions, batch_id):
                backend = jobs.run_batch(parent_name, parent_text, names, store_one, redis=redis)
            with sessions.begin() as session:
                batch = session.get(BatchRow, batch_id)
                batch.state, batch.finished_at, batch.backend = "finished", now(), backend
                audit.record(session, me, "lap-cap-duoi",
                             f"Lập dự thảo kế hoạch cho {batch.done} đơn vị cấp xã"
                             + (f" ({batch.failed} đơn vị chưa lập được)" if batch.failed else ""), plan_id)
        except Exception:  # shown on the dashboard in words; the batch can be started again
            with sessions.begin() as session:
                batch = session.get(BatchRow, batch_id)
                batch.state, batch.finished_at = "failed", now()
                batch.messages = list(messages[-49:]) + [jobs.failure_text(exc)]
        finally:
            CURRENT.reset(token)

    def save_derived(session, me, parent_plan_id: int, parent_label: str, result: dict, kinds: dict, province_id: str):
        name = result["unit"]
        unit = session.scalar(select(UnitRow).where(UnitRow.name == name))
        if unit is None:
            province_unit = session.get(UnitRow, me.unit_id)
            unit = accounts.add_unit(session, name, kinds.get(name, name.split()[0]), "xa", province_id,
                                     province_unit)
        try:
            tree_doc = dict(yamledit.load_tree(result["text"]).get("document") or {})
        except Exception:  # the title is only for lists; the plan itself is stored whatever happens
            tree_doc = {}
        title = str(tree_doc.get("title") or "")[:1000]
        issuer = str((tree_doc.get("issuer") or {}).get("name") or "")[:300]
        plan = PlanRow(title=title, issuer=issuer, origin=f"Lập từ kế hoạch của {parent_label}"[:500], head=1,
                       unit_id=unit.id, owner_id=me.id)
        session.add(plan)
        session.flush()
        # The audit entry and the workflow row come with the flush (workspace_access); the row is completed here.
        session.add(VersionRow(plan_id=plan.id, number=1, yaml_text=result["text"],
                               note=f"Dự thảo lập từ kế hoạch của {parent_label}"[:500],
                               counts=result["counts"], format_ok=result["format_ok"], author_id=me.id))
        flow = workflow.ensure(session, plan.id, unit.id)
        flow.parent_plan_id = parent_plan_id
        dashboard.keep_coverage(session, flow, 1, result["cells"], result["counts"])
        flow.updated_at = now()

    @app.post("/khong-gian/tinh/{plan_id}/pdf-xa")
    async def pdf_all(request: Request, plan_id: int):
        """PDF/A of every commune plan of this provincial plan, through the job queue; then one ZIP to download."""
        me = who(request)
        await form_checked(request, max_files=0)
        _plan, flow, _unit = load_flow(plan_id)
        if flow.unit_id != me.unit_id:
            raise WsError("Chỉ người của đơn vị ban hành kế hoạch tỉnh xuất được PDF cho các xã.", 403)
        with sessions() as session:
            found = list(session.execute(
                select(PlanRow.id, PlanRow.head, UnitRow.name).join(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
                .outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
                .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False))))
        if not found:
            raise WsError("Chưa có kế hoạch cấp xã nào để xuất PDF.")
        children = [(pid, head) for pid, head, _name in found]
        unit_names = {pid: name or "một đơn vị chưa gán" for pid, _head, name in found}
        items = [(pid, state.store.version(pid, head).yaml_text) for pid, head in children]
        heads = dict(children)
        with batches_lock, sessions.begin() as session:
            if jobs.running_batch(session, plan_id) is not None:
                raise WsError("Đang có một lượt xử lý cho kế hoạch này; hãy chờ xong.", 409)
            batch = BatchRow(kind="pdf", plan_id=plan_id, user_id=me.id, total=len(items),
                             backend="rq" if jobs.redis_url(redis) else "process", messages=[])
            session.add(batch)
            session.flush()
            batch_id = batch.id

        def work():
            messages: list[str] = []

            def store_one(result: dict) -> None:
                with sessions.begin() as session:
                    batch = session.get(BatchRow, batch_id)
                    if result["ok"]:
                        folder = safe_path(storage, "pdf", str(result["plan"]))
                        folder.mkdir(parents=True, exist_ok=True)
                        safe_path(folder, f"v{heads[result['plan']]}.pdf").write_bytes(result["pdf"])
                        batch.done += 1
                    else:
                        batch.failed += 1
                        messages.append(f"Kế hoạch của {unit_names.get(result['plan'], 'một đơn vị')}: {result['error']}")
                        batch.messages = list(messages[-50:])

            try:
                with jobs.heartbeat(sessions, batch_id):
                    backend = jobs.run_pdf_batch(items, store_one, redis=redis)
                state_text = "finished"
            except Exception:  # told in words; the PDFs already made stay
                backend, state_text = "process", "failed"
                messages.append(jobs.failure_text(exc))
            with sessions.begin() as session:
                batch = session.get(BatchRow, batch_id)
                batch.state, batch.finished_at, batch.backend = state_text, now(), backend
                batch.messages = list(messages[-50:])
                audit.record(session, me, "xuat", f"Xuất PDF cho {batch.done} kế hoạch cấp xã", plan_id)

        threading.Thread(target=work, daemon=True).start()
        if request.headers.get("hx-request") == "true":
            return HTMLResponse(progress_html(batch_id))
        return RedirectResponse(f"/khong-gian/tinh/{plan_id}", status_code=303)

    @app.get("/khong-gian/tinh/{plan_id}/pdf-xa.zip")
    def pdf_zip(request: Request, plan_id: int):
        import io
        import zipfile

        who(request)
        with sessions() as session:
            children = list(session.execute(
                select(PlanRow.id, PlanRow.head, UnitRow.name).join(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
                .outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
                .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False))))
        buffer = io.BytesIO()
        count = 0
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for pid, head, unit_name in children:
                path = safe_path(storage, "pdf", str(pid), f"v{head}.pdf")
                if path.is_file():
                    archive.write(path, f"{slug(unit_name or str(pid))}-ke-hoach-{pid}.pdf")
                    count += 1
        if not count:
            raise WsError("Chưa có PDF nào của bản mới nhất; bấm «Xuất PDF cho các xã» trước.", 404)
        return Response(buffer.getvalue(), media_type="application/zip",
                        headers={"Content-Disposition": f'attachment; filename="ke-hoach-cap-xa-{plan_id}.zip"'})

    def progress_html(batch_id: int) -> str:
        with sessions() as session:
            batch = session.get(BatchRow, batch_id)
        if batch is None:
            return ""
        finished = batch.state != "running"
        percent = int(100 * (batch.done + batch.failed) / batch.total) if batch.total else 100
        poll = "" if finished else f' hx-get="/khong-gian/lo/{batch.id}" hx-trigger="every 1s" hx-swap="outerHTML"'
        way = "hàng đợi xử lý nền" if batch.backend == "rq" else "các tiến trình trên máy chủ"
        doing = "Đang xuất PDF" if batch.kind == "pdf" else "Đang lập"
        status = ("Đã xong" if batch.state == "finished" else "Dừng vì lỗi") if finished else doing
        messages = "".join(f"<li>{html.escape(m)}</li>" for m in (batch.messages or [])[:20])
        reload = (f' <a class="button" href="/khong-gian/tinh/{batch.plan_id}">Xem bảng theo dõi</a>' if finished else "")
        if finished and batch.kind == "pdf" and batch.done:
            reload += f' <a class="button" href="/khong-gian/tinh/{batch.plan_id}/pdf-xa.zip">Tải PDF (.zip)</a>'
        return (f'<div id="tien-do" class="progress"{poll}><b>{status}</b>: {batch.done + batch.failed}/{batch.total} đơn vị '
                f'({batch.done} {"đã xuất PDF" if batch.kind == "pdf" else "đã lập"}, {batch.failed} chưa được) — qua {way}.'
                f'<div class="bar"><span style="width:{percent}%"></span></div>{reload}'
                f'{"<ul class=muted>" + messages + "</ul>" if messages else ""}</div>')

    @app.get("/khong-gian/lo/{batch_id}", response_class=HTMLResponse)
    def batch_progress(request: Request, batch_id: int):
        me = who(request)
        with sessions() as session:
            batch = session.get(BatchRow, batch_id)
            plan = session.get(PlanRow, batch.plan_id) if batch else None
        if batch is None or plan is None or not access.visible(me, plan.unit_id):
            raise WsError("Không tìm thấy lượt xử lý này.", 404)
        return HTMLResponse(progress_html(batch_id))

    # --- access keys of the JSON API ------------------------------------------------------------

    @app.get("/khong-gian/khoa-truy-cap", response_class=HTMLResponse)
    def api_keys(request: Request):
        me = who(request)
        with sessions() as session:
            keys = api_tokens.of_user(session, me.id)
        return page(request, "workspace/keys.html", keys=keys, new_key=None)

    @app.post("/khong-gian/khoa-truy-cap")
    async def api_key_new(request: Request):
        me = who(request)
        form = await form_checked(request, max_files=0)
        with sessions.begin() as session:
            try:
                key = api_tokens.create(session, me.id, str(form.get("ten_khoa") or ""))
            except accounts.AccountError as exc:
                raise WsError(str(exc))
            audit.record(session, me, "tai-khoan", f"Tạo khóa truy cập «{' '.join(str(form.get('ten_khoa')).split())[:120]}»")
        with sessions() as session:
            keys = api_tokens.of_user(session, me.id)
        return page(request, "workspace/keys.html", keys=keys, new_key=key)

    @app.post("/khong-gian/khoa-truy-cap/{key_id}/thu-hoi")
    async def api_key_revoke(request: Request, key_id: int):
        me = who(request)
        await form_checked(request, max_files=0)
        with sessions.begin() as session:
            if not api_tokens.revoke(session, me.id, key_id):
                raise WsError("Không có khóa này.", 404)
            audit.record(session, me, "tai-khoan", "Thu hồi một khóa truy cập")
        return RedirectResponse("/khong-gian/khoa-truy-cap", status_code=303)

    # --- administration -------------------------------------------------------------------------

    @app.get("/khong-gian/quan-tri", response_class=HTMLResponse)
    def admin(request: Request):
        with sessions() as session:
            unit_rows = list(session.scalars(select(UnitRow).order_by(UnitRow.level, UnitRow.id)))
            people = []
            for user in session.scalars(select(accounts.UserRow).order_by(accounts.UserRow.id)):
                acc = accounts.account(session, user.id)
                people.append({"user": user, "account": acc})
        return page(request, "workspace/admin.html", units=unit_rows, people=people,
                    provinces=units.load_provinces(), message=request.query_params.get("tb", ""))

    @app.post("/khong-gian/quan-tri/tinh")
    async def admin_province(request: Request):
        me = who(request)
        form = await form_checked(request, max_files=0)
        provinces = units.load_provinces()
        province = provinces.get(str(form.get("tinh") or ""))
        office = " ".join(str(form.get("co_quan") or "").split())
        if province is None or not office:
            raise WsError("Hãy chọn tỉnh và ghi tên cơ quan cấp tỉnh (vd. Sở Y tế tỉnh Nghệ An).")
        with sessions.begin() as session:
            head = accounts.add_unit(session, office, "sở" if office.lower().startswith("sở") else "tỉnh", "tinh",
                                     province.id, symbol=str(form.get("ky_hieu") or "KH-UBND")[:30])
            for commune in province.units:
                accounts.add_unit(session, commune.name, commune.kind, "xa", province.id, head)
            audit.record(session, me, "don-vi", f"Thêm {office} và {len(province.units)} đơn vị cấp xã của "
                                                 f"{province.name} (Nghị quyết {province.resolution})")
        return RedirectResponse("/khong-gian/quan-tri?tb=" + quote("Đã thêm các đơn vị."), status_code=303)

    @app.post("/khong-gian/quan-tri/nguoi-dung")
    async def admin_user(request: Request):
        me = who(request)
        form = await form_checked(request, max_files=0)
        roles = [str(r) for r in form.getlist("vai_tro")]
        try:
            unit_id = int(form.get("don_vi"))
        except (TypeError, ValueError):
            raise WsError("Hãy chọn đơn vị.")
        with sessions.begin() as session:
            unit = session.get(UnitRow, unit_id)
            if unit is None:
                raise WsError("Không có đơn vị này.")
            try:
                user = accounts.add_user(session, str(form.get("ten") or ""), str(form.get("ho_ten") or ""),
                                         str(form.get("mat_khau") or ""), unit, roles)
            except accounts.AccountError as exc:
                raise WsError(str(exc))
            audit.record(session, me, "tai-khoan", f"Tạo tài khoản {user.username} ({user.full_name}) — {unit.name}: "
                         + ", ".join(accounts.ROLES[r] for r in roles))
        return RedirectResponse("/khong-gian/quan-tri?tb=" + quote("Đã tạo tài khoản."), status_code=303)

    @app.get("/khong-gian/quan-tri/nhat-ky", response_class=HTMLResponse)
    def admin_audit_check(request: Request):
        """The same check as `kehoach audit verify`: the hash chain over every entry (administrators only)."""
        with sessions() as session:
            verdict = audit.verify(session)
        return page(request, "workspace/audit_check.html", verdict=verdict)

    @app.post("/khong-gian/quan-tri/tai-khoan")
    async def admin_account(request: Request):
        """Unlock a login, lock or reopen an account, change its roles: each ends the account's sessions if it must."""
        me = who(request)
        form = await form_checked(request, max_files=0)
        with sessions.begin() as session:
            try:
                done = accounts.administer(session, str(form.get("ten") or ""), str(form.get("viec") or ""),
                                           [str(r) for r in form.getlist("vai_tro")])
            except accounts.AccountError as exc:
                raise WsError(str(exc))
            audit.record(session, me, "tai-khoan", done, address=client_address(request.scope))
        return RedirectResponse("/khong-gian/quan-tri?tb=" + quote(done), status_code=303)


def day_from_form(text: str, label: str) -> date | None:
    """A day typed as ngày/tháng/năm (06/01/2026), or sent by a date picker (2026-01-06); None when empty."""
    text = text.strip()
    if not text:
        return None
    parts = text.replace(".", "/").replace("-", "/").split("/")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), int(parts[2]))
        if len(parts) == 3:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise WsError(f"{label} «{text[:20]}» không phải một ngày có thật; ghi theo kiểu ngày/tháng/năm, ví dụ 06/01/2026.")


def issue_day_fits(planned, day: date) -> bool:
    """The plan's own date ("2027", "03/2027", "15/03/2027") allows issuing on *day*."""
    if planned.year != day.year or (planned.month is not None and planned.month != day.month):
        return False
    return not planned.is_complete or planned.to_date() == day


def planned_words(planned) -> str:
    if planned.is_complete:
        return f"ngày {planned.day:02d}/{planned.month:02d}/{planned.year}"
    if planned.month is not None:
        return f"tháng {planned.month:02d}/{planned.year}"
    return f"năm {planned.year}"


def issue_refusal_words(finding, number: int) -> str:
    """What the issuing check found, told to the văn thư (the CLI's wording speaks of the file and its options)."""
    if finding.path == "document.number":
        return (f"Kế hoạch đã ghi sẵn một số khác số {number:02d} của sổ đăng ký. Trả lại để người soạn xóa số trong "
                "phần «Thông tin văn bản», rồi cấp số lại.")
    return finding.message[:1].upper() + finding.message[1:] + "."


def edit_refusal(access: Access, who: accounts.Account, plan_id: int) -> str | None:
    """Why *who* may not change the plan's content now (the API's rule, the same as the page's), or None."""
    exists, unit_id, row = access.plan_place(plan_id)
    if not exists or not access.visible(who, unit_id):
        return "Không tìm thấy kế hoạch này."
    if unit_id is not None and unit_id != who.unit_id:
        return "Kế hoạch này thuộc đơn vị khác; bạn chỉ được xem."
    return workflow.can_edit(who, row)


def core_lint(path: Path):
    from ..rules.docx import lint_docx

    return lint_docx(path)


def core_issued_copy(loaded, number: int, day: str):
    from ..lifecycle.issue import issued_copy

    return issued_copy(loaded, number, day)


def _safe_next(target: str) -> str:
    """Only our own pages after login (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/khong-gian"
    return target


def grant_application_role(session, role: str) -> None:
    """PostgreSQL: the application's role may read and write every table but only read and add to the audit log;
    the role that ran the migrations stays the owner (the only one who could drop a trigger or empty the log)."""
    import re

    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise SystemExit(f"Tên vai trò PostgreSQL '{role}' không hợp lệ (chữ thường không dấu, số, gạch dưới).")
    from sqlalchemy import text

    for statement in (f"GRANT USAGE ON SCHEMA public TO {role}",
                      f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                      f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ws_audit FROM {role}",
                      f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
                      f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"):
        session.execute(text(statement))


def bootstrap(url: str, province_id: str, office: str, admin_user: str, admin_name: str, admin_password: str,
              symbol: str = "KH-UBND", app_role: str | None = None) -> None:
    """First start of a province's workspace (and after each upgrade, run by the database owner): the province's
    units from the registry, one administrator, and on PostgreSQL the application role's rights."""
    from sqlalchemy import create_engine

    from .store import migrate

    migrate(url)
    engine_ = create_engine(url)
    sessions = sessionmaker(engine_)
    provinces = units.load_provinces()
    province = provinces.get(province_id)
    if province is None:
        raise SystemExit(f"Không có tỉnh '{province_id}' trong plans/registry/units/ (có: {', '.join(provinces)}).")
    with sessions.begin() as session:
        head = accounts.add_unit(session, office, "sở" if office.lower().startswith("sở") else "tỉnh", "tinh",
                                 province.id, symbol=symbol)
        for commune in province.units:
            accounts.add_unit(session, commune.name, commune.kind, "xa", province.id, head)
        if session.scalar(select(accounts.UserRow).where(accounts.UserRow.username == admin_user)) is None:
            accounts.add_user(session, admin_user, admin_name, admin_password, head, ["quan-tri"])
        if app_role and engine_.dialect.name == "postgresql":
            grant_application_role(session, app_role)
    engine_.dispose()


def factory():
    """For several server processes: `uvicorn --factory authoring.web.workspace_app:factory --workers 4`."""
    from .app import LOOPBACK_NAMES, create_app

    # The names the site answers to (Host header), e.g. KEHOACH_HOSTS=kehoach.syt.nghean.gov.vn behind the proxy.
    names = [n.strip() for n in os.environ.get("KEHOACH_HOSTS", "").split(",") if n.strip()]
    # Served under its own names, it sits behind the HTTPS proxy: the session cookie is Secure unless KEHOACH_HTTPS=0.
    https = os.environ.get("KEHOACH_HTTPS", "1" if names else "0") != "0"
    # One LibreOffice kept running (KEHOACH_WARM_OFFICE=0: none): «Xem trang in» and PDF downloads skip its start-up.
    warm = os.environ.get("KEHOACH_WARM_OFFICE", "1") != "0"
    return create_app(workspace=True, hosts=(names + LOOPBACK_NAMES) if names else None, https_only=https,
                      warm_office=warm)


def _main(argv: list[str] | None = None) -> int:
    """python -m authoring.web.workspace_app --tinh nghe-an --co-quan "Sở Y tế tỉnh Nghệ An" --quan-tri admin"""
    import argparse
    import getpass
    import sys

    from .store import default_url

    parser = argparse.ArgumentParser(description="Khởi tạo không gian làm việc của tỉnh: đơn vị và tài khoản quản trị.")
    parser.add_argument("--db", default=None, help="địa chỉ cơ sở dữ liệu (mặc định KEHOACH_DB hoặc SQLite)")
    parser.add_argument("--tinh", required=True, help="mã tỉnh trong plans/registry/units, vd. nghe-an")
    parser.add_argument("--co-quan", required=True, help="cơ quan cấp tỉnh, vd. 'Sở Y tế tỉnh Nghệ An'")
    parser.add_argument("--ky-hieu", default="KH-UBND")
    parser.add_argument("--quan-tri", required=True, help="tên đăng nhập của quản trị")
    parser.add_argument("--ho-ten", default="Quản trị hệ thống")
    parser.add_argument("--vai-tro-ung-dung", default=None,
                        help="PostgreSQL: vai trò mà máy chủ web dùng (chỉ được đọc và thêm vào nhật ký), vd. kehoach")
    args = parser.parse_args(argv)
    password = os.environ.get("KEHOACH_ADMIN_PASSWORD") or getpass.getpass("Mật khẩu quản trị (ít nhất 12 ký tự, không chứa tên đăng nhập): ")
    try:
        bootstrap(args.db or default_url(), args.tinh, args.co_quan, args.quan_tri, args.ho_ten, password, args.ky_hieu,
                  args.vai_tro_ung_dung)
    except accounts.AccountError as exc:
        print(f"Mật khẩu quản trị chưa dùng được: {exc}", file=sys.stderr)
        return 1
    print("Đã khởi tạo. Chạy: KEHOACH_WORKSPACE=1 kehoach serve")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
