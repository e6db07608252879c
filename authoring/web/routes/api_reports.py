"""The Báo cáo kết quả in the JSON API (/api/v1): a unit's reports, figures, steps, documents; the roll-up."""

from __future__ import annotations

from datetime import date

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from ...errors import ToolMissingError
from ...findings import Severity
from ...lifecycle.report import plan_periods, render_report, results_form, target_name
from ...loading.results import load_results, results_yaml
from ...model.results import is_period, period_label
from ...workspace import report_flow
from . import reports as pages
from .api import MAX_YAML, ApiError
from ...text import vietnam_today

router = APIRouter()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
STEPS_HERE = ("trinh", "duyet", "tra-lai-du-thao", "cap-so", "gui", "tiep-nhan", "tra-lai")   # ký: on the page


class ReportSummary(BaseModel):
    ky: str = Field(description="Kỳ báo cáo: 2026-H1, 2026-H2, 2026-Q1 … 2026-Q4, 2026-01 … 2026-12, 2026")
    ten_ky: str = Field(description="Kỳ báo cáo bằng lời, vd. «6 tháng đầu năm 2026»")
    trang_thai: str = Field(description="Bước của báo cáo, vd. «Đang soạn», «Đã gửi cấp trên»; «Chưa nhập số liệu»")
    phien_ban: int = Field(description="Số lần lưu số liệu (0: chưa lưu)")
    han: str | None = Field(description="Hạn gửi (ngày/tháng/năm), nếu kế hoạch hoặc đơn vị ban hành đã đặt")
    han_theo: str | None = Field(description="Hạn lấy từ đâu: mục chế độ báo cáo của kế hoạch, hay do đơn vị đặt")
    qua_han: bool = Field(description="Đã quá hạn mà chưa gửi")
    so: int | None = Field(description="Số được cấp (sau bước «Cấp số»)")
    ngay_ban_hanh: str | None
    ly_do_tra_lai: str = Field("", description="Lý do cấp trên hoặc lãnh đạo trả lại, nếu có")


class ReportList(BaseModel):
    id: int = Field(description="Số của kế hoạch mà các báo cáo báo cáo về")
    don_vi: str = Field(description="Đơn vị báo cáo")
    bao_cao: list[ReportSummary]


class ReportRead(ReportSummary):
    yaml: str = Field(description="Số liệu dạng YAML (như tệp của `kehoach report-form`); chưa lưu thì là mẫu trống "
                                  "lập từ kế hoạch")
    du_lieu: dict = Field(description="Số liệu dạng JSON: chỉ tiêu (giá trị, tử số, mẫu số, nguồn), nhiệm vụ "
                                      "(trạng thái, tóm tắt, kinh phí), khó khăn, đề xuất")
    buoc_duoc_lam: list[str] = Field(description="Các bước người gọi làm được lúc này (trinh, duyet, cap-so …)")


class ReportWrite(BaseModel):
    yaml: str = Field(description="Toàn bộ số liệu của kỳ dạng YAML", max_length=MAX_YAML)
    phien_ban: int = Field(description="Phiên bản đang sửa (0 khi kỳ này chưa lưu lần nào; bắt buộc: thiếu thì trả "
                                       "428); nếu đã có bản mới hơn thì trả 409")


class ReportSaved(BaseModel):
    ky: str
    phien_ban: int
    trang_thai: str
    canh_bao: list[str] = Field(description="Lưu ý của phần kiểm tra số liệu (không chặn việc lưu)")


class ReportStep(BaseModel):
    ly_do: str = Field("", max_length=1000, description="Với «tra-lai» (bắt buộc) và «tra-lai-du-thao»: lý do")
    ngay: str = Field("", max_length=20, description="Với «cap-so»: ngày ban hành ngày/tháng/năm (mặc định hôm nay)")


class ReportStepDone(BaseModel):
    trang_thai: str
    so: int | None
    ngay_ban_hanh: str | None


def _helpers(request: Request):
    helpers = request.app.state.services.reports(request)
    if helpers is None:
        raise ApiError(404, "Báo cáo kết quả chỉ có trong không gian làm việc chung.")
    return helpers


def _as_api(exc: Exception) -> ApiError:
    """The page's refusals (WsError, ReportFlowError) in the API's words, with their reasons."""
    if not hasattr(exc, "message"):
        raise exc
    return ApiError(getattr(exc, "status", 400), exc.message, ly_do=list(getattr(exc, "reasons", None) or []))


def _where(request: Request, plan_id: int, ky: str | None = None):
    h = _helpers(request)
    try:
        me = h.who(request)
        where = pages._place(h, me, plan_id)
    except Exception as exc:
        raise _as_api(exc) from exc
    if ky is not None and not is_period(ky):
        raise ApiError(400, f"Kỳ báo cáo «{ky[:20]}» không đúng dạng; viết 2026-H1, 2026-H2, 2026-Q1 … 2026-Q4, "
                            "2026-01 … 2026-12 hoặc 2026.")
    return h, me, where


def _unit_name(where) -> str:
    return pages.reporting_name(where.unit) if where.unit is not None else where.loaded.plan.document.issuer.name


def _summary(h, session, where, period: str, row, today: date) -> dict:
    receiver_plan = where.parent.id if where.parent is not None else where.plan.id
    due = report_flow.deadline(session, receiver_plan, period, where.loaded, pages._parent_loaded(h, where))
    sent = row is not None and row.state in report_flow.COUNTED
    return {"ky": period, "ten_ky": period_label(period),
            "trang_thai": report_flow.state_label(row.state) if row else "Chưa nhập số liệu",
            "phien_ban": row.version if row else 0,
            "han": f"{due.day:%d/%m/%Y}" if due else None, "han_theo": due.words if due else None,
            "qua_han": bool(due and not sent and due.day < today),
            "so": row.number if row else None,
            "ngay_ban_hanh": f"{row.issued_on:%d/%m/%Y}" if row is not None and row.issued_on else None,
            "ly_do_tra_lai": (row.note or "") if row is not None and row.state in ("returned", "draft") else ""}


@router.get("/ke-hoach/{plan_id}/bao-cao", response_model=ReportList,
            summary="Báo cáo kết quả của đơn vị theo kế hoạch: các kỳ, bước, hạn gửi")
def list_reports(request: Request, plan_id: int):
    h, _me, where = _where(request, plan_id)
    year = where.loaded.plan.document.date.year
    parent = pages._parent_loaded(h, where)
    periods = list(dict.fromkeys(p for loaded in (where.loaded, parent) if loaded is not None
                                 for p in plan_periods(loaded.plan, year)))
    today = vietnam_today()
    with h.sessions() as session:
        rows = {row.period: row for row in session.scalars(
            select(report_flow.ResultsRow).where(report_flow.ResultsRow.plan_id == plan_id))}
        items = [_summary(h, session, where, p, rows.get(p), today) for p in periods + sorted(set(rows) - set(periods))]
    return {"id": plan_id, "don_vi": _unit_name(where), "bao_cao": items}


@router.get("/ke-hoach/{plan_id}/bao-cao/{ky}", response_model=ReportRead,
            summary="Đọc số liệu một kỳ (chưa lưu: mẫu lập từ kế hoạch)")
def read_report(request: Request, plan_id: int, ky: str):
    h, me, where = _where(request, plan_id, ky)
    with h.sessions() as session:
        row = report_flow.find(session, plan_id, ky)
        summary = _summary(h, session, where, ky, row, vietnam_today())
    text = row.text if row is not None and row.text else results_yaml(results_form(where.loaded.plan,
                                                                                     _unit_name(where), ky))
    loaded, _ = load_results("ket-qua.yaml", None, text=text)
    data = loaded.results.model_dump(mode="json", exclude_none=True) if loaded is not None else {}
    steps = [s.id for s in report_flow.allowed(me, row)] if row is not None else []
    return {**summary, "yaml": text, "du_lieu": data, "buoc_duoc_lam": [s for s in steps if s in STEPS_HERE]}


@router.put("/ke-hoach/{plan_id}/bao-cao/{ky}", response_model=ReportSaved,
            summary="Lưu số liệu một kỳ (cần số phiên bản đang sửa); kiểm tra như trên trang")
def write_report(body: ReportWrite, request: Request, plan_id: int, ky: str):
    h, me, where = _where(request, plan_id, ky)
    loaded, index = load_results("ket-qua.yaml", where.loaded.plan, text=body.yaml)
    errors = [f for f in index.sorted() if f.severity is Severity.ERROR]
    if loaded is None or errors:
        raise ApiError(422, "Số liệu chưa lưu được: còn lỗi.", phat_hien=[
            {"dong": f.line, "truong": f.path or "", "noi_dung": f.message, "cach_sua": f.suggestion or ""}
            for f in errors[:50]])
    results = loaded.results
    if results.period != ky:
        raise ApiError(400, f"Số liệu gửi lên là của kỳ {period_label(results.period)} (trường 'period'), không phải "
                            f"{period_label(ky)}; sửa 'period' hoặc gửi tới đúng kỳ.")
    if results.plan != where.loaded.plan.id:
        raise ApiError(400, f"Số liệu gửi lên là của kế hoạch «{results.plan}» (trường 'plan'), không phải kế hoạch "
                            "này; hãy lấy mẫu bằng GET của kỳ này.")
    text, problems, warnings = pages.check_figures(results.model_copy(update={"unit": _unit_name(where)}),
                                                   where.loaded.plan)
    if problems:
        raise ApiError(422, "Số liệu chưa lưu được: còn lỗi.", phat_hien=[
            {"dong": None, "truong": key, "noi_dung": message, "cach_sua": ""}
            for key, messages in problems.items() for message in messages])
    try:
        with h.sessions.begin() as session:
            row = report_flow.save(session, me, plan_id, where.plan.unit_id, ky, text,
                                   receiver_unit_id=where.receiver_unit_id,
                                   parent_plan_id=where.parent.id if where.parent is not None else None,
                                   how="qua API", address=h.address(request.scope), base_version=body.phien_ban)
            version, state = row.version, row.state
    except report_flow.ReportFlowError as exc:
        raise _as_api(exc) from exc
    return {"ky": ky, "phien_ban": version, "trang_thai": report_flow.state_label(state), "canh_bao": warnings}


@router.post("/ke-hoach/{plan_id}/bao-cao/{ky}/buoc/{step}", response_model=ReportStepDone,
             summary="Bước của báo cáo: trinh, duyet, tra-lai-du-thao, cap-so, gui, tiep-nhan, tra-lai (ký trên trang)")
async def report_step(body: ReportStep, request: Request, plan_id: int, ky: str, step: str):
    from ..workspace_site import day_from_form

    h, me, where = _where(request, plan_id, ky)
    if step == "ky":
        raise ApiError(400, "Bước «Ký» làm trên trang: cần bản PDF đã ký số hoặc tệp chứng thư số.")
    if step not in STEPS_HERE:
        raise ApiError(404, "Không có bước này trong quy trình báo cáo; các bước: " + ", ".join(STEPS_HERE) + ".")

    def apply() -> dict:
        day = day_from_form(body.ngay, "Ngày ban hành") if step == "cap-so" else None
        with h.sessions.begin() as session:
            row = report_flow.find(session, plan_id, ky)
            if row is None:
                raise report_flow.ReportFlowError("Đơn vị chưa nhập số liệu cho kỳ này.", 404)
            report_flow.take(session, me, row, step, body.ly_do, h.address(request.scope), day=day)
            return {"trang_thai": report_flow.state_label(row.state), "so": row.number,
                    "ngay_ban_hanh": f"{row.issued_on:%d/%m/%Y}" if row.issued_on else None}

    try:
        return await to_thread.run_sync(apply)
    except Exception as exc:   # the flow's refusals, in words, with their reasons
        raise _as_api(exc) from exc


@router.get("/ke-hoach/{plan_id}/bao-cao/{ky}/van-ban.docx", summary="Tải Báo cáo kết quả (Word) của kỳ",
            responses={200: {"content": {DOCX: {}}}})
def report_document(request: Request, plan_id: int, ky: str):
    h, me, where = _where(request, plan_id, ky)
    return _download(h, me, request, plan_id, ky, lambda: _unit_docx(h, where, ky, plan_id), "docx", "")


@router.get("/ke-hoach/{plan_id}/bao-cao/{ky}/van-ban.pdf", summary="Tải Báo cáo kết quả (PDF) của kỳ",
            responses={200: {"content": {PDF: {}}}})
def report_pdf(request: Request, plan_id: int, ky: str):
    h, me, where = _where(request, plan_id, ky)
    return _download(h, me, request, plan_id, ky, lambda: _unit_docx(h, where, ky, plan_id), "pdf", "")


def _unit_docx(h, where, ky: str, plan_id: int) -> bytes:
    with h.sessions() as session:
        row = report_flow.find(session, plan_id, ky)
    return pages._unit_docx(h, where, row, ky)


def _download(h, me, request: Request, plan_id: int, ky: str, make, kind: str, whose: str) -> Response:
    """The Báo cáo as Word, or as PDF through the page's own conversion (LibreOffice under its guard): whole, or a
    refusal in words (503 when LibreOffice is missing)."""
    try:
        data = make()
        if kind == "pdf":
            data = pages.as_pdf(h, data)
    except ToolMissingError as exc:
        raise ApiError(503, exc.message) from exc
    except Exception as exc:
        raise _as_api(exc) from exc
    label = "Word" if kind == "docx" else "PDF"
    h.access.log_export(me, h.address(request.scope), plan_id, f"Báo cáo kết quả {period_label(ky)} ({label}, qua API)")
    return Response(data, media_type=DOCX if kind == "docx" else PDF,
                    headers={"Content-Disposition": f'attachment; filename="bao-cao-ket-qua{whose}-{ky}.{kind}"'})


class CommuneReport(BaseModel):
    don_vi: str
    ke_hoach: int | None = Field(description="Số của kế hoạch của xã (null: xã chưa có kế hoạch)")
    trang_thai: str
    qua_han: bool


class TargetRollup(BaseModel):
    chi_tieu: str = Field(description="Chỉ tiêu của kế hoạch tỉnh, bằng lời")
    ke_hoach: str = Field(description="Mức kế hoạch giao")
    dat_duoc: str = Field(description="Tổng của các xã đã báo cáo (tổng, hoặc tỷ lệ bình quân theo mẫu số)")
    danh_gia: str = Field(description="Đạt, Chưa đạt hoặc Chưa đánh giá được")
    so_xa_dat: int
    so_xa_bao_cao: int


class ProvinceRollup(BaseModel):
    ky: str
    ten_ky: str
    han: str | None
    da_tinh: int = Field(description="Số xã có báo cáo đã gửi hoặc đã tiếp nhận (được tính vào tổng hợp)")
    tong_so_xa: int
    xa: list[CommuneReport]
    chi_tieu: list[TargetRollup]


def _province(request: Request, plan_id: int, ky: str):
    h = _helpers(request)
    if not is_period(ky):
        raise ApiError(400, f"Kỳ báo cáo «{ky[:20]}» không đúng dạng; viết 2026-H1, 2026-Q1, 2026-03 hoặc 2026.")
    try:
        me, where = pages._province_place(h, request, plan_id)
        board, roll = pages._province_rollup(h, where, ky)
    except Exception as exc:
        raise _as_api(exc) from exc
    return h, me, where, board, roll


@router.get("/ke-hoach/{plan_id}/tong-hop/{ky}", response_model=ProvinceRollup,
            summary="Tổng hợp của tỉnh: xã nào đã gửi, quá hạn, và kết quả từng chỉ tiêu (như trang tổng hợp)")
def province_rollup(request: Request, plan_id: int, ky: str):
    _h, _me, where, board, roll = _province(request, plan_id, ky)
    verdict = {True: "Đạt", False: "Chưa đạt", None: "Chưa đánh giá được"}
    return {"ky": ky, "ten_ky": period_label(ky), "han": f"{board.due:%d/%m/%Y}" if board.due else None,
            "da_tinh": len(board.counted), "tong_so_xa": len(board.rows),
            "xa": [{"don_vi": r["unit"].name, "ke_hoach": r["plan_id"], "trang_thai": r["state"],
                    "qua_han": bool(r["late"])} for r in board.rows],
            "chi_tieu": [{"chi_tieu": target_name(where.loaded.plan, t.target),
                          "ke_hoach": pages._committed(t.target), "dat_duoc": pages._figure(t.total, t.target.unit),
                          "danh_gia": verdict[t.achieved], "so_xa_dat": t.meeting, "so_xa_bao_cao": t.reported}
                         for t in roll.targets]}


@router.get("/ke-hoach/{plan_id}/tong-hop/{ky}/van-ban.docx", summary="Tải Báo cáo kết quả của tỉnh (Word)",
            responses={200: {"content": {DOCX: {}}}})
def province_document(request: Request, plan_id: int, ky: str):
    return _province_download(request, plan_id, ky, "docx")


@router.get("/ke-hoach/{plan_id}/tong-hop/{ky}/van-ban.pdf", summary="Tải Báo cáo kết quả của tỉnh (PDF)",
            responses={200: {"content": {PDF: {}}}})
def province_pdf(request: Request, plan_id: int, ky: str):
    return _province_download(request, plan_id, ky, "pdf")


def _province_download(request: Request, plan_id: int, ky: str, kind: str) -> Response:
    h, me, where, board, roll = _province(request, plan_id, ky)
    if not board.counted:
        raise ApiError(409, f"Chưa xã nào gửi báo cáo {period_label(ky)}; chưa lập được báo cáo tổng hợp.")
    return _download(h, me, request, plan_id, ky, lambda: render_report(where.loaded, roll), kind, "-tinh")
