"""Bad input on every command: exit 1 (2 for a usage error) with Vietnamese that names the file, never English."""

import os
import subprocess
import sys
import unicodedata

import pytest

from authoring.cli import main
from helpers import MINIMAL, ROOT

DIRECTIVE = ROOT / "plans" / "directives" / "qd-23-2021.yaml"
ENGLISH = ("Too many levels", "File exists", "Not a directory", "No such file", "Is a directory", "codec",
           "Traceback", "Error", "Warning")


def _no_english(output: str) -> None:
    assert not [word for word in ENGLISH if word in output], output


def _loop(tmp_path, name="vong.yaml"):
    (tmp_path / name).symlink_to(tmp_path / ("b-" + name))
    (tmp_path / ("b-" + name)).symlink_to(tmp_path / name)
    return tmp_path / name


def test_a_plan_behind_a_symlink_loop_is_refused_in_vietnamese(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(_loop(tmp_path))])
    assert result.exit_code == 1 and "trỏ vòng" in result.output
    _no_english(result.output)


def test_issue_of_a_plan_behind_a_symlink_loop_is_bad_input_not_a_crash(runner, tmp_path):
    result = runner.invoke(main, ["issue", str(_loop(tmp_path)), "--number", "7", "--date", "06/01/2026",
                                  "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and "trỏ vòng" in result.output
    _no_english(result.output)


def test_an_output_under_a_file_is_refused_in_vietnamese(runner, tmp_path):
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["schema", "-o", str(tmp_path / "tep" / "luoc-do.json")])
    assert result.exit_code == 1 and str(tmp_path / "tep" / "luoc-do.json") in result.output
    _no_english(result.output)


def test_a_units_list_not_in_utf8_is_bad_input_naming_the_file_and_line(runner, tmp_path):
    units = tmp_path / "danh-sach.txt"
    units.write_bytes("xã Nam Dàn\n".encode("cp1252"))  # as an old Windows program saves it
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1, result.output
    assert f"{units}, dòng 1, cột 2" in result.output and "UTF-8" in result.output
    _no_english(result.output)
    assert not (tmp_path / "ra").exists() or not list((tmp_path / "ra").iterdir())


def test_a_units_list_behind_a_symlink_loop_is_bad_input(runner, tmp_path):
    units = _loop(tmp_path, "danh-sach.txt")
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and str(units) in result.output and "trỏ vòng" in result.output
    _no_english(result.output)


def test_a_template_that_is_not_a_docx_is_bad_input_naming_it(runner, tmp_path):
    template = tmp_path / "mau.docx"
    template.write_bytes(b"\x7fELF" + bytes(200))
    result = runner.invoke(main, ["render", str(MINIMAL), "--template", str(template), "-o", str(tmp_path / "ra.docx")])
    assert result.exit_code == 1 and str(template) in result.output
    assert "không phải văn bản Word" in result.output
    _no_english(result.output)
    assert not (tmp_path / "ra.docx").exists()


def test_a_file_that_is_not_a_docx_is_named_in_plain_vietnamese(runner, tmp_path):
    text = tmp_path / "van-ban.docx"
    text.write_text("không phải Word", encoding="utf-8")
    result = runner.invoke(main, ["lint-docx", str(text)])
    assert result.exit_code == 1 and "tệp này không phải văn bản Word dạng .docx" in result.output
    assert "đây là không phải" not in result.output


def test_a_folder_given_for_a_docx_is_called_a_folder_not_missing(runner, tmp_path):
    result = runner.invoke(main, ["pdf", str(tmp_path)])
    assert result.exit_code == 1 and "thư mục" in result.output and "Không tìm thấy" not in result.output


def test_a_database_address_that_is_not_one_is_a_usage_error_in_vietnamese(runner):
    result = runner.invoke(main, ["audit", "verify", "--db", "khong-phai-dia-chi"])
    assert result.exit_code == 2 and "không phải địa chỉ cơ sở dữ liệu" in result.output
    _no_english(result.output)


def test_a_unit_typed_in_nfd_is_matched_as_the_same_words(runner, tmp_path):
    out = tmp_path / "dak-nong.yaml"
    unit = unicodedata.normalize("NFD", "tỉnh Đắk Nông")
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--unit", unit, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text) and "Đắk Nông" in text


def test_a_library_s_warning_is_not_shown_to_the_user(tmp_path):
    # A subprocess, because pytest captures warnings itself and would hide them whatever the command does.
    code = ("import warnings, authoring.render.plain as p\n"
            "real = p.plan_text\n"
            "def noisy(plan):\n"
            "    warnings.warn('DSA is deprecated', DeprecationWarning)\n"
            "    return real(plan)\n"
            "p.plan_text = noisy\n"
            "from authoring.cli import main\n"
            f"main(['text', {str(MINIMAL)!r}])\n")
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONWARNINGS"] = "always"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0 and "ỦY BAN NHÂN DÂN" in result.stdout
    assert "deprecated" not in result.stderr, result.stderr


def test_an_import_date_that_does_not_exist_is_a_usage_error_saying_why(runner, tmp_path):
    source = tmp_path / "van-ban.txt"
    source.write_text("KẾ HOẠCH\n", encoding="utf-8")
    for typed in ("31/02/2025", "2025-02-31"):
        result = runner.invoke(main, ["import", str(source), "--date", typed, "-o", str(tmp_path / "ra.yaml")])
        assert result.exit_code == 2 and "tháng 2 năm 2025 chỉ có 28 ngày" in result.output, result.output
        _no_english(result.output)
    assert not (tmp_path / "ra.yaml").exists()


def test_a_trusted_root_that_is_not_a_certificate_is_bad_input_naming_it(runner, tmp_path):
    root = tmp_path / "goc.pem"
    root.write_bytes(b"\x7fELF" + bytes(100))
    result = runner.invoke(main, ["verify", str(MINIMAL), "--trust", str(root)])
    assert result.exit_code == 1 and "K123" in result.output and str(root) in result.output
    _no_english(result.output)


def test_an_attached_pdf_that_is_not_one_is_bad_input_without_the_library_s_english(tmp_path):
    # A subprocess: pytest's own log capture would hide the library's log lines whatever the command does.
    garbage = tmp_path / "da-ky.pdf"
    garbage.write_bytes(b"\x7fELF" + bytes(100))
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run([sys.executable, "-m", "authoring.cli", "export", "--edxml", str(MINIMAL), "--pdf",
                             str(garbage), "-o", str(tmp_path / "goi.edxml")], capture_output=True, text=True, env=env)
    assert result.returncode == 1 and "K101" in result.stderr and "da-ky.pdf" in result.stderr, result.stderr
    assert "pdf header" not in result.stderr and "EOF marker" not in result.stderr
    assert not (tmp_path / "goi.edxml").exists()


@pytest.mark.parametrize("args, wrong, right", [
    (["render", str(MINIMAL)], "ra.pdf", ".docx"),
    (["import", str(MINIMAL.parent / "real" / "web" / "001-nghe-an-kh-cong-tac-tre-em-2025.txt")], "ra.docx", ".yaml"),
    (["schema"], "luoc-do.docx", ".json"),
    (["check", str(MINIMAL)], "bao-cao.pdf", ".html"),
])
def test_an_output_named_as_another_kind_of_file_is_a_usage_error_naming_the_right_suffix(runner, tmp_path, args,
                                                                                          wrong, right):
    result = runner.invoke(main, [*args, "-o", str(tmp_path / wrong)])
    assert result.exit_code == 2 and right in result.output and wrong in result.output, result.output
    assert not list(tmp_path.iterdir())


def test_an_empty_units_list_is_bad_input_not_zero_plans(runner, tmp_path):
    units = tmp_path / "danh-sach.txt"
    units.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and str(units) in result.output and "không có đơn vị nào" in result.output


def test_a_document_number_of_the_wrong_type_is_fixed_with_a_number_not_a_year(runner, write_plan):
    bad = write_plan(("  symbol: KH-UBND", "  number: {a: 1}\n  symbol: KH-UBND"))
    result = runner.invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1 and "[document.number]" in result.output
    fix = result.output.split("[document.number]")[1].splitlines()[1]
    assert "ví dụ: 7" in fix and "2025" not in fix


def test_issue_into_a_folder_that_cannot_be_made_leaves_the_plan_unstamped(runner, tmp_path):
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_bytes(MINIMAL.read_bytes())
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["issue", str(plan), "--number", "7", "--date", "06/01/2026", "--force",
                                  "-d", str(tmp_path / "tep" / "ra")])
    assert result.exit_code == 1 and str(tmp_path / "tep" / "ra") in result.output
    _no_english(result.output)
    assert plan.read_bytes() == MINIMAL.read_bytes()   # not stamped «số 07» with no document to show for it


def test_derive_for_many_units_into_a_folder_that_cannot_be_made_writes_nothing(runner, tmp_path):
    units = tmp_path / "danh-sach.txt"
    units.write_text("xã Nam Đàn\nxã Nghĩa Đồng\n", encoding="utf-8")
    (tmp_path / "tep").write_text("x", encoding="utf-8")
    result = runner.invoke(main, ["derive", str(ROOT / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"),
                                  "--units", str(units), "--date", "26/11/2025", "-d", str(tmp_path / "tep" / "ra")])
    assert result.exit_code == 1 and "không ghi được vào thư mục" in result.output, result.output
    _no_english(result.output)


def _kehoach(*args, cwd) -> subprocess.CompletedProcess:
    """kehoach in its own process: a read that waits forever fails the test after a minute instead of hanging it."""
    env = {k: v for k, v in os.environ.items() if k != "KEHOACH_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "authoring.cli", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


PDF = ROOT / "tests" / "fixtures" / "real" / "pdf" / "001-lam-dong-kh-cchc-2026.pdf"


@pytest.mark.parametrize("args", [
    ["show", "{fifo}.yaml"], ["validate", "{fifo}.yaml"], ["import", "{fifo}.docx"], ["lint-docx", "{fifo}.docx"],
    ["verify", "{fifo}.pdf"], ["report-import", "{fifo}.xlsx", "--plan", MINIMAL, "-o", "ra.yaml"],
    ["derive", DIRECTIVE, "--units", "{fifo}.txt", "-d", "ra"], ["sign", PDF, "--p12", "{fifo}.p12", "-o", "ra.pdf"],
], ids=lambda args: args[0])
def test_a_pipe_given_as_an_input_is_refused_at_once_not_waited_on(tmp_path, args):
    suffix = next(str(a).split(".")[-1] for a in args if "{fifo}" in str(a))
    pipe = tmp_path / f"ong.{suffix}"
    os.mkfifo(pipe)   # nobody ever writes to it: opening it to read would wait forever
    result = _kehoach(*(str(a).replace("{fifo}." + suffix, str(pipe)) for a in args), cwd=tmp_path)
    assert result.returncode == 1, result.stderr + result.stdout
    output = result.stdout + result.stderr
    assert str(pipe) in output and "đường ống (FIFO), không phải tệp" in output, output
    _no_english(output)


def test_a_pipe_beside_a_plan_does_not_stop_the_search_for_its_parent(tmp_path):
    plan = tmp_path / "kien-an.yaml"
    plan.write_bytes((ROOT / "plans" / "examples" / "hai-phong-kien-an-2024-kh-chua-so.yaml").read_bytes())
    os.mkfifo(tmp_path / "a.yaml")   # read first, in name order, when looking for the parent by its id
    result = _kehoach("check", plan, cwd=tmp_path)
    assert result.stdout.startswith("Đối chiếu với: Kế hoạch số 61/KH-SLĐTBXH"), result.stdout + result.stderr


def test_a_device_given_as_a_plan_is_called_a_device_not_a_large_file(runner):
    result = runner.invoke(main, ["validate", "/dev/zero"])
    assert result.exit_code == 1 and "/dev/zero: lỗi L100: đây là một thiết bị của hệ thống" in result.output
    assert "quá lớn" not in result.output


def test_import_of_a_folder_says_it_is_a_folder_and_which_files_to_give(runner, tmp_path):
    folder = tmp_path / "van-ban"
    folder.mkdir()
    result = runner.invoke(main, ["import", str(folder), "-o", str(tmp_path / "ra.yaml")])
    assert result.exit_code == 1 and f"{folder}: đây là một thư mục, không phải tệp" in result.output
    assert "tệp .docx, .pdf, .edxml hoặc .txt nằm trong thư mục đó" in result.output
    assert "không tìm thấy" not in result.output.lower()


def test_import_behind_a_symlink_loop_says_loop_not_missing(runner, tmp_path):
    result = runner.invoke(main, ["import", str(_loop(tmp_path, "van-ban.docx")), "-o", str(tmp_path / "ra.yaml")])
    assert result.exit_code == 1 and "trỏ vòng" in result.output and "không tìm thấy" not in result.output.lower()


def test_a_units_list_that_keeps_growing_is_read_bounded_and_refused(runner, tmp_path):
    units = tmp_path / "danh-sach.txt"
    units.write_bytes(b"x\xc3\xa3 Nam \xc4\x90\xc3\xa0n\n" * 400_000)   # 6 MB: a file still being written, or the wrong one
    result = runner.invoke(main, ["derive", str(DIRECTIVE), "--units", str(units), "-d", str(tmp_path / "ra")])
    assert result.exit_code == 1 and f"Danh sách đơn vị {units} lớn hơn 4 MB" in result.output, result.output
    assert not (tmp_path / "ra").exists()


def test_a_nfd_named_plan_is_read_like_any_other(runner, tmp_path):
    plan = tmp_path / unicodedata.normalize("NFD", "kế-hoạch-nghệ-an.yaml")
    plan.write_bytes(MINIMAL.read_bytes())
    result = runner.invoke(main, ["show", str(plan)])
    assert result.exit_code == 0, result.output
