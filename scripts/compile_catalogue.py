"""Compiles authoring/locale/*/LC_MESSAGES/kehoach.po into the .mo files gettext reads (GNU format, no hash table).

Run after editing a .po file:  .venv/bin/python scripts/compile_catalogue.py
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "authoring" / "locale"


def parse_po(text: str) -> dict[str, str]:
    """msgid (plural forms joined by NUL, as .mo stores them) → msgstr; the header is the entry of ""."""
    entries: dict[str, str] = {}
    current: dict[str, list[str]] = {}
    key = None

    def flush():
        if "msgid" in current:
            msgid = "".join(current["msgid"])
            if "msgid_plural" in current:
                msgid += "\0" + "".join(current["msgid_plural"])
                forms = sorted(k for k in current if k.startswith("msgstr["))
                entries[msgid] = "\0".join("".join(current[k]) for k in forms)
            else:
                entries[msgid] = "".join(current.get("msgstr", []))
        current.clear()

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            current[key].append(ast.literal_eval(line))
            continue
        key, _, value = line.partition(" ")
        if key == "msgid":
            flush()
        current[key] = [ast.literal_eval(value)]
    flush()
    return entries


def mo_bytes(entries: dict[str, str]) -> bytes:
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    start = 7 * 4 + 16 * len(keys)
    id_offsets, offset = [], start
    for item in ids:
        id_offsets.append((len(item), offset))
        offset += len(item) + 1
    str_offsets = []
    for item in strs:
        str_offsets.append((len(item), offset))
        offset += len(item) + 1
    head = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    tables = b"".join(struct.pack("<2I", *pair) for pair in id_offsets + str_offsets)
    return head + tables + b"".join(i + b"\0" for i in ids) + b"".join(s + b"\0" for s in strs)


def main() -> int:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        po.with_suffix(".mo").write_bytes(mo_bytes(parse_po(po.read_text(encoding="utf-8"))))
        print(f"{po.with_suffix('.mo')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
