"""The parts of kehoach installed apart from the command line (kehoach[web], kehoach[workspace]), and the message
that names the command to install a missing one."""

from __future__ import annotations

import importlib.util

from .errors import ToolMissingError

# extra → (what it is for the user, the modules it brings); pyproject.toml's optional-dependencies say the same.
EXTRAS = {
    "web": ("trang web (kehoach serve)", ("fastapi", "starlette", "uvicorn", "sqlalchemy", "alembic", "multipart")),
    "workspace": ("không gian làm việc chung của tỉnh (KEHOACH_WORKSPACE=1)",
                  ("argon2", "openpyxl", "rq", "redis", "psycopg")),
}


def require(extra: str) -> None:
    """Raise a Vietnamese ToolMissingError naming the pip command when a module of *extra* is not installed."""
    what, modules = EXTRAS[extra]
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ToolMissingError(f"chưa cài phần {what} của kehoach (thiếu thư viện: {', '.join(missing)})",
                               hint=f"Cài thêm bằng lệnh: pip install 'kehoach[{extra}]' (trong môi trường đã cài "
                                    "kehoach), rồi chạy lại.")
