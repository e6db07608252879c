"""The one writer of reports: findings and the coverage matrix as terminal text, JSON or HTML, to a file or the screen."""

from __future__ import annotations

from pathlib import Path

from .findings import FindingIndex
from .fileio import write_atomic

FORMATS = ("text", "json", "html")


def render_text(findings, colour: bool = False) -> str:
    """Findings as terminal lines: ``file:line:col: lỗi L110 [path] message`` plus a fix line."""
    lines = []
    for f in findings:
        where = f" [{f.path}]" if f.path else ""
        lines.append(f"{f.location}: {f.severity.label} {f.code}{where}: {f.message}")
        if f.suggestion:
            lines.append(f"    → Cách sửa: {f.suggestion}")
    return "\n".join(lines)


def render_summary_line(index: FindingIndex) -> str:
    s = index.summary()
    return f"{s['errors']} lỗi, {s['warnings']} cảnh báo, {s['infos']} thông tin."


def render_json(index: FindingIndex, extra: dict | None = None) -> str:
    import json  # text reports, the usual case, need neither json nor html

    data = {"findings": [f.to_dict() for f in index.sorted()], "summary": index.summary()}
    if extra:
        data.update(extra)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def render_html(index: FindingIndex, title: str, extra_sections: str = "") -> str:
    """A self-contained HTML report a department head can read."""
    import html

    rows = []
    for f in index.sorted():
        rows.append(
            "<tr class='{sev}'><td>{label}</td><td><code>{code}</code></td><td>{loc}</td>"
            "<td>{path}</td><td>{msg}</td><td>{fix}</td></tr>".format(
                sev=f.severity.value, label=html.escape(f.severity.label), code=html.escape(f.code),
                loc=html.escape(f.location), path=html.escape(f.path or ""),
                msg=html.escape(f.message), fix=html.escape(f.suggestion or ""),
            )
        )
    s = index.summary()
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: "Times New Roman", serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #999; padding: 4px 6px; vertical-align: top; }}
tr.error td:first-child {{ color: #b00; font-weight: bold; }}
tr.warning td:first-child {{ color: #a60; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p>{s['errors']} lỗi, {s['warnings']} cảnh báo, {s['infos']} thông tin.</p>
<table><thead><tr><th>Mức độ</th><th>Mã</th><th>Vị trí</th><th>Trường</th><th>Nội dung</th><th>Cách sửa</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody></table>
{extra_sections}
</body></html>
"""


def findings_report(index: FindingIndex, fmt: str, title: str, files: int) -> str:
    """Findings of one or more files as text (with a count line), JSON or HTML."""
    if fmt == "json":
        return render_json(index)
    if fmt == "html":
        return render_html(index, title)
    text = render_text(index.sorted())
    return (text + "\n" if text else "") + f"{files} tệp: " + render_summary_line(index)


def _status_label(status: str | None) -> str:
    from .model import Status

    return Status(status).label if status else ""


def coverage_html(coverage: list[dict]) -> str:
    """The coverage matrix: each parent duty addressed to this level, and what takes it up."""
    import html

    if not coverage:
        return "<h2>Ma trận bao phủ nhiệm vụ</h2><p>Không có nhiệm vụ cấp trên nào giao cho cấp này trong thư viện.</p>"
    rows = []
    for row in coverage:
        ok = bool(row["covered_by"]) and bool(row["lead"])
        mark = "✔" if ok else ("⚠" if row["covered_by"] else "✘")
        rows.append(f"<tr class='{'ok' if ok else 'missing'}'><td>{mark}</td><td><code>{html.escape(row['parent'])}</code></td>"
                    f"<td>{html.escape(row['text'])}</td><td>{html.escape(', '.join(row['covered_by']))}</td>"
                    f"<td>{html.escape(', '.join(row.get('lead_names') or row['lead']))}</td><td>{html.escape(_status_label(row['status']))}</td></tr>")
    return ("<h2>Ma trận bao phủ nhiệm vụ cấp trên</h2><table><thead><tr><th></th><th>Mục cấp trên</th><th>Nội dung</th>"
            "<th>Mục của kế hoạch</th><th>Cơ quan chủ trì</th><th>Độ tin cậy dữ liệu</th></tr></thead><tbody>"
            + "\n".join(rows) + "</tbody></table>")


def check_report(report, fmt: str, title: str) -> str:
    """A `kehoach check` report (findings, the parents compared with, the coverage matrix) as text, JSON or HTML."""
    import html

    if fmt == "json":
        return render_json(report.index, {"coverage": report.coverage, "parents": report.parents})
    if fmt == "html":
        parents = ", ".join(report.parent_names or report.parents) or "không có"
        extra = f"<p>Văn bản cấp trên đã đối chiếu: {html.escape(parents)}</p>" + coverage_html(report.coverage)
        return render_html(report.index, title, extra)
    header = f"Đối chiếu với: {', '.join(report.parent_names or report.parents) or 'không có văn bản cấp trên trong thư viện'}"
    return "\n".join(filter(None, [header, render_text(report.index.sorted()), render_summary_line(report.index)]))


def deliver(text: str, output: Path | str | None, echo, summary: str | None = None) -> None:
    """Write a report whole to *output* (saying so, with *summary*), or show it with *echo* when there is none."""
    if output:
        write_atomic(Path(output), text.encode("utf-8"))
        echo(f"Đã ghi báo cáo: {output}" + (f" — {summary}" if summary else ""))
    else:
        echo(text.rstrip("\n"))
