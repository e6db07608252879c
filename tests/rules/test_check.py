"""`kehoach check`: each rule fails on a small crafted plan that breaks it and passes on one that keeps it."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from authoring.cli import main
from authoring.rules.check import run_check
from helpers import FIXTURES, example

CHECK = FIXTURES / "check"


@pytest.fixture
def plan(tmp_path):
    """Copy parent and child into tmp; returns a function that edits the child and gives its path."""
    shutil.copy(CHECK / "parent.yaml", tmp_path / "parent.yaml")
    child = tmp_path / "child.yaml"
    shutil.copy(CHECK / "child.yaml", child)

    def edit(*replacements, parent_edits=()):
        text = (CHECK / "child.yaml").read_text(encoding="utf-8")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new, 1)
        child.write_text(text, encoding="utf-8")
        parent_text = (CHECK / "parent.yaml").read_text(encoding="utf-8")
        for old, new in parent_edits:
            assert old in parent_text, old
            parent_text = parent_text.replace(old, new, 1)
        (tmp_path / "parent.yaml").write_text(parent_text, encoding="utf-8")
        return child

    return edit


def codes(path, **kwargs) -> dict[str, list]:
    out: dict[str, list] = {}
    for finding in run_check(path, **kwargs).index.findings:
        out.setdefault(finding.code, []).append(finding)
    return out


def test_the_crafted_plan_passes_every_rule(plan):
    found = codes(plan())
    assert not [f for fs in found.values() for f in fs if f.severity.value != "info"], found
    assert set(found) <= {"R106", "S103", "A103"}  # the unregistered thôn, the unregistered parent, unreviewed links


# --- targets -----------------------------------------------------------------------

def test_T101_a_target_below_the_parents_fails(plan):
    found = codes(plan(("value: 96, unit", "value: 90, unit"), ("96% trẻ em", "90% trẻ em")))
    assert "T101" in found and "95" in found["T101"][0].message


def test_T101_a_strict_below_target_must_not_exceed_the_parents(plan):
    found = codes(plan(("value: 3, unit", "value: 5, unit"), ("dưới 3%", "dưới 5%")))
    assert "T101" in found


def test_T102_another_unit_cannot_be_compared(plan):
    assert "T102" in codes(plan(('value: 96, unit: "%"', 'value: 96, unit: "trẻ em"')))


def test_T103_a_later_year_is_less_ambitious(plan):
    assert "T103" in codes(plan(("comparator: at_least, year: 2026", "comparator: at_least, year: 2027")))


def test_T104_parent_targets_without_a_local_counterpart_are_listed(plan):
    found = codes(plan((', links: [{ref: "tinh-2026#ct-p1"}]', "")))
    assert [f.message for f in found["T104"]] and "ct-p1" in found["T104"][0].message


def test_T107_a_value_missing_from_its_sentence_is_flagged(plan):
    assert "T107" in codes(plan(("96% trẻ em", "Hầu hết trẻ em")))


# --- coverage ------------------------------------------------------------------------

def test_C101_a_duty_addressed_to_this_level_must_be_taken_up(plan):
    found = codes(plan(('            links: [{ref: "tinh-2026#p-xa-1"}]\n', "")))
    assert "C101" in found and "p-xa-1" in found["C101"][0].message


def test_C102_taking_up_a_duty_needs_a_named_lead(plan):
    path = plan(('            links: [{ref: "tinh-2026#p-xa-1"}]\n', ""),
                ("      - label: \"-\"\n        text: Tỷ lệ", "      - id: chung\n        label: \"-\"\n        links: [{ref: \"tinh-2026#p-xa-1\"}]\n        text: Tỷ lệ"))
    assert "C102" in codes(path)


def test_coverage_matrix_is_in_the_json_report(plan, runner):
    result = runner.invoke(main, ["check", "--format", "json", str(plan())])
    report = json.loads(result.output)
    assert result.exit_code == 0
    assert {row["parent"] for row in report["coverage"]} == {"tinh-2026#p-xa-1", "tinh-2026#p-xa-2"}
    assert report["coverage"][0]["lead"] == ["phong-van-hoa-xa-hoi"]
    assert set(report["findings"][0]) >= {"code", "severity", "message", "file", "line", "path", "suggestion"}


def test_html_report_has_the_coverage_matrix(plan, runner, tmp_path):
    out = tmp_path / "bao-cao.html"
    result = runner.invoke(main, ["check", "--format", "html", "-o", str(out), str(plan())])
    assert result.exit_code == 0 and "Ma trận bao phủ" in out.read_text(encoding="utf-8")


# --- deadlines -----------------------------------------------------------------------

def test_H101_sub_units_must_report_days_before_this_level(plan):
    found = codes(plan(("period: 6_thang, due: 10/6}", "period: 6_thang, due: 13/6}")))
    assert "H101" in found and "13/06" in found["H101"][0].message
    assert "10/06" in found["H101"][0].suggestion


def test_H101_lead_days_are_configurable(plan):
    assert "H101" in codes(plan(), lead_days=7)
    assert "H101" not in codes(plan(), lead_days=5)


def test_H102_periods_must_match(plan):
    assert "H102" in codes(plan(("via: phong-van-hoa-xa-hoi, period: nam, due: 10/11}",
                                 "via: phong-van-hoa-xa-hoi, period: quy, due: 10/11}")))


def test_H103_this_levels_deadline_cannot_be_later_than_the_parents(plan):
    found = codes(plan(("period: nam, due: 15/11}", "period: nam, due: 20/11}")))
    assert "H103" in found


def test_H104_task_timeframes_lie_inside_the_period(plan):
    path = plan(("            text: Tham mưu xây dựng", "            task: {timeframe: Quý I/2027}\n            text: Tham mưu xây dựng"))
    assert "H104" in codes(path)


# --- citations ----------------------------------------------------------------------

CITATION = "  - {id: cc-tinh, verb: Thực hiện, type: Kế hoạch, code: 15/KH-UBND, date: 2026-01-15, issuer: Ủy ban nhân dân tỉnh Lạng Sơn}"


@pytest.mark.parametrize("citation, code", [
    ("  - {type: Quyết định, code: 446/QĐ-LĐTBXH, date: 2020-04-10}", "R101"),
    ("  - {type: Quyết định, code: 23/QĐ-TTg, date: 2021-01-07, issuer: Thủ tướng Chính phủ, registry: qd-1863-2019}", "R102"),
    ("  - {type: Quyết định, code: 23/QĐ-TTg, date: 2021-01-17, issuer: Thủ tướng Chính phủ}", "R103"),
    ("  - {type: Quyết định, code: 23/QĐ-TTg, date: 2021-01-07, issuer: Bộ Y tế}", "R104"),
    ("  - {type: Quyết định, code: 24/QĐ-TTg, date: 2021-01-07, issuer: Thủ tướng Chính phủ}", "R105"),
    ("  - {type: Quyết định, code: 999/QĐ-TTg, date: 2021-05-05}", "R106"),
])
def test_citation_rules(plan, citation, code):
    assert code in codes(plan((CITATION, citation)))


def test_R105_proposes_the_document_of_the_same_day(plan):
    found = codes(plan((CITATION, "  - {type: Quyết định, code: 24/QĐ-TTg, date: 2021-01-07}")))
    assert "23/QĐ-TTg" in found["R105"][0].suggestion


def test_R109_a_same_number_document_of_another_year_is_another_document_not_a_wrong_date(plan):
    """Chỉ thị 23/CT-TTg of 2021 is not the registry's 23/CT-TTg of 2020: numbers restart each year."""
    found = codes(plan((CITATION, "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ}")))
    assert "R109" in found and not set(found) & {"R102", "R103", "R104"}
    assert "2020" in found["R109"][0].message and "2021" in found["R109"][0].message


def test_an_entry_an_older_kehoach_left_pending_counts_once_put_in_force_and_check_says_how_without_the_so(
        plan, tmp_path, monkeypatch, runner):
    from authoring.loading import own_registry

    layer = tmp_path / "danh-muc"
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(layer))
    layer.mkdir()
    entry = "chi-thi-23-2021"   # as a unit's layer holds it while the Sở has not reviewed it
    (layer / "citations.yaml").write_text(
        f"documents:\n- {{id: {entry}, type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ, "
        "title: Về tăng cường, status: unconfirmed, review: pending, source: Công báo}\n", encoding="utf-8")
    child = plan((CITATION, "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2021-05-26, issuer: Thủ tướng Chính phủ}"))
    try:
        waiting = codes(child)["R109"][0].message
        assert "chưa dùng khi kiểm tra" in waiting and "«Dùng khi kiểm tra»" in waiting and "Sở" not in waiting
        shown = runner.invoke(main, ["check", str(child)])   # what the command line prints (single-user: no Sở)
        assert "chưa dùng khi kiểm tra" in shown.output and "chờ Sở duyệt" not in shown.output
        own_registry.approve(layer, "documents", entry, "Lê Văn Lãnh (Sở Y tế)")
        assert "R109" not in codes(child)
    finally:
        own_registry.forget_loaded()


def test_the_same_number_in_the_registrys_year_is_still_checked_against_it(plan):
    found = codes(plan((CITATION, "  - {type: Chỉ thị, code: 23/CT-TTg, date: 2020-05-27, issuer: Thủ tướng Chính phủ}")))
    assert "R103" in found and "R109" not in found


def test_R107_a_symbol_written_with_a_space(plan):
    assert "R107" in codes(plan(("Tham mưu xây dựng và triển khai Kế hoạch.",
                                 "Tham mưu triển khai Chỉ thị số 28- CT/TW.")))


def test_a_correct_citation_passes(plan):
    found = codes(plan((CITATION, "  - {type: Quyết định, code: 23/QĐ-TTg, date: 2021-01-07, issuer: Thủ tướng Chính phủ}")))
    assert not set(found) & {"R101", "R102", "R103", "R104", "R105", "R106"}


# --- agencies -----------------------------------------------------------------------

def test_A101_an_abolished_agency_is_reported_with_its_successor(plan):
    found = codes(plan(("agency: phong-van-hoa-xa-hoi\n", "agency: Phòng Lao động - Thương binh và Xã hội\n")))
    message = found["A101"][0].message
    assert "01/07/2025" in message and "Phòng Văn hóa - Xã hội" in message and "chưa xác nhận" in message


def test_A101_the_old_labour_department_points_to_the_health_department_for_children(plan):
    found = codes(plan(("to: so-y-te, period: 6_thang", "to: Sở Lao động - Thương binh và Xã hội, period: 6_thang")))
    assert "A101" in found and "Sở Y tế (trẻ em" in found["A101"][0].message


def test_A102_an_agency_that_did_not_exist_yet(plan, write_plan):
    found = codes(plan(("  date: 2026-02", "  date: 2024-02"), ("period: {from: 2026, to: 2026}", "period: {from: 2024, to: 2026}")))
    assert "A102" in found  # Phòng Văn hóa - Xã hội only exists from 01/7/2025


def test_A104_every_agency_given_a_duty_is_a_recipient(plan):
    assert "A104" in codes(plan(('  - {name: "Các thôn, tổ dân phố"}\n', "")))


def test_A105_the_parents_issuer_is_a_recipient(plan):
    assert "A105" in codes(plan(("  - {name: Ủy ban nhân dân tỉnh, purpose: để b/c, agency: ubnd-tinh}\n", "")))


# --- document form ------------------------------------------------------------------------

def test_D101_numbering_gaps_and_duplicates(plan):
    found = codes(plan(("  - label: II.\n", "  - label: III.\n")))
    assert "D101" in found and "sau 'I.' phải là 'II.'" in found["D101"][0].message


def test_D102_upper_cased_symbol(plan):
    found = codes(plan(("title: Thực hiện công tác trẻ em năm 2026", "title: THỰC HIỆN KẾ HOẠCH SỐ 15/KH-UBND CỦA TỈNH")))
    assert "D102" not in found
    found = codes(plan(("code: 15/KH-UBND", "code: 23/QĐ-TTg"),
                       ("title: Thực hiện công tác trẻ em năm 2026", "title: THỰC HIỆN QUYẾT ĐỊNH 23/QĐ-TTG")))
    assert "D102" in found


def test_D103_roman_heading_in_lower_case(plan):
    assert "D103" in codes(plan(("title: CHỈ TIÊU", "title: Chỉ tiêu")))


def test_D104_budget_lines_add_up(plan):
    budget = ("    title: CHỈ TIÊU\n", "    title: CHỈ TIÊU\n    budget: {lines: [{name: Truyền thông, amount: 10000000}, "
                                       "{name: Tập huấn, amount: 5000000}], total: 16000000}\n")
    found = codes(plan(budget))
    assert "D104" in found and "15.000.000" in found["D104"][0].message


def test_D105_recipients_label(plan):
    assert "D105" in codes(plan(("recipients:\n", "recipients_label: \"Noi nhậm:\"\nrecipients:\n")))


def test_D106_end_mark(plan):
    assert "D106" in codes(plan(("trước ngày 10/6 và 10/11./.", "trước ngày 10/6 và 10/11.")))


# --- links --------------------------------------------------------------------------------

def test_S101_a_link_to_nothing(plan):
    assert "S101" in codes(plan(('ref: "tinh-2026#ct-p1"', 'ref: "tinh-2026#ct-khong-co"')))


def test_S102_review_then_a_changed_parent_makes_the_link_suspect(plan, runner):
    child = plan()
    original = child.read_text(encoding="utf-8")
    result = runner.invoke(main, ["review", str(child)])
    assert result.exit_code == 0 and "4 liên kết" in result.output
    reviewed = child.read_text(encoding="utf-8")
    assert reviewed.startswith("# yaml-language-server") and reviewed.count("fingerprint:") == 4
    assert "S103" not in codes(child)
    parent = child.parent / "parent.yaml"
    parent.write_text(parent.read_text(encoding="utf-8").replace("value: 95,", "value: 97,"), encoding="utf-8")
    found = codes(child)
    assert [f.path for f in found["S102"]] == ["sections[0].blocks[0].targets[0].links[0].fingerprint"]
    # Review only adds fingerprints: the rest of the file, comments and layout included, stays as written.
    assert re.sub(r", fingerprint: [0-9a-f]{12}", "", reviewed) == original


def test_C001_a_parent_missing_from_the_library(plan):
    assert "C001" in codes(plan(("implements: [parent.yaml]", "implements: [parent.yaml, qd-khong-co]")))


def test_C002_a_parent_with_format_errors(plan):
    assert "C002" in codes(plan(parent_edits=[("  place: Lạng Sơn", "  plcae: Lạng Sơn")]))


def test_exit_code_is_1_with_errors_and_0_without(plan, runner):
    assert runner.invoke(main, ["check", str(plan())]).exit_code == 0
    assert runner.invoke(main, ["check", str(plan(("value: 96, unit", "value: 90, unit")))]).exit_code == 1


# --- the seeds ------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("kon-tum", {"R101"}),           # 446 → 406/QĐ-LĐTBXH and NĐ-HĐTP → NQ-HĐTP
    ("kien-an", {"R102", "D101", "D103"}),
    ("nghe-an", {"D102", "R107", "C102"}),
    ("dak-nong", {"C101", "D106"}),
])
def test_seed_findings(name, expected):
    assert expected <= set(codes(example(name)))


def test_kien_an_sub_unit_deadlines_nest_inside_its_own():
    found = codes(example("kien-an"))
    assert "H101" not in found and "H103" not in found
    assert "H101" in codes(example("kien-an"), lead_days=6)


def test_a_commune_plan_after_july_2025_answers_for_what_the_province_gave_its_districts(tmp_path):
    from authoring.lifecycle.derive import derive
    from authoring.loading import load_plan_or_raise

    parent = tmp_path / "nghe-an.yaml"
    shutil.copy(example("nghe-an-2025"), parent)
    child = tmp_path / "xa.yaml"
    text, _ = derive(load_plan_or_raise(parent), "xã Nghi Lộc", child)
    child.write_text(text, encoding="utf-8")
    report = run_check(child, [str(parent)])
    district_duties = {f"nghe-an-2025-07#ubnd-cap-huyen.{n}" for n in range(1, 6)}
    assert {row["parent"] for row in report.coverage} >= district_duties
    unlinked = re.sub(r"\n *links:\n *- ref: nghe-an-2025-07#ubnd-cap-huyen\.1\n *fingerprint: \w+\n", "\n", text)
    assert unlinked != text
    child.write_text(unlinked, encoding="utf-8")
    missing = [f for f in run_check(child, [str(parent)]).index.findings if f.code == "C101"]
    assert len(missing) == 1 and "ubnd-cap-huyen.1" in missing[0].message
