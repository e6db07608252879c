"""The province's units as data, and uploaded unit lists."""

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
