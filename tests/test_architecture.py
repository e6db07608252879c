"""The package's layers: each module imports only from its own layer and the layers docs/architecture.md allows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "authoring"

BASE = {"aio", "errors", "extras", "findings", "nd30", "text", "words", "paths", "fileio", "limits", "__init__"}
# layer → layers it may import (besides itself and the base modules); mirrors docs/architecture.md.
ALLOWED = {
    "base": set(),
    "model": set(),
    "loading": {"model"},
    "ooxml": set(),
    "rules": {"loading", "model", "ooxml"},
    "render": {"loading", "model", "ooxml"},
    "pdf": {"render", "loading", "model", "ooxml"},
    "importing": {"render", "loading", "model", "ooxml"},
    "reports": {"model"},
    "lifecycle": {"rules", "render", "pdf", "importing", "reports", "loading", "model", "ooxml"},
    "workspace": {"lifecycle", "rules", "render", "pdf", "importing", "reports", "loading", "model", "ooxml"},
    "cli": {"web", "workspace", "lifecycle", "rules", "render", "pdf", "importing", "reports", "loading", "model", "ooxml"},
    "web": {"workspace", "lifecycle", "rules", "render", "pdf", "importing", "reports", "loading", "model", "ooxml"},
}


def layer_of(module: str) -> str:
    """'authoring.rules.check' → 'rules'; root modules are base, except reports."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in BASE:
        return "base"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _submodule_or_package(package: str, name: str) -> str:
    """'from authoring import nd30' names a module; 'from authoring import __version__' names the package."""
    folder = PACKAGE.parent.joinpath(*package.split("."))
    return f"{package}.{name}" if (folder / f"{name}.py").exists() or (folder / name).is_dir() else package


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every authoring.* module *path* imports (top level or inside functions), with the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [target] if node.module else [_submodule_or_package(target, a.name) for a in node.names]
            found += [(node.lineno, n) for n in names if n.startswith("authoring")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("authoring")]
    return found


def test_every_module_belongs_to_a_known_layer():
    unknown = {layer_of(module_name(p)) for p in PACKAGE.rglob("*.py")} - set(ALLOWED)
    assert not unknown, f"modules outside the layers of docs/architecture.md: {unknown}"


def test_modules_import_only_the_layers_below_them():
    violations = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = layer_of(module_name(path))
        for line, target in imported_modules(path):
            target_layer = layer_of(target)
            if target_layer in (source, "base") or target_layer in ALLOWED[source]:
                continue
            violations.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {source} → {target} ({target_layer})")
    assert not violations, "imports against the layers:\n" + "\n".join(violations)


def test_base_modules_import_nothing_above_the_base():
    for name in BASE - {"__init__"}:
        path = PACKAGE / f"{name}.py"
        if path.exists():
            assert all(layer_of(t) == "base" for _, t in imported_modules(path)), name


def test_the_layer_test_catches_an_upward_import(tmp_path):
    probe = PACKAGE / "model" / "_probe_upward.py"
    probe.write_text("from ..render.docx import render_docx\n", encoding="utf-8")
    try:
        imports = imported_modules(probe)
        assert [layer_of(t) for _, t in imports] == ["render"] and "render" not in ALLOWED["model"]
    finally:
        probe.unlink()


WEB = PACKAGE / "web"


def test_the_page_and_the_workspace_do_not_import_each_other():
    """web/app.py composes the application; web/workspace_app.py holds the workspace's deployment entry points:
    one may use the other, never both ways (a cycle makes a newcomer read both to understand either)."""
    app = {target for _, target in imported_modules(WEB / "app.py")}
    workspace = {target for _, target in imported_modules(WEB / "workspace_app.py")}
    assert not ("authoring.web.workspace_app" in app and "authoring.web.app" in workspace)


def test_web_routes_live_in_routers_at_module_level():
    """No module of the web layer defines its routes inside a function (one long factory): a route is a
    decorated module-level function of a router under web/routes/, found by the path it serves."""
    nested = []
    for path in sorted(WEB.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for outer in ast.walk(tree):
            if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(outer):
                if inner is outer or not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for decorator in inner.decorator_list:
                    call = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if isinstance(call, ast.Attribute) and call.attr in ("get", "post", "put", "delete", "patch",
                                                                         "exception_handler", "middleware"):
                        nested.append(f"{path.relative_to(PACKAGE)}:{inner.lineno} {inner.name}")
    assert not nested, f"routes defined inside a function: {nested}"


def test_web_routes_are_grouped_by_what_users_do():
    routers = {p.stem for p in (WEB / "routes").glob("*.py")} - {"__init__"}
    assert {"plans", "versions", "workflow", "board", "administration", "api"} <= routers


TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def html_in_strings(path: Path) -> list[str]:
    """The string literals of a module (its docstrings aside) holding an HTML tag: 'file:line «…»'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [f"{path.relative_to(PACKAGE)}:{node.lineno} «{node.value[:60]}»" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and TAG.search(node.value)]


def test_the_page_and_the_workspace_build_no_html_in_python_strings():
    """HTML is written in Jinja templates and macros (web/templates), autoescaped: a tag in a Python string of the
    web or workspace layer is markup escaped by hand, where a forgotten escape is an injection."""
    found = [hit for folder in (WEB, PACKAGE / "workspace") for path in sorted(folder.rglob("*.py"))
             for hit in html_in_strings(path)]
    assert not found, "HTML trong chuỗi Python:\n" + "\n".join(found)


def test_the_html_test_catches_a_tag_built_in_an_f_string():
    probe = WEB / "_probe_html.py"
    probe.write_text('"""Probe."""\n\n\ndef alert(text):\n    return f\'<div class="alert">{text}</div>\'\n',
                     encoding="utf-8")
    try:
        assert {hit.split(" ")[0] for hit in html_in_strings(probe)} == {"web/_probe_html.py:5"}
    finally:
        probe.unlink()
