"""Rendering a plan: plain text in reading order now; DOCX and PDF build on the same order."""
