"""Office Open XML (DOCX): reading untrusted files safely, and the formatting helpers built on it."""
