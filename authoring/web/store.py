"""Storage: plans and their versions (every save is one) through SQLAlchemy; schema kept by Alembic."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import (
    JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, create_engine, event, select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker, undefer

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_url() -> str:
    """KEHOACH_DB, else SQLite in the user's data folder ($XDG_DATA_HOME/kehoach/kehoach.db)."""
    if os.environ.get("KEHOACH_DB"):
        return os.environ["KEHOACH_DB"]
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "kehoach"
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / 'kehoach.db'}"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class PlanRow(Base):
    """A plan being drafted; its content lives in its versions."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(1000), default="")
    issuer: Mapped[str] = mapped_column(String(300), default="")
    origin: Mapped[str] = mapped_column(String(500), default="")     # how it was started, in Vietnamese
    head: Mapped[int] = mapped_column(Integer, default=0)             # number of the latest version
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Accounts and units arrive with the province workspace (issue 15); kept empty until then.
    owner_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)

    versions: Mapped[list["VersionRow"]] = relationship(back_populates="plan", order_by="VersionRow.number")


class VersionRow(Base):
    """One saved state of a plan: the whole YAML text, what changed, and what the checks said."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    yaml_text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)          # {"error": n, "warning": n, "info": n}
    format_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)   # issue 15
    session_key: Mapped[str | None] = mapped_column(String(64), nullable=True)  # saves of one browser session
    part: Mapped[str | None] = mapped_column(String(300), nullable=True)        # the part of the plan edited
    change: Mapped[str | None] = mapped_column(String(1000), nullable=True)     # what changed, in words
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)        # "Bản trình lãnh đạo"
    # the check of this text (rules/kept), so opening it does not check again; read only with the text to analyse
    analysis: Mapped[dict | None] = mapped_column(JSON, nullable=True, deferred=True)

    plan: Mapped[PlanRow] = relationship(back_populates="versions")
    diff_lines = None   # not stored here: the save's semantic diff in sentences, for the audit log (Store.save)


class Conflict(Exception):
    """Another tab or person saved this plan since the page was loaded."""

    def __init__(self, head: int):
        super().__init__(head)
        self.head = head


@dataclass
class Saved:
    plan_id: int
    number: int


def migrate(url: str) -> None:
    """Bring the database to the newest schema (run at every start; does nothing when up to date)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(config, "head")


class Store:
    def __init__(self, url: str):
        self.url = url
        connect_args = {"check_same_thread": False, "timeout": 30} if url.startswith("sqlite") else {}
        # KEHOACH_DB_POOL: connections per process (no overflow), e.g. to fit PostgreSQL's max_connections.
        pool = {"pool_size": int(os.environ["KEHOACH_DB_POOL"]), "max_overflow": 0,
                "pool_timeout": float(os.environ.get("KEHOACH_DB_POOL_TIMEOUT") or 30)} \
            if os.environ.get("KEHOACH_DB_POOL") else {}
        self.engine = create_engine(url, connect_args=connect_args, **pool)
        if url.startswith("sqlite"):
            @event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.close()
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # The province workspace (issue 15) sets this: plans of units the logged-in user may not see are absent.
        self.visible = None
        # Called as hook(session, plan_id, number, analysis) inside the transaction of each save (the province
        # workspace keeps its board's coverage so): what they write is committed with the version, or not at all.
        self.save_hooks: list = []

    def list_plans(self) -> list[PlanRow]:
        with self.sessions() as session:
            rows = list(session.scalars(select(PlanRow).where(PlanRow.deleted.is_(False))
                                        .order_by(PlanRow.updated_at.desc())))
        # Filtered after the connection is given back: the check may need one of its own.
        return [r for r in rows if self.visible(r)] if self.visible else rows

    def plan(self, plan_id: int) -> PlanRow | None:
        with self.sessions() as session:
            row = session.get(PlanRow, plan_id)
        ok = row is not None and not row.deleted and (self.visible is None or self.visible(row))
        return row if ok else None

    def version(self, plan_id: int, number: int | None = None, kept: bool = False) -> VersionRow | None:
        """*kept*: with the check kept with it (VersionRow.analysis), else that column is not read."""
        with self.sessions() as session:
            if number is None:
                plan = session.get(PlanRow, plan_id)
                if plan is None:
                    return None
                number = plan.head
            query = select(VersionRow).where(VersionRow.plan_id == plan_id, VersionRow.number == number)
            return session.scalar(query.options(undefer(VersionRow.analysis)) if kept else query)

    def versions(self, plan_id: int) -> list[VersionRow]:
        with self.sessions() as session:
            return list(session.scalars(select(VersionRow).where(VersionRow.plan_id == plan_id)
                                        .order_by(VersionRow.number.desc())))

    def create(self, text: str, note: str, origin: str, title: str, issuer: str, counts: dict, format_ok: bool,
               kept: dict | None = None) -> Saved:
        with self.sessions.begin() as session:
            plan = PlanRow(title=title, issuer=issuer, origin=origin, head=1)
            session.add(plan)
            session.flush()
            session.add(VersionRow(plan_id=plan.id, number=1, yaml_text=text, note=note, counts=counts,
                                   format_ok=format_ok, analysis=kept))
            return Saved(plan.id, 1)

    def save(self, plan_id: int, base: int, text: str, note: str, title: str, issuer: str, counts: dict,
             format_ok: bool, session_key: str | None = None, part: str | None = None,
             change: str | None = None, analysis=None, diff: list[str] | None = None) -> Saved:
        """Store a new version on top of version *base*, in one transaction; Conflict when *base* is not the latest.

        *diff*: what changed, in sentences; the workspace's audit log writes it as the save's detail entry in this
        same transaction."""
        try:
            with self.sessions.begin() as session:
                plan = session.get(PlanRow, plan_id, with_for_update=True)
                if plan is None or plan.deleted:
                    raise KeyError(plan_id)
                if plan.head != base:
                    raise Conflict(plan.head)
                number = base + 1
                version = VersionRow(plan_id=plan_id, number=number, yaml_text=text, note=note, counts=counts,
                                     format_ok=format_ok, session_key=session_key, part=part,
                                     change=(change or None) and change[:1000],
                                     analysis=getattr(analysis, "kept", None))
                version.diff_lines = diff   # not a column: read by the audit hook when the version is flushed
                session.add(version)
                plan.head = number
                plan.updated_at = _now()
                if title:
                    plan.title = title
                if issuer:
                    plan.issuer = issuer
                if analysis is not None:
                    for hook in self.save_hooks:
                        hook(session, plan_id, number, analysis)
                return Saved(plan_id, number)
        except IntegrityError:  # two saves raced past the head check: the unique (plan, number) stops the second
            current = self.plan(plan_id)
            raise Conflict(current.head if current else base)

    def name_version(self, plan_id: int, number: int, name: str) -> bool:
        """Give a version a name ("Bản trình lãnh đạo"); an empty name takes it away. False when there is no such version."""
        with self.sessions.begin() as session:
            row = session.scalar(select(VersionRow).where(VersionRow.plan_id == plan_id, VersionRow.number == number))
            if row is None:
                return False
            row.name = name[:200] or None
            return True

    def delete(self, plan_id: int) -> None:
        with self.sessions.begin() as session:
            plan = session.get(PlanRow, plan_id)
            if plan is not None:
                plan.deleted = True
