"""Hand-judging aid for the DOCX corpus: every paragraph with its effective font, size, bold, italic, alignment, indents.

    .venv/bin/python benchmarks/docx_formatting.py FILE.docx

Reads the XML directly, not through the ooxml reader that lint-docx uses, so a judge does not see the document through
the code being judged. Run properties are resolved in Word's order: docDefaults, table style, paragraph style (with its
basedOn chain), character style, the run. Then come each section's page size, margins, first-page setting, page
numbering, header and footer references, and the text of every header and footer part with its field codes.
"""

from __future__ import annotations

import sys
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TWIPS_PER_MM = 56.7


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


class Styles:
    def __init__(self, archive: zipfile.ZipFile):
        self.by_id: dict = {}
        self.theme: dict = {}
        self.default_run = self.default_paragraph = None
        self.default_paragraph_style = self.default_table_style = None
        styles = _part(archive, "word/styles.xml")
        if styles is not None:
            self.default_run = styles.find(f"{q('docDefaults')}/{q('rPrDefault')}/{q('rPr')}")
            self.default_paragraph = styles.find(f"{q('docDefaults')}/{q('pPrDefault')}/{q('pPr')}")
            for style in styles.findall(q("style")):
                self.by_id[style.get(q("styleId"))] = style
                if style.get(q("default")) in ("1", "true"):
                    if style.get(q("type")) == "paragraph":
                        self.default_paragraph_style = style.get(q("styleId"))
                    elif style.get(q("type")) == "table":
                        self.default_table_style = style.get(q("styleId"))
        theme = _part(archive, "word/theme/theme1.xml")
        for kind in ("major", "minor") if theme is not None else ():
            latin = theme.find(f".//{{{A}}}{kind}Font/{{{A}}}latin")
            if latin is not None:
                self.theme[kind] = latin.get("typeface")

    def chain(self, style_id: str | None) -> list:
        """The style and those it is based on, base first."""
        found = []
        while style_id in self.by_id and len(found) < 20:   # 20: a basedOn loop in a hostile file ends
            found.append(self.by_id[style_id])
            based = self.by_id[style_id].find(q("basedOn"))
            style_id = based.get(q("val")) if based is not None else None
        return found[::-1]


def _part(archive: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(archive.read(name), etree.XMLParser(resolve_entities=False, no_network=True))
    except KeyError:
        return None


def _apply_run(props: dict, rpr, styles: Styles) -> None:
    if rpr is None:
        return
    fonts = rpr.find(q("rFonts"))
    if fonts is not None:
        theme = fonts.get(q("asciiTheme")) or fonts.get(q("hAnsiTheme"))
        named = fonts.get(q("ascii")) or fonts.get(q("hAnsi"))
        if theme:   # a theme attribute wins over the named font in Word
            props["font"] = "theme:" + styles.theme.get("major" if theme.startswith("major") else "minor", theme)
        elif named:
            props["font"] = named
    size = rpr.find(q("sz"))
    if size is not None:
        props["size"] = int(size.get(q("val"))) / 2
    for tag in ("b", "i", "caps"):
        element = rpr.find(q(tag))
        if element is not None:
            props[tag] = element.get(q("val")) not in ("0", "false")


def _apply_paragraph(props: dict, ppr) -> None:
    if ppr is None:
        return
    justification = ppr.find(q("jc"))
    if justification is not None:
        props["jc"] = justification.get(q("val"))
    indent = ppr.find(q("ind"))
    for key in ("firstLine", "hanging", "left", "start") if indent is not None else ():
        if indent.get(q(key)) is not None:
            props[key] = indent.get(q(key))


def _inside_box(element, paragraph) -> bool:
    """Whether *element* sits in a text box or an mc:Fallback copy below *paragraph*."""
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return False
        if ancestor.tag == q("txbxContent") or ancestor.tag.endswith("}Fallback"):
            return True
    return False


def paragraph_lines(paragraph, where: str, styles: Styles, table_style: str | None = None) -> list[str]:
    ppr = paragraph.find(q("pPr"))
    style_tag = ppr.find(q("pStyle")) if ppr is not None else None
    style = style_tag.get(q("val")) if style_tag is not None else styles.default_paragraph_style
    base_run, base_paragraph = {}, {}
    _apply_run(base_run, styles.default_run, styles)
    _apply_paragraph(base_paragraph, styles.default_paragraph)
    for element in styles.chain(table_style) + styles.chain(style):
        _apply_run(base_run, element.find(q("rPr")), styles)
        _apply_paragraph(base_paragraph, element.find(q("pPr")))
    _apply_paragraph(base_paragraph, ppr)
    groups: list[list] = []
    for run in paragraph.iter(q("r")):
        # mc:Fallback repeats the mc:Choice text; a text box is listed after the paragraph it is anchored in
        if _inside_box(run, paragraph):
            continue
        text = "".join({q("t"): node.text or "", q("tab"): "\t", q("br"): "⏎"}.get(node.tag, "") for node in run)
        field = "".join(node.text or "" for node in run.findall(q("instrText"))).strip()
        if not text and not field:
            continue
        props = dict(base_run)
        rpr = run.find(q("rPr"))
        if rpr is not None and rpr.find(q("rStyle")) is not None:
            for element in styles.chain(rpr.find(q("rStyle")).get(q("val"))):
                _apply_run(props, element.find(q("rPr")), styles)
        _apply_run(props, rpr, styles)
        key = ",".join(f"{k}={v}" for k, v in sorted(props.items()))
        if groups and groups[-1][1] == key:
            groups[-1][0] += text or f"[{field}]"
        else:
            groups.append([text or f"[{field}]", key])
    boxes = [box for box in paragraph.iter(q("txbxContent")) if not _inside_box(box.getparent(), paragraph)]
    lines = []
    if "".join(g[0] for g in groups).strip():
        layout = ",".join(f"{k}={v}" for k, v in base_paragraph.items())
        lines = [f"{where} [{style}] {{{layout}}}"] + [f"      «{t}» {k}" for t, k in groups
                                                                if t.strip() or "\t" in t]
    for number, box in enumerate(boxes, 1):
        lines += block_lines(box, f"{where}box{number}.", styles)
    return lines


def section_line(sect) -> str:
    size = sect.find(q("pgSz"))
    margins = sect.find(q("pgMar"))
    numbering = sect.find(q("pgNumType"))
    parts = [f"{ref.tag.split('}')[1][:6]}:{ref.get(q('type'))}={ref.get(f'{{{R}}}id')}"
             for ref in sect.findall(q("headerReference")) + sect.findall(q("footerReference"))]
    page = {k.split("}")[1]: v for k, v in size.attrib.items()} if size is not None else {}
    mm = {side: f"{int(margins.get(q(side))) / TWIPS_PER_MM:.1f}mm" for side in ("top", "bottom", "left", "right")
          if margins is not None and margins.get(q(side)) is not None}
    return (f"SECTION page={page} margins={mm} titlePg={sect.find(q('titlePg')) is not None} "
            f"pgNumType={dict((k.split('}')[1], v) for k, v in numbering.attrib.items()) if numbering is not None else None} "
            f"{' '.join(parts)}")


def _table_style(table, styles: Styles) -> str | None:
    tag = table.find(f"{q('tblPr')}/{q('tblStyle')}")
    return tag.get(q("val")) if tag is not None else styles.default_table_style


def block_lines(container, where: str, styles: Styles, table_style: str | None = None) -> list[str]:
    lines: list[str] = []
    for index, child in enumerate(container, 1):
        here = f"{where}{index}"
        if child.tag == q("p"):
            lines += paragraph_lines(child, here, styles, table_style)
            ppr = child.find(q("pPr"))
            if ppr is not None and ppr.find(q("sectPr")) is not None:
                lines.append(section_line(ppr.find(q("sectPr"))))
        elif child.tag == q("tbl"):
            for row_index, row in enumerate(child.findall(q("tr"))):
                for cell_index, cell in enumerate(row.findall(q("tc"))):
                    lines += block_lines(cell, f"{here}T{row_index}.{cell_index}.", styles, _table_style(child, styles))
        elif child.tag == q("sdt") and child.find(q("sdtContent")) is not None:
            lines += block_lines(child.find(q("sdtContent")), f"{here}s.", styles, table_style)
        elif child.tag == q("sectPr"):
            lines.append(section_line(child))
    return lines


def formatting_lines(path: str) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        styles = Styles(archive)
        document = _part(archive, "word/document.xml")
        lines = [f"THEME {styles.theme} DEFAULT_STYLE {styles.default_paragraph_style}"]
        lines += block_lines(document.find(q("body")), "P", styles)
        for name in sorted(n for n in archive.namelist() if n.startswith(("word/header", "word/footer"))):
            lines.append(f"PART {name}")
            lines += block_lines(_part(archive, name), "  H", styles)
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("Cách gọi: benchmarks/docx_formatting.py TỆP.docx", file=sys.stderr)
        sys.exit(2)
    print("\n".join(formatting_lines(sys.argv[1])))
