"""Hostile and broken YAML: every case ends in exit 1 with a located Vietnamese message, quickly."""

from __future__ import annotations

import pytest

from authoring import limits
from authoring.loading import load_plan
from helpers import MINIMAL
from hostile_run import assert_refused, kehoach

COMMANDS = [("validate",), ("show",), ("text",), ("check",), ("render", "-o", "{tmp}/out.docx")]


def _plan_with_note(tmp_path, note: str, name="plan.yaml"):
    text = MINIMAL.read_text(encoding="utf-8")
    path = tmp_path / name
    path.write_text(text.replace("kind: plan\n", "kind: plan\n" + note + "\n", 1), encoding="utf-8")
    return path


def _alias_bomb(width: int, depth: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, depth):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "source: bom\nnote_bomb:\n" + "\n".join("  " + line for line in lines)


def _only_error(path):
    _, index = load_plan(path)
    errors = [f for f in index.sorted() if f.severity.value == "error"]
    assert len(errors) == 1, [(f.code, f.message) for f in errors]
    return errors[0]


@pytest.mark.parametrize("width,depth", [(9, 9), (12, 12)])
def test_alias_bomb_is_refused_at_once(tmp_path, width, depth):
    path = _plan_with_note(tmp_path, _alias_bomb(width, depth))
    finding = _only_error(path)
    assert finding.code == "L105" and "bom bí danh" in finding.message and finding.line is not None
    for command in COMMANDS:
        args = [a.format(tmp=tmp_path) for a in command]
        assert_refused(kehoach(args[0], path, *args[1:]), "bom bí danh", f"{path}:")


def test_self_referencing_alias_is_refused(tmp_path):
    path = _plan_with_note(tmp_path, "note: &loop\n  - *loop")
    finding = _only_error(path)
    assert "tự tham chiếu" in finding.message and (finding.line, finding.column) == (4, 5)
    assert_refused(kehoach("check", path), "tự tham chiếu")


def test_undefined_alias_is_a_located_syntax_error(tmp_path):
    finding = _only_error(_plan_with_note(tmp_path, "note: *nowhere"))
    assert finding.code == "L103" and "chưa được khai báo" in finding.message and finding.line == 3


def test_too_many_aliases_are_refused(tmp_path):
    aliases = "\n".join("  - *x" for _ in range(limits.MAX_ALIASES + 1))
    finding = _only_error(_plan_with_note(tmp_path, f"note: &x a\nsource_list:\n{aliases}"))
    assert "quá nhiều bí danh" in finding.message


@pytest.mark.parametrize("depth", [200, 1000, 10000])
def test_deep_nesting_is_refused(tmp_path, depth):
    nested = "sections:\n" + "".join("  " * (i + 1) + "- label: x\n" + "  " * (i + 2) + "blocks:\n"
                                     for i in range(min(depth, 300)))
    if depth > 300:  # flow style reaches any depth in few bytes
        nested = "sections: " + "[" * depth + "]" * depth + "\n"
    text = MINIMAL.read_text(encoding="utf-8")
    head, _, _ = text.partition("sections:")
    path = tmp_path / "deep.yaml"
    path.write_text(head + nested, encoding="utf-8")
    finding = _only_error(path)
    assert "lồng nhau quá sâu" in finding.message and finding.line is not None
    for command in COMMANDS:
        args = [a.format(tmp=tmp_path) for a in command]
        assert_refused(kehoach(args[0], path, *args[1:]), "lồng nhau quá sâu")


def test_huge_plan_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "lon.yaml"
    with open(path, "wb") as handle:
        handle.write(MINIMAL.read_bytes())
        handle.write(b"# " + b"x" * 1000 + b"\n")
        handle.truncate(50 * 1024 * 1024)
    run = kehoach("validate", path)
    assert_refused(run, "tệp quá lớn", "50.0 MB", str(path), seconds=5)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN", "1e999"])
def test_not_a_number_is_refused(write_plan, value):
    finding = _only_error(write_plan(("value: 95,", f"value: {value},")))
    assert "không phải một số hữu hạn" in finding.message and finding.line == 30


def test_keys_equal_after_unicode_normalisation_are_duplicates(tmp_path):
    import unicodedata

    text = MINIMAL.read_text(encoding="utf-8")
    extra = "footnotes:\n  " + unicodedata.normalize("NFC", "ghi-chú") + ": một\n  " + \
        unicodedata.normalize("NFD", "ghi-chú") + ": hai\n"
    path = tmp_path / "nfd-keys.yaml"
    path.write_text(text + extra, encoding="utf-8")
    finding = _only_error(path)
    assert finding.code == "L104" and "hai cách viết Unicode" in finding.message
    assert finding.line == text.count("\n") + 3


def test_plain_duplicate_key_names_the_first_line(write_plan):
    finding = _only_error(write_plan(("  place: Hòa Bình\n", "  place: Hòa Bình\n  place: Hòa Bình\n")))
    assert finding.code == "L104" and "lần đầu ở dòng 10" in finding.message and finding.line == 11


def test_several_documents_in_one_file(write_plan):
    finding = _only_error(write_plan(("kind: plan\n", "kind: plan\n---\nkind: plan\n")))
    assert finding.code == "L103" and "nhiều hơn một tài liệu" in finding.message


def test_unknown_tag_is_refused(write_plan):
    finding = _only_error(write_plan(("  place: Hòa Bình", "  place: !python/object Hòa Bình")))
    assert "không được hỗ trợ" in finding.message and finding.line == 10


def test_device_or_endless_file_is_not_read_whole(tmp_path):
    assert_refused(kehoach("validate", "/dev/zero"), "thiết bị", seconds=5)


def test_plans_read_as_before_numbers_dates_and_text():
    from authoring.loading.fastyaml import compose_yaml

    tree, source, findings = compose_yaml(
        "a: 010\nb: 0x1F\nc: 1_000\nd: 2.5\ne: yes\nf: true\ng: ~\nh: 2025-01-06\ni: '12'\nj:\nk: 2024\n", "t.yaml")
    assert findings == []
    assert tree == {"a": 10, "b": 31, "c": 1000, "d": 2.5, "e": "yes", "f": True, "g": None, "h": "2025-01-06",
                    "i": "12", "j": None, "k": 2024}
    assert type(tree["h"]).__name__ == "DateText"
    assert source.locate(("k",)) == (11, 4)


def test_nesting_is_refused_in_our_words_when_the_parser_stops_first(tmp_path, monkeypatch):
    """libyaml 0.2.5+ stops nesting past 1000 levels with its own English message; with our limit set above the
    parser's, the parser stops first and the user still reads our message, located."""
    monkeypatch.setattr(limits, "MAX_DEPTH", 5000)
    path = tmp_path / "sau.yaml"
    path.write_text(MINIMAL.read_text(encoding="utf-8").partition("sections:")[0]
                    + "sections: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    finding = _only_error(path)
    assert "lồng nhau quá sâu" in finding.message and finding.line is not None
    assert "nesting" not in finding.message and "exceeded" not in finding.message


def test_an_unknown_parser_complaint_is_shown_without_its_english():
    from authoring.loading.fastyaml import syntax_problem_vi

    assert syntax_problem_vi("found something the translator has never seen") == "cú pháp không hợp lệ"
