"""derive may propose, beside the bodies the parent's words reach, the bodies real province documents name together
with them (plans/registry/habits.json, built by benchmarks/derive_corpus.py; off by default), with the figures."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from authoring.lifecycle.derive import national
from authoring.lifecycle.derive.habits import HABITS, Habits, table
from authoring.loading import load_registry
from test_derive_competences import _directive, _draft

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import derive_corpus  # noqa: E402

DUTY = "Rà soát, thống kê các cơ sở giáo dục mầm non trên địa bàn."


def _habits(pairs: dict[str, int], bodies: dict[str, int], enabled: bool = True, agree: int = 1) -> Habits:
    return Habits(20, bodies, pairs, 0.6, 3, agree, 1.0, enabled, derive_corpus.HABIT_DUTY, "20 văn bản, github.com/kiem-thu")


def test_habits_keep_counts_of_bodies_and_pairs_with_their_provenance_and_are_off_by_default():
    data = json.loads(HABITS.read_text(encoding="utf-8"))
    source = data["source"]
    assert source["repository"].startswith("github.com/") and re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert source["documents"] > 30 and data["use"]["enabled"] is False
    registry = load_registry()
    assert set(data["bodies"]) <= set(registry.agencies)
    for pair, count in data["pairs"].items():
        a, b = pair.split("|")
        assert a < b and 0 < count <= min(data["bodies"][a], data["bodies"][b])


def test_table_counts_each_document_once_per_body_and_per_pair():
    bodies, pairs = table([{"a", "b", "c"}, {"a", "b"}, {"c"}])
    assert bodies == {"a": 2, "b": 2, "c": 2}
    assert pairs == {"a|b": 2, "a|c": 1, "b|c": 1}


def test_a_body_is_proposed_when_most_documents_naming_a_known_body_name_it_too():
    habits = _habits({"so-gddt|so-y-te": 5, "so-gddt|so-xay-dung": 1}, {"so-gddt": 6, "so-y-te": 8, "so-xay-dung": 9})
    found = habits.propose(["so-gddt"])
    assert [(p.agency, p.given, p.together, p.among) for p in found] == [("so-y-te", "so-gddt", 5, 6)]
    assert found[0].share == round((5 + 8 / 20) / 7, 3)


def test_with_min_agree_a_body_must_be_habitual_beside_that_many_of_the_drafts_bodies():
    bodies = {"so-gddt": 6, "so-tu-phap": 6, "so-y-te": 8, "so-xay-dung": 8}
    pairs = {"so-gddt|so-y-te": 5, "so-tu-phap|so-y-te": 5, "so-gddt|so-xay-dung": 5}
    habits = _habits(pairs, bodies, agree=2)
    assert [(p.agency, p.agree) for p in habits.propose(["so-gddt", "so-tu-phap"])] == [("so-y-te", 2)]


def test_too_few_documents_naming_a_known_body_propose_nothing():
    habits = _habits({"so-gddt|so-y-te": 2}, {"so-gddt": 2, "so-y-te": 8})
    assert habits.propose(["so-gddt"]) == []


def test_derive_gives_a_habitual_body_a_heading_with_the_figures_in_its_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(national, "load_habits", lambda: _habits({"so-gddt|so-y-te": 9}, {"so-gddt": 10, "so-y-te": 12}))
    parent = _directive(tmp_path, "Về phát triển giáo dục mầm non", [DUTY])
    text, plan = _draft(tmp_path, parent)
    headings = {a for b in plan.blocks() if b.agency for a in b.agency}
    assert "so-y-te" in headings
    assert ("đề xuất của kehoach: 9/10 văn bản thật của UBND cấp tỉnh nêu Sở Giáo dục và Đào tạo cũng nêu Sở Y tế "
            "(20 văn bản, github.com/kiem-thu; plans/registry/habits.json)") in text
    assert "Sở Y tế theo chức năng, nhiệm vụ được giao phối hợp với" in text


def test_habits_propose_nothing_when_off_or_for_a_body_not_in_being_on_the_day(tmp_path, monkeypatch):
    parent = _directive(tmp_path, "Về phát triển giáo dục mầm non", [DUTY])
    monkeypatch.setattr(national, "load_habits",
                        lambda: _habits({"so-gddt|so-y-te": 9}, {"so-gddt": 10, "so-y-te": 12}, enabled=False))
    _, plan = _draft(tmp_path, parent)
    assert "so-y-te" not in {a for b in plan.blocks() if b.agency for a in b.agency}
    monkeypatch.setattr(national, "load_habits", lambda: _habits({"so-gddt|so-khdt": 9}, {"so-gddt": 10, "so-khdt": 12}))
    _, plan = _draft(tmp_path, parent, name="sau-sap-xep.yaml")   # Sở KHĐT merged into Sở Tài chính on 01/3/2025
    assert "so-khdt" not in {a for b in plan.blocks() if b.agency for a in b.agency}


def test_the_corpus_names_a_documents_bodies_outside_its_recipients():
    registry = load_registry()
    from authoring.lifecycle.derive.competences import body_names
    paras = ["Giao Sở Y tế chủ trì, phối hợp với Sở Giáo dục và Đào tạo, Công an tỉnh thực hiện.", "Nơi nhận:",
             "- Sở Tư pháp;", "KẾ HOẠCH", "Sở Tài chính bố trí kinh phí."]
    assert derive_corpus.named_bodies(registry, body_names(registry), paras) == \
        ["so-y-te", "so-gddt", "cong-an-tinh", "so-tai-chinh"]


def test_a_same_parent_neighbours_body_habitual_beside_the_drafts_is_proposed_from_peer_share(tmp_path, monkeypatch):
    from test_derive_peer import DAY, _derived, _directive as _reform, _neighbour
    parent = _reform(tmp_path)
    peer = _neighbour(tmp_path, ["Sở Xây dựng", "Ban Dân tộc và Tôn giáo"])   # no duty of the parent reaches them
    _, plan, _ = _derived(tmp_path, [parent], None)
    known = sorted({a for b in plan.plan.blocks() if b.agency for a in b.agency} - {"ubnd-cap-xa"})
    bodies = {a: 10 for a in known} | {"so-xay-dung": 12, "so-dan-toc-ton-giao": 12}
    pairs = {"|".join(sorted((known[0], "so-xay-dung"))): 8}

    def habits(peer_share):
        return Habits(20, bodies, pairs, 0.9, 3, 1, 1.0, False, derive_corpus.HABIT_DUTY, "20 văn bản, github.com/kiem-thu",
                      peer_share)
    monkeypatch.setattr(national, "load_habits", lambda: habits(0.5))
    text, plan, _ = _derived(tmp_path, [parent], peer, day=DAY)
    headings = {a for b in plan.plan.blocks() if b.agency for a in b.agency}
    assert "so-xay-dung" in headings and "so-dan-toc-ton-giao" not in headings
    assert "theo kế hoạch của tỉnh Hà Tĩnh (cùng văn bản cấp trên); đề xuất của kehoach: 8/10 văn bản" in text
    monkeypatch.setattr(national, "load_habits", lambda: habits(None))
    _, plan, _ = _derived(tmp_path, [parent], peer, day=DAY)
    assert "so-xay-dung" not in {a for b in plan.plan.blocks() if b.agency for a in b.agency}
