"""HTML the page sends outside a whole page (htmx swaps, alerts, bare error pages): rendered from templates/_fragments."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

ENV = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True)


def render(name: str, **context) -> str:
    """The fragment _fragments/<name>.html, autoescaped (HTML passed in is wrapped in markup() by the caller)."""
    return ENV.get_template(f"_fragments/{name}.html").render(**context)


def markup(fragment: str) -> Markup:
    """HTML this program rendered from a template, to be placed as it is inside another fragment."""
    return Markup(fragment)
