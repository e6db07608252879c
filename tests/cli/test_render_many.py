"""`kehoach render` of many plans in one process: the same files as one command per plan."""

from authoring.cli.commands import main
from authoring.render import docx as docx_module
from helpers import example


def test_render_of_many_plans_writes_the_bytes_of_one_by_one(runner, tmp_path, monkeypatch):
    monkeypatch.setattr("authoring.paths.output_dir", lambda: tmp_path / "many")
    names = ["kien-an", "nghe-an"]
    one = {}
    for name in names:
        docx_module._TEMPLATES.clear()
        docx_module._ENV.clear()
        target = tmp_path / f"{name}.docx"
        assert runner.invoke(main, ["render", str(example(name)), "-o", str(target)]).exit_code == 0
        one[example(name).stem] = target.read_bytes()
    result = runner.invoke(main, ["render", *(str(example(name)) for name in names)])
    assert result.exit_code == 0, result.output
    assert {path.stem: path.read_bytes() for path in (tmp_path / "many").glob("*.docx")} == one


def test_one_output_file_for_many_plans_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["render", str(example("kien-an")), str(example("nghe-an")), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 2
    assert "một kế hoạch" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_a_bad_plan_among_many_writes_nothing(runner, tmp_path, monkeypatch, write_plan):
    monkeypatch.setattr("authoring.paths.output_dir", lambda: tmp_path / "many")
    bad = write_plan(raw=b"document: [\n")
    result = runner.invoke(main, ["render", str(example("kien-an")), str(bad)])
    assert result.exit_code == 1
    assert not (tmp_path / "many").exists() or not list((tmp_path / "many").iterdir())


def test_derive_for_many_units_renders_each_draft_in_the_same_run(runner, tmp_path):
    import shutil

    from authoring.loading import load_plan_or_raise
    from authoring.render.docx import render_docx
    from helpers import FIXTURES

    units = tmp_path / "don-vi.txt"
    units.write_text("xã Lộc Bình\nphường Đông Kinh\n", encoding="utf-8")
    shutil.copy(FIXTURES / "check" / "parent.yaml", tmp_path / "parent.yaml")
    result = runner.invoke(main, ["derive", str(tmp_path / "parent.yaml"), "--units", str(units), "-d", str(tmp_path / "ra"),
                                  "--render"])
    assert result.exit_code == 0, result.output
    drafts = sorted((tmp_path / "ra").glob("*.yaml"))
    assert len(drafts) == 2
    for draft in drafts:
        assert draft.with_suffix(".docx").read_bytes() == render_docx(load_plan_or_raise(draft))


def test_derive_pdf_without_render_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["derive", str(example("kien-an")), "--unit", "xã Hòa Bình", "--pdf"])
    assert result.exit_code == 2 and "--render" in result.output


def test_two_plans_that_would_write_the_same_file_are_a_usage_error(runner, tmp_path, monkeypatch):
    import shutil

    monkeypatch.setattr("authoring.paths.output_dir", lambda: tmp_path / "many")
    other = tmp_path / "khac" / example("kien-an").name
    other.parent.mkdir()
    shutil.copy(example("kien-an"), other)
    result = runner.invoke(main, ["render", str(example("kien-an")), str(other)])
    assert result.exit_code == 2 and "cùng ghi ra" in result.output
    assert not (tmp_path / "many").exists()
