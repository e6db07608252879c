"""`kehoach check`: every rule family over a plan and the documents it implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, FindingIndex, Severity
from ..loading import load_plan
from .agencies import check_agencies
from .citations import check_citations
from .completeness import check_completeness
from ..loading.library import find_parent
from .context import CheckContext
from .coverage import check_coverage
from .deadlines import check_deadlines
from .form import check_form
from .indicators import check_indicators
from .lifecycle import check_lifecycle
from .links import check_links
from .targets import check_targets

FAMILIES = (check_links, check_targets, check_coverage, check_deadlines, check_citations, check_agencies, check_form,
            check_lifecycle, check_completeness, check_indicators)


@dataclass
class CheckReport:
    index: FindingIndex
    coverage: list[dict]
    plan_id: str | None
    parents: list[str]
    parent_names: list[str] = field(default_factory=list)   # as people cite them, for reports


def run_check(path: Path | str, parents: list[str] | None = None, lead_days: int = 5) -> CheckReport:
    path = Path(path)
    loaded, index = load_plan(path)
    if loaded is None or index.has_errors:
        return CheckReport(index, [], None, [])
    return check_loaded(loaded, index, parents, lead_days)


def check_loaded(loaded, index: FindingIndex, parents: list[str] | None = None, lead_days: int = 5,
                 load_parent=None) -> CheckReport:
    """Every family over a plan already loaded (the CLI after reading it, the web page after each edit).

    *load_parent(path, registry)* loads one parent; a long-running process passes a cached one.
    """
    load_parent = load_parent or (lambda file, registry: load_plan(file, registry))
    path = loaded.path
    refs = list(loaded.plan.implements) + list(parents or [])
    loaded_parents = []
    for ref in refs:
        parent_file = find_parent(ref, path)
        parent, parent_index = load_parent(parent_file, loaded.registry) if parent_file else (None, None)
        if parent_file is not None and (parent is None or parent_index.has_errors):
            index.extend(parent_index.findings)
            line, column = loaded.locate(("implements",))
            index.add(Finding("C002", Severity.ERROR, f"văn bản cấp trên '{ref}' ({parent_file}) có lỗi định dạng nên "
                                                      "chưa đối chiếu được", str(path), line, column, "implements",
                              "Sửa các lỗi của tệp văn bản cấp trên (liệt kê ở trên) rồi kiểm tra lại."))
        elif parent_file is None:
            line, column = loaded.locate(("implements",))
            index.add(Finding("C001", Severity.WARNING,
                              f"không tìm thấy văn bản cấp trên '{ref}' trong thư viện plans/directives/, nên chưa kiểm tra "
                              "được chỉ tiêu, nhiệm vụ và thời hạn theo văn bản đó", str(path), line, column, "implements",
                              f"Thêm tệp plans/directives/{ref}.yaml (cùng định dạng kế hoạch) hoặc dùng --parent TỆP.yaml."))
        else:
            loaded_parents.append(parent)
    ctx = CheckContext(loaded, loaded_parents, lead_days, index)
    for family in FAMILIES:
        family(ctx)
    from .. import words

    return CheckReport(index, ctx.coverage, loaded.plan.id, [p.plan.id for p in loaded_parents],
                       [words.document(p.plan) for p in loaded_parents])
