"""Which department leads a national task in the province, and which commune office takes a duty, by its words.

The field's usual duties (what a children's plan gives each Sở) live in plans/registry/fields.yaml, used only
when the parent is of that field.
"""

from __future__ import annotations

import re

# Which department leads a national task in the province, by the words of the task.
TASK_LEADS = [
    (r"truyền thông|tuyên truyền|báo chí", "lead", ["so-tttt", "so-vhttdl", "dai-ptth-tinh"]),
    (r"pháp luật|chính sách|tư pháp|thể chế", "lead", ["so-tu-phap"]),
    (r"ngân sách|nguồn lực|kinh phí|đầu tư", "so-tai-chinh", ["lead", "so-khdt"]),
    (r"lồng ghép|kinh tế - xã hội|quy hoạch", "so-khdt", ["lead", "so-tai-chinh"]),
    (r"y tế|dinh dưỡng|sức khỏe", "so-y-te", ["lead"]),
    (r"giáo dục|trường học", "so-gddt", ["lead"]),
    (r"điều tra|tội phạm|công an", "cong-an-tinh", ["lead"]),
    (r"vui chơi|văn hóa|thể thao", "so-vhttdl", ["lead"]),
    (r"bộ máy|kiện toàn|cán bộ|nhân lực", "so-noi-vu", ["lead"]),
]

# Duties a commune spreads over its offices (after 07/2025: Phòng Văn hóa - Xã hội leads; Phòng Kinh tế for the
# budget; Công an xã for offences, investigation and reports of crime). Keys are words of the duty; values are
# roles, mapped to the offices that exist on the draft's date.
COMMUNE_OFFICE = [
    (r"ngân sách|kinh phí|nguồn lực", "budget"),
    (r"tội phạm|ma túy|an ninh|điều tra|tin báo|tố giác", "police"),
]


def task_agencies(text: str) -> tuple[str, list[str]]:
    """(lead, cooperating) keys for a national task, from its words."""
    for pattern, lead, cooperating in TASK_LEADS:
        if re.search(pattern, text, re.IGNORECASE):
            return lead, cooperating
    return "lead", []
