"""`kehoach new-year`: next year's plan from this year's — dates moved on, successors named, old items flagged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..loading import LoadedPlan
from ..loading.writer import dump_tree, load_tree
from ..model import Level

AGENCY_KEYS = {"agency", "lead", "cooperating", "from", "to", "via"}


@dataclass
class NewYearReport:
    renamed: list[tuple[str, str, str]] = field(default_factory=list)   # (path, old, new)
    abolished: list[tuple[str, str]] = field(default_factory=list)      # (path, agency) with no single successor
    flagged: list[tuple[str, str]] = field(default_factory=list)        # (path, why)


def _successor(loaded: LoadedPlan, agency_id: str, on: date, seen=()) -> tuple[str | None, bool]:
    """(the agency to name on *on*, whether it is certain) following successors for children's affairs."""
    agency = loaded.registry.agencies.get(agency_id)
    if agency is None or agency.valid_until is None or not agency.valid_until.is_complete \
            or agency.valid_until.to_date() > on or agency_id in seen:
        return agency_id, True
    if not agency.successors:
        return None, False
    chosen = next((s for s in agency.successors if s.children), agency.successors[0])
    target, certain = _successor(loaded, chosen.id, on, seen + (agency_id,))
    return target, certain and chosen.status.value == "confirmed"


def new_year(loaded: LoadedPlan, year: int) -> tuple[str, NewYearReport]:
    old_year = loaded.plan.document.date.year
    delta = year - old_year
    on = date(year, 1, 1)
    report = NewYearReport()
    tree = load_tree(loaded.path)
    doc = tree["document"]
    doc["date"] = year
    doc.pop("number", None)
    if "period" in doc and isinstance(doc["period"], CommentedMap):
        doc["period"]["from"] = int(doc["period"]["from"]) + delta
        doc["period"]["to"] = int(doc["period"]["to"]) + delta
    if isinstance(doc.get("title"), str):
        doc["title"] = doc["title"].replace(str(old_year), str(year))
    issuer = loaded.agency_id(str(doc["issuer"]["agency"]))
    ends = loaded.registry.district_level_ends
    if issuer and loaded.registry.agencies[issuer].level == Level.DISTRICT and ends and on >= ends:
        report.flagged.append(("document.issuer", f"cấp huyện không còn từ {ends:%d/%m/%Y}: kế hoạch này phải do tỉnh "
                                                  "hoặc xã, phường, đặc khu ban hành"))
        doc["issuer"].yaml_add_eol_comment(f"cần xem lại: cấp huyện kết thúc từ {ends:%d/%m/%Y}", "agency")
    _walk(tree, "", loaded, on, old_year, year, report)
    return dump_tree(tree, name=f"kế hoạch năm {year}"), report


def _rename(value: str, key: str, path: str, loaded, on, report: NewYearReport, node, item_key):
    agency_id = loaded.agency_id(value) or loaded.registry.resolve_agency(value)
    if agency_id is None:
        return value
    agency = loaded.registry.agencies[agency_id]
    successor, certain = _successor(loaded, agency_id, on)
    if successor == agency_id:
        return value
    if agency.level == Level.DISTRICT:
        report.abolished.append((path, value))
    if successor is None:
        report.flagged.append((path, f"'{value}' không còn và không có cơ quan kế nhiệm trong danh mục"))
        return value
    new_value = successor if value == agency_id else loaded.registry.agency_name(successor, on, loaded.plan.document.province)
    note = "" if certain else " [chưa xác nhận]"
    report.renamed.append((path, value, new_value + note))
    comment = f"trước đây: {value}" + ("; cơ quan kế nhiệm chưa xác nhận" if not certain else "")
    ends = loaded.registry.district_level_ends
    if agency.level == Level.DISTRICT and ends:
        comment += f"; cấp huyện kết thúc {ends:%d/%m/%Y}"
    if isinstance(node, CommentedMap):
        node.yaml_add_eol_comment(comment, item_key)
    return new_value


def _walk(node, path: str, loaded, on, old_year: int, year: int, report: NewYearReport) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            value = node[key]
            here = f"{path}.{key}" if path else str(key)
            if key in AGENCY_KEYS and isinstance(value, str):
                node[key] = _rename(value, key, here, loaded, on, report, node, key)
            elif key in AGENCY_KEYS and isinstance(value, CommentedSeq):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        value[i] = _rename(item, key, f"{here}[{i}]", loaded, on, report, node, key)
            elif key in ("year", "due_year") and isinstance(value, int) and value < year:
                node.yaml_add_eol_comment(f"cần xem lại: gắn với năm {value}", key)
                report.flagged.append((here, f"gắn với năm {value}"))
            elif key in ("text", "title") and isinstance(value, str) and re.search(rf"\b{old_year}\b", value):
                node.yaml_add_eol_comment(f"cần xem lại: câu văn nhắc năm {old_year}", key)
                report.flagged.append((here, f"câu văn nhắc năm {old_year}"))
            else:
                _walk(value, here, loaded, on, old_year, year, report)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            _walk(item, f"{path}[{i}]", loaded, on, old_year, year, report)
