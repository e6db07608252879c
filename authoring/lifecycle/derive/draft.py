"""The draft plan put together, and `derive` itself: a fresh YAML, or a merge into the existing file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ...errors import InputError
from ...findings import Finding, Severity
from ...loading import LoadedPlan
from ...loading.drafting import field_of, load_fields
from ...loading.units import (MERGER_SOURCE, parse_unit_list, province_after_2025, require_commune,
                               require_province, unit_list)
from ...loading.writer import dump_tree, load_tree, plan_to_yaml, plan_tree
from ...model import Block, Document, Issuer, Level, Plan, Signature
from ...model.units import UNIT_KINDS, Unit
from ...text import match_key, slug
from .context import PLACEHOLDER, DeriveReport, Draft, parse_unit
from .dating import check_pair, draft_date, end_text, ordered, period_of
from .local import from_local
from .merge import fresh_tree, item_ids, merge
from .peer import Peer, read_peer, translate, unused
from .national import from_central
from .phrasing import draft_title, mention, parent_citation


def build_draft(parents: list[LoadedPlan], unit: Unit, lead_days: int = 5, year: int | None = None,
                day: date | None = None, peer: Peer | None = None) -> tuple[Plan, dict, list[str]]:
    """The draft plan of *unit* from *parents* (and a neighbour's plan as evidence of who does what), the end-of-line
    comments to write with it, and notes."""
    parents = ordered(parents)
    when = draft_date(parents, unit, year, day)
    check_pair(parents, unit, when, day)
    top = parents[0].plan.document
    on = day or date(when.year, when.month or 1, when.day or 1)
    end = parents[0].registry.district_level_ends
    if unit.level == Level.PROVINCE:
        require_province(unit, str(parents[0].path))   # an unknown province is refused with the closest names
        province = province_after_2025(unit.name) if end and on >= end else unit.name
    else:
        province = province_after_2025(top.province) if end and on >= end else top.province
    d = Draft(parents, unit, when, province, lead_days, day=day)
    d.field = field_of(parents, d.fields)
    notes = d.notes
    if peer is not None:
        d.peer_owner = peer.owner
        d.peer = translate(d, peer)
        d.peer_same = peer.implements(parents)
        if not d.peer_same:
            notes.append(f"kế hoạch của {peer.owner} ({peer.path.name}) không dẫn văn bản cấp trên này: chỉ dùng để ưu "
                         "tiên cơ quan mà nhiệm vụ của văn bản cấp trên thuộc chức năng, không dùng để chọn báo chí, "
                         "Mặt trận, đoàn thể")
    if unit.level == Level.PROVINCE and province != unit.name:
        notes.append(f"{unit.full} hợp nhất vào tỉnh {province} ({MERGER_SOURCE}); kế hoạch ghi tên tỉnh {province}")
        unit = Unit(unit.kind, province, unit.level)
        d.unit = unit
    if top.province and province != top.province:
        notes.append(f"tỉnh {top.province} hợp nhất vào tỉnh {province} từ {end_text(parents)} ({MERGER_SOURCE})")
    if unit.level == Level.COMMUNE and end and on >= end:
        units = unit_list(province)
        if units is None:
            notes.append(f"chưa có danh sách xã, phường, đặc khu của tỉnh {province} trong plans/registry/units/; "
                         f"chưa kiểm tra được {unit.full}")
        else:  # an unknown commune or an abolished district: refused with the closest real names
            require_commune(province, unit, str(parents[0].path))
    if top.level == Level.CENTRAL:
        sections, closing, recipients, archive = from_central(d)
    else:
        sections, closing, recipients, archive = from_local(d)
    if peer is not None:
        unused(d, sections)
    preamble_verb = "Thực hiện " + "; ".join(mention(p, d) for p in parents) + ";"
    issuer_name = f"Ủy ban nhân dân {unit.full}"
    preamble = [Block(text=preamble_verb),
                Block(text=f"{issuer_name} ban hành Kế hoạch triển khai thực hiện trên địa bàn {unit.kind} như sau:")]
    own = {Level.PROVINCE: "ubnd-tinh", Level.DISTRICT: "ubnd-huyen", Level.COMMUNE: "ubnd-xa"}[unit.level]
    period = period_of(d)
    document = Document(
        type="Kế hoạch", issuer=Issuer(agency=own, name=issuer_name, header=["ỦY BAN NHÂN DÂN", unit.full.upper()]),
        symbol="KH-UBND", place=unit.name, date=when, title=draft_title(d), level=unit.level, province=province,
        district=unit.name if unit.level == Level.DISTRICT else (top.district if unit.level == Level.COMMUNE
                                                                 and not d.after_reform else None),
        commune=unit.name if unit.level == Level.COMMUNE else None, period=period)
    authority = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    plan = Plan(kind="plan", id=f"{slug(unit.full)}-{when.year}", document=document,
                implements=[p.plan.id for p in parents], bases=[parent_citation(p, d, i + 1) for i, p in enumerate(parents)],
                preamble=preamble, sections=sections, closing=closing, recipients=recipients, archive=archive,
                signature=Signature(authority=authority, positions=["PHÓ CHỦ TỊCH"], name=f"Họ và tên {PLACEHOLDER}"))
    comments = dict(d.comments)
    if d.after_reform and (units := unit_list(province)) is not None and units.kinds_words != ALL_COMMUNE_KINDS:
        plan, comments = _in_own_kinds(plan, comments, units.kinds_words)
    comments[("signature", "name")] = "điền họ tên người ký"
    comments[("document", "date")] = "ngày, tháng điền khi ban hành (kehoach issue)"
    return plan, comments, notes


ALL_COMMUNE_KINDS = "xã, phường, đặc khu"


def _in_own_kinds(plan: Plan, comments: dict, words: str) -> tuple[Plan, dict]:
    """A province without đặc khu (Nghệ An, Hà Nội) writes "các xã, phường", as its own documents do: the registry's
    generic "xã, phường, đặc khu" is replaced in every text, name and comment of the draft."""
    def swap(value):
        if isinstance(value, str):
            return value.replace(ALL_COMMUNE_KINDS, words)
        if isinstance(value, dict):
            return {key: swap(item) for key, item in value.items()}
        if isinstance(value, list):
            return [swap(item) for item in value]
        return value

    tree = plan.model_dump(mode="python", exclude_unset=True, by_alias=True)
    return Plan.model_validate(swap(tree)), {path: swap(text) for path, text in comments.items()}


def _header(plan: Plan, unit: Unit, notes: list[str], parents: list[LoadedPlan], peer: Peer | None) -> str:
    lines = [f"Bản dự thảo do kehoach derive lập từ {', '.join(plan.implements)} cho {unit.full}; sửa tự do, "
             "chạy lại derive vẫn giữ phần đã sửa.",
             "Chỗ ghi '…' là chỗ cần điền (kehoach check nhắc); mục có 'derived' là đề xuất của kehoach, không lấy từ "
             "văn bản cấp trên."]
    found = field_of(parents, load_fields())
    lines.append(f"Lĩnh vực của văn bản cấp trên: {found.name} (nhận ra từ tên và nội dung văn bản); các đề xuất chỉ "
                 "theo lĩnh vực này." if found else "Văn bản cấp trên không thuộc lĩnh vực nào kehoach có đề xuất riêng: "
                 "chỉ có câu chung, cơ quan lấy từ chính văn bản cấp trên.")
    if peer is not None:
        lines.append(f"Tham khảo kế hoạch của {peer.owner} ({peer.path.name}): cơ quan mà kế hoạch đó giao việc được ưu "
                     "tiên khi nhiệm vụ của văn bản cấp trên thuộc chức năng của cơ quan; nhiệm vụ vẫn lấy từ văn bản "
                     "cấp trên.")
    lines += [f"Lưu ý: {note}." for note in notes]
    return "\n".join(lines)


def derive(parent, unit_text: str, output: Path | None, lead_days: int = 5, year: int | None = None,
           day: date | None = None, peer: Path | None = None, peer_name: str | None = None) -> tuple[str, DeriveReport]:
    """YAML text of *unit*'s draft from *parent* (one loaded plan or a list), merged into *output* if it exists;
    *day* is the day whose agencies, units and counterparts the draft uses (derive --date); *peer* a neighbour's plan
    (YAML, DOCX, PDF or text) whose bodies weigh as evidence (derive --peer), named *peer_name* if given (an upload)."""
    parents = list(parent) if isinstance(parent, (list, tuple)) else [parent]
    unit = parse_unit(unit_text)
    existing = output is not None and Path(output).is_file()
    if existing:
        _require_readable(Path(output))   # the parent itself, or a broken earlier draft: refused before anything else
    neighbour = read_peer(Path(peer), peer_name) if peer is not None else None
    plan, comments, notes = build_draft(parents, unit, lead_days, year, day, neighbour)
    report = DeriveReport(notes=list(notes))
    name = f"kế hoạch của {unit.full}"
    if existing:
        fresh = fresh_tree(plan, comments)
        earlier = load_tree(output)
        _require_same_unit(Path(output), earlier, plan)
        tree = merge(earlier, fresh, report, {p.plan.id for p in parents})
        return dump_tree(tree, name=name), report
    report.added.extend(item_ids(plan_tree(plan), {}))
    return plan_to_yaml(plan, _header(plan, unit, notes, parents, neighbour), comments, name=name), report


def _require_readable(output: Path) -> None:
    """An existing lower-level plan is merged, so it is read as untrusted input first (syntax, aliases, size)."""
    from ...fileio import refuse_if_read, rewrites
    from ...loading.yamlio import read_yaml

    refuse_if_read(output)  # the parent itself, or another file this command reads: never the output
    tree, _, findings = read_yaml(output)
    rewrites(output)
    if findings or not isinstance(tree, dict):
        raise InputError(f"Kế hoạch cấp dưới đã có ở {output} có lỗi nên chưa lập lại được (các phần đã sửa tay "
                         "trong đó sẽ được giữ khi lập lại).", findings,
                         hint=f"Sửa các lỗi của {output} rồi chạy lại; hoặc chọn tệp kết quả khác (-o).")


def _require_same_unit(output: Path, earlier, plan: Plan) -> None:
    """Re-deriving keeps an earlier draft's edits only for the same unit: another unit's plan in *output* is refused
    rather than silently kept under its own name. A province merged since (Kon Tum → Quảng Ngãi) is the same unit."""
    document = earlier.get("document") if isinstance(earlier, dict) else None
    issuer = document.get("issuer") if isinstance(document, dict) else None
    old = issuer.get("name") if isinstance(issuer, dict) else None
    new = plan.document.issuer.name
    if not isinstance(old, str) or match_key(old) == match_key(new):
        return
    if (plan.document.level == Level.PROVINCE and str(document.get("level") or "") == Level.PROVINCE.value
            and match_key(province_after_2025(str(document.get("province") or "")) or "")
            == match_key(plan.document.province or "")):
        return
    raise InputError(f"{output} là kế hoạch của {old}, không phải của {new}: chưa lập lại.", [Finding(
        "V108", Severity.ERROR, f"Tệp kết quả đã là kế hoạch của {old}; lập cho {new} vào đó sẽ trộn hai đơn vị",
        str(output), path="document.issuer.name",
        suggestion=f"Chọn tệp kết quả khác cho {new} (-o), hoặc ghi đúng đơn vị của tệp này trong --unit.")])


def units_from_file(path: Path) -> list[str]:
    """The units of a list file (one per line, bullets and numbering allowed); a line that names no unit is refused."""
    from ... import limits
    from ...fileio import note_read, open_regular

    note_read(path)   # a pipe or device is refused before it is opened
    with open_regular(path) as handle:   # bounded: a file that keeps growing is not read without end
        raw = handle.read(limits.MAX_PLAN_BYTES + 1)
    if len(raw) > limits.MAX_PLAN_BYTES:
        raise InputError(f"Danh sách đơn vị {path} lớn hơn {limits.MAX_PLAN_BYTES // 1048576} MB, không phải một danh "
                         "sách đơn vị.", hint="Kiểm tra có chọn nhầm tệp không; mỗi dòng một đơn vị, vài trăm dòng.")
    parsed = parse_unit_list(raw.decode("utf-8-sig"), tuple(UNIT_KINDS))
    if parsed.problems:
        raise InputError(f"Danh sách đơn vị {path} có dòng không đọc được.", [
            Finding("V105", Severity.ERROR, problem, str(path),
                    suggestion="Mỗi dòng một đơn vị, bắt đầu bằng loại đơn vị, ví dụ: xã Nam Đàn, phường Vinh Hưng, huyện Cao Lộc.")
            for problem in parsed.problems])
    return [unit.name for unit in parsed.units]


def output_name(unit_text: str, year: int) -> str:
    return f"{slug(parse_unit(unit_text).full)}-{year}.yaml"
