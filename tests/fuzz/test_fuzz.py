"""Fuzzing: generated plans, mutated examples and mutated DOCX never make a command fail internally (exit 3)
nor run past a time bound. A few examples by default; KEHOACH_FUZZ_EXAMPLES=N for a large run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authoring.cli import main
from helpers import EXAMPLES as EXAMPLE_FILES
from helpers import MINIMAL
from strategies import EXAMPLES, mutate_docx, mutate_text, plan_yaml, plans

TIME_BOUND_S = 20
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def _run(args: list[str]):
    start = time.monotonic()
    result = CliRunner().invoke(main, [str(a) for a in args])
    elapsed = time.monotonic() - start
    assert result.exit_code in (0, 1), f"{result.output[-1500:]} ← {args[0]} (mã thoát {result.exit_code})"
    assert "Lỗi nội bộ" not in result.output, result.output[-3000:]
    assert elapsed < TIME_BOUND_S, (args, elapsed)
    return result


def _plan_commands(path: Path, out: Path) -> None:
    _run(["validate", path])
    _run(["check", path])
    _run(["render", path, "-o", out / "ra.docx"])


@SETTINGS
@given(plan=plans)
def test_generated_plans_never_fail_internally(plan, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sinh")
    path = folder / "ke-hoach.yaml"
    path.write_text(plan_yaml(plan), encoding="utf-8", errors="surrogatepass")
    _plan_commands(path, folder)


@SETTINGS
@given(example=st.sampled_from(EXAMPLE_FILES + [MINIMAL]), seed=st.integers(0, 2**32), count=st.integers(1, 6))
def test_mutated_examples_never_fail_internally(example, seed, count, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dot-bien")
    path = folder / example.name
    path.write_text(mutate_text(example.read_text(encoding="utf-8"), seed, count), encoding="utf-8",
                    errors="surrogatepass")
    _plan_commands(path, folder)


@pytest.fixture(scope="module")
def rendered_minimal() -> bytes:
    from authoring.loading import load_plan_or_raise
    from authoring.render.docx import render_docx

    return render_docx(load_plan_or_raise(MINIMAL))


@SETTINGS
@given(seed=st.integers(0, 2**32))
def test_mutated_docx_never_fail_internally(seed, rendered_minimal, tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    path = folder / "van-ban.docx"
    path.write_bytes(mutate_docx(rendered_minimal, seed))
    _run(["import", path, "-o", folder / "nhap.yaml"])
    _run(["lint-docx", path])
