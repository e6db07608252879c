"""Benchmark: how much of a commune's draft from a province plan still speaks the province's words.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/derive_commune_words.py

For each province plan at hand (the examples that are province plans; the province plans that are children of the
tune pairs, imported from their text — never holdout*/; and, apart, six real 2026 plans of Lâm Đồng from
tests/fixtures/real/docx, not read while the rules were written), a draft for one xã, one phường and one đặc khu (when the
province has one) of that province on 15/01/2026: its duty sentences, those with words of the province or of an
abolished level (commune_scale.yaml, `foreign`), the duties left out with a note, and whether `kehoach check` finds
errors in the draft against its parent.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from authoring.importing import import_plan  # noqa: E402
from authoring.lifecycle.derive import derive  # noqa: E402
from authoring.lifecycle.derive.scale import foreign_words  # noqa: E402
from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.loading.units import province_after_2025, unit_list  # noqa: E402
from authoring.model import Level  # noqa: E402
from authoring.rules.check import run_check  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TUNE = ROOT / "tests" / "fixtures" / "derive_pairs" / "tune"
EXAMPLES = ["nghe-an-2025-kh-07", "dak-nong-2021-kh-chua-so", "kon-tum-2020-kh-chua-so", "lang-son-2019-kh-chua-so"]
REAL = ROOT / "tests" / "fixtures" / "real" / "docx"
FRESH = ["001-lam-dong-kh-cchc-2026", "002-lam-dong-kh-cchc-2026-2030", "003-lam-dong-kh-kiem-tra-cchc-2026",
         "005-lam-dong-kh-tuyen-truyen-cchc-2026", "006-lam-dong-kh-thi-dua-cchc-2026", "007-lam-dong-kh-pcmt-2030"]
DAY = date(2026, 1, 15)
FRESH_DAY = date(2026, 6, 15)   # after the 2026 plans


def parents(folder: Path) -> list[tuple[str, Path]]:
    found = [(name, ROOT / "plans" / "examples" / f"{name}.yaml") for name in EXAMPLES]
    for pair in sorted(TUNE.iterdir()):
        if (pair / "child.txt").is_file():
            path = folder / pair.name / "ke-hoach.yaml"   # a folder each: plans of one province may share an id
            path.parent.mkdir()
            path.write_text(import_plan(pair / "child.txt").yaml_text, encoding="utf-8")
            found.append((pair.name, path))
    for name in FRESH:
        path = folder / name / "ke-hoach.yaml"
        path.parent.mkdir()
        path.write_text(import_plan(REAL / f"{name}.docx").yaml_text, encoding="utf-8")
        found.append((name, path))
    return found


def main() -> None:
    rows, totals = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, path in parents(folder):
            parent = load_plan_or_raise(path)
            if parent.plan.document.level != Level.PROVINCE:
                continue
            first = {}
            for unit in unit_list(province_after_2025(parent.plan.document.province)).units:
                first.setdefault(unit.kind, unit.name)
            for kind, unit in first.items():
                out = folder / name / f"{kind}.yaml" if (folder / name).is_dir() else folder / f"{name}--{kind}.yaml"
                text, report = derive(parent, unit, out, day=FRESH_DAY if name in FRESH else DAY)
                out.write_text(text, encoding="utf-8")
                plan = load_plan_or_raise(out).plan
                duties = [c.text for b in plan.blocks() if b.agency for c in b.blocks if c.text]
                bad = sum(1 for t in duties if foreign_words(t))
                left = sum(1 for n in report.notes if "không chuyển xuống" in n)
                errors = sum(1 for f in run_check(out, [str(path)]).index.sorted() if f.severity.name == "ERROR")
                rows.append((name, unit, len(duties), bad, left, errors))
                total = totals.setdefault(f"{kind} (Lâm Đồng 2026)" if name in FRESH else kind, [0, 0, 0, 0, 0])
                for i, value in enumerate((1, len(duties), bad, left, int(errors > 0))):
                    total[i] += value
    print("| kế hoạch tỉnh | đơn vị | câu nhiệm vụ | câu có lời của tỉnh / cấp đã bỏ | nhiệm vụ không chuyển xuống (có Lưu ý) "
          "| lỗi của check |")
    print("|---|---|---:|---:|---:|---:|")
    for name, unit, n, bad, left, errors in rows:
        print(f"| {name} | {unit} | {n} | {bad} | {left} | {errors} |")
    for kind, (drafts, n, bad, left, failing) in totals.items():
        print(f"| **{drafts} dự thảo {kind}** | | **{n}** (trung bình {n / drafts:.1f}) | **{bad}** | **{left}** "
              f"| **{failing} dự thảo có lỗi** |")


if __name__ == "__main__":
    main()
