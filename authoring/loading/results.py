"""Loading a unit's results file and checking it against the plan it reports on (codes Q1xx)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, FindingIndex, Severity
from ..model.common import Comparator
from ..model.plan import Plan, Target
from ..model.results import Results
from ..model.walk import iter_duties, iter_targets, iter_tasks
from ..text import match_key
from .messages import field_path
from .validate import load_model
from .yamlio import SourceMap

PERCENT_UNITS = {"%": 100.0, "‰": 1000.0}
RATIO_TOLERANCE = 0.05  # a percentage written with one decimal still matches its numerator/denominator


@dataclass
class LoadedResults:
    results: Results
    path: Path
    source: SourceMap


def _finding(code, severity, message, source: SourceMap, path, suggestion=None) -> Finding:
    line, column = source.locate(tuple(path))
    return Finding(code, severity, message, source.file, line, column, field_path(path) or None, suggestion)


def plan_items(plan: Plan) -> tuple[dict[str, Target], dict[str, str]]:
    """The plan's targets by id, and its tasks and duties by id with their text: what a unit must account for."""
    targets = {t.id: t for _, _, t in iter_targets(plan)}
    work: dict[str, str] = {}
    for _, block in iter_tasks(plan):
        if block.id:
            work[block.id] = block.title or block.text or ""
    for duty in iter_duties(plan):
        if duty.id and duty.id not in work:
            work[duty.id] = duty.text
    return targets, work


def _same_unit(a: str | None, b: str | None) -> bool:
    return match_key(a or "") == match_key(b or "")


def _check_value(entry, target: Target, source: SourceMap, path) -> list[Finding]:
    findings = []
    where = f"chỉ tiêu {target.id}"
    if entry.unit is not None and target.unit is not None and not _same_unit(entry.unit, target.unit):
        findings.append(_finding(
            "Q102", Severity.ERROR, f"{where}: giá trị ghi đơn vị '{entry.unit}', kế hoạch đo bằng '{target.unit}'",
            source, path + ("unit",),
            f"Quy đổi số liệu sang '{target.unit}' và ghi 'unit: {target.unit}'."))
    unit = entry.unit or target.unit
    scale = PERCENT_UNITS.get((unit or "").strip())
    if entry.value is not None:
        if entry.value < 0:
            findings.append(_finding("Q103", Severity.ERROR, f"{where}: giá trị {entry.value:g} là số âm", source,
                                     path + ("value",), "Ghi số đạt được, không âm; chưa có số liệu thì để trống."))
        elif scale and entry.value > scale:
            findings.append(_finding(
                "Q103", Severity.ERROR, f"{where}: tỷ lệ {entry.value:g}{unit} vượt quá {scale:g}{unit}", source,
                path + ("value",), "Kiểm tra lại tử số, mẫu số; tỷ lệ không thể vượt quá 100%."))
    if entry.numerator is not None or entry.denominator is not None:
        findings.extend(_check_ratio(entry, where, scale, unit, source, path))
    return findings


def _check_ratio(entry, where, scale, unit, source, path) -> list[Finding]:
    if entry.numerator is None or entry.denominator is None:
        missing = "mẫu số (denominator)" if entry.denominator is None else "tử số (numerator)"
        return [_finding("Q104", Severity.ERROR, f"{where}: có một trong hai số của tỷ lệ nhưng thiếu {missing}",
                         source, path, "Ghi đủ cả tử số và mẫu số, hoặc bỏ cả hai.")]
    if entry.denominator == 0:
        return [_finding("Q104", Severity.ERROR, f"{where}: mẫu số bằng 0", source, path + ("denominator",),
                         "Mẫu số là tổng số đối tượng (vd. tổng số trẻ em); phải lớn hơn 0.")]
    if entry.numerator > entry.denominator:
        return [_finding("Q104", Severity.ERROR,
                         f"{where}: tử số {entry.numerator:g} lớn hơn mẫu số {entry.denominator:g}", source,
                         path + ("numerator",), "Tử số là một phần của mẫu số; kiểm tra lại hai số.")]
    if scale and entry.value is not None:
        computed = entry.numerator / entry.denominator * scale
        if abs(computed - entry.value) > RATIO_TOLERANCE + 1e-9:
            return [_finding(
                "Q104", Severity.ERROR, f"{where}: giá trị {entry.value:g}{unit} không khớp tử số/mẫu số "
                f"{entry.numerator:g}/{entry.denominator:g} = {computed:.1f}{unit}", source, path + ("value",),
                f"Sửa giá trị thành {computed:.1f}, hoặc sửa tử số, mẫu số; có thể để trống 'value' để tự tính.")]
    return []


def check_results(results: Results, source: SourceMap, plan: Plan) -> list[Finding]:
    """Every problem of a results file against its plan: unknown items, units, ranges, ratios, items left out."""
    findings: list[Finding] = []
    targets, work = plan_items(plan)
    if results.plan != plan.id:
        findings.append(_finding("Q100", Severity.ERROR, f"tệp kết quả báo cáo cho kế hoạch '{results.plan}', "
                                 f"không phải kế hoạch '{plan.id}' đang dùng", source, ("plan",),
                                 f"Ghi 'plan: {plan.id}', hoặc chọn đúng tệp kế hoạch."))
    seen: dict[str, int] = {}
    for i, entry in enumerate(results.targets):
        path = ("targets", i)
        if entry.target in seen:
            findings.append(_finding("Q101", Severity.ERROR, f"chỉ tiêu '{entry.target}' được ghi hai lần "
                                     f"(lần đầu ở mục thứ {seen[entry.target] + 1})", source, path + ("target",),
                                     "Giữ một dòng cho mỗi chỉ tiêu."))
            continue
        seen[entry.target] = i
        target = targets.get(entry.target)
        if target is None:
            known = ", ".join(sorted(targets)) or "(kế hoạch không có chỉ tiêu nào)"
            findings.append(_finding("Q101", Severity.ERROR, f"kế hoạch không có chỉ tiêu mã '{entry.target}'",
                                     source, path + ("target",), f"Dùng một mã chỉ tiêu của kế hoạch: {known}."))
            continue
        findings.extend(_check_value(entry, target, source, path))
    done: dict[str, int] = {}
    for i, entry in enumerate(results.work):
        path = ("work", i)
        if entry.item in done:
            findings.append(_finding("Q101", Severity.ERROR, f"nhiệm vụ '{entry.item}' được ghi hai lần", source,
                                     path + ("item",), "Giữ một dòng cho mỗi nhiệm vụ."))
            continue
        done[entry.item] = i
        if entry.item not in work:
            findings.append(_finding("Q101", Severity.ERROR, f"kế hoạch không có nhiệm vụ mã '{entry.item}'", source,
                                     path + ("item",), "Dùng mã nhiệm vụ của kế hoạch; tạo lại tệp mẫu bằng "
                                     "'kehoach report template' để có đủ các mã."))
    for target_id, target in targets.items():
        if target_id not in seen and target.comparator is not Comparator.QUALITATIVE:
            findings.append(_finding("Q105", Severity.WARNING, f"chưa báo cáo chỉ tiêu {target_id} "
                                     f"«{_short(target.indicator or '')}»", source, ("targets",),
                                     f"Thêm '- target: {target_id}' với giá trị đạt được; chưa có số liệu thì để "
                                     "trống 'value' và ghi lý do ở 'note'."))
    for item_id, text in work.items():
        if item_id not in done:
            findings.append(_finding("Q105", Severity.WARNING, f"chưa báo cáo nhiệm vụ {item_id} «{_short(text)}»",
                                     source, ("work",), f"Thêm '- item: {item_id}' với 'status' (chua_thuc_hien, "
                                     "dang_thuc_hien, hoan_thanh, khong_hoan_thanh)."))
    if plan_budget_total(plan) is None:
        for i, entry in enumerate(results.work):
            if entry.spent is not None:
                findings.append(_finding("Q106", Severity.WARNING, f"nhiệm vụ {entry.item} ghi kinh phí đã chi nhưng "
                                         "kế hoạch không có dự toán kinh phí", source, ("work", i, "spent"),
                                         "Bỏ 'spent', hoặc bổ sung phần kinh phí vào kế hoạch."))
    return findings


def plan_budget_total(plan: Plan) -> int | None:
    from ..model.walk import iter_blocks

    totals = [b.budget.total for _, b in iter_blocks(plan) if b.budget is not None and b.budget.total is not None]
    return sum(totals) if totals else None


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def load_results(path: Path | str, plan: Plan | None = None,
                 text: str | None = None) -> tuple[LoadedResults | None, FindingIndex]:
    """A results file and its problems (against *plan* when given); never raises on bad input."""
    path = Path(path)
    index = FindingIndex()
    results, source, findings = load_model(path, Results, text.encode("utf-8") if text is not None else None)
    index.extend(findings)
    if results is None:
        return None, index
    if plan is not None:
        index.extend(check_results(results, source, plan))
    return LoadedResults(results, path, source), index


def load_results_or_raise(path: Path | str, plan: Plan) -> LoadedResults:
    loaded, index = load_results(path, plan)
    if loaded is None or index.has_errors:
        raise InputError(f"Tệp kết quả {path} có lỗi, chưa dùng được.", index.sorted())
    return loaded


def results_yaml(results: Results, header: str | None = None) -> str:
    """A results model as YAML text, not yet checked against a plan (the page checks it and shows the findings)."""
    import io

    from .writer import to_tree
    from .yamlio import make_yaml

    data = results.model_dump(mode="json", exclude_none=True)
    tree = to_tree({"kind": "results", **{k: v for k, v in data.items() if k != "kind"}})
    if header:
        tree.yaml_set_start_comment(header)
    buffer = io.StringIO()
    make_yaml().dump(tree, buffer)
    return buffer.getvalue()


def results_to_yaml(results: Results, header: str | None = None, plan: Plan | None = None) -> str:
    """A results model as YAML, read back and checked before it is returned (the one writer of results files)."""
    text = results_yaml(results, header)
    loaded, index = load_results("kết quả", plan, text=text)
    if loaded is None or any(f.severity is Severity.ERROR for f in index):
        raise InputError("kehoach chưa tạo được tệp kết quả: dữ liệu sinh ra chưa hợp lệ (lỗi của chương trình, "
                         "tệp chưa được ghi).", index.sorted())
    return text
