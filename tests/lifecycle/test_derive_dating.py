"""derive dated by the day (--date), re-runs that change nothing twice, and the parent cited as it is spelled."""

from __future__ import annotations

from datetime import date

from authoring.cli import main
from authoring.lifecycle.derive import derive
from authoring.lifecycle.measure import parents_of
from authoring.loading import load_plan_or_raise
from authoring.model import ReportPeriod
from authoring.render.plain import plan_text
from helpers import FIXTURES, example

FIELDS = FIXTURES / "derive_fields"
QD_23 = example("nghe-an").parent.parent / "directives" / "qd-23-2021.yaml"


def test_the_day_picks_the_agencies_in_force_on_it(tmp_path, runner):
    out = tmp_path / "tinh.yaml"
    result = runner.invoke(main, ["derive", str(QD_23), "--unit", "tỉnh Nghệ An", "--date", "26/11/2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = plan_text(load_plan_or_raise(out).plan)
    for gone in ("Sở Lao động", "Sở Kế hoạch và Đầu tư", "Sở Thông tin và Truyền thông", "Ban Dân tộc",
                 "Ủy ban nhân dân các huyện", "Bộ Lao động"):
        assert gone not in text, gone
    assert "Ủy ban nhân dân các xã, phường;" in text and "Bộ Y tế" in text


def test_a_province_without_special_zones_names_its_communes_and_wards_as_its_own_documents_do(tmp_path):
    """Nghệ An and Hà Nội have no đặc khu: "các xã, phường"; Quảng Ninh has Vân Đồn and Cô Tô: "các xã, phường,
    đặc khu". The shorter name is still the registry's body of every commune, so check finds no unknown agency."""
    for unit, expected in (("thành phố Hà Nội", "xã, phường"), ("tỉnh Quảng Ninh", "xã, phường, đặc khu")):
        path = tmp_path / "tinh.yaml"
        text, _ = derive(parents_of(["qd-23-2021"]), unit, None, day=date(2025, 11, 26))
        path.write_text(text, encoding="utf-8")
        loaded = load_plan_or_raise(path)
        printed = plan_text(loaded.plan)
        assert f"Ủy ban nhân dân các {expected};" in printed, unit
        assert ("đặc khu" in printed) == ("đặc khu" in expected), unit
        assert loaded.registry.resolve_agency(f"Ủy ban nhân dân các {expected}") == "ubnd-cap-xa"


def test_a_bad_day_or_a_day_before_the_parent_is_a_usage_error(tmp_path, runner):
    base = ["derive", str(FIELDS / "ma-tuy.yaml"), "--unit", "tỉnh Nghệ An", "-o", str(tmp_path / "x.yaml")]
    for extra in (["--date", "31/02/2025"], ["--date", "26/11/2024"], ["--date", "26/11/2025", "--year", "2025"]):
        result = runner.invoke(main, base + extra)
        assert result.exit_code == 2, (extra, result.output)
        assert "Traceback" not in result.output
    assert "20/10/2025" in runner.invoke(main, base + ["--date", "26/11/2024"]).output
    assert not (tmp_path / "x.yaml").exists()


def test_local_reports_fall_before_the_parents_dues(tmp_path):
    out = tmp_path / "tinh.yaml"
    text, _ = derive(load_plan_or_raise(FIELDS / "ma-tuy.yaml"), "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    out.write_text(text, encoding="utf-8")
    reports = [r for b in load_plan_or_raise(out).plan.blocks() for r in b.reporting if "ubnd-cap-xa" in r.from_]
    dues = {r.period: (r.due.month, r.due.day) for r in reports}
    assert dues[ReportPeriod.SIX_MONTHS] < (6, 15) and dues[ReportPeriod.ANNUAL] < (11, 15)


def test_rederiving_after_the_agencies_changed_adds_only_new_items_and_twice_changes_nothing(tmp_path):
    out = tmp_path / "tinh.yaml"
    parents = parents_of(["qd-23-2021"])
    text, _ = derive(parents, "tỉnh Nghệ An", out, year=2024)
    out.write_text(text, encoding="utf-8")
    text, report = derive(parents, "tỉnh Nghệ An", out, day=date(2025, 11, 26))  # once exited 3: duplicate report id
    out.write_text(text, encoding="utf-8")
    assert load_plan_or_raise(out) and report.kept
    again, report = derive(parents, "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    assert again == text and not report.added


def test_the_parent_is_cited_as_the_registry_spells_it_and_a_title_in_ve_says_ve_once(tmp_path):
    out = tmp_path / "tinh.yaml"
    text, _ = derive(load_plan_or_raise(FIELDS / "bi-mat.yaml"), "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    assert "Chỉ thị số 32/CT-TTg" in text and "32-CT-TTg" not in text
    assert "về về" not in text.lower() and "về tăng cường công tác bảo vệ bí mật nhà nước" in text
    nghe_an, _ = derive(parents_of(["ct-28-2023", "qd-1183-2024"]), "tỉnh Nghệ An", tmp_path / "na.yaml", year=2025)
    assert "Chỉ thị số 28-CT/TW" in nghe_an


def test_issue_checks_the_plan_with_its_number_and_day_and_refuses_its_errors(tmp_path, runner):
    draft = tmp_path / "tinh.yaml"
    text, _ = derive(parents_of(["qd-23-2021"]), "tỉnh Nghệ An", draft, year=2025)  # 01/01/2025: Sở LĐTBXH leads
    draft.write_text(text, encoding="utf-8")
    assert runner.invoke(main, ["check", str(draft)]).exit_code == 0
    result = runner.invoke(main, ["issue", str(draft), "--number", "7", "--date", "26/11/2025", "-d", str(tmp_path / "o")])
    assert result.exit_code == 1, result.output
    assert "26/11/2025" in result.output and "01/03/2025" in result.output and str(draft) in result.output
    assert draft.read_text(encoding="utf-8") == text and not (tmp_path / "o").exists()
