"""Tables of the workspace (created by the Alembic revision 0002 of authoring/web/migrations).

Plans and their versions belong to the web storage (authoring/web/store.py); the tables here refer to them by id.
Foreign keys to `plans` exist in the database (the migration), not in these classes, so this package does not
import the web layer.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def now() -> datetime:
    """UTC, without time zone (stored so; shown in the machine's time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class UnitRow(Base):
    """A body that issues plans: the province's Sở or UBND tỉnh, or a commune, ward or special zone."""

    __tablename__ = "ws_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)        # "Sở Y tế tỉnh Nghệ An", "xã Anh Sơn"
    kind: Mapped[str] = mapped_column(String(40))                        # tỉnh, sở, xã, phường, đặc khu
    level: Mapped[str] = mapped_column(String(10))                      # tinh | xa
    province: Mapped[str] = mapped_column(String(100), default="")      # province_id of plans/registry/units
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("ws_units.id"), nullable=True)
    symbol: Mapped[str] = mapped_column(String(30), default="KH-UBND")  # ký hiệu of its plans


class UserRow(Base):
    __tablename__ = "ws_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))             # argon2id, never the password
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class MembershipRow(Base):
    """A user's role in a unit (a user may hold several roles, e.g. lãnh đạo and người ký)."""

    __tablename__ = "ws_memberships"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role", name="uq_ws_memberships"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("ws_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))


class LoginLimitRow(Base):
    """Failed logins of one user name or one client address: counted by an atomic row update shared by every server
    process; after a few, each new attempt must wait a delay that doubles (never a lock an attacker can hold)."""

    __tablename__ = "ws_login_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)    # "u:<user name>" or "a:<address>"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SessionRow(Base):
    """A login session, kept on the server: the browser's cookie holds only a random token whose hash is the id.
    Logout, a password or role change and deactivation end it; so do idle and absolute timeouts."""

    __tablename__ = "ws_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)        # sha256 of the token, never the token
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    agent: Mapped[str] = mapped_column(String(200), default="")


class WorkflowRow(Base):
    """Where a plan stands in the drafting-to-issuing workflow, and what issuing gave it."""

    __tablename__ = "ws_workflow"

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("ws_units.id"), nullable=True, index=True)
    parent_plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(20), default="draft")
    number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_on: Mapped[datetime | None] = mapped_column(Date, nullable=True)
    issued_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    signed_file: Mapped[str | None] = mapped_column(String(300), nullable=True)   # relative to storage
    checked_version: Mapped[int | None] = mapped_column(Integer, nullable=True)   # version counts and coverage are of
    # On a provincial plan: the date by which every commune and ward must have issued its own plan (set by the Sở).
    children_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    counts: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class CoverageRow(Base):
    """A commune plan's answer to one duty of its parent plan (what the province's board shows in a cell), written in
    the transaction that saves the version it was checked on: the board reads these rows, it checks no plan."""

    __tablename__ = "ws_coverage"
    __table_args__ = (Index("ix_ws_coverage_parent", "parent_plan_id", "ref", "status"),)

    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True)            # the commune's plan
    ref: Mapped[str] = mapped_column(String(300), primary_key=True)            # the parent duty: "plan-id#item-id"
    parent_plan_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)                              # the commune plan's version checked
    status: Mapped[str] = mapped_column(String(20))                            # a key of dashboard.CELL_LABELS
    agencies: Mapped[list | None] = mapped_column(JSON, nullable=True)         # names of the agencies taking it up
    note: Mapped[str] = mapped_column(Text, default="")


class RegisterRow(Base):
    """Sổ đăng ký văn bản đi: the last number a unit gave in a year (numbers start at 01 on 1 January)."""

    __tablename__ = "ws_registers"
    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_ws_registers"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("ws_units.id"))
    year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class AuditRow(Base):
    """Append-only: who did what, when, on which plan; the semantic diff of an edit. Never updated or deleted
    (the database refuses it too: triggers of the migration)."""

    __tablename__ = "ws_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_name: Mapped[str] = mapped_column(String(200), default="")
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state_from: Mapped[str | None] = mapped_column(String(20), nullable=True)
    state_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    diff: Mapped[list | None] = mapped_column(JSON, nullable=True)       # sentences of the semantic diff
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)   # the client's address
    chain: Mapped[str | None] = mapped_column(String(64), nullable=True)     # sha256(previous chain, this entry)
    # The record outside the log this entry vouches for, with its fingerprint (wsreg04): a registry entry's version
    subject: Mapped[str | None] = mapped_column(String(200), nullable=True)


class AuditHeadRow(Base):
    """How many chained entries the log has, the last one's chain value and time, moved forward in the
    transaction of each entry (never back: triggers): the last entries deleted no longer match it."""

    __tablename__ = "ws_audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)   # always 1
    entries: Mapped[int] = mapped_column(Integer)
    chain: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class BatchRow(Base):
    """A batch job (derive drafts, or PDFs, for every commune), its progress and outcome, written by the job itself."""

    __tablename__ = "ws_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    plan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default="running")   # running | finished | failed
    backend: Mapped[str] = mapped_column(String(20), default="process")
    messages: Mapped[list | None] = mapped_column(JSON, nullable=True)
    started_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)   # last sign of life while running
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    params: Mapped[dict | None] = mapped_column(JSON, nullable=True)   # what the job needs: units, kinds, province
    attempts: Mapped[int] = mapped_column(Integer, default=1)          # started again after a worker died


class RegistryEntryRow(Base):
    """A document or an agency a unit added to its own registry layer from the page, with its source; it counts in the
    checks of that unit's plans and its children's once a leader of the Sở approved it, until it is withdrawn
    (Alembic revisions wsreg01, wsreg02; its versions: wsreg03)."""

    __tablename__ = "ws_registry_entries"
    __table_args__ = (UniqueConstraint("unit_id", "kind", "entry_id", name="uq_ws_registry_entries"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("ws_units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))                        # documents | agencies
    entry_id: Mapped[str] = mapped_column(String(120))
    data: Mapped[dict] = mapped_column(JSON)                             # the entry as the registry's files write it
    pending: Mapped[bool] = mapped_column(Boolean, default=True)
    added_by: Mapped[str] = mapped_column(String(300))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    reviewed_by: Mapped[str | None] = mapped_column(String(300), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    changed_by: Mapped[str | None] = mapped_column(String(300), nullable=True)    # last edit (wsreg02)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(300), nullable=True)  # withdrawn: kept, counts nowhere
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Optimistic version (wsreg02): the form carries the one it was read at, and every write is an UPDATE … WHERE
    # version = the one read, so of two edits at the same moment the second is refused instead of silently winning.
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class RegistryVersionRow(Base):
    """One version of a registry entry, written with the change that made it (added, edited, approved, withdrawn):
    the entry's history page (Alembic revision wsreg03)."""

    __tablename__ = "ws_registry_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_row_id: Mapped[int] = mapped_column(ForeignKey("ws_registry_entries.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)                        # the entry's version after the change
    action: Mapped[str] = mapped_column(String(20))                      # added | edited | approved | withdrawn | known
    by: Mapped[str] = mapped_column(String(300))                         # "Full name (unit name)"
    at: Mapped[datetime] = mapped_column(DateTime, default=now)
    data: Mapped[dict] = mapped_column(JSON)                             # the entry after the change
    pending: Mapped[bool] = mapped_column(Boolean)                       # waiting for the Sở after the change
