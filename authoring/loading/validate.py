"""Validate one YAML file against one model class, collecting every problem as a finding."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..findings import Finding, Severity
from .messages import validation_findings
from .yamlio import SourceMap, read_yaml

M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M], raw: bytes | None = None) -> tuple[M | None, SourceMap, list[Finding]]:
    """A model from a YAML file (or from *raw*, the file's bytes as an editor holds them)."""
    # Shared: validation reads the tree and no model keeps a part of it (text, numbers, dates are built anew).
    tree, source, findings = read_yaml(Path(path), raw, shared=True)
    if findings:
        return None, source, findings
    if not isinstance(tree, dict):
        return None, source, [Finding(
            "L112", Severity.ERROR, "nội dung tệp phải là một nhóm trường 'tên: giá trị' ở cấp ngoài cùng",
            source.file, 1, 1, suggestion="Xem một tệp mẫu trong plans/examples/ để biết cấu trúc.",
        )]
    from .compiled import validator_for

    try:
        return validator_for(model).validate_python(tree), source, []
    except ValidationError as exc:
        return None, source, validation_findings(exc, model, source)
