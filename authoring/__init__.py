"""kehoach: author Vietnamese plans (Kế hoạch) as data, render them, check them against directives."""

__version__ = "0.1.0"
