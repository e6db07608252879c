"""A value the document prints but a plan cannot hold is kept and flagged, never a reason to lose the document."""

from __future__ import annotations

from click.testing import CliRunner

from authoring.cli import main
from authoring.importing.recognise import Recogniser
from authoring.importing.sources import read_text
from authoring.loading import load_plan_or_raise, load_registry
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
