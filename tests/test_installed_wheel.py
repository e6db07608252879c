"""The wheel is the program: built from this checkout, installed in a clean environment, it runs the daily commands
from an empty folder with nothing of the repository in reach (its data travels inside the package)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT, example

# What the wheel must carry, relative to authoring/_data (setup.py copies the repository's folders there).
CARRIED = ["templates/ubnd-tinh.docx", "templates/ubnd-xa.docx", "plans/registry/agencies.yaml",
           "plans/registry/citations.yaml", "plans/directives/qd-23-2021.yaml", "plans/examples/nghe-an-2025-kh-07.yaml",
           "schema/plan.schema.json", "schema/edxml.xsd"]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(kehoach executable, a clean venv's python, an empty working folder) with the freshly built wheel installed.
    The venv has no pip of its own and sees the locked dependencies of the test environment through a .pth line
    (a plain path: .pth files there are not run, so the checkout's editable install stays out of reach)."""
    base = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(base / "dist"), str(ROOT)], capture_output=True, text=True, cwd=base)
    assert built.returncode == 0, built.stderr[-3000:]
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next((base / "dist").glob("kehoach-*.whl"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "kehoach-test-deps.pth").write_text("\n".join(sorted(deps)) + "\n")
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                           str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    work = base / "empty"
    work.mkdir()
    return wheel, venv / "bin" / "kehoach", python, work


def _run(installed, *args, env=None):
    _, kehoach, _, work = installed
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KEHOACH_", "PYTHON"))}
    return subprocess.run([str(kehoach), *map(str, args)], cwd=work, capture_output=True, text=True, timeout=180,
                          env={**clean, **(env or {})})


def test_the_wheel_carries_templates_registries_directives_examples_and_schema(installed):
    names = set(zipfile.ZipFile(installed[0]).namelist())
    assert [f for f in CARRIED if f"authoring/_data/{f}" not in names] == []
    assert "authoring/locale/vi/LC_MESSAGES/kehoach.mo" in names
    assert not any(n.startswith(("tests/", "plans/", "templates/")) for n in names)


def test_the_wheel_carries_every_page_template_fragments_and_macros_too(installed):
    names = set(zipfile.ZipFile(installed[0]).namelist())
    templates = ROOT / "authoring" / "web" / "templates"
    expected = {f"authoring/web/templates/{p.relative_to(templates).as_posix()}" for p in templates.rglob("*.html")}
    assert "authoring/web/templates/_fragments/registry_list.html" in expected
    assert sorted(expected - names) == []


def test_the_installed_package_reads_its_own_data_not_the_repository(installed):
    _, _, python, work = installed
    shown = subprocess.run([python, "-c", "import authoring, authoring.paths as p; print(authoring.__file__); "
                            "print(p.DATA_ROOT); print(p.INSTALLED)"], cwd=work, capture_output=True, text=True)
    module, data, flag = shown.stdout.split()
    assert not Path(module).is_relative_to(ROOT) and Path(data).is_relative_to(Path(module).parent)
    assert flag == "True"


def test_the_daily_commands_run_from_an_empty_folder(installed):
    work = installed[3]
    shutil.copy(example("nghe-an"), work / "tinh.yaml")
    steps = [
        (0, "validate", "tinh.yaml"),
        (1, "check", "tinh.yaml"),  # the real plan keeps its own slips: exit 1 with findings, not a crash
        (0, "render", "tinh.yaml", "-o", "tinh.docx"),
        (0, "derive", "tinh.yaml", "--unit", "xã Nam Đàn", "-o", "xa.yaml"),
        (0, "render", "xa.yaml", "-o", "xa.docx"),
        (0, "new-year", "tinh.yaml", "--year", "2026", "-o", "nam-sau.yaml"),
        (0, "import", "tinh.docx", "-o", "nhap.yaml"),
        (0, "lint-docx", "tinh.docx"),
        (0, "render", "--pdf", "xa.yaml", "-o", "xa-pdf.docx"),
        (0, "export", "--edxml", "tinh.yaml", "--pdf", "xa-pdf.pdf", "-o", "tinh.edxml"),
        (0, "derive", "qd-23-2021", "--unit", "tỉnh Lâm Đồng", "-o", "lam-dong.yaml"),
    ]
    for code, *args in steps:
        run = _run(installed, *args)
        assert run.returncode == code, (args, run.stdout[-1500:], run.stderr[-1500:])
        assert "Traceback" not in run.stdout + run.stderr
    for made in ("tinh.docx", "xa.yaml", "xa.docx", "nam-sau.yaml", "nhap.yaml", "xa-pdf.pdf", "tinh.edxml"):
        assert (work / made).stat().st_size > 0, made
    assert not (work / "generated").exists() or any((work / "generated").iterdir())


def test_default_outputs_go_to_the_working_folder_not_into_the_package(installed):
    work = installed[3]
    shutil.copy(example("kon-tum"), work / "kon-tum.yaml")
    run = _run(installed, "render", "kon-tum.yaml")
    assert run.returncode == 0, run.stderr
    assert (work / "generated" / "kon-tum.docx").is_file()


def test_a_users_own_directive_folder_is_found_before_the_library(installed):
    work = installed[3]
    own = work / "van-ban-cua-toi"
    own.mkdir(exist_ok=True)
    text = (ROOT / "plans" / "directives" / "qd-23-2021.yaml").read_text(encoding="utf-8")
    (own / "qd-23-rieng.yaml").write_text(text.replace("id: qd-23-2021", "id: qd-23-rieng", 1), encoding="utf-8")
    assert _run(installed, "derive", "qd-23-rieng", "--unit", "tỉnh Nghệ An", "-o", "rieng.yaml").returncode != 0
    run = _run(installed, "derive", "qd-23-rieng", "--unit", "tỉnh Nghệ An", "-o", "rieng.yaml",
               env={"KEHOACH_DIRECTIVES": str(own)})
    assert run.returncode == 0, run.stderr[-2000:]
