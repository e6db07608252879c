"""Rules: each family inspects a loaded plan or a DOCX and returns findings; none raises on a violation."""
