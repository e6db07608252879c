"""Changes between two versions of a plan, in sentences a civil servant reads (agencies by name)."""

from __future__ import annotations

import re

from . import core

FIELD_NAMES = {"number": "Số", "symbol": "Ký hiệu", "title": "Trích yếu", "place": "Địa danh", "date": "Ngày ban hành"}
COMPARATOR_WORDS = {c.value: c.label for c in core.Comparator}


def _value_text(text: str | None) -> str:
    """'at_least 95% (2025)' from the diff module, with the direction in words."""
    if not text:
        return "—"
    head, _, rest = text.partition(" ")
    rest = re.sub(r"^(-?[\d.]+)(?=[^\d\s.%‰)])", r"\1 ", rest)   # '4điểm vui chơi' → '4 điểm vui chơi'; '95%' stays
    return f"{COMPARATOR_WORDS.get(head, head)} {rest}".strip()


def _field_value(field: str, value) -> str:
    """A document field as the page shows it: its date as ngày/tháng/năm (2026-12-07 → 07/12/2026)."""
    text = str(value) if value not in (None, "") else "—"
    if field != "date":
        return text
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", r"\3/\2/\1", re.sub(r"\b(\d{4})-(\d{2})\b(?!-)", r"\2/\1", text))


def diff_lines(changes: dict, names) -> list[str]:
    """The semantic diff in sentences, agencies by name."""
    labels = core.DIFF_LABELS
    lines = []
    for entry in changes["document"]:
        lines.append(f"Văn bản — {FIELD_NAMES.get(entry['field'], entry['field'])}: {_field_value(entry['field'], entry['old'])} → "
                     f"{_field_value(entry['field'], entry['new'])}")
    for entry in changes["targets"]:
        lines.append(f"Chỉ tiêu ({labels[entry['change']]}): {_value_text(entry.get('old'))} → {_value_text(entry.get('new'))}")
    for entry in changes["duties"]:
        agency = names.name(entry["agency"])
        if entry["change"] == "reassigned":
            lines.append(f"Nhiệm vụ giao cho cơ quan khác: {names.name(entry['old'])} → {names.name(entry['new'])}")
        elif entry["change"] == "changed":
            lines.append(f"Nhiệm vụ của {agency} (sửa): «{entry['old'][:120]}» → «{entry['new'][:120]}»")
        else:
            lines.append(f"Nhiệm vụ của {agency} ({labels[entry['change']]}): {entry['text'][:160]}")
    for entry in changes["deadlines"]:
        lines.append(f"Hạn báo cáo ({labels[entry['change']]}): {entry['old'] or '—'} → {entry['new'] or '—'}")
    for entry in changes["citations"]:
        lines.append(f"Căn cứ, văn bản dẫn chiếu: {entry['old'] or '—'} → {entry['new'] or '—'}")
    return lines
