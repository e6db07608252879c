"""The audit log: who did what, when, from where, on which plan, and the semantic diff of every edit.

Append-only: this module only adds and reads entries; the database refuses changes, removals, replacements and
backdated entries (triggers of the migrations). Each entry carries a hash chained to the previous one, so `verify`
finds an entry edited, deleted or inserted behind the application's back; the head row (count, last chain value),
moved in the same transaction, finds the last entries deleted. Exported as CSV or XLSX for an inspection.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from sqlalchemy import DateTime, select, text
from sqlalchemy.orm import Session

from ..text import vietnam_time
from .accounts import Account
from .models import AuditHeadRow, AuditRow, UnitRow, UserRow, now
from .workflow import state_label

ACTIONS = {
    "tao": "Tạo kế hoạch",
    "sua": "Sửa nội dung",
    "chuyen-buoc": "Chuyển bước quy trình",
    "ban-hanh": "Ban hành",
    "lap-cap-duoi": "Lập dự thảo cho cấp dưới",
    "dat-han": "Đặt hạn cho cấp dưới",
    "dang-nhap": "Đăng nhập",
    "dang-nhap-sai": "Đăng nhập sai",
    "dang-xuat": "Đăng xuất",
    "xoa": "Xóa kế hoạch",
    "khoi-phuc": "Khôi phục kế hoạch",
    "dat-ten": "Đặt tên phiên bản",
    "chi-tiet": "Chi tiết thay đổi nội dung",
    "xuat": "Xuất tệp",
    "tai-khoan": "Quản lý tài khoản",
    "don-vi": "Quản lý đơn vị",
    "ket-qua": "Báo cáo kết quả thực hiện",
    "danh-muc": "Danh mục của đơn vị",
}


def _lock_chain(session: Session) -> None:
    """One writer of the chain at a time, until the caller's transaction ends (then the next reads this entry)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(2402)"))
    else:
        # A write that touches no row still takes SQLite's write lock for the transaction.
        session.execute(text("UPDATE ws_audit SET id = id WHERE 0"))


def _locked_head(session: Session) -> AuditHeadRow | None:
    return session.scalar(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update()
                          .execution_options(populate_existing=True))


def _chain_end(session: Session) -> tuple[str, AuditHeadRow | None]:
    """Lock the chain until the caller's transaction ends; its last value and the head row.

    PostgreSQL: the head row, locked FOR UPDATE, is the lock, and its chain value is the last entry's (moved in the
    same transaction as every entry): one statement, where a separate lock, a read of the last entry and a read of
    the head took three, each one more wait for every other save of the province while this one holds the lock."""
    if session.get_bind().dialect.name == "postgresql":
        head = _locked_head(session)
        if head is None:
            # The first entry: no head row to lock yet, so the advisory lock; then the head row another first entry
            # may have written meanwhile, locked like any later writer locks it.
            _lock_chain(session)
            head = _locked_head(session)
        if head is not None:
            return head.chain, head
    else:
        _lock_chain(session)
    previous = session.scalar(select(AuditRow.chain).where(AuditRow.chain.is_not(None))
                              .order_by(AuditRow.id.desc()).limit(1)) or ""
    return previous, session.get(AuditHeadRow, 1)


def _digest(previous: str, row: AuditRow) -> str:
    fields = [previous, row.at.isoformat(), row.user_id, row.user_name, row.unit_id, row.plan_id, row.action,
              row.summary, row.version, row.state_from, row.state_to, row.diff, row.address]
    if row.subject is not None:   # only then: the entries written before wsreg04 keep their digest
        fields.append(row.subject)
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def entry(who: Account | None, action: str, summary: str, plan_id: int | None = None, version: int | None = None,
          state_from: str | None = None, state_to: str | None = None, diff: list[str] | None = None,
          unit_id: int | None = None, address: str | None = None, user_name: str | None = None,
          subject: str | None = None) -> AuditRow:
    """An entry not yet written: its time and chain value are set by `record_all`, under the chain's lock."""
    return AuditRow(user_id=who.id if who else None,
                    user_name=user_name or (f"{who.full_name} ({who.username})" if who else "hệ thống"),
                    unit_id=unit_id if unit_id is not None else (who.unit_id if who else None), plan_id=plan_id,
                    action=action, summary=summary[:4000], version=version, state_from=state_from,
                    state_to=state_to, diff=diff or None, address=address[:64] if address else None, subject=subject)


def record(session: Session, who: Account | None, action: str, summary: str, plan_id: int | None = None,
           version: int | None = None, state_from: str | None = None, state_to: str | None = None,
           diff: list[str] | None = None, unit_id: int | None = None, address: str | None = None,
           user_name: str | None = None, flush: bool = True, subject: str | None = None) -> AuditRow:
    """Add an entry in the caller's transaction: it is committed with the change it records, or not at all.
    *subject*: the record kept outside the log that this entry vouches for (`unit_registry.subject`)."""
    return record_all(session, [entry(who, action, summary, plan_id, version, state_from, state_to, diff, unit_id,
                                      address, user_name, subject)], flush)[0]


def record_all(session: Session, rows: list[AuditRow], flush: bool = True) -> list[AuditRow]:
    """Add *rows* (from `entry`), chained in this order, in the caller's transaction."""
    waiting = session.info.get("ws_audit_last")
    if session.get_bind().dialect.name == "postgresql" and not (waiting is not None and waiting in session.new):
        head = _head_unlocked(session)
        if head is not None:
            return _append_pg(session, rows, head)
    for row in rows:
        _record_orm(session, row)
    if flush:
        session.flush()
    return rows


def _record_orm(session: Session, row: AuditRow) -> None:
    waiting = session.info.get("ws_audit_last")
    if waiting is not None and waiting in session.new:
        # an entry added earlier in this transaction, which holds the lock: chain after it
        previous, head = waiting.chain, session.info.get("ws_audit_head")
    else:
        previous, head = _chain_end(session)
    row.at = now()
    row.chain = _digest(previous, row)
    session.add(row)
    if head is None:
        head = AuditHeadRow(id=1, entries=1, chain=row.chain, at=row.at)
        session.add(head)
    else:
        head.entries, head.chain, head.at = head.entries + 1, row.chain, row.at
    session.info["ws_audit_last"], session.info["ws_audit_head"] = row, head


# PostgreSQL: the head row is the chain's lock, held from the statement that moves it to COMMIT, and every other
# writer of the log waits meanwhile. So the chain's last value is read before, unlocked; one statement then moves the
# head only if it still holds that value (locking it) and adds the entries; a writer that came first makes it move
# nothing, and only then is the head locked and read again. From the lock to COMMIT: that statement and COMMIT.
_COLUMNS = (("at", "TIMESTAMP"), ("user_id", "INTEGER"), ("user_name", "VARCHAR"), ("unit_id", "INTEGER"),
            ("plan_id", "INTEGER"), ("action", "VARCHAR"), ("summary", "TEXT"), ("version", "INTEGER"),
            ("state_from", "VARCHAR"), ("state_to", "VARCHAR"), ("diff", "JSON"), ("address", "VARCHAR"),
            ("chain", "VARCHAR"), ("subject", "VARCHAR"))


def _head_unlocked(session: Session) -> str | None:
    """The chain's last value: this transaction's own last entry once it holds the lock, else the head as committed."""
    held = session.info.get("ws_audit_held")
    if held is not None and held[0] is session.get_transaction():
        return held[1]
    return session.connection().execute(text("SELECT chain FROM ws_audit_head WHERE id = 1")).scalar()


def _append_pg(session: Session, rows: list[AuditRow], previous: str) -> list[AuditRow]:
    ids = _move_head_and_insert(session, rows, previous)
    if ids is None:   # another writer came first: wait for it, then chain after its entry
        previous = session.connection().execute(text(
            "SELECT chain FROM ws_audit_head WHERE id = 1 FOR UPDATE")).scalar()
        ids = _move_head_and_insert(session, rows, previous)
        if ids is None:   # pragma: no cover - the head is locked by this transaction
            raise RuntimeError("audit head moved while locked")
    for row, row_id in zip(rows, sorted(ids)):
        row.id = row_id
    session.info["ws_audit_held"] = (session.get_transaction(), rows[-1].chain)
    return rows


def _move_head_and_insert(session: Session, rows: list[AuditRow], previous: str) -> list[int] | None:
    from sqlalchemy import JSON, bindparam

    moment, link, values, params, binds = now(), previous, [], {"previous": previous}, []
    for n, row in enumerate(rows):
        row.at = moment
        row.chain = link = _digest(link, row)
        values.append("(" + ", ".join([str(n)] + [f"CAST(:{name}{n} AS {kind})" for name, kind in _COLUMNS]) + ")")
        params.update({f"{name}{n}": getattr(row, name) for name, _ in _COLUMNS})
        binds.append(bindparam(f"diff{n}", type_=JSON))
    params.update(entries=len(rows), last=link, at=moment)
    names = ", ".join(name for name, _ in _COLUMNS)
    statement = text(
        "WITH moved AS (UPDATE ws_audit_head SET entries = entries + :entries, chain = :last, at = :at "
        "WHERE id = 1 AND chain = :previous RETURNING id) "
        f"INSERT INTO ws_audit ({names}) SELECT {', '.join('v.' + name for name, _ in _COLUMNS)} "
        f"FROM moved, (VALUES {', '.join(values)}) AS v(n, {names}) ORDER BY v.n RETURNING id").bindparams(*binds)
    ids = list(session.connection().execute(statement, params).scalars())
    return ids or None


def failed_login(session: Session, username: str, address: str, reason: str) -> AuditRow:
    """A refused login, scoped to the unit of the account tried (when there is one) so its province sees it."""
    name = " ".join(username.split())[:80]
    user = session.scalar(select(UserRow).where(UserRow.username == name.lower()))
    unit_id = None
    if user is not None:
        from .accounts import account

        found = account(session, user.id)
        unit_id = found.unit_id if found else None
    return record(session, None, "dang-nhap-sai", f"Đăng nhập sai với tên «{name}»: {reason}", unit_id=unit_id,
                  address=address, user_name=f"tên đăng nhập «{name}»")


@dataclass
class Verdict:
    checked: int
    unchained: int            # entries written before the chain existed (migration ws03)
    problems: list[str]       # Vietnamese, one per broken link
    head: str                 # the last chain value


def verify(session: Session) -> Verdict:
    """Recompute the chain over every entry in order: any entry edited, deleted or inserted breaks a link; the last
    entries deleted leave the log short of its head row; a saved version without its entry is named too."""
    from sqlalchemy import inspect

    if "subject" not in {c["name"] for c in inspect(session.connection()).get_columns(AuditRow.__tablename__)}:
        return Verdict(0, 0, [_NOT_UPGRADED], "")
    previous, checked, unchained, problems, last = "", 0, 0, [], None
    for row in session.execute(select(AuditRow).order_by(AuditRow.id).execution_options(yield_per=1000)).scalars():
        if row.chain is None:
            if checked:
                problems.append(f"Mục số {row.id} ({_local(row.at)}) không có mã kiểm tra: được chèn vào sau.")
            unchained += 1
            continue
        checked += 1
        if _digest(previous, row) != row.chain:
            problems.append(f"Mục số {row.id} ({_local(row.at)}, {row.user_name}): nội dung đã bị sửa, hoặc mục "
                            "ngay trước nó đã bị xóa hay chèn thêm.")
        previous = row.chain
        last = row
    problems += _tail_problems(session, checked, previous, last)
    problems += _unlogged_versions(session)
    problems += _registry_versions(session)
    return Verdict(checked, unchained, problems, previous)


_NOT_UPGRADED = ("Cơ sở dữ liệu chưa được nâng cấp lên bản hiện tại nên chưa kiểm được nhật ký. Chạy lại `kehoach "
                 "serve` (hoặc lệnh khởi tạo không gian làm việc) một lần để nâng cấp, rồi kiểm tra lại.")


def _registry_versions(session: Session) -> list[str]:
    """Each version of a unit's registry entry is vouched for by the chained entry that recorded its change."""
    from .unit_registry import SUBJECT, version_problems

    vouched = session.execute(select(AuditRow.id, AuditRow.at, AuditRow.subject)
                              .where(AuditRow.subject.like(f"{SUBJECT}:%")).order_by(AuditRow.id)).all()
    return version_problems(session, [tuple(v) for v in vouched], _local)


def _tail_problems(session: Session, checked: int, previous: str, last) -> list[str]:
    from sqlalchemy import inspect

    if not inspect(session.connection()).has_table(AuditHeadRow.__tablename__):
        return ["Cơ sở dữ liệu chưa được nâng cấp nên chưa có sổ ghi mục cuối của nhật ký: chưa kiểm được các mục "
                "cuối có bị xóa không. Chạy lại `kehoach serve` (hoặc lệnh khởi tạo không gian làm việc) một lần để "
                "nâng cấp, rồi kiểm tra lại."]
    head = session.get(AuditHeadRow, 1)
    if head is None:
        return [f"Sổ ghi mục cuối của nhật ký bị mất (đã bị xóa) trong khi nhật ký có {checked} mục: không còn biết "
                "các mục cuối có đủ không."] if checked else []
    if head.entries == checked and head.chain == previous:
        return []
    if head.entries > checked:
        after = f"sau mục số {last.id} ({_local(last.at)})" if last is not None else "từ đầu"
        return [f"Thiếu {head.entries - checked} mục cuối của nhật ký: sổ ghi mục cuối ghi {head.entries} mục, mục "
                f"cuối cùng ghi lúc {_local(head.at)}, nhưng nhật ký chỉ còn {checked} mục — các mục {after} "
                "đã bị xóa."]
    return [f"Sổ ghi mục cuối của nhật ký ({head.entries} mục, mục cuối ghi lúc {_local(head.at)}) không khớp với "
            f"nhật ký ({checked} mục): sổ hoặc các mục cuối đã bị sửa."]


def _unlogged_versions(session: Session) -> list[str]:
    """Versions saved by a signed-in person (author known) whose creation or edit entry is not in the log."""
    versions = session.execute(text(
        "SELECT v.plan_id, v.number, v.created_at, p.title FROM plan_versions v JOIN plans p ON p.id = v.plan_id "
        "WHERE v.author_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ws_audit a WHERE a.plan_id = v.plan_id "
        "AND a.version = v.number AND a.action IN ('tao', 'sua')) ORDER BY v.created_at, v.id LIMIT 101")
        .columns(created_at=DateTime)).all()
    return [f"Phiên bản {number} của kế hoạch «{' '.join((title or '').split())[:120] or 'chưa có tên'}» (lưu lúc "
            f"{_local(created)}) không có mục nhật ký: mục đã bị xóa." for _plan, number, created, title in versions]


def province_unit_ids(session: Session, who: Account) -> set[int]:
    """Units whose entries *who* may read: the whole province for its provincial users, else their own unit."""
    if who.province_wide or who.has("quan-tri"):
        return set(session.scalars(select(UnitRow.id).where(UnitRow.province == who.province))) | {who.unit_id}
    return {who.unit_id}


def entries(session: Session, plan_id: int | None = None, unit_ids: set[int] | None = None,
            limit: int = 500) -> list[AuditRow]:
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if plan_id is not None:
        query = query.where(AuditRow.plan_id == plan_id)
    if unit_ids is not None:
        query = query.where(AuditRow.unit_id.in_(unit_ids))
    return list(session.scalars(query))


HEADERS = ["Thời điểm", "Người thực hiện", "Việc", "Nội dung", "Kế hoạch", "Phiên bản", "Từ bước", "Sang bước",
           "Thay đổi nội dung", "Từ địa chỉ"]


def _local(moment) -> str:
    return vietnam_time(moment)


def _cell(value):
    """Text a spreadsheet would run as a formula (=, +, -, @, and tab or CR that hide them) starts with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def rows_for_export(rows: list[AuditRow], plan_names: dict[int, str] | None = None) -> list[list]:
    names = plan_names or {}
    return [[_cell(c) for c in (
        _local(r.at), r.user_name, ACTIONS.get(r.action, r.action), r.summary,
        names.get(r.plan_id, "") if r.plan_id else "", r.version or "",
        state_label(r.state_from) if r.state_from else "", state_label(r.state_to) if r.state_to else "",
        "\n".join(r.diff or []), r.address or "")] for r in sorted(rows, key=lambda r: r.id)]


def to_csv(rows: list[AuditRow], plan_names: dict[int, str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows_for_export(rows, plan_names))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")   # BOM: Excel opens Vietnamese correctly


def to_xlsx(rows: list[AuditRow], title: str = "Nhật ký", plan_names: dict[int, str] | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows_for_export(rows, plan_names):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJ", (20, 30, 24, 60, 40, 10, 26, 26, 80, 16)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
