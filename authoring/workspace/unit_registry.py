"""Each unit's own registry layer in the workspace: entries added and edited from the page, approved by the Sở,
applying to the unit's plans and its children's until withdrawn."""

from __future__ import annotations

import hashlib
import json

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


SUBJECT = "ws_registry_versions"   # how an audit entry names the version it vouches for: "<table>:<id>:<sha256>"


def fingerprint(version: RegistryVersionRow) -> str:
    """sha256 of a version as written: its entry, number, action, who, when, content and the Sở's decision."""
    fields = [version.entry_row_id, version.version, version.action, version.by, version.at.isoformat(),
              version.data, bool(version.pending)]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                          .encode("utf-8")).hexdigest()


def subject(session: Session, row: RegistryEntryRow) -> str:
    """What the audit entry of *row*'s change vouches for (in the same transaction): the version it just wrote."""
    version = session.scalars(select(RegistryVersionRow).where(RegistryVersionRow.entry_row_id == row.id)
                              .order_by(RegistryVersionRow.id.desc()).limit(1)).one()
    return f"{SUBJECT}:{version.id}:{fingerprint(version)}"


def _named(data: dict | None, entry_id: str) -> str:
    data = data if isinstance(data, dict) else {}
    words = " ".join(str(data.get(k) or "") for k in ("type", "code", "name") if data.get(k)) or entry_id
    return f"«{words[:160]}»"


def version_problems(session: Session, vouched: list[tuple[int, object, str]], moment) -> list[str]:
    """Versions that no longer match the audit entry that recorded them (rewritten), that are gone (deleted), or that
    no entry records (inserted behind the application's back). *vouched*: (entry id, time, subject) of the log;
    *moment* words a time. Versions written before the first one recorded (the upgrade wsreg03's starting points,
    changes made before wsreg04) were never recorded and are not checked."""
    problems, recorded = [], set()
    for audit_id, at, text in vouched:
        _, _, rest = text.partition(":")
        version_id, _, digest = rest.partition(":")
        if not version_id.isdigit():
            continue
        recorded.add(int(version_id))
        version = session.get(RegistryVersionRow, int(version_id))
        if version is None:
            problems.append(f"Phiên bản của một mục danh mục đơn vị mà mục nhật ký số {audit_id} ({moment(at)}) ghi "
                            "nhận không còn trong cơ sở dữ liệu: đã bị xóa.")
        elif fingerprint(version) != digest:
            entry = session.get(RegistryEntryRow, version.entry_row_id)
            named = _named(version.data, entry.entry_id if entry else "")
            problems.append(f"Phiên bản {version.version} của mục {named} "
                            f"trong danh mục đơn vị (ghi lúc {moment(version.at)}, bởi {version.by}) đã bị sửa sau "
                            f"khi ghi: không khớp với mục nhật ký số {audit_id} ({moment(at)}).")
    if not recorded:
        return problems
    later = session.scalars(select(RegistryVersionRow).where(RegistryVersionRow.id > min(recorded))
                            .order_by(RegistryVersionRow.id)).all()
    for version in later:
        if version.id not in recorded and len(problems) < 200:
            problems.append(f"Phiên bản {version.version} của mục {_named(version.data, '')} trong danh mục đơn vị "
                            f"(ghi lúc {moment(version.at)}, bởi {version.by}) không có mục nhật ký: được chèn vào "
                            "sau, hoặc mục nhật ký của nó đã bị xóa.")
    return problems


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
