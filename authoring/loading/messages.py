"""Pydantic validation errors turned into Vietnamese findings with line, column and field path."""

from __future__ import annotations

import typing

from pydantic import BaseModel, ValidationError

from ..findings import Finding, Severity
from .yamlio import SourceMap


def field_path(loc) -> str:
    """('sections', 0, 'blocks', 2, 'text') → 'sections[0].blocks[2].text'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _type_name(value) -> str:
    if value is None:
        return "giá trị rỗng"
    if isinstance(value, bool):
        return "giá trị đúng/sai"
    if isinstance(value, (int, float)):
        return f"số {value}"
    if isinstance(value, str):
        return f"chuỗi \"{value[:40]}\""
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, dict):
        return "một nhóm trường"
    return type(value).__name__


def _unwrap(annotation):
    """The model class inside Optional[...] / list[...] / Annotated[...], if any."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (list, tuple, dict, typing.Union) or str(origin) == "types.UnionType":
        for arg in typing.get_args(annotation):
            found = _unwrap(arg)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def model_at(root: type[BaseModel], loc) -> type[BaseModel] | None:
    """The model class that owns the mapping at *loc* (keys and indices)."""
    model: type[BaseModel] | None = root
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        by_alias = {(info.alias or name): info for name, info in model.model_fields.items()}
        info = by_alias.get(part)
        if info is None:
            return None
        model = _unwrap(info.annotation)
    return model


def _message(error: dict, root: type[BaseModel]) -> tuple[str, str | None, bool]:
    """(message, suggestion, points at key) for one pydantic error."""
    kind = error["type"]
    loc = error["loc"]
    name = str(loc[-1]) if loc else "tệp"
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return (f"thiếu trường bắt buộc '{name}'", f"Thêm dòng '{name}: …' vào nhóm này.", False)
    if kind == "extra_forbidden":
        owner = model_at(root, loc[:-1])
        allowed = _field_names(owner) if owner else []
        import difflib

        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.5)
        hint = f"Có phải ý bạn là '{close[0]}'? " if close else ""
        listing = ", ".join(allowed)
        return (f"trường '{name}' không có trong định dạng ở chỗ này",
                f"{hint}Các trường được phép ở đây: {listing}.", True)
    if kind == "string_type":
        return (f"'{name}' phải là một chuỗi văn bản, ở đây lại là {_type_name(value)}",
                "Viết văn bản sau dấu ':'; nếu văn bản bắt đầu bằng số hoặc ký tự đặc biệt, đặt nó trong ngoặc kép.", False)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        example = "2025" if str(name).endswith("year") else "7"   # a year, or a count or number such as the số
        return (f"'{name}' phải là số nguyên, ở đây lại là {_type_name(value)}",
                f"Viết một số nguyên, không kèm chữ, dấu chấm hay dấu phẩy; ví dụ: {example}.", False)
    if kind in ("float_type", "float_parsing"):
        return (f"'{name}' phải là một số, ở đây lại là {_type_name(value)}",
                "Viết số với dấu chấm thập phân (99.5), không kèm đơn vị (đơn vị ghi ở trường unit).", False)
    if kind in ("bool_type", "bool_parsing"):
        return (f"'{name}' phải là true hoặc false", None, False)
    if kind in ("list_type", "tuple_type"):
        return (f"'{name}' phải là một danh sách, ở đây lại là {_type_name(value)}",
                "Viết mỗi phần tử trên một dòng bắt đầu bằng '- '.", False)
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        owner = model_at(root, loc)
        fields = f" Các trường: {', '.join(_field_names(owner))}." if owner else ""
        return (f"'{name}' phải là một nhóm trường dạng 'tên: giá trị', ở đây lại là {_type_name(value)}",
                f"Viết các trường con thụt vào dưới '{name}:'.{fields}", False)
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return (f"giá trị '{value}' của '{name}' không hợp lệ", f"Chọn một trong: {expected}.", False)
    if kind == "string_pattern_mismatch":
        if name == "id" or name.endswith("id"):
            return (f"mã '{value}' không hợp lệ",
                    "Mã chỉ gồm chữ không dấu, số, '.', '-', '_' và bắt đầu bằng chữ hoặc số, vd. muc-tieu-1.", False)
        return (f"'{value}' không đúng dạng của '{name}'", None, False)
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return (f"'{name}' phải lớn hơn hoặc bằng {limit}, ở đây là {value}",
                "Sửa lại số cho đúng (năm viết đủ bốn chữ số, vd. 2025).", False)
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return (f"'{name}' phải nhỏ hơn hoặc bằng {limit}, ở đây là {value}",
                "Sửa lại số cho đúng (năm viết đủ bốn chữ số, vd. 2025).", False)
    if kind in ("string_too_long", "string_too_short"):
        return (f"'{name}' dài {len(value) if isinstance(value, str) else '?'} ký tự, không nằm trong giới hạn cho phép",
                None, False)
    if kind in ("too_short", "too_long"):
        return (f"'{name}' có số phần tử không hợp lệ ({error.get('msg')})", None, False)
    if kind == "value_error":
        text = str(ctx.get("error", error.get("msg", "")))
        return (text, None, False)
    return (f"giá trị của '{name}' không hợp lệ ({error.get('msg')})", None, False)


def validation_findings(exc: ValidationError, root: type[BaseModel], source: SourceMap) -> list[Finding]:
    findings = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-")))
        message, suggestion, at_key = _message({**error, "loc": loc}, root)
        line, column = source.locate(loc, key=at_key)
        code = {"missing": "L111", "extra_forbidden": "L110"}.get(error["type"], "L112")
        if error["type"] == "value_error" and ("ngày" in message or "tháng" in message or "hạn" in message):
            code = "L114"
            suggestion = suggestion or ("Sửa lại cho đúng ngày có thật. Ngày ban hành chưa biết thì chỉ ghi năm "
                                        "(2026) hoặc năm-tháng (2026-02); hạn báo cáo ghi NGÀY/THÁNG, vd. 10/5.")
        elif error["type"] == "value_error" and suggestion is None:
            suggestion = "Sửa giá trị theo hướng dẫn trong thông báo; xem tệp mẫu trong plans/examples/."
        findings.append(Finding(code, Severity.ERROR, message, source.file, line, column,
                                field_path(loc) or None, suggestion))
    return findings
