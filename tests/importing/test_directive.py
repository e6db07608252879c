"""import --directive: a real decision's or plan's text becomes a directive with its duties, agencies and lines."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from authoring.cli import main
from authoring.importing.directive import import_directive
from authoring.lifecycle.derive import derive
from authoring.loading import load_plan, load_plan_or_raise
from authoring.model.walk import iter_blocks, iter_duties, iter_targets
from helpers import FIXTURES

PAIRS = FIXTURES / "derive_pairs"
CT32 = {"type": "Chỉ thị", "number": 32, "symbol": "CT-TTg", "date": "2025-10-21", "issuer": "Thủ tướng Chính phủ",
        "title": "Về tăng cường công tác bảo vệ bí mật nhà nước trong tình hình mới", "level": "trung_uong"}


def _load(text: str, tmp_path: Path, name: str = "vb.yaml"):
    out = tmp_path / name
    out.write_text(text, encoding="utf-8")
    loaded, index = load_plan(out)
    assert loaded is not None and not index.has_errors, [f.message for f in index.findings]
    return loaded


def test_directive_gives_each_addressed_body_its_duties_with_the_source_line(tmp_path):
    result = import_directive(PAIRS / "parents" / "ct-32-2025.txt", CT32)
    loaded = _load(result.yaml_text, tmp_path)
    assert loaded.plan.kind == "directive" and loaded.plan.id == "ct-32-2025"
    assert loaded.plan.status.value == "unconfirmed"
    duties = {}
    for duty in iter_duties(loaded.plan):
        duties.setdefault(duty.agencies, []).append(duty)
    # (1) the ministers and the chairs of the provinces' People's Committees; (2) the Minister of Public Security
    assert ("cac-bo-nganh", "ubnd-tinh") in duties and len(duties[("cac-bo-nganh", "ubnd-tinh")]) >= 6
    assert ("bo-cong-an",) in duties and ("bo-khcn",) in duties and ("bo-noi-vu",) in duties
    lines = (PAIRS / "parents" / "ct-32-2025.txt").read_text(encoding="utf-8").split("\n")
    heads = [b for _, b in iter_blocks(loaded.plan) if b.agency and b.source]
    assert all(d.block.source for d in iter_duties(loaded.plan))   # every duty says where it is written
    for block in heads + [d.block for d in iter_duties(loaded.plan)]:
        file, line = block.source.rsplit(", dòng ", 1)
        assert file == "ct-32-2025.txt"
        assert (block.title or block.text).split()[0] in lines[int(line) - 1]


def test_bodies_not_in_the_registry_are_kept_as_written_and_reported(tmp_path):
    result = import_directive(PAIRS / "parents" / "ct-32-2025.txt", CT32)
    names = [n for n, _ in result.unknown]
    assert "Văn phòng Quốc hội" in names and "Kiểm toán nhà nước" in names
    assert "Bộ Quốc phòng" not in names  # in the registry since derive's counterparts (bo-quoc-phong)
    assert all(line > 0 for _, line in result.unknown)
    loaded = _load(result.yaml_text, tmp_path)
    assert any("Văn phòng Quốc hội" in d.agencies for d in iter_duties(loaded.plan))


def test_targets_listed_after_a_goal_lead_in_are_recognised(tmp_path):
    result = import_directive(PAIRS / "parents" / "qd-7619-2025.txt",
                              {"type": "Quyết định", "number": 7619, "symbol": "QĐ-BCA", "date": "2025-09-08",
                               "issuer": "Bộ Công an", "level": "trung_uong",
                               "title": "Phê duyệt Chương trình mục tiêu quốc gia phòng, chống ma túy đến năm 2030"})
    loaded = _load(result.yaml_text, tmp_path)
    values = sorted(t.value for _, _, t in iter_targets(loaded.plan))
    assert values == [80, 90, 100, 100]


def test_a_province_plan_imports_as_a_directive_a_district_can_derive_from(tmp_path):
    # Kon Tum's 2020 plan: numbered departments under "TỔ CHỨC THỰC HIỆN", some headings cut over two lines
    result = import_directive(PAIRS / "tune" / "kon-tum-bao-luc-tre-em-2020" / "child.txt",
                              {"symbol": "KH-UBND", "date": "2020"})
    loaded = _load(result.yaml_text, tmp_path)
    agencies = {a for d in iter_duties(loaded.plan) for a in d.agencies}
    assert {"so-ldtbxh", "so-y-te", "so-gddt", "so-vhttdl", "cong-an-tinh", "toa-an-tinh", "ubnd-cap-huyen"} <= agencies
    assert result.unknown == []
    text, _ = derive([load_plan_or_raise(tmp_path / "vb.yaml")], "huyện Đăk Hà", None, 5, 2020)
    assert "Kon Tum" in text


def test_cli_writes_the_directive_and_names_unknown_bodies_with_their_line(tmp_path):
    out = tmp_path / "ct32.yaml"
    result = CliRunner().invoke(main, ["import", "--directive", str(PAIRS / "parents" / "ct-32-2025.txt"), "-o", str(out),
                                       "--type", "Chỉ thị", "--number", "32", "--symbol", "CT-TTg", "--date", "2025-10-21",
                                       "--issuer", "Thủ tướng Chính phủ", "--level", "trung ương",
                                       "--title", "Về tăng cường công tác bảo vệ bí mật nhà nước trong tình hình mới"])
    assert result.exit_code == 0, result.output
    assert "văn bản cấp trên" in result.output
    assert "ct-32-2025.txt, dòng 61: cơ quan \"Văn phòng Quốc hội\" chưa có trong danh mục" in result.output
    assert load_plan_or_raise(out).plan.kind == "directive"


def test_cli_refuses_a_text_without_identity_with_the_options_to_give(tmp_path):
    result = CliRunner().invoke(main, ["import", "--directive", str(PAIRS / "parents" / "ct-32-2025.txt"),
                                       "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "--symbol" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_a_text_too_large_to_be_a_document_is_refused_before_reading(tmp_path):
    big = tmp_path / "lon.txt"
    big.write_text("1. Sở Y tế chủ trì.\n" * 250_000, encoding="utf-8")   # ~5 MB
    result = CliRunner().invoke(main, ["import", "--directive", str(big), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1
    assert "M106" in result.output and "quá lớn" in result.output
    assert not (tmp_path / "x.yaml").exists()


def test_a_docx_cites_paragraphs_not_lines(tmp_path):
    docx = FIXTURES / "real" / "docx" / "003-lam-dong-kh-kiem-tra-cchc-2026.docx"
    result = import_directive(docx)
    loaded = _load(result.yaml_text, tmp_path)
    sources = [b.source for _, b in iter_blocks(loaded.plan) if b.agency and b.source]
    assert sources and all(s.startswith("003-lam-dong-kh-kiem-tra-cchc-2026.docx, đoạn ") for s in sources)


NQ03 = {"type": "Nghị quyết", "number": 3, "symbol": "NQ-CP", "date": "2025-01-09", "issuer": "Chính phủ",
        "title": "Ban hành Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW", "level": "trung_uong"}


def test_the_programme_issued_with_a_resolution_is_read_after_its_signature(tmp_path):
    # Nơi nhận and the signature close the resolution; the programme it issues ("Kèm theo …") follows and holds
    # every duty: it must become the sections, not recipients or signature lines.
    loaded = _load(import_directive(PAIRS / "parents" / "nq-03-2025.txt", NQ03).yaml_text, tmp_path)
    plan = loaded.plan
    assert len(plan.recipients) < 25 and all(len(r.name) < 120 for r in plan.recipients)
    assert plan.signature is not None and plan.signature.name == "Nguyễn Hòa Bình"
    titles = [s.title for s in plan.sections]
    assert "MỤC TIÊU" in titles and "TỔ CHỨC THỰC HIỆN" in titles
    duties = {d.agencies for d in iter_duties(plan)}
    assert ("bo-tai-chinh",) in duties and ("bo-khcn", "bo-tttt") in duties


def test_a_task_table_kept_as_pipe_rows_in_a_text_gives_one_task_per_row_with_its_lead(tmp_path):
    loaded = _load(import_directive(PAIRS / "parents" / "nq-03-2025.txt", NQ03).yaml_text, tmp_path)
    annex = next(s for s in loaded.plan.sections if (s.title or "").startswith("PHỤ LỤC II"))
    tasks = [b for _, b in iter_blocks(loaded.plan) if b.task and b.task.lead and b.id.startswith("pl-")]
    assert len(tasks) >= 100 and annex is not None
    first = tasks[0]
    assert first.text.startswith("Xây dựng, trình Thủ tướng Chính phủ ban hành") and "bo-tttt" in first.task.lead
    # a row whose words name a duty and a body ("nhiệm vụ", "cơ quan") is a row, not a new table
    assert sum(1 for s in loaded.plan.sections if (s.title or "").startswith("PHỤ LỤC II")) == 1
    # a group row (Roman numeral, no lead) stays a group even when the copy spilled words into its last column
    assert [b.label for b in annex.blocks] == ["I.", "II.", "III.", "IV.", "V.", "VI.", "VII."]


def test_a_note_mark_whose_note_the_copy_lost_is_dropped_not_left_dangling(tmp_path):
    text = (PAIRS / "parents" / "nq-03-2025.txt").read_text(encoding="utf-8")
    assert "gồm¹:" in text
    loaded = _load(import_directive(PAIRS / "parents" / "nq-03-2025.txt", NQ03).yaml_text, tmp_path)
    assert not any("[^" in (b.text or "") for _, b in iter_blocks(loaded.plan))


def test_a_circular_set_out_in_articles_gives_the_duties_of_its_implementation_article(tmp_path):
    # Thông tư 10/2022/TT-BLĐTBXH has no "I." sections: its duties are in "Điều 5. Tổ chức thực hiện"
    result = import_directive(PAIRS / "parents" / "tt-10-2022.txt", {"level": "trung_uong"})
    loaded = _load(result.yaml_text, tmp_path)
    articles = [s for s in loaded.plan.sections if s.title == "Tổ chức thực hiện"]
    assert len(articles) == 1 and articles[0].label == "V."
    duties = {d.agencies for d in iter_duties(loaded.plan)}
    assert ("bo-ldtbxh",) in duties and ("ubnd-tinh",) in duties and ("cac-bo-nganh",) in duties
    lines = (PAIRS / "parents" / "tt-10-2022.txt").read_text(encoding="utf-8").split("\n")
    lead = next(b for b in articles[0].blocks if b.agency == ["ubnd-tinh"] or b.agency == ("ubnd-tinh",))
    assert lines[int(lead.source.rsplit(" ", 1)[1]) - 1].startswith("3. Ủy ban nhân dân các tỉnh")


def test_a_circular_is_read_as_a_thong_tu_and_its_code_keeps_the_year(tmp_path):
    # "THÔNG TƯ" under the date line is the document's type; "Số: 10/2022/TT-BLĐTBXH" keeps its year when cited
    result = import_directive(PAIRS / "parents" / "tt-10-2022.txt", {"level": "trung_uong"})
    loaded = _load(result.yaml_text, tmp_path, "tt-10-2022.yaml")
    document = loaded.plan.document
    assert loaded.plan.id == "tt-10-2022" and document.type == "Thông tư"
    assert document.number == 10 and document.number_year == 2022 and document.symbol == "TT-BLĐTBXH"
    assert document.title.startswith("Hướng dẫn giám sát, đánh giá thực hiện Chương trình")
    out = tmp_path / "draft.yaml"
    code = CliRunner().invoke(main, ["derive", str(tmp_path / "tt-10-2022.yaml"), "--unit", "thành phố Cần Thơ",
                                     "--date", "15/10/2025", "-o", str(out)])
    assert code.exit_code == 0, code.output
    draft = out.read_text(encoding="utf-8")
    assert "10/2022/TT-BLĐTBXH" in draft and "10/TT-BLĐTBXH" not in draft


def test_a_decisions_responsibility_article_gives_each_item_to_its_body_and_no_past_date_is_a_due(tmp_path):
    # QĐ 22/2013/QĐ-TTg: "a) Bộ Xây dựng:" is a body, not "Bộ" followed by the verb "xây dựng"; the items under
    # "2. Trách nhiệm của Ủy ban nhân dân các tỉnh …" are the provinces' unless one names its own body ("Giao Sở …")
    result = import_directive(PAIRS / "parents" / "qd-22-2013.txt", {"level": "trung_uong"})
    loaded = _load(result.yaml_text, tmp_path, "qd-22-2013.yaml")
    lines = (PAIRS / "parents" / "qd-22-2013.txt").read_text(encoding="utf-8").split("\n")
    by_line = {lines[int(d.block.source.rsplit(" ", 1)[1]) - 1][:2]: d.agencies for d in iter_duties(loaded.plan)
               if d.block.source and lines[int(d.block.source.rsplit(" ", 1)[1]) - 1][1:2] == ")"}
    assert by_line["a)"] == ("ubnd-tinh",) and by_line["g)"] == ("ubnd-tinh",) and by_line["h)"] == ("ubnd-tinh",)
    assert by_line["d)"] == ("so-ldtbxh", "phong-ldtbxh") and by_line["đ)"] == ("so-xay-dung",)
    assert ("bo-xay-dung",) in {d.agencies for d in iter_duties(loaded.plan)}
    # "Người hoạt động cách mạng trước ngày 01 tháng 01 năm 1945" says who, not when to report
    assert result.reports == 0 and not [r for _, b in iter_blocks(loaded.plan) for r in (b.reporting or [])]


def test_a_paragraph_beginning_with_bao_cao_is_not_given_to_the_provinces_newspaper(tmp_path):
    # TTLT 47/2009: "Báo cáo quyết toán kinh phí … phải thể hiện" once matched the registry's "Báo {tỉnh}"
    result = import_directive(PAIRS / "parents" / "ttlt-47-2009.txt", {"level": "trung_uong"})
    loaded = _load(result.yaml_text, tmp_path, "ttlt-47-2009.yaml")
    report = next(b for _, b in iter_blocks(loaded.plan) if (b.text or "").startswith("Báo cáo quyết toán kinh phí"))
    assert not report.agency
    assert all("bao-tinh" not in d.agencies for d in iter_duties(loaded.plan))
    assert ("kho-bac-nha-nuoc",) in {d.agencies for d in iter_duties(loaded.plan)}
