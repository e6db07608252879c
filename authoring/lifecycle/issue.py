"""Issuing a plan: the number and date the văn thư assigns, checked against what the plan already says."""

from __future__ import annotations

from dataclasses import replace

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import LoadedPlan
from ..model import PartialDate


def issued_copy(loaded: LoadedPlan, number: int, issued: str) -> LoadedPlan:
    """The plan with its number and full date of issue; the YAML file itself is not changed."""
    doc = loaded.plan.document
    file = str(loaded.path)
    line, column = loaded.locate(("document", "date"))

    def refuse(message: str, suggestion: str) -> InputError:
        return InputError("Chưa ban hành được kế hoạch.", [Finding("I100", Severity.ERROR, message, file, line, column,
                                                                   "document.date", suggestion)])

    try:
        date = PartialDate.parse(issued)
    except ValueError as exc:
        raise refuse(f"ngày ban hành không hợp lệ: {exc}", "Ghi --date dạng NĂM-THÁNG-NGÀY, ví dụ --date 2025-01-06.")
    if not date.is_complete:
        raise refuse(f"ngày ban hành '{issued}' phải đủ ngày, tháng, năm", "Ví dụ: --date 2025-01-06.")
    planned = doc.date
    if planned.year != date.year or (planned.month is not None and planned.month != date.month):
        raise refuse(f"kế hoạch ghi ngày ban hành {planned.iso()}, nhưng ngày cấp là {date.iso()}",
                     "Sửa document.date trong tệp kế hoạch cho khớp, hoặc kiểm tra lại --date.")
    if planned.is_complete and planned != date:
        raise refuse(f"kế hoạch đã ghi ngày ban hành {planned.iso()}", "Dùng đúng ngày đó, hoặc sửa tệp kế hoạch.")
    if doc.number is not None and doc.number != number:
        number_line, number_column = loaded.locate(("document", "number"))
        raise InputError("Chưa ban hành được kế hoạch.", [Finding(
            "I101", Severity.ERROR, f"kế hoạch đã có số {doc.number:02d}, khác số {number:02d} vừa cấp", file,
            number_line, number_column, "document.number", "Bỏ trường number trong tệp, hoặc dùng đúng số đã cấp.")])
    document = doc.model_copy(update={"number": number, "date": date})
    plan = loaded.plan.model_copy(update={"document": document})
    return replace(loaded, plan=plan)
