"""How close a derived draft comes to the real plan written from the same parent, and the 2026 chain runs.

Used by tests/lifecycle and benchmarks/derive.py so both measure the same thing:

(a) of the agencies the real plan gives duties to, the share the draft also gives duties to;
(b) of the real plan's reporting deadlines (period and day) and of its targets linked to the parent, how many
    the draft proposes (same period and day; a target linked to the same parent target).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..loading import LoadedPlan, load_plan_or_raise
from ..model.walk import iter_duties, iter_reporting, iter_targets
from ..paths import DIRECTIVES_DIR, EXAMPLES_DIR

# The real pairs in plans/: national decision(s) → the province plan written from them, and that plan's year.
REAL_PAIRS = [
    (("qd-23-2021",), "tỉnh Đắk Nông", "dak-nong-2021-kh-chua-so", 2021),
    (("qd-1863-2019",), "tỉnh Kon Tum", "kon-tum-2020-kh-chua-so", 2020),
    (("qd-2361-2015",), "tỉnh Lạng Sơn", "lang-son-2019-kh-chua-so", 2019),
    (("ct-28-2023", "qd-1183-2024"), "tỉnh Nghệ An", "nghe-an-2025-kh-07", 2025),
]


@dataclass
class Comparison:
    real_agencies: set[str]
    draft_agencies: set[str]
    real_deadlines: set[tuple[str, str]]
    draft_deadlines: set[tuple[str, str]]
    real_linked_targets: set[str]
    draft_linked_targets: set[str]
    real_periods: set[str] = field(default_factory=set)
    draft_periods: set[str] = field(default_factory=set)

    @property
    def agency_share(self) -> float:
        return len(self.real_agencies & self.draft_agencies) / len(self.real_agencies) if self.real_agencies else 1.0

    @property
    def agency_precision(self) -> float:
        """Of the bodies the draft gives duties to, the share the real plan gives duties to as well."""
        return len(self.real_agencies & self.draft_agencies) / len(self.draft_agencies) if self.draft_agencies else 1.0

    @property
    def deadlines_proposed(self) -> int:
        return len(self.real_deadlines & self.draft_deadlines)

    @property
    def periods_proposed(self) -> int:
        return len(self.real_periods & self.draft_periods)

    @property
    def targets_proposed(self) -> int:
        return len(self.real_linked_targets & self.draft_linked_targets)


def duty_agencies(loaded: LoadedPlan) -> set[str]:
    out = set()
    for duty in iter_duties(loaded.plan):
        for name in duty.agencies:
            out.add(loaded.agency_id(name) or loaded.registry.resolve_agency(name) or name)
    return out


def deadlines(loaded: LoadedPlan) -> set[tuple[str, str]]:
    return {(r.period.value, r.due.text()) for _, _, r in iter_reporting(loaded.plan) if r.due}


def periods(loaded: LoadedPlan) -> set[str]:
    """Report periods the plan asks of its sub-units or itself (6 tháng, năm, …)."""
    return {r.period.value for _, _, r in iter_reporting(loaded.plan)}


def linked_targets(loaded: LoadedPlan) -> set[str]:
    return {link.ref for _, _, t in iter_targets(loaded.plan) for link in t.links}


def compare(draft: LoadedPlan, real: LoadedPlan) -> Comparison:
    return Comparison(duty_agencies(real), duty_agencies(draft), deadlines(real), deadlines(draft),
                      linked_targets(real), linked_targets(draft), periods(real), periods(draft))


def parents_of(ids) -> list[LoadedPlan]:
    return [load_plan_or_raise(DIRECTIVES_DIR / f"{i}.yaml") for i in ids]


def example_path(stem: str) -> Path:
    return EXAMPLES_DIR / f"{stem}.yaml"


# --------------------------------------------------------------------------- the 2026 chain on every example

# For each example: the units to derive in 2026 (a xã and a phường of the province it belongs to after 07/2025),
# and the unit derived directly from the example itself. Kiến An (a quận, 2024) rolls over into phường Kiến An,
# which has no communes below it, so its 2026 xã and phường come from the city's rolled KH 61 (Sở Y tế 2026), and
# the direct derivation is a phường of the quận in 2024.
CHAIN = {
    "dak-nong-2021-kh-chua-so": ("xã Đắk Mil", "phường Bắc Gia Nghĩa", "xã Đắk Mil", None),
    "kon-tum-2020-kh-chua-so": ("xã Đăk Hà", "phường Kon Tum", "xã Đăk Hà", None),
    "lang-son-2019-kh-chua-so": ("xã Bắc Sơn", "phường Lương Văn Tri", "xã Bắc Sơn", None),
    "nghe-an-2025-kh-07": ("xã Nam Đàn", "phường Trường Vinh", "xã Nam Đàn", None),
    "hai-phong-kien-an-2024-kh-chua-so": ("xã An Lão", "phường Kiến An", "phường Bắc Sơn",
                                          DIRECTIVES_DIR / "kh-61-2024-hai-phong.yaml"),
}


@dataclass
class Step:
    what: str            # "new-year", "derive", "derive-direct"
    source: str
    unit: str | None
    output: Path
    errors: int
    warnings: int
    notes: list[str]
    seconds: float


def run_chain(stem: str, folder: Path, year: int = 2026) -> list[Step]:
    """new-year --year 2026, then a xã and a phường from the rolled plan, and a xã from the example itself.

    Every output is written to *folder*, checked (errors and warnings counted) and rendered to DOCX beside it.
    """
    import time

    from ..render.docx import render_docx
    from ..rules.check import run_check
    from .derive import derive
    from .new_year import new_year

    xa, phuong, direct, county_parent = CHAIN[stem]
    steps: list[Step] = []

    def finish(what, source, unit, out, notes, started):
        report = run_check(out)
        out.with_suffix(".docx").write_bytes(render_docx(load_plan_or_raise(out)))
        summary = report.index.summary()
        steps.append(Step(what, source, unit, out, summary["errors"], summary["warnings"], notes,
                          time.perf_counter() - started))

    started = time.perf_counter()
    rolled = folder / f"{stem}-{year}.yaml"
    text, _ = new_year(load_plan_or_raise(example_path(stem)), year)
    rolled.write_text(text, encoding="utf-8")
    finish("new-year", stem, None, rolled, [], started)
    parent_for_units = rolled
    if county_parent is not None:
        started = time.perf_counter()
        city = folder / f"{county_parent.stem}-{year}.yaml"
        text, _ = new_year(load_plan_or_raise(county_parent), year)
        city.write_text(text, encoding="utf-8")
        finish("new-year", county_parent.stem, None, city, [], started)
        parent_for_units = city
    for unit in (xa, phuong):
        started = time.perf_counter()
        out = folder / f"{stem}-{year}-{unit.replace(' ', '-')}.yaml"
        text, report = derive(load_plan_or_raise(parent_for_units), unit, out)
        out.write_text(text, encoding="utf-8")
        finish("derive", parent_for_units.stem, unit, out, report.notes, started)
    started = time.perf_counter()
    source = folder / f"{stem}.yaml"  # beside the drafts, so check finds the parent by its id
    source.write_text(example_path(stem).read_text(encoding="utf-8"), encoding="utf-8")
    out = folder / f"{stem}-truc-tiep-{direct.replace(' ', '-')}.yaml"
    text, report = derive(load_plan_or_raise(source), direct, out)
    out.write_text(text, encoding="utf-8")
    finish("derive-direct", stem, direct, out, report.notes, started)
    return steps
