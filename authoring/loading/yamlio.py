"""Reading YAML (libyaml, with positions of every node, NFC text, problems as findings); writing with ruamel."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import os_error_words
from ..findings import Finding, Severity

Path_ = tuple  # a path into the tree: keys and list indices


class DateText(str):
    """A date exactly as the author wrote it; written back unquoted on a round trip."""


def _represent_date_text(representer, data):
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


def make_yaml():
    """The round-trip YAML reader/writer, for writing plans back (comments and order are kept).

    Reading for validation goes through libyaml (fastyaml.py); ruamel is imported only when a plan is written.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class _TextDateConstructor(RoundTripConstructor):
        """Keeps dates as the text the author wrote, so the model can judge them (31/02 → a clear message)."""

    _TextDateConstructor.add_constructor(
        "tag:yaml.org,2002:timestamp", lambda self, node: DateText(self.construct_scalar(node))
    )
    yaml = YAML(typ="rt")
    yaml.Constructor = _TextDateConstructor
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(DateText, _represent_date_text)
    return yaml


@dataclass
class SourceMap:
    """Where each node of a YAML file is: path → (line, column), both counted from 1."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    # path → (start, end, style, in a flow collection) of each scalar value in the text, for splicing an edit
    spans: dict[Path_, tuple[int, int, str, bool]] = field(default_factory=dict)

    def locate(self, path: Path_, key: bool = False) -> tuple[int | None, int | None]:
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (None, None))


def read_yaml(path: Path, raw: bytes | None = None,
              shared: bool = False) -> tuple[object | None, SourceMap, list[Finding]]:
    """Read a YAML file (or *raw*, its bytes as an editor holds them). Returns (plain NFC tree or None, source map,
    findings). With *shared*, the tree is the one kept for the next reader of the same bytes: the caller must not
    change it nor keep a part of it (validation only reads it)."""
    file = str(path)
    source = SourceMap(file)
    from .. import limits
    from ..fileio import not_a_file, note_read, open_regular

    if raw is None and (problem := not_a_file(path, "tệp .yaml")) is not None:   # a pipe would hang the read
        return None, source, [Finding("L100", Severity.ERROR, problem[0], file, suggestion=problem[1])]
    note_read(path)  # this command's output must not overwrite it
    try:
        if raw is None:
            with open_regular(path) as handle:  # bounded: a 50 MB file or one still growing is refused, not read whole
                raw = handle.read(limits.MAX_PLAN_BYTES + 1)
        if len(raw) > limits.MAX_PLAN_BYTES:
            size = len(raw) if len(raw) > limits.MAX_PLAN_BYTES + 1 else (path.stat().st_size if path.is_file() else 0)
            shown = f" ({size / 1048576:.1f} MB)" if size else ""
            return None, source, [Finding(
                "L105", Severity.ERROR, f"tệp quá lớn{shown}; một tệp kế hoạch chỉ được tối đa "
                f"{limits.MAX_PLAN_BYTES // 1048576} MB", file,
                suggestion="Kiểm tra có chọn nhầm tệp không; một kế hoạch thật chỉ vài chục KB. "
                           "Tách phần phụ lục lớn ra tệp khác.")]
    except FileNotFoundError:
        return None, source, [Finding("L100", Severity.ERROR, "không tìm thấy tệp", file,
                                      suggestion="Kiểm tra lại đường dẫn và tên tệp.")]
    except IsADirectoryError:
        return None, source, [Finding("L100", Severity.ERROR, "đây là thư mục, không phải tệp YAML", file,
                                      suggestion="Chỉ rõ tên tệp .yaml trong thư mục.")]
    except OSError as exc:
        what, fix = os_error_words(exc)
        return None, source, [Finding("L100", Severity.ERROR, f"không đọc được tệp: {what}", file, suggestion=fix)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, source, [Finding(
            "L101", Severity.ERROR,
            f"tệp không được lưu theo bảng mã UTF-8 (byte 0x{raw[exc.start]:02X} không đọc được)",
            file, line, column,
            suggestion="Mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 "
                       "(Notepad: Lưu thành → Mã hóa: UTF-8; VS Code: Save with Encoding → UTF-8).",
        )]
    return _compose_cached(file, raw, text, shared)


_CACHE: dict[tuple[str, bytes], tuple] = {}


def _compose_cached(file: str, raw: bytes, text: str, shared: bool = False):
    """Composition keyed by file name and content hash: the registry and the library are read once a process."""
    import hashlib

    from .fastyaml import compose_yaml

    key = (file, hashlib.sha256(raw).digest())
    if key not in _CACHE:
        if len(_CACHE) > 64:
            _CACHE.clear()
        tree, source, findings = compose_yaml(text, file)
        if tree is None and not findings:
            findings = [Finding("L102", Severity.ERROR, "tệp rỗng: không có nội dung nào ngoài chú thích", file, 1, 1,
                                suggestion="Bắt đầu từ một kế hoạch mẫu trong plans/examples/ rồi sửa lại.")]
        _CACHE[key] = (tree, source, findings)
    tree, source, findings = _CACHE[key]
    # Callers may change the tree they get (validation fills defaults, tests edit it): give each its own copy.
    if not shared and not (findings and tree is None):
        tree = copy.deepcopy(tree)
    return tree, source, list(findings)
