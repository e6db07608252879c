"""`kehoach diff`: what changed between two versions of a plan, item by item rather than line by line."""

from __future__ import annotations

from ..loading import LoadedPlan
from ..model.walk import iter_duties, iter_reporting, iter_targets


def _targets(loaded: LoadedPlan) -> dict:
    return {t.id: t for _, _, t in iter_targets(loaded.plan)}


def _duties(loaded: LoadedPlan) -> dict:
    """Duties by id (or text when unnumbered), with the agency they sit under."""
    return {duty.id or duty.text: (loaded.agency_id(duty.agencies[0]) or duty.agencies[0], duty)
            for duty in iter_duties(loaded.plan)}


def _reports(loaded: LoadedPlan) -> dict:
    return {r.id: r for _, _, r in iter_reporting(loaded.plan)}


def _citations(loaded: LoadedPlan) -> dict:
    plan = loaded.plan
    return {(c.id or c.code or c.title): c for c in list(plan.bases) + list(plan.references)}


def _value(t) -> str:
    value = "" if t.value is None else f"{t.value:g}{t.unit or ''}"
    return f"{t.comparator.value} {value}".strip() + (f" ({t.year})" if t.year else "")


def semantic_diff(old: LoadedPlan, new: LoadedPlan) -> dict:
    changes: dict[str, list] = {"targets": [], "duties": [], "deadlines": [], "citations": [], "document": []}
    for field in ("number", "symbol", "title", "place"):
        a, b = getattr(old.plan.document, field), getattr(new.plan.document, field)
        if a != b:
            changes["document"].append({"field": field, "old": a, "new": b})
    if old.plan.document.date != new.plan.document.date:
        changes["document"].append({"field": "date", "old": old.plan.document.date.iso(), "new": new.plan.document.date.iso()})
    a, b = _targets(old), _targets(new)
    for key in sorted(a.keys() | b.keys()):
        if key not in b:
            changes["targets"].append({"id": key, "change": "removed", "old": _value(a[key])})
        elif key not in a:
            changes["targets"].append({"id": key, "change": "added", "new": _value(b[key])})
        elif _value(a[key]) != _value(b[key]):
            changes["targets"].append({"id": key, "change": "changed", "old": _value(a[key]), "new": _value(b[key])})
    a, b = _duties(old), _duties(new)
    for key in sorted(a.keys() | b.keys(), key=str):
        if key not in b:
            changes["duties"].append({"agency": a[key][0], "id": key, "change": "removed", "text": a[key][1].text})
        elif key not in a:
            changes["duties"].append({"agency": b[key][0], "id": key, "change": "added", "text": b[key][1].text})
        elif a[key][0] != b[key][0]:
            changes["duties"].append({"agency": b[key][0], "id": key, "change": "reassigned", "old": a[key][0], "new": b[key][0]})
        elif a[key][1].text != b[key][1].text:
            changes["duties"].append({"agency": b[key][0], "id": key, "change": "changed",
                                      "old": a[key][1].text, "new": b[key][1].text})
    a, b = _reports(old), _reports(new)
    for key in sorted(a.keys() | b.keys()):
        old_due = a[key].due.text() if key in a and a[key].due else None
        new_due = b[key].due.text() if key in b and b[key].due else None
        if key not in b or key not in a or old_due != new_due or a[key].period != b[key].period:
            changes["deadlines"].append({"id": key, "old": old_due if key in a else None, "new": new_due if key in b else None,
                                         "change": "removed" if key not in b else "added" if key not in a else "moved"})
    a, b = _citations(old), _citations(new)
    for key in sorted(a.keys() | b.keys(), key=str):
        describe = lambda c: f"{c.type} {c.code or c.title} {c.date.iso() if c.date else ''}".strip()  # noqa: E731
        if key not in b or key not in a or describe(a[key]) != describe(b[key]):
            changes["citations"].append({"id": key, "old": describe(a[key]) if key in a else None,
                                         "new": describe(b[key]) if key in b else None})
    return changes


LABELS = {"added": "thêm", "removed": "bỏ", "changed": "sửa", "moved": "đổi hạn", "reassigned": "giao cho cơ quan khác"}


def render_diff(changes: dict) -> str:
    lines = []
    for entry in changes["document"]:
        lines.append(f"Văn bản — {entry['field']}: {entry['old']} → {entry['new']}")
    for entry in changes["targets"]:
        lines.append(f"Chỉ tiêu {entry['id']} ({LABELS[entry['change']]}): {entry.get('old', '—')} → {entry.get('new', '—')}")
    for entry in changes["duties"]:
        text = entry.get("text") or f"{entry.get('old')} → {entry.get('new')}"
        lines.append(f"Nhiệm vụ của {entry['agency']} ({LABELS[entry['change']]}) {entry['id']}: {text[:100]}")
    for entry in changes["deadlines"]:
        lines.append(f"Hạn báo cáo {entry['id']} ({LABELS[entry['change']]}): {entry['old'] or '—'} → {entry['new'] or '—'}")
    for entry in changes["citations"]:
        lines.append(f"Căn cứ/dẫn chiếu {entry['id']}: {entry['old'] or '—'} → {entry['new'] or '—'}")
    return "\n".join(lines) if lines else "Không có thay đổi về nội dung."
