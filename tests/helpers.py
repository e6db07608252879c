"""Paths shared by the tests: the examples, the fixtures, the seed texts (tests/fixtures/seeds)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "plans" / "examples").glob("*.yaml"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINIMAL = FIXTURES / "minimal.yaml"
SEEDS_DIR = FIXTURES / "seeds"


def example(name: str) -> Path:
    """The example plan whose file name contains *name*."""
    matches = [p for p in EXAMPLES if name in p.name]
    assert len(matches) == 1, f"{name}: {matches}"
    return matches[0]


def self_signed_p12(common_name: str, password: bytes, days: int = 30):
    """A throw-away signing certificate made at test time: (PKCS#12 bytes, certificate)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name), x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=days))
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(b"k", key, cert, None, serialization.BestAvailableEncryption(password))
    return data, cert


# Debian's Chromium for the browser tests (tests/web, tests/workspace): Playwright cannot download its own here.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--lang=vi-VN"]


def province_plan(province, folder: Path) -> Path:
    """A small 2026 plan of *province* (a loading.units.Province) giving duties to its communes, written in *folder*."""
    from authoring.text import upper_keep_symbols

    text = (FIXTURES / "units" / "province-plan.yaml").read_text(encoding="utf-8")
    for field, value in (("@ID@", province.id), ("@FULL@", province.name), ("@HEADER@", upper_keep_symbols(province.name)),
                         ("@PLACE@", province.short_name), ("@SHORT@", province.short_name)):
        text = text.replace(field, value)
    path = folder / f"{province.id}-2026.yaml"
    path.write_text(text, encoding="utf-8")
    return path
