"""What every check rule sees: the plan, its parents, the registry, options, and where to put findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..findings import Finding, FindingIndex, Severity
from ..loading import LoadedPlan
from ..loading.messages import field_path
from ..model import Block
from ..model.links import ParentItem, parent_items


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
