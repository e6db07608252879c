"""Each unit's own registry layer in the workspace: what a commune adds waits for the Sở's review, counts in its own
checks (and its children's) once approved, never in another commune's; a commune cannot approve its own additions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ws_fixtures import *  # noqa: F401,F403

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"
CITATION = "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ, title: Về tăng cường}\n"
SAME_NUMBER = "năm 2021 chưa có trong danh mục"
DOCUMENT = {"loai": "van-ban", "type": "Chỉ thị", "code": "23/CT-TTg", "date": "26/05/2021",
            "issuer": "Thủ tướng Chính phủ", "title": "Về tăng cường", "source": "Công báo, bản chính lưu tại văn thư"}


def _plan_citing_2021(user) -> int:
    text = EXAMPLE.read_text(encoding="utf-8").replace("\nbases:\n", "\nbases:\n" + CITATION, 1)
    answer = user.form("/tao/tai-len", files={"file": ("ke-hoach.yaml", text.encode("utf-8"), "application/yaml")},
                       follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _finding(user, plan_id: int) -> str:
    page = user.get(f"/ke-hoach/{plan_id}").text
    found = re.search(rf"[^<>]*{SAME_NUMBER}[^<>]*", page)
    return found.group() if found else ""


def _entry_ids(user) -> list[str]:
    """The entries the list offers to act on (approve, edit or withdraw), each once, in the list's order."""
    return list(dict.fromkeys(re.findall(r'name="muc" value="(\d+)"', user.get("/danh-muc").text)))


def _version(user, entry: str) -> str:
    """The version the list's forms carry for *entry*: what it was when the page was read."""
    found = re.search(rf'name="muc" value="{entry}"><input type="hidden" name="phien_ban" value="([^"]*)"',
                      user.get("/danh-muc").text)
    return found.group(1)


def test_a_communes_addition_waits_for_the_so_and_then_counts_for_that_commune_only(users, tmp_path):
    anhson, quynhanh = users("cv.anhson"), users("cv.quynhanh")
    own, other = _plan_citing_2021(anhson), _plan_citing_2021(quynhanh)
    assert _finding(anhson, own) and _finding(quynhanh, other)
    added = anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT, follow_redirects=False)
    assert added.status_code == 303
    # in the commune's layer in the database, not in the server's folder
    assert not (tmp_path / "danh-muc" / "citations.yaml").exists()
    assert "đang chờ Sở duyệt" in _finding(anhson, own)                 # pending: the finding stays and says why
    assert "chờ Sở duyệt" not in _finding(quynhanh, other)              # another commune knows nothing of it
    listing = anhson.get("/danh-muc").text
    assert "Chờ Sở duyệt" in listing and "xã Anh Sơn" in listing and "Duyệt</button>" not in listing
    assert "Chỉ thị số 23/CT-TTg ngày 26/05/2021" not in quynhanh.get("/danh-muc").text
    again = anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT)
    assert again.status_code == 400 and "đang chờ Sở duyệt" in again.text   # added once is enough
    # the commune's leader cannot approve; the Sở's leader can
    province = users("ld.so")
    entry = _entry_ids(province)
    assert len(entry) == 1
    read = _version(province, entry[0])
    refused = users("ld.anhson").form("/danh-muc/duyet", {"loai": "documents", "muc": entry[0], "phien_ban": read})
    assert refused.status_code == 403 and "đang chờ Sở duyệt" in _finding(anhson, own)
    approved = province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry[0], "phien_ban": read},
                             follow_redirects=False)
    assert approved.status_code == 303
    listing = province.get("/danh-muc").text
    assert "Sở đã duyệt" in listing
    assert _finding(anhson, own) == ""                                  # counts for the commune now
    assert _finding(quynhanh, other) and "chờ" not in _finding(quynhanh, other)   # and still not for another
    assert province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry[0],
                                             "phien_ban": _version(province, entry[0])}).status_code == 409
    log = province.get("/khong-gian/nhat-ky").text                     # both steps in the log, in words
    assert "Thêm vào danh mục của đơn vị (chờ Sở duyệt): Chỉ thị số 23/CT-TTg ngày 26/05/2021" in log
    assert "Duyệt mục của danh mục đơn vị: Chỉ thị số 23/CT-TTg ngày 26/05/2021" in log


def test_what_the_so_adds_applies_to_its_communes_once_approved(users):
    so, anhson = users("cv.so"), users("cv.anhson")
    province_plan, commune_plan = _plan_citing_2021(so), _plan_citing_2021(anhson)
    assert so.form(f"/ke-hoach/{province_plan}/danh-muc", DOCUMENT, follow_redirects=False).status_code == 303
    # waiting, for the Sở's plans and its communes' alike
    assert "đang chờ Sở duyệt" in _finding(so, province_plan) and "đang chờ Sở duyệt" in _finding(anhson, commune_plan)
    leader = users("ld.so")
    assert 'href="/danh-muc"' in leader.get("/khong-gian").text      # reached from the bar of every page
    first = _entry_ids(leader)[0]
    leader.form("/danh-muc/duyet", {"loai": "documents", "muc": first, "phien_ban": _version(leader, first)})
    assert _finding(so, province_plan) == "" and _finding(anhson, commune_plan) == ""


def test_an_edited_entry_waits_for_the_so_again_and_a_withdrawn_one_counts_nowhere_but_stays_in_the_history(users):
    anhson, quynhanh, province = users("cv.anhson"), users("cv.quynhanh"), users("ld.so")
    own = _plan_citing_2021(anhson)
    anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT)
    entry = _entry_ids(province)[0]
    province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": _version(province, entry)})
    assert _finding(anhson, own) == ""
    # another commune can neither open nor withdraw it; the list offers it nothing
    assert quynhanh.get("/danh-muc/sua", params={"loai": "documents", "muc": entry}).status_code == 403
    assert quynhanh.form("/danh-muc/rut", {"loai": "documents", "muc": entry}).status_code == 403
    assert ">Sửa</a>" in anhson.get("/danh-muc").text
    # the commune's leader corrects the title: back to waiting for the Sở, who approved the old words only
    leader = users("ld.anhson")
    form = leader.get("/danh-muc/sua", params={"loai": "documents", "muc": entry})
    assert form.status_code == 200 and 'value="Về tăng cường"' in form.text and "chờ Sở duyệt" in form.text
    read = re.search(r'name="phien_ban" value="(\d+)"', form.text).group(1)
    edited = leader.form("/danh-muc/sua", {**DOCUMENT, "loai": "documents", "muc": entry, "phien_ban": read,
                                           "title": "Về tăng cường công tác"}, follow_redirects=False)
    assert edited.status_code == 303
    assert "đang chờ Sở duyệt" in _finding(anhson, own)
    assert "Về tăng cường công tác" in province.get("/danh-muc").text
    assert province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": _version(province, entry)},
                         follow_redirects=False).status_code == 303
    assert _finding(anhson, own) == ""
    # withdrawn, through htmx as the page sends it: counts nowhere, stays listed, refuses a second step
    withdrawn = anhson.http.post("/danh-muc/rut", data={"loai": "documents", "muc": entry,
                                                        "phien_ban": _version(anhson, entry)},
                                 headers={"X-CSRF-Token": anhson.token, "HX-Request": "true"})
    assert withdrawn.status_code == 200 and withdrawn.text.lstrip().startswith('<div id="danh-muc">')
    assert _finding(anhson, own) and "chờ" not in _finding(anhson, own)
    listing = province.get("/danh-muc").text
    assert "Đã rút ngày" in listing and "không còn dùng khi kiểm tra" in listing
    assert province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": "4"}).status_code == 409
    assert leader.get("/danh-muc/sua", params={"loai": "documents", "muc": entry}).status_code == 404
    log = province.get("/khong-gian/nhat-ky").text                     # every step in the log, in words
    assert "Sửa mục của danh mục đơn vị (chờ Sở duyệt lại): Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường " \
           "công tác" in log
    assert "Rút khỏi danh mục của đơn vị: Chỉ thị số 23/CT-TTg" in log
    # added again later: a new entry waiting for the Sở, the withdrawn one still in the history
    assert anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT, follow_redirects=False).status_code == 303
    assert "đang chờ Sở duyệt" in _finding(anhson, own)
    assert province.get("/danh-muc").text.count('data-label="Mục">Chỉ thị số 23/CT-TTg ngày 26/05/2021') == 2


def test_two_edits_of_one_entry_from_the_same_reading_the_second_is_refused_with_the_current_wording(users):
    anhson, leader, province = users("cv.anhson"), users("ld.anhson"), users("ld.so")
    own = _plan_citing_2021(anhson)
    anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT)
    entry = _entry_ids(province)[0]
    read = _version(anhson, entry)          # the officer and the leader open the same entry
    assert _version(leader, entry) == read
    first = leader.form("/danh-muc/sua", {**DOCUMENT, "loai": "documents", "muc": entry, "phien_ban": read,
                                          "title": "Về tăng cường công tác"}, follow_redirects=False)
    assert first.status_code == 303
    second = anhson.form("/danh-muc/sua", {**DOCUMENT, "loai": "documents", "muc": entry, "phien_ban": read,
                                           "title": "Về phòng chống"})
    assert second.status_code == 409 and "Người khác đã sửa mục này" in second.text
    assert "Nội dung hiện nay: «Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường công tác»" in second.text
    assert 'value="Về phòng chống"' in second.text                         # the officer's words kept in the boxes
    withdrawal = anhson.form("/danh-muc/rut", {"loai": "documents", "muc": entry, "phien_ban": read})
    assert withdrawal.status_code == 409 and "mục chưa được rút" in withdrawal.text
    approval = province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": read})
    assert approval.status_code == 409                                     # the Sở approves only what it has seen
    listing = province.get("/danh-muc").text
    assert "Về tăng cường công tác" in listing and "Về phòng chống" not in listing and "Đã rút" not in listing


def test_an_edit_committed_between_reading_and_writing_fails_the_second_write(ws_app):
    """The version check is in the UPDATE itself: two sessions that both read version 1 cannot both write."""
    from authoring.loading import own_registry
    from authoring.web import core
    from authoring.workspace import unit_registry
    from authoring.workspace.models import UnitRow

    sessions = ws_app.state.workspace_site.sessions
    values = {"type": "Chỉ thị", "code": "23/CT-TTg", "day": core.PartialDate.parse("2021-05-26"),
              "issuer": "Thủ tướng Chính phủ", "title": "Về tăng cường", "source": "Công báo"}
    with sessions.begin() as session:
        unit = session.query(UnitRow).filter(UnitRow.parent_id.is_not(None)).first().id
        row_id = unit_registry.add(session, core.load_registry(), unit, "documents", values, "A").id
    one, two = sessions(), sessions()
    try:
        a, b = unit_registry.live(one, row_id), unit_registry.live(two, row_id)
        assert a.version == b.version == 1
        unit_registry.edit(one, core.load_registry(), unit_registry.at_version(a, 1), {**values, "title": "Một"}, "A")
        one.commit()
        with pytest.raises(unit_registry.STALE):   # at the flush that numbers the version kept in the history
            unit_registry.edit(two, core.load_registry(), unit_registry.at_version(b, 1), {**values, "title": "Hai"}, "B")
            two.commit()
    finally:
        two.rollback()
        one.close(), two.close()
    with sessions() as session:
        row = unit_registry.live(session, row_id)
        assert row.data["title"] == "Một" and row.version == 2
        with pytest.raises(own_registry.Stale):
            unit_registry.at_version(row, 1)


def _history(user, entry: str):
    return user.get("/danh-muc/lich-su", params={"muc": entry})


def _cells(page: str, label: str) -> list[str]:
    """The text of each cell of one column of the history's table, top to bottom."""
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(rf'data-label="{label}">(.*?)</td>', page, re.S)]


def test_an_entrys_history_page_shows_each_version_who_when_what_changed_and_the_sos_decision(users):
    anhson, quynhanh, province, leader = users("cv.anhson"), users("cv.quynhanh"), users("ld.so"), users("ld.anhson")
    own = _plan_citing_2021(anhson)
    anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT)
    entry = _entry_ids(province)[0]
    province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": _version(province, entry)})
    leader.form("/danh-muc/sua", {**DOCUMENT, "loai": "documents", "muc": entry, "phien_ban": _version(leader, entry),
                                  "title": "Về tăng cường công tác", "date": "26/5/2021"})
    anhson.form("/danh-muc/rut", {"loai": "documents", "muc": entry, "phien_ban": _version(anhson, entry)})
    # reachable from the entry on the list, withdrawn or not
    assert f'href="/danh-muc/lich-su?muc={entry}"' in province.get("/danh-muc").text
    page = _history(province, entry)
    assert page.status_code == 200
    text = page.text
    assert "Lịch sử các phiên bản của mục" in text and "Đơn vị bổ sung: xã Anh Sơn" in text
    assert _cells(text, "Phiên bản") == ["4", "3", "2", "1"]                   # newest first
    assert _cells(text, "Việc") == ["Rút khỏi danh mục", "Sửa nội dung", "Sở duyệt", "Thêm vào danh mục"]
    who = _cells(text, "Người thực hiện")
    assert [w.split(" (")[1] for w in who] == ["xã Anh Sơn)", "xã Anh Sơn)", "Sở Y tế tỉnh Nghệ An)", "xã Anh Sơn)"]
    assert _cells(text, "Quyết định của Sở") == ["Đã rút: không còn dùng khi kiểm tra", "Chờ Sở duyệt", "Sở đã duyệt",
                                                 "Chờ Sở duyệt"]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", t) for t in _cells(text, "Thời điểm"))
    edit = _cells(text, "Nội dung sau thay đổi")[1]
    assert "Trích yếu: «Về tăng cường» → «Về tăng cường công tác»" in edit and "Ngày ban hành" not in edit
    assert "Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường công tác" in edit and "Nguồn: Công báo" in edit
    # a commune that cannot see the entry in its list cannot see its history either
    assert _history(quynhanh, entry).status_code == 404 and _history(anhson, "999").status_code == 404
    assert _history(anhson, entry).status_code == 200


def test_an_agencys_level_change_reads_as_words_in_its_history(users):
    anhson, province = users("cv.anhson"), users("ld.so")
    own = _plan_citing_2021(anhson)
    agency = {"loai": "co-quan", "name": "Ban Quản lý rừng phòng hộ Anh Sơn", "level": "xa", "source": "Quyết định"}
    assert anhson.form(f"/ke-hoach/{own}/danh-muc", agency, follow_redirects=False).status_code == 303
    entry = _entry_ids(province)[0]
    anhson.form("/danh-muc/sua", {**agency, "loai": "agencies", "muc": entry, "phien_ban": _version(anhson, entry),
                                  "level": "tinh"})
    text = _history(province, entry).text
    assert re.search(r"Cấp: «[^»]*xã[^»]*» → «[^»]*tỉnh[^»]*»", text, re.I), _cells(text, "Nội dung sau thay đổi")
    assert "«xa»" not in text and "«tinh»" not in text


def test_a_step_on_the_page_without_the_version_read_is_refused_and_changes_nothing(users):
    anhson, province = users("cv.anhson"), users("ld.so")
    own = _plan_citing_2021(anhson)
    anhson.form(f"/ke-hoach/{own}/danh-muc", DOCUMENT)
    entry = _entry_ids(province)[0]
    for user, where, extra in ((province, "/danh-muc/duyet", {}), (anhson, "/danh-muc/rut", {}),
                               (anhson, "/danh-muc/sua", {**DOCUMENT, "title": "Về khác"})):
        answer = user.form(where, {**extra, "loai": "documents", "muc": entry, "phien_ban": ""})
        assert answer.status_code == 428 and "Thiếu phiên bản của mục" in answer.text, where
    assert "Chờ Sở duyệt" in province.get("/danh-muc").text and "đang chờ Sở duyệt" in _finding(anhson, own)
    assert _version(province, entry) == "1"


def _verify(db_url: str) -> str:
    from click.testing import CliRunner

    from authoring.cli import main

    result = CliRunner().invoke(main, ["audit", "verify", "--db", db_url])
    return f"{result.exit_code}\n{result.output}"


def test_a_registry_version_rewritten_deleted_or_slipped_in_behind_the_application_is_named_by_audit_verify(users,
                                                                                                          db_url):
    import json

    from sqlalchemy import create_engine, text

    anhson, province = users("cv.anhson"), users("ld.so")
    anhson.form(f"/ke-hoach/{_plan_citing_2021(anhson)}/danh-muc", DOCUMENT)
    entry = _entry_ids(province)[0]
    province.form("/danh-muc/duyet", {"loai": "documents", "muc": entry, "phien_ban": _version(province, entry)})
    assert _verify(db_url).startswith("0\n")
    engine = create_engine(db_url)
    json_value = "CAST(:d AS JSON)" if engine.dialect.name == "postgresql" else ":d"
    try:
        with engine.begin() as db:   # the database's owner rewrites what the Sở approved
            version_id, data = db.execute(text("SELECT id, data FROM ws_registry_versions WHERE action = 'approved'")).one()
            data = json.loads(data) if isinstance(data, str) else data
            db.execute(text(f"UPDATE ws_registry_versions SET data = {json_value} WHERE id = :i"),
                       {"d": json.dumps({**data, "title": "Về việc khác"}, ensure_ascii=False), "i": version_id})
        said = _verify(db_url)
        assert said.startswith("1\n") and "Nhật ký đã bị can thiệp: 1 chỗ không khớp." in said, said
        assert "Phiên bản 2 của mục «Chỉ thị 23/CT-TTg» trong danh mục đơn vị" in said and "đã bị sửa sau khi ghi" in said
        with engine.begin() as db:   # … then slips in a version nobody recorded, and removes the rewritten one
            db.execute(text('INSERT INTO ws_registry_versions (entry_row_id, version, action, "by", at, data, pending) '
                            "SELECT entry_row_id, 3, 'approved', 'Người lạ', at, data, false FROM ws_registry_versions "
                            "WHERE action = 'added'"))
            db.execute(text("DELETE FROM ws_registry_versions WHERE id = :i"), {"i": version_id})
        said = _verify(db_url)
        assert "không còn trong cơ sở dữ liệu: đã bị xóa" in said, said
        assert "Phiên bản 3 của mục «Chỉ thị 23/CT-TTg»" in said and "bởi Người lạ) không có mục nhật ký" in said
    finally:
        engine.dispose()
