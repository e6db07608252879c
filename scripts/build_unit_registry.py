"""Build plans/registry/units/<province>.yaml from public copies of the 2025 lists (see plans/registry/units/README.md)."""

# Usage (from the worktree root, after `fetch` of the two repositories named in the README):
#   python scripts/build_unit_registry.py /work/.mirror/thanglequoc+vietnamese-provinces-database/repo \
#       /work/.mirror/vanducng+don-vi-hanh-chinh-2025/repo
# Files that exist already keep their header and units; only from_districts/formed_from are added to their units.

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from authoring.text import match_key, slug  # noqa: E402

OUT = ROOT / "plans" / "registry" / "units"
GSO_TAG = "v3.0.2"   # GSO list of 01/07/2025 (QĐ 19/2025/QĐ-TTg)
OLD_TAG = "v2.4.1"   # GSO list before 01/07/2025, with districts
SAPNHAP = "dataset-generation-scripts/resources/gis/sapnhapbando_geo_objects.sql"

# The 34 resolutions of 16/6/2025, by GSO province code; full text on xaydungchinhsach.chinhphu.vn (addresses as
# listed in github.com/bamboo-filing-cabinet/vietnam-admin-units data/ward-2025-composition.json, "sources").
RESOLUTIONS = {
    "91": (1654, "toan-van-nghi-quyet-so-1654-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-an-giang-nam-2025-119250616191813652"),
    "96": (1655, "toan-van-nghi-quyet-so-1655-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-ca-mau-nam-2025-11925061619471695"),
    "01": (1656, "toan-van-nghi-quyet-so-1656-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-ha-noi-nam-2025-119250616192433872"),
    "04": (1657, "nghi-quyet-1657-nq-ubtvqh15-ve-viec-sap-xep-cac-don-vi-hanh-chinh-cap-xa-cua-tinh-cao-bang-nam-2025-119250616223837133"),
    "24": (1658, "toan-van-nghi-quyet-so-1658-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-bac-ninh-nam-2025-119250616193651987"),
    "48": (1659, "toan-van-nghi-quyet-so-1659-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-da-nang-nam-2025-119250616202714604"),
    "66": (1660, "toan-van-nghi-quyet-so-1660-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-dak-lak-nam-2025-119250616215112462"),
    "11": (1661, "toan-van-nghi-quyet-so-1661-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-dien-bien-nam-2025-11925061622024061"),
    "75": (1662, "toan-van-nghi-quyet-so-1662-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-dong-nai-nam-2025-119250616200044446"),
    "82": (1663, "toan-van-nghi-quyet-so-1663-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-dong-thap-nam-2025-119250616203652359"),
    "52": (1664, "toan-van-nghi-quyet-so-1664-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-gia-lai-nam-2025-119250616194200895"),
    "42": (1665, "toan-van-nghi-quyet-so-1665-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-ha-tinh-nam-2025-119250616192817992"),
    "33": (1666, "toan-van-nghi-quyet-so-1666-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-hung-yen-nam-2025-119250616195158879"),
    "56": (1667, "toan-van-nghi-quyet-so-1667-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-khanh-hoa-nam-2025-119250616200424907"),
    "92": (1668, "toan-van-nghi-quyet-so-1668-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-can-tho-nam-2025-119250616191340674"),
    "31": (1669, "toan-van-nghi-quyet-so-1669-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-hai-phong-nam-2025-119250616193209667"),
    "12": (1670, "toan-van-nghi-quyet-so-1670-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-lai-chau-nam-2025-119250616215807976"),
    "68": (1671, "toan-van-nghi-quyet-so-1671-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-lam-dong-nam-2025-119250616201715664"),
    "20": (1672, "toan-van-nghi-quyet-so-1672-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-lang-son-nam-2025-119250616214533435"),
    "15": (1673, "toan-van-nghi-quyet-so-1673-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-lao-cai-nam-2025-119250616214156071"),
    "37": (1674, "toan-van-nghi-quyet-so-1674-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-ninh-binh-nam-2025-119250616203223135"),
    "46": (1675, "toan-van-nghi-quyet-so-1675-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-hue-nam-2025-119250616195617897"),
    "25": (1676, "toan-van-nghi-quyet-so-1676-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-phu-tho-nam-2025-119250616204317326"),
    "51": (1677, "toan-van-nghi-quyet-so-1677-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-quang-ngai-nam-2025-119250616205046842"),
    "40": (1678, "toan-van-nghi-quyet-so-1678-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-nghe-an-nam-2025-119250616202221533"),
    "22": (1679, "toan-van-nghi-quyet-1679-nq-ubtvqh15-sap-xep-cac-don-vi-hanh-chinh-cap-xa-cua-tinh-quang-ninh-nam-2025-119250616230259772"),
    "44": (1680, "toan-van-nghi-quyet-so-1680-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-quang-tri-nam-2025-119250616205443422"),
    "14": (1681, "toan-van-nghi-quyet-so-1681-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-son-la-nam-2025-119250616213654219"),
    "80": (1682, "toan-van-nghi-quyet-so-1682-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-tay-ninh-nam-2025-119250616210257367"),
    "19": (1683, "toan-van-nghi-quyet-so-1683-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-thai-nguyen-nam-2025-119250616205855207"),
    "08": (1684, "toan-van-nghi-quyet-so-1684-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-tuyen-quang-nam-2025-119250616211706973"),
    "79": (1685, "toan-van-nghi-quyet-so-1685-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-thanh-pho-ho-chi-minh-nam-2025-119250616211341304"),
    "38": (1686, "toan-van-nghi-quyet-so-1686-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-thanh-hoa-nam-2025-119250616210727025"),
    "86": (1687, "toan-van-nghi-quyet-so-1687-nq-ubtvqh15-sap-xep-cac-dvhc-cap-xa-cua-tinh-vinh-long-nam-2025-11925061621323394"),
}
KIND_WORDS = ("đặc khu", "thị trấn", "phường", "xã")
OLD_DISTRICT_WORDS = ("thành phố", "thị xã", "quận", "huyện")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def git_show(repo: str, ref: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"{ref}:{path}"], check=True, capture_output=True).stdout.decode()


def lower_kind(full: str) -> str:
    """'Thành phố Vinh' → 'thành phố Vinh'; 'Đặc khu Cồn Cỏ' → 'đặc khu Cồn Cỏ'."""
    full = nfc(" ".join(full.split()))
    for word in ("thành phố", "thị xã", "thị trấn", "đặc khu", "phường", "quận", "huyện", "tỉnh", "xã"):
        if full.lower().startswith(word + " "):
            return word + full[len(word):]
    return full


def split_kind(full: str) -> tuple[str, str]:
    full = lower_kind(full)
    for word in ("thành phố", "thị xã", "thị trấn", "đặc khu", "phường", "quận", "huyện", "tỉnh", "xã"):
        if full.startswith(word + " "):
            return word, full[len(word) + 1:]
    return "", full


def read_sapnhap(repo: str) -> tuple[dict[str, str], dict[str, str]]:
    """Province code → 'tỉnh A và tỉnh B' (merged from); ward code → text of the former units (truocsapnhap)."""
    text = git_show(repo, "HEAD", SAPNHAP)
    q = r"'((?:[^']|'')*)'"
    provinces, wards = {}, {}
    for m in re.finditer(rf"\({q}, {q}, NULL, 'diaphanhanhchinhcaptinh[^']*', {q}", text):
        provinces[m.group(1)] = nfc(m.group(3).replace("''", "'"))
    for m in re.finditer(rf"\({q}, {q}, {q}, 'diaphanhanhchinhcapxa[^']*', (?:{q}|NULL)", text):
        wards[m.group(1)] = nfc((m.group(4) or "").replace("''", "'"))
    return provinces, wards


def old_index(repo: str) -> dict[str, dict]:
    """Old province name key → {'name': 'tỉnh Nghệ An', 'units': {base-name key: [(kind, district)]}}."""
    data = json.loads(git_show(repo, OLD_TAG, "json/vn_only_simplified_json_generated_data_vn_units.json"))
    out = {}
    for province in data:
        kind, name = split_kind(province["FullName"])
        units: dict[str, list] = {}
        for district in province.get("District") or []:
            dname = lower_kind(district["FullName"])
            for ward in district.get("Ward") or []:
                wkind, wname = split_kind(ward["FullName"])
                units.setdefault(match_key(wname), []).append((wkind, dname))
        out[match_key(name)] = {"name": f"{kind} {name}", "units": units}
    return out


_NOISE = re.compile(r"(một phần diện tích( tự nhiên| TN)?(,? quy mô dân số)?( của)?( các)?|toàn bộ diện tích( tự nhiên)?"
                    r"(,? quy mô dân số)?( của)?( các)?|phần còn lại( của)?( các)?|sau khi sắp x[eế]p.*$|"
                    r"diện tích( tự nhiên| TN)?|quy mô dân số( của)?( các)?)", re.IGNORECASE)


def former_districts(text: str, olds: list[dict], several: bool) -> list[str]:
    """The former districts of the units named in a 'truocsapnhap' text, where each name points to one district."""
    pieces = [p.strip() for p in re.split(r",|\bvà\b|;", re.sub(r"\([^)]*\)", lambda m: m.group(0).replace(",", " "), text))]
    certain: list[tuple[str, str]] = []
    unsure: list[list[tuple[str, str]]] = []
    for piece in pieces:
        hint = re.search(r"\(([^)]*)\)", piece)
        piece = re.sub(r"\([^)]*\)", "", piece)
        piece = _NOISE.sub(" ", piece)
        piece = " ".join(piece.split()).strip(" .")
        if not piece:
            continue
        whole = next((w for w in OLD_DISTRICT_WORDS if piece.lower().startswith(w + " ")), None)
        if whole:  # a former district taken whole (huyện Hoàng Sa → đặc khu Hoàng Sa)
            label = lower_kind(piece)
            matches = [o["name"] for o in olds if any(d == label for units in o["units"].values() for _, d in units)]
            if len(matches) == 1 or (not matches and len(olds) == 1):
                certain.append((label, (matches or [olds[0]["name"]])[0]))
                continue
        kind = next((k for k in KIND_WORDS if piece.lower().startswith(k + " ")), None)
        base = piece[len(kind) + 1:] if kind else piece
        base = re.sub(r"^(các )?(xã|phường|thị trấn)\s+", "", base, flags=re.IGNORECASE)
        candidates = []
        for old in olds:
            for wkind, district in old["units"].get(match_key(base), []):
                if kind and wkind != kind.lower():
                    continue
                candidates.append((district, old["name"]))
        if hint:
            h = match_key(hint.group(1))
            narrowed = [c for c in candidates if match_key(split_kind(c[0])[1]) in h or match_key(c[0]) in h]
            candidates = narrowed or candidates
        candidates = sorted(set(candidates))
        if len(candidates) == 1:
            certain.append(candidates[0])
        elif candidates:
            unsure.append(candidates)
    chosen = set(certain)
    for options in unsure:
        known = [c for c in options if c in chosen]
        if len(known) == 1:
            chosen.add(known[0])
    order = []
    for district, province in certain + sorted(chosen - set(certain)):
        label = f"{district} ({province})" if several else district
        if label not in order:
            order.append(label)
    return order


def _key(name: str) -> str:
    return match_key(name.replace("’", "'"))


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def unit_line(name: str, kind: str, districts: list[str], formed: str) -> str:
    parts = [f"name: {yaml_str(name)}", f"kind: {kind}"]
    if districts:
        parts.append("from_districts: [" + ", ".join(yaml_str(d) for d in districts) + "]")
    if formed:
        parts.append(f"formed_from: {yaml_str(formed)}")
    return "  - {" + ", ".join(parts) + "}"


def main(gso_repo: str, vne_repo: str) -> None:
    gso = json.loads(git_show(gso_repo, GSO_TAG, "json/full_json_generated_data_vn_units.json"))
    vne = list(csv.reader(io.StringIO(git_show(vne_repo, "HEAD", "data.csv"))))[1:]
    vne_by_province: dict[str, Counter] = {}
    for province, unit, _ in vne:
        province = "Hồ Chí Minh" if province == "TP HCM" else province
        vne_by_province.setdefault(match_key(province), Counter())[_key(unit)] += 1
    merged_from, formed = read_sapnhap(gso_repo)
    olds = old_index(gso_repo)
    total = 0
    for province in gso:
        code = province["Code"]
        pkind, pname = split_kind(province["FullName"])
        pid = slug(pname)
        units = sorted(province["Wards"], key=lambda w: w["Code"])
        source_names = merged_from.get(code, "").split(". ")[0]
        old_names = [match_key(split_kind(p.strip())[1]) for p in re.split(r",|\bvà\b", source_names)
                     if split_kind(p.strip())[0] in ("tỉnh", "thành phố")] if source_names != "giữ nguyên" else []
        old_names = [n for n in old_names if n] or [match_key(pname)]
        if match_key("TPHCM") in match_key(source_names):
            old_names.append(match_key("Hồ Chí Minh"))
        province_olds = [olds[n] for n in old_names if n in olds]
        several = len(province_olds) > 1
        # Cross-check with the VnExpress table: same set of names (without kind word), same count.
        vne_names = vne_by_province.get(match_key(pname), Counter())
        gso_names = Counter(_key(w["Name"]) for w in units)
        status = "confirmed" if vne_names == gso_names else "single_source"
        kinds = Counter(split_kind(w["FullName"])[0] for w in units)
        number, page = RESOLUTIONS[code]
        lines_units = []
        for ward in units:
            kind, name = split_kind(ward["FullName"])
            text = formed.get(ward["Code"], "")
            districts = former_districts(text, province_olds, several) if text else []
            if not districts:  # unchanged ("giữ nguyên") or unreadable: the unit's own name before 01/7/2025
                districts = former_districts(f"{kind} {name}", province_olds, several)
            lines_units.append((f"{kind} {name}", kind, districts, text))
        total += len(units)
        path = OUT / f"{pid}.yaml"
        structure = " + ".join(f"{kinds[k]} {k}" for k in ("xã", "phường", "đặc khu") if kinds[k])
        if path.exists():
            _augment(path, lines_units)
            print(f"{pid}: {len(units)} (augmented), {status}")
            continue
        olds_text = ", ".join(o["name"] for o in province_olds)
        header = [
            f"# Đơn vị hành chính cấp xã của {pkind} {pname} từ 01/7/2025 ({structure} = {len(units)}).",
            f"# Tỉnh/thành từ 12/6/2025 (NQ 202/2025/QH15): {olds_text if several else 'không hợp nhất'}.",
            "# Sinh bởi scripts/build_unit_registry.py. Tên + loại: danh mục TCTK (QĐ 19/2025/QĐ-TTg), bản sao",
            f"# github.com/thanglequoc/vietnamese-provinces-database tag {GSO_TAG}; đối chiếu với bảng VnExpress",
            "# (github.com/vanducng/don-vi-hanh-chinh-2025 data.csv, 03/7/2025): "
            + ("khớp từng tên và tổng số." if status == "confirmed" else "CÓ KHÁC BIỆT, xem README.md."),
            "# Số hiệu Nghị quyết và địa chỉ toàn văn: [S] theo danh mục nguồn của github.com/bamboo-filing-cabinet/",
            "# vietnam-admin-units (data/ward-2025-composition.json); CHƯA đọc toàn văn; expected_count là số đơn vị",
            "# của danh mục TCTK, chưa đối chiếu với con số ở Điều 1 Nghị quyết.",
            "# formed_from: [U] chép từ sapnhap.bando.com.vn (cùng repo TCTK, sapnhapbando_geo_objects.sql), có lỗi đã",
            "# biết (xem README.md). from_districts: [U] suy ra từ formed_from và danh mục TCTK trước 01/7/2025",
            f"# (tag {OLD_TAG}): quận/huyện cũ của các đơn vị cũ xác định được duy nhất theo tên.",
            f"province: {pkind} {pname}",
            f"province_id: {pid}",
        ]
        if several:
            header.append("merged_from: [" + ", ".join(yaml_str(o["name"]) for o in province_olds) + "]")
        header += [
            "effective: 2025-07-01",
            "source:",
            f'  resolution: "{number}/NQ-UBTVQH15"',
            "  date: 2025-06-16",
            f'  title: "Về việc sắp xếp các đơn vị hành chính cấp xã của {pkind} {pname} năm 2025"',
            f"  url: https://xaydungchinhsach.chinhphu.vn/{page}.htm",
            "  other_urls:",
            f"    - https://datafiles.chinhphu.vn/cpp/files/vbpq/2025/6/{number}-nq.signed.pdf  # bản ký số (chưa đọc)",
            f"  status: {status}",
            f"expected_count: {len(units)}   # {structure}, theo danh mục TCTK",
            "complete: true",
            "units:",
        ]
        body = [unit_line(*u) for u in lines_units]
        path.write_text("\n".join(header + body) + "\n", encoding="utf-8")
        print(f"{pid}: {len(units)} ({structure}), {status}")
    print("total", total)


def _augment(path: Path, units: list[tuple]) -> None:
    """Add from_districts/formed_from to the units of a hand-checked file, keeping everything else."""
    by_key = {match_key(name.replace("’", "'")): (name, kind, d, f) for name, kind, d, f in units}
    out = []
    for line in path.read_text(encoding="utf-8").split("\n"):
        m = re.match(r'^  - \{name: "([^"]+)", kind: ([^,}]+)\}$', line)
        if m and match_key(m.group(1).replace("’", "'")) in by_key:
            _, _, districts, formed_text = by_key[match_key(m.group(1).replace("’", "'"))]
            line = unit_line(m.group(1), m.group(2), districts, formed_text)
        out.append(line)
    path.write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
