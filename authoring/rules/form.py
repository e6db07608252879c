"""Document form: numbering without gaps, ND30 headings and symbols, budget totals, recipients' form."""

from __future__ import annotations

import re

from ..findings import Finding, Severity
from ..model import Block
from ..model.walk import iter_blocks, iter_printed_texts
from .. import nd30
from ..text import upper_keep_symbols
from ..model.issuing import issue_state
from ..model.plan import FOOTNOTE_RE
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
    issued = issue_finding(ctx.loaded)
    if issued is not None:
        ctx.index.add(issued)
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
    _title_case(ctx)
    _footnote_marks(ctx)
    _typography(ctx)
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


# --- what a văn thư sends back: capitals, stray footnote marks, typographic slips ---------------------------------

def _title_case(ctx: CheckContext) -> None:
    """Phụ lục I: the trích yếu is written in lower case, capitals only where the spelling rules want them."""
    title = strip_marks(ctx.plan.document.title)
    letters = [c for c in title if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.9:
        ctx.add("D108", Severity.WARNING, "trích yếu viết in hoa toàn bộ; Nghị định 30 (Phụ lục I) in trích yếu bằng "
                                          "chữ thường, đậm, chỉ viết hoa chữ đầu và tên riêng", ("document", "title"),
                f"Viết lại: '{_sentence_case(title)[:80]}…' (giữ nguyên ký hiệu văn bản như 28-CT/TW)."
                if len(title) > 80 else f"Viết lại: '{_sentence_case(title)}'.")


def _sentence_case(text: str) -> str:
    """A first suggestion: lower case but for the first letter and words that carry digits or slashes (symbols)."""
    words = text.split()
    out = []
    for index, word in enumerate(words):
        if re.search(r"[\d/]", word):
            out.append(word)
        elif index == 0:
            out.append(word[:1] + word[1:].lower())
        else:
            out.append(word.lower())
    return " ".join(out)


_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_STRAY_MARK_RE = re.compile(rf"[{_SUPERSCRIPT_DIGITS}]+|<sup>\s*\d+\s*</sup>")


def strip_marks(text: str) -> str:
    return re.sub(r"</?su[pb]>", "", re.sub(r"\[\^[^\]]+\]", "", text))


def _footnote_marks(ctx: CheckContext) -> None:
    """A footnote mark must lead to a footnote: [^x] declared in 'footnotes', never a bare superscript number."""
    plan = ctx.plan
    scanned_at_load = {"title", "text", "name"}
    for path, text in iter_printed_texts(plan):
        for match in _STRAY_MARK_RE.finditer(text):
            ctx.add("D109", Severity.ERROR, f"dấu chú thích '{match.group(0)}' không dẫn tới chú thích nào (chữ số nhỏ "
                                            "gõ tay, không phải chú thích của văn bản)", path,
                    "Viết [^mã] tại chỗ chú thích và khai báo nội dung trong mục footnotes.")
        if path[-1] in scanned_at_load and path[0] != "document" and path[0] != "signature":
            continue  # the loader already reports these (L123)
        for mark in FOOTNOTE_RE.findall(text):
            if mark not in plan.footnotes:
                ctx.add("D109", Severity.ERROR, f"dấu chú thích [^{mark}] không có nội dung trong mục footnotes", path,
                        f"Khai báo '{mark}: …' trong footnotes, hoặc bỏ dấu [^{mark}].")


# (code, pattern, message, suggestion): slips a văn thư marks in red on the printed page.
_SLIPS = [
    ("D110", re.compile(r"\S(  +)\S"), "hai dấu cách liền nhau", "Chỉ để một dấu cách."),
    ("D111", re.compile(r"\S( +)[,;:.!?)](?!/)"), "dấu cách trước dấu câu", "Bỏ dấu cách trước dấu câu."),
    ("D112", re.compile(r"(\( +| +\))"), "dấu cách ngay trong dấu ngoặc đơn", "Bỏ dấu cách sau '(' và trước ')'."),
    ("D113", re.compile(r"[,;](?=[^\W\d_])"), "thiếu dấu cách sau dấu phẩy hoặc chấm phẩy",
     "Thêm một dấu cách sau dấu phẩy, chấm phẩy."),
    ("D114", re.compile(r"^\s+|\s+$"), "dấu cách thừa ở đầu hoặc cuối", "Bỏ dấu cách thừa ở đầu, cuối đoạn."),
]


def _typography(ctx: CheckContext) -> None:
    """The typographic slips that would print in the rendered DOCX (kehoach prints the text as written)."""
    for path, text in iter_printed_texts(ctx.plan):
        plain = FOOTNOTE_RE.sub("", text)
        for code, pattern, what, suggestion in _SLIPS:
            match = pattern.search(plain)
            if match:
                start = max(0, match.start() - 20)
                excerpt = plain[start:match.end() + 20].replace("\n", " ")
                ctx.add(code, Severity.WARNING, f"{what}: '…{excerpt}…'", path, suggestion)


def issue_finding(loaded):
    """The warning that a plan's number is not printed: where it is, why, and how to issue the plan instead."""
    state = issue_state(loaded.plan)
    if loaded.plan.kind != "plan" or state not in ("typed", "altered"):
        return None
    doc = loaded.plan.document
    number = nd30.number_text(doc.number) if doc.number is not None else "(trống)"
    if state == "typed":
        line, column = loaded.locate(("document", "number"))
        return Finding("I110", Severity.WARNING,
                       f"kế hoạch ghi số {number} nhưng không có dấu ban hành (document.issued, do kehoach issue "
                       f"hoặc sổ đăng ký ghi): văn bản in «{nd30.DRAFT_MARK}» và để trống số", str(loaded.path),
                       line, column, "document.number",
                       "Số do văn thư cấp khi ban hành: xóa dòng number rồi chạy kehoach issue TỆP --number SỐ "
                       "--date NGÀY/THÁNG/NĂM. Tệp đã ban hành trước khi có dấu ban hành: chạy lại kehoach issue "
                       "TỆP với đúng số, ngày đã cấp để ghi dấu.")
    record = doc.issued
    line, column = loaded.locate(("document", "issued"))
    changed = (f"số {number}, dấu ban hành ghi số {nd30.number_text(record.number)}" if record.number != doc.number
               else f"ngày {doc.date.iso()}, dấu ban hành ghi ngày {record.date.iso()}" if record.date != doc.date
               else "nội dung đã sửa sau khi ban hành (mã băm khác)")
    return Finding("I111", Severity.WARNING,
                   f"dấu ban hành không khớp với kế hoạch ({changed}): văn bản in «{nd30.DRAFT_MARK}» và để trống số",
                   str(loaded.path), line, column, "document.issued",
                   "Văn bản đã ban hành không được sửa: lấy lại bản đã ban hành; nếu sửa là để ban hành văn bản "
                   "mới, xóa number và issued rồi chạy kehoach issue với số mới.")
