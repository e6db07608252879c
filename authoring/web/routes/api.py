"""The JSON API under /api/v1 for e-office systems, boards and scripts: the same plans, checks and permissions as the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from .. import core, forms
from ..store import Conflict

MAX_YAML = 2 * 1024 * 1024   # a plan is tens of kB; the page's upload limit is 5 MB for Word files


@dataclass
class Services:
    """What the API takes from the running page (the same functions its routes call)."""

    state: Any
    plan_or_404: Callable
    create_plan: Callable
    save: Callable
    usable: Callable
    make_pdf: Callable
    derive: Callable                      # (library file, unit, request) -> (plan id, summary)
    may_create: Callable                  # (request) -> reason or None
    may_edit: Callable                    # (request, plan id) -> reason or None
    names: Callable                       # (analysis) -> describe
    step: Callable                        # (request) -> the workspace's step function, or None
    reports: Callable = field(default=lambda request: None)   # (request) -> the report pages' helpers, or None
    app: Any = None                       # the page's application (the unit registry's functions take it)


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


class PlanSummary(BaseModel):
    id: int = Field(description="Số của kế hoạch trong hệ thống")
    trich_yeu: str
    co_quan_ban_hanh: str
    phien_ban: int = Field(description="Phiên bản mới nhất")
    cap_nhat: str = Field(description="Lần lưu cuối (giờ UTC, ISO 8601)")


class PlanList(BaseModel):
    tong: int
    trang: int
    ke_hoach: list[PlanSummary]


class Finding(BaseModel):
    muc_do: str = Field(description="Lỗi, Cảnh báo hoặc Lưu ý")
    noi_dung: str
    cach_sua: str
    truong: str = Field(description="Đường dẫn trường trong dữ liệu kế hoạch (cho máy; người dùng không cần)")


class Check(BaseModel):
    id: int
    phien_ban: int
    doc_duoc: bool = Field(description="Kế hoạch đọc được (không còn lỗi định dạng)")
    loi: int
    canh_bao: int
    luu_y: int
    phat_hien: list[Finding]


class PlanRead(BaseModel):
    id: int
    phien_ban: int
    trich_yeu: str
    co_quan_ban_hanh: str
    yaml: str = Field(description="Kế hoạch dạng YAML, như tải về từ trang")
    du_lieu: dict | None = Field(description="Kế hoạch dạng JSON (như `kehoach show --json`); null khi còn lỗi định dạng")


class PlanWrite(BaseModel):
    yaml: str = Field(description="Toàn bộ kế hoạch dạng YAML", max_length=MAX_YAML)
    ghi_chu: str = Field("", max_length=300, description="Ghi chú của lần lưu (hiện trong danh sách phiên bản)")


class PlanUpdate(PlanWrite):
    phien_ban: int = Field(description="Phiên bản đang sửa (bắt buộc: thiếu thì trả 428); nếu kế hoạch đã có phiên "
                                       "bản mới hơn thì trả 409")


class Saved(BaseModel):
    id: int
    phien_ban: int
    loi: int
    canh_bao: int


class Step(BaseModel):
    ngay: str = Field("", description="Với «ban-hanh»: ngày ban hành ngày/tháng/năm (mặc định hôm nay)", max_length=20)
    theo_ngay: bool = Field(False, description="Với «ban-hanh»: ghi lại ngày của kế hoạch theo ngày ban hành khi "
                                               "kế hoạch ghi một năm, tháng khác")


class StepDone(BaseModel):
    buoc: str = Field(description="Bước hiện tại của kế hoạch")
    so: int | None = Field(description="Số được cấp (sau khi ban hành)")
    ngay_ban_hanh: str | None


class Derive(BaseModel):
    van_ban: str = Field(description="Văn bản cấp trên trong thư viện, vd. examples/nghe-an-2025-kh-07.yaml")
    don_vi: str = Field(description="Đơn vị cấp dưới kèm loại, vd. «xã Quỳ Châu»", max_length=200)


router = APIRouter()


def services_of(request: Request) -> Services:
    """The services of the API serving *request*."""
    return request.app.state.services


async def refused(request: Request, exc: ApiError):
    return JSONResponse({"loi": exc.message, **exc.extra}, status_code=exc.status)


VERSION_MISSING = ("Thiếu trường «phien_ban» (phiên bản bạn đã đọc): mọi yêu cầu sửa, rút, duyệt phải gửi kèm nó. "
                   "Đọc lại (GET) kế hoạch, số liệu hoặc mục danh mục, lấy giá trị «phien_ban» ở đó rồi gửi lại yêu "
                   "cầu kèm trường này; nhờ vậy không ai ghi đè lên thay đổi của người khác mà không biết.")


def _without_version(request: Request, errors) -> bool:
    """Whether the body lacks the optimistic version its route requires (absent, null or blank, or no body at all)."""
    route = request.scope.get("route")
    model = getattr(getattr(getattr(route, "body_field", None), "field_info", None), "annotation", None)
    wants = "phien_ban" in getattr(model, "model_fields", {})
    for e in errors:
        loc = tuple(e["loc"])
        if loc == ("body", "phien_ban") and (e["type"] == "missing" or e.get("input") in (None, "")):
            return True
        if loc == ("body",) and e["type"] == "missing" and wants:
            return True
    return False


async def malformed(request: Request, exc: RequestValidationError):
    if _without_version(request, exc.errors()):
        # 428 Precondition Required: the change would otherwise overwrite unseen what someone else changed
        return JSONResponse({"loi": VERSION_MISSING, "truong": ["phien_ban"]}, status_code=428)
    fields = sorted({".".join(str(p) for p in e["loc"][1:]) for e in exc.errors()})
    return JSONResponse({"loi": "Dữ liệu gửi lên không đúng dạng (cần JSON với các trường đã mô tả).",
                         "truong": fields}, status_code=422)


def found(services: Services, plan_id: int):
    try:
        return services.plan_or_404(plan_id)
    except Exception as exc:
        raise ApiError(404, "Không tìm thấy kế hoạch này.") from exc


def counts_of(analysis) -> dict:
    counts = analysis.counts()
    return {"loi": counts["error"], "canh_bao": counts["warning"]}


@router.get("/ke-hoach", response_model=PlanList, summary="Danh sách kế hoạch (mới sửa trước)")
def list_plans(request: Request, trang: int = 1, so_dong: int = 50):
    services = services_of(request)
    state = services.state
    if trang < 1 or not 1 <= so_dong <= 200:
        raise ApiError(400, "trang phải từ 1; so_dong từ 1 đến 200.")
    rows = state.store.list_plans()   # only the plans this account may see (the store filters by unit)
    chosen = rows[(trang - 1) * so_dong: trang * so_dong]
    return {"tong": len(rows), "trang": trang, "ke_hoach": [
        {"id": r.id, "trich_yeu": r.title, "co_quan_ban_hanh": r.issuer, "phien_ban": r.head,
         "cap_nhat": r.updated_at.isoformat() if r.updated_at else ""} for r in chosen]}


@router.get("/ke-hoach/{plan_id}", response_model=PlanRead, summary="Đọc một kế hoạch (YAML và JSON)")
def read(request: Request, plan_id: int, phien_ban: int | None = None):
    services = services_of(request)
    row = found(services, plan_id)
    analysis, _ = services.usable(plan_id, phien_ban)
    data = core.plan_to_json(analysis.loaded) if analysis.format_ok else None
    return {"id": plan_id, "phien_ban": phien_ban or row.head, "trich_yeu": row.title,
            "co_quan_ban_hanh": row.issuer, "yaml": analysis.text, "du_lieu": data}


@router.post("/ke-hoach", response_model=Saved, status_code=201, summary="Tạo kế hoạch từ YAML")
def create_plan(body: PlanWrite, request: Request):
    services = services_of(request)
    state = services.state
    reason = services.may_create(request)
    if reason:
        raise ApiError(403, reason)
    plan_id = services.create_plan(body.yaml, body.ghi_chu or "Tạo qua API", "Tạo qua API")
    analysis = state.analysis(plan_id, 1)
    return {"id": plan_id, "phien_ban": 1, **counts_of(analysis)}


@router.put("/ke-hoach/{plan_id}", response_model=Saved, summary="Lưu phiên bản mới (cần số phiên bản đang sửa)")
def update(plan_id: int, body: PlanUpdate, request: Request):
    services = services_of(request)
    found(services, plan_id)
    reason = services.may_edit(request, plan_id)
    if reason:
        raise ApiError(403 if "đơn vị khác" in reason or "Vai trò" in reason else 409, reason)
    try:
        number, analysis = services.save(plan_id, body.phien_ban, body.yaml, body.ghi_chu or "Sửa qua API")
    except Conflict as exc:
        raise ApiError(409, "Kế hoạch đã có phiên bản mới hơn; đọc lại bản mới nhất rồi sửa trên đó.",
                       phien_ban_moi_nhat=exc.head) from exc
    return {"id": plan_id, "phien_ban": number, **counts_of(analysis)}


@router.get("/ke-hoach/{plan_id}/kiem-tra", response_model=Check, summary="Kết quả kiểm tra (như trên trang)")
def check(request: Request, plan_id: int, phien_ban: int | None = None):
    services = services_of(request)
    row = found(services, plan_id)
    analysis, _ = services.usable(plan_id, phien_ban)
    describe = services.names(analysis)
    counts = analysis.counts()
    return {"id": plan_id, "phien_ban": phien_ban or row.head, "doc_duoc": analysis.format_ok,
            "loi": counts["error"], "canh_bao": counts["warning"], "luu_y": counts["info"],
            "phat_hien": [{"muc_do": forms.SEVERITY_LABEL[f.severity.value],
                           "noi_dung": describe(forms.humanize(f.message)),
                           "cach_sua": describe(forms.humanize(f.suggestion)) if f.suggestion else "",
                           "truong": f.path or ""} for f in analysis.findings]}


@router.post("/lap-cap-duoi", response_model=Saved, status_code=201,
          summary="Lập kế hoạch cấp dưới từ một văn bản trong thư viện")


def derive(body: Derive, request: Request):
    services = services_of(request)
    state = services.state
    reason = services.may_create(request)
    if reason:
        raise ApiError(403, reason)
    try:
        plan_id = services.derive(body.van_ban, body.don_vi, request)
    except Exception as exc:   # the page's refusals (unknown commune, another commune's plan) carry their words
        if not hasattr(exc, "message"):
            raise
        raise ApiError(getattr(exc, "status", 400), exc.message) from exc
    return {"id": plan_id, "phien_ban": 1, **counts_of(state.analysis(plan_id, 1))}


@router.post("/ke-hoach/{plan_id}/buoc/{step}", response_model=StepDone,
          summary="Bước quy trình: trinh, duyet, tra-lai, kiem-tra-the-thuc, ban-hanh (ký làm trên trang)")


async def take_step(plan_id: int, step: str, body: Step, request: Request):
    services = services_of(request)
    run = services.step(request)
    me = request.scope.get("state", {}).get("account")
    if run is None or me is None:
        raise ApiError(404, "Quy trình trình, duyệt, ký, ban hành chỉ có trong không gian làm việc chung.")
    try:
        return await run(me, plan_id, step, {"ngay": body.ngay, "theo_ngay": "1" if body.theo_ngay else ""})
    except Exception as exc:   # the workflow's refusals, in words, with their reasons
        if not hasattr(exc, "message"):
            raise
        raise ApiError(getattr(exc, "status", 400), exc.message, ly_do=list(getattr(exc, "reasons", []))) from exc


@router.get("/ke-hoach/{plan_id}/van-ban.{kind}", summary="Xuất văn bản: docx hoặc pdf",
         responses={200: {"content": {"application/pdf": {}, "application/vnd.openxmlformats-officedocument."
                                                             "wordprocessingml.document": {}}}})


def render(request: Request, plan_id: int, kind: str, phien_ban: int | None = None):
    services = services_of(request)
    found(services, plan_id)
    analysis, stem = services.usable(plan_id, phien_ban)
    if not analysis.format_ok:
        raise ApiError(409, "Kế hoạch còn lỗi định dạng; xem /kiem-tra, sửa xong mới xuất văn bản được.")
    if kind == "docx":
        return Response(core.render_docx(analysis.loaded),
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.docx"'})
    if kind == "pdf":
        return Response(services.make_pdf(analysis.loaded), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{stem}.pdf"'})
    raise ApiError(404, "Chỉ xuất được docx hoặc pdf.")


def create(services: Services) -> FastAPI:
    api = FastAPI(title="kehoach — API kế hoạch", version="1",
                  description="Đọc, tạo, sửa, kiểm tra, lập kế hoạch cấp dưới và xuất văn bản; nhập số liệu, trình, gửi "
                              "và tải Báo cáo kết quả; danh mục bổ sung của đơn vị; cùng quyền như trang web. "
                              "Trong không gian làm việc chung, mỗi yêu cầu mang `Authorization: Bearer <khóa>`.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")

    api.state.services = services
    api.add_exception_handler(ApiError, refused)
    api.add_exception_handler(RequestValidationError, malformed)
    api.include_router(router)
    from . import api_registry, api_reports   # they build on this module's errors

    api.include_router(api_reports.router)
    api.include_router(api_registry.router)
    return api
