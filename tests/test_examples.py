"""The five seed plans as data: they load, hold their facts as typed data, and keep every word."""

import difflib
import json
import re

import pytest

from authoring.cli import main
from authoring.render.json import plan_to_json
from authoring.loading import load_plan
from authoring.render.plain import plan_text
from helpers import EXAMPLES, SEEDS_DIR, example

SEED_FILES = {"lang-son": "000", "kien-an": "001", "nghe-an": "002", "dak-nong": "003", "kon-tum": "004"}


def data(name: str) -> dict:
    loaded, index = load_plan(example(name))
    assert loaded is not None and not index.has_errors
    return plan_to_json(loaded)


def test_there_is_one_example_per_seed():
    assert len(EXAMPLES) == 5
    for key in SEED_FILES:
        example(key)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_loads_without_findings(path):
    _, index = load_plan(path)
    assert len(index) == 0, [f.message for f in index]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_starts_with_the_editor_schema_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/plan.schema.json"


def test_kien_an_targets_are_numbers():
    targets = {t["id"]: t for t in data("kien-an")["targets"]}
    assert targets["ct-1"]["value"] == 99 and targets["ct-1"]["unit"] == "%"
    assert targets["ct-4"]["value"] == 90 and targets["ct-4"]["year"] == 2024


@pytest.mark.parametrize("name, expected", [
    ("kien-an", {"10/05", "10/11", "15/05", "15/11"}),
    ("kon-tum", {"10/06", "10/12"}),
    ("dak-nong", {"15/12"}),
    ("nghe-an", {"01/12"}),
])
def test_reporting_deadlines_have_day_and_month(name, expected):
    assert {r["due"] for r in data(name)["reporting"] if r["due"]} == expected


def test_kien_an_sub_units_report_through_the_labour_office_before_the_district_reports_upward():
    reports = {r["id"]: r for r in data("kien-an")["reporting"]}
    assert reports["bc-phuong-6t"]["from"] == ["ubnd-cap-xa"] and reports["bc-phuong-6t"]["via"] == ["phong-ldtbxh"]
    assert reports["bc-quan-6t"]["to"] == ["so-ldtbxh", "ubnd-huyen"]


@pytest.mark.parametrize("name, agency, count", [
    ("nghe-an", "so-ldtbxh", 5), ("nghe-an", "so-gddt", 7), ("kon-tum", "toa-an-tinh", 5),
    ("dak-nong", "cong-an-tinh", 1), ("lang-son", "so-ldtbxh", 4), ("kien-an", "phong-ldtbxh", 6),
])
def test_every_duty_sits_under_its_agency(name, agency, count):
    duties = [d for d in data(name)["duties"] if d["agency"] == agency]
    assert len(duties) == count
    assert all(d["id"] and d["text"] for d in duties)


def test_requests_to_mass_organisations_are_marked_as_requests():
    duties = data("kon-tum")["duties"]
    assert all(d["request"] for d in duties if d["agency"] in {"toa-an-tinh", "uy-ban-mttq-tinh", "tinh-doan"})
    assert not any(d["request"] for d in duties if d["agency"] == "so-y-te")


@pytest.mark.parametrize("name, code, date", [
    ("nghe-an", "1183/QĐ-TTg", "2024-10-14"), ("nghe-an", "28-CT/TW", "2023-12-25"),
    ("dak-nong", "23/QĐ-TTg", "2021-01-07"), ("kon-tum", "1863/QĐ-TTg", "2019-12-23"),
    ("lang-son", "2361/QĐ-TTg", "2015-12-22"), ("kien-an", "61/KH-SLĐTBXH", "2024-03-09"),
])
def test_citations_carry_number_symbol_and_date(name, code, date):
    bases = {b["code"]: b for b in data(name)["bases"]}
    assert bases[code]["date"] == date
    assert bases[code]["number"] and bases[code]["symbol"]


def test_kon_tum_keeps_the_issuers_wrong_number_for_the_checks_to_find():
    assert "446/QĐ-LĐTBXH" in {b["code"] for b in data("kon-tum")["bases"]}


@pytest.mark.parametrize("name, signer, last_recipient", [
    ("nghe-an", "Bùi Đình Long", "- Lưu: VT, KGVX (TP, Th)."),
    ("kien-an", "Nguyễn Phong Doanh", "- Lưu: VT, LĐTBXH."),
    ("dak-nong", "Tôn Thị Ngọc Hạnh", "- Lưu: VT, CTTĐT, KGVX(Hp)."),
    ("kon-tum", "Nguyễn Hữu Tháp", "- Lưu: VT,KGVX.NTMD."),
    ("lang-son", "Dương Xuân Huyên", "- Lưu: VT, KGVX(NCD)."),
])
def test_recipients_and_signer(name, signer, last_recipient):
    plan = data(name)
    assert plan["signature"]["name"] == signer
    assert plan["recipients"][-1] == last_recipient
    assert plan["recipients"][0].startswith("- ")


def _words(text: str) -> list[str]:
    """Words without the seed's markdown marks; case folded because ND30 upper-cases Roman headings."""
    text = re.sub(r"</?sub>|[#*|^¹²]", "", text)
    return text.casefold().split()


@pytest.mark.parametrize("name", sorted(SEED_FILES))
def test_every_word_of_the_seed_is_in_the_data(name):
    seed_path = next(SEEDS_DIR.glob(f"{SEED_FILES[name]}_*.txt"))
    seed = _words(seed_path.read_text(encoding="utf-8"))
    loaded, _ = load_plan(example(name))
    ours = _words(plan_text(loaded.plan))
    matcher = difflib.SequenceMatcher(None, seed, ours, autojunk=False)
    missing = [" ".join(seed[i1:i2]) for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]
    # Allowed differences: ND30's leading zero, the closing ';' ND30 requires on a recipient line,
    # and the footnote text, which the data keeps at the end instead of mid-page.
    allowed = {"7/kh-ubnd", "(b/c)", "noi nhậm:"}
    missing = [m for m in missing if m not in allowed and not m.startswith("tại thông tư số 02/2018")]
    assert missing == []
    assert matcher.ratio() >= 0.99


def test_show_json_has_the_documented_top_level_keys(runner):
    result = runner.invoke(main, ["show", "--json", str(example("nghe-an"))])
    assert result.exit_code == 0
    payload = json.loads(result.output)
    for key in ("issuer", "number", "symbol", "place", "date", "year", "title", "bases", "targets", "tasks",
                "duties", "reporting", "recipients", "signature"):
        assert key in payload
    assert payload["number"] == 7 and payload["date"] == "2025-01-06" and payload["year"] == 2025


def test_show_json_gives_null_date_while_day_or_month_is_blank(runner):
    payload = json.loads(runner.invoke(main, ["show", "--json", str(example("dak-nong"))]).output)
    assert payload["date"] is None and payload["date_partial"] == "2021-02" and payload["year"] == 2021
