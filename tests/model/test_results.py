"""The results model: reporting periods written 2026-H1, 2026-Q3, 2026-03 or 2026, and read as Vietnamese words."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from authoring.model.results import Results, period_label


@pytest.mark.parametrize("code, words", [("2026-H1", "6 tháng đầu năm 2026"), ("2026-H2", "6 tháng cuối năm 2026"),
                                         ("2026-Q3", "quý III năm 2026"), ("2026-03", "tháng 3 năm 2026"),
                                         ("2026-12", "tháng 12 năm 2026"), ("2026", "năm 2026")])
def test_a_period_reads_as_words(code, words):
    assert period_label(code) == words


@pytest.mark.parametrize("bad", ["2026-H3", "2026-Q5", "26-H1", "2026-6T", "2026-13", "2026-00", "2026-3"])
def test_a_malformed_period_is_refused(bad):
    with pytest.raises(ValidationError):
        Results(plan="p", unit="xã A", period=bad)


def test_spent_budget_cannot_be_negative():
    with pytest.raises(ValidationError):
        Results(plan="p", unit="xã A", period="2026", work=[{"item": "a", "status": "hoan_thanh", "spent": -1}])

