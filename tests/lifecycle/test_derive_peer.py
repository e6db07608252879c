"""derive --peer: a neighbour's real plan weighs as evidence of who does what, translated to the unit and its day; it
counts only where the parent's own duties reach a body's competence, and a body it brings says so in a comment."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from authoring.errors import InputError
from authoring.lifecycle.derive import derive
from authoring.lifecycle.derive.peer import read_peer
from authoring.lifecycle.pairs import draft_agencies
from authoring.loading import load_plan_or_raise, load_registry

DAY = date(2025, 11, 26)
PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "derive_pairs"
# Bodies of the kind a province plan names (their competences.yaml phrases): five, more than a duty's usual reach.
DUTY = ("Tăng cường phổ biến, giáo dục pháp luật, hòa giải ở cơ sở; lập dự toán, bố trí kinh phí; giải quyết khiếu nại, "
        "tố cáo; đơn giản hóa thủ tục hành chính.")


def _directive(tmp_path: Path, duty: str = DUTY):
    """A small national decision whose one duty is for every province (a test's, not a real text)."""
    lines = ["kind: directive", "id: kt-lang-gieng", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 98", "  symbol: QĐ-TTg", "  place: Hà Nội", "  date: 2025-09-15",
             "  title: về nâng cao hiệu quả công tác cải cách hành chính", "  level: trung_uong", "source: kiểm thử",
             "status: inferred", "sections:", "  - label: I.", "    title: TỔ CHỨC THỰC HIỆN", "    blocks:",
             "      - label: '1.'", "        title: Ủy ban nhân dân các tỉnh, thành phố", "        agency: ubnd-tinh",
             "        blocks:", "          - id: d-1", "            label: '-'", f"            text: {duty}"]
    path = tmp_path / "cha.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_plan_or_raise(path)


def _neighbour(tmp_path: Path, bodies: list[str], cites: str = "Quyết định số 98/QĐ-TTg ngày 15/9/2025") -> Path:
    """Another province's plan as a text file, giving each of *bodies* a duty."""
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH", "Số: 12/KH-UBND", "Hà Tĩnh, ngày 20 tháng 10 năm 2025", "KẾ HOẠCH",
             "Thực hiện cải cách hành chính năm 2025", f"Thực hiện {cites} của Thủ tướng Chính phủ, Ủy ban nhân dân "
             "tỉnh ban hành Kế hoạch thực hiện như sau:", "I. TỔ CHỨC THỰC HIỆN"]
    for i, body in enumerate(bodies):
        lines += [f"{i + 1}. {body}", "- Chủ trì, phối hợp thực hiện các nhiệm vụ được giao."]
    path = tmp_path / "ha-tinh.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _derived(tmp_path: Path, parents, peer: Path | None, unit: str = "tỉnh Nghệ An", day: date = DAY):
    out = tmp_path / f"du-thao-{'co' if peer else 'khong'}.yaml"
    text, report = derive(parents, unit, None, day=day, peer=peer)
    out.write_text(text, encoding="utf-8")
    return text, load_plan_or_raise(out), report


def test_neighbour_bodies_are_translated_to_the_unit_and_its_day(tmp_path):
    # Hà Tĩnh's newspaper is Nghệ An's; a district-era Sở LĐTBXH is its successor on the day; a body of no registry
    # and a commune's office are named in a note, not used.
    peer = _neighbour(tmp_path, ["Báo Hà Tĩnh", "Văn phòng Ủy ban nhân dân tỉnh", "Ủy ban nhân dân các huyện, thành phố, thị xã",
                                 "Ban Quản lý dự án Không Có Thật", "Công an xã"])
    text, draft, report = _derived(tmp_path, [_directive(tmp_path)], peer)
    assert "Tham khảo kế hoạch của tỉnh Hà Tĩnh (ha-tinh.txt)" in text
    dropped = next(n for n in report.notes if "không tìm thấy cơ quan tương ứng" in n)
    assert "Ban Quản lý dự án Không Có Thật" in dropped and "Công an xã" in dropped
    assert "các huyện" not in dropped   # the districts are this draft's communes, which every draft has
    assert "Báo Hà Tĩnh" not in dropped and "Văn phòng" not in dropped
    # Hà Tĩnh's newspaper is, on 26/11/2025, Nghệ An's merged press body: named as such where it is not used
    assert any(n.startswith("Báo và Phát thanh, Truyền hình Nghệ An: có trong kế hoạch của tỉnh Hà Tĩnh")
               for n in report.notes)


def test_a_neighbour_body_the_duty_reaches_beyond_its_usual_reach_is_named_with_the_reason(tmp_path):
    parent = _directive(tmp_path)
    _, alone, _ = _derived(tmp_path, [parent], None)
    # the fourth of four competences the duty names, with one phrase: beyond the usual reach
    assert "van-phong-ubnd-tinh" not in draft_agencies(load_registry(), alone)
    text, helped, _ = _derived(tmp_path, [parent], _neighbour(tmp_path, ["Văn phòng Ủy ban nhân dân tỉnh", "Sở Tư pháp"]))
    assert "van-phong-ubnd-tinh" in draft_agencies(load_registry(), helped)
    line = next(line for line in text.splitlines() if "theo kế hoạch của tỉnh Hà Tĩnh" in line)
    assert "thủ tục hành chính" in line   # the reason quotes the duty's own words that reach the body's competence


def test_a_neighbour_of_another_subject_gives_no_body_a_duty_the_parent_does_not_reach(tmp_path):
    # Lâm Đồng's administrative-reform orders used as the neighbour of a children's plan: its Văn phòng UBND, Thanh tra
    # and Sở Khoa học và Công nghệ are not what the children's decisions ask, so the draft names the same bodies.
    parents = [load_plan_or_raise(f"plans/directives/{name}.yaml") for name in ("ct-28-2023", "qd-1183-2024")]
    peer = PAIRS / "tune" / "lam-dong-chi-so-cchc-2025" / "child.txt"
    _, alone, _ = _derived(tmp_path, parents, None, day=date(2025, 1, 6))
    text, helped, report = _derived(tmp_path, parents, peer, day=date(2025, 1, 6))
    registry = load_registry()
    assert draft_agencies(registry, helped) == draft_agencies(registry, alone)
    unused = next(n for n in report.notes if "nhưng không nhiệm vụ nào của văn bản cấp trên" in n)
    assert "Thanh tra tỉnh" in unused and "Văn phòng Ủy ban nhân dân tỉnh" in unused
    assert "không dẫn văn bản cấp trên này" in text   # not of the same parent: no press, Front, unions from it


def _one_in_many(tmp_path: Path, many: int):
    """A national decision giving Bộ Khoa học và Công nghệ *many* duties and Bộ Y tế one."""
    lines = ["kind: directive", "id: kt-gop", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 98", "  symbol: QĐ-TTg", "  place: Hà Nội", "  date: 2025-09-15", "  title: Về chuyển đổi số",
             "  level: trung_uong", "source: kiểm thử", "status: inferred", "sections:", "  - label: I.",
             "    title: TỔ CHỨC THỰC HIỆN", "    blocks:", "      - label: '1.'", "        title: Bộ Khoa học và Công nghệ",
             "        agency: bo-khcn", "        blocks:"]
    for i in range(1, many + 1):
        lines += [f"          - id: d-{i}", "            label: '-'",
                  f"            text: Triển khai nền tảng số thứ {i} phục vụ chuyển đổi số của ngành, lĩnh vực."]
    lines += ["      - label: '2.'", "        title: Bộ Y tế", "        agency: bo-y-te", "        blocks:",
              "          - id: y-1", "            label: '-'", "            text: Cấp chữ ký số miễn phí cho nhân viên y tế xã."]
    (tmp_path / "cha.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [load_plan_or_raise(tmp_path / "cha.yaml")]


def test_a_neighbour_keeps_a_body_the_parent_reaches_too_little_for_a_heading(tmp_path):
    # One duty of Bộ Y tế among forty of Bộ Khoa học và Công nghệ: alone, ranking folds Sở Y tế into the lead's
    # heading; a neighbour that gives Sở Y tế duties keeps its heading, and the comment says why.
    parents = _one_in_many(tmp_path, 40)
    registry = load_registry()
    _, alone, _ = _derived(tmp_path, parents, None)
    text, helped, _ = _derived(tmp_path, parents, _neighbour(tmp_path, ["Sở Khoa học và Công nghệ", "Sở Y tế"]))
    assert "so-y-te" not in draft_agencies(registry, alone) and "so-y-te" in draft_agencies(registry, helped)
    assert "# theo kế hoạch của tỉnh Hà Tĩnh: Sở Y tế có mục riêng dù văn bản cấp trên ít nói tới" in text


def test_the_same_neighbour_gives_the_same_draft_byte_for_byte(tmp_path):
    parent = _directive(tmp_path)
    peer = _neighbour(tmp_path, ["Thanh tra tỉnh"])
    first = derive([parent], "tỉnh Nghệ An", None, day=DAY, peer=peer)[0]
    assert derive([parent], "tỉnh Nghệ An", None, day=DAY, peer=peer)[0] == first


def test_a_missing_neighbour_file_is_refused_with_the_path(tmp_path):
    with pytest.raises(InputError) as caught:
        derive([_directive(tmp_path)], "tỉnh Nghệ An", None, day=DAY, peer=tmp_path / "khong-co.docx")
    assert "khong-co.docx" in str(caught.value)


def test_a_neighbour_read_from_text_names_its_issuer_and_bodies(tmp_path):
    peer = read_peer(_neighbour(tmp_path, ["Sở Tư pháp", "Giao Thanh tra tỉnh chủ trì, phối hợp"]))
    assert peer.owner == "tỉnh Hà Tĩnh"
    assert "Sở Tư pháp" in peer.names and "Thanh tra tỉnh" in peer.names


def test_derive_command_takes_a_neighbour_plan_and_refuses_a_missing_one(tmp_path, runner):
    from authoring.cli import main

    parent = tmp_path / "cha.yaml"
    _directive(tmp_path)
    out = tmp_path / "tinh.yaml"
    base = ["derive", str(parent), "--unit", "tỉnh Nghệ An", "--date", "26/11/2025", "-o", str(out)]
    result = runner.invoke(main, base + ["--peer", str(_neighbour(tmp_path, ["Văn phòng Ủy ban nhân dân tỉnh"]))])
    assert result.exit_code == 0, result.output
    assert "theo kế hoạch của tỉnh Hà Tĩnh" in out.read_text(encoding="utf-8")
    out.unlink()
    missing = runner.invoke(main, base + ["--peer", str(tmp_path / "khong-co.pdf")])
    assert missing.exit_code == 1 and "khong-co.pdf" in missing.output and "Traceback" not in missing.output
    assert not out.exists()


def test_a_neighbour_body_whose_competence_a_duty_of_another_body_names_cooperates_on_it(tmp_path):
    # A duty of Bộ Nội vụ that speaks of complaints: Sở Nội vụ takes it; Thanh tra tỉnh, which the neighbour names,
    # cooperates on it (its competence: khiếu nại, tố cáo); without the neighbour it is not named.
    lines = ["kind: directive", "id: kt-phoi-hop", "document:", "  type: Quyết định",
             "  issuer: {agency: thu-tuong, name: Thủ tướng Chính phủ, header: [THỦ TƯỚNG CHÍNH PHỦ]}",
             "  number: 98", "  symbol: QĐ-TTg", "  place: Hà Nội", "  date: 2025-09-15", "  title: Về công vụ",
             "  level: trung_uong", "source: kiểm thử", "status: inferred", "sections:", "  - label: I.",
             "    title: TỔ CHỨC THỰC HIỆN", "    blocks:", "      - label: '1.'", "        title: Bộ Nội vụ",
             "        agency: bo-noi-vu", "        blocks:", "          - id: nv-1", "            label: '-'",
             "            text: Chủ trì kiểm tra công vụ, giải quyết khiếu nại, tố cáo của cán bộ, công chức."]
    (tmp_path / "cha.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    parents = [load_plan_or_raise(tmp_path / "cha.yaml")]
    registry = load_registry()
    _, alone, _ = _derived(tmp_path, parents, None)
    text, helped, _ = _derived(tmp_path, parents, _neighbour(tmp_path, ["Sở Nội vụ", "Thanh tra tỉnh"]))
    assert "thanh-tra-tinh" not in draft_agencies(registry, alone)
    assert "thanh-tra-tinh" in draft_agencies(registry, helped)
    line = next(line for line in text.splitlines() if "theo kế hoạch của tỉnh Hà Tĩnh và theo chức năng" in line)
    assert "Thanh tra tỉnh" in line and "khiếu nại" in line


def test_a_neighbour_of_the_same_parent_only_adds_bodies_never_drops_what_the_parent_proposes(tmp_path):
    # The parent asks the province to inform the public and mobilise the people, so the draft alone proposes the press
    # and the Front; a neighbour of the same parent that names neither (only Thanh tra tỉnh) removes neither.
    duty = DUTY + " Đẩy mạnh thông tin, tuyên truyền trên các phương tiện thông tin đại chúng; vận động nhân dân tham gia."
    parent = _directive(tmp_path, duty)
    registry = load_registry()
    _, alone, _ = _derived(tmp_path, [parent], None)
    text, helped, _ = _derived(tmp_path, [parent], _neighbour(tmp_path, ["Thanh tra tỉnh"]))
    assert "không dẫn văn bản cấp trên này" not in text   # the neighbour cites the parent: same programme
    before, after = draft_agencies(registry, alone), draft_agencies(registry, helped)
    assert {"uy-ban-mttq-tinh", "bao-ptth-tinh"} & before   # what the parent's words propose ...
    assert before <= after                                  # ... stays with the neighbour


def test_a_neighbour_of_the_same_parent_keeps_a_body_the_parent_reaches_however_little(tmp_path):
    # One duty of Bộ Y tế among a hundred: even with the neighbour's weight, Sở Y tế is under the share of a heading.
    # A neighbour implementing the same decision that gives Sở Y tế duties keeps it; one of another decision does not.
    parents = _one_in_many(tmp_path, 100)
    registry = load_registry()
    _, same, _ = _derived(tmp_path, parents, _neighbour(tmp_path, ["Sở Khoa học và Công nghệ", "Sở Y tế"]))
    _, other, _ = _derived(tmp_path, parents, _neighbour(tmp_path, ["Sở Khoa học và Công nghệ", "Sở Y tế"],
                                                         cites="Quyết định số 7/QĐ-TTg ngày 02/01/2025"))
    assert "so-y-te" in draft_agencies(registry, same)
    assert "so-y-te" not in draft_agencies(registry, other)


def test_a_neighbour_read_from_text_names_bodies_in_articles_lists_sentences_and_cut_headings(tmp_path):
    # Real plans copied as text: a regulation's articles, "Cơ quan thực hiện: A; B", a body opening a sentence, and a
    # heading cut inside a body's name by a hard line break (tune plans of TP Hồ Chí Minh, Lai Châu, Sơn La).
    path = tmp_path / "lang-gieng.txt"
    path.write_text("\n".join([
        "ỦY BAN NHÂN DÂN", "TỈNH SƠN LA", "Số: 12/KH-UBND", "KẾ HOẠCH", "Thực hiện chương trình", "",
        "Điều 5. Kho bạc Nhà nước tỉnh, Bảo hiểm xã hội tỉnh có nhiệm vụ", "",
        "- Cơ quan thực hiện: Sở Tư pháp; Sở Văn hóa, Thể thao và Du lịch và các sở, ngành có liên quan.", "",
        "Sở Khoa học và Công nghệ chủ trì, phối hợp với các đơn vị tổ chức tập huấn.", "",
        "6. Sở Ngoại", "", "vụ", "", "- Tham mưu công tác đối ngoại."]) + "\n", encoding="utf-8")
    registry = load_registry()
    from authoring.lifecycle.pairs import agency_key

    read = {agency_key(registry, n) for n in read_peer(path).names}
    assert {"kho-bac-tinh", "so-tu-phap", "so-vhttdl", "so-khcn", "so-ngoai-vu"} <= read


def test_a_neighbour_adds_the_press_only_when_what_the_province_is_asked_reaches_it_and_no_other_organisation(tmp_path):
    # The parent asks the province only for legal education; "tuyên truyền" is in a ministry's duty. A neighbour of the
    # same parent naming the press and the children's protection association adds neither (tune, each children's
    # plan as another's neighbour: such additions were wrong 6 times of 6).
    parent = _directive(tmp_path)
    path = tmp_path / "cha.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join([
        "      - label: '2.'", "        title: Bộ Văn hóa, Thể thao và Du lịch", "        agency: bo-vhttdl", "        blocks:",
        "          - id: v-1", "            label: '-'",
        "            text: Chủ trì tuyên truyền, phổ biến pháp luật về cải cách hành chính trên cả nước."]) + "\n",
        encoding="utf-8")
    parent = load_plan_or_raise(path)
    registry = load_registry()
    _, alone, _ = _derived(tmp_path, [parent], None)
    text, helped, _ = _derived(tmp_path, [parent], _neighbour(tmp_path, [
        "Báo và Phát thanh, Truyền hình Hà Tĩnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Hội Bảo vệ quyền trẻ em tỉnh"]))
    added = draft_agencies(registry, helped) - draft_agencies(registry, alone)
    assert not added & {"bao-ptth-tinh", "bao-tinh", "dai-ptth-tinh", "hoi-bvqte-tinh"}, added
