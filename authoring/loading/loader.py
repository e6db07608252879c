"""Loading a plan file: YAML → model, then the cross-field problems a schema cannot see."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, FindingIndex, Severity
from ..model import Plan
from ..model.plan import FOOTNOTE_RE
from ..model.walk import iter_agency_refs, iter_blocks, iter_duties, iter_ids, iter_tasks
from .messages import field_path
from .registry import Registry, load_registry
from .validate import load_model
from .yamlio import SourceMap


@dataclass
class LoadedPlan:
    """A plan with where it came from and what its agency names resolve to."""

    plan: Plan
    path: Path
    source: SourceMap
    registry: Registry
    agency_ids: dict[str, str | None] = field(default_factory=dict)

    def agency_id(self, text: str) -> str | None:
        return self.agency_ids.get(text)

    def locate(self, path) -> tuple[int | None, int | None]:
        return self.source.locate(tuple(path))

    @classmethod
    def from_model(cls, plan: Plan, path: Path, registry: Registry) -> "LoadedPlan":
        """A plan that was built in memory (imported, derived): no source positions, agency names resolved."""
        resolved = {text: registry.resolve_agency(text) for _, text in iter_agency_refs(plan)}
        return cls(plan, Path(path), SourceMap(str(path)), registry, resolved)


def _finding(code, message, source: SourceMap, path, suggestion=None, severity=Severity.ERROR, key=False):
    line, column = source.locate(tuple(path), key=key)
    return Finding(code, severity, message, source.file, line, column, field_path(path), suggestion)


def _check_ids(plan: Plan, source: SourceMap) -> list[Finding]:
    findings = []
    first_seen: dict[str, tuple] = {}
    for path, item_id in iter_ids(plan):
        if item_id in first_seen:
            line, _ = source.locate(first_seen[item_id])
            findings.append(_finding("L120", f"mã '{item_id}' đã dùng cho một mục khác (dòng {line})", source, path,
                                     "Mỗi mục phải có mã riêng; đổi mã này, ví dụ thêm hậu tố '-2'."))
        else:
            first_seen[item_id] = path
    for duty in iter_duties(plan):
        if not duty.id:
            findings.append(_finding("L115", "nhiệm vụ của cơ quan chưa có mã (id)", source, duty.path,
                                     "Thêm 'id: …' để kế hoạch cấp dưới và phép kiểm tra dẫn chiếu được tới nhiệm vụ này."))
    for path, block in iter_tasks(plan):
        if not block.id:
            findings.append(_finding("L115", "nhiệm vụ (task) chưa có mã (id)", source, path,
                                     "Thêm 'id: …' vào mục có 'task'."))
    return findings


def _check_agencies(plan: Plan, source: SourceMap, registry: Registry) -> tuple[dict, list[Finding]]:
    resolved: dict[str, str | None] = {}
    findings = []
    for path, text in iter_agency_refs(plan):
        agency_id = registry.resolve_agency(text)
        resolved[text] = agency_id
        if agency_id is None and registry.is_agency_id(text):
            close = registry.close_agency_ids(text)
            hint = f"Có phải là {', '.join(repr(c) for c in close)}? " if close else ""
            findings.append(_finding(
                "L121", f"không có cơ quan mã '{text}' trong danh mục cơ quan", source, path,
                f"{hint}Dùng một mã có trong plans/registry/agencies.yaml, hoặc viết tên đầy đủ của cơ quan.",
            ))
    return resolved, findings


def _check_citations(plan: Plan, source: SourceMap, registry: Registry) -> list[Finding]:
    findings = []
    for group in ("bases", "references"):
        for i, citation in enumerate(getattr(plan, group)):
            if not citation.registry or citation.registry in registry.documents:
                continue
            findings.append(_finding(
                "L122", f"không có văn bản mã '{citation.registry}' trong danh mục văn bản", source,
                (group, i, "registry"),
                "Dùng mã có trong plans/registry/citations.yaml, hoặc bỏ trường 'registry'.",
            ))
    return findings


def _check_footnotes(plan: Plan, source: SourceMap) -> list[Finding]:
    findings = []
    used = set()

    def scan(text, path):
        for mark in FOOTNOTE_RE.findall(text or ""):
            used.add(mark)
            if mark not in plan.footnotes:
                findings.append(_finding("L123", f"chú thích [^{mark}] chưa được khai báo trong 'footnotes'", source, path,
                                         f"Thêm '{mark}: …' vào mục footnotes, hoặc bỏ dấu [^{mark}]."))

    for path, block in iter_blocks(plan):
        scan(block.title, path + ("title",))
        scan(block.text, path + ("text",))
    for i, recipient in enumerate(plan.recipients):
        scan(recipient.name, ("recipients", i, "name"))
    for mark in plan.footnotes:
        if mark not in used:
            findings.append(_finding("L123", f"chú thích '{mark}' được khai báo nhưng không được dùng", source,
                                     ("footnotes", mark), f"Đặt [^{mark}] vào chỗ cần chú thích, hoặc xóa nó.",
                                     severity=Severity.WARNING))
    return findings


def load_plan(path: Path | str, registry: Registry | None = None,
              text: str | None = None) -> tuple[LoadedPlan | None, FindingIndex]:
    """Load and validate a plan; every problem of the file is collected, none is thrown.

    With *text*, the plan is read from it (an editor's unsaved text, a writer's output) and *path* only names it.
    """
    path = Path(path)
    registry = registry or load_registry()
    index = FindingIndex()
    plan, source, findings = load_model(path, Plan, text.encode("utf-8") if text is not None else None)
    index.extend(findings)
    if plan is None:
        return None, index
    index.extend(_check_ids(plan, source))
    resolved, agency_findings = _check_agencies(plan, source, registry)
    index.extend(agency_findings)
    index.extend(_check_citations(plan, source, registry))
    index.extend(_check_footnotes(plan, source))
    loaded = LoadedPlan(plan, path, source, registry, resolved)
    return loaded, index


def load_plan_or_raise(path: Path | str, registry: Registry | None = None) -> LoadedPlan:
    loaded, index = load_plan(path, registry)
    if loaded is None or index.has_errors:
        raise InputError(f"Tệp kế hoạch {path} có lỗi, chưa dùng được.", index.sorted())
    return loaded
