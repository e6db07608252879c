"""The drafting registries (plans/registry/fields.yaml, roles.yaml), read and validated like any input."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..model.drafting import FieldRegistry, RoleRegistry
from ..paths import registry_dir
from .validate import load_model


def load_fields(folder: Path | None = None) -> FieldRegistry:
    return _cached(str(Path(folder or registry_dir()).resolve()), "fields.yaml", FieldRegistry)


def load_roles(folder: Path | None = None) -> RoleRegistry:
    return _cached(str(Path(folder or registry_dir()).resolve()), "roles.yaml", RoleRegistry)


@lru_cache(maxsize=16)
def _cached(folder: str, name: str, model):
    path = Path(folder) / name
    if not path.is_file():
        from ..paths import PLANS_DIR

        path = PLANS_DIR / "registry" / name  # a registry folder without it (a test's) uses kehoach's own
    value, _, findings = load_model(path, model)
    if findings:
        raise InputError(f"Danh mục {name} có lỗi; kehoach không thể lập dự thảo.", findings)
    return value
