"""The stable JSON view of a plan (`kehoach show --json`); documented in docs/json-export.md."""

from __future__ import annotations

from ..loading import LoadedPlan
from ..model import Citation, Plan
from ..model.plan import strip_footnote_marks
from ..model.walk import block_text, iter_duties, iter_reporting, iter_targets, iter_tasks
from .plain import recipient_lines, strip_emphasis

JSON_SCHEMA_VERSION = 1


def _clean(text: str | None) -> str | None:
    return strip_emphasis(strip_footnote_marks(text)) if text is not None else None


def _agency(loaded: LoadedPlan, text: str) -> str:
    """Registry id when the name is known, else the words as written."""
    return loaded.agency_id(text) or text


def _citation(c: Citation) -> dict:
    return {
        "id": c.id, "verb": c.verb, "type": c.type, "code": c.code, "number": c.number, "year": c.year,
        "symbol": c.symbol, "date": c.date.iso() if c.date else None, "issuer": c.issuer, "title": c.title,
        "registry": c.registry,
    }


def plan_to_json(loaded: LoadedPlan) -> dict:
    plan: Plan = loaded.plan
    doc = plan.document
    agency = lambda text: _agency(loaded, text)  # noqa: E731
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "id": plan.id,
        "kind": plan.kind,
        "type": doc.type,
        "issuer": doc.issuer.name,
        "issuer_agency": agency(doc.issuer.agency),
        "governing_body": doc.governing_body,
        "number": doc.number,
        **({"number_year": doc.number_year} if doc.number_year else {}),   # only legal documents carry one
        "symbol": doc.symbol,
        "place": doc.place,
        "date": doc.date.iso() if doc.date.is_complete else None,
        "date_partial": doc.date.iso(),
        "year": doc.date.year,
        "title": doc.title,
        "level": doc.level.value,
        "province": doc.province,
        "period": {"from": doc.period.start, "to": doc.period.end} if doc.period else None,
        "implements": list(plan.implements),
        "bases": [_citation(c) for c in plan.bases],
        "references": [_citation(c) for c in plan.references],
        "targets": [
            {
                "id": t.id, "text": _clean(block_text(block)), "indicator": t.indicator, "value": t.value,
                "range": t.range, "unit": t.unit, "comparator": t.comparator.value, "year": t.year,
                "period": t.period, "scope": t.scope, "path": _path(path),
            }
            for path, block, t in iter_targets(plan)
        ],
        "tasks": [
            {
                "id": block.id, "text": _clean(block.title or block.text),
                "lead": [agency(a) for a in block.task.lead],
                "cooperating": [agency(a) for a in block.task.cooperating],
                "timeframe": block.task.timeframe, "products": list(block.task.products), "path": _path(path),
            }
            for path, block in iter_tasks(plan)
        ],
        "duties": [
            {
                "id": d.id, "agency": agency(d.agencies[0]), "agencies": [agency(a) for a in d.agencies],
                "request": d.request, "text": _clean(d.text), "path": _path(d.path),
            }
            for d in iter_duties(plan)
        ],
        "reporting": [
            {
                "id": r.id, "from": [agency(a) for a in r.from_], "to": [agency(a) for a in r.to],
                "via": [agency(a) for a in r.via], "period": r.period.value,
                "due": r.due.text() if r.due else None, "due_year": r.due_year, "subject": r.subject,
                "path": _path(path),
            }
            for path, block, r in iter_reporting(plan)
        ],
        "recipients": [_clean(line) for line in recipient_lines(plan)],
        "signature": {
            "authority": list(plan.signature.authority), "positions": list(plan.signature.positions),
            "name": plan.signature.name,
        } if plan.signature else None,
        "footnotes": dict(plan.footnotes),
    }


def _path(path) -> str:
    from ..loading.messages import field_path

    return field_path(path)
