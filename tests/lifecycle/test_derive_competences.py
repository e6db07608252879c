"""derive spreads what a parent gives every ministry or every province over the bodies whose competence its words name
(plans/registry/competences.yaml), with the reason beside each duty; the closing group only where the parent asks."""

from __future__ import annotations

import unicodedata
from datetime import date

from authoring.lifecycle.derive import derive
from authoring.loading import load_plan_or_raise, load_registry
from authoring.loading.drafting import load_competences
from helpers import FIXTURES

PAIRS = FIXTURES / "derive_pairs" / "parents"


def _directive(tmp_path, title: str, duties: list[str], date_text: str = "2025-09-15", name: str = "cha.yaml",
               to: str = "cac-bo-nganh"):
    """A small national decision giving *duties* to 'các bộ, ngành' (or *to*) (a test's, not a real text)."""
    lines = ["kind: directive", "id: kt-tham-quyen", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 99", "  symbol: QĐ-TTg", "  place: Hà Nội", f"  date: {date_text}", f"  title: {title}",
             "  level: trung_uong", "source: kiểm thử", "status: inferred", "sections:", "  - label: I.",
             "    title: TỔ CHỨC THỰC HIỆN", "    blocks:", "      - label: '1.'",
             "        title: Các cơ quan", f"        agency: {to}", "        blocks:"]
    for i, text in enumerate(duties):
        lines += [f"          - id: bo-{i + 1}", "            label: '-'", f"            text: {text}"]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_plan_or_raise(path)


def _draft(tmp_path, parent, unit="tỉnh Nghệ An", day=date(2025, 11, 26), name="du-thao.yaml"):
    out = tmp_path / name
    text, _ = derive([parent], unit, out, day=day)
    out.write_text(text, encoding="utf-8")
    return text, load_plan_or_raise(out).plan


def _owners(plan) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for block in plan.blocks():
        for child in block.blocks if block.agency else []:
            for link in child.links:
                out.setdefault(link.ref.split("#")[1], set()).update(block.agency)
    return out


def test_every_competence_names_a_registry_body_with_its_source_and_certainty():
    registry = load_registry()
    competences = load_competences()
    for competence in competences.province + competences.commune:
        assert competence.agency in registry.agencies, competence.agency
        assert competence.source and competence.certainty in ("C", "S", "U")
        for word in competence.words:
            assert word == unicodedata.normalize("NFC", word) and word.strip() == word


def test_a_duty_of_every_ministry_goes_to_the_departments_its_words_name_with_the_reason_beside_it(tmp_path):
    parent = load_plan_or_raise(PAIRS / "ct-32-2025.yaml")
    text, plan = _draft(tmp_path, parent)
    owners = _owners(plan)
    # "kiểm định … phần mềm hệ thống, phần mềm ứng dụng" is the Sở Khoa học và Công nghệ's subject (ex-Sở TTTT)
    assert "so-khcn" in owners["cac-bo-nganh.4"]
    # "bố trí nguồn lực để đầu tư … hạ tầng công nghệ thông tin": Sở Tài chính leads, Sở KH&CN cooperates
    assert owners["cac-bo-nganh.11"] == {"so-tai-chinh", "so-khcn"}
    assert "# theo chức năng: Sở Khoa học và Công nghệ phụ trách lĩnh vực này" in text
    assert "vì nhiệm vụ nói 'phần mềm'" in text
    # a body's name in the duty ("các Sở: Nội vụ, …, Khoa học và Công nghệ") is not its subject matter
    assert owners["cac-bo-nganh.9"] == {"cac-so-nganh-tinh"}
    # the directive's own subject ('bí mật nhà nước', in most duties) is the lead's, it picks no body per duty
    assert owners["cac-bo-nganh.1"] == {"cac-so-nganh-tinh"}
    # no duty given to every ministry is lost on the way
    assert {f"cac-bo-nganh.{i}" for i in range(1, 14)} <= set(owners)


def test_a_duty_naming_no_bodys_subject_stays_with_the_group_the_parent_addresses(tmp_path):
    parent = _directive(tmp_path, "Về tăng cường kỷ luật, kỷ cương", ["Quán triệt, triển khai nghiêm Quyết định này."])
    _, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"cac-so-nganh-tinh"}


def test_the_lead_is_the_department_whose_competence_the_title_names_when_the_parent_names_none(tmp_path):
    parent = load_plan_or_raise(PAIRS / "qd-2437-2025.yaml")   # a campaign of emulation (thi đua): Sở Nội vụ
    _, plan = _draft(tmp_path, parent, "tỉnh Đắk Lắk")
    assert plan.sections[-1].blocks[0].agency == ["so-noi-vu"]
    # the draft's budget section has its adviser: the body holding the budget competence
    assert any(b.agency == ["so-tai-chinh"] for b in plan.sections[-1].blocks)


def test_before_the_2025_reorganisation_the_subject_goes_to_the_body_that_held_it_then(tmp_path):
    parent = _directive(tmp_path, "Về đẩy mạnh ứng dụng công nghệ",
                        ["Đẩy mạnh chuyển đổi số trong cơ quan nhà nước."], date_text="2023-05-10")
    _, before = _draft(tmp_path, parent, day=date(2024, 6, 1))
    assert _owners(before)["bo-1"] == {"so-tttt"}
    _, after = _draft(tmp_path, parent, day=date(2025, 11, 26), name="sau.yaml")
    assert _owners(after)["bo-1"] == {"so-khcn"}


def test_the_front_is_asked_only_when_the_parent_asks_for_mobilisation_and_the_press_only_when_it_asks_the_media(
        tmp_path):
    quiet = _directive(tmp_path, "Về quản lý tài sản công", ["Rà soát, sắp xếp lại tài sản công theo quy định."])
    _, plan = _draft(tmp_path, quiet)
    agencies = {a for b in plan.blocks() for a in b.agency}
    assert not agencies & {"bao-ptth-tinh", "uy-ban-mttq-tinh"}
    loud = _directive(tmp_path, "Về quản lý tài sản công", ["Tuyên truyền, vận động Nhân dân chấp hành quy định."],
                      name="cha2.yaml")
    _, plan = _draft(tmp_path, loud, name="sau.yaml")
    agencies = {a for b in plan.blocks() for a in b.agency}
    assert "uy-ban-mttq-tinh" in agencies and "bao-ptth-tinh" not in agencies   # propaganda alone is not the media's
    media = _directive(tmp_path, "Về quản lý tài sản công", ["Tuyên truyền trên báo chí, phát thanh, truyền hình về "
                                                             "quy định quản lý tài sản công."], name="cha3.yaml")
    _, plan = _draft(tmp_path, media, name="bao.yaml")
    assert "bao-ptth-tinh" in {a for b in plan.blocks() for a in b.agency}   # from 07/2025 the province's one press body


def test_a_duty_the_province_gives_every_commune_goes_to_the_commune_office_its_words_name(tmp_path):
    parent = _directive(tmp_path, "Về công tác cơ sở", ["Tổ chức gọi công dân thực hiện nghĩa vụ quân sự đúng luật.",
                                                         "Rà soát, cập nhật hộ tịch, chứng thực theo quy định."],
                        to="ubnd-tinh")
    _draft(tmp_path, parent, name="tinh.yaml")
    province = load_plan_or_raise(tmp_path / "tinh.yaml")
    text, plan = _draft(tmp_path, province, "phường Vinh Hưng", date(2025, 12, 10), name="phuong.yaml")
    by_text = {child.text: block.agency for block in plan.blocks() if block.agency for child in block.blocks}
    assert any("nghĩa vụ quân sự" in t and a[0].startswith("Ban Chỉ huy Quân sự phường") for t, a in by_text.items())
    assert any("hộ tịch" in t and a == ["van-phong-hdnd-ubnd-xa"] for t, a in by_text.items())
    assert "theo chức năng: Văn phòng HĐND và UBND phụ trách lĩnh vực này" in text
    assert "tham mưu Ủy ban nhân dân tỉnh" not in " ".join(by_text)   # the province's advisory lines stay there


def test_a_ministrys_law_or_decree_to_draft_is_not_a_departments_duty_and_the_draft_says_so(tmp_path):
    parent = _directive(tmp_path, "Về giáo dục", ["Xây dựng Nghị định quy định về học phí, trình Chính phủ.",
                                                  "Hướng dẫn các cơ sở giáo dục thực hiện chương trình mới."],
                        to="bo-gddt")
    out = tmp_path / "du-thao.yaml"
    text, report = derive([parent], "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    assert "học phí" not in text and "chương trình mới" in text
    assert any("1 nhiệm vụ của các bộ là soạn thảo, trình, ban hành luật, nghị định" in n for n in report.notes)


def test_several_ministries_named_in_one_string_each_reach_their_department(tmp_path):
    parent = _directive(tmp_path, "Về hạ tầng", ["Phát triển hạ tầng năng lượng và hạ tầng giao thông thông minh."],
                        to="'Bộ Công Thương, Bộ Xây dựng và Bộ Tư pháp'")
    _, plan = _draft(tmp_path, parent)
    headings = {a for b in plan.blocks() for a in b.agency}
    assert {"so-cong-thuong", "so-xay-dung", "so-tu-phap"} <= headings


def test_a_ministers_title_becomes_the_province_heads_title(tmp_path):
    text, _ = _draft(tmp_path, load_plan_or_raise(PAIRS / "ct-32-2025.yaml"))
    assert "Giám đốc Sở Nội vụ chỉ đạo" in text and "Giao Giám đốc Công an tỉnh giúp" in text
    assert "Bộ trưởng Sở" not in text and "Bộ trưởng Công an tỉnh" not in text


def test_a_task_the_parent_gives_the_localities_is_the_provinces_own_task_not_a_note(tmp_path):
    parent = _directive(tmp_path, "Về hạ tầng", ["Xây dựng kế hoạch phát triển hạ tầng trong các khu công nghiệp."],
                        to="Các địa phương")
    out = tmp_path / "du-thao.yaml"
    text, report = derive([parent], "tỉnh Nghệ An", out, day=date(2025, 11, 26))
    assert not any("Các địa phương" in n for n in report.notes)
    out.write_text(text, encoding="utf-8")
    owners = _owners(load_plan_or_raise(out).plan)
    # 'khu công nghiệp' is the industrial-zone board's phrase, though 'công nghiệp' alone is Sở Công Thương's
    assert "ban-ql-kkt-tinh" in owners["bo-1"] and "ubnd-cap-xa" in owners["bo-1"]


def test_local_governments_responsibility_is_not_the_home_affairs_departments_subject(tmp_path):
    # "chính quyền địa phương" names who acts; Sở Nội vụ's subject is how local government is organised.
    parent = _directive(tmp_path, "Về bảo vệ rừng", ["Đề cao trách nhiệm của chính quyền địa phương các cấp trong công "
                                                     "tác bảo vệ rừng."])
    _, plan = _draft(tmp_path, parent)
    assert _owners(plan)["bo-1"] == {"so-nn-mt"}
