"""Pictures for docs/pdf.md: one plan before signing, after the signer, after the body (and an electronic copy).

    .venv/bin/python scripts/pdf_pictures.py        # writes docs/pdf/*.png (needs LibreOffice and pdftoppm)

Throw-away certificates and a sample signature and seal (marked MẪU) are made on the fly; nothing here is a real
signature. The signing times in the pictures are the times the script ran.
"""

from __future__ import annotations

import datetime
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from authoring.cli import main  # noqa: E402
from authoring.pdf.signing import _source_font  # noqa: E402

PLAN = ROOT / "plans" / "examples" / "hai-phong-kien-an-2024-kh-chua-so.yaml"
OUT = ROOT / "docs" / "pdf"


def _p12(folder: Path, common_name: str, name: str) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    path = folder / name
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"k", key, cert, None,
                                                           serialization.BestAvailableEncryption(b"mau")))
    return path


def _images(folder: Path) -> tuple[Path, Path]:
    from PIL import Image, ImageDraw, ImageFont

    font = str(_source_font())
    signature = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(signature)
    draw.line([(40, 170), (120, 60), (170, 190), (260, 50), (330, 180), (420, 80), (560, 150)],
              fill=(20, 40, 200, 255), width=9, joint="curve")
    draw.text((250, 195), "MẪU", fill=(20, 40, 200, 255), font=ImageFont.truetype(font, 36))
    signature.save(folder / "chu-ky-mau.png", dpi=(300, 300))
    seal = Image.new("RGBA", (425, 425), (0, 0, 0, 0))  # 425 px at 300 dpi: 36 mm
    draw = ImageDraw.Draw(seal)
    red = (210, 0, 0, 255)
    draw.ellipse([4, 4, 420, 420], outline=red, width=12)
    draw.ellipse([70, 70, 355, 355], outline=red, width=5)
    draw.regular_polygon((212, 190, 45), 5, rotation=0, fill=red)
    draw.text((212, 275), "MẪU", fill=red, font=ImageFont.truetype(font, 56), anchor="mm")
    seal.save(folder / "dau-mau.png", dpi=(300, 300))
    return folder / "chu-ky-mau.png", folder / "dau-mau.png"


def _run(*args: str) -> None:
    try:
        main([*args], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise


def _picture(pdf: Path, page: int, name: str, dpi: int, crop: tuple[int, int, int, int] | None = None) -> None:
    command = ["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(page), "-l", str(page)]
    if crop:
        x, y, w, h = (round(v * dpi / 72) for v in crop)
        command += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run([*command, str(pdf), str(OUT / name)], check=True)


def main_pictures() -> None:
    from pypdf import PdfReader

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kehoach-anh-") as tmp:
        folder = Path(tmp)
        image, seal = _images(folder)
        signer = _p12(folder, "Nguyễn Phong Doanh", "nguoi-ky.p12")
        body = _p12(folder, "Ủy ban nhân dân quận Kiến An", "co-quan.p12")
        # The PDF leaves số and ngày blank; the body's signature fills them (số 12, ngày 02/4/2024).
        _run("render", "--pdf", str(PLAN), "-o", str(folder / "ke-hoach.docx"))
        issued = folder / "ke-hoach.pdf"
        after_signer, after_body, copy = folder / "1.pdf", folder / "2.pdf", folder / "3.pdf"
        _run("sign", str(issued), "--p12", str(signer), "--password", "mau", "--image", str(image), "-o", str(after_signer))
        _run("sign", str(after_signer), "--p12", str(body), "--password", "mau", "--field", "ChuKyCoQuan",
             "--seal", str(seal), "--number", "12", "--date", "02/04/2024", "-o", str(after_body))
        _run("sign", str(after_body), "--p12", str(body), "--password", "mau", "--field", "ChuKyBanSao", "-o", str(copy))
        last = len(PdfReader(str(issued)).pages)
        for pdf, stem in ((issued, "1-truoc-khi-ky"), (after_signer, "2-nguoi-ky-da-ky"), (after_body, "3-co-quan-da-ky")):
            _picture(pdf, last, f"{stem}-trang-{last}", 50)
            _picture(pdf, last, f"{stem}-khoi-chu-ky", 110, crop=_closing_box(pdf, last))
        _picture(copy, 1, "4-ban-sao-dien-tu-trang-1", 110, crop=(240, 0, 355, 110))
        for pdf, stem in ((after_signer, "5-so-ngay-truoc-khi-co-quan-ky"), (after_body, "6-so-ngay-sau-khi-co-quan-ky")):
            _picture(pdf, 1, stem, 80, crop=(60, 40, 500, 90))
    for picture in sorted(OUT.glob("*.png")):
        print(f"Đã tạo {picture.relative_to(ROOT)}")


def _closing_box(pdf: Path, page_number: int) -> tuple[int, int, int, int]:
    """The closing block of a page, in points from the top left: from 'Nơi nhận:' to under the signer's name."""
    from pypdf import PdfReader

    page = PdfReader(str(pdf)).pages[page_number - 1]
    height = float(page.mediabox.height)
    ys = []

    def visit(text, cm, tm, font, size):
        if text.strip().startswith("Nơi nhận"):
            ys.append(tm[5] * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    top = height - (ys[0] if ys else height / 2) - 20
    return 60, max(0, int(top)), 520, 230


if __name__ == "__main__":
    main_pictures()
