"""Findings: problems collected (not thrown one at a time), each with a stable code, a severity, a place and a fix."""

from __future__ import annotations

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
