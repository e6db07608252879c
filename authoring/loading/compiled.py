"""A model's validator built once from its classes and kept on disk, keyed by the source of every model module."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import SchemaValidator

from .diskcache import cache_file, read_cached, write_cached

# Building a validator walks every model class (GenerateSchema, ≈ 2 % of `kehoach validate`); rebuilding one from the
# core schema it produced is a tenth of that. The key holds every byte the schema could depend on: the model package
# and the base modules it may import (docs/architecture.md), Python, pydantic and pydantic-core.
_PACKAGE = Path(__file__).resolve().parent.parent
_SOURCE_DIRS = (_PACKAGE / "model", _PACKAGE)


def model_key(model: type[BaseModel]) -> str | None:
    """A hash of everything *model*'s validation depends on but the data: None when a source cannot be read."""
    digest = _sources_digest()
    if digest is None:
        return None
    import hashlib

    return hashlib.sha256(f"{digest}|{model.__module__}.{model.__qualname__}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _sources_digest() -> str | None:
    """One hash of the sources (read once a process, whatever the number of models validated)."""
    import hashlib
    import sys

    import pydantic
    import pydantic_core

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{pydantic_core.__version__}".encode())
    try:
        for folder in _SOURCE_DIRS:
            files = sorted(folder.glob("*.py"))
            if not files:
                return None  # installed without its sources (byte-code only): nothing to key on, build each run
            for file in files:
                digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None  # a source that cannot be read cannot be vouched for: build
    return digest.hexdigest()


@lru_cache(maxsize=None)
def validator_for(model: type[BaseModel]) -> SchemaValidator:
    """The validator of *model*: from the cache when one was built from these very sources, else built and kept."""
    key = model_key(model)
    if key is not None:
        cached = _from_bytes(read_cached(cache_file("validators", key)))
        if cached is not None:
            return cached
    validator = _built(model)
    if key is not None and type(validator) is SchemaValidator:  # a plugin's wrapper is not kept
        data = _to_bytes(validator)
        if data is not None:
            write_cached(cache_file("validators", key), data)
    return validator


def _built(model: type[BaseModel]) -> SchemaValidator:
    validator = model.__pydantic_validator__
    if not isinstance(validator, SchemaValidator):  # deferred (defer_build): build it now
        model.model_rebuild(force=True)
        validator = model.__pydantic_validator__
    return validator


def _to_bytes(validator: SchemaValidator) -> bytes | None:
    import pickle

    schema, *options = validator.__reduce__()[1]  # what pydantic-core itself pickles: the schema, the config, …
    try:
        return pickle.dumps((_without_metadata(schema), *options), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # a validator function that cannot be named (a closure): build it each run
        return None


def _from_bytes(data: bytes | None) -> SchemaValidator | None:
    import pickle

    if data is None:
        return None
    try:
        arguments = pickle.loads(data)  # a trusted file of the user's own cache (diskcache.read_cached)
        return SchemaValidator(*arguments)
    except Exception:  # truncated, from another version, or not ours: build it again
        return None


_VALUES = {"default", "expected"}  # a default or a literal's values: data, never a schema to look into


def _without_metadata(schema):
    """The core schema without pydantic's 'metadata' (JSON Schema helpers, closures that cannot be pickled); the
    validator never reads it. A model's field named 'metadata' sits in a 'fields' mapping, whose 'type' (if a field
    is named so) is a schema, not a word, so it is kept."""
    if isinstance(schema, dict):
        is_schema = isinstance(schema.get("type"), str)
        return {key: value if key in _VALUES else _without_metadata(value) for key, value in schema.items()
                if not (is_schema and key == "metadata")}
    if isinstance(schema, list):
        return [_without_metadata(value) for value in schema]
    if isinstance(schema, tuple):
        return tuple(_without_metadata(value) for value in schema)
    return schema
