"""Local accounts: argon2id password hashes, the five roles of Nghị định 30 (Điều 12–14) and the system's
administrator, users belonging to units, and login rate limiting shared by every server process (in the database).

Passwords are never stored, returned or logged in clear: only `hash_password` sees them, and it keeps the hash.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..text import nfc
from .models import LoginFailureRow, MembershipRow, UnitRow, UserRow, now

# role id → Vietnamese label (the only form users see)
ROLES = {
    "soan-thao": "Chuyên viên soạn thảo",
    "lanh-dao": "Lãnh đạo đơn vị",
    "van-thu": "Văn thư",
    "nguoi-ky": "Người ký",
    "quan-tri": "Quản trị",
}
ROLE_DUTIES = {
    "soan-thao": "soạn dự thảo, sửa theo ý kiến, trình lãnh đạo (NĐ 30, Điều 12)",
    "lanh-dao": "xem xét, cho ý kiến về nội dung dự thảo (Điều 12 khoản 2)",
    "van-thu": "kiểm tra thể thức, ghi số và ngày, ký số của cơ quan, phát hành (Điều 13, 15, 16)",
    "nguoi-ky": "ký ban hành văn bản (Điều 13, 14)",
    "quan-tri": "quản lý đơn vị và tài khoản",
}

MIN_PASSWORD = 10
MAX_FAILURES = 5                 # failures within the window before logins are refused
WINDOW = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")

# argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1): about 0.1 s
# per login on one core of a modest server; tests may lower the cost. Hashes made with other parameters still verify
# and are re-hashed with these at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Each hash takes 19 MiB and a core: at most this many at once per process, so a burst of logins cannot exhaust memory.
_HASH_SLOTS = threading.BoundedSemaphore(4)


def set_cost(time_cost: int, memory_cost: int) -> None:
    """Cheaper hashing for tests and benchmarks only."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


class AccountError(Exception):
    """Something the administrator or the user can fix; the message is Vietnamese."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    with _HASH_SLOTS:
        return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        with _HASH_SLOTS:
            return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass
class Account:
    """A logged-in user as the rest of the program sees it (no hash)."""

    id: int
    username: str
    full_name: str
    unit_id: int
    unit_name: str
    unit_level: str          # tinh | xa
    province: str
    roles: frozenset[str]

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def role_labels(self) -> str:
        return ", ".join(ROLES[r] for r in ROLES if r in self.roles)

    @property
    def province_wide(self) -> bool:
        """The province's users (Sở, UBND tỉnh) see every unit of the province."""
        return self.unit_level == "tinh"


def add_unit(session: Session, name: str, kind: str, level: str, province: str = "", parent: UnitRow | None = None,
             symbol: str = "KH-UBND") -> UnitRow:
    name = nfc(" ".join(name.split()))
    existing = session.scalar(select(UnitRow).where(UnitRow.name == name))
    if existing is not None:
        return existing
    unit = UnitRow(name=name, kind=kind, level=level, province=province, parent_id=parent.id if parent else None,
                   symbol=symbol)
    session.add(unit)
    session.flush()
    return unit


def add_user(session: Session, username: str, full_name: str, password: str, unit: UnitRow, roles: list[str]) -> UserRow:
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise AccountError("Tên đăng nhập gồm 3–80 chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới.")
    if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập '{username}' đã có người dùng.")
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise AccountError("Hãy chọn ít nhất một vai trò hợp lệ.")
    full_name = nfc(" ".join(full_name.split()))
    if not full_name:
        raise AccountError("Hãy ghi họ và tên.")
    user = UserRow(username=username, full_name=full_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    for role in dict.fromkeys(roles):
        session.add(MembershipRow(user_id=user.id, unit_id=unit.id, role=role))
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str) -> None:
    user = session.get(UserRow, user_id)
    if user is None:
        raise AccountError("Không có tài khoản này.")
    user.password_hash = hash_password(password)


def account(session: Session, user_id: int) -> Account | None:
    user = session.get(UserRow, user_id)
    if user is None or not user.active:
        return None
    rows = session.execute(select(MembershipRow.role, UnitRow).join(UnitRow, UnitRow.id == MembershipRow.unit_id)
                           .where(MembershipRow.user_id == user_id)).all()
    if not rows:
        return None
    unit = rows[0][1]
    return Account(user.id, user.username, user.full_name, unit.id, unit.name, unit.level, unit.province,
                   frozenset(role for role, u in rows if u.id == unit.id))


def _recent_failures(session: Session, key: str) -> int:
    since = now() - WINDOW
    return session.scalar(select(func.count()).select_from(LoginFailureRow)
                          .where(LoginFailureRow.key == key, LoginFailureRow.at >= since)) or 0


class LoginRefused(AccountError):
    pass


def login(session: Session, username: str, password: str, address: str) -> Account:
    """The account, or LoginRefused with a message that does not tell which of name or password was wrong.

    After MAX_FAILURES failures in WINDOW for a user name or an address, logins from it are refused until the
    window has passed, even with the right password.
    """
    username = username.strip().lower()[:80]
    keys = [f"u:{username}", f"a:{address}"]
    if any(_recent_failures(session, key) >= MAX_FAILURES for key in keys):
        raise LoginRefused(f"Đăng nhập sai quá {MAX_FAILURES} lần; hãy thử lại sau {int(WINDOW.total_seconds() // 60)} phút "
                           "hoặc nhờ quản trị đặt lại mật khẩu.")
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    if not ok:
        if user is None:
            with _HASH_SLOTS:
                _hasher.hash("không-có-người-dùng")   # same time whether or not the name exists
        for key in keys:
            session.add(LoginFailureRow(key=key))
        session.commit()
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.")
    if _hasher.check_needs_rehash(user.password_hash):
        with _HASH_SLOTS:
            user.password_hash = _hasher.hash(password)
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == keys[0]))
    session.commit()
    result = account(session, user.id)
    if result is None:
        raise LoginRefused("Tài khoản chưa được gán vào đơn vị nào; hãy nhờ quản trị.")
    return result


def visible_unit_ids(session: Session, who: Account) -> set[int] | None:
    """Units whose plans *who* may see: all (None) for the province's users and administrators, else their unit."""
    if who.province_wide or who.has("quan-tri"):
        return None
    return {who.unit_id}


def units_of_province(session: Session, province: str) -> list[UnitRow]:
    return list(session.scalars(select(UnitRow).where(UnitRow.province == province, UnitRow.level == "xa")
                                .order_by(UnitRow.id)))
