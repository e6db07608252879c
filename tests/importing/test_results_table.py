"""A unit's results from the XLSX form or a CSV export: read back by column name, bounded, formulas refused."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from authoring.errors import InputError
from authoring.importing.results_table import results_from_csv, results_from_xlsx
from authoring.lifecycle.report import item_texts, results_form
from authoring.loading import load_plan_or_raise
from authoring.model.results import WorkStatus
from authoring.render.results_xlsx import results_xlsx
from helpers import MINIMAL


@pytest.fixture(scope="module")
def plan():
    return load_plan_or_raise(MINIMAL).plan


def _filled(tmp_path, plan, value="96,0", status="hoàn thành", extra=None):
    form = results_form(plan, "Ủy ban nhân dân xã Hòa Bình", "2026-H1")
    book = load_workbook(io.BytesIO(results_xlsx(plan, form, item_texts(plan))))
    targets, work = book["Chỉ tiêu"], book["Nhiệm vụ"]
    assert targets["A2"].value == "ct-1" and targets["B2"].value.startswith("95% trẻ em")
    targets["E2"], targets["F2"], targets["G2"] = value, 48, 50
    work["C2"], work["D2"] = status, "Đã tham mưu ban hành kế hoạch."
    book["Thông tin"]["B5"] = "Thiếu cán bộ chuyên trách."
    if extra:
        extra(book)
    path = tmp_path / "ket-qua.xlsx"
    book.save(path)
    return path


def test_the_filled_form_reads_back_as_results(tmp_path, plan):
    results = results_from_xlsx(_filled(tmp_path, plan))
    (target,) = results.targets
    assert (target.target, target.value, target.numerator, target.denominator) == ("ct-1", 96.0, 48, 50)
    assert results.work[0].status is WorkStatus.DONE and results.difficulties == "Thiếu cán bộ chuyên trách."
    assert (results.plan, results.period) == ("thu-nghiem-2026", "2026-H1")


def test_a_formula_is_refused_not_computed(tmp_path, plan):
    with pytest.raises(InputError) as excinfo:
        results_from_xlsx(_filled(tmp_path, plan, value="=F2/G2*100"))
    (finding,) = excinfo.value.findings
    assert finding.code == "Q110" and "Chỉ tiêu!E2" in finding.message and "công thức" in finding.message


def test_an_unknown_status_names_the_cell_and_the_choices(tmp_path, plan):
    with pytest.raises(InputError) as excinfo:
        results_from_xlsx(_filled(tmp_path, plan, status="xong"))
    (finding,) = excinfo.value.findings
    assert "Nhiệm vụ!C2" in finding.message and "hoàn thành" in finding.suggestion


def test_too_many_rows_are_refused(tmp_path, plan, monkeypatch):
    from authoring import limits

    monkeypatch.setattr(limits, "MAX_RESULTS_ROWS", 3)

    def many(book):
        for i in range(10):
            book["Nhiệm vụ"].append([f"x{i}", "", "hoàn thành"])

    with pytest.raises(InputError, match="bảng kết quả"):
        results_from_xlsx(_filled(tmp_path, plan, extra=many))


def test_a_file_that_is_not_xlsx_is_refused_with_a_message(tmp_path):
    bad = tmp_path / "bang.xlsx"
    bad.write_bytes(b"%PDF-1.7 not a table")
    with pytest.raises(InputError) as excinfo:
        results_from_xlsx(bad)
    assert "không phải tệp Excel" in excinfo.value.findings[0].message


def test_a_csv_export_maps_codes_to_targets_and_tasks(tmp_path, plan):
    path = tmp_path / "xuat.csv"
    path.write_text("Mã;Giá trị đạt được;Đơn vị đo;Tử số;Mẫu số;Trạng thái\nct-1;96,0;%;48;50;\n"
                    "vhxh.1;;;;;đang thực hiện\n", encoding="utf-8-sig")
    results = results_from_csv(path, plan, "xã Hòa Bình", "2026-H1")
    assert results.targets[0].value == 96.0 and results.work[0].status is WorkStatus.IN_PROGRESS


def test_a_csv_row_with_an_unknown_code_is_an_error_naming_the_row(tmp_path, plan):
    path = tmp_path / "xuat.csv"
    path.write_text("Mã,Giá trị đạt được\nct-9,3\n", encoding="utf-8")
    with pytest.raises(InputError) as excinfo:
        results_from_csv(path, plan, "xã Hòa Bình", "2026-H1")
    assert "dòng 2" in excinfo.value.findings[0].message


def test_an_xlsx_declaring_xml_entities_is_refused_before_it_is_parsed(tmp_path, plan):
    import zipfile

    good = _filled(tmp_path, plan)
    bad = tmp_path / "thuc-the.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1)
            target.writestr(info, data)
    with pytest.raises(InputError) as excinfo:
        results_from_xlsx(bad)
    assert "DTD" in excinfo.value.findings[0].message
