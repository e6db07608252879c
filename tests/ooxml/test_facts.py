"""Header facts read from a text copy: the địa danh of wards and hyphenated provinces, issuers of three lines, the
ký hiệu of a law printed with a space."""

from __future__ import annotations

from authoring.ooxml.facts import bases_in, facts_from_text

_HEAD = """{issuer}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
{place}, ngày 24 tháng 3 năm 2025

KẾ HOẠCH
Triển khai công tác năm 2025
"""


def test_a_ward_named_by_its_number_is_the_place():
    facts = facts_from_text(_HEAD.format(issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG 12", place="Phường 12"))
    assert (facts.place, facts.date) == ("Phường 12", "2025-03-24")


def test_a_number_after_a_word_that_is_not_a_unit_is_not_part_of_the_place():
    facts = facts_from_text(_HEAD.format(issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG 12", place="Khu 3 Tân An"))
    assert facts.place == "Tân An"


def test_a_province_whose_name_has_a_hyphen_is_the_whole_place():
    facts = facts_from_text(_HEAD.format(issuer="ỦY BAN NHÂN DÂN\nTỈNH BÀ RỊA - VŨNG TÀU", place="Bà Rịa - Vũng Tàu"))
    assert facts.place == "Bà Rịa - Vũng Tàu"


def test_a_supervision_team_under_its_council_is_the_issuer_and_the_council_its_parent():
    facts = facts_from_text(_HEAD.format(issuer="HỘI ĐỒNG NHÂN DÂN\nTỈNH BÌNH DƯƠNG\nĐOÀN GIÁM SÁT", place="Bình Dương"))
    assert (facts.parent_issuer, facts.issuer) == ("HỘI ĐỒNG NHÂN DÂN TỈNH BÌNH DƯƠNG", "ĐOÀN GIÁM SÁT")


def test_a_law_whose_legislature_is_printed_apart_is_one_ky_hieu():
    bases = bases_in("Căn cứ Luật Đất đai số 31/2024/QH 15 ngày 18 tháng 01 năm 2024;")
    assert [b["code"] for b in bases] == ["31/2024/QH15"]


def test_a_second_basis_after_a_comma_and_thuc_hien_is_a_basis_not_a_nested_title():
    from authoring.ooxml.facts import bases_in

    text = ("Căn cứ Thông tư số 11/2022/TT-BLĐTBXH ngày 30/6/2022 của Bộ Lao động - Thương binh và Xã hội hướng dẫn "
            "một số nội dung, thực hiện Kế hoạch số 884/KH-UBND ngày 24/5/2022 của Ủy ban nhân dân tỉnh về thu thập "
            "thông tin. Sở hướng dẫn như sau:")
    assert [b["code"] for b in bases_in(text)] == ["11/2022/TT-BLĐTBXH", "884/KH-UBND"]


def test_an_abbreviated_city_is_the_place_as_printed():
    facts = facts_from_text(_HEAD.format(issuer="TRUNG TÂM ĐIỀU ĐỘ\nHỆ THỐNG ĐIỆN MIỀN NAM", place="TP. Hồ Chí Minh"))
    assert facts.place == "TP. Hồ Chí Minh"


def test_documents_amending_a_basis_given_in_parentheses_are_bases_too():
    text = ("Căn cứ Nghị định số 63/2010/NĐ-CP ngày 08 tháng 6 năm 2010 của Chính phủ về kiểm soát thủ tục hành chính "
            "(đã được sửa đổi, bổ sung bởi Nghị định số 92/2017/NĐ-CP ngày 07 tháng 8 năm 2017 của Chính phủ); "
            "Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ về thực hiện cơ chế một cửa "
            "(được sửa đổi, bổ sung tại Nghị định số 107/2021/NĐ-CP ngày 06 tháng 12 năm 2021 của Chính phủ);")
    assert [b["code"] for b in bases_in(text)] == ["63/2010/NĐ-CP", "92/2017/NĐ-CP", "61/2018/NĐ-CP", "107/2021/NĐ-CP"]


def test_a_list_of_bases_opened_by_a_colon_keeps_its_capitalised_first_item():
    text = ("Căn cứ các Nghị định của Chính phủ: Số 63/2010/NĐ-CP ngày 08/6/2010 về kiểm soát thủ tục hành chính; "
            "số 48/2013/NĐ-CP ngày 14/5/2013, số 92/2017/NĐ-CP ngày 07/8/2017 sửa đổi, bổ sung một số điều;")
    assert [b["code"] for b in bases_in(text)] == ["63/2010/NĐ-CP", "48/2013/NĐ-CP", "92/2017/NĐ-CP"]
    assert [b["type"] for b in bases_in(text)][0] == "Nghị định"


def test_the_end_of_the_tieu_ngu_run_into_the_date_line_is_no_part_of_the_place():
    """pdf-713 read by OCR: "Độc lập - Tự do - Hạnh Phúc" (a capital P) and "Lào Cai, ngày 10 …" joined: the place is
    Lào Cai."""
    from authoring.ooxml.facts import Facts, _date

    facts = Facts()
    assert _date(facts, "Độc lập - Tự do - Hạnh Phúc Lào Cai, ngày 10 tháng 3 năm 2026")
    assert (facts.place, facts.date) == ("Lào Cai", "2026-03-10")
