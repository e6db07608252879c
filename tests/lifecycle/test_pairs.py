"""The pair scorer: agency recall and precision through the registry, linked targets and dues, for a draft and a neighbour."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.lifecycle.pairs import agency_key, load_pairs, score_draft, score_neighbour
from authoring.loading import load_plan_or_raise, load_registry

DRAFT = """\
kind: plan
id: du-thao-2026
document:
  issuer: {agency: ubnd-xa, name: Ủy ban nhân dân xã Hòa Bình, header: [ỦY BAN NHÂN DÂN, XÃ HÒA BÌNH]}
  symbol: KH-UBND
  place: Hòa Bình
  date: 2026-01-06
  title: Thực hiện công tác bảo vệ, chăm sóc trẻ em năm 2026
  level: xa
  province: Lạng Sơn
sections:
  - label: I.
    title: CHỈ TIÊU
    blocks:
      - label: "-"
        text: 95% trẻ em có hoàn cảnh đặc biệt được trợ giúp;
        targets:
          - {id: ct-1, value: 95, unit: "%", comparator: at_least, year: 2026}
      - label: "-"
        text: 100% trẻ em được khai sinh;
        targets:
          - {id: ct-2, value: 100, unit: "%", comparator: at_least, year: 2026}
  - label: II.
    title: TỔ CHỨC THỰC HIỆN
    blocks:
      - label: "1."
        title: Phòng Văn hóa - Xã hội
        agency: phong-van-hoa-xa-hoi
        blocks:
          - id: vhxh.1
            label: "-"
            text: Tham mưu Ủy ban nhân dân xã triển khai Kế hoạch.
            reporting:
              - {id: bc-nam, from: phong-van-hoa-xa-hoi, to: so-y-te, period: nam, due: 10/11}
      - id: ca
        label: "2."
        title: Công an xã
        agency: cong-an-xa
        text: Phối hợp bảo vệ trẻ em.
      - id: dtn
        label: "3."
        title: Đoàn Thanh niên xã
        agency: Đoàn Thanh niên xã
        text: Tuyên truyền trong đoàn viên.
recipients:
  - {name: Sở Y tế}
signature: {authority: [TM. ỦY BAN NHÂN DÂN], positions: [CHỦ TỊCH], name: Nguyễn Văn An}
"""

PAIR = """\
id: {id}
split: {split}
parent: {{document: "Kế hoạch của tỉnh", text: "", directive: ""}}
child: {{document: "Kế hoạch của xã", unit: "xã Hòa Bình", date: "2026-01-06", text: child.txt, source: thử}}
neighbours: [{neighbour}]
agencies:
{agencies}
targets:
  - {{text: "95% trẻ em có hoàn cảnh đặc biệt", value: "95%", keywords: ["hoàn cảnh đặc biệt"], linked: true, line: 3}}
  - {{text: "không liên kết", value: "100%", keywords: [], linked: false, line: 4}}
reporting:
  - {{period: "năm", due: "10/11", to: "Sở Y tế", line: 9}}
  - {{period: "6 tháng", due: "10/06", to: "Sở Y tế", line: 9}}
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "pairs"
    for split, pid, neighbour, names in (
            ("holdout", "xa-a", "xa-b", ["Phòng Văn hóa - Xã hội", "Công an xã", "Trạm Y tế xã"]),
            ("holdout", "xa-b", "xa-a", ["Phòng Văn hóa - Xã hội", "Trạm Y tế xã"])):
        folder = root / split / pid
        folder.mkdir(parents=True)
        agencies = "\n".join(f"  - {{name: \"{n}\", line: {i + 10}}}" for i, n in enumerate(names))
        (folder / "expected.yaml").write_text(PAIR.format(id=pid, split=split, neighbour=neighbour, agencies=agencies),
                                              encoding="utf-8")
    return root


def test_draft_scores_count_agencies_through_the_registry_and_targets_and_dues(corpus: Path, tmp_path: Path):
    pairs = load_pairs(corpus)
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT, encoding="utf-8")
    score = score_draft(load_registry(), pairs["xa-a"], load_plan_or_raise(draft))
    # real: VHXH, Công an xã, Trạm Y tế; draft: VHXH, Công an xã, Đoàn Thanh niên → 2 of 3 each way
    assert (score.agencies.hit, score.agencies.expected, score.agencies.proposed) == (2, 3, 3)
    assert score.agencies.recall == pytest.approx(2 / 3) and score.agencies.precision == pytest.approx(2 / 3)
    assert score.missing == ["Trạm Y tế xã"]
    assert (score.targets.hit, score.targets.expected) == (1, 1)     # only the linked target counts
    assert (score.dues.hit, score.dues.expected) == (1, 2)           # the yearly 10/11, not the 6-month 10/06


def test_neighbour_plan_as_draft_scores_its_own_agencies(corpus: Path):
    pairs = load_pairs(corpus)
    score = score_neighbour(load_registry(), pairs["xa-a"], pairs["xa-b"])
    assert (score.agencies.hit, score.agencies.expected, score.agencies.proposed) == (2, 3, 2)
    assert score.agencies.precision == 1.0
    assert (score.dues.hit, score.dues.expected) == (2, 2)


def test_agency_key_reads_a_city_and_a_regional_office_at_the_child_level():
    registry = load_registry()
    assert agency_key(registry, "Công an thành phố") == agency_key(registry, "Công an tỉnh") == "cong-an-tinh"
    assert agency_key(registry, "CÔNG AN  tỉnh") == "cong-an-tinh"
    assert agency_key(registry, "Chi cục Hải quan khu vực XIX") == agency_key(registry, "Chi cục Hải quan khu vực XIII")
    assert agency_key(registry, "Sở Du lịch") != agency_key(registry, "Sở Văn hóa, Thể thao và Du lịch")


def test_the_real_pair_corpus_is_consistent_with_its_texts():
    """Every pair loads; each agency's line is where the child names it; the held-out parts keep at least 40 % aside."""
    import unicodedata

    from helpers import FIXTURES

    from authoring.lifecycle.pairs import HELD_OUT

    root = FIXTURES / "derive_pairs"
    pairs = load_pairs(root)
    assert len(pairs) >= 12
    assert sum(p.split in HELD_OUT for p in pairs.values()) / len(pairs) >= 0.4
    for pair in pairs.values():
        text = (pair.folder / "child.txt").read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), pair.id
        lines = text.split("\n")
        for name, line in pair.agencies:
            near = " ".join(lines[line - 1:line + 3]).lower()
            assert name.split()[-1].lower() in near or name.split()[0].lower() in near, (pair.id, name, line)
        assert all(n in pairs for n in pair.neighbours), pair.id


def test_agency_key_reads_every_wording_of_all_the_communes_as_one_body():
    registry = load_registry()
    keys = {agency_key(registry, n) for n in ("UBND các xã/phường", "UBND các xã, phường", "UBND phường, xã",
                                               "Ủy ban nhân dân các xã, phường, đặc khu", "UBND cấp xã")}
    assert keys == {"ubnd-cap-xa"}
    assert agency_key(registry, "UBND xã") == "ubnd-xa"   # one commune, in the commune's own plan



def _benchmark():
    import importlib.util

    from helpers import ROOT

    spec = importlib.util.spec_from_file_location("derive_pairs_benchmark", ROOT / "benchmarks" / "derive_pairs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def three_splits(tmp_path: Path) -> Path:
    """One pair derived from the same real directive in each split folder: tune, holdout, holdout2."""
    from helpers import ROOT

    root = tmp_path / "pairs"
    directive = ROOT / "plans" / "directives" / "qd-23-2021.yaml"
    for split in ("tune", "holdout", "holdout2"):
        folder = root / split / f"dak-nong-{split}"
        folder.mkdir(parents=True)
        text = PAIR.format(id=f"dak-nong-{split}", split=split, neighbour="",
                           agencies='  - {name: "Sở Y tế", line: 1}\n  - {name: "Sở Không Có Thật", line: 2}')
        text = text.replace('directive: ""', f'directive: "{directive}"').replace("xã Hòa Bình", "tỉnh Đắk Nông")
        (folder / "expected.yaml").write_text(text, encoding="utf-8")
    return root


def test_every_split_folder_is_read_and_held_out_parts_are_named(three_splits: Path):
    from authoring.lifecycle.pairs import HELD_OUT

    pairs = load_pairs(three_splits)
    assert {p.split for p in pairs.values()} == {"tune", "holdout", "holdout2"}
    assert HELD_OUT == {"holdout", "holdout2"}


def test_benchmark_prints_holdout2_apart_and_never_details_a_held_out_pair(three_splits: Path, capsys):
    _benchmark().run(three_splits, details=True)
    out = capsys.readouterr().out
    sections = {part.split(" ", 1)[0]: part for part in out.split("\n## ")[1:]}
    assert set(sections) == {"tune", "holdout", "holdout2"}
    assert "dak-nong-holdout2" in sections["holdout2"] and "dak-nong-holdout2" not in sections["holdout"]
    assert "thiếu: Sở Không Có Thật" in sections["tune"]        # the tune pair's details are listed...
    assert "thiếu:" not in sections["holdout"] and "thiếu:" not in sections["holdout2"]   # ...never a held-out one's


def test_benchmark_names_the_parent_texts_a_pair_still_lacks(tmp_path: Path, capsys):
    folder = tmp_path / "pairs" / "holdout2" / "xa-c"
    folder.mkdir(parents=True)
    text = PAIR.format(id="xa-c", split="holdout2", neighbour="", agencies='  - {name: "Công an xã", line: 1}')
    (folder / "expected.yaml").write_text(text.replace('directive: ""', 'directive: "parents/qd-9999-2030.yaml"'),
                                          encoding="utf-8")
    _benchmark().run(tmp_path / "pairs", details=False)
    assert "xa-c (chưa có văn bản cấp trên dạng directive: thiếu qd-9999-2030)" in capsys.readouterr().out


def test_agency_key_reads_a_ward_and_a_commune_front_committee_as_the_same_role():
    registry = load_registry()
    assert agency_key(registry, "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam phường") == \
        agency_key(registry, "Ban Thường trực Ủy ban MTTQ Việt Nam xã")
    assert agency_key(registry, "Các tổ chức thành viên của MTTQ Việt Nam phường") == \
        agency_key(registry, "Các tổ chức thành viên của Mặt trận Tổ quốc xã")
    assert agency_key(registry, "Ban công tác Mặt trận các tổ dân phố") == \
        agency_key(registry, "Ban Công tác Mặt trận các thôn")
    assert agency_key(registry, "Ban Công tác Mặt trận các thôn") != agency_key(registry, "Ban Thường trực Ủy ban MTTQ xã")


def test_every_parent_text_is_nfc_small_sourced_and_imported_as_a_reviewed_directive():
    """A parent's full text is NFC and at most 300 kB, its source is in the README table, its directive loads, reviewed."""
    import unicodedata

    from helpers import FIXTURES

    root = FIXTURES / "derive_pairs"
    readme = (root / "README.md").read_text(encoding="utf-8")
    texts = sorted((root / "parents").glob("*.txt"))
    assert texts
    for text in texts:
        body = text.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", body) and len(body.encode("utf-8")) <= 300_000, text.name
        assert f"| `parents/{text.name}` |" in readme, f"{text.name}: nguồn chưa ghi trong README"
        directive = text.with_suffix(".yaml")
        head = directive.read_text(encoding="utf-8").split("\n", 4)[:4]
        assert any(line.startswith("# Đã xem lại tay") for line in head), directive.name
        assert load_plan_or_raise(directive).plan.kind == "directive"
    for pair in load_pairs(root).values():
        for name in pair.absent:
            assert not (root / "parents" / f"{name}.yaml").exists(), (pair.id, name)


def test_benchmark_scores_the_draft_derived_with_each_neighbours_real_plan_as_peer(tmp_path: Path, capsys):
    # Two provinces implementing QĐ 23/2021: each one's real plan (child.txt) is the other's --peer; the third and
    # fourth columns are the draft derived with it, scored against the pair's own facts.
    from helpers import ROOT

    directive = ROOT / "plans" / "directives" / "qd-23-2021.yaml"
    for me, other, province in (("tinh-a", "tinh-b", "Đắk Nông"), ("tinh-b", "tinh-a", "Lạng Sơn")):
        folder = tmp_path / "pairs" / "tune" / me
        folder.mkdir(parents=True)
        text = PAIR.format(id=me, split="tune", neighbour=other,
                           agencies='  - {name: "Sở Y tế", line: 1}\n  - {name: "Sở Tư pháp", line: 2}')
        text = text.replace('directive: ""', f'directive: "{directive}"').replace("xã Hòa Bình", f"tỉnh {province}")
        (folder / "expected.yaml").write_text(text, encoding="utf-8")
        (folder / "child.txt").write_text("\n".join([
            "ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}", "Số: 5/KH-UBND", "KẾ HOẠCH",
            "Thực hiện Quyết định số 23/QĐ-TTg của Thủ tướng Chính phủ", "I. TỔ CHỨC THỰC HIỆN", "1. Sở Tư pháp",
            "- Chủ trì tuyên truyền, phổ biến pháp luật."]) + "\n", encoding="utf-8")
    _benchmark().run(tmp_path / "pairs", details=False)
    out = capsys.readouterr().out
    assert "dự thảo + láng giềng: thu hồi" in out
    row = next(line for line in out.splitlines() if line.startswith("| tinh-a "))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[3].endswith("%") and cells[4].endswith("%")   # the draft with the neighbour as --peer: scored


def test_agency_key_reads_ho_chi_minh_citys_dash_spelling_as_every_district_and_commune():
    registry = load_registry()
    assert agency_key(registry, "Ủy ban nhân dân quận - huyện") == "ubnd-cap-huyen"
    assert agency_key(registry, "Ủy ban nhân dân phường - xã, thị trấn") == "ubnd-cap-xa"
    assert agency_key(registry, "Ủy ban nhân dân quận") == "ubnd-huyen"   # one district stays one district


def _province_pair(root: Path, split: str, me: str, province: str, proxies: str = "") -> None:
    from helpers import ROOT

    directive = ROOT / "plans" / "directives" / "qd-23-2021.yaml"
    folder = root / split / me
    folder.mkdir(parents=True)
    text = PAIR.format(id=me, split=split, neighbour="",
                       agencies='  - {name: "Sở Y tế", line: 1}\n  - {name: "Sở Tư pháp", line: 2}')
    text = text.replace('directive: ""', f'directive: "{directive}"').replace("xã Hòa Bình", f"tỉnh {province}")
    (folder / "expected.yaml").write_text(text + (f"proxy_neighbours: [{proxies}]\n" if proxies else ""),
                                          encoding="utf-8")
    (folder / "child.txt").write_text("\n".join([
        "ỦY BAN NHÂN DÂN", f"TỈNH {province.upper()}", "Số: 5/KH-UBND", "KẾ HOẠCH", "I. TỔ CHỨC THỰC HIỆN",
        "1. Sở Tư pháp", "- Chủ trì tuyên truyền, phổ biến pháp luật."]) + "\n", encoding="utf-8")


def test_benchmark_uses_proxy_neighbours_for_a_tune_pair_and_never_for_a_held_out_one(tmp_path: Path, capsys):
    root = tmp_path / "pairs"
    _province_pair(root, "tune", "tinh-a", "Đắk Nông", proxies="tinh-b")
    _province_pair(root, "tune", "tinh-b", "Lạng Sơn")
    _province_pair(root, "holdout", "tinh-c", "Kon Tum", proxies="tinh-b")
    assert load_pairs(root)["tinh-a"].proxies == ("tinh-b",)
    _benchmark().run(root, details=False)
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.strip("|").split("|")]
            for line in capsys.readouterr().out.splitlines() if line.startswith("| tinh-")}
    assert rows["tinh-a"][3].endswith("%")          # tune: the proxy's real plan as --peer is scored
    assert rows["tinh-b"][3] == "—"                 # no proxy declared
    assert rows["tinh-c"][3] == "—"                 # held out: proxies are never used


def test_tune_halves_split_by_field_so_a_rule_is_seen_on_fields_it_was_not_fitted_on():
    from authoring.lifecycle.pairs import Pair

    def pair(pid, field):
        return Pair(pid, "tune", Path("."), "tỉnh A", __import__("datetime").date(2025, 1, 1), (), (), (), (), (),
                    field)

    chosen = [pair("a", "trẻ em"), pair("b", "trẻ em"), pair("c", "trẻ em"), pair("d", "dân số"),
              pair("e", "chuyển đổi số (dữ liệu)"), pair("f", "chuyển đổi số (giao thông), thi đua")]
    first, second = _benchmark().halves(chosen)
    assert first == {"a", "b", "c"} and second == {"d", "e", "f"}   # a field never straddles the halves


def test_agency_key_reads_a_district_office_of_every_district_as_the_registrys_district_body():
    registry = load_registry()
    assert agency_key(registry, "Phòng Lao động - Thương binh và Xã hội quận - huyện") == "phong-ldtbxh"
    assert agency_key(registry, "Phòng Tư pháp các huyện") == "phong-tu-phap"
    assert agency_key(registry, "Kho bạc Nhà nước quận - huyện").startswith("~")   # not a district body: unknown


def test_benchmark_runs_only_the_split_asked_for(tmp_path: Path, capsys):
    root = tmp_path / "pairs"
    _province_pair(root, "tune", "tinh-a", "Đắk Nông")
    _province_pair(root, "holdout", "tinh-c", "Kon Tum")
    _benchmark().run(root, details=False, splits=("tune",))
    out = capsys.readouterr().out
    assert "## tune" in out and "| tinh-a " in out
    assert "## holdout" not in out and "tinh-c" not in out


def test_benchmark_can_read_proxy_neighbours_as_plans_of_the_same_parent(tmp_path: Path):
    root = tmp_path / "pairs"
    _province_pair(root, "tune", "tinh-a", "Đắk Nông", proxies="tinh-b")
    _province_pair(root, "tune", "tinh-b", "Lạng Sơn")
    module = _benchmark()
    pairs = load_pairs(root)
    seen = []
    real = module.draft_of

    def spy(pair, folder, peer=None):
        seen.append(module.Peer(Path("x.txt"), "tỉnh X", ()).implements([]))
        return real(pair, folder, peer)

    module.draft_of = spy
    for same in (False, True):
        module.with_peers(load_registry(), pairs["tinh-a"], pairs, tmp_path, proxies_as_same=same)
    assert seen == [False, True]   # the proxy cites no parent at hand; read as the same parent only when asked
