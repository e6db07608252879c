"""Each unit's own registry layer in the workspace: entries added from the page, approved by the Sở, applying to the
unit's plans and its children's."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import own_registry
from .models import RegistryEntryRow, UnitRow, now

KINDS = ("documents", "agencies")


def lineage(session: Session, unit_id: int | None, known: list[int] | None = None) -> list[int]:
    """The unit and the units above it (a commune, then the Sở it belongs to): whose approved entries apply to it.
    *known*: the first of them, already read (their last one's parent is *unit_id*)."""
    out: list[int] = list(known or [])
    while unit_id is not None and unit_id not in out and len(out) < 10:
        out.append(unit_id)
        unit = session.get(UnitRow, unit_id)
        unit_id = unit.parent_id if unit is not None else None
    return out


def registry_for(session: Session, base, unit_id: int | None, units: list[int] | None = None):
    """*base* with the layers of the unit and the units above it (*units*, when the caller has read them);
    entries pending review are kept aside (no check counts them; a finding about them says they wait for the Sở)."""
    units = lineage(session, unit_id) if units is None else units
    rows = session.scalars(select(RegistryEntryRow).where(RegistryEntryRow.unit_id.in_(units))
                           .order_by(RegistryEntryRow.id)).all() if units else []
    if not rows:
        return base
    return base.with_layer([r.data for r in rows if r.kind == "agencies"], [r.data for r in rows if r.kind == "documents"])


def add(session: Session, base, unit_id: int, kind: str, values: dict, added_by: str) -> RegistryEntryRow:
    """A document or an agency added to the unit's layer, pending the Sở's review; refused in words when it is
    already known (in the registry, or waiting), has no source, or the layer is full."""
    if kind not in KINDS:
        raise ValueError(kind)
    count = len(session.scalars(select(RegistryEntryRow.id).where(RegistryEntryRow.unit_id == unit_id)).all())
    if count >= own_registry.MAX_ENTRIES:
        message = "danh mục của đơn vị đã quá nhiều mục"
        raise InputError(message, [Finding("L124", Severity.ERROR, message, path="danh mục",
                                           suggestion="Nhờ Sở gộp các mục đã duyệt vào danh mục chung.")])
    registry = registry_for(session, base, unit_id)
    taken = set(session.scalars(select(RegistryEntryRow.entry_id).where(RegistryEntryRow.kind == kind)).all())
    make = own_registry.document_entry if kind == "documents" else own_registry.agency_entry
    entry = make(registry, taken, added_by=added_by, **values)
    row = RegistryEntryRow(unit_id=unit_id, kind=kind, entry_id=entry["id"], data=entry, pending=True,
                           added_by=added_by[:300])
    session.add(row)
    session.flush()
    return row


def approve(session: Session, row_id: int, reviewer: str) -> RegistryEntryRow | None:
    """The Sở's review of one pending entry; None when there is no such entry waiting."""
    row = session.get(RegistryEntryRow, row_id)
    if row is None or not row.pending:
        return None
    row.data = own_registry.approved(row.data, reviewer)
    row.pending, row.reviewed_by, row.reviewed_at = False, reviewer[:300], now()
    return row


def entries(session: Session, unit_ids: set[int] | None) -> list[tuple[RegistryEntryRow, UnitRow]]:
    """The entries of these units (every unit's when None), waiting ones first, with the unit that added each."""
    query = select(RegistryEntryRow, UnitRow).join(UnitRow, UnitRow.id == RegistryEntryRow.unit_id)
    if unit_ids is not None:
        query = query.where(RegistryEntryRow.unit_id.in_(unit_ids))
    query = query.order_by(RegistryEntryRow.pending.desc(), RegistryEntryRow.id)
    return [(row, unit) for row, unit in session.execute(query)]
