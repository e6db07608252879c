"""Every part of the model has an editor, shown in words: walk the model, read the rendered page, edit through it."""

from __future__ import annotations

import enum
import html
import json
import re
import typing
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pydantic import BaseModel

from authoring.loading import load_plan, load_registry
from authoring.loading.edit import format_path, parse_path
from authoring.model import Plan
from authoring.model.walk import iter_targets
from authoring.web import engine, forms
from helpers import EXAMPLES, example
from webtools import base_version, open_example


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _field_paths(model=Plan, path=(), seen=()) -> list[tuple]:
    """Every field path of the model (list indices as 0), with the model that owns the field."""
    out = []
    for attr, info in model.model_fields.items():
        key = info.alias or attr
        here = path + (key,)
        out.append((model, key, here))
        for sub in _models_in(info.annotation):
            if sub in seen:          # Block inside Block: its fields are walked once
                continue
            origin = typing.get_origin(forms._unwrap(info.annotation))
            out.extend(_field_paths(sub, here + ((0,) if origin is list else ()), seen + (model,)))
    return out


def test_every_field_of_the_model_has_an_editor_or_is_kept_by_kehoach():
    missing = []
    for model, key, path in _field_paths():
        if key in forms.MANAGED and (model.__name__, key) not in forms.EDITABLE_IDS:
            continue
        if any(part in forms.MANAGED for part in path[:-1] if isinstance(part, str)):   # inside a kept field
            continue
        # a link's parent item is edited by the links widget of its owner: picked by its words
        if any(forms.field_at(path[:i]) is not None and forms.field_at(path[:i]).kind == "links"
               for i in range(1, len(path))):
            continue
        field = forms.field_at(path)
        if field is None or field.key != key:
            missing.append(format_path(path))
    assert not missing, f"fields without an editor: {missing}"
    assert forms.field_at(("footnotes", "1")).kind == "longtext"        # each footnote's text
    assert forms.field_at(("implements",)).kind == "implements"


def _leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaf_paths(value, path + (key,))
    elif isinstance(node, list) and node and isinstance(node[0], dict):
        for i, value in enumerate(node):
            yield from _leaf_paths(value, path + (i,))
    else:
        yield path


@pytest.mark.parametrize("plan_file", EXAMPLES, ids=lambda p: p.stem)
def test_every_value_of_an_example_is_on_the_edit_page(client, plan_file):
    """Each value in the file is shown by an input whose path is that value's (or its widget's: a list of
    agencies, the links of an item); only the values kehoach keeps itself (ids, fingerprints) are not."""
    from ruamel.yaml import YAML

    plan_id = open_example(client, plan_file.name)
    page = client.get(f"/ke-hoach/{plan_id}").text
    shown = set(re.findall(r'data-path="([^"]+)"', page))
    tree = YAML(typ="safe").load(plan_file.read_text(encoding="utf-8"))
    missing = []
    for path in _leaf_paths(tree):
        if path[-1] in forms.MANAGED and path != ("id",):
            continue
        if any(part in forms.MANAGED for part in path[:-1] if isinstance(part, str)):   # the issue record
            continue
        if isinstance(path[-1], int):       # an item of a list widget (links, agencies) or of a list of words
            path = path[:-1]
        while path and path[-1] in ("ref", "fingerprint") or (path and isinstance(path[-1], int)
                                                                and path[-2:-1] == ("links",)):
            path = path[:-1]
        if format_path(path) not in shown:
            missing.append(format_path(path))
    assert not missing, missing[:20]


class _VisibleText(HTMLParser):
    """The words a reader sees: text outside script, style, datalist values and attributes."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in ("input", "textarea") or tag == "option":
            value = dict(attrs).get("value")
            if tag == "input" and value and dict(attrs).get("type") not in ("hidden", "checkbox"):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _enum_codes() -> set[str]:
    from authoring.model import common

    codes = {"plan", "directive"} | set(forms.BUDGET_SOURCES)
    for value in vars(common).values():
        if isinstance(value, type) and issubclass(value, enum.Enum):
            codes |= {str(m.value) for m in value}
    # 'tinh', 'quy', 'nam' are also Vietnamese words in a plan's text ('tinh thần'): those are looked for in
    # the page's own words (options, labels), the rest everywhere
    return {c for c in codes if not c.isdigit()}


def _is_word(code: str) -> bool:
    return "_" not in code and code.isascii() and code in {"tinh", "huyen", "xa", "quy", "thang", "nam"}


@pytest.mark.parametrize("name", ["kon-tum-2020-kh-chua-so.yaml", "lang-son-2019-kh-chua-so.yaml",
                                  "dak-nong-2021-kh-chua-so.yaml", "nghe-an-2025-kh-07.yaml"])
def test_no_enum_code_or_agency_id_is_shown_as_text(client, name):
    plan_id = open_example(client, name)
    page = client.get(f"/ke-hoach/{plan_id}").text
    parser = _VisibleText()
    parser.feed(page)
    words = set(re.findall(r"[\w-]+", " ".join(parser.parts)))
    agency_ids = {a for a in load_registry().agencies if "-" in a}
    codes = {c for c in _enum_codes() if not _is_word(c)}
    assert not words & codes, words & codes
    options = {re.sub(r"<[^>]+>", "", o).strip().lower() for o in re.findall(r"<option[^>]*>([^<]*)</option>", page)}
    assert not options & _enum_codes(), options & _enum_codes()
    assert not words & agency_ids, words & agency_ids
    assert "Độ tin cậy của dữ liệu" in " ".join(parser.parts) and "Đã xác nhận" in " ".join(parser.parts)


def _target(name: str, target_id: str) -> str:
    loaded, _ = load_plan(example(name))
    return next(format_path(path) for path, _, target in iter_targets(loaded.plan) if target.id == target_id)


def test_linking_a_target_to_the_parents_target_clears_the_coverage_finding(client):
    plan_id = open_example(client, "lang-son-2019-kh-chua-so.yaml")
    page = client.get(f"/ke-hoach/{plan_id}").text
    assert "qd-2361-2015#ct-1-2020" not in page and "ct-1-2020" not in re.sub(r"<[^>]+>", "", page)
    choices = forms.ParentChoices(engine.parent_items(["qd-2361-2015"]))
    label = choices.by_ref["qd-2361-2015#ct-1-2020"]
    assert label.startswith("Chỉ tiêu: ") and f'<option value="{label}">' in page   # offered by its words
    assert "chưa có chỉ tiêu tương ứng" in page
    path = _target("lang-son", "ct-b") + ".links"
    answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": label, "base": base_version(page)})
    assert answer.status_code == 200, answer.text
    assert f'value="{label}"' in answer.text                                       # the widget shows it by text
    yaml_text = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    assert "ref: qd-2361-2015#ct-1-2020" in yaml_text and "fingerprint:" in yaml_text
    after = client.get(f"/ke-hoach/{plan_id}").text
    assert "«Tỷ lệ trẻ em có hoàn cảnh đặc biệt trên tổng số" not in after.split("chưa có chỉ tiêu tương ứng")[0][-400:]
    before_count, after_count = page.count("chưa có chỉ tiêu tương ứng"), after.count("chưa có chỉ tiêu tương ứng")
    assert after_count < before_count
    wrong = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": "không có mục này", "base": base_version(after)})
    assert wrong.status_code == 400 and "Đảm nhận mục của văn bản cấp trên" in wrong.text


def test_references_footnotes_status_and_the_other_fields_are_edited(client):
    plan_id = open_example(client, "kon-tum-2020-kh-chua-so.yaml")
    page = client.get(f"/ke-hoach/{plan_id}").text
    base = base_version(page)
    assert 'data-path="footnotes.1"' in page and "Chú thích [^1]" in page
    client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": "footnotes.1", "v": "Chú thích đã sửa.", "base": base})
    client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": "add_footnote", "path": "footnotes", "base": base + 1})
    client.htmx(f"/ke-hoach/{plan_id}/thao-tac", {"op": "append", "path": "references", "base": base + 2})
    results = client.get(f"/ke-hoach/{plan_id}/tim-van-ban", params={"q": "tre em 56/2017", "path": "references[0]"}).text
    assert "Nghị định số 56/2017/NĐ-CP" in results
    doc_id = json.loads(html.unescape(re.search(r"hx-vals='([^']+)'", results).group(1)))["v"]
    filled = client.htmx(f"/ke-hoach/{plan_id}/can-cu", {"path": "references[0]", "v": doc_id, "base": base + 3})
    assert filled.status_code == 200 and "Nghị định số 56/2017/NĐ-CP — Quy định chi tiết" in filled.text
    for path, value in (("recipients_label", "Nơi nhận"), ("status", "confirmed"), ("kind", "plan"),
                        ("bases[0].status", "single_source"),
                        ("bases[0].note", "ghi chú riêng")):
        current = base_version(client.get(f"/ke-hoach/{plan_id}").text)
        answer = client.htmx(f"/ke-hoach/{plan_id}/truong", {"path": path, "v": value, "base": current})
        assert answer.status_code == 200, (path, answer.text)
    yaml_text = client.get(f"/ke-hoach/{plan_id}/tai/yaml").text
    for expected in ("Chú thích đã sửa.", "'2': ", "(nội dung chú thích)", "code: 56/2017/NĐ-CP", "recipients_label: Nơi nhận",
                     "status: single_source", "ghi chú riêng", "registry: "):
        assert expected in yaml_text, expected
    loaded_page = client.get(f"/ke-hoach/{plan_id}").text
    assert "Nghị định số 56/2017/NĐ-CP — Quy định chi tiết" in loaded_page    # the chosen registry entry, by name
    assert parse_path("footnotes.2") == ("footnotes", "2")


def test_findings_of_the_library_and_check_fixtures_read_without_code():
    """What the rules say about every library plan and check fixture, as the page words it: no file paths, field
    paths, YAML syntax or command-line options (registry files, 'signature:', bases[0].date, --parent)."""
    import glob
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workspace"))
    from no_code import code_on_screen

    from authoring.web import core, engine

    registry = core.load_registry()
    files = (sorted(glob.glob("plans/examples/*.yaml")) + sorted(glob.glob("tests/fixtures/*.yaml"))
             + sorted(glob.glob("tests/fixtures/check/**/*.yaml", recursive=True)))
    found = []
    for name in files:
        analysis = engine.analyse(Path(name).read_text(encoding="utf-8"))
        describe = forms.describer(analysis.tree, registry)
        for finding in analysis.findings:
            for text in (finding.message, finding.suggestion):
                words = describe(forms.humanize(text)) if text else ""
                found += [f"{name}: {problem}" for problem in code_on_screen(words) if "parent.yaml" not in problem]
    assert not found, "\n".join(found[:20])


def test_a_second_editor_page_takes_its_paths_from_the_process_cache_and_draws_the_same_html():
    """The ids, path texts and button values of the editor's ~2 000 fields are the same for every plan of one shape
    (the communes of a province): kept for the process, a second page works none of them out again, and draws the same
    bytes as the first, drawn with every cache empty."""
    from authoring.model import Plan

    path = EXAMPLES[0]
    analysis = engine.analyse(path.read_text(encoding="utf-8"))
    registry = load_registry()
    sections = next(f for f in forms.cached_fields(Plan) if f.key == "sections")

    def draw() -> str:
        renderer = forms.FormRenderer(1, analysis.tree, forms.AgencyNames(registry, analysis.tree), {},
                                      forms.describer(analysis.tree, registry))
        return str(renderer.field(sections, analysis.tree.get("sections"), ("sections",)))

    caches = (forms.path_text, forms.slot_id, forms._vals)
    for cache in caches:
        cache.cache_clear()
    first = draw()
    misses = [cache.cache_info().misses for cache in caches]
    assert all(misses) and draw() == first
    assert [cache.cache_info().misses for cache in caches] == misses
    assert 'id="f-sections_5b0_5d"' in first or "f-sections_5b0_5d" in first
