"""The `kehoach` command line: thin commands over loading, rules and rendering."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__, clivi  # noqa: F401  (clivi: click speaks Vietnamese)
from .errors import InputError, KehoachError
from .findings import FindingIndex, render_html, render_json, render_summary_line, render_text

def _print_error(error: KehoachError) -> None:
    click.echo(f"Lỗi: {error.message}", err=True)
    findings = getattr(error, "findings", None)
    if findings:
        click.echo(render_text(findings), err=True)
        index = FindingIndex(list(findings))
        click.echo(render_summary_line(index), err=True)
    if error.hint:
        click.echo(f"Gợi ý: {error.hint}", err=True)


class KehoachCommand(click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        super().__init__(*args, **kwargs)


class KehoachGroup(click.Group):
    """Maps kehoach errors to exit codes and Vietnamese messages; never shows a traceback."""

    command_class = KehoachCommand

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[TÙY_CHỌN]")
        kwargs.setdefault("subcommand_metavar", "LỆNH [ĐỐI_SỐ]...")
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            return super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("Đã dừng theo yêu cầu.", err=True)
            sys.exit(1)
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
    from .loading import load_plan_or_raise

    return load_plan_or_raise(path)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--json", "as_json", is_flag=True, help="In toàn bộ mô hình đã chuẩn hóa dưới dạng JSON.")
def show(plan_file: str, as_json: bool) -> None:
    """Đọc, kiểm tra định dạng và tóm tắt một kế hoạch."""
    from .export import plan_to_json

    loaded = _load(plan_file)
    data = plan_to_json(loaded)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(_summary(data))


def _summary(data: dict) -> str:
    number = f"{data['number']:02d}" if data["number"] else "…"
    lines = [
        f"{data['type']} số {number}/{data['symbol']} — {data['issuer']}",
        f"  Ngày: {data['date'] or data['date_partial'] + ' (chưa đủ ngày, tháng)'}; cấp: {data['level']}",
        f"  Trích yếu: {data['title']}",
        f"  Căn cứ: {len(data['bases'])}; văn bản dẫn chiếu khác: {len(data['references'])}",
        f"  Chỉ tiêu: {len(data['targets'])}; nhiệm vụ: {len(data['tasks'])}; "
        f"nhiệm vụ của cơ quan: {len(data['duties'])}; chế độ báo cáo: {len(data['reporting'])}",
    ]
    for t in data["targets"]:
        unit = t["unit"] or ""
        value = "" if t["value"] is None else f" {t['value']:g}" + (unit if unit in ("%", "‰") else f" {unit}")
        year = f" ({t['year']})" if t["year"] else ""
        lines.append(f"    chỉ tiêu {t['id']}: {t['comparator']}{value}{year} — {t['indicator'] or t['text']}")
    for r in data["reporting"]:
        due = f"trước {r['due']}" if r["due"] else "không ghi hạn"
        lines.append(f"    báo cáo {r['id']}: {', '.join(r['from'])} → {', '.join(r['to'])}; kỳ {r['period']}; {due}")
    sig = data["signature"]
    if sig:
        lines.append(f"  Người ký: {' / '.join(sig['authority'] + sig['positions'])} — {sig['name']}")
    lines.append(f"  Nơi nhận: {len(data['recipients'])} dòng")
    return "\n".join(lines)


@main.command()
@click.argument("plan_files", metavar="KE_HOACH.yaml...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="Dạng báo cáo.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi báo cáo vào tệp thay vì in ra màn hình.")
def validate(plan_files: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Kiểm tra định dạng tệp kế hoạch (cú pháp, trường, kiểu, ngày tháng, mã, cơ quan)."""
    from .loading import load_plan

    index = FindingIndex()
    for plan_file in plan_files:
        _, file_index = load_plan(plan_file)
        index.extend(file_index.findings)
    if fmt == "json":
        report = render_json(index)
    elif fmt == "html":
        report = render_html(index, "Kết quả kiểm tra định dạng kế hoạch")
    else:
        report = render_text(index.sorted())
        report = (report + "\n" if report else "") + f"{len(plan_files)} tệp: " + render_summary_line(index)
    if output:
        from .fileio import write_atomic

        write_atomic(Path(output), report.encode("utf-8"))
        click.echo(f"Đã ghi báo cáo: {output}")
    else:
        click.echo(report.rstrip("\n"))
    sys.exit(1 if index.has_errors else 0)


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi lược đồ vào tệp.")
def schema(output: str | None) -> None:
    """In lược đồ JSON Schema của định dạng YAML kế hoạch (để VS Code gợi ý và kiểm tra khi gõ)."""
    from .schema import plan_schema_text

    text = plan_schema_text()
    if output:
        from .fileio import write_atomic

        write_atomic(Path(output), text.encode("utf-8"))
        click.echo(f"Đã ghi lược đồ: {output}")
    else:
        click.echo(text, nl=False)


def _default_output(plan_file: str, suffix: str) -> Path:
    from .paths import PROJECT_ROOT

    return PROJECT_ROOT / "generated" / (Path(plan_file).stem + suffix)


def _write_docx(loaded, target: Path, template: str | None) -> Path:
    from .fileio import write_atomic
    from .render.docx import render_docx

    write_atomic(target, render_docx(loaded, Path(template) if template else None))
    click.echo(f"Đã tạo {target}")
    return target


def _make_pdfs(pairs: list[tuple[Path, Path]]) -> None:
    from .render.pipeline import docx_to_pdf

    if len(pairs) == 1:
        docx_to_pdf(pairs)
    else:
        with click.progressbar(length=len(pairs), label="Chuyển sang PDF", file=sys.stderr) as bar:
            docx_to_pdf(pairs, progress=lambda _: bar.update(1))
    for _, pdf in pairs:
        click.echo(f"Đã tạo {pdf} (PDF/A-2b, có ô chữ ký số)")


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp DOCX kết quả (mặc định: generated/<tên>.docx).")
@click.option("--template", type=click.Path(dir_okay=False), help="Dùng mẫu DOCX khác thay cho mẫu chuẩn trong templates/.")
@click.option("--pdf", "with_pdf", is_flag=True, help="Tạo thêm bản PDF/A sẵn sàng ký số, cạnh tệp DOCX.")
def render(plan_file: str, output: str | None, template: str | None, with_pdf: bool) -> None:
    """Xuất kế hoạch ra văn bản DOCX (và PDF) theo thể thức Nghị định 30/2020/NĐ-CP."""
    loaded = _load(plan_file)
    target = _write_docx(loaded, Path(output) if output else _default_output(plan_file, ".docx"), template)
    if with_pdf:
        _make_pdfs([(target, target.with_suffix(".pdf"))])


@main.command()
@click.argument("docx_files", metavar="VAN_BAN.docx...", nargs=-1, required=True)
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục ghi PDF (mặc định: cạnh tệp DOCX).")
def pdf(docx_files: tuple[str, ...], output_dir: str | None) -> None:
    """Chuyển DOCX sang PDF/A-2b sẵn sàng ký số; nhiều tệp dùng chung một lần khởi động LibreOffice."""
    pairs = []
    for name in docx_files:
        source = Path(name)
        if not source.is_file():
            raise InputError(f"Không tìm thấy tệp {source}.", hint="Kiểm tra lại đường dẫn.")
        target_dir = Path(output_dir) if output_dir else source.parent
        pairs.append((source, target_dir / (source.stem + ".pdf")))
    _make_pdfs(pairs)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--number", type=click.IntRange(min=1), required=True, help="Số văn bản được cấp (vd. 7).")
@click.option("--date", "issued", required=True, help="Ngày ban hành, NĂM-THÁNG-NGÀY (vd. 2025-01-06).")
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục kết quả (mặc định: generated/).")
@click.option("--template", type=click.Path(dir_okay=False), help="Dùng mẫu DOCX khác.")
def issue(plan_file: str, number: int, issued: str, output_dir: str | None, template: str | None) -> None:
    """Ban hành: điền số và ngày, tạo bản DOCX và PDF chính thức."""
    from .issuing import issued_copy

    loaded = issued_copy(_load(plan_file), number, issued)
    doc = loaded.plan.document
    stem = f"{Path(plan_file).stem}-so-{doc.number:02d}-{doc.date.iso()}"
    folder = Path(output_dir) if output_dir else _default_output(plan_file, "").parent
    target = _write_docx(loaded, folder / f"{stem}.docx", template)
    _make_pdfs([(target, target.with_suffix(".pdf"))])


@main.command()
@click.argument("pdf_file", metavar="VAN_BAN.pdf")
@click.option("--p12", "p12", required=True, type=click.Path(dir_okay=False), help="Tệp chứng thư số (.p12 / .pfx).")
@click.option("--password", envvar="KEHOACH_P12_PASSWORD", help="Mật khẩu của tệp .p12 (hoặc biến môi trường KEHOACH_P12_PASSWORD).")
@click.option("--field", default="ChuKyNguoiKy", show_default=True,
              help="Ô chữ ký: ChuKyNguoiKy (người ký) hoặc ChuKyCoQuan (cơ quan, văn thư ký).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp đã ký (mặc định: <tên>-da-ky.pdf).")
def sign(pdf_file: str, p12: str, password: str | None, field: str, output: str | None) -> None:
    """Ký số PAdES vào ô chữ ký đã chuẩn bị; dấu chữ ký hiện tên người ký có dấu tiếng Việt."""
    from .fileio import write_atomic
    from .render.pdf import pdfa_problems
    from .signing import sign_pdf

    source = Path(pdf_file)
    if not source.is_file():
        raise InputError(f"Không tìm thấy tệp {source}.", hint="Kiểm tra lại đường dẫn.")
    if not Path(p12).is_file():
        raise InputError(f"Không tìm thấy tệp chứng thư số {p12}.", hint="Kiểm tra lại đường dẫn tệp .p12.")
    signed = sign_pdf(source.read_bytes(), Path(p12), password, field)
    target = Path(output) if output else source.with_name(source.stem + "-da-ky.pdf")
    write_atomic(target, signed)
    problems = pdfa_problems(signed)
    click.echo(f"Đã ký: {target}" + ("" if not problems else " — cảnh báo PDF/A: " + "; ".join(problems)))


@main.command("lint-docx")
@click.argument("docx_files", metavar="VAN_BAN.docx...", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="Dạng báo cáo.")
def lint_docx_command(docx_files: tuple[str, ...], fmt: str) -> None:
    """Kiểm tra thể thức một văn bản DOCX (của kehoach hoặc soạn tay) theo Nghị định 30."""
    from .rules.docx_form import lint_docx

    index = FindingIndex()
    for docx_file in docx_files:
        index.extend(lint_docx(docx_file).findings)
    if fmt == "json":
        click.echo(render_json(index).rstrip("\n"))
    elif fmt == "html":
        click.echo(render_html(index, "Kiểm tra thể thức văn bản theo Nghị định 30"))
    else:
        report = render_text(index.sorted())
        click.echo((report + "\n" if report else "") + f"{len(docx_files)} tệp: " + render_summary_line(index))
    sys.exit(1 if index.has_errors else 0)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True,
              help="Dạng báo cáo.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Ghi báo cáo vào tệp.")
@click.option("--parent", "parents", multiple=True, metavar="TỆP.yaml",
              help="Văn bản cấp trên khác (ngoài implements), vd. kế hoạch của tỉnh.")
@click.option("--lead-days", type=click.IntRange(min=0), default=5, show_default=True,
              help="Số ngày tối thiểu cấp dưới phải nộp báo cáo trước hạn của cấp này.")
def check(plan_file: str, fmt: str, output: str | None, parents: tuple[str, ...], lead_days: int) -> None:
    """Kiểm tra nội dung kế hoạch với văn bản cấp trên: chỉ tiêu, nhiệm vụ, thời hạn, trích dẫn, cơ quan, thể thức."""
    from .rules.check import report_html, run_check

    report = run_check(plan_file, list(parents), lead_days)
    if fmt == "json":
        text_out = render_json(report.index, {"coverage": report.coverage, "parents": report.parents})
    elif fmt == "html":
        text_out = report_html(report, f"Kết quả kiểm tra kế hoạch {Path(plan_file).name}")
    else:
        body = render_text(report.index.sorted())
        header = f"Đối chiếu với: {', '.join(report.parents) or 'không có văn bản cấp trên trong thư viện'}"
        text_out = "\n".join(filter(None, [header, body, render_summary_line(report.index)]))
    if output:
        from .fileio import write_atomic

        write_atomic(Path(output), text_out.encode("utf-8"))
        click.echo(f"Đã ghi báo cáo: {output} — {render_summary_line(report.index)}")
    else:
        click.echo(text_out.rstrip("\n"))
    sys.exit(1 if report.index.has_errors else 0)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
def review(plan_file: str) -> None:
    """Xác nhận các liên kết tới mục của văn bản cấp trên (ghi dấu vân tay; giữ nguyên chú thích trong tệp)."""
    from .review import review as review_links

    confirmed, _ = review_links(Path(plan_file))
    click.echo(f"Đã xác nhận {confirmed} liên kết trong {plan_file}.")


@main.command()
@click.argument("parent_file", metavar="KE_HOACH_CAP_TREN.yaml")
@click.option("--unit", help="Đơn vị cấp dưới, kèm loại: 'quận Kiến An', 'xã Hòa Bình', 'phường …'.")
@click.option("--units", "units_file", type=click.Path(dir_okay=False), help="Tệp danh sách đơn vị, mỗi dòng một đơn vị.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp kế hoạch cấp dưới (với --unit).")
@click.option("-d", "--output-dir", type=click.Path(file_okay=False), help="Thư mục kết quả (với --units; mặc định generated/).")
@click.option("--lead-days", type=click.IntRange(min=0), default=5, show_default=True,
              help="Cấp dưới của đơn vị báo cáo sớm hơn hạn của đơn vị bao nhiêu ngày.")
def derive(parent_file: str, unit: str | None, units_file: str | None, output: str | None, output_dir: str | None,
           lead_days: int) -> None:
    """Lập dự thảo kế hoạch cấp dưới từ kế hoạch cấp trên (chạy lại vẫn giữ phần đã sửa tay)."""
    from .derive import derive as derive_plan, output_name, units_from_file
    from .errors import UsageError
    from .fileio import write_atomic

    if bool(unit) == bool(units_file):
        raise UsageError("cần đúng một trong hai: --unit ĐƠN_VỊ hoặc --units TỆP")
    parent = _load(parent_file)
    if unit:
        target = Path(output) if output else _default_output(output_name(unit, parent.plan.document.date.year), "").with_suffix(".yaml")
        text_out, report = derive_plan(parent, unit, target, lead_days)
        write_atomic(target, text_out.encode("utf-8"))
        click.echo(f"Đã tạo {target}: thêm {len(report.added)} mục, giữ nguyên {len(report.kept)} mục đã có.")
        for ref in report.changed_upstream:
            click.echo(f"  Cấp trên đã sửa {ref}: xem lại mục liên kết, rồi chạy kehoach review.")
        for ref in report.removed_upstream:
            click.echo(f"  Cấp trên đã bỏ {ref}: mục liên kết vẫn giữ, cần xem lại.")
        return
    units = units_from_file(Path(units_file))
    folder = Path(output_dir) if output_dir else _default_output("x", "").parent
    with click.progressbar(units, label="Lập kế hoạch cấp dưới", file=sys.stderr) as bar:
        for name in bar:
            target = folder / output_name(name, parent.plan.document.date.year)
            text_out, _ = derive_plan(parent, name, target, lead_days)
            write_atomic(target, text_out.encode("utf-8"))
    click.echo(f"Đã tạo {len(units)} kế hoạch trong {folder}.")


@main.command("new-year")
@click.argument("plan_file", metavar="KE_HOACH.yaml")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="Năm của kế hoạch mới.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp kế hoạch mới (mặc định generated/<tên>-<năm>.yaml).")
def new_year(plan_file: str, year: int, output: str | None) -> None:
    """Lập kế hoạch năm sau từ kế hoạch năm nay: dời năm, bỏ số và ngày, đổi tên cơ quan sau sắp xếp."""
    from .fileio import write_atomic
    from .newyear import new_year as roll

    loaded = _load(plan_file)
    text_out, report = roll(loaded, year)
    target = Path(output) if output else _default_output(f"{Path(plan_file).stem}-{year}", ".yaml")
    write_atomic(target, text_out.encode("utf-8"))
    click.echo(f"Đã tạo {target}.")
    for path, old, new in report.renamed:
        click.echo(f"  Đổi cơ quan [{path}]: {old} → {new}")
    for path, why in report.flagged:
        click.echo(f"  Cần xem lại [{path}]: {why}")
    if report.abolished:
        click.echo(f"  {len(report.abolished)} chỗ nhắc cơ quan cấp huyện (cấp huyện kết thúc 01/7/2025).")


@main.command("diff")
@click.argument("old_file", metavar="CU.yaml")
@click.argument("new_file", metavar="MOI.yaml")
@click.option("--json", "as_json", is_flag=True, help="In dưới dạng JSON.")
def diff_command(old_file: str, new_file: str, as_json: bool) -> None:
    """So sánh nội dung hai phiên bản kế hoạch: chỉ tiêu, nhiệm vụ, hạn báo cáo, căn cứ."""
    from .diff import render_diff, semantic_diff

    changes = semantic_diff(_load(old_file), _load(new_file))
    click.echo(json.dumps(changes, ensure_ascii=False, indent=2) if as_json else render_diff(changes))


@main.command("import")
@click.argument("source", metavar="VAN_BAN.docx|VAN_BAN.txt")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Tệp YAML kết quả (mặc định generated/<tên>.yaml).")
def import_command(source: str, output: str | None) -> None:
    """Nhập kế hoạch cũ (Word hoặc văn bản thuần) thành tệp YAML để sửa và dùng lại."""
    from .fileio import write_atomic
    from .importing import import_plan
    from .loading import load_plan

    result = import_plan(Path(source))
    target = Path(output) if output else _default_output(source, ".yaml")
    write_atomic(target, result.yaml_text.encode("utf-8"))
    click.echo(f"Đã tạo {target}" + (" (khớp hoàn toàn dữ liệu gốc của kehoach)." if result.exact else "."))
    if not result.exact:
        for what, count in result.recognised.items():
            click.echo(f"  Nhận ra {count} {what}")
        click.echo(f"  Giữ nguyên dạng văn bản: {result.prose} đoạn")
    _, index = load_plan(target)
    if index.has_errors:
        click.echo("Tệp vừa nhập còn chỗ cần sửa trước khi dùng:", err=True)
        click.echo(render_text(index.sorted()), err=True)


@main.command()
@click.argument("plan_file", metavar="KE_HOACH.yaml")
def text(plan_file: str) -> None:
    """In nội dung kế hoạch dưới dạng văn bản thuần, theo thứ tự đọc."""
    from .render.plain import plan_text

    click.echo(plan_text(_load(plan_file).plan), nl=False)


@main.command()
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Cổng của trang web.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; mặc định chỉ máy này truy cập được.")
@click.option("--db", envvar="KEHOACH_DB", help="Cơ sở dữ liệu (địa chỉ SQLAlchemy); mặc định SQLite trong thư mục dữ liệu của người dùng.")
def serve(port: int, host: str, db: str | None) -> None:
    """Mở trang web soạn, kiểm tra và tải kế hoạch (không cần sửa YAML)."""
    from .web import serve as run_server

    run_server(host=host, port=port, db=db)


if __name__ == "__main__":  # pragma: no cover
    main()
