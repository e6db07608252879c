"""kehoach's data files validated once and kept on disk (load_kept_model): the same value as read from YAML, read
again when the file changes, never kept when it has problems."""

from __future__ import annotations

import shutil

import pytest

from authoring.loading.validate import load_kept_model, load_model
from authoring.model.indicators import IndicatorCatalogue
from authoring.paths import registry_dir


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    copy = tmp_path / "indicators.yaml"
    shutil.copy(registry_dir() / "indicators.yaml", copy)
    return copy


def _kept(tmp_path):
    return list((tmp_path / "cache" / "kehoach" / "data").glob("*.pickle"))


def test_a_kept_catalogue_equals_the_catalogue_read_from_yaml(catalogue, tmp_path):
    first, findings = load_kept_model(catalogue, IndicatorCatalogue)
    assert not findings and len(_kept(tmp_path)) == 1
    kept, findings = load_kept_model(catalogue, IndicatorCatalogue)
    assert not findings and kept is not first
    assert kept == first == load_model(catalogue, IndicatorCatalogue)[0]


def test_a_changed_data_file_is_read_again(catalogue, tmp_path):
    load_kept_model(catalogue, IndicatorCatalogue)
    text = catalogue.read_text(encoding="utf-8")
    name = load_model(catalogue, IndicatorCatalogue)[0].indicators[0].name
    catalogue.write_text(text.replace(name, name + " (sửa)", 1), encoding="utf-8")
    again, _ = load_kept_model(catalogue, IndicatorCatalogue)
    assert again.indicators[0].name == name + " (sửa)"


def test_a_data_file_with_problems_is_reported_and_never_kept(catalogue, tmp_path):
    catalogue.write_text("indicators:\n  - {id: x, khong_co: 1}\n", encoding="utf-8")
    value, findings = load_kept_model(catalogue, IndicatorCatalogue)
    assert value is None and findings and findings[0].line == 2
    assert not _kept(tmp_path)
    assert load_kept_model(catalogue, IndicatorCatalogue)[1] == findings
