"""PDF metadata: the ND30 Phụ lục VI fields read from a DOCX, written as PDF Info and XMP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from ..render.properties import CUSTOM_PROPS_NS, ND30_FIELDS, VT_NS

ND30_NS = "http://kehoach.vn/ns/nd30/1.0/"


@dataclass
class PdfMeta:
    """What the PDF says about itself: document information, XMP, and the signer to place fields for."""

    title: str
    author: str
    subject: str
    keywords: str
    stamp: datetime
    nd30: dict[str, str] = field(default_factory=dict)
    signer_name: str | None = None
    signer_last_line: str | None = None


def meta_from_docx(path: Path) -> PdfMeta:
    """Read title, author, dates and the ND30 fields from a DOCX (ours or another)."""
    from lxml import etree

    from ..ooxml.reader import open_document, signer_lines
    from ..ooxml.safety import embedded_part, safe_xml_parser

    document = open_document(path, "P100")
    core = document.core_properties
    fields: dict[str, str] = {}
    custom = embedded_part(path, "docProps/custom.xml", "P100")
    if custom is not None:
        root = etree.fromstring(custom, safe_xml_parser())
        for prop in root.findall(f"{{{CUSTOM_PROPS_NS}}}property"):
            value = prop.find(f"{{{VT_NS}}}lpwstr")
            fields[prop.get("name")] = value.text or "" if value is not None else ""
    stamp = core.created or datetime(2000, 1, 1)
    signer_name, signer_last = signer_lines(document)
    return PdfMeta(title=core.title or path.stem, author=core.author or "", subject=core.subject or "",
                   keywords=core.keywords or "", stamp=stamp.replace(tzinfo=None), nd30=fields,
                   signer_name=fields.get("SignerFullName") or signer_name, signer_last_line=signer_last)


def _pdf_date(stamp: datetime) -> str:
    return stamp.strftime("D:%Y%m%d%H%M%S+07'00'")


def _xmp(meta: PdfMeta, producer: str) -> bytes:
    """An XMP packet for PDF/A-2b, with a PDF/A extension schema declaring the ND30 properties."""
    iso = meta.stamp.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    schema_props = "".join(
        f"<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>"
        f"<pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>external</pdfaProperty:category>"
        f"<pdfaProperty:description>{escape(description)}</pdfaProperty:description></rdf:li>"
        for name, description in ND30_FIELDS
    )
    nd30_values_xml = "".join(f"<nd30:{name}>{escape(meta.nd30.get(name, ''))}</nd30:{name}>" for name, _ in ND30_FIELDS)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(meta.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(meta.subject)}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>vi-VN</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdf:Producer>{escape(producer)}</pdf:Producer>
   <pdf:Keywords>{escape(meta.keywords)}</pdf:Keywords>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:CreatorTool>kehoach</xmp:CreatorTool>
   <xmp:CreateDate>{iso}</xmp:CreateDate>
   <xmp:ModifyDate>{iso}</xmp:ModifyDate>
   <xmp:MetadataDate>{iso}</xmp:MetadataDate>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
      xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>Nghị định 30/2020/NĐ-CP, Phụ lục VI: thông tin văn bản đi</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{ND30_NS}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>nd30</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq>{schema_props}</rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:nd30="{ND30_NS}">
   {nd30_values_xml}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")
