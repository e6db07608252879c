"""How a province spreads a national programme over its departments, as the example provincial plans do.

These are kehoach's drafting defaults, not facts of any decision: each duty is a usual sentence of the
provincial plans in plans/examples/ (Đắk Nông 2021, Kon Tum 2020, Lạng Sơn 2019, Nghệ An 2025) for the
department's field, and every block built from them carries `derived:` with that reason, so the author knows
it is a proposal to adjust. Keywords pick the department that leads a national task in the province.
"""

from __future__ import annotations

import re

DERIVED_REASON = "đề xuất của kehoach theo lĩnh vực của cơ quan, như các kế hoạch cấp tỉnh thường giao; điều chỉnh cho phù hợp"

# Departments of a province's children's plan, in the order the real plans list them. "lead" is the children's
# department of the day (Sở LĐTBXH until 03/2025, Sở Y tế after); the others are registry ids, mapped to their
# successors on the plan's date. Each duty is one sentence; {lead} is the lead department's name, {sub} the
# local governments' collective name, {ministry} the ministry the province reports to.
DEPARTMENT_DUTIES: list[tuple[str, list[str]]] = [
    ("lead", [
        "Là cơ quan thường trực, chủ trì, phối hợp với các sở, ban, ngành, đoàn thể cấp tỉnh và {sub} triển khai "
        "thực hiện Kế hoạch; hướng dẫn, theo dõi, đôn đốc việc thực hiện các mục tiêu, chỉ tiêu.",
        "Chủ trì tổ chức truyền thông, tập huấn nâng cao năng lực cho đội ngũ làm công tác bảo vệ, chăm sóc trẻ em "
        "các cấp, cộng tác viên, cha mẹ, người chăm sóc trẻ em và trẻ em.",
        "Chủ trì kiểm tra, giám sát việc thực hiện pháp luật, chính sách về trẻ em; phát triển hệ thống dịch vụ "
        "bảo vệ trẻ em; cập nhật cơ sở dữ liệu về trẻ em.",
    ]),
    ("so-gddt", [
        "Chỉ đạo các cơ sở giáo dục xây dựng môi trường giáo dục an toàn, lành mạnh, thân thiện, phòng, chống bạo "
        "lực học đường; giáo dục kỹ năng sống, kỹ năng tự bảo vệ cho học sinh.",
        "Thực hiện các giải pháp giảm tình trạng trẻ em bỏ học; theo dõi các chỉ tiêu về giáo dục trẻ em của Kế hoạch.",
    ]),
    ("so-y-te", [
        "Thực hiện các chương trình chăm sóc sức khỏe, dinh dưỡng cho trẻ em; theo dõi các chỉ tiêu về sức khỏe, "
        "dinh dưỡng trẻ em của Kế hoạch.",
        "Tiếp nhận khám, chữa bệnh, hỗ trợ, can thiệp y tế đối với trẻ em bị bạo lực, xâm hại; phục hồi chức năng "
        "cho trẻ em khuyết tật.",
    ]),
    ("so-vhttdl", [
        "Hướng dẫn xây dựng, khai thác các thiết chế văn hóa, thể thao, điểm vui chơi cho trẻ em; phòng ngừa xâm "
        "hại trẻ em trong các hoạt động văn hóa, thể thao, du lịch.",
        "Hướng dẫn gia đình thực hiện trách nhiệm chăm sóc, giáo dục, bảo vệ trẻ em; phòng, chống bạo lực gia đình.",
    ]),
    ("so-tttt", [
        "Chỉ đạo, hướng dẫn các cơ quan báo chí, hệ thống thông tin cơ sở tuyên truyền thực hiện Kế hoạch; bảo vệ "
        "trẻ em trên môi trường mạng, bảo đảm bí mật đời sống riêng tư của trẻ em.",
    ]),
    ("cong-an-tinh", [
        "Chỉ đạo lực lượng công an các cấp phòng ngừa, đấu tranh, xử lý nghiêm các hành vi xâm hại trẻ em; bảo vệ "
        "trẻ em là nạn nhân; quản lý, giáo dục người chưa thành niên vi phạm pháp luật.",
    ]),
    ("so-tu-phap", [
        "Tuyên truyền, phổ biến, giáo dục pháp luật về trẻ em; thực hiện trợ giúp pháp lý cho trẻ em; quản lý "
        "đăng ký khai sinh, nuôi con nuôi bảo đảm quyền của trẻ em.",
    ]),
    ("so-khdt", [
        "Chủ trì, phối hợp với các sở, ngành đưa các mục tiêu, chỉ tiêu về trẻ em vào kế hoạch phát triển kinh tế "
        "- xã hội hằng năm và 5 năm của tỉnh.",
    ]),
    ("so-tai-chinh", [
        "Chủ trì, tham mưu Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện Kế hoạch trong dự toán ngân sách hằng "
        "năm; hướng dẫn quản lý, sử dụng kinh phí theo quy định.",
    ]),
    ("so-noi-vu", [
        "Hướng dẫn bố trí công chức, người làm công tác bảo vệ, chăm sóc trẻ em ở các cấp; kiện toàn tổ chức bộ "
        "máy quản lý nhà nước về trẻ em.",
    ]),
    ("ban-dan-toc", [
        "Tuyên truyền, vận động đồng bào dân tộc thiểu số thực hiện quyền trẻ em; phòng, chống tảo hôn, hôn nhân "
        "cận huyết thống.",
    ]),
    ("dai-ptth-tinh", [
        "Tăng thời lượng, chuyên mục tuyên truyền về bảo vệ, chăm sóc, giáo dục trẻ em và việc thực hiện Kế hoạch.",
    ]),
    ("cac-so-nganh-tinh", [
        "Các sở, ban, ngành căn cứ chức năng, nhiệm vụ lồng ghép thực hiện các mục tiêu, nhiệm vụ của Kế hoạch "
        "vào kế hoạch hằng năm của cơ quan, đơn vị.",
    ]),
]

# Asked (đề nghị), not ordered: the Fatherland Front and mass organisations, the court when the programme is
# about abuse and violence.
REQUESTS = [
    (("uy-ban-mttq-tinh", "tinh-doan", "hoi-lhpn-tinh"),
     "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Tỉnh đoàn, Hội Liên hiệp Phụ nữ tỉnh",
     "Trong phạm vi chức năng, nhiệm vụ, tuyên truyền, vận động đoàn viên, hội viên và Nhân dân tham gia thực "
     "hiện Kế hoạch; tham gia giám sát việc thực hiện chính sách, pháp luật về trẻ em."),
]
COURT = (("toa-an-tinh",), "Đề nghị Tòa án nhân dân tỉnh",
         "Bảo đảm các biện pháp bảo vệ trẻ em là người bị hại, người làm chứng trong quá trình giải quyết, xét xử "
         "các vụ án liên quan đến trẻ em.")
ABUSE_TOPIC = re.compile(r"xâm hại|bạo lực|bảo vệ trẻ em", re.IGNORECASE)

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
# budget; Công an xã for abuse and offences). Keys are words of the duty; values registry ids at commune level.
COMMUNE_OFFICE = [
    (r"ngân sách|kinh phí|nguồn lực", "budget"),
    (r"xâm hại|vi phạm pháp luật|tội phạm|ma túy|an ninh", "police"),
]


def task_agencies(text: str) -> tuple[str, list[str]]:
    """(lead, cooperating) keys for a national task, from its words."""
    for pattern, lead, cooperating in TASK_LEADS:
        if re.search(pattern, text, re.IGNORECASE):
            return lead, cooperating
    return "lead", []
