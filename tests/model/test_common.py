"""Value types: partial dates, due dates."""

import pytest

from authoring.model import DayMonth, PartialDate


@pytest.mark.parametrize("written, iso, complete", [
    ("2025-01-06", "2025-01-06", True), ("2021-02", "2021-02", False), (2024, "2024", False), ("2024", "2024", False),
])
def test_partial_date_accepts_blank_day_and_month(written, iso, complete):
    parsed = PartialDate.parse(written)
    assert parsed.iso() == iso and parsed.is_complete is complete


def test_partial_date_rejects_an_impossible_day_in_vietnamese():
    with pytest.raises(ValueError, match="không có thật: tháng 2 năm 2025 chỉ có 28 ngày"):
        PartialDate.parse("2025-02-29")


def test_partial_date_accepts_29_february_in_a_leap_year():
    assert PartialDate.parse("2024-02-29").day == 29


def test_day_month_reads_due_dates_and_prints_them_padded():
    assert DayMonth.parse("10/5").text() == "10/05"


@pytest.mark.parametrize("written", ["31/02", "31/4", "0/5", "10/13"])
def test_day_month_rejects_days_that_do_not_exist(written):
    with pytest.raises(ValueError):
        DayMonth.parse(written)
