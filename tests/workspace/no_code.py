"""What a civil servant must never read on a page, a download or an export: ids, paths, bare rule codes, field
paths, YAML syntax, English words. One scanner for the HTTP and the browser walks."""

from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser

PATTERNS = {
    "mã kế hoạch": re.compile(r"\b[a-z]+(?:-[a-z]+)*-\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\b"),
    "mã cơ quan": re.compile(r"\b(?:ubnd|so|phong|bo|uy-ban|cong-an|mttq|doan|hoi)-[a-z0-9-]+(?:\.\d+)?\b"),
    "đường dẫn tệp": re.compile(r"(?:/tmp/|/home/|/work/|/var/|plans/registry|[\w-]+\.(?:yaml|yml|py)\b)"),
    "mã quy tắc": re.compile(r"(?<![\w/-])[A-Z]\d{3}(?![\w/-])"),
    "đường dẫn trường": re.compile(r"\b[a-z_]+\[\d+\]|\b(?:document|signature|sections|bases|targets|tasks)\.[a-z_]+\b"),
    "cú pháp YAML": re.compile(r"'[a-z_]+:|\b[a-z_]+: \[|\[\.\.\]|\bnull\b"),
    "lệnh dòng lệnh": re.compile(r"\bkehoach (?:check|validate|lint-docx|sign|issue|derive)\b|(?<![\w-])--[a-z][a-z-]+"),
    "chữ tiếng Anh": re.compile(r"\b(?:draft|submitted|reviewed|form-checked|signed|issued|error|warning|None|True|"
                                r"False|true|false|Redis|RQ|queue|batch|finished|failed|running|taken|missing|"
                                r"explained|no-lead|no-plan|Traceback|Exception)\b"),
}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return " ".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def code_on_screen(text: str) -> list[str]:
    """Each piece of code found in *text*, with what kind it is and a little of what surrounds it."""
    found = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            around = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " ")
            found.append(f"{kind}: «{match.group()}» trong «…{around}…»")
    return found
