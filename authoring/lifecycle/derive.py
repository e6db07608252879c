"""`kehoach derive`: a lower level's first draft from the plans or decisions it implements.

The draft is built as model objects (authoring.model) and written by the one YAML writer (loading.writer), so it
is valid before it reaches the disk. Every level pair a civil servant meets is handled:

* trung ương → tỉnh: each ministry's duties go to its Sở counterpart; what the decision asks of "UBND các tỉnh,
  thành phố" becomes the province's own tasks, spread over its departments and its districts or communes as the
  example provincial plans do; targets are restated and linked; local governments report before the province.
* tỉnh → xã / phường / đặc khu (from 01/7/2025), tỉnh → huyện and huyện → xã before: what the parent asks of
  the collective of this level ("UBND các xã, phường", "UBND các huyện, thành phố") becomes the unit's own
  content, spread over its offices; reports fall before the parent's deadline, sub-units' before the unit's.

Re-deriving into an existing file keeps every hand edit: items already there stay as written, new parent
items are added where they belong, and parent items that changed are reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import nd30
from ..errors import InputError, UsageError
from ..findings import Finding, Severity
from ..loading import LoadedPlan
from ..loading.writer import comment_at, dump_tree, load_tree, plan_to_yaml, plan_tree
from ..model import (Block, Budget, Citation, Comparator, DayMonth, Document, Issuer, Level, Link, PartialDate,
                     Plan, Recipient, Reporting, ReportPeriod, Signature, Target, Task)
from ..model.links import parent_items
from ..model.plan import Period, strip_footnote_marks
from ..model.units import UNIT_KINDS, Unit
from ..model.walk import iter_blocks, iter_duties, iter_reporting, iter_tasks
from ..text import match_key, short_date, slug
from . import assignments as A
from ..loading.units import MERGER_SOURCE, parse_unit_list, province_after_2025, unit_list
from ..model.wording import (TITLE_KEEP, after_reform_words, current, ends, expand_abbreviations, full_codes, modernise, name_of, rescope, sentence_case)

PLACEHOLDER = "…"


def parse_unit(text: str) -> Unit:
    unit = Unit.parse(text)
    if unit is None:
        raise UsageError(f"không rõ loại đơn vị của '{text}'",
                         "Ghi kèm loại đơn vị: 'tỉnh Đắk Nông', 'xã Hòa Bình', 'phường …', 'đặc khu …', 'quận …'.")
    return unit


@dataclass
class DeriveReport:
    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    changed_upstream: list[str] = field(default_factory=list)
    removed_upstream: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)   # what the author should know (unit not in the 2025 list, …)


# --------------------------------------------------------------------------- the drafting context

@dataclass
class Draft:
    parents: list[LoadedPlan]
    unit: Unit
    when: PartialDate
    province: str | None
    lead_days: int
    comments: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _seen: set = field(default_factory=set)
    _ids: set = field(default_factory=set)

    @property
    def registry(self):
        return self.parents[0].registry

    @property
    def on(self) -> date:
        return date(self.when.year, self.when.month or 1, self.when.day or 1)

    @property
    def after_reform(self) -> bool:
        end = self.registry.district_level_ends
        return bool(end and self.on >= end)

    def now(self, agency_id: str | None) -> str | None:
        """The agency doing *agency_id*'s (children's) work on the draft's date."""
        if agency_id is None:
            return None
        found, _ = current(self.registry, agency_id, self.on)
        return found

    def name(self, agency_id: str) -> str:
        unit = self.unit if self.registry.agencies[agency_id].level == self.unit.level else None
        text = name_of(self.registry, agency_id, self.on, self.province, unit)
        district = next((p.plan.document.district for p in self.parents if p.plan.document.district), None)
        return text.replace("{huyen}", district) if district else text

    def ref(self, agency_id: str) -> str:
        """How the draft writes an agency: its id, or its full name when the registry name has a place slot."""
        raw = self.registry.agencies[agency_id].names
        return self.name(agency_id) if any("{xa}" in n.name or "{huyen}" in n.name for n in raw) else agency_id

    def unique(self, text: str) -> str | None:
        """*text*, or None when the draft already says it (no sentence twice)."""
        key = match_key(strip_footnote_marks(text))
        if not key or key in self._seen:
            return None
        self._seen.add(key)
        return text

    def new_id(self, wanted: str) -> str:
        candidate, n = slug(wanted) or "muc", 2
        base = candidate
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate


def _link(parent: LoadedPlan, item_id: str, items: dict) -> Link:
    item = items.get(item_id)
    return Link(ref=f"{parent.plan.id}#{item_id}", fingerprint=item.fingerprint if item else None)


def _adapt(d: Draft, parent: LoadedPlan, text: str) -> str:
    """A parent sentence as the draft prints it: abbreviations spelled out, successors named, scope words moved."""
    text = strip_footnote_marks(text).strip()
    text = re.sub(r"^Chỉ tiêu \w+:\s*", "", text)
    if parent.plan.document.level == Level.CENTRAL:
        text = full_codes(expand_abbreviations(text), d.registry)
        text = _central_to_province(d, text)
    else:
        words = {Level.PROVINCE: ("tỉnh", "thành phố"), Level.DISTRICT: ("quận", "huyện", "thị xã", "thành phố"),
                 Level.COMMUNE: ("xã", "phường")}[parent.plan.document.level]
        text = rescope(text, d.unit, words)
    text, _ = modernise(text, d.registry, d.on, d.province, d.unit)
    text = after_reform_words(text, d.on, d.registry.district_level_ends)
    text = re.sub(r"(\b\d+[a-z]?(?:/[A-ZĐ0-9]+)?)-\s+([A-ZĐ][A-Za-zĐđ]*)", r"\1-\2", text)  # '28- CT/TW' → '28-CT/TW'
    return re.sub(r"\s+([,.;:])", r"\1", text).strip()


def _central_to_province(d: Draft, text: str) -> str:
    """A national sentence said by a province: ministries become their departments, the Prime Minister the UBND."""
    registry = d.registry
    swaps = [(r"\bThủ tướng Chính phủ\b", "Ủy ban nhân dân tỉnh"), (r"\bcác bộ, ngành, địa phương\b",
             "các sở, ban, ngành, địa phương"), (r"\bcác bộ, ngành\b", "các sở, ban, ngành"),
             (r"\bbộ, ngành\b", "sở, ban, ngành"), (r"\bThủ tướng\b", "Ủy ban nhân dân tỉnh")]
    for pattern, new in swaps:
        text = re.sub(pattern, new, text)
    for agency in registry.agencies.values():
        if agency.level != Level.CENTRAL or "tinh" not in agency.counterparts or not agency.id.startswith("bo-"):
            continue
        counterpart = d.now(agency.counterparts["tinh"])
        if counterpart is None:
            continue
        for old in sorted({n.name for n in agency.names} | {a for a in agency.aliases if a.startswith("Bộ ")},
                          key=len, reverse=True):
            text = re.sub(re.escape(old), d.name(counterpart), text)
    return text


def _number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _value_text(value) -> str:
    return f"{_number(value)}".replace(".", ",")


def _target_phrase(t: Target) -> str:
    if t.comparator == Comparator.QUALITATIVE or (t.value is None and t.range is None):
        return ""
    unit = t.unit or ""
    sep = "" if unit[:1] in ("%", "‰") else " "
    if t.range:
        amount = f"từ {_value_text(t.range[0])} đến {_value_text(t.range[1])}{sep}{unit}"
    else:
        amount = f"{_value_text(t.value)}{sep}{unit}"
    word = {Comparator.AT_LEAST: "đạt ít nhất", Comparator.ABOVE: "trên", Comparator.REACH: "đạt",
            Comparator.AT_MOST: "không quá", Comparator.BELOW: "dưới", Comparator.REDUCE_BY: "giảm"}[t.comparator]
    if t.comparator == Comparator.REDUCE_BY and "giảm" in unit:
        word = ""
    when = f" vào năm {t.year}" if t.year else ""
    return f"{word} {amount.strip()}{when}".strip()


def _skip_target(d: Draft, t: Target) -> bool:
    """Targets about units above the draft's level (% of provinces, of districts) do not apply to it."""
    words = (t.unit or "") + " " + (t.indicator or "")
    above = {Level.PROVINCE: r"tỉnh, thành phố", Level.DISTRICT: r"tỉnh, thành phố",
             Level.COMMUNE: r"tỉnh, thành phố|huyện, thành phố|% huyện"}[d.unit.level]
    if re.search(above, words, re.IGNORECASE):
        return True
    return bool(t.year and t.year < d.when.year)


def _targets(d: Draft) -> list[Block]:
    blocks = []
    for parent in d.parents:
        items = parent_items(parent)
        for path, block in iter_blocks(parent.plan):
            kept = [t for t in block.targets if not _skip_target(d, t)]
            if not kept:
                continue
            copies = [Target(id=d.new_id(t.id), indicator=_adapt(d, parent, t.indicator) if t.indicator else None,
                             value=_number(t.value) if t.value is not None else None, range=t.range, unit=t.unit,
                             comparator=t.comparator, year=t.year, period=t.period,
                             links=[_link(parent, t.id, items)]) for t in kept]
            if parent.plan.document.level == Level.CENTRAL:
                indicator = _adapt(d, parent, kept[0].indicator or block.text or "").rstrip(".")
                phrases = [p for p in (_target_phrase(t) for t in kept) if p]
                text = indicator + (": " + "; ".join(phrases) if phrases else "") + "."
            else:
                text = _adapt(d, parent, block.text or kept[0].indicator or "")
            text = d.unique(text)
            if text is None:
                continue
            blocks.append(Block(label="-", text=text, targets=copies))
            d.comments[len(blocks) - 1] = f"từ {parent.plan.id}: " + ", ".join(t.id for t in kept)
    return blocks


# --------------------------------------------------------------------------- trung ương → tỉnh

def _province_lead(d: Draft) -> str:
    """The province's children's department on the draft's date (Sở LĐTBXH, Sở Y tế from 03/2025)."""
    return d.now("so-ldtbxh") or "so-y-te"


def _ministry(d: Draft) -> str | None:
    """The ministry the province reports to: the parents' report addressee, else the children's ministry."""
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            for name in report.to:
                agency_id = parent.agency_id(name) or name
                if agency_id in d.registry.agencies and d.registry.agencies[agency_id].level == Level.CENTRAL:
                    return d.now(agency_id)
    return d.now("bo-ldtbxh")


def _mention(parent: LoadedPlan, d: Draft, later: bool = False) -> str:
    pdoc = parent.plan.document
    title = sentence_case(pdoc.title, _keep_words(d, parent))
    title = title[:1].lower() + title[1:] if title[:1].isupper() and not title[:2].isupper() else title
    code = f"{pdoc.number:02d}/{pdoc.symbol}" if pdoc.number and pdoc.number < 10 else \
        (f"{pdoc.number}/{pdoc.symbol}" if pdoc.number else f"{PLACEHOLDER}/{pdoc.symbol}")
    if pdoc.type == "Chỉ thị" and pdoc.number:
        code = f"{pdoc.number}-{pdoc.symbol}"
    if later:
        return f"{pdoc.type} số {code}"
    if pdoc.date.is_complete:
        when = f"ngày {short_date(pdoc.date.to_date())}"
    elif pdoc.date.month:
        when = f"ngày {PLACEHOLDER}/{pdoc.date.month:02d}/{pdoc.date.year}"
    else:
        when = f"năm {pdoc.date.year}"
    joiner = " " if pdoc.type in ("Quyết định", "Nghị định", "Thông tư", "Nghị quyết") else " về "
    return f"{pdoc.type} số {code} {when} của {pdoc.issuer.name}{joiner}{title}"


def _keep_words(d: Draft, parent: LoadedPlan) -> list[str]:
    keep = list(TITLE_KEEP)
    for p in d.parents:
        keep += [c.code for c in p.plan.bases if c.code] + [p.plan.document.issuer.name]
        if p.plan.document.province:
            keep.append(p.plan.document.province)
        if p.plan.document.number:
            keep.append(f"{p.plan.document.number}/{p.plan.document.symbol}")
            keep.append(f"{p.plan.document.number}-{p.plan.document.symbol}")
    for doc in d.registry.documents.values():
        if doc.code:
            keep.append(doc.code)
    if d.province:
        keep.append(d.province)
    return keep


def _citation(parent: LoadedPlan, d: Draft, index: int) -> Citation:
    pdoc = parent.plan.document
    code = None
    if pdoc.number:
        code = f"{pdoc.number}-{pdoc.symbol}" if pdoc.type == "Chỉ thị" else f"{pdoc.number:02d}/{pdoc.symbol}"
    title = sentence_case(pdoc.title, _keep_words(d, parent))
    return Citation(id=f"cc-cap-tren-{index}", verb="Thực hiện", type=pdoc.type, code=code, date=pdoc.date,
                    issuer=pdoc.issuer.name, title=title,
                    registry=parent.plan.id if parent.plan.id in d.registry.documents else None)


def _addressed(parent: LoadedPlan, ids: set[str], names) -> bool:
    return bool({parent.agency_id(n) or n for n in names} & ids)


def _period_of(d: Draft) -> Period:
    for parent in d.parents:
        if parent.plan.document.period:
            p = parent.plan.document.period
            return Period(**{"from": max(p.start, d.when.year), "to": max(p.end, d.when.year)})
        match = re.search(r"giai đoạn (\d{4})\s*-\s*(\d{4})", parent.plan.document.title)
        if match:
            start, end = int(match.group(1)), int(match.group(2))
            return Period(**{"from": max(start, d.when.year), "to": max(end, d.when.year)})
    return Period(**{"from": d.when.year, "to": d.when.year})


def _from_central(d: Draft) -> tuple[list[Block], list[Block], list[Recipient], str]:
    registry = d.registry
    lead = _province_lead(d)
    lead_name = d.name(lead)
    sub = "ubnd-cap-xa" if d.after_reform else "ubnd-cap-huyen"
    sub_name = d.name(sub)
    ministry = _ministry(d)
    addressed = {"ubnd-tinh", "cac-bo-nganh"}
    period = _period_of(d)
    sections: list[Block] = []
    mentions = "; ".join(_mention(p, d, later=True) for p in d.parents)
    sections.append(Block(label="I.", title="MỤC ĐÍCH, YÊU CẦU", blocks=[
        Block(label="1.", title="Mục đích", text=f"Triển khai kịp thời, đầy đủ, có hiệu quả {mentions} trên địa bàn "
              f"{d.unit.full}; xác định nhiệm vụ cụ thể và phân công trách nhiệm của các cơ quan, đơn vị, địa phương."),
        Block(label="2.", title="Yêu cầu", text="Các sở, ban, ngành, địa phương lồng ghép các mục tiêu, chỉ tiêu về "
              "trẻ em vào kế hoạch phát triển kinh tế - xã hội; thường xuyên kiểm tra, đánh giá, báo cáo kết quả."),
    ]))
    targets = _targets(d)
    target_comments = dict(d.comments)
    d.comments.clear()
    if targets:
        sections.append(Block(label="II.", title="CHỈ TIÊU", blocks=targets))
        for i, comment in target_comments.items():
            d.comments[("sections", len(sections) - 1, "blocks", i, "text")] = comment
    # National tasks the province must take up → the province's tasks, each with a leading department.
    tasks = []
    for parent in d.parents:
        items = parent_items(parent)
        for _, block in iter_tasks(parent.plan):
            if not _addressed(parent, addressed, block.task.lead):
                continue
            text = d.unique(_adapt(d, parent, block.title or block.text or ""))
            if text is None:
                continue
            lead_key, cooperating_keys = A.task_agencies(text)
            task_lead = _department(d, lead_key, lead)
            cooperating = [a for a in (_department(d, k, lead) for k in cooperating_keys) if a and a != task_lead]
            tasks.append(Block(id=d.new_id(f"nv-{len(tasks) + 1}"), label=f"{len(tasks) + 1}.", text=text,
                               task=Task(lead=[task_lead], cooperating=cooperating + ["cac-so-nganh-tinh", sub],
                                         timeframe=f"{period.start}-{period.end}" if period.end > period.start
                                         else "Năm " + str(period.start),
                                         links=[_link(parent, block.id, items)])))
    roman = ["I", "II", "III", "IV", "V", "VI", "VII"]
    if tasks:
        sections.append(Block(label=f"{roman[len(sections)]}.", title="NHIỆM VỤ, GIẢI PHÁP", blocks=tasks))
    sections.append(Block(label=f"{roman[len(sections)]}.", title="KINH PHÍ THỰC HIỆN",
                          budget=Budget(sources=["ngan_sach_dia_phuong", "long_ghep", "xa_hoi_hoa", "hop_phap_khac"]),
                          blocks=[Block(label="-", text="Ngân sách địa phương theo phân cấp hiện hành; lồng ghép trong "
                                        "các chương trình, đề án có liên quan."),
                                  Block(label="-", text="Huy động từ các tổ chức, cá nhân trong và ngoài nước và các "
                                        "nguồn hợp pháp khác theo quy định của pháp luật.")]))
    # Tổ chức thực hiện: departments in the real plans' order, then the local governments, then the requests.
    headings: dict[str, list[Block]] = {}
    order: list[str] = []

    def duty(agency_id: str, text: str | None, links=(), reporting=(), derived: str | None = None):
        if agency_id is None or text is None:
            return
        if agency_id not in headings:
            headings[agency_id] = []
            order.append(agency_id)
        headings[agency_id].append(Block(id=d.new_id(f"{agency_id}.{len(headings[agency_id]) + 1}"), label="-",
                                         text=text, links=list(links), reporting=list(reporting), derived=derived))

    requests: list[tuple[tuple[str, ...], str, list[Block]]] = []
    for key, duties in A.DEPARTMENT_DUTIES:
        agency_id = _department(d, key, lead)
        if agency_id is None:
            continue
        for sentence in duties:
            text = sentence.format(lead=lead_name, sub=sub_name, ministry=d.name(ministry) if ministry else "")
            duty(agency_id, d.unique(_adapt_plain(d, text)), derived=A.DERIVED_REASON)
    # Each ministry's duties go to its department; the province's own duties to the local governments.
    for parent in d.parents:
        items = parent_items(parent)
        for item in iter_duties(parent.plan):
            agencies = [parent.agency_id(a) or a for a in item.agencies]
            if not item.id or not agencies:
                continue
            first = registry.agencies.get(agencies[0])
            text = _adapt(d, parent, item.text)
            if agencies[0] == "ubnd-tinh":
                duty(sub, d.unique(text), [_link(parent, item.id, items)])
                for report in item.block.reporting:
                    _province_report(d, parent, items, report, lead, ministry, duty)
            elif first is not None and (item.request or first.kind == "doan-the"):
                counterpart = d.now(first.counterparts.get("tinh")) if first.counterparts.get("tinh") else None
                if counterpart:
                    members, title = (A.REQUESTS[0][0], A.REQUESTS[0][1]) if counterpart == "uy-ban-mttq-tinh" \
                        else ((counterpart,), _request_title(d, (counterpart,)))
                    block_text = d.unique(text)
                    if block_text:
                        requests.append((members, title, [Block(
                            id=d.new_id(f"{counterpart}.1"), label="-", text=block_text,
                            links=[_link(parent, item.id, items)])]))
            elif first is not None and first.level == Level.CENTRAL:
                counterpart = first.counterparts.get("tinh")
                if counterpart is None and first.id == "cac-bo-nganh":
                    counterpart = "cac-so-nganh-tinh"
                counterpart = d.now(counterpart) if counterpart else None
                if counterpart:
                    duty(counterpart, d.unique(text), [_link(parent, item.id, items)])
    for key in ("sub",):
        if sub not in headings:
            duty(sub, d.unique("Xây dựng, ban hành kế hoạch thực hiện trên địa bàn; bố trí ngân sách, nhân lực; "
                               "kiểm tra, rà soát bảo đảm môi trường sống an toàn cho trẻ em."), derived=A.DERIVED_REASON)
    if not requests:
        members, title, sentence = A.REQUESTS[0]
        requests.append((members, title, [Block(id=d.new_id("uy-ban-mttq-tinh.1"), label="-",
                                                text=d.unique(sentence) or sentence, derived=A.DERIVED_REASON)]))
    topic = " ".join(p.plan.document.title for p in d.parents)
    if A.ABUSE_TOPIC.search(topic):
        for members, title, sentence in (A.COURT, A.CHILD_RIGHTS_ASSOCIATION):
            requests.append((members, title, [Block(id=d.new_id(f"{members[0]}.1"), label="-", text=sentence,
                                                    derived=A.DERIVED_REASON)]))
    # Local governments report before the province: 6-monthly and yearly, to the UBND through the lead department.
    due_6t, due_nam, proposed = _local_dues(d)
    report_text = (f"{sub_name} và các sở, ban, ngành báo cáo kết quả thực hiện Kế hoạch 6 tháng trước ngày "
                   f"{due_6t.text()}, năm trước ngày {due_nam.text()} về Ủy ban nhân dân tỉnh (qua {lead_name}) để "
                   "tổng hợp, báo cáo.")
    duty(sub, report_text, reporting=[
        Reporting(id="bc-dia-phuong-6t", from_=[sub, "cac-so-nganh-tinh"], to=["ubnd-tinh"], via=[lead],
                  period=ReportPeriod.SIX_MONTHS, due=due_6t, derived=A.DERIVED_REASON if proposed else None),
        Reporting(id="bc-dia-phuong-nam", from_=[sub, "cac-so-nganh-tinh"], to=["ubnd-tinh"], via=[lead],
                  period=ReportPeriod.ANNUAL, due=due_nam, derived=A.DERIVED_REASON if proposed else None)])
    org = []
    for agency_id in order:
        if agency_id == sub:
            continue
        org.append(Block(label=f"{len(org) + 1}.", title=d.name(agency_id), agency=[d.ref(agency_id)],
                         blocks=headings[agency_id]))
    press, sentence = A.PRESS
    press = [p for p in press if p in registry.agencies and d.now(p) == p]
    if press:
        org.append(Block(label=f"{len(org) + 1}.", title=_and_names([d.name(p) for p in press]), agency=press,
                         blocks=[Block(id=d.new_id(f"{press[0]}.1"), label="-", text=sentence,
                                       derived=A.DERIVED_REASON)]))
    org.append(Block(label=f"{len(org) + 1}.", title=sub_name, agency=[sub], blocks=headings[sub]))
    for members, title, blocks in requests:
        org.append(Block(label=f"{len(org) + 1}.", title=title, agency=list(members), blocks=blocks))
    section_index = len(sections)
    sections.append(Block(label=f"{roman[section_index]}.", title="TỔ CHỨC THỰC HIỆN", blocks=org))
    if proposed:
        sub_index = next(i for i, b in enumerate(org) if b.agency == [sub])
        d.comments[("sections", section_index, "blocks", sub_index, "blocks", len(headings[sub]) - 1, "text")] = (
            "hạn báo cáo do kehoach đề xuất (văn bản cấp trên không ghi ngày); sửa theo hạn Bộ yêu cầu")
    closing = [Block(text=f"Trên đây là Kế hoạch triển khai thực hiện {mentions} trên địa bàn {d.unit.full}. Trong "
                          f"quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị, địa phương báo cáo về "
                          f"Ủy ban nhân dân tỉnh (qua {lead_name}) để xem xét, giải quyết{nd30.END_MARK}")]
    recipients = []
    if ministry:
        recipients.append(Recipient(name=d.name(ministry), purpose="để b/c", agency=[ministry]))
    recipients += [Recipient(name="Thường trực Tỉnh ủy", purpose="để b/c", agency=["tinh-uy"]),
                   Recipient(name="Thường trực Hội đồng nhân dân tỉnh", purpose="để b/c", agency=["hdnd-tinh"]),
                   Recipient(name="Chủ tịch, các Phó Chủ tịch UBND tỉnh", agency=["chu-tich-ubnd-tinh"]),
                   Recipient(name="Ủy ban MTTQ Việt Nam tỉnh", agency=["uy-ban-mttq-tinh"]),
                   Recipient(name="Các sở, ban, ngành, đoàn thể cấp tỉnh", agency=["cac-so-nganh-tinh"]),
                   Recipient(name=sub_name, agency=[sub])]
    return sections, closing, recipients, "VT, KGVX"


def _adapt_plain(d: Draft, text: str) -> str:
    text, _ = modernise(text, d.registry, d.on, d.province, d.unit)
    return after_reform_words(text, d.on, d.registry.district_level_ends)


def _department(d: Draft, key: str, lead: str) -> str | None:
    if key == "lead":
        return lead
    agency = d.registry.agencies.get(key)
    if agency is None:
        return None
    return d.now(key)


def _and_names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " và " + names[-1] if len(names) > 1 else names[0]


def _request_title(d: Draft, members: tuple[str, ...]) -> str:
    names = [d.name(m) for m in members]
    return "Đề nghị " + (", ".join(names[:-1]) + " và " + names[-1] if len(names) > 1 else names[0])


def _province_report(d: Draft, parent, items, report: Reporting, lead: str, ministry: str | None, duty) -> None:
    """The province's report to the ministry (sơ kết, tổng kết, yearly), due no later than the parent says."""
    if report.due_year and report.due_year < d.when.year:
        d.notes.append(f"bỏ qua báo cáo {ReportPeriod(report.period).label} năm {report.due_year} của "
                       f"{parent.plan.id} (trước năm của kế hoạch)")
        return
    to = [d.now(parent.agency_id(t) or t) or t for t in report.to]
    to_names = ", ".join(d.name(t) if t in d.registry.agencies else t for t in to)
    when = f" năm {report.due_year}" if report.due_year else ""
    due = f" trước ngày {report.due.text()}" if report.due else ""
    text = f"Tham mưu Ủy ban nhân dân tỉnh báo cáo {report.period.label}{when} việc thực hiện Kế hoạch gửi {to_names}{due}."
    duty(lead, d.unique(text), [], [Reporting(id=d.new_id(f"bc-tinh-{report.id}"), from_=[lead], to=to,
                                              period=report.period, due=report.due, due_year=report.due_year,
                                              links=[_link(parent, report.id, items)])])


def _local_dues(d: Draft) -> tuple[DayMonth, DayMonth, bool]:
    """Deadlines for the local governments: before the parents' deadlines for the province, or proposed ones."""
    found = {}
    for parent in d.parents:
        for _, _, report in iter_reporting(parent.plan):
            if report.due and report.period in (ReportPeriod.SIX_MONTHS, ReportPeriod.ANNUAL):
                earlier = report.due.in_year(d.when.year) - timedelta(days=d.lead_days)
                found[report.period] = DayMonth(earlier.month, earlier.day)
    if len(found) == 2:
        return found[ReportPeriod.SIX_MONTHS], found[ReportPeriod.ANNUAL], False
    return (found.get(ReportPeriod.SIX_MONTHS, DayMonth(6, 15)), found.get(ReportPeriod.ANNUAL, DayMonth(12, 15)),
            True)


# --------------------------------------------------------------------------- tỉnh → huyện / xã, huyện → xã

def _coordinator(parent: LoadedPlan, collectives: set[str]) -> str:
    """The department that coordinates the parent's work: the one its sub-units report through, or its issuer."""
    for _, _, report in iter_reporting(parent.plan):
        if collectives & {parent.agency_id(a) or a for a in report.from_}:
            for name in list(report.via) + list(report.to):
                agency_id = parent.agency_id(name) or name
                if not agency_id.startswith("ubnd") and agency_id in parent.registry.agencies:
                    return agency_id
    issuer = parent.agency_id(parent.plan.document.issuer.agency) or parent.plan.document.issuer.agency
    if not issuer.startswith("ubnd"):
        return issuer
    for duty in iter_duties(parent.plan):  # the first department the parent gives duties to (the "cơ quan thường trực")
        agency_id = parent.agency_id(duty.agencies[0]) or duty.agencies[0]
        agency = parent.registry.agencies.get(agency_id)
        if agency and agency.kind == "co-quan" and not agency.collective:
            return agency_id
    return "so-y-te"


def _counterpart(d: Draft, agency_id: str, level: Level) -> str | None:
    """The office at *level* that matches *agency_id*, following successors to the draft's date."""
    for candidate in (d.now(agency_id), agency_id):
        agency = d.registry.agencies.get(candidate) if candidate else None
        found = agency.counterparts.get(level.value) if agency else None
        if found and d.now(found) == found:
            return found
        # No direct counterpart: through the level between (Sở → Phòng ở huyện → công chức ở xã).
        middle = d.registry.agencies.get(agency.counterparts.get("huyen")) if agency and level == Level.COMMUNE else None
        found = middle.counterparts.get(level.value) if middle else None
        if found and d.now(found) == found:
            return found
    return None


def _from_local(d: Draft) -> tuple[list[Block], list[Block], list[Recipient], str]:
    parent = d.parents[0]
    pdoc = parent.plan.document
    registry = d.registry
    unit = d.unit
    district = unit.level == Level.DISTRICT
    collectives = {"ubnd-cap-huyen"} if district else {"ubnd-cap-xa"}
    if not district and pdoc.level == Level.PROVINCE and d.after_reform:
        collectives.add("ubnd-cap-huyen")  # after 07/2025 what the province asked of districts falls to communes
    own = "ubnd-huyen" if district else "ubnd-xa"
    coordinator = _coordinator(parent, collectives)
    lead = _counterpart(d, coordinator, unit.level)
    if lead is None:
        raise InputError("Không xác định được cơ quan chủ trì ở cấp dưới.", [Finding(
            "V102", Severity.ERROR, f"danh mục cơ quan chưa có cơ quan tương ứng ở {unit.level.label} của "
            f"{registry.agency_name(coordinator, d.on, d.province)}", "plans/registry/agencies.yaml",
            suggestion=f"Thêm counterparts: {{{unit.level.value}: …}} cho '{coordinator}'.")])
    lead_name = d.name(lead)
    own_name = f"Ủy ban nhân dân {unit.full}"
    offices = _offices(d, district)
    sections: list[Block] = [Block(label="I.", title="MỤC ĐÍCH, YÊU CẦU", blocks=[Block(
        text=f"Triển khai kịp thời, hiệu quả {_mention(parent, d, later=True)} của {_issuer_now(d, parent)} trên địa "
             f"bàn {unit.full}; phân công cụ thể trách nhiệm của các cơ quan, đơn vị và bảo đảm chế độ báo cáo.")])]
    targets = _targets(d)
    target_comments = dict(d.comments)
    d.comments.clear()
    if targets:
        sections.append(Block(label="II.", title="CHỈ TIÊU", blocks=targets))
        for i, comment in target_comments.items():
            d.comments[("sections", 1, "blocks", i, "text")] = comment
    items = parent_items(parent)
    headings: dict[str, list[Block]] = {lead: []}
    order = [lead]

    def duty(agency_id, text, links=(), reporting=(), derived=None):
        if text is None:
            return
        if agency_id not in headings:
            headings[agency_id] = []
            order.append(agency_id)
        headings[agency_id].append(Block(id=d.new_id(f"{agency_id}.{len(headings[agency_id]) + 1}"), label="-",
                                         text=text, links=list(links), reporting=list(reporting), derived=derived))

    # The parent's tasks and duties for this level's collective become the unit's own, spread over its offices.
    for _, block in iter_tasks(parent.plan):
        if _addressed(parent, collectives, block.task.lead):
            duty(lead, d.unique(_adapt(d, parent, block.title or block.text or "")), [_link(parent, block.id, items)])
    upward, downward = [], []
    for item in iter_duties(parent.plan):
        if not item.id or not _addressed(parent, collectives, item.agencies):
            continue
        text = d.unique(_adapt(d, parent, item.text))
        office = lead
        for pattern, role in A.COMMUNE_OFFICE:
            if text and re.search(pattern, text, re.IGNORECASE) and offices.get(role) and not item.block.reporting:
                office = offices[role]
                break
        reports = [r for r in item.block.reporting if _addressed(parent, collectives, r.from_)]
        if reports:
            ups, downs = _unit_reports(d, parent, items, reports, lead, own)
            upward += ups
            downward += downs
            text = text or d.unique(_adapt(d, parent, item.text) + " ")
            if text and ups:
                text = text.rstrip(". ") + ": " + "; ".join(_due_phrase(r) for r in ups) + "."
            duty(lead, text, [_link(parent, item.id, items)], ups)
        else:
            duty(office, text, [_link(parent, item.id, items)])
    # Reports the parent asks of this level outside any duty (a closing paragraph).
    for path, block, report in iter_reporting(parent.plan):
        if block.agency or not _addressed(parent, collectives, report.from_):
            continue
        if any(r.links and r.links[0].ref.endswith(f"#{report.id}") for r in upward):
            continue
        ups, downs = _unit_reports(d, parent, items, [report], lead, own)
        upward += ups
        downward += downs
    pending = [r for r in upward if not any(r in b.reporting for b in headings[lead])]
    if pending:
        to_names = _names(d, pending[0].to)
        duty(lead, d.unique(f"Tổng hợp, báo cáo kết quả thực hiện gửi {to_names}: "
                            + "; ".join(_due_phrase(r) for r in pending) + "."), [], pending)
    duty(lead, d.unique(f"Chủ trì, tham mưu {own_name} triển khai Kế hoạch; hướng dẫn, theo dõi, đôn đốc các cơ "
                        f"quan, đơn vị thực hiện{'' if upward else '; tổng hợp, báo cáo kết quả theo quy định'}."),
         derived=A.DERIVED_REASON)
    if offices.get("budget"):
        duty(offices["budget"], d.unique(f"Tham mưu {own_name} bố trí kinh phí thực hiện Kế hoạch trong dự toán "
                                         "ngân sách hằng năm."), derived=A.DERIVED_REASON)
    if offices.get("police"):
        duty(offices["police"], d.unique("Phòng ngừa, phát hiện, xử lý kịp thời các hành vi xâm hại trẻ em trên "
                                         "địa bàn; bảo vệ an toàn cho trẻ em là nạn nhân."), derived=A.DERIVED_REASON)
    org = [Block(label=f"{i + 1}.", title=d.name(a), agency=[d.ref(a)], blocks=headings[a]) for i, a in enumerate(order)]
    if offices.get("front"):
        front = offices["front"]
        org.append(Block(label=f"{len(org) + 1}.", title=f"Đề nghị {d.name(front)} và các đoàn thể", agency=[d.ref(front)],
                         blocks=[Block(id=d.new_id(f"{front}.1"), label="-", derived=A.DERIVED_REASON,
                                       text="Tuyên truyền, vận động Nhân dân tham gia thực hiện Kế hoạch; giám sát việc "
                                            "thực hiện chính sách, pháp luật về trẻ em.")]))
    if district:
        sub_blocks = [Block(id=d.new_id("ubnd-cap-xa.ke-hoach"), label="-", derived=A.DERIVED_REASON,
                            text="Xây dựng kế hoạch thực hiện trên địa bàn; bố trí người làm công tác bảo vệ, chăm sóc trẻ em.")]
        if downward:
            sub_blocks.append(Block(id=d.new_id("ubnd-cap-xa.bao-cao"), label="-", reporting=downward,
                                    text=f"Báo cáo kết quả về {own_name} (qua {lead_name}): "
                                         + "; ".join(_due_phrase(r) for r in downward) + "."))
        org.append(Block(label=f"{len(org) + 1}.", title=d.name("ubnd-cap-xa"), agency=["ubnd-cap-xa"], blocks=sub_blocks))
    roman = ["I", "II", "III", "IV", "V"]
    sections.append(Block(label=f"{roman[len(sections)]}.", title="TỔ CHỨC THỰC HIỆN", blocks=org))
    closing = [Block(text=f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo về "
                          f"{own_name} (qua {lead_name}) để xem xét, giải quyết{nd30.END_MARK}")]
    issuer = d.now(parent.agency_id(pdoc.issuer.agency) or pdoc.issuer.agency)
    recipients = []
    if issuer in registry.agencies:
        recipients.append(Recipient(name=_issuer_now(d, parent), purpose="để b/c", agency=[issuer]))
    coord_now = d.now(coordinator)
    if coord_now and coord_now != issuer and coord_now in registry.agencies:
        recipients.append(Recipient(name=d.name(coord_now), purpose="để b/c", agency=[coord_now]))
    recipients.append(Recipient(name=f"Thường trực Đảng ủy, Hội đồng nhân dân {unit.kind}"))
    for block in org:
        recipients.append(Recipient(name=block.title.removeprefix("Đề nghị ").removesuffix(" và các đoàn thể"),
                                    agency=block.agency))
    archive = "VT, " + ("LĐTBXH" if lead == "phong-ldtbxh" else "VHXH")
    return sections, closing, recipients, archive


def _issuer_now(d: Draft, parent: LoadedPlan) -> str:
    pdoc = parent.plan.document
    issuer = parent.agency_id(pdoc.issuer.agency) or pdoc.issuer.agency
    now = d.now(issuer)
    if now == issuer and now == "ubnd-tinh":
        return f"Ủy ban nhân dân tỉnh {d.province}" if d.province else pdoc.issuer.name
    if now == issuer:
        return pdoc.issuer.name
    return name_of(d.registry, now, d.on, d.province) if now else pdoc.issuer.name


def _names(d: Draft, ids) -> str:
    return ", ".join(d.name(i) if i in d.registry.agencies else i for i in ids)


def _due_phrase(report: Reporting) -> str:
    due = f"trước ngày {report.due.text()}" if report.due else f"trước ngày {PLACEHOLDER}"
    return f"báo cáo {report.period.label} {due}"


def _unit_reports(d: Draft, parent, items, reports, lead: str, own: str) -> tuple[list[Reporting], list[Reporting]]:
    """The unit's reports upward (the parent's deadlines) and its sub-units' (earlier by the lead time)."""
    ups, downs = [], []
    for report in reports:
        to = []
        for name in list(report.to) + list(report.via):
            now = d.now(parent.agency_id(name) or name)
            if now and now not in to and now != own:
                to.append(now)
        due_year = report.due_year if report.due_year and report.due_year >= d.when.year else None
        ups.append(Reporting(id=d.new_id(f"bc-len-{report.id}"), from_=[lead], to=to + [own], period=report.period,
                             due=report.due, due_year=due_year, links=[_link(parent, report.id, items)]))
        if d.unit.level == Level.DISTRICT and report.due:
            earlier = report.due.in_year(d.when.year) - timedelta(days=d.lead_days)
            downs.append(Reporting(id=d.new_id(f"bc-duoi-{report.id}"), from_=["ubnd-cap-xa"], to=[own], via=[lead],
                                   period=report.period, due=DayMonth(earlier.month, earlier.day), due_year=due_year))
    return ups, downs


def _offices(d: Draft, district: bool) -> dict[str, str]:
    """The unit's own offices by role, as they exist on the draft's date."""
    if district:
        wanted = {"budget": "phong-tc-kh", "police": "cong-an-huyen", "front": "uy-ban-mttq-huyen"}
    else:
        wanted = {"budget": "phong-kinh-te", "police": "cong-an-xa", "front": "uy-ban-mttq-xa"}
    out = {}
    for role, agency_id in wanted.items():
        agency = d.registry.agencies.get(agency_id)
        if agency and not ends(agency, d.on) and not _starts_later(agency, d.on):
            out[role] = agency_id
    return out


def _starts_later(agency, on: date) -> bool:
    start = agency.valid_from.to_date() if agency.valid_from and agency.valid_from.is_complete else None
    return start is not None and on < start


# --------------------------------------------------------------------------- the draft

def _draft_date(parents: list[LoadedPlan], unit: Unit, year: int | None) -> PartialDate:
    registry = parents[0].registry
    top = parents[0].plan.document
    when = PartialDate(year) if year else PartialDate(max(p.plan.document.date.year for p in parents))
    if year is None and top.level == Level.CENTRAL:
        match = re.search(r"giai đoạn (\d{4})\s*-\s*(\d{4})", top.title)
        if match and int(match.group(1)) > when.year:
            when = PartialDate(int(match.group(1)))
    end = registry.district_level_ends
    if year is None and end and unit.level == Level.COMMUNE and top.level == Level.PROVINCE:
        on = date(when.year, top.date.month or 1, top.date.day or 1)
        if on < end and (_in_2025_list(top.province, unit) or when.year == end.year):
            when = PartialDate(end.year, end.month)   # communes implement the province's plan directly from 07/2025
    return when


def _in_2025_list(province: str | None, unit: Unit) -> bool:
    units = unit_list(province)
    return bool(units and units.find(unit)) or unit.kind == "đặc khu"


def _check_pair(parents: list[LoadedPlan], unit: Unit, when: PartialDate) -> None:
    levels = {p.plan.document.level for p in parents}
    registry = parents[0].registry
    on = date(when.year, when.month or 1, when.day or 1)
    end = registry.district_level_ends
    source = str(parents[0].path)
    if unit.level == Level.DISTRICT and end and on >= end:
        raise InputError("Không lập được kế hoạch cấp huyện.", [Finding(
            "V101", Severity.ERROR, f"kế hoạch cấp dưới ngày {on:%d/%m/%Y}, sau khi cấp huyện kết thúc ({end:%d/%m/%Y})",
            source, suggestion="Lập kế hoạch cho xã, phường, đặc khu: --unit 'xã …' hoặc 'phường …'.")])
    allowed = {Level.CENTRAL: {Level.PROVINCE}, Level.PROVINCE: {Level.DISTRICT, Level.COMMUNE},
               Level.DISTRICT: {Level.COMMUNE}, Level.COMMUNE: set()}
    for level in levels:
        if unit.level not in allowed[level]:
            raise InputError("Không lập được kế hoạch cấp dưới từ văn bản này.", [Finding(
                "V103", Severity.ERROR, f"không lập được kế hoạch {unit.level.label} ({unit.full}) từ văn bản "
                f"{level.label}; kehoach lập: trung ương → tỉnh; tỉnh → huyện (trước {_end_text(parents)}), xã, phường, đặc khu; "
                "huyện → xã", source, suggestion="Chọn đúng văn bản cấp trên trực tiếp của đơn vị.")])
    if len(levels) > 1:
        raise UsageError("các văn bản cấp trên phải cùng một cấp", "Ví dụ: Chỉ thị 28-CT/TW và Quyết định 1183/QĐ-TTg.")


def _end_text(parents: list[LoadedPlan]) -> str:
    """The day the district level ended and the new communes began, as the registry says (dd/mm/yyyy)."""
    end = parents[0].registry.district_level_ends if parents else None
    return f"{end:%d/%m/%Y}" if end else "…"


def build_draft(parents: list[LoadedPlan], unit: Unit, lead_days: int = 5,
                year: int | None = None) -> tuple[Plan, dict, list[str]]:
    """The draft plan of *unit* from *parents*, the end-of-line comments to write with it, and notes."""
    parents = _ordered(parents)
    when = _draft_date(parents, unit, year)
    _check_pair(parents, unit, when)
    top = parents[0].plan.document
    on = date(when.year, when.month or 1, when.day or 1)
    end = parents[0].registry.district_level_ends
    if unit.level == Level.PROVINCE:
        province = province_after_2025(unit.name) if end and on >= end else unit.name
    else:
        province = province_after_2025(top.province) if end and on >= end else top.province
    d = Draft(parents, unit, when, province, lead_days)
    notes = d.notes
    if unit.level == Level.PROVINCE and province != unit.name:
        notes.append(f"{unit.full} hợp nhất vào tỉnh {province} ({MERGER_SOURCE}); kế hoạch ghi tên tỉnh {province}")
        unit = Unit(unit.kind, province, unit.level)
        d.unit = unit
    if top.province and province != top.province:
        notes.append(f"tỉnh {top.province} hợp nhất vào tỉnh {province} từ {_end_text(parents)} ({MERGER_SOURCE})")
    if unit.level == Level.COMMUNE and end and on >= end:
        units = unit_list(province)
        if units is None:
            notes.append(f"chưa có danh sách xã, phường, đặc khu của tỉnh {province} trong plans/registry/units/; "
                         f"chưa kiểm tra được {unit.full}")
        elif units.find(unit) is None:
            notes.append(f"{unit.full} không có trong danh sách {len(units.units)} xã, phường, đặc khu của "
                         f"{units.name} từ {_end_text(parents)} (Nghị quyết {units.resolution}); kiểm tra lại tên đơn vị")
    if top.level == Level.CENTRAL:
        sections, closing, recipients, archive = _from_central(d)
    else:
        sections, closing, recipients, archive = _from_local(d)
    preamble_verb = "Thực hiện " + "; ".join(_mention(p, d) for p in parents) + ";"
    issuer_name = f"Ủy ban nhân dân {unit.full}"
    preamble = [Block(text=preamble_verb),
                Block(text=f"{issuer_name} ban hành Kế hoạch triển khai thực hiện trên địa bàn {unit.kind} như sau:")]
    own = {Level.PROVINCE: "ubnd-tinh", Level.DISTRICT: "ubnd-huyen", Level.COMMUNE: "ubnd-xa"}[unit.level]
    period = _period_of(d)
    document = Document(
        type="Kế hoạch", issuer=Issuer(agency=own, name=issuer_name, header=["ỦY BAN NHÂN DÂN", unit.full.upper()]),
        symbol="KH-UBND", place=unit.name, date=when, title=_title(d), level=unit.level, province=province,
        district=unit.name if unit.level == Level.DISTRICT else (top.district if unit.level == Level.COMMUNE
                                                                 and not d.after_reform else None),
        commune=unit.name if unit.level == Level.COMMUNE else None, period=period)
    authority = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]
    plan = Plan(kind="plan", id=f"{slug(unit.full)}-{when.year}", document=document,
                implements=[p.plan.id for p in parents], bases=[_citation(p, d, i + 1) for i, p in enumerate(parents)],
                preamble=preamble, sections=sections, closing=closing, recipients=recipients, archive=archive,
                signature=Signature(authority=authority, positions=["PHÓ CHỦ TỊCH"], name=f"Họ và tên {PLACEHOLDER}"))
    comments = dict(d.comments)
    comments[("signature", "name")] = "điền họ tên người ký"
    comments[("document", "date")] = "ngày, tháng điền khi ban hành (kehoach issue)"
    return plan, comments, notes


def _ordered(parents: list[LoadedPlan]) -> list[LoadedPlan]:
    """Parents in citing order: a document before the ones that implement it (CT 28 before QĐ 1183)."""
    ids = {p.plan.id for p in parents}
    return sorted(parents, key=lambda p: (len(set(p.plan.implements) & ids), p.plan.document.date))


def _title(d: Draft) -> str:
    unit = d.unit
    if d.parents[0].plan.document.level == Level.CENTRAL:
        parts = []
        for parent in d.parents:
            pdoc = parent.plan.document
            if parent.plan.implements and any(p.plan.id in parent.plan.implements for p in d.parents):
                parts.append(_mention(parent, d, later=True))
                continue
            subject = re.sub(r"^(Phê duyệt|Ban hành|Về việc)\s+", "", pdoc.title)
            parts.append(subject[:1].upper() + subject[1:] if pdoc.type == "Quyết định" else _mention(parent, d, True))
        return f"Triển khai thực hiện {' và '.join(parts)} trên địa bàn {unit.full}"
    parent = d.parents[0]
    title = sentence_case(parent.plan.document.title, _keep_words(d, parent))
    if parent.plan.document.province:
        title = re.sub(rf"\btỉnh {re.escape(parent.plan.document.province)}\b", unit.full, title)
    title = rescope(title, unit, ("tỉnh", "thành phố", "quận", "huyện", "thị xã"))
    title, _ = modernise(title, d.registry, d.on, d.province, unit)
    title = after_reform_words(title, d.on, d.registry.district_level_ends)
    if f"trên địa bàn {unit.full}" not in title:
        title = f"{title.rstrip('. ')} trên địa bàn {unit.full}"
    return title


# --------------------------------------------------------------------------- re-derive: keep hand edits

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


def merge(existing: CommentedMap, fresh: CommentedMap, report: DeriveReport, parent_ids: set[str]) -> CommentedMap:
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
            if ref.split("#", 1)[0] not in parent_ids:
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


def _fresh_tree(plan: Plan, comments: dict) -> CommentedMap:
    tree = plan_tree(plan)
    for path, comment in comments.items():
        try:
            comment_at(tree, path, comment)
        except (KeyError, IndexError, TypeError):
            continue
    return tree


def _header(plan: Plan, unit: Unit, notes: list[str]) -> str:
    lines = [f"Bản dự thảo do kehoach derive lập từ {', '.join(plan.implements)} cho {unit.full}; sửa tự do, "
             "chạy lại derive vẫn giữ phần đã sửa.",
             "Chỗ ghi '…' là chỗ cần điền (kehoach check nhắc); mục có 'derived' là đề xuất của kehoach, không lấy từ "
             "văn bản cấp trên."]
    lines += [f"Lưu ý: {note}." for note in notes]
    return "\n".join(lines)


def derive(parent, unit_text: str, output: Path | None, lead_days: int = 5,
           year: int | None = None) -> tuple[str, DeriveReport]:
    """YAML text of *unit*'s draft from *parent* (one loaded plan or a list), merged into *output* if it exists."""
    parents = list(parent) if isinstance(parent, (list, tuple)) else [parent]
    unit = parse_unit(unit_text)
    plan, comments, notes = build_draft(parents, unit, lead_days, year)
    report = DeriveReport(notes=list(notes))
    name = f"kế hoạch của {unit.full}"
    if output is not None and Path(output).is_file():
        _require_readable(Path(output))
        fresh = _fresh_tree(plan, comments)
        tree = merge(load_tree(output), fresh, report, {p.plan.id for p in parents})
        return dump_tree(tree, name=name), report
    report.added.extend(_ids(plan_tree(plan), {}))
    return plan_to_yaml(plan, _header(plan, unit, notes), comments, name=name), report


def _require_readable(output: Path) -> None:
    """An existing lower-level plan is merged, so it is read as untrusted input first (syntax, aliases, size)."""
    from ..fileio import refuse_if_read, rewrites
    from ..loading.yamlio import read_yaml

    refuse_if_read(output)  # the parent itself, or another file this command reads: never the output
    tree, _, findings = read_yaml(output)
    rewrites(output)
    if findings or not isinstance(tree, dict):
        raise InputError(f"Kế hoạch cấp dưới đã có ở {output} có lỗi nên chưa lập lại được (các phần đã sửa tay "
                         "trong đó sẽ được giữ khi lập lại).", findings,
                         hint=f"Sửa các lỗi của {output} rồi chạy lại; hoặc chọn tệp kết quả khác (-o).")


def units_from_file(path: Path) -> list[str]:
    """The units of a list file (one per line, bullets and numbering allowed); a line that names no unit is refused."""
    parsed = parse_unit_list(path.read_text(encoding="utf-8-sig"), tuple(UNIT_KINDS))
    if parsed.problems:
        raise InputError(f"Danh sách đơn vị {path} có dòng không đọc được.", [
            Finding("V105", Severity.ERROR, problem, str(path),
                    suggestion="Mỗi dòng một đơn vị, bắt đầu bằng loại đơn vị, ví dụ: xã Nam Đàn, phường Vinh Hưng, huyện Cao Lộc.")
            for problem in parsed.problems])
    return [unit.name for unit in parsed.units]


def output_name(unit_text: str, year: int) -> str:
    return f"{slug(parse_unit(unit_text).full)}-{year}.yaml"
