"""Exception hierarchy; each kind maps to a process exit code, as click's do."""

from __future__ import annotations


class KehoachError(Exception):
    """Base of every error kehoach reports to a user; exit code 1 (bad input)."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(KehoachError):
    """A file the user gave cannot be used; the findings say where and why."""

    def __init__(self, message: str, findings=None, hint: str | None = None):
        super().__init__(message, hint)
        self.findings = list(findings or [])


class ToolMissingError(KehoachError):
    """An outside program kehoach needs (LibreOffice) is not installed."""


class UsageError(KehoachError):
    """The command line itself is wrong; exit code 2."""

    exit_code = 2
