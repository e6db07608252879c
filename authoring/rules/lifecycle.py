"""What a rolled-over or derived plan may still carry: old-year items, abolished agencies' names, blanks to fill."""

from __future__ import annotations

import re
import weakref

from ..findings import Severity
from ..model.walk import iter_blocks, iter_printed_texts, iter_reporting, iter_targets
from .context import CheckContext

# A blank left for the author: the whole field, or "…" where a date, number or name goes.
_BLANK = re.compile(r"^\s*…\s*$|ngày …|số …|tên …|…/|/…|… ?%|trước ngày …")
_SLOT = re.compile(r"\{(tinh|huyen|xa|[a-z_]+)\}")
_YEAR_WORD = re.compile(r"\bnăm (20\d\d)\b")
_CITATION_TAIL = re.compile(r"(của|của Bộ trưởng|của Giám đốc|ngày \d{1,2}/\d{1,2}/\d{4})\s*$")


def _printed(plan):
    """(path, text) of every printed string a blank or an out-of-date name can hide in. Footnotes and the archive line
    are left out: footnotes cite documents by the names and years they had when issued."""
    return ((path, text) for path, text in iter_printed_texts(plan) if path[0] not in ("footnotes", "archive"))


def check_lifecycle(ctx: CheckContext) -> None:
    _blanks(ctx)
    _abolished_names(ctx)
    _old_year(ctx)
    _foreign_field(ctx)


def _foreign_field(ctx: CheckContext) -> None:
    """A sentence kehoach proposes for another field than the parents' (fields.yaml: the children's duties in a
    drug-control plan) is flagged. Real plans mention neighbouring fields (a children's plan speaks of drugs), so only
    the proposals themselves are sought, never single words."""
    from ..loading.drafting import field_of, load_fields
    from ..text import match_key

    if not ctx.parents:
        return
    fields = load_fields()
    own = field_of(ctx.parents, fields)
    if own is None:
        return
    foreign = _foreign_sentences(fields, own)
    for path, text in _printed(ctx.plan):
        lowered = match_key(text)
        found = next((f for f, key in foreign if key in lowered), None)
        if found:
            ctx.add("N105", Severity.WARNING, f"câu đề xuất của lĩnh vực {found.name} trong kế hoạch thực hiện văn bản "
                                              f"lĩnh vực {own.name}: «{_short(text)}»", path,
                    f"Bỏ câu này hoặc viết lại theo lĩnh vực {own.name} của văn bản cấp trên.")


_FOREIGN: dict[str, tuple] = {}   # own field's id → (the field registry it was built from, its foreign sentences)


def _foreign_sentences(fields, own) -> list:
    """(field, sentence key) of the other fields' own sentences: those that speak their field's words and that *own*
    does not share. The same for every plan of a field, so built once per field registry (a save re-checks a plan)."""
    from ..loading.drafting import field_sentences

    kept = _FOREIGN.get(own.id)
    if kept is None or kept[0] is not fields:
        own_keys = set(field_sentences(own))
        foreign = [(f, key) for f in fields.fields if f.id != own.id for key in field_sentences(f)
                   if key not in own_keys and f.pattern().search(key)]
        kept = _FOREIGN[own.id] = (fields, foreign)
    return kept[1]


def _blanks(ctx: CheckContext) -> None:
    for path, text in _printed(ctx.plan):
        if _SLOT.search(text):
            ctx.add("N104", Severity.ERROR, f"chỗ '{_SLOT.search(text).group(0)}' chưa được thay bằng tên địa phương: "
                                            f"«{_short(text)}»", path, "Thay bằng tên tỉnh, xã, phường của kế hoạch.")
        elif _BLANK.search(text):
            ctx.add("N103", Severity.WARNING, f"còn chỗ để trống '…' cần điền: «{_short(text)}»", path,
                    "Điền nội dung (số, ngày, họ tên) trước khi ban hành.")


def _abolished_names(ctx: CheckContext) -> None:
    """Printed names of agencies that no longer exist on the plan's date (headings, duties, recipients)."""
    on = ctx.plan_date
    seen = set()
    for path, text in _printed(ctx.plan):
        if path[0] == "document":
            continue
        for agency, name in _gone_mentions(text, ctx.registry, on):
            if (path, agency.id) in seen:
                continue
            seen.add((path, agency.id))
            until = agency.valid_until.to_date()
            successor = _successor_name(ctx, agency)
            ctx.add("N102", Severity.WARNING,
                    f"câu văn còn in tên '{name}', cơ quan không còn từ {until:%d/%m/%Y}"
                    + (f"; nay là {successor}" if successor else ""), path,
                    "Sửa tên cơ quan trong câu văn cho khớp với cơ quan kế nhiệm (kehoach new-year đổi cả tên in "
                    "lẫn mã).")


# What each text names of the agencies gone on a day, kept per registry and day: a save changes one field, and the
# other texts of the plan (and of the sibling communes' plans derived from the same parent) are read again unchanged.
# This search was a quarter of a save's check.
_MENTIONS: dict[tuple, tuple] = {}
_MENTIONS_KEEP = 50_000   # texts per registry and day; a province's plans hold a few thousand distinct ones


def _gone_mentions(text: str, registry, on) -> tuple:
    """(agency, name as printed) for each abolished name in *text*, the first use of each name that is neither part
    of a living agency's longer name nor the issuer of a cited old document."""
    key = (id(registry), on)
    entry = _MENTIONS.get(key)
    if entry is None or entry[0]() is not registry:  # the id of a registry since dropped: start afresh
        entry = _MENTIONS[key] = (weakref.ref(registry), {})
    known = entry[1]
    found = known.get(text)
    if found is None:
        if len(known) >= _MENTIONS_KEEP:
            known.clear()
        found = known[text] = _find_gone_mentions(text, registry, on)
    return found


def _find_gone_mentions(text: str, registry, on) -> tuple:
    from ..model.wording import gone_patterns, inside, living_spans

    found = []
    living = None
    for pattern, agency in gone_patterns(registry, on):
        for match in pattern.finditer(text):
            if living is None:
                living = living_spans(text, registry, on)
            if inside((match.start(), match.end()), living) or \
                    _CITATION_TAIL.search(text[max(0, match.start() - 30):match.start()]):
                continue  # a living agency's longer name, or an old document cited with the issuer it had
            found.append((agency, match.group(0)))
            break
    return tuple(found)


def _successor_name(ctx: CheckContext, agency) -> str | None:
    chosen = next((s for s in agency.successors if s.children), agency.successors[0] if agency.successors else None)
    if chosen is None or chosen.id not in ctx.registry.agencies:
        return None
    name = ctx.registry.agency_name(chosen.id, ctx.plan_date, ctx.plan.document.province)
    if "{" in name:
        return None
    return name + ("" if chosen.status.value == "confirmed" else " [chưa xác nhận]")


def _old_year(ctx: CheckContext) -> None:
    """Targets, reports and sentences tied to a year before the plan's own (left over from last year's plan)."""
    doc = ctx.plan.document
    start = doc.period.start if doc.period else doc.date.year
    if ctx.plan.kind != "plan":
        return
    for path, _, target in iter_targets(ctx.plan):
        if target.year and target.year < start:
            ctx.add("N101", Severity.WARNING, f"chỉ tiêu {target.id} gắn với năm {target.year}, trước năm của kế hoạch "
                                              f"({start})", path + ("year",), "Cập nhật năm và giá trị của chỉ tiêu.")
    for path, _, report in iter_reporting(ctx.plan):
        if report.due_year and report.due_year < start:
            ctx.add("N101", Severity.WARNING, f"báo cáo {report.id} có hạn năm {report.due_year}, trước năm của kế "
                                              f"hoạch ({start})", path + ("due_year",), "Cập nhật năm của hạn báo cáo.")
    for path, block in iter_blocks(ctx.plan):
        for field in ("title", "text"):
            text = getattr(block, field)
            for match in _YEAR_WORD.finditer(text or ""):
                year = int(match.group(1))
                if re.search(r"tháng \d{1,2}\s*$", text[:match.start()]):
                    continue  # a written-out date ("ngày 23 tháng 12 năm 2019"), not an activity of that year
                if start - 3 < year < start:
                    ctx.add("N101", Severity.WARNING, f"câu văn nhắc năm {year}, trước năm của kế hoạch ({start}): "
                                                      f"«{_short(text)}»", path + (field,),
                            "Cập nhật năm (hoạt động của năm trước) hoặc bỏ câu này.")
                    break


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
