"""Helpers of the workspace tests (and of benchmarks/workspace_load.py's seeding): users of every role, a client
logged in as one of them, plans made through the pages."""

from __future__ import annotations

import re

PASSWORD = "mat-khau-thu-nghiem"
SO = "Sở Y tế tỉnh Nghệ An"
USERS = {
    # username: (unit, roles, full name)
    "qt.so": (SO, ["quan-tri"], "Trần Quản Trị"),
    "cv.so": (SO, ["soan-thao"], "Nguyễn Thị Soạn"),
    "ld.so": (SO, ["lanh-dao"], "Lê Văn Lãnh"),
    "vt.so": (SO, ["van-thu"], "Phạm Thị Văn"),
    "nk.so": (SO, ["nguoi-ky"], "Hoàng Văn Ký"),
    "cv.anhson": ("xã Anh Sơn", ["soan-thao"], "Đặng Thị Hoa"),
    "ld.anhson": ("xã Anh Sơn", ["lanh-dao"], "Vũ Văn Minh"),
    "vt.anhson": ("xã Anh Sơn", ["van-thu"], "Bùi Thị Lan"),
    "nk.anhson": ("xã Anh Sơn", ["nguoi-ky"], "Đỗ Văn Hùng"),
    "cv.namdan": ("xã Nam Đàn", ["soan-thao", "lanh-dao"], "Ngô Thị Thu"),
    "vt.namdan": ("xã Nam Đàn", ["van-thu", "nguoi-ky"], "Phan Văn Nhân"),
    "cv.quynhanh": ("xã Quỳnh Anh", ["soan-thao"], "Đặng Văn Quý"),
    "ld.quynhanh": ("xã Quỳnh Anh", ["lanh-dao"], "Lý Thị Mai"),
    "vt.quynhanh": ("xã Quỳnh Anh", ["van-thu"], "Chu Thị Nga"),
    "nk.quynhanh": ("xã Quỳnh Anh", ["nguoi-ky"], "Tạ Văn Sơn"),
}


def seed(url: str) -> None:
    """The Sở, the 130 communes and wards of Nghệ An, and the users above."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import sessionmaker

    from authoring.web.workspace_app import bootstrap
    from authoring.workspace import accounts
    from authoring.workspace.models import UnitRow

    bootstrap(url, "nghe-an", SO, "qt.so", USERS["qt.so"][2], PASSWORD)
    engine = create_engine(url)
    with sessionmaker(engine).begin() as session:
        for name, (unit_name, roles, full) in USERS.items():
            if name == "qt.so":
                continue
            unit = session.scalar(select(UnitRow).where(UnitRow.name == unit_name))
            accounts.add_user(session, name, full, PASSWORD, unit, roles)
    engine.dispose()


class User:
    """A browser-like client logged in as one user: keeps its session cookie and CSRF token."""

    def __init__(self, app, username: str):
        from fastapi.testclient import TestClient

        self.http = TestClient(app)
        self.http.__enter__()
        self.username = username
        page = self.http.get("/dang-nhap")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        response = self.http.post("/dang-nhap", data={"csrf": token, "ten": username, "mat_khau": PASSWORD},
                                  follow_redirects=False)
        assert response.status_code == 303, response.text
        self.refresh_token()

    def refresh_token(self):
        page = self.http.get("/khong-gian")
        self.token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def get(self, url, **kw):
        return self.http.get(url, **kw)

    def form(self, url, data=None, files=None, **kw):
        return self.http.post(url, data={"csrf": self.token, **(data or {})}, files=files, **kw)

    def htmx(self, url, data):
        return self.http.post(url, data=data, headers={"X-CSRF-Token": self.token, "HX-Request": "true"})

    def close(self):
        self.http.__exit__(None, None, None)


def created_id(response) -> int:
    """The new plan's id: from the redirect, or from the 'started' page that reports what was made."""
    if response.status_code == 303:
        return int(response.headers["location"].rsplit("/", 1)[1])
    assert response.status_code == 200, response.text
    return int(re.search(r'href="/ke-hoach/(\d+)">Mở để soạn tiếp', response.text).group(1))


def new_plan(user: User, example: str = "nghe-an-2025-kh-07.yaml") -> int:
    response = user.form("/tao/thu-vien", {"file": f"examples/{example}"}, follow_redirects=False)
    return created_id(response)


def province_plan(user: User) -> int:
    """The Sở's plan for 2026: last year's Nghệ An plan brought to 2026 (duties now addressed to communes)."""
    first = new_plan(user)
    response = user.form("/tao/nam-moi", {"plan": str(first), "year": "2026"}, follow_redirects=False)
    return created_id(response)


def derive_for(user: User, province_id: int, names: list[str], timeout: float = 240) -> dict[str, int]:
    """Derive drafts for *names* from the provincial plan; returns unit name → plan id once the batch is done."""
    import time

    response = user.form(f"/khong-gian/tinh/{province_id}/lap-cho-xa",
                         files={"danh_sach": ("danh-sach.txt", "\n".join(names).encode("utf-8"), "text/plain")},
                         follow_redirects=False)
    assert response.status_code == 303, response.text
    deadline = time.time() + timeout
    while time.time() < deadline:
        page = user.get(f"/khong-gian/tinh/{province_id}").text
        if f"Lượt gần nhất: {len(names)}/{len(names)}" in page and "hx-trigger=\"load, every 1s\"" not in page:
            break
        time.sleep(0.3)
    else:
        raise AssertionError("lượt lập dự thảo chưa xong")
    found = {}
    for plan_id, unit in re.findall(r'<a href="/khong-gian/ke-hoach/(\d+)">([^<]+)</a></td>', page):
        found[unit] = int(plan_id)
    assert set(names) <= set(found), (names, found)
    return found


def save_recorded(ws_app, users) -> tuple[object, list[str], int]:
    """A commune officer saves the title of a freshly derived draft; returns the response, every SQL statement the
    save ran in order (with "COMMIT" where a transaction ended) and the plan's id."""
    from sqlalchemy import event

    so = users("cv.so")
    plan = derive_for(so, province_plan(so), ["xã Anh Sơn"])["xã Anh Sơn"]
    cv = users("cv.anhson")
    events: list[str] = []
    engine = ws_app.state.kh.store.engine
    on_statement = lambda *args: events.append(" ".join(args[2].split()))  # noqa: E731
    on_commit = lambda *_: events.append("COMMIT")  # noqa: E731
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    try:
        response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Kế hoạch xã"})
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    return response, events, plan
