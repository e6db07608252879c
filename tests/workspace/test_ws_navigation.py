"""The workspace's navigation by role: one bar on every page (who, role, unit, way out, where to go) and a home
page listing the plans waiting for each role's step."""

from __future__ import annotations

from ws_support import new_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)


def test_every_page_carries_the_user_bar_with_name_role_unit_and_logout(users):
    cv, admin = users("cv.anhson"), users("qt.so")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    for url in ("/", f"/ke-hoach/{plan}", "/khong-gian", f"/khong-gian/ke-hoach/{plan}", "/khong-gian/nhat-ky",
                f"/ke-hoach/{plan}/phien-ban"):
        page = cv.get(url).text
        bar = page.split('<nav class="userbar"', 1)[1].split("</nav>", 1)[0]
        for words in ("Đặng Thị Hoa", "Chuyên viên soạn thảo", "xã Anh Sơn", "Đăng xuất", 'href="/khong-gian"'):
            assert words in bar, (url, words)
        assert "Quản trị" not in bar
    bar = admin.get("/").text.split('<nav class="userbar"', 1)[1]
    assert 'href="/khong-gian/quan-tri"' in bar.split("</nav>", 1)[0]


def test_each_role_home_lists_the_plans_waiting_for_its_step(users):
    cv, ld, vt = users("cv.anhson"), users("ld.anhson"), users("vt.anhson")
    plan = new_plan(cv, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    link = f'href="/khong-gian/ke-hoach/{plan}"'
    work = cv.get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    assert "cần soạn xong và trình lãnh đạo" in work and link in work
    assert link not in ld.get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    # the drafting officer's own action on the plan: "Trình lãnh đạo"
    assert "Trình lãnh đạo" in cv.get(f"/khong-gian/ke-hoach/{plan}").text
    assert cv.form(f"/khong-gian/ke-hoach/{plan}/buoc/trinh", follow_redirects=False).status_code == 303
    work = ld.get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    assert "Chờ bạn duyệt" in work and link in work
    page = ld.get(f"/khong-gian/ke-hoach/{plan}").text
    assert ">Duyệt</button>" in page and ">Trả lại</button>" in page
    assert ld.form(f"/khong-gian/ke-hoach/{plan}/buoc/duyet", follow_redirects=False).status_code == 303
    work = vt.get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    assert "Chờ bạn kiểm tra thể thức" in work and link in work


def test_a_commune_user_derives_only_their_own_communes_plan(users):
    cv = users("cv.anhson")
    other = cv.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "xã Quỳnh Anh"})
    assert other.status_code == 400 and "chỉ lập được kế hoạch của xã Anh Sơn" in other.text
    own = cv.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "xã Anh Sơn"})
    assert own.status_code == 200 and "Kế hoạch của xã Anh Sơn" in own.text


def test_a_communes_coverage_page_names_the_province_plan_in_words_and_counts_its_linked_duties(users):
    import re

    from ws_support import derive_for, province_plan

    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    page = users("cv.anhson").get(f"/ke-hoach/{plan}/bao-phu").text
    assert "Kế hoạch của Ủy ban nhân dân tỉnh Nghệ An (2026)" in page
    assert not re.search(r"nghe-an-\d{4}", page)          # never the plan's id
    assert page.count("<td>Đủ</td>") >= 5                  # the five duties the province gives communes, linked


def test_home_pages_show_what_is_overdue_for_the_commune_and_the_province(users):
    from datetime import timedelta

    from authoring.text import vietnam_today

    from ws_support import derive_for, province_plan

    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    yesterday = vietnam_today() - timedelta(days=1)
    response = so.form(f"/khong-gian/tinh/{province}/han", {"han": f"{yesterday:%d/%m/%Y}"}, follow_redirects=False)
    assert response.status_code == 303
    commune = users("cv.anhson").get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    assert "Quá hạn (1)" in commune and f'href="/khong-gian/ke-hoach/{plan}"' in commune
    assert f"hạn ban hành {yesterday:%d/%m/%Y}, chưa ban hành" in commune
    province_home = so.get("/khong-gian").text.split('id="viec-cua-toi"')[1].split("</section>")[0]
    assert "1 xã, phường chưa ban hành" in province_home and f"/khong-gian/tinh/{province}?loc=qua-han" in province_home


def test_a_commune_edit_updates_its_board_row_after_the_save_not_when_the_board_opens(users, ws_app):
    from sqlalchemy import select

    from authoring.workspace.models import CoverageRow, WorkflowRow
    from ws_support import derive_for, province_plan

    so = users("cv.so")
    province = province_plan(so)
    plan = derive_for(so, province, ["xã Anh Sơn"])["xã Anh Sơn"]
    cv = users("cv.anhson")
    response = cv.htmx(f"/ke-hoach/{plan}/truong", {"base": "1", "path": "document.title", "v": "Kế hoạch của xã Anh Sơn"})
    assert response.status_code == 200 and "Đã lưu phiên bản 2" in response.text
    with ws_app.state.kh.store.sessions() as session:
        row = session.scalar(select(WorkflowRow).where(WorkflowRow.plan_id == plan))
        answers = session.scalars(select(CoverageRow).where(CoverageRow.plan_id == plan)).all()
        assert row.checked_version == 2 and answers and {a.version for a in answers} == {2}   # nothing to recompute
