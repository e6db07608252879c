"""Scoring a derived draft, or a neighbour's real plan used as a draft, against the hand-written facts of a real plan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import LoadedPlan
from ..loading.registry import Registry
from ..loading.yamlio import read_yaml
from ..model.walk import iter_blocks, iter_reporting, iter_targets
from ..text import match_key, nfc

# The report periods as expected.yaml writes them (the words of the plan) → the model's codes.
# The corpus's folders: tune is what derive may be tuned on; the others are held out (scores only, never details).
SPLITS = ("tune", "holdout", "holdout2")
HELD_OUT = frozenset(SPLITS[1:])

PERIODS = {"năm": "nam", "6 tháng": "6_thang", "quý": "quy", "tháng": "thang", "đột xuất": "dot_xuat"}

# "Chi cục Hải quan khu vực XIX", "Ngân hàng Nhà nước khu vực 8": the central body's regional office seated in
# the province; which region it is differs between provinces, the role does not.
_REGION = re.compile(r"\s+khu vực\s+[\wÀ-ỹ]+$")
_CITY = re.compile(r"\b(thành phố|tp)\b")
# "Phòng Tư pháp các huyện", "Phòng LĐTBXH quận - huyện", "… cấp huyện": a district office of every district, the
# registry's district-level body (only when what is left names one: "Kho bạc Nhà nước quận - huyện" is not).
_EVERY_DISTRICT = re.compile(r"\s+(?:cấp huyện|(?:các\s+)?(?:quận|huyện)(?:\s*(?:,|-|/|và)\s*(?:quận|huyện|thị xã|thành phố))*)$")
# At the commune level a ward's plan says "phường", "tổ dân phố" and "Mặt trận Tổ quốc Việt Nam" where a commune's
# says "xã", "thôn" and "MTTQ": the same roles, read alike when a name is not in the registry.
_COMMUNE_WORDS = ((re.compile(r"\b(?:ủy ban )?mặt trận tổ quốc(?: việt nam)?\b|\b(?:ủy ban )?mttq(?: việt nam| vn)?\b"), "mttq"),
                  (re.compile(r"\b(?:phường|đặc khu)\b"), "xã"),
                  (re.compile(r"\b(?:tổ dân phố|khu dân cư|khu phố)\b"), "thôn"),
                  (re.compile(r"\b(?:của|các)\s+"), ""))
# "UBND các xã/phường", "UBND phường, xã", "Ủy ban nhân dân các xã, phường, đặc khu": every commune of the province.
_COMMUNES = re.compile(r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+(?:(?:các|cấp)\s+(?:xã|phường|đặc khu|thị trấn)"
                       r"|(?:xã|phường|đặc khu|thị trấn)(?=\s*[,/]))(?:\s*(?:,|/|và)\s*(?:xã|phường|đặc khu|thị trấn))*$")


@dataclass(frozen=True)
class Pair:
    """One real parent → child pair of tests/fixtures/derive_pairs/, as its expected.yaml says."""

    id: str
    split: str
    folder: Path
    unit: str
    day: date
    directives: tuple[Path, ...]
    agencies: tuple[tuple[str, int], ...]          # name as written, line in child.txt
    targets: tuple[dict, ...]
    dues: tuple[tuple[str, str], ...]              # (period code, dd/mm)
    neighbours: tuple[str, ...]
    field: str = ""
    level: str = ""
    absent: tuple[str, ...] = ()                  # parent directives named but not (yet) written
    text: Path | None = None                      # the real child plan's full text (a neighbour's, for derive --peer)
    proxies: tuple[str, ...] = ()                 # tune only: plans of the same field and level, another parent


def _bad(path: Path, what: str) -> InputError:
    return InputError(f"{path}: {what}.", [Finding("P100", Severity.ERROR, what, str(path),
                                                   suggestion="Sửa expected.yaml theo tests/fixtures/derive_pairs/README.md.")])


def load_pair(folder: Path, root: Path) -> Pair:
    """The pair in *folder*; directive paths are relative to the pair, to the corpus *root*, or to the repository."""
    path = folder / "expected.yaml"
    tree, _, findings = read_yaml(path)
    if findings or not isinstance(tree, dict):
        raise _bad(path, "không đọc được tệp dữ kiện")
    try:
        child, parent = tree["child"], tree["parent"]
        directives, absent = [], []
        for name in str(parent.get("directive") or "").split():
            for base in (folder, root, root.parents[2]):
                if (base / name).is_file():
                    directives.append(base / name)
                    break
            else:
                absent.append(name)
        dues = []
        for r in tree.get("reporting") or []:
            if r["period"] not in PERIODS:
                raise _bad(path, f"kỳ báo cáo '{r['period']}' không thuộc {', '.join(PERIODS)}")
            dues.append((PERIODS[r["period"]], r["due"]))
        return Pair(tree["id"], tree["split"], folder, child["unit"], date.fromisoformat(str(child["date"])),
                    tuple(directives), tuple((a["name"], int(a["line"])) for a in tree.get("agencies") or []),
                    tuple(tree.get("targets") or []), tuple(dues), tuple(tree.get("neighbours") or []),
                    tree.get("field", ""), tree.get("level", ""), tuple(absent),
                    folder / child["text"] if child.get("text") else None, tuple(tree.get("proxy_neighbours") or []))
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, f"thiếu hoặc sai trường {exc}") from None


def load_pairs(root: Path) -> dict[str, Pair]:
    """Every pair of every split folder of *root*."""
    pairs = {}
    for split in SPLITS:
        for folder in sorted((root / split).iterdir()) if (root / split).is_dir() else ():
            if (folder / "expected.yaml").is_file():
                pair = load_pair(folder, root)
                pairs[pair.id] = pair
    return pairs


def agency_key(registry: Registry, name: str) -> str:
    """The registry id of an agency as a plan of the child's level names it, else its normalised name.

    A centrally-run city's plan says "Công an thành phố" where a province's says "Công an tỉnh": the same role.
    """
    text = nfc(name).strip()
    candidates = [text, _REGION.sub("", text)]
    candidates += [_CITY.sub("tỉnh", match_key(c)) for c in candidates]
    if _COMMUNES.match(match_key(text)):
        candidates.insert(0, "UBND cấp xã")
    for candidate in candidates:
        found = registry.resolve_agency(candidate)
        if found:
            return found
    if _EVERY_DISTRICT.search(text):
        found = registry.resolve_agency(_EVERY_DISTRICT.sub("", text))
        if found and registry.agencies[found].level.value == "huyen":
            return found
    key = _CITY.sub("tỉnh", match_key(_REGION.sub("", text)))
    for pattern, word in _COMMUNE_WORDS:
        key = pattern.sub(word, key)
    return "~" + re.sub(r"\s+", " ", key).strip()


@dataclass
class Share:
    """How many of the expected the candidate has, and how many it has in all."""

    hit: int = 0
    expected: int = 0
    proposed: int = 0

    @property
    def recall(self) -> float | None:
        return self.hit / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.hit / self.proposed if self.proposed else None


@dataclass
class Score:
    agencies: Share
    targets: Share
    dues: Share
    missing: list[str] = field(default_factory=list)   # expected agencies the candidate does not name
    extra: list[str] = field(default_factory=list)     # agencies the candidate names that the real plan does not


def _share(expected: set, proposed: set) -> Share:
    return Share(len(expected & proposed), len(expected), len(proposed))


def _agency_score(registry: Registry, pair: Pair, proposed: set[str]) -> tuple[Share, list[str], list[str]]:
    expected = {agency_key(registry, name): name for name, _ in pair.agencies}
    share = _share(set(expected), proposed)
    missing = [expected[k] for k in expected if k not in proposed]
    extra = sorted(k for k in proposed if k not in expected)
    return share, missing, extra


def _target_hit(target: dict, links: set[str], texts: list[str]) -> bool:
    if target.get("parent_target"):
        return target["parent_target"] in links
    value = re.sub(r"\s+", "", target.get("value", ""))
    words = [match_key(w) for w in target.get("keywords", [])]
    return any(value in re.sub(r"\s+", "", t) and all(w in t for w in words) for t in texts)


def draft_agencies(registry: Registry, draft: LoadedPlan) -> set[str]:
    """Agencies a draft gives duties to: agency headings and task leads, as registry ids where known."""
    names = []
    for _, block in iter_blocks(draft.plan):
        names += list(block.agency)
        if block.task is not None:
            names += list(block.task.lead)
    return {agency_key(registry, n) for n in names}


def score_draft(registry: Registry, pair: Pair, draft: LoadedPlan) -> Score:
    agencies, missing, extra = _agency_score(registry, pair, draft_agencies(registry, draft))
    links = {link.ref for _, _, t in iter_targets(draft.plan) for link in t.links}
    texts = [match_key(b.text or "") for _, b in iter_blocks(draft.plan) if b.targets]
    linked = [t for t in pair.targets if t.get("linked")]
    hits = sum(1 for t in linked if _target_hit(t, links, texts))
    targets = Share(hits, len(linked), sum(len(b.targets) for _, b in iter_blocks(draft.plan)))
    dues = {(r.period.value, r.due.text()) for _, _, r in iter_reporting(draft.plan) if r.due}
    return Score(agencies, targets, _share(set(pair.dues), dues), missing, extra)


def score_neighbour(registry: Registry, pair: Pair, neighbour: Pair) -> Score:
    """The neighbour's real plan taken as the draft: its agencies, targets and dues as its expected.yaml says."""
    agencies, missing, extra = _agency_score(registry, pair, {agency_key(registry, n) for n, _ in neighbour.agencies})
    theirs = [t for t in neighbour.targets]
    texts = [match_key(f"{t.get('value', '')} {' '.join(t.get('keywords', []))}") for t in theirs]
    links = {t["parent_target"] for t in theirs if t.get("parent_target")}
    linked = [t for t in pair.targets if t.get("linked")]
    hits = sum(1 for t in linked if _target_hit(t, links, texts))
    return Score(agencies, Share(hits, len(linked), len(theirs)), _share(set(pair.dues), set(neighbour.dues)),
                 missing, extra)


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None
