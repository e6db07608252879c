"""The smaller breaks of issue 24, item 8: huge ids, plans without a unit, the queue's error in English."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from authoring.workspace import jobs
from ws_fixtures import *  # noqa: F401,F403  (fixtures)
from ws_support import new_plan


def test_a_huge_plan_id_is_not_found_not_a_server_error(users):
    user = users("cv.anhson")
    for url in ("/ke-hoach/99999999999999999999", "/khong-gian/ke-hoach/99999999999999999999",
                "/khong-gian/tinh/99999999999999999999"):
        assert user.get(url).status_code == 404, url
    assert user.htmx("/ke-hoach/99999999999999999999/truong", {"base": "1", "path": "document.title", "v": "x"}).status_code == 404


def test_a_plan_without_a_unit_cannot_be_edited_by_any_province(users, db_url):
    so = users("cv.so")
    plan = new_plan(so)
    engine = create_engine(db_url)
    with engine.begin() as connection:   # as if it came from a single-user database
        connection.execute(text("UPDATE plans SET unit_id = NULL WHERE id = :id"), {"id": plan})
        connection.execute(text("UPDATE ws_workflow SET unit_id = NULL WHERE plan_id = :id"), {"id": plan})
    engine.dispose()
    response = so.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Sửa trộm"})
    assert response.status_code == 403 and "chưa thuộc đơn vị nào" in response.text


def test_a_queue_that_cannot_be_reached_is_reported_in_vietnamese():
    import redis

    message = jobs.failure_text(redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))
    assert "hàng đợi xử lý" in message and "Redis" not in message and "quản trị" in message and "Connection refused" not in message and "Error" not in message
    other = jobs.failure_text(RuntimeError("boom in module x"))
    assert "boom" not in other and "quản trị" in other


def test_the_editor_does_not_parse_a_stored_plan_over_the_size_limit(ws_app, users, monkeypatch):
    import time

    from authoring import limits
    from authoring.loading import edit
    from authoring.web.store import Store

    user = users("cv.anhson")
    plan = new_plan(user, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    store = Store(ws_app.state.kh.store.url)
    huge = store.version(plan).yaml_text + "# " + "x" * (limits.MAX_PLAN_BYTES + 1024) + "\n"
    store.save(plan, 1, huge, "quá lớn", "", "", {}, False)   # as an old upload over the limit left it
    store.engine.dispose()
    parsed = []
    real = edit.load_tree
    monkeypatch.setattr(edit, "load_tree", lambda text: parsed.append(len(text)) or real(text))
    assert user.get(f"/ke-hoach/{plan}").status_code == 200
    time.sleep(0.3)   # the background reader would have started by now
    assert not [n for n in parsed if n > limits.MAX_PLAN_BYTES]


def test_a_plan_upload_over_the_size_limit_is_refused_before_parsing_and_not_stored(users, db_url):
    from authoring import limits

    user = users("cv.anhson")
    big = b"kind: plan\n# " + b"x" * (limits.MAX_PLAN_BYTES + 10) + b"\n"
    response = user.form("/tao/tai-len", files={"file": ("lon.yaml", big, "application/x-yaml")})
    assert response.status_code == 413 and "quá lớn" in response.text and "lon.yaml" in response.text
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM plans")).scalar() == 0
    engine.dispose()


def test_an_import_error_names_the_uploaded_file_not_the_server_s_folder(users):
    user = users("cv.anhson")
    response = user.form("/tao/tai-len", files={"file": ("ke-hoach-cu.docx", b"PK\x03\x04 khong phai docx", "application/zip")})
    assert response.status_code == 400
    assert "kehoach-nhap-" not in response.text and "/tmp" not in response.text


def test_two_requests_making_a_new_plan_s_workflow_row_at_once_both_succeed(db_url):
    import threading

    from sqlalchemy.orm import sessionmaker

    from authoring.web.store import PlanRow, migrate
    from authoring.workspace import workflow

    migrate(db_url)
    engine = create_engine(db_url, connect_args={"timeout": 30} if db_url.startswith("sqlite") else {})
    sessions = sessionmaker(engine)
    with sessions.begin() as session:
        plan = PlanRow(title="Kế hoạch mới", issuer="UBND xã", origin="thử", head=1)
        session.add(plan)
        session.flush()
        plan_id = plan.id
    start, errors = threading.Barrier(6), []

    def open_page():
        start.wait()
        try:
            with sessions.begin() as session:
                workflow.ensure(session, plan_id, None)
        except Exception as exc:   # the page would have answered 500
            errors.append(exc)

    threads = [threading.Thread(target=open_page) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    assert not errors


def test_one_account_cannot_take_every_worker(ws_app, users, monkeypatch):
    import threading
    import time

    from authoring.web import workspace_access
    from authoring.workspace import audit
    from ws_support import User

    monkeypatch.setattr(workspace_access, "PER_ACCOUNT", 2)
    real = audit.entries
    monkeypatch.setattr(audit, "entries", lambda *a, **kw: time.sleep(1.0) or real(*a, **kw))
    clients = [users("cv.so")] + [User(ws_app, "cv.so") for _ in range(3)]
    other = users("cv.anhson")
    codes, start = [], threading.Barrier(5)

    def load(client):
        start.wait()
        codes.append(client.get("/khong-gian/nhat-ky").status_code)

    def colleague():
        start.wait()
        time.sleep(0.2)
        codes.append(("đồng nghiệp", other.get("/khong-gian").status_code))

    threads = [threading.Thread(target=load, args=(c,)) for c in clients] + [threading.Thread(target=colleague)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for client in clients[1:]:
        client.close()
    assert sorted(c for c in codes if isinstance(c, int)) == [200, 200, 429, 429]
    assert ("đồng nghiệp", 200) in codes   # another account is served meanwhile
