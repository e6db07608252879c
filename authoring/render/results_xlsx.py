"""The Excel form a unit fills in for one period: the plan's targets and tasks, one row each, headings in Vietnamese."""

from __future__ import annotations

import io

from ..model.plan import Plan
from ..model.results import Results, WorkStatus, period_label

INFO_SHEET, TARGET_SHEET, WORK_SHEET = "Thông tin", "Chỉ tiêu", "Nhiệm vụ"
# Headings the importer reads back (by name, so a unit may reorder or add columns).
INFO = {"plan": "Mã kế hoạch", "unit": "Đơn vị báo cáo", "period": "Kỳ báo cáo",
        "difficulties": "Khó khăn, vướng mắc", "proposals": "Đề xuất, kiến nghị"}
TARGET_COLUMNS = {"target": "Mã chỉ tiêu", "indicator": "Chỉ tiêu", "committed": "Kế hoạch", "unit": "Đơn vị đo",
                  "value": "Giá trị đạt được", "numerator": "Tử số", "denominator": "Mẫu số",
                  "source": "Nguồn số liệu", "note": "Ghi chú"}
WORK_COLUMNS = {"item": "Mã nhiệm vụ", "text": "Nhiệm vụ", "status": "Trạng thái",
                "account": "Tóm tắt kết quả hoặc lý do", "spent": "Kinh phí đã chi (đồng)"}
WIDTHS = {"indicator": 60, "text": 70, "account": 50, "source": 30, "note": 30}


def results_xlsx(plan: Plan, form: Results, texts: dict[str, str]) -> bytes:
    """The form as XLSX bytes; *texts* gives each target's and task's wording. Status is a drop-down of labels."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..loading.results import plan_items

    targets, _ = plan_items(plan)
    book = Workbook()
    info = book.active
    info.title = INFO_SHEET
    info.append(["KẾT QUẢ THỰC HIỆN KẾ HOẠCH", f"{plan.document.type} {plan.document.title}"[:500]])
    for key, value in (("plan", form.plan), ("unit", form.unit), ("period", form.period),
                       ("difficulties", None), ("proposals", None)):
        info.append([INFO[key], value])
    info.append(["Hướng dẫn", f"Kỳ {period_label(form.period)}. Điền các cột có nền trắng ở hai trang "
                              f"'{TARGET_SHEET}' và '{WORK_SHEET}'; không sửa cột mã. Ghi số, không ghi công thức."])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 24, 90
    for row in info.iter_rows():
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")

    def sheet(title, columns, rows):
        ws = book.create_sheet(title)
        ws.append(list(columns.values()))
        for row in rows:
            ws.append(row)
        for i, key in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key, 16)
            ws.cell(1, i).font = Font(bold=True)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        return ws

    target_rows = []
    for entry in form.targets:
        t = targets[entry.target]
        committed = f"{t.comparator.label} {t.value:g}" if t.value is not None else t.comparator.label
        target_rows.append([entry.target, texts.get(entry.target, ""), committed, entry.unit or "", None, None, None,
                            None, None])
    sheet(TARGET_SHEET, TARGET_COLUMNS, target_rows)
    work_rows = [[w.item, texts.get(w.item, ""), w.status.label, None, None] for w in form.work]
    ws = sheet(WORK_SHEET, WORK_COLUMNS, work_rows)
    labels = ",".join(s.label for s in WorkStatus)
    choice = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=False)
    choice.error, choice.errorTitle = f"Chọn một trong: {labels.replace(',', ', ')}", "Trạng thái"
    ws.add_data_validation(choice)
    if work_rows:
        choice.add(f"C2:C{len(work_rows) + 1}")
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic(buffer.getvalue())


def tables_xlsx(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    """Plain tables as an XLSX workbook, one sheet each (title, headings, rows), headings bold; the same bytes for
    the same tables."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, headings, rows in sheets:
        ws = book.create_sheet(title[:31])
        ws.append(headings)
        for row in rows:
            ws.append(row)
        for i, heading in enumerate(headings, 1):
            ws.cell(1, i).font = Font(bold=True)
            ws.column_dimensions[get_column_letter(i)].width = 60 if i == 2 else 18
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return _deterministic(buffer.getvalue())


def _deterministic(data: bytes) -> bytes:
    """Same form, same bytes: openpyxl stamps the creation time into docProps/core.xml."""
    import re
    import zipfile

    from ..ooxml.package import deterministic_zip

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2000-01-01T00:00:00Z", part)
            target.writestr(info.filename, part)
    return deterministic_zip(out.getvalue())
