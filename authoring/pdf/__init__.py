"""PDF: LibreOffice conversion, finishing (metadata, XMP, signature fields), PDF/A checks, signing."""
