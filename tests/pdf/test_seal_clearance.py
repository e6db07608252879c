"""The body's seal never touches a letter of the signer's block, however long the title or the name.

Variants of the Nghệ An plan with long titles and names are rendered, converted, signed by the signer (image)
and the body (a round 36 mm seal, and a 42 mm one, the largest the field holds); the last page is read back as
pixels and no red pixel may fall inside the box of any word of the signer's block (pdftotext -bbox of the unsigned
PDF); with a short title and name, inside no word of the page at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from authoring.pdf.finishing import ORGAN_FIELD, SIGNER_FIELD, seal_right_clear_of
from helpers import example
from test_signing import _sign, kit  # noqa: F401  (kit is a fixture)

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
                                reason="cần pdftoppm, pdftotext (poppler-utils)")

VARIANTS = {
    "dai": ("    - PHÓ CHỦ TỊCH THƯỜNG TRỰC", "Nguyễn Thị Phương Thảo Nguyên"),
    "rat-dai": ("    - PHÓ CHỦ TỊCH THƯỜNG TRỰC ỦY BAN NHÂN DÂN", "Tôn Nữ Hoàng Thị Phương Thảo Nguyên"),
    "ngan": ("    - PHÓ CHỦ TỊCH", "Bùi Đình Long"),
}


@pytest.fixture(scope="session")
def long_blocks(tmp_path_factory):
    from authoring.loading import load_plan_or_raise
    from authoring.pdf.convert import docx_to_pdf
    from authoring.render.docx import render_docx

    source = example("nghe-an")
    text = source.read_text(encoding="utf-8")
    out = tmp_path_factory.mktemp("con-dau")
    pairs = []
    for stem, (title, name) in VARIANTS.items():
        variant = text.replace("    - PHÓ CHỦ TỊCH\n", f"{title}\n").replace("name: Bùi Đình Long", f"name: {name}")
        plan = source.with_name(f".tmp-seal-{stem}.yaml")   # beside the example: the registry resolves the same way
        plan.write_text(variant, encoding="utf-8")
        try:
            docx = out / f"{stem}.docx"
            docx.write_bytes(render_docx(load_plan_or_raise(plan)))
        finally:
            plan.unlink()
        pairs.append((docx, out / f"{stem}.pdf"))
    docx_to_pdf(pairs)
    return {stem: out / f"{stem}.pdf" for stem in VARIANTS}


def _seal_png(folder: Path, millimetres: int) -> Path:
    from PIL import Image, ImageDraw

    side = round(millimetres / 25.4 * 300)
    seal = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse([3, 3, side - 3, side - 3], outline=(220, 0, 0, 255), width=14)
    draw.regular_polygon((side // 2, side // 2, side // 8), 5, fill=(220, 0, 0, 255))
    path = folder / f"dau-{millimetres}.png"
    seal.save(path, dpi=(300, 300))
    return path


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def _red_pixels(pdf: Path, page: int, folder: Path) -> set[tuple[int, int]]:
    """Red pixels of one page at 72 dpi (one pixel a point), origin top left like pdftotext's boxes."""
    from PIL import Image

    prefix = folder / f"{pdf.stem}-{page}"
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(prefix)], check=True)
    image = Image.open(f"{prefix}.png").convert("RGB")
    return {(x, y) for y in range(image.height) for x in range(image.width)
            if (lambda r, g, b: r > 170 and g < 90 and b < 90)(*image.getpixel((x, y)))}


@pytest.mark.parametrize("stem", list(VARIANTS))
@pytest.mark.parametrize("millimetres", [36, 42])
def test_seal_touches_no_word_of_the_page(long_blocks, kit, runner, tmp_path, stem, millimetres):
    pdf = long_blocks[stem]
    title, name = VARIANTS[stem]
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert _sign(runner, pdf, kit["signer"][0], first, "--image", str(kit["image"])).exit_code == 0
    result = _sign(runner, first, kit["body"][0], second, "--field", ORGAN_FIELD, "--seal",
                   str(_seal_png(tmp_path, millimetres)))
    assert result.exit_code == 0, result.output
    page = len(PdfReader(str(pdf)).pages)
    words = _words(pdf, page)
    if stem != "ngan":   # long lines: the signer's block is kept clear; the recipients' column may not be
        block_top = min(y0 for w, x0, y0, x1, y1 in words if w == "TM.")
        words = [w for w in words if w[1] > 300 and w[2] >= block_top - 1]
    assert any(w == name.split()[-1] for w, *_ in words) and any(w == title.split()[-1] for w, *_ in words)
    red = _red_pixels(second, page, tmp_path)
    assert len(red) > 300   # the seal is drawn
    touched = sorted({w for w, x0, y0, x1, y1 in words for (x, y) in red
                      if x0 - 0.5 <= x <= x1 + 0.5 and y0 - 0.5 <= y <= y1 + 0.5})
    assert touched == [], f"ảnh dấu đè lên chữ: {touched}"


def test_seal_keeps_to_the_left_third_when_the_lines_leave_room(long_blocks):
    """A short name: the field's right edge is on the left third of the signer's field, as Phụ lục I draws it."""
    fields = {}
    reader = PdfReader(str(long_blocks["ngan"]))
    for annotation in reader.pages[-1].get("/Annots", []):
        widget = annotation.get_object()
        fields[str(widget["/T"])] = [float(v) for v in widget["/Rect"]]
    signer, organ = fields[SIGNER_FIELD], fields[ORGAN_FIELD]
    third = signer[0] + (signer[2] - signer[0]) / 3
    assert organ[2] <= third + 0.01 and organ[2] > third - 40


def test_clearance_geometry():
    # A line right of the seal's centre at its height: the seal ends 2 pt before it.
    assert seal_right_clear_of([(300.0, 95.0, 400.0, 105.0)], 100.0, 50.0) == pytest.approx(298.0)
    # A line far above or below does not matter.
    assert seal_right_clear_of([(300.0, 200.0, 400.0, 210.0)], 100.0, 50.0) == float("inf")
    # A line that only grazes the circle's top lets the seal reach further right than a line at its centre.
    assert 298.0 < seal_right_clear_of([(300.0, 145.0, 400.0, 160.0)], 100.0, 50.0) < 350.0
