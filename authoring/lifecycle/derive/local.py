"""Drafting tỉnh → xã / phường / đặc khu, tỉnh → huyện and huyện → xã."""

from __future__ import annotations

from datetime import timedelta

from ... import nd30
from ...errors import InputError
from ...findings import Finding, Severity
from ...model import Block, DayMonth, Level, Recipient, Reporting
from ...model.links import parent_items
from ...model.walk import iter_duties, iter_reporting, iter_tasks
from ...text import match_key
from .competences import holders, topic_words
from .context import Draft, GENERIC_REASON, comment_reasons, cooperation, duty_filer, is_addressed, link
from .counterparts import STANDING, coordinator_of, counterpart_of, offices_of, unplaced
from .phrasing import adapt, due_phrase, issuer_now, mention, names_of
from .ranking import Ranks, asked_reason, asks, fold_minor, parent_addresses_bodies
from .scale import applies, at_commune_scale
from .targets import add_target_section


def from_local(d: Draft) -> tuple[list[Block], list[Block], list[Recipient], str]:
    parent = d.parents[0]
    pdoc = parent.plan.document
    registry = d.registry
    unit = d.unit
    district = unit.level == Level.DISTRICT
    collectives = {"ubnd-cap-huyen"} if district else {"ubnd-cap-xa"}
    if not district and pdoc.level == Level.PROVINCE and d.after_reform:
        collectives.add("ubnd-cap-huyen")  # after 07/2025 what the province asked of districts falls to communes
    if not district and pdoc.level == Level.PROVINCE:
        collectives.add("ubnd-xa")  # a province's "Ủy ban nhân dân xã, phường" heading is every commune's (as check reads it)
    own = "ubnd-huyen" if district else "ubnd-xa"
    coordinator = coordinator_of(parent, collectives) or (d.field.lead if d.field is not None else None) or "van-phong-ubnd-tinh"
    lead = counterpart_of(d, coordinator, unit.level)
    if lead is None:
        raise InputError("Không xác định được cơ quan chủ trì ở cấp dưới.", [Finding(
            "V102", Severity.ERROR, f"danh mục cơ quan chưa có cơ quan tương ứng ở {unit.level.label} của "
            f"{registry.agency_name(coordinator, d.on, d.province)}", "plans/registry/agencies.yaml",
            suggestion=f"Thêm counterparts: {{{unit.level.value}: …}} cho '{coordinator}'.")])
    lead_name = d.name(lead)
    own_name = f"Ủy ban nhân dân {unit.full}"
    offices = offices_of(d, district)
    sections: list[Block] = [Block(label="I.", title="MỤC ĐÍCH, YÊU CẦU", blocks=[Block(
        text=f"Triển khai kịp thời, hiệu quả {mention(parent, d, later=True)} của {issuer_now(d, parent)} trên địa "
             f"bàn {unit.full}; phân công cụ thể trách nhiệm của các cơ quan, đơn vị và bảo đảm chế độ báo cáo.")])]
    add_target_section(d, sections)
    items = parent_items(parent)
    headings: dict[str, list[Block]] = {lead: []}
    order = [lead]

    ranks = Ranks(d)
    duty = ranks.filer(duty_filer(d, headings, order))
    commune = applies(d, parent)

    def said(text: str, actor: str | None) -> str | None:
        """The parent's sentence as the unit's office says it: at the commune's scale for a commune (None: the
        province's alone, a note says so)."""
        text = adapt(d, parent, text)
        return at_commune_scale(d, parent, text, actor) if commune else text

    # The parent's tasks and duties for this level's collective become the unit's own, spread over its offices.
    for _, block in iter_tasks(parent.plan):
        if is_addressed(parent, collectives, block.task.lead):
            text = said(block.title or block.text or "", lead)
            if text is not None:
                duty(lead, d.unique(text), [link(parent, block.id, items)])
    upward, downward = [], []
    ours = [item for item in iter_duties(parent.plan) if item.id and is_addressed(parent, collectives, item.agencies)]
    topic = topic_words(d, unit.level, [item.text for item in ours])
    for item in ours:
        words = adapt(d, parent, item.text)
        # The office whose competence the duty's words name takes it (competences.yaml), the others it names cooperate.
        found = [] if item.block.reporting else holders(d, unit.level, words, topic)
        found = [h for h in found if h.agency != offices.get("front")]   # the Front is asked, not given duties
        office = found[0].agency if found else lead
        scaled = at_commune_scale(d, parent, words, office) if commune else words
        if scaled is None and not item.block.reporting:
            continue
        text = d.unique(scaled if scaled is not None else words)
        if text is None and item.block.targets:   # its sentence is already a target of the draft: that carries it
            _carried_by_target(sections, adapt(d, parent, item.block.text or ""), link(parent, item.id, items))
        reports = [r for r in item.block.reporting if is_addressed(parent, collectives, r.from_)]
        if reports:
            ups, downs = _unit_reports(d, parent, items, reports, lead, own)
            upward += ups
            downward += downs
            text = text or d.unique((scaled if scaled is not None else words) + " ")
            if text and ups:
                text = text.rstrip(". ") + ": " + "; ".join(due_phrase(r) for r in ups) + "."
            duty(lead, text, [link(parent, item.id, items)], ups)
        else:
            duty(office, text, [link(parent, item.id, items)], reason=found[0].reason(d) if found else None,
                 tier="duty_words" if found else None)   # the unit's own (its lead): not a body's share
            for other in found[1:] if text else []:
                duty(other.agency, cooperation(d, office, text, other.agency, other.words), [link(parent, item.id, items)],
                     derived=other.reason(d), tier="cooperating")
    # A department's duty reaches the office holding its role in the commune (Công an tỉnh → Công an xã, Bộ Chỉ huy
    # Quân sự tỉnh → Ban Chỉ huy Quân sự xã); one with no such office is a note, never dropped silently.
    front_duties: list[Block] = []
    if pdoc.level == Level.PROVINCE and unit.level == Level.COMMUNE:
        for item in iter_duties(parent.plan):
            if not item.id or not item.agencies or is_addressed(parent, collectives, item.agencies):
                continue
            agency_id = parent.agency_id(item.agencies[0]) or item.agencies[0]
            agency = registry.agencies.get(agency_id)
            if agency is None or agency.level != Level.PROVINCE or agency.collective or agency.kind == "chinh-quyen" \
                    or (item.request and agency.kind != "doan-the") or item.block.reporting or item.block.derived \
                    or STANDING.search(item.text):
                continue   # the province's own reports, standing role and proposals stay the province's
            office = counterpart_of(d, agency_id, unit.level)
            text = said(item.text, office) if office else adapt(d, parent, item.text)
            if text is None:
                continue   # the province's alone: at_commune_scale left a note
            if office and office == offices.get("front"):
                front_duties.append(Block(id=d.new_id(f"{office}.{len(front_duties) + 1}"), label="-",
                                          text=text, links=[link(parent, item.id, items)]))
            elif office:
                duty(office, d.unique(text), [link(parent, item.id, items)], tier="counterpart")
            else:
                unplaced(d, parent, agency_id, adapt(d, parent, item.text))
    # Reports the parent asks of this level outside any duty (a closing paragraph).
    for path, block, report in iter_reporting(parent.plan):
        if block.agency or not is_addressed(parent, collectives, report.from_):
            continue
        if any(r.links and r.links[0].ref.endswith(f"#{report.id}") for r in upward):
            continue
        ups, downs = _unit_reports(d, parent, items, [report], lead, own)
        upward += ups
        downward += downs
    pending = [r for r in upward if not any(r in b.reporting for b in headings[lead])]
    if pending:
        to_names = names_of(d, pending[0].to)
        duty(lead, d.unique(f"Tổng hợp, báo cáo kết quả thực hiện gửi {to_names}: "
                            + "; ".join(due_phrase(r) for r in pending) + "."), [], pending)
    duty(lead, d.unique(f"Chủ trì, tham mưu {own_name} triển khai Kế hoạch; hướng dẫn, theo dõi, đôn đốc các cơ "
                        f"quan, đơn vị thực hiện{'' if upward else '; tổng hợp, báo cáo kết quả theo quy định'}."),
         derived=GENERIC_REASON)
    if offices.get("budget"):
        duty(offices["budget"], d.unique(f"Tham mưu {own_name} bố trí kinh phí thực hiện Kế hoạch trong dự toán "
                                         "ngân sách hằng năm."), derived=GENERIC_REASON, tier="budget")
    if offices.get("police") and d.proposed_by_field("unit_police"):
        duty(offices["police"], d.unique(d.field.unit_police), derived=d.reason, tier="default")
    # What the parent asks of this level (its title, its duties and tasks for every commune): the closing group.
    asked = "; ".join([pdoc.title] + [item.text for item in ours]
                     + [b.title or b.text or "" for _, b in iter_tasks(parent.plan)
                        if is_addressed(parent, collectives, b.task.lead)])
    every_body = {"cac-so-nganh-tinh", "cac-phong-ban-huyen", "cac-bo-nganh"}
    group_asked = any(is_addressed(parent, every_body, item.agencies) for item in iter_duties(parent.plan))
    # A parent that names no particular body (only this level): the closing group as the field's plans have it.
    listed = not parent_addresses_bodies(d, lambda p, names: [p.agency_id(n) or n for n in names])
    group_words = "giao nhiệm vụ cho các sở, ban, ngành" if group_asked else asks(d, "group", asked)
    if offices.get("group") and (group_words or listed):   # the parent addresses every body
        duty(offices["group"], d.unique(f"Căn cứ chức năng, nhiệm vụ, chủ động phối hợp với {lead_name} triển khai "
                                        "các nội dung của Kế hoạch thuộc lĩnh vực phụ trách."),
             derived=asked_reason(group_words) if group_words else GENERIC_REASON)
    # Offices the parent reaches too little: no heading of their own (roles.yaml, ranking).
    fold_minor(d, ranks, headings, order, [], lead, {offices.get("budget"), offices.get("group")})
    org = [Block(label=f"{i + 1}.", title=d.name(a), agency=[d.ref(a)], blocks=headings[a]) for i, a in enumerate(order)]
    front_words = asks(d, "front", asked)
    if offices.get("front") and (front_duties or listed or front_words):   # given duties, or asked to mobilise
        front = offices["front"]
        members = [d.ref(front)] + ([d.ref(offices["unions"])] if offices.get("unions") else [])
        org.append(Block(label=f"{len(org) + 1}.", title=f"Đề nghị {d.name(front)} và các đoàn thể", agency=members,
                         blocks=front_duties or [Block(
                             id=d.new_id(f"{front}.1"), label="-", text=d.proposal("unit_front"),
                             derived=asked_reason(front_words) if front_words
                             else d.reason if d.proposed_by_field("unit_front") else GENERIC_REASON)]))
    if district:
        sub_blocks = [Block(id=d.new_id("ubnd-cap-xa.ke-hoach"), label="-", text=d.proposal("unit_sub"),
                            derived=d.reason if d.proposed_by_field("unit_sub") else GENERIC_REASON)]
        if downward:
            sub_blocks.append(Block(id=d.new_id("ubnd-cap-xa.bao-cao"), label="-", reporting=downward,
                                    text=f"Báo cáo kết quả về {own_name} (qua {lead_name}): "
                                         + "; ".join(due_phrase(r) for r in downward) + "."))
        org.append(Block(label=f"{len(org) + 1}.", title=d.name("ubnd-cap-xa"), agency=["ubnd-cap-xa"], blocks=sub_blocks))
    roman = ["I", "II", "III", "IV", "V"]
    sections.append(Block(label=f"{roman[len(sections)]}.", title="TỔ CHỨC THỰC HIỆN", blocks=org))
    comment_reasons(d, sections)
    closing = [Block(text=f"Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị báo cáo về "
                          f"{own_name} (qua {lead_name}) để xem xét, giải quyết{nd30.END_MARK}")]
    issuer = d.now(parent.agency_id(pdoc.issuer.agency) or pdoc.issuer.agency)
    recipients = []
    if issuer in registry.agencies:
        recipients.append(Recipient(name=issuer_now(d, parent), purpose="để b/c", agency=[issuer]))
    coord_now = d.now(coordinator)
    if coord_now and coord_now != issuer and coord_now in registry.agencies:
        recipients.append(Recipient(name=d.name(coord_now), purpose="để b/c", agency=[coord_now]))
    recipients.append(Recipient(name=f"Thường trực Đảng ủy, Hội đồng nhân dân {unit.kind}"))
    for block in org:
        recipients.append(Recipient(name=block.title.removeprefix("Đề nghị ").removesuffix(" và các đoàn thể"),
                                    agency=block.agency[:1]))
    archive = "VT, " + ("LĐTBXH" if lead == "phong-ldtbxh" else "VHXH")
    return sections, closing, recipients, archive


def _carried_by_target(sections: list[Block], text: str, parent_link) -> None:
    """The target block (II. CHỈ TIÊU) printing *text* also takes up the parent's duty of the same words."""
    key = match_key(text)
    for section in sections:
        for block in section.blocks:
            if block.targets and match_key(block.text or "") == key and parent_link not in block.links:
                block.links.append(parent_link)
                return


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
                             due=report.due, due_year=due_year, links=[link(parent, report.id, items)]))
        if d.unit.level == Level.DISTRICT and report.due:
            earlier = report.due.in_year(d.when.year) - timedelta(days=d.lead_days)
            downs.append(Reporting(id=d.new_id(f"bc-duoi-{report.id}"), from_=["ubnd-cap-xa"], to=[own], via=[lead],
                                   period=report.period, due=DayMonth(earlier.month, earlier.day), due_year=due_year))
    return ups, downs
