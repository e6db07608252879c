"""Rendering a plan to DOCX through the ND30 templates (docxtpl), then finishing touches in XML."""

from __future__ import annotations

import copy
import io
import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docxtpl import DocxTemplate, RichText

from .. import nd30
from ..errors import KehoachError
from ..loading import LoadedPlan
from ..model import Block, Level, Plan
from ..model.issuing import is_issued
from ..paths import TEMPLATES_DIR
from ..ooxml.formatting import Formatting
from ..ooxml.reader import EMBEDDED_PLAN_NAMESPACE, EMBEDDED_PLAN_PART, paragraph_text
from ..ooxml.package import PPR_ORDER, SETTINGS_BEFORE_FOOTNOTEPR, insert_in_order, set_run_fonts, zip_members
from .metrics import text_width_pt
from .plain import (
    date_line, header_lines, printed_blocks, with_end_mark, is_section_heading, number_line, printed_title, recipient_lines,
)

_EMPHASIS_RE = re.compile(r"(\*\*.+?\*\*|\*.+?\*|\[\^[^\]]+\]|<sup>.+?</sup>|<sub>.+?</sub>)")
_FOOTNOTE_MARK = "\u2063fn:{}\u2063"  # invisible separators around a footnote id, replaced after rendering
_FOOTNOTE_MARK_RE = re.compile("\u2063fn:(.+?)\u2063")
TWIPS_PER_PT = 20
CELL_MARGIN_TWIPS = 108  # Word's default left/right cell margin (0.19 cm)

# What the rules (đường kẻ) under header lines measure: (rule style, text styles above it, share of the text width).
RULES = {
    "KHKeCoQuan": (("KHCoQuanBanHanh",), 0.4),   # inside nd30.RULE_UNDER_ISSUER
    "KHKeTieuNgu": (("KHTieuNgu",), 1.0),         # as long as the motto
    "KHKeTrichYeu": (("KHTrichYeu",), 0.4),       # inside nd30.RULE_UNDER_TITLE
}


def choose_template(loaded: LoadedPlan) -> Path:
    """The letterhead kind: a Sở (with its governing body), or a UBND of the plan's level."""
    doc = loaded.plan.document
    agency_id = loaded.agency_id(doc.issuer.agency) or ""
    if doc.governing_body or agency_id.startswith("so-"):
        name = "so.docx"
    else:
        name = {Level.DISTRICT: "ubnd-huyen.docx", Level.COMMUNE: "ubnd-xa.docx"}.get(doc.level, "ubnd-tinh.docx")
    return TEMPLATES_DIR / name


def _rich(parts: list[tuple[str, bool]]) -> RichText:
    """RichText from (text, bold) parts, honouring **bold**, *italic* and [^footnote] inside text."""
    rich = RichText()
    for text, bold in parts:
        for piece in _EMPHASIS_RE.split(text):
            if not piece:
                continue
            if piece.startswith("[^"):
                rich.add(_FOOTNOTE_MARK.format(piece[2:-1]))
            elif piece.startswith("<sup>"):   # "55<sup>a</sup>": a superscript of the source, kept
                rich.add(piece[5:-6], bold=bold, superscript=True)
            elif piece.startswith("<sub>"):   # "KGVX<sub>(Hp)</sub>": a subscript of the source, kept
                rich.add(piece[5:-6], bold=bold, subscript=True)
            elif piece.startswith("**") and piece.endswith("**") and len(piece) > 4:
                rich.add(piece[2:-2], bold=True)
            elif piece.startswith("*") and piece.endswith("*") and len(piece) > 2:
                rich.add(piece[1:-1], bold=bold, italic=True)
            else:
                rich.add(piece, bold=bold)
    return rich


def _paragraph(block: Block, top_level: bool, text_override: str | None = None) -> dict:
    text = text_override if text_override is not None else block.text
    title = printed_title(block, top_level)
    is_section = is_section_heading(block, top_level)
    head = " ".join(p for p in (block.label, title) if p)
    parts: list[tuple[str, bool]] = []
    if title:
        parts.append((head, True))
        if text:
            parts.append((" " if title.endswith(":") else ": ", top_level))
            parts.append((text, top_level))
    elif head and text:
        parts.append((f"{head} {text}", top_level))
    elif text:
        parts.append((text, top_level))
    else:
        parts.append((head, True))
    # A line that is only a numbered heading ("1. Sở Y tế") keeps with what follows it.
    style = "muc" if is_section else ("khoan" if title and not text and block.blocks else "nd")
    return {"style": style, "rich": _rich(parts), "plain": block}


def body_paragraphs(plan: Plan) -> list[dict]:
    flat = printed_blocks(plan)
    paragraphs = []
    last = len(flat) - 1
    for index, (block, top) in enumerate(flat):
        override = with_end_mark(block.text) if index == last and block.text else None
        paragraphs.append(_paragraph(block, top and block in plan.sections, override))
    return paragraphs


NBSP = "\u00a0"
MAX_BOUND_WORDS = 6        # a name kept on one line is at most this long: a longer run would overflow the column
_NOT_NAME = {"và", "của", "năm", "giai", "đoạn", "trên", "tại", "về", "theo", "với", "đến"}


def keep_names_together(line: str) -> str:
    """Non-breaking spaces inside a unit's name, kind word included ("huyện Quế Phong", "XUÂN TRƯỜNG - ĐÀ LẠT").

    A header or trích yếu line that wraps must not cut a place name in two ("Nghệ / An"). The name is the run of
    capitalised words after a kind word (tỉnh, huyện, xã…), up to a lower-case word, a number, a linking word or
    punctuation; a " - " between two capitalised words belongs to the name.
    """
    from ..model.units import UNIT_KINDS

    words = line.split(" ")
    capitals = line == line.upper()
    out: list[str] = []
    index = 0
    while index < len(words):
        kind_len = next((n for n in (2, 1) if " ".join(words[index:index + n]).lower() in UNIT_KINDS), 0)
        if not kind_len:
            out.append(words[index])
            index += 1
            continue
        end, in_part = index + kind_len, 0
        while end < len(words) and end - index < MAX_BOUND_WORDS:
            word = words[end]
            joins = word == "-" and end + 1 < len(words) and words[end + 1][:1].isupper()
            name_word = word[:1].isupper() and word.lower().strip(",;.") not in _NOT_NAME and not word[:1].isdigit()
            # in capitals, case cannot tell where the name ends: most names are two words ("NGHỆ AN")
            if not (joins or name_word) or name_word and capitals and in_part == 2:
                break
            in_part = 0 if joins else in_part + 1
            end += 1
            if word != "-" and word[-1:] in ",;.:)":
                break
        out.append(NBSP.join(words[index:end]) if end - index > kind_len else " ".join(words[index:end]))
        index = end
    return " ".join(out)


def build_context(plan: Plan) -> dict:
    doc = plan.document
    signature = plan.signature
    return {
        "governing_body": keep_names_together(doc.governing_body or ""),
        "issuer_lines": [keep_names_together(line) for line in header_lines(plan) if line != doc.governing_body],
        "number_line": number_line(plan),
        "date_line": date_line(plan),
        "doc_type": doc.type.upper(),
        "title": keep_names_together(doc.title),
        "body": body_paragraphs(plan),
        "recipients_label": nd30.RECIPIENTS_LABEL,
        "recipients": [_rich([(line, False)]) for line in recipient_lines(plan)],
        "authority": (list(signature.authority) + list(signature.positions)) if signature else [],
        "signer": signature.name if signature else "",
    }


class _CompilingOnceEnvironment(jinja2.Environment):
    """Compiles each template part once per process: a batch renders the same parts of the same template many times."""

    MAX_COMPILED = 64  # parts of a few templates; a long-running server given many --template files stays bounded

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=True)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = super().from_string(source)
            if len(self._compiled) >= self.MAX_COMPILED:
                self._compiled.clear()
            self._compiled[source] = compiled
        return compiled


_ENV: list[jinja2.Environment] = []


def _jinja_env() -> jinja2.Environment:
    if not _ENV:
        _ENV.append(_CompilingOnceEnvironment())
    return _ENV[0]


_TEMPLATES: dict[tuple[str, int, int], tuple[bytes, frozenset[str]]] = {}


def _template(path: Path) -> tuple[bytes, frozenset[str]]:
    """The template's bytes and the variables it uses, read once per process (again if the file changes)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    cached = _TEMPLATES.get(key)
    if cached is None:
        from ..ooxml.safety import open_zip

        archive, data = open_zip(path)  # a template that is not a sound .docx: exit 1 naming it, not a crash inside
        archive.close()
        names = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(_jinja_env())
        if len(_TEMPLATES) >= 16:
            _TEMPLATES.clear()
        cached = _TEMPLATES[key] = (data, frozenset(names))
    return cached


def render_docx(loaded: LoadedPlan, template: Path | None = None, add_annexes=None,
                issued: bool | None = None) -> bytes:
    """The plan as DOCX bytes; the same plan and template always give the same bytes.

    *add_annexes(document)* adds a document's own annexes (a Báo cáo's tables) before the finishing touches.
    *issued*: whether a register gave the plan its number (the workspace knows); False prints any number as a
    draft. None: the file decides — only an issue record that agrees with the plan (`document.issued`, written by
    kehoach issue and the workspace's register) makes its number printed; any other number prints «DỰ THẢO».
    """
    template = Path(template) if template else choose_template(loaded)
    if not template.is_file():
        raise KehoachError(f"không tìm thấy mẫu văn bản {template}",
                           hint="Dùng một mẫu trong thư mục templates/ hoặc tạo lại bằng: "
                                "python -m authoring.render.template_builder")
    original = loaded
    unregistered = not is_issued(loaded.plan) if issued is None else not issued
    if unregistered and loaded.plan.document.number is not None:  # a number the register did not give: a draft
        document = loaded.plan.document.model_copy(update={"number": None})
        loaded = replace(loaded, plan=loaded.plan.model_copy(update={"document": document}))
    context = build_context(loaded.plan)
    data, names = _template(template)
    tpl = DocxTemplate(io.BytesIO(data))
    env = _jinja_env()
    unknown = sorted(names - set(context) - {"p", "line"})
    if unknown:
        raise KehoachError(
            f"mẫu {template.name} dùng biến không có trong dữ liệu kế hoạch: {', '.join(unknown)}",
            hint=f"Sửa thẻ {{{{ … }}}} trong mẫu; các biến có sẵn: {', '.join(sorted(context))}.")
    try:
        tpl.render(context, env, autoescape=True)
    except jinja2.TemplateError as exc:
        where = f" ở dòng {exc.lineno} của thẻ" if getattr(exc, "lineno", None) else ""
        raise KehoachError(f"mẫu {template.name} có thẻ {{{{ … }}}} hoặc {{% … %}} sai cú pháp{where}",
                           hint="Mở mẫu trong Word, sửa thẻ {{ … }} / {%p … %} cho đúng cú pháp.") from exc
    document = tpl.docx
    if original is not loaded:
        _mark_draft(document)
    if loaded.plan.annex is not None:
        _add_task_annex(document, loaded)
    if add_annexes is not None:
        add_annexes(document)
    _size_rules(document)
    _keep_body_with_closing(document)
    _add_footnotes(document, loaded.plan.footnotes)
    _explicit_fonts(document)
    _core_properties(document, loaded.plan)
    _custom_properties(document, loaded)
    _embed_model(document, original.plan)   # the plan as written, typed number included
    return _package_bytes(document)


def _mark_draft(document) -> None:
    """"DỰ THẢO", framed and bold, under the Số line of the header (where real drafts put it)."""
    for paragraph in document.element.body.iter(qn("w:p")):
        if nd30.NUMBER_START_RE.match(paragraph_text(paragraph)):
            break
    else:
        return
    mark = OxmlElement("w:p")
    ppr = OxmlElement("w:pPr")
    style = paragraph.find(qn("w:pPr"))
    if style is not None and style.find(qn("w:pStyle")) is not None:
        ppr.append(copy.deepcopy(style.find(qn("w:pStyle"))))
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "8")
        line.set(qn("w:space"), "1")
        line.set(qn("w:color"), "000000")
        borders.append(line)
    ppr.append(borders)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "120")
    ppr.append(spacing)
    indent = OxmlElement("w:ind")   # the frame hugs the word, not the whole cell
    indent.set(qn("w:left"), "900")
    indent.set(qn("w:right"), "900")
    ppr.append(indent)
    mark.append(ppr)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    rpr.append(OxmlElement("w:b"))
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = nd30.DRAFT_MARK
    run.append(text)
    mark.append(run)
    paragraph.addnext(mark)


class _Members:
    """Collects a package's members in the order python-docx writes them, instead of zipping them."""

    def __init__(self) -> None:
        self.items: list[tuple[str, bytes]] = []

    def write(self, pack_uri, blob: bytes) -> None:
        self.items.append((pack_uri.membername, blob))


def _package_bytes(document) -> bytes:
    """The DOCX zipped once with fixed timestamps: the members python-docx's save writes, in its order (its own save
    would compress everything a first time, only for deterministic_zip to undo and redo it)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    members = _Members()
    PackageWriter._write_content_types_stream(members, package.parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, package.parts)
    return zip_members(members.items)


# --- task annex --------------------------------------------------------------

ANNEX_COLUMNS = (("STT", 1.2), ("Nội dung", 9.2), ("Cơ quan chủ trì", 3.9), ("Cơ quan phối hợp", 4.9),
                 ("Thời gian", 2.5), ("Sản phẩm", 3.5))  # cm; together the landscape text width: 297 − 30 − 15 mm


def _agency_names(loaded: LoadedPlan, names: list[str]) -> str:
    doc = loaded.plan.document
    on = doc.date.to_date()
    shown = []
    for name in names:
        agency_id = loaded.agency_id(name)
        if agency_id and agency_id == name:  # written as an id: print the registry's name valid on the plan date
            shown.append(loaded.registry.agency_name(agency_id, on, doc.province))
        else:
            shown.append(name)
    return "; ".join(shown)


def annex_reference(plan: Plan) -> str:
    """'(Kèm theo Kế hoạch số 07/KH-UBND ngày 06 tháng 01 năm 2025 của Ủy ban nhân dân tỉnh Nghệ An)'."""
    from ..text import nd30_date_line

    doc = plan.document
    number = number_line(plan).removeprefix("Số: ")
    when = nd30_date_line(None, doc.date.year, doc.date.month, doc.date.day)
    return f"(Kèm theo {doc.type} số {number} {when} của {doc.issuer.name})"


def start_annex(document, label: str, title: str, reference: str) -> None:
    """A landscape section after the signature: Phụ lục, its title, the reference line."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Twips

    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(16838), Twips(11906)
    for side in ("top", "bottom", "left", "right"):   # the decree's margins, as on a portrait page
        setattr(section, f"{side}_margin", Twips(nd30.PRINTED_MARGINS_TWIPS[side]))
    page_numbers = OxmlElement("w:pgNumType")
    page_numbers.set(qn("w:start"), "1")  # ND30: each Phụ lục is numbered on its own
    section._sectPr.append(page_numbers)
    document.add_paragraph(label, style="KH Phụ lục")
    document.add_paragraph(title, style="KH Tên phụ lục")
    document.add_paragraph(reference, style="KH Kèm theo")


def add_grid_table(document, columns, rows: list[list[str]]) -> None:
    """A bordered table: a heading row (repeated on every page) over *rows*; *columns* are (heading, width in cm)."""
    from docx.shared import Cm

    table = document.add_table(rows=1 + len(rows), cols=len(columns))
    table.style = "Table Grid"
    table.autofit = False
    for column, (heading, width) in enumerate(columns):
        table.columns[column].width = Cm(width)
        cell = table.cell(0, column)
        cell.width = Cm(width)
        cell.paragraphs[0].style = "KH Bảng - tiêu đề"
        cell.paragraphs[0].add_run(heading)
    # Style ids looked up once: python-docx resolves a style name by scanning every style, for every cell.
    body_id, heading_id = (document.styles[name].style_id for name in ("KH Bảng - nội dung", "KH Bảng - tiêu đề"))
    for table_row, values in zip(table.rows[1:], rows):
        cells = table_row.cells  # once a row: table.cell(r, c) walks the whole table each time
        for column, value in enumerate(values):
            cell = cells[column]
            cell.width = Cm(columns[column][1])
            paragraph = cell.paragraphs[0]
            paragraph._p.style = body_id if column else heading_id
            paragraph.add_run(value)
    for row in table.rows:   # a task's row never splits across pages (a row taller than a page still breaks)
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    # the heading row repeats on every page of the annex (tblHeader follows cantSplit in CT_TrPr)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _add_task_annex(document, loaded: LoadedPlan) -> None:
    """The plan's Phụ lục: the task table."""
    from ..model.walk import iter_tasks
    from .plain import strip_emphasis

    plan = loaded.plan
    start_annex(document, plan.annex.label, plan.annex.title, annex_reference(plan))
    rows = []
    for row, (_, block) in enumerate(iter_tasks(plan), 1):
        task = block.task
        rows.append([str(row), strip_emphasis(block.title or block.text or ""), _agency_names(loaded, task.lead),
                     _agency_names(loaded, task.cooperating), task.timeframe or "", "; ".join(task.products)])
    add_grid_table(document, ANNEX_COLUMNS, rows)


# --- finishing touches ------------------------------------------------------

def _keep_body_with_closing(document) -> None:
    """The last body paragraph keeps with the closing table, so the closing never opens a page on its own.

    The closing row itself cannot split (cantSplit in the template) and its paragraphs keep together.
    """
    from ..ooxml.reader import paragraph_before_closing

    previous = paragraph_before_closing(document.element.body)
    if previous is not None:
        ppr = previous.find(qn("w:pPr"))
        if ppr is None:
            ppr = OxmlElement("w:pPr")
            previous.insert(0, ppr)
        insert_in_order(ppr, OxmlElement("w:keepNext"), PPR_ORDER)


def _available_twips(document, paragraph) -> int:
    """Width a paragraph can use: its table cell less the cell margins, else the page's text width."""
    parent = paragraph.getparent()
    while parent is not None and parent.tag not in (qn("w:tc"), qn("w:body")):
        parent = parent.getparent()
    if parent is not None and parent.tag == qn("w:tc"):
        width = parent.find(qn("w:tcPr")).find(qn("w:tcW"))
        return int(width.get(qn("w:w"))) - 2 * CELL_MARGIN_TWIPS
    section = document.sections[0]
    return int((section.page_width - section.left_margin - section.right_margin) / 635)


def _size_rules(document) -> None:
    """Give each rule paragraph the ND30 length, centred, by indenting it from both sides."""
    body = document.element.body
    fmt = Formatting(document)
    for p in list(body.iter(qn("w:p"))):
        style = fmt.style_id(p)
        if style not in RULES:
            continue
        sources, share = RULES[style]
        available = _available_twips(document, p)
        widths = []
        for sibling in p.itersiblings(preceding=True):
            if sibling.tag != qn("w:p"):
                break
            if fmt.style_id(sibling) not in sources:
                if widths:
                    break
                continue
            run = fmt.style_run(fmt.style_id(sibling))
            widths.append(text_width_pt(paragraph_text(sibling), run.size_pt or nd30.BODY.printed, run.bold, run.italic)
                          * TWIPS_PER_PT)
        if not widths:
            continue
        rule = int(min(max(widths), available) * share)
        side = max(0, (available - rule) // 2)
        ppr = p.find(qn("w:pPr"))
        ind = OxmlElement("w:ind")
        ind.set(qn("w:left"), str(side))
        ind.set(qn("w:right"), str(side))
        insert_in_order(ppr, ind, PPR_ORDER)


def _footnote_xml(note_id: int, text: str) -> str:
    from xml.sax.saxutils import escape

    return (
        f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="KHChuThich"/></w:pPr>'
        f'<w:r><w:rPr><w:rStyle w:val="KHDauChuThich"/><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(text)}</w:t></w:r></w:p></w:footnote>'
    )


def _add_footnotes(document, notes: dict[str, str]) -> None:
    """Turn footnote marks into real Word footnotes (a footnotes part, references in the text)."""
    import copy

    numbers: dict[str, int] = {}
    for t in list(document.element.body.iter(qn("w:t"))):
        text = t.text or ""
        if not _FOOTNOTE_MARK_RE.search(text):
            continue
        run = t.getparent()
        rpr = run.find(qn("w:rPr"))
        pieces = _FOOTNOTE_MARK_RE.split(text)  # text, id, text, id, …, text
        new_runs = []
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                if not piece:
                    continue
                new_run = OxmlElement("w:r")
                if rpr is not None:
                    new_run.append(copy.deepcopy(rpr))
                new_t = OxmlElement("w:t")
                new_t.set(qn("xml:space"), "preserve")
                new_t.text = piece
                new_run.append(new_t)
            else:
                numbers.setdefault(piece, len(numbers) + 1)
                new_run = OxmlElement("w:r")
                ref_rpr = OxmlElement("w:rPr")
                style = OxmlElement("w:rStyle")
                style.set(qn("w:val"), "KHDauChuThich")
                ref_rpr.append(style)
                superscript = OxmlElement("w:vertAlign")   # explicit: some viewers ignore it on the style
                superscript.set(qn("w:val"), "superscript")
                ref_rpr.append(superscript)
                new_run.append(ref_rpr)
                reference = OxmlElement("w:footnoteReference")
                reference.set(qn("w:id"), str(numbers[piece]))
                new_run.append(reference)
            new_runs.append(new_run)
        parent = run.getparent()
        position = parent.index(run)
        parent.remove(run)
        for offset, new_run in enumerate(new_runs):
            parent.insert(position + offset, new_run)
    if not numbers:
        return
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    )
    notes_xml = "".join(_footnote_xml(n, notes.get(k, "")) for k, n in numbers.items())
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {nsdecls("w")}>'
           f"{separators}{notes_xml}</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    settings = document.settings.element
    footnote_pr = OxmlElement("w:footnotePr")
    for note_id in ("-1", "0"):
        el = OxmlElement("w:footnote")
        el.set(qn("w:id"), note_id)
        footnote_pr.append(el)
    for index, child in enumerate(settings):
        if child.tag.split("}")[1] in SETTINGS_BEFORE_FOOTNOTEPR:
            settings.insert(index, footnote_pr)
            break
    else:
        settings.append(footnote_pr)


def _explicit_fonts(document) -> None:
    """Times New Roman named on every run, so no viewer falls back to a theme or default font."""
    parts = [document.element.body]
    for section in document.sections:
        for header in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            parts.append(header._element)
    for root in parts:
        for run in root.iter(qn("w:r")):
            rpr = run.find(qn("w:rPr"))
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                run.insert(0, rpr)
            set_run_fonts(rpr, nd30.FONT)


def _custom_properties(document, loaded: LoadedPlan) -> None:
    """ND30 Phụ lục VI fields as DOCX custom properties, read back when the DOCX becomes a PDF."""
    from .properties import custom_properties_xml, nd30_values

    part = Part(PackURI("/docProps/custom.xml"), "application/vnd.openxmlformats-officedocument.custom-properties+xml",
                custom_properties_xml(nd30_values(loaded.plan, loaded)), document.part.package)
    document.part.package.relate_to(part, RT.CUSTOM_PROPERTIES)


MODEL_PART = "/" + EMBEDDED_PLAN_PART
MODEL_RELATIONSHIP = "http://kehoach.vn/relationships/plan-model"


def model_json(plan: Plan) -> bytes:
    import json

    data = plan.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


# The copy in a customXml item (Word and LibreOffice keep these when they save the file again; they drop MODEL_PART).
# The item id is fixed so that the same plan gives the same bytes.
MODEL_ITEM_ID = "{6B6568F1-6163-4B48-8F61-6E2D706C616E}"


def _model_item(data: bytes) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{EMBEDDED_PLAN_NAMESPACE}}}plan", nsmap={None: EMBEDDED_PLAN_NAMESPACE})
    root.text = data.decode("utf-8")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _model_item_properties() -> bytes:
    ds = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ds:datastoreItem ds:itemID="{MODEL_ITEM_ID}" '
            f'xmlns:ds="{ds}"><ds:schemaRefs><ds:schemaRef ds:uri="{EMBEDDED_PLAN_NAMESPACE}"/></ds:schemaRefs>'
            "</ds:datastoreItem>").encode("utf-8")


def _embed_model(document, plan: Plan) -> None:
    """The plan's data inside the DOCX, so `kehoach import` of an unedited render gives the same model back: as a
    part of its own, and as a customXml item that is still there after Word or LibreOffice saved the file."""
    package = document.part.package
    data = model_json(plan)
    part = Part(PackURI(MODEL_PART), "application/json", data, package)
    package.relate_to(part, MODEL_RELATIONSHIP)
    item = Part(package.next_partname("/customXml/item%d.xml"), "application/xml", _model_item(data), package)
    document.part.relate_to(item, RT.CUSTOM_XML)
    number = str(item.partname).rsplit("item", 1)[1].split(".")[0]
    properties = Part(PackURI(f"/customXml/itemProps{number}.xml"),
                      "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
                      _model_item_properties(), package)
    item.relate_to(properties, RT.CUSTOM_XML_PROPS)


def _fit(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _core_properties(document, plan: Plan) -> None:
    doc = plan.document
    core = document.core_properties
    core.title = _fit(doc.title, 255)  # the core-properties part limits text fields to 255 characters
    core.author = _fit(doc.issuer.name, 255)
    core.subject = f"{doc.type} {number_line(plan)}"
    core.keywords = "; ".join(filter(None, [doc.type, doc.symbol, doc.province or "", "kehoach"]))
    core.comments = ""
    core.category = doc.type
    core.last_modified_by = "kehoach"
    core.revision = 1
    stamp = datetime(doc.date.year, doc.date.month or 1, doc.date.day or 1)
    core.created = stamp
    core.modified = stamp
    core.last_printed = stamp
