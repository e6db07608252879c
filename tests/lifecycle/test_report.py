"""From results to report: the unit's form, the roll-up of several units, the Báo cáo as an ND30 DOCX."""

from __future__ import annotations

import io

import pytest
from docx import Document

from authoring.errors import InputError
from authoring.lifecycle.report import expected_units, meets, render_report, report_plan, results_form, rollup
from authoring.loading import load_plan_or_raise
from authoring.loading.results import load_results, results_to_yaml
from authoring.model.results import WorkStatus
from authoring.ooxml.reader import reading_order_lines
from helpers import FIXTURES, MINIMAL

GOOD = FIXTURES / "results" / "hoa-binh-2026-h1.yaml"


@pytest.fixture(scope="module")
def loaded():
    return load_plan_or_raise(MINIMAL)


def _unit(tmp_path, loaded, unit, value=None, numerator=None, denominator=None, status=WorkStatus.DONE,
          account=None, period="2026-H1", difficulties=None):
    form = results_form(loaded.plan, unit, period)
    entry = form.targets[0]
    entry.value, entry.numerator, entry.denominator = value, numerator, denominator
    form.work[0].status, form.work[0].account = status, account
    form.difficulties = difficulties
    path = tmp_path / f"{len(list(tmp_path.iterdir()))}.yaml"
    path.write_text(results_to_yaml(form, plan=loaded.plan), encoding="utf-8")
    result, index = load_results(path, loaded.plan)
    assert not index.has_errors, index.sorted()
    return result


def test_the_form_lists_every_target_with_its_unit_and_every_duty_not_started(loaded):
    form = results_form(loaded.plan, "Ủy ban nhân dân xã Hòa Bình", "2026-H1")
    assert [(t.target, t.unit, t.value) for t in form.targets] == [("ct-1", "%", None)]
    assert [(w.item, w.status) for w in form.work] == [("vhxh.1", WorkStatus.NOT_STARTED)]


def test_a_percentage_rolls_up_weighted_by_denominators_and_counts_units_meeting_it(tmp_path, loaded):
    units = [_unit(tmp_path, loaded, "UBND xã A", 100, 10, 10), _unit(tmp_path, loaded, "UBND xã B", 90, 90, 100)]
    (target,) = rollup(loaded.plan, units, "2026-H1").targets
    # 100/110 = 90.9%, not the mean 95%: the large commune weighs more
    assert target.weighted and round(target.total, 1) == 90.9
    assert (target.meeting, target.reported, target.achieved) == (1, 2, False)


def test_units_that_did_not_report_are_named(tmp_path, loaded):
    units = [_unit(tmp_path, loaded, "Ủy ban nhân dân xã Hòa Bình", 96, 48, 50)]
    roll = rollup(loaded.plan, units, "2026-H1", ["xã Hòa Bình", "xã Nam Sơn"])
    assert roll.missing == ["xã Nam Sơn"]


def test_results_of_another_period_or_a_unit_twice_are_refused(tmp_path, loaded):
    a = _unit(tmp_path, loaded, "UBND xã A", 96)
    with pytest.raises(InputError) as excinfo:
        rollup(loaded.plan, [a, _unit(tmp_path, loaded, "UBND xã B", 96, period="2026-H2"),
                             _unit(tmp_path, loaded, "UBND xã A", 97)], "2026-H1")
    assert sorted(f.code for f in excinfo.value.findings) == ["Q107", "Q107"]


def test_meets_follows_the_targets_direction(loaded):
    target = loaded.plan.sections[0].blocks[0].targets[0]  # ít nhất 95%
    assert meets(target, 95) is True and meets(target, 94.9) is False and meets(target, None) is None


def test_the_report_is_a_bao_cao_with_blank_number_and_date_citing_the_plan(tmp_path, loaded):
    units = [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50),
             _unit(tmp_path, loaded, "UBND xã B", 80, 80, 100, WorkStatus.NOT_DONE, "Thiếu cán bộ.",
                   difficulties="Thiếu kinh phí.")]
    plan = report_plan(loaded, rollup(loaded.plan, units, "2026-H1", ["xã A", "xã B", "xã C"]))
    doc = plan.document
    assert (doc.type, doc.symbol, doc.number, doc.date.month) == ("Báo cáo", "BC-UBND", None, None)
    assert doc.title.startswith("Kết quả thực hiện Kế hoạch số") and doc.title.endswith("6 tháng đầu năm 2026")
    from authoring.render.plain import plan_text

    text = plan_text(plan)
    assert "2/3 đơn vị đã gửi báo cáo. Chưa gửi báo cáo: xã C." in text
    assert "lý do: Thiếu cán bộ" in text and "Thiếu kinh phí (UBND xã B)" in text
    assert "thực hiện 85,3% (tính theo tử số, mẫu số" in text  # (48 + 80) / (50 + 100)
    assert plan.preamble[0].text.count("Ủy ban nhân dân xã Hòa Bình") == 1  # the plan's issuer is the reporter


def test_the_report_docx_is_lint_clean_with_its_annex_tables_and_the_same_bytes_twice(tmp_path, loaded):
    from authoring.rules.docx import lint_docx

    units = [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50)]
    roll = rollup(loaded.plan, units, "2026-H1", ["xã A", "xã C"])
    data = render_report(loaded, roll)
    assert data == render_report(loaded, roll)
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(data)
    assert list(lint_docx(out)) == []
    document = Document(io.BytesIO(data))
    lines = reading_order_lines(document)
    assert "BÁO CÁO" in lines and "Phụ lục I" in lines and "Phụ lục II" in lines
    targets, units_table = document.tables[-2], document.tables[-1]
    assert [c.text for c in targets.rows[1].cells][2:] == ["ít nhất 95%", "96%", "1/1", "đạt"]
    assert [c.text for c in units_table.rows[2].cells][1:3] == ["xã C", "chưa báo cáo"]


def test_the_list_of_units_accepts_bullets_and_numbers(tmp_path):
    path = tmp_path / "don-vi.txt"
    path.write_text("1. xã Hòa Bình\n- phường Vinh Tân;\n\nxã Hòa Bình\n", encoding="utf-8")
    assert expected_units(path) == ["xã Hòa Bình", "phường Vinh Tân"]


def test_a_communes_results_on_its_own_plan_are_restated_on_the_province_plan_through_links():
    from authoring.lifecycle.report import lift_results

    child = load_plan_or_raise(FIXTURES / "check" / "child.yaml").plan
    parent = load_plan_or_raise(FIXTURES / "check" / "parent.yaml").plan
    form = results_form(child, "Ủy ban nhân dân xã Hòa Bình", "2026-H1")
    form.targets[0].value = 97
    statuses = {"vhxh.1": WorkStatus.DONE, "vhxh.2": WorkStatus.NOT_DONE, "thon.1": WorkStatus.DONE}
    for entry in form.work:
        entry.status = statuses.get(entry.item, WorkStatus.DONE)
    lifted = lift_results(form, child, parent)
    assert lifted.plan == "tinh-2026"
    assert [(t.target, t.value) for t in lifted.targets][:1] == [("ct-p1", 97)]
    assert {w.item: w.status for w in lifted.work} == {"p-xa-1": WorkStatus.DONE, "p-xa-2": WorkStatus.NOT_DONE}


def test_a_draft_plan_is_cited_without_gaps_for_its_number_and_date(loaded):
    from authoring.lifecycle.report import plan_citation

    assert plan_citation(loaded.plan, with_issuer=False) == "Kế hoạch số …/KH-UBND năm 2026"


def test_many_units_that_did_not_report_are_counted_in_the_body_and_named_in_the_annex(tmp_path, loaded):
    from authoring.lifecycle.report import annex_tables
    from authoring.render.plain import plan_text

    units = [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50)]
    expected = ["xã A"] + [f"xã Số {i}" for i in range(1, 13)]
    roll = rollup(loaded.plan, units, "2026-H1", expected)
    assert "Chưa gửi báo cáo: 12 đơn vị (danh sách ở Phụ lục II)." in plan_text(report_plan(loaded, roll))
    assert [row[1] for row in annex_tables(roll)[1][2]][-1] == "xã Số 12"


def test_the_same_period_last_year_stands_beside_each_target_with_the_change_in_points(tmp_path, loaded):
    from authoring.lifecycle.report import annex_tables, compare, previous_period

    now = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50)], "2026-H1")
    before = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 90, 45, 50, period="2025-H1")], "2025-H1")
    assert previous_period("2026-H1") == "2025-H1" and previous_period("2026") == "2025"
    roll = compare(now, before)
    from authoring.render.plain import plan_text

    text = plan_text(report_plan(loaded, roll))
    assert "thực hiện 96% (tính theo tử số, mẫu số của các đơn vị); cùng kỳ năm 2025: 90%, tăng 6 điểm phần trăm" in text
    columns, rows = annex_tables(roll)[0][1:]
    assert [c for c, _ in columns][4:6] == ["Cùng kỳ năm 2025", "Tăng, giảm so với cùng kỳ năm 2025"]
    assert rows[0][3:6] == ["96%", "90%", "tăng 6 điểm phần trăm"]
    assert round(sum(w for _, w in columns), 1) == round(sum(w for _, w in annex_tables(now)[0][1]), 1)


def test_a_later_period_is_refused_as_the_one_to_compare_with(tmp_path, loaded):
    from authoring.lifecycle.report import compare

    now = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 96)], "2026-H1")
    later = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 90, period="2026-H2")], "2026-H2")
    with pytest.raises(InputError, match="phải trước kỳ báo cáo"):
        compare(now, later)


def test_the_report_with_last_year_is_lint_clean(tmp_path, loaded):
    from authoring.lifecycle.report import compare
    from authoring.rules.docx import lint_docx

    now = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 80, 40, 50)], "2026-H1", ["xã A", "xã B"])
    before = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 90, 45, 50, period="2025-H1")], "2025-H1")
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(render_report(loaded, compare(now, before)))
    assert list(lint_docx(out)) == []
    cells = [c.text for c in Document(out).tables[-2].rows[1].cells]
    assert cells[3:6] == ["80%", "90%", "giảm 10 điểm phần trăm"]


def test_a_target_without_indicator_is_named_by_its_words_never_its_id(tmp_path, loaded):
    from authoring.lifecycle.report import annex_tables
    from authoring.render.plain import plan_text

    roll = rollup(loaded.plan, [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50)], "2026-H1")
    assert annex_tables(roll)[0][2][0][1] == "95% trẻ em có hoàn cảnh đặc biệt được trợ giúp"
    assert "ct-1" not in plan_text(report_plan(loaded, roll))


@pytest.mark.parametrize("kind, due, due_year, period, expected", [
    ("nam", "01/12", None, "2026", "2026-12-01"),          # the Nghệ An 2025 plan's yearly report
    ("nam", "15/01", None, "2026", "2027-01-15"),          # due in January: the report on the year before
    ("nam", "01/12", None, "2026-H1", None),               # a yearly clause says nothing of a half year
    ("6_thang", "10/6", None, "2026-H1", "2026-06-10"),
    ("6_thang", "10/6", None, "2026-H2", "2026-12-10"),    # six months on
    ("6_thang", "15/11", None, "2026-H1", "2026-05-15"),   # written for the second half
    ("6_thang", "31/5", None, "2026-H2", "2026-11-30"),    # 31/11 does not exist: the month's last day
    ("6_thang", "10/5", 2024, "2026-H1", None),            # Kiến An: due 10/5/2024, that year only
    ("6_thang", "10/5", 2024, "2024-H1", "2024-05-10"),
    ("quy", "20/3", None, "2026-Q1", "2026-03-20"),        # the 20th of each quarter's last month
    ("quy", "20/3", None, "2026-Q3", "2026-09-20"),
    ("quy", "05/4", None, "2026-Q1", "2026-04-05"),        # the 5th of the month after the quarter
    ("quy", "05/4", None, "2026-Q4", "2027-01-05"),
    ("quy", "20/3", None, "2026-H1", None),                # a quarterly clause says nothing of a half year
    ("thang", "20/01", None, "2026-03", "2026-03-20"),     # «trước ngày 20 hằng tháng»: in the month reported on
    ("thang", "05/01", None, "2026-03", "2026-04-05"),     # before the figures close (14th): the month after
    ("thang", "05/01", None, "2026-12", "2027-01-05"),
    ("thang", "31/01", None, "2026-02", "2026-02-28"),     # the month's last day
    ("thang", "20/01", None, "2026-Q1", None),
    ("nam", None, None, "2026", None),
])
def test_a_reporting_clause_gives_the_due_date_of_each_period(kind, due, due_year, period, expected):
    from authoring.lifecycle.report import reporting_due
    from authoring.model import Reporting

    clause = Reporting.model_validate({"id": "bc", "from": ["ubnd-cap-xa"], "to": ["so-ldtbxh"], "period": kind,
                                       **({"due": due} if due else {}), **({"due_year": due_year} if due_year else {})})
    got = reporting_due(clause, period)
    assert (got.isoformat() if got else None) == expected


@pytest.mark.parametrize("code, after", [("2026-H2", "2027-H1"), ("2026-Q4", "2027-Q1"), ("2026-03", "2026-04"),
                                         ("2026-12", "2027-01"), ("2026", "2027")])
def test_the_next_period_follows_the_same_rhythm(code, after):
    from authoring.lifecycle.report import next_period

    assert next_period(code) == after


def test_a_monthly_report_is_titled_by_its_month_and_looks_ahead_to_the_next(tmp_path, loaded):
    from authoring.render.plain import plan_text

    units = [_unit(tmp_path, loaded, "UBND xã A", 96, 48, 50, period="2026-03")]
    plan = report_plan(loaded, rollup(loaded.plan, units, "2026-03"))
    assert plan.document.title.endswith("tháng 3 năm 2026") and plan.id.endswith("-bc-2026-03")
    assert "PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 4 NĂM 2026" in plan_text(plan)


def test_a_plan_offers_quarters_and_months_only_when_a_clause_reports_so():
    from authoring.lifecycle.report import plan_periods
    from authoring.model import Reporting
    from authoring.model.walk import iter_blocks

    plan = load_plan_or_raise(MINIMAL).plan.model_copy(deep=True)
    assert plan_periods(plan, 2026) == ["2026-H1", "2026-H2", "2026"]
    clause = {"from": ["ubnd-cap-xa"], "to": ["so-ldtbxh"]}
    next(iter_blocks(plan))[1].reporting = [
        Reporting.model_validate({"id": "bc-q", "period": "quy", "due": "20/3", **clause}),
        Reporting.model_validate({"id": "bc-t", "period": "thang", "due": "20/1", **clause})]
    periods = plan_periods(plan, 2026)
    assert periods[3:7] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] and periods[7] == "2026-01" and \
        periods[-1] == "2026-12"
