"""derive duty by duty: the parent's field only, each central body's duty to its province counterpart, each
province body's to the commune office holding its role, and a duty with no counterpart reported, never dropped."""

from __future__ import annotations

import re
from datetime import date

import pytest

from authoring.lifecycle.derive import derive
from authoring.lifecycle.measure import parents_of
from authoring.loading import load_plan_or_raise
from authoring.loading.drafting import load_fields
from authoring.model.walk import iter_blocks
from authoring.render.plain import plan_text
from authoring.rules.check import run_check
from helpers import FIXTURES

FIELDS = FIXTURES / "derive_fields"
# A parent of each field: children (the library's national programme), drugs, state secrets, fire safety.
PARENTS = {"tre-em": parents_of(["qd-23-2021"])[0], "ma-tuy": load_plan_or_raise(FIELDS / "ma-tuy.yaml"),
           "bi-mat-nha-nuoc": load_plan_or_raise(FIELDS / "bi-mat.yaml"),
           "phong-chay-chua-chay": load_plan_or_raise(FIELDS / "pccc.yaml")}
DAY = date(2025, 11, 26)


def _draft(tmp_path, parent, unit="tỉnh Nghệ An", day=DAY, name="du-thao.yaml"):
    out = tmp_path / name
    text, report = derive(parent, unit, out, day=day)
    out.write_text(text, encoding="utf-8")
    return out, load_plan_or_raise(out).plan, report


def _parent_text(parent) -> str:
    return " ".join([parent.plan.document.title] + [f"{b.title or ''} {b.text or ''}" for _, b in iter_blocks(parent.plan)])


def _owners(plan) -> dict[str, list[str]]:
    """Parent item ref → the agencies of the heading the draft puts it under."""
    out = {}
    for block in plan.blocks():
        if block.agency:
            for child in block.blocks:
                for link in child.links:
                    out[link.ref] = block.agency
    return out


@pytest.mark.parametrize("field_id", list(PARENTS))
def test_no_draft_carries_another_fields_words(tmp_path, field_id):
    parent = PARENTS[field_id]
    out, plan, _ = _draft(tmp_path, parent)
    printed = plan_text(plan) + "\n" + out.read_text(encoding="utf-8")
    own = _parent_text(parent).lower()
    for other in load_fields().fields:
        if other.id == field_id:
            continue
        for word in other.words:
            if word.lower() in own:
                continue  # the parent's own words may be restated
            assert word.lower() not in printed.lower(), f"{field_id}: a draft speaks of '{word}' ({other.name})"


@pytest.mark.parametrize("field_id, lead, ministry", [("ma-tuy", "cong-an-tinh", "bo-cong-an"),
                                                      ("bi-mat-nha-nuoc", "cong-an-tinh", "bo-cong-an"),
                                                      ("phong-chay-chua-chay", "cong-an-tinh", "bo-cong-an"),
                                                      ("tre-em", "so-y-te", "bo-y-te")])
def test_lead_and_report_channel_follow_the_parents_lead(tmp_path, field_id, lead, ministry):
    out, plan, _ = _draft(tmp_path, PARENTS[field_id])
    assert plan.sections[-1].blocks[0].agency == [lead]
    assert plan.recipients[0].agency == [ministry]
    assert "lồng ghép các mục tiêu, chỉ tiêu về trẻ em" not in plan_text(plan) or field_id == "tre-em"


def test_each_central_body_reaches_its_province_counterpart_and_a_body_without_one_is_a_note(tmp_path):
    out, plan, report = _draft(tmp_path, PARENTS["ma-tuy"])
    owners = _owners(plan)
    assert owners["kt-ma-tuy#bqp-1"] == ["bch-quan-su-tinh"]      # Bộ Quốc phòng → Bộ Chỉ huy Quân sự tỉnh
    assert owners["kt-ma-tuy#bdbp-1"] == ["bdbp-tinh"]            # Bộ đội Biên phòng → Bộ đội Biên phòng tỉnh
    assert owners["kt-ma-tuy#hq-1"] == ["hai-quan-tinh"]          # a central agency seated in the province
    assert owners["kt-ma-tuy#vks-1"] == ["vksnd-tinh"]            # asked, not ordered: Viện kiểm sát tỉnh
    assert owners["kt-ma-tuy#nv2"] == ["so-y-te"]                 # a project owned by Bộ Y tế reaches Sở Y tế
    assert owners["kt-ma-tuy#tinh-1"] == ["ubnd-cap-xa"]          # the province's own duty, spread to its communes
    assert "kt-ma-tuy#csb-1" not in owners
    assert any("Cảnh sát biển" in note and "Chủ trì đấu tranh với tội phạm ma túy trên biển" in note and "csb-1" not in note
               for note in report.notes)  # the duty by its words, never by its id
    assert "Ủy ban nhân dân các huyện" not in plan_text(plan)      # 26/11/2025: no districts any more
    secrets = _owners(_draft(tmp_path, PARENTS["bi-mat-nha-nuoc"], name="bm.yaml")[1])
    assert secrets["kt-bi-mat#ta-1"] == ["toa-an-tinh"]
    fire = _owners(_draft(tmp_path, PARENTS["phong-chay-chua-chay"], name="pc.yaml")[1])
    assert fire["kt-pccc#bct-1"] == ["so-cong-thuong"] and fire["kt-pccc#ld-1"] == ["ldld-tinh"]
    assert fire["kt-pccc#kb-1"] == ["kho-bac-tinh"] and fire["kt-pccc#nh-1"] == ["nhnn-tinh"]
    assert fire["kt-pccc#thue-1"] == ["thue-tinh"]
    assert not run_check(out, [str(FIELDS / "ma-tuy.yaml")]).index.has_errors


def test_a_province_bodys_duty_reaches_the_commune_office_holding_its_role(tmp_path):
    province, _, _ = _draft(tmp_path, PARENTS["ma-tuy"], name="tinh.yaml")
    out, plan, report = _draft(tmp_path, load_plan_or_raise(province), "phường Vinh Hưng", date(2025, 12, 10),
                               name="phuong.yaml")
    owners = _owners(plan)
    by_text = {b.text: owners.get(b.links[0].ref) for b in plan.blocks() if b.links}
    assert any(a == ["ban-chqs-xa"] or a == ["Ban Chỉ huy Quân sự phường Vinh Hưng"] for a in by_text.values())
    assert any("điều trị nghiện" in t and a == ["phong-van-hoa-xa-hoi"] for t, a in by_text.items())
    text = plan_text(plan)
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam phường Vinh Hưng" in text and "Mặt trận Tổ quốc Việt Nam xã" not in text
    assert "gửi Bộ Công an" not in text  # the province's own reports stay the province's
    assert any("Bộ đội Biên phòng tỉnh" in note for note in report.notes)
    assert not run_check(out, [str(province)]).index.has_errors


def test_a_centrally_run_city_says_thanh_pho_in_its_own_words(tmp_path):
    _, plan, _ = _draft(tmp_path, PARENTS["bi-mat-nha-nuoc"], "thành phố Hà Nội")
    text = plan_text(plan)
    assert "Công an thành phố" in text and "Thường trực Thành ủy" in text
    assert not re.search(r"\btỉnh\b", "\n".join(r.name for r in plan.recipients))


def test_a_ward_of_a_centrally_run_city_names_the_city_and_its_own_front(tmp_path):
    # A drug-control parent asks for mobilisation, so the ward's plan has its Front (ranking: only when asked).
    city, _, _ = _draft(tmp_path, PARENTS["ma-tuy"], "thành phố Hà Nội", name="ha-noi.yaml")
    out, plan, _ = _draft(tmp_path, load_plan_or_raise(city), "phường Hoàn Kiếm", date(2025, 12, 1), name="phuong.yaml")
    text = plan_text(plan)
    assert "Ủy ban nhân dân thành phố Hà Nội" in text and "tỉnh Hà Nội" not in text and "Công an tỉnh" not in text
    assert "Ủy ban Mặt trận Tổ quốc Việt Nam phường Hoàn Kiếm" in text
    assert not run_check(out, [str(city)]).index.has_errors


def _lower_bodies_parent(tmp_path):
    """A national circular giving duties to a district office and to the communes (a test's, not a real text)."""
    lines = ["kind: directive", "id: kt-cap-duoi", "document:", "  type: Thông tư", "  issuer: {agency: bo-ldtbxh, "
             "name: Bộ Lao động - Thương binh và Xã hội, header: [BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI]}",
             "  number: 9", "  symbol: TT-BLĐTBXH", "  place: Hà Nội", "  date: 2019-05-15",
             "  title: hướng dẫn quản lý kinh phí chi trả trợ cấp", "  level: trung_uong", "source: kiểm thử",
             "status: inferred", "sections:", "  - label: I.", "    title: TỔ CHỨC THỰC HIỆN", "    blocks:",
             "      - label: '1.'", "        title: Sở Lao động - Thương binh và Xã hội", "        agency: so-ldtbxh",
             "        blocks:", "          - id: s-1", "            label: '-'",
             "            text: Tổng hợp dự toán kinh phí chi trả trợ cấp của tỉnh.",
             "      - label: '2.'", "        title: Phòng Lao động - Thương binh và Xã hội", "        agency: phong-ldtbxh",
             "        blocks:", "          - id: p-1", "            label: '-'",
             "            text: Lập danh sách đối tượng, dự toán kinh phí chi trả trợ cấp gửi Sở.",
             "      - label: '3.'", "        title: Ủy ban nhân dân cấp xã", "        agency: ubnd-cap-xa",
             "        blocks:", "          - id: x-1", "            label: '-'",
             "            text: Xác nhận danh sách đối tượng hưởng trợ cấp trên địa bàn."]
    path = tmp_path / "tt-9.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_parent_duty_for_a_body_below_the_province_is_passed_down_never_dropped(tmp_path):
    path = _lower_bodies_parent(tmp_path)
    parent = load_plan_or_raise(path)
    # 2020: the province plan names the districts' office and the communes with the parent's duties
    out, plan, report = _draft(tmp_path, parent, unit="tỉnh Lạng Sơn", day=date(2020, 3, 2))
    owners = _owners(plan)
    assert owners["kt-cap-duoi#p-1"] == ["phong-ldtbxh"] and owners["kt-cap-duoi#x-1"] == ["ubnd-cap-xa"]
    titles = [b.title for b in plan.blocks() if b.agency == ["phong-ldtbxh"]]
    assert titles == ["Phòng Lao động - Thương binh và Xã hội cấp huyện"]   # every district's, not one
    assert ["phong-ldtbxh"] in [r.agency for r in plan.recipients]          # and it receives the plan
    assert not run_check(out, [str(path)]).index.has_errors
    # 26/11/2025: the district office is abolished; its duty goes to the commune office the registry names its successor
    out, later, _ = _draft(tmp_path, parent, unit="tỉnh Lạng Sơn", name="sau.yaml")
    assert _owners(later)["kt-cap-duoi#p-1"] == ["phong-van-hoa-xa-hoi"]
    assert _owners(later)["kt-cap-duoi#x-1"] == ["ubnd-cap-xa"]
    assert "Phòng Văn hóa - Xã hội cấp xã" in [b.title for b in later.blocks()]
    assert not run_check(out, [str(path)]).index.has_errors
