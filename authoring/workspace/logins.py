"""Login sessions kept on the server: the browser holds a random token, the database its hash, the open/ended state and the times that end it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .accounts import Account, account_of
from .models import MembershipRow, SessionRow, UnitRow, UserRow, now

IDLE = timedelta(hours=2)          # a session unused this long ends (a PC left on in the office)
ABSOLUTE = timedelta(hours=12)     # and none lasts more than a working day
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often, not on every request


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, user_id: int, address: str, agent: str) -> str:
    """A new session of the user; the token for the browser's cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(SessionRow(id=session_id(token), user_id=user_id, address=address[:64], agent=agent[:200]))
    return token


def resolve(session: Session, token) -> tuple[Account, str] | None:
    """The account and session id of an open session, or None (unknown, ended, idle or too old: then ended)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    # One query on every request: the session, its user and the user's roles.
    found = session.execute(select(SessionRow, UserRow, MembershipRow.role, UnitRow)
                            .join(UserRow, UserRow.id == SessionRow.user_id)
                            .outerjoin(MembershipRow, MembershipRow.user_id == UserRow.id)
                            .outerjoin(UnitRow, UnitRow.id == MembershipRow.unit_id)
                            .where(SessionRow.id == session_id(token)).order_by(MembershipRow.id)).all()
    row = found[0][0] if found else None
    if row is None or row.ended_at is not None:
        return None
    moment = now()
    if moment - row.last_seen > IDLE or moment - row.created_at > ABSOLUTE:
        row.ended_at = moment
        session.commit()
        return None
    user = found[0][1]
    who = account_of(user, [(role, unit) for _, _, role, unit in found if unit is not None]) if user.active else None
    if who is None:
        return None
    if moment - row.last_seen > TOUCH_EVERY:
        row.last_seen = moment
        session.commit()
    return who, row.id


def end(session: Session, sid: str, user_id: int | None = None) -> bool:
    """End one session (of *user_id* only, when given): whether it was open."""
    query = update(SessionRow).where(SessionRow.id == sid, SessionRow.ended_at.is_(None))
    if user_id is not None:
        query = query.where(SessionRow.user_id == user_id)
    return session.execute(query.values(ended_at=now())).rowcount == 1


def open_sessions(session: Session, user_id: int) -> list[SessionRow]:
    moment = now()
    rows = session.scalars(select(SessionRow).where(SessionRow.user_id == user_id, SessionRow.ended_at.is_(None))
                           .order_by(SessionRow.created_at.desc()))
    return [r for r in rows if moment - r.last_seen <= IDLE and moment - r.created_at <= ABSOLUTE]
