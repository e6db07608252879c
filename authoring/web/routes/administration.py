"""Routes of accounts and administration: login, sessions, passwords, access keys, units and users."""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select

from ...loading import units
from ...workspace import accounts, api_tokens, audit, logins
from ...workspace.models import UnitRow
from ..workspace_access import client_address
from ..workspace_site import WsError, _safe_next, ws_of

router = APIRouter()

# --- login ---------------------------------------------------------------------------------


@router.get("/dang-nhap", response_class=HTMLResponse)
def login_page(request: Request, tiep: str = "/khong-gian"):
    ws = ws_of(request)
    return ws.page(request, "workspace/login.html", next=_safe_next(tiep), error=None)


@router.post("/dang-nhap")
async def login(request: Request):
    ws = ws_of(request)
    form = await ws.form_checked(request, max_files=0)
    username, password = str(form.get("ten") or "")[:200], str(form.get("mat_khau") or "")[:1000]
    address = client_address(request.scope)
    target = _safe_next(str(form.get("tiep") or "/khong-gian"))
    from anyio import to_thread

    def attempt():
        with ws.sessions() as session:
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
        return ws.page(request, "workspace/login.html", 401, next=target, error=str(exc))
    request.session.clear()   # a new session at login: no fixation
    request.session["phien"] = token
    request.session["csrf"] = secrets.token_urlsafe(24)
    return RedirectResponse(target, status_code=303)


@router.post("/dang-xuat")
async def logout(request: Request):
    ws = ws_of(request)
    await ws.form_checked(request, max_files=0)
    me, sid = ws.who_or_none(request), request.scope.get("state", {}).get("session_id")
    if me is not None and sid:
        with ws.sessions.begin() as session:
            logins.end(session, sid)
            audit.record(session, me, "dang-xuat", "Đăng xuất", address=client_address(request.scope))
    request.session.clear()
    return RedirectResponse("/dang-nhap", status_code=303)


@router.get("/khong-gian/phien", response_class=HTMLResponse)
def my_sessions(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        rows = logins.open_sessions(session, me.id)
    return ws.page(request, "workspace/sessions.html", rows=rows, current=request.state.session_id,
                message=request.query_params.get("tb", ""))


@router.post("/khong-gian/phien/ket-thuc")
async def end_my_session(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    with ws.sessions.begin() as session:
        if not logins.end(session, str(form.get("phien") or "")[:64], me.id):
            raise WsError("Phiên này đã kết thúc hoặc không phải của bạn; hãy tải lại trang.", 404)
        audit.record(session, me, "dang-xuat", "Kết thúc một phiên đăng nhập khác", address=client_address(request.scope))
    return RedirectResponse("/khong-gian/phien?tb=" + quote("Đã kết thúc phiên đó."), status_code=303)


@router.post("/khong-gian/mat-khau")
async def change_my_password(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    old, new = str(form.get("mat_khau_cu") or "")[:1000], str(form.get("mat_khau_moi") or "")[:1000]
    from anyio import to_thread

    def change():
        with ws.sessions.begin() as session:
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

# --- access keys of the JSON API ------------------------------------------------------------


@router.get("/khong-gian/khoa-truy-cap", response_class=HTMLResponse)
def api_keys(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        keys = api_tokens.of_user(session, me.id)
    return ws.page(request, "workspace/keys.html", keys=keys, new_key=None)


@router.post("/khong-gian/khoa-truy-cap")
async def api_key_new(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    with ws.sessions.begin() as session:
        try:
            key = api_tokens.create(session, me.id, str(form.get("ten_khoa") or ""))
        except accounts.AccountError as exc:
            raise WsError(str(exc))
        audit.record(session, me, "tai-khoan", f"Tạo khóa truy cập «{' '.join(str(form.get('ten_khoa')).split())[:120]}»")
    with ws.sessions() as session:
        keys = api_tokens.of_user(session, me.id)
    return ws.page(request, "workspace/keys.html", keys=keys, new_key=key)


@router.post("/khong-gian/khoa-truy-cap/{key_id}/thu-hoi")
async def api_key_revoke(request: Request, key_id: int):
    ws = ws_of(request)
    me = ws.who(request)
    await ws.form_checked(request, max_files=0)
    with ws.sessions.begin() as session:
        if not api_tokens.revoke(session, me.id, key_id):
            raise WsError("Không có khóa này.", 404)
        audit.record(session, me, "tai-khoan", "Thu hồi một khóa truy cập")
    return RedirectResponse("/khong-gian/khoa-truy-cap", status_code=303)

# --- administration -------------------------------------------------------------------------


@router.get("/khong-gian/quan-tri", response_class=HTMLResponse)
def admin(request: Request):
    ws = ws_of(request)
    with ws.sessions() as session:
        unit_rows = list(session.scalars(select(UnitRow).order_by(UnitRow.level, UnitRow.id)))
        people = []
        for user in session.scalars(select(accounts.UserRow).order_by(accounts.UserRow.id)):
            acc = accounts.account(session, user.id)
            people.append({"user": user, "account": acc})
    return ws.page(request, "workspace/admin.html", units=unit_rows, people=people,
                provinces=units.load_provinces(), message=request.query_params.get("tb", ""))


@router.post("/khong-gian/quan-tri/tinh")
async def admin_province(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    provinces = units.load_provinces()
    province = provinces.get(str(form.get("tinh") or ""))
    office = " ".join(str(form.get("co_quan") or "").split())
    if province is None or not office:
        raise WsError("Hãy chọn tỉnh và ghi tên cơ quan cấp tỉnh (vd. Sở Y tế tỉnh Nghệ An).")
    with ws.sessions.begin() as session:
        head = accounts.add_unit(session, office, "sở" if office.lower().startswith("sở") else "tỉnh", "tinh",
                                 province.id, symbol=str(form.get("ky_hieu") or "KH-UBND")[:30])
        for commune in province.units:
            accounts.add_unit(session, commune.name, commune.kind, "xa", province.id, head)
        audit.record(session, me, "don-vi", f"Thêm {office} và {len(province.units)} đơn vị cấp xã của "
                                             f"{province.name} (Nghị quyết {province.resolution})")
    return RedirectResponse("/khong-gian/quan-tri?tb=" + quote("Đã thêm các đơn vị."), status_code=303)


@router.post("/khong-gian/quan-tri/nguoi-dung")
async def admin_user(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    roles = [str(r) for r in form.getlist("vai_tro")]
    try:
        unit_id = int(form.get("don_vi"))
    except (TypeError, ValueError):
        raise WsError("Hãy chọn đơn vị.")
    with ws.sessions.begin() as session:
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


@router.get("/khong-gian/quan-tri/nhat-ky", response_class=HTMLResponse)
def admin_audit_check(request: Request):
    """The same check as `kehoach audit verify`: the hash chain over every entry (administrators only)."""
    ws = ws_of(request)
    with ws.sessions() as session:
        verdict = audit.verify(session)
    return ws.page(request, "workspace/audit_check.html", verdict=verdict)


@router.post("/khong-gian/quan-tri/tai-khoan")
async def admin_account(request: Request):
    """Unlock a login, lock or reopen an account, change its roles: each ends the account's sessions if it must."""
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request, max_files=0)
    with ws.sessions.begin() as session:
        try:
            done = accounts.administer(session, str(form.get("ten") or ""), str(form.get("viec") or ""),
                                       [str(r) for r in form.getlist("vai_tro")])
        except accounts.AccountError as exc:
            raise WsError(str(exc))
        audit.record(session, me, "tai-khoan", done, address=client_address(request.scope))
    return RedirectResponse("/khong-gian/quan-tri?tb=" + quote(done), status_code=303)
