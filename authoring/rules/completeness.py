"""Facts a plan still lacks: what `kehoach import` could not find in the old document (and left empty rather than
guess) stays on the list of `kehoach check` until someone writes it in, whoever made the plan."""

from __future__ import annotations

from ..findings import Severity
from ..model import Comparator
from ..model.walk import iter_targets
from .context import CheckContext


def _citation_name(citation) -> str:
    return " ".join(filter(None, [citation.type, citation.code or citation.title]))


def check_completeness(ctx: CheckContext) -> None:
    plan = ctx.plan
    doc = plan.document
    if not doc.place:
        ctx.add("E101", Severity.WARNING,
                "địa danh (document.place) còn trống: văn bản không in được dòng '<Địa danh>, ngày … tháng … năm …'",
                ("document", "place"),
                "Ghi địa danh của cơ quan ban hành, vd. 'place: Lạng Sơn' (tên tỉnh, huyện, xã nơi cơ quan đóng trụ sở; "
                "Nghị định 30, Phụ lục I mục II.4).")
    for i, citation in enumerate(plan.bases):
        if citation.code and citation.date is None:
            ctx.add("E102", Severity.WARNING,
                    f"căn cứ '{_citation_name(citation)}' (bases[{i}].date) chưa có ngày ban hành",
                    ("bases", i, "date"),
                    "Ghi ngày ban hành theo văn bản được dẫn, vd. 'date: 2021-01-07': lần dẫn đầu tiên ghi đủ tên loại, "
                    "số, ký hiệu, ngày ban hành, cơ quan ban hành và trích yếu (Nghị định 30, Phụ lục I mục II.6b).")
    if not doc.issuer.name or not doc.issuer.name.strip():
        ctx.add("E103", Severity.WARNING, "tên cơ quan ban hành (document.issuer.name) còn trống",
                ("document", "issuer", "name"), "Ghi tên cơ quan ban hành như in ở góc trái phần đầu văn bản.")
    if plan.signature is None:
        ctx.add("E104", Severity.WARNING,
                "chưa có phần chữ ký (signature): quyền hạn, chức vụ và họ tên người ký",
                ("signature",),
                "Thêm 'signature:' với 'authority' (vd. ['TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH']), 'positions' "
                "(vd. ['PHÓ CHỦ TỊCH']) và 'name' (họ tên người ký; để '…' nếu chưa biết).")
    for path, _, target in iter_targets(plan):
        if target.comparator != Comparator.QUALITATIVE and target.value is None and target.range is None:
            ctx.add("E105", Severity.WARNING,
                    f"chỉ tiêu {target.id} chưa có giá trị (value), dù không phải chỉ tiêu định tính",
                    tuple(path) + ("value",),
                    "Ghi giá trị như câu văn nêu, vd. 'value: 95' với 'unit: %'; nếu chỉ tiêu không đo bằng số, đặt "
                    "'comparator: qualitative'.")
