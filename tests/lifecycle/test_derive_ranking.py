"""derive ranks the bodies it names by how directly the parent's words reach them (roles.yaml, ranking): a body reached
too little gets no heading, a field's usual list only for a parent that names no body, the closing group only when
the parent asks for it; the same at the commune."""

from __future__ import annotations

from datetime import date

from authoring.lifecycle.derive import derive
from authoring.loading import load_plan_or_raise

DAY = date(2025, 11, 26)


def _directive(tmp_path, title: str, sections: dict[str, list[str]], name: str = "cha.yaml"):
    """A small national decision giving each agency id of *sections* its duties (a test's, not a real text)."""
    lines = ["kind: directive", "id: kt-xep-hang", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 98", "  symbol: QĐ-TTg", "  place: Hà Nội", "  date: 2025-09-15", f"  title: {title}",
             "  level: trung_uong", "source: kiểm thử", "status: inferred", "sections:", "  - label: I.",
             "    title: TỔ CHỨC THỰC HIỆN", "    blocks:"]
    n = 0
    for s, (agency, duties) in enumerate(sections.items()):
        lines += [f"      - label: '{s + 1}.'", f"        title: Cơ quan {s + 1}", f"        agency: {agency}",
                  "        blocks:"]
        for text in duties:
            n += 1
            lines += [f"          - id: d-{n}", "            label: '-'", f"            text: {text}"]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_plan_or_raise(path)


def _draft(tmp_path, parent, unit="tỉnh Nghệ An", day=DAY, name="du-thao.yaml"):
    out = tmp_path / name
    text, report = derive([parent], unit, out, day=day)
    out.write_text(text, encoding="utf-8")
    return text, load_plan_or_raise(out).plan, report


def _headings(plan) -> set[str]:
    return {a for b in plan.blocks() if b.agency for a in b.agency}


def test_a_body_the_parent_reaches_once_among_many_duties_gets_no_heading_and_its_duty_goes_to_the_lead(tmp_path):
    many = [f"Triển khai nền tảng số thứ {i} phục vụ chuyển đổi số của ngành, lĩnh vực." for i in range(1, 41)]
    parent = _directive(tmp_path, "Về chuyển đổi số", {"bo-khcn": many,
                                                      "bo-y-te": ["Cấp chữ ký số miễn phí cho nhân viên y tế xã."]})
    text, plan, report = _draft(tmp_path, parent)
    assert "so-y-te" not in _headings(plan) and "so-khcn" in _headings(plan)
    owner = next(b for b in plan.blocks() if b.agency and any("chữ ký số" in (c.text or "") for c in b.blocks))
    assert owner.agency == ["so-khcn"]   # the lead takes it, the comment beside it names Sở Y tế as cooperating
    assert "Sở Y tế ít được văn bản cấp trên nói tới nên không có mục riêng" in text
    assert any("Sở Y tế" in note and "không có mục riêng" in note for note in report.notes)
    again, _, _ = _draft(tmp_path, parent, name="lan-2.yaml")
    assert again.replace("lan-2", "du-thao") == text   # the same draft byte for byte


def test_a_body_the_parent_reaches_often_keeps_its_heading(tmp_path):
    parent = _directive(tmp_path, "Về chuyển đổi số", {
        "bo-khcn": [f"Triển khai nền tảng số thứ {i} phục vụ chuyển đổi số." for i in range(1, 11)],
        "bo-y-te": [f"Triển khai bệnh án điện tử đợt {i} tại các bệnh viện." for i in range(1, 4)]})
    _, plan, _ = _draft(tmp_path, parent)
    assert {"so-khcn", "so-y-te"} <= _headings(plan)


def test_a_fields_usual_list_is_proposed_only_when_the_parent_names_no_body(tmp_path):
    named = _directive(tmp_path, "Về bảo vệ trẻ em", {
        "bo-y-te": ["Chăm sóc sức khỏe trẻ em."], "bo-gddt": ["Phòng, chống bạo lực học đường."],
        "bo-cong-an": ["Xử lý nghiêm hành vi xâm hại trẻ em."], "ubnd-tinh": ["Bố trí ngân sách bảo vệ trẻ em."]})
    _, plan, _ = _draft(tmp_path, named)
    assert not {"so-tu-phap", "so-vhttdl"} & _headings(plan)   # in the children's list, not named by this parent
    bare = _directive(tmp_path, "Về bảo vệ trẻ em", {"ubnd-tinh": ["Bố trí ngân sách bảo vệ trẻ em."]}, name="cha2.yaml")
    _, plan, _ = _draft(tmp_path, bare, name="du-thao-2.yaml")
    assert {"so-tu-phap", "so-vhttdl"} <= _headings(plan)


def test_every_department_is_addressed_only_when_the_parent_gives_every_ministry_a_duty(tmp_path):
    provinces = _directive(tmp_path, "Về bảo vệ trẻ em", {"ubnd-tinh": ["Bố trí ngân sách bảo vệ trẻ em."]})
    _, plan, _ = _draft(tmp_path, provinces)
    assert "cac-so-nganh-tinh" not in _headings(plan)
    ministries = _directive(tmp_path, "Về bảo vệ trẻ em", {"ubnd-tinh": ["Bố trí ngân sách bảo vệ trẻ em."],
                                                           "cac-bo-nganh": ["Lồng ghép mục tiêu vì trẻ em vào kế hoạch."]},
                            name="cha2.yaml")
    _, plan, _ = _draft(tmp_path, ministries, name="du-thao-2.yaml")
    assert "cac-so-nganh-tinh" in _headings(plan)


def test_courts_and_prosecutors_are_asked_in_a_drug_plan_only_when_the_parent_speaks_of_crime_or_trial(tmp_path):
    care = _directive(tmp_path, "Về phòng, chống ma túy", {"ubnd-tinh": ["Tổ chức cai nghiện ma túy tại gia đình."]})
    _, plan, _ = _draft(tmp_path, care)
    assert not {"vksnd-tinh", "toa-an-tinh"} & _headings(plan)
    crime = _directive(tmp_path, "Về phòng, chống ma túy", {"ubnd-tinh": [
        "Tấn công, trấn áp tội phạm về ma túy."]}, name="cha2.yaml")
    text, plan, _ = _draft(tmp_path, crime, name="du-thao-2.yaml")
    assert {"vksnd-tinh", "toa-an-tinh"} <= _headings(plan)
    assert "Đề nghị Viện kiểm sát nhân dân tỉnh" in text


def test_a_commune_plan_asks_its_front_only_when_the_province_asks_for_mobilisation(tmp_path):
    ministries = {"bo-tai-chinh": ["Hướng dẫn kiểm kê tài sản công."], "bo-xay-dung": ["Hướng dẫn sắp xếp nhà, đất công."],
                  "bo-cong-an": ["Kiểm kê tài sản công của lực lượng công an."]}
    quiet = _directive(tmp_path, "Về tài sản công", {"ubnd-tinh": ["Rà soát, sắp xếp lại tài sản công theo quy định."],
                                                     **ministries})
    _draft(tmp_path, quiet, name="tinh.yaml")
    _, plan, _ = _draft(tmp_path, load_plan_or_raise(tmp_path / "tinh.yaml"), "xã Nam Đàn", date(2025, 12, 10),
                        name="xa.yaml")
    assert not any(h.startswith("Ủy ban Mặt trận") for h in _headings(plan)) and "cac-phong-ban-xa" not in _headings(plan)
    loud = _directive(tmp_path, "Về tài sản công", {"ubnd-tinh": ["Tuyên truyền, vận động Nhân dân chấp hành quy định "
                                                                 "về tài sản công."], **ministries}, name="cha2.yaml")
    _draft(tmp_path, loud, name="tinh-2.yaml")
    _, plan, _ = _draft(tmp_path, load_plan_or_raise(tmp_path / "tinh-2.yaml"), "xã Nam Đàn", date(2025, 12, 10),
                        name="xa-2.yaml")
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam xã Nam Đàn" in _headings(plan)


def test_a_commune_office_the_province_reaches_once_among_many_gets_no_heading(tmp_path):
    # Three subjects of the military office, none in 40 % of the duties (else the parent's topic, the lead's).
    many = [f"Tổ chức {work} đợt {i} đúng luật." for work in ("gọi công dân thực hiện nghĩa vụ quân sự",
                                                             "huấn luyện dân quân", "giáo dục quốc phòng")
            for i in range(1, 13)]
    parent = _directive(tmp_path, "Về công tác cơ sở", {"ubnd-tinh": many + ["Tổ chức tiêm chủng mở rộng."]})
    _draft(tmp_path, parent, name="tinh.yaml")
    text, plan, report = _draft(tmp_path, load_plan_or_raise(tmp_path / "tinh.yaml"), "xã Nam Đàn", date(2025, 12, 10),
                                name="xa.yaml")
    assert not any(h.startswith("Trạm Y tế") for h in _headings(plan))
    assert any(h.startswith("Ban Chỉ huy Quân sự") for h in _headings(plan))
    assert "tiêm chủng" in text and any("không có mục riêng" in note for note in report.notes)


def test_a_duty_for_every_ministry_goes_to_the_body_its_words_name_most_and_at_most_one_cooperating_body(tmp_path):
    parent = _directive(tmp_path, "Về phát triển", {"cac-bo-nganh": [
        "Bảo đảm kinh phí, ứng dụng chuyển đổi số và phát triển du lịch cộng đồng."]})
    _, plan, _ = _draft(tmp_path, parent)
    owners = {a for b in plan.blocks() if b.agency for c in b.blocks for link in c.links if link.ref.endswith("#d-1")
              for a in b.agency}
    assert len(owners) == 2 and owners < {"so-tai-chinh", "so-khcn", "so-vhttdl"}


def test_the_press_is_not_proposed_when_only_a_ministrys_own_duty_speaks_of_the_press(tmp_path):
    parent = _directive(tmp_path, "Về bảo vệ trẻ em", {"bo-tttt": ["Chỉ đạo báo chí tuyên truyền về quyền trẻ em."],
                                                       "ubnd-tinh": ["Bố trí ngân sách bảo vệ trẻ em."]})
    _, plan, _ = _draft(tmp_path, parent)
    assert "bao-ptth-tinh" not in _headings(plan)   # directing the press is the department's duty, not the press's


def test_a_closing_body_proposed_because_the_parent_asks_says_which_words_asked_for_it(tmp_path):
    parent = _directive(tmp_path, "Về tài sản công", {"ubnd-tinh": ["Tuyên truyền trên báo chí; vận động Nhân dân "
                                                                    "chấp hành quy định về tài sản công."]})
    _, plan, _ = _draft(tmp_path, parent)
    reasons = {b.agency[0]: b.blocks[0].derived for b in plan.blocks() if b.agency and b.blocks}
    assert "văn bản cấp trên yêu cầu việc này ('báo chí'" in reasons["bao-ptth-tinh"]
    assert "văn bản cấp trên yêu cầu việc này ('vận động'" in reasons["uy-ban-mttq-tinh"]


def test_a_parent_excerpt_that_gives_no_body_a_duty_asks_the_closing_group_by_all_its_words(tmp_path):
    lines = ["kind: directive", "id: kt-trich", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 97", "  symbol: QĐ-TTg", "  place: Hà Nội", "  date: 2025-09-15", "  title: Về tài sản công",
             "  level: trung_uong", "source: kiểm thử", "status: inferred", "sections:", "  - label: I.",
             "    title: NỘI DUNG", "    blocks:", "      - label: '1.'",
             "        text: Đẩy mạnh thông tin trên báo chí, phát thanh, truyền hình về quản lý tài sản công."]
    path = tmp_path / "trich.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, plan, _ = _draft(tmp_path, load_plan_or_raise(path))
    assert "bao-ptth-tinh" in _headings(plan)


def test_ministries_listed_by_their_field_after_cac_bo_reach_their_departments(tmp_path):
    # "Các bộ, cơ quan ngang bộ: Tài chính; Tư pháp; …" (QĐ 1187/QĐ-BNV): one "Bộ" for several ministries named by
    # their field; each is a body the parent itself names, so its department has a heading.
    parent = _directive(tmp_path, "về theo dõi, đánh giá cải cách hành chính", {
        "cac-bo-nganh": ["'Các bộ, cơ quan ngang bộ: Tài chính; Tư pháp; Khoa học và Công nghệ; Văn phòng Chính phủ phối "
                         "hợp với Bộ Nội vụ trong việc theo dõi, đánh giá cải cách hành chính theo phân công.'",
                         "Bố trí đủ kinh phí, nhân lực để triển khai."],
        "bo-noi-vu": ["Chủ trì hướng dẫn, theo dõi việc xác định Chỉ số cải cách hành chính."]})
    text, plan, _ = _draft(tmp_path, parent)
    headings = [b.agency for b in plan.sections[-1].blocks]
    for department in (["so-tu-phap"], ["so-khcn"], ["van-phong-ubnd-tinh"]):
        assert department in headings, (department, headings)
    # each department takes what the list asks, on its own field, not the list itself
    justice = next(b for b in plan.sections[-1].blocks if b.agency == ["so-tu-phap"])
    assert justice.blocks[0].text.startswith("Phối hợp với Sở Nội vụ trong việc theo dõi, đánh giá cải cách hành chính")
    assert justice.blocks[0].text.endswith("(lĩnh vực tư pháp).")
    assert "Tài chính; Tư pháp" not in text
