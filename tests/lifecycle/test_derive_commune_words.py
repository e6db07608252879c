"""A commune's draft from a province plan speaks at the commune's scale: no province or abolished-level words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from authoring.importing import import_plan
from authoring.lifecycle.derive import derive
from authoring.lifecycle.derive.scale import foreign_words
from authoring.loading import load_plan_or_raise
from authoring.loading.units import province_after_2025, unit_list
from authoring.model import Level
from authoring.rules.check import run_check
from helpers import FIXTURES, example

DAY = date(2026, 1, 15)   # after every parent's date; communes, wards and đặc khu only
# The province plans at hand: the examples, and the province plans that are children of the tune pairs (imported from
# their text). Never anything under holdout*/.
EXAMPLES = ["nghe-an-2025", "dak-nong-2021", "kon-tum-2020", "lang-son-2019"]
TUNE = FIXTURES / "derive_pairs" / "tune"
TUNE_CHILDREN = sorted(p.name for p in TUNE.iterdir() if (p / "child.txt").is_file())
# Real 2026 plans of Lâm Đồng (full DOCX), read only after the rules were written.
REAL = FIXTURES / "real" / "docx"
REAL_PLANS = ["003-lam-dong-kh-kiem-tra-cchc-2026", "005-lam-dong-kh-tuyen-truyen-cchc-2026",
              "006-lam-dong-kh-thi-dua-cchc-2026"]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tinh")
    plans = {}
    for name in TUNE_CHILDREN:
        path = folder / f"{name}.yaml"
        path.write_text(import_plan(TUNE / name / "child.txt").yaml_text, encoding="utf-8")
        plans[name] = path
    for name in REAL_PLANS:
        path = folder / f"{name}.yaml"
        path.write_text(import_plan(REAL / f"{name}.docx").yaml_text, encoding="utf-8")
        plans[name] = path
    return plans


def _units(parent) -> list[str]:
    """One xã, one phường and one đặc khu (when the province has one) of the parent's province today."""
    listed = unit_list(province_after_2025(parent.plan.document.province))
    first = {}
    for unit in listed.units:
        first.setdefault(unit.kind, unit.name)
    return list(first.values())


def _duties(plan) -> list[str]:
    """Every duty sentence the draft gives an office (the blocks under a heading that names its agency)."""
    return [child.text for block in plan.blocks() if block.agency for child in block.blocks if child.text]


def _drafts(tmp_path, parent_path: Path, day: date = DAY):
    parent = load_plan_or_raise(parent_path)
    if parent.plan.document.level != Level.PROVINCE:
        pytest.skip("not a province plan")
    for unit in _units(parent):
        out = tmp_path / f"{unit}.yaml"
        text, report = derive(parent, unit, out, day=day)
        out.write_text(text, encoding="utf-8")
        yield unit, out, load_plan_or_raise(out).plan, report


def _assert_commune_words(tmp_path, parent_path: Path, day: date = DAY) -> None:
    kinds = set()
    for unit, out, plan, _ in _drafts(tmp_path, parent_path, day):
        kinds.add(unit.split()[0])
        bad = [(words, text) for text in _duties(plan) if (words := foreign_words(text))]
        assert not bad, f"{parent_path.stem} → {unit}: {bad[:3]}"
        findings = run_check(out, [str(parent_path)]).index
        assert not findings.has_errors, f"{parent_path.stem} → {unit}: {[f.message for f in findings.sorted()][:3]}"
    assert {"xã", "phường"} <= kinds


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_example_province_plan_reaches_each_commune_kind_in_its_own_words(tmp_path, name):
    _assert_commune_words(tmp_path, example(name))


@pytest.mark.parametrize("name", TUNE_CHILDREN)
def test_a_real_province_plan_reaches_each_commune_kind_in_its_own_words(tmp_path, imported, name):
    _assert_commune_words(tmp_path, imported[name])


@pytest.mark.parametrize("name", REAL_PLANS)
def test_a_2026_province_plan_reaches_each_commune_kind_in_its_own_words(tmp_path, imported, name):
    _assert_commune_words(tmp_path, imported[name], date(2026, 6, 15))


def test_a_ward_office_does_its_own_work_and_a_province_only_duty_is_a_note(tmp_path):
    parent = load_plan_or_raise(example("nghe-an-2025"))
    out = tmp_path / "vinh-phu.yaml"
    text, report = derive(parent, "phường Vinh Phú", out, day=date(2025, 12, 1))
    out.write_text(text, encoding="utf-8")
    plan = load_plan_or_raise(out).plan
    duties = _duties(plan)
    # The ward police carries out what the province police had its district police do.
    assert any(t.startswith("Đẩy mạnh công tác thông tin, tuyên truyền về tình hình có liên quan đến bạo lực") for t in duties)
    # The ward's office advises the ward's People's Committee; the ward has its loudspeakers, not the press.
    assert any("tham mưu Ủy ban nhân dân phường Vinh Phú bố trí đảm bảo nguồn kinh phí" in t for t in duties)
    assert any(t.startswith("Chỉ đạo, hướng dẫn hệ thống thông tin cơ sở, đài truyền thanh phường tiếp tục") for t in duties)
    assert any(t.startswith("Tiếp tục triển khai tốt việc thu thập thông tin, số liệu trẻ em") for t in duties)
    # A duty for the province's social protection establishments is not carried down, and the author is told why.
    assert not any("cơ sở trợ giúp xã hội" in t for t in duties)
    notes = [n for n in report.notes if "cơ sở trợ giúp xã hội" in n]
    assert notes and "không chuyển xuống phường Vinh Phú" in notes[0]
    assert "[U]" not in notes[0] and "(chưa xác nhận)" in notes[0]   # the data's tag said in words
    assert "cơ sở trợ giúp xã hội" in text   # in the draft's header, where the author sees it
    # A ward's economic office has the ward's name for it (NĐ 150/2025/NĐ-CP), a commune's keeps "Phòng Kinh tế".
    titles = [b.title for b in plan.blocks() if b.agency]
    assert "Phòng Kinh tế, Hạ tầng và Đô thị" in titles and "Phòng Kinh tế" not in titles
    assert not run_check(out, [str(example("nghe-an-2025"))]).index.has_errors
    again, _ = derive(parent, "phường Vinh Phú", out, day=date(2025, 12, 1))   # into the draft just written
    assert again == text


def test_only_the_part_of_a_duty_that_is_the_provinces_alone_is_left_out_and_named(tmp_path):
    parent = load_plan_or_raise(example("lang-son-2019"))
    out = tmp_path / "doan-ket.yaml"
    text, report = derive(parent, "xã Đoàn Kết", out, day=DAY)
    out.write_text(text, encoding="utf-8")
    plan = load_plan_or_raise(out).plan
    duties = _duties(plan)
    assert "Phòng Kinh tế" in [b.title for b in plan.blocks() if b.agency]
    assert not any("biên chế" in t for t in duties)
    # The rest of the Sở Nội vụ duty (after the staffing part, between semicolons) still reaches the commune.
    assert any("bố trí người làm công tác bảo vệ, chăm sóc trẻ em" in t for t in duties)
    notes = [n for n in report.notes if "giao biên chế công chức làm công tác bảo vệ" in n]
    assert notes and notes[0].startswith("phần nhiệm vụ của Kế hoạch") and "không chuyển xuống xã Đoàn Kết" in notes[0]


def test_a_province_plans_heading_for_the_communes_people_committees_is_every_communes_core_content(tmp_path, imported):
    # Cần Thơ's plan has a heading "Ủy ban nhân dân xã, phường" (read as a commune's own body): its duties are the ward's.
    parent = load_plan_or_raise(imported["can-tho-chi-tra-khong-tien-mat-2025"])
    out = tmp_path / "cai-khe.yaml"
    text, _ = derive(parent, "phường Cái Khế", out, day=DAY)
    out.write_text(text, encoding="utf-8")
    plan = load_plan_or_raise(out).plan
    linked = [link.ref.split("#")[1] for b in plan.blocks() if b.agency for c in b.blocks for link in c.links]
    assert {"ubnd-xa.1", "ubnd-xa.2", "ubnd-xa.3"} <= set(linked)
    first = next(b for b in plan.blocks() if b.agency)   # the lead office's heading opens with them
    assert first.blocks[0].links[0].ref.split("#")[1].startswith("ubnd-xa.")
    assert not run_check(out, [str(imported["can-tho-chi-tra-khong-tien-mat-2025"])]).index.has_errors
