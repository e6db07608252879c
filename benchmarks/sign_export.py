"""Signing (signer with image, body with seal, electronic copy) and edXML export times on the Nghệ An plan.

    .venv/bin/python benchmarks/sign_export.py [--runs 5]

Prints the median of each step in seconds and the sizes; the PDF is made once (LibreOffice) before timing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from authoring.loading import load_plan_or_raise  # noqa: E402
from authoring.pdf.convert import docx_to_pdf  # noqa: E402
from authoring.pdf.edxml import build_edxml, edxml_problems, from_plan  # noqa: E402
from authoring.pdf.finishing import COPY_FIELD, ORGAN_FIELD, SIGNER_FIELD  # noqa: E402
from authoring.pdf.signing import sign_pdf  # noqa: E402
from authoring.render.docx import render_docx  # noqa: E402
from pdf_pictures import _images, _p12  # noqa: E402

PLAN = ROOT / "plans" / "examples" / "nghe-an-2025-kh-07.yaml"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    loaded = load_plan_or_raise(PLAN)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "ke-hoach.docx"
        docx.write_bytes(render_docx(loaded))
        docx_to_pdf([(docx, folder / "ke-hoach.pdf")])
        pdf = (folder / "ke-hoach.pdf").read_bytes()
        image, seal = _images(folder)
        signer, body = _p12(folder, "Bùi Đình Long", "a.p12"), _p12(folder, "Ủy ban nhân dân tỉnh Nghệ An", "b.p12")
        times: dict[str, list[float]] = {}
        sizes: dict[str, int] = {"PDF chưa ký": len(pdf)}
        for _ in range(runs):
            start = time.perf_counter()
            one = sign_pdf(pdf, signer, "mau", SIGNER_FIELD, image=image).data
            middle = time.perf_counter()
            two = sign_pdf(one, body, "mau", ORGAN_FIELD, seal=seal).data
            end = time.perf_counter()
            three = sign_pdf(two, body, "mau", COPY_FIELD).data
            final = time.perf_counter()
            envelope = build_edxml(from_plan(loaded, two, "ke-hoach.pdf"))
            exported = time.perf_counter()
            assert edxml_problems(envelope) == []
            validated = time.perf_counter()
            for name, value in (("ký người ký (có ảnh)", middle - start), ("ký cơ quan (có dấu)", end - middle),
                                ("ký bản sao điện tử", final - end), ("xuất edXML", exported - final),
                                ("kiểm lược đồ edXML", validated - exported)):
                times.setdefault(name, []).append(value)
            sizes.update({"sau người ký": len(one), "sau cơ quan": len(two), "sau bản sao": len(three),
                          "gói tin edXML": len(envelope)})
    for name, values in times.items():
        print(f"{name}: {statistics.median(values):.3f} s (trung vị {runs} lần)")
    for name, size in sizes.items():
        print(f"{name}: {size:,} byte".replace(",", " "))


if __name__ == "__main__":
    main()
