"""Each unit's own registry layer in the workspace: entries added and edited from the page, approved by the Sở,
applying to the unit's plans and its children's until withdrawn."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.exc import StaleDataError

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import own_registry
from .models import RegistryEntryRow, RegistryVersionRow, UnitRow, now

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
    rows = session.scalars(select(RegistryEntryRow).where(RegistryEntryRow.unit_id.in_(units),
                                                          RegistryEntryRow.withdrawn_at.is_(None))
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
    _remember(row, "added", added_by)
    return row


def _remember(row: RegistryEntryRow, action: str, by: str) -> None:
    """The entry as this change leaves it, kept as one version of its history (flushed first: the mapper numbers the
    version, and an edit that lost the race fails here, as Stale)."""
    session = object_session(row)
    session.flush()
    session.add(RegistryVersionRow(entry_row_id=row.id, version=row.version, action=action, by=by[:300], at=now(),
                                   data=row.data, pending=row.pending))
    session.flush()


def edit(session: Session, base, row: RegistryEntryRow, values: dict, by: str) -> dict:
    """The entry written anew from *values*, keeping its id, and pending the Sở's review again: what the Sở approved
    was the old wording and source, so an edited entry counts in no check until the Sở approves the new one. Refused
    in words like an addition. The entry as it was, for the audit log."""
    before = row.data
    registry = registry_for(session, base, row.unit_id)
    make = own_registry.document_entry if row.kind == "documents" else own_registry.agency_entry
    row.data = make(registry, set(), added_by=by, same=row.entry_id, **values)
    row.pending, row.reviewed_by, row.reviewed_at = True, None, None
    row.changed_by, row.changed_at = by[:300], now()
    _remember(row, "edited", by)
    return before


def withdraw(row: RegistryEntryRow, by: str) -> None:
    """The entry stops counting in every check; the row stays, with who withdrew it and when, as its history."""
    row.withdrawn_by, row.withdrawn_at = by[:300], now()
    _remember(row, "withdrawn", by)


def live(session: Session, row_id: int) -> RegistryEntryRow | None:
    """An entry not withdrawn, or None."""
    row = session.get(RegistryEntryRow, row_id)
    return row if row is not None and row.withdrawn_at is None else None


def at_version(row: RegistryEntryRow, version: int | None) -> RegistryEntryRow:
    """*row* if it is still at the *version* the caller read (None: not checked); own_registry.Stale otherwise. The
    UPDATE that follows carries «WHERE version = …» too (the mapper's version column): an edit committed between this
    check and the write fails with StaleDataError, which callers treat as Stale."""
    if version is not None and row.version != version:
        raise own_registry.Stale(row.data)
    return row


STALE = (own_registry.Stale, StaleDataError)


def approve(session: Session, row_id: int, reviewer: str, version: int | None = None) -> RegistryEntryRow | None:
    """The Sở's review of one pending entry (at *version*, when given); None when there is no such entry waiting."""
    row = live(session, row_id)
    if row is None or not row.pending:
        return None
    at_version(row, version)
    row.data = own_registry.approved(row.data, reviewer)
    row.pending, row.reviewed_by, row.reviewed_at = False, reviewer[:300], now()
    _remember(row, "approved", reviewer)
    return row


def entries(session: Session, unit_ids: set[int] | None) -> list[tuple[RegistryEntryRow, UnitRow]]:
    """The entries of these units (every unit's when None), waiting ones first, withdrawn ones last, with the unit that
    added each."""
    query = select(RegistryEntryRow, UnitRow).join(UnitRow, UnitRow.id == RegistryEntryRow.unit_id)
    if unit_ids is not None:
        query = query.where(RegistryEntryRow.unit_id.in_(unit_ids))
    query = query.order_by(RegistryEntryRow.withdrawn_at.is_not(None), RegistryEntryRow.pending.desc(),
                           RegistryEntryRow.id)
    return [(row, unit) for row, unit in session.execute(query)]


def history(session: Session, row_id: int) -> tuple[RegistryEntryRow, UnitRow, list[RegistryVersionRow]] | None:
    """An entry (withdrawn ones too), the unit that added it, and its versions oldest first; None when there is none."""
    row = session.get(RegistryEntryRow, row_id)
    if row is None:
        return None
    versions = session.scalars(select(RegistryVersionRow).where(RegistryVersionRow.entry_row_id == row_id)
                               .order_by(RegistryVersionRow.version, RegistryVersionRow.id)).all()
    return row, session.get(UnitRow, row.unit_id), list(versions)
