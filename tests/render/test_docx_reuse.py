"""A template is read and compiled once per process, the DOCX zipped once; many plans give one-by-one's bytes."""

import shutil

from docxtpl import DocxTemplate

from authoring.loading import load_plan_or_raise
from authoring.render import docx as docx_module
from authoring.render.docx import render_docx
from helpers import example


def _fresh_process_state():
    docx_module._TEMPLATES.clear()
    docx_module._ENV.clear()


def test_the_template_is_analysed_once_for_many_plans(monkeypatch):
    _fresh_process_state()
    calls = []
    original = DocxTemplate.get_undeclared_template_variables
    monkeypatch.setattr(DocxTemplate, "get_undeclared_template_variables",
                        lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    loaded = load_plan_or_raise(example("kien-an"))
    for _ in range(3):
        render_docx(loaded)
    assert len(calls) == 1


def test_many_plans_in_one_process_give_the_bytes_of_each_alone():
    names = ["kien-an", "nghe-an", "kon-tum"]
    alone = {}
    for name in names:
        _fresh_process_state()
        alone[name] = render_docx(load_plan_or_raise(example(name)))
    _fresh_process_state()
    together = {name: render_docx(load_plan_or_raise(example(name))) for name in names + names}
    assert together == alone


def test_an_edited_template_is_read_again(tmp_path):
    loaded = load_plan_or_raise(example("kien-an"))
    template = tmp_path / "mau.docx"
    shutil.copyfile(docx_module.choose_template(loaded), template)
    first = render_docx(loaded, template)
    data = template.read_bytes()
    template.write_bytes(data + b"\0")  # a different size: a new file for the cache, still a readable zip
    assert render_docx(loaded, template) == first
    assert len([key for key in docx_module._TEMPLATES if key[0] == str(template.resolve())]) == 2


def test_each_member_of_the_docx_is_compressed_once(monkeypatch):
    import io
    import zipfile

    loaded = load_plan_or_raise(example("kien-an"))
    writes = []
    original = zipfile.ZipFile.writestr
    monkeypatch.setattr(zipfile.ZipFile, "writestr", lambda self, info, data, *a, **k: writes.append(1) or original(
        self, info, data, *a, **k))
    data = render_docx(loaded)
    assert len(writes) == len(zipfile.ZipFile(io.BytesIO(data)).infolist())
