"""Bad or oddly typed input on the page: words in another Unicode form still match; refusals name file, line, fix."""

import unicodedata

import pytest
from webtools import base_version, open_example

NFD = lambda text: unicodedata.normalize("NFD", text)   # noqa: E731  (as macOS and some keyboards send it)


@pytest.mark.parametrize("typed", [NFD("Sở Y tế"), "sở y tế", "  Sở   Y tế "])
def test_an_agency_typed_in_nfd_other_case_or_spacing_is_the_registry_s_agency(client, typed):
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": "add_task", "path": "sections[0]", "base": base})
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "sections[0].task.lead", "v": [typed, ""],
                                                         "base": base + 1})
    assert answer.status_code == 200, answer.text
    assert 'value="Sở Y tế"' in answer.text
    assert "so-y-te" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text   # the file keeps the registry id


def test_a_unit_typed_in_nfd_derives_as_the_same_unit(client):
    answer = client.form("/tao/cap-duoi", {"file": "directives/qd-23-2021.yaml", "unit": NFD("tỉnh Đắk Nông")})
    assert answer.status_code == 200, answer.text
    assert "Kế hoạch của tỉnh Đắk Nông" in answer.text


def test_a_blank_plan_s_issuer_typed_in_nfd_is_stored_in_nfc(client):
    answer = client.form("/tao/trong", {"level": "xa", "issuer": NFD("Ủy ban nhân dân xã Hòa Bình"),
                                        "province": NFD("Hòa Bình"), "year": "2026"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    text = client.get(answer.headers["location"] + "/tai/yaml").text
    assert "Ủy ban nhân dân xã Hòa Bình" in text and text == unicodedata.normalize("NFC", text)


def test_a_blank_plan_s_year_out_of_range_is_refused_saying_the_range(client):
    answer = client.form("/tao/trong", {"level": "xa", "issuer": "Ủy ban nhân dân xã Hòa Bình", "province": "Hòa Bình",
                                        "year": "99999999999999999999"}, follow_redirects=False)
    assert answer.status_code == 400 and "từ 2000 đến 2100" in answer.text


def test_an_uploaded_yaml_not_in_utf8_is_refused_naming_file_line_and_column(client):
    data = "kind: plan\nid: thu\n# Kế hoạch\n".encode("utf-8").replace("ế".encode("utf-8"), b"\xea")
    answer = client.form("/tao/tai-len", files={"file": ("ke-hoach.yaml", data)})
    assert answer.status_code == 400
    assert "Tệp ke-hoach.yaml, dòng 3, cột 4" in answer.text and "UTF-8" in answer.text


def test_a_control_character_pasted_into_a_field_is_reported_by_the_field_s_label_not_its_path(client):
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Hải\x1bPhòng", "base": base})
    assert answer.status_code == 200 and "không in được" in answer.text
    assert "document.place" not in answer.text.split("không in được")[0][-200:]
    assert "«Địa danh» chứa ký tự không in được" in answer.text


@pytest.mark.parametrize("typed", ["sở y tế", "  SỞ  Y TẾ ", NFD("Sở Y tế"), "so-y-te"])
def test_a_blank_plan_s_issuer_typed_any_way_is_written_by_its_registry_name(client, typed):
    answer = client.form("/tao/trong", {"level": "tinh", "issuer": typed, "province": "Nghệ An", "year": "2026"},
                         follow_redirects=False)
    text = client.get(answer.headers["location"] + "/tai/yaml").text
    assert "agency: so-y-te" in text and "name: Sở Y tế" in text


@pytest.mark.parametrize("typed, expected", [("31/02/2025", "tháng 2 năm 2025 chỉ có 28 ngày"),
                                             ("2021-05-26", None)])
def test_a_registry_date_that_does_not_exist_says_why_and_a_year_first_date_is_read(client, typed, expected):
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    answer = client.form(f"/ke-hoach/{plan_id}/danh-muc", {
        "loai": "van-ban", "type": "Quyết định", "code": "12/QĐ-UBND", "date": typed, "issuer": "Ủy ban nhân dân tỉnh",
        "title": "về việc thử", "source": "Công báo số 1"}, follow_redirects=False)
    if expected is None:
        assert answer.status_code == 303, answer.text
    else:
        assert answer.status_code == 400 and expected in answer.text
