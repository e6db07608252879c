"""Help pages in Vietnamese all the way: placeholders, ranges, a short line per command, one example each."""

from __future__ import annotations

import click

# Placeholders by option name (click would print INTEGER RANGE, TEXT).
METAVARS = {
    "number": "SỐ", "issued": "NĂM-THÁNG-NGÀY", "year": "NĂM", "lead_days": "SỐ_NGÀY", "unit": "ĐƠN_VỊ",
    "password": "MẬT_KHẨU", "field": "TÊN_Ô", "p12": "TỆP.p12", "template": "MẪU.docx", "units_file": "TỆP_DANH_SÁCH",
    "output": "TỆP", "output_dir": "THƯ_MỤC", "fmt": "DẠNG", "port": "CỔNG", "host": "ĐỊA_CHỈ", "db": "ĐỊA_CHỈ_CSDL",
    "image": "ẢNH.png", "seal": "ẢNH_DẤU.png", "tsa": "ĐỊA_CHỈ_TSA", "pdf": "TỆP.pdf", "date_": "NGÀY", "symbol": "KÝ_HIỆU",
    "title": "TRÍCH_YẾU", "issuer": "TÊN", "level": "CẤP", "parent_files": "KE_HOACH_CAP_TREN.yaml",
    "period": "KỲ", "plan_file": "KE_HOACH.yaml", "plans_dir": "THƯ_MỤC",
}

# One line each in the command list (click would cut the docstring with "…").
SHORT = {
    "audit": "Kiểm tra nhật ký của không gian làm việc",
    "check": "Đối chiếu kế hoạch với văn bản cấp trên",
    "derive": "Lập dự thảo kế hoạch cấp dưới từ kế hoạch cấp trên",
    "diff": "So sánh nội dung hai phiên bản kế hoạch",
    "export": "Xuất gói tin edXML cho hệ thống quản lý văn bản",
    "serve": "Mở trang web soạn, kiểm tra, tải kế hoạch",
    "import": "Nhập văn bản (Word, PDF, bản quét, edXML) thành YAML",
    "issue": "Ban hành: điền số, ngày; tạo DOCX và PDF",
    "lint-docx": "Kiểm tra thể thức một văn bản DOCX theo NĐ 30",
    "new-year": "Lập kế hoạch năm sau từ kế hoạch năm nay",
    "pdf": "Chuyển DOCX sang PDF/A sẵn sàng ký số",
    "render": "Xuất kế hoạch ra văn bản DOCX (và PDF)",
    "report": "Lập Báo cáo kết quả thực hiện kế hoạch (DOCX)",
    "report-check": "Kiểm tra tệp kết quả của các đơn vị",
    "report-form": "Tạo mẫu kết quả (YAML hoặc Excel) cho một đơn vị",
    "report-import": "Nhập kết quả từ bảng Excel, tệp CSV hoặc báo cáo Word",
    "review": "Xác nhận liên kết tới mục của văn bản cấp trên",
    "schema": "In lược đồ JSON Schema cho trình soạn thảo",
    "show": "Tóm tắt một kế hoạch",
    "sign": "Ký số PAdES vào ô chữ ký của văn bản PDF",
    "text": "In nội dung kế hoạch dưới dạng văn bản thuần",
    "verify": "Kiểm tra văn bản đã ký số trước khi nhận",
    "validate": "Kiểm tra định dạng tệp kế hoạch",
}

EXAMPLES = {
    "audit": "kehoach audit verify --db postgresql:///kehoach",
    "check": "kehoach check plans/examples/nghe-an-2025-kh-07.yaml --format html -o bao-cao.html",
    "derive": "kehoach derive plans/directives/qd-23-2021.yaml --unit \"tỉnh Nghệ An\" --date 26/11/2025 -o nghe-an.yaml",
    "diff": "kehoach diff ke-hoach-2025.yaml ke-hoach-2026.yaml",
    "export": "kehoach export --edxml ke-hoach.yaml --pdf ke-hoach-da-ky.pdf -o ke-hoach.edxml",
    "serve": "kehoach serve --port 8765",
    "import": "kehoach import KE_HOACH_CU.docx -o ke-hoach.yaml",
    "issue": "kehoach issue ke-hoach.yaml --number 7 --date 2025-01-06",
    "lint-docx": "kehoach lint-docx VAN_BAN.docx",
    "new-year": "kehoach new-year plans/examples/hai-phong-kien-an-2024-kh-chua-so.yaml --year 2026",
    "pdf": "kehoach pdf a.docx b.docx -d ban-pdf/",
    "render": "kehoach render --pdf plans/examples/nghe-an-2025-kh-07.yaml",
    "report": "kehoach report ke-hoach.yaml ket-qua/*.yaml --units danh-sach-xa.txt -o bao-cao-2026-h1.docx",
    "report-check": "kehoach report-check ke-hoach.yaml ket-qua/*.yaml",
    "report-form": "kehoach report-form ke-hoach.yaml --unit \"Ủy ban nhân dân xã Hưng Đông\" --period 2026-H1 -o hung-dong.xlsx",
    "report-import": "kehoach report-import hung-dong.xlsx --plan ke-hoach.yaml -o ket-qua/hung-dong-2026-h1.yaml",
    "review": "kehoach review ke-hoach.yaml",
    "schema": "kehoach schema -o schema/plan.schema.json",
    "show": "kehoach show plans/examples/nghe-an-2025-kh-07.yaml",
    "sign": "kehoach sign van-ban.pdf --p12 chung-thu.p12 --password MẬT_KHẨU",
    "text": "kehoach text plans/examples/nghe-an-2025-kh-07.yaml",
    "verify": "kehoach verify van-ban-da-ky.pdf --plan ke-hoach.yaml --approved van-ban.pdf",
    "validate": "kehoach validate plans/examples/*.yaml",
}


def _describe_range(self) -> str:
    if self.min is None:
        return f"nhỏ hơn {self.max}" if self.max_open else f"tối đa {self.max}"
    if self.max is None:
        return f"lớn hơn {self.min}" if self.min_open else f"từ {self.min} trở lên"
    return f"từ {self.min} đến {self.max}"


def apply(group: click.Group) -> None:
    """Vietnamese placeholders, ranges, short lines and an example for every command of *group*."""
    click.types._NumberRangeBase._describe_range = _describe_range  # "x>=1" → "từ 1 trở lên"
    for name, command in group.commands.items():
        if name in SHORT:
            command.short_help = SHORT[name]
        if name in EXAMPLES and not command.epilog:
            command.epilog = f"\b\nVí dụ:\n  {EXAMPLES[name]}"
        for param in command.params:
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag \
                    and param.name in METAVARS and not isinstance(param.type, click.Choice):
                param.metavar = METAVARS[param.name]
