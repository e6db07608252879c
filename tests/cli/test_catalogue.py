"""click's own words reach the user in Vietnamese, through gettext and kehoach's catalogue, never in English."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path

import click
import pytest

from helpers import ROOT
from hostile_run import english_words, kehoach

CATALOGUE = ROOT / "authoring" / "locale" / "vi" / "LC_MESSAGES" / "kehoach.po"
# click's messages for programmers (a wrongly declared command), not for someone typing a command.
FOR_PROGRAMMERS = re.compile(r"declaration|defined twice|No options defined|cannot use the same flag|Bash|Windows|"
                             r"color|standard stream|Editing failed|^\(dynamic\)$|^d$|^Choice\(")


def _compiler():
    spec = importlib.util.spec_from_file_location("compile_catalogue", ROOT / "scripts" / "compile_catalogue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _click_messages() -> set[str]:
    """Every msgid click passes to gettext (the singular and plural of ngettext joined by NUL, as .mo keys them)."""
    strings = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
    join = lambda group: "".join(eval(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', group))  # noqa: E731
    found = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        found |= {join(m.group(1)) for m in re.finditer(r"(?<![\w.])_\(\s*" + strings + r"\)", text)}
        found |= {join(m.group(1)) + "\0" + join(m.group(2))
                  for m in re.finditer(r"ngettext\(\s*" + strings + r",\s*" + strings + ",", text)}
    return found


def test_the_compiled_catalogue_is_the_po_file():
    compiler = _compiler()
    entries = compiler.parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert CATALOGUE.with_suffix(".mo").read_bytes() == compiler.mo_bytes(entries), \
        "kehoach.mo cũ: chạy .venv/bin/python scripts/compile_catalogue.py"


def test_every_word_click_shows_a_user_is_in_the_catalogue():
    entries = _compiler().parse_po(CATALOGUE.read_text(encoding="utf-8"))
    wanted = {m for m in _click_messages() if not FOR_PROGRAMMERS.search(m.split("\0")[0])}
    assert len(wanted) > 40  # the scan of click's source still finds its messages
    assert sorted(wanted - set(entries)) == []


def test_translations_use_only_the_placeholders_click_fills():
    entries = _compiler().parse_po(CATALOGUE.read_text(encoding="utf-8"))
    for msgid, msgstr in entries.items():
        given = set(re.findall(r"\{(\w+)", msgid))
        assert set(re.findall(r"\{(\w+)", msgstr)) <= given, (msgid, msgstr)


@pytest.mark.parametrize("args", [
    ("render", "--khong-co"), ("validat",), ("derive",), ("render",), ("new-year", "a.yaml", "--year", "1990"),
    ("derive", "plans/directives/qd-23-2021.yaml", "--unit"), ("issue", "plans/examples/nghe-an-2025-kh-07.yaml",
                                                               "--number", "bay"),
])
def test_usage_errors_are_vietnamese_whatever_the_machine_locale(args):
    run = kehoach(*args, env={"LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8", "LANGUAGE": "en"})
    assert run.code == 2, run.text
    assert "Cách dùng" in run.text or "Lỗi cách dùng" in run.text, run.text
    assert not english_words(run.text), (english_words(run.text), run.text)
