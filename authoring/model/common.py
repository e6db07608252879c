"""Small value types shared by the plan and registry models."""

# No `from __future__ import annotations`: pydantic would parse every field's annotation from text on each start-up.
import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import partial
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, WithJsonSchema
from pydantic_core import core_schema

from .. import limits


class Strict(BaseModel):
    """Base of every model: unknown keys are errors (they are usually typos)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False, defer_build=True)


_ISO_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DAY_MONTH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


def _check_day_month(day: int, month: int, year: int | None, written: str) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"'{written}' có tháng {month}, nhưng tháng chỉ từ 1 đến 12")
    if year:
        last = calendar.monthrange(year, month)[1]
        month_text = f"tháng {month} năm {year}"
    else:
        last = 29 if month == 2 else calendar.monthrange(2001, month)[1]
        month_text = f"tháng {month}"
    if not 1 <= day <= last:
        raise ValueError(f"ngày '{written}' không có thật: {month_text} chỉ có {last} ngày")


def _check_year(year: int, written) -> None:
    if not limits.MIN_YEAR <= year <= limits.MAX_YEAR:
        raise ValueError(f"ngày tháng '{written}' có năm {year}, nhưng năm của văn bản phải từ {limits.MIN_YEAR} "
                         f"đến {limits.MAX_YEAR}")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date whose day, or day and month, may still be blank ("ngày … tháng … năm 2024")."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> "PartialDate":
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, bool):
            raise ValueError("ngày tháng phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2025-01-06")
        if isinstance(value, int):
            value = str(value)
        if not isinstance(value, str):
            raise ValueError("ngày tháng phải viết dạng NĂM-THÁNG-NGÀY, ví dụ 2025-01-06")
        match = _ISO_PARTIAL.match(value.strip())
        if not match:
            raise ValueError(
                f"'{value}' không phải ngày tháng hợp lệ; viết NĂM-THÁNG-NGÀY (2025-01-06), "
                "hoặc NĂM-THÁNG (2021-02) / NĂM (2024) khi ngày, tháng còn để trống"
            )
        year = int(match.group(1))
        _check_year(year, value)
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if month is not None and day is not None:
            _check_day_month(day, month, year, f"{day:02d}/{month:02d}/{year}")
        elif month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{value}' có tháng {month}, nhưng tháng chỉ từ 1 đến 12")
        return cls(year, month, day)

    @property
    def is_complete(self) -> bool:
        return self.month is not None and self.day is not None

    def to_date(self) -> date | None:
        return date(self.year, self.month, self.day) if self.is_complete else None

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(PartialDate.iso)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema, handler):
        return {
            "type": ["string", "integer"],
            "pattern": r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$",
            "description": "Ngày dạng NĂM-THÁNG-NGÀY (2025-01-06); NĂM-THÁNG hoặc NĂM khi ngày, tháng còn để trống.",
            "examples": ["2025-01-06", "2021-02", 2024],
        }


@dataclass(frozen=True, order=True)
class DayMonth:
    """A yearly due date such as 10/5 ("trước ngày 10/5")."""

    month: int
    day: int

    @classmethod
    def parse(cls, value: Any) -> "DayMonth":
        if isinstance(value, DayMonth):
            return value
        match = _DAY_MONTH.match(str(value).strip()) if isinstance(value, str) else None
        if not match:
            raise ValueError(f"hạn '{value}' phải viết dạng NGÀY/THÁNG, ví dụ \"10/5\" hoặc \"15/11\"")
        day, month = int(match.group(1)), int(match.group(2))
        _check_day_month(day, month, None, f"{day:02d}/{month:02d}")
        return cls(month, day)

    def text(self) -> str:
        return f"{self.day:02d}/{self.month:02d}"

    def in_year(self, year: int) -> date:
        return date(year, self.month, min(self.day, calendar.monthrange(year, self.month)[1]))

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        return core_schema.no_info_plain_validator_function(
            cls.parse, serialization=core_schema.plain_serializer_function_ser_schema(DayMonth.text)
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema, handler):
        return {"type": "string", "pattern": r"^\d{1,2}/\d{1,2}$",
                "description": "Hạn trong năm dạng NGÀY/THÁNG, ví dụ \"10/5\".", "examples": ["10/5", "15/11"]}


class Level(str, Enum):
    """Administrative level of an issuer (cấp)."""

    CENTRAL = "trung_uong"
    PROVINCE = "tinh"
    DISTRICT = "huyen"
    COMMUNE = "xa"

    @property
    def label(self) -> str:
        return {"trung_uong": "trung ương", "tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}[self.value]


class Comparator(str, Enum):
    """Direction of a target (chỉ tiêu)."""

    AT_LEAST = "at_least"      # ít nhất, đạt từ … trở lên
    ABOVE = "above"            # trên
    REACH = "reach"            # đạt, phấn đấu đạt
    AT_MOST = "at_most"        # không quá, giảm xuống còn
    BELOW = "below"            # dưới
    REDUCE_BY = "reduce_by"    # giảm … mỗi năm
    QUALITATIVE = "qualitative"

    @property
    def label(self) -> str:
        return {"at_least": "ít nhất", "above": "trên", "reach": "đạt", "at_most": "tối đa",
                "below": "dưới", "reduce_by": "giảm", "qualitative": "định tính"}[self.value]


class ReportPeriod(str, Enum):
    """How often a report is due."""

    SIX_MONTHS = "6_thang"
    ANNUAL = "nam"
    QUARTERLY = "quy"
    MONTHLY = "thang"
    MID_TERM = "so_ket"
    FINAL = "tong_ket"
    PERIODIC = "dinh_ky"
    AD_HOC = "dot_xuat"

    @property
    def label(self) -> str:
        return {"6_thang": "6 tháng", "nam": "năm", "quy": "quý", "thang": "tháng", "so_ket": "sơ kết",
                "tong_ket": "tổng kết", "dinh_ky": "định kỳ", "dot_xuat": "đột xuất"}[self.value]


class Status(str, Enum):
    """How sure a fact is ([C], [S], [U] in the reference notes)."""

    CONFIRMED = "confirmed"
    SINGLE_SOURCE = "single_source"
    UNCONFIRMED = "unconfirmed"
    INFERRED = "inferred"

    @property
    def label(self) -> str:
        return {"confirmed": "đã xác nhận", "single_source": "một nguồn", "unconfirmed": "chưa xác nhận",
                "inferred": "suy luận"}[self.value]


def _check_line(value: str, info: ValidationInfo, max_length: int) -> str:
    from .textcheck import line_problem

    name = f"'{info.field_name}' " if info.field_name else ""
    problem = line_problem(value)
    if problem:
        raise ValueError(f"{name}{problem}")
    if len(value) > max_length:
        raise ValueError(f"{name}dài {len(value)} ký tự, quá {max_length} ký tự cho phép của trường này")
    return value


def _line_checker(max_length: int):
    """A text printed on one line (title, symbol, a name): no tab or line break, not longer than *max_length*."""
    # A partial of a module function, not a closure: the built validator is pickled (loading/compiled.py).
    return AfterValidator(partial(_check_line, max_length=max_length))


ShortLine = Annotated[str, _line_checker(limits.MAX_SHORT_FIELD)]   # type, symbol, province, names
TitleLine = Annotated[str, _line_checker(limits.MAX_TITLE)]         # a title: long, but one paragraph
RefText = Annotated[str, _line_checker(limits.MAX_REF)]             # an id that becomes a file name
Year = Annotated[int, Field(ge=limits.MIN_YEAR, le=limits.MAX_YEAR)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


AgencyList = Annotated[
    list[Annotated[str, _line_checker(limits.MAX_SHORT_FIELD)]],
    BeforeValidator(_as_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    Field(description="Cơ quan: mã trong danh mục cơ quan (vd. so-y-te) hoặc tên đầy đủ; một hoặc nhiều."),
]

ItemId = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
          description="Mã ổn định của mục (chữ, số, '.', '-', '_'); kế hoạch cấp dưới dùng mã này để dẫn chiếu."),
]

