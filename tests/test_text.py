"""Vietnamese text services."""

import unicodedata

import pytest

from authoring.nd30 import month_text
from authoring.text import (
    amount_in_words, format_dong, marked_share, match_key, nd30_date_line, upper_keep_symbols,
)


def test_match_key_treats_old_and_new_tone_placement_as_equal():
    assert match_key("Uỷ ban nhân dân tỉnh Thanh Hoá") == match_key("Ủy ban nhân dân tỉnh Thanh Hóa")


def test_match_key_treats_nfd_input_as_equal_to_nfc():
    nfd = unicodedata.normalize("NFD", "Sở Lao động - Thương binh và Xã hội")
    assert match_key(nfd) == match_key("Sở Lao động - Thương binh và Xã hội")


def test_match_key_folds_dash_variants_and_spacing():
    assert match_key("Sở Lao động – Thương binh  và Xã hội") == match_key("Sở Lao động-Thương binh và Xã hội")


@pytest.mark.parametrize("month, shown", [(1, "01"), (2, "02"), (3, "3"), (12, "12")])
def test_month_pads_only_january_and_february(month, shown):
    assert month_text(month) == shown


def test_nd30_date_line_pads_day_and_month_like_the_decree():
    assert nd30_date_line("Nghệ An", 2025, 1, 6) == "Nghệ An, ngày 06 tháng 01 năm 2025"
    assert nd30_date_line("Hà Nội", 2020, 3, 5) == "Hà Nội, ngày 05 tháng 3 năm 2020"


def test_nd30_date_line_leaves_blanks_before_issue():
    line = nd30_date_line("Kiến An", 2024, None, None)
    assert line.startswith("Kiến An, ngày ") and line.endswith(" năm 2024")
    assert "tháng" in line and not any(ch.isdigit() for ch in line[:-4])


def test_upper_keep_symbols_never_uppercases_a_document_symbol():
    title = "Triển khai Quyết định số 1183/QĐ-TTg và Chỉ thị số 28-CT/TW"
    assert upper_keep_symbols(title) == "TRIỂN KHAI QUYẾT ĐỊNH SỐ 1183/QĐ-TTg VÀ CHỈ THỊ SỐ 28-CT/TW"


def test_amounts_in_dong_use_dot_separators():
    assert format_dong(1_200_000_000) == "1.200.000.000 đồng"


@pytest.mark.parametrize("amount, words", [
    (1_200_000_000, "Một tỷ hai trăm triệu đồng"),
    (105, "Một trăm lẻ năm đồng"),
    (2_050_000, "Hai triệu không trăm năm mươi nghìn đồng"),
    (21, "Hai mươi mốt đồng"),
    (15, "Mười lăm đồng"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_first_mention_of_a_decision_gives_type_number_date_issuer_and_title():
    from datetime import date

    from authoring.text import citation_first_mention

    assert citation_first_mention("Quyết định", "23/QĐ-TTg", date(2021, 1, 7), "Thủ tướng Chính phủ",
                                  "Phê duyệt Chương trình hành động quốc gia vì trẻ em giai đoạn 2021-2030") == (
        "Quyết định số 23/QĐ-TTg ngày 07/01/2021 của Thủ tướng Chính phủ phê duyệt Chương trình hành động quốc gia "
        "vì trẻ em giai đoạn 2021-2030")


def test_first_mention_of_a_plan_says_what_it_is_about():
    from datetime import date

    from authoring.text import citation_first_mention

    text = citation_first_mention("Kế hoạch", "61/KH-SLĐTBXH", date(2024, 3, 9), "Sở Lao động - Thương binh và Xã hội",
                                  "Thực hiện nhiệm vụ Bảo vệ, chăm sóc trẻ em năm 2024")
    assert text.endswith("ngày 09/3/2024 của Sở Lao động - Thương binh và Xã hội về thực hiện nhiệm vụ Bảo vệ, chăm sóc trẻ em năm 2024")


def test_a_law_is_cited_by_name_and_later_mentions_by_number():
    from authoring.text import citation_first_mention, citation_later_mention

    assert citation_first_mention("Luật", None, None, "Quốc hội", "Trẻ em") == "Luật Trẻ em"
    assert citation_later_mention("Quyết định", "23/QĐ-TTg") == "Quyết định số 23/QĐ-TTg"


def test_a_legal_document_is_cited_with_the_year_in_its_number():
    from authoring import words
    from authoring.loading import load_plan_or_raise
    from helpers import FIXTURES

    circular = load_plan_or_raise(FIXTURES / "derive_pairs" / "parents" / "tt-10-2022.yaml")
    assert words.document(circular.plan) == "Thông tư số 10/2022/TT-BLĐTBXH"


def test_a_stored_moment_is_shown_in_vietnam_time_whatever_the_servers_time_zone(monkeypatch):
    import time
    from datetime import datetime

    from authoring.text import vietnam_time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert vietnam_time(datetime(2026, 12, 7, 16, 9, 35)) == "07/12/2026 23:09:35"
        assert vietnam_time(datetime(2026, 12, 7, 17, 30), seconds=False) == "08/12/2026 00:30"
        assert vietnam_time(None) == ""
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_today_in_vietnam_is_already_the_next_day_at_23_30_utc(utc_clock):
    from datetime import date

    from authoring.text import vietnam_today

    utc_clock("2026-12-06 23:30")   # 06:30 on 07/12 in Hà Nội
    assert vietnam_today() == date(2026, 12, 7)
    utc_clock("2026-12-06 16:59")   # 23:59 on 06/12
    assert vietnam_today() == date(2026, 12, 6)



def test_the_share_of_marked_words_tells_vietnamese_from_a_scanner_ocr_without_it():
    typed, counted = marked_share(["CỘNG", "HÒA", "XÃ", "HỘI", "Căn", "cứ", "Kế", "hoạch", "số", "663/KH-ĐHTĐ", "theo"])
    assert counted == 12 and typed >= 0.8   # "663/KH-ĐHTĐ" counts KH and ĐHTĐ
    garbled, _ = marked_share(["CQNG", "HOA", "xA", "HQI", "Can", "cir", "KS", "hoach", "s6", "663/KH-DHTD", "v~vi~c"])
    assert garbled == 0.0
