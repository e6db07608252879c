"""The unit's words: parent sentences, citations and titles as the draft's unit says them."""

from __future__ import annotations

import re

from ...loading import LoadedPlan
from ...model import Citation, Level, Reporting
from ...model.plan import strip_footnote_marks
from ...text import short_date
from ...model.wording import TITLE_KEEP, after_reform_words, expand_abbreviations, full_codes, modernise, name_of, rescope, sentence_case
from .context import Draft, PLACEHOLDER
from .counterparts import central_to_province


def adapt(d: Draft, parent: LoadedPlan, text: str) -> str:
    """A parent sentence as the draft prints it: abbreviations spelled out, successors named, scope words moved."""
    text = strip_footnote_marks(text).strip()
    text = re.sub(r"^Chỉ tiêu \w+:\s*", "", text)
    if parent.plan.document.level == Level.CENTRAL:
        text = full_codes(expand_abbreviations(text), d.registry)
        text = central_to_province(d, text)
    else:
        words = {Level.PROVINCE: ("tỉnh", "thành phố"), Level.DISTRICT: ("quận", "huyện", "thị xã", "thành phố"),
                 Level.COMMUNE: ("xã", "phường")}[parent.plan.document.level]
        text = rescope(text, d.unit, words)
    text, _ = modernise(text, d.registry, d.on, d.province, d.unit)
    text = after_reform_words(text, d.on, d.registry.district_level_ends)
    text = re.sub(r"(\b\d+[a-z]?(?:/[A-ZĐ0-9]+)?)-\s+([A-ZĐ][A-Za-zĐđ]*)", r"\1-\2", text)  # '28- CT/TW' → '28-CT/TW'
    return re.sub(r"\s+([,.;:])", r"\1", text).strip()


def adapt_plain(d: Draft, text: str) -> str:
    text, _ = modernise(text, d.registry, d.on, d.province, d.unit)
    return after_reform_words(text, d.on, d.registry.district_level_ends)


def mention(parent: LoadedPlan, d: Draft, later: bool = False) -> str:
    pdoc = parent.plan.document
    title = sentence_case(pdoc.title, _keep_words(d, parent))
    title = title[:1].lower() + title[1:] if title[:1].isupper() and not title[:2].isupper() else title
    code = code_of(parent, d) or f"{PLACEHOLDER}/{pdoc.symbol}"
    if later:
        return f"{pdoc.type} số {code}"
    if pdoc.date.is_complete:
        when = f"ngày {short_date(pdoc.date.to_date())}"
    elif pdoc.date.month:
        when = f"ngày {PLACEHOLDER}/{pdoc.date.month:02d}/{pdoc.date.year}"
    else:
        when = f"năm {pdoc.date.year}"
    joiner = " " if pdoc.type in ("Quyết định", "Nghị định", "Thông tư", "Nghị quyết") else " về "
    if joiner == " về ":
        title = re.sub(r"^về\s+", "", title, flags=re.IGNORECASE)   # a title that begins "Về …": never "về về"
    return f"{pdoc.type} số {code} {when} của {pdoc.issuer.name}{joiner}{title}"


def code_of(parent: LoadedPlan, d: Draft) -> str | None:
    """The parent's số, ký hiệu as the citation registry spells it, else as its kind writes it: '32/CT-TTg' for the
    Government's, '28-CT/TW' for the Party's (a symbol with '/')."""
    known = d.registry.documents.get(parent.plan.id)
    if known is not None and known.code:
        return known.code
    pdoc = parent.plan.document
    if not pdoc.number:
        return None
    number = f"{pdoc.number:02d}" if pdoc.number < 10 else str(pdoc.number)
    if pdoc.number_year:
        return f"{number}/{pdoc.number_year}/{pdoc.symbol}"   # a legal document's: 10/2022/TT-BLĐTBXH
    return f"{number}-{pdoc.symbol}" if "/" in pdoc.symbol else f"{number}/{pdoc.symbol}"


def _keep_words(d: Draft, parent: LoadedPlan) -> list[str]:
    keep = list(TITLE_KEEP)
    for p in d.parents:
        keep += [c.code for c in p.plan.bases if c.code] + [p.plan.document.issuer.name]
        if p.plan.document.province:
            keep.append(p.plan.document.province)
        if p.plan.document.number:
            keep.append(f"{p.plan.document.number}/{p.plan.document.symbol}")
            if p.plan.document.number_year:
                keep.append(f"{p.plan.document.number}/{p.plan.document.number_year}/{p.plan.document.symbol}")
            keep.append(f"{p.plan.document.number}-{p.plan.document.symbol}")
    for doc in d.registry.documents.values():
        if doc.code:
            keep.append(doc.code)
    if d.province:
        keep.append(d.province)
    return keep


def parent_citation(parent: LoadedPlan, d: Draft, index: int) -> Citation:
    pdoc = parent.plan.document
    code = code_of(parent, d)
    title = sentence_case(pdoc.title, _keep_words(d, parent))
    return Citation(id=f"cc-cap-tren-{index}", verb="Thực hiện", type=pdoc.type, code=code, date=pdoc.date,
                    issuer=pdoc.issuer.name, title=title,
                    registry=parent.plan.id if parent.plan.id in d.registry.documents else None)


def draft_title(d: Draft) -> str:
    unit = d.unit
    if d.parents[0].plan.document.level == Level.CENTRAL:
        parts = []
        for parent in d.parents:
            pdoc = parent.plan.document
            if parent.plan.implements and any(p.plan.id in parent.plan.implements for p in d.parents):
                parts.append(mention(parent, d, later=True))
                continue
            subject = re.sub(r"^(Phê duyệt|Ban hành|Về việc)\s+", "", pdoc.title)
            parts.append(subject[:1].upper() + subject[1:] if pdoc.type == "Quyết định" else mention(parent, d, True))
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


def issuer_now(d: Draft, parent: LoadedPlan) -> str:
    pdoc = parent.plan.document
    issuer = parent.agency_id(pdoc.issuer.agency) or pdoc.issuer.agency
    now = d.now(issuer)
    if now == issuer and now == "ubnd-tinh":
        return d.say(f"Ủy ban nhân dân tỉnh {d.province}") if d.province else pdoc.issuer.name
    if now == issuer:
        return pdoc.issuer.name
    return name_of(d.registry, now, d.on, d.province) if now else pdoc.issuer.name


def names_of(d: Draft, ids) -> str:
    return ", ".join(d.name(i) if i in d.registry.agencies else i for i in ids)


def and_names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " và " + names[-1] if len(names) > 1 else names[0]


def request_title(d: Draft, members: tuple[str, ...]) -> str:
    names = [d.name(m) for m in members]
    return "Đề nghị " + (", ".join(names[:-1]) + " và " + names[-1] if len(names) > 1 else names[0])


def due_phrase(report: Reporting) -> str:
    due = f"trước ngày {report.due.text()}" if report.due else f"trước ngày {PLACEHOLDER}"
    return f"báo cáo {report.period.label} {due}"
