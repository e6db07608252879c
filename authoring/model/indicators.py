"""The catalogue of statistical indicators on children (plans/registry/indicators.yaml), each with its source."""

from __future__ import annotations

from pydantic import Field

from .common import ShortLine, Status, Strict


class Indicator(Strict):
    id: ShortLine = Field(description="Mã của kehoach, ghi ở 'indicator_code' của chỉ tiêu.")
    code: ShortLine | None = Field(None, description="Mã số trong văn bản nguồn, khi đã đọc thấy.")
    catalogue: ShortLine | None = Field(None, description="Phụ lục của văn bản nguồn liệt kê mã số này (mỗi phụ lục "
                                                          "đánh số riêng).")
    national_code: ShortLine | None = Field(None, description="Mã số chỉ tiêu thống kê quốc gia tương ứng, như văn "
                                                              "bản nguồn ghi.")
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


    def reference(self, title: str | None) -> str:
        """'mã số 0210, Phụ lục I của Thông tư số 13/2021/TT-BLĐTBXH', or '' when no code was read."""
        if not self.code:
            return ""
        where = " của ".join(part for part in (self.catalogue, title) if part)
        return f"mã số {self.code}" + (f", {where}" if where else "")


class IndicatorCatalogue(Strict):
    source_document: ShortLine | None = None
    source_title: ShortLine | None = Field(None, description="Số, ký hiệu của văn bản nguồn, như người đọc gọi nó.")
    indicators: list[Indicator]
