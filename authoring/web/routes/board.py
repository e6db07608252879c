"""Routes of the province's board: communes' progress, deadlines, derive for every commune, PDFs in a batch."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ...loading import units
from ...workspace import audit, dashboard, workflow
from ...text import match_key, slug
from ...workspace.models import BatchRow, UnitRow, WorkflowRow
from .. import core
from ..store import PlanRow
from ..workspace_access import client_address
from ..workspace_site import MAX_LIST, WsError, day_from_form, safe_path, ws_of

router = APIRouter()


@router.get("/khong-gian/tinh/{plan_id}", response_class=HTMLResponse)
def province_dashboard(request: Request, plan_id: int, loc: str = "", trang: int = 1):
    ws = ws_of(request)
    me = ws.who(request)
    board, info = ws.build_dashboard(plan_id, me)
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
    ws.batches.check(plan_id)
    with ws.sessions() as session:
        batch = session.scalar(select(BatchRow).where(BatchRow.plan_id == plan_id).order_by(BatchRow.id.desc()))
    can_derive = workflow.acts_for_plan_unit(me, info["flow"])
    rows, trang, pages = dashboard.page_of(rows, trang)
    return ws.page(request, "workspace/dashboard.html", board=board, rows=rows, totals=board.totals(),
                   duty_totals=board.duty_totals(), batch=batch, can_derive=can_derive, loc=loc, trang=trang,
                   pages=pages, **info)


@router.post("/khong-gian/tinh/{plan_id}/han")
async def set_commune_deadline(request: Request, plan_id: int):
    """The Sở sets the date by which every commune and ward must have issued its plan (empty: no deadline)."""
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request)
    plan, flow, unit = ws.load_flow(plan_id)
    if not workflow.acts_for_plan_unit(me, flow):
        raise WsError("Chỉ chuyên viên soạn thảo hoặc lãnh đạo của đơn vị ban hành kế hoạch tỉnh đặt được hạn cho "
                      "cấp xã.", 403)
    due = day_from_form(str(form.get("han") or ""), "Hạn ban hành")
    with ws.sessions.begin() as session:
        row = session.get(WorkflowRow, plan_id)
        row.children_due = due
        audit.record(session, me, "dat-han", f"Đặt hạn ban hành kế hoạch cấp xã: {due:%d/%m/%Y}" if due else
                     "Bỏ hạn ban hành kế hoạch cấp xã", plan_id)
    return RedirectResponse(f"/khong-gian/tinh/{plan_id}", status_code=303)


@router.get("/khong-gian/tinh/{plan_id}/bang.{kind}")
def dashboard_export(request: Request, plan_id: int, kind: str):
    ws = ws_of(request)
    me = ws.who(request)
    board, _info = ws.build_dashboard(plan_id, me)
    stem = f"tinh-hinh-trien-khai-ke-hoach-{plan_id}"
    if kind == "xlsx":
        return Response(dashboard.to_xlsx(board), media_type="application/vnd.openxmlformats-officedocument."
                        "spreadsheetml.sheet", headers={"Content-Disposition": f'attachment; filename="{stem}.xlsx"'})
    if kind == "html":
        totals = board.totals()
        page = ws.templates.get_template("workspace/board_export.html").render(
            board=board, totals=totals, rows=dashboard.export_rows(board), due=dashboard.due_sentence(board, totals),
            states=dashboard.states_sentence(totals, workflow.STATES))
        return Response(page.encode("utf-8"), media_type="text/html; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.html"'})
    raise WsError("Không có loại tệp này.", 404)


@router.post("/khong-gian/tinh/{plan_id}/lap-cho-xa")
async def derive_all(request: Request, plan_id: int):
    ws = ws_of(request)
    me = ws.who(request)
    form = await ws.form_checked(request)
    plan, flow, unit = ws.load_flow(plan_id)
    if not workflow.acts_for_plan_unit(me, flow):
        raise WsError("Chỉ chuyên viên soạn thảo hoặc lãnh đạo của đơn vị ban hành kế hoạch tỉnh lập được dự thảo "
                      "cho cấp xã.", 403)
    analysis = ws.state.analysis(plan_id, plan.head)
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
        province = ws.province_of(plan, unit, analysis)
        if province is None:
            raise WsError("Chưa biết kế hoạch thuộc tỉnh nào trong danh mục; hãy tải lên danh sách xã, phường.")
        names = [u.name for u in province.units]
        kinds = {u.name: u.kind for u in province.units}
    with ws.sessions() as session:
        existing = {match_key(u.name) for f, u in session.execute(
            select(WorkflowRow, UnitRow).join(UnitRow, UnitRow.id == WorkflowRow.unit_id)
            .join(PlanRow, PlanRow.id == WorkflowRow.plan_id)
            .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False)))}
    names = [n for n in names if match_key(n) not in existing]
    if not names:
        raise WsError("Mọi đơn vị trong danh sách đã có dự thảo kế hoạch.")
    province_id = (unit.province if unit else "") or ""
    return start_batch(request, ws, me, plan_id, "lap-cap-duoi", len(names),
                       {"units": names, "kinds": kinds, "province": province_id},
                       "Đang lập dự thảo cho cấp xã; hãy chờ lượt trước xong.")


@router.post("/khong-gian/tinh/{plan_id}/pdf-xa")
async def pdf_all(request: Request, plan_id: int):
    """PDF/A of every commune plan of this provincial plan, through the job queue; then one ZIP to download."""
    ws = ws_of(request)
    me = ws.who(request)
    await ws.form_checked(request, max_files=0)
    _plan, flow, _unit = ws.load_flow(plan_id)
    if flow.unit_id != me.unit_id:
        raise WsError("Chỉ người của đơn vị ban hành kế hoạch tỉnh xuất được PDF cho các xã.", 403)
    with ws.sessions() as session:
        found = list(session.execute(
            select(PlanRow.id, PlanRow.head, UnitRow.name).join(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
            .outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
            .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False))))
    if not found:
        raise WsError("Chưa có kế hoạch cấp xã nào để xuất PDF.")
    return start_batch(request, ws, me, plan_id, "pdf", len(found), {},
                       "Đang có một lượt xử lý cho kế hoạch này; hãy chờ xong.")


def start_batch(request: Request, ws, me, plan_id: int, kind: str, total: int, params: dict, busy: str):
    """Record a batch for the worker (unless one runs for this plan: *busy* is said), take up batches whose
    worker died, and answer with its progress."""
    revived: list[int] = []
    with ws.batches_lock, ws.sessions.begin() as session:
        running = ws.batches.running(session, plan_id, revived) is not None
        if not running:
            batch = BatchRow(kind=kind, plan_id=plan_id, user_id=me.id, total=total, backend=ws.batches.backend,
                             messages=[], params={**params, "address": client_address(request.scope)})
            session.add(batch)
            session.flush()
            batch_id = batch.id
    for taken_up in revived:
        ws.batches.launch(taken_up)
    if running:
        raise WsError(busy, 409)
    ws.batches.launch(batch_id)
    if request.headers.get("hx-request") == "true":
        return HTMLResponse(ws.progress_html(batch_id))
    return RedirectResponse(f"/khong-gian/tinh/{plan_id}", status_code=303)


@router.get("/khong-gian/tinh/{plan_id}/pdf-xa.zip")
def pdf_zip(request: Request, plan_id: int):
    ws = ws_of(request)
    import io
    import zipfile

    ws.who(request)
    with ws.sessions() as session:
        children = list(session.execute(
            select(PlanRow.id, PlanRow.head, UnitRow.name).join(WorkflowRow, WorkflowRow.plan_id == PlanRow.id)
            .outerjoin(UnitRow, UnitRow.id == WorkflowRow.unit_id)
            .where(WorkflowRow.parent_plan_id == plan_id, PlanRow.deleted.is_(False))))
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for pid, head, unit_name in children:
            path = safe_path(ws.storage, "pdf", str(pid), f"v{head}.pdf")
            if path.is_file():
                archive.write(path, f"{slug(unit_name or str(pid))}-ke-hoach-{pid}.pdf")
                count += 1
    if not count:
        raise WsError("Chưa có PDF nào của bản mới nhất; bấm «Xuất PDF cho các xã» trước.", 404)
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="ke-hoach-cap-xa-{plan_id}.zip"'})


@router.get("/khong-gian/lo/{batch_id}", response_class=HTMLResponse)
def batch_progress(request: Request, batch_id: int):
    ws = ws_of(request)
    me = ws.who(request)
    with ws.sessions() as session:
        batch = session.get(BatchRow, batch_id)
        plan = session.get(PlanRow, batch.plan_id) if batch else None
    if batch is None or plan is None or not ws.access.visible(me, plan.unit_id):
        raise WsError("Không tìm thấy lượt xử lý này.", 404)
    ws.batches.check(batch.plan_id)
    return HTMLResponse(ws.progress_html(batch_id))
