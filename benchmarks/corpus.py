"""Score import and lint-docx on the corpus of real documents (tests/fixtures/real/): prints the figures.

    .venv/bin/python benchmarks/corpus.py [-v] [--libreoffice] [--kind pdf,scan] [--part tune,tune2]

--kind / --part score only those kinds (pdf, scan, web, docx) and parts (none, tune, tune2, tune3, measured, fresh): the
scans take minutes of OCR; an unknown kind or part is a usage error (exit 2). A field the index marks `handwritten` that import leaves empty and reports unreadable is counted
"flagged" (README.md of the corpus): not right in the first figure, right in the second; a wrong value is never right.

Header facts: issuer, parent issuer, number, ký hiệu, date, place and trích yếu of each document, compared with the
hand-written values of index.yaml (case, spacing and dash variants ignored). Legal bases: the số, ký hiệu of each
căn cứ / thực hiện document (spaces removed). lint-docx: the rules it reports for each DOCX, against the defects
judged real in the file (a finding counts as right when the corpus lists the same rule for the same document).
Table cells: every content cell of the source's tables (authoring.importing.completeness) whose words are in the
imported plan or in its report; a refused document keeps none of them.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ruamel.yaml import YAML  # noqa: E402

from authoring.errors import InputError  # noqa: E402
from authoring.text import match_key  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "real"
HEADER_FIELDS = ("issuer", "parent_issuer", "number", "number_year", "symbol", "date", "place", "title")


def load_index() -> list[dict]:
    return YAML(typ="safe").load((CORPUS / "index.yaml").read_text(encoding="utf-8"))


def _same(field_name: str, expected, got) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if field_name in ("number", "number_year", "date"):
        return str(expected) == str(got)
    if field_name == "symbol":
        return str(expected).replace(" ", "") == str(got).replace(" ", "")
    key = lambda v: match_key(str(v)).replace("“", '"').replace("”", '"')  # noqa: E731
    return key(expected) == key(got)


@dataclass
class ImportScore:
    fields: int = 0
    right: int = 0
    bases_expected: int = 0
    bases_found: int = 0
    bases_right: int = 0
    crashes: list = field(default_factory=list)
    invalid: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    wrong: list = field(default_factory=list)
    flagged: list = field(default_factory=list)   # (id, field): a handwritten field left empty and said unreadable
    cells: int = 0                                 # content cells of the sources' tables
    cells_kept: int = 0                            # … whose words are in the imported plan or its report
    lost_cells: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def header(self) -> float:
        return self.right / self.fields if self.fields else 1.0

    @property
    def bases_recall(self) -> float:
        return self.bases_right / self.bases_expected if self.bases_expected else 1.0

    @property
    def bases_spurious(self) -> float:
        return (self.bases_found - self.bases_right) / self.bases_found if self.bases_found else 0.0


def _ocr_once() -> None:
    """Each scan is read by OCR once per run (facts, import and table cells all read it): the pages are pure data,
    handed out as copies, so the figures are those of three separate reads, in a third of the time."""
    import copy

    from authoring.importing import ocr

    if getattr(ocr.ocr_pages, "memo", None) is not None:
        return
    read = ocr.ocr_pages
    memo: dict = {}

    def ocr_pages(path, *args, **kwargs):
        key = (str(Path(path).resolve()), Path(path).stat().st_mtime_ns, args, tuple(sorted(kwargs.items())))
        if key not in memo:
            memo[key] = read(path, *args, **kwargs)
        return copy.deepcopy(memo[key])

    ocr_pages.memo = memo
    ocr.ocr_pages = ocr_pages


def _source_cells(path: Path) -> list[str]:
    from authoring.importing.completeness import document_cells, text_cells
    from authoring.importing.pdfsource import read_pdf
    from authoring.ooxml.reader import open_document

    if path.suffix == ".pdf":
        return document_cells(read_pdf(path).document)
    if path.suffix == ".docx":
        return document_cells(open_document(path))
    return text_cells(path)


def score_import(entries: list[dict] | None = None) -> ImportScore:
    from authoring.importing import import_plan
    from authoring.importing.completeness import lost_cells
    from authoring.importing.pdfsource import pdf_facts
    from authoring.loading import load_plan, load_registry
    from authoring.ooxml.facts import document_facts

    _ocr_once()
    registry = load_registry()
    score = ImportScore()
    started = time.perf_counter()
    for entry in (load_index() if entries is None else entries):
        path = CORPUS / entry["file"]
        expected = entry["expected"]
        try:
            facts = pdf_facts(path) if path.suffix == ".pdf" else document_facts(path)
        except Exception as exc:  # noqa: BLE001 - a crash is what is being counted
            score.crashes.append((entry["id"], f"facts: {type(exc).__name__}: {exc}"))
            continue
        for name in HEADER_FIELDS:
            if name == "number_year" and "number_year" not in expected:
                want = None
            else:
                want = expected.get(name)
            got = getattr(facts, name)
            score.fields += 1
            if _same(name, want, got):
                score.right += 1
            elif got is None and name in (entry.get("handwritten") or []) and name in facts.unreadable:
                score.flagged.append((entry["id"], name))
            else:
                score.wrong.append((entry["id"], name, want, got))
        if entry.get("bases_not_judged"):
            want_bases = got_bases = []
        else:
            want_bases = [b.replace(" ", "") for b in expected.get("bases") or []]
            got_bases = [b["code"] for b in facts.bases]
        score.bases_expected += len(want_bases)
        score.bases_found += len(got_bases)
        score.bases_right += len(set(want_bases) & set(got_bases))
        if set(want_bases) != set(got_bases):
            score.wrong.append((entry["id"], "bases", want_bases, got_bases))
        try:
            cells = _source_cells(path)
        except Exception:  # noqa: BLE001 - a source the reader refuses has no cells to count; import says why
            cells = []
        score.cells += len(cells)
        try:
            result = import_plan(path)
        except InputError as exc:
            if all(f.code.startswith("M") for f in exc.findings):   # refused with its reasons: no valid plan possible
                score.refused.append((entry["id"], exc.message))
            else:   # the writer caught data kehoach produced that is not a valid plan
                score.invalid.append((entry["id"], [f"{f.code} {f.path}: {f.message}" for f in exc.findings][:3]))
            score.lost_cells += [(entry["id"], c) for c in cells]   # a refused document keeps none of its cells
            continue
        except Exception as exc:  # noqa: BLE001
            score.crashes.append((entry["id"], f"import: {type(exc).__name__}: {exc}"))
            score.lost_cells += [(entry["id"], c) for c in cells]
            continue
        lost = lost_cells(cells, result.yaml_text, result.notes, registry)
        score.cells_kept += len(cells) - len(lost)
        score.lost_cells += [(entry["id"], c) for c in lost]
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "nhap.yaml"
            out.write_text(result.yaml_text, encoding="utf-8")
            loaded, index = load_plan(out)
            if loaded is None or index.has_errors:
                score.invalid.append((entry["id"], [f.message for f in index.findings][:3]))
    score.seconds = time.perf_counter() - started
    return score


@dataclass
class LintScore:
    predicted: int = 0
    expected: int = 0
    right: int = 0
    false_positive: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    forms: dict = field(default_factory=dict)
    rules: dict = field(default_factory=dict)   # rule → [judged, found of those, reported]

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    def rule_recall(self, rule: str) -> float:
        judged, found, _ = self.rules.get(rule, [0, 0, 0])
        return found / judged if judged else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def score_lint(entries: list[dict] | None = None, count_pages=None) -> LintScore:
    """*count_pages*: authoring.pdf.office.page_count to lay the documents out with LibreOffice as lint-docx does."""
    from authoring.rules.docx import RULE_CODES, lint_docx_report

    score = LintScore()
    for entry in (load_index() if entries is None else entries):
        if entry["kind"] != "docx":
            continue
        report = lint_docx_report(CORPUS / entry["file"], count_pages=count_pages)
        score.forms[entry["id"]] = report.form.type_name
        skipped = set(entry.get("form_not_judged") or [])   # rules not judged by hand for this file: not scored
        got = {f.rule for f in report.items} - skipped
        want = {item["rule"] for item in entry.get("form") or []}
        unknown = want - set(RULE_CODES)
        assert not unknown, f"{entry['id']}: rule names without an X code: {unknown}"
        score.predicted += len(got)
        score.expected += len(want)
        score.right += len(got & want)
        score.false_positive += [(entry["id"], rule, [f.message for f in report.items if f.rule == rule][:2])
                                 for rule in sorted(got - want)]
        score.missed += [(entry["id"], rule) for rule in sorted(want - got)]
        for rule in got | want:
            counts = score.rules.setdefault(rule, [0, 0, 0])
            counts[0] += rule in want
            counts[1] += rule in want and rule in got
            counts[2] += rule in got
    return score


# The judged DOCX split in two (issue 22): rules are tuned on the first part and only measured on the second. The
# split was made after the earlier rules had seen all 17 files; issue 22's lint changes were written from the decree
# and the issue's findings on other offices' files, without looking at the measured part.
LINT_MEASURED = {"docx-002", "docx-004", "docx-006", "docx-008", "docx-010", "docx-012", "docx-014", "docx-016",
                 "docx-017"}


# DOCX of other bodies judged after the rules were written, from repositories no rule was ever run on (issue 22,
# session 11): each part scored on its own line, in neither the tune nor the measured part, never thresholded. The
# fresh5 DOCX became tune5 once the lead had read their failures (session 11): tuned on, still on their own line.
LINT_FRESH = {"tune5": "phần chỉnh thứ năm (trước là phần đo mới thứ năm)"}


def lint_parts(entries: list[dict] | None = None) -> tuple[list[dict], list[dict]]:
    """(tune, measured) judged DOCX entries; the fresh parts (LINT_FRESH) are in neither."""
    docx = [e for e in (load_index() if entries is None else entries)
            if e["kind"] == "docx" and e.get("part") not in LINT_FRESH]
    measured = [e for e in docx if e["id"] in LINT_MEASURED or e.get("part") == "measured"]
    return [e for e in docx if e not in measured], measured


def score_libreoffice() -> list[str]:
    """The five example plans rendered, saved again by LibreOffice (one soffice call), imported: what came back."""
    import os
    import shutil
    import subprocess

    from authoring.importing import import_plan
    from authoring.lifecycle.diff import semantic_diff
    from authoring.loading import load_plan, load_plan_or_raise
    from authoring.render.docx import render_docx
    from authoring.render.json import plan_to_json

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return ["LibreOffice: không có soffice, bỏ qua"]
    examples = sorted((ROOT / "plans" / "examples").glob("*.yaml"))
    lines, same, targets_right, targets_all = [], 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sources = []
        for path in examples:
            sources.append(folder / f"{path.stem}.docx")
            sources[-1].write_bytes(render_docx(load_plan_or_raise(path)))
        subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "docx", "--outdir", str(folder / "out"), *map(str, sources)],
                       capture_output=True, timeout=300, env=dict(os.environ, SAL_USE_VCLPLUGIN="svp"))
        for path in examples:
            original = load_plan_or_raise(path)
            target = folder / f"{path.stem}.yaml"
            target.write_text(import_plan(folder / "out" / f"{path.stem}.docx").yaml_text, encoding="utf-8")
            imported, _ = load_plan(target)
            facts = lambda loaded: [(t["id"], t["value"], t["unit"], t["comparator"], t["year"])  # noqa: E731
                                    for t in plan_to_json(loaded)["targets"]]
            want, got = facts(original), facts(imported) if imported else []
            targets_all += len(want)
            targets_right += sum(1 for a, b in zip(want, got) if a == b) if len(want) == len(got) else 0
            equal = imported is not None and imported.plan.model_dump(mode="json") == original.plan.model_dump(mode="json")
            same += equal and not any(semantic_diff(original, imported).values())
    lines.append(f"LibreOffice DOCX → DOCX rồi nhập lại: {same}/{len(examples)} kế hoạch giống hệt bản gốc; "
                 f"chỉ tiêu (mã, giá trị, đơn vị, chiều, năm) {targets_right}/{targets_all}")
    return lines


KINDS = {"pdf": "PDF có lớp chữ", "scan": "bản quét (OCR)", "web": "bản chép từ web", "docx": "DOCX"}
# Real PDFs and scans are split before any fix into a part tuned on and a part only measured (README.md); the PDFs
# printed from the corpus's own DOCX carry no part.
# A measured part is declared tune once its failures are written down (the ids 102-110, then the Công báo copies
# 201-212 and scans 201-205, README.md); "fresh" is the part measured since, from other sources. The ids 4xx, measured
# as "fresh2" in session 8, became "tune2" in session 9 once the lead had read their failures: tuned on, but still
# without thresholds (their figures are far below tune's, and a threshold would freeze them there). "tune3" (ids 6xx,
# measured as "fresh3" in session 9) became tune in session 10 once the lead had read its failures; no thresholds either.
# "tune4" (ids 7xx, measured as "fresh4" in session 10) became tune in session 11 likewise.
PARTS = {None: "", "tune": ", thật, phần chỉnh", "tune2": ", thật, phần chỉnh thứ hai (trước là phần đo mới thứ hai)",
         "fresh5": ", thật, phần đo mới thứ năm",
         "tune5": ", thật, phần chỉnh thứ năm (DOCX và 6 bản quét cùng kho, trước là phần đo mới thứ năm)",
         "measured": ", thật, phần đo", "fresh": ", thật, phần đo mới",
         "tune3": ", thật, phần chỉnh thứ ba (trước là phần đo mới thứ ba)", "tune4": ", thật, phần chỉnh thứ tư (trước là phần đo mới thứ tư)"}
# Parts only ever scored here: no test asserts a threshold on them and no code is changed for what fails on them.
NEVER_TUNED = ("measured", "fresh", "fresh5")
# Parts scored here only, without thresholds in tests (tests/importing/test_corpus.py).
UNTHRESHOLDED = NEVER_TUNED + ("tune2", "tune3", "tune4", "tune5")


def _selected(entries: list[dict], kinds: set[str] | None, parts: set[str] | None) -> list[dict]:
    return [e for e in entries if (not kinds or e["kind"] in kinds)
            and (not parts or (e.get("part") or "none") in parts)]


def main(verbose: bool = False, libreoffice: bool = False, kinds: set[str] | None = None,
         parts: set[str] | None = None) -> None:
    entries = _selected(load_index(), kinds, parts)
    from authoring.pdf.office import page_count

    judged = [e for e in entries if e.get("part") not in LINT_FRESH]
    lint = score_lint(judged, page_count) if judged and (not kinds or "docx" in kinds) else LintScore()
    kinds_count = {k: sum(1 for e in entries if e["kind"] == k) for k in KINDS}
    print(f"Kho văn bản thật: {len(entries)} văn bản (" + ", ".join(f"{n} {KINDS[k]}" for k, n in kinds_count.items() if n) + ")")
    imp = ImportScore()
    groups = [(f"{label}{PARTS[p]}", [e for e in entries if e["kind"] == kind and e.get("part") == p])
              for kind, label in KINDS.items() for p in PARTS]
    for label, part in groups:
        if not part:
            continue
        score = score_import(part)
        failed = {w[0] for w in score.wrong if w[1] != "bases"} | {c[0] for c in score.crashes}
        whole = len(part) - len(failed | {f[0] for f in score.flagged})
        print(f"[{label}] import  văn bản đúng mọi thông tin phần đầu: {whole}/{len(part)} = {whole / len(part):.0%}; "
              f"từng thông tin: {score.right}/{score.fields} = {score.header:.1%}")
        if score.flagged:
            lenient = len(part) - len(failed)
            print(f"[{label}] import  thông tin viết tay báo 'không đọc được' (không đoán): {len(score.flagged)}; "
                  f"văn bản đúng hoặc báo không đọc được: {lenient}/{len(part)} = {lenient / len(part):.0%}")
        print(f"[{label}] import  căn cứ tìm đúng: {score.bases_right}/{score.bases_expected} = {score.bases_recall:.1%}; "
              f"căn cứ thừa: {score.bases_found - score.bases_right}/{score.bases_found} = {score.bases_spurious:.1%}")
        print(f"[{label}] import  ô của bảng giữ được (trong kế hoạch hoặc báo cáo nhập): "
              + (f"{score.cells_kept}/{score.cells} = {score.cells_kept / score.cells:.1%}" if score.cells
                 else "không có bảng nội dung"))
        print(f"[{label}] import  lỗi chương trình: {len(score.crashes)}; YAML không hợp lệ: {len(score.invalid)}; "
              f"từ chối có lý do (mã thoát 1): {len(score.refused)}; {score.seconds:.1f} s")
        for name in ("fields", "right", "bases_expected", "bases_found", "bases_right", "cells", "cells_kept"):
            setattr(imp, name, getattr(imp, name) + getattr(score, name))
        for name in ("crashes", "invalid", "refused", "wrong", "flagged", "lost_cells"):
            getattr(imp, name).extend(getattr(score, name))
    print(f"import  thông tin phần đầu đúng: {imp.right}/{imp.fields} = {imp.header:.1%}")
    if kinds and "docx" not in kinds:
        _details(verbose, imp, None)
        return
    tune, measured = lint_parts(entries)
    unseen = [e for e in entries if e["kind"] == "docx" and e.get("part")]
    for label, part in (("phần chỉnh", tune), ("phần đo", measured),
                        ("chưa quy tắc nào thấy, phần chỉnh", [e for e in unseen if e["part"] == "tune"]),
                        ("chưa quy tắc nào thấy, phần đo", [e for e in unseen if e["part"] == "measured"])):
        if not part:
            continue
        score = score_lint(part, page_count)
        print(f"lint-docx [{label}, {len(part)} tệp] độ chính xác: {score.right}/{score.predicted} = "
              f"{score.precision:.1%}; độ phủ: {score.right}/{score.expected} = {score.recall:.1%}")
    if tune or measured:
        print(f"lint-docx [cả hai] độ chính xác: {lint.right}/{lint.predicted} = {lint.precision:.1%}; "
              f"độ phủ: {lint.right}/{lint.expected} = {lint.recall:.1%}")
        for rule, (judged, found, reported) in sorted(lint.rules.items()):
            print(f"  lint-docx {rule}: phát hiện {found}/{judged} lỗi đã chấm; báo {reported}")
    for name, label in LINT_FRESH.items():
        part = [e for e in entries if e["kind"] == "docx" and e.get("part") == name]
        if part:
            _print_fresh_lint(name, label, score_lint(part, page_count), len(part), verbose)
    if libreoffice:
        for line in score_libreoffice():
            print(line)
    _details(verbose, imp, lint)


def _print_fresh_lint(name: str, label: str, score: LintScore, files: int, verbose: bool) -> None:
    print(f"lint-docx, {label} ({name}) [{files} tệp] độ chính xác: {score.right}/{score.predicted} = "
          f"{score.precision:.1%}; độ phủ: {score.right}/{score.expected} = {score.recall:.1%}")
    for rule, (judged, found, reported) in sorted(score.rules.items()):
        print(f"  lint-docx ({name}) {rule}: phát hiện {found}/{judged} lỗi đã chấm; báo {reported}")
    for item in (score.false_positive + score.missed) if verbose else []:
        print(f"  ({name}) {'thừa' if len(item) == 3 else 'thiếu'}:", item)


def _details(verbose: bool, imp: ImportScore, lint: LintScore | None) -> None:
    if not verbose:
        return
    for item in imp.wrong:
        print("  sai:", item)
    for item in imp.flagged:
        print("  báo không đọc được:", item)
    for item in imp.crashes + imp.invalid + imp.refused:
        print("  nhập:", item)
    for item in imp.lost_cells:
        print("  mất ô bảng:", item)
    for item in lint.false_positive if lint else []:
        print("  thừa:", item)
    for item in lint.missed if lint else []:
        print("  thiếu:", item)


def _option(name: str, allowed: set[str]) -> set[str] | None:
    if name not in sys.argv[:-1]:
        return None
    values = set(sys.argv[sys.argv.index(name) + 1].split(","))
    if values - allowed:
        # A mistyped part would silently score nothing and print figures for an empty corpus.
        print(f"Lỗi cách gọi: {name} {', '.join(sorted(values - allowed))}: không có giá trị này; "
              f"hãy chọn trong {', '.join(sorted(allowed))} (nhiều giá trị thì cách nhau bằng dấu phẩy).",
              file=sys.stderr)
        sys.exit(2)
    return values


if __name__ == "__main__":
    main("-v" in sys.argv, "--libreoffice" in sys.argv, _option("--kind", set(KINDS)),
         _option("--part", {"none"} | {p for p in PARTS if p}))
