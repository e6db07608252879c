"""A unit's results from a table: kehoach's XLSX form or another system's CSV export; bounded, no formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from .. import limits
from ..errors import InputError, os_error_words
from ..findings import Finding, Severity
from ..model.results import Results, WorkStatus
from ..render.results_xlsx import INFO, INFO_SHEET, TARGET_COLUMNS, TARGET_SHEET, WORK_COLUMNS, WORK_SHEET
from ..text import match_key, nfc

STATUS_BY_KEY = {match_key(s.label): s for s in WorkStatus} | {s.value: s for s in WorkStatus}
NUMBERS = ("value", "numerator", "denominator", "spent")


class _Collector:
    def __init__(self, path: Path):
        self.path = path
        self.findings: list[Finding] = []

    def add(self, message: str, where: str | None, suggestion: str, severity=Severity.ERROR) -> None:
        self.findings.append(Finding("Q110", severity, message, str(self.path), path=where, suggestion=suggestion))

    def refuse(self, message: str, suggestion: str):
        raise InputError(f"Không đọc được bảng kết quả {self.path}.",
                         [Finding("Q110", Severity.ERROR, message, str(self.path), suggestion=suggestion)])


def _read_bounded(path: Path, out: _Collector) -> bytes:
    from ..fileio import note_read, open_regular

    note_read(path)
    try:
        with open_regular(path) as handle:
            data = handle.read(limits.MAX_RESULTS_TABLE_BYTES + 1)
    except FileNotFoundError:
        out.refuse("không tìm thấy tệp", "Kiểm tra lại đường dẫn và tên tệp.")
    except OSError as exc:
        what, fix = os_error_words(exc)
        out.refuse(f"không đọc được tệp: {what}", fix)
    if len(data) > limits.MAX_RESULTS_TABLE_BYTES:
        out.refuse(f"tệp lớn hơn {limits.MAX_RESULTS_TABLE_BYTES // 1048576} MB, quá lớn cho một bảng kết quả",
                   "Kiểm tra có chọn nhầm tệp không; bảng kết quả của một đơn vị chỉ vài chục KB.")
    return data


def _number(value, where: str, out: _Collector) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip().replace(" ", "").rstrip("%‰")
    if text.startswith("="):
        out.add(f"ô {where} chứa công thức '{text[:40]}'; kehoach không tính công thức", where,
                "Chép giá trị thay cho công thức (Dán đặc biệt → Chỉ giá trị), rồi lưu lại.")
        return None
    # Vietnamese writing: 1.234,5 — a comma is the decimal mark, a dot groups thousands.
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or (text.count(".") == 1 and len(text.split(".")[1]) == 3 and where.endswith("spent")):
        text = text.replace(".", "")
    try:
        number = float(text)
    except ValueError:
        out.add(f"ô {where} phải là một số, ở đây là '{str(value)[:40]}'", where,
                "Ghi số (dấu phẩy thập phân), đơn vị đo ghi ở cột đơn vị.")
        return None
    if number != number or number in (float("inf"), float("-inf")):
        out.add(f"ô {where} không phải một số hữu hạn", where, "Ghi số đạt được.")
        return None
    return number


def _text(value) -> str | None:
    if value is None:
        return None
    text = nfc(str(value)).strip()
    return text or None


def _columns(heading_row, wanted: dict[str, str]) -> dict[str, int]:
    keys = {match_key(v): k for k, v in wanted.items()}
    found = {}
    for i, cell in enumerate(heading_row):
        key = keys.get(match_key(str(cell or "")))
        if key and key not in found:
            found[key] = i
    return found


def _entries(rows, sheet: str, wanted: dict[str, str], id_key: str, out: _Collector) -> list[dict]:
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    heading = next(rows, None) or ()
    columns = _columns(heading, wanted)
    if id_key not in columns:
        out.refuse(f"trang '{sheet}' không có cột '{wanted[id_key]}'",
                   f"Dùng tệp mẫu tạo bằng 'kehoach report-form … -o ….xlsx'; dòng đầu là tên cột.")
    entries = []
    for number, row in enumerate(rows, 2):
        if number > limits.MAX_RESULTS_ROWS + 1:
            out.refuse(f"trang '{sheet}' có hơn {limits.MAX_RESULTS_ROWS} dòng", "Mỗi dòng một chỉ tiêu hoặc nhiệm vụ.")
        cells = {key: (row[i] if i < len(row) else None) for key, i in columns.items()}
        if _text(cells.get(id_key)) is None:
            continue
        entry = {"_row": number}
        for key, value in cells.items():
            where = f"{sheet}!{get_column_letter(columns[key] + 1)}{number}"
            entry[key] = _number(value, where, out) if key in NUMBERS else _text(value)
            entry[f"_{key}"] = where
        entries.append(entry)
    return entries


def _build(plan_id, unit, period, targets, work, difficulties, proposals, out: _Collector) -> Results:
    target_results, work_results = [], []
    for e in targets:
        target_results.append({k: e.get(k) for k in ("target", "value", "unit", "numerator", "denominator",
                                                     "source", "note") if e.get(k) is not None})
    for e in work:
        raw = e.get("status")
        status = STATUS_BY_KEY.get(match_key(raw or ""))
        if status is None:
            out.add(f"ô {e['_status'] if '_status' in e else e['_item']}: trạng thái '{raw or ''}' không có trong "
                    "danh sách", e.get("_status"), "Chọn một trong: " + ", ".join(s.label for s in WorkStatus) + ".")
            continue
        spent = e.get("spent")
        work_results.append({k: v for k, v in (("item", e["item"]), ("status", status), ("account", e.get("account")),
                                               ("spent", int(round(spent)) if spent is not None else None))
                             if v is not None})
    if out.findings and any(f.severity is Severity.ERROR for f in out.findings):
        raise InputError(f"Bảng kết quả {out.path} có ô chưa đúng, chưa nhập được.", out.findings)
    from pydantic import ValidationError

    try:
        return Results(plan=plan_id, unit=unit, period=period, targets=target_results, work=work_results,
                       difficulties=difficulties, proposals=proposals)
    except ValidationError as exc:
        problems = [Finding("Q110", Severity.ERROR, f"{'.'.join(map(str, e['loc']))}: "
                            f"{e['msg'].removeprefix('Value error, ')}", str(out.path),
                            suggestion="Sửa ô tương ứng trong bảng rồi nhập lại.") for e in exc.errors()[:20]]
        raise InputError(f"Bảng kết quả {out.path} có ô chưa đúng, chưa nhập được.", problems) from None


def results_from_xlsx(path: Path | str) -> Results:
    """The filled-in XLSX form as results; formulas, external links and oversized files are refused."""
    from openpyxl import load_workbook

    from ..ooxml.safety import check_xml, read_member

    path = Path(path)
    out = _Collector(path)
    data = _read_bounded(path, out)
    if not data.startswith(b"PK"):
        out.refuse("đây không phải tệp Excel dạng .xlsx", "Mở tệp bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # zipfile raises several kinds on a mangled archive
        out.refuse(f"tệp nén .xlsx bị hỏng ({type(exc).__name__})", "Lưu lại tệp bằng Excel hoặc LibreOffice.")
    if len(members) > limits.MAX_DOCX_MEMBERS or sum(i.file_size for i in members) > limits.MAX_DOCX_UNCOMPRESSED:
        out.refuse("tệp nén có quá nhiều phần hoặc giải nén ra quá lớn (có thể là tệp nén độc hại)",
                   "Không mở tệp này; xin lại bảng từ đơn vị gửi.")
    for info in members:
        if info.file_size >= limits.RATIO_CHECK_FROM_BYTES and \
                info.file_size / max(info.compress_size, 1) > limits.MAX_COMPRESSION_RATIO:
            out.refuse(f"phần {info.filename} nén với tỷ lệ bất thường (zip bomb)", "Không mở tệp này.")
        if info.filename.endswith((".xml", ".rels")):
            check_xml(path, info.filename, read_member(path, archive, info.filename, "Q110"), "Q110")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False, keep_vba=False)
    except Exception as exc:  # openpyxl raises many kinds on a workbook it cannot read
        out.refuse(f"không đọc được bảng tính ({type(exc).__name__})", "Lưu lại tệp bằng Excel hoặc LibreOffice.")
    for name in (INFO_SHEET, TARGET_SHEET, WORK_SHEET):
        if name not in book.sheetnames:
            out.refuse(f"không có trang '{name}'", "Dùng tệp mẫu tạo bằng 'kehoach report-form … -o ….xlsx'.")
    info_values = {}
    keys = {match_key(v): k for k, v in INFO.items()}
    for row in book[INFO_SHEET].iter_rows(max_row=50, max_col=2, values_only=True):
        key = keys.get(match_key(str(row[0] or "")))
        if key:
            info_values[key] = _text(row[1] if len(row) > 1 else None)
    cap = limits.MAX_RESULTS_ROWS + 2
    targets = _entries(book[TARGET_SHEET].iter_rows(max_row=cap, max_col=30, values_only=True), TARGET_SHEET,
                       TARGET_COLUMNS, "target", out)
    work = _entries(book[WORK_SHEET].iter_rows(max_row=cap, max_col=30, values_only=True), WORK_SHEET,
                    WORK_COLUMNS, "item", out)
    book.close()
    for key in ("plan", "unit", "period"):
        if not info_values.get(key):
            out.add(f"trang '{INFO_SHEET}' thiếu ô '{INFO[key]}'", INFO_SHEET, f"Ghi {INFO[key].lower()} ở cột B.")
    return _build(info_values.get("plan"), info_values.get("unit"), info_values.get("period"), targets, work,
                  info_values.get("difficulties"), info_values.get("proposals"), out)


CSV_COLUMNS = {**{k: v for k, v in TARGET_COLUMNS.items() if k not in ("indicator", "committed")},
               "code": "Mã", "status": "Trạng thái", "account": "Tóm tắt kết quả hoặc lý do",
               "spent": "Kinh phí đã chi (đồng)"}


def results_from_csv(path: Path | str, plan, unit: str, period: str) -> Results:
    """A CSV export (UTF-8, ',' or ';'): a 'Mã' column naming a target or task of *plan*, then value or status."""
    from ..loading.results import plan_items

    path = Path(path)
    out = _Collector(path)
    data = _read_bounded(path, out)
    try:
        text = nfc(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        out.refuse("tệp CSV không được lưu theo bảng mã UTF-8", "Xuất lại tệp với bảng mã UTF-8 (CSV UTF-8).")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    entries = _entries(rows, "CSV", CSV_COLUMNS, "code", out)
    targets_known, work_known = plan_items(plan)
    targets, work = [], []
    for e in entries:
        code = e["code"]
        if code in targets_known:
            targets.append({**e, "target": code})
        elif code in work_known:
            work.append({**e, "item": code})
        else:
            out.add(f"dòng {e['_row']}: kế hoạch không có chỉ tiêu hay nhiệm vụ mã '{code}'", f"CSV!A{e['_row']}",
                    "Dùng mã chỉ tiêu, nhiệm vụ của kế hoạch (xem tệp mẫu của 'kehoach report-form').")
    return _build(plan.id, unit, period, targets, work, None, None, out)
