"""The ND30 Phụ lục VI fields of a plan, as a DOCX carries them in its custom properties (read back for the PDF)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .. import nd30

CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

# The ND30 Phụ lục VI fields kehoach writes into DOCX custom properties, PDF Info and XMP: (name, description).
_WRITTEN = ("TypeName", "CodeNumber", "CodeNotation", "IssuedDate", "OrganName", "Subject", "SignerPosition",
            "SignerFullName")
ND30_FIELDS = [(name, description) for name, description, _ in nd30.OUTGOING_FIELDS if name in _WRITTEN]


def nd30_values(plan) -> dict[str, str]:
    """ND30 Phụ lục VI metadata from a plan; number and date stay empty until issue."""
    doc = plan.document
    signature = plan.signature
    return {
        "TypeName": doc.type,
        "CodeNumber": f"{doc.number:02d}" if doc.number else "",
        "CodeNotation": doc.symbol,
        "IssuedDate": doc.date.iso() if doc.date.is_complete else "",
        "OrganName": doc.issuer.name,
        "Subject": doc.title,
        "SignerPosition": " ".join(signature.authority + signature.positions) if signature else "",
        "SignerFullName": signature.name if signature else "",
    }


def custom_properties_xml(values: dict[str, str]) -> bytes:
    """docProps/custom.xml carrying the ND30 fields, so `kehoach pdf FILE.docx` can read them back."""
    props = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{name}">'
        f"<vt:lpwstr>{escape(values.get(name, ''))}</vt:lpwstr></property>"
        for pid, (name, _) in enumerate(ND30_FIELDS, start=2)
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}">{props}</Properties>').encode("utf-8")
