"""Citations: every cited document matches the registry in number, symbol, date and issuer."""

from __future__ import annotations

import re

from ..findings import Severity
from ..model import Citation
from ..model.walk import iter_blocks
from ..text import match_key
from .context import CheckContext

# A document symbol written with a stray space inside it: "28- CT/TW", "1183/QĐ- TTg".
_BROKEN_SYMBOL = re.compile(r"\b\d+[a-z]?(?:/\d{4})?(?:- +[A-ZĐ]+/[A-Z]+|/[A-ZĐ]+- +[A-Za-zĐ]+)")


def _first_mention(doc) -> str:
    date = doc.date.to_date() if doc.date else None
    when = f" ngày {date.day:02d}/{date.month if date.month > 2 else f'{date.month:02d}'}/{date.year}" if date else ""
    return f"{doc.type} số {doc.code}{when} của {doc.issuer}"


def _same_issuer(written: str, registered: str) -> bool:
    a, b = match_key(written), match_key(registered)
    return a == b or a in b or b in a


def _pending(registry, citation: Citation) -> str:
    """Said when a unit added the document from the page: it counts once the Sở approves it (or, on one's own
    computer, once its user puts it in force)."""
    year = citation.date.year if citation.date else None
    return registry.pending_words if registry.pending_document(citation.code, year) else ""


def check_citations(ctx: CheckContext) -> None:
    registry = ctx.registry
    for group in ("bases", "references"):
        for i, citation in enumerate(getattr(ctx.plan, group)):
            path = (group, i)
            _check_one(ctx, registry, citation, path)
    for path, block in iter_blocks(ctx.plan):
        for field in ("title", "text"):
            for match in _BROKEN_SYMBOL.finditer(getattr(block, field) or ""):
                fixed = re.sub(r"\s+", "", match.group(0))
                ctx.add("R107", Severity.WARNING, f"số, ký hiệu văn bản '{match.group(0)}' viết có dấu cách", path + (field,),
                        f"Viết liền: '{fixed}'.")


def _check_one(ctx: CheckContext, registry, citation: Citation, path) -> None:
    entry = registry.documents.get(citation.registry) if citation.registry else None
    if citation.code is None:
        return  # a law cited by its name only ("Luật Trẻ em năm 2016")
    by_code = registry.documents_with_code(citation.code)
    if entry is None and by_code:
        entry = next((d for d in by_code if citation.date and d.date and d.date.year == citation.date.year), None)
        if entry is None and citation.date and all(d.date for d in by_code):
            # Numbers restart every year: 23/CT-TTg of 2021 is another directive than 23/CT-TTg of 2020.
            known = by_code[0]
            ctx.add("R109", Severity.INFO, f"văn bản '{citation.code}' năm {citation.date.year} chưa có trong danh mục"
                                           f"{_pending(registry, citation)}; "
                                           f"danh mục chỉ có văn bản cùng số năm {known.date.year}: {_first_mention(known)}",
                    path + ("code",), "Nếu đúng là văn bản năm " + str(citation.date.year) + ", bổ sung văn bản vào "
                    "plans/registry/citations.yaml kèm nguồn; nếu là văn bản năm " + str(known.date.year) + ", sửa ngày.")
            return
        entry = entry or by_code[0]
    if entry is None:
        miscited = [d for d in registry.documents.values() if match_key(citation.code) in map(match_key, d.miscited_as)]
        if miscited:
            right = miscited[0]
            ctx.add("R101", Severity.ERROR, f"số, ký hiệu '{citation.code}' không đúng; văn bản này là {_first_mention(right)}",
                    path + ("code",), f"Sửa thành '{right.code}'." + (" (Ngày ban hành của văn bản này chưa xác nhận.)"
                                                                     if right.date_status.value != "confirmed" else ""))
            return
        near = [d for d in registry.documents.values()
                if citation.date and d.date and d.date == citation.date and d.type == citation.type]
        if near:
            ctx.add("R105", Severity.WARNING, f"không có văn bản '{citation.code}' trong danh mục; văn bản cùng ngày, "
                                              f"cùng loại là {_first_mention(near[0])}", path + ("code",),
                    f"Kiểm tra lại số, ký hiệu; có thể là '{near[0].code}'.")
        else:
            ctx.add("R106", Severity.INFO, f"văn bản '{citation.code}' chưa có trong danh mục văn bản"
                                           f"{_pending(registry, citation)} nên chưa đối chiếu được",
                    path + ("code",), "Bổ sung văn bản vào plans/registry/citations.yaml kèm nguồn.")
        return
    if entry.code and match_key(entry.code) != match_key(citation.code):
        ctx.add("R102", Severity.ERROR, f"số, ký hiệu '{citation.code}' khác với văn bản trong danh mục: {_first_mention(entry)}",
                path + ("code",), f"Sửa thành '{entry.code}'.")
    elif entry.code and entry.code != citation.code:
        ctx.add("R102", Severity.ERROR, f"ký hiệu '{citation.code}' viết sai chữ hoa, chữ thường; đúng là '{entry.code}'",
                path + ("code",), f"Sửa thành '{entry.code}'.")
    if citation.date and entry.date and citation.date.is_complete:
        if entry.date_status.value != "confirmed" or not entry.date.is_complete:
            ctx.add("R108", Severity.INFO, f"ngày của {entry.code} trong danh mục chưa xác nhận; chưa đối chiếu được ngày "
                                           f"{citation.date.iso()}", path + ("date",), "Đối chiếu với bản chính thức của văn bản.")
        elif citation.date != entry.date:
            ctx.add("R103", Severity.ERROR, f"ngày ban hành {citation.date.iso()} của {citation.code} khác danh mục "
                                            f"({entry.date.iso()})", path + ("date",), f"Sửa ngày thành {entry.date.iso()}.")
    if citation.issuer and entry.issuer and not _same_issuer(citation.issuer, entry.issuer):
        ctx.add("R104", Severity.WARNING, f"cơ quan ban hành '{citation.issuer}' của {citation.code} khác danh mục ('{entry.issuer}')",
                path + ("issuer",), f"Sửa thành '{entry.issuer}'.")
