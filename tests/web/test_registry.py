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


def test_a_same_number_directive_of_another_year_is_added_pending_review_and_counts_once_approved(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    page = client.get(f"/ke-hoach/{plan_id}").text
    assert "năm 2021 chưa có trong danh mục" in page and "Thêm vào danh mục của đơn vị" in page
    assert "plans/registry" not in page
    form = client.get(_add_link(page, "van-ban")).text
    # filled from the plan's citation, the date as people write it
    assert 'value="23/CT-TTg"' in form and 'value="26/05/2021"' in form and "chờ Sở duyệt" in form
    answer = client.form(f"/ke-hoach/{plan_id}/danh-muc", {
        "loai": "van-ban", "type": "Chỉ thị", "code": "23/CT-TTg", "date": "26/05/2021", "issuer": "Thủ tướng Chính phủ",
        "title": "Về tăng cường", "source": "Công báo, bản chính lưu tại văn thư"}, follow_redirects=False)
    assert answer.status_code == 303
    layer = (Path(os.environ["KEHOACH_OWN_REGISTRY"]) / "citations.yaml").read_text(encoding="utf-8")
    assert "review: pending" in layer and "source: Công báo, bản chính lưu tại văn thư" in layer
    # pending: the finding stays, saying it waits for the review
    after = client.get(f"/ke-hoach/{plan_id}").text
    assert "năm 2021 chưa có trong danh mục (đơn vị đã bổ sung, đang chờ Sở duyệt)" in after
    listing = client.get("/danh-muc").text
    assert "Chờ Sở duyệt" in listing and "26/05/2021" in listing and "Duyệt</button>" in listing   # one's own folder
    approved = client.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021"}, follow_redirects=False)
    assert approved.status_code == 303 and "Đã duyệt" in client.get("/danh-muc").text
    assert "năm 2021 chưa có trong danh mục" not in client.get(f"/ke-hoach/{plan_id}").text


def test_the_citation_search_tells_same_number_documents_apart_by_date_and_offers_only_approved_ones(client, tmp_path):
    plan_id = _plan_citing(client, BASE_2021, tmp_path)
    client.form(f"/ke-hoach/{plan_id}/danh-muc", {
        "loai": "van-ban", "type": "Chỉ thị", "code": "23/CT-TTg", "date": "26/05/2021", "issuer": "Thủ tướng Chính phủ",
        "title": "Về tăng cường", "source": "Công báo"})
    results = client.get(f"/ke-hoach/{plan_id}/tim-van-ban", params={"q": "23/CT-TTg", "path": "bases[0]"}).text
    assert "Chỉ thị số 23/CT-TTg ngày 26/05/2020" in results and "26/05/2021" not in results   # pending: not offered
    client.form("/danh-muc/duyet", {"loai": "documents", "muc": "chi-thi-23-2021"})
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
    waiting = client.get(f"/ke-hoach/{plan_id}").text
    assert waiting.count("không có trong danh mục cơ quan") == count and "đang chờ Sở duyệt" in waiting
    entry = re.search(r'name="muc" value="([^"]+)"', client.get("/danh-muc").text).group(1)
    client.form("/danh-muc/duyet", {"loai": "agencies", "muc": html.unescape(entry)})
    after = client.get(f"/ke-hoach/{plan_id}").text
    assert after.count("không có trong danh mục cơ quan") < count
    assert f"«{name}»" not in after or "không có trong danh mục cơ quan" not in after.split(f"«{name}»")[1][:80]
