"""Drafting trung ương → tỉnh: the province's tasks, departments' duties, requests and reports."""

from __future__ import annotations

import re
from dataclasses import replace

from ... import nd30
from ...model import Block, Budget, Level, Recipient, Reporting, ReportPeriod, Task
from ...model.links import parent_items
from ...model.drafting import FieldDuties
from ...model.walk import iter_blocks, iter_duties, iter_tasks
from ...loading.drafting import parent_words as words_of
from .competences import clause_naming, holders, topic_words
from .context import Draft, GENERIC_REASON, comment_reasons, cooperation, duty_filer, is_addressed, link
from .counterparts import (STANDING, central_only, department, listed_ministries, listed_predicate, ministry_of,
                           names_standing, province_lead, resolved, to_province, unplaced)
from .dating import local_dues, period_of
from .habits import Proposal, load_habits
from .phrasing import adapt, adapt_plain, and_names, mention, request_title
from .peer import peer_asks, peer_reason
from .ranking import Ranks, asked_reason, asks, fold_minor, parent_addresses_bodies
from .targets import add_target_section

# The province's press, proposed only when what the parents ask of the province asks the media (roles.yaml, asks).
PRESS = ("dai-ptth-tinh", "bao-tinh")
# What a central parent gives every ministry or every province: the province spreads it over its bodies by competence.
COLLECTIVE = ("ubnd-tinh", "cac-bo-nganh")
DUE_REASON = "hạn do kehoach đề xuất (văn bản cấp trên không ghi ngày)"
# Levels below the province: a parent's duty for one of their bodies (Phòng LĐTBXH, UBND cấp xã) is passed down.
LOWER = (Level.DISTRICT, Level.COMMUNE)


def from_central(d: Draft) -> tuple[list[Block], list[Block], list[Recipient], str]:
    registry = d.registry
    lead = province_lead(d)
    lead_name = d.name(lead)
    sub = "ubnd-cap-xa" if d.after_reform else "ubnd-cap-huyen"
    sub_name = d.name(sub)
    ministry = ministry_of(d)
    addressed = {"ubnd-tinh", "cac-bo-nganh"}
    period = period_of(d)
    ranks = Ranks(d)
    # A field's usual list (fields.yaml) fills in only when the parents do not themselves say who does what.
    by_field = d.field is not None and not parent_addresses_bodies(d, lambda p, names: resolved(d, p, names))
    sections: list[Block] = []
    mentions = "; ".join(mention(p, d, later=True) for p in d.parents)
    sections.append(Block(label="I.", title="MỤC ĐÍCH, YÊU CẦU", blocks=[
        Block(label="1.", title="Mục đích", text=f"Triển khai kịp thời, đầy đủ, có hiệu quả {mentions} trên địa bàn "
              f"{d.unit.full}; xác định nhiệm vụ cụ thể và phân công trách nhiệm của các cơ quan, đơn vị, địa phương."),
        Block(label="2.", title="Yêu cầu", text=d.say(d.proposal("requirement"))),
    ]))
    add_target_section(d, sections)
    # Words in many of the parents' duties are their subject (the lead holds it), not a hint at who holds one duty.
    topic = topic_words(d, Level.PROVINCE, [item.text for p in d.parents for item in iter_duties(p.plan)]
                        + [b.title or b.text or "" for p in d.parents for _, b in iter_tasks(p.plan)])
    # National tasks the province must take up → the province's tasks, each led by the department whose competence
    # the task's words name (else the province's lead).
    tasks = []
    own_tasks = []
    for parent in d.parents:
        items = parent_items(parent)
        for _, block in iter_tasks(parent.plan):
            if not set(resolved(d, parent, block.task.lead)) & addressed:
                own_tasks.append((parent, items, block))   # led by one central body: its counterpart's duty below
                continue
            text = d.unique(adapt(d, parent, block.title or block.text or ""))
            if text is None:
                continue
            found = holders(d, Level.PROVINCE, text, topic)
            task_lead = found[0].agency if found else lead
            cooperating = [h.agency for h in found[1:]] + ([lead] if lead != task_lead else [])
            task_id = d.new_id(f"nv-{len(tasks) + 1}")
            if found:
                d.reasons[task_id] = found[0].reason(d)
                ranks.add(task_lead, found[0].tier)
                for other in found[1:]:
                    ranks.add(other.agency, "cooperating")
            tasks.append(Block(id=task_id, label=f"{len(tasks) + 1}.", text=text,
                               task=Task(lead=[task_lead], cooperating=cooperating + ["cac-so-nganh-tinh", sub],
                                         timeframe=f"{period.start}-{period.end}" if period.end > period.start
                                         else "Năm " + str(period.start),
                                         links=[link(parent, block.id, items)])))
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

    duty = ranks.filer(duty_filer(d, headings, order))

    requests: list[tuple[tuple[str, ...], str, list[Block]]] = []
    # The field's usual duties (fields.yaml) when the parents are of a field that has them; else only the lead's.
    # Without them the lead gets the standing duty, unless the parent already gives its counterpart that role.
    standing = names_standing(d, lead)
    # "Các sở, ban, ngành" only when a parent gives a duty to every ministry (its own words, not a field's list).
    group_asked = any("cac-bo-nganh" in resolved(d, p, item.agencies) for p in d.parents for item in iter_duties(p.plan))
    if by_field and d.proposed_by_field("duties"):
        defaults, reason = d.field.duties, d.reason
    else:
        defaults = [] if standing else [FieldDuties(agency="lead", sentences=[d.proposal("lead_duty")])]
        reason = GENERIC_REASON
    parent_words = " ".join(f"{b.title or ''} {b.text or ''}" for p in d.parents for _, b in iter_blocks(p.plan))
    for entry in defaults:
        agency_id = department(d, entry.agency, lead)
        if agency_id is None or (entry.when and not re.search(entry.when, parent_words, re.IGNORECASE)) \
                or (agency_id == "cac-so-nganh-tinh" and not group_asked):
            continue
        for sentence in entry.sentences:
            if entry.agency == "lead" and standing and STANDING.search(sentence):
                continue   # the parent already makes the lead's counterpart the standing body: its own words say it
            text = sentence.format(lead=lead_name, sub=sub_name, ministry=d.name(ministry) if ministry else "")
            duty(agency_id, d.unique(d.say(adapt_plain(d, text))), derived=reason, tier="default")
    # Each ministry's duties go to its department; the province's own duties to the local governments.
    skipped = 0   # a ministry's laws and decrees to draft: not a department's task
    for parent in d.parents:
        items = parent_items(parent)
        for item in iter_duties(parent.plan):
            agencies = resolved(d, parent, item.agencies)
            if not item.id or not agencies:
                continue
            first = registry.agencies.get(agencies[0])
            text = adapt(d, parent, item.text)
            found = holders(d, Level.PROVINCE, text, topic) if set(agencies) & set(COLLECTIVE) else []
            listed = listed_ministries(d, item.text) if set(agencies) & set(COLLECTIVE) else []
            if listed:   # "Các Bộ: Tài chính; Tư pháp; …": the duty names its ministries, their departments take it
                _to_listed(d, duty, parent, listed, text, [link(parent, item.id, items)])
                for report in item.block.reporting:
                    _province_report(d, parent, items, report, lead, ministry, duty)
            elif found and agencies[0] != "ubnd-tinh":   # every ministry's duty: to the departments its words name
                _spread(d, duty, found, text, [link(parent, item.id, items)])
                for report in item.block.reporting:
                    _province_report(d, parent, items, report, lead, ministry, duty)
            elif agencies[0] == "ubnd-tinh":   # the province's own: its local governments, its departments advise
                duty(sub, d.unique(text), [link(parent, item.id, items)])
                for rank, holder in enumerate(found):
                    line = f"Chủ trì, tham mưu {d.say('Ủy ban nhân dân tỉnh')} {clause_naming(text, holder.words)}."
                    duty(holder.agency, d.unique(line), [link(parent, item.id, items)], derived=holder.reason(d),
                         tier="cooperating" if rank else holder.tier)
                for report in item.block.reporting:
                    _province_report(d, parent, items, report, lead, ministry, duty)
            elif first is not None and (item.request or first.kind == "doan-the"):
                counterpart = d.now(first.counterparts.get("tinh")) if first.counterparts.get("tinh") else None
                if counterpart:
                    front = d.proposal("front")
                    members, title = (tuple(front.members), d.say(front.title)) if counterpart == "uy-ban-mttq-tinh" \
                        else ((counterpart,), request_title(d, (counterpart,)))
                    block_text = d.unique(text)
                    if block_text:
                        requests.append((members, title, [Block(
                            id=d.new_id(f"{counterpart}.1"), label="-", text=block_text,
                            links=[link(parent, item.id, items)])]))
                else:
                    unplaced(d, parent, first.id, text)
            elif first is not None and first.level == Level.CENTRAL:
                if central_only(d, item.text):
                    skipped += 1
                else:
                    _to_counterparts(d, duty, parent, [a for a in agencies if a in registry.agencies
                                                       and registry.agencies[a].level == Level.CENTRAL], text,
                                     [link(parent, item.id, items)])
            elif first is not None and first.level in LOWER:
                _to_lower(d, duty, parent, first.id, text, [link(parent, item.id, items)])
            elif first is None:
                unplaced(d, parent, agencies[0], text)
    # A task the parent gives one central body (a programme's project owned by a ministry) reaches its counterpart.
    for parent, items, block in own_tasks:
        text = adapt(d, parent, block.title or block.text or "")
        if central_only(d, block.title or block.text or "", block.task.products):
            skipped += 1
            continue
        _to_counterparts(d, duty, parent, resolved(d, parent, block.task.lead[:1]), text, [link(parent, block.id, items)])
    if d.peer:
        _peer_reach(d, duty, headings, topic, lead)
    # Every draft has a budget section: the body holding the budget competence advises on it (competences.yaml).
    budget = holders(d, Level.PROVINCE, "ngân sách")
    if budget and budget[0].agency not in headings:
        duty(budget[0].agency, d.unique(d.say(d.proposal("budget"))), derived=GENERIC_REASON, tier="budget")
    if skipped:
        d.notes.append(f"{skipped} nhiệm vụ của các bộ là soạn thảo, trình, ban hành luật, nghị định, thông tư: việc "
                       "của trung ương, không chuyển thành nhiệm vụ của sở (roles.yaml, central_only); thêm tay nếu tỉnh "
                       "cần phối hợp")
    if sub not in headings:
        duty(sub, d.unique(d.proposal("sub")), derived=d.reason if d.proposed_by_field("sub") else GENERIC_REASON)
    # What the parents ask of the province itself (its title, its duties and tasks for every province or ministry).
    topic_of = " ".join(p.plan.document.title for p in d.parents)
    asked_duties = "; ".join(item.text for p in d.parents for item in iter_duties(p.plan)
                            if set(resolved(d, p, item.agencies)) & set(COLLECTIVE))
    asked = " ".join(t for t in [topic_of, asked_duties]
                     + [b.title or b.text or "" for p in d.parents for _, b in iter_tasks(p.plan)
                        if is_addressed(p, set(COLLECTIVE), b.task.lead)] if t)
    if asked == topic_of:   # a parent (or its excerpt) that gives no body a duty: all it says is what it asks
        asked = words_of(d.parents)
    # "Các sở, ban, ngành" when the parents address every ministry and no department heading says it yet.
    group_words = "giao nhiệm vụ cho các bộ, ngành" if group_asked else asks(d, "group", asked_duties)
    if group_words and "cac-so-nganh-tinh" not in headings:
        duty("cac-so-nganh-tinh", d.unique(d.proposal("group").format(lead=lead_name)), derived=asked_reason(group_words))
    # The Front when the parents ask the province to mobilise (or, for a parent that names no body, its field's list).
    # A neighbour's plan of the same parent only adds: the Front when it names it and the province is asked to act
    # within the Front's reach. The other organisations it names are not added (on tune, each children's plan as
    # another's neighbour: 2 added, both wrong).
    front_words = asks(d, "front", asked)
    front = d.proposal("front")
    members, front_title = tuple(front.members), d.say(front.title)
    front_peer = d.peer_same and not front_words
    if front_peer:
        front_words = peer_asks(d, "front", asked, front.members)
    if not requests and (front_words or (by_field and d.proposed_by_field("front"))):
        requests.append((members, front_title, [Block(
            id=d.new_id("uy-ban-mttq-tinh.1"), label="-", text=d.unique(front.sentence) or front.sentence,
            derived=_peer_said(d, asked_reason(front_words), front_peer) if front_words else d.reason)]))
    topic = " ".join(p.plan.document.title for p in d.parents)
    extra = d.field.topic_requests if d.field is not None else None
    if extra and re.search(extra.words, topic, re.IGNORECASE):
        for request in extra.requests:
            # Courts, prosecutors, associations: only when the parents' words reach their work (or, for a parent that
            # names no body, by its field's list when the request has no words of its own).
            said = re.search(request.when, parent_words) if request.when else None
            if not (said or (by_field and not request.when)):
                continue
            requests.append((tuple(request.members), d.say(request.title), [Block(
                id=d.new_id(f"{request.members[0]}.1"), label="-", text=request.sentence,
                derived=asked_reason(said.group(0)) if said else d.reason)]))
    # Local governments report before the province: 6-monthly and yearly, to the UBND through the lead department.
    due_6t, due_nam, proposed = local_dues(d)
    report_text = (f"{sub_name} và các sở, ban, ngành báo cáo kết quả thực hiện Kế hoạch 6 tháng trước ngày "
                   f"{due_6t.text()}, năm trước ngày {due_nam.text()} về {d.say('Ủy ban nhân dân tỉnh')} (qua {lead_name}) để "
                   "tổng hợp, báo cáo.")
    duty(sub, report_text, reporting=[
        Reporting(id="bc-dia-phuong-6t", from_=[sub, "cac-so-nganh-tinh"], to=["ubnd-tinh"], via=[lead],
                  period=ReportPeriod.SIX_MONTHS, due=due_6t, derived=DUE_REASON if proposed else None),
        Reporting(id="bc-dia-phuong-nam", from_=[sub, "cac-so-nganh-tinh"], to=["ubnd-tinh"], via=[lead],
                  period=ReportPeriod.ANNUAL, due=due_nam, derived=DUE_REASON if proposed else None)])
    # Bodies the parents reach too little: no heading of their own (roles.yaml, ranking).
    fold_minor(d, ranks, headings, order, tasks, lead, {sub, "cac-so-nganh-tinh"} | {b.agency for b in budget[:1]})
    _habitual(d, duty, headings, order, lead, [m for members, _, _ in requests for m in members])
    if lead in order:   # the lead heads the list, as every real plan does
        order.remove(lead)
        order.insert(0, lead)
    org = []
    for agency_id in order:
        if agency_id == sub:
            continue
        org.append(Block(label=f"{len(org) + 1}.", title=_heading_name(d, agency_id), agency=[d.ref(agency_id)],
                         blocks=headings[agency_id]))
    # The press, only when what the parents ask of the province asks the media to act.
    press = list(dict.fromkeys(d.now(p) for p in PRESS if p in registry.agencies and d.now(p)))   # one body from 07/2025
    press_words = asks(d, "press", asked)
    press_peer = d.peer_same and not press_words
    if press_peer:   # the parent's wider words, when a neighbour of the same parent names the press
        press_words = peer_asks(d, "press", asked, press)
        press = [p for p in press if p in d.peer]
    if press and press_words:
        org.append(Block(label=f"{len(org) + 1}.", title=and_names([d.name(p) for p in press]), agency=press,
                         blocks=[Block(id=d.new_id(f"{press[0]}.1"), label="-", text=d.proposal("press"),
                                       derived=_peer_said(d, asked_reason(press_words), press_peer))]))
    org.append(Block(label=f"{len(org) + 1}.", title=sub_name, agency=[sub], blocks=headings[sub]))
    for members, title, blocks in requests:
        org.append(Block(label=f"{len(org) + 1}.", title=title, agency=list(members), blocks=blocks))
    section_index = len(sections)
    sections.append(Block(label=f"{roman[section_index]}.", title="TỔ CHỨC THỰC HIỆN", blocks=org))
    comment_reasons(d, sections)
    if proposed:
        sub_index = next(i for i, b in enumerate(org) if b.agency == [sub])
        d.comments[("sections", section_index, "blocks", sub_index, "blocks", len(headings[sub]) - 1, "text")] = (
            "hạn báo cáo do kehoach đề xuất (văn bản cấp trên không ghi ngày); sửa theo hạn Bộ yêu cầu")
    closing = [Block(text=f"Trên đây là Kế hoạch triển khai thực hiện {mentions} trên địa bàn {d.unit.full}. Trong "
                          f"quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị, địa phương báo cáo về "
                          f"{d.say('Ủy ban nhân dân tỉnh')} (qua {lead_name}) để xem xét, giải quyết{nd30.END_MARK}")]
    recipients = []
    if ministry:
        recipients.append(Recipient(name=d.name(ministry), purpose="để b/c", agency=[ministry]))
    recipients += [Recipient(name=d.say("Thường trực Tỉnh ủy"), purpose="để b/c", agency=["tinh-uy"]),
                   Recipient(name=d.say("Thường trực Hội đồng nhân dân tỉnh"), purpose="để b/c", agency=["hdnd-tinh"]),
                   Recipient(name=d.say("Chủ tịch, các Phó Chủ tịch UBND tỉnh"), agency=["chu-tich-ubnd-tinh"]),
                   Recipient(name=d.say("Ủy ban MTTQ Việt Nam tỉnh"), agency=["uy-ban-mttq-tinh"]),
                   Recipient(name=d.say("Các sở, ban, ngành, đoàn thể cấp tỉnh"), agency=["cac-so-nganh-tinh"]),
                   Recipient(name=sub_name, agency=[sub])]
    recipients += [Recipient(name=_heading_name(d, a), agency=[d.ref(a)]) for a in order   # bodies below, given duties
                   if a != sub and registry.agencies[a].level in LOWER]
    return sections, closing, recipients, "VT, KGVX" if d.field is not None and d.field.id == "tre-em" else "VT"


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
    text = f"Tham mưu {d.say('Ủy ban nhân dân tỉnh')} báo cáo {report.period.label}{when} việc thực hiện Kế hoạch gửi {to_names}{due}."
    duty(lead, d.unique(text), [], [Reporting(id=d.new_id(f"bc-tinh-{report.id}"), from_=[lead], to=to,
                                              period=report.period, due=report.due, due_year=report.due_year,
                                              links=[link(parent, report.id, items)])])


def _spread(d: Draft, duty, found, text: str, links) -> None:
    """A duty of every ministry or province: the body its words name most takes it, the others it names cooperate;
    each with the reason as a comment."""
    primary = found[0]
    duty(primary.agency, d.unique(text), links, reason=primary.reason(d), tier=primary.tier)
    for other in found[1:]:
        duty(other.agency, cooperation(d, primary.agency, text, other.agency, other.words), links,
             derived=other.reason(d), tier="cooperating")


def _to_counterparts(d: Draft, duty, parent, central: list[str], text: str, links) -> None:
    """A duty the parent gives one or more central bodies: the first one's province counterpart takes it, the others'
    cooperate; a body with no counterpart is a note."""
    found = []
    for agency_id in central:
        counterpart = to_province(d, agency_id)
        if counterpart is None:
            unplaced(d, parent, agency_id, text)
        elif counterpart not in found:
            found.append(counterpart)
    if not found:
        return
    duty(found[0], d.unique(text), links, tier="counterpart")
    together = ", ".join(d.registry.agency_name(a, d.on) for a in central if a in d.registry.agencies)
    for other in found[1:]:
        duty(other, cooperation(d, found[0], text, other), links,
             derived=f"văn bản cấp trên giao chung cho {together}", tier="counterpart")


def _peer_said(d: Draft, reason: str, by_peer: bool) -> str:
    """*reason*, preceded by the neighbour's plan when the body is proposed only because that plan names it."""
    return f"{peer_reason(d)}; {reason}" if by_peer else reason


def _peer_reach(d: Draft, duty, headings: dict, topic: frozenset[str], lead: str) -> None:
    """A body the neighbour's plan gives duties to, still without a heading, whose competence the words of a parent duty
    or task name (given to whichever body): it cooperates on the first such one, the comment says both reasons."""
    for parent in d.parents:
        items = parent_items(parent)
        texts = [(item.id, item.text) for item in iter_duties(parent.plan) if item.id and not item.request]
        texts += [(block.id, block.title or block.text or "") for _, block in iter_tasks(parent.plan) if block.id]
        for item_id, raw in texts:
            text = adapt(d, parent, raw)
            for holder in holders(d, Level.PROVINCE, text, topic):
                if holder.agency in d.peer and holder.agency not in headings and holder.agency != lead:
                    holder = replace(holder, peer=True)
                    duty(holder.agency, cooperation(d, lead, text, holder.agency, holder.words),
                         [link(parent, item_id, items)], derived=holder.reason(d), tier="cooperating")


def _habitual(d: Draft, duty, headings: dict, order: list[str], lead: str, requested: list[str]) -> None:
    """Bodies real province documents name together with the draft's own (habits.json, when enabled), and, with a
    neighbour's plan of the same parent, the bodies it names that those documents name beside the draft's own from
    `peer_share` on: each in being on the draft's day gets a heading with a general duty, the comment giving why."""
    habits = load_habits()
    if habits is None:
        return
    known = list(dict.fromkeys([lead] + order + requested))
    found = habits.propose(known) if habits.enabled else []
    if d.peer_same and habits.peer_share is not None:
        for agency_id in sorted(a for a in d.peer if a not in known and a not in {p.agency for p in found}):
            proposal = habits.support(agency_id, known)
            if habits.peer_share == 0 or (proposal is not None and proposal.share >= habits.peer_share):
                found.append(proposal or Proposal(agency_id, 0.0, lead, 0, 0))
    for proposal in found:
        body = d.registry.agencies.get(proposal.agency)
        if body is None or body.level != Level.PROVINCE or d.now(proposal.agency) != proposal.agency \
                or not d.exists(proposal.agency) or proposal.agency in PRESS:
            continue
        reason = (f"đề xuất của kehoach: {proposal.together}/{proposal.among} văn bản thật của UBND cấp tỉnh nêu "
                  f"{d.name(proposal.given)} cũng nêu {d.name(proposal.agency)} ({habits.source}; "
                  "plans/registry/habits.json); điều chỉnh cho phù hợp")
        if proposal.agency in d.peer:
            reason = f"theo kế hoạch của {d.peer_owner} (cùng văn bản cấp trên); " + reason
        duty(proposal.agency, d.unique(habits.duty.format(body=d.name(proposal.agency), lead=d.name(lead))), derived=reason)


def _heading_name(d: Draft, agency_id: str) -> str:
    """A body's name as a province plan writes it: a district's office as every district's ("… cấp huyện")."""
    body = d.registry.agencies[agency_id]
    return d.name(agency_id) + (f" {body.level.label}" if body.level in LOWER and not body.collective else "")


def _to_lower(d: Draft, duty, parent, agency_id: str, text: str, links) -> None:
    """A duty the parent gives a body below the province (Phòng LĐTBXH, UBND cấp xã): the province plan passes it on to
    that body as in force on the draft's day; a body gone by then (the district offices, 01/7/2025) is a note."""
    now = d.now(agency_id)
    body = d.registry.agencies.get(now) if now else None
    if body is None or body.level not in LOWER or not d.exists(now):
        unplaced(d, parent, agency_id, text)
        return
    duty(now, d.unique(text), links, tier="counterpart")


def _to_listed(d: Draft, duty, parent, listed: list[tuple[str, str | None]], text: str, links) -> None:
    """A duty of ministries listed by their field ("Các Bộ: Tài chính; Tư pháp; … phối hợp với …"): each department
    takes what it asks, on its own field; without words after the list, as a duty given to those ministries."""
    predicate = listed_predicate(text)
    if predicate is None:
        _to_counterparts(d, duty, parent, [a for a, _ in listed], text, links)
        return
    for agency_id, field in listed:
        counterpart = to_province(d, agency_id)
        if counterpart is None:
            unplaced(d, parent, agency_id, text)
            continue
        line = d.unique(predicate.rstrip(". ") + (f" (lĩnh vực {field})." if field else "."))
        duty(counterpart, line or d.unique(f"{predicate.rstrip('. ')} (phần việc của {d.name(counterpart)})."), links,
             tier="counterpart")
