"""The province's units as data, and uploaded unit lists."""

import pytest

from authoring.errors import InputError
from authoring.loading import units


def test_every_registry_province_lists_its_units_with_the_resolution():
    provinces = units.load_provinces()
    assert {"nghe-an", "lang-son", "hai-phong", "lam-dong", "quang-ngai"} <= set(provinces)
    for province in provinces.values():
        assert province.resolution.endswith("/NQ-UBTVQH15")
        assert 38 <= len(province.units) <= 168
        if province.complete:
            assert len(province.units) == province.expected_count
        assert all(u.name.split()[0] in ("xã", "phường", "đặc") for u in province.units)
    assert units.find_province("Nghệ An").id == "nghe-an"
    assert units.find_province("thành phố Hải Phòng").id == "hai-phong"


def test_an_uploaded_list_one_unit_per_line():
    parsed = units.parse_unit_list("\ufeff# Danh sách\n1. xã Hòa Bình\n- phường Vinh Hưng;\n\n"
                                   "đặc khu Cồn Cỏ\nxã Hoà Bình\nhuyện Cũ\n")
    assert [u.name for u in parsed.units] == ["xã Hòa Bình", "phường Vinh Hưng", "đặc khu Cồn Cỏ"]
    assert parsed.problems == ["Dòng 6: 'xã Hoà Bình' đã có ở dòng trước.",
                               "Dòng 7: 'huyện Cũ' không bắt đầu bằng loại đơn vị (xã, phường, đặc khu)."]


def test_the_registry_lists_all_34_provinces_and_3321_units_as_the_2025_list_counts():
    provinces = units.load_provinces()
    assert len(provinces) == 34
    assert sum(len(p.units) for p in provinces.values()) == 3321
    kinds = [u.kind for p in provinces.values() for u in p.units]
    assert sum(k == "đặc khu" for k in kinds) == 13
    assert sum(1 for p in provinces.values() if len(p.merged_from) > 1) == 23
    for province in provinces.values():
        assert province.source_url.startswith("https://") and province.resolution_date == "2025-06-16"
        assert len({u.name for u in province.units}) == len(province.units)


def test_an_unknown_unit_is_refused_with_the_closest_real_names():
    with pytest.raises(InputError) as refused:
        units.require_commune("Nghệ An", "xã Nghi Loc")
    finding = refused.value.findings[0]
    assert finding.code == "V106"
    assert "tỉnh Nghệ An" in finding.message and "1678/NQ-UBTVQH15" in finding.message
    assert "xã Nghi Lộc" in finding.suggestion
    with pytest.raises(InputError) as nowhere:
        units.require_commune("Hà Nội", "xã Không Có Thật")
    assert "thành phố Hà Nội" in nowhere.value.message


def test_a_known_unit_is_accepted_accent_and_apostrophe_insensitive_and_named_as_the_resolution_prints_it():
    assert units.require_commune("Lâm Đồng", "phường B’Lao") == "phường B'Lao"
    assert units.require_commune("Kon Tum", "xã Đăk Pék") == "xã Đăk Pék"   # merged into Quảng Ngãi
    assert units.require_commune("Nghệ An", "xã  Nhân Hoà") == "xã Nhân Hòa"   # new-style tone mark, extra space


def test_a_former_district_is_refused_with_its_successor_communes():
    with pytest.raises(InputError) as refused:
        units.require_commune("Nghệ An", "huyện Nghi Lộc")
    finding = refused.value.findings[0]
    assert finding.code == "V101"
    assert "xã Nghi Lộc" in finding.suggestion


def test_former_districts_map_to_their_successor_communes():
    nghe_an = units.find_province("Nghệ An")
    heirs = {u.name for u in nghe_an.successors("huyện Nghi Lộc")}
    assert "xã Nghi Lộc" in heirs and len(heirs) >= 5
    assert {u.name for u in nghe_an.successors("Nghi Lộc")} == heirs
    assert nghe_an.successors("huyện Không Có") == []
    vinh_long = units.find_province("Vĩnh Long")   # three former provinces each had a huyện Châu Thành
    every = {u.name for u in vinh_long.successors("huyện Châu Thành")}
    ben_tre = {u.name for u in vinh_long.successors("huyện Châu Thành", "tỉnh Bến Tre")}
    tra_vinh = {u.name for u in vinh_long.successors("huyện Châu Thành", "Trà Vinh")}
    assert ben_tre and tra_vinh and not ben_tre & tra_vinh and ben_tre | tra_vinh <= every


def test_centrally_run_cities_are_thanh_pho_and_each_unit_has_its_own_words():
    assert units.province_full_name("Cần Thơ") == "thành phố Cần Thơ"
    assert units.province_full_name("Huế") == "thành phố Huế"
    assert units.province_full_name("Nghệ An") == "tỉnh Nghệ An"
    assert units.front_committee("phường Vinh Phú") == "Ủy ban Mặt trận Tổ quốc Việt Nam phường Vinh Phú"
    assert units.front_committee("đặc khu Côn Đảo") == "Ủy ban Mặt trận Tổ quốc Việt Nam đặc khu Côn Đảo"
    assert units.people_committee("Hà Nội") == "Ủy ban nhân dân thành phố Hà Nội"
    assert units.province_after_2025("Kon Tum") == "Quảng Ngãi"
    assert units.province_after_2025("tỉnh Bình Dương") == "Hồ Chí Minh"
    assert units.province_after_2025("Nghệ An") == "Nghệ An"
    assert units.find_province("Hà Nội").kinds_words == "xã, phường"
    assert units.find_province("Quảng Ninh").kinds_words == "xã, phường, đặc khu"


def test_a_unit_list_is_checked_whole_and_every_unknown_line_is_named():
    assert units.require_communes("Nghệ An", ["xã Nghi Lộc", "phường vinh phú"]) == ["xã Nghi Lộc", "phường Vinh Phú"]
    with pytest.raises(InputError) as refused:
        units.require_communes("Nghệ An", ["xã Nghi Lộc", "xã Vinh Hưng", "huyện Nam Đàn"], "ds.txt", [1, 3, 4])
    findings = refused.value.findings
    assert [(f.code, f.line) for f in findings] == [("V106", 3), ("V101", 4)]
    assert "phường Vinh Hưng" in findings[0].suggestion and findings[0].file == "ds.txt"
    assert "xã Nam Đàn" in findings[1].suggestion
