"""Walking a plan: every block, target, task, duty, report and agency reference, with its path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from ..text import match_key
from .plan import Block, Plan, Reporting, Target, strip_footnote_marks

Path_ = tuple


def iter_blocks(plan: Plan) -> Iterator[tuple[Path_, Block]]:
    def walk(block: Block, path: Path_):
        yield path, block
        for i, child in enumerate(block.blocks):
            yield from walk(child, path + ("blocks", i))

    for group in ("preamble", "sections", "closing"):
        for i, block in enumerate(getattr(plan, group)):
            yield from walk(block, (group, i))


def block_text(block: Block, with_children: bool = False) -> str:
    """The printed words of a block (title and text), optionally with its sub-items."""
    parts = [p for p in (block.title, block.text) if p]
    text = ": ".join(parts) if block.title and block.text else " ".join(parts)
    if with_children:
        for child in block.blocks:
            child_text = block_text(child, True)
            text = f"{text}\n{child.label + ' ' if child.label else ''}{child_text}".strip()
    return strip_footnote_marks(text)


@dataclass(frozen=True)
class Duty:
    """A duty (nhiệm vụ được giao) of one or more agencies, read from the blocks under an agency."""

    id: str | None
    agencies: tuple[str, ...]
    text: str
    path: Path_
    request: bool  # "Đề nghị …": a request to Mặt trận or a mass organisation, not an order
    block: Block


def _is_request(block: Block) -> bool:
    head = match_key(block.title or block.text or "")
    return head.startswith("đề nghị")


def iter_duties(plan: Plan) -> Iterator[Duty]:
    for path, block in iter_blocks(plan):
        if not block.agency:
            continue
        agencies = tuple(block.agency)
        request = _is_request(block)
        if block.text:
            yield Duty(block.id, agencies, strip_footnote_marks(block.text), path, request, block)
        for i, child in enumerate(block.blocks):
            if child.agency:
                continue  # a nested agency heading yields its own duties
            yield Duty(child.id, agencies, block_text(child, True), path + ("blocks", i), request, child)


def iter_targets(plan: Plan) -> Iterator[tuple[Path_, Block, Target]]:
    for path, block in iter_blocks(plan):
        for i, target in enumerate(block.targets):
            yield path + ("targets", i), block, target


def iter_tasks(plan: Plan) -> Iterator[tuple[Path_, Block]]:
    for path, block in iter_blocks(plan):
        if block.task is not None:
            yield path, block


def iter_reporting(plan: Plan) -> Iterator[tuple[Path_, Block, Reporting]]:
    for path, block in iter_blocks(plan):
        for i, report in enumerate(block.reporting):
            yield path + ("reporting", i), block, report


def iter_agency_refs(plan: Plan) -> Iterator[tuple[Path_, str]]:
    """Every place a plan names an agency, with the words it uses."""
    yield ("document", "issuer", "agency"), plan.document.issuer.agency
    for path, block in iter_blocks(plan):
        for i, name in enumerate(block.agency):
            yield path + ("agency", i), name
        if block.task:
            for field in ("lead", "cooperating"):
                for i, name in enumerate(getattr(block.task, field)):
                    yield path + ("task", field, i), name
        for r, report in enumerate(block.reporting):
            for field, alias in (("from_", "from"), ("to", "to"), ("via", "via")):
                for i, name in enumerate(getattr(report, field)):
                    yield path + ("reporting", r, alias, i), name
    for r, recipient in enumerate(plan.recipients):
        for i, name in enumerate(recipient.agency):
            yield ("recipients", r, "agency", i), name


def iter_ids(plan: Plan) -> Iterator[tuple[Path_, str]]:
    """Every stable id a plan defines."""
    for group in ("bases", "references"):
        for i, citation in enumerate(getattr(plan, group)):
            if citation.id:
                yield (group, i, "id"), citation.id
    for path, block in iter_blocks(plan):
        if block.id:
            yield path + ("id",), block.id
        for i, target in enumerate(block.targets):
            yield path + ("targets", i, "id"), target.id
        for i, report in enumerate(block.reporting):
            yield path + ("reporting", i, "id"), report.id


def iter_printed_texts(plan: Plan) -> Iterator[tuple[Path_, str]]:
    """(path, text) of every string kehoach prints, as written in the plan: trích yếu, issuer lines, headings and
    texts, recipients, archive line, footnotes, signature."""
    doc = plan.document
    yield ("document", "title"), doc.title
    for i, line in enumerate(doc.issuer.header or []):
        yield ("document", "issuer", "header", i), line
    for path, block in iter_blocks(plan):
        if block.title:
            yield path + ("title",), block.title
        if block.text:
            yield path + ("text",), block.text
    for i, recipient in enumerate(plan.recipients):
        yield ("recipients", i, "name"), recipient.name
        if recipient.purpose:
            yield ("recipients", i, "purpose"), recipient.purpose
    if plan.archive:
        yield ("archive",), plan.archive
    for key, text in plan.footnotes.items():
        yield ("footnotes", key), text
    if plan.signature:
        for i, line in enumerate(plan.signature.authority):
            yield ("signature", "authority", i), line
        yield ("signature", "name"), plan.signature.name
