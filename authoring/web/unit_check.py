"""Whether the unit typed on the page for a derived plan exists when the plan is made: the 2025 list of communes,
the end of the district level (both from plans/registry), and, in the workspace, the user's own commune."""

from __future__ import annotations

import difflib
from datetime import date

from ..loading.units import unit_list
from ..model.common import Level
from ..model.units import Unit
from ..text import match_key, vietnam_today


def unit_refusal(unit_text: str, parent, today: date | None = None, own_commune: str | None = None) -> str | None:
    """Why a plan for *unit_text* should not be derived from *parent* on the page now (Vietnamese), or None.

    A parent of the reform year or later is implemented after 01/7/2025 by the new communes only: a district is
    refused and a commune must be in its province's 2025 list. Older parents (the library's 2019–2024 plans) keep
    their own units. *own_commune*: a commune user's unit, the only one they may draft for."""
    unit = Unit.parse(unit_text)
    if unit is None:
        return None   # the derive itself explains the missing kind word
    if own_commune is not None and match_key(unit.full) != match_key(own_commune):
        return (f"Bạn thuộc {own_commune} nên chỉ lập được kế hoạch của {own_commune}, không lập cho {unit.full}. "
                f"Ghi «{own_commune}» vào ô đơn vị.")
    end = parent.registry.district_level_ends
    document = parent.plan.document
    today = today or vietnam_today()
    if end is None or document.date.year < end.year or today < end:
        return None
    if unit.level == Level.DISTRICT:
        return (f"Cấp huyện đã kết thúc từ ngày {end:%d/%m/%Y}, nên không lập kế hoạch cho {unit.full} được nữa. "
                "Hãy lập cho xã, phường hoặc đặc khu nhận lại địa bàn đó, ví dụ «xã …», «phường …».")
    province = unit_list(document.province)
    if unit.level != Level.COMMUNE or province is None or not province.complete or province.find(unit):
        return None
    names = [u.name for u in province.units]
    close = difflib.get_close_matches(match_key(unit.full), [match_key(n) for n in names], n=3, cutoff=0.75)
    suggestion = [n for n in names if match_key(n) in close]
    hint = f" Có phải: {', '.join(suggestion)}?" if suggestion else ""
    return (f"{province.name[:1].upper() + province.name[1:]} không có {unit.full} trong danh sách xã, phường, đặc "
            f"khu sau sắp xếp năm 2025 (Nghị quyết {province.resolution}).{hint} Ghi đúng tên như trong Nghị quyết, "
            "kèm loại đơn vị.")
