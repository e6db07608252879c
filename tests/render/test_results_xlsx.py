"""The Excel form of a unit's results: one row per target and task, a status drop-down, the same bytes twice."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from authoring.lifecycle.report import item_texts, results_form
from authoring.loading import load_plan_or_raise
from authoring.render.results_xlsx import results_xlsx
from helpers import MINIMAL


def test_the_form_offers_the_status_labels_as_a_drop_down_and_is_the_same_twice():
    plan = load_plan_or_raise(MINIMAL).plan
    form = results_form(plan, "xã A", "2026-H1")
    data = results_xlsx(plan, form, item_texts(plan))
    assert data == results_xlsx(plan, form, item_texts(plan))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Thông tin", "Chỉ tiêu", "Nhiệm vụ"]
    targets = [[c.value for c in row] for row in book["Chỉ tiêu"].iter_rows(max_row=2)]
    assert targets[0][:5] == ["Mã chỉ tiêu", "Chỉ tiêu", "Kế hoạch", "Đơn vị đo", "Giá trị đạt được"]
    assert targets[1][2:4] == ["ít nhất 95", "%"]
    (rule,) = book["Nhiệm vụ"].data_validations.dataValidation
    assert "hoàn thành" in rule.formula1 and str(rule.sqref) == "C2"
    assert book["Nhiệm vụ"]["C2"].value == "chưa thực hiện"
