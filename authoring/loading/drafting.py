"""The drafting registries (plans/registry/fields.yaml, roles.yaml, competences.yaml, commune_scale.yaml), read and validated like any input."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..model.drafting import CommuneScale, CompetenceRegistry, DraftField, FieldRegistry, RoleRegistry
from ..model.walk import iter_blocks
from ..paths import registry_dir
from .validate import load_kept_model


def load_fields(folder: Path | None = None) -> FieldRegistry:
    return _cached(str(Path(folder or registry_dir()).resolve()), "fields.yaml", FieldRegistry)


def load_roles(folder: Path | None = None) -> RoleRegistry:
    return _cached(str(Path(folder or registry_dir()).resolve()), "roles.yaml", RoleRegistry)


def load_competences(folder: Path | None = None) -> CompetenceRegistry:
    return _cached(str(Path(folder or registry_dir()).resolve()), "competences.yaml", CompetenceRegistry)


def load_commune_scale(folder: Path | None = None) -> CommuneScale:
    return _cached(str(Path(folder or registry_dir()).resolve()), "commune_scale.yaml", CommuneScale)


@lru_cache(maxsize=16)
def _cached(folder: str, name: str, model):
    path = Path(folder) / name
    if not path.is_file():
        from ..paths import PLANS_DIR

        path = PLANS_DIR / "registry" / name  # a registry folder without it (a test's) uses kehoach's own
    value, findings = load_kept_model(path, model)
    if findings:
        raise InputError(f"Danh mục {name} có lỗi; kehoach không thể lập dự thảo.", findings)
    return value


def parent_words(parents) -> str:
    """Everything the parents say: their titles and every block's title and text."""
    return " ".join([p.plan.document.title for p in parents] +
                    [f"{b.title or ''} {b.text or ''}" for p in parents for _, b in iter_blocks(p.plan)])


def field_of(parents, fields: FieldRegistry | None = None) -> DraftField | None:
    """The parents' field: the one their titles name, else the one their text speaks of most (3 mentions at least)."""
    fields = fields or load_fields()
    titles = " ".join(p.plan.document.title for p in parents)
    for candidate in fields.fields:
        if candidate.pattern().search(titles):
            return candidate
    text = parent_words(parents)
    counts = [(len(f.pattern().findall(text)), i) for i, f in enumerate(fields.fields)]
    best, index = max(counts) if counts else (0, 0)
    return fields.fields[index] if best >= 3 else None


def field_sentences(field: DraftField) -> list[str]:
    """The match keys of the sentences kehoach proposes for *field* (their longest part between {slots})."""
    from ..text import match_key

    texts = [field.requirement, field.press, field.sub, field.unit_police, field.unit_front, field.unit_sub]
    texts += [s for duty in field.duties for s in duty.sentences]
    texts += [field.front.sentence] if field.front else []
    texts += [r.sentence for r in field.topic_requests.requests] if field.topic_requests else []
    keys = []
    for text in filter(None, texts):
        part = max(re.split(r"\{[a-z_]+\}", text), key=len)
        key = match_key(part)
        if len(key) >= 30:
            keys.append(key)
    return keys
