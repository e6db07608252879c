"""Only the last two lines of the last paragraph go with the closing block to its page, not the whole paragraph.

The last body paragraph keeps with the closing block (render/docx.py), so the block never opens a page alone.
LibreOffice honours that by moving the whole paragraph, leaving up to a third of the page before blank (Word moves
its last lines). When the PDF shows the paragraph moved whole, the copy of the DOCX given to LibreOffice once more
has that paragraph cut, at the line the PDF shows, into a part that flows freely and a two-line tail that keeps with
the block; the cut part's last line stays justified, so the page reads as one paragraph. The DOCX a user downloads
is not changed.
"""

from __future__ import annotations

import copy
import io
import re
from pathlib import Path

from docx.oxml.ns import qn
from lxml import etree

from .. import nd30
from ..ooxml.package import PPR_ORDER, insert_in_order, zip_members
from ..ooxml.reader import paragraph_before_closing
from ..ooxml.safety import open_zip, read_member, safe_xml_parser
from ..text import nfc

TAIL_LINES = 2                  # what Word's widow control would carry over with the block
_RUN_PARTS = {qn("w:rPr"), qn("w:t")}


def _solid(text: str) -> str:
    return re.sub(r"\s+", "", nfc(text))


def closing_page_lead(pdf: bytes) -> list[str] | None:
    """The body lines above "Nơi nhận:" on the page that holds the closing block (None: no such page)."""
    import pdfplumber

    top_margin = nd30.PRINTED_MARGINS_TWIPS["top"] / 20
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in reversed(document.pages):
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            heads = [w for w, after in zip(words, words[1:]) if nfc(w["text"]) == "Nơi" and nfc(after["text"]) == "nhận:"]
            if not heads:
                continue
            head = heads[-1]["top"]
            lines: dict[int, list[dict]] = {}
            for word in words:
                if word["bottom"] <= top_margin or word["top"] >= head - 1:
                    continue   # the page number above the text area; the closing block and below
                key = round(word["top"])
                near = next((k for k in lines if abs(k - key) <= 2), key)
                lines.setdefault(near, []).append(word)
            return [" ".join(nfc(w["text"]) for w in sorted(lines[k], key=lambda w: w["x0"])) for k in sorted(lines)]
    return None


def _last_body_paragraph(body):
    """The paragraph just before the closing table, if it keeps with it."""
    previous = paragraph_before_closing(body)
    if previous is None:
        return None
    ppr = previous.find(qn("w:pPr"))
    return previous if ppr is not None and ppr.find(qn("w:keepNext")) is not None else None


def _plain_runs(paragraph) -> list | None:
    """The paragraph's runs when it holds nothing but runs of text (no footnote, field, drawing); else None."""
    runs = []
    for child in paragraph:
        if child.tag == qn("w:pPr"):
            continue
        if child.tag != qn("w:r") or any(part.tag not in _RUN_PARTS for part in child) \
                or len(child.findall(qn("w:t"))) > 1:
            return None
        runs.append(child)
    return runs


def _set(ppr, tag: str, **values: str) -> None:
    """Set attributes of a pPr child, keeping the others it has (w:ind's left indent, w:spacing's line)."""
    element = ppr.find(qn(f"w:{tag}"))
    element = copy.deepcopy(element) if element is not None else etree.Element(qn(f"w:{tag}"))
    for name, value in values.items():
        if value is None:
            element.attrib.pop(qn(f"w:{name}"), None)
        else:
            element.set(qn(f"w:{name}"), value)
    insert_in_order(ppr, element, PPR_ORDER)


def split_tail(paragraph, lines: list[str]) -> bool:
    """Cut *paragraph* (printed as *lines*) before its last TAIL_LINES lines; False when it cannot be cut safely."""
    runs = _plain_runs(paragraph)
    if runs is None or len(lines) <= TAIL_LINES:
        return False
    texts = [t for run in runs for t in run.iter(qn("w:t"))]
    if _solid("".join(t.text or "" for t in texts)) != _solid(" ".join(lines)):
        return False   # the page does not show this paragraph alone above the block
    left = len(_solid(" ".join(lines[-TAIL_LINES:])))
    for t_index in range(len(texts) - 1, -1, -1):
        text = texts[t_index].text or ""
        for at in range(len(text) - 1, -1, -1):
            if not text[at].isspace():
                left -= 1
            if left == 0:
                before = text[at - 1] if at else (texts[t_index - 1].text or "")[-1:] if t_index else ""
                if not before.isspace():
                    return False   # not a word boundary: the lines were read differently
                return _cut(paragraph, texts, t_index, at)
    return False


def _cut(paragraph, texts, t_index: int, at: int) -> bool:
    tail = copy.deepcopy(paragraph)
    tail_texts = list(tail.iter(qn("w:t")))
    # the head keeps text before the cut, the tail text from it
    texts[t_index].text = (texts[t_index].text or "")[:at].rstrip()
    for t in texts[t_index + 1:]:
        paragraph.remove(t.getparent())
    tail_texts[t_index].text = (tail_texts[t_index].text or "")[at:].lstrip()
    for t in tail_texts[:t_index]:
        tail.remove(t.getparent())
    for t in (texts[t_index], tail_texts[t_index]):
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    head_ppr = paragraph.find(qn("w:pPr"))
    keep = head_ppr.find(qn("w:keepNext"))
    head_ppr.remove(keep)
    _set(head_ppr, "spacing", after="0")
    _set(head_ppr, "jc", val="distribute")   # its last line is not the paragraph's: justified like the others
    tail_ppr = tail.find(qn("w:pPr"))
    _set(tail_ppr, "spacing", before="0")
    _set(tail_ppr, "ind", firstLine="0", hanging=None, firstLineChars=None, hangingChars=None)
    paragraph.addnext(tail)
    return True


def tail_split_docx(docx: Path, pdf: bytes) -> bytes | None:
    """The DOCX with its last paragraph cut before its last two lines, when *pdf* shows it moved whole with the
    closing block to a new page; None when there is nothing to gain or it cannot be done safely."""
    lines = closing_page_lead(pdf)
    if not lines or len(lines) <= TAIL_LINES:
        return None
    archive, _ = open_zip(docx, "P100")   # the bounds every DOCX input gets (ooxml/safety.py)
    with archive:
        members = [(info.filename, read_member(docx, archive, info.filename, "P100")) for info in archive.infolist()]
    names = [name for name, _ in members]
    if "word/document.xml" not in names:
        return None
    at = names.index("word/document.xml")
    try:
        root = etree.fromstring(members[at][1], safe_xml_parser())
    except etree.XMLSyntaxError:
        return None   # LibreOffice read it anyway; its first layout stands
    body = root.find(qn("w:body"))
    paragraph = _last_body_paragraph(body) if body is not None else None
    if paragraph is None or not split_tail(paragraph, lines):
        return None
    members[at] = ("word/document.xml", etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
    return zip_members(members)
