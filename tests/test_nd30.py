"""Each fact of Nghị định 30 is written once, in authoring/nd30.py, and the renderer and lint-docx agree on it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from authoring import nd30
from authoring.rules.docx import lint_docx
from helpers import EXAMPLES

PACKAGE = Path(__file__).resolve().parent.parent / "authoring"

# Literals that would be a second copy of a decree fact: (what, pattern over string constants).
DECREE_LITERALS = [
    ("authority prefixes", re.compile(r"TM\|KT\|TL|\(TM\|")),
    ("'Nơi nhận:'", re.compile(r"Nơi nhận:")),
    ("the end mark", re.compile(r"(?<![./])\./\.(?![./])")),
    ("Quốc hiệu", re.compile(r"CỘNG H[OÒ]À? XÃ HỘI", re.I)),
    ("Tiêu ngữ", re.compile(r"Độc lập - Tự do")),
    ("the số line pattern", re.compile(r"\^Số")),
    ("the date line pattern", re.compile(r"ngày\\s\*\(\?P<day>")),
]


def _string_constants(path: Path):
    """String constants of a module, docstrings left out (they explain, they do not decide)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


@pytest.mark.parametrize("what,pattern", DECREE_LITERALS, ids=[w for w, _ in DECREE_LITERALS])
def test_each_decree_literal_is_written_only_in_nd30(what, pattern):
    places = [f"{path.relative_to(PACKAGE.parent)}:{line}"
              for path in sorted(PACKAGE.rglob("*.py")) if path.name != "nd30.py"
              for line, value in _string_constants(path) if pattern.search(value)]
    assert not places, f"{what} written outside authoring/nd30.py: {places}"


def test_the_literal_scan_sees_a_copy_in_code(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text('"""Nơi nhận: in a docstring is prose."""\nLABEL = "Nơi nhận:"\n', encoding="utf-8")
    assert [line for line, value in _string_constants(probe) if "Nơi nhận:" in value] == [2]


def test_the_2025_cut_over_date_is_data_not_code():
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "date":
                values = [a.value for a in node.args if isinstance(a, ast.Constant)]
                if values[:3] == [2025, 7, 1]:
                    calls.append(f"{path.name}:{node.lineno}")
    assert not calls, f"the end of the district level belongs to the registry (ubnd-cap-huyen.until): {calls}"


def test_only_the_loading_layer_writes_yaml():
    writers = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.parent.name == "loading":
            continue
        text = path.read_text(encoding="utf-8")
        # ".dump()" with no argument is not YAML: asn1crypto's DER encoding (RFC 3161 requests in pdf/signing.py)
        if re.search(r"make_yaml|\.dump\((?!\))|YAML\(", text):
            writers.append(str(path.relative_to(PACKAGE.parent)))
    assert not writers, f"YAML written outside authoring/loading/: {writers}"


@pytest.mark.parametrize("plan", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_rendered_examples_pass_lint_docx_with_no_finding(plan, rendered):
    index = lint_docx(rendered[plan.stem])
    assert [f"{f.code} {f.message}" for f in index.sorted()] == []


def test_renderer_prints_every_size_lint_docx_accepts():
    for element in (nd30.QUOC_HIEU, nd30.TIEU_NGU, nd30.ISSUER, nd30.NUMBER, nd30.PLACE_DATE, nd30.TYPE_NAME,
                    nd30.TITLE, nd30.BODY, nd30.AUTHORITY, nd30.SIGNER_NAME, nd30.RECIPIENTS_HEAD,
                    nd30.RECIPIENT_LINE, nd30.PAGE_NUMBER):
        assert element.size_ok(element.printed), element.name
