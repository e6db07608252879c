"""A value the document prints but a plan cannot hold is kept and flagged, never a reason to lose the document."""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from authoring.cli import main
from authoring.importing.recognise import ImportRefused, Recogniser
from authoring.importing.sources import Para, read_text
from authoring.loading import load_plan, load_plan_or_raise, load_registry
from authoring.loading.writer import SCHEMA_LINE, dump_tree, to_tree
from authoring.ooxml.facts import facts_from_text
from helpers import SEEDS_DIR

NGHE_AN = next(SEEDS_DIR.glob("002_*.txt"))


def test_a_citation_dated_5014_keeps_the_document_and_the_citation_and_says_so(tmp_path):
    source = tmp_path / "nghe-an.txt"
    source.write_text(NGHE_AN.read_text(encoding="utf-8").replace("Quyết định số 1183/QĐ-TTg ngày 14/10/2024",
                                                                  "Quyết định số 1183/QĐ-TTg ngày 14/10/5014", 1),
                      encoding="utf-8")
    out = tmp_path / "kh.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "1183/QĐ-TTg ghi ngày có năm 5014" in result.output and "bases[1].date" in result.output
    bases = load_plan_or_raise(out).plan.bases
    assert bases[1].code == "1183/QĐ-TTg" and bases[1].date is None


def test_an_issuer_line_of_229_characters_is_kept_whole_in_the_header_and_flagged():
    path = NGHE_AN
    facts = facts_from_text(path.read_text(encoding="utf-8"))
    long_name = ("ỦY BAN NHÂN DÂN TỈNH NGHỆ AN SỞ LAO ĐỘNG THƯƠNG BINH VÀ XÃ HỘI TRUNG TÂM CÔNG TÁC XÃ HỘI VÀ QUỸ BẢO "
                 "TRỢ TRẺ EM PHÒNG TỔ CHỨC HÀNH CHÍNH TỔNG HỢP VÀ KẾ HOẠCH TÀI CHÍNH BAN CHỈ ĐẠO CÔNG TÁC TRẺ EM NHIỆM KỲ")
    assert len(long_name) > 200
    facts.issuer, facts.issuer_lines = long_name, [long_name]
    recogniser = Recogniser(load_registry())
    tree = recogniser.recognise(read_text(path), facts).tree
    issuer = tree["document"]["issuer"]
    assert len(issuer["name"]) <= 200 and issuer["name"].endswith("…")
    assert " ".join(issuer["header"]) == long_name and all(len(line) <= 200 for line in issuer["header"])
    assert any(f"dài {len(long_name)} ký tự" in w for w in recogniser.warnings)


def test_monthly_and_quarterly_report_deadlines_are_read_as_the_first_months_date():
    """«trước ngày 20 hằng tháng», «trước ngày 20 tháng cuối quý», «trước ngày 05 hằng quý» become deadlines the
    report's due dates can be computed from (reporting_due), not clauses without a date."""
    recogniser = Recogniser(load_registry())
    block: dict = {}
    text = ("Các xã báo cáo kết quả về Sở Y tế trước ngày 20 hằng tháng; báo cáo quý gửi trước ngày 18 tháng cuối "
            "quý; báo cáo nhanh quý trước ngày 05 hằng quý.")
    recogniser.reporting(block, text, ["ubnd-cap-xa"])
    assert [(r["period"], r["due"]) for r in block["reporting"]] == [("thang", "20/01"), ("quy", "18/03"),
                                                                     ("quy", "05/04")]


# Letters of every kind a header may print, the marks OCR leaves, and what breaks a line or a YAML file.
_ODD = st.lists(st.sampled_from(list("AĐƯƠỆỸaeđơưỹ0129 -/.,:;()#&*!|'\"…") + ["\t", "\n", "\r", "\u00a0", "\u200b",
                                                                            "\x00", "\x1b", "\u2028", "e\u0301",
                                                                            "- ", "{", "}", "[", "]", "%", "@"]),
               max_size=300).map("".join)
_BASE_TEXT = NGHE_AN.read_text(encoding="utf-8")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.generate])   # shrinking a whole import takes minutes
@given(issuer=_ODD.map(lambda v: f"SỞ {v}"), parent=_ODD, lines=st.lists(_ODD, max_size=4), number=st.from_regex(r"\A[0-9]{0,14}\Z"),
       number_year=st.from_regex(r"\A[0-9]{0,5}\Z"),
       symbol=st.one_of(st.from_regex(r"\A[A-ZĐ]{1,6}(-[A-ZĐ0-9]{1,90}){0,3}\Z"), _ODD),
       date=st.one_of(st.dates().map(str), st.sampled_from(["5014-01-06", "0001-01-01", "2025", "9999-12",
                                                             "2025-02-30", "2025-13", "12/2025"])),
       place=_ODD, title=st.text(st.sampled_from(list("Kế hoạch ưđ\t\n\x00;") + ["\u2029"]), max_size=2600).map(lambda v: f"Về {v}"),
       doc_type=st.sampled_from([None, "Kế hoạch", "Công văn", "Quyết định"]),
       recipients=st.lists(_ODD, max_size=6))
def test_any_header_value_and_recipient_line_gives_a_plan_that_loads_and_validates(
        issuer, parent, lines, number, number_year, symbol, date, place, title, doc_type, recipients):
    """Whatever a reader makes of the header and the Nơi nhận lines (OCR, a damaged copy), the written YAML loads and
    validates: an over-long or odd value is kept (shortened where the model bounds it) and flagged, never a refusal."""
    facts = facts_from_text(_BASE_TEXT)
    facts.issuer, facts.parent_issuer, facts.issuer_lines = issuer, parent or None, lines
    facts.number, facts.number_year = number or None, number_year or None
    facts.symbol, facts.date, facts.place, facts.title = symbol or facts.symbol, date, place or None, title
    facts.doc_type = doc_type
    paras = [Para(t) for t in _BASE_TEXT.splitlines() if t.strip()]
    at = next(i for i, p in enumerate(paras) if p.text.startswith("Nơi nhận"))
    end = next(i for i, p in enumerate(paras) if p.text.startswith("TM."))
    paras[at + 1:end] = [Para(f"- {line}") for line in recipients]
    recogniser = Recogniser(load_registry())
    try:
        tree = recogniser.recognise(paras, facts).tree
    except ImportRefused as refused:
        # only a ký hiệu the decree's shape cannot hold, or a day that is no day, and the message quotes it
        assert {name for name, _, _ in refused.missing} <= {"symbol", "date"}
        assert all(what.startswith("!") for _, what, _ in refused.missing)
        return
    text = dump_tree(to_tree(tree), SCHEMA_LINE, name="thử")
    loaded, index = load_plan("nhap.yaml", text=text)
    assert loaded is not None and not index.has_errors, [f.message for f in index.findings][:3]


def test_a_unit_under_a_national_governing_body_is_imported_at_central_level_with_a_warning(tmp_path):
    """A power-dispatch centre's Kế hoạch (tune5, docx-811): its header names the unit and its governing body "… QUỐC
    GIA", no province or commune; the level is inferred from the governing body, not refused."""
    from helpers import ROOT

    source = next((ROOT / "tests" / "fixtures" / "real" / "docx").glob("811-*.docx"))
    out = tmp_path / "kh.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "suy ra từ tên cơ quan chủ quản \"TRUNG TÂM ĐIỀU ĐỘ HỆ THỐNG ĐIỆN QUỐC GIA\"" in result.output
    assert "trung ương" in result.output
    assert load_plan_or_raise(out).plan.document.level.value == "trung_uong"


def test_a_task_lead_of_244_characters_is_shortened_and_flagged_not_a_lost_document(tmp_path):
    """Thanh Hóa (tune5, docx-810): a whole sentence of an annex read as the lead of a task."""
    from helpers import ROOT

    source = next((ROOT / "tests" / "fixtures" / "real" / "docx").glob("810-*.docx"))
    out = tmp_path / "qd.yaml"
    result = CliRunner().invoke(main, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "task.lead[0] dài 244 ký tự (quá 200" in result.output
    lead = load_plan_or_raise(out).plan.sections[0].blocks[0].task.lead[0]
    assert len(str(lead)) <= 200 and str(lead).endswith("…")
