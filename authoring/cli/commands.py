"""The `kehoach` command line: thin commands over loading, rules and rendering."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

# No pydantic plugin is used; without this, pydantic scans every installed package's metadata at start-up.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
if os.environ["PYDANTIC_DISABLE_PLUGINS"] in ("__all__", "1", "true") and "pydantic" not in sys.modules:
    # pydantic's plugin loader imports importlib.metadata (≈ 15 ms, a tenth of `validate`) only to then find plugins
    # disabled: stand in for it with a loader that finds none, which is what the real one would return.
    import types

    _no_plugins = types.ModuleType("pydantic.plugin._loader")
    _no_plugins.get_plugins = lambda: ()
    sys.modules["pydantic.plugin._loader"] = _no_plugins

import click  # noqa: E402

from .. import __version__, nd30  # noqa: E402
from ..errors import InputError, KehoachError, missing_file_error  # noqa: E402
from ..findings import FindingIndex  # noqa: E402
from ..reports import check_report, deliver, findings_report, render_summary_line, render_text  # noqa: E402
from . import vietnamese  # noqa: F401,E402  (click speaks Vietnamese)
from .vietnamese import DatabaseAddress, DayOrPart, WholeNumber, WordChoice  # noqa: E402

# Choices typed and shown as Vietnamese words; the commands get the values behind them.
FORMAT_WORDS = WordChoice({"văn bản": "text", "json": "json", "html": "html"}, "dạng báo cáo")
LEVEL_WORDS = WordChoice({"trung ương": "trung_uong", "tỉnh": "tinh", "huyện": "huyen", "xã": "xa"}, "cấp")

def _print_error(error: KehoachError) -> None:
    click.echo(f"Lỗi: {error.message}", err=True)
    findings = getattr(error, "findings", None)
    if findings:
        click.echo(render_text(findings), err=True)
        index = FindingIndex(list(findings))
        click.echo(render_summary_line(index), err=True)
    if error.hint:
        click.echo(f"Gợi ý: {error.hint}", err=True)


# Typed values that must stay byte for byte as typed: a secret, never compared as text.
_VERBATIM = {"password", "otp"}


class KehoachCommand(click.Command):
    """Options typed as words reach the command in NFC; errors the system reports about files become input errors."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx):
        from ..text import nfc

        for param in self.params:
            # Paths are left as typed: a file whose name is stored decomposed on disk must still be found.
            value = ctx.params.get(param.name)
            if isinstance(param, click.Option) and param.name not in _VERBATIM and param.type is click.STRING:
                if isinstance(value, str):
                    ctx.params[param.name] = nfc(value)
                elif isinstance(value, tuple):
                    ctx.params[param.name] = tuple(nfc(v) if isinstance(v, str) else v for v in value)
        try:
            return super().invoke(ctx)
        except OSError as exc:
            if exc.filename is None:
                raise
            from ..errors import os_error_words

            what, fix = os_error_words(exc)
            raise KehoachError(f"Không dùng được {exc.filename}: {what}.", hint=fix) from None
        except UnicodeDecodeError as exc:
            raise _undecodable_input(ctx, exc) from None


_BINARY_SUFFIXES = {".docx", ".pdf", ".xlsx", ".p12", ".pfx", ".png", ".jpg", ".jpeg", ".db", ".edxml", ".zip"}


def _undecodable_input(ctx, exc: UnicodeDecodeError) -> KehoachError:
    """The input file (among the command's arguments and options) that is not UTF-8 text, named with its line."""
    from .. import limits
    from ..text import utf8_problem

    names = []
    for value in ctx.params.values():
        names += [v for v in (value if isinstance(value, tuple) else (value,)) if isinstance(v, str)]
    for name in names:
        path = Path(name)
        if path.suffix.lower() in _BINARY_SUFFIXES or not path.is_file():
            continue
        try:
            with open(path, "rb") as handle:
                raw = handle.read(limits.MAX_PLAN_BYTES)
        except OSError:   # not readable: not the file whose text failed
            continue
        if len(raw) == limits.MAX_PLAN_BYTES:
            raw = raw[:-3]   # the bounded read may have cut the last character in two
        problem = utf8_problem(raw)
        if problem is not None:
            line, column, byte = problem
            return KehoachError(f"{path}, dòng {line}, cột {column}: tệp không được lưu theo bảng mã UTF-8 "
                                f"(byte 0x{byte:02X} không đọc được).", hint=_UTF8_FIX)
    return KehoachError("Một tệp đầu vào không được lưu theo bảng mã UTF-8.", hint=_UTF8_FIX)


_UTF8_FIX = ("Mở tệp bằng trình soạn thảo và lưu lại với bảng mã UTF-8 (Notepad: Lưu thành → Mã hóa: UTF-8; "
             "VS Code: Save with Encoding → UTF-8).")


@contextlib.contextmanager
def _own_log_lines():
    """Only kehoach's own log lines (Vietnamese) reach the screen while a command runs: a library's ("invalid pdf
    header", from pypdf reading a file that is not a PDF) are English meant for developers, and what matters reaches
    the user as kehoach's own message. KEHOACH_DEBUG=1 shows them all."""
    if os.environ.get("KEHOACH_DEBUG"):
        yield
        return
    handlers = []

    def attach(logging) -> None:
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(message)s"))
        handler.addFilter(lambda record: record.name.split(".")[0] in ("authoring", "kehoach"))
        logging.getLogger().addHandler(handler)
        handlers.append(handler)

    # Nothing can log before logging is imported, and validate or check never import it: importing it for them
    # would cost ≈ 2 % of their run. The filter is set the moment something imports it.
    watch = None
    if "logging" in sys.modules:
        attach(sys.modules["logging"])
    else:
        watch = _OnFirstImport("logging", attach)
        sys.meta_path.insert(0, watch)
    try:
        yield
    finally:
        if watch in sys.meta_path:
            sys.meta_path.remove(watch)
        for handler in handlers:
            sys.modules["logging"].getLogger().removeHandler(handler)


class _OnFirstImport:
    """A finder that lets the usual finders find module *name*, then calls *then* with it once it has run."""

    def __init__(self, name: str, then):
        self.name, self.then = name, then

    def find_spec(self, name, path=None, target=None):
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
            run, then = spec.loader.exec_module, self.then

            def exec_module(module):
                run(module)
                then(module)

            spec.loader.exec_module = exec_module
        return spec


class KehoachGroup(click.Group):
    """Maps kehoach errors to exit codes and Vietnamese messages; never shows a traceback."""

    command_class = KehoachCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI_SỐ]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        from ..fileio import command_reads

        import warnings

        kwargs["standalone_mode"] = False
        try:
            # command_reads: outputs may not overwrite what *this* command reads
            with command_reads(), warnings.catch_warnings(), _own_log_lines():
                if not os.environ.get("KEHOACH_DEBUG"):
                    # A library's deprecation notice is English meant for developers, not for the person at the screen.
                    warnings.simplefilter("ignore")
                return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort as exc:
            click.echo("Đã dừng theo yêu cầu.", err=True)
            sys.exit(130 if isinstance(exc.__cause__, KeyboardInterrupt) else 1)  # Ctrl+C, SIGTERM: 130
        except click.UsageError as exc:
            ctx = exc.ctx
            if ctx is not None:
                click.echo(ctx.get_usage(), err=True)
            click.echo(f"Lỗi cách dùng: {exc.format_message()}", err=True)
            click.echo("Xem hướng dẫn: kehoach --help", err=True)
            sys.exit(2)
        except click.ClickException as exc:
            click.echo(f"Lỗi: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except KehoachError as exc:
            _print_error(exc)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Đã dừng theo yêu cầu.", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug in kehoach, not in the user's file
            if os.environ.get("KEHOACH_DEBUG"):
                raise
            click.echo(f"Lỗi nội bộ của kehoach ({type(exc).__name__}: {exc}). "
                       "Đây là lỗi của chương trình, không phải của tệp; đặt KEHOACH_DEBUG=1 để xem chi tiết và báo cho nhóm phát triển.",
                       err=True)
            sys.exit(3)


@click.group(cls=KehoachGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kehoach", message="%(prog)s %(version)s")
def main() -> None:
    """kehoach — soạn Kế hoạch dưới dạng dữ liệu, xuất văn bản theo Nghị định 30, kiểm tra với văn bản cấp trên."""


def _load(path: str):
    from ..loading import load_plan_or_raise
    from ..loading.library import library_file

    return load_plan_or_raise(library_file(path) or path)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--json", "as_json", is_flag=True, help="In toàn bộ mô hình đã chuẩn hóa dưới dạng JSON.")
def show(plan_file: str, as_json: bool) -> None:
    """Đọc, kiểm tra định dạng và tóm tắt một kế hoạch."""
    import json

    from ..render.json import plan_to_json

    loaded = _load(plan_file)
    data = plan_to_json(loaded)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(_summary(data))


def _summary(data: dict) -> str:
    from .. import words
    from ..loading import load_registry
    from ..model import Comparator, Level, ReportPeriod

    registry = load_registry()
    number = f"{data['number']:02d}" if data["number"] else "…"
    if data.get("number_year"):
        number = f"{number}/{data['number_year']}"   # 10/2022/TT-BLĐTBXH
    lines = [
        f"{data['type']} số {number}/{data['symbol']} — {data['issuer']}",
        f"  Ngày: {data['date'] or data['date_partial'] + ' (chưa đủ ngày, tháng)'}; "
        f"{words.enum_label(data['level'], Level)}",
        f"  Trích yếu: {data['title']}",
        f"  Căn cứ: {len(data['bases'])}; văn bản dẫn chiếu khác: {len(data['references'])}",
        f"  Chỉ tiêu: {len(data['targets'])}; nhiệm vụ: {len(data['tasks'])}; "
        f"nhiệm vụ của cơ quan: {len(data['duties'])}; chế độ báo cáo: {len(data['reporting'])}",
    ]
    for t in data["targets"]:
        unit = t["unit"] or ""
        value = "" if t["value"] is None else f" {t['value']:g}" + (unit if unit in ("%", "‰") else f" {unit}")
        year = f" ({t['year']})" if t["year"] else ""
        lines.append(f"    chỉ tiêu {t['id']}: {words.enum_label(t['comparator'], Comparator)}{value}{year} — "
                     f"{t['indicator'] or t['text']}")
    for r in data["reporting"]:
        due = f"trước {r['due']}" if r["due"] else "không ghi hạn"
        place = {"province": data.get("province"), "district": data.get("district"), "commune": data.get("commune")}
        lines.append(f"    báo cáo {r['id']}: {words.agencies(registry, r['from'], **place)} → "
                     f"{words.agencies(registry, r['to'], **place)}; "
                     f"kỳ {words.enum_label(r['period'], ReportPeriod)}; {due}")
    sig = data["signature"]
    if sig:
        lines.append(f"  Người ký: {' / '.join(sig['authority'] + sig['positions'])} — {sig['name']}")
    lines.append(f"  {nd30.RECIPIENTS_LABEL} {len(data['recipients'])} dòng")
    return "\n".join(lines)


@main.command()
@click.argument("plan_files", metavar="KE_HOACH.yaml...", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMAT_WORDS, default="văn bản", show_default=True,
              help="Dạng báo cáo: văn bản, json hoặc html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi báo cáo vào tệp thay vì in ra màn hình.")
def validate(plan_files: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Kiểm tra định dạng tệp kế hoạch (cú pháp, trường, kiểu, ngày tháng, mã, cơ quan)."""
    from ..loading import load_plan

    index = FindingIndex()
    for plan_file in plan_files:
        _, file_index = load_plan(plan_file)
        index.extend(file_index.findings)
    deliver(findings_report(index, fmt, "Kết quả kiểm tra định dạng kế hoạch", len(plan_files)), output, click.echo)
    sys.exit(1 if index.has_errors else 0)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi lược đồ vào tệp.")
def schema(output: str | None) -> None:
    """In lược đồ JSON Schema của định dạng YAML kế hoạch (để VS Code gợi ý và kiểm tra khi gõ)."""
    from ..model.schema import plan_schema_text

    text = plan_schema_text()
    if output:
        from ..fileio import write_atomic

        write_atomic(Path(output), text.encode("utf-8"))
        click.echo(f"Đã ghi lược đồ: {output}")
    else:
        click.echo(text, nl=False)


def _default_output(plan_file: str, suffix: str) -> Path:
    from ..paths import output_dir

    return output_dir() / (Path(plan_file).stem + suffix)


def _write_docx(loaded, target: Path, template: str | None) -> Path:
    from ..fileio import write_atomic
    from ..fileio import note_read
    from ..render.docx import render_docx
    from ..rules.form import issue_finding
    from ..reports import render_text

    if template:
        note_read(template)
    write_atomic(target, render_docx(loaded, Path(template) if template else None))
    draft = issue_finding(loaded)
    if draft is not None:
        click.echo(render_text([draft]), err=True)
    click.echo(f"Đã tạo {target}")
    return target


def _make_pdfs(pairs: list[tuple[Path, Path]]) -> None:
    import time

    from ..pdf.convert import docx_to_pdf
    from ..pdf.office import worker_count

    if len(pairs) == 1:
        docx_to_pdf(pairs)
    else:
        workers = worker_count(len(pairs))
        start = time.monotonic()
        label = f"Chuyển sang PDF ({workers} LibreOffice song song)" if workers > 1 else "Chuyển sang PDF"
        with click.progressbar(length=len(pairs), label=label, file=sys.stderr) as bar:
            docx_to_pdf(pairs, progress=lambda _: bar.update(1))
        seconds = time.monotonic() - start
        total, each = f"{seconds:.1f}".replace(".", ","), f"{seconds / len(pairs):.2f}".replace(".", ",")  # 2,5 giây
        click.echo(f"Đã chuyển {len(pairs)} văn bản sang PDF/A trong {total} giây ({each} giây mỗi văn bản).", err=True)
    for _, pdf in pairs:
        click.echo(f"Đã tạo {pdf} (PDF/A-2b, có ô chữ ký số)")


@main.command()
@click.argument("plan_files", metavar="KE_HOACH.yaml...", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Tệp DOCX kết quả, khi xuất một kế hoạch (mặc định: generated/<tên>.docx).")
@click.option("--template", type=click.Path(dir_okay=False), help="Dùng mẫu DOCX khác thay cho mẫu chuẩn trong templates/.")
@click.option("--pdf", "with_pdf", is_flag=True, help="Tạo thêm bản PDF/A sẵn sàng ký số, cạnh tệp DOCX.")
def render(plan_files: tuple[str, ...], output: str | None, template: str | None, with_pdf: bool) -> None:
    """Xuất một hoặc nhiều kế hoạch ra văn bản DOCX (và PDF) theo thể thức Nghị định 30/2020/NĐ-CP."""
    from ..errors import UsageError

    if output and len(plan_files) > 1:
        raise UsageError("-o/--output chỉ dùng khi xuất một kế hoạch; nhiều kế hoạch được ghi vào generated/<tên>.docx")
    targets = [Path(output) if output else _default_output(name, ".docx") for name in plan_files]
    seen: dict[Path, str] = {}
    for name, target in zip(plan_files, targets):
        if target in seen:
            raise UsageError(f"{seen[target]} và {name} cùng ghi ra {target}; đổi tên một tệp hoặc xuất riêng với -o")
        seen[target] = name
    loaded = [_load(name) for name in plan_files]  # every plan is read before any file is written
    _render_all(loaded, targets, template, with_pdf)


def _render_all(loaded: list, targets: list[Path], template: str | None, with_pdf: bool) -> None:
    """Render plans in this process (the template is read and compiled once), then their PDFs in one batch."""
    written = [_write_docx(plan, target, template) for plan, target in zip(loaded, targets)]
    if with_pdf:
        _make_pdfs([(target, target.with_suffix(".pdf")) for target in written])


@main.command()
@click.argument("docx_files", metavar="VAN_BAN.docx...", nargs=-1, required=True)
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục ghi PDF (mặc định: cạnh tệp DOCX).")
def pdf(docx_files: tuple[str, ...], output_dir: str | None) -> None:
    """Chuyển DOCX sang PDF/A-2b sẵn sàng ký số; nhiều tệp đi qua các LibreOffice chạy song song, mỗi lõi một."""
    pairs = []
    for name in docx_files:
        source = Path(name)
        if not source.is_file():
            raise missing_file_error(source)
        from ..ooxml.safety import open_zip

        open_zip(source, "P100")  # a text file, a .doc, an empty or hostile file: exit 1 before LibreOffice starts
        target_dir = Path(output_dir) if output_dir else source.parent
        pairs.append((source, target_dir / (source.stem + ".pdf")))
    _make_pdfs(pairs)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--number", type=WholeNumber(min=1), required=True, help="Số văn bản được cấp (vd. 7).")
@click.option("--date", "issued", required=True, help="Ngày ban hành: 06/01/2026 hoặc 2026-01-06.")
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục kết quả (mặc định: generated/).")
@click.option("--template", type=click.Path(dir_okay=False), help="Dùng mẫu DOCX khác.")
@click.option("--force", is_flag=True, help="Ban hành dù kiểm tra nội dung còn lỗi (in ra các lỗi bị bỏ qua).")
def issue(plan_file: str, number: int, issued: str, output_dir: str | None, template: str | None, force: bool) -> None:
    """Ban hành: kiểm tra, điền số và ngày vào tệp YAML, tạo bản DOCX và PDF chính thức."""
    from ..fileio import check_writable
    from ..lifecycle.issue import issue as issue_plan

    folder = Path(output_dir) if output_dir else _default_output(plan_file, "").parent
    check_writable(folder)   # the plan file is stamped first: its documents must have somewhere to go
    result = issue_plan(Path(plan_file), number, issued, force)
    if result.overridden:
        click.echo(f"Cảnh báo: ban hành dù còn {len(result.overridden)} lỗi (--force):", err=True)
        click.echo(render_text(result.overridden), err=True)
    loaded = result.loaded
    doc = loaded.plan.document
    click.echo(f"Đã ghi số {doc.number:02d}/{doc.symbol}, ngày {doc.date.day:02d}/{doc.date.month:02d}/{doc.date.year} "
               f"vào {plan_file}.")
    stem = f"{Path(plan_file).stem}-so-{doc.number:02d}-{doc.date.iso()}"
    target = _write_docx(loaded, folder / f"{stem}.docx", template)
    _make_pdfs([(target, target.with_suffix(".pdf"))])


@main.command()
@click.argument("pdf_file", metavar="VAN_BAN.pdf")
@click.option("--p12", "p12", type=click.Path(dir_okay=False), help="Tệp chứng thư số (.p12 / .pfx).")
@click.option("--remote", "remote_body", metavar="CƠ_QUAN",
              help="Ký số từ xa (SmartCA, MySign…) bằng tài khoản của cơ quan cấu hình trong plans/registry/signing.yaml.")
@click.option("--csc", "csc_url", metavar="URL", help="Ký số từ xa qua dịch vụ CSC ở địa chỉ này (cùng --credential).")
@click.option("--credential", metavar="MÃ", help="Mã chứng thư (credential) trên dịch vụ ký số từ xa, dùng với --csc.")
@click.option("--otp", metavar="MÃ_OTP", help="Mã OTP của dịch vụ ký số từ xa, nếu dịch vụ yêu cầu (mã truy cập: biến KEHOACH_CSC_TOKEN; "
                            "mã PIN: KEHOACH_CSC_PIN).")
@click.option("--password", envvar="KEHOACH_P12_PASSWORD", help="Mật khẩu của tệp .p12 (hoặc biến môi trường KEHOACH_P12_PASSWORD).")
@click.option("--field", type=click.Choice(["ChuKyNguoiKy", "ChuKyCoQuan", "ChuKyBanSao"]), default="ChuKyNguoiKy",
              show_default=True,
              help="Ô chữ ký: ChuKyNguoiKy (người có thẩm quyền, ký trước), ChuKyCoQuan (cơ quan, văn thư ký sau), "
                   "ChuKyBanSao (cơ quan ký bản sao điện tử hoặc phụ lục tách tệp: góc trên bên phải trang 1).")
@click.option("--image", type=click.Path(dir_okay=False), help="Ảnh chữ ký của người ký (PNG nền trong suốt, màu xanh).")
@click.option("--seal", type=click.Path(dir_okay=False), help="Ảnh dấu của cơ quan (PNG nền trong suốt, màu đỏ, đúng kích thước thật).")
@click.option("--tsa", metavar="URL", help="Địa chỉ máy chủ cấp dấu thời gian (RFC 3161), nếu có.")
@click.option("--number", type=WholeNumber(min=1), help="Số văn bản văn thư cấp (vd. 7), điền vào ô số trên trang 1 "
                                                            "khi ký ô ChuKyCoQuan.")
@click.option("--date", "issued", help="Ngày ban hành (06/01/2025 hoặc 2025-01-06), điền vào ô ngày, tháng trên trang 1.")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False),
              help="Lấy số và ngày từ tệp kế hoạch đã ban hành (kehoach issue), thay cho --number và --date.")
@click.option("--copy-type", type=click.Choice(["sao-y", "sao-luc", "trich-sao", "phu-luc"]), default="sao-y",
              show_default=True, help="Với ô ChuKyBanSao: hình thức bản sao in trên chữ ký (SAO Y, SAO LỤC, TRÍCH "
                                      "SAO), hoặc phu-luc cho phụ lục tách tệp (không in hình thức sao).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp đã ký (mặc định: <tên>-da-ky.pdf).")
def sign(pdf_file: str, p12: str | None, remote_body: str | None, csc_url: str | None, credential: str | None,
         otp: str | None, password: str | None, field: str, image: str | None, seal: str | None,
         tsa: str | None, number: int | None, issued: str | None, plan_file: str | None, copy_type: str,
         output: str | None) -> None:
    """Ký số PAdES vào ô chữ ký theo Phụ lục I Nghị định 30: ảnh chữ ký, ảnh dấu, thời gian ký +07:00."""
    from ..fileio import input_problem, write_atomic
    from ..pdf.checks import pdfa_problems
    from ..pdf.signing import sign_pdf

    source = Path(pdf_file)
    if not source.is_file():
        raise missing_file_error(source)
    from ..errors import UsageError

    if sum(bool(x) for x in (p12, remote_body, csc_url)) != 1:
        raise UsageError(f"Chọn một cách ký {source}: --p12 TỆP, --remote CƠ_QUAN hoặc --csc URL --credential MÃ.",
                         "Ví dụ: kehoach sign van-ban.pdf --p12 chung-thu.p12, hoặc --remote ubnd-quan-kien-an.")
    if csc_url and not credential:
        raise UsageError(f"--csc cần --credential (mã chứng thư trên dịch vụ ký số từ xa, để ký {source}).",
                         "Nhà cung cấp dịch vụ (SmartCA, MySign) cho biết mã này.")
    remote = None
    if remote_body or csc_url:
        from ..pdf.remote import account, configured_account

        remote = (configured_account(remote_body, otp=otp) if remote_body else
                  account(csc_url, credential, otp=otp))
    elif not Path(p12).is_file():
        what, fix = input_problem(p12, "tệp .p12") or ("không đọc được tệp", "Kiểm tra lại đường dẫn tệp .p12.")
        raise InputError(f"Không đọc được tệp chứng thư số {p12} (để ký {source}): {what}.", hint=fix)
    for option, value in (("--image", image), ("--seal", seal)):
        if value and not Path(value).is_file():
            what, fix = input_problem(value, "ảnh .png") or ("không đọc được tệp", "Kiểm tra lại đường dẫn.")
            raise InputError(f"Không đọc được tệp ảnh {value} ({option}, để ký {source}): {what}.", hint=fix)
    if image and field != "ChuKyNguoiKy":
        raise InputError(f"--image là ảnh chữ ký của người ký, chỉ dùng với ô ChuKyNguoiKy (đang ký {source}).",
                         hint="Văn thư ký ô ChuKyCoQuan với --seal; bản sao điện tử (ChuKyBanSao) không có ảnh.")
    if seal and field != "ChuKyCoQuan":
        raise InputError(f"--seal là ảnh dấu của cơ quan, chỉ dùng với ô ChuKyCoQuan (đang ký {source}).",
                         hint="Phụ lục I: bản sao điện tử, phụ lục tách tệp ký ở góc trên bên phải trang 1, không có ảnh.")
    from ..fileio import note_read

    values = _issue_values(number, issued, plan_file, source)
    note_read(source)
    if p12:
        note_read(p12)
    signed = sign_pdf(source.read_bytes(), Path(p12) if p12 else None, password, field, file=str(source), remote=remote,
                      image=Path(image) if image else None, seal=Path(seal) if seal else None, tsa=tsa, issue=values,
                      copy_type={"sao-y": "SAO Y", "sao-luc": "SAO LỤC", "trich-sao": "TRÍCH SAO"}.get(copy_type))
    target = Path(output) if output else source.with_name(source.stem + "-da-ky.pdf")
    write_atomic(target, signed.data)
    for warning in signed.warnings:
        click.echo(f"Cảnh báo {warning.code} ({warning.file}): {warning.message}. {warning.suggestion or ''}".rstrip(),
                   err=True)
    problems = pdfa_problems(signed.data)
    if signed.filled and values is not None:
        click.echo(f"Đã điền số {values.number:02d}, ngày {values.short} vào trang 1 của {target}.")
    click.echo(f"Đã ký {source} vào ô {field} ({signed.signer}, {signed.when}): {target}"
               + ("" if not problems else " — cảnh báo PDF/A: " + "; ".join(problems)))


def _issue_values(number: int | None, issued: str | None, plan_file: str | None, source: Path):
    """Số and ngày for the body's signature: from --number and --date, or from an issued plan (--plan)."""
    from ..errors import UsageError
    from ..findings import Finding, Severity
    from ..lifecycle.issue import parse_issue_date
    from ..pdf.issuing import IssueValues

    if plan_file and (number is not None or issued):
        raise UsageError(f"Dùng --plan hoặc --number và --date, không dùng cả hai (đang ký {source}).",
                         "Ví dụ: --number 7 --date 06/01/2025, hoặc --plan KE_HOACH.yaml đã ban hành.")
    if plan_file:
        from ..loading import load_plan_or_raise

        if not Path(plan_file).is_file():
            raise InputError(f"Không tìm thấy tệp kế hoạch {plan_file} (--plan, để ký {source}).",
                             hint="Kiểm tra lại đường dẫn.")
        loaded = load_plan_or_raise(Path(plan_file))
        doc = loaded.plan.document
        if doc.number is None or not doc.date.is_complete:
            path = ("document", "number") if doc.number is None else ("document", "date")
            line, column = loaded.locate(path)
            raise InputError(f"Kế hoạch {plan_file} chưa ban hành: chưa có số hoặc ngày ban hành (để ký {source}).",
                             [Finding("K107", Severity.ERROR, "kế hoạch chưa có số và ngày ban hành đầy đủ",
                                      plan_file, line, column, ".".join(path),
                                      "Ban hành trước: kehoach issue KE_HOACH.yaml --number 7 --date 06/01/2025.")])
        from ..model.issuing import is_issued

        if not is_issued(loaded.plan):   # a number typed by hand, or content changed since issue: not the register's
            path = ("document", "issued") if doc.issued is not None else ("document", "number")
            line, column = loaded.locate(path)
            raise InputError(f"Kế hoạch {plan_file} chưa ban hành qua sổ đăng ký (để ký {source}).",
                             [Finding("K107", Severity.ERROR, "số của kế hoạch không có dấu ban hành khớp với kế hoạch "
                                      "(số gõ tay, hoặc kế hoạch đã sửa sau khi ban hành)", plan_file, line, column,
                                      ".".join(path), "Ban hành bằng kehoach issue KE_HOACH.yaml --number SỐ --date "
                                      "NGÀY/THÁNG/NĂM (ghi dấu ban hành), rồi ký lại với --plan.")])
        return IssueValues(doc.number, doc.date.to_date(), doc.symbol)
    if number is None and not issued:
        return None
    if number is None or not issued:
        missing = "--date" if number is not None else "--number"
        raise UsageError(f"Thiếu {missing}: số và ngày ban hành đi cùng nhau (đang ký {source}).",
                         "Ví dụ: --number 7 --date 06/01/2025.")
    try:
        when = parse_issue_date(issued)
    except ValueError as exc:
        raise UsageError(f"--date '{issued}' không phải ngày hợp lệ ({exc}); đang ký {source}.",
                         "Ghi --date dạng NGÀY/THÁNG/NĂM (06/01/2025) hoặc NĂM-THÁNG-NGÀY (2025-01-06).") from None
    if not when.is_complete:
        raise UsageError(f"--date '{issued}' phải đủ ngày, tháng, năm (đang ký {source}).", "Ví dụ: --date 06/01/2025.")
    return IssueValues(number, when.to_date())


@main.command()
@click.argument("pdf_file", metavar="VAN_BAN_DA_KY.pdf")
@click.option("--plan", "plan_file", type=click.Path(dir_okay=False),
              help="Đối chiếu họ tên người ký và cơ quan ban hành với tệp kế hoạch.")
@click.option("--approved", "approved_file", type=click.Path(dir_okay=False),
              help="Bản PDF đã duyệt (chưa ký): trang được ký phải đúng bản này.")
@click.option("--trust", "trust_files", multiple=True, type=click.Path(dir_okay=False),
              help="Thêm chứng thư gốc tin cậy (PEM), ngoài danh sách plans/registry/trust/ (vd. CA riêng để thử).")
@click.option("--issued", "require_body", is_flag=True, help="Văn bản phải có cả chữ ký số của cơ quan (đã phát hành).")
def verify(pdf_file: str, plan_file: str | None, approved_file: str | None, trust_files: tuple[str, ...],
           require_body: bool) -> None:
    """Kiểm tra văn bản đã ký số: nguyên vẹn, chuỗi tin cậy, thay đổi sau khi ký, đúng bản duyệt, đúng người ký."""
    import hashlib

    from ..fileio import note_read
    from ..pdf.verify import Expected, trust_roots, verify_error, verify_signed

    source = Path(pdf_file)
    for label, path in (("", pdf_file), ("--plan ", plan_file), ("--approved ", approved_file),
                        *(("--trust ", t) for t in trust_files)):
        if path and not Path(path).is_file():
            raise missing_file_error(path, label)
    signer = organ = number = None
    if plan_file:
        from ..loading import load_plan_or_raise

        loaded = load_plan_or_raise(Path(plan_file))
        signature = loaded.plan.signature
        signer, organ = (signature.name if signature else None), loaded.plan.document.issuer.name
        number = loaded.plan.document.number
    note_read(source)
    approved = hashlib.sha256(Path(approved_file).read_bytes()).hexdigest() if approved_file else None
    verdict = verify_signed(source.read_bytes(), str(source), trust_roots([Path(t) for t in trust_files]),
                            Expected(approved, signer, organ, require_body, number))
    if not verdict.ok:
        raise verify_error(verdict, str(source))
    for report in verdict.signatures:
        click.echo(f"Ô {report.field}: ký bởi {report.subject}, lúc {report.when} — nguyên vẹn, tin cậy.")
    click.echo(f"{source}: chữ ký số hợp lệ; không có thay đổi nào sau khi ký ngoài điền số, ngày"
               + (", đúng bản đã duyệt." if approved else "."))


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--edxml", "as_edxml", is_flag=True, required=True,
              help="Gói tin edXML (QĐ 28/2018/QĐ-TTg, QCVN 102:2016/BTTTT) kèm bản PDF, để gửi qua trục liên thông.")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False),
              help="Bản PDF đính kèm (thường là bản đã ký số); mặc định: tạo PDF mới từ kế hoạch.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp kết quả (mặc định: generated/<tên>.edxml).")
def export(plan_file: str, as_edxml: bool, pdf_file: str | None, output: str | None) -> None:
    """Xuất kế hoạch cho hệ thống quản lý văn bản: gói tin edXML có đủ số, ký hiệu, trích yếu, người ký và bản PDF."""
    import tempfile

    from ..fileio import write_atomic
    from ..pdf.edxml import build_edxml, edxml_problems, from_plan

    loaded = _load(plan_file)
    if pdf_file:
        pdf_path = Path(pdf_file)
        if not pdf_path.is_file():
            raise missing_file_error(pdf_path, "--pdf ")
        pdf = pdf_path.read_bytes()
        name = pdf_path.name
    else:
        from ..pdf.convert import docx_to_pdf
        from ..render.docx import render_docx

        with tempfile.TemporaryDirectory(prefix="kehoach-edxml-") as tmp:
            docx = Path(tmp) / (Path(plan_file).stem + ".docx")
            docx.write_bytes(render_docx(loaded))
            target = docx.with_suffix(".pdf")
            docx_to_pdf([(docx, target)])
            pdf, name = target.read_bytes(), target.name
    envelope = from_plan(loaded, pdf, name)
    data = build_edxml(envelope)
    problems = edxml_problems(data)
    if problems:
        raise KehoachError(f"gói tin edXML của {plan_file} không đạt lược đồ schema/edxml.xsd: " + "; ".join(problems[:5]),
                           "Sửa các trường quá dài hoặc sai dạng trong tệp kế hoạch (trích yếu ≤ 500 ký tự, tên cơ quan ≤ 200).")
    target = Path(output) if output else _default_output(plan_file, ".edxml")
    write_atomic(target, data)
    missing = [organ.name for organ in [envelope.sender, *envelope.recipients] if not organ.organ_id]
    unsure = [organ for organ in [envelope.sender, *envelope.recipients]
              if organ.organ_id and organ.organ_id_status not in (None, "confirmed")]
    for organ in unsure:
        from ..model.common import Status

        click.echo(f"Cảnh báo ({plan_file}): mã định danh {organ.organ_id} của '{organ.name}' chưa được xác nhận "
                   f"(danh mục ghi: {Status(organ.organ_id_status).label}); kiểm tra với văn thư trước khi gửi.", err=True)
    if missing:
        click.echo(f"Cảnh báo ({plan_file}): {len(missing)} cơ quan chưa có mã định danh trong danh mục "
                   f"(plans/registry/agencies.yaml, trường organ_ids), OrganId để trống: {'; '.join(missing)}.", err=True)
    if not envelope.code_number or not envelope.date:
        click.echo(f"Cảnh báo ({plan_file}): văn bản chưa có số hoặc ngày ban hành (kehoach issue điền số, ngày).", err=True)
    click.echo(f"Đã tạo {target} (edXML, {envelope.page_amount} trang, đính kèm {name}, DocumentId {envelope.document_id})")


@main.command("lint-docx")
@click.argument("docx_files", metavar="VAN_BAN.docx...", nargs=-1, required=True)
@click.option("--format", "fmt", type=FORMAT_WORDS, default="văn bản", show_default=True,
              help="Dạng báo cáo: văn bản, json hoặc html.")
def lint_docx_command(docx_files: tuple[str, ...], fmt: str) -> None:
    """Kiểm tra thể thức một văn bản DOCX (của kehoach hoặc soạn tay) theo Nghị định 30."""
    from ..pdf.office import page_count
    from ..rules.docx import lint_docx_report

    index = FindingIndex()
    forms = []
    for docx_file in docx_files:
        report = lint_docx_report(docx_file, count_pages=page_count)
        index.extend(report.index.findings)
        forms.append(f"{docx_file}: kiểm tra theo thể thức {report.form.type_name} ({report.form.sample}, "
                     "Phụ lục III Nghị định 30)")
    if fmt == "text":
        click.echo("\n".join(forms))
    deliver(findings_report(index, fmt, "Kiểm tra thể thức văn bản theo Nghị định 30", len(docx_files)), None, click.echo)
    sys.exit(1 if index.has_errors else 0)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--format", "fmt", type=FORMAT_WORDS, default="văn bản", show_default=True,
              help="Dạng báo cáo: văn bản, json hoặc html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi báo cáo vào tệp.")
@click.option("--parent", "parents", multiple=True, metavar="TỆP.yaml",
              help="Văn bản cấp trên khác (ngoài implements), vd. kế hoạch của tỉnh.")
@click.option("--lead-days", type=WholeNumber(min=0), default=5, show_default=True,
              help="Số ngày tối thiểu cấp dưới phải nộp báo cáo trước hạn của cấp này.")
def check(plan_file: str, fmt: str, output: str | None, parents: tuple[str, ...], lead_days: int) -> None:
    """Kiểm tra nội dung kế hoạch với văn bản cấp trên: chỉ tiêu, nhiệm vụ, thời hạn, trích dẫn, cơ quan, thể thức."""
    from ..rules.check import run_check

    report = run_check(plan_file, list(parents), lead_days)
    text_out = check_report(report, fmt, f"Kết quả kiểm tra kế hoạch {Path(plan_file).name}")
    deliver(text_out, output, click.echo, render_summary_line(report.index))
    sys.exit(1 if report.index.has_errors else 0)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
def review(plan_file: str) -> None:
    """Xác nhận các liên kết tới mục của văn bản cấp trên (ghi dấu vân tay; giữ nguyên chú thích trong tệp)."""
    from ..lifecycle.review import review as review_links

    confirmed, _ = review_links(Path(plan_file))
    click.echo(f"Đã xác nhận {confirmed} liên kết trong {plan_file}.")


@main.command()
@click.argument("parent_files", metavar="KE_HOACH_CAP_TREN.yaml...", nargs=-1, required=True)
@click.option("--unit", help="Đơn vị cấp dưới, kèm loại: 'tỉnh Đắk Nông', 'quận Kiến An', 'xã Hòa Bình', 'phường …'.")
@click.option("--units", "units_file", type=click.Path(dir_okay=False), help="Tệp danh sách đơn vị, mỗi dòng một đơn vị.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp kế hoạch cấp dưới (với --unit).")
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục kết quả (với --units; mặc định generated/).")
@click.option("--date", "day_text", metavar="NGÀY/THÁNG/NĂM",
              help="Ngày lập kế hoạch: dùng cơ quan, đơn vị hành chính có ở ngày này (mặc định: hôm nay).")
@click.option("--year", type=WholeNumber(2000, 2100), help="Năm của kế hoạch cấp dưới (thay cho --date; "
              "cơ quan lấy theo ngày 01/01 của năm).")
@click.option("--lead-days", type=WholeNumber(min=0), default=5, show_default=True,
              help="Cấp dưới của đơn vị báo cáo sớm hơn hạn của đơn vị bao nhiêu ngày.")
@click.option("--peer", "peer_file", type=click.Path(dir_okay=False), metavar="KE_HOACH_DIA_PHUONG_KHAC",
              help="Kế hoạch của địa phương khác thực hiện cùng văn bản (.yaml, .docx, .pdf, .txt), dùng tham khảo: "
                   "cơ quan mà kế hoạch đó giao việc được ưu tiên khi nhiệm vụ thuộc chức năng của cơ quan.")
@click.option("--render", "with_docx", is_flag=True, help="Xuất luôn mỗi dự thảo ra DOCX, cạnh tệp YAML.")
@click.option("--pdf", "with_pdf", is_flag=True, help="Với --render: tạo thêm bản PDF/A của mỗi dự thảo.")
def derive(parent_files: tuple[str, ...], unit: str | None, units_file: str | None, output: str | None,
           output_dir: str | None, day_text: str | None, year: int | None, lead_days: int, peer_file: str | None,
           with_docx: bool, with_pdf: bool) -> None:
    """Lập dự thảo kế hoạch cấp dưới từ văn bản cấp trên (một hoặc nhiều; chạy lại vẫn giữ phần đã sửa tay)."""
    from ..lifecycle.derive import derive as derive_plan, units_from_file
    from ..errors import UsageError
    from ..fileio import check_writable, write_atomic

    if bool(unit) == bool(units_file):
        raise UsageError("cần đúng một trong hai: --unit ĐƠN_VỊ hoặc --units TỆP")
    if day_text and year:
        raise UsageError("chỉ dùng một trong hai: --date NGÀY hoặc --year NĂM")
    day = None if year else (_parse_day(day_text) if day_text else _today())
    if with_pdf and not with_docx:
        raise UsageError("--pdf đi cùng --render")
    parents = [_load(name) for name in parent_files]
    peer = Path(peer_file) if peer_file else None
    if unit:
        units = [unit]
    else:
        units = units_from_file(Path(units_file))
        if not units:
            raise InputError(f"Danh sách đơn vị {units_file} không có đơn vị nào, chưa lập được kế hoạch nào.",
                             hint="Ghi mỗi dòng một đơn vị, bắt đầu bằng loại đơn vị, vd. xã Nam Đàn, phường Vinh Hưng.")
    folder = Path(output_dir) if output_dir else _default_output("x", "").parent
    drafted = []  # every unit is drafted (and refused if unknown) before any file is written
    for name in units:
        target = Path(output) if (unit and output) else None
        text_out, report = derive_plan(parents, name, target, lead_days, year, day, peer)
        if target is None:
            from ..loading.library import plan_id

            draft_id = plan_id(text_out)
            target = folder / f"{draft_id}.yaml"
            if target.is_file():
                text_out, report = derive_plan(parents, name, target, lead_days, year, day, peer)
        drafted.append((name, target, text_out, report))
    if not unit:
        check_writable(folder)   # many drafts: a folder that cannot take them fails before the first is written
    done = []
    for name, target, text_out, report in drafted:
        write_atomic(target, text_out.encode("utf-8"))
        done.append(target)
        if unit:
            click.echo(f"Đã tạo {target}: thêm {len(report.added)} mục, giữ nguyên {len(report.kept)} mục đã có.")
        for note in report.notes:
            click.echo(f"  Lưu ý ({name}): {note}.")
        for ref in report.changed_upstream:
            click.echo(f"  Cấp trên đã sửa {ref}: xem lại mục liên kết, rồi chạy kehoach review.")
        for ref in report.removed_upstream:
            click.echo(f"  Cấp trên đã bỏ {ref}: mục liên kết vẫn giữ, cần xem lại.")
    if not unit:
        click.echo(f"Đã tạo {len(done)} kế hoạch trong {folder}.")
    if with_docx:
        _render_all([_load(str(target)) for target in done], [target.with_suffix(".docx") for target in done],
                    None, with_pdf)


def _parse_day(text: str):
    """derive --date: dd/mm/yyyy (or yyyy-mm-dd), a whole day; a bad value is a usage error."""
    from ..errors import UsageError
    from ..lifecycle.issue import parse_issue_date

    try:
        when = parse_issue_date(text)
    except ValueError:
        when = None
    if when is None or not when.is_complete:
        raise UsageError(f"--date '{text}' không phải một ngày đủ ngày, tháng, năm.", "Ví dụ: --date 26/11/2025.")
    return when.to_date()


def _today():
    from ..text import vietnam_today

    return vietnam_today()   # the day in Vietnam: a machine set to UTC is still on yesterday until 07:00


@main.command("new-year")
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--year", type=WholeNumber(2000, 2100), required=True, help="Năm của kế hoạch mới.")
@click.option("--unit", help="Với kế hoạch cấp huyện sau 01/7/2025: xã, phường nhận lại địa bàn ('phường Kiến An').")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp kế hoạch mới (mặc định generated/<tên>-<năm>.yaml).")
def new_year(plan_file: str, year: int, unit: str | None, output: str | None) -> None:
    """Lập kế hoạch năm sau từ kế hoạch năm nay: dời năm, bỏ số và ngày, đổi tên cơ quan sau sắp xếp."""
    from ..fileio import write_atomic
    from ..lifecycle.new_year import new_year as roll

    loaded = _load(plan_file)
    text_out, report = roll(loaded, year, unit)
    target = Path(output) if output else _default_output(f"{Path(plan_file).stem}-{year}", ".yaml")
    write_atomic(target, text_out.encode("utf-8"))
    click.echo(f"Đã tạo {target}.")
    from .. import words
    from ..loading.edit import parse_path
    from ..loading.yamlio import read_yaml

    _, written, _ = read_yaml(target)

    def at(path: str) -> str:   # the new file's line, as check prints it, so the officer goes straight there
        line, _ = written.locate(parse_path(path))
        return f"{target}:{line}" if line else str(target)

    for path, old, new in report.renamed:
        click.echo(f"  {at(path)}: Đổi cơ quan [{path}]: {words.names_for_ids(loaded.registry, f'{old} → {new}')}")
    for path, what in report.repaired:
        click.echo(f"  {at(path)}: Đã sửa [{path}]: {words.names_for_ids(loaded.registry, what)}")
    for path, why in report.flagged:
        click.echo(f"  {at(path)}: Cần xem lại [{path}]: {words.names_for_ids(loaded.registry, why)}")
    if report.abolished:
        ends = loaded.registry.district_level_ends
        click.echo(f"  {len(report.abolished)} chỗ nhắc cơ quan cấp huyện (cấp huyện kết thúc {ends:%d/%m/%Y}).")
    click.echo("  Chạy kehoach check để xem các mục còn gắn với năm cũ.")


@main.command("diff")
@click.argument("old_file", metavar="CU.yaml")
@click.argument("new_file", metavar="MOI.yaml")
@click.option("--json", "as_json", is_flag=True, help="In dưới dạng JSON.")
def diff_command(old_file: str, new_file: str, as_json: bool) -> None:
    """So sánh nội dung hai phiên bản kế hoạch: chỉ tiêu, nhiệm vụ, hạn báo cáo, căn cứ."""
    import json

    from ..lifecycle.diff import render_diff, semantic_diff

    from .. import words

    old = _load(old_file)
    changes = semantic_diff(old, _load(new_file))
    click.echo(json.dumps(changes, ensure_ascii=False, indent=2) if as_json
               else words.diff_text(old.registry, render_diff(changes)))


@main.command("import")
@click.argument("source", metavar="VAN_BAN.docx|VAN_BAN.pdf|GOI_TIN.edxml|VAN_BAN.txt")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp YAML kết quả (mặc định generated/<tên>.yaml).")
@click.option("--date", "date_", type=DayOrPart(), metavar="NĂM[-THÁNG[-NGÀY]]", help="Ngày ban hành, khi văn bản không ghi.")
@click.option("--symbol", metavar="KH-UBND", help="Ký hiệu, khi văn bản không có dòng 'Số: …/…'.")
@click.option("--title", metavar="TRÍCH_YẾU", help="Trích yếu, khi văn bản không có.")
@click.option("--issuer", metavar="TÊN", help="Cơ quan ban hành, khi văn bản không ghi.")
@click.option("--level", type=LEVEL_WORDS,
              help="Cấp của cơ quan ban hành, khi văn bản không cho biết: trung ương, tỉnh, huyện hoặc xã "
                   "(gõ không dấu cũng được).")
@click.option("--directive", is_flag=True,
              help="Nhập thành văn bản cấp trên (kind: directive) kèm danh sách nhiệm vụ giao cho từng cơ quan, để lập "
                   "kế hoạch cấp dưới bằng kehoach derive.")
@click.option("--type", "doc_type", type=click.Choice(sorted(nd30.ALL_TYPE_ABBREVIATIONS)), metavar="LOẠI",
              help="Loại văn bản (Quyết định, Chỉ thị, Thông tư, Kế hoạch…), khi văn bản không ghi.")
@click.option("--number", type=WholeNumber(1), metavar="SỐ", help="Số văn bản, khi văn bản không ghi.")
def import_command(source: str, output: str | None, date_: str | None, symbol: str | None, title: str | None,
                   issuer: str | None, level: str | None, directive: bool, doc_type: str | None,
                   number: int | None) -> None:
    """Nhập kế hoạch cũ (Word, PDF, bản quét PDF, gói tin edXML hoặc văn bản thuần) thành tệp YAML để sửa và dùng lại."""
    from ..fileio import note_read, refuse_if_read, refuse_not_a_file, write_atomic
    from ..importing import import_plan
    from ..importing.importer import IMPORTED_KINDS
    from ..loading import load_plan

    overrides = {k: v for k, v in {"date": date_, "symbol": symbol, "title": title, "issuer": issuer,
                                   "level": level, "type": doc_type, "number": number}.items() if v}
    target = Path(output) if output else _default_output(source, ".yaml")
    refuse_not_a_file(source, IMPORTED_KINDS)
    note_read(Path(source))
    refuse_if_read(target)  # before any work: `-o` naming the source would destroy it
    if directive:
        _import_directive(Path(source), target, overrides)
        return
    result = import_plan(Path(source), overrides)
    write_atomic(target, result.yaml_text.encode("utf-8"))
    click.echo(f"Đã tạo {target}" + (" (khớp hoàn toàn dữ liệu gốc của kehoach)." if result.exact else "."))
    if not result.exact:
        if result.doc_type and result.doc_type != "Kế hoạch":
            click.echo(f"  Loại văn bản: {result.doc_type} (nhập theo cùng cấu trúc với kế hoạch)")
        for what, count in result.recognised.items():
            click.echo(f"  Nhận ra {count} {what}")
        click.echo(f"  Giữ nguyên dạng văn bản: {result.prose} đoạn")
        for what in result.missing:
            click.echo(f"  Văn bản không ghi, để trống: {what}")
        for note in result.notes:
            click.echo(f"  {note}")
    _, index = load_plan(target)
    if index.has_errors:
        click.echo("Tệp vừa nhập còn chỗ cần sửa trước khi dùng:", err=True)
        click.echo(render_text(index.sorted()), err=True)


def _import_directive(source: Path, target: Path, overrides: dict) -> None:
    from ..fileio import write_atomic
    from ..importing.directive import import_directive
    from ..loading import load_plan

    result = import_directive(source, overrides)
    write_atomic(target, result.yaml_text.encode("utf-8"))
    click.echo(f"Đã tạo {target} (văn bản cấp trên).")
    click.echo(f"  Nhận ra {result.duties} nhiệm vụ giao cho cơ quan; {result.known} lần khớp danh mục cơ quan; "
               f"{result.targets} chỉ tiêu; {result.reports} hạn báo cáo.")
    for name, line in result.unknown:
        click.echo(f"  Cảnh báo: {source}, {result.place} {line}: cơ quan \"{name}\" chưa có trong danh mục, giữ nguyên tên như văn bản "
                   "viết. Cách sửa: thêm cơ quan này (hoặc tên khác của nó) vào plans/registry/agencies.yaml để lập "
                   "được kế hoạch cấp dưới.")
    for what in result.missing:
        click.echo(f"  Văn bản không ghi, để trống: {what}")
    _, index = load_plan(target)
    if index.has_errors:
        click.echo("Tệp vừa nhập còn chỗ cần sửa trước khi dùng:", err=True)
        click.echo(render_text(index.sorted()), err=True)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
def text(plan_file: str) -> None:
    """In nội dung kế hoạch dưới dạng văn bản thuần, theo thứ tự đọc."""
    from ..render.plain import plan_text

    click.echo(plan_text(_load(plan_file).plan), nl=False)


@main.command()
@click.option("--port", type=WholeNumber(1, 65535), default=8765, show_default=True, help="Cổng của trang web.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; mặc định chỉ máy này truy cập được.")
@click.option("--db", envvar="KEHOACH_DB", type=DatabaseAddress(), help="Cơ sở dữ liệu (địa chỉ SQLAlchemy); mặc định SQLite trong thư mục dữ liệu của người dùng.")
def serve(port: int, host: str, db: str | None) -> None:
    """Mở trang web soạn, kiểm tra và tải kế hoạch (không cần sửa YAML)."""
    import os

    from ..extras import require

    require("web")
    if os.environ.get("KEHOACH_WORKSPACE", "") not in ("", "0"):  # the rule of web/workspace_app.enabled
        require("workspace")
    from ..web import serve as run_server

    run_server(host=host, port=port, db=db)


# --- reports on a plan: the unit's form, its check, the Báo cáo ----------------------------------------------------

def _unit_plans(folder: str | None) -> dict:
    """The derived plans of the reporting units, by id, from a folder (results may report on them)."""
    from .. import limits
    from ..errors import UsageError
    from ..loading.loader import load_plan

    if folder is None:
        return {}
    files = sorted(Path(folder).glob("*.yaml"))
    if len(files) > limits.MAX_RESULTS_ROWS:
        raise UsageError(f"thư mục {folder} có hơn {limits.MAX_RESULTS_ROWS} tệp kế hoạch")
    plans = {}
    for file in files:
        loaded, index = load_plan(file)
        if loaded is not None and not index.has_errors:
            plans[loaded.plan.id] = loaded.plan
    return plans


def _load_results_files(loaded, results_files: tuple[str, ...], unit_plans: dict | None = None):
    """Every results file checked against the plan it reports on (the plan, or a unit's plan derived from it);
    InputError with all their errors. Results on a unit's plan are restated on the plan's items."""
    from ..lifecycle.report import lift_results
    from ..loading.results import LoadedResults, load_results

    found, errors, warnings = [], [], []
    for name in results_files:
        item, index = load_results(name)
        own = (unit_plans or {}).get(item.results.plan) if item is not None else None
        if own is not None and own.id != loaded.plan.id:
            item, index = load_results(name, own)
            if item is not None and not index.has_errors:
                item = LoadedResults(lift_results(item.results, own, loaded.plan), item.path, item.source)
        else:
            item, index = load_results(name, loaded.plan)
        errors += [f for f in index.sorted() if f.severity.value == "error"]
        warnings += [f for f in index.sorted() if f.severity.value != "error"]
        if item is not None:
            found.append(item)
    if errors:
        raise InputError("Tệp kết quả có lỗi, chưa lập được báo cáo.", errors)
    return found, warnings


def _results_in(folder: str) -> tuple[str, ...]:
    """The results files (*.yaml) of a folder, bounded; UsageError when there are none."""
    from .. import limits
    from ..errors import UsageError

    files = sorted(str(f) for f in Path(folder).glob("*.yaml"))
    if not files:
        raise UsageError(f"thư mục {folder} không có tệp kết quả (.yaml) nào")
    if len(files) > limits.MAX_RESULTS_ROWS:
        raise UsageError(f"thư mục {folder} có hơn {limits.MAX_RESULTS_ROWS} tệp kết quả")
    return tuple(files)


def _period_option(value: str | None) -> str | None:
    from pydantic import TypeAdapter, ValidationError

    from ..errors import UsageError
    from ..model.results import PeriodCode

    if value is None:
        return None
    try:
        return TypeAdapter(PeriodCode).validate_python(value)
    except ValidationError as exc:
        raise UsageError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None


@main.command("report-form")
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--unit", required=True, help="Tên đơn vị báo cáo: 'Ủy ban nhân dân xã Hưng Đông'.")
@click.option("--period", required=True, help="Kỳ báo cáo: 2026-H1, 2026-H2, 2026-Q1 đến 2026-Q4 (quý), 2026-01 đến "
                                                   "2026-12 (tháng), hoặc 2026 (cả năm).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Tệp mẫu kết quả (.yaml).")
def report_form(plan_file: str, unit: str, period: str, output: str) -> None:
    """Tạo tệp mẫu kết quả của một đơn vị cho một kỳ: đủ các chỉ tiêu, nhiệm vụ của kế hoạch, để đơn vị điền."""
    from ..fileio import write_atomic
    from ..lifecycle.report import results_form
    from ..loading.results import results_to_yaml
    from ..model.results import period_label

    loaded = _load(plan_file)
    form = results_form(loaded.plan, unit, _period_option(period))
    header = (f"Kết quả thực hiện kế hoạch {loaded.plan.id}, {period_label(period)}, {unit}.\n"
              "Ghi giá trị đạt được ở 'value' (tỷ lệ: có thể ghi tử số 'numerator', mẫu số 'denominator'), nguồn ở "
              "'source';\ntrạng thái nhiệm vụ: chua_thuc_hien, dang_thuc_hien, hoan_thanh, khong_hoan_thanh; "
              "tóm tắt hoặc lý do ở 'account'.")
    if Path(output).suffix.lower() == ".xlsx":
        from ..lifecycle.report import item_texts
        from ..render.results_xlsx import results_xlsx

        write_atomic(Path(output), results_xlsx(loaded.plan, form, item_texts(loaded.plan)))
    else:
        write_atomic(Path(output), results_to_yaml(form, header, loaded.plan).encode("utf-8"))
    click.echo(f"Đã tạo {output}: {len(form.targets)} chỉ tiêu, {len(form.work)} nhiệm vụ cần điền.")


@main.command("report-import")
@click.argument("table_file", metavar="BANG.xlsx|BANG.csv|BAO_CAO.docx")
@click.option("--plan", "plan_file", required=True, type=click.Path(dir_okay=False), help="Kế hoạch được báo cáo.")
@click.option("--unit", help="Với CSV, báo cáo Word: tên đơn vị báo cáo.")
@click.option("--period", help="Với CSV: kỳ báo cáo, ví dụ 2026-H1 (báo cáo Word: đọc từ tên báo cáo nếu không ghi).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Tệp kết quả (.yaml).")
def report_import(table_file: str, plan_file: str, unit: str | None, period: str | None, output: str) -> None:
    """Nhập kết quả của một đơn vị từ bảng Excel (mẫu của report-form), tệp CSV của hệ thống khác, hoặc bảng chỉ tiêu
    trong báo cáo Word của đơn vị."""
    from ..errors import UsageError
    from ..fileio import write_atomic
    from ..importing.results_table import results_from_csv, results_from_xlsx
    from ..loading.results import load_results, results_to_yaml

    loaded = _load(plan_file)
    if Path(table_file).suffix.lower() == ".csv":
        if not unit or not period:
            raise UsageError("với tệp CSV cần cho biết --unit ĐƠN_VỊ và --period KỲ")
        results = results_from_csv(table_file, loaded.plan, unit, _period_option(period))
    elif Path(table_file).suffix.lower() == ".docx":
        from ..importing.results_report import results_from_report_docx

        if not unit:
            raise UsageError("với báo cáo Word cần cho biết --unit ĐƠN_VỊ (đơn vị gửi báo cáo)")
        results = results_from_report_docx(table_file, loaded.plan, unit, _period_option(period))
    else:
        results = results_from_xlsx(table_file)
    text = results_to_yaml(results, f"Nhập từ {Path(table_file).name}.", loaded.plan)
    _, index = load_results(output, loaded.plan, text=text)
    if index.has_errors:
        raise InputError(f"Bảng {table_file} có số liệu chưa đúng, chưa nhập được.", index.sorted())
    write_atomic(Path(output), text.encode("utf-8"))
    warnings = index.sorted()
    if warnings:
        click.echo(render_text(warnings))
    click.echo(f"Đã tạo {output}: {len(results.targets)} chỉ tiêu, {len(results.work)} nhiệm vụ.")


@main.command("report-check")
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.argument("results_files", metavar="KET_QUA.yaml...", nargs=-1, required=True)
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False),
              help="Thư mục kế hoạch của các đơn vị, khi kết quả báo cáo theo kế hoạch của đơn vị.")
def report_check(plan_file: str, results_files: tuple[str, ...], plans_dir: str | None) -> None:
    """Kiểm tra tệp kết quả của các đơn vị: đơn vị đo, khoảng giá trị, tử số/mẫu số, chỉ tiêu, nhiệm vụ còn thiếu."""
    loaded = _load(plan_file)
    found, warnings = _load_results_files(loaded, results_files, _unit_plans(plans_dir))
    if warnings:
        click.echo(render_text(warnings))
    click.echo(f"{len(found)} tệp kết quả dùng được; {len(warnings)} cảnh báo.")


@main.command("report")
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.argument("results_files", metavar="KET_QUA.yaml...", nargs=-1, required=True)
@click.option("--period", help="Kỳ báo cáo (mặc định: kỳ của các tệp kết quả), ví dụ 2026-H1, 2026-Q3, 2026-03 hoặc "
                                   "2026.")
@click.option("--units", "units_file", type=click.Path(dir_okay=False),
              help="Danh sách đơn vị phải báo cáo, mỗi dòng một tên: đơn vị chưa gửi được nêu tên trong báo cáo.")
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False),
              help="Thư mục kế hoạch của các đơn vị (lập bằng derive): kết quả theo kế hoạch của đơn vị được quy về "
                   "chỉ tiêu, nhiệm vụ của kế hoạch này qua liên kết.")
@click.option("--previous", "previous_dir", type=click.Path(file_okay=False),
              help="Thư mục tệp kết quả của kỳ trước (cùng kỳ năm trước): báo cáo ghi số liệu kỳ đó và mức tăng, giảm.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="Tệp báo cáo (.docx).")
@click.option("--pdf", "with_pdf", is_flag=True, help="Tạo thêm bản PDF/A cạnh tệp DOCX.")
def report(plan_file: str, results_files: tuple[str, ...], period: str | None, units_file: str | None,
           plans_dir: str | None, previous_dir: str | None, output: str, with_pdf: bool) -> None:
    """Lập Báo cáo kết quả thực hiện kế hoạch (DOCX theo Nghị định 30) từ kết quả của một hay nhiều đơn vị."""
    from ..fileio import write_atomic
    from ..lifecycle.report import compare, expected_units, render_report, rollup

    loaded = _load(plan_file)
    unit_plans = _unit_plans(plans_dir)
    found, warnings = _load_results_files(loaded, results_files, unit_plans)
    period = _period_option(period) or found[0].results.period
    expected = None
    if units_file:
        expected = expected_units(Path(units_file))
    roll = rollup(loaded.plan, found, period, expected)
    if previous_dir:
        earlier = _results_in(previous_dir)
        before, more = _load_results_files(loaded, earlier, unit_plans)
        warnings += more
        roll = compare(roll, rollup(loaded.plan, before, before[0].results.period))
    target = Path(output)
    write_atomic(target, render_report(loaded, roll))
    click.echo(f"Đã tạo {target}: {len(roll.units)} đơn vị đã báo cáo"
               + (f", {len(roll.missing)} đơn vị chưa báo cáo" if roll.missing else "") + ".")
    if warnings:
        click.echo(f"Lưu ý: {len(warnings)} cảnh báo trong các tệp kết quả (xem bằng kehoach report-check).")
    if with_pdf:
        _make_pdfs([(target, target.with_suffix(".pdf"))])


@main.group(options_metavar="[TÙY_CHỌN]", subcommand_metavar="LỆNH [ĐỐI_SỐ]...")
def audit() -> None:
    """Nhật ký hoạt động của không gian làm việc của tỉnh."""


@audit.command("verify", cls=KehoachCommand)
@click.option("--db", envvar="KEHOACH_DB", type=DatabaseAddress(), help="Cơ sở dữ liệu (địa chỉ SQLAlchemy); mặc định SQLite trong thư mục dữ liệu của người dùng.")
def audit_verify(db: str | None) -> None:
    """Kiểm tra nhật ký không bị sửa, xóa hay chèn thêm mục nào (chuỗi mã băm)."""
    from ..extras import require

    require("workspace")
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from ..web.store import default_url
    from ..workspace.audit import verify

    engine = create_engine(db or default_url())
    try:
        with Session(engine) as session:
            verdict = verify(session)
    except SQLAlchemyError:
        raise InputError("Không đọc được nhật ký trong cơ sở dữ liệu này.",
                         hint="Kiểm tra địa chỉ --db (hoặc KEHOACH_DB) và quyền đọc bảng nhật ký.")
    finally:
        engine.dispose()
    click.echo(f"Đã kiểm tra {verdict.checked} mục nhật ký"
               + (f" ({verdict.unchained} mục ghi trước khi có mã kiểm tra, không kiểm được)" if verdict.unchained else "")
               + ".")
    if verdict.problems:
        for problem in verdict.problems[:100]:
            click.echo(f"  {problem}", err=True)
        raise InputError(f"Nhật ký đã bị can thiệp: {len(verdict.problems)} chỗ không khớp.",
                         hint="Đối chiếu với bản sao lưu của cơ sở dữ liệu; báo ngay cho người phụ trách an toàn thông tin.")
    click.echo(f"Nhật ký nguyên vẹn, đủ đến mục cuối. Mã của mục cuối: {verdict.head}")


from .help import apply as _vietnamese_help  # noqa: E402

_vietnamese_help(main)  # placeholders, ranges, short lines and examples in Vietnamese


if __name__ == "__main__":  # pragma: no cover
    main()
