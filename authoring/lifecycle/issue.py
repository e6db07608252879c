"""Issuing a plan: check it, take the number and date the văn thư assigns, write them back into the YAML.

The YAML is edited as a round-trip tree (comments and order kept) and written by the one writer after
validation, so the issued DOCX/PDF, rendered from the file as written, and the YAML always agree.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from ..errors import InputError
from ..fileio import folder_lock
from ..findings import Finding, Severity
from ..loading import LoadedPlan, load_plan, load_plan_or_raise
from ..loading.writer import dump_tree, load_tree, write_plan_text
from ..loading.yamlio import DateText
from ..model import PartialDate
from ..model.issuing import issue_digest
from ..model.plan import IssueRecord

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_issue_date(text: str) -> PartialDate:
    """'06/01/2026' (ngày/tháng/năm, as Vietnamese documents write it) or '2026-01-06'."""
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return PartialDate.parse(f"{year:04d}-{month:02d}-{day:02d}")
    return PartialDate.parse(text.strip())


@dataclass
class Issued:
    loaded: LoadedPlan              # the plan as written back, number and date filled
    overridden: list[Finding]       # check errors issued over with --force
    yaml_text: str


def _refuse(loaded: LoadedPlan, code: str, message: str, suggestion: str, path=("document", "date")) -> InputError:
    line, column = loaded.locate(path)
    return InputError("Chưa ban hành được kế hoạch.", [Finding(code, Severity.ERROR, message, str(loaded.path), line,
                                                               column, ".".join(path), suggestion)])


def validate_issue(loaded: LoadedPlan, number: int, issued: str) -> PartialDate:
    """The date of issue, after checking it and the number against what the plan already says."""
    doc = loaded.plan.document
    try:
        when = parse_issue_date(issued)
    except ValueError as exc:
        raise _refuse(loaded, "I100", f"ngày ban hành không hợp lệ: {exc}",
                      "Ghi --date dạng NGÀY/THÁNG/NĂM (06/01/2026) hoặc NĂM-THÁNG-NGÀY (2026-01-06).")
    if not when.is_complete:
        raise _refuse(loaded, "I100", f"ngày ban hành '{issued}' phải đủ ngày, tháng, năm",
                      "Ví dụ: --date 06/01/2026.")
    planned = doc.date
    if planned.year != when.year or (planned.month is not None and planned.month != when.month):
        raise _refuse(loaded, "I100", f"kế hoạch ghi ngày ban hành {planned.iso()}, nhưng ngày cấp là {when.iso()}",
                      "Sửa document.date trong tệp kế hoạch cho khớp, hoặc kiểm tra lại --date.")
    if planned.is_complete and planned != when:
        raise _refuse(loaded, "I100", f"kế hoạch đã ghi ngày ban hành {planned.iso()}",
                      "Dùng đúng ngày đó, hoặc sửa tệp kế hoạch.")
    if doc.number is not None and doc.number != number:
        raise _refuse(loaded, "I101", f"kế hoạch đã có số {doc.number:02d}, khác số {number:02d} vừa cấp",
                      "Bỏ trường number trong tệp, hoặc dùng đúng số đã cấp.", ("document", "number"))
    return when


def issue(path: Path, number: int, issued: str, force: bool = False, lead_days: int = 5) -> Issued:
    """Check, then fill number and date into the plan file itself; the returned plan is the file as written.

    Under a lock of the plan's folder from reading to writing: a second `issue` of the same plan waits, then reads
    the number the first one wrote and refuses a different one (no number silently lost)."""
    with folder_lock(path):
        return _issue(Path(path), number, issued, force, lead_days)


def _issue(path: Path, number: int, issued: str, force: bool, lead_days: int) -> Issued:
    from ..rules.check import run_check

    loaded = load_plan_or_raise(path)
    when = validate_issue(loaded, number, issued)
    text = _issued_text(path, number, when)
    # Checked as it will be issued, with its number and date: agencies and units are those of the day of issue.
    with tempfile.TemporaryDirectory(prefix="kehoach-issue-") as folder:
        preview = Path(folder) / path.name
        preview.write_text(text, encoding="utf-8")
        report = run_check(preview, [], lead_days)
    errors = [replace(f, file=str(path)) if f.file and Path(f.file).name == path.name else f
              for f in report.index.sorted() if f.severity is Severity.ERROR]
    if errors and not force:
        raise InputError(f"Chưa ban hành: kiểm tra kế hoạch với số {number:02d}, ngày "
                         f"{when.day:02d}/{when.month:02d}/{when.year} còn {len(errors)} lỗi.", errors,
                         hint="Sửa các lỗi (kehoach check), hoặc ban hành vẫn giữ lỗi bằng --force.")
    write_plan_text(path, text, may_replace_input=True)  # issuing writes its number and date back on purpose
    return Issued(load_plan_or_raise(path), errors, text)


ISSUED_BY_CLI = "kehoach issue"


def _issued_text(path: Path, number: int, when: PartialDate) -> str:
    """The plan file's text with its number, date of issue and issue record filled in, comments kept."""
    tree = load_tree(path)
    doc = tree["document"]
    comment = doc.ca.items.get("date")
    if "number" not in doc:
        keys = list(doc.keys())
        doc.insert(keys.index("symbol") if "symbol" in keys else len(keys), "number", number)
    else:
        doc["number"] = number
    doc["date"] = DateText(when.iso())
    if comment is not None:
        doc.ca.items.pop("date", None)
    doc.yaml_add_eol_comment(f"ban hành: số {number:02d}, ngày {when.day:02d}/{when.month:02d}/{when.year}", "date")
    doc.pop("issued", None)
    numbered, index = load_plan(path, text=dump_tree(tree, name=f"kế hoạch {path.name}"))
    if numbered is None or index.has_errors:
        raise InputError(f"Chưa ban hành được {path.name}: tệp kế hoạch chưa hợp lệ.", index.sorted())
    mark_issued(doc, number, when, ISSUED_BY_CLI, issue_digest(numbered.plan))
    return dump_tree(tree, name=f"kế hoạch {path.name}")


def mark_issued(doc, number: int, when: PartialDate, by: str, digest: str) -> None:
    """Write the issue record into a plan's `document` node (round-trip YAML): the only writer of the marker."""
    doc["issued"] = CommentedMap([("number", number), ("date", DateText(when.iso())), ("by", by), ("digest", digest)])
    doc.yaml_add_eol_comment("dấu ban hành: chỉ kehoach issue và sổ đăng ký ghi; sửa nội dung thì phải ban hành lại",
                             "issued")


def issued_copy(loaded: LoadedPlan, number: int, issued: str, by: str = ISSUED_BY_CLI) -> LoadedPlan:
    """The plan with its number, full date of issue and issue record, without touching the file (previews, the
    workspace's register, tests)."""

    when = validate_issue(loaded, number, issued)
    document = loaded.plan.document.model_copy(update={"number": number, "date": when, "issued": None})
    plan = loaded.plan.model_copy(update={"document": document})
    record = IssueRecord(number=number, date=when, by=by, digest=issue_digest(plan))
    document = document.model_copy(update={"issued": record})
    return replace(loaded, plan=plan.model_copy(update={"document": document}))
