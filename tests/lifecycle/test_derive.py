"""derive, new-year and diff: lower-level plans correct by construction, next year's plan, semantic changes."""

from __future__ import annotations

import json
import shutil


from authoring.cli import main
from authoring.lifecycle.derive import derive
from authoring.lifecycle.diff import semantic_diff
from authoring.loading import load_plan_or_raise
from authoring.lifecycle.new_year import new_year
from authoring.render.docx import render_docx
from authoring.rules.check import run_check
from authoring.rules.docx import lint_docx
from helpers import FIXTURES, example

PROVINCE = FIXTURES / "check" / "parent.yaml"
SO_HAI_PHONG = example("kien-an").parent.parent / "directives" / "kh-61-2024-hai-phong.yaml"


def _derived(tmp_path, parent_path, unit, name="ke-hoach.yaml"):
    parent_copy = tmp_path / parent_path.name
    shutil.copy(parent_path, parent_copy)
    out = tmp_path / name
    text, report = derive(load_plan_or_raise(parent_copy), unit, out)
    out.write_text(text, encoding="utf-8")
    return out, report


def test_commune_plan_derived_from_a_provincial_plan_passes_check_and_renders(tmp_path):
    out, _ = _derived(tmp_path, PROVINCE, "xã Lộc Bình")
    report = run_check(out)
    assert not report.index.has_errors, [f.message for f in report.index.findings]
    assert {row["parent"] for row in report.coverage} == {"tinh-2026#p-xa-1", "tinh-2026#p-xa-2"}
    assert all(row["lead"] == ["phong-van-hoa-xa-hoi"] for row in report.coverage)
    docx = tmp_path / "ke-hoach.docx"
    docx.write_bytes(render_docx(load_plan_or_raise(out)))
    assert list(lint_docx(docx)) == []


def test_lead_office_comes_from_the_registry_counterparts(tmp_path):
    out, _ = _derived(tmp_path, SO_HAI_PHONG, "quận Kiến An")
    plan = load_plan_or_raise(out).plan
    organisation = next(s for s in plan.sections if s.title == "TỔ CHỨC THỰC HIỆN")
    assert organisation.blocks[0].agency == ["phong-ldtbxh"]  # Sở LĐTBXH → Phòng LĐTBXH (counterparts in agencies.yaml)


def test_district_plan_from_the_so_plan_gets_the_kien_an_sub_unit_deadlines(tmp_path):
    out, _ = _derived(tmp_path, SO_HAI_PHONG, "quận Kiến An")
    derived = {(r["period"], r["due"]) for r in json.loads(_show(out))["reporting"] if r["from"] == ["ubnd-cap-xa"]}
    real = {(r["period"], r["due"]) for r in json.loads(_show(example("kien-an")))["reporting"] if r["from"] == ["ubnd-cap-xa"]}
    assert derived == real == {("6_thang", "10/05"), ("nam", "10/11")}
    assert not run_check(out).index.has_errors


def _show(path) -> str:
    from click.testing import CliRunner

    return CliRunner().invoke(main, ["show", "--json", str(path)]).output


def test_rederive_keeps_hand_edits_and_comments_and_reports_upstream_changes(tmp_path):
    out, _ = _derived(tmp_path, PROVINCE, "xã Lộc Bình")
    edited = out.read_text(encoding="utf-8").replace(
        "Xây dựng kế hoạch công tác trẻ em năm 2026 của xã, phường.", "Trình Chủ tịch xã ban hành kế hoạch trước 31/3.")
    edited = edited.replace("kind: plan", "# cán bộ ghi chú: đã sửa mục 1\nkind: plan")
    out.write_text(edited, encoding="utf-8")
    parent = tmp_path / "parent.yaml"
    parent.write_text(parent.read_text(encoding="utf-8").replace("value: 95,", "value: 97,"), encoding="utf-8")
    text, report = derive(load_plan_or_raise(parent), "xã Lộc Bình", out)
    assert "Trình Chủ tịch xã ban hành kế hoạch trước 31/3." in text and "# cán bộ ghi chú: đã sửa mục 1" in text
    assert report.changed_upstream == ["tinh-2026#ct-p1"] and not report.added


def test_derive_for_many_units_writes_one_plan_each(tmp_path, runner):
    units = tmp_path / "don-vi.txt"
    units.write_text("# các xã\nxã Lộc Bình\nphường Đông Kinh\nphường Lương Văn Tri\n", encoding="utf-8")
    shutil.copy(PROVINCE, tmp_path / "parent.yaml")
    result = runner.invoke(main, ["derive", str(tmp_path / "parent.yaml"), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "ra").iterdir()) == [
        "phuong-dong-kinh-2026.yaml", "phuong-luong-van-tri-2026.yaml", "xa-loc-binh-2026.yaml"]


def test_a_unit_list_naming_a_commune_that_no_longer_exists_writes_nothing(tmp_path, runner):
    units = tmp_path / "don-vi.txt"
    units.write_text("xã Lộc Bình\nxã Mai Pha\n", encoding="utf-8")  # Mai Pha went into phường Đông Kinh in 2025
    shutil.copy(PROVINCE, tmp_path / "parent.yaml")
    result = runner.invoke(main, ["derive", str(tmp_path / "parent.yaml"), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and "V106" in result.output and "xã Mai Pha" in result.output
    assert not (tmp_path / "ra").exists() or not list((tmp_path / "ra").iterdir())


def test_a_unit_list_with_a_line_naming_no_unit_is_refused_with_its_line(tmp_path, runner):
    units = tmp_path / "don-vi.txt"
    units.write_text("1. xã Lộc Bình\n- phường Đông Kinh;\nThôn Bản Mới\n", encoding="utf-8")
    shutil.copy(PROVINCE, tmp_path / "parent.yaml")
    result = runner.invoke(main, ["derive", str(tmp_path / "parent.yaml"), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and "V105" in result.output and "Dòng 3: 'Thôn Bản Mới'" in result.output
    assert not (tmp_path / "ra").exists() or not list((tmp_path / "ra").iterdir())


def test_district_level_cannot_be_derived_after_july_2025(tmp_path, runner):
    shutil.copy(PROVINCE, tmp_path / "parent.yaml")
    result = runner.invoke(main, ["derive", str(tmp_path / "parent.yaml"), "--unit", "huyện Cao Lộc", "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "V101" in result.output and not (tmp_path / "x.yaml").exists()


def test_a_unit_without_its_kind_is_a_usage_error(tmp_path, runner):
    result = runner.invoke(main, ["derive", str(PROVINCE), "--unit", "Hòa Bình", "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 2 and "loại đơn vị" in result.output


def test_new_year_renames_successors_and_flags_the_district_level(tmp_path):
    text, report = new_year(load_plan_or_raise(example("kien-an")), 2026)
    renamed = {(old, new.split(" [")[0]) for _, old, new in report.renamed}
    assert ("so-ldtbxh", "so-y-te") in renamed
    assert ("phong-ldtbxh", "phong-van-hoa-xa-hoi") in renamed
    district = {agency for _, agency in report.abolished}
    assert {"ubnd-huyen", "phong-ldtbxh", "cong-an-huyen", "cac-phong-ban-huyen", "uy-ban-mttq-huyen",
            "doan-the-huyen", "phong-tc-kh", "phong-tu-phap", "phong-gddt", "phong-y-te", "phong-van-hoa"} <= district
    assert any("cấp huyện" in why for _, why in report.flagged)
    out = tmp_path / "2026.yaml"
    out.write_text(text, encoding="utf-8")
    plan = load_plan_or_raise(out).plan
    assert plan.document.date.iso() == "2026" and plan.document.number is None
    assert plan.document.period.start == 2026 and "năm 2026" in plan.document.title
    assert "cần xem lại" in text and "trước đây: so-ldtbxh" in text


def test_diff_lists_changed_targets_moved_deadlines_and_reassigned_duties(tmp_path):
    text, _ = new_year(load_plan_or_raise(example("kien-an")), 2026)
    text = text.replace("value: 99", "value: 100", 1).replace("due: 10/5", "due: 05/5", 1)
    new = tmp_path / "moi.yaml"
    new.write_text(text, encoding="utf-8")
    changes = semantic_diff(load_plan_or_raise(example("kien-an")), load_plan_or_raise(new))
    assert {"id": "ct-1", "change": "changed", "old": "at_least 99% (2024)", "new": "at_least 100% (2024)"} in changes["targets"]
    assert {"id": "bc-phuong-6t", "old": "10/05", "new": "05/05", "change": "moved"} in changes["deadlines"]
    assert any(d["change"] == "reassigned" and d["old"] == "phong-ldtbxh" for d in changes["duties"])


def test_diff_command_prints_json(runner):
    result = runner.invoke(main, ["diff", "--json", str(example("kien-an")), str(example("kien-an"))])
    assert result.exit_code == 0 and json.loads(result.output)["targets"] == []


def test_a_province_that_does_not_exist_is_refused_with_the_closest_real_names(tmp_path, runner):
    out = tmp_path / "x.yaml"
    result = runner.invoke(main, ["derive", "plans/directives/qd-1183-2024.yaml", "--unit", "tỉnh Nghe An",
                                  "--date", "26/11/2025", "-o", str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert "V106" in result.output and "tỉnh Nghệ An" in result.output


def test_a_province_merged_in_2025_is_still_accepted_under_its_new_name(tmp_path, runner):
    out = tmp_path / "x.yaml"
    result = runner.invoke(main, ["derive", "plans/directives/qd-1183-2024.yaml", "--unit", "tỉnh Kon Tum",
                                  "--date", "26/11/2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "tỉnh Quảng Ngãi" in out.read_text(encoding="utf-8")


def test_rederiving_another_unit_into_an_earlier_draft_is_refused_and_leaves_it_untouched(tmp_path, runner):
    out = tmp_path / "x.yaml"
    args = ["derive", "plans/directives/qd-1183-2024.yaml", "--date", "26/11/2025", "-o", str(out)]
    assert runner.invoke(main, [*args, "--unit", "tỉnh Nghệ An"]).exit_code == 0
    before = out.read_bytes()
    again = runner.invoke(main, [*args, "--unit", "tỉnh Nghệ An"])
    assert again.exit_code == 0, again.output
    other = runner.invoke(main, [*args, "--unit", "thành phố Hà Nội"])
    assert other.exit_code == 1 and "V108" in other.output and "tỉnh Nghệ An" in other.output
    assert out.read_bytes() == before
