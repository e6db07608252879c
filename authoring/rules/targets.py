"""Targets: a local target is at least as ambitious as the parent target it takes up."""

from __future__ import annotations

from ..findings import Severity
from ..model import Comparator, Target
from ..model.walk import block_text, iter_targets
from ..model.links import ParentItem
from .context import CheckContext

HIGHER_IS_BETTER = {Comparator.AT_LEAST, Comparator.ABOVE, Comparator.REACH, Comparator.REDUCE_BY}
LOWER_IS_BETTER = {Comparator.AT_MOST, Comparator.BELOW}
STATUS_NOTE = {"single_source": " (dữ liệu cấp trên chỉ có một nguồn)",
               "unconfirmed": " (dữ liệu cấp trên chưa xác nhận)", "inferred": " (dữ liệu cấp trên là suy luận)"}


def _unit_key(unit: str | None) -> str:
    return (unit or "").replace(" ", "").lower()


def _describe(t: Target) -> str:
    value = "" if t.value is None else f" {t.value:g}{'' if (t.unit or '') in ('%', '') else ' '}{t.unit or ''}"
    return f"{t.comparator.label}{value}" + (f" (năm {t.year})" if t.year else "")


def _as_ambitious(local: Target, parent: Target) -> bool:
    if local.value is None or parent.value is None:
        return True
    strict = {Comparator.ABOVE, Comparator.BELOW}
    if parent.comparator in HIGHER_IS_BETTER:
        return local.value > parent.value or (local.value == parent.value and
                                              (local.comparator in strict or parent.comparator not in strict))
    return local.value < parent.value or (local.value == parent.value and
                                          (local.comparator in strict or parent.comparator not in strict))


def check_targets(ctx: CheckContext) -> None:
    taken: set[str] = set()
    items = ctx.items()
    for path, block, target in iter_targets(ctx.plan):
        text = block_text(block)
        # Zero is usually written in words ("không có trẻ em bị xâm hại"), so only non-zero values are sought.
        if target.value and f"{target.value:g}" not in text.replace(",", "."):
            ctx.add("T107", Severity.WARNING, f"chỉ tiêu {target.id} có giá trị {target.value:g} nhưng câu văn không ghi số này",
                    path + ("value",), "Sửa giá trị cho khớp với câu văn, hoặc sửa câu văn.")
        for i, link in enumerate(target.links):
            parent = items.get(link.ref)
            if parent is None or parent.kind != "target":
                continue
            taken.add(link.ref)
            _compare(ctx, path + ("links", i), target, parent)
    for ref, item in sorted(items.items()):
        if item.kind == "target" and ref not in taken:
            ctx.add("T104", Severity.INFO,
                    f"chỉ tiêu cấp trên {ref} «{item.text}» ({_describe(item.obj)}) chưa có chỉ tiêu tương ứng trong kế hoạch"
                    + STATUS_NOTE.get(item.status, ""), ("sections",),
                    "Thêm chỉ tiêu của địa phương với 'links: [{ref: " + ref + "}]', hoặc ghi lý do không áp dụng.")


def _compare(ctx: CheckContext, path, local: Target, parent: ParentItem) -> None:
    other: Target = parent.obj
    note = STATUS_NOTE.get(parent.status, "")
    local_up = local.comparator in HIGHER_IS_BETTER
    parent_up = other.comparator in HIGHER_IS_BETTER
    if Comparator.QUALITATIVE in (local.comparator, other.comparator):
        return
    if local_up != parent_up:
        ctx.add("T102", Severity.WARNING, f"chỉ tiêu {local.id} ({_describe(local)}) ngược chiều với chỉ tiêu cấp trên "
                                          f"{parent.ref} ({_describe(other)}){note}", path,
                "Kiểm tra lại chiều của chỉ tiêu (comparator) hoặc liên kết.")
        return
    if _unit_key(local.unit) != _unit_key(other.unit):
        ctx.add("T102", Severity.WARNING, f"chỉ tiêu {local.id} dùng đơn vị '{local.unit}', chỉ tiêu cấp trên {parent.ref} "
                                          f"dùng '{other.unit}'{note}", path, "Dùng cùng đơn vị để so sánh được.")
        return
    if local.year and other.year and local.year > other.year:
        ctx.add("T103", Severity.WARNING, f"chỉ tiêu {local.id} hẹn đạt năm {local.year}, muộn hơn năm {other.year} của "
                                          f"chỉ tiêu cấp trên {parent.ref}{note}", path, f"Đặt năm đạt chỉ tiêu không muộn hơn {other.year}.")
    if not _as_ambitious(local, other):
        ctx.add("T101", Severity.ERROR, f"chỉ tiêu {local.id} ({_describe(local)}) thấp hơn chỉ tiêu cấp trên {parent.ref} "
                                        f"({_describe(other)}){note}", path,
                f"Nâng chỉ tiêu lên ít nhất bằng mức của cấp trên ({_describe(other)}).")
