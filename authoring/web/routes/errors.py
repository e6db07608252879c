"""How the page answers what goes wrong: in Vietnamese, as a page or an htmx alert, never a traceback."""

from __future__ import annotations

import os

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import core, fragments
from ..workspace_site import ws_of
from ..site import UserError, site_of


async def user_error(request: Request, exc: UserError):
    site = site_of(request)
    if site.is_htmx(request):
        return HTMLResponse(site.alert_fragment(exc.message), status_code=exc.status, headers={"HX-Reswap": "none"})
    return site.page(request, "error.html", exc.status, message=exc.message)


async def http_error(request: Request, exc: StarletteHTTPException):
    site = site_of(request)
    message = {404: "Không tìm thấy trang hoặc kế hoạch này.", 405: "Thao tác này không dùng được ở đây."}.get(
        exc.status_code, "Yêu cầu không hợp lệ.")
    if site.is_htmx(request):
        return HTMLResponse(site.alert_fragment(message), status_code=exc.status_code, headers={"HX-Reswap": "none"})
    return site.page(request, "error.html", exc.status_code, message=message)


async def bad_request(request: Request, exc: RequestValidationError):
    site = site_of(request)
    message = "Địa chỉ hoặc dữ liệu gửi lên không đúng dạng (ví dụ số kế hoạch phải là số). Hãy quay lại trang trước."
    if site.is_htmx(request):
        return HTMLResponse(site.alert_fragment(message), status_code=400, headers={"HX-Reswap": "none"})
    return site.page(request, "error.html", 400, message=message)


async def internal_error(request: Request, exc: Exception):
    site = site_of(request)
    if os.environ.get("KEHOACH_DEBUG"):
        raise exc
    message = ("Chương trình gặp lỗi khi xử lý yêu cầu này. Dữ liệu đã lưu không bị ảnh hưởng. "
               "Hãy thử lại; nếu vẫn lỗi, báo cho nhóm phát triển kèm thời điểm xảy ra.")
    if isinstance(exc, core.KehoachError):
        message = exc.message[:1].upper() + exc.message[1:] + (f" {exc.hint}" if exc.hint else "")
    if site.is_htmx(request):
        return HTMLResponse(site.alert_fragment(message), status_code=500, headers={"HX-Reswap": "none"})
    return site.page(request, "error.html", 500, message=message)


async def workspace_error(request: Request, exc):
    ws = ws_of(request)
    if request.headers.get("hx-request") == "true":
        body = fragments.render("alert", message=exc.message, reasons=exc.reasons, close=False)
        return HTMLResponse(body, status_code=exc.status, headers={"HX-Reswap": "none"})
    return ws.page(request, "workspace/error.html", exc.status, message=exc.message, reasons=exc.reasons)
