"""Reading YAML fast and safely: libyaml's parser (through PyYAML) and a small composer of our own.

libyaml gives the events with their line and column about thirty times faster than the pure-Python round-trip
reader. The composer below turns them into plain Python values (NFC text, dates kept as written) and a source
map, in one pass and without recursion, so that it can refuse what no plan needs and an attacker would send:
alias bombs and self-referencing aliases, nesting hundreds deep, huge files, numbers that are not numbers,
and text XML cannot carry. Writing (review, derive, new-year) keeps ruamel's round trip.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata

from .. import limits
from ..findings import Finding, Severity
from ..model.textcheck import text_problem

# PyYAML compiles, when imported, a character class spanning all of Unicode for its pure-Python reader (≈ 5 ms, a
# twentieth of `kehoach validate`); libyaml, which reads kehoach's files, never uses it. A stand-in put in re's cache
# under that pattern compiles it on first use instead; were re's cache laid out otherwise, PyYAML compiles it as before.
_PYYAML_NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"


class _CompiledOnUse:
    def __init__(self, source: str):
        self._source = source
        self._pattern = None

    def __getattr__(self, name):
        if self._pattern is None:
            re._cache.pop((str, self._source, 0), None)  # let re compile the real one, not return this stand-in
            self._pattern = re.compile(self._source)
        return getattr(self._pattern, name)


def pyyaml():
    """PyYAML, imported without compiling the pattern only its pure-Python reader needs."""
    if "yaml" not in sys.modules and isinstance(getattr(re, "_cache", None), dict):
        re._cache.setdefault((str, _PYYAML_NON_PRINTABLE, 0), _CompiledOnUse(_PYYAML_NON_PRINTABLE))
    import yaml

    return yaml


# YAML 1.2 core schema, as ruamel.yaml resolves it (so plans mean what they meant before).
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT = re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""", re.X)
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TIMESTAMP = re.compile(r"""^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]
    |[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    (?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?
    (?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$""", re.X)

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str": "str", "tag:yaml.org,2002:int": "int", "tag:yaml.org,2002:float": "float",
    "tag:yaml.org,2002:bool": "bool", "tag:yaml.org,2002:null": "null", "tag:yaml.org,2002:timestamp": "timestamp",
    "tag:yaml.org,2002:map": "map", "tag:yaml.org,2002:seq": "seq", "!": "str",
}

_SYNTAX_VI = [
    ("mapping values are not allowed", "có dấu ':' ở chỗ không được phép (chuỗi có dấu ':' phải đặt trong ngoặc kép)"),
    ("could not find expected ':'", "thiếu dấu ':' sau tên trường"),
    ("found character that cannot start any token", "có ký tự không mở đầu được giá trị (thường là Tab: YAML chỉ dùng "
                                                     "dấu cách để thụt lề; hoặc '@', '`' phải đặt trong ngoặc kép)"),
    ("did not find expected key", "thụt lề không khớp hoặc thiếu dấu ':' sau tên trường"),
    ("did not find expected '-' indicator", "phần tử danh sách phải bắt đầu bằng '- ' và thẳng hàng với các phần tử khác"),
    ("did not find expected ',' or ']'", "danh sách trong ngoặc vuông chưa được đóng hoặc thiếu dấu ','"),
    ("did not find expected ',' or '}'", "nhóm trong ngoặc nhọn chưa được đóng hoặc thiếu dấu ','"),
    ("did not find expected <document start>", "thụt lề không khớp ở cấp ngoài cùng"),
    ("found unexpected end of stream", "tệp kết thúc giữa chừng (có ngoặc kép hoặc ngoặc vuông chưa đóng)"),
    ("found invalid Unicode character escape code", "mã thoát \\u… hoặc \\x… trong ngoặc kép không phải ký tự hợp lệ"),
    ("found unknown escape character", "ký tự sau dấu '\\' trong ngoặc kép không hợp lệ (viết '\\\\' cho một dấu '\\')"),
    ("block sequence entries are not allowed", "dấu '- ' của danh sách bị thụt lề sai"),
    ("did not find expected node content", "thiếu giá trị ở chỗ này"),
    ("found undefined tag handle", "có thẻ '!' không hợp lệ (đặt chuỗi bắt đầu bằng '!' trong ngoặc kép)"),
]


def _too_deep() -> tuple[str, str]:
    """Our words for nesting deeper than limits.MAX_DEPTH, whether our composer or the parser stops first."""
    return (f"các mục lồng nhau quá sâu (hơn {limits.MAX_DEPTH} cấp)",
            "Một kế hoạch thật chỉ lồng vài cấp (I. → 1. → a) → -); kiểm tra thụt lề hoặc tách bớt cấp.")


class YamlLimit(Exception):
    """A limit crossed or a construct refused; carries one located finding."""

    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def syntax_problem_vi(problem: str | None) -> str:
    problem = (problem or "").strip()
    for english, vietnamese in _SYNTAX_VI:
        if problem.startswith(english):
            return vietnamese
    if "while scanning a quoted scalar" in problem:
        return "chuỗi trong ngoặc kép chưa được đóng"
    return "cú pháp không hợp lệ"  # the parser's own English words never reach the user


def _field(path) -> str | None:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out or None


class _Composer:
    def __init__(self, file: str):
        from .yamlio import SourceMap

        self.file = file
        self.source = SourceMap(file)
        self.findings: list[Finding] = []
        self.anchors: dict[str, tuple[object, int]] = {}   # anchor → (value, nodes in it)
        self.open_anchors: set[str] = set()
        self.aliases = 0
        self.expanded = 0
        self.nodes = 0

    def fail(self, message: str, mark, suggestion: str, code: str = "L105", path=()):
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)
        raise YamlLimit(Finding(code, Severity.ERROR, message, self.file, line, column, _field(path), suggestion))

    def note(self, message: str, mark, suggestion: str, path, code: str = "L106") -> None:
        self.findings.append(Finding(code, Severity.ERROR, message, self.file, mark.line + 1, mark.column + 1,
                                     _field(path), suggestion))

    def scalar(self, event, path, is_key: bool):
        from .yamlio import DateText

        value = event.value
        tag = event.tag
        kind = _STANDARD_TAGS.get(tag) if tag else None
        if tag and kind is None:
            self.note(f"thẻ YAML '{tag}' không được hỗ trợ", event.start_mark,
                      "Bỏ thẻ (phần bắt đầu bằng '!'), hoặc đặt cả giá trị trong ngoặc kép nếu '!' là một phần của chữ.",
                      path)
            return None
        if kind is None and event.style == "" and not is_key:
            kind = self._resolve(value)
        if kind in (None, "str"):
            text = unicodedata.normalize("NFC", value)
            if not is_key:
                problem = text_problem(text)
                if problem:
                    # The field by its own name, as every other message names it (the page shows its label).
                    name = next((part for part in reversed(path) if isinstance(part, str)), "giá trị")
                    self.note(f"'{name}' {problem}", event.start_mark,
                              "Xóa ký tự đó (thường lọt vào khi dán từ tệp khác); văn bản chỉ chứa chữ, số, dấu câu, "
                              "dấu cách và xuống dòng.", path, code="L107")
            return text
        try:
            if kind == "null":
                if not _NULL.match(value):
                    raise ValueError
                return None
            if kind == "bool":
                if not _BOOL.match(value):
                    raise ValueError
                return value.lower() == "true"
            if kind == "int":
                return _int(value)
            if kind == "float":
                number = _float(value)
                if not math.isfinite(number):
                    self.note(f"'{value}' không phải một số hữu hạn (NaN, vô cực không dùng được trong kế hoạch)",
                              event.start_mark, "Ghi một số cụ thể, vd. 95 hoặc 99.5; bỏ trống trường nếu chưa có số.",
                              path, code="L112")
                    return None
                return number
            if kind == "timestamp":
                return DateText(value)
        except ValueError:
            self.note(f"'{value[:40]}' không phải giá trị đúng kiểu đã ghi ({tag})", event.start_mark,
                      "Bỏ thẻ kiểu (!!…) hoặc sửa giá trị cho khớp.", path, code="L112")
            return None
        self.note(f"thẻ YAML '{tag}' không dùng được cho một giá trị đơn", event.start_mark,
                  "Bỏ thẻ kiểu (!!…).", path)
        return None

    @staticmethod
    def _resolve(value: str) -> str | None:
        if not value:
            return "null"
        first = value[0]
        if first in "tTfF" and _BOOL.match(value):
            return "bool"
        if first in "-+0123456789.":
            if _INT.match(value):
                return "int"
            if _FLOAT.match(value):
                return "float"
            if first.isdigit() and _TIMESTAMP.match(value):
                return "timestamp"
        if first in "~nN" and _NULL.match(value):
            return "null"
        return None

    def compose(self, text: str):
        yaml = pyyaml()
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml; pure Python if PyYAML lacks it
        try:
            return self._compose(loader)
        finally:
            loader.dispose()

    def _compose(self, loader):
        import yaml.events as ev

        # Each frame: [container, path, pending key or _NO_KEY, anchor, nodes at start, key mark, raw keys, flow style]
        stack: list[list] = []
        root = _NO_VALUE
        documents = 0
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            if kind is ev.StreamStartEvent or kind is ev.StreamEndEvent or kind is ev.DocumentEndEvent:
                continue
            if kind is ev.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.fail("tệp có nhiều hơn một tài liệu YAML (dòng '---' thứ hai)", event.start_mark,
                              "Mỗi tệp chỉ chứa một kế hoạch; bỏ dòng '---' và phần sau nó, hoặc tách ra tệp khác.",
                              code="L103")
                continue
            # Where the next value goes.
            is_key = False
            path: tuple = ()
            if stack:
                top = stack[-1]
                if isinstance(top[0], dict):
                    is_key = top[2] is _NO_KEY
                    path = top[1] if is_key else top[1] + (top[2],)
                else:
                    path = top[1] + (len(top[0]),)
            if kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                frame = stack.pop()
                value = frame[0]
                if frame[3] is not None:
                    self.anchors[frame[3]] = (value, self.nodes - frame[4])
                    self.open_anchors.discard(frame[3])
                root = self._attach(stack, value, event, root, closing=True)
                continue
            self.nodes += 1
            if self.nodes > limits.MAX_NODES:
                self.fail(f"tệp có quá nhiều giá trị (hơn {limits.MAX_NODES:,} sau khi mở các bí danh)".replace(",", "."),
                          event.start_mark, "Tách kế hoạch thành nhiều tệp; một kế hoạch thật chỉ có vài nghìn giá trị.",
                          path=path)
            if kind is ev.ScalarEvent:
                value = self.scalar(event, path, is_key)
                if stack and not is_key:
                    self.source.spans[path] = (event.start_mark.index, event.end_mark.index, event.style, stack[-1][7])
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1)
                root = self._attach(stack, value, event, root)
                continue
            if kind is ev.AliasEvent:
                self.aliases += 1
                anchor = event.anchor
                if anchor in self.open_anchors:
                    self.fail(f"bí danh *{anchor} tự tham chiếu tới chính nhóm đang chứa nó (vòng lặp vô tận)",
                              event.start_mark, f"Bỏ *{anchor} ở đây; chép nội dung cần lặp lại thay vì dùng bí danh.",
                              path=path)
                if anchor not in self.anchors:
                    self.fail(f"dùng bí danh *{anchor} chưa được khai báo (&{anchor})", event.start_mark,
                              f"Khai báo &{anchor} trước khi dùng *{anchor}, hoặc chép nội dung vào đây.",
                              code="L103", path=path)
                if self.aliases > limits.MAX_ALIASES:
                    self.fail(f"tệp dùng quá nhiều bí danh (*…): hơn {limits.MAX_ALIASES}", event.start_mark,
                              "Chép nội dung thay vì dùng bí danh; kế hoạch không cần bí danh.", path=path)
                value, size = self.anchors[anchor]
                self.expanded += size
                self.nodes += size - 1
                if self.expanded > limits.MAX_ALIAS_EXPANSION:
                    self.fail(f"các bí danh (*…) mở ra quá nhiều giá trị (hơn {limits.MAX_ALIAS_EXPANSION:,}): "
                              "có thể là tệp cố ý làm treo chương trình (bom bí danh)".replace(",", "."),
                              event.start_mark, "Bỏ các bí danh lồng nhau; chép nội dung cần lặp lại.", path=path)
                root = self._attach(stack, value, event, root)
                continue
            # A mapping or a sequence starts.
            if len(stack) >= limits.MAX_DEPTH:
                message, suggestion = _too_deep()
                self.fail(message, event.start_mark, suggestion, path=path)
            tag = event.tag
            if tag and _STANDARD_TAGS.get(tag) not in ("map", "seq", "str"):
                self.note(f"thẻ YAML '{tag}' không được hỗ trợ", event.start_mark, "Bỏ thẻ (phần bắt đầu bằng '!').", path)
            if is_key:
                self.fail("tên trường phải là một chữ, không phải danh sách hay nhóm", event.start_mark,
                          "Viết tên trường là một từ, vd. 'title:'.", code="L103", path=path)
            container: dict | list = {} if kind is ev.MappingStartEvent else []
            if event.anchor is not None:
                self.open_anchors.add(event.anchor)
            if stack and not is_key:
                self._locate_value(stack[-1], path, event)
            stack.append([container, path, _NO_KEY, event.anchor, self.nodes, None, {}, bool(event.flow_style)])
            if not stack[:-1]:
                self.source.values[()] = (event.start_mark.line + 1, event.start_mark.column + 1)
        return None if root is _NO_VALUE else root

    def _locate_value(self, frame, path, event) -> None:
        self.source.values[path] = (event.start_mark.line + 1, event.start_mark.column + 1)

    def _attach(self, stack, value, event, root, closing: bool = False):
        if not stack:
            return value
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, list):
            if not closing:
                self.source.values[frame[1] + (len(container),)] = (event.start_mark.line + 1, event.start_mark.column + 1)
            container.append(value)
            return root
        if frame[2] is _NO_KEY:  # this value is a key
            key = value if isinstance(value, str) else _key_text(value, event)
            mark = event.start_mark
            raw = event.value if hasattr(event, "value") and isinstance(event.value, str) else key
            if key in container:
                first_raw, first_line = frame[6][key]
                how = (" (hai cách viết Unicode khác nhau của cùng một tên, trông giống hệt nhau)"
                       if first_raw != raw else "")
                raise YamlLimit(Finding(
                    "L104", Severity.ERROR, f"trường '{key}' được khai báo hai lần trong cùng một nhóm (lần đầu ở dòng "
                    f"{first_line}){how}", self.file, mark.line + 1, mark.column + 1, _field(frame[1] + (key,)),
                    "Xóa hoặc gộp một trong hai dòng trùng tên." + (" Gõ lại tên trường này bằng bàn phím." if how else "")))
            frame[6][key] = (raw, mark.line + 1)
            frame[2] = key
            frame[5] = (mark.line + 1, mark.column + 1)
            self.source.keys[frame[1] + (key,)] = frame[5]
            return root
        key = frame[2]
        if not closing:
            self.source.values[frame[1] + (key,)] = (event.start_mark.line + 1, event.start_mark.column + 1)
        if key == "<<" and isinstance(value, (dict, list)):  # merge key: the fields of another group
            for source in (value if isinstance(value, list) else [value]):
                if isinstance(source, dict):
                    for k, v in source.items():
                        container.setdefault(k, v)
        else:
            container[key] = value
        frame[2] = _NO_KEY
        return root


_NO_KEY = object()
_NO_VALUE = object()


def _key_text(value, event) -> str:
    if value is None:
        return "null"
    raw = getattr(event, "value", None)
    return raw if isinstance(raw, str) else str(value)


def _int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text[0] == "-" else 1
    if text[0] in "+-":
        text = text[1:]
    if text.startswith("0b"):
        return sign * int(text[2:], 2)
    if text.startswith("0x"):
        return sign * int(text[2:], 16)
    if text.startswith("0o"):
        return sign * int(text[2:], 8)
    return sign * int(text)  # ValueError past 4300 digits: reported as a bad value


def _float(value: str) -> float:
    text = value.replace("_", "").lower()
    sign = -1.0 if text[0] == "-" else 1.0
    if text[0] in "+-":
        text = text[1:]
    if text == ".inf":
        return sign * math.inf
    if text == ".nan":
        return math.nan
    return sign * float(text)


def compose_yaml(text: str, file: str):
    """(plain tree or None, source map, findings) for YAML *text*; never raises for bad input."""
    yaml = pyyaml()

    composer = _Composer(file)
    try:
        tree = composer.compose(text)
    except YamlLimit as exc:
        return None, composer.source, [exc.finding]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "nesting depth" in (exc.problem or ""):  # libyaml 0.2.5 and later stop deep nesting themselves
            message, suggestion = _too_deep()
            return None, composer.source, [Finding("L105", Severity.ERROR, message, file,
                                                   mark.line + 1 if mark else None, mark.column + 1 if mark else None,
                                                   suggestion=suggestion)]
        return None, composer.source, [Finding(
            "L103", Severity.ERROR, f"lỗi cú pháp YAML: {syntax_problem_vi(exc.problem)}",
            file, mark.line + 1 if mark else None, mark.column + 1 if mark else None,
            suggestion="Kiểm tra thụt lề (chỉ dùng dấu cách), dấu ':' sau tên trường, "
                       "và đặt chuỗi có ký tự đặc biệt (':', '#', '[') trong ngoặc kép.",
        )]
    except yaml.reader.ReaderError as exc:
        offset = exc.position
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return None, composer.source, [Finding(
            "L107", Severity.ERROR, f"tệp chứa ký tự điều khiển không được phép (mã U+{exc.character:04X})"
            if isinstance(exc.character, int) else "tệp chứa ký tự điều khiển không được phép",
            file, line, column,
            suggestion="Xóa ký tự đó (thường lọt vào khi dán từ tệp khác); văn bản chỉ chứa chữ, số, dấu câu, "
                       "dấu cách và xuống dòng.",
        )]
    except yaml.YAMLError as exc:
        return None, composer.source, [Finding("L103", Severity.ERROR, f"lỗi cú pháp YAML: {syntax_problem_vi(str(exc))}",
                                               file, suggestion="Kiểm tra lại cú pháp YAML của tệp.")]
    return tree, composer.source, composer.findings
