"""The `kehoach` command line: click commands over the lifecycle, rules, rendering and PDF layers."""

from .commands import main

__all__ = ["main"]
