"""`kehoach import`: one file in, a plan YAML out, and a note of what was recognised and what stayed prose."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..findings import Finding, Severity
from ..loading import load_registry
from ..loading.writer import SCHEMA_LINE, dump_tree, to_tree
from ..ooxml.facts import facts_from_docx, facts_from_text
from .recognise import ImportRefused, Recogniser
from ..ooxml.reader import open_document, reading_order_lines
from .sources import read_docx, read_text



@dataclass
class ImportResult:
    yaml_text: str
    recognised: dict = field(default_factory=dict)
    prose: int = 0
    exact: bool = False   # the DOCX carried kehoach's own data, unchanged since rendering
    missing: list[str] = field(default_factory=list)   # facts the document does not state, left empty
    doc_type: str | None = None
    notes: list[str] = field(default_factory=list)     # what the reader says about the source (signatures, OCR, …)
    # What the file itself attests, beside the text: each PDF signature (signer, organisation, time, intact,
    # whole_file) and, for a scan, the mean OCR confidence of each page (0–100).
    signatures: list[dict] = field(default_factory=list)
    ocr_confidence: list[float] = field(default_factory=list)


def _dump(tree: dict, note: str, path: Path) -> str:
    return dump_tree(to_tree(tree), f"{SCHEMA_LINE}\n{note}", name=f"kế hoạch nhập từ {path.name}")


def _exact(path: Path) -> dict | None:
    """The embedded model when the DOCX text is still exactly what kehoach rendered from it."""
    from docx import Document

    from ..loading import LoadedPlan
    from ..render.docx import render_docx
    from .embedded import embedded_plan

    embedded = embedded_plan(path)  # checked like any input: bad data is refused, not trusted
    if embedded is None:
        return None
    data, plan = embedded
    loaded = LoadedPlan.from_model(plan, path, load_registry())
    rendered = Document(io.BytesIO(render_docx(loaded)))
    if reading_order_lines(rendered) != reading_order_lines(open_document(path, "M101")):
        return None  # edited in Word since: recognise the text instead
    return data


# What `import` reads, in the words of its refusals.
IMPORTED_KINDS = "tệp .docx, .pdf, .edxml hoặc .txt"
OVERRIDE_OPTIONS = {"symbol": "--symbol", "date": "--date", "title": "--title", "level": "--level"}


@dataclass
class Source:
    """What a file gives import: paragraphs with zones, identity facts, and for a PDF what reading it found (signatures,
    OCR confidence, notes on what was read how)."""

    paras: list
    facts: object
    pdf: object = None
    notes: list[str] = field(default_factory=list)


def read_source(path: Path) -> Source:
    """Paragraphs with zones and the identity facts of a .docx, .pdf (text layer or scan), .edxml package or .txt
    file; anything else is refused."""
    if not path.is_file():
        from ..fileio import input_problem

        what, fix = input_problem(path, IMPORTED_KINDS) or ("không tìm thấy tệp", "Kiểm tra lại đường dẫn.")
        raise InputError(f"Không đọc được {path}: {what}.",
                         [Finding("M100", Severity.ERROR, what, str(path), suggestion=fix)])
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            document = open_document(path, "M101")   # a damaged or hostile package is refused by ooxml.safety
            return Source(read_docx(path, document), facts_from_docx(document))
        except InputError:
            raise
        except Exception:  # a package that opens but whose body python-docx cannot walk
            raise InputError(f"Không đọc được {path}.", [Finding("M101", Severity.ERROR,
                                                                "tệp không phải văn bản Word (.docx) đọc được: nội dung bên trong bị hỏng",
                                                                str(path), suggestion="Mở và lưu lại tệp bằng Word hoặc LibreOffice.")])
    if suffix == ".pdf":
        from .pdfsource import facts_of, ocr_fact_notes, read_pdf

        pdf = read_pdf(path)
        facts, unread = facts_of(pdf)
        return Source(read_docx(path, pdf.document), facts, pdf, pdf.notes + unread + ocr_fact_notes(pdf, facts))
    if suffix == ".edxml":
        from .edxml import read_envelope

        return read_envelope(path, read_source)
    if suffix in (".txt", ".md"):
        from .. import limits

        if path.stat().st_size > limits.MAX_TEXT_BYTES:
            raise InputError(f"Không nhập được {path}.", [Finding(
                "M106", Severity.ERROR, f"tệp văn bản lớn hơn {limits.MAX_TEXT_BYTES // (1024 * 1024)} MB, quá lớn để là một "
                "văn bản hành chính", str(path), suggestion="Kiểm tra lại tệp; tách riêng từng văn bản nếu tệp gộp nhiều văn bản.")])
        try:
            return Source(read_text(path), facts_from_text(path.read_text(encoding="utf-8-sig")))
        except UnicodeDecodeError:
            raise InputError(f"Không đọc được {path}.", [Finding("M102", Severity.ERROR, "tệp văn bản không theo bảng mã UTF-8",
                                                                str(path), suggestion="Lưu lại tệp với bảng mã UTF-8.")])
    raise InputError(f"Không nhập được {path}.", [Finding("M103", Severity.ERROR, f"chưa hỗ trợ loại tệp '{suffix}'",
                                                         str(path), suggestion="Dùng tệp .docx, .pdf, .edxml hoặc .txt.")])


def refusal(path: Path, exc: ImportRefused, pdf=None) -> InputError:
    """What the text does not state and the file must have, each with the option that supplies it; on a scan, how it
    was read, since "not stated" may only mean "not read"."""
    findings = [Finding("M104", Severity.ERROR, what[1:] if what.startswith("!") else
                        f"văn bản không ghi {what}; tệp kết quả bắt buộc có thông tin này",
                        str(path), None, None, f"document.{name}",
                        f"Ghi thông tin này vào văn bản gốc, hoặc chạy lại lệnh với {option}.")
                for name, what, option in exc.missing]
    scan = ""
    if pdf is not None and pdf.ocr:
        findings += [Finding("M108", Severity.WARNING, note, str(path),
                             suggestion="Quét lại ở 300 dpi, thẳng trang, hoặc dùng bản Word của văn bản.")
                     for note in pdf.notes]
        scan = " Đây là bản quét đọc bằng OCR: có thể văn bản có ghi nhưng chữ không đọc được (xem độ tin cậy từng trang)."
    return InputError(f"Chưa nhập được {path}: " + "; ".join(w[1:] if w.startswith("!") else f"không có {w}"
                                                         for _, w, _ in exc.missing) + "." + scan, findings)


def import_plan(path: Path, overrides: dict | None = None) -> ImportResult:
    """Import one file. *overrides* supplies facts the document does not print (symbol, date, title, level)."""
    from ..fileio import note_read

    path = Path(path)
    note_read(path)  # `-o` must not name the source
    if path.is_file() and path.suffix.lower() == ".docx":
        exact = _exact(path)
        if exact is not None:
            return ImportResult(_dump(exact, f"Nhập từ {path.name} (dữ liệu kehoach kèm trong tệp, văn bản chưa bị sửa).", path),
                                {"toàn bộ dữ liệu": 1}, 0, True)
    source = read_source(path)
    facts, pdf = source.facts, source.pdf
    try:
        recognition = Recogniser(load_registry()).recognise(source.paras, facts, overrides)
    except ImportRefused as exc:
        raise refusal(path, exc, pdf) from None
    # A plan always has its ký hiệu, date and trích yếu: printed, given on the command line, or inferred (a warning).
    missing = [m for m in facts.missing if not any(k in m for k in ("ký hiệu", "ngày ban hành", "trích yếu"))]
    if facts.number is None:
        missing.insert(0, "số văn bản (để trống: văn bản chưa ban hành)")
    if "signature" not in recognition.tree:
        missing.append("họ tên người ký")
    note = (f"Nhập từ {path.name}. Kiểm tra lại: các đoạn chưa nhận ra cấu trúc được giữ nguyên dạng văn bản; "
            "mã (id), cơ quan và hạn báo cáo do kehoach đọc từ câu chữ."
            + (" Văn bản không ghi (để trống): " + "; ".join(missing) + "." if missing else ""))
    return ImportResult(_dump(recognition.tree, note, path), recognition.recognised, recognition.prose,
                        missing=missing, doc_type=facts.doc_type, notes=recognition.warnings + source.notes,
                        signatures=pdf.signatures if pdf else [], ocr_confidence=pdf.page_confidence if pdf else [])
