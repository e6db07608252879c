"""Synthetic plans of a chosen size, for benchmarks (same shape as the real examples)."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

NAMES = {"so-y-te": "Sở Y tế", "so-gddt": "Sở Giáo dục và Đào tạo", "so-tu-phap": "Sở Tư pháp",
         "cong-an-tinh": "Công an tỉnh", "so-vhttdl": "Sở Văn hóa, Thể thao và Du lịch", "so-tai-chinh": "Sở Tài chính",
         "so-noi-vu": "Sở Nội vụ", "so-khcn": "Sở Khoa học và Công nghệ", "ubnd-cap-xa": "Ủy ban nhân dân các xã, phường",
         "uy-ban-mttq-tinh": "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"}
AGENCIES = list(NAMES)


def synthetic_plan(items: int) -> dict:
    """A provincial plan with *items* numbered items: targets, tasks and agency duties in equal parts."""
    per = max(1, items // 3)
    targets = [{"label": "-", "text": f"{80 + i % 20}% trẻ em thuộc nhóm {i + 1} được hỗ trợ, can thiệp kịp thời;",
                "targets": [{"id": f"ct-{i + 1}", "value": 80 + i % 20, "unit": "%", "comparator": "at_least",
                             "year": 2026}]} for i in range(per)]
    tasks = [{"id": f"nd-{i + 1}", "label": f"{i + 1}.",
              "text": f"Tổ chức hoạt động số {i + 1} về truyền thông, tập huấn, kiểm tra công tác bảo vệ trẻ em "
                      "trên địa bàn tỉnh, bảo đảm thiết thực, hiệu quả.",
              "task": {"lead": AGENCIES[i % len(AGENCIES)], "cooperating": [AGENCIES[(i + 1) % len(AGENCIES)]],
                       "timeframe": "Năm 2026"}} for i in range(per)]
    duties = []
    remaining = items - 2 * per
    for a, agency in enumerate(AGENCIES):
        share = remaining // len(AGENCIES) + (1 if a < remaining % len(AGENCIES) else 0)
        duties.append({"label": f"{a + 1}.", "title": NAMES[agency], "agency": agency, "blocks": [
            {"id": f"{agency}.{k + 1}", "label": "-",
             "text": f"Chủ trì, phối hợp thực hiện nhiệm vụ {k + 1} của Kế hoạch theo chức năng, nhiệm vụ được giao."}
            for k in range(share)]})
    return {
        "kind": "plan", "id": f"tong-hop-{items}",
        "document": {"issuer": {"agency": "ubnd-tinh", "name": "Ủy ban nhân dân tỉnh Lạng Sơn",
                                "header": ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN"]},
                     "symbol": "KH-UBND", "place": "Lạng Sơn", "date": "2026", "level": "tinh",
                     "title": f"Kế hoạch thử nghiệm có {items} mục", "province": "Lạng Sơn"},
        "sections": [
            {"label": "I.", "title": "CHỈ TIÊU", "blocks": targets},
            {"label": "II.", "title": "NHIỆM VỤ", "blocks": tasks},
            {"label": "III.", "title": "TỔ CHỨC THỰC HIỆN", "blocks": duties},
        ],
        "recipients": [{"name": "Bộ Y tế", "purpose": "để b/c"}, {"name": "Các sở, ban, ngành"}],
        "archive": "VT, KGVX",
        "signature": {"authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], "positions": ["PHÓ CHỦ TỊCH"],
                      "name": "Nguyễn Văn An"},
    }


def write_synthetic(path: Path, items: int) -> Path:
    yaml = YAML()
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(synthetic_plan(items), handle)
    return path
