"""Abolished agencies' names (N102) found through the per-text memo equal a full re-check, edit after edit."""

from __future__ import annotations

import shutil

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.loading.loader import load_plan
from authoring.loading.registry import load_registry
from authoring.rules import lifecycle
from authoring.rules.check import check_loaded
from helpers import FIXTURES

CHECK = FIXTURES / "check"
# Lines the plan's texts take: names gone by 2026, living agencies whose longer names hold a gone one, an old
# document cited with the issuer it had, and plain words.
PIECES = [
    "Sở Lao động - Thương binh và Xã hội", "Phòng Lao động - Thương binh và Xã hội", "Phòng Văn hóa - Xã hội",
    "Phòng Văn hóa và Thông tin", "Sở Y tế", "Ủy ban nhân dân huyện", "phối hợp với", "Công an xã",
    "theo Kế hoạch số 12/KH-UBND ngày 01/02/2020 của Sở Lao động - Thương binh và Xã hội",
    "của Phòng Lao động - Thương binh và Xã hội", "trẻ em có hoàn cảnh đặc biệt",
]
SLOTS = ["Tham mưu xây dựng và triển khai Kế hoạch.", "Tổng hợp báo cáo gửi Sở Y tế trước ngày 15/6 và 15/11.",
         "Phòng Văn hóa - Xã hội"]


def _findings(path, text):
    loaded, index = load_plan(path, load_registry(), text=text)
    assert loaded is not None and not index.has_errors, index.sorted()
    return [f.to_dict() for f in check_loaded(loaded, index).index.sorted()]


@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(SLOTS), st.lists(st.sampled_from(PIECES), min_size=1, max_size=4)),
                min_size=1, max_size=6))
def test_every_version_of_an_edit_sequence_has_the_findings_of_a_full_re_check(tmp_path_factory, edits):
    folder = tmp_path_factory.mktemp("edits")
    shutil.copy(CHECK / "parent.yaml", folder / "parent.yaml")
    path = folder / "child.yaml"
    text = (CHECK / "child.yaml").read_text(encoding="utf-8")
    slots = {slot: slot for slot in SLOTS}   # what each edited line holds now
    for slot, pieces in edits:
        new = " ".join(pieces) + "."
        text = text.replace(slots[slot], new, 1)
        slots[slot] = new
        remembered = _findings(path, text)       # texts already seen are answered from the memo
        lifecycle._MENTIONS.clear()
        assert remembered == _findings(path, text)   # computed afresh


def test_a_second_check_searches_only_the_changed_text_for_abolished_names(tmp_path, monkeypatch):
    shutil.copy(CHECK / "parent.yaml", tmp_path / "parent.yaml")
    path = tmp_path / "child.yaml"
    text = (CHECK / "child.yaml").read_text(encoding="utf-8")
    monkeypatch.setattr(lifecycle, "_MENTIONS", {})   # nothing remembered from other tests
    searched = []
    find = lifecycle._find_gone_mentions
    monkeypatch.setattr(lifecycle, "_find_gone_mentions", lambda t, *a: searched.append(t) or find(t, *a))
    first = _findings(path, text)
    assert len(searched) > 5
    searched.clear()
    edited = text.replace("Tham mưu xây dựng", "Sở Lao động - Thương binh và Xã hội tham mưu xây dựng", 1)
    second = _findings(path, edited)
    assert searched == ["Sở Lao động - Thương binh và Xã hội tham mưu xây dựng và triển khai Kế hoạch."]
    assert [f["code"] for f in second if f["code"] == "N102"] == ["N102"] and first != second
