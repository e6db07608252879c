"""N105: a sentence of another field than the parents' is flagged by check (a drug plan speaking of children)."""

from __future__ import annotations

from datetime import date

from authoring.lifecycle.derive import derive
from authoring.loading import load_plan_or_raise
from authoring.rules.check import run_check
from helpers import FIXTURES

DRUGS = FIXTURES / "derive_fields" / "ma-tuy.yaml"


def _codes(path):
    return [f for f in run_check(path, [str(DRUGS)]).index.findings if f.code == "N105"]


def test_a_childrens_sentence_in_a_drug_plan_is_flagged_where_it_stands(tmp_path):
    out = tmp_path / "tinh.yaml"
    text, _ = derive(load_plan_or_raise(DRUGS), "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    out.write_text(text, encoding="utf-8")
    assert _codes(out) == []
    copied = "lồng ghép các nhiệm vụ của Kế hoạch vào kế hoạch công tác"
    assert copied in text
    out.write_text(text.replace(copied, "lồng ghép các mục tiêu, chỉ tiêu về trẻ em vào kế hoạch công tác", 1),
                   encoding="utf-8")
    found = _codes(out)
    assert len(found) == 1 and "trẻ em" in found[0].message and "phòng, chống ma túy" in found[0].message
    assert found[0].line and found[0].severity.value == "warning"
