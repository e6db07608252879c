"""`check`, form family: a trích yếu in capitals (D108), footnote marks that lead nowhere (D109), typographic slips
that would print in the rendered DOCX (D110–D114); each fails on a crafted plan and passes on the clean one."""

from __future__ import annotations

import shutil

import pytest

from authoring.rules.check import run_check
from helpers import FIXTURES, example

CHECK = FIXTURES / "check"
SLIP_CODES = {"D108", "D109", "D110", "D111", "D112", "D113", "D114"}


@pytest.fixture
def plan(tmp_path):
    shutil.copy(CHECK / "parent.yaml", tmp_path / "parent.yaml")
    child = tmp_path / "child.yaml"

    def edit(*replacements):
        text = (CHECK / "child.yaml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        child.write_text(text, encoding="utf-8")
        return child

    return edit


def codes(path) -> dict[str, list]:
    out: dict[str, list] = {}
    for finding in run_check(path).index.findings:
        out.setdefault(finding.code, []).append(finding)
    return out


def test_the_clean_plan_has_no_slip(plan):
    assert not SLIP_CODES & set(codes(plan()))


def test_D108_trich_yeu_in_capitals(plan):
    found = codes(plan(("title: Thực hiện công tác trẻ em năm 2026", "title: THỰC HIỆN CÔNG TÁC TRẺ EM NĂM 2026")))
    assert "D108" in found and found["D108"][0].path == "document.title"
    assert "Thực hiện công tác trẻ em năm 2026" in found["D108"][0].suggestion


@pytest.mark.parametrize("text", ["Tham mưu xây dựng¹ và triển khai Kế hoạch.",
                                  "Tham mưu xây dựng<sup>2</sup> và triển khai Kế hoạch."])
def test_D109_a_hand_made_footnote_mark(plan, text):
    assert "D109" in codes(plan(("text: Tham mưu xây dựng và triển khai Kế hoạch.", f"text: {text}")))


def test_D109_a_mark_in_the_title_without_a_footnote(plan):
    found = codes(plan(("title: Thực hiện công tác trẻ em năm 2026", "title: Thực hiện công tác trẻ em năm 2026[^9]")))
    assert "D109" in found and "[^9]" in found["D109"][0].message


@pytest.mark.parametrize("code, text", [
    ("D110", "Tham mưu xây dựng  và triển khai Kế hoạch."),
    ("D111", "Tham mưu xây dựng , triển khai Kế hoạch."),
    ("D112", "Tham mưu xây dựng ( và triển khai) Kế hoạch."),
    ("D113", "Tham mưu xây dựng,triển khai Kế hoạch."),
])
def test_typographic_slips(plan, code, text):
    found = codes(plan(("text: Tham mưu xây dựng và triển khai Kế hoạch.", f"text: {text}")))
    assert code in found and found[code][0].severity.value == "warning"


def test_D114_spaces_at_the_ends(plan):
    assert "D114" in codes(plan(("archive: VT, VHXH", 'archive: "VT, VHXH "')))


def test_seeds_keep_their_source_slips():
    assert "D108" in codes(example("nghe-an"))          # its trích yếu is in capitals in the source
    assert "D111" in codes(example("nghe-an"))          # "trẻ em , đặc biệt"
    assert "D113" in codes(example("kon-tum"))          # "VT,KGVX.NTMD"
    assert not {"D110", "D112"} & set(codes(example("nghe-an")))


def test_decimal_numbers_and_end_marks_are_not_slips(plan):
    found = codes(plan(("text: Tham mưu xây dựng và triển khai Kế hoạch.",
                        "text: Tỷ lệ 1,5% (năm 2025); xem mục II.1./.")))
    assert not SLIP_CODES & set(found)
