"""What one unit did in one reporting period of a plan: values reached per target, a status per task and duty."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from .common import RefText, ShortLine, Strict

_PERIOD_RE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$")


def _check_period(value: str) -> str:
    if not _PERIOD_RE.match(value):
        raise ValueError(f"kỳ báo cáo '{value}' không đúng dạng; viết 2026-H1 (6 tháng đầu năm), 2026-H2, "
                         "2026-Q1 … 2026-Q4 (quý), 2026-01 … 2026-12 (tháng) hoặc 2026 (cả năm)")
    return value


def is_period(code: str) -> bool:
    """Whether *code* is a period code (2026-H1, 2026-Q3, 2026-03, 2026)."""
    return bool(_PERIOD_RE.match(code))


PeriodCode = Annotated[str, AfterValidator(_check_period)]


def period_label(code: str) -> str:
    """'2026-H1' → '6 tháng đầu năm 2026', '2026-Q3' → 'quý III năm 2026', '2026-03' → 'tháng 3 năm 2026',
    '2026' → 'năm 2026'."""
    match = _PERIOD_RE.match(code)
    if not match:
        return code
    year, part = match.groups()
    if part is None:
        return f"năm {year}"
    if part == "H1":
        return f"6 tháng đầu năm {year}"
    if part == "H2":
        return f"6 tháng cuối năm {year}"
    if part[0] == "Q":
        return f"quý {('I', 'II', 'III', 'IV')[int(part[1]) - 1]} năm {year}"
    return f"tháng {int(part)} năm {year}"


class WorkStatus(str, Enum):
    """Where a task or a duty stands at the end of the period."""

    NOT_STARTED = "chua_thuc_hien"
    IN_PROGRESS = "dang_thuc_hien"
    DONE = "hoan_thanh"
    NOT_DONE = "khong_hoan_thanh"

    @property
    def label(self) -> str:
        return {"chua_thuc_hien": "chưa thực hiện", "dang_thuc_hien": "đang thực hiện", "hoan_thanh": "hoàn thành",
                "khong_hoan_thanh": "không hoàn thành"}[self.value]


class TargetResult(Strict):
    """The value a unit reached for one target of the plan."""

    target: RefText = Field(description="Mã chỉ tiêu trong kế hoạch (id của target).")
    value: float | None = Field(None, description="Giá trị đạt được; để trống nếu chưa có số liệu.")
    unit: ShortLine | None = Field(None, description="Đơn vị đo, phải trùng đơn vị của chỉ tiêu: %, trẻ em, xã, …")
    numerator: float | None = Field(None, ge=0, description="Tử số khi chỉ tiêu là tỷ lệ (vd. số trẻ được trợ giúp).")
    denominator: float | None = Field(None, ge=0, description="Mẫu số khi chỉ tiêu là tỷ lệ (vd. tổng số trẻ).")
    source: str | None = Field(None, description="Nguồn số liệu: sổ theo dõi, phần mềm, điều tra …")
    note: str | None = None


class WorkResult(Strict):
    """Where one task or duty of the plan stands."""

    item: RefText = Field(description="Mã nhiệm vụ trong kế hoạch (id của mục có task, hoặc của nhiệm vụ cơ quan).")
    status: WorkStatus = Field(description="chua_thuc_hien, dang_thuc_hien, hoan_thanh, khong_hoan_thanh.")
    account: str | None = Field(None, description="Tóm tắt kết quả, hoặc lý do chưa hoàn thành.")
    spent: int | None = Field(None, ge=0, description="Kinh phí đã chi, đồng (khi kế hoạch có kinh phí).")


class Results(Strict):
    """One unit's results for one reporting period of one plan."""

    kind: Literal["results"] = "results"
    plan: RefText = Field(description="Mã kế hoạch được báo cáo (id của kế hoạch).")
    unit: ShortLine = Field(description="Tên đơn vị báo cáo: Ủy ban nhân dân xã Hưng Đông.")
    period: PeriodCode = Field(description="Kỳ báo cáo: 2026-H1, 2026-H2, 2026-Q1 … 2026-Q4, 2026-01 … 2026-12, 2026.")
    targets: list[TargetResult] = []
    work: list[WorkResult] = []
    difficulties: str | None = Field(None, description="Khó khăn, vướng mắc.")
    proposals: str | None = Field(None, description="Đề xuất, kiến nghị.")
