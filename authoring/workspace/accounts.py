"""Local accounts: argon2id password hashes, the five roles of Nghị định 30 (Điều 12–14) and the system's
administrator, users belonging to units, the password policy, and login limits shared by every server process (in
the database).

Passwords are never stored, returned or logged in clear: only `hash_password` sees them, and it keeps the hash.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from ..text import nfc
from .models import LoginLimitRow, MembershipRow, SessionRow, UnitRow, UserRow, now

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

MIN_PASSWORD = 12               # NIST SP 800-63B §5.1.1.2 asks for at least 8; a shared office PC warrants more
COMMON_PASSWORDS = Path(__file__).parent / "data" / "common-passwords.txt"
# Login limits. Up to FREE_TRIES failures of a user name (ADDRESS_TRIES of a client address, higher because a whole
# office may leave through one address) are checked at once; after that each attempt must wait a delay that doubles
# from FIRST_DELAY up to MAX_DELAY. Never a hard lock: the owner gets in after the delay, the administrator at once.
FREE_TRIES = 5
ADDRESS_TRIES = 30
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=24)   # failures older than this no longer count
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")

# argon2id with OWASP's recommended minimum (Password Storage Cheat Sheet: m = 19 MiB, t = 2, p = 1): about 0.1 s
# per login on one core of a modest server; tests may lower the cost. Hashes made with other parameters still verify
# and are re-hashed with these at the next login. The parameters are recorded in each hash ($argon2id$v=19$m=,t=,p=).
ARGON2 = {"time_cost": 2, "memory_cost": 19456, "parallelism": 1}
_hasher = PasswordHasher(**ARGON2)
# Each hash takes 19 MiB and a core for 50–100 ms. One thread per process does them all, one at a time: a burst of
# logins (a morning when a province's officers open the workspace) waits in line instead of taking every core that
# saves and pages need, and cannot exhaust memory (a login flood is bounded too). Not at a lower priority: a login
# counts against its address's limit until its hash is done, and starved hashes on a busy machine (nice 19, load 12)
# kept more than ADDRESS_TRIES logins of one office in flight at once, so the next one was refused.
_hashing: ThreadPoolExecutor | None = None
_hashing_lock = threading.Lock()


def _hash_work(function, *args):
    """*function*(*args*) in the process's hashing thread (argon2 releases the interpreter while it works)."""
    global _hashing
    with _hashing_lock:
        if _hashing is None:
            _hashing = ThreadPoolExecutor(1, thread_name_prefix="argon2")
    return _hashing.submit(function, *args).result()


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the current parameters, verified when the user is unknown: every answer takes one verification."""
    return _hash_work(hasher.hash, "không-có-người-dùng-này")


def set_cost(time_cost: int, memory_cost: int) -> None:
    """Cheaper hashing for tests and benchmarks only."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


class AccountError(Exception):
    """Something the administrator or the user can fix; the message is Vietnamese."""


@cache
def _common() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _is_common(password: str) -> bool:
    """One of the list, repeated, or followed by digits ("password123456", "matkhaumatkhau")."""
    plain = re.sub(r"[\W_]+", "", nfc(password).casefold())
    if plain in _common():
        return True
    stem = plain.rstrip("0123456789")
    if stem in _common() and len(stem) >= 4:
        return True
    for size in range(1, len(plain) // 2 + 1):
        if len(plain) % size == 0 and plain[:size] * (len(plain) // size) == plain:
            return True   # one piece repeated: "abcabcabcabc", ten spaces, "111111111111"
    return False


def check_password(password: str, username: str = "") -> None:
    """AccountError (Vietnamese, saying how to fix it) when the password is too weak."""
    if len(password.strip()) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự (không tính khoảng trắng ở đầu và cuối); "
                           "hãy dùng một câu ngắn dễ nhớ.")
    name = username.strip().casefold()
    if name and (name in password.casefold() or password.casefold() in name):
        raise AccountError("Mật khẩu không được chứa tên đăng nhập; hãy chọn mật khẩu khác.")
    if _is_common(password) or len(set(password)) < 5:
        raise AccountError("Mật khẩu này quá phổ biến hoặc quá dễ đoán (vd. 123456789012, matkhau2024); "
                           "hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ.")


def hash_password(password: str, username: str = "") -> str:
    check_password(password, username)
    return _hash_work(_hasher.hash, password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hash_work(_hasher.verify, stored_hash, password)
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
    user = UserRow(username=username, full_name=full_name, password_hash=hash_password(password, username))
    session.add(user)
    session.flush()
    for role in dict.fromkeys(roles):
        session.add(MembershipRow(user_id=user.id, unit_id=unit.id, role=role))
    session.flush()
    return user


def end_sessions(session: Session, user_id: int, keep: str | None = None) -> int:
    """End every open session of a user (but *keep*, a session id); the number ended."""
    query = update(SessionRow).where(SessionRow.user_id == user_id, SessionRow.ended_at.is_(None))
    if keep is not None:
        query = query.where(SessionRow.id != keep)
    return session.execute(query.values(ended_at=now())).rowcount


def set_password(session: Session, user_id: int, password: str, keep_session: str | None = None) -> None:
    """A new password ends every other session of the user (a thief's copy of the cookie included)."""
    user = session.get(UserRow, user_id)
    if user is None:
        raise AccountError("Không có tài khoản này.")
    user.password_hash = hash_password(password, user.username)
    end_sessions(session, user_id, keep_session)


def set_roles(session: Session, user_id: int, unit: UnitRow, roles: list[str]) -> None:
    """New roles take effect at the next login: the user's sessions end."""
    if not roles or any(r not in ROLES for r in roles):
        raise AccountError("Hãy chọn ít nhất một vai trò hợp lệ.")
    for row in session.scalars(select(MembershipRow).where(MembershipRow.user_id == user_id)):
        session.delete(row)
    session.flush()
    for role in dict.fromkeys(roles):
        session.add(MembershipRow(user_id=user_id, unit_id=unit.id, role=role))
    end_sessions(session, user_id)


def set_active(session: Session, user_id: int, active: bool) -> None:
    user = session.get(UserRow, user_id)
    if user is None:
        raise AccountError("Không có tài khoản này.")
    user.active = active
    if not active:
        end_sessions(session, user_id)


def unlock(session: Session, username: str) -> None:
    """The administrator lets a user try again at once, whatever failures others caused."""
    session.execute(update(LoginLimitRow).where(LoginLimitRow.key == f"u:{username.strip().lower()}")
                    .values(failures=0, blocked_until=None))


def account(session: Session, user_id: int) -> Account | None:
    user = session.get(UserRow, user_id)
    if user is None or not user.active:
        return None
    rows = session.execute(select(MembershipRow.role, UnitRow).join(UnitRow, UnitRow.id == MembershipRow.unit_id)
                           .where(MembershipRow.user_id == user_id).order_by(MembershipRow.id)).all()
    return account_of(user, rows)


def account_of(user: UserRow, rows) -> Account | None:
    """The account of an active *user* from its (role, unit) rows, the first one's unit being the user's unit."""
    if not rows:
        return None
    unit = rows[0][1]
    return Account(user.id, user.username, user.full_name, unit.id, unit.name, unit.level, unit.province,
                   frozenset(role for role, u in rows if u.id == unit.id))


ADMIN_ACTIONS = {"mo-khoa": "Cho đăng nhập lại ngay", "khoa": "Khóa tài khoản", "mo": "Mở lại tài khoản",
                 "vai-tro": "Đổi vai trò"}


def administer(session: Session, username: str, action: str, roles: list[str]) -> str:
    """What the administrator does to an account; the sentence for the audit log and the page."""
    user = session.scalar(select(UserRow).where(UserRow.username == username.strip().lower()))
    if user is None:
        raise AccountError("Không có tài khoản này; hãy chọn trong danh sách.")
    who = f"{user.full_name} ({user.username})"
    if action == "mo-khoa":
        unlock(session, user.username)
        return f"Cho {who} đăng nhập lại ngay (xóa các lần đăng nhập sai)"
    if action in ("khoa", "mo"):
        set_active(session, user.id, action == "mo")
        return f"{'Mở lại' if action == 'mo' else 'Khóa'} tài khoản {who}" + ("; các phiên đăng nhập đã kết thúc"
                                                                             if action == "khoa" else "")
    if action == "vai-tro":
        current = account(session, user.id)
        unit = session.get(UnitRow, current.unit_id) if current else None
        if unit is None:
            raise AccountError("Tài khoản chưa thuộc đơn vị nào; hãy tạo lại tài khoản.")
        set_roles(session, user.id, unit, roles)
        return f"Đổi vai trò của {who} thành: {', '.join(ROLES[r] for r in ROLES if r in roles)}; các phiên đăng nhập đã kết thúc"
    raise AccountError("Hãy chọn việc cần làm với tài khoản.")


class LoginRefused(AccountError):
    pass


def _delay(excess: int) -> timedelta:
    return min(FIRST_DELAY * (2 ** min(excess, 20)), MAX_DELAY)


def _wait_text(until: datetime, moment: datetime) -> str:
    seconds = max(1, int((until - moment).total_seconds() + 0.999))
    return f"{seconds} giây" if seconds < 120 else f"{(seconds + 59) // 60} phút"


def _reserve(session: Session, keys: list[tuple[str, int]], moment: datetime) -> datetime | None:
    """Count this attempt against each key before the password is checked, in one transaction whose first statement
    writes (so concurrent attempts queue on the rows, whatever the database): the moment until which one of the keys
    must wait (nothing counted then), or None (counted, go on)."""
    if session.in_transaction():
        session.commit()
    insert = _insert_ignore(session)
    for key, _ in keys:
        session.execute(insert(LoginLimitRow).values(key=key, failures=0, last_at=moment).on_conflict_do_nothing())
    blocked = None
    for key, free in keys:
        session.execute(update(LoginLimitRow).where(LoginLimitRow.key == key).values(
            failures=case((LoginLimitRow.last_at < moment - FORGET_AFTER, 1), else_=LoginLimitRow.failures + 1),
            last_at=moment))
        row = session.execute(select(LoginLimitRow.failures, LoginLimitRow.blocked_until)
                              .where(LoginLimitRow.key == key)).one()
        if row.blocked_until is not None and row.blocked_until > moment:
            blocked = max(blocked or row.blocked_until, row.blocked_until)
        elif row.failures >= free:
            # This attempt goes on, and the next one of this key waits: concurrent attempts are refused here.
            session.execute(update(LoginLimitRow).where(LoginLimitRow.key == key)
                            .values(blocked_until=moment + _delay(row.failures - free)))
    if blocked is not None:
        session.rollback()
        return blocked
    session.commit()
    return None


def _insert_ignore(session: Session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def login(session: Session, username: str, password: str, address: str) -> Account:
    """The account, or LoginRefused with a message that does not tell which of name or password was wrong.

    Each attempt is counted (by user name and by client address) before the password is checked; past the free
    tries, attempts must wait a delay that doubles. Unknown, inactive and wrong all take one argon2 verification.
    """
    username = nfc(username).strip().lower()[:80]
    moment = now()
    keys = [(f"u:{username}", FREE_TRIES), (f"a:{address[:64]}", ADDRESS_TRIES)]
    blocked = _reserve(session, keys, moment)
    if blocked is not None:
        raise LoginRefused(f"Tên đăng nhập này hoặc máy này vừa đăng nhập sai nhiều lần; hãy thử lại sau "
                           f"{_wait_text(blocked, moment)}, hoặc nhờ quản trị mở khóa ngay.")
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    stored = user.password_hash if user is not None else _dummy_hash(_hasher)
    active = user is not None and user.active
    session.rollback()   # no connection held while the password waits for the hashing thread
    ok = verify_password(stored, password) and active
    if not ok:
        raise LoginRefused("Tên đăng nhập hoặc mật khẩu không đúng.")
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hash_work(_hasher.hash, password)
    # A success clears the user name's count, and gives back the address the try it had taken.
    session.execute(update(LoginLimitRow).where(LoginLimitRow.key == keys[0][0]).values(failures=0, blocked_until=None))
    session.execute(update(LoginLimitRow).where(LoginLimitRow.key == keys[1][0], LoginLimitRow.failures > 0)
                    .values(failures=LoginLimitRow.failures - 1))
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
