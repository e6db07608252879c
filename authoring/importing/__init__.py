"""Importing existing plans (plain text, DOCX drafted by hand, DOCX rendered by kehoach) into YAML."""

from .importer import ImportResult, import_plan

__all__ = ["ImportResult", "import_plan"]
