"""What every check rule sees: the plan, its parents, the registry, options, and where to put findings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..findings import Finding, FindingIndex, Severity
from ..loading import LoadedPlan
from ..loading.messages import field_path
from ..model import Block, Reporting, Target
from ..model.plan import strip_footnote_marks
from ..model.walk import iter_duties, iter_reporting, iter_targets, iter_tasks
from ..text import match_key


@dataclass(frozen=True)
class ParentItem:
    """An item of a higher-level document that a plan may take up."""

    document: str          # the parent's id
    id: str
    kind: str              # target | task | duty | reporting
    text: str
    agencies: tuple[str, ...]
    obj: object
    status: str | None     # confirmed / single_source / unconfirmed / inferred, when the data says

    @property
    def ref(self) -> str:
        return f"{self.document}#{self.id}"

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.obj, self.text)


def fingerprint(obj, text: str) -> str:
    """A short hash of what a parent item says; a link remembers it to notice later changes."""
    parts = [match_key(strip_footnote_marks(text))]
    if isinstance(obj, Target):
        parts += [obj.comparator.value, repr(obj.value), repr(obj.range), obj.unit or "", str(obj.year or "")]
    if isinstance(obj, Reporting):
        parts += [obj.period.value, obj.due.text() if obj.due else "", str(obj.due_year or "")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def parent_items(parent: LoadedPlan) -> dict[str, ParentItem]:
    plan = parent.plan
    items: dict[str, ParentItem] = {}
    resolve = lambda names: tuple(parent.agency_id(n) or n for n in names)  # noqa: E731
    for _, block, target in iter_targets(plan):
        status = (target.status or block.status)
        items[target.id] = ParentItem(plan.id, target.id, "target", target.indicator or block.text or "",
                                      (), target, status.value if status else None)
    for _, block in iter_tasks(plan):
        status = block.task.status or block.status
        items[block.id] = ParentItem(plan.id, block.id, "task", block.title or block.text or "",
                                     resolve(block.task.lead), block, status.value if status else None)
    for duty in iter_duties(plan):
        if duty.id:
            status = duty.block.status
            items[duty.id] = ParentItem(plan.id, duty.id, "duty", duty.text, resolve(duty.agencies), duty.block,
                                        status.value if status else None)
    for _, block, report in iter_reporting(plan):
        items[report.id] = ParentItem(plan.id, report.id, "reporting", report.subject or block.text or "",
                                      resolve(report.from_), report, report.status.value if report.status else None)
    return items


@dataclass
class CheckContext:
    loaded: LoadedPlan
    parents: list[LoadedPlan]
    lead_days: int = 5
    index: FindingIndex = field(default_factory=FindingIndex)
    coverage: list[dict] = field(default_factory=list)
    _items: dict[str, ParentItem] | None = None

    @property
    def plan(self):
        return self.loaded.plan

    @property
    def registry(self):
        return self.loaded.registry

    @property
    def file(self) -> str:
        return str(self.loaded.path)

    @property
    def plan_date(self) -> date:
        d = self.plan.document.date
        return date(d.year, d.month or 1, d.day or 1)

    def items(self) -> dict[str, ParentItem]:
        """Every parent item by its reference 'document#id'."""
        if self._items is None:
            self._items = {}
            for parent in self.parents:
                for item in parent_items(parent).values():
                    self._items[item.ref] = item
        return self._items

    def agency(self, text: str) -> str:
        return self.loaded.agency_id(text) or self.registry.resolve_agency(text) or text

    def add(self, code: str, severity: Severity, message: str, path=(), suggestion: str | None = None,
            file: str | None = None) -> None:
        line, column = (None, None)
        if file is None:
            line, column = self.loaded.locate(tuple(path)) if path else (None, None)
        self.index.add(Finding(code, severity, message, file or self.file, line, column,
                               field_path(path) or None, suggestion))


def block_label(block: Block) -> str:
    text = " ".join(p for p in (block.label, block.title or block.text) if p)
    return text if len(text) <= 60 else text[:59] + "…"


def find_parent(ref: str, base: Path) -> Path | None:
    """A parent's file: a library id (plans/directives/<id>.yaml) or a path relative to the plan."""
    from ..paths import DIRECTIVES_DIR

    candidates = [base.parent / ref, Path(ref)] if ref.endswith((".yaml", ".yml")) else [DIRECTIVES_DIR / f"{ref}.yaml"]
    for candidate in candidates:
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):  # a name too long or with a NUL byte is simply not in the library
            continue
    return None


def load_parent(ref: str, base: Path, registry) -> LoadedPlan | None:
    """The parent loaded, or None when it is missing or itself has format errors."""
    from ..loading import load_plan

    path = find_parent(ref, base)
    if path is None:
        return None
    loaded, index = load_plan(path, registry)
    return loaded if loaded is not None and not index.has_errors else None
