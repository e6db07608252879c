"""Effective formatting in any DOCX: direct formatting, then the style chain, then document defaults."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from docx.oxml.ns import qn

EMU_PER_MM = 36000
TWIPS_PER_CM = 566.93


def _on(el) -> bool | None:
    """A WordprocessingML on/off property: present means on, unless w:val says otherwise."""
    if el is None:
        return None
    return el.get(qn("w:val"), "true") not in ("0", "false", "off")


@dataclass(frozen=True)
class ParagraphFormat:
    alignment: str | None      # left, center, both (justified), right
    first_line_cm: float | None
    left_cm: float
    before_pt: float
    after_pt: float
    line_multiple: float | None  # 1.0 = single; None when an exact/at-least height is set
    line_exact_pt: float | None


@dataclass(frozen=True)
class RunFormat:
    font: str | None
    theme_font: bool
    size_pt: float | None
    bold: bool
    italic: bool
    caps: bool


class Formatting:
    """Resolves effective paragraph and run formatting for one document."""

    def __init__(self, document):
        self.document = document
        self._styles = {}
        styles = document.styles.element
        for style in styles.findall(qn("w:style")):
            self._styles[style.get(qn("w:styleId"))] = style
        defaults = styles.find(qn("w:docDefaults"))
        self._rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None and \
            defaults.find(qn("w:rPrDefault")) is not None else None
        ppr_default = defaults.find(qn("w:pPrDefault")) if defaults is not None else None
        self._ppr_default = ppr_default.find(qn("w:pPr")) if ppr_default is not None else None
        self._default_paragraph_style = None
        for style in styles.findall(qn("w:style")):
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                self._default_paragraph_style = style.get(qn("w:styleId"))
        self._default_table_style = next((s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))
                                          if s.get(qn("w:type")) == "table" and s.get(qn("w:default")) in ("1", "true")),
                                         None)
        self._style_chain = lru_cache(maxsize=None)(self._chain)

    def _chain(self, style_id: str | None) -> tuple:
        chain = []
        seen = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return tuple(chain)

    @staticmethod
    def style_id(p) -> str | None:
        ppr = p.find(qn("w:pPr"))
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return style.get(qn("w:val")) if style is not None else None

    def style_name(self, p) -> str | None:
        style_id = self.style_id(p) or self._default_paragraph_style
        style = self._styles.get(style_id)
        name = style.find(qn("w:name")) if style is not None else None
        return name.get(qn("w:val")) if name is not None else style_id

    def _paragraph_sources(self, p):
        sources = []
        ppr = p.find(qn("w:pPr"))
        if ppr is not None:
            sources.append(ppr)
        for style in self._style_chain(self.style_id(p) or self._default_paragraph_style):
            style_ppr = style.find(qn("w:pPr"))
            if style_ppr is not None:
                sources.append(style_ppr)
        if self._ppr_default is not None:
            sources.append(self._ppr_default)
        return sources

    def _first(self, sources, tag: str, attr: str | None = None):
        for source in sources:
            el = source.find(qn(tag))
            if el is not None and (attr is None or el.get(qn(attr)) is not None):
                return el
        return None

    def paragraph(self, p) -> ParagraphFormat:
        sources = self._paragraph_sources(p)
        jc = self._first(sources, "w:jc")
        first = self._first(sources, "w:ind", "w:firstLine")
        hanging = self._first(sources, "w:ind", "w:hanging")
        left = self._first(sources, "w:ind", "w:left")
        left = left if left is not None else self._first(sources, "w:ind", "w:start")
        before = self._first(sources, "w:spacing", "w:before")
        after = self._first(sources, "w:spacing", "w:after")
        line = self._first(sources, "w:spacing", "w:line")
        first_cm = None
        if first is not None:
            first_cm = int(first.get(qn("w:firstLine"))) / TWIPS_PER_CM
        elif hanging is not None:
            first_cm = -int(hanging.get(qn("w:hanging"))) / TWIPS_PER_CM
        left_value = 0.0
        if left is not None:
            left_value = int(left.get(qn("w:left")) or left.get(qn("w:start"))) / TWIPS_PER_CM
        line_multiple, line_exact = 1.0, None
        if line is not None:
            rule = line.get(qn("w:lineRule"), "auto")
            value = int(line.get(qn("w:line")))
            if rule == "auto":
                line_multiple = value / 240
            else:
                line_multiple, line_exact = None, value / 20
        return ParagraphFormat(
            alignment=jc.get(qn("w:val")) if jc is not None else "left",
            first_line_cm=first_cm,
            left_cm=left_value,
            before_pt=int(before.get(qn("w:before"))) / 20 if before is not None else 0.0,
            after_pt=int(after.get(qn("w:after"))) / 20 if after is not None else 0.0,
            line_multiple=line_multiple,
            line_exact_pt=line_exact,
        )

    def has_bottom_border(self, p) -> bool:
        """Whether the paragraph draws a line under itself (direct or from its style)."""
        for source in self._paragraph_sources(p):
            border = source.find(qn("w:pBdr"))
            if border is not None and border.find(qn("w:bottom")) is not None:
                return border.find(qn("w:bottom")).get(qn("w:val")) not in ("nil", "none")
        return False

    def run(self, r, p) -> RunFormat:
        sources = []
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            sources.append(rpr)
            run_style = rpr.find(qn("w:rStyle"))
            if run_style is not None:
                for style in self._style_chain(run_style.get(qn("w:val"))):
                    if style.find(qn("w:rPr")) is not None:
                        sources.append(style.find(qn("w:rPr")))
        for style in self._style_chain(self.style_id(p) or self._default_paragraph_style):
            if style.find(qn("w:rPr")) is not None:
                sources.append(style.find(qn("w:rPr")))
        # A table style sits between the paragraph's style and docDefaults (ECMA-376 §17.7.2): a Table Grid that sets
        # Times New Roman overrides the theme font docDefaults name.
        for style in self._style_chain(self._table_style(p)):
            if style.find(qn("w:rPr")) is not None:
                sources.append(style.find(qn("w:rPr")))
        if self._rpr_default is not None:
            sources.append(self._rpr_default)
        font, theme = None, False
        for source in sources:
            fonts = source.find(qn("w:rFonts"))
            if fonts is None:
                continue
            if fonts.get(qn("w:ascii")):
                font = fonts.get(qn("w:ascii"))
                break
            if fonts.get(qn("w:asciiTheme")):
                theme = True
                break
        size = self._first(sources, "w:sz")
        return RunFormat(
            font=font,
            theme_font=theme,
            size_pt=int(size.get(qn("w:val"))) / 2 if size is not None else None,
            bold=bool(_on(self._first(sources, "w:b"))),
            italic=bool(_on(self._first(sources, "w:i"))),
            caps=bool(_on(self._first(sources, "w:caps"))),
        )

    def _table_style(self, p) -> str | None:
        """The style of the innermost table holding *p* (its own, else the document's default table style)."""
        node = p.getparent()
        while node is not None and node.tag != qn("w:tbl"):
            if node.tag == qn("w:txbxContent"):
                return None   # a text box in a cell does not take the cell's table style
            node = node.getparent()
        if node is None:
            return None
        tag = node.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        return tag.get(qn("w:val")) if tag is not None else self._default_table_style

    def style_run(self, style_id: str | None) -> RunFormat:
        """The run formatting a paragraph style gives its text (style chain, then document defaults)."""
        sources = [s.find(qn("w:rPr")) for s in self._style_chain(style_id)]
        sources = [s for s in sources if s is not None]
        if self._rpr_default is not None:
            sources.append(self._rpr_default)
        size = self._first(sources, "w:sz")
        return RunFormat(font=None, theme_font=False, size_pt=int(size.get(qn("w:val"))) / 2 if size is not None else None,
                         bold=bool(_on(self._first(sources, "w:b"))), italic=bool(_on(self._first(sources, "w:i"))),
                         caps=bool(_on(self._first(sources, "w:caps"))))
