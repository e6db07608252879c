"""The province's shared workspace on the page: its state (sessions, storage, access), templates and the steps its
routes share (login, workflow steps, signing, the board, batches); routes are in routes/workflow, board, administration."""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import aliased, sessionmaker
from starlette.middleware import Middleware

from ..loading import units
from ..workspace import accounts, audit, dashboard, unit_registry, workflow
from ..workspace.models import BatchRow, UnitRow, WorkflowRow, now
from ..loading import edit as yamledit
from ..text import vietnam_time, vietnam_today
from . import core, engine, fragments, workspace_batch
from .store import PlanRow, VersionRow
from .workspace_access import (
    Access, RequestContext, WorkspaceGuard, client_address, detail_summary, keep_coverage_on_save, plan_label,
    plan_visible, visible_filter, visible_unit,
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


class WorkspaceSite:
    """The workspace's shared steps over one server's *state* and its workspace storage."""

    def __init__(self, app, state, data_dir: Path, redis: str | None = None):
        sessions = sessionmaker(state.store.engine, expire_on_commit=False)
        storage = storage_root(data_dir)
        access = Access(sessions, storage)
        state.store.visible = plan_visible(access)
        state.store.save_hooks.append(keep_coverage_on_save)   # the board's coverage, in each save's transaction
        # Each of a process's users edits their own plan: keep two analyses (the version edited and the one saved)
        # for each of up to 50 users, so an edit does not re-read the plan it starts from.
        state.cache_limit = int(os.environ.get("KEHOACH_CACHE", "100"))
        app.state.filter_plans = visible_filter(access)
        app.state.edit_refusal = lambda who, plan_id: edit_refusal(access, who, plan_id)
        app.state.workspace = True
        batches_lock = threading.Lock()
        self.batches = workspace_batch.Launcher(sessions, storage, redis)
        self.batches.watch()

        templates = Jinja2Templates(directory=str(HERE / "templates"))
        templates.env.globals.update(STATES=workflow.STATES, ROLES=accounts.ROLES, CELL_LABELS=dashboard.CELL_LABELS, DEADLINE_LABELS=dashboard.DEADLINE_LABELS,
                                     CELL_MARKS=dashboard.CELL_MARKS, ACTIONS=audit.ACTIONS,
                                     ADMIN_ACTIONS=accounts.ADMIN_ACTIONS)
        templates.env.filters["local"] = vietnam_time

        self.app, self.state, self.redis, self.sessions, self.storage = app, state, redis, sessions, storage
        self.access, self.batches_lock, self.templates = access, batches_lock, templates
        app.user_middleware.append(Middleware(WorkspaceGuard, access=access, after=self.after_saves))
        app.state.api_step = self.api_step
        app.state.materialise_parent = self.materialise_parent
        state.unit_registry = self.registry_of_plan

    # --- each unit's own registry layer ----------------------------------------------------------

    def registry_of_plan(self, plan_id: int):
        """The registry a plan is checked against: the built-in one with the approved entries of its unit and of the
        units above it (None when they have none, so the built-in one is used as is)."""
        base = core.load_registry()
        unit, parent = aliased(UnitRow), aliased(UnitRow)
        with self.sessions() as session:
            # The plan's unit and the two above it in one query (a commune, its Sở, the province), then their entries.
            found = session.execute(select(PlanRow.unit_id, unit.parent_id, parent.parent_id)
                                    .outerjoin(unit, unit.id == PlanRow.unit_id)
                                    .outerjoin(parent, parent.id == unit.parent_id)
                                    .where(PlanRow.id == plan_id)).first()
            first = list(dict.fromkeys(i for i in (found or [])[:2] if i is not None))
            if found is None or found[0] is None or found[1] is None or found[2] is None:
                units = first
            else:
                units = unit_registry.lineage(session, found[2], first)
            registry = unit_registry.registry_for(session, base, None, units)
        return None if registry is base else registry

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        csrf = self.app.state.site.csrf_token(request)   # one token per browser session, shared with the editor's pages
        return self.templates.TemplateResponse(request, template, {"csrf": csrf, "me": self.who_or_none(request),
                                                              **context}, status_code=status)

    async def form_checked(self, request: Request, max_files: int = 2, max_fields: int = 200):
        form = await request.form(max_files=max_files, max_fields=max_fields, max_part_size=MAX_PDF + 1024)
        expected = request.session.get("csrf")
        sent = request.headers.get("x-csrf-token") or form.get("csrf")
        if not expected or not sent or not secrets.compare_digest(str(sent), str(expected)):
            raise WsError("Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang của kehoach. "
                          "Hãy tải lại trang rồi làm lại.", 403)
        return form

    def who_or_none(self, request: Request) -> accounts.Account | None:
        return request.scope.get("state", {}).get("account")

    def who(self, request: Request) -> accounts.Account:
        account = self.who_or_none(request)
        if account is None:
            raise WsError("Hãy đăng nhập.", 401)
        return account

    # --- after each request: the semantic diff of what it saved ---------------------------------
    # The entry of each save is written in the save's own transaction (workspace_access); the diff needs both
    # versions analysed, so it follows as a second entry. Lost in a crash, it can be made again from the versions.

    def after_request(self, ctx: RequestContext) -> None:
        for plan_id, number, _note in ctx.saved:
            if number > 1 and (plan_id, number) not in ctx.detailed:
                diff_lines = self.version_diff(plan_id, number - 1, number)
                with self.sessions.begin() as session:
                    plan = session.get(PlanRow, plan_id)
                    audit.record(session, ctx.account, "chi-tiet", detail_summary(number, plan_label(plan)), plan_id,
                                 number, diff=diff_lines, unit_id=plan.unit_id if plan else None, address=ctx.address)

    def version_diff(self, plan_id: int, a: int, b: int) -> list[str]:
        from .changes import diff_lines
        from .forms import AgencyNames

        try:
            first, second = self.state.analysis(plan_id, a), self.state.analysis(plan_id, b)
        except Exception:
            return []
        if first.loaded is None or second.loaded is None:
            return ["(một trong hai phiên bản còn lỗi định dạng nên chưa so sánh được nội dung)"]
        changes = core.semantic_diff(first.loaded, second.loaded)
        return diff_lines(changes, AgencyNames(self.state.registry, second.tree))

    def keep_board_current(self, ctx: RequestContext) -> None:
        """A commune plan's answers to its province plan's duties, recomputed once after its save (after the reply),
        so the province's board reads them instead of checking every commune when it opens."""
        for plan_id, number, _note in ctx.saved:
            if (plan_id, number) in ctx.checked:   # the save's own transaction kept them (coverage_on_save)
                continue
            with self.sessions() as session:
                flow = session.get(WorkflowRow, plan_id)
                plan = session.get(PlanRow, plan_id)
                stale = (flow is not None and flow.parent_plan_id is not None and plan is not None
                         and plan.head == number and flow.checked_version != number)
            if stale:
                self.refresh_cells(plan_id, number)

    def after_saves(self, ctx: RequestContext) -> None:
        self.after_request(ctx)
        self.keep_board_current(ctx)

    # --- the unit's plans ----------------------------------------------------------------------

    def plan_rows(self, me: accounts.Account) -> list[dict]:
        with self.sessions() as session:
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

    def work_of(self, me: accounts.Account, rows: list[dict]) -> list[tuple[str, list[dict]]]:
        """The plans waiting for *me*, by the step my roles take on them (draft, review, form check, sign, issue)."""
        waiting: dict[str, list[dict]] = {}
        for r in rows:
            for transition in (workflow.allowed(me, r["flow"]) if r["flow"] else []):
                # A head may review a draft directly, but it waits for them only once submitted.
                if transition.id != "tra-lai" and not (transition.id == "duyet" and r["flow"].state == "draft"):
                    waiting.setdefault(transition.id, []).append(r)
        return [(WORK_HEADINGS[t], waiting[t]) for t in WORK_HEADINGS if t in waiting]

    def overdue_of(self, me: accounts.Account, rows: list[dict]) -> list[dict]:
        """Own plans not issued by the deadline the province set, and provincial plans with communes overdue."""
        today = vietnam_today()
        out = []
        with self.sessions() as session:
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

    def load_flow(self, plan_id: int) -> tuple[PlanRow, WorkflowRow, UnitRow | None]:
        with self.sessions.begin() as session:
            plan = session.get(PlanRow, plan_id)
            if plan is None or plan.deleted:
                raise WsError("Không tìm thấy kế hoạch này.", 404)
            flow = workflow.ensure(session, plan_id, plan.unit_id)
            unit = session.get(UnitRow, flow.unit_id) if flow.unit_id else None
            return plan, flow, unit

    def plan_panel_context(self, request: Request, plan_id: int) -> dict:
        me = self.who(request)
        plan, flow, unit = self.load_flow(plan_id)
        with self.sessions() as session:
            log = audit.entries(session, plan_id=plan_id, limit=200)
            authors = {}
            for row in log:
                authors.setdefault(row.user_id, row.user_name)
            parent = session.get(PlanRow, flow.parent_plan_id) if flow.parent_plan_id else None
        analysis = self.state.analysis(plan_id, plan.head)
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
                if flow.number else "", "today": f"{vietnam_today():%d/%m/%Y}"}

    async def api_step(self, me: accounts.Account, plan_id: int, step: str, values: dict) -> dict:
        """A workflow step asked through the JSON API: the page's guards, register and audit; signing stays on the
        page (it needs the signed PDF or the certificate)."""
        from anyio import to_thread

        transition = workflow.TRANSITIONS.get(step)
        if transition is None:
            raise WsError("Không có bước này trong quy trình.", 404)
        if transition.id == "ky":
            raise WsError("Bước «Ký» làm trên trang: cần bản PDF đã ký số hoặc tệp chứng thư số.", 400)
        plan, flow, _unit = self.load_flow(plan_id)
        if not self.access.visible(me, plan.unit_id):
            raise WsError("Không tìm thấy kế hoạch này.", 404)
        facts, extra = await self.gather_facts(transition, plan, flow, values)
        await to_thread.run_sync(lambda: self.apply_step(me, plan, transition, facts, extra, values))
        _plan, flow, _unit = self.load_flow(plan_id)
        return {"buoc": workflow.state_label(flow.state), "so": flow.number,
                "ngay_ban_hanh": f"{flow.issued_on:%d/%m/%Y}" if flow.issued_on else None}

    async def gather_facts(self, transition, plan: PlanRow, flow: WorkflowRow, form) -> tuple[workflow.Facts, dict]:
        from anyio import to_thread

        analysis = self.state.analysis(plan.id, plan.head)
        facts = workflow.Facts(format_ok=analysis.format_ok, check_errors=analysis.counts()["error"])
        extra: dict = {}
        if transition.id == "kiem-tra-the-thuc" and analysis.format_ok:
            facts.lint_errors = await to_thread.run_sync(self.lint_errors, analysis)
        if transition.id == "ky":
            self.refuse_typed_number(analysis, flow)
            upload = form.get("ban_ky")
            p12 = form.get("chung_thu")
            if upload is not None and getattr(upload, "filename", ""):
                data = await upload.read(MAX_PDF + 1)
                if len(data) > MAX_PDF:
                    raise WsError("Tệp PDF quá lớn (tối đa 20 MB).", 413)
                facts.signed_pdf = data
                approved = await to_thread.run_sync(self.app.state.make_pdf, analysis.loaded) if analysis.format_ok else None
                facts.expected = self.expected_of(analysis, approved)
                extra["how"] = "tải lên bản đã ký số"
            elif p12 is not None and getattr(p12, "filename", ""):
                if not analysis.format_ok:
                    raise WsError("Kế hoạch còn lỗi định dạng nên chưa in ra PDF để ký được.")
                key = await p12.read(MAX_P12 + 1)
                if len(key) > MAX_P12:
                    raise WsError("Tệp chứng thư số quá lớn.", 413)
                password = str(form.get("mat_khau_chung_thu") or "")
                facts.signed_pdf = await to_thread.run_sync(self.sign_in_place, analysis, key, password)
                facts.expected = self.expected_of(analysis, None)   # signed here, from this version's own PDF
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

    def issued_of(self, plan_id: int) -> bool:
        """Whether the register gave this plan its number (step «Cấp số và ban hành»)."""
        with self.sessions() as session:
            flow = session.get(WorkflowRow, plan_id)
            return flow is not None and flow.number is not None

    def refuse_typed_number(self, analysis, flow: WorkflowRow) -> None:
        """Here a plan is issued when the register gave its number (flow.number, at «Cấp số và ban hành»): a number
        typed before that, with a full date or not, would sign a draft as if issued. Refused."""
        number = analysis.loaded.plan.document.number if analysis.format_ok else None
        if number is not None and flow.number is None:
            raise WsError(f"Chưa ký được: kế hoạch ghi sẵn số {number:02d} ở ô «Số» (phần «Thông tin văn bản») trong khi chưa ban "
                          "hành, nên bản in là bản «DỰ THẢO», không có số.", 409,
                          ["Xóa số ở ô «Số» rồi ký lại: số do văn thư cấp từ sổ đăng ký ở bước «Cấp số và ban hành»."])

    def lint_errors(self, analysis) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="kehoach-the-thuc-") as tmp:
            path = Path(tmp) / "ke-hoach.docx"
            path.write_bytes(core.render_docx(analysis.loaded))
            index = core_lint(path)
            return [f.message for f in index.sorted() if f.severity.value == "error"]

    def expected_of(self, analysis, approved: bytes | None):
        """What the signed PDF must match: this version's PDF (byte-stable, so its hash), its signer and issuer."""
        import hashlib

        from ..pdf.verify import Expected

        plan = analysis.loaded.plan
        return Expected(hashlib.sha256(approved).hexdigest() if approved else None,
                        plan.signature.name if plan.signature else None, plan.document.issuer.name)

    def sign_in_place(self, analysis, key: bytes, password: str) -> bytes:
        return self.sign_with_key(self.app.state.make_pdf(analysis.loaded), key, password, "bản PDF của kế hoạch")

    @staticmethod
    def sign_with_key(pdf: bytes, key: bytes, password: str, what: str) -> bytes:
        """*pdf* signed as the signer with an uploaded .p12, kept only in a private temporary folder while it signs."""
        from ..pdf.signing import sign_pdf

        with tempfile.TemporaryDirectory(prefix="kehoach-ky-") as tmp:
            p12 = Path(tmp) / "chung-thu.p12"
            p12.write_bytes(key)
            p12.chmod(0o600)
            try:
                return sign_pdf(pdf, p12, password or None, file=what).data
            except core.InputError as exc:
                raise WsError("Chưa ký được: " + "; ".join(f.message for f in exc.findings[:2]), 400)

    def sign_as_body(self, flow: WorkflowRow, key: bytes, password: str, number: int, day: date) -> str:
        """The signer's PDF signed by the body (ChuKyCoQuan), its blank số and ngày filled in the same revision
        (kehoach sign --field ChuKyCoQuan --number --date); stored beside it; returns its path inside storage."""
        from ..pdf.finishing import ORGAN_FIELD
        from ..pdf.issuing import IssueValues
        from ..pdf.signing import sign_pdf

        signed = safe_path(self.storage, *flow.signed_file.split("/"))
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

    def apply_step(self, me, plan: PlanRow, transition, facts: workflow.Facts, extra: dict, form):
        issued = None
        # What issuing reads from the store is read before the transaction: a request never holds one pooled
        # connection while waiting for a second (18 at once used to exhaust the pool and hang every user).
        base = (self.state.analysis(plan.id, plan.head), self.state.store.version(plan.id, plan.head).yaml_text) \
            if transition.id == "ban-hanh" else None
        with self.sessions.begin() as session:
            try:
                flow, before = workflow.take(session, me, plan.id, transition.id, facts)
            except workflow.WorkflowError as exc:
                raise WsError(exc.message, exc.status, exc.reasons)
            summary = transition.done
            if transition.id == "ky":
                name = f"v{plan.head}-{secrets.token_hex(6)}.pdf"
                folder = safe_path(self.storage, "ban-ky", str(plan.id))
                folder.mkdir(parents=True, exist_ok=True)
                target = safe_path(folder, name)
                target.write_bytes(facts.signed_pdf)
                flow.signed_file = f"ban-ky/{plan.id}/{name}"
                summary += f" ({extra.get('how', '')})"
            if transition.id == "ban-hanh":
                issued = self.issue(session, me, plan, flow, str(form.get("ngay") or ""), *base, bool(form.get("theo_ngay")))
                summary += f": số {issued[0]:02d}, ngày {issued[1]:%d/%m/%Y}" + (f" ({issued[2]})" if issued[2] else "")
                if "body_key" in extra:
                    # In the same transaction as the number: if the body's signature fails, the number is not used.
                    flow.signed_file = self.sign_as_body(flow, extra["body_key"], extra["body_password"], *issued[:2])
                    summary += " (số, ngày điền vào bản PDF đã ký; ký số của cơ quan)"
            audit.record(session, me, "ban-hanh" if transition.id == "ban-hanh" else "chuyen-buoc", summary, plan.id,
                         plan.head, state_from=before, state_to=flow.state, unit_id=flow.unit_id)
        return RedirectResponse(f"/khong-gian/ke-hoach/{plan.id}", status_code=303)

    def issue(self, session, me, plan: PlanRow, flow: WorkflowRow, wanted: str, analysis, base_text: str,
              follow_day: bool) -> tuple[int, date, str]:
        """Number from the unit's register for the year, the date; the plan saved with both (a new version).
        With *follow_day* the văn thư lets the chosen day replace a date the plan wrote differently ("2027")."""
        day = day_from_form(wanted, "Ngày ban hành") or vietnam_today()
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
        unit = session.get(UnitRow, flow.unit_id) if flow.unit_id else None
        register = f"sổ đăng ký văn bản đi của {unit.name if unit else me.unit_name}, {me.full_name}"
        try:
            record = core_issued_copy(loaded, number, day.isoformat(), register).plan.document.issued
        except core.InputError as exc:
            raise WsError("Chưa ban hành được.", 409, [issue_refusal_words(f, number) for f in exc.findings])

        def stamp(tree):
            document = tree["document"]
            document["number"] = number
            document["date"] = core.DateText(day.isoformat())
            mark_issued(document, number, record.date, record.by, record.digest)

        # The numbered version is saved in the same transaction as the register and the state: all or nothing.
        row = session.get(PlanRow, plan.id, with_for_update=True)
        if row.head != plan.head:
            raise WsError("Kế hoạch vừa được lưu ở nơi khác; hãy tải lại trang rồi làm lại.", 409)
        text = yamledit.transform(base_text, stamp)
        new = self.state.analyse(plan.id, text)
        session.add(VersionRow(plan_id=plan.id, number=row.head + 1, yaml_text=text,
                               note=f"Ban hành: số {number:02d}, ngày {day:%d/%m/%Y}", counts=new.counts(),
                               format_ok=new.format_ok))
        row.head += 1
        row.updated_at = now()
        session.flush()
        self.state.remember(plan.id, row.head, new)
        saved_number = row.head
        flow.number, flow.issued_on, flow.issued_version = number, day, saved_number
        return number, day, changed

    def plan_names(self, rows) -> dict[int, str]:
        ids = {r.plan_id for r in rows if r.plan_id}
        with self.sessions() as session:
            return {p.id: plan_label(p) for p in session.scalars(select(PlanRow).where(PlanRow.id.in_(ids)))} if ids else {}

    def export_audit(self, request: Request, me, rows, stem: str, kind: str) -> Response:
        if kind not in ("csv", "xlsx"):
            raise WsError("Không có loại tệp này.", 404)
        names = self.plan_names(rows)
        body = audit.to_csv(rows, names) if kind == "csv" else audit.to_xlsx(rows, plan_names=names)
        with self.sessions.begin() as session:
            audit.record(session, me, "xuat", f"Xuất nhật ký ({len(rows)} mục) ra tệp {kind.upper()}",
                         address=client_address(request.scope))
        if kind == "csv":
            return Response(body, media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'})
        return Response(body, media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})

    # --- province dashboard ---------------------------------------------------------------------

    def parent_file_name(self, plan_id: int) -> str:
        return f"ke-hoach-{plan_id}.yaml"

    def materialise_parent(self, plan_id: int) -> tuple[str, str]:
        """The provincial plan's newest text, as the file its communes' drafts name (in the check folder)."""
        row = self.state.store.version(plan_id)
        name = self.parent_file_name(plan_id)
        path = engine.workdir() / name
        if not path.is_file() or path.read_text(encoding="utf-8") != row.yaml_text:
            tmp = path.with_suffix(".tmp")
            tmp.write_text(row.yaml_text, encoding="utf-8")
            tmp.replace(path)
        return name, row.yaml_text

    def province_of(self, plan: PlanRow, unit: UnitRow | None, analysis) -> units.Province | None:
        provinces = units.load_provinces()
        if unit is not None and unit.province in provinces:
            return provinces[unit.province]
        doc = (analysis.tree or {}).get("document") or {}
        return units.find_province(str(doc.get("province") or ""), provinces)

    def build_dashboard(self, plan_id: int, me) -> tuple[dashboard.Dashboard, dict]:
        plan, flow, unit = self.load_flow(plan_id)
        analysis = self.state.analysis(plan_id, plan.head)
        if not analysis.format_ok:
            raise WsError("Kế hoạch tỉnh còn lỗi định dạng nên chưa lập được bảng theo dõi.")
        self.materialise_parent(plan_id)
        province = self.province_of(plan, unit, analysis)
        duties = dashboard.duties_for_communes(analysis.loaded, province)
        scope = dashboard.duty_scope(analysis.loaded, province)
        # Columns, not objects: a national roll-up has 3,321 children, and building ORM objects was most of the time.
        children_query = (
            select(WorkflowRow.plan_id, WorkflowRow.state, WorkflowRow.counts, WorkflowRow.number,
                   WorkflowRow.issued_on, WorkflowRow.checked_version, PlanRow.head, PlanRow.updated_at,
                   UnitRow.name.label("unit_name"), UnitRow.kind.label("unit_kind"))
            .join(PlanRow, PlanRow.id == WorkflowRow.plan_id).outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
            .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False)))
        with self.sessions() as session:
            children = list(session.execute(children_query))
        stale = [c for c in children if c.checked_version != c.head]
        for child in stale:  # saved before coverage was kept on save; every save since keeps it
            self.refresh_cells(child.plan_id, child.head)
        with self.sessions() as session:
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

    def refresh_cells(self, plan_id: int, head: int) -> None:
        analysis = self.state.analysis(plan_id, head)
        cells = dashboard.cells_of(analysis.loaded, analysis.coverage) if analysis.format_ok else {}
        with self.sessions.begin() as session:
            dashboard.keep_coverage(session, session.get(WorkflowRow, plan_id), head, cells, analysis.counts())

    def progress_html(self, batch_id: int) -> str:
        with self.sessions() as session:
            batch = session.get(BatchRow, batch_id)
        if batch is None:
            return ""
        finished = batch.state != "running"
        percent = int(100 * (batch.done + batch.failed) / batch.total) if batch.total else 100
        way = "hàng đợi xử lý nền" if batch.backend == "rq" else "các tiến trình trên máy chủ"
        doing = "Đang xuất PDF" if batch.kind == "pdf" else "Đang lập"
        status = ("Đã xong" if batch.state == "finished" else "Dừng vì lỗi") if finished else doing
        return fragments.render("progress", batch=batch, finished=finished, percent=percent, way=way, status=status,
                                messages=(batch.messages or [])[:20])


def ws_of(request) -> WorkspaceSite:
    """The workspace of the application serving *request*."""
    return request.app.state.workspace_site


def install(app, state, data_dir: Path, redis: str | None = None) -> None:
    """Mount the workspace on the web application *app* whose storage and caches are *state*."""
    from .routes import reports as reports_pages
    from .routes import administration, board, errors, workflow

    site = app.state.workspace_site = WorkspaceSite(app, state, data_dir, redis)
    app.state.site.issued_of = site.issued_of   # the register, not a typed number, makes a plan issued here
    app.add_exception_handler(WsError, errors.workspace_error)
    app.state.reports = reports_pages.Helpers(state, site.sessions, site.access, site.page, site.who, site.form_checked,
                                              WsError, client_address, site)
    for router in (administration.router, workflow.router, board.router, reports_pages.router):
        app.include_router(router)


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


def core_issued_copy(loaded, number: int, day: str, by: str):
    from ..lifecycle.issue import issued_copy

    return issued_copy(loaded, number, day, by)


def mark_issued(document, number: int, when, by: str, digest: str) -> None:
    from ..lifecycle.issue import mark_issued as mark

    mark(document, number, when, by, digest)


def _safe_next(target: str) -> str:
    """Only our own pages after login (no open redirect)."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/khong-gian"
    return target
