"""Findings: problems collected (not thrown one at a time) and rendered for terminal, JSON, HTML."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "lỗi", "warning": "cảnh báo", "info": "thông tin"}[self.value]


_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One problem: a stable code, a severity, where it is, what is wrong and how to fix it."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None
    suggestion: str | None = None

    @property
    def location(self) -> str:
        parts = [self.file or "<không rõ tệp>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class FindingIndex:
    """Collects findings from every stage and answers questions about them."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, finding: Finding) -> None:
        self.findings.append(finding)

    def extend(self, findings) -> None:
        self.findings.extend(findings)

    def __iter__(self):
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.findings)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def sorted(self) -> list[Finding]:
        return sorted(
            self.findings,
            key=lambda f: (f.file or "", f.line or 0, f.column or 0, _ORDER[f.severity], f.code, f.message),
        )

    def summary(self) -> dict:
        counts = {s.value: 0 for s in Severity}
        for f in self.findings:
            counts[f.severity.value] += 1
        return {"errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
                "total": len(self.findings)}


def render_text(findings, colour: bool = False) -> str:
    """Findings as terminal lines: ``file:line:col: lỗi L110 [path] message`` plus a fix line."""
    lines = []
    for f in findings:
        where = f" [{f.path}]" if f.path else ""
        lines.append(f"{f.location}: {f.severity.label} {f.code}{where}: {f.message}")
        if f.suggestion:
            lines.append(f"    → Cách sửa: {f.suggestion}")
    return "\n".join(lines)


def render_summary_line(index: FindingIndex) -> str:
    s = index.summary()
    return f"{s['errors']} lỗi, {s['warnings']} cảnh báo, {s['infos']} thông tin."


def render_json(index: FindingIndex, extra: dict | None = None) -> str:
    data = {"findings": [f.to_dict() for f in index.sorted()], "summary": index.summary()}
    if extra:
        data.update(extra)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_html(index: FindingIndex, title: str, extra_sections: str = "") -> str:
    """A self-contained HTML report a department head can read."""
    rows = []
    for f in index.sorted():
        rows.append(
            "<tr class='{sev}'><td>{label}</td><td><code>{code}</code></td><td>{loc}</td>"
            "<td>{path}</td><td>{msg}</td><td>{fix}</td></tr>".format(
                sev=f.severity.value, label=html.escape(f.severity.label), code=html.escape(f.code),
                loc=html.escape(f.location), path=html.escape(f.path or ""),
                msg=html.escape(f.message), fix=html.escape(f.suggestion or ""),
            )
        )
    s = index.summary()
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "Times New Roman", serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #999; padding: 4px 6px; vertical-align: top; }}
tr.error td:first-child {{ color: #b00; font-weight: bold; }}
tr.warning td:first-child {{ color: #a60; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{s['errors']} lỗi, {s['warnings']} cảnh báo, {s['infos']} thông tin.</p>
<table><thead><tr><th>Mức độ</th><th>Mã</th><th>Vị trí</th><th>Trường</th><th>Nội dung</th><th>Cách sửa</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
{extra_sections}
</body></html>
"""
