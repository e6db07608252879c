"""Access keys for scripts and other systems (the JSON API): one or more per account, shown once, stored as a hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import accounts
from .models import Base, now

PREFIX = "kh_"


class ApiTokenRow(Base):
    __tablename__ = "ws_api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ws_users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))                       # what the key is for ("Hệ thống e-office")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)     # sha-256 of the key, never the key
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(session: Session, user_id: int, name: str) -> str:
    """A new key for the user; the only time it is seen in clear is this return value."""
    name = " ".join(name.split())[:120]
    if not name:
        raise accounts.AccountError("Hãy ghi khóa dùng cho việc gì (vd. «Hệ thống quản lý văn bản của xã»).")
    token = PREFIX + secrets.token_urlsafe(32)
    session.add(ApiTokenRow(user_id=user_id, name=name, token_hash=_digest(token)))
    return token


def of_user(session: Session, user_id: int) -> list[ApiTokenRow]:
    return list(session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user_id)
                                .order_by(ApiTokenRow.id.desc())))


def revoke(session: Session, user_id: int, token_id: int) -> bool:
    row = session.get(ApiTokenRow, token_id)
    if row is None or row.user_id != user_id:
        return False
    row.revoked = True
    return True


def account_for(session: Session, authorization: str) -> accounts.Account | None:
    """The account behind "Authorization: Bearer kh_…", if the key exists, is not revoked and the user is active."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.startswith(PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiTokenRow).where(ApiTokenRow.token_hash == _digest(token.strip())))
    if row is None or row.revoked:
        return None
    row.last_used_at = now()
    return accounts.account(session, row.user_id)
