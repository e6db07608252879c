"""Targets and the national statistical indicators on children: name the indicator a target measures (G1xx)."""

from __future__ import annotations

from ..findings import Severity
from ..loading.indicators import load_indicators
from ..model.walk import block_text, iter_targets
from ..text import match_key
from .context import CheckContext


RATES = {"%", "‰"}


def _same_kind(indicator_unit: str | None, target_unit: str | None) -> bool:
    """A rate is not a count: "tỷ lệ trẻ em bị xâm hại được hỗ trợ" is not "số trẻ em bị xâm hại"."""
    if not indicator_unit or not target_unit:
        return True
    return (indicator_unit.strip() in RATES) == (target_unit.strip() in RATES)


def check_indicators(ctx: CheckContext) -> None:
    catalogue = load_indicators()
    by_id = {i.id: i for i in catalogue.indicators}
    for path, block, target in iter_targets(ctx.plan):
        if target.indicator_code:
            if target.indicator_code not in by_id:
                ctx.add("G102", Severity.ERROR, f"chỉ tiêu {target.id} ghi mã chỉ tiêu thống kê "
                        f"'{target.indicator_code}', không có trong danh mục chỉ tiêu thống kê",
                        path + ("indicator_code",),
                        "Dùng một mã có trong plans/registry/indicators.yaml, hoặc bỏ 'indicator_code'.")
            continue
        wording = match_key(target.indicator or block_text(block))
        for indicator in catalogue.indicators:
            if _same_kind(indicator.unit, target.unit) and indicator.match and \
                    all(match_key(phrase) in wording for phrase in indicator.match):
                where = indicator.reference(catalogue.source_title)
                ctx.add("G101", Severity.WARNING, f"chỉ tiêu {target.id} có vẻ đo chỉ tiêu thống kê «{indicator.name}»"
                        + (f" ({where})" if where else "") + " nhưng không ghi mã của chỉ tiêu đó", path,
                        f"Chọn «{indicator.name}» ở ô «Mã chỉ tiêu thống kê» của chỉ tiêu này để số liệu báo cáo "
                        "được tổng hợp theo chỉ tiêu thống kê quốc gia; nếu không phải, bỏ qua cảnh báo này.")
                break
