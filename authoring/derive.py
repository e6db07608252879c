"""`kehoach derive`: a lower level's draft plan from its parent, correct by construction and meant to be edited."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .errors import InputError, UsageError
from .findings import Finding, Severity
from .loading import LoadedPlan
from .loading.yamlio import DateText, make_yaml
from .model import Level, ReportPeriod
from .model.walk import iter_duties, iter_reporting, iter_targets
from .paths import DIRECTIVES_DIR
from .rules.context import parent_items
from .text import citation_first_mention, slug

DISTRICT_LEVEL_ENDS = date(2025, 7, 1)  # Luật 72/2025/QH15: no district level from this day (registry: ubnd-cap-huyen)
UNIT_KINDS = {"quận": Level.DISTRICT, "huyện": Level.DISTRICT, "thị xã": Level.DISTRICT,
              "thành phố": Level.DISTRICT, "xã": Level.COMMUNE, "phường": Level.COMMUNE, "đặc khu": Level.COMMUNE}
SUB_UNITS = {Level.DISTRICT: "ubnd-cap-xa", Level.COMMUNE: None}


@dataclass
class Unit:
    kind: str      # quận, huyện, xã, phường, đặc khu
    name: str      # Kiến An
    level: Level

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"

    @classmethod
    def parse(cls, text: str) -> "Unit":
        text = " ".join(text.split())
        for kind in sorted(UNIT_KINDS, key=len, reverse=True):
            if text.lower().startswith(kind + " "):
                return cls(kind, text[len(kind) + 1:], UNIT_KINDS[kind])
        raise UsageError(f"không rõ loại đơn vị của '{text}'",
                         "Ghi kèm loại đơn vị: 'quận Kiến An', 'huyện …', 'xã Hòa Bình', 'phường …', 'đặc khu …'.")


@dataclass
class DeriveReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    changed_upstream: list[str] = field(default_factory=list)
    removed_upstream: list[str] = field(default_factory=list)


def _map(**items) -> CommentedMap:
    node = CommentedMap()
    for key, value in items.items():
        if value is not None:
            node[key.rstrip("_")] = value
    return node


def _seq(*items) -> CommentedSeq:
    return CommentedSeq(list(items))


def _counterpart(loaded: LoadedPlan, agency_id: str, level: Level) -> str | None:
    """The registry's counterpart of an agency at another level (sở → phòng), never hard-coded."""
    agency = loaded.registry.agencies.get(agency_id)
    return agency.counterparts.get(level.value) if agency else None


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _coordinator(parent: LoadedPlan, issuer_id: str, collective: str) -> str:
    """The agency that coordinates the parent's work: a Sở that issued it, or the one this level reports to."""
    if not issuer_id.startswith("ubnd"):
        return issuer_id
    for _, _, report in iter_reporting(parent.plan):
        if collective in {parent.agency_id(a) or a for a in report.from_}:
            for name in list(report.via) + list(report.to):
                agency_id = parent.agency_id(name) or name
                if not agency_id.startswith("ubnd"):
                    return agency_id
    return issuer_id


def _parent_ref(parent_path: Path, output: Path | None) -> str:
    if parent_path.resolve().parent == DIRECTIVES_DIR.resolve():
        return parent_path.stem
    base = output.resolve().parent if output else Path.cwd()
    try:
        return str(parent_path.resolve().relative_to(base))
    except ValueError:
        return str(parent_path.resolve())


def derive_tree(parent: LoadedPlan, unit: Unit, parent_ref: str, lead_days: int = 5) -> CommentedMap:
    pdoc = parent.plan.document
    on = pdoc.date.to_date() or date(pdoc.date.year, pdoc.date.month or 1, 1)
    if unit.level == Level.DISTRICT and on >= DISTRICT_LEVEL_ENDS:
        raise InputError("Không lập được kế hoạch cấp huyện.", [Finding(
            "V101", Severity.ERROR, f"kế hoạch cấp trên ngày {on:%d/%m/%Y}, sau khi cấp huyện kết thúc (01/07/2025)",
            str(parent.path), suggestion="Lập kế hoạch cho xã, phường, đặc khu: --unit 'xã …' hoặc 'phường …'.")])
    registry = parent.registry
    issuer_id = parent.agency_id(pdoc.issuer.agency) or pdoc.issuer.agency
    own = "ubnd-huyen" if unit.level == Level.DISTRICT else "ubnd-xa"
    collective = "ubnd-cap-huyen" if unit.level == Level.DISTRICT else "ubnd-cap-xa"
    lead = _counterpart(parent, _coordinator(parent, issuer_id, collective), unit.level)
    if lead is None:
        raise InputError("Không xác định được cơ quan chủ trì ở cấp dưới.", [Finding(
            "V102", Severity.ERROR, f"danh mục cơ quan chưa có cơ quan tương ứng ở {unit.level.label} của '{issuer_id}'",
            "plans/registry/agencies.yaml", suggestion=f"Thêm counterparts: {{{unit.level.value}: …}} cho '{issuer_id}'.")])
    sub_units = SUB_UNITS[unit.level]
    unit_upper = unit.full.upper()
    items = parent_items(parent)

    def link(ref_id: str) -> CommentedSeq:
        item = items[ref_id]
        return _seq(_map(ref=f"{parent.plan.id}#{ref_id}", fingerprint=item.fingerprint))

    # I. Targets: the parent's, linked, to be adjusted locally.
    target_blocks = CommentedSeq()
    for _, block, target in iter_targets(parent.plan):
        copy = _map(id=target.id, indicator=target.indicator, value=_number(target.value), range=target.range,
                    unit=target.unit, comparator=target.comparator.value, year=target.year, links=link(target.id))
        node = _map(label="-", text=block.text or target.indicator, targets=_seq(copy))
        node.yaml_add_eol_comment(f"từ {parent.plan.id}#{target.id}; điều chỉnh cho phù hợp địa phương", "text")
        target_blocks.append(node)

    # II. Duties the parent addresses to this level become the lead office's duties.
    lead_duties = CommentedSeq()
    for duty in iter_duties(parent.plan):
        agencies = {parent.agency_id(a) or a for a in duty.agencies}
        if collective in agencies and duty.id:
            node = _map(id=f"{lead}.{slug(duty.id)}", label="-", text=duty.text, links=link(duty.id))
            node.yaml_add_eol_comment(f"từ {parent.plan.id}#{duty.id}", "id")
            lead_duties.append(node)
    # The unit's own reports upward keep the parent's deadlines; its sub-units report earlier by the lead time.
    year = pdoc.date.year
    upward, downward = CommentedSeq(), CommentedSeq()
    for _, _, report in iter_reporting(parent.plan):
        senders = {parent.agency_id(a) or a for a in report.from_}
        if collective not in senders:
            continue
        upward.append(_map(id=f"bc-len-{slug(report.id)}", from_=lead, to=_seq(*report.to, own),
                           period=report.period.value, due=report.due.text() if report.due else None,
                           due_year=report.due_year, links=link(report.id)))
        if sub_units and report.due:
            earlier = report.due.in_year(year) - timedelta(days=lead_days)
            downward.append(_map(id=f"bc-duoi-{slug(report.id)}", from_=sub_units, to=own, via=lead,
                                 period=report.period.value, due=f"{earlier.day:02d}/{earlier.month:02d}", due_year=report.due_year))
    if upward:
        due_text = "; ".join(f"báo cáo {ReportPeriod(r['period']).label} trước ngày {r['due']}"
                             for r in upward if r.get("due"))
        node = _map(id=f"{lead}.bao-cao", label="-",
                    text=f"Tổng hợp, báo cáo kết quả thực hiện gửi cấp trên theo quy định: {due_text}.", reporting=upward)
        lead_duties.append(node)
    lead_name = registry.agency_name(lead, on, pdoc.province)
    organisation = CommentedSeq([_map(label="1.", title=lead_name, agency=lead, blocks=lead_duties)])
    if sub_units:
        sub_name = registry.agency_name(sub_units, on, pdoc.province)
        sub_blocks = _seq(_map(id=f"{sub_units}.ke-hoach", label="-",
                               text="Xây dựng kế hoạch thực hiện trên địa bàn; bố trí người làm công tác bảo vệ, chăm sóc trẻ em."))
        if downward:
            due_text = "; ".join(f"trước ngày {r['due']}" for r in downward)
            sub_blocks.append(_map(id=f"{sub_units}.bao-cao", label="-",
                                   text=f"Báo cáo kết quả về Ủy ban nhân dân {unit.full} (qua {lead_name}) {due_text}./.",
                                   reporting=downward))
        organisation.append(_map(label="2.", title=sub_name, agency=sub_units, blocks=sub_blocks))
    else:
        organisation[0]["blocks"][-1]["text"] = organisation[0]["blocks"][-1]["text"].rstrip(".") + "./."

    citation = _map(id="cc-cap-tren", verb="Thực hiện", type=pdoc.type,
                    code=f"{pdoc.number:02d}/{pdoc.symbol}" if pdoc.number else None,
                    date=DateText(pdoc.date.iso()), issuer=pdoc.issuer.name, title=pdoc.title)
    mention = citation_first_mention(pdoc.type, citation.get("code"), pdoc.date.to_date(), pdoc.issuer.name, pdoc.title)
    sections = CommentedSeq()
    if target_blocks:
        sections.append(_map(label="I.", title="CHỈ TIÊU", blocks=target_blocks))
    sections.append(_map(label=f"{'II' if target_blocks else 'I'}.", title="TỔ CHỨC THỰC HIỆN", blocks=organisation))
    recipients = _seq(_map(name=pdoc.issuer.name, purpose="để b/c", agency=issuer_id),
                      _map(name=lead_name, agency=lead))
    if sub_units:
        recipients.append(_map(name=registry.agency_name(sub_units, on, pdoc.province), agency=sub_units))
    tree = _map(
        kind="plan", id=f"{slug(unit.full)}-{year}",
        document=_map(issuer=_map(agency=own, name=f"Ủy ban nhân dân {unit.full}", header=_seq("ỦY BAN NHÂN DÂN", unit_upper)),
                      symbol="KH-UBND", place=unit.name, date=year, title=pdoc.title, level=unit.level.value,
                      province=pdoc.province,
                      district=unit.name if unit.level == Level.DISTRICT else None,
                      commune=unit.name if unit.level == Level.COMMUNE else None,
                      period=_map(**{"from": pdoc.period.start, "to": pdoc.period.end}) if pdoc.period else None),
        implements=_seq(parent_ref),
        bases=_seq(citation),
        preamble=_seq(_map(text=f"Thực hiện {mention};"),
                      _map(text=f"Ủy ban nhân dân {unit.full} ban hành Kế hoạch thực hiện trên địa bàn như sau:")),
        sections=sections,
        recipients=recipients,
        archive="VT",
        signature=_map(authority=_seq("TM. ỦY BAN NHÂN DÂN"), positions=_seq("CHỦ TỊCH"), name="(họ và tên người ký)"),
    )
    tree.yaml_set_start_comment(
        "yaml-language-server: $schema=../../schema/plan.schema.json\n"
        f"Bản dự thảo do kehoach derive lập từ {parent.plan.id} cho {unit.full}; sửa tự do, chạy lại derive vẫn giữ phần đã sửa.")
    tree["signature"].yaml_add_eol_comment("điền họ tên người ký", "name")
    return tree


def _ids(node, found: dict) -> dict:
    if isinstance(node, CommentedMap):
        if "id" in node:
            found[str(node["id"])] = node
        for value in node.values():
            _ids(value, found)
    elif isinstance(node, CommentedSeq):
        for value in node:
            _ids(value, found)
    return found


def merge(existing: CommentedMap, fresh: CommentedMap, report: DeriveReport, parent_id: str) -> CommentedMap:
    """Keep every human edit: existing items stay as written; new upstream items are appended where they belong."""
    have = _ids(existing, {})
    fresh_ids = _ids(fresh, {})
    fresh_refs = {str(l["ref"]): l.get("fingerprint") for n in fresh_ids.values() for l in (n.get("links") or [])}
    for item_id, node in fresh_ids.items():
        if item_id in have:
            report.kept.append(item_id)
            continue
        target = _matching_container(existing, fresh, _find_parent(fresh, node))
        if target is not None:
            target.append(node)
            report.added.append(item_id)
    for node in have.values():
        for old in node.get("links") or []:
            ref = str(old["ref"])
            if not ref.startswith(parent_id + "#"):
                continue
            if ref not in fresh_refs:
                report.removed_upstream.append(ref)
            elif old.get("fingerprint") and old.get("fingerprint") != fresh_refs[ref]:
                report.changed_upstream.append(ref)
    return existing


def _find_parent(tree, target, container=None):
    if isinstance(tree, CommentedMap):
        for value in tree.values():
            if value is target:
                return container
            found = _find_parent(value, target, tree if isinstance(value, CommentedSeq) else container)
            if found is not None:
                return found
    elif isinstance(tree, CommentedSeq):
        for value in tree:
            if value is target:
                return tree
            found = _find_parent(value, target, container)
            if found is not None:
                return found
    return None


def _path_to(tree, target, path=()):
    if tree is target:
        return path
    if isinstance(tree, CommentedMap):
        for key, value in tree.items():
            found = _path_to(value, target, path + (key,))
            if found is not None:
                return found
    elif isinstance(tree, CommentedSeq):
        for index, value in enumerate(tree):
            found = _path_to(value, target, path + (index,))
            if found is not None:
                return found
    return None


def _matching_container(existing, fresh, fresh_container):
    """The list in the existing file that plays the role of *fresh_container* (same path, same title/label)."""
    path = _path_to(fresh, fresh_container)
    node = existing
    fresh_node = fresh
    for key in path or ():
        fresh_node = fresh_node[key]
        if isinstance(key, int):
            wanted = fresh_node
            candidates = [n for n in node if isinstance(n, CommentedMap) and
                          n.get("title") == wanted.get("title") and wanted.get("title") is not None]
            if not candidates and key < len(node):
                candidates = [node[key]]
            if not candidates:
                return None
            node = candidates[0]
        else:
            if key not in node:
                return None
            node = node[key]
    return node if isinstance(node, CommentedSeq) else None


def derive(parent: LoadedPlan, unit_text: str, output: Path | None, lead_days: int = 5) -> tuple[str, DeriveReport]:
    unit = Unit.parse(unit_text)
    fresh = derive_tree(parent, unit, _parent_ref(parent.path, output), lead_days)
    report = DeriveReport()
    yaml = make_yaml()
    tree = fresh
    if output is not None and output.is_file():
        _require_readable(output)
        tree = merge(yaml.load(output.read_text(encoding="utf-8")), fresh, report, parent.plan.id)
    else:
        report.added.extend(_ids(fresh, {}))
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue(), report


def _require_readable(output: Path) -> None:
    """An existing lower-level plan is merged, so it is read as untrusted input first (syntax, aliases, size)."""
    from .errors import InputError
    from .loading.yamlio import read_yaml

    from .fileio import refuse_if_read, rewrites

    refuse_if_read(output)  # the parent itself, or another file this command reads: never the output
    tree, _, findings = read_yaml(output)
    rewrites(output)
    if findings or not isinstance(tree, dict):
        raise InputError(f"Kế hoạch cấp dưới đã có ở {output} có lỗi nên chưa lập lại được (các phần đã sửa tay "
                         "trong đó sẽ được giữ khi lập lại).", findings,
                         hint=f"Sửa các lỗi của {output} rồi chạy lại; hoặc chọn tệp kết quả khác (-o).")


def units_from_file(path: Path) -> list[str]:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def output_name(unit_text: str, year: int) -> str:
    return f"{slug(Unit.parse(unit_text).full)}-{year}.yaml"

