"""Links between a plan and its parents: the items a parent offers, and the fingerprints that notice their changes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..text import match_key
from .plan import Reporting, Target, strip_footnote_marks
from .walk import iter_duties, iter_reporting, iter_targets, iter_tasks


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


def parent_items(parent) -> dict[str, ParentItem]:
    """Every item of a loaded parent plan (targets, tasks, duties, reports) by its id."""
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
