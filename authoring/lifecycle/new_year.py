"""`kehoach new-year`: next year's plan from this year's, edited in place so the author's comments stay.

What moves: the id, the date (number and day left blank), the period and the years in the title. What changes
with the 2025 reorganisation: every agency that no longer exists is replaced by its successor, in its code and in
its printed name (headings, duties, recipients, issuer and signature), a merged province takes its new name, and
a district's plan becomes the plan of the commune or ward that took over its area. What is flagged (a comment
here, a finding in `kehoach check`): items tied to the old year. What is repaired because kehoach knows the right
answer: citation numbers the registry knows to be miscited, numbering gaps, the "Nơi nhận:" label, an ALL-CAPS
title, parent tasks the old plan left uncovered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import nd30
from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import LoadedPlan
from ..loading.library import load_parent
from ..loading.writer import dump_tree, load_tree
from ..model import Level
from ..model.links import parent_items
from ..model.units import Unit
from ..text import slug
from ..loading.units import MERGER_SOURCE, province_after_2025, unit_list
from ..model.wording import (TITLE_KEEP, after_reform_words, current, ends, gone_patterns, modernise, name_of,
                             sentence_case)

AGENCY_KEYS = {"agency", "lead", "cooperating", "from", "to", "via"}


@dataclass
class NewYearReport:
    renamed: list[tuple[str, str, str]] = field(default_factory=list)   # (path, old, new)
    abolished: list[tuple[str, str]] = field(default_factory=list)      # (path, agency) of the district level
    flagged: list[tuple[str, str]] = field(default_factory=list)        # (path, why)
    repaired: list[tuple[str, str]] = field(default_factory=list)       # (path, what)


class _Roll:
    def __init__(self, loaded: LoadedPlan, year: int, unit: Unit | None):
        self.loaded = loaded
        self.registry = loaded.registry
        self.year = year
        self.old_year = loaded.plan.document.date.year
        self.on = date(year, 1, 1)
        self.report = NewYearReport()
        self.province = loaded.plan.document.province
        self.unit = unit                                  # the commune that took over a district's area

    # -- agencies -------------------------------------------------------------------------------------------
    def agency_of(self, text: str) -> str | None:
        return self.loaded.agency_id(text) or self.registry.resolve_agency(text)

    def successor(self, agency_id: str) -> tuple[str | None, bool]:
        return current(self.registry, agency_id, self.on)

    def name(self, agency_id: str) -> str:
        agency = self.registry.agencies[agency_id]
        unit = self.unit if self.unit and agency.level == Level.COMMUNE else None
        return name_of(self.registry, agency_id, self.on, self.province, unit)

    def ref(self, agency_id: str) -> str:
        raw = self.registry.agencies[agency_id].names
        return self.name(agency_id) if any("{xa}" in n.name or "{huyen}" in n.name for n in raw) else agency_id

    def rename(self, value: str, path: str, node, key) -> str:
        agency_id = self.agency_of(value)
        if agency_id is None:
            return value
        agency = self.registry.agencies[agency_id]
        new_id, certain = self.successor(agency_id)
        if new_id == agency_id:
            return value
        if agency.level == Level.DISTRICT:
            self.report.abolished.append((path, agency_id))
        if new_id is None:
            self.report.flagged.append((path, f"'{value}' không còn và không có cơ quan kế nhiệm trong danh mục"))
            return value
        new_value = self.ref(new_id) if value == agency_id else self.name(new_id)
        note = "" if certain else " [chưa xác nhận]"
        self.report.renamed.append((path, value, new_value + note))
        comment = f"trước đây: {value}" + ("" if certain else "; cơ quan kế nhiệm chưa xác nhận")
        if len(agency.successors) > 1:
            comment += "; chức năng chia cho nhiều cơ quan, kiểm tra lại"
        end = self.registry.district_level_ends
        if agency.level == Level.DISTRICT and end:
            comment += f"; cấp huyện kết thúc {end:%d/%m/%Y}"
        _comment(node, key, comment)
        return new_value

    def text(self, value: str) -> tuple[str, list]:
        new, changes = modernise(value, self.registry, self.on, self.province, self.unit)
        new = after_reform_words(new, self.on, self.registry.district_level_ends)
        return new, changes


def _comment(node, key, comment: str) -> None:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        comment = " ".join(comment.split())
        old = node.ca.items.get(key)
        if old and old[2] is not None and old[2].value and comment in old[2].value:
            return
        node.yaml_add_eol_comment(comment, key)


def _blocks(tree):
    """Every block mapping of the tree with its path text."""
    def walk(node, path):
        yield path, node
        for i, child in enumerate(node.get("blocks") or []):
            if isinstance(child, CommentedMap):
                yield from walk(child, f"{path}.blocks[{i}]")

    for group in ("preamble", "sections", "closing"):
        for i, block in enumerate(tree.get(group) or []):
            if isinstance(block, CommentedMap):
                yield from walk(block, f"{group}[{i}]")


def new_year(loaded: LoadedPlan, year: int, unit_text: str | None = None) -> tuple[str, NewYearReport]:
    tree = load_tree(loaded.path)
    unit = Unit.parse(unit_text) if unit_text else None
    roll = _Roll(loaded, year, unit)
    doc = tree["document"]
    plan_doc = loaded.plan.document
    old_year, delta = roll.old_year, year - roll.old_year
    _move_identity(roll, tree, doc, old_year, delta)
    _province(roll, tree, doc)
    _district_to_commune(roll, tree, doc)
    _issuer(roll, doc)
    _agencies(roll, tree, "")
    _headings_and_texts(roll, tree)
    _merge_same_agency(roll, tree)
    _repair(roll, tree, doc, plan_doc)
    _flag_inner_collectives(roll, tree)
    _cover_parent_tasks(roll, tree)
    _flag_old_year(roll, tree, old_year)
    _flag_expired_bases(roll, tree)
    _flag_abolished_words(roll, tree)
    return dump_tree(tree, name=f"kế hoạch năm {year}"), roll.report


def _move_identity(roll: _Roll, tree, doc, old_year: int, delta: int) -> None:
    year = roll.year
    old_id = str(tree["id"])
    tree["id"] = old_id.replace(str(old_year), str(year)) if str(old_year) in old_id else f"{old_id}-{year}"
    _comment(tree, "id", f"trước đây: {old_id}")
    doc["date"] = year
    _comment(doc, "date", "ngày, tháng điền khi ban hành (kehoach issue)")
    doc.pop("number", None)
    doc.pop("issued", None)   # the new year's plan is not issued: its own issue writes its own record
    title = str(doc["title"])
    period = doc.get("period") if isinstance(doc.get("period"), CommentedMap) else None
    start, end = (int(period["from"]), int(period["to"])) if period is not None else (old_year, old_year)
    if end > start:
        # A programme's plan: its period is its parent's, never moved by a year nor rolled over as annual.
        if year > end:
            why = (f"giai đoạn {start} - {end} của kế hoạch đã kết thúc trước năm {year}: lập kế hoạch giai đoạn mới "
                   "theo văn bản cấp trên mới (kehoach derive), không kéo dài giai đoạn cũ")
            _comment(period, "to", "cần xem lại: " + why)
            roll.report.flagged.append(("document.period", why))
        else:
            _comment(period, "to", f"giữ giai đoạn {start} - {end}: kế hoạch năm {year} vẫn thuộc giai đoạn này")
        return
    if period is not None:
        period["from"], period["to"] = start + delta, end + delta
    doc["title"] = title.replace(str(old_year), str(year))


def _province(roll: _Roll, tree, doc) -> None:
    """A province merged in 2025 takes its new name everywhere the plan prints the old one."""
    old = roll.province
    end = roll.registry.district_level_ends
    if not old or not end or roll.on < end:
        return
    new = province_after_2025(old)
    if new == old:
        return
    roll.province = new
    doc["province"] = new
    _comment(doc, "province", f"trước đây: {old}; {MERGER_SOURCE}")
    pattern = re.compile(rf"(?<![\wÀ-ỹ]){re.escape(old)}(?![\wÀ-ỹ])", re.IGNORECASE)

    def swap(node, key, path):
        value = node[key]
        if isinstance(value, str) and pattern.search(value):
            node[key] = pattern.sub(lambda m: new.upper() if m.group(0).isupper() else new, value)
            _comment(node, key, f"tỉnh {old} hợp nhất vào tỉnh {new}")
            roll.report.renamed.append((path, old, new))

    swap(doc, "title", "document.title")
    swap(doc, "place", "document.place")
    swap(doc["issuer"], "name", "document.issuer.name")
    header = doc["issuer"].get("header")
    for i in range(len(header or [])):
        swap(header, i, f"document.issuer.header[{i}]")
    for path, block in _blocks(tree):
        for key in ("title", "text"):
            if key in block:
                swap(block, key, f"{path}.{key}")
    for i, recipient in enumerate(tree.get("recipients") or []):
        swap(recipient, "name", f"recipients[{i}].name")


def _district_to_commune(roll: _Roll, tree, doc) -> None:
    """After 01/7/2025 a district's plan is the plan of the commune or ward that took over its area."""
    registry = roll.registry
    end = registry.district_level_ends
    issuer = roll.agency_of(str(doc["issuer"]["agency"]))
    if not (issuer and registry.agencies[issuer].level == Level.DISTRICT and end and roll.on >= end):
        return
    name = str(doc.get("district") or doc.get("place") or "")
    units = unit_list(roll.province)
    unit = roll.unit
    if unit is None and units is not None:
        for kind in ("phường", "xã", "đặc khu"):
            found = units.find(Unit(kind, name, Level.COMMUNE))
            if found:
                unit = Unit(kind, name, Level.COMMUNE)
                break
    if unit is None:
        raise InputError("Không lập được kế hoạch năm mới cho cấp huyện.", [Finding(
            "V104", Severity.ERROR, f"cấp huyện kết thúc từ {end:%d/%m/%Y}; không tìm thấy xã, phường cùng tên '{name}' "
            "trong danh sách đơn vị năm 2025", str(roll.loaded.path), suggestion="Ghi đơn vị nhận lại địa bàn: "
            "kehoach new-year … --unit 'phường …'.")])
    roll.unit = unit
    roll.report.flagged.append(("document.issuer", f"cấp huyện kết thúc từ {end:%d/%m/%Y}: kế hoạch chuyển cho "
                                                   f"Ủy ban nhân dân {unit.full} (cần xem lại địa bàn)"))
    doc["issuer"]["agency"] = "ubnd-xa"
    old_name = str(doc["issuer"]["name"])
    doc["issuer"]["name"] = f"Ủy ban nhân dân {unit.full}"
    doc["issuer"]["header"] = CommentedSeq(["ỦY BAN NHÂN DÂN", unit.full.upper()])
    _comment(doc["issuer"], "name", f"trước đây: {old_name}; cấp huyện kết thúc {end:%d/%m/%Y}; địa bàn cũ nay thuộc "
                                    f"{unit.full} và đơn vị khác [chưa xác nhận] (plans/registry/units/)")
    doc["level"] = "xa"
    doc.pop("district", None)
    doc["commune"] = unit.name
    title = str(doc["title"])
    title = re.sub(r"trên địa bàn (quận|huyện|thị xã|thành phố)\b", f"trên địa bàn {unit.kind}", title)
    doc["title"] = title


def _issuer(roll: _Roll, doc) -> None:
    """A department that was merged issues as its successor: code, name, header and symbol."""
    issuer = roll.agency_of(str(doc["issuer"]["agency"]))
    if issuer is None or roll.registry.agencies[issuer].level == Level.DISTRICT:
        return
    new_id, certain = roll.successor(issuer)
    if new_id in (None, issuer):
        return
    old_name = str(doc["issuer"]["name"])
    name = roll.name(new_id)
    suffix = re.search(r"\s((?:tỉnh|thành phố) .+)$", old_name)
    full = f"{name} {suffix.group(1)}" if suffix and new_id.startswith("so-") else name
    doc["issuer"]["agency"] = new_id
    doc["issuer"]["name"] = full
    doc["issuer"]["header"] = CommentedSeq([name.upper()])
    _comment(doc["issuer"], "name", f"trước đây: {old_name}" + ("" if certain else " [kế nhiệm chưa xác nhận]"))
    roll.report.renamed.append(("document.issuer", old_name, full))
    if new_id.startswith("so-"):
        initials = "".join(w[0].upper() for w in name.split()[1:] if w[0].isalpha())
        old_symbol = str(doc["symbol"])
        doc["symbol"] = f"KH-S{initials}"
        _comment(doc, "symbol", f"trước đây: {old_symbol}")


def _agencies(roll: _Roll, node, path: str) -> None:
    if isinstance(node, CommentedMap):
        for key in list(node.keys()):
            value = node[key]
            here = f"{path}.{key}" if path else str(key)
            if key in AGENCY_KEYS and isinstance(value, str) and path != "document.issuer":
                node[key] = roll.rename(value, here, node, key)
            elif key in AGENCY_KEYS and isinstance(value, CommentedSeq):
                renamed = [roll.rename(item, f"{here}[{i}]", node, key) if isinstance(item, str) else item
                           for i, item in enumerate(value)]
                unique = []
                for item in renamed:
                    if item not in unique:
                        unique.append(item)
                value.clear()
                value.extend(unique)
            elif key != "document":
                _agencies(roll, value, here)
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            _agencies(roll, item, f"{path}[{i}]")


def _headings_and_texts(roll: _Roll, tree) -> None:
    """Printed names follow the codes: a heading names its agency; sentences and recipients name successors."""
    for path, block in _blocks(tree):
        agencies = block.get("agency")
        if isinstance(agencies, str):
            agencies = [agencies]
        title = block.get("title")
        if agencies and isinstance(title, str):
            ids = [roll.agency_of(str(a)) for a in agencies]
            old_id = roll.agency_of(title.removeprefix("Đề nghị ").strip())
            if len(ids) == 1 and ids[0] and old_id and old_id != ids[0] and \
                    roll.registry.agencies.get(old_id) and ends(roll.registry.agencies[old_id], roll.on):
                prefix = "Đề nghị " if title.startswith("Đề nghị ") else ""
                block["title"] = prefix + roll.name(ids[0])
                _comment(block, "title", f"trước đây: {title}")
                roll.report.renamed.append((f"{path}.title", title, block["title"]))
        for key in ("title", "text"):
            value = block.get(key)
            if isinstance(value, str):
                new, changes = roll.text(value)
                if new != value:
                    block[key] = new
                    _comment(block, key, "đổi tên cơ quan sau sắp xếp: " + "; ".join(
                        f"{a} → {b}" for a, b in dict(changes).items()) if changes else "xã, phường, đặc khu")
                    for a, b in changes:
                        roll.report.renamed.append((f"{path}.{key}", a, b))
    for i, recipient in enumerate(tree.get("recipients") or []):
        name = str(recipient.get("name", ""))
        old_id = roll.agency_of(name)
        codes = recipient.get("agency")
        codes = [codes] if isinstance(codes, str) else list(codes or [])
        if old_id and roll.registry.agencies.get(old_id) and ends(roll.registry.agencies[old_id], roll.on):
            new_id, _ = roll.successor(old_id)
            if new_id:
                recipient["name"] = roll.name(new_id)
                _comment(recipient, "name", f"trước đây: {name}")
                roll.report.renamed.append((f"recipients[{i}].name", name, recipient["name"]))
                continue
        new, changes = roll.text(name)
        if new != name:
            recipient["name"] = new
            _comment(recipient, "name", f"trước đây: {name}")
    footnotes = tree.get("footnotes") or {}
    for key in list(footnotes):
        new, changes = roll.text(str(footnotes[key]))
        if new != footnotes[key]:
            footnotes[key] = new
            _comment(footnotes, key, "đổi tên cơ quan sau sắp xếp")
    signature = tree.get("signature")
    if signature is not None:
        _comment(signature, "name", "kiểm tra lại người ký năm mới")


def _merge_same_agency(roll: _Roll, tree) -> None:
    """Two headings that now name the same agency (Sở KHĐT merged into Sở Tài chính) become one."""
    for _, block in list(_blocks(tree)):
        children = block.get("blocks")
        if not isinstance(children, CommentedSeq):
            continue
        first_of: dict[tuple, CommentedMap] = {}
        for child in list(children):
            if not isinstance(child, CommentedMap) or not child.get("agency"):
                continue
            codes = child["agency"]
            key = tuple([codes] if isinstance(codes, str) else codes)
            if key not in first_of:
                first_of[key] = child
                continue
            keep = first_of[key]
            moved = CommentedSeq()
            if child.get("text"):
                moved.append(CommentedMap([("id", child.get("id") or f"{slug(key[0])}.gop"), ("label", "-"),
                                           ("text", child["text"])] +
                                          ([("links", child["links"])] if child.get("links") else []) +
                                          ([("reporting", child["reporting"])] if child.get("reporting") else [])))
            moved.extend(child.get("blocks") or [])
            if keep.get("text") and not keep.get("blocks"):
                keep["blocks"] = CommentedSeq([CommentedMap([("id", keep.pop("id", None) or f"{slug(key[0])}.1"),
                                                             ("label", "-"), ("text", keep.pop("text"))])])
                for k in ("links", "reporting"):
                    if k in keep:
                        keep["blocks"][0][k] = keep.pop(k)
            keep.setdefault("blocks", CommentedSeq()).extend(moved)
            children.remove(child)
            _comment(keep, "agency", f"gộp với mục '{child.get('label', '')} {child.get('title', '')}' (cùng cơ quan "
                                     "sau sắp xếp)")
            roll.report.repaired.append(("sections", f"gộp hai mục cùng giao cho {key[0]}"))
        _renumber(children)


def _renumber(children) -> None:
    numbered = [c for c in children if isinstance(c, CommentedMap) and re.fullmatch(r"\d+\.", str(c.get("label", "")))]
    for n, child in enumerate(numbered, 1):
        if child["label"] != f"{n}.":
            child["label"] = f"{n}."


def _repair(roll: _Roll, tree, doc, plan_doc) -> None:
    registry = roll.registry
    # Citation numbers the registry knows to be miscited, in the bases and wherever the text repeats them.
    wrong: dict[str, str] = {}
    for group in ("bases", "references"):
        for i, citation in enumerate(tree.get(group) or []):
            code = citation.get("code")
            if not code:
                continue
            for document in registry.documents.values():
                if document.code and code in document.miscited_as:
                    wrong[str(code)] = document.code
                    citation["code"] = document.code
                    _comment(citation, "code", f"trước đây: {code} (ghi sai; sửa theo danh mục văn bản)")
                    roll.report.repaired.append((f"{group}[{i}].code", f"{code} → {document.code}"))
    if wrong:
        for path, block in _blocks(tree):
            for key in ("title", "text"):
                if isinstance(block.get(key), str):
                    value = block[key]
                    for old, new in wrong.items():
                        value = value.replace(old, new)
                    block[key] = value
        for key in list(tree.get("footnotes") or {}):
            value = str(tree["footnotes"][key])
            for old, new in wrong.items():
                value = value.replace(old, new)
            tree["footnotes"][key] = value
    spaced = re.compile(r"(\b\d+[a-z]?(?:/[A-ZĐ0-9]+)?)-\s+([A-ZĐ][A-Za-zĐđ]*)")  # '28- CT/TW' → '28-CT/TW'
    for path, block in _blocks(tree):
        for key in ("title", "text"):
            value = block.get(key)
            if isinstance(value, str) and spaced.search(value):
                block[key] = spaced.sub(r"\1-\2", value)
                roll.report.repaired.append((f"{path}.{key}", "số, ký hiệu văn bản viết liền"))
    if "recipients_label" in tree:
        tree.pop("recipients_label")
        roll.report.repaired.append(("recipients_label", f"'{nd30.RECIPIENTS_LABEL}' viết đúng"))
    # Numbering without gaps: I., II., III. for sections; 1., 2., 3. inside.
    roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
    sections = tree.get("sections") or []
    romans = [s for s in sections if re.fullmatch(r"[IVX]+\.", str(s.get("label", "")))]
    for n, section in enumerate(romans):
        if section["label"] != f"{roman[n]}.":
            roll.report.repaired.append(("sections", f"đánh lại số mục {section['label']} → {roman[n]}."))
            section["label"] = f"{roman[n]}."
    for _, block in _blocks(tree):
        if isinstance(block.get("blocks"), CommentedSeq):
            _renumber(block["blocks"])
    for section in sections:
        title = section.get("title")
        if isinstance(title, str) and title != title.upper() and re.fullmatch(r"[IVX]+\.", str(section.get("label"))):
            section["title"] = title.upper().rstrip(".")
    title = str(doc["title"])
    if re.sub(r"[^A-Za-zÀ-ỹ]", "", title).isupper():
        keep = TITLE_KEEP + [d.code for d in registry.documents.values() if d.code] + [roll.province or ""]
        doc["title"] = sentence_case(title, [k for k in keep if k])
        roll.report.repaired.append(("document.title", "trích yếu viết thường (không in hoa cả câu)"))


def _flag_inner_collectives(roll: _Roll, tree) -> None:
    """In a district plan turned into a ward's, "UBND các phường" has no meaning any more: the author decides."""
    if roll.unit is None:
        return
    for path, block in _blocks(tree):
        codes = block.get("agency")
        codes = [codes] if isinstance(codes, str) else list(codes or [])
        if "ubnd-cap-xa" in codes:
            _comment(block, "agency", f"cần xem lại: kế hoạch nay của {roll.unit.full}, không có xã, phường cấp dưới "
                                      "(giao cho tổ dân phố, thôn hoặc bỏ)")
            roll.report.flagged.append((f"{path}.agency", f"nhiệm vụ của UBND các xã, phường trong kế hoạch của "
                                                          f"{roll.unit.full}"))


def _cover_parent_tasks(roll: _Roll, tree) -> None:
    """Parent tasks addressed to this level that last year's plan left uncovered are added as tasks to fill in."""
    loaded = roll.loaded
    level = loaded.plan.document.level
    if level != Level.PROVINCE:
        return
    covered = set()

    def links_of(node):
        if isinstance(node, CommentedMap):
            for key, value in node.items():
                if key == "links" and isinstance(value, CommentedSeq):
                    covered.update(str(l.get("ref")) for l in value if isinstance(l, CommentedMap))
                links_of(value)
        elif isinstance(node, CommentedSeq):
            for value in node:
                links_of(value)

    links_of(tree)
    host = None
    for section in tree.get("sections") or []:
        if any(isinstance(b, CommentedMap) and "task" in b for b in section.get("blocks") or []):
            host = section
            break
    if host is None:
        return
    lead = current(roll.registry, "so-ldtbxh", roll.on)[0] or "so-y-te"
    for ref in loaded.plan.implements:
        parent = load_parent(ref, loaded.path, roll.registry)
        if parent is None:
            continue
        for item in parent_items(parent).values():
            if item.kind not in ("task", "duty") or item.ref in covered or \
                    not ({"ubnd-tinh"} & set(item.agencies)):
                continue
            blocks = host["blocks"]
            numbered = sum(1 for b in blocks if re.fullmatch(r"\d+\.", str(b.get("label", ""))))
            label = f"{numbered + 1}."
            text, _ = roll.text(item.text)
            node = CommentedMap([("id", f"nv-bo-sung-{slug(item.id)}"), ("label", label), ("text", text),
                                 ("task", CommentedMap([("lead", lead)])),
                                 ("links", CommentedSeq([CommentedMap([("ref", item.ref),
                                                                      ("fingerprint", item.fingerprint)])]))])
            blocks.append(node)
            _comment(node, "text", f"bổ sung từ {item.ref}: kế hoạch năm trước chưa có; viết lại cho phù hợp")
            roll.report.repaired.append((item.ref, "bổ sung nhiệm vụ cấp trên chưa được đảm nhận"))


def _flag_old_year(roll: _Roll, tree, old_year: int) -> None:
    def walk(node, path):
        if isinstance(node, CommentedMap):
            for key in list(node.keys()):
                value = node[key]
                here = f"{path}.{key}" if path else str(key)
                if key in ("year", "due_year") and isinstance(value, int) and value < roll.year:
                    _comment(node, key, f"cần xem lại: gắn với năm {value}")
                    roll.report.flagged.append((here, f"gắn với năm {value}"))
                elif key in ("text", "title") and isinstance(value, str) and re.search(rf"\bnăm {old_year}\b", value):
                    _comment(node, key, f"cần xem lại: câu văn nhắc năm {old_year}")
                    roll.report.flagged.append((here, f"câu văn nhắc năm {old_year}"))
                elif key not in ("document", "bases", "references"):
                    walk(value, here)
        elif isinstance(node, CommentedSeq):
            for i, item in enumerate(node):
                walk(item, f"{path}[{i}]")

    walk(tree, "")


_PERIOD = re.compile(r"giai đoạn\s*(\d{4})\s*[-–]\s*(\d{4})", re.IGNORECASE)
# District wording left in a sentence after the district level ended (Luật 72/2025/QH15).
_DISTRICT_WORDS = re.compile(r"(?:Ủy ban nhân dân|UBND) (?:các )?(?:huyện|quận|thị xã)\b|\bcấp huyện\b|"
                             r"\bcác huyện, (?:thành phố|thị xã)\b|\bhuyện, thị xã\b", re.IGNORECASE)


def _flag_expired_bases(roll: _Roll, tree) -> None:
    """A legal basis whose programme period ended before the new year is flagged: the new plan needs the current one."""
    for i, base in enumerate(tree.get("bases") or []):
        if not isinstance(base, CommentedMap):
            continue
        known = roll.registry.documents.get(str(base.get("registry"))) if base.get("registry") else None
        for title in (str(base.get("title") or ""), known.title if known else ""):
            match = _PERIOD.search(title)
            if match and int(match.group(2)) < roll.year:
                cited = f"{base.get('type') or ''} {base.get('code') or ''}".strip()
                why = (f"căn cứ {cited} thuộc giai đoạn {match.group(1)} - {match.group(2)}, đã hết trước năm "
                       f"{roll.year}: thay bằng văn bản đang có hiệu lực")
                _comment(base, "title", "cần xem lại: " + why)
                roll.report.flagged.append((f"bases[{i}]", why))
                break


def _flag_abolished_words(roll: _Roll, tree) -> None:
    """Every name of an agency gone by the new year, and district wording, still in a sentence is flagged."""
    end = roll.registry.district_level_ends
    gone = gone_patterns(roll.registry, roll.on)
    for path, block in _blocks(tree):
        for key in ("title", "text"):
            value = block.get(key)
            if not isinstance(value, str):
                continue
            found = []
            for pattern, agency in gone:
                for match in pattern.finditer(value):
                    if not re.search(r"của\s*(?:Bộ trưởng\s*)?$", value[max(0, match.start() - 14):match.start()]):
                        found.append(match.group(0))   # an old document cited "của Bộ …" keeps its issuer
            if end and roll.on >= end:
                found += [m.group(0) for m in _DISTRICT_WORDS.finditer(value)]
            if found:
                names = ", ".join(dict.fromkeys(found))
                why = f"câu văn còn nhắc cơ quan, đơn vị không còn vào năm {roll.year}: {names}"
                _comment(block, key, "cần xem lại: " + why)
                roll.report.flagged.append((f"{path}.{key}", why))
