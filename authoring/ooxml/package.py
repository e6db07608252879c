"""Low-level WordprocessingML helpers: fonts, schema-ordered inserts, footnotes, byte-stable zips."""

from __future__ import annotations

import io
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

# Child order inside <w:tblPr> (ECMA-376 CT_TblPr); Word refuses files that break it.
TBLPR_ORDER = ["tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
               "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
               "tblCaption", "tblDescription"]
# Child order inside <w:pPr> (CT_PPrBase), enough for what kehoach writes.
PPR_ORDER = ["pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
             "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
             "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
             "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange"]
RPR_ORDER = ["rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
             "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w",
             "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign",
             "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"]
SETTINGS_BEFORE_FOOTNOTEPR = {"compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                              "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
                              "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
                              "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator", "endnotePr"}

FIXED_ZIP_TIME = (2020, 3, 5, 0, 0, 0)  # the day ND30 was signed; any constant keeps output byte-stable


def insert_in_order(parent, child, order: list[str]) -> None:
    """Insert *child* into *parent* where the schema wants it, replacing one of the same tag."""
    local = child.tag.split("}")[1]
    existing = parent.find(child.tag)
    if existing is not None:
        parent.replace(existing, child)
        return
    rank = order.index(local)
    for index, sibling in enumerate(parent):
        sibling_local = sibling.tag.split("}")[1] if "}" in sibling.tag else sibling.tag
        if sibling_local in order and order.index(sibling_local) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def set_run_fonts(rpr, font: str) -> None:
    """Name *font* for every script slot of an rPr and drop theme-font attributes."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        insert_in_order(rpr, fonts, RPR_ORDER)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attr}"), font)


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps and attributes, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_members([(info.filename, source.read(info.filename)) for info in source.infolist()])


def zip_members(members: list[tuple[str, bytes]]) -> bytes:
    """(name, bytes) members as a zip with fixed timestamps and attributes, in the order given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name, blob in members:
            fixed = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            fixed.create_system = 3
            target.writestr(fixed, blob)
    return out.getvalue()
