"""Signatures as Phụ lục I draws them: the signer's image, the body's seal over its left third, the copy stamp.

Throw-away certificates and PNGs are made here; the rendered page is read back as pixels (pdftoppm) and compared
with the positions of the title line, the name and the signature fields.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from authoring.cli import main
from authoring.pdf.checks import _fonts_of, _xmp_value, PDFAID_NS, pdfa_problems
from authoring.pdf.finishing import COPY_FIELD, ORGAN_FIELD, SIGNER_FIELD
from authoring.pdf.signing import iso_time, VIETNAM
from helpers import example, self_signed_p12


def _p12(folder: Path, common_name: str, file_name: str):
    data, cert = self_signed_p12(common_name, b"mat-khau")
    path = folder / file_name
    path.write_bytes(data)
    return path, cert


@pytest.fixture(scope="session")
def kit(tmp_path_factory):
    """Certificates of the signer and of the body, a blue signature PNG and a red 36 mm seal PNG (300 dpi)."""
    from PIL import Image, ImageDraw

    folder = tmp_path_factory.mktemp("ky-so")
    signer = _p12(folder, "Bùi Đình Long", "nguoi-ky.p12")
    body = _p12(folder, "Ủy ban nhân dân tỉnh Nghệ An", "co-quan.p12")
    other = _p12(folder, "Trần Văn Khác", "nguoi-khac.p12")
    signature = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    ImageDraw.Draw(signature).line([(40, 170), (120, 60), (170, 190), (260, 50), (330, 180), (420, 80), (560, 150)],
                                   fill=(20, 40, 200, 255), width=9)
    signature.save(folder / "chu-ky.png", dpi=(300, 300))
    seal = Image.new("RGBA", (425, 425), (0, 0, 0, 0))  # 425 px at 300 dpi = 36 mm
    draw = ImageDraw.Draw(seal)
    draw.ellipse([4, 4, 420, 420], outline=(220, 0, 0, 255), width=14)
    draw.regular_polygon((212, 212, 50), 5, fill=(220, 0, 0, 255))
    seal.save(folder / "dau.png", dpi=(300, 300))
    return {"signer": signer, "body": body, "other": other, "image": folder / "chu-ky.png",
            "seal": folder / "dau.png", "dir": folder}


def _sign(runner, source: Path, p12: Path, target: Path, *extra: str):
    return runner.invoke(main, ["sign", str(source), "--p12", str(p12), "--password", "mat-khau", "-o", str(target),
                                *extra])


@pytest.fixture(scope="session")
def signed_twice(pdfs, kit, tmp_path_factory):
    """The Nghệ An plan signed by the signer (with the image), then by the body (with the seal)."""
    from click.testing import CliRunner

    runner = CliRunner()
    out = tmp_path_factory.mktemp("da-ky")
    first, second = out / "nguoi-ky.pdf", out / "co-quan.pdf"
    one = _sign(runner, pdfs[example("nghe-an").stem], kit["signer"][0], first, "--image", str(kit["image"]))
    assert one.exit_code == 0, one.output
    two = _sign(runner, first, kit["body"][0], second, "--field", ORGAN_FIELD, "--seal", str(kit["seal"]))
    assert two.exit_code == 0, two.output
    return {"signer": first, "body": second, "outputs": (one.output, two.output)}


def _validate(data: bytes, roots) -> dict:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from authoring.aio import run_async
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    trust = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in roots]
    out = {}
    for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        status = run_async(lambda: async_validate_pdf_signature(signature, ValidationContext(trust_roots=trust)))
        out[signature.field_name] = status
    return out


def _still_pdfa(data: bytes) -> None:
    assert pdfa_problems(data) == []
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert _xmp_value(xmp, PDFAID_NS, "part") == "2" and _xmp_value(xmp, PDFAID_NS, "conformance") == "B"
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert any(i.get_object()["/S"] == "/GTS_PDFA1" and i.get_object().get("/DestOutputProfile") for i in intents)
    fonts = [font for page in reader.pages for font in _fonts_of(page)]
    assert fonts and all(font["embedded"] for font in fonts)


def test_signer_then_body_every_signature_intact_and_still_pdfa(signed_twice, kit):
    roots = [kit["signer"][1], kit["body"][1]]
    after_signer = signed_twice["signer"].read_bytes()
    after_body = signed_twice["body"].read_bytes()
    for data, fields in ((after_signer, {SIGNER_FIELD}), (after_body, {SIGNER_FIELD, ORGAN_FIELD})):
        statuses = _validate(data, roots)
        assert set(statuses) == fields
        for status in statuses.values():
            assert status.intact and status.valid and status.trusted and status.docmdp_ok
        _still_pdfa(data)
    # The messages name the file, the certificate's subject and a signing time in ISO 8601, Vietnam time zone.
    for output, name in zip(signed_twice["outputs"], ("nghe-an-2025-kh-07.pdf", "nguoi-ky.pdf")):
        assert name in output and re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", output)


def _boxes(path: Path):
    reader = PdfReader(str(path))
    page_index = next(i for i in range(len(reader.pages) - 1, -1, -1) if reader.pages[i].get("/Annots"))
    page = reader.pages[page_index]
    fields = {str(a.get_object()["/T"]): [float(v) for v in a.get_object()["/Rect"]] for a in page["/Annots"]
              if a.get_object().get("/FT") == "/Sig"}
    hits = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            hits[text.strip()] = tm[5] * cm[3] + cm[5]

    page.extract_text(visitor_text=visit)
    return page_index, fields, hits, float(page.mediabox.height)


def _colour_box(pdf: Path, page_index: int, height: float, want: str):
    """Bounding box, in PDF points (origin bottom left), of the blue or red pixels of one page rendered at 72 dpi."""
    from PIL import Image

    prefix = pdf.with_name(f"{pdf.stem}-{want}")
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", "-f", str(page_index + 1), "-l", str(page_index + 1),
                    str(pdf), str(prefix)], check=True)
    image = Image.open(f"{prefix}.png").convert("RGB")
    xs, ys = [], []
    for y in range(image.height):
        for x in range(image.width):
            r, g, b = image.getpixel((x, y))
            if (want == "blue" and b > 150 and r < 90 and g < 110) or (want == "red" and r > 170 and g < 90 and b < 90):
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), height - max(ys), max(xs) + 1, height - min(ys)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="cần pdftoppm (poppler-utils)")
def test_images_sit_where_phu_luc_i_puts_them(signed_twice):
    pdf = signed_twice["body"]
    page_index, fields, hits, height = _boxes(pdf)
    person, seal_field = fields[SIGNER_FIELD], fields[ORGAN_FIELD]
    title_y, name_y = hits["PHÓ CHỦ TỊCH"], hits["Bùi Đình Long"]
    blue = _colour_box(pdf, page_index, height, "blue")
    red = _colour_box(pdf, page_index, height, "red")
    assert blue and red
    # The signature image: between the last title line and the name, centred on the signature column.
    assert name_y < blue[1] and blue[3] < title_y + 14
    assert abs((blue[0] + blue[2]) / 2 - (person[0] + person[2]) / 2) < 3
    # The seal: its real size (36 mm = 102 pt), its right edge on the left third of the signer's field -- or a
    # little left of it, clear of the title and the name (tests/pdf/test_seal_clearance.py) -- covering the left
    # part of the signature image.
    assert abs((red[2] - red[0]) - 102) < 4 and abs((red[3] - red[1]) - 102) < 4
    third = person[0] + (person[2] - person[0]) / 3
    assert third - 20 < red[2] <= third + 1
    assert red[0] < blue[0] < red[2] < blue[2]
    assert seal_field[0] <= red[0] and red[2] <= seal_field[2] + 1


def test_body_signature_shows_the_body_name_and_iso_time(signed_twice):
    reader = PdfReader(str(signed_twice["body"]))
    widget = next(a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])
                  if a.get_object().get("/T") == ORGAN_FIELD)
    text = _actual_text(widget)
    assert "Ủy ban nhân dân tỉnh Nghệ An" in text
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", text)


def _actual_text(widget) -> str:
    """The text of a pyHanko stamp, from its /ActualText entries (UTF-16)."""
    data = widget["/AP"]["/N"].get_object()
    streams = [data.get_data()]
    for xobject in (data.get("/Resources", {}).get("/XObject", {}) or {}).values():
        streams.append(xobject.get_object().get_data())
        for inner in (xobject.get_object().get("/Resources", {}).get("/XObject", {}) or {}).values():
            streams.append(inner.get_object().get_data())
    out = []
    for stream in streams:
        for raw in re.findall(rb"/ActualText \((.*?)\)\s*>>", stream, re.S):
            out.append(_pdf_string(raw.decode("latin-1").encode("latin-1").decode("unicode_escape").encode("latin-1")))
        for raw in re.findall(rb"/ActualText <([0-9A-Fa-f]+)>", stream):
            out.append(_pdf_string(bytes.fromhex(raw.decode())))
    return "\n".join(out)


def _pdf_string(data: bytes) -> str:
    """A PDF text string: UTF-16 with its byte-order mark, else PDFDocEncoding (ASCII here)."""
    return data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")


def test_body_cannot_sign_before_the_signer(pdfs, kit, runner, tmp_path):
    source = pdfs[example("nghe-an").stem]
    result = _sign(runner, source, kit["body"][0], tmp_path / "x.pdf", "--field", ORGAN_FIELD,
                   "--seal", str(kit["seal"]))
    assert result.exit_code == 1 and "K103" in result.output and source.name in result.output
    assert not (tmp_path / "x.pdf").exists() and "Traceback" not in result.output


def test_a_field_already_signed_is_refused_naming_the_file(signed_twice, kit, runner, tmp_path):
    result = _sign(runner, signed_twice["signer"], kit["signer"][0], tmp_path / "y.pdf")
    assert result.exit_code == 1 and "K102" in result.output and "nguoi-ky.pdf" in result.output
    assert "không rõ tệp" not in result.output


def test_certificate_of_someone_else_is_warned_about(pdfs, kit, runner, tmp_path):
    result = _sign(runner, pdfs[example("nghe-an").stem], kit["other"][0], tmp_path / "z.pdf")
    assert result.exit_code == 0, result.output
    assert "K110" in result.output and "Trần Văn Khác" in result.output and "Bùi Đình Long" in result.output
    assert "nghe-an-2025-kh-07.pdf" in result.output


def test_signer_without_image_gets_a_text_stamp_with_the_vietnam_time_zone(pdfs, kit, runner, tmp_path):
    out = tmp_path / "chu.pdf"
    result = _sign(runner, pdfs[example("kien-an").stem], kit["signer"][0], out)
    assert result.exit_code == 0, result.output
    widget = next(a.get_object() for p in PdfReader(str(out)).pages for a in (p.get("/Annots") or [])
                  if a.get_object().get("/T") == SIGNER_FIELD)
    text = _actual_text(widget)
    assert "Bùi Đình Long" in text and re.search(r"T\d\d:\d\d:\d\d\+07:00", text)
    _still_pdfa(out.read_bytes())


def test_electronic_copy_is_signed_top_right_of_page_1_in_10_pt_without_image(signed_twice, kit, runner, tmp_path):
    out = tmp_path / "ban-sao.pdf"
    result = _sign(runner, signed_twice["body"], kit["body"][0], out, "--field", COPY_FIELD)
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    widget = next(a.get_object() for a in page["/Annots"] if a.get_object().get("/T") == COPY_FIELD)
    rect = [float(v) for v in widget["/Rect"]]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert rect[2] > width * 0.85 and rect[3] > height - 20 and rect[1] > height - 70
    appearance = widget["/AP"]["/N"].get_object()
    streams = [appearance.get_data()] + [x.get_object().get_data() for x in
                                         (appearance.get("/Resources", {}).get("/XObject", {}) or {}).values()]
    joined = b" ".join(streams)
    assert b" 10 Tf" in joined and b"/Subtype /Image" not in joined
    text = _actual_text(widget)
    assert text.startswith("SAO Y") and "Số: 07/KH-UBND, ngày 06/01/2025" in text   # Phụ lục I, Phần II
    assert "Ủy ban nhân dân tỉnh Nghệ An" in text
    statuses = _validate(data, [kit["signer"][1], kit["body"][1]])
    assert set(statuses) == {SIGNER_FIELD, ORGAN_FIELD, COPY_FIELD} and all(s.intact for s in statuses.values())
    _still_pdfa(data)


def test_tsa_option_is_wired_and_fails_cleanly_without_network(pdfs, kit, runner, tmp_path):
    out = tmp_path / "tsa.pdf"
    result = _sign(runner, pdfs[example("nghe-an").stem], kit["signer"][0], out, "--tsa", "http://127.0.0.1:9/tsa")
    assert result.exit_code == 1, result.output
    assert "dấu thời gian" in result.output and "127.0.0.1:9" in result.output and "nghe-an-2025-kh-07.pdf" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_signing_time_is_iso_8601_with_the_vietnam_zone():
    moment = datetime.datetime(2025, 1, 6, 3, 20, 30, 123, tzinfo=datetime.timezone.utc)
    assert iso_time(moment) == "2025-01-06T10:20:30+07:00"
    assert iso_time(moment.astimezone(VIETNAM)) == "2025-01-06T10:20:30+07:00"


def test_a_seal_that_is_not_red_or_not_transparent_is_warned_about(pdfs, kit, runner, tmp_path, signed_twice):
    from PIL import Image

    flat = tmp_path / "dau-xanh.png"
    Image.new("RGBA", (425, 425), (0, 0, 200, 255)).save(flat, dpi=(300, 300))
    result = _sign(runner, signed_twice["signer"], kit["body"][0], tmp_path / "w.pdf", "--field", ORGAN_FIELD,
                   "--seal", str(flat))
    assert result.exit_code == 0, result.output
    assert "K111" in result.output and "K112" in result.output


def test_signing_from_code_that_already_runs_an_event_loop(pdfs, kit):
    """pyHanko signs asynchronously; kehoach's synchronous signing still works when the calling thread runs an event
    loop (a server's handler, a browser test), instead of failing with asyncio's 'cannot be called' refusal."""
    from authoring.aio import run_async
    from authoring.pdf.signing import sign_pdf

    source = next(iter(pdfs.values())).read_bytes()

    async def inside_a_loop():
        return sign_pdf(source, kit["signer"][0], "mat-khau", file="trong-vong-lap").data

    # Through run_async: a browser test earlier in the session may have left this thread inside a loop already.
    signed = run_async(inside_a_loop)
    assert signed.startswith(b"%PDF") and len(signed) > len(source)
    assert any(f.get("/FT") == "/Sig" and f.get("/V") is not None
               for f in PdfReader(io.BytesIO(signed)).get_fields().values())
