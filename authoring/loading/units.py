"""Communes, wards and special zones of a province after 01/07/2025 (plans/registry/units/), and province mergers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..model.units import Unit
from ..paths import registry_dir
from ..text import match_key, nfc

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


KINDS = ("xã", "phường", "đặc khu")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)]|[a-zđ][.)])\s*", re.IGNORECASE)


@dataclass
class CommuneUnit:
    name: str   # "xã Anh Sơn", kind word in lower case as the resolution prints it
    kind: str   # xã | phường | đặc khu


@dataclass
class Province:
    """One file of plans/registry/units/: a province's communes, wards and special zones, with their source."""

    id: str                 # nghe-an
    name: str               # tỉnh Nghệ An
    resolution: str         # 1678/NQ-UBTVQH15
    resolution_date: str
    resolution_title: str
    source_url: str
    status: str
    expected_count: int | None
    complete: bool
    units: list[CommuneUnit] = field(default_factory=list)

    @property
    def short_name(self) -> str:
        """'Nghệ An' from 'tỉnh Nghệ An', 'Hải Phòng' from 'thành phố Hải Phòng'."""
        for prefix in ("thành phố ", "tỉnh "):
            if self.name.lower().startswith(prefix):
                return self.name[len(prefix):]
        return self.name

    def find(self, unit: Unit) -> str | None:
        """The unit's name as the resolution prints it, if *unit* is in this province's list."""
        key = _unit_key(unit.full)
        return next((u.name for u in self.units if _unit_key(u.name) == key), None)


def _unit_key(text: str) -> str:
    return match_key(text.replace("’", "'"))


def units_dir() -> Path:
    return registry_dir() / "units"


@lru_cache(maxsize=4)
def _provinces(folder: str) -> tuple[Province, ...]:
    from .yamlio import read_yaml

    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        data, _, problems = read_yaml(path)
        if problems or not isinstance(data, dict) or "province_id" not in data:
            continue  # a broken list is skipped: the unit is then reported as not found in the 2025 list
        source = data.get("source") or {}
        units = [CommuneUnit(nfc(str(u["name"])), nfc(str(u["kind"]))) for u in data.get("units") or []]
        found.append(Province(
            id=str(data["province_id"]), name=nfc(str(data.get("province", ""))),
            resolution=str(source.get("resolution") or ""), resolution_date=str(source.get("date") or ""),
            resolution_title=nfc(str(source.get("title") or "")), source_url=str(source.get("url") or ""),
            status=str(source.get("status") or ""), expected_count=data.get("expected_count"),
            complete=bool(data.get("complete")), units=units))
    return tuple(found)


def load_provinces(folder: Path | None = None) -> dict[str, Province]:
    """Every province file of the registry, by province id."""
    return {p.id: p for p in _provinces(str((folder or units_dir()).resolve()))}


def find_province(text: str, provinces: dict[str, Province] | None = None) -> Province | None:
    """The province named in *text* ('Nghệ An', 'tỉnh Nghệ An', 'nghe-an')."""
    provinces = provinces if provinces is not None else load_provinces()
    if text in provinces:
        return provinces[text]
    key = match_key(text)
    for province in provinces.values():
        if key in (match_key(province.name), match_key(province.short_name)):
            return province
    return None


def unit_list(province: str | None) -> Province | None:
    """The 2025 list of communes of the province that *province* is, or was merged into."""
    current = province_after_2025(province)
    if current is None:
        return None
    return find_province(current)


@dataclass
class ParsedList:
    units: list[CommuneUnit]
    problems: list[str]   # Vietnamese, one per refused line, with its line number


def parse_unit_list(text: str, kinds: tuple[str, ...] = KINDS) -> ParsedList:
    """A list of units, one per line ('xã Hòa Bình', '- phường Vinh Hưng', '12. đặc khu Cồn Cỏ'), as a province
    uploads it or `kehoach derive --units` reads it; blank lines and lines starting with '#' are skipped; repeats are
    reported once. *kinds*: the kind words a line may start with (the 2025 commune kinds unless told)."""
    units: list[CommuneUnit] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), 1):
        line = nfc(" ".join(raw.replace("\ufeff", "").split()))
        if not line or line.startswith("#"):
            continue
        line = _BULLET.sub("", line).rstrip(";,.")
        kind = next((k for k in sorted(kinds, key=len, reverse=True) if line.lower().startswith(k + " ")), None)
        if kind is None:
            problems.append(f"Dòng {number}: '{raw.strip()[:80]}' không bắt đầu bằng loại đơn vị ({', '.join(kinds)}).")
            continue
        name = kind + line[len(kind):]
        if len(name) > 120:
            problems.append(f"Dòng {number}: tên đơn vị quá dài.")
            continue
        key = _unit_key(name)
        if key in seen:
            problems.append(f"Dòng {number}: '{name}' đã có ở dòng trước.")
            continue
        seen.add(key)
        units.append(CommuneUnit(name, kind))
    return ParsedList(units, problems)
