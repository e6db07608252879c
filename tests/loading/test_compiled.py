"""The plan model's validator kept on disk: the same plans and findings as one built from the classes; a stale,
damaged or foreign cache file is never used."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest

from helpers import EXAMPLES, ROOT

from authoring.loading import compiled
from authoring.loading.diskcache import cache_file
from authoring.model import Plan


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder and no validator remembered in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    compiled.validator_for.cache_clear()
    yield tmp_path / "cache" / "kehoach" / "validators"
    compiled.validator_for.cache_clear()


def _warm(model=Plan):
    """A validator read back from the disk cache written by a first call."""
    compiled.validator_for(model)
    compiled.validator_for.cache_clear()
    return compiled.validator_for(model)


def _tree(path):
    from authoring.loading.yamlio import read_yaml

    return read_yaml(path)[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_cached_validator_builds_the_same_plan_as_the_model_classes(cache, path):
    warm = _warm()
    assert list(cache.glob("*.pickle")), "the validator was not kept"
    from_cache = warm.validate_python(_tree(path))
    assert type(from_cache) is Plan
    assert from_cache.model_dump(mode="json") == Plan.model_validate(_tree(path)).model_dump(mode="json")


def test_a_cached_validator_reports_the_same_errors_on_broken_plans(cache):
    from pydantic import ValidationError

    warm = _warm()
    trees = [{"document": {"title": "x\ty"}}, {"sections": [{"heading": 3, "children": [{"text": None}]}]},
             {"document": {"date": "2025-02-30"}, "unknown": 1}]
    trees += [{**_tree(path), "status": "đã hủy", "recipients": [{"name": "a\nb"}]} for path in EXAMPLES]
    for tree in trees:
        errors = []
        for validate in (warm.validate_python, Plan.model_validate):
            with pytest.raises(ValidationError) as caught:
                validate(tree)
            errors.append(json.dumps(caught.value.errors(include_url=False), default=str, ensure_ascii=False))
        assert errors[0] == errors[1]


def test_a_damaged_cache_file_is_ignored_and_rebuilt(cache):
    compiled.validator_for(Plan)
    (kept,) = cache.glob("*.pickle")
    kept.write_bytes(b"\x80\x05not a pickle")
    compiled.validator_for.cache_clear()
    validator = compiled.validator_for(Plan)
    assert type(validator.validate_python(_tree(EXAMPLES[0]))) is Plan
    assert kept.read_bytes().startswith(b"\x80") and len(kept.read_bytes()) > 1000  # written again, whole


def test_a_cache_file_others_could_write_is_never_unpickled(cache, tmp_path):
    compiled.validator_for(Plan)
    (kept,) = cache.glob("*.pickle")
    marker = tmp_path / "ran"
    kept.write_bytes(pickle.dumps(_Plant(str(marker))))
    os.chmod(kept, 0o666)
    compiled.validator_for.cache_clear()
    compiled.validator_for(Plan)
    assert not marker.exists(), "a world-writable cache file was unpickled"
    os.chmod(kept, 0o600)
    os.chmod(cache, 0o777)
    compiled.validator_for.cache_clear()
    compiled.validator_for(Plan)
    assert not marker.exists(), "a cache file in a world-writable folder was unpickled"


class _Plant:
    """Stands for a file someone else put in the cache: unpickling it would create the marker file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_the_key_changes_with_any_byte_of_the_model_s_sources(tmp_path, monkeypatch):
    import shutil

    package = ROOT / "authoring"
    copy = tmp_path / "authoring"
    shutil.copytree(package / "model", copy / "model")
    for file in package.glob("*.py"):
        shutil.copy(file, copy / file.name)
    monkeypatch.setattr(compiled, "_SOURCE_DIRS", (copy / "model", copy))

    def key():
        compiled._sources_digest.cache_clear()
        return compiled.model_key(Plan)

    before = key()
    assert before == key()
    limits = copy / "limits.py"
    limits.write_text(limits.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    after_base = key()
    common = copy / "model" / "common.py"
    common.write_text(common.read_text(encoding="utf-8").replace("extra=\"forbid\"", "extra=\"ignore\""), encoding="utf-8")
    assert len({before, after_base, key()}) == 3
    compiled._sources_digest.cache_clear()


def test_without_the_model_s_sources_nothing_is_kept(cache, tmp_path, monkeypatch):
    (tmp_path / "model").mkdir()
    monkeypatch.setattr(compiled, "_SOURCE_DIRS", (tmp_path / "model", tmp_path))
    compiled._sources_digest.cache_clear()
    try:
        assert compiled.model_key(Plan) is None
        assert type(compiled.validator_for(Plan).validate_python(_tree(EXAMPLES[0]))) is Plan
        assert not cache.exists() or not list(cache.glob("*.pickle"))
    finally:
        compiled._sources_digest.cache_clear()


def test_the_key_differs_per_model():
    from authoring.model import AgencyRegistry

    assert compiled.model_key(Plan) != compiled.model_key(AgencyRegistry)


PROBE = """
import json, sys
sys.argv = ["kehoach", "validate", sys.argv[1]]
from authoring.cli import main
try:
    main()
except SystemExit:
    pass
from authoring.model import Plan
sys.stdout = sys.__stdout__
print("\\nBUILT " + json.dumps(type(Plan.__dict__["__pydantic_validator__"]).__name__))
"""


def test_validate_with_a_warm_cache_does_not_build_the_plan_model_and_prints_the_same(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    runs = [subprocess.run([sys.executable, "-c", PROBE, str(EXAMPLES[0])], capture_output=True, text=True,
                           timeout=120, env=env, cwd=ROOT) for _ in range(2)]
    cold, warm = (run.stdout.rsplit("BUILT ", 1) for run in runs)
    assert cold[0] == warm[0], "the report differs once the validator comes from the cache"
    assert json.loads(cold[1]) == "SchemaValidator", runs[0].stderr
    assert json.loads(warm[1]) == "MockValSer", "the second run built the plan model's validator again"
