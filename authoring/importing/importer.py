"""`kehoach import`: one file in, a plan YAML out, and a note of what was recognised and what stayed prose."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import load_registry
from ..loading.yamlio import DateText, make_yaml
from .recognise import Recogniser
from .sources import read_docx, read_text

SCHEMA_LINE = "yaml-language-server: $schema=../../schema/plan.schema.json"


@dataclass
class ImportResult:
    yaml_text: str
    recognised: dict = field(default_factory=dict)
    prose: int = 0
    exact: bool = False   # the DOCX carried kehoach's own data, unchanged since rendering


def _dump(tree: dict, note: str) -> str:
    from ruamel.yaml.comments import CommentedMap

    order = ["id", "label", "title", "text", "agency", "task", "targets", "reporting", "budget", "blocks"]

    def convert(value):
        if isinstance(value, dict):
            node = CommentedMap()
            blockish = any(k in value for k in ("label", "text", "blocks"))
            keys = ([k for k in order if k in value] + [k for k in value if k not in order]) if blockish else list(value)
            for key in keys:
                node[key] = convert(value[key])
            return node
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return DateText(value)  # written back as a plain date, not a quoted string
        return value

    root = convert(tree)
    root.yaml_set_start_comment(f"{SCHEMA_LINE}\n{note}")
    buffer = io.StringIO()
    make_yaml().dump(root, buffer)
    return buffer.getvalue()


def _exact(path: Path) -> dict | None:
    """The embedded model when the DOCX text is still exactly what kehoach rendered from it."""
    from docx import Document

    from ..docxfmt import reading_order_lines
    from ..loading import LoadedPlan
    from ..render.docx import render_docx

    from ..ooxml.safety import open_docx
    from .embedded import embedded_plan

    embedded = embedded_plan(path)  # checked like any input: bad data is refused, not trusted
    if embedded is None:
        return None
    data, plan = embedded
    registry = load_registry()
    loaded = LoadedPlan(plan, path, None, registry, {})  # type: ignore[arg-type]
    from ..model.walk import iter_agency_refs

    loaded.agency_ids = {text: registry.resolve_agency(text) for _, text in iter_agency_refs(plan)}
    rendered = Document(io.BytesIO(render_docx(loaded)))
    if reading_order_lines(rendered) != reading_order_lines(open_docx(path, "M101")):
        return None  # edited in Word since: recognise the text instead
    return data


def import_plan(path: Path) -> ImportResult:
    from ..fileio import note_read

    path = Path(path)
    note_read(path)  # `-o` must not name the source
    if not path.is_file():
        raise InputError(f"Không tìm thấy tệp {path}.", [Finding("M100", Severity.ERROR, "không tìm thấy tệp", str(path),
                                                                 suggestion="Kiểm tra lại đường dẫn.")])
    suffix = path.suffix.lower()
    if suffix == ".docx":
        exact = _exact(path)
        if exact is not None:
            return ImportResult(_dump(exact, f"Nhập từ {path.name} (dữ liệu kehoach kèm trong tệp, văn bản chưa bị sửa)."),
                                {"toàn bộ dữ liệu": 1}, 0, True)
        try:
            paras = read_docx(path)  # a damaged or hostile package is refused inside, by ooxml.safety.open_docx
        except InputError:
            raise
        except Exception as exc:  # a package that opens but whose body python-docx cannot walk
            raise InputError(f"Không đọc được {path}.", [Finding("M101", Severity.ERROR,
                                                                f"tệp không phải văn bản Word (.docx) đọc được ({type(exc).__name__})",
                                                                str(path), suggestion="Mở và lưu lại tệp bằng Word hoặc LibreOffice.")])
    elif suffix in (".txt", ".md"):
        try:
            paras = read_text(path)
        except UnicodeDecodeError:
            raise InputError(f"Không đọc được {path}.", [Finding("M102", Severity.ERROR, "tệp văn bản không theo bảng mã UTF-8",
                                                                str(path), suggestion="Lưu lại tệp với bảng mã UTF-8.")])
    else:
        raise InputError(f"Không nhập được {path}.", [Finding("M103", Severity.ERROR, f"chưa hỗ trợ loại tệp '{suffix}'",
                                                             str(path), suggestion="Dùng tệp .docx hoặc .txt.")])
    recognition = Recogniser(load_registry()).recognise(paras)
    note = (f"Nhập từ {path.name}. Kiểm tra lại: các đoạn chưa nhận ra cấu trúc được giữ nguyên dạng văn bản; "
            "mã (id), cơ quan và hạn báo cáo do kehoach đoán từ câu chữ.")
    return ImportResult(_dump(recognition.tree, note), recognition.recognised, recognition.prose)
