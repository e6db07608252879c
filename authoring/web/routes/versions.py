"""Routes of a plan's versions: list, compare, name, restore."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .. import core
from ..store import Conflict
from ..site import UserError, site_of, version_groups

router = APIRouter()


@router.get("/ke-hoach/{plan_id}/phien-ban", response_class=HTMLResponse)
def versions(request: Request, plan_id: int, a: int | None = None, b: int | None = None):
    site = site_of(request)
    row = site.plan_or_404(plan_id)
    rows = site.state.store.versions(plan_id)
    diff = None
    if a and b:
        diff = site.version_diff(plan_id, a, b)
    return site.page(request, "versions.html", plan=row, versions=rows, groups=version_groups(rows), a=a, b=b,
                diff=diff, part_name=lambda v: site.part_name(plan_id, v))


@router.post("/ke-hoach/{plan_id}/phien-ban/dat-ten")
async def name_version(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    site.plan_or_404(plan_id)
    try:
        number = int(form.get("v"))
    except (TypeError, ValueError):
        raise UserError("Hãy chọn phiên bản cần đặt tên.")
    name = " ".join(str(form.get("name") or "").split())
    if len(name) > 200:
        raise UserError("Tên phiên bản dài quá 200 chữ; hãy đặt tên ngắn hơn, vd. «Bản trình lãnh đạo».")
    if not site.state.store.name_version(plan_id, number, core.nfc(name)):
        raise UserError("Không có phiên bản này.", 404)
    return RedirectResponse(f"/ke-hoach/{plan_id}/phien-ban#v{number}", status_code=303)


@router.post("/ke-hoach/{plan_id}/khoi-phuc")
async def restore(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    row = site.plan_or_404(plan_id)
    try:
        number = int(form.get("v"))
    except (TypeError, ValueError):
        raise UserError("Hãy chọn phiên bản cần khôi phục.")
    old = site.state.store.version(plan_id, number)
    if old is None:
        raise UserError("Không có phiên bản này.", 404)
    try:
        label = f"Khôi phục phiên bản {number}" + (f" «{old.name}»" if old.name else "")
        current = site.state.analysis(plan_id, row.head)
        site.save(plan_id, int(form.get("base") or row.head), old.yaml_text, label, None, current, site.session_key(request))
    except Conflict:
        raise UserError("Kế hoạch vừa được lưu ở nơi khác; hãy tải lại trang danh sách phiên bản rồi làm lại.", 409)
    return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)
