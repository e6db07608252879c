"""Routes of the unit's own registry: add a document or an agency a finding names, edit or withdraw it, and the Sở's
review of them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .. import core
from ...loading import edit as yamledit
from ...workspace import audit, unit_registry
from ..site import UserError, site_of
from ...text import vietnam_today

router = APIRouter()
KINDS = {"van-ban": "documents", "co-quan": "agencies"}


def layer() -> Path:
    """The unit's own layer: the first KEHOACH_OWN_REGISTRY folder (create_app sets one when none is given)."""
    folders = core.own_registry_dirs()
    if not folders:
        raise UserError("Chưa đặt thư mục danh mục riêng của đơn vị (biến KEHOACH_OWN_REGISTRY); báo quản trị hệ thống.")
    return folders[0]


def _day_text(value) -> str:
    """A plan's date as the form shows it (dd/mm/yyyy, or what is known of it)."""
    try:
        return core.own_registry.shown(core.PartialDate.parse(value)) if value else ""
    except ValueError:
        return str(value)


def _prefill(tree: dict, kind: str, where: str) -> dict:
    """The citation or agency the finding is about, read from the plan at *where*, to fill the form."""
    try:
        path = yamledit.parse_path(where) if where else ()
        if path and (path[-1] == "code" if kind == "van-ban" else isinstance(path[-1], int)):
            path = path[:-1]   # the citation holding the number; an agency written as one name, not a list
        node = yamledit.get_in(tree, path)
    except (KeyError, IndexError, TypeError, ValueError):
        node = None
    if isinstance(node, list) and kind == "co-quan":
        index = yamledit.parse_path(where)[-1]
        node = node[index] if isinstance(index, int) and index < len(node) else None
    if kind == "van-ban":
        node = node if isinstance(node, dict) else {}
        return {k: str(node.get(k) or "") for k in ("type", "code", "issuer", "title")} | {
            "date": _day_text(node.get("date")), "source": ""}
    name = node if isinstance(node, str) else (node.get("name") or node.get("agency") or "") if isinstance(node, dict) else ""
    level = ((tree.get("document") or {}).get("level") if isinstance(tree.get("document"), dict) else None) or "xa"
    return {"name": str(name), "level": str(level), "source": ""}


def _form_page(request: Request, site, plan, kind: str, values: dict, error: str = "", status: int = 200,
               entry: dict | None = None):
    """The form to add (from a plan's finding) or, with *entry* ({key, id}), to edit an entry of the list."""
    levels = [(level.value, level.label) for level in core.Level]
    return site.page(request, "registry_add.html", status, plan=plan, kind=kind, values=values, levels=levels,
                     error=error, entry=entry, workspace=in_workspace(request))


@router.get("/ke-hoach/{plan_id}/danh-muc", response_class=HTMLResponse)
def add_form(request: Request, plan_id: int, loai: str = "van-ban", o: str = ""):
    """The form a finding about an unknown document or agency links to, filled from the plan."""
    site = site_of(request)
    row = site.plan_or_404(plan_id)
    if loai not in KINDS:
        raise UserError("Chỉ thêm được văn bản hoặc cơ quan vào danh mục.", 404)
    analysis = site.state.analysis(plan_id, row.head)
    tree = analysis.tree if isinstance(analysis.tree, dict) else {}
    return _form_page(request, site, row, loai, _prefill(tree, loai, o[:300]))


@router.post("/ke-hoach/{plan_id}/danh-muc")
async def add_entry(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    row = site.plan_or_404(plan_id)
    kind = str(form.get("loai") or "")
    values = _values(form)
    try:
        add(request.app, _me(request), row, kind, values)
    except core.InputError as exc:
        return _form_page(request, site, row, kind, values, refusal(exc), 400)
    return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)


def add(app, me, plan, kind: str, values: dict) -> str:
    """Add the document or agency (*kind* «van-ban» or «co-quan») to the layer of *plan*'s unit — in the workspace,
    pending the Sở's review; on one's own computer, in force at once. The entry's key in the list; refused in words
    (InputError for what the boxes say, UserError otherwise)."""
    if kind not in KINDS:
        raise UserError("Chỉ thêm được văn bản hoặc cơ quan vào danh mục.")
    fields = _fields(kind, values)
    if in_workspace(app):
        # the layer of the plan's unit, in the workspace's database; it applies to that unit and its children
        with app.state.workspace_site.sessions.begin() as session:
            added = unit_registry.add(session, core.load_registry(), plan.unit_id, KINDS[kind], fields, _who(me))
            audit.record(session, me, "danh-muc", f"Thêm vào danh mục của đơn vị (chờ Sở duyệt): "
                         f"{label(added.kind, added.data)}", plan.id, unit_id=plan.unit_id,
                         subject=unit_registry.subject(session, added))
            key = str(added.id)
    elif kind == "van-ban":
        key = core.own_registry.add_document(layer(), added_by=_who(me), **fields)
    else:
        key = core.own_registry.add_agency(layer(), added_by=_who(me), **fields)
    app.state.site.reload_registry()
    return key


def _values(form) -> dict:
    return {k: str(form.get(k) or "")[:400] for k in ("type", "code", "date", "issuer", "title", "name", "level", "source")}


def _fields(kind: str, values: dict) -> dict:
    """The form's boxes as the entry builders take them; a date badly written is refused in words."""
    if kind == "van-ban":
        return dict(type=values["type"], code=values["code"], day=_read_day(values["date"]), issuer=values["issuer"],
                    title=values["title"], source=values["source"])
    return dict(name=values["name"], level=values["level"], source=values["source"])


def _who(me) -> str:
    return f"{me.full_name} ({me.unit_name})" if me is not None else "một người dùng"


def refusal(exc) -> str:
    message = exc.findings[0] if exc.findings else None
    text = f"{message.message[:1].upper()}{message.message[1:]}. {message.suggestion or ''}" if message else exc.message
    return text.strip()


def _read_day(text: str):
    """dd/mm/yyyy (or mm/yyyy, yyyy) as typed in the form; nothing when left blank."""
    parts = [p for p in text.replace("-", "/").replace(".", "/").split("/") if p.strip()]
    if not parts:
        return None
    why = f"ngày ban hành «{text}» không đúng dạng"
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) > 3:
            raise ValueError(text)
        if len(parts[0].strip()) == 4:   # typed year first, as 2021-05-26
            numbers.reverse()
        iso = "-".join([f"{numbers[-1]:04d}"] + [f"{n:02d}" for n in reversed(numbers[:-1])])
        why = f"ngày ban hành «{text}» không dùng được"
        return core.PartialDate.parse(iso)
    except ValueError as exc:
        # a day that does not exist says why ("tháng 2 năm 2025 chỉ có 28 ngày"), not only that it is wrong
        reason = "" if why.endswith("không đúng dạng") else f": {exc}"
        raise core.InputError("ngày ban hành không đúng dạng", [core.Finding(
            "L124", core.Severity.ERROR, why + reason, path="ngày ban hành",
            suggestion="Ghi ngày/tháng/năm, vd. 26/05/2021.")]) from None


def _me(request: Request):
    return request.scope.get("state", {}).get("account")


def in_workspace(app) -> bool:
    """Whether *app* (the page's, or a request's) is the shared workspace."""
    app = getattr(app, "app", app)
    return bool(getattr(app.state, "workspace", False))


def may_approve(app, me) -> bool:
    """The Sở reviews what units add: a province-level leader in the shared workspace; on one's own computer, the
    user owns the folder and puts in force what an older kehoach left pending."""
    if not in_workspace(app):
        return True
    return me is not None and me.province_wide and me.has("lanh-dao")


def label(kind: str, entry: dict) -> str:
    if kind == "documents":
        return f"{entry.get('type', '')} số {entry.get('code', '')}".strip() + (
            f" ngày {_day_text(entry.get('date'))}" if entry.get("date") else "") + f" — {entry.get('title', '')}"
    return (entry.get("names") or [{}])[-1].get("name", "")


def may_change(app, me, unit_id: int | None) -> bool:
    """Who edits or withdraws an entry: the drafters and leaders of the unit that added it, and the Sở's leaders who
    review every unit's; on one's own computer, its user."""
    if not in_workspace(app):
        return True
    if me is None:
        return False
    return (me.unit_id == unit_id and (me.has("soan-thao") or me.has("lanh-dao"))) or may_approve(app, me)


def _row(kind: str, entry: dict, key: str, version: str, unit: str = "", may: bool = True, withdrawn: str = "") -> dict:
    return {"kind": "Văn bản" if kind == "documents" else "Cơ quan", "key": kind, "id": key, "label": label(kind, entry),
            "source": entry.get("source", ""), "pending": entry.get("review") == "pending", "unit": unit,
            "may_change": may and not withdrawn, "withdrawn": withdrawn, "version": version, "entry": entry}


def rows(app, me) -> list[dict]:
    """The units' own entries: in the workspace, the Sở sees every unit's, a commune its own and those of the units
    above it (which apply to its plans too); withdrawn ones last, as history. Each with the version it was read at."""
    out = []
    if in_workspace(app):
        with app.state.workspace_site.sessions() as session:
            units = None if me is None or me.province_wide else set(unit_registry.lineage(session, me.unit_id))
            for entry, unit in unit_registry.entries(session, units if me is not None else set()):
                gone = (f"Đã rút ngày {entry.withdrawn_at:%d/%m/%Y}, người rút: {entry.withdrawn_by}"
                        if entry.withdrawn_at else "")
                out.append(_row(entry.kind, entry.data, str(entry.id), str(entry.version), unit.name,
                                may_change(app, me, entry.unit_id), gone))
    else:
        folders = core.own_registry_dirs()
        for kind, entry in core.own_registry.entries(folders[0]) if folders else []:
            out.append(_row(kind, entry, entry.get("id", ""), core.own_registry.version_of(entry)))
        for item in core.own_registry.withdrawn(folders[0]) if folders else []:
            out.append(_row(item["kind"], item.get("entry") or {}, "", "",
                            withdrawn=f"Đã rút ngày {item.get('withdrawn_on', '')}"))
    return out


def _listing(request: Request, site, status: int = 200, template: str = "registry.html"):
    me = _me(request)
    return site.page(request, template, status, rows=rows(request.app, me), may_approve=may_approve(request.app, me),
                     workspace=in_workspace(request))


def _after_change(request: Request, site):
    """After a change from the list: the list again, swapped in place for htmx, or the page reloaded without it."""
    if site.is_htmx(request):
        return _listing(request, site, template="_fragments/registry_list.html")
    return RedirectResponse("/danh-muc", status_code=303)


@router.get("/danh-muc", response_class=HTMLResponse)
def own_entries(request: Request):
    return _listing(request, site_of(request))


class StaleEntry(UserError):
    """Someone else (on one's own computer: another window) changed or withdrew the entry after the caller read it;
    the message shows it as it is now."""

    def __init__(self, what: str, current: dict | None, kind: str, version: str = "", shared: bool = True):
        who = "Người khác đã" if shared else "Ở một cửa sổ khác, bạn đã"
        if current is None:
            message = (f"{who} rút mục này khỏi danh mục sau khi bạn mở nó; {what}. Mở lại trang danh mục để xem tình "
                       "trạng hiện nay.")
        else:
            message = (f"{who} sửa mục này sau khi bạn mở nó; {what}. Nội dung hiện nay: «{label(kind, current)}»"
                       f" — nguồn: {current.get('source', '')}. Xem lại nội dung này rồi làm lại nếu vẫn cần.")
        super().__init__(message, 409)
        self.current, self.kind, self.version = current, kind, version


def _stale(what: str, kind: str, app, key: str) -> StaleEntry:
    """The refusal of a stale step, with the entry as it is now (read again: the write that failed saw an older one)."""
    if in_workspace(app):
        with app.state.workspace_site.sessions() as session:
            row = unit_registry.live(session, _row_id(key))
            return StaleEntry(what, row.data if row else None, kind, str(row.version) if row else "")
    current = core.own_registry.find(layer(), kind, key)
    return StaleEntry(what, current, kind, core.own_registry.version_of(current) if current else "", shared=False)


def _int_version(version: str | None) -> int | None:
    if version is None:
        return None
    try:
        return int(version)
    except ValueError:
        return -1   # nothing the database holds: refused as stale


def _require_version(version: str | None, button: str) -> None:
    """A step on an entry without the version it was read at is refused (428): it could change what nobody saw."""
    if not version:
        raise UserError(f"Thiếu phiên bản của mục (ô ẩn «phien_ban» đi kèm nút «{button}»), nên chưa làm gì: mở lại "
                        f"trang «Danh mục bổ sung», xem nội dung hiện nay của mục rồi bấm «{button}» trên đó.", 428)


def approve(app, me, kind: str, key: str, version: str | None) -> None:
    """The Sở's review of one pending entry (on one's own computer: put in force), if it is still at *version*."""
    if not may_approve(app, me):
        raise UserError("Chỉ lãnh đạo của Sở duyệt được mục đơn vị bổ sung vào danh mục.", 403)
    _require_version(version, "Duyệt" if in_workspace(app) else "Dùng khi kiểm tra")
    reviewer = f"{me.full_name} ({me.unit_name})" if me is not None else "người dùng"
    try:
        if in_workspace(app):
            with app.state.workspace_site.sessions.begin() as session:
                entry = unit_registry.approve(session, _row_id(key), reviewer, _int_version(version))
                if entry is not None:
                    audit.record(session, me, "danh-muc", f"Duyệt mục của danh mục đơn vị: "
                                 f"{label(entry.kind, entry.data)}", unit_id=entry.unit_id,
                                 subject=unit_registry.subject(session, entry))
                done = entry is not None
        else:
            done = core.own_registry.approve(layer(), kind, key, reviewer, version)
    except unit_registry.STALE:
        raise _stale("mục chưa được duyệt", kind, app, key) from None
    if not done:
        raise UserError("Mục này không còn chờ duyệt (có thể đã được duyệt hoặc đã rút).", 409)
    app.state.site.reload_registry()


@router.post("/danh-muc/duyet")
async def approve_entry(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    version = str(form["phien_ban"]) if form.get("phien_ban") else None
    approve(request.app, _me(request), str(form.get("loai") or ""), str(form.get("muc") or "")[:120], version)
    return _after_change(request, site)


def _row_id(key: str) -> int:
    try:
        return int(key)
    except ValueError:
        return 0


def _gone() -> UserError:
    return UserError("Không tìm thấy mục này trong danh mục (có thể đã được rút). Mở lại trang «Danh mục bổ sung».", 404)


def _not_yours() -> UserError:
    return UserError("Chỉ đơn vị đã thêm mục này (chuyên viên, lãnh đạo) hoặc lãnh đạo Sở mới sửa hay rút được mục.", 403)


def entry_values(kind: str, entry: dict) -> dict:
    """An entry's fields as the form shows them."""
    if kind == "documents":
        return {k: str(entry.get(k) or "") for k in ("type", "code", "issuer", "title", "source")} | {
            "date": _day_text(entry.get("date"))}
    return {"name": (entry.get("names") or [{}])[-1].get("name", ""), "level": str(entry.get("level") or ""),
            "source": str(entry.get("source") or "")}


def found(app, me, kind: str, key: str) -> tuple[dict, str]:
    """The entry the list names (its data, its version), refused when gone or not the caller's to change."""
    if kind not in KINDS.values():
        raise _gone()
    if in_workspace(app):
        with app.state.workspace_site.sessions() as session:
            row = unit_registry.live(session, _row_id(key))
            if row is None or row.kind != kind:
                raise _gone()
            data, unit_id, version = row.data, row.unit_id, str(row.version)
    else:
        data, unit_id = core.own_registry.find(layer(), kind, key), None
        if data is None:
            raise _gone()
        version = core.own_registry.version_of(data)
    if not may_change(app, me, unit_id):
        raise _not_yours()
    return data, version


FORM_KIND = {documents: page for page, documents in KINDS.items()}


@router.get("/danh-muc/sua", response_class=HTMLResponse)
def edit_form(request: Request, loai: str = "", muc: str = ""):
    """The entry's boxes, filled, to correct a wording, a date or the source; the form carries the version read."""
    site = site_of(request)
    data, version = found(request.app, _me(request), loai, muc[:120])
    return _form_page(request, site, None, FORM_KIND[loai], entry_values(loai, data),
                      entry={"key": loai, "id": muc, "version": version})


@contextmanager
def _live_at(app, key: str, version: str):
    """A workspace transaction holding the live entry *key*, refused when gone, stale when not at *version*."""
    with app.state.workspace_site.sessions.begin() as session:
        row = unit_registry.live(session, _row_id(key))
        if row is None:
            raise _gone()
        unit_registry.at_version(row, _int_version(version))
        yield session, row


def edit(app, me, kind: str, key: str, version: str, values: dict) -> None:
    """The entry written anew from the form's *values*, if it is still at *version* (StaleEntry otherwise): in the
    workspace it waits for the Sở again; on one's own computer it is in force at once."""
    found(app, me, kind, key)
    _require_version(version, "Lưu nội dung sửa")
    fields = _fields(FORM_KIND[kind], values)
    try:
        if in_workspace(app):
            with _live_at(app, key, version) as (session, row):
                before = unit_registry.edit(session, core.load_registry(), row, fields, _who(me))
                audit.record(session, me, "danh-muc", f"Sửa mục của danh mục đơn vị (chờ Sở duyệt lại): "
                             f"{label(row.kind, row.data)}", unit_id=row.unit_id,
                             diff=[f"Trước: {label(row.kind, before)} — nguồn: {before.get('source', '')}",
                                   f"Sau: {label(row.kind, row.data)} — nguồn: {row.data.get('source', '')}"],
                             subject=unit_registry.subject(session, row))
        elif not core.own_registry.edit(layer(), kind, key, version, added_by=_who(me), **fields):
            raise _gone()
    except unit_registry.STALE:
        raise _stale("nội dung bạn sửa chưa được lưu", kind, app, key) from None
    app.state.site.reload_registry()


@router.post("/danh-muc/sua")
async def edit_entry(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    kind, key = str(form.get("loai") or ""), str(form.get("muc") or "")[:120]
    version = str(form.get("phien_ban") or "")[:40]
    values = _values(form)
    try:
        edit(request.app, _me(request), kind, key, version, values)
    except core.InputError as exc:
        return _form_page(request, site, None, FORM_KIND[kind], values, refusal(exc), 400,
                          entry={"key": kind, "id": key, "version": version})
    except StaleEntry as exc:
        if exc.current is None:
            raise
        # the boxes keep what the user typed; the form now carries the current version, so saving again is a
        # choice made after seeing the other person's wording
        return _form_page(request, site, None, FORM_KIND[kind], values, exc.message, 409,
                          entry={"key": kind, "id": key, "version": exc.version})
    return RedirectResponse("/danh-muc", status_code=303)


def withdraw(app, me, kind: str, key: str, version: str) -> None:
    """The entry stops counting in checks, if it is still at *version* (StaleEntry otherwise); it stays in the list
    as history, and in the audit log."""
    found(app, me, kind, key)
    _require_version(version, "Rút khỏi danh mục")
    try:
        if in_workspace(app):
            with _live_at(app, key, version) as (session, row):
                unit_registry.withdraw(row, _who(me))
                audit.record(session, me, "danh-muc", f"Rút khỏi danh mục của đơn vị: {label(row.kind, row.data)}",
                             unit_id=row.unit_id, subject=unit_registry.subject(session, row))
        elif not core.own_registry.withdraw(layer(), kind, key, _who(me), f"{vietnam_today():%d/%m/%Y}", version):
            raise _gone()
    except unit_registry.STALE:
        raise _stale("mục chưa được rút", kind, app, key) from None
    app.state.site.reload_registry()


@router.post("/danh-muc/rut")
async def withdraw_entry(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    withdraw(request.app, _me(request), str(form.get("loai") or ""), str(form.get("muc") or "")[:120],
             str(form.get("phien_ban") or "")[:40])
    return _after_change(request, site)


ACTIONS = {"added": "Thêm vào danh mục", "edited": "Sửa nội dung", "approved": "Sở duyệt",
           "withdrawn": "Rút khỏi danh mục", "known": "Nội dung khi bắt đầu ghi lịch sử"}
FIELD_LABELS = {"type": "Loại văn bản", "code": "Số, ký hiệu", "date": "Ngày ban hành", "issuer": "Cơ quan ban hành",
                "title": "Trích yếu", "name": "Tên cơ quan", "level": "Cấp", "source": "Nguồn"}


def _changes(kind: str, before: dict | None, after: dict) -> list[str]:
    """What a version changed in the entry's boxes, field by field, in words («Trích yếu: «…» → «…»»)."""
    if before is None:
        return []
    levels = {level.value: level.label for level in core.Level}
    old, new = entry_values(kind, before), entry_values(kind, after)

    def shown(field: str, value: str) -> str:   # an agency's level in words, not its code
        return (levels.get(value, value) if field == "level" else value) or "(trống)"

    return [f"{FIELD_LABELS[k]}: «{shown(k, old[k])}» → «{shown(k, new[k])}»"
            for k in FIELD_LABELS if k in new and old.get(k) != new[k]]


def _decision(version) -> str:
    if version.action == "withdrawn":
        return "Đã rút: không còn dùng khi kiểm tra"
    if version.action == "approved":
        return "Sở đã duyệt"
    return "Chờ Sở duyệt" if version.pending else "Sở đã duyệt"


@router.get("/danh-muc/lich-su", response_class=HTMLResponse)
def entry_history(request: Request, muc: str = ""):
    """Every version of one entry of the workspace's registry, newest first: who, when, what changed, the Sở's
    decision; for whoever sees the entry in the list."""
    site = site_of(request)
    if not in_workspace(request):
        raise UserError("Lịch sử phiên bản của mục chỉ có trong không gian làm việc chung; trên máy một người, danh "
                        "mục là tệp của riêng bạn.", 404)
    me = _me(request)
    with request.app.state.workspace_site.sessions() as session:
        found_here = unit_registry.history(session, _row_id(muc[:120]))
        seen = found_here is not None and me is not None and (
            me.province_wide or found_here[0].unit_id in unit_registry.lineage(session, me.unit_id))
        if not seen:
            raise UserError("Không tìm thấy mục này trong danh mục của đơn vị bạn. Mở lại trang «Danh mục bổ sung».",
                            404)
        row, unit, versions = found_here
        items, before = [], None
        for version in versions:
            items.append({"version": version.version, "at": version.at, "by": version.by,
                          "action": ACTIONS[version.action],
                          "label": label(row.kind, version.data), "source": version.data.get("source", ""),
                          "changes": _changes(row.kind, before, version.data), "decision": _decision(version)})
            before = version.data
        entry = {"kind": "Văn bản" if row.kind == "documents" else "Cơ quan", "label": label(row.kind, row.data),
                 "unit": unit.name if unit is not None else "", "withdrawn": row.withdrawn_at is not None}
    return site.page(request, "registry_history.html", entry=entry, items=list(reversed(items)))
