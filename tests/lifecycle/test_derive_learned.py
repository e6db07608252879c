"""derive proposes, where competences.yaml names no body, the province body real province plans give such duties to
(plans/registry/learned.json, built by benchmarks/derive_corpus.py), with the reason beside the duty."""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

from authoring.lifecycle.derive import competences
from authoring.lifecycle.derive.learned import MODEL, STOP, Model, terms
from authoring.loading import load_registry
from test_derive_competences import _directive, _draft, _owners

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import derive_corpus  # noqa: E402

DUTY = "Rà soát quỹ đất sạch, lập phương án bồi thường giải phóng mặt bằng cho các dự án trọng điểm."


def _model(body: str, enabled: bool = True) -> Model:
    return Model({"quỹ đất": {body: (3.0, 7)}, "giải phóng": {body: (2.5, 5)}, "mặt bằng": {body: (2.0, 4)}},
                 5.0, enabled, "91 văn bản của UBND cấp tỉnh, github.com/kiem-thu")


def test_the_learned_model_keeps_word_pairs_and_weights_with_its_provenance_not_texts():
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    source = data["source"]
    assert source["repository"].startswith("github.com/") and re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["documents"] > 50 and source["provinces"] > 20 and source["pairs"] > source["documents"]
    registry = load_registry()
    for term, bodies in data["terms"].items():
        words = term.split(" ")
        assert len(words) == 2 and not set(words) & STOP and unicodedata.normalize("NFC", term) == term, term
        for body, (weight, plans) in bodies.items():
            assert body in registry.agencies and weight > 0 and plans >= derive_corpus.MIN_DOCS


def test_a_duty_no_competence_names_goes_to_the_body_real_plans_give_it_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(competences, "load_model", lambda: _model("so-nn-mt"))
    parent = _directive(tmp_path, "Về tăng cường kỷ luật, kỷ cương", [DUTY])
    text, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"so-nn-mt"}
    assert ("# đề xuất của kehoach: Sở Nông nghiệp và Môi trường thường được giao việc này trong kế hoạch của các "
            "tỉnh: 7 kế hoạch (nhiệm vụ nói 'quỹ đất', 'giải phóng', 'mặt bằng'") in text


def test_a_learned_body_is_proposed_only_when_the_model_is_on(tmp_path, monkeypatch):
    monkeypatch.setattr(competences, "load_model", lambda: _model("so-nn-mt", enabled=False))
    parent = _directive(tmp_path, "Về tăng cường kỷ luật, kỷ cương", [DUTY])
    _, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"cac-so-nganh-tinh"}


def test_a_learned_body_not_at_the_province_is_not_proposed(tmp_path, monkeypatch):
    monkeypatch.setattr(competences, "load_model", lambda: _model("bo-tai-chinh"))
    parent = _directive(tmp_path, "Về tăng cường kỷ luật, kỷ cương", [DUTY])
    _, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"cac-so-nganh-tinh"}


def test_the_parents_own_subject_proposes_no_learned_body(tmp_path, monkeypatch):
    # every duty speaks of land clearance: the subject of the parent (its lead's), not a hint at who does one duty
    monkeypatch.setattr(competences, "load_model", lambda: _model("so-nn-mt"))
    duties = [DUTY, "Đôn đốc tiến độ giải phóng mặt bằng, quỹ đất tái định cư.",
              "Kiểm tra việc giải phóng mặt bằng, công khai quỹ đất."]
    parent = _directive(tmp_path, "Về tăng cường kỷ luật, kỷ cương", duties)
    _, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"cac-so-nganh-tinh"}


def test_terms_are_adjacent_syllable_pairs_without_function_or_place_syllables():
    assert terms("Bố trí kinh phí của tỉnh cho công tác bồi thường") == {"bố trí", "trí kinh", "kinh phí", "công tác",
                                                                        "tác bồi", "bồi thường"}


def test_the_corpus_reader_splits_a_plan_into_body_and_duty_pairs_as_derive_peer_reads_it():
    registry = load_registry()
    paras = derive_corpus.paragraphs(
        "III. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tài chính\n\nBố trí kinh phí thực hiện Kế hoạch.\n\n2. Sở Y tế:\n\n"
        "- Chỉ đạo các cơ sở khám bệnh, chữa bệnh.\n\n3. Ủy ban nhân dân các xã, phường\n\n- Tổ chức tuyên truyền."
        "\n\nNơi nhận:\n\n- Như trên;\n\n- Sở Tư pháp;")
    assert derive_corpus.pairs(registry, paras) == [("so-tai-chinh", "Bố trí kinh phí thực hiện Kế hoạch."),
                                                    ("so-y-te", "Chỉ đạo các cơ sở khám bệnh, chữa bệnh.")]


def test_the_corpus_reader_gives_an_item_to_the_lead_its_lines_name_not_to_its_partners():
    registry = load_registry()
    paras = derive_corpus.paragraphs(
        "II. NHIỆM VỤ\n\n1. Rà soát văn bản quy phạm pháp luật\n\n- Rà soát, hệ thống hóa văn bản của tỉnh.\n\n"
        "*Đơn vị chủ trì thực hiện: *Sở Tư pháp.\n\n*Đơn vị phối hợp: *Sở Nội vụ.\n\n*Thời gian thực hiện: *Thường"
        "\nxuyên.\n\n2. Bố trí kinh phí\n\nCơ quan chủ trì: Sở Tài chính")
    assert derive_corpus.pairs(registry, paras) == [
        ("so-tu-phap", "Rà soát văn bản quy phạm pháp luật Rà soát, hệ thống hóa văn bản của tỉnh."),
        ("so-tai-chinh", "Bố trí kinh phí")]


def test_the_corpus_reader_learns_bodies_not_persons():
    registry = load_registry()
    paras = derive_corpus.paragraphs("1. Chủ tịch Ủy ban nhân dân tỉnh\n\nChỉ đạo chung việc thực hiện Kế hoạch.")
    assert derive_corpus.pairs(registry, paras) == []


def test_the_model_is_the_same_for_the_same_corpus():
    built = [("a", "tỉnh A", "2025", "khác", {"so-tai-chinh": {"bố trí", "kinh phí"}, "so-y-te": {"khám bệnh"}})] * 4
    first = derive_corpus.table(built)
    assert first == derive_corpus.table(list(built)) and list(first) == sorted(first)
