"""Office Open XML (DOCX): the one reader of any Word file (read untrusted, safely), formatting, writing helpers."""
