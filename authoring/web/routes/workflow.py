"""Routes of the drafting-to-issuing workflow: the workspace home, a plan's steps, its signed copy and its log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...workspace import audit, workflow
from ..workspace_site import WsError, safe_path, ws_of

router = APIRouter()


@router.get("/khong-gian", response_class=HTMLResponse)
def home(request: Request, don_vi: str = "", buoc: str = ""):
    ws = ws_of(request)
    me = ws.who(request)
    rows = ws.plan_rows(me)
    if buoc:
        rows = [r for r in rows if (r["flow"].state if r["flow"] else "draft") == buoc]
    if don_vi:
        rows = [r for r in rows if r["unit"] is not None and str(r["unit"].id) == don_vi]
    # Communes' derived plans are shown on their province plan's dashboard; here the province sees its own.
    own, communes = [], []
    for r in rows:
        (own if (r["unit"] is None or r["unit"].id == me.unit_id or not me.province_wide) else communes).append(r)
    from .reports import reminders

    return ws.page(request, "workspace/home.html", own=own, communes=communes[:200], n_communes=len(communes),
                buoc=buoc, work=ws.work_of(me, own), overdue=ws.overdue_of(me, own),
                report_reminders=reminders(request, me, own))


@router.get("/khong-gian/ke-hoach/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: int):
    ws = ws_of(request)
    return ws.page(request, "workspace/plan.html", **ws.plan_panel_context(request, plan_id))


@router.get("/khong-gian/ke-hoach/{plan_id}/khung", response_class=HTMLResponse)
def plan_panel(request: Request, plan_id: int):
    """The workflow strip shown on the editor page (loaded by htmx)."""
    ws = ws_of(request)
    return ws.page(request, "workspace/_panel.html", **ws.plan_panel_context(request, plan_id))


@router.post("/khong-gian/ke-hoach/{plan_id}/buoc/{step}")
async def take_step(request: Request, plan_id: int, step: str):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request)
    transition = workflow.TRANSITIONS.get(step)
    if transition is None:
        raise WsError("Không có bước này trong quy trình.", 404)
    plan, flow, _unit = ws.load_flow(plan_id)
    from anyio import to_thread

    facts, extra = await ws.gather_facts(transition, plan, flow, form)
    return await to_thread.run_sync(lambda: ws.apply_step(me, plan, transition, facts, extra, form))


@router.get("/khong-gian/ke-hoach/{plan_id}/ban-de-ky")
def copy_to_sign(request: Request, plan_id: int):
    """The prepared PDF of the current version, for a USB token's signing software: the bytes the signing step
    checks an upload against (same plan, same bytes), their SHA-256 in X-Kehoach-SHA256."""
    import hashlib

    ws = ws_of(request)
    me = ws.who(request)
    plan, flow, _unit = ws.load_flow(plan_id)
    if not ws.access.visible(me, plan.unit_id):
        raise WsError("Không tìm thấy kế hoạch này.", 404)
    analysis = ws.state.analysis(plan.id, plan.head)
    if not analysis.format_ok:
        raise WsError("Kế hoạch còn lỗi định dạng nên chưa in ra PDF để ký được.")
    ws.refuse_typed_number(analysis, flow)
    data = ws.app.state.make_pdf(analysis.loaded)
    name = f"ke-hoach-{plan_id}-ban-{plan.head}-de-ky.pdf"
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "X-Kehoach-SHA256": hashlib.sha256(data).hexdigest()})


@router.get("/khong-gian/ke-hoach/{plan_id}/ban-ky")
def signed_copy(request: Request, plan_id: int):
    ws = ws_of(request)
    ws.who(request)
    _plan, flow, _unit = ws.load_flow(plan_id)
    if not flow.signed_file:
        raise WsError("Kế hoạch chưa có bản đã ký.", 404)
    parts = flow.signed_file.split("/")
    path = safe_path(ws.storage, *parts)
    if not path.is_file():
        raise WsError("Không tìm thấy tệp đã ký trong kho lưu trữ.", 404)
    name = f"ke-hoach-{plan_id}-da-ky.pdf"
    return Response(path.read_bytes(), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/khong-gian/ke-hoach/{plan_id}/nhat-ky.{kind}")
def plan_audit_export(request: Request, plan_id: int, kind: str):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        rows = audit.entries(session, plan_id=plan_id, limit=100_000)
    return ws.export_audit(request, me, rows, f"nhat-ky-ke-hoach-{plan_id}", kind)


@router.get("/khong-gian/nhat-ky", response_class=HTMLResponse)
def unit_audit(request: Request):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        rows = audit.entries(session, unit_ids=audit.province_unit_ids(session, me), limit=300)
    return ws.page(request, "workspace/audit.html", log=rows, plan_names=ws.plan_names(rows))


@router.get("/khong-gian/nhat-ky.{kind}")
def unit_audit_export(request: Request, kind: str):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        rows = audit.entries(session, unit_ids=audit.province_unit_ids(session, me), limit=1_000_000)
    return ws.export_audit(request, me, rows, "nhat-ky", kind)
