"""Characters a plan's text may not hold: what XML 1.0 cannot carry, and kehoach's own internal marks."""

from __future__ import annotations

import re

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]; everything else is refused.
# U+2063 (INVISIBLE SEPARATOR) is the renderer's internal footnote marker: plan text must not forge one.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\u2063]")
_LINE_BREAKS = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")

_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0b": "VT (tab dọc)", "\x0c": "FF (ngắt trang)",
          "\x1b": "ESC", "\ufffe": "U+FFFE", "\uffff": "U+FFFF", "\u2063": "U+2063 (dấu chú thích nội bộ của kehoach)",
          "\t": "Tab", "\n": "xuống dòng", "\r": "xuống dòng (CR)"}


def char_name(char: str) -> str:
    if char in _NAMES:
        return _NAMES[char]
    if "\ud800" <= char <= "\udfff":
        return f"nửa cặp thay thế U+{ord(char):04X} (surrogate)"
    return f"U+{ord(char):04X}"


def text_problem(text: str) -> str | None:
    """Why *text* cannot go into a document, or None. The message continues "'field' …"."""
    match = _FORBIDDEN.search(text)
    if match is None:
        return None
    position = match.start() + 1
    return (f"chứa ký tự không in được {char_name(match.group(0))} ở vị trí {position}, văn bản Word/PDF "
            "không chứa được ký tự này")


def line_problem(text: str) -> str | None:
    """Why *text* cannot stand on one printed line (a title, symbol, name), or None."""
    match = _LINE_BREAKS.search(text)
    if match is None:
        return None
    return f"không được chứa {char_name(match.group(0))} (trường này in trên một dòng)"


def tree_problems(value, path=()):
    """(path, problem) for every string in a plain tree (e.g. JSON) that text_problem refuses."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            yield path, problem
    elif isinstance(value, dict):
        for key, child in value.items():
            if isinstance(key, str) and text_problem(key):
                yield path + (key,), "có tên trường chứa ký tự không in được"
            yield from tree_problems(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from tree_problems(child, path + (index,))


def printable_line(text: str) -> str:
    """*text* as one line a document can hold: line breaks and tabs become spaces, what XML cannot carry is dropped."""
    return re.sub(r"\s+", " ", _LINE_BREAKS.sub(" ", _FORBIDDEN.sub("", text))).strip()
