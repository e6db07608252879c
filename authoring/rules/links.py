"""Links to parent items: they must point somewhere, and are suspect when the parent item changed."""

from __future__ import annotations

from ..findings import Severity
from ..model.walk import iter_blocks
from .context import CheckContext


def iter_links(plan):
    """(path of the link, link) for every link in the plan."""
    for path, block in iter_blocks(plan):
        for i, link in enumerate(block.links):
            yield path + ("links", i), link
        if block.task:
            for i, link in enumerate(block.task.links):
                yield path + ("task", "links", i), link
        for t, target in enumerate(block.targets):
            for i, link in enumerate(target.links):
                yield path + ("targets", t, "links", i), link
        for r, report in enumerate(block.reporting):
            for i, link in enumerate(report.links):
                yield path + ("reporting", r, "links", i), link


def check_links(ctx: CheckContext) -> None:
    items = ctx.items()
    parents = {p.plan.id for p in ctx.parents}
    for path, link in iter_links(ctx.plan):
        document = link.ref.split("#", 1)[0]
        item = items.get(link.ref)
        if item is None:
            why = "mục này không có trong văn bản cấp trên" if document in parents else \
                f"văn bản '{document}' không nằm trong các văn bản kế hoạch triển khai (implements)"
            ctx.add("S101", Severity.ERROR, f"liên kết tới '{link.ref}' không dùng được: {why}", path + ("ref",),
                    "Sửa mã mục cấp trên (xem kehoach show --json của văn bản cấp trên) hoặc thêm văn bản vào implements.")
            continue
        if link.fingerprint is None:
            ctx.add("S103", Severity.INFO, f"liên kết tới {link.ref} chưa được xác nhận", path,
                    "Chạy kehoach review KE_HOACH.yaml để ghi dấu vân tay của mục cấp trên.")
        elif link.fingerprint != item.fingerprint:
            ctx.add("S102", Severity.WARNING, f"liên kết nghi vấn: mục cấp trên {link.ref} đã thay đổi kể từ lần xác nhận "
                                              f"«{item.text[:80]}»", path + ("fingerprint",),
                    "Đọc lại mục cấp trên, sửa mục của kế hoạch nếu cần, rồi chạy kehoach review để xác nhận.")
