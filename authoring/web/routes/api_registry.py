"""The unit's own registry in the JSON API (/api/v1): list, add, edit at a version, withdraw, approve — the page's
functions and permissions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from .. import core
from ..site import UserError
from . import registry as pages
from .api import ApiError

router = APIRouter()


class EntryFields(BaseModel):
    loai_van_ban: str = Field("", max_length=400, description="Văn bản: loại, vd. «Chỉ thị»")
    so_ky_hieu: str = Field("", max_length=400, description="Văn bản: số, ký hiệu, vd. «23/CT-TTg»")
    ngay: str = Field("", max_length=400, description="Văn bản: ngày ban hành ngày/tháng/năm (hoặc tháng/năm, năm)")
    co_quan_ban_hanh: str = Field("", max_length=400, description="Văn bản: cơ quan ban hành")
    trich_yeu: str = Field("", max_length=400, description="Văn bản: trích yếu")
    ten_co_quan: str = Field("", max_length=400, description="Cơ quan: tên đầy đủ")
    cap: str = Field("", max_length=400, description="Cơ quan: cấp — trung-uong, tinh hoặc xa")
    nguon: str = Field("", max_length=400, description="Nguồn đối chiếu (bắt buộc), vd. «Công báo»")


class EntryAdd(EntryFields):
    loai: str = Field(description="van-ban hoặc co-quan")


VERSION = ("Phiên bản đã đọc (từ danh sách), bắt buộc: thiếu thì trả 428; nếu người khác đã sửa, rút, duyệt mục "
           "sau đó thì trả 409 kèm nội dung hiện nay")


class EntryEdit(EntryFields):
    phien_ban: str = Field(min_length=1, max_length=40, description=VERSION)


class EntryStep(BaseModel):
    phien_ban: str = Field(min_length=1, max_length=40, description=VERSION)


class Entry(BaseModel):
    loai: str = Field(description="van-ban hoặc co-quan")
    muc: str = Field(description="Mã của mục trong danh mục (dùng trong địa chỉ sửa, rút, duyệt)")
    phien_ban: str = Field(description="Phiên bản hiện nay: gửi lại khi sửa, rút, duyệt")
    noi_dung: str = Field(description="Mục bằng lời, vd. «Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường»")
    nguon: str
    don_vi: str = Field(description="Đơn vị đã bổ sung (không gian làm việc chung)")
    tinh_trang: str = Field(description="«Chờ Sở duyệt», «Sở đã duyệt»; trên máy một người «Đang dùng khi kiểm "
                                        "tra», «Chưa dùng khi kiểm tra»; hoặc «Đã rút …»")
    dung_khi_kiem_tra: bool = Field(description="Mục được tính khi kiểm tra kế hoạch")
    duoc_sua: bool = Field(description="Người gọi được sửa, rút mục này")
    cho_duyet: bool
    gia_tri: dict = Field(description="Các ô của mục như biểu mẫu sửa (trường như khi thêm)")


class EntryList(BaseModel):
    duoc_duyet: bool = Field(description="Người gọi được duyệt mục chờ duyệt (lãnh đạo Sở)")
    muc: list[Entry]


PAGE_KIND = {"van-ban": "documents", "co-quan": "agencies"}
API_FIELDS = {"loai_van_ban": "type", "so_ky_hieu": "code", "ngay": "date", "co_quan_ban_hanh": "issuer",
              "trich_yeu": "title", "ten_co_quan": "name", "cap": "level", "nguon": "source"}


def _outer(request: Request):
    return request.app.state.services.app


def _me(request: Request):
    return request.scope.get("state", {}).get("account")


def _status(row: dict, workspace: bool) -> str:
    if row["withdrawn"]:
        return row["withdrawn"]
    if row["pending"]:
        return "Chờ Sở duyệt" if workspace else "Chưa dùng khi kiểm tra"
    return "Sở đã duyệt" if workspace else "Đang dùng khi kiểm tra"


def _out(row: dict, workspace: bool) -> dict:
    answer = {"loai": pages.FORM_KIND[row["key"]], "muc": row["id"], "phien_ban": row["version"],
              "noi_dung": row["label"], "nguon": row["source"], "don_vi": row["unit"],
              "tinh_trang": _status(row, workspace), "dung_khi_kiem_tra": not row["pending"] and not row["withdrawn"],
              "duoc_sua": row["may_change"], "cho_duyet": row["pending"] and not row["withdrawn"]}
    values = pages.entry_values(row["key"], row["entry"])
    return answer | {"gia_tri": {api: values[form] for api, form in API_FIELDS.items() if form in values}}


def _one(request: Request, kind: str, key: str) -> dict:
    app = _outer(request)
    for row in pages.rows(app, _me(request)):
        if row["key"] == kind and row["id"] == key and not row["withdrawn"]:
            return _out(row, pages.in_workspace(app))
    raise ApiError(404, "Không tìm thấy mục này trong danh mục (có thể đã được rút).")


def _kind(loai: str) -> str:
    if loai not in PAGE_KIND:
        raise ApiError(404, "Loại mục là van-ban (văn bản) hoặc co-quan (cơ quan).")
    return PAGE_KIND[loai]


def _values(body: EntryFields) -> dict:
    return {form: str(getattr(body, api) or "") for api, form in API_FIELDS.items()}


def _refused(exc: Exception) -> ApiError:
    """The page's refusals in the API's words: a stale version with the entry as it is now, a box with its fix."""
    if isinstance(exc, pages.StaleEntry):
        now = exc.current
        return ApiError(409, exc.message, phien_ban_moi_nhat=exc.version or None,
                        noi_dung_hien_nay=pages.label(exc.kind, now) if now is not None else None)
    if isinstance(exc, UserError):
        return ApiError(exc.status, exc.message)
    if isinstance(exc, core.InputError):
        return ApiError(400, pages.refusal(exc))
    raise exc


@router.get("/danh-muc", response_model=EntryList, summary="Danh mục bổ sung của đơn vị (văn bản, cơ quan)")
def list_entries(request: Request):
    app = _outer(request)
    me = _me(request)
    workspace = pages.in_workspace(app)
    return {"duoc_duyet": pages.may_approve(app, me), "muc": [_out(r, workspace) for r in pages.rows(app, me)]}


@router.post("/ke-hoach/{plan_id}/danh-muc", response_model=Entry, status_code=201,
             summary="Thêm văn bản, cơ quan vào danh mục của đơn vị có kế hoạch (chờ Sở duyệt)")
def add_entry(plan_id: int, body: EntryAdd, request: Request):
    services = request.app.state.services
    try:
        plan = services.plan_or_404(plan_id)
        key = pages.add(_outer(request), _me(request), plan, body.loai, _values(body))
    except Exception as exc:
        raise _refused(exc) from exc
    return _one(request, PAGE_KIND[body.loai], key)


@router.put("/danh-muc/{loai}/{muc}", response_model=Entry,
            summary="Sửa một mục (cần phiên bản đã đọc; trong không gian làm việc chung, mục trở lại chờ Sở duyệt)")
def edit_entry(loai: str, muc: str, body: EntryEdit, request: Request):
    kind = _kind(loai)
    try:
        pages.edit(_outer(request), _me(request), kind, muc[:120], body.phien_ban, _values(body))
    except Exception as exc:
        raise _refused(exc) from exc
    return _one(request, kind, muc[:120])


@router.post("/danh-muc/{loai}/{muc}/rut", status_code=204,
             summary="Rút một mục khỏi danh mục (cần phiên bản đã đọc; mục được giữ lại làm lịch sử)")
def withdraw_entry(loai: str, muc: str, body: EntryStep, request: Request):
    kind = _kind(loai)
    try:
        pages.withdraw(_outer(request), _me(request), kind, muc[:120], body.phien_ban)
    except Exception as exc:
        raise _refused(exc) from exc


@router.post("/danh-muc/{loai}/{muc}/duyet", response_model=Entry,
             summary="Lãnh đạo Sở duyệt một mục chờ duyệt (trên máy một người: đưa vào dùng khi kiểm tra)")
def approve_entry(loai: str, muc: str, body: EntryStep, request: Request):
    kind = _kind(loai)
    try:
        pages.approve(_outer(request), _me(request), kind, muc[:120], body.phien_ban)
    except Exception as exc:
        raise _refused(exc) from exc
    return _one(request, kind, muc[:120])
