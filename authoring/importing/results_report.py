"""A unit's figures read back from its Báo cáo in Word: the table of targets (Chỉ tiêu | … | Thực hiện) → results."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError, UsageError
from ..findings import Finding, Severity
from ..model.plan import Plan
from ..model.results import Results, TargetResult
from ..text import match_key

# The period as a report's title writes it; a bare "năm 2026" is not taken (the plan's own date reads the same).
_PERIODS = (
    (re.compile(r"6 tháng đầu năm (\d{4})", re.I), lambda m: f"{m.group(1)}-H1"),
    (re.compile(r"6 tháng cuối năm (\d{4})", re.I), lambda m: f"{m.group(1)}-H2"),
    (re.compile(r"quý (IV|I{1,3}) năm (\d{4})", re.I),
     lambda m: f"{m.group(2)}-Q{('I', 'II', 'III', 'IV').index(m.group(1).upper()) + 1}"),
)
_NUMBER = re.compile(r"^\s*(\d[\d.]*(?:,\d+)?)")
# Columns that hold other figures than the one reached (plan, last year, change, units meeting, verdict).
_NOT_REACHED = ("kế hoạch", "cùng kỳ", "tăng", "giảm", "số đơn vị", "đánh giá", "ghi chú", "stt")


def _number(text: str) -> float | None:
    match = _NUMBER.match(text)
    if not match:
        return None
    raw = match.group(1)
    raw = raw.replace(".", "").replace(",", ".") if "," in raw or raw.count(".") > 1 or \
        re.search(r"\.\d{3}$", raw) else raw
    try:
        return float(raw)
    except ValueError:
        return None


def _columns(heading: list[str]) -> tuple[int | None, int | None]:
    """The column naming the target and the one holding the figure reached, by their headings."""
    name = reached = None
    for i, cell in enumerate(heading):
        key = match_key(cell)
        if name is None and key.startswith(("chỉ tiêu", "tên chỉ tiêu", "nội dung")):
            name = i
        elif reached is None and any(w in key for w in ("thực hiện", "kết quả", "đạt được")) \
                and not any(w in key for w in _NOT_REACHED):
            reached = i
    return name, reached


def results_from_report_docx(path: Path | str, plan: Plan, unit: str, period: str | None = None) -> Results:
    """The figures of *unit*'s Báo cáo for the targets of *plan*: each row of its targets table whose wording is a
    target's wording (a cut-off "…" allowed) gives that target's value. Tasks are not read (a report words them
    freely): the result lists targets only."""
    from ..model.walk import iter_targets
    from ..ooxml.reader import open_document, reading_order_lines, table_text_rows

    path = Path(path)
    document = open_document(path, "Q110")
    if period is None:
        text = " ".join(reading_order_lines(document)[:40])
        for pattern, code in _PERIODS:
            match = pattern.search(text)
            if match:
                period = code(match)
                break
        else:
            raise UsageError(f"không thấy kỳ báo cáo trong tên của {path.name}; cho biết --period, ví dụ 2026-H1")
    wording = {}
    for _, block, target in iter_targets(plan):
        words = target.indicator or block.text or block.title or ""
        wording[target.id] = match_key(" ".join(words.split()))
    found: dict[str, TargetResult] = {}
    tables = 0
    for table in document.tables:
        rows = table_text_rows(table._tbl)
        if not rows:
            continue
        name, reached = _columns(rows[0])
        if name is None or reached is None:
            continue
        tables += 1
        for row in rows[1:]:
            if max(name, reached) >= len(row):
                continue
            key = match_key(row[name]).rstrip("…").strip()
            if not key:
                continue
            target = next((t for t, w in wording.items() if w == key), None) or \
                next((t for t, w in wording.items() if len(key) >= 20 and (w.startswith(key) or key.startswith(w))),
                     None)
            if target is None or target in found:
                continue
            found[target] = TargetResult(target=target, value=_number(row[reached]),
                                         source=f"Báo cáo {path.name}"[:300])
    if not found:
        where = "không có bảng nào có cột «Chỉ tiêu» và cột «Thực hiện» (hoặc «Kết quả»)" if not tables else \
            f"{tables} bảng có cột chỉ tiêu, nhưng không dòng nào trùng câu chữ một chỉ tiêu của kế hoạch"
        raise InputError(f"Không đọc được số liệu từ báo cáo {path}.", [Finding(
            "Q110", Severity.ERROR, where, str(path),
            suggestion="Chọn đúng báo cáo của kế hoạch này; bảng chỉ tiêu cần một cột tên chỉ tiêu (như trong kế "
                       "hoạch) và một cột giá trị thực hiện. Không có thì dùng mẫu Excel của report-form.")])
    ordered = [found[t] for t in wording if t in found]
    return Results(plan=plan.id, unit=unit, period=period, targets=ordered, work=[])
