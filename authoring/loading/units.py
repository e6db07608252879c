"""Communes, wards and special zones of a province after 01/07/2025 (plans/registry/units/), and province mergers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..model.units import Unit
from ..paths import registry_dir
from ..text import match_key

# NQ 202/2025/QH15, effective 12/6/2025 (shared/reference/directives.md §7.5, [C]): the provinces of the example plans
# that were merged, and the province that took them in. Provinces not listed kept their name.
MERGED_INTO = {
    "Kon Tum": "Quảng Ngãi",
    "Đắk Nông": "Lâm Đồng",
    "Bình Thuận": "Lâm Đồng",
    "Hải Dương": "Hải Phòng",
}
MERGER_SOURCE = "Nghị quyết số 202/2025/QH15 (directives.md §7.5)"


def province_after_2025(province: str | None) -> str | None:
    """The province a 2026 plan of *province* belongs to ("Kon Tum" → "Quảng Ngãi")."""
    if province is None:
        return None
    for old, new in MERGED_INTO.items():
        if match_key(old) == match_key(province):
            return new
    return province


@dataclass(frozen=True)
class UnitList:
    province: str            # "tỉnh Nghệ An", "thành phố Hải Phòng"
    resolution: str | None   # "1678/NQ-UBTVQH15"
    names: tuple[str, ...]   # "xã Nam Đàn", …

    @property
    def province_name(self) -> str:
        return self.province.split(" ", 1)[1] if self.province.startswith("tỉnh ") else \
            self.province.removeprefix("thành phố ")

    def find(self, unit: Unit) -> str | None:
        key = _unit_key(unit.full)
        return next((n for n in self.names if _unit_key(n) == key), None)


def _unit_key(text: str) -> str:
    return match_key(text.replace("’", "'"))


@lru_cache(maxsize=4)
def _lists(folder: str) -> tuple[UnitList, ...]:
    from .yamlio import read_yaml

    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data, _, problems = read_yaml(path)
        if problems or not isinstance(data, dict):
            continue  # a broken list is skipped: the unit is then reported as not found in the 2025 list
        source = data.get("source") or {}
        found.append(UnitList(str(data.get("province", "")), source.get("resolution"),
                              tuple(str(u["name"]) for u in data.get("units") or [])))
    return tuple(found)


def unit_list(province: str | None) -> UnitList | None:
    """The 2025 list of communes of the province that *province* is, or was merged into."""
    current = province_after_2025(province)
    if current is None:
        return None
    for entry in _lists(str((registry_dir() / "units").resolve())):
        if match_key(entry.province_name) == match_key(current):
            return entry
    return None
