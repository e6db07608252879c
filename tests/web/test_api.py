"""The web application through its HTTP interface: start, edit, check, download, versions, reliability."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from authoring.loading import load_plan
from authoring.model.walk import iter_targets
from authoring.loading.edit import format_path
from webtools import base_version, open_example
from helpers import EXAMPLES, example


def _target_path(name: str) -> tuple[str, float]:
    loaded, _ = load_plan(example(name))
    path, _, target = next(iter_targets(loaded.plan))
    return format_path(path + ("value",)), target.value


def test_home_page_is_vietnamese_and_lists_the_library(client):
    page = client.get("/").text
    assert "Bắt đầu một kế hoạch" in page and "Kế hoạch mẫu" in page and "Văn bản cấp trên" in page
    assert "examples/nghe-an-2025-kh-07.yaml" in page


@pytest.mark.parametrize("plan_file", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_opens_and_its_yaml_loads_back_to_the_same_model(client, plan_file, tmp_path):
    plan_id = open_example(client, plan_file.name)
    page = client.get(f"/ke-hoach/{plan_id}")
    assert page.status_code == 200 and 'class="a4"' in page.text  # the preview is there
    download = client.get(f"/ke-hoach/{plan_id}/tai/yaml")
    saved = tmp_path / "tai-ve.yaml"
    saved.write_bytes(download.content)
    original, _ = load_plan(plan_file)
    again, _ = load_plan(saved)
    assert again.plan == original.plan
    docx = client.get(f"/ke-hoach/{plan_id}/tai/docx")
    assert docx.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert original.plan.document.type.upper() in text
    # One edit through the page changes that field and nothing else in the model.
    base = base_version(page.text)
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Thành phố Thử", "base": base})
    assert answer.status_code == 200 and "Thành phố Thử, ngày" in answer.text       # the preview's date line
    saved.write_bytes(client.get(f"/ke-hoach/{plan_id}/tai/yaml").content)
    edited, _ = load_plan(saved)
    expected = original.plan.model_copy(update={
        "document": original.plan.document.model_copy(update={"place": "Thành phố Thử"})})
    assert edited.plan == expected


def test_editing_a_target_value_shows_then_clears_its_finding(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    path, value = _target_path("nghe-an")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    wrong = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": "37", "base": base})
    assert wrong.status_code == 200
    assert "có giá trị 37 nhưng câu văn không ghi số này" in wrong.text      # beside the field (slot) and in the summary
    assert 'hx-swap-oob="true"' in wrong.text and "Cách sửa" in wrong.text
    fixed = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": f"{value:g}", "base": base + 1})
    assert "có giá trị 37" not in fixed.text
    versions = client.get(f"/ke-hoach/{plan_id}/phien-ban").text
    assert "Chỉ tiêu (sửa)" in versions         # labelled with what changed (the semantic diff)


def test_a_scalar_edit_keeps_the_authors_comments(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.number", "v": "8", "base": base})
    text = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    assert "number: 8  # bản gốc in 'Số: 7/KH-UBND'" in text


def test_agencies_are_picked_and_shown_by_name(client):
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    page = client.get(f"/ke-hoach/{plan_id}").text
    base = base_version(page)
    client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": "add_task", "path": "sections[0]", "base": base})
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong",
                         {"path": "sections[0].task.lead", "v": ["Sở Y tế", ""], "base": base + 1})
    assert 'value="Sở Y tế"' in answer.text
    assert "so-y-te" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text   # the file keeps the registry id
    editor = client.get(f"/ke-hoach/{plan_id}").text
    assert not re.search(r'value="(so|ubnd|phong)-[a-z-]+"', editor)       # no agency id is ever shown


def test_structural_edits_add_a_duty_move_indent_and_delete(client):
    plan_id = open_example(client, "hai-phong-kien-an-2024-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    steps = [("add_agency", "sections[0]"), ("add_duty", "sections[0]"), ("add_after", "sections[0]"),
             ("indent", "sections[1]"), ("outdent", "sections[0].blocks[-1]"), ("delete", "sections[1]")]
    loaded, _ = load_plan(example("kien-an"))
    count = len(loaded.plan.sections[0].blocks)
    steps[4] = ("outdent", f"sections[0].blocks[{count + 1}]")
    for op, path in steps:
        response = client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": op, "path": path, "base": base})
        assert response.status_code == 200, (op, response.text[:300])
        base += 1
    text = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    assert "(nhiệm vụ mới)" in text
    assert "Thêm nhiệm vụ của cơ quan" in client.get(f"/ke-hoach/{plan_id}/phien-ban").text


def test_two_tabs_get_a_conflict_and_nothing_is_lost(client):
    plan_id = open_example(client, "lang-son-2019-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    first = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Tab một", "base": base})
    assert first.status_code == 200
    second = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Tab hai", "base": base})
    assert second.status_code == 409
    assert "cửa sổ hoặc thẻ khác" in second.text and "Tab hai" in second.text   # the unsaved words are shown back
    assert "Tab một" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    payload = re.search(r'hx-vals="([^"]+)"', second.text).group(1)
    assert "&#x27;" not in payload and "Tab hai" in payload                    # "write mine on the latest" carries it
    again = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Tab hai", "base": base + 1})
    assert again.status_code == 200 and "Tab hai" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text


def test_forms_without_the_csrf_token_are_refused(client):
    response = client.http.post("/tao/thu-vien", data={"file": "examples/nghe-an-2025-kh-07.yaml"})
    assert response.status_code == 403 and "Phiên làm việc đã hết hạn" in response.text
    response = client.http.post("/tao/thu-vien", data={"file": "examples/nghe-an-2025-kh-07.yaml", "csrf": "sai"})
    assert response.status_code == 403


def test_uploads_are_limited_and_checked(client):
    big = client.form("/tao/tai-len", files={"file": ("to.txt", b"x" * (6 * 1024 * 1024), "text/plain")})
    assert big.status_code == 413 and "quá lớn" in big.text
    odd = client.form("/tao/tai-len", files={"file": ("a.exe", b"MZ", "application/octet-stream")})
    assert odd.status_code == 400 and "Chưa nhận loại tệp" in odd.text
    broken = client.form("/tao/tai-len", files={"file": ("hong.docx", b"PK\x03\x04 not a docx", "application/octet-stream")})
    assert broken.status_code == 400 and "Traceback" not in broken.text


def test_import_a_docx_shows_what_was_recognised(client, rendered):
    data = Path(rendered["kon-tum-2020-kh-chua-so"]).read_bytes()
    page = client.form("/tao/tai-len", files={"file": ("ke-hoach-cu.docx", data, "application/octet-stream")})
    assert page.status_code == 200 and "Nhập tệp ke-hoach-cu.docx" in page.text
    assert "Mở để soạn tiếp" in page.text


def test_import_text_lists_recognised_items(client):
    text = ("ỦY BAN NHÂN DÂN\nXÃ HÒA BÌNH\nSố: /KH-UBND\nHòa Bình, ngày  tháng  năm 2026\nKẾ HOẠCH\n"
            "Thực hiện công tác trẻ em năm 2026\nI. MỤC ĐÍCH\n1. Bảo đảm quyền trẻ em.\n")
    page = client.form("/tao/tai-len", files={"file": ("cu.txt", text.encode(), "text/plain")})
    assert page.status_code == 200 and "Những gì đã nhận ra" in page.text


def test_import_a_pdf_shows_what_to_check_against_the_original(client):
    """Issue 22: a PDF is accepted, and what import inferred or set aside is on the page, not only in the CLI."""
    data = (Path(__file__).parents[1] / "fixtures" / "real" / "pdf" / "010-lam-dong-cv-3653-vpcp.pdf").read_bytes()
    page = client.form("/tao/tai-len", files={"file": ("cong-van.pdf", data, "application/pdf")})
    assert page.status_code == 200 and "Nhập tệp cong-van.pdf" in page.text
    seed = next((Path(__file__).parents[1] / "fixtures" / "seeds").glob("000_*.txt")).read_bytes()
    page = client.form("/tao/tai-len", files={"file": ("lang-son.txt", seed, "text/plain")})
    assert page.status_code == 200 and "Cần đối chiếu với bản gốc" in page.text and "suy ra từ trích yếu" in page.text


def test_import_an_edxml_package_from_the_e_office_takes_the_envelope_facts(client):
    """Issue 22: what the CLI imports (a package from the exchange axis) the page takes too, envelope first."""
    from authoring.pdf.edxml import Attachment, EdxmlDocument, Organ, build_edxml
    pdf = Path(__file__).parents[1] / "fixtures" / "real" / "pdf" / "105-lam-dong-snnmt-cv-4186-hiep-hoi-bds.pdf"
    package = build_edxml(EdxmlDocument(
        sender=Organ("Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng", "000.15.25.H36"),
        recipients=[Organ("Sở Nội vụ tỉnh Lâm Đồng")], code_number="4186", code_notation="SNNMT-CCQLĐĐ",
        place="Lâm Đồng", date="2026-04-09", type_name="Công văn",
        subject="V/v ý kiến công nhận Ban vận động thành lập Hiệp hội Bất động sản tỉnh Lâm Đồng",
        competence="KT. GIÁM ĐỐC", position="PHÓ GIÁM ĐỐC", full_name="Bùi Thanh Hà", page_amount=1,
        attachments=[Attachment(pdf.name, "application/pdf", pdf.read_bytes(), "001")]))
    page = client.form("/tao/tai-len", files={"file": ("goi-tin.edxml", package, "application/xml")})
    assert page.status_code == 200 and "Nhập tệp goi-tin.edxml" in page.text and "Traceback" not in page.text
    plan_id = int(re.search(r'href="/ke-hoach/(\d+)"', page.text).group(1))
    saved = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    assert "number: 4186" in saved and "SNNMT-CCQLĐĐ" in saved and "2026-04-09" in saved


def test_derive_new_year_and_blank_plans(client):
    derived = client.form("/tao/cap-duoi", {"file": "directives/kh-61-2024-hai-phong.yaml", "unit": "quận Kiến An"})
    assert derived.status_code == 200 and "Kế hoạch của quận Kiến An" in derived.text
    plan_id = int(re.search(r'href="/ke-hoach/(\d+)"', derived.text).group(1))
    assert "Ủy ban nhân dân quận Kiến An" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    nxt = client.form("/tao/nam-moi", {"plan": plan_id, "year": 2026})
    assert nxt.status_code == 200 and "Kế hoạch năm 2026" in nxt.text
    assert "Đổi cơ quan sau sắp xếp" in nxt.text and not re.search(r"\b(so|ubnd|phong)-[a-z-]+\b", nxt.text)
    blank = client.form("/tao/trong", {"level": "xa", "issuer": "Ủy ban nhân dân xã Hòa Bình", "province": "Nghệ An",
                                       "year": 2026}, follow_redirects=False)
    blank_id = int(blank.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/ke-hoach/{blank_id}/tai/docx").status_code == 200
    bad = client.form("/tao/cap-duoi", {"file": "directives/kh-61-2024-hai-phong.yaml", "unit": "Kiến An"})
    assert bad.status_code == 400 and "loại đơn vị" in bad.text


def test_derive_page_takes_a_neighbour_plan_as_reference(client):
    neighbour = "\n".join(["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "Số: 12/KH-UBND", "Hà Tĩnh, ngày 20 tháng 10 năm 2025",
                           "KẾ HOẠCH", "Thực hiện công tác trẻ em năm 2025", "I. TỔ CHỨC THỰC HIỆN",
                           "1. Sở Tư pháp", "- Chủ trì, phối hợp thực hiện các nhiệm vụ được giao.",
                           "2. Ban Quản lý dự án Không Có Thật", "- Phối hợp thực hiện."]).encode("utf-8")
    page = client.form("/tao/cap-duoi", {"file": "directives/qd-23-2021.yaml", "unit": "tỉnh Nghệ An"},
                       files={"peer": ("ke-hoach-ha-tinh.txt", neighbour, "text/plain")})
    assert page.status_code == 200, page.text
    assert "Tham khảo kế hoạch ke-hoach-ha-tinh.txt" in page.text and "Ban Quản lý dự án Không Có Thật" in page.text
    plan_id = int(re.search(r'href="/ke-hoach/(\d+)"', page.text).group(1))
    assert "Tham khảo kế hoạch của tỉnh Hà Tĩnh (ke-hoach-ha-tinh.txt)" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    odd = client.form("/tao/cap-duoi", {"file": "directives/qd-23-2021.yaml", "unit": "tỉnh Nghệ An"},
                      files={"peer": ("a.exe", b"MZ", "application/octet-stream")})
    assert odd.status_code == 400 and "kế hoạch tham khảo" in odd.text


def test_versions_diff_and_restore(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    path, _ = _target_path("nghe-an")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": "2", "base": base})
    page = client.get(f"/ke-hoach/{plan_id}/phien-ban?a=1&b=2").text
    assert "Chỉ tiêu (sửa): ít nhất 1" in page and "ít nhất 2" in page
    restored = client.form(f"/ke-hoach/{plan_id}/khoi-phuc", {"v": 1, "base": 2}, follow_redirects=False)
    assert restored.status_code == 303
    assert "Khôi phục phiên bản 1" in client.get(f"/ke-hoach/{plan_id}/phien-ban").text
    stale = client.form(f"/ke-hoach/{plan_id}/khoi-phuc", {"v": 1, "base": 2})
    assert stale.status_code == 409


def test_invalid_input_is_kept_and_explained(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.date", "v": "31/02/2025", "base": base})
    assert answer.status_code == 200 and "không có thật" in answer.text
    assert "2025-02-31" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text       # nothing the user typed is lost
    assert client.get(f"/ke-hoach/{plan_id}/tai/docx").status_code == 400            # but no document from a broken plan
    assert "Chưa xem trước được" in client.get(f"/ke-hoach/{plan_id}").text


def test_errors_are_vietnamese_pages_without_tracebacks(app, monkeypatch):
    from fastapi.testclient import TestClient

    from authoring.web import core
    from webtools import Client

    client = Client(TestClient(app, raise_server_exceptions=False))
    assert "Không tìm thấy" in client.get("/ke-hoach/999").text
    assert "Không tìm thấy" in client.get("/khong-co-trang-nay").text
    wrong = client.get("/ke-hoach/abc")
    assert wrong.status_code == 400 and "không đúng dạng" in wrong.text and "detail" not in wrong.text
    plan_id = open_example(client, "lang-son-2019-kh-chua-so.yaml")
    monkeypatch.setattr(core, "render_docx", lambda loaded: 1 / 0)
    response = client.get(f"/ke-hoach/{plan_id}/tai/docx")
    assert response.status_code == 500 and "Chương trình gặp lỗi" in response.text and "Traceback" not in response.text


def test_the_check_report_and_coverage_open(client):
    plan_id = open_example(client, "dak-nong-2021-kh-chua-so.yaml")
    report = client.get(f"/ke-hoach/{plan_id}/tai/bao-cao")
    assert report.status_code == 200 and "Cách sửa" in report.text
    assert "Ma trận bao phủ" in client.get(f"/ke-hoach/{plan_id}/bao-phu").text
    data = client.get(f"/ke-hoach/{plan_id}/tai/json").json()
    assert data["schema_version"] == 1 and data["id"] == "dak-nong-2021"


def test_a_plan_derived_from_an_example_is_checked_against_it(client):
    page = client.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "xã Quỳ Châu"})
    assert page.status_code == 200, page.text[:500]
    plan_id = int(re.search(r'href="/ke-hoach/(\d+)"', page.text).group(1))
    editor = client.get(f"/ke-hoach/{plan_id}").text
    assert "không có văn bản cấp trên trong thư viện" not in editor
    assert 'value="nghe-an-2025-07" checked' in editor        # the parent is ticked among the library, by its id


def test_implements_legal_basis_budget_and_annex(client):
    blank = client.form("/tao/trong", {"level": "xa", "issuer": "Ủy ban nhân dân xã Hòa Bình", "province": "Nghệ An",
                                       "year": 2026}, follow_redirects=False)
    plan_id = int(blank.headers["location"].rsplit("/", 1)[1])
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    steps = [
        ("truong", {"path": "implements", "v": "qd-23-2021"}),
        ("thao-tac", {"op": "append", "path": "bases"}),
        ("can-cu", {"path": "bases[0]", "v": "23/QĐ-TTg"}),
        ("thao-tac", {"op": "add_budget", "path": "sections[1]"}),
        ("truong", {"path": "sections[1].budget.sources", "v": ["ngan_sach_dia_phuong", "xa_hoi_hoa"]}),
        ("truong", {"path": "sections[1].budget.total", "v": "1.200.000.000"}),
        ("thao-tac", {"op": "add_annex", "path": "annex"}),
    ]
    for kind, data in steps:
        answer = client.htmx(f"/ke-hoach/{plan_id}/{kind}", {**data, "base": base})
        assert answer.status_code == 200, (kind, data, answer.text[:300])
        base += 1
    text = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    loaded_path = Path(client.http.app.state.kh.store.url.replace("sqlite:///", "")).parent / "lai.yaml"
    loaded_path.write_text(text, encoding="utf-8")
    loaded, index = load_plan(loaded_path)
    plan = loaded.plan
    assert plan.implements == ["qd-23-2021"] and plan.bases[0].code == "23/QĐ-TTg"
    assert plan.bases[0].registry == "qd-23-2021" and plan.annex is not None
    assert plan.sections[1].budget.total == 1_200_000_000
    assert plan.sections[1].budget.sources == ["ngan_sach_dia_phuong", "xa_hoi_hoa"]
    assert "Quyết định số 23/QĐ-TTg" in client.get(f"/ke-hoach/{plan_id}").text   # checked against it, named in words


def test_a_commune_is_derived_from_the_province_plan_it_implements_after_2025(client):
    page = client.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "xã Hưng Nguyên"})
    assert page.status_code == 200 and "xã Hưng Nguyên" in page.text


def test_deriving_refuses_a_commune_not_in_the_2025_list_with_close_names(client):
    page = client.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "xã Quỳ Châuu"})
    assert page.status_code == 400
    assert "không có xã Quỳ Châuu" in page.text and "1678/NQ-UBTVQH15" in page.text and "Có phải: xã Quỳ Châu" in page.text
    assert client.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml",
                                         "unit": "xã Không Có Thật"}).status_code == 400


def test_deriving_refuses_a_district_after_the_district_level_ended(client):
    page = client.form("/tao/cap-duoi", {"file": "examples/nghe-an-2025-kh-07.yaml", "unit": "huyện Hưng Nguyên"})
    assert page.status_code == 400 and "Cấp huyện đã kết thúc từ ngày 01/07/2025" in page.text
    # the library's older plans keep their own units (practice on a 2024 plan)
    older = client.form("/tao/cap-duoi", {"file": "directives/kh-61-2024-hai-phong.yaml", "unit": "quận Kiến An"})
    assert older.status_code == 200


def test_stale_or_forged_paths_are_refused_in_words(client):
    plan_id = open_example(client, "lang-son-2019-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    gone = client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": "delete", "path": "sections[99]", "base": base})
    assert gone.status_code in (400, 409) and "không còn" in gone.text
    deep = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "sections[99].blocks[3].text", "v": "x", "base": base})
    assert deep.status_code == 409 and "tải lại trang" in deep.text
    forged = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.__class__", "v": "x", "base": base})
    assert forged.status_code == 400 and "Không sửa được trường này" in forged.text
    assert client.get(f"/ke-hoach/{plan_id}/phien-ban").text.count("Khôi phục") == 0   # nothing was saved


def test_the_page_answers_only_to_loopback_names(client):
    assert client.http.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert client.http.get("/", headers={"Host": "trang-la.example"}).status_code == 400   # DNS rebinding


def test_the_preview_shows_the_task_annex(client):
    from helpers import FIXTURES

    data = (FIXTURES / "annex.yaml").read_bytes()
    response = client.form("/tao/tai-len", files={"file": ("phu-luc.yaml", data, "application/yaml")},
                           follow_redirects=False)
    plan_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/ke-hoach/{plan_id}").text
    table = page[page.index('class="pl-bang"'):]
    assert "Cơ quan chủ trì" in table and "Sở Y tế" in table and "so-y-te" not in table


def test_versions_are_grouped_labelled_in_words_named_and_restored(client):
    plan_id = open_example(client, "nghe-an-2025-kh-07.yaml")
    path, value = _target_path("nghe-an")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    for i, typed in enumerate(["3", "4", "5"]):      # three saves on the same item: one row, expandable
        client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": typed, "base": base + i})
    client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Vinh", "base": base + 3})
    page = client.get(f"/ke-hoach/{plan_id}/phien-ban").text
    rows = re.findall(r'<tr id="v(\d+)"', page)
    assert rows == ["5", "4", "1"], rows            # 5: the place; 4 with 2–3 folded under it; 1: opened
    assert "2 lần lưu trước (phiên bản 2–3)" in page
    assert "Chỉ tiêu (sửa): ít nhất 4 điểm vui chơi → ít nhất 5 điểm vui chơi" in page       # what changed, from the semantic diff
    assert "Văn bản — Địa danh:" in page and "→ Vinh" in page
    named = client.form(f"/ke-hoach/{plan_id}/phien-ban/dat-ten", {"v": 3, "name": "Bản trình lãnh đạo"},
                        follow_redirects=False)
    assert named.status_code == 303
    page = client.get(f"/ke-hoach/{plan_id}/phien-ban").text
    assert re.findall(r'<tr id="v(\d+)"', page) == ["5", "4", "3", "2", "1"]   # a named version stands alone
    assert '<b class="version-name">Bản trình lãnh đạo</b>' in page
    restored = client.form(f"/ke-hoach/{plan_id}/khoi-phuc", {"v": 3, "base": 5}, follow_redirects=False)
    assert restored.status_code == 303
    assert "Khôi phục phiên bản 3 «Bản trình lãnh đạo»" in client.get(f"/ke-hoach/{plan_id}/phien-ban").text
    assert "value: 4" in client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    too_long = client.form(f"/ke-hoach/{plan_id}/phien-ban/dat-ten", {"v": 3, "name": "x" * 201})
    assert too_long.status_code == 400 and "Tên phiên bản dài quá" in too_long.text


def test_a_save_builds_the_words_for_its_findings_once(client, monkeypatch):
    """The answer to an edit (the findings panel and the changed slots) names items and agencies with one describer
    of the saved version: building it walks the whole plan and names every agency of the registry."""
    from authoring.web import forms

    plan_id = open_example(client, "kon-tum-2020-kh-chua-so.yaml")
    base = base_version(client.get(f"/ke-hoach/{plan_id}").text)
    built = []
    real = forms.describer
    monkeypatch.setattr(forms, "describer", lambda tree, registry: built.append(1) or real(tree, registry))
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "document.place", "v": "Thành phố Thử", "base": base})
    assert answer.status_code == 200 and "Thành phố Thử, ngày" in answer.text
    assert len(built) == 1
