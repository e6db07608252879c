"""Who is asking, and may they: the workspace's request guard (login, unit scoping, workflow locks) and the hooks
that stamp plans and versions with their unit and author and feed the audit log.

A pure ASGI middleware placed inside the session middleware: it reads the session, loads the account, refuses what
the account may not do, and after the request writes an audit entry (with the semantic diff) for every version the
request saved.
"""

from __future__ import annotations

import contextvars
import ipaddress
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, object_session

from ..workspace import accounts, logins, workflow
from ..workspace.models import UnitRow, WorkflowRow
from . import fragments
from .store import PlanRow, VersionRow


@dataclass
class RequestContext:
    account: accounts.Account | None
    address: str = ""
    saved: list[tuple[int, int, str]] = field(default_factory=list)   # (plan_id, version, note) saved by the request
    created: list[int] = field(default_factory=list)                 # plan ids created by the request
    detailed: set[tuple[int, int]] = field(default_factory=set)      # (plan_id, version) whose detail entry is written
    checked: set[tuple[int, int]] = field(default_factory=set)       # (plan_id, version) whose board answers are kept


CURRENT: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("kehoach_workspace", default=None)


@event.listens_for(PlanRow, "before_insert")
def _stamp_plan(_mapper, _connection, target: PlanRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None and ctx.account is not None:
        if target.unit_id is None:
            target.unit_id = ctx.account.unit_id
        if target.owner_id is None:
            target.owner_id = ctx.account.id


def _pending(target) -> list | None:
    """The audit work waiting for the end of the flush of *target*'s session (None outside a logged-in request)."""
    ctx = CURRENT.get()
    session = object_session(target)
    if ctx is None or ctx.account is None or session is None:
        return None
    return session.info.setdefault("ws_pending", [])


@event.listens_for(PlanRow, "after_insert")
def _note_plan(_mapper, _connection, target: PlanRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None:
        ctx.created.append(target.id)
    pending = _pending(target)
    if pending is not None:
        pending.append(("plan", target.id, target.unit_id))


@event.listens_for(PlanRow, "after_update")
def _note_plan_change(_mapper, _connection, target: PlanRow) -> None:
    pending = _pending(target)
    history = inspect(target).attrs.deleted.history
    if pending is not None and history.has_changes():
        pending.append(("deleted", target.id, bool(target.deleted)))


@event.listens_for(VersionRow, "before_insert")
def _stamp_version(_mapper, _connection, target: VersionRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None and ctx.account is not None and target.author_id is None:
        target.author_id = ctx.account.id


@event.listens_for(VersionRow, "after_insert")
def _note_version(_mapper, _connection, target: VersionRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None:
        ctx.saved.append((target.plan_id, target.number, target.note or ""))
    pending = _pending(target)
    if pending is not None:
        pending.append(("version", target.plan_id, target.number, target.note or "", target.diff_lines))


@event.listens_for(VersionRow, "after_update")
def _note_version_name(_mapper, _connection, target: VersionRow) -> None:
    pending = _pending(target)
    if pending is not None and inspect(target).attrs.name.history.has_changes():
        pending.append(("name", target.plan_id, target.number, target.name or ""))


def keep_coverage_on_save(session, plan_id: int, number: int, analysis) -> None:
    """Store hook: the board's answers of a saved commune plan, in the save's transaction (dashboard.coverage_on_save);
    the request then need not look again after its reply."""
    from ..workspace import dashboard

    dashboard.coverage_on_save(session, plan_id, number, analysis)
    ctx = CURRENT.get()
    if ctx is not None:
        ctx.checked.add((plan_id, number))


def plan_label(plan: PlanRow | None) -> str:
    """A plan as people name it: its title and issuer, never its database id."""
    if plan is None:
        return "kế hoạch đã xóa"
    title = " ".join((plan.title or "").split())[:200] or "Kế hoạch chưa có tên"
    issuer = " ".join((plan.issuer or "").split())[:120]
    return f"«{title}»" + (f" của {issuer}" if issuer else "")


def detail_summary(number: int, label: str) -> str:
    """The summary of an edit's detail entry (the semantic diff of version *number* against the one before)."""
    return f"Thay đổi nội dung của phiên bản {number}, kế hoạch {label}"


@event.listens_for(Session, "after_flush_postexec")
def _audit_in_transaction(session: Session, _flush_context) -> None:
    """The audit entry of a save, creation, deletion or naming joins the transaction of that change: both are
    committed, or neither (a kill between the two cannot leave a confirmed version without its entry)."""
    pending = session.info.pop("ws_pending", None)
    ctx = CURRENT.get()
    if not pending or ctx is None or ctx.account is None:
        return
    from ..workspace import audit

    who, address = ctx.account, ctx.address
    entries = []   # written together: one statement from the chain's lock to COMMIT (audit.record_all)
    for kind, plan_id, *rest in pending:
        plan = session.get(PlanRow, plan_id)
        unit_id = plan.unit_id if plan is not None else None
        label = plan_label(plan)
        if kind == "plan":
            if session.get(WorkflowRow, plan_id) is None and not any(
                    isinstance(o, WorkflowRow) and o.plan_id == plan_id for o in session.new):
                session.add(WorkflowRow(plan_id=plan_id, unit_id=rest[0], state="draft"))
        elif kind == "version":
            number, note, diff = rest
            action = "tao" if number == 1 else "sua"
            summary = (f"Tạo kế hoạch {label}" if number == 1 else f"Sửa kế hoạch {label}, phiên bản {number}")
            entries.append(audit.entry(who, action, summary + (f": {note}" if note else ""), plan_id, number,
                                       unit_id=unit_id, address=address))
            if number > 1 and diff is not None:
                # The save already made its semantic diff: its detail entry joins the same transaction (no second
                # transaction, chain lock and diff after the reply).
                entries.append(audit.entry(who, "chi-tiet", detail_summary(number, label), plan_id, number,
                                           diff=diff, unit_id=unit_id, address=address))
                ctx.detailed.add((plan_id, number))
        elif kind == "deleted":
            gone = rest[0]
            entries.append(audit.entry(who, "xoa" if gone else "khoi-phuc",
                                       f"{'Xóa' if gone else 'Khôi phục'} kế hoạch {label}", plan_id,
                                       unit_id=unit_id, address=address))
        elif kind == "name":
            number, name = rest
            entries.append(audit.entry(who, "dat-ten", f"Đặt tên phiên bản {number} của kế hoạch {label}: «{name}»"
                                       if name else f"Bỏ tên phiên bản {number} của kế hoạch {label}", plan_id,
                                       number, unit_id=unit_id, address=address))
    if entries:
        audit.record_all(session, entries, flush=False)


PUBLIC = ("/dang-nhap", "/tinh/", "/favicon.ico", "/api/v1/openapi.json")
API = "/api/"
API_REFUSED = ('{"loi": "Thiếu khóa truy cập hoặc khóa không còn dùng được. Gửi tiêu đề Authorization: Bearer <khóa>; '
               'tạo khóa ở trang «Khóa truy cập» sau khi đăng nhập."}').encode("utf-8")
# Downloads of a plan's content (Word, PDF, YAML, the signed copy, the communes' PDFs, the dashboard): each is logged.
EXPORT_PATH = re.compile(r"^/(?:ke-hoach/(\d+)/tai/([a-z-]+)|khong-gian/ke-hoach/(\d+)/(ban-ky)"
                         r"|khong-gian/tinh/(\d+)/(pdf-xa\.zip|bang\.[a-z]+))$")
EXPORT_WHAT = {"ban-ky": "bản đã ký", "pdf-xa.zip": "PDF của các xã (.zip)"}
PLAN_PATH = re.compile(r"^/ke-hoach/(\d+)(/[^/]*)?")
WS_PLAN_PATH = re.compile(r"^/khong-gian/(?:ke-hoach|tinh)/(\d+)")


class Access:
    """Everything the guard needs from the running application."""

    def __init__(self, sessions, storage):
        self.sessions = sessions
        self.storage = storage

    def account(self, token) -> tuple[accounts.Account, str] | None:
        """The account and session id of the browser's session token, if that session is still open."""
        with self.sessions() as session:
            return logins.resolve(session, token)

    def key_account(self, authorization: str) -> accounts.Account | None:
        from ..workspace import api_tokens

        with self.sessions.begin() as session:
            return api_tokens.account_for(session, authorization)

    def plan_place(self, plan_id: int) -> tuple[bool, int | None, WorkflowRow | None]:
        """(exists, unit id, workflow row) of a plan."""
        with self.sessions() as session:
            found = session.execute(select(PlanRow.deleted, PlanRow.unit_id, WorkflowRow)
                                    .outerjoin(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
                                    .where(PlanRow.id == plan_id)).first()
            if found is None or found[0]:
                return False, None, None
            return True, found[1], found[2]

    def log_export(self, who: accounts.Account, address: str, plan_id: int, what: str) -> None:
        from ..workspace import audit

        with self.sessions.begin() as session:
            plan = session.get(PlanRow, plan_id)
            audit.record(session, who, "xuat", f"Tải {what} của kế hoạch {plan_label(plan)}", plan_id,
                         plan.head if plan else None, unit_id=plan.unit_id if plan else None, address=address)

    def visible(self, who: accounts.Account, unit_id: int | None, session=None) -> bool:
        """Whether *who* may see a plan of *unit_id*; inside an open *session*, read with it (a request never holds
        one pooled connection while waiting for a second: with a small pool, that deadlocks)."""
        if (who.has("quan-tri") or who.province_wide) and not who.has("quan-tri") and unit_id is not None:
            if session is not None:
                return visible_unit(who, unit_id, session.get(UnitRow, unit_id))
            with self.sessions() as own:
                return visible_unit(who, unit_id, own.get(UnitRow, unit_id))
        return visible_unit(who, unit_id, None)


def visible_unit(who: accounts.Account, unit_id: int | None, unit: UnitRow | None) -> bool:
    """Whether *who* may see the plans of unit *unit_id*, whose row *unit* a list has already loaded (no query)."""
    if who.has("quan-tri") or who.province_wide:
        if who.has("quan-tri") or unit_id is None:
            return True
        return unit is not None and (unit.province == who.province or unit.id == who.unit_id)
    return unit_id == who.unit_id


def _html(status: int, message: str, htmx: bool) -> tuple[int, list, bytes]:
    if htmx:
        body = fragments.render("alert", message=message)
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"hx-reswap", b"none")]
    else:
        body = fragments.render("bare_error", message=message)
        headers = [(b"content-type", b"text/html; charset=utf-8")]
    return status, headers, body.encode("utf-8")


NOT_FOUND = "Không tìm thấy trang hoặc kế hoạch này."


def trusted_proxies() -> list:
    """KEHOACH_TRUSTED_PROXIES: addresses or networks of the reverse proxies whose X-Forwarded-For is believed."""
    nets = []
    for part in os.environ.get("KEHOACH_TRUSTED_PROXIES", "").split(","):
        if part.strip():
            nets.append(ipaddress.ip_network(part.strip(), strict=False))
    return nets


def _trusted(address: str, nets: list) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in nets)


def client_address(scope, nets: list | None = None) -> str:
    """The real client: the peer, unless the peer is a trusted proxy; then the last X-Forwarded-For hop that is not
    one (what a client writes in the header itself sits further left and is never believed)."""
    peer = (scope.get("client") or ("?", 0))[0] or "?"
    nets = trusted_proxies() if nets is None else nets
    if not nets or not _trusted(peer, nets):
        return peer[:64]
    forwarded = [v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"x-forwarded-for"]
    hops = [h.strip() for h in ",".join(forwarded).split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, nets):
            return hop[:64]
    return peer[:64]


# Requests of one account running at once in one server process: a browser needs 2–3 (a page, its panel, a poll);
# more means a script, and one account must not take the whole thread pool (40 threads) from everyone else.
PER_ACCOUNT = 6


class WorkspaceGuard:
    """ASGI middleware: login required, plans scoped to units, edits only in the draft step by editors."""

    def __init__(self, app, access: Access, after):
        self.app = app
        self.access = access
        self.after = after   # callable(ctx) run after the request, in a worker thread
        self.running: dict[int, int] = {}   # account id → its requests in progress (one event loop: no lock needed)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path.startswith(PUBLIC):
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        htmx = headers.get("hx-request") == "true"
        method = scope["method"]
        session = scope.get("session") or {}
        from anyio import to_thread

        if path.startswith(API):   # scripts and other systems: an access key, never the browser's cookie (no CSRF)
            who = await to_thread.run_sync(self.access.key_account, headers.get("authorization", ""))
            if who is None:
                return await self._send(send, 401, [(b"content-type", b"application/json"),
                                                    (b"www-authenticate", b"Bearer")], API_REFUSED)
            session_id = None
        else:
            found = await to_thread.run_sync(self.access.account, session.get("phien"))
            who, session_id = found if found else (None, None)
        if who is None:
            if method == "GET" and not htmx:
                target = quote(path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""))
                return await self._send(send, 303, [(b"location", f"/dang-nhap?tiep={target}".encode())], b"")
            return await self._send(send, *_html(401, "Phiên đăng nhập đã hết; hãy đăng nhập lại.", htmx))
        scope.setdefault("state", {})["account"] = who
        scope["state"]["session_id"] = session_id
        refusal = await to_thread.run_sync(self._refusal, who, path, method)
        if refusal is not None:
            return await self._send(send, *_html(refusal[0], refusal[1], htmx))
        if self.running.get(who.id, 0) >= PER_ACCOUNT:
            return await self._send(send, *_html(429, "Tài khoản của bạn đang có quá nhiều yêu cầu cùng lúc; hãy chờ "
                                                      "vài giây rồi làm lại.", htmx))
        self.running[who.id] = self.running.get(who.id, 0) + 1
        try:
            ctx = await self._guarded(scope, receive, send, who, path, method)
        finally:
            self._release(who.id)
        if ctx.saved:
            # The answer is sent and the account's slot given back; the diff entry of what it saved follows.
            # Shielded: a browser that closes right after its save must not cancel the audit entry of that save.
            from anyio import CancelScope

            with CancelScope(shield=True):
                await to_thread.run_sync(self.after, ctx)

    def _release(self, account_id: int) -> None:
        if account_id in self.running:
            self.running[account_id] -= 1
            if not self.running[account_id]:
                del self.running[account_id]

    async def _guarded(self, scope, receive, send, who, path: str, method: str) -> RequestContext:
        from anyio import to_thread

        ctx = RequestContext(who, client_address(scope))
        token = CURRENT.set(ctx)
        export = EXPORT_PATH.match(path) if method == "GET" else None
        status = []

        async def watched(message):
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, watched if export else send)
        finally:
            CURRENT.reset(token)
        if export and status and status[0] == 200:
            plan_id, what = next((int(export.group(i)), export.group(i + 1)) for i in (1, 3, 5) if export.group(i))
            await to_thread.run_sync(self.access.log_export, who, ctx.address, plan_id, EXPORT_WHAT.get(what, what))
        return ctx

    def _refusal(self, who: accounts.Account, path: str, method: str) -> tuple[int, str] | None:
        match = PLAN_PATH.match(path) or WS_PLAN_PATH.match(path)
        if match:
            if len(match.group(1)) > 9:
                return 404, NOT_FOUND   # beyond any id the database holds (a huge number used to answer 500)
            exists, unit_id, row = self.access.plan_place(int(match.group(1)))
            if not exists or not self.access.visible(who, unit_id):
                return 404, NOT_FOUND   # another unit's plan is not there at all for this user
            # Every POST under /ke-hoach/<id>/ changes the plan (routes added later included): editors, draft only.
            if method == "POST" and match.re is PLAN_PATH:
                if unit_id is None:
                    # A plan from a single-user database belongs to no unit: nobody edits it until one is given.
                    return 403, "Kế hoạch này chưa thuộc đơn vị nào; hãy nhờ quản trị gán đơn vị trước khi sửa."
                if unit_id != who.unit_id:
                    return 403, "Kế hoạch này thuộc đơn vị khác; bạn chỉ được xem."
                reason = workflow.can_edit(who, row)
                if reason:
                    return 409 if row is not None and row.state not in workflow.EDITABLE else 403, reason
        if method == "POST" and path.startswith("/tao/") and not any(who.has(r) for r in workflow.EDITOR_ROLES):
            return 403, "Chỉ chuyên viên soạn thảo và lãnh đạo đơn vị tạo được kế hoạch mới."
        if path.startswith("/khong-gian/quan-tri") and not who.has("quan-tri"):
            return 404, NOT_FOUND
        return None

    @staticmethod
    async def _send(send, status: int, headers: list, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def visible_filter(access: Access):
    """For the web's plan list: only plans of units the logged-in user may see."""

    def keep(plans: list[PlanRow]) -> list[PlanRow]:
        ctx = CURRENT.get()
        if ctx is None or ctx.account is None:
            return plans
        return [p for p in plans if access.visible(ctx.account, p.unit_id)]

    return keep


def plan_visible(access: Access):
    """For the web store's single-plan lookups (e.g. a plan id sent in a form): invisible means absent."""

    def check(row: PlanRow) -> bool:
        ctx = CURRENT.get()
        if ctx is None or ctx.account is None:
            return True
        return access.visible(ctx.account, row.unit_id)

    return check


def session_for(engine) -> Session:
    return Session(engine)
