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


def load_kept_model(path: Path, model: type[M]) -> tuple[M | None, list[Finding]]:
    """load_model for kehoach's data files (indicator catalogue, fields, competences): the validated model is kept on
    disk, keyed by the file's bytes and the model's code, so that it is read and validated again only when either
    changed (the 67 KB indicator catalogue alone is a tenth of `kehoach check`). A file with problems is never kept."""
    import hashlib
    import pickle

    from .. import limits
    from ..fileio import not_a_file, note_read, open_regular
    from .compiled import model_key
    from .diskcache import cache_file, read_cached, write_cached

    path, raw, key = Path(path), None, None
    if not_a_file(path, "tệp .yaml") is None:
        try:
            with open_regular(path) as handle:  # bounded as read_yaml reads it
                raw = handle.read(limits.MAX_PLAN_BYTES + 1)
        except OSError:
            raw = None  # load_model reports it
    code = model_key(model)
    if raw is not None and len(raw) <= limits.MAX_PLAN_BYTES and code is not None:
        key = hashlib.sha256(code.encode() + b"\0" + raw).hexdigest()
        data = read_cached(cache_file("data", key))
        if data is not None:
            try:
                value = pickle.loads(data)  # a trusted file of the user's own cache (diskcache.read_cached)
            except Exception:  # truncated or from another version: read the file again
                value = None
            if isinstance(value, model):
                note_read(path)  # read as surely as if parsed: this command's output must not overwrite it
                return value, []
    value, _, findings = load_model(path, model, raw)
    if value is not None and not findings and key is not None:
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a value that cannot be pickled is simply read each run
            data = None
        if data is not None:
            write_cached(cache_file("data", key), data)
    return value, findings
