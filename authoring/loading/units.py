"""Communes, wards and special zones of a province after 01/07/2025 (plans/registry/units/), and province mergers."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, Severity
from ..model.common import Level
from ..model.units import CENTRAL_CITIES, Unit
from ..paths import registry_dir
from ..text import match_key, nfc, strip_diacritics

# NQ 202/2025/QH15, effective 12/6/2025: each registry file names the former provinces it took in (merged_from).
MERGER_SOURCE = "Nghị quyết số 202/2025/QH15"
_DISTRICT_WORDS = ("thành phố", "thị xã", "quận", "huyện")


def _short(name: str) -> str:
    for prefix in ("thành phố ", "tỉnh "):
        if name.lower().startswith(prefix):
            return name[len(prefix):]
    return name


def merged_into() -> dict[str, str]:
    """Former province → the province that took it in on 12/6/2025 ("Kon Tum" → "Quảng Ngãi"), from the registry."""
    return {_short(old): p.short_name for p in load_provinces().values() for old in p.merged_from
            if match_key(_short(old)) != match_key(p.short_name)}


def province_after_2025(province: str | None) -> str | None:
    """The province a 2026 plan of *province* belongs to ("Kon Tum" → "Quảng Ngãi")."""
    if province is None:
        return None
    key = match_key(_short(province))
    return next((new for old, new in merged_into().items() if match_key(old) == key), province)


def province_kind(province: str) -> str:
    """'thành phố' for the six centrally-run cities (Hà Nội, Hồ Chí Minh, Hải Phòng, Đà Nẵng, Huế, Cần Thơ), else 'tỉnh'."""
    known = find_province(province)
    if known is not None:
        return known.kind
    return "thành phố" if match_key(_short(province)) in {match_key(c) for c in CENTRAL_CITIES} else "tỉnh"


def province_full_name(province: str) -> str:
    """'thành phố Cần Thơ' for 'Cần Thơ', 'tỉnh Nghệ An' for 'Nghệ An' (never 'tỉnh Hà Nội')."""
    return f"{province_kind(province)} {_short(province)}"


def front_committee(unit: Unit | str) -> str:
    """'Ủy ban Mặt trận Tổ quốc Việt Nam phường Vinh Phú' — the unit's own kind word, for a commune, ward, đặc khu
    or province ('… thành phố Hà Nội')."""
    return f"Ủy ban Mặt trận Tổ quốc Việt Nam {_full(unit)}"


def people_committee(unit: Unit | str) -> str:
    """'Ủy ban nhân dân đặc khu Côn Đảo', 'Ủy ban nhân dân thành phố Cần Thơ'."""
    return f"Ủy ban nhân dân {_full(unit)}"


def _full(unit: Unit | str) -> str:
    if isinstance(unit, Unit):
        if unit.kind in ("tỉnh", "thành phố") and unit.level == Level.PROVINCE:
            return province_full_name(unit.name)
        return unit.full
    parsed = Unit.parse(unit)
    return _full(parsed) if parsed else province_full_name(unit)


KINDS = ("xã", "phường", "đặc khu")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d+[.)]|[a-zđ][.)])\s*", re.IGNORECASE)


@dataclass
class CommuneUnit:
    name: str   # "xã Anh Sơn", kind word in lower case as the resolution prints it
    kind: str   # xã | phường | đặc khu
    from_districts: tuple[str, ...] = ()   # former districts its area came from ("huyện Nghi Lộc"); [U], see README


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
    merged_from: tuple[str, ...] = ()   # former provinces taken in on 12/6/2025, itself included
    path: str = ""                      # the file; its unit list is read the first time it is needed

    @property
    def units(self) -> list[CommuneUnit]:
        """The communes, wards and đặc khu, in the GSO code order of the file (read once, on first use: 34 lists of
        3,321 units take a second to parse and most commands need one province or none)."""
        return list(_units_of(self.path))

    @property
    def short_name(self) -> str:
        """'Nghệ An' from 'tỉnh Nghệ An', 'Hải Phòng' from 'thành phố Hải Phòng'."""
        return _short(self.name)

    @property
    def kind(self) -> str:
        """'thành phố' (centrally-run city) or 'tỉnh', as its file names it."""
        return "thành phố" if self.name.lower().startswith("thành phố ") else "tỉnh"

    @property
    def kinds_words(self) -> str:
        """The kinds of unit this province has, as a plan names them together: 'xã, phường' in Hà Nội (no đặc
        khu), 'xã, phường, đặc khu' in Quảng Ninh — for "Ủy ban nhân dân các …" in recipients and duties."""
        present = {u.kind for u in self.units}
        return ", ".join(k for k in KINDS if k in present)

    def successors(self, district: str, former_province: str | None = None) -> list[CommuneUnit]:
        """The communes, wards and đặc khu formed (in whole or part) from the former *district* ('huyện Nghi Lộc',
        'Nghi Lộc'), as the registry's from_districts say; [] when none is recorded. In a merged province,
        *former_province* ('Bến Tre') tells apart districts of the same name ('huyện Châu Thành')."""
        key = _district_key(district)
        wanted = match_key(_short(former_province)) if former_province else None

        def matches(label: str) -> bool:
            if _district_key(label) != key:
                return False
            origin = re.search(r"\(([^)]*)\)\s*$", label)
            return wanted is None or origin is None or match_key(_short(origin.group(1))) == wanted

        return [u for u in self.units if any(matches(d) for d in u.from_districts)]

    def closest(self, text: str, n: int = 3) -> list[str]:
        """The *n* unit names nearest to *text*, accents, case and kind word ignored."""
        wanted = _loose(text)
        names = {_loose(u.name): u.name for u in self.units}
        near = difflib.get_close_matches(wanted, list(names), n=n, cutoff=0.5)
        return [names[k] for k in near]

    def find(self, unit: Unit) -> str | None:
        """The unit's name as the resolution prints it, if *unit* is in this province's list."""
        key = _unit_key(unit.full)
        return next((u.name for u in self.units if _unit_key(u.name) == key), None)


def _unit_key(text: str) -> str:
    return match_key(text.replace("’", "'"))


def _loose(text: str) -> str:
    """Accent-, case- and kind-insensitive form of a unit name, for suggestions ('xa hoa binh' ~ 'phường Hòa Bình')."""
    text = strip_diacritics(nfc(text)).lower().replace("’", "'")
    text = re.sub(r"^(xa|phuong|dac khu|thi tran)\s+", "", " ".join(text.split()))
    return text


def _district_key(text: str) -> str:
    text = re.sub(r"\s*\([^)]*\)\s*$", "", nfc(text)).strip()
    for word in _DISTRICT_WORDS:
        if text.lower().startswith(word + " "):
            text = text[len(word) + 1:]
            break
    return match_key(text)


def units_dir() -> Path:
    return registry_dir() / "units"


@lru_cache(maxsize=4)
def _provinces(folder: str) -> tuple[Province, ...]:
    from .yamlio import read_yaml

    found = []
    for path in sorted(Path(folder).glob("*.yaml")):
        raw = path.read_bytes()
        head = raw.split(b"\nunits:\n", 1)[0]   # everything but the list, which _units_of reads when needed
        data, _, problems = read_yaml(path, raw=head)
        if problems or not isinstance(data, dict) or "province_id" not in data:
            continue  # a broken list is skipped: the unit is then reported as not found in the 2025 list
        source = data.get("source") or {}
        found.append(Province(
            id=str(data["province_id"]), name=nfc(str(data.get("province", ""))),
            resolution=str(source.get("resolution") or ""), resolution_date=str(source.get("date") or ""),
            resolution_title=nfc(str(source.get("title") or "")), source_url=str(source.get("url") or ""),
            status=str(source.get("status") or ""), expected_count=data.get("expected_count"),
            complete=bool(data.get("complete")), merged_from=tuple(nfc(str(m)) for m in data.get("merged_from") or ()),
            path=str(path)))
    return tuple(found)


@lru_cache(maxsize=64)
def _units_of(path: str) -> tuple[CommuneUnit, ...]:
    from .yamlio import read_yaml

    data, _, problems = read_yaml(Path(path))
    if problems or not isinstance(data, dict):
        return ()   # a broken list: every unit of the province is then reported as not found
    return tuple(CommuneUnit(nfc(str(u["name"])), nfc(str(u["kind"])),
                             tuple(nfc(str(d)) for d in u.get("from_districts") or ()))
                 for u in data.get("units") or [])


_PLACE_KIND = re.compile(r"^(?:tỉnh|thành phố|tp\.?|quận|huyện|thị xã|thị trấn|xã|phường|đặc khu)\s+", re.I)


def _place_key(name: str) -> str:
    """'Phường 1' stays 'phường 1' (a ward named by its number); 'phường Vũng Tàu', 'thành phố Vũng Tàu' → 'vũng tàu'."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", nfc(name)).strip()
    bare = _PLACE_KIND.sub("", name)
    return match_key(name if re.fullmatch(r"\d{1,3}", bare) else bare)


@lru_cache(maxsize=1)
def _place_keys(folder: str) -> frozenset[str]:
    from .yamlio import read_yaml

    keys = set()
    for province in _provinces(folder):
        keys.update(_place_key(n) for n in (province.name, *province.merged_from))
        data, _, problems = read_yaml(Path(province.path))
        for unit in (data.get("units") or []) if not problems and isinstance(data, dict) else []:
            former = str(unit.get("formed_from") or "")
            keys.update(_place_key(n) for n in [str(unit.get("name", "")), *(unit.get("from_districts") or ()),
                                                *re.split(r",\s*(?![^()]*\))", former)] if n)
    keys.discard("")
    return frozenset(keys)


def known_place(text: str, folder: Path | None = None) -> bool:
    """Whether *text* names a unit of the registry as a date line does: one of the 34 provinces or a former province,
    a commune, ward or đặc khu of 2025, or a district or commune before 07/2025 ("Phường 1", "Vũng Tàu")."""
    return _place_key(text) in _place_keys(str((folder or units_dir()).resolve()))


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


def require_commune(province: str | None, unit: Unit | str, source: str | None = None) -> str:
    """The name, as the resolution prints it, of the commune, ward or đặc khu *unit* of *province* (or of the province
    that took it in) after 01/7/2025. Raises InputError (exit 1, finding V106) naming the closest real units when *unit*
    is not in the province's list, and V101 when it is a district (abolished 01/7/2025). derive calls this for every
    --unit and every line of --units once the draft's date is on or after 01/7/2025."""
    parsed = unit if isinstance(unit, Unit) else Unit.parse(str(unit))
    text = unit.full if isinstance(unit, Unit) else nfc(" ".join(str(unit).split()))
    units = unit_list(province)
    if parsed is not None and parsed.kind in _DISTRICT_WORDS and parsed.level == Level.DISTRICT:
        heirs = [u.name for u in units.successors(parsed.full)] if units else []
        fix = ("Lập kế hoạch cho xã, phường, đặc khu; địa bàn cũ nay thuộc: " + ", ".join(heirs[:12])
               + (" …" if len(heirs) > 12 else "") + ".") if heirs else "Lập kế hoạch cho xã, phường, đặc khu: --unit 'xã …'."
        raise InputError(f"{text}: cấp huyện đã kết thúc từ 01/07/2025.", [Finding(
            "V101", Severity.ERROR, f"{text} không còn từ 01/07/2025 (Luật Tổ chức chính quyền địa phương 2025)",
            source, suggestion=fix)])
    if units is None:
        return text   # no list for this province: nothing to check against
    found = units.find(parsed) if parsed is not None else None
    if found:
        return found
    near = units.closest(text)
    fix = (f"Tên gần nhất: {', '.join(near)}." if near else "Xem danh sách trong plans/registry/units/" + f"{units.id}.yaml.")
    raise InputError(f"{text} không có trong danh sách xã, phường, đặc khu của {units.name}.", [Finding(
        "V106", Severity.ERROR, f"{text} không có trong {len(units.units)} xã, phường, đặc khu của {units.name} từ "
        f"01/07/2025 (Nghị quyết {units.resolution})", source, suggestion=fix + " Ghi đúng tên và loại đơn vị.")])


def require_province(unit: Unit | str, source: str | None = None) -> str:
    """The short name of province *unit* ('Nghệ An' for 'tỉnh Nghệ An'), one of the 34 provinces and cities or one of
    the provinces they took in on 12/6/2025. Raises InputError (exit 1, finding V106) naming the closest real
    provinces otherwise: derive calls this for every --unit of province level."""
    text = unit.full if isinstance(unit, Unit) else nfc(" ".join(str(unit).split()))
    name = _short(unit.name if isinstance(unit, Unit) else text)
    provinces = load_provinces()
    known = find_province(name, provinces)
    if known is not None:
        return known.short_name
    former = {match_key(old): old for old in merged_into()}
    if match_key(name) in former:
        return former[match_key(name)]
    names = {_loose(p.name): p.name for p in provinces.values()}
    names.update({_loose(f"tỉnh {old}"): f"tỉnh {old} (nay thuộc {new})" for old, new in merged_into().items()})
    near = [names[k] for k in difflib.get_close_matches(_loose(text), list(names), n=3, cutoff=0.5)]
    fix = f"Tên gần nhất: {', '.join(near)}." if near else "Xem danh sách 34 tỉnh, thành phố trong plans/registry/units/."
    raise InputError(f"{text} không có trong danh sách tỉnh, thành phố.", [Finding(
        "V106", Severity.ERROR, f"{text} không có trong {len(provinces)} tỉnh, thành phố ({MERGER_SOURCE}) và các tỉnh đã "
        "hợp nhất vào đó", source, suggestion=fix + " Ghi đúng tên và loại đơn vị.")])


def require_communes(province: str | None, names: list[str], source: str | None = None,
                     lines: list[int] | None = None) -> list[str]:
    """require_commune for a whole list (derive --units, a province's upload) before anything is written: the names
    as the resolution prints them, or one InputError with a finding for every unit refused (with its line)."""
    found, findings = [], []
    for i, name in enumerate(names):
        try:
            found.append(require_commune(province, name, source))
        except InputError as refused:
            for finding in refused.findings:
                line = lines[i] if lines else None
                findings.append(Finding(finding.code, finding.severity,
                                        (f"Dòng {line}: " if line else "") + finding.message, source, line,
                                        suggestion=finding.suggestion))
    if findings:
        raise InputError(f"{len(findings)} đơn vị trong danh sách không có trong danh sách xã, phường, đặc khu từ "
                         "01/07/2025; chưa lập kế hoạch nào.", findings)
    return found


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
