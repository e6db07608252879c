"""A finding about a document or an agency the registry does not know is fixed on the page: the unit's own layer."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path


BASE_2021 = "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ, title: Về tăng cường}\n"


def _plan_citing(client, citation: str, tmp_path: Path) -> int:
    """The Nghệ An plan with one more legal basis, uploaded as YAML."""
    return _upload(client, "\nbases:\n", "\nbases:\n" + citation)


def _upload(client, old: str, new: str) -> int:
    """The Nghệ An plan with *old* written as *new*, uploaded as YAML."""
    text = (Path(__file__).resolve().parents[2] / "plans" / "examples" / "nghe-an-2025-kh-07.yaml").read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    answer = client.form("/tao/tai-len", files={"file": ("ke-hoach.yaml", text.encode("utf-8"), "application/yaml")},
                         follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]
    return int(answer.headers["location"].rsplit("/", 1)[1])


def _add_link(page: str, kind: str) -> str:
    links = re.findall(r'href="(/ke-hoach/\d+/danh-muc\?[^"]+)"', page)
    chosen = [html.unescape(link) for link in links if f"loai={kind}" in html.unescape(link)]
    assert chosen, "no «Thêm vào danh mục của đơn vị» beside the finding"
    return chosen[0]


DIRECTIVE_2021 = {"loai": "van-ban", "type": "Chỉ thị", "code": "23/CT-TTg", "date": "26/05/2021",
                  "issuer": "Thủ tướng Chính phủ", "title": "Về tăng cường", "source": "Công báo, bản chính lưu tại văn thư"}
NOT_KNOWN = "năm 2021 chưa có trong danh mục"


def _no_so_approval(page: str) -> None:
    """On one's own computer there is no Sở: no page speaks of its review."""
    text = re.sub(r"<[^>]+>", " ", html.unescape(page))
    assert not re.search(r"Sở\s+(đã\s+)?duyệt|chờ\s+Sở|lãnh đạo Sở", text), re.findall(r".{40}Sở.{40}", text)


def _version(client, kind: str, key: str) -> str:
    """The version the edit form carries: what the entry was when the page was read."""
    form = client.get("/danh-muc/sua", params={"loai": kind, "muc": key}).text
    return re.search(r'name="phien_ban" value="([^"]*)"', form).group(1)


def _layer(name: str = "citations.yaml") -> str:
    return (Path(os.environ["KEHOACH_OWN_REGISTRY"]) / name).read_text(encoding="utf-8")


def test_a_same_number_directive_of_another_year_added_on_ones_own_computer_counts_at_once(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    page = client.get(f"/ke-hoach/{plan_id}").text
    assert NOT_KNOWN in page and "Thêm vào danh mục của đơn vị" in page
    assert "plans/registry" not in page
    form = client.get(_add_link(page, "van-ban")).text
    # filled from the plan's citation, the date as people write it; the words fit one's own computer
    assert 'value="23/CT-TTg"' in form and 'value="26/05/2021"' in form and "được dùng ngay" in form
    _no_so_approval(form)
    answer = client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021, follow_redirects=False)
    assert answer.status_code == 303
    layer = _layer()
    entries = layer.split("\n", 1)[1]                                               # after the header comment
    assert "review:" not in entries and "source: Công báo, bản chính lưu tại văn thư" in entries
    after = client.get(f"/ke-hoach/{plan_id}").text
    assert NOT_KNOWN not in after                                                    # in force at once
    assert 'href="/danh-muc">Danh mục của riêng bạn</a>' in client.get("/").text      # found from the first page
    listing = client.get("/danh-muc").text
    assert "Danh mục văn bản và cơ quan của riêng bạn" in listing and "Đang dùng khi kiểm tra" in listing
    assert "26/05/2021" in listing and ">Sửa</a>" in listing and "Rút khỏi danh mục</button>" in listing
    for shown in (listing, after):
        _no_so_approval(shown)


def test_an_entry_written_pending_by_an_earlier_version_is_put_in_force_by_its_user_without_mention_of_the_so(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    folder = Path(os.environ["KEHOACH_OWN_REGISTRY"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "citations.yaml").write_text(
        "documents:\n- {id: chi-thi-23-2021, type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính "
        "phủ, title: Về tăng cường, status: unconfirmed, review: pending, source: Công báo}\n", encoding="utf-8")
    listing = client.get("/danh-muc").text
    assert "Chưa dùng khi kiểm tra" in listing and "Dùng khi kiểm tra</button>" in listing
    _no_so_approval(listing)
    read = re.search(r'name="muc" value="chi-thi-23-2021"><input type="hidden" name="phien_ban" value="([^"]+)"',
                     listing).group(1)
    assert client.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021"}).status_code == 428
    assert "Chưa dùng khi kiểm tra" in client.get("/danh-muc").text        # without the version read: nothing done
    client.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021", "phien_ban": read})
    assert "Đang dùng khi kiểm tra" in client.get("/danh-muc").text
    assert NOT_KNOWN not in client.get(f"/ke-hoach/{plan_id}").text


def test_an_entry_edited_keeps_its_id_and_the_checks_follow_the_new_wording(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021)
    form = client.get("/danh-muc/sua", params={"loai": "documents", "muc": "chi-thi-23-2021"})
    assert form.status_code == 200 and 'value="26/05/2021"' in form.text and 'value="Về tăng cường"' in form.text
    _no_so_approval(form.text)
    # a wrong date entered by mistake: the plan's 2021 citation is unknown again
    moved = client.form("/danh-muc/sua", {**DIRECTIVE_2021, "loai": "documents", "muc": "chi-thi-23-2021",
                                          "phien_ban": _version(client, "documents", "chi-thi-23-2021"),
                                          "date": "26/05/2022", "title": "Về tăng cường công tác"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/danh-muc"
    layer = _layer()
    assert layer.count("id: chi-thi-23-2021") == 1 and ("date: '2022-05-26'" in layer or "date: 2022-05-26" in layer)
    assert "title: Về tăng cường công tác" in layer and "chi-thi-23-2022" not in layer
    assert NOT_KNOWN in client.get(f"/ke-hoach/{plan_id}").text
    # edited into a document the registry already holds: refused in words, the boxes kept, nothing written
    same = client.form("/danh-muc/sua", {**DIRECTIVE_2021, "loai": "documents", "muc": "chi-thi-23-2021",
                                         "phien_ban": _version(client, "documents", "chi-thi-23-2021"),
                                         "date": "26/05/2020"})
    assert same.status_code == 400 and "đã có trong danh mục" in same.text and 'value="26/05/2020"' in same.text
    assert _layer() == layer
    assert client.get("/danh-muc/sua", params={"loai": "documents", "muc": "khong-co"}).status_code == 404


def test_a_withdrawn_entry_stops_counting_and_is_kept_as_history(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021)
    assert NOT_KNOWN not in client.get(f"/ke-hoach/{plan_id}").text
    listing = client.get("/danh-muc").text
    assert 'hx-confirm="Rút «Chỉ thị số 23/CT-TTg ngày 26/05/2021' in html.unescape(listing)   # asked before
    # through htmx: the list comes back in place, the entry shown as withdrawn, with no button left on it
    version = _version(client, "documents", "chi-thi-23-2021")
    answer = client.htmx("/danh-muc/rut", {"loai": "documents", "muc": "chi-thi-23-2021", "phien_ban": version})
    assert answer.status_code == 200 and answer.text.lstrip().startswith('<div id="danh-muc">')
    assert "Đã rút ngày" in answer.text and "Rút khỏi danh mục</button>" not in answer.text
    assert "chi-thi-23-2021" not in _layer()
    assert "chi-thi-23-2021" in _layer("withdrawn.yaml") and "Công báo, bản chính lưu tại văn thư" in _layer("withdrawn.yaml")
    assert NOT_KNOWN in client.get(f"/ke-hoach/{plan_id}").text                   # counts no more
    _no_so_approval(client.get("/danh-muc").text)
    again = client.form("/danh-muc/rut", {"loai": "documents", "muc": "chi-thi-23-2021", "phien_ban": version})
    assert again.status_code == 404 and "đã được rút" in again.text
    # added again later: a new entry, the history unchanged
    assert client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021, follow_redirects=False).status_code == 303
    assert NOT_KNOWN not in client.get(f"/ke-hoach/{plan_id}").text


def test_two_edits_from_the_same_reading_the_second_is_refused_with_the_current_wording_and_nothing_lost(client,
                                                                                                       tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021)
    read = _version(client, "documents", "chi-thi-23-2021")   # two windows open the same entry
    first = client.form("/danh-muc/sua", {**DIRECTIVE_2021, "loai": "documents", "muc": "chi-thi-23-2021",
                                          "phien_ban": read, "title": "Về tăng cường công tác"}, follow_redirects=False)
    assert first.status_code == 303
    layer = _layer()
    second = client.form("/danh-muc/sua", {**DIRECTIVE_2021, "loai": "documents", "muc": "chi-thi-23-2021",
                                           "phien_ban": read, "title": "Về phòng chống"})
    shown = html.unescape(second.text)
    assert second.status_code == 409 and "Ở một cửa sổ khác, bạn đã sửa mục này" in shown and "chưa được lưu" in shown
    assert "Nội dung hiện nay: «Chỉ thị số 23/CT-TTg ngày 26/05/2021 — Về tăng cường công tác»" in shown
    assert 'value="Về phòng chống"' in shown                               # what the user typed is kept in the boxes
    assert _layer() == layer                                               # the first edit stands
    withdrawn = client.form("/danh-muc/rut", {"loai": "documents", "muc": "chi-thi-23-2021", "phien_ban": read})
    assert withdrawn.status_code == 409 and "mục chưa được rút" in html.unescape(withdrawn.text)
    assert _layer() == layer and NOT_KNOWN not in client.get(f"/ke-hoach/{plan_id}").text
    # saved again from the refused form (it now carries the current version): a choice made after seeing it
    current = re.search(r'name="phien_ban" value="([^"]*)"', second.text).group(1)
    again = client.form("/danh-muc/sua", {**DIRECTIVE_2021, "loai": "documents", "muc": "chi-thi-23-2021",
                                          "phien_ban": current, "title": "Về phòng chống"}, follow_redirects=False)
    assert again.status_code == 303 and "title: Về phòng chống" in _layer()


def test_the_citation_search_tells_same_number_documents_apart_by_date(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    results = client.get(f"/ke-hoach/{plan_id}/tim-van-ban", params={"q": "23/CT-TTg", "path": "bases[0]"}).text
    assert "Chỉ thị số 23/CT-TTg ngày 26/05/2020" in results and "26/05/2021" not in results
    client.form(f"/ke-hoach/{plan_id}/danh-muc", DIRECTIVE_2021)
    results = client.get(f"/ke-hoach/{plan_id}/tim-van-ban", params={"q": "23/CT-TTg", "path": "bases[0]"}).text
    assert "Chỉ thị số 23/CT-TTg ngày 26/05/2020" in results and "Chỉ thị số 23/CT-TTg ngày 26/05/2021" in results


def test_an_entry_without_its_source_is_refused_in_words_and_nothing_is_written(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    answer = client.form(f"/ke-hoach/{plan_id}/danh-muc", {
        "loai": "van-ban", "type": "Chỉ thị", "code": "23/CT-TTg", "date": "26/05/2021", "issuer": "Thủ tướng Chính phủ",
        "title": "Về tăng cường", "source": "  "})
    assert answer.status_code == 400 and "Chưa ghi nguồn đối chiếu" in answer.text and 'value="26/05/2021"' in answer.text
    assert not (Path(os.environ["KEHOACH_OWN_REGISTRY"]) / "citations.yaml").exists()


def test_an_unknown_agency_is_added_from_its_finding(client):
    plan_id = _upload(client, "        agency: so-du-lich\n", "        agency: Trung tâm Công tác xã hội tỉnh Nghệ An\n")
    page = client.get(f"/ke-hoach/{plan_id}").text
    link = _add_link(page, "co-quan")
    form = client.get(link).text
    name = html.unescape(re.search(r'id="dm-name" value="([^"]*)"', form).group(1))
    assert name == "Trung tâm Công tác xã hội tỉnh Nghệ An" and '<option value="tinh" selected>' in form
    count = page.count("không có trong danh mục cơ quan")
    answer = client.form(f"/ke-hoach/{plan_id}/danh-muc", {"loai": "co-quan", "name": name, "level": "tinh",
                                                          "source": "Quyết định thành lập"}, follow_redirects=False)
    assert answer.status_code == 303
    after = client.get(f"/ke-hoach/{plan_id}").text
    assert after.count("không có trong danh mục cơ quan") < count
    assert f"«{name}»" not in after or "không có trong danh mục cơ quan" not in after.split(f"«{name}»")[1][:80]
    entry = html.unescape(re.search(r'muc=([^"&]+)', client.get("/danh-muc").text).group(1))
    form = client.get("/danh-muc/sua", params={"loai": "agencies", "muc": entry}).text
    assert f'value="{name}"' in html.unescape(form) and '<option value="tinh" selected>' in form


def test_the_api_adds_edits_at_a_version_and_withdraws_ones_own_entries_in_force_at_once(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    http = client.http
    document = {"loai": "van-ban", "loai_van_ban": "Chỉ thị", "so_ky_hieu": "23/CT-TTg", "ngay": "26/05/2021",
                "co_quan_ban_hanh": "Thủ tướng Chính phủ", "trich_yeu": "Về tăng cường", "nguon": "Công báo"}
    added = http.post(f"/api/v1/ke-hoach/{plan_id}/danh-muc", json=document)
    assert added.status_code == 201, added.text
    entry = added.json()
    assert entry["tinh_trang"] == "Đang dùng khi kiểm tra" and entry["dung_khi_kiem_tra"] and entry["muc"] == "chi-thi-23-2021"
    assert NOT_KNOWN not in client.get(f"/ke-hoach/{plan_id}").text
    listed = http.get("/api/v1/danh-muc").json()
    assert listed["duoc_duyet"] and [m["muc"] for m in listed["muc"]] == ["chi-thi-23-2021"]
    where = "/api/v1/danh-muc/van-ban/chi-thi-23-2021"
    edited = http.put(where, json={**document, "ngay": "26/05/2022", "phien_ban": entry["phien_ban"]})
    assert edited.status_code == 200 and edited.json()["gia_tri"]["ngay"] == "26/05/2022"
    assert NOT_KNOWN in client.get(f"/ke-hoach/{plan_id}").text
    stale = http.put(where, json={**document, "phien_ban": entry["phien_ban"]})
    assert stale.status_code == 409 and stale.json()["phien_ban_moi_nhat"] == edited.json()["phien_ban"]
    assert stale.json()["noi_dung_hien_nay"] == "Chỉ thị số 23/CT-TTg ngày 26/05/2022 — Về tăng cường"
    _no_so_approval(stale.json()["loi"])
    assert http.post(f"{where}/rut", json={"phien_ban": entry["phien_ban"]}).status_code == 409
    assert http.post(f"{where}/rut", json={"phien_ban": edited.json()["phien_ban"]}).status_code == 204
    assert "chi-thi-23-2021" not in _layer() and "chi-thi-23-2021" in _layer("withdrawn.yaml")
    assert http.get("/api/v1/danh-muc").json()["muc"][0]["tinh_trang"].startswith("Đã rút ngày")


def test_on_ones_own_computer_an_api_change_without_the_version_read_is_refused_428(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    http = client.http
    document = {"loai": "van-ban", "loai_van_ban": "Chỉ thị", "so_ky_hieu": "23/CT-TTg", "ngay": "26/05/2021",
                "co_quan_ban_hanh": "Thủ tướng Chính phủ", "trich_yeu": "Về tăng cường", "nguon": "Công báo"}
    entry = http.post(f"/api/v1/ke-hoach/{plan_id}/danh-muc", json=document).json()
    where = f"/api/v1/danh-muc/van-ban/{entry['muc']}"
    for answer in (http.post(f"{where}/duyet", json={}), http.post(f"{where}/rut", json={"phien_ban": ""}),
                   http.put(where, json={**document, "trich_yeu": "Về khác"}),
                   http.put(f"/api/v1/ke-hoach/{plan_id}", json={"yaml": "document: {}\n"})):
        assert answer.status_code == 428 and "«phien_ban» (phiên bản bạn đã đọc)" in answer.json()["loi"]
    assert http.get("/api/v1/danh-muc").json()["muc"][0]["phien_ban"] == entry["phien_ban"]
    assert "chi-thi-23-2021" in _layer() and not (Path(os.environ["KEHOACH_OWN_REGISTRY"]) / "withdrawn.yaml").exists()
