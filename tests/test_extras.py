"""A command whose optional part is not installed names the pip command that installs it, in Vietnamese."""

from __future__ import annotations

import importlib.util

from click.testing import CliRunner

from authoring import extras
from authoring.cli import main


def _without(monkeypatch, *modules):
    real = importlib.util.find_spec
    monkeypatch.setattr(extras.importlib.util, "find_spec", lambda name, *a: None if name in modules else real(name, *a))


def test_serve_without_the_web_part_names_the_pip_command(monkeypatch):
    _without(monkeypatch, "fastapi", "uvicorn")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1, result.output
    assert "pip install 'kehoach[web]'" in result.output and "fastapi, uvicorn" in result.output
    assert "Traceback" not in result.output


def test_the_workspace_without_its_part_names_the_pip_command(monkeypatch):
    _without(monkeypatch, "rq", "redis")
    monkeypatch.setenv("KEHOACH_WORKSPACE", "1")
    result = CliRunner().invoke(main, ["serve"])
    assert result.exit_code == 1, result.output
    assert "pip install 'kehoach[workspace]'" in result.output and "không gian làm việc chung" in result.output


def test_the_command_line_imports_nothing_of_the_web_or_workspace_parts():
    import subprocess
    import sys

    code = ("import sys; from authoring.cli import main; "
            "sys.argv = ['kehoach', 'validate', 'plans/examples/kon-tum-2020-kh-chua-so.yaml']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'alembic', 'rq', 'redis', "
            "'psycopg', 'argon2', 'openpyxl') if m in sys.modules))")
    from helpers import ROOT

    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stdout + run.stderr
