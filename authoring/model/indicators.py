"""The catalogue of statistical indicators on children (plans/registry/indicators.yaml), each with its source."""

from __future__ import annotations

from pydantic import Field

from .common import ShortLine, Status, Strict


class Indicator(Strict):
    id: ShortLine = Field(description="Mã của kehoach, ghi ở 'indicator_code' của chỉ tiêu.")
    code: ShortLine | None = Field(None, description="Mã số trong văn bản nguồn, khi đã đọc thấy.")
    catalogue: ShortLine | None = Field(None, description="Phụ lục của văn bản nguồn, nếu khác Phụ lục I, II.")
    name: str
    group: ShortLine | None = None
    unit: ShortLine | None = None
    definition: str | None = None
    formula: str | None = None
    formula_status: Status | None = None
    breakdown: list[ShortLine] = []
    period: ShortLine | None = None
    data_source: str | None = None
    responsible: str | None = None
    status: Status
    source: str
    match: list[ShortLine] = Field([], description="Cụm từ mà câu chữ một chỉ tiêu có đủ thì nói về chỉ tiêu này.")


class IndicatorCatalogue(Strict):
    source_document: ShortLine | None = None
    indicators: list[Indicator]
