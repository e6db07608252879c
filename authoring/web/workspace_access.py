"""Who is asking, and may they: the workspace's request guard (login, unit scoping, workflow locks) and the hooks
that stamp plans and versions with their unit and author and feed the audit log.

A pure ASGI middleware placed inside the session middleware: it reads the session, loads the account, refuses what
the account may not do, and after the request writes an audit entry (with the semantic diff) for every version the
request saved.
"""

from __future__ import annotations

import contextvars
import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..workspace import accounts, workflow
from ..workspace.models import UnitRow, WorkflowRow
from .store import PlanRow, VersionRow


@dataclass
class RequestContext:
    account: accounts.Account | None
    saved: list[tuple[int, int, str]] = field(default_factory=list)   # (plan_id, version, note) saved by the request
    created: list[int] = field(default_factory=list)                 # plan ids created by the request


CURRENT: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("kehoach_workspace", default=None)


@event.listens_for(PlanRow, "before_insert")
def _stamp_plan(_mapper, _connection, target: PlanRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None and ctx.account is not None:
        if target.unit_id is None:
            target.unit_id = ctx.account.unit_id
        if target.owner_id is None:
            target.owner_id = ctx.account.id


@event.listens_for(PlanRow, "after_insert")
def _note_plan(_mapper, _connection, target: PlanRow) -> None:
    ctx = CURRENT.get()
    if ctx is not None:
        ctx.created.append(target.id)


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


PUBLIC = ("/dang-nhap", "/tinh/", "/favicon.ico", "/api/v1/openapi.json")
API = "/api/"
API_REFUSED = ('{"loi": "Thiếu khóa truy cập hoặc khóa không còn dùng được. Gửi tiêu đề Authorization: Bearer <khóa>; '
               'tạo khóa ở trang «Khóa truy cập» sau khi đăng nhập."}').encode("utf-8")
PLAN_PATH = re.compile(r"^/ke-hoach/(\d+)(/[^/]*)?")
WS_PLAN_PATH = re.compile(r"^/khong-gian/(?:ke-hoach|tinh)/(\d+)")


class Access:
    """Everything the guard needs from the running application."""

    def __init__(self, sessions, storage):
        self.sessions = sessions
        self.storage = storage

    def account(self, user_id) -> accounts.Account | None:
        if not isinstance(user_id, int):
            return None
        with self.sessions() as session:
            return accounts.account(session, user_id)

    def key_account(self, authorization: str) -> accounts.Account | None:
        from ..workspace import api_tokens

        with self.sessions.begin() as session:
            return api_tokens.account_for(session, authorization)

    def plan_place(self, plan_id: int) -> tuple[bool, int | None, WorkflowRow | None]:
        """(exists, unit id, workflow row) of a plan."""
        with self.sessions() as session:
            plan = session.get(PlanRow, plan_id)
            if plan is None or plan.deleted:
                return False, None, None
            return True, plan.unit_id, session.get(WorkflowRow, plan_id)

    def visible(self, who: accounts.Account, unit_id: int | None) -> bool:
        if who.has("quan-tri") or who.province_wide:
            if who.has("quan-tri") or unit_id is None:
                return True
            with self.sessions() as session:
                unit = session.get(UnitRow, unit_id)
                return unit is not None and (unit.province == who.province or unit.id == who.unit_id)
        return unit_id == who.unit_id


def _html(status: int, message: str, htmx: bool) -> tuple[int, list, bytes]:
    text = html.escape(message)
    if htmx:
        body = (f'<div id="alert" hx-swap-oob="true" class="alert loi" role="alert">{text}'
                f'<button type="button" class="close" onclick="this.parentElement.className=\'alert hidden\'">Đóng</button></div>')
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"hx-reswap", b"none")]
    else:
        body = ('<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>kehoach</title>'
                '<link rel="stylesheet" href="/tinh/app.css"></head><body><header class="top"><a href="/" class="brand">'
                'kehoach</a></header><main><section class="card"><h1>Không thực hiện được</h1>'
                f'<p class="alert loi">{text}</p><p><a href="/khong-gian">Về trang làm việc</a></p></section></main></body></html>')
        headers = [(b"content-type", b"text/html; charset=utf-8")]
    return status, headers, body.encode("utf-8")


NOT_FOUND = "Không tìm thấy trang hoặc kế hoạch này."


class WorkspaceGuard:
    """ASGI middleware: login required, plans scoped to units, edits only in the draft step by editors."""

    def __init__(self, app, access: Access, after):
        self.app = app
        self.access = access
        self.after = after   # callable(ctx) run after the request, in a worker thread

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
        else:
            who = await to_thread.run_sync(self.access.account, session.get("nguoi_dung"))
        if who is None:
            if method == "GET" and not htmx:
                target = quote(path + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else ""))
                return await self._send(send, 303, [(b"location", f"/dang-nhap?tiep={target}".encode())], b"")
            return await self._send(send, *_html(401, "Phiên đăng nhập đã hết; hãy đăng nhập lại.", htmx))
        scope.setdefault("state", {})["account"] = who
        refusal = await to_thread.run_sync(self._refusal, who, path, method)
        if refusal is not None:
            return await self._send(send, *_html(refusal[0], refusal[1], htmx))
        ctx = RequestContext(who)
        token = CURRENT.set(ctx)
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)
        if ctx.saved or ctx.created:
            # Shielded: a browser that closes right after its save must not cancel the audit entry of that save.
            from anyio import CancelScope

            with CancelScope(shield=True):
                await to_thread.run_sync(self.after, ctx)

    def _refusal(self, who: accounts.Account, path: str, method: str) -> tuple[int, str] | None:
        match = PLAN_PATH.match(path) or WS_PLAN_PATH.match(path)
        if match:
            exists, unit_id, row = self.access.plan_place(int(match.group(1)))
            if not exists or not self.access.visible(who, unit_id):
                return 404, NOT_FOUND   # another unit's plan is not there at all for this user
            # Every POST under /ke-hoach/<id>/ changes the plan (routes added later included): editors, draft only.
            if method == "POST" and match.re is PLAN_PATH:
                if unit_id is not None and unit_id != who.unit_id:
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
