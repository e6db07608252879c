"""Words, not codes: what a civil servant reads instead of registry ids and enum values."""

from __future__ import annotations


def agency(registry, text: str, on=None, province: str | None = None, district: str | None = None,
           commune: str | None = None) -> str:
    """An agency as its registry name ("Sở Lao động - Thương binh và Xã hội"), whether *text* is an id or a name.

    Name templates are filled from the plan ({tinh}, {huyen}, {xa}); a slot the plan does not fill is left out.
    """
    import re

    if registry is None or text not in registry.agencies:
        return text
    try:
        name = registry.agency_name(text, on, province)
    except (KeyError, IndexError):
        return text
    for slot, value in (("tinh", province), ("huyen", district), ("xa", commune)):
        if value:
            name = name.replace("{" + slot + "}", value)
    return re.sub(r"\s*\{\w+\}", "", name)


def agencies(registry, texts, on=None, province: str | None = None, district: str | None = None,
             commune: str | None = None) -> str:
    return ", ".join(agency(registry, t, on, province, district, commune) for t in texts)


def enum_label(value, enum_class) -> str:
    """The Vietnamese label of an enum value ("at_least" → "ít nhất", "6_thang" → "6 tháng")."""
    try:
        return enum_class(value).label
    except (ValueError, AttributeError):
        return str(value)


def document(plan) -> str:
    """A plan or directive as people cite it: "Kế hoạch số 61/KH-SLĐTBXH", "Quyết định số 23/QĐ-TTg"."""
    doc = plan.document
    if doc.number and doc.number_year:
        return f"{doc.type} số {doc.number}/{doc.number_year}/{doc.symbol}"   # 10/2022/TT-BLĐTBXH
    if doc.number:
        return f"{doc.type} số {doc.number}{'-' if '/' in doc.symbol else '/'}{doc.symbol}"  # 28-CT/TW
    return f"{doc.type} {doc.symbol} năm {doc.date.year}"


def names_for_ids(registry, text: str) -> str:
    """*text* with every quoted or bare registry agency id replaced by the agency's name."""
    import re

    if registry is None:
        return text
    return re.sub(r"(?<![\w/#.-])([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w-]|\.\d)",
                  lambda m: agency(registry, m.group(1)), text)


DOCUMENT_FIELDS = {"number": "số", "date": "ngày ban hành", "title": "trích yếu", "symbol": "ký hiệu", "type": "tên loại",
                   "issuer": "cơ quan ban hành", "place": "địa danh", "level": "cấp", "province": "tỉnh",
                   "district": "huyện", "commune": "xã", "period": "giai đoạn", "governing_body": "cơ quan chủ quản"}


def diff_text(registry, text: str) -> str:
    """`kehoach diff` as words: field names in Vietnamese, agency names for ids, '—' for nothing."""
    import re

    text = re.sub(r"^(Văn bản — )(\w+):", lambda m: m.group(1) + DOCUMENT_FIELDS.get(m.group(2), m.group(2)) + ":",
                  text, flags=re.M)
    text = re.sub(r"\bNone\b", "—", text)
    return names_for_ids(registry, text)
