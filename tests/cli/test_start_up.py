"""What a command loads: `check`, `validate` and `--help` import neither the web, the PDF nor the workspace layers,
nor the heavy libraries only other commands need (start-up time is paid on every run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import example

PROBE = """
import json, sys
sys.argv = ["kehoach", *json.loads(sys.argv[1])]
from authoring.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout = sys.__stdout__
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""
NOT_NEEDED = ("authoring.web", "authoring.pdf", "authoring.workspace", "authoring.importing", "authoring.render",
              "docx", "docxtpl", "pypdf", "lxml", "sqlalchemy", "fastapi", "starlette", "jinja2", "pyhanko")


@pytest.mark.parametrize("args, ran", [(["--help"], "click"), (["validate", "kon-tum"], "authoring.loading.loader"),
                                       (["check", "kon-tum"], "authoring.rules.check")])
def test_a_command_imports_only_what_it_needs(args, ran):
    args = [str(example(arg)) if arg == "kon-tum" else arg for arg in args]
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=120)
    modules = json.loads(run.stdout.rsplit("MODULES ", 1)[1])
    assert ran in modules, run.stderr  # the command did run
    loaded = sorted({name for name in modules for heavy in NOT_NEEDED if name == heavy or name.startswith(heavy + ".")})
    assert not loaded, f"kehoach {args[0]} imports {loaded}"


def test_validate_loads_no_package_metadata_and_no_check_rules():
    """pydantic's plugin loader would import importlib.metadata (and email) only to find plugins off; validate needs
    no check rule and no difflib unless a field is misspelt."""
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["validate", str(example("kon-tum"))])],
                         capture_output=True, text=True, timeout=120)
    modules = json.loads(run.stdout.rsplit("MODULES ", 1)[1])
    assert "authoring.loading.loader" in modules, run.stderr
    loaded = sorted(name for name in modules
                    if name.split(".")[0] in ("email", "difflib") or name.startswith(("importlib.metadata",
                                                                                       "authoring.rules")))
    assert not loaded, f"kehoach validate imports {loaded}"


def test_validate_imports_nothing_only_writing_or_other_report_formats_need():
    """Writing a file (tempfile), HTML reports and importlib.resources cost milliseconds of every start-up; validate
    with a text report uses none of them."""
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["validate", str(example("kon-tum"))])],
                         capture_output=True, text=True, timeout=120)
    modules = json.loads(run.stdout.rsplit("MODULES ", 1)[1])
    assert "authoring.loading.loader" in modules, run.stderr
    loaded = sorted(set(modules) & {"tempfile", "importlib.resources", "html"})
    assert not loaded, f"kehoach validate imports {loaded}"


COMPILED_PROBE = PROBE.replace('print("\\nMODULES " + json.dumps(sorted(sys.modules)))', """
from authoring import nd30
import re
print("\\nCOMPILED " + json.dumps(sorted(name for name, value in vars(nd30).items() if isinstance(value, re.Pattern))))
""")


def test_the_decree_patterns_are_compiled_only_when_used():
    run = subprocess.run([sys.executable, "-c", COMPILED_PROBE, json.dumps(["validate", str(example("kon-tum"))])],
                         capture_output=True, text=True, timeout=120)
    compiled = json.loads(run.stdout.rsplit("COMPILED ", 1)[1])
    assert compiled == ["AUTHORITY_RE", "SYMBOL_RE"], run.stderr  # the two the plan model checks
    from authoring import nd30

    assert nd30.DATE_SEARCH_RE.search("Kon Tum, ngày 06 tháng 01 năm 2025").group("year") == "2025"
    with pytest.raises(AttributeError):
        nd30.NO_SUCH_RE


def test_validate_does_not_compile_pyyaml_s_pure_python_reader_pattern():
    """libyaml reads the plan; the pattern PyYAML's pure-Python reader needs is compiled only if that reader runs."""
    probe = PROBE.replace('print("\\nMODULES " + json.dumps(sorted(sys.modules)))', """
import yaml.reader
print("\\nREADER " + type(yaml.reader.Reader.NON_PRINTABLE).__name__)
""")
    run = subprocess.run([sys.executable, "-c", probe, json.dumps(["validate", str(example("kon-tum"))])],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.rsplit("READER ", 1)[1].strip() != "Pattern", run.stderr


def test_pyyaml_s_pure_python_reader_still_refuses_control_characters():
    run = subprocess.run([sys.executable, "-c", """
import re
from authoring.loading.fastyaml import pyyaml
yaml = pyyaml()
try:
    yaml.load("a: b\\x07", Loader=yaml.SafeLoader)
except yaml.reader.ReaderError as exc:
    print("refused", exc.character)
print(yaml.load("a: b", Loader=yaml.SafeLoader), isinstance(re.compile(yaml.reader.Reader.NON_PRINTABLE.pattern), re.Pattern))
"""], capture_output=True, text=True, timeout=120)
    assert run.stdout.split() == ["refused", "7", "{'a':", "'b'}", "True"], run.stderr


@pytest.mark.parametrize("args", [["--help"], ["validate", "kon-tum"], ["check", "kon-tum"]])
def test_commands_that_log_nothing_do_not_import_logging(args):
    args = [str(example(arg)) if arg == "kon-tum" else arg for arg in args]
    run = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, timeout=120)
    modules = json.loads(run.stdout.rsplit("MODULES ", 1)[1])
    assert "click" in modules, run.stderr
    assert "logging" not in modules, f"kehoach {args[0]} imports logging"


def test_a_library_s_log_line_stays_hidden_when_logging_is_first_imported_during_the_command():
    code = """
import sys
from authoring.cli.commands import _own_log_lines
assert "logging" not in sys.modules
with _own_log_lines():
    import logging
    logging.getLogger("pypdf").warning("invalid pdf header")
    logging.getLogger("authoring.pdf").warning("dòng của kehoach")
"""
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DEBUG"}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert "dòng của kehoach" in run.stderr and "invalid pdf header" not in run.stderr, run.stderr
