"""A Báo cáo as DOCX: the plans' ND30 rendering of its body, then its annex tables, each a Phụ lục of its own."""

from __future__ import annotations

from ..loading import LoadedPlan
from .docx import add_grid_table, annex_reference, render_docx, start_annex

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def render_report_docx(loaded: LoadedPlan, tables: list[tuple[str, list[tuple[str, float]], list[list[str]]]]) -> bytes:
    """*tables* are (title, columns as (heading, width cm), rows); one table is 'Phụ lục', several 'Phụ lục I, II…'."""
    if len(tables) > len(ROMAN):
        raise ValueError("too many annexes")

    def add_annexes(document) -> None:
        for i, (title, columns, rows) in enumerate(tables):
            label = "Phụ lục" if len(tables) == 1 else f"Phụ lục {ROMAN[i]}"
            start_annex(document, label, title, annex_reference(loaded.plan))
            add_grid_table(document, columns, rows)

    return render_docx(loaded, add_annexes=add_annexes)
