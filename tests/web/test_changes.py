"""The changes between two versions, in sentences: dates as people write them, never ISO."""

from __future__ import annotations

from authoring.web.changes import diff_lines


def test_a_changed_issue_date_is_written_day_month_year():
    changes = {"document": [{"field": "date", "old": "2026", "new": "2026-12-07"},
                            {"field": "date", "old": "2026-02", "new": None},
                            {"field": "title", "old": "Giai đoạn 2025-26", "new": "Năm 2026"}],
               "targets": [], "duties": [], "deadlines": [], "citations": []}
    assert diff_lines(changes, None) == ["Văn bản — Ngày ban hành: 2026 → 07/12/2026", "Văn bản — Ngày ban hành: 02/2026 → —",
                                        "Văn bản — Trích yếu: Giai đoạn 2025-26 → Năm 2026"]
