"""Outputs never overwrite an input, replace only whole, write through links and devices, follow the umask."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from authoring.cli import main
from helpers import MINIMAL, SEEDS_DIR, example
from hostile_run import ROOT


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "ke-hoach.yaml"
    shutil.copyfile(MINIMAL, path)
    return path


def _refused(runner, args, protected):
    before = protected.read_bytes()
    result = runner.invoke(main, [str(a) for a in args])
    assert result.exit_code == 1, result.output
    assert "đang đọc" in result.output and "Traceback" not in result.output
    assert protected.read_bytes() == before
    return result


@pytest.mark.parametrize("command", [
    ["render"], ["render", "--pdf"], ["check"], ["validate"], ["new-year", "--year", "2027"],
])
def test_output_naming_the_input_is_refused(runner, plan, command):
    _refused(runner, [command[0], plan, *command[1:], "-o", plan], plan)


def test_output_through_a_hard_link_to_the_input_is_refused(runner, plan, tmp_path):
    link = tmp_path / "ban-khac.yaml"
    os.link(plan, link)
    result = _refused(runner, ["render", plan, "-o", link], plan)
    assert "cùng một tệp với" in result.output


def test_output_naming_a_parent_or_the_registry_is_refused(runner, tmp_path):
    directive = tmp_path / "cap-tren.yaml"
    shutil.copyfile(example("kien-an").parent.parent / "directives" / "kh-61-2024-hai-phong.yaml", directive)
    _refused(runner, ["check", example("kien-an"), "--parent", directive, "-o", directive], directive)
    registry = tmp_path / "danh-muc"
    shutil.copytree(ROOT / "plans" / "registry", registry)
    os.environ["KEHOACH_REGISTRY"] = str(registry)
    try:
        from authoring.loading.registry import _load_registry_cached

        _load_registry_cached.cache_clear()
        _refused(runner, ["check", MINIMAL, "-o", registry / "agencies.yaml"], registry / "agencies.yaml")
    finally:
        del os.environ["KEHOACH_REGISTRY"]
        _load_registry_cached.cache_clear()


def test_import_cannot_overwrite_its_source(runner, tmp_path, rendered):
    text = tmp_path / "ke-hoach.txt"
    shutil.copyfile(next(SEEDS_DIR.glob("004_*.txt")), text)
    _refused(runner, ["import", text, "-o", text], text)
    docx = tmp_path / "ke-hoach.docx"
    shutil.copyfile(next(iter(rendered.values())), docx)
    _refused(runner, ["import", docx, "-o", docx], docx)


def test_template_cannot_be_the_output(runner, plan):
    template = ROOT / "templates"
    chosen = next(template.glob("*.docx"))
    copy = plan.parent / "mau.docx"
    shutil.copyfile(chosen, copy)
    _refused(runner, ["render", plan, "--template", copy, "-o", copy], copy)


def test_review_still_rewrites_its_own_plan(runner, tmp_path):
    plan = tmp_path / "kien-an.yaml"
    shutil.copyfile(example("kien-an"), plan)
    result = runner.invoke(main, ["review", str(plan)])
    assert result.exit_code == 0, result.output


def test_a_symlink_is_written_through_and_stays_a_link(runner, plan, tmp_path):
    real = tmp_path / "that.html"
    real.write_text("cũ", encoding="utf-8")
    link = tmp_path / "bao-cao.html"
    link.symlink_to(real)
    result = runner.invoke(main, ["check", str(plan), "--format", "html", "-o", str(link)])
    assert result.exit_code in (0, 1) and "Đã ghi báo cáo" in result.output, result.output
    assert link.is_symlink() and real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_dev_stdout_is_written_to_not_replaced(tmp_path):
    run = subprocess.run([sys.executable, "-m", "authoring.cli", "schema", "-o", "/dev/stdout"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert '"$schema"' in run.stdout or '"title"' in run.stdout


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(runner, plan, tmp_path):
    old = os.umask(0o022)
    try:
        out = tmp_path / "moi.docx"
        assert runner.invoke(main, ["render", str(plan), "-o", str(out)]).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        os.chmod(out, 0o640)
        assert runner.invoke(main, ["render", str(plan), "-o", str(out)]).exit_code == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_that_is_a_directory_is_a_clear_error(runner, plan, tmp_path):
    result = runner.invoke(main, ["schema", "-o", str(tmp_path)])
    assert result.exit_code in (1, 2) and "Traceback" not in result.output


DIRECTIVE = ROOT / "plans" / "directives" / "kh-61-2024-hai-phong.yaml"


def test_derive_cannot_overwrite_its_parent(runner, tmp_path):
    parent = tmp_path / "cap-tren.yaml"
    shutil.copyfile(DIRECTIVE, parent)
    _refused(runner, ["derive", parent, "--unit", "quận Kiến An", "-o", parent], parent)


@pytest.mark.parametrize("content", ["id: &x [*x]\n", "a: [\n", "- chỉ là danh sách\n"])
def test_derive_over_a_broken_earlier_output_is_refused_and_keeps_it(runner, tmp_path, content):
    out = tmp_path / "kien-an.yaml"
    out.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--unit", "quận Kiến An", "-o", str(out)])
    assert result.exit_code == 1 and str(out) in result.output and "Traceback" not in result.output
    assert out.read_text(encoding="utf-8") == content


def test_derive_again_merges_into_its_own_output(runner, tmp_path):
    out = tmp_path / "kien-an.yaml"
    for _ in range(2):
        result = runner.invoke(main, ["derive", str(DIRECTIVE), "--unit", "quận Kiến An", "-o", str(out),
                                      "--year", "2024"])
        assert result.exit_code == 0, result.output
    assert "giữ nguyên" in result.output
