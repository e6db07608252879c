"""DOCX files to finished PDF/A files: a pool of LibreOffice workers for the batch, every output written whole."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..fileio import write_atomic
from .office import convert_to_pdf
from .checks import require_pdfa
from .finishing import finish_pdf
from .metadata import meta_from_docx


def docx_to_pdf(pairs: list[tuple[Path, Path]], progress: Callable[[Path], None] | None = None) -> list[Path]:
    """Convert (docx, pdf) pairs; each PDF is finished, checked as PDF/A, then written atomically."""
    raw = convert_to_pdf([docx for docx, _ in pairs], progress)
    written = []
    for docx, target in pairs:
        from ..ooxml.safety import damaged_document

        with damaged_document(docx, "P100"):
            meta = meta_from_docx(Path(docx))
        data = finish_pdf(raw[Path(docx)], meta)
        require_pdfa(data, str(target))
        write_atomic(Path(target), data)
        written.append(Path(target))
    return written
