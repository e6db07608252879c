"""The audit log as evidence (issue 24, items 3–5 and 8): one province cannot read another's, a spreadsheet never runs
a name as a formula, every change has its entry in its own transaction and names plans in Vietnamese, the database
refuses rewrites and backdating, and `kehoach audit verify` finds an entry edited, deleted or inserted."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from authoring.cli import main
from authoring.web.store import Store
from authoring.web.workspace_access import CURRENT, RequestContext
from authoring.workspace import accounts, audit
from authoring.workspace.models import AuditRow, UnitRow
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import PASSWORD, User, new_plan


def add_person(db_url: str, username: str, full_name: str, unit_name: str, province: str = "nghe-an",
               roles=("soan-thao",)) -> None:
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:
        unit = session.scalar(select(UnitRow).where(UnitRow.name == unit_name))
        if unit is None:
            unit = accounts.add_unit(session, unit_name, "sở", "tinh", province)
        accounts.add_user(session, username, full_name, PASSWORD, unit, list(roles))
    engine.dispose()


def log_rows(db_url: str) -> list[AuditRow]:
    engine = create_engine(db_url)
    with sessionmaker(engine)() as session:
        rows = list(session.scalars(select(AuditRow).order_by(AuditRow.id)))
    engine.dispose()
    return rows


def test_another_province_s_officer_does_not_get_this_province_s_log(ws_app, users, db_url):
    nghe_an = users("cv.so")
    plan = new_plan(nghe_an)
    nghe_an.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Bí mật của Nghệ An"})
    add_person(db_url, "cv.langson", "Hoàng Văn Lạng", "Sở Y tế tỉnh Lạng Sơn", "lang-son")
    lang_son = User(ws_app, "cv.langson")
    exported = lang_son.get("/khong-gian/nhat-ky.csv").content.decode("utf-8-sig")
    page = lang_son.get("/khong-gian/nhat-ky").text
    lang_son.close()
    for seen in (exported, page):
        assert "Nghệ An" not in seen and "Nguyễn Thị Soạn" not in seen
        assert "Hoàng Văn Lạng" in seen   # its own login is there


def test_a_name_beginning_with_equals_is_text_in_the_exports(ws_app, users, db_url):
    add_person(db_url, "cv.congthuc", '=HYPERLINK("http://ke-xau.example","Bấm vào")', "Sở Y tế tỉnh Nghệ An")
    User(ws_app, "cv.congthuc").close()
    admin = users("qt.so")
    rows = list(csv.reader(io.StringIO(admin.get("/khong-gian/nhat-ky.csv").content.decode("utf-8-sig"))))
    names = [r[1] for r in rows[1:]]
    assert any(n.startswith("'=HYPERLINK") for n in names) and not any(n.startswith("=") for n in names)
    book = load_workbook(io.BytesIO(admin.get("/khong-gian/nhat-ky.xlsx").content))
    cells = [c.value for row in book.active.iter_rows(min_row=2) for c in row if isinstance(c.value, str)]
    assert any(c.startswith("'=HYPERLINK") for c in cells) and not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert book.active.cell(1, 11).value is None   # no column beyond those named in the header


def test_every_change_is_logged_with_the_plan_s_name_never_its_id(ws_app, users, db_url):
    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    user.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Kế hoạch phòng chống thiên tai"})
    user.form(f"/ke-hoach/{plan}/phien-ban/dat-ten", {"v": "2", "name": "Bản trình lãnh đạo"})
    user.form(f"/ke-hoach/{plan}/xoa")
    user.form("/dang-xuat")
    with TestClient(ws_app) as http:
        token = re.search(r'name="csrf" value="([^"]+)"', http.get("/dang-nhap").text).group(1)
        http.post("/dang-nhap", data={"csrf": token, "ten": "cv.anhson", "mat_khau": "khong-dung-dau"})
    rows = log_rows(db_url)
    actions = [r.action for r in rows]
    for action in ("dang-nhap", "tao", "sua", "dat-ten", "xoa", "dang-xuat", "dang-nhap-sai"):
        assert action in actions, action
    named = [r for r in rows if r.plan_id == plan]
    assert all("Kế hoạch phòng chống thiên tai" in r.summary or "«" in r.summary for r in named)
    assert not any(re.search(rf"số {plan}\b", r.summary) for r in rows)
    assert all(r.address for r in rows if r.action in ("dang-nhap", "dang-nhap-sai", "sua"))


def test_a_save_and_its_entry_are_one_transaction(ws_app, users, db_url):
    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    store = Store(db_url)
    before = len(log_rows(db_url))
    token = CURRENT.set(RequestContext(user_account(db_url, "cv.anhson"), "203.0.113.5"))
    try:
        text_ = store.version(plan).yaml_text
        store.save(plan, 1, text_, "sửa thử", "", "", {}, True)
        # no request ended, no after-request hook ran: the entry is already committed with the version
        assert [r.action for r in log_rows(db_url)[before:]] == ["sua"]
        with pytest.raises(Exception):
            with store.sessions.begin() as session:   # a save that fails after its flush leaves no entry either
                from authoring.web.store import VersionRow

                session.add(VersionRow(plan_id=plan, number=3, yaml_text=text_, note="bỏ dở"))
                session.flush()
                raise RuntimeError("máy chủ dừng giữa chừng")
        assert len(log_rows(db_url)) == before + 1
    finally:
        CURRENT.reset(token)
        store.engine.dispose()


def user_account(db_url: str, username: str):
    engine = create_engine(db_url)
    with sessionmaker(engine)() as session:
        user_id = session.scalar(select(accounts.UserRow.id).where(accounts.UserRow.username == username))
        found = accounts.account(session, user_id)
    engine.dispose()
    return found


def test_the_database_refuses_backdated_entries(ws_app, db_url):
    engine = create_engine(db_url)
    with pytest.raises(Exception) as refused, engine.begin() as connection:
        connection.execute(text("INSERT INTO ws_audit (at, user_name, action, summary) "
                                "VALUES ('2020-01-01 08:00:00', 'kẻ giả mạo', 'sua', 'mục ghi lùi')"))
    engine.dispose()
    assert "ghi lùi" in str(refused.value)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sqlite_insert_or_replace_cannot_rewrite_an_entry(ws_app, users, db_url):
    users("cv.anhson")
    engine = create_engine(db_url)
    with pytest.raises(Exception) as refused, engine.begin() as connection:
        connection.execute(text("INSERT OR REPLACE INTO ws_audit (id, at, user_name, action, summary) "
                                "SELECT 1, at, 'kẻ giả mạo', action, 'đã thay' FROM ws_audit WHERE id = 1"))
    engine.dispose()
    assert "không được sửa hoặc xóa" in str(refused.value)


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_postgresql_refuses_truncate_of_the_log(ws_app, users, db_url):
    users("cv.anhson")
    engine = create_engine(db_url)
    with pytest.raises(Exception) as refused, engine.begin() as connection:
        connection.execute(text("TRUNCATE ws_audit"))
    engine.dispose()
    assert "không được sửa hoặc xóa" in str(refused.value)


def verify(db_url: str):
    return CliRunner().invoke(main, ["audit", "verify", "--db", db_url])


def tamper(db_url: str, *statements: str) -> None:
    """What someone with the database owner's rights could do: switch the guards off and change the log."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        if db_url.startswith("sqlite"):
            for name in ("no_update", "no_delete", "no_replace", "no_backdating"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS ws_audit_{name}"))
        else:
            connection.execute(text("ALTER TABLE ws_audit DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize("attack", ["edit", "delete", "insert"])
def test_audit_verify_finds_an_entry_edited_deleted_or_inserted(ws_app, users, db_url, attack):
    user = users("cv.anhson")
    new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    user.form("/dang-xuat")
    intact = verify(db_url)
    assert intact.exit_code == 0 and "Nhật ký nguyên vẹn" in intact.output, intact.output
    second = log_rows(db_url)[1]
    tamper(db_url, {
        "edit": f"UPDATE ws_audit SET summary = 'không có gì' WHERE id = {second.id}",
        "delete": f"DELETE FROM ws_audit WHERE id = {second.id}",
        "insert": f"INSERT INTO ws_audit (id, at, user_name, action, summary, chain) SELECT {second.id} * 1000, "
                  f"at, 'kẻ giả mạo', 'sua', 'mục chèn', chain FROM ws_audit WHERE id = {second.id}",
    }[attack])
    if attack == "insert":   # put the forged entry between two real ones
        tamper(db_url, f"UPDATE ws_audit SET id = {second.id} * 1000 + 1 WHERE id = {second.id + 1}")
    broken = verify(db_url)
    assert broken.exit_code == 1 and "Nhật ký đã bị can thiệp" in broken.output, broken.output
    assert "Traceback" not in broken.output


def test_audit_verify_finds_the_last_entries_deleted_by_the_database_owner(ws_app, users, db_url):
    user = users("cv.anhson")
    new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    user.form("/dang-xuat")
    rows = log_rows(db_url)
    kept = rows[-3]
    tamper(db_url, f"DELETE FROM ws_audit WHERE id > {kept.id}")   # the last two entries, the chain intact before
    broken = verify(db_url)
    assert broken.exit_code == 1 and "Nhật ký đã bị can thiệp" in broken.output, broken.output
    assert "Thiếu 2 mục cuối của nhật ký" in broken.output and f"sau mục số {kept.id}" in broken.output
    assert "Traceback" not in broken.output


def test_audit_verify_finds_a_deleted_tail_even_when_the_head_row_was_put_back(ws_app, users, db_url):
    """The owner deletes the tail and forces the head row to match: the saved versions still name their entries."""
    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    user.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Kế hoạch phòng chống lụt bão"})
    edit = [r for r in log_rows(db_url) if r.action == "sua"][-1]
    kept = [r for r in log_rows(db_url) if r.id < edit.id][-1]
    guards = ["DROP TRIGGER IF EXISTS ws_audit_head_forward_only", "DROP TRIGGER IF EXISTS ws_audit_head_no_delete"] \
        if db_url.startswith("sqlite") else ["ALTER TABLE ws_audit_head DISABLE TRIGGER USER"]
    tamper(db_url, *guards, f"DELETE FROM ws_audit WHERE id >= {edit.id}",
           f"UPDATE ws_audit_head SET entries = (SELECT COUNT(*) FROM ws_audit WHERE chain IS NOT NULL), "
           f"chain = (SELECT chain FROM ws_audit WHERE id = {kept.id})")
    broken = verify(db_url)
    assert broken.exit_code == 1, broken.output
    assert "Phiên bản 2 của kế hoạch «Kế hoạch phòng chống lụt bão»" in broken.output
    assert "không có mục nhật ký" in broken.output


def test_the_application_cannot_move_the_log_s_head_back(ws_app, users, db_url):
    users("cv.anhson")
    engine = create_engine(db_url)
    with pytest.raises(Exception) as refused, engine.begin() as connection:
        connection.execute(text("UPDATE ws_audit_head SET entries = entries - 1"))
    with pytest.raises(Exception), engine.begin() as connection:
        connection.execute(text("DELETE FROM ws_audit_head"))
    engine.dispose()
    assert "chỉ được tiến lên" in str(refused.value)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_audit_verify_on_a_database_not_yet_upgraded_says_to_upgrade(ws_app, users, db_url):
    from alembic import command
    from alembic.config import Config

    from authoring.web.store import MIGRATIONS

    users("cv.anhson")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", db_url)
    command.downgrade(config, "wsapi01")
    result = verify(db_url)
    assert result.exit_code == 1 and "chưa được nâng cấp" in result.output and "Traceback" not in result.output


def test_a_download_is_logged_as_an_export_with_the_plan_s_name(users, db_url):
    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    assert user.get(f"/ke-hoach/{plan}/tai/yaml").status_code == 200
    assert user.get(f"/ke-hoach/{plan}/tai/khong-co-loai-nay").status_code != 200
    exports = [r for r in log_rows(db_url) if r.action == "xuat"]
    assert len(exports) == 1 and exports[0].plan_id == plan and "yaml" in exports[0].summary
    assert "«" in exports[0].summary and exports[0].address


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_administrator_s_page_finds_an_edited_entry_too(ws_app, users, db_url):
    admin = users("qt.so")
    assert "Nhật ký nguyên vẹn" in admin.get("/khong-gian/quan-tri/nhat-ky").text
    tamper(db_url, "UPDATE ws_audit SET summary = 'không có gì' WHERE id = 1")
    page = admin.get("/khong-gian/quan-tri/nhat-ky").text
    assert "Nhật ký đã bị can thiệp: 1 chỗ không khớp" in page and "Mục số 1" in page
    last = log_rows(db_url)[-1]
    tamper(db_url, f"DELETE FROM ws_audit WHERE id = {last.id}")
    assert "Thiếu 1 mục cuối của nhật ký" in admin.get("/khong-gian/quan-tri/nhat-ky").text
    assert users("cv.so").get("/khong-gian/quan-tri/nhat-ky").status_code == 404


def test_audit_verify_on_a_database_without_a_log_exits_1_in_vietnamese(tmp_path):
    result = verify(f"sqlite:///{tmp_path / 'trong.db'}")
    assert result.exit_code == 1 and "Không đọc được nhật ký" in result.output and "Traceback" not in result.output
    help_text = CliRunner().invoke(main, ["audit", "verify", "--help"]).output
    assert "[TÙY_CHỌN]" in help_text and "OPTIONS" not in help_text
