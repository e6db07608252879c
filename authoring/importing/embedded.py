"""The plan data kehoach stores in its own DOCX (kehoach/plan.json), read as untrusted input.

A DOCX can come from anyone, so the embedded data gets the same limits and checks as a plan file: size,
nesting, numbers that are numbers, text a document can carry, and the model's validation. Bad data is an
InputError naming the file and the field (exit 1), never a silent fallback or an internal error.
"""

from __future__ import annotations

import json
from pathlib import Path

from .. import limits
from ..errors import InputError
from ..findings import Finding, Severity
from ..ooxml.reader import EMBEDDED_PLAN_PART

PART = EMBEDDED_PLAN_PART
_FIX = ("Dữ liệu kèm trong tệp đã bị sửa ngoài kehoach. Xóa phần kehoach/plan.json khỏi tệp (mở và lưu lại bằng "
        "Word là đủ) để nhập theo nội dung văn bản, hoặc xuất lại văn bản từ tệp YAML gốc.")


def _depth(value) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limits.MAX_DEPTH:
            return deepest
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def _refuse(path: Path, message: str, field: str | None = None, findings: list | None = None):
    where = f"{path}!{PART}"
    raise InputError(f"Dữ liệu kế hoạch kèm trong {path} không dùng được.",
                     findings or [Finding("M105", Severity.ERROR, message, where, path=field, suggestion=_FIX)])


class _NotANumber(ValueError):
    """NaN or Infinity in the data: JSON's extensions Python accepts and a plan never holds."""


def _no_constants(name: str):
    raise _NotANumber(f"giá trị {name} không phải một số")


def embedded_plan(path: Path):
    """(plain data, Plan) embedded in *path*, or None when there is none; InputError when it is bad."""
    from pydantic import ValidationError

    from ..loading.messages import field_path, validation_findings
    from ..model.textcheck import tree_problems
    from ..loading.yamlio import SourceMap
    from ..model import Plan
    from ..ooxml.reader import embedded_plan as embedded_bytes

    raw = embedded_bytes(path, "M101")
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except RecursionError:
        _refuse(path, f"dữ liệu lồng nhau quá sâu (hơn {limits.MAX_DEPTH} cấp)")
    except json.JSONDecodeError as exc:
        _refuse(path, f"dữ liệu không phải JSON hợp lệ (hỏng từ dòng {exc.lineno}, cột {exc.colno})")
    except _NotANumber as exc:
        _refuse(path, f"dữ liệu không phải JSON hợp lệ ({exc})")
    except (ValueError, UnicodeDecodeError):
        _refuse(path, "dữ liệu không phải JSON hợp lệ (không phải chữ UTF-8 hoặc có giá trị không phải số)")
    if not isinstance(data, dict):
        _refuse(path, "dữ liệu phải là một nhóm trường ở cấp ngoài cùng")
    if _depth(data) > limits.MAX_DEPTH:
        _refuse(path, f"dữ liệu lồng nhau quá sâu (hơn {limits.MAX_DEPTH} cấp)")
    for where, problem in tree_problems(data):
        _refuse(path, f"'{field_path(where)}' {problem}", field_path(where))
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        findings = validation_findings(exc, Plan, SourceMap(f"{path}!{PART}"))
        _refuse(path, "", findings=[Finding(f.code, f.severity, f.message, f.file, None, None, f.path, _FIX)
                                    for f in findings])
    return data, plan
