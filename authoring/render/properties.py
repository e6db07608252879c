"""The ND30 Phụ lục VI fields of a plan, as a DOCX carries them in its custom properties (read back for the PDF)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from .. import nd30
from ..text import match_key

CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"

# Every outgoing-document field of Phụ lục VI, plus how sure the agency identifier is (kehoach's own field: an
# identifier not confirmed in the registry is never presented as certain).
ND30_FIELDS = [(name, description) for name, description, _ in nd30.OUTGOING_FIELDS] + [
    ("OrganIdStatus", "Độ tin cậy của mã định danh trong danh mục của kehoach: confirmed, single_source, "
                      "unconfirmed; trống khi chưa có mã"),
]
# Fields the PDF fills itself, from its own pages, when LibreOffice has laid them out.
PDF_FILLED = ("PageAmount",)
LANGUAGE = "vi"               # tiếng Việt (TCVN 6909:2001 text)
PRIORITY_NORMAL = "0"         # độ khẩn: 0 thường (a plan carries no urgency stamp)


def organ_identifier(loaded, name: str | None = None) -> tuple[str, str] | None:
    """(mã định danh, status) of the issuing body (*name* None) or of a recipient, from the registry; None if unknown."""
    plan = loaded.plan
    doc = plan.document
    if name is None:
        agency_id = loaded.agency_id(doc.issuer.agency) or loaded.registry.resolve_agency(doc.issuer.agency)
    else:
        agency_id = loaded.registry.resolve_agency(name)
    agency = loaded.registry.agencies.get(agency_id) if agency_id else None
    if agency is None:
        return None
    unit = doc.commune or doc.district
    for entry in agency.organ_ids:
        if entry.province and (not doc.province or match_key(entry.province) != match_key(doc.province)):
            continue
        if entry.unit and (not unit or match_key(entry.unit) != match_key(unit)):
            continue
        return entry.id, entry.status.value
    return None


def nd30_values(plan, loaded=None) -> dict[str, str]:
    """ND30 Phụ lục VI metadata from a plan; number and date stay empty until issue, the page count until the PDF."""
    from ..model.plan import strip_footnote_marks
    from .plain import recipient_lines, strip_emphasis

    doc = plan.document
    signature = plan.signature
    identifier = organ_identifier(loaded) if loaded is not None else None
    recipients = [strip_emphasis(strip_footnote_marks(line))[2:].rstrip(";.") for line in recipient_lines(plan)
                  if not line.startswith(f"- {nd30.ARCHIVE_PREFIX}")]
    return {
        "OrganId": identifier[0] if identifier else "",
        "TypeName": doc.type,
        "CodeNumber": f"{doc.number:02d}" if doc.number else "",
        "CodeNotation": doc.symbol,
        "IssuedDate": doc.date.iso() if doc.date.is_complete else "",
        "OrganName": doc.issuer.name,
        "Subject": strip_emphasis(strip_footnote_marks(doc.title)),
        "Language": LANGUAGE,
        "PageAmount": "",
        "SignerPosition": " ".join(signature.authority + signature.positions) if signature else "",
        "SignerFullName": signature.name if signature else "",
        "To": "; ".join(recipients),
        "Priority": PRIORITY_NORMAL,
        "DueDate": "",
        "OrganIdStatus": identifier[1] if identifier else "",
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
