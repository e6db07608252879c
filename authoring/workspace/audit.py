"""The audit log: who did what, when, on which plan, and the semantic diff of every edit.

Append-only: this module only adds and reads entries; the application has no way to change or remove one, and the
database refuses it too (triggers of the migration). Exported as CSV or XLSX for an inspection.
"""

from __future__ import annotations

import csv
import io
from datetime import timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import Account
from .models import AuditRow
from .workflow import state_label

ACTIONS = {
    "tao": "Tạo kế hoạch",
    "sua": "Sửa nội dung",
    "chuyen-buoc": "Chuyển bước quy trình",
    "ban-hanh": "Ban hành",
    "lap-cap-duoi": "Lập dự thảo cho cấp dưới",
    "dat-han": "Đặt hạn cho cấp dưới",
    "dang-nhap": "Đăng nhập",
    "tai-khoan": "Quản lý tài khoản",
    "don-vi": "Quản lý đơn vị",
}


def record(session: Session, who: Account | None, action: str, summary: str, plan_id: int | None = None,
           version: int | None = None, state_from: str | None = None, state_to: str | None = None,
           diff: list[str] | None = None, unit_id: int | None = None) -> AuditRow:
    row = AuditRow(user_id=who.id if who else None, user_name=f"{who.full_name} ({who.username})" if who else "hệ thống",
                   unit_id=unit_id if unit_id is not None else (who.unit_id if who else None), plan_id=plan_id,
                   action=action, summary=summary[:4000], version=version, state_from=state_from, state_to=state_to,
                   diff=diff or None)
    session.add(row)
    return row


def entries(session: Session, plan_id: int | None = None, unit_ids: set[int] | None = None,
            limit: int = 500) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if plan_id is not None:
        query = query.where(AuditRow.plan_id == plan_id)
    if unit_ids is not None:
        query = query.where(AuditRow.unit_id.in_(unit_ids))
    return list(session.scalars(query))


HEADERS = ["Thời điểm", "Người thực hiện", "Việc", "Nội dung", "Kế hoạch số", "Phiên bản", "Từ bước", "Sang bước",
           "Thay đổi nội dung"]


def _local(moment) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone().strftime("%d/%m/%Y %H:%M:%S")


def rows_for_export(rows: list[AuditRow]) -> list[list]:
    return [[_local(r.at), r.user_name, ACTIONS.get(r.action, r.action), r.summary, r.plan_id or "", r.version or "",
             state_label(r.state_from) if r.state_from else "", state_label(r.state_to) if r.state_to else "",
             "\n".join(r.diff or [])] for r in sorted(rows, key=lambda r: r.id)]


def to_csv(rows: list[AuditRow]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows_for_export(rows))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")   # BOM: Excel opens Vietnamese correctly


def to_xlsx(rows: list[AuditRow], title: str = "Nhật ký") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_for_export(rows):
        sheet.append(row)
    for column, width in zip("ABCDEFGHI", (20, 30, 24, 60, 12, 10, 26, 26, 80)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
