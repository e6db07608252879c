"""Deriving every commune's draft, and PDFs of many plans, in this machine's processes (what a batch's queue job does
on the worker: tests/security/test_batch_worker.py runs it through a real RQ worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.workspace import jobs
from authoring.loading import load_plan
from ws_fixtures import *  # noqa: F401,F403  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
UNITS = ["xã Anh Sơn", "xã Nam Đàn", "phường Vinh Hưng", "xã Con Cuông"]


@pytest.fixture(scope="module")
def province_text(tmp_path_factory):
    """Nghệ An's 2025 plan brought to 2026 by `kehoach new-year`: its duties now go to communes and wards."""
    from authoring.web import core

    loaded, _ = load_plan(ROOT / "plans/examples/nghe-an-2025-kh-07.yaml")
    text, _report = core.new_year(loaded, 2026)
    return text


def collect(**kwargs) -> tuple[str, dict]:
    results = {}
    backend = jobs.run_batch("ke-hoach-tinh.yaml", kwargs.pop("text"), UNITS + ["xã Không Có Thật"],
                             lambda r: results.__setitem__(r["unit"], r), **kwargs)
    return backend, results


def _check(results: dict, province_text: str) -> None:
    import yaml

    province_id = yaml.safe_load(province_text)["id"]
    for unit in UNITS:
        result = results[unit]
        assert result["ok"], result["error"]
        assert f"ỦY BAN NHÂN DÂN" in result["text"] and unit.split(" ", 1)[1].upper() in result["text"]
        assert yaml.safe_load(result["text"])["implements"] == [province_id]   # the province plan, by its id
        assert result["format_ok"] and result["counts"]["error"] == 0
        assert result["cells"] and all(c["status"] == "taken" for c in result["cells"].values())


def test_derive_in_local_processes(province_text):
    backend, results = collect(text=province_text, workers=2)
    assert backend == "process"
    _check(results, province_text)


def test_one_failing_unit_does_not_stop_the_batch(province_text):
    result = jobs.derive_one("ke-hoach-tinh.yaml", province_text, "huyện Cũ")
    assert not result["ok"] and result["error"]
    result = jobs.derive_one("ke-hoach-tinh.yaml", "kind: plan\nid: hong\n", "xã Anh Sơn")
    assert not result["ok"] and "lỗi định dạng" in result["error"]


def test_pdfs_for_many_plans_in_chunks(province_text):
    drafts = [jobs.derive_one("ke-hoach-tinh.yaml", province_text, unit)["text"] for unit in UNITS[:2]]
    got = {}
    backend = jobs.run_pdf_batch([(1, drafts[0]), (2, drafts[1]), (3, "kind: plan\nid: hong\n")],
                                 lambda r: got.__setitem__(r["plan"], r), chunk=2)
    assert backend == "process"
    assert got[1]["ok"] and got[1]["pdf"].startswith(b"%PDF") and got[2]["ok"]
    assert not got[3]["ok"] and "lỗi định dạng" in got[3]["error"]
    from pypdf import PdfReader
    import io

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(got[2]["pdf"])).pages)
    assert "NAM ĐÀN" in text.upper()


def test_the_pdf_batch_prints_a_number_only_for_a_plan_carrying_its_issue_record(tmp_path):
    """«Lập cho mọi xã» PDFs follow the rule of kehoach render: a number typed by hand, even with a full date, is a
    draft; the number the issue record vouches for is printed."""
    import io

    import pdfplumber

    from authoring.lifecycle.issue import issue
    from helpers import MINIMAL

    typed = MINIMAL.read_text(encoding="utf-8").replace("  symbol: KH-UBND", "  number: 7\n  symbol: KH-UBND", 1)
    marked = tmp_path / "ke-hoach.yaml"
    marked.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    issue(marked, 7, "06/01/2026", force=True)
    got = {}
    jobs.run_pdf_batch([(1, typed), (2, marked.read_text(encoding="utf-8"))], lambda r: got.__setitem__(r["plan"], r))
    first = {}
    for plan_id in (1, 2):
        assert got[plan_id]["ok"], got[plan_id]["error"]
        with pdfplumber.open(io.BytesIO(got[plan_id]["pdf"])) as pdf:
            first[plan_id] = pdf.pages[0].extract_text()
    assert "DỰ THẢO" in first[1] and "07/KH-UBND" not in first[1]
    assert "Số: 07/KH-UBND" in first[2] and "DỰ THẢO" not in first[2]
