"""Document form: numbering without gaps, ND30 headings and symbols, budget totals, recipients' form."""

from __future__ import annotations

import re

from ..findings import Severity
from ..model import Block
from ..model.walk import iter_blocks
from .. import nd30
from ..text import upper_keep_symbols
from .context import CheckContext

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
LETTERS = "abcdđeghiklmnopqrstuvxy"


def _expected_label(previous: str) -> str | None:
    """The label that should follow *previous* in the same list."""
    if re.fullmatch(r"[IVX]+\.", previous):
        index = ROMAN.index(previous[:-1]) if previous[:-1] in ROMAN else None
        return f"{ROMAN[index + 1]}." if index is not None and index + 1 < len(ROMAN) else None
    if m := re.fullmatch(r"((?:\d+\.)*)(\d+)\.", previous):
        return f"{m.group(1)}{int(m.group(2)) + 1}."
    if m := re.fullmatch(r"([a-zđ])\)", previous):
        index = LETTERS.find(m.group(1))
        return f"{LETTERS[index + 1]})" if 0 <= index < len(LETTERS) - 1 else None
    return None


def _numbering(ctx: CheckContext, blocks: list[Block], path) -> None:
    previous = None
    for i, block in enumerate(blocks):
        label = block.label
        if label and label not in ("-", "+", "*"):
            if previous is not None:
                expected = _expected_label(previous)
                if expected and label != expected and (_kind(label) == _kind(previous)):
                    what = "trùng số" if label == previous else "đánh số không liền mạch"
                    ctx.add("D101", Severity.ERROR, f"mục '{label}' {what}: sau '{previous}' phải là '{expected}'",
                            path + (i, "label"), f"Đánh lại số thứ tự: '{expected}'.")
            previous = label
        _numbering(ctx, block.blocks, path + (i, "blocks"))


def _kind(label: str) -> str:
    if re.fullmatch(r"[IVX]+\.", label):
        return "roman"
    if re.fullmatch(r"[a-zđ]\)", label):
        return "letter"
    return f"arabic{label.count('.')}"


def check_form(ctx: CheckContext) -> None:
    plan = ctx.plan
    _numbering(ctx, plan.sections, ("sections",))
    codes = {c.code for c in list(plan.bases) + list(plan.references) if c.code}
    texts = [(("document", "title"), plan.document.title)]
    texts += [(path + ("title",), b.title) for path, b in iter_blocks(plan) if b.title]
    texts += [(path + ("text",), b.text) for path, b in iter_blocks(plan) if b.text]
    for path, text in texts:
        for code in codes:
            for match in re.finditer(re.escape(code), text, re.IGNORECASE):
                if match.group(0) != code:
                    ctx.add("D102", Severity.ERROR, f"ký hiệu '{match.group(0)}' bị viết hoa sai; phải giữ nguyên '{code}'",
                            path, f"Sửa thành '{code}' (khi in hoa trích yếu, ký hiệu văn bản giữ nguyên chữ thường).")
    for i, section in enumerate(plan.sections):
        if section.title and section.label and re.fullmatch(r"[IVX]+\.", section.label) and \
                section.title != upper_keep_symbols(section.title):
            ctx.add("D103", Severity.WARNING, f"tên mục '{section.label} {section.title}' phải in hoa",
                    ("sections", i, "title"), f"Sửa thành '{upper_keep_symbols(section.title)}'.")
    for path, block in iter_blocks(plan):
        budget = block.budget
        if budget and budget.total is not None and budget.lines:
            total = sum(line.amount for line in budget.lines)
            if total != budget.total:
                ctx.add("D104", Severity.ERROR, f"các dòng kinh phí cộng lại {total:,} đồng, khác tổng {budget.total:,} đồng"
                        .replace(",", "."), path + ("budget", "total"), "Sửa tổng hoặc các dòng kinh phí cho khớp.")
    if plan.recipients_label != nd30.RECIPIENTS_LABEL:
        ctx.add("D105", Severity.ERROR, f"chữ '{plan.recipients_label}' phải viết đúng là '{nd30.RECIPIENTS_LABEL}'",
                ("recipients_label",), f"Sửa thành '{nd30.RECIPIENTS_LABEL}' (văn bản do kehoach xuất ra đã in đúng).")
    last = _last_text(plan)
    if last is not None and not last[1].rstrip().endswith(nd30.END_MARK):
        ctx.add("D106", Severity.WARNING, f"đoạn cuối của nội dung không kết thúc bằng '{nd30.END_MARK}'", last[0],
                f"Kết thúc đoạn cuối bằng '{nd30.END_MARK}' (kehoach thêm khi in, nhưng nên sửa cả trong dữ liệu).")
    sig = plan.signature
    if sig and sig.authority and sig.authority[0].startswith("KT.") and ctx.registry.agencies.get(
            ctx.agency(plan.document.issuer.agency)) and ctx.agency(plan.document.issuer.agency).startswith("ubnd"):
        ctx.add("D107", Severity.INFO, "văn bản của Ủy ban nhân dân (cơ quan tập thể) ký thay Chủ tịch thường có dòng "
                                       "'TM. ỦY BAN NHÂN DÂN' phía trên 'KT. CHỦ TỊCH'", ("signature", "authority"),
                "Thêm 'TM. ỦY BAN NHÂN DÂN' nếu văn bản ban hành thay mặt Ủy ban.")


def _last_text(plan):
    last = None
    for path, block in iter_blocks(plan):
        if block.text:
            last = (path + ("text",), block.text)
    return last
