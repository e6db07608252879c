"""Reading YAML with ruamel.yaml: positions of every node, NFC text, problems as findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..findings import Finding, Severity
from ..text import nfc_tree

Path_ = tuple  # a path into the tree: keys and list indices


class DateText(str):
    """A date exactly as the author wrote it; written back unquoted on a round trip."""


class _TextDateConstructor(RoundTripConstructor):
    """Keeps dates as the text the author wrote, so the model can judge them (31/02 → a clear message)."""


_TextDateConstructor.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda self, node: DateText(self.construct_scalar(node))
)


def _represent_date_text(representer, data):
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", str(data))


def make_yaml() -> YAML:
    """The round-trip YAML reader/writer used everywhere (comments and order are kept)."""
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


def _index(node, path: Path_, source: SourceMap) -> None:
    if isinstance(node, CommentedMap):
        for key in node:
            try:
                k_line, k_col = node.lc.key(key)
                v_line, v_col = node.lc.value(key)
            except (KeyError, TypeError, AttributeError):
                continue
            source.keys[path + (key,)] = (k_line + 1, k_col + 1)
            child = node[key]
            if isinstance(child, (CommentedMap, CommentedSeq)) and child.lc.line is not None:
                source.values[path + (key,)] = (child.lc.line + 1, child.lc.col + 1)
            else:
                source.values[path + (key,)] = (v_line + 1, v_col + 1)
            _index(child, path + (key,), source)
    elif isinstance(node, CommentedSeq):
        for i, child in enumerate(node):
            try:
                line, col = node.lc.item(i)
            except (KeyError, TypeError, AttributeError):
                continue
            source.values[path + (i,)] = (line + 1, col + 1)
            _index(child, path + (i,), source)


def to_plain(node):
    """ruamel's commented containers as plain dicts, lists and strings."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


_PROBLEMS_VI = {
    "mapping values are not allowed here": "có dấu ':' ở chỗ không được phép (chuỗi có dấu ':' phải đặt trong ngoặc kép)",
    "could not find expected ':'": "thiếu dấu ':' sau tên trường",
    "found character '\\t' that cannot start any token": "có ký tự Tab; YAML chỉ dùng dấu cách để thụt lề",
    "did not find expected key": "thụt lề không khớp hoặc thiếu dấu ':' sau tên trường",
    "did not find expected '-' indicator": "phần tử danh sách phải bắt đầu bằng '- ' và thẳng hàng với các phần tử khác",
    "found unexpected end of stream": "tệp kết thúc giữa chừng (có ngoặc kép hoặc ngoặc vuông chưa đóng)",
    "expected <block end>, but found '-'": "dấu '- ' của danh sách bị thụt lề sai",
    "found undefined alias": "dùng bí danh (*) chưa được khai báo",
}


def _yaml_problem_vi(problem: str | None) -> str:
    problem = (problem or "").strip()
    for english, vietnamese in _PROBLEMS_VI.items():
        if problem.startswith(english):
            return vietnamese
    if "while scanning a quoted scalar" in problem or "found unexpected end of stream" in problem:
        return "chuỗi trong ngoặc kép chưa được đóng"
    return f"cú pháp không hợp lệ ({problem})" if problem else "cú pháp không hợp lệ"


def read_yaml(path: Path) -> tuple[object | None, SourceMap, list[Finding]]:
    """Read a YAML file. Returns (plain NFC tree or None, source map, findings)."""
    file = str(path)
    source = SourceMap(file)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, source, [Finding("L100", Severity.ERROR, "không tìm thấy tệp", file,
                                      suggestion="Kiểm tra lại đường dẫn và tên tệp.")]
    except IsADirectoryError:
        return None, source, [Finding("L100", Severity.ERROR, "đây là thư mục, không phải tệp YAML", file,
                                      suggestion="Chỉ rõ tên tệp .yaml trong thư mục.")]
    except OSError as exc:
        return None, source, [Finding("L100", Severity.ERROR, f"không đọc được tệp ({exc.strerror})", file,
                                      suggestion="Kiểm tra quyền đọc tệp.")]
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
    try:
        tree = make_yaml().load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = ""
        if exc.problem and "found duplicate key" in exc.problem:
            key = exc.problem.split('"')[1] if '"' in exc.problem else ""
        return None, source, [Finding(
            "L104", Severity.ERROR, f"trường '{key}' được khai báo hai lần trong cùng một nhóm",
            file, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
            suggestion="Xóa hoặc gộp một trong hai dòng trùng tên.",
        )]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return None, source, [Finding(
            "L103", Severity.ERROR, f"lỗi cú pháp YAML: {_yaml_problem_vi(exc.problem)}",
            file, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
            suggestion="Kiểm tra thụt lề (chỉ dùng dấu cách), dấu ':' sau tên trường, "
                       "và đặt chuỗi có ký tự đặc biệt (':', '#', '[') trong ngoặc kép.",
        )]
    except YAMLError as exc:
        return None, source, [Finding("L103", Severity.ERROR, f"lỗi cú pháp YAML: {_yaml_problem_vi(str(exc))}", file,
                                      suggestion="Kiểm tra lại cú pháp YAML của tệp.")]
    if tree is None:
        return None, source, [Finding("L102", Severity.ERROR, "tệp rỗng: không có nội dung nào ngoài chú thích",
                                      file, 1, 1,
                                      suggestion="Bắt đầu từ một kế hoạch mẫu trong plans/examples/ rồi sửa lại.")]
    if isinstance(tree, CommentedMap):
        source.values[()] = (tree.lc.line + 1, tree.lc.col + 1)
    _index(tree, (), source)
    return nfc_tree(to_plain(tree)), source, []
