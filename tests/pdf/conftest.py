"""Fixtures shared by the PDF tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from authoring.pdf.convert import docx_to_pdf


@pytest.fixture(scope="session")
def pdfs(rendered, tmp_path_factory) -> dict[str, Path]:
    """Every rendered seed as a finished PDF, converted in one LibreOffice batch."""
    out = tmp_path_factory.mktemp("pdf")
    pairs = [(docx, out / f"{stem}.pdf") for stem, docx in rendered.items()]
    docx_to_pdf(pairs)
    return {stem: out / f"{stem}.pdf" for stem in rendered}
