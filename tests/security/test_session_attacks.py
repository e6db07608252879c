"""Sessions live on the server (issue 24, item 2): a copied cookie dies at logout, at a password or role change and
at deactivation; idle and absolute timeouts; one's own sessions listed and ended from a page."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import sessionmaker

from authoring.workspace import accounts, logins
from authoring.workspace.models import SessionRow, UnitRow, UserRow, now
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import PASSWORD, User


def stolen_copy(app, user: User) -> TestClient:
    """Another browser holding a copy of *user*'s session cookie."""
    thief = TestClient(app)
    thief.__enter__()
    thief.cookies.set("kehoach_phien", user.http.cookies.get("kehoach_phien"))
    return thief


def signed_in(http: TestClient) -> bool:
    return http.get("/khong-gian", follow_redirects=False).status_code == 200


def test_logout_ends_a_copied_cookie(ws_app, users):
    user = users("cv.anhson")
    thief = stolen_copy(ws_app, user)
    assert signed_in(thief)
    assert user.form("/dang-xuat", follow_redirects=False).status_code == 303
    assert not signed_in(thief) and not signed_in(user.http)
    # writing with the copy is refused too
    assert thief.post("/khong-gian/phien/ket-thuc", data={"csrf": user.token, "phien": "x"}).status_code == 401
    thief.__exit__(None, None, None)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(ws_app, users):
    user = users("cv.anhson")
    other = User(ws_app, "cv.anhson")   # the same account signed in elsewhere (or by someone who knew the password)
    response = user.form("/khong-gian/mat-khau", {"mat_khau_cu": PASSWORD, "mat_khau_moi": "mèo con ăn cá lúc chiều"},
                         follow_redirects=False)
    assert response.status_code == 303
    assert signed_in(user.http) and not signed_in(other.http)
    other.close()


def test_a_weak_new_password_is_refused_with_how_to_fix_it(users):
    user = users("cv.anhson")
    response = user.form("/khong-gian/mat-khau", {"mat_khau_cu": PASSWORD, "mat_khau_moi": "1234567890"})
    assert response.status_code == 400 and "ít nhất 12 ký tự" in response.text


def test_one_s_sessions_are_listed_and_another_can_be_ended(ws_app, users):
    user = users("cv.anhson")
    laptop = User(ws_app, "cv.anhson")
    page = user.get("/khong-gian/phien").text
    assert page.count("Kết thúc phiên này") == 1 and "Phiên này" in page
    other = re.search(r'name="phien" value="([0-9a-f]{64})"', page).group(1)
    response = user.form("/khong-gian/phien/ket-thuc", {"phien": other}, follow_redirects=False)
    assert response.status_code == 303 and not signed_in(laptop.http) and signed_in(user.http)
    # someone else's session cannot be ended (nor found) from one's own page
    stranger = User(ws_app, "cv.namdan")
    assert stranger.form("/khong-gian/phien/ket-thuc", {"phien": other}).status_code == 404
    laptop.close()
    stranger.close()


def test_role_change_and_deactivation_end_the_sessions(ws_app, users, db_url):
    editor, signer = users("cv.anhson"), users("nk.anhson")
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:
        unit = session.scalar(select(UnitRow).where(UnitRow.name == "xã Anh Sơn"))
        editor_id = session.scalar(select(UserRow.id).where(UserRow.username == "cv.anhson"))
        signer_id = session.scalar(select(UserRow.id).where(UserRow.username == "nk.anhson"))
        accounts.set_roles(session, editor_id, unit, ["lanh-dao"])
        accounts.set_active(session, signer_id, False)
    engine.dispose()
    assert not signed_in(editor.http) and not signed_in(signer.http)


def test_idle_and_absolute_timeouts_end_a_session(users, db_url):
    idle, old = users("cv.anhson"), users("cv.namdan")
    engine = create_engine(db_url)
    with sessionmaker(engine).begin() as session:
        for name, column, age in (("cv.anhson", SessionRow.last_seen, logins.IDLE),
                                  ("cv.namdan", SessionRow.created_at, logins.ABSOLUTE)):
            user_id = session.scalar(select(UserRow.id).where(UserRow.username == name))
            session.execute(update(SessionRow).where(SessionRow.user_id == user_id)
                            .values({column: now() - age - timedelta(seconds=5)}))
    engine.dispose()
    assert not signed_in(idle.http) and not signed_in(old.http)


def test_the_cookie_holds_a_token_the_database_only_its_hash(users, db_url):
    users("cv.anhson")
    engine = create_engine(db_url)
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(select(SessionRow.id))]
    engine.dispose()
    assert ids and all(re.fullmatch(r"[0-9a-f]{64}", i) for i in ids)


def test_the_administrator_unlocks_locks_and_changes_roles_from_the_page(ws_app, users, db_url):
    from security_support import post_login

    admin, editor, signer = users("qt.so"), users("cv.anhson"), users("nk.anhson")
    with TestClient(ws_app, client=("203.0.113.9", 1)) as attacker:
        for _ in range(6):
            post_login(attacker, "ld.anhson", "doan-bua-mat-khau")
    assert admin.form("/khong-gian/quan-tri/tai-khoan", {"ten": "ld.anhson", "viec": "mo-khoa"},
                      follow_redirects=False).status_code == 303
    with TestClient(ws_app, client=("198.51.100.7", 1)) as owner:
        assert post_login(owner, "ld.anhson", PASSWORD).status_code == 303
    admin.form("/khong-gian/quan-tri/tai-khoan", {"ten": "cv.anhson", "viec": "vai-tro", "vai_tro": ["lanh-dao"]})
    admin.form("/khong-gian/quan-tri/tai-khoan", {"ten": "nk.anhson", "viec": "khoa"})
    assert not signed_in(editor.http) and not signed_in(signer.http)
    with TestClient(ws_app) as again:
        assert post_login(again, "nk.anhson", PASSWORD).status_code == 401
    log = admin.get("/khong-gian/nhat-ky").text
    assert "Đổi vai trò của Đặng Thị Hoa (cv.anhson) thành: Lãnh đạo đơn vị" in log
    assert "Khóa tài khoản Đỗ Văn Hùng (nk.anhson)" in log and "Cho Vũ Văn Minh (ld.anhson) đăng nhập lại ngay" in log
    # not for anyone else than the administrator
    assert editor.form("/khong-gian/quan-tri/tai-khoan", {"ten": "nk.anhson", "viec": "mo"}).status_code in (401, 404)
