"""DOCX files to finished PDF/A files: a pool of LibreOffice workers for the batch, every output written whole."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from ..fileio import write_atomic
from .office import convert_to_pdf
from .checks import require_pdfa
from .finishing import finish_pdf
from .metadata import meta_from_docx
from .tail import tail_split_docx


def docx_to_pdf(pairs: list[tuple[Path, Path]], progress: Callable[[Path], None] | None = None,
                workers: int | None = None) -> list[Path]:
    """Convert (docx, pdf) pairs; each PDF is finished, checked as PDF/A, then written atomically as soon as
    LibreOffice has made it (the finishing overlaps the conversion of the next files). *workers*: LibreOffice
    processes side by side (default one per core; 1 where the caller already runs one job per core)."""
    from ..ooxml.safety import damaged_document

    targets: dict[Path, list[Path]] = {}
    for docx, target in pairs:
        targets.setdefault(Path(docx), []).append(Path(target))

    def finish(docx: Path, raw: bytes) -> None:
        with damaged_document(docx, "P100"):
            meta = meta_from_docx(docx)
        data = finish_pdf(raw, meta)
        for target in targets[docx]:
            require_pdfa(data, str(target))
            write_atomic(target, data)
        if progress:
            progress(docx)

    # A last paragraph moved whole with the closing block: LibreOffice lays out once more a copy of the DOCX whose
    # last paragraph is cut before its last two lines (tail.py), after this batch: one more LibreOffice start.
    from .guarded import owned_tempdir

    again: dict[Path, Path] = {}
    order = {docx: index for index, docx in enumerate(targets)}
    with owned_tempdir() as folder:   # named after this process: a kill -9 leaves it to the next run to remove
        def first(docx: Path, raw: bytes) -> None:
            try:
                cut = tail_split_docx(docx, raw)
            except Exception:   # only a better page break is lost: the first layout stands, the PDF is still made
                logging.getLogger("kehoach.pdf").warning("không dàn lại được đoạn cuối của %s", docx, exc_info=True)
                cut = None
            if cut is None:
                finish(docx, raw)
                return
            copy = folder / f"{order[docx]:05d}-{docx.name}"   # by input order, not arrival: the same name each run
            copy.write_bytes(cut)
            again[copy] = docx

        convert_to_pdf(list(targets), workers=workers, on_pdf=first)
        if again:
            convert_to_pdf(sorted(again), workers=1, on_pdf=lambda copy, raw: finish(again[copy], raw))
    return [Path(target) for _, target in pairs]
