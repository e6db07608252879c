"""The body's seal covers the left third of the signature image and touches no printed letter, whatever the layout.

The five examples, two commune plans derived from the Nghệ An plan and variants of it with long titles and names are
rendered, converted, signed by the signer (a blue 50 × 20 mm signature image) and by the body (a red round seal of
36 mm and of 42 mm, the largest the field holds); the signed last page is read back as pixels (pdftoppm, 72 dpi: one
pixel a point). The signature image's box is its blue pixels; the seal must reach 25–40 % across it from the left
(Phụ lục I, ô 8: about a third), no red pixel may fall on a word of the unsigned page (pdftotext -bbox), and the
caption under the seal (the body's name and signing time) may overlap no word either.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from authoring.pdf.finishing import ORGAN_FIELD
from helpers import example
from test_signing import kit  # noqa: F401  (kit is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                reason="cần pdftoppm, pdftotext (poppler-utils)")

VARIANTS = {
    "dai": ("    - PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Nguyễn Thị Phương Thảo Nguyên"),
    "rat-dai": ("    - PHÓ CHỦ TỊCH THƯỜNG TRỰC ỦY BAN NHÂN DÂN", "Tôn Nữ Hoàng Thị Phương Thảo Nguyên"),
}
COMMUNES = {"xa-que-phong": "xã Quế Phong", "xa-con-cuong": "xã Con Cuông"}
SEALS_MM = (36, 42)


def _plans(folder: Path) -> dict[str, Path]:
    """The examples, two derived commune plans and the long-title variants: stem → plan file."""
    from authoring.lifecycle.derive import derive
    from authoring.loading import load_plan_or_raise

    from helpers import EXAMPLES

    plans = {path.stem: path for path in EXAMPLES}
    parent = example("nghe-an")
    for stem, unit in COMMUNES.items():
        target = folder / f"{stem}.yaml"
        text, _ = derive(load_plan_or_raise(parent), unit, target)
        target.write_text(text, encoding="utf-8")
        plans[stem] = target
    for stem, (title, name) in VARIANTS.items():
        text = parent.read_text(encoding="utf-8")
        plans[stem] = (text.replace("    - PHÓ CHỦ TỊCH\n", f"{title}\n").replace("name: Bùi Đình Long", f"name: {name}"))
    return plans


@pytest.fixture(scope="session")
def signed_pages(kit, tmp_path_factory):
    """stem, seal size → (unsigned PDF, signed PDF, last page number)."""
    from authoring.lifecycle.issue import issued_copy
    from authoring.loading import load_plan_or_raise
    from authoring.pdf.convert import docx_to_pdf
    from authoring.pdf.issuing import IssueValues, printed_date
    from authoring.pdf.signing import sign_pdf
    from authoring.render.docx import render_docx

    out = tmp_path_factory.mktemp("dau-phu-chu-ky")
    pairs = []
    for stem, plan in _plans(out).items():
        if isinstance(plan, str):   # a variant: written beside the example, so the registry resolves the same way
            path = example("nghe-an").with_name(f".tmp-seal-{stem}.yaml")
            path.write_text(plan, encoding="utf-8")
            try:   # a changed plan is issued anew (its issue record names the new content), as Nghệ An's 07
                loaded = issued_copy(load_plan_or_raise(path), 7, "06/01/2025")
            finally:
                path.unlink()
        else:
            loaded = load_plan_or_raise(plan)
        docx = out / f"{stem}.docx"
        docx.write_bytes(render_docx(loaded))
        pairs.append((docx, out / f"{stem}.pdf"))
    docx_to_pdf(pairs)
    signed = {}
    for _, pdf in pairs:
        data = pdf.read_bytes()
        first = sign_pdf(data, kit["signer"][0], "mat-khau", image=kit["image"]).data
        year, month = printed_date(data)
        issue = IssueValues(7, date(year, month or 1, 6)) if _blank_number(pdf) else None
        for millimetres in SEALS_MM:
            second = sign_pdf(first, kit["body"][0], "mat-khau", field=ORGAN_FIELD, seal=_seal_png(out, millimetres),
                              issue=issue).data
            target = out / f"{pdf.stem}-{millimetres}.pdf"
            target.write_bytes(second)
            signed[pdf.stem, millimetres] = (pdf, target, len(PdfReader(io.BytesIO(second)).pages))
    return signed


def _blank_number(pdf: Path) -> bool:
    from authoring.pdf.finishing import NUMBER_FIELD

    return any(a.get_object().get("/T") == NUMBER_FIELD for a in PdfReader(str(pdf)).pages[0].get("/Annots", []))


def _seal_png(folder: Path, millimetres: int) -> Path:
    from PIL import Image, ImageDraw

    path = folder / f"dau-{millimetres}.png"
    if not path.exists():
        side = round(millimetres / 25.4 * 300)
        seal = Image.new("RGBA", (side, side), (0, 0, 0, 0))
        draw = ImageDraw.Draw(seal)
        draw.ellipse([3, 3, side - 3, side - 3], outline=(220, 0, 0, 255), width=14)
        draw.regular_polygon((side // 2, side // 2, side // 8), 5, fill=(220, 0, 0, 255))
        seal.save(path, dpi=(300, 300))
    return path


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def _masks(pdf: Path, page: int):
    """(red mask, blue mask) of one page at 72 dpi, origin top left like pdftotext's boxes."""
    from PIL import Image, ImageChops

    prefix = pdf.with_name(f"{pdf.stem}-anh")
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(prefix)], check=True)
    red, green, blue = Image.open(f"{prefix}.png").convert("RGB").split()

    def above(channel, level):
        return channel.point(lambda v: 255 if v > level else 0, mode="1")

    def below(channel, level):
        return channel.point(lambda v: 255 if v < level else 0, mode="1")

    is_red = ImageChops.logical_and(ImageChops.logical_and(above(red, 170), below(green, 90)), below(blue, 90))
    is_blue = ImageChops.logical_and(ImageChops.logical_and(above(blue, 150), below(red, 100)), below(green, 120))
    return is_red, is_blue


def seal_coverage(red, blue) -> float:
    """How far across the signature image (the box of its blue pixels) the seal reaches from the left, 0 to 1."""
    x0, y0, x1, y1 = blue.getbbox()
    over = red.crop((x0, y0, x1, y1)).getbbox()
    return over[2] / (x1 - x0) if over else 0.0


def red_on_words(red, words) -> list[str]:
    """The words with a red pixel in their box."""
    return sorted({w for w, x0, y0, x1, y1 in words
                   if red.crop((int(x0), int(y0), int(x1 + 1), int(y1 + 1))).getbbox() is not None})


def test_seal_covers_a_third_of_the_signature_and_no_letter(signed_pages):
    failures = []
    assert len({stem for stem, _ in signed_pages}) == 5 + len(COMMUNES) + len(VARIANTS)
    for (stem, millimetres), (unsigned, signed, page) in sorted(signed_pages.items()):
        red, blue = _masks(signed, page)
        assert blue.getbbox() and red.getbbox(), f"{stem} {millimetres} mm: chưa thấy chữ ký, dấu"
        seal = red.getbbox()
        assert abs((seal[2] - seal[0]) - millimetres / 25.4 * 72) < 4, f"{stem} {millimetres} mm: {seal}"   # real size
        coverage = seal_coverage(red, blue)
        if not 0.25 <= coverage <= 0.40:
            failures.append(f"{stem} {millimetres} mm: dấu trùm {coverage:.0%} chữ ký")
        words = _words(unsigned, page)
        touched = red_on_words(red, words)
        if touched:
            failures.append(f"{stem} {millimetres} mm: dấu đè lên chữ {touched}")
        printed = {(w, round(x0), round(y0)) for w, x0, y0, *_ in words}
        caption = [w for w in _words(signed, page) if (w[0], round(w[1]), round(w[2])) not in printed]
        assert any("Nghệ An" in w[0] for w in caption), f"{stem}: chưa thấy tên cơ quan dưới dấu"
        crossed = sorted({c[0] for c in caption for w in words
                          if c[1] < w[3] and w[1] < c[3] and c[2] < w[4] and w[2] < c[4]})
        if crossed:
            failures.append(f"{stem} {millimetres} mm: tên cơ quan, thời gian ký đè lên chữ {crossed}")
    assert failures == []
