"""Reading an existing plan (plain text or DOCX) into paragraphs in reading order, each with its zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import nd30
from ..text import nfc

LABEL = re.compile(r"^(?P<label>(?:[IVX]+\.)|(?:\d+\.\d+\.)|(?:\d+\.)|(?:[a-zđ]\))|(?:-))\s+(?P<rest>.*)$")
SUPERSCRIPT = {"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}


@dataclass
class Para:
    text: str
    zone: str = "body"   # header-left, header-right, body, closing-left, closing-right, footnote


def _clean(text: str) -> str:
    """Markdown heading and whole-line emphasis marks removed; inline **bold** and *italic* kept."""
    text = re.sub(r"^#+\s*", "", text.strip())
    text = text.replace("<sub>", "").replace("</sub>", "")
    for mark in ("***", "**", "*"):
        if text.startswith(mark) and text.endswith(mark) and len(text) > 2 * len(mark) \
                and mark not in text[len(mark):-len(mark)]:
            text = text[len(mark):-len(mark)]
            break
    text = text.replace("^a", "a")
    for sup, digit in SUPERSCRIPT.items():
        text = text.replace(sup, f"[^{digit}]")
    return re.sub(r"\s+", " ", text).strip()


def _looks_wrapped(lines: list[str]) -> bool:
    """Hard line breaks inside sentences: most lines end without sentence punctuation."""
    full = [l for l in lines if l.strip()]
    if len(full) < 10:
        return False
    open_ended = sum(1 for l in full if not re.search(r"[.;:!?)”\"]\s*$", l.strip()))
    return open_ended / len(full) > 0.5


def read_text(path: Path) -> list[Para]:
    raw = nfc(path.read_text(encoding="utf-8-sig")).replace("\r\n", "\n")
    lines = raw.split("\n")
    blank = sum(1 for l in lines if not l.strip())
    paragraphs: list[str] = []
    if blank / max(len(lines), 1) > 0.2:
        for chunk in re.split(r"\n\s*\n", raw):
            current = ""
            for line in chunk.split("\n"):
                if (line.startswith("- ") or line.startswith("**")) and current:
                    paragraphs.append(current)
                    current = line
                else:
                    current = f"{current} {line}" if current else line
            if current:
                paragraphs.append(current)
    elif _looks_wrapped(lines):
        paragraphs = _join_wrapped(lines)
    else:
        paragraphs = lines
    out: list[Para] = []
    for text in (_clean(p) for p in paragraphs):
        if not text or text == "|":
            continue
        last_body = next((p for p in reversed(out) if p.zone == "body"), None)
        if last_body is not None and text[0].islower() and not LABEL.match(text):
            last_body.text = f"{last_body.text} {text}"  # a page break (and perhaps a footnote) cut the paragraph
            continue
        if re.match(r"^\[\^\d+\]\s", text):
            out.append(Para(text, "footnote"))
            continue
        out.append(Para(text))
    return out


_SENTENCE_END = re.compile(r"[.;:!?]\s*$")


_CLOSING_MARK = re.compile(r"^N[oơ]i nh[aậ][nm]:?|" + nd30.AUTHORITY_RE.pattern.lstrip("^"))


def _join_wrapped(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current = ""
    previous = ""
    in_closing = False
    for line in (l.rstrip() for l in lines):
        if not line.strip():
            continue
        label = LABEL.match(line)
        starts_new = False
        if _CLOSING_MARK.match(line.strip()) or in_closing:
            in_closing = True  # from "Nơi nhận:" on, every line stands alone (recipients, signature)
            starts_new = True
        elif line.strip() == "KẾ HOẠCH" or current.strip() == "KẾ HOẠCH":
            starts_new = True
        elif current and current == current.upper() and line != line.upper():
            starts_new = True  # an upper-case title ends where sentence case begins
        elif label and label.group("label") != "-":
            starts_new = True
        elif label:  # "- …": a bullet, unless a name was cut at "Sở Lao động / - Thương binh"
            starts_new = bool(_SENTENCE_END.search(previous)) or _is_heading(current)
        elif _is_heading(current) and line[:1].isupper() and not re.search(r"(\bvà|\bcủa|\bvới|\bcác|[-,])\s*$", current):
            starts_new = True
        elif _SENTENCE_END.search(previous) and line[:1].isupper() and len(previous) < 60:
            starts_new = True
        if starts_new and current:
            paragraphs.append(current)
            current = line
        else:
            current = f"{current} {line}" if current else line
        previous = line
    if current:
        paragraphs.append(current)
    return paragraphs


def _is_heading(paragraph: str) -> bool:
    """A numbered heading standing on its own short line, without closing punctuation."""
    match = LABEL.match(paragraph)
    return bool(match) and match.group("label") != "-" and len(paragraph) < 70 and not _SENTENCE_END.search(paragraph)


def read_docx(path: Path) -> list[Para]:
    """Paragraphs of any DOCX, zoned: header table, body, closing table, footnotes (references kept as [^n])."""
    from docx.oxml.ns import qn

    from ..ooxml.reader import find_regions, footnotes, open_document, paragraph_text

    document = open_document(path, "M101")

    def add(p, zone: str) -> None:
        text = nfc(paragraph_text(p, footnote_marks=True)).strip()
        # A manual line break is a new line in the header and closing cells, a layout artefact in the body.
        lines = text.split("\n") if zone != "body" else [text.replace("\n", " ")]
        for line in lines:
            if line.strip():
                out.append(Para(" ".join(line.split()), zone))

    out: list[Para] = []
    regions = find_regions(document)
    for child in regions.children:
        if child.tag == qn("w:p"):
            add(child, "body")
            continue
        for row in child.findall(qn("w:tr")):
            for column, cell in enumerate(row.findall(qn("w:tc"))):
                if child is regions.header:
                    zone = "header-left" if column == 0 else "header-right"
                elif child is regions.closing:
                    zone = "closing-left" if column == 0 else "closing-right"
                else:
                    zone = "body"
                for p in cell.findall(qn("w:p")):
                    add(p, zone)
    for note_id, text in footnotes(document, footnote_marks=True):
        out.append(Para(f"[^{note_id}] {nfc(' '.join(text.split()))}", "footnote"))
    return out
