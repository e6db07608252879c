"""N105: a sentence kehoach proposes for another field than the parents' is flagged (children's duties in a drug
plan); a real plan touching a neighbouring field (a children's plan speaking of drugs) is not."""

from __future__ import annotations

from datetime import date

from authoring.lifecycle.derive import derive
from authoring.loading import load_plan_or_raise
from authoring.rules.check import run_check
from helpers import FIXTURES, example

DRUGS = FIXTURES / "derive_fields" / "ma-tuy.yaml"


def _codes(path):
    return [f for f in run_check(path, [str(DRUGS)]).index.findings if f.code == "N105"]


def test_a_childrens_proposal_in_a_drug_plan_is_flagged_where_it_stands(tmp_path):
    out = tmp_path / "tinh.yaml"
    text, _ = derive(load_plan_or_raise(DRUGS), "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    out.write_text(text, encoding="utf-8")
    assert _codes(out) == []
    own = ("Các sở, ban, ngành, địa phương lồng ghép các nhiệm vụ của Kế hoạch vào kế hoạch công tác, kế hoạch phát "
           "triển kinh tế - xã hội của cơ quan, địa phương; thường xuyên kiểm tra, đánh giá, báo cáo kết quả.")
    childrens = ("Các sở, ban, ngành, địa phương lồng ghép các mục tiêu, chỉ tiêu về trẻ em vào kế hoạch phát triển "
                 "kinh tế - xã hội; thường xuyên kiểm tra, đánh giá, báo cáo kết quả.")
    assert own in text
    out.write_text(text.replace(own, childrens, 1), encoding="utf-8")
    found = _codes(out)
    assert len(found) == 1 and "trẻ em" in found[0].message and "phòng, chống ma túy" in found[0].message
    assert found[0].line and found[0].severity.value == "warning"


def test_a_real_childrens_plan_speaking_of_drugs_is_not_flagged():
    assert [f for f in run_check(example("kon-tum")).index.findings if f.code == "N105"] == []


def test_the_other_fields_sentences_are_gathered_once_not_at_each_check(tmp_path, monkeypatch):
    from authoring.loading import drafting
    from authoring.rules import lifecycle

    out = tmp_path / "tinh.yaml"
    text, _ = derive(load_plan_or_raise(DRUGS), "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    out.write_text(text, encoding="utf-8")
    monkeypatch.setattr(lifecycle, "_FOREIGN", {})
    gathered = []
    sentences = drafting.field_sentences
    monkeypatch.setattr(drafting, "field_sentences", lambda field: gathered.append(field.id) or sentences(field))
    first = _codes(out)
    assert gathered   # the first check gathers them
    gathered.clear()
    assert _codes(out) == first and gathered == []   # a save's re-check reuses them
