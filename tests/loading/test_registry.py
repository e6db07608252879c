"""Registries: agency names in their many spellings resolve to one id; successors come from data."""

import pytest

from authoring.loading import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()


@pytest.mark.parametrize("written, agency_id", [
    ("Sở Lao động - Thương binh và Xã hội", "so-ldtbxh"),
    ("Sở Lao động – Thương binh và Xã hội", "so-ldtbxh"),
    ("Sở LĐTBXH", "so-ldtbxh"),
    ("Bộ Lao động- Thương binh và Xã hội", "bo-ldtbxh"),
    ("Sở Y Tế", "so-y-te"),
    ("Uỷ ban nhân dân tỉnh Nghệ An", "ubnd-tinh"),
    ("Báo Lạng Sơn", "bao-tinh"),
    ("Tỉnh Đoàn Kon Tum", "tinh-doan"),
    ("UBND các huyện, thành phố, thị xã", "ubnd-cap-huyen"),
    ("so-y-te", "so-y-te"),
])
def test_free_text_agency_names_resolve_to_registry_ids(registry, written, agency_id):
    assert registry.resolve_agency(written) == agency_id


def test_unknown_name_resolves_to_nothing(registry):
    assert registry.resolve_agency("Sở Không Tồn Tại") is None


def test_child_affairs_of_the_old_labour_department_pass_to_the_health_department(registry):
    so = registry.agencies["so-ldtbxh"]
    assert so.valid_until.iso() == "2025-03-01"
    assert [s.id for s in so.successors if s.children] == ["so-y-te"]


def test_district_level_ends_on_1_july_2025_and_passes_to_communes(registry):
    huyen = registry.agencies["ubnd-cap-huyen"]
    assert huyen.valid_until.iso() == "2025-07-01"
    assert huyen.successors[0].id == "ubnd-cap-xa"


def test_unconfirmed_facts_stay_marked_unconfirmed(registry):
    assert registry.agencies["phong-van-hoa-xa-hoi"].status.value == "unconfirmed"
    assert registry.documents["qd-55a-2013"].date_status.value == "unconfirmed"


def test_every_successor_and_counterpart_points_at_a_registered_agency(registry):
    for agency in registry.agencies.values():
        for successor in agency.successors:
            assert successor.id in registry.agencies, (agency.id, successor.id)
        for counterpart in agency.counterparts.values():
            assert counterpart in registry.agencies, (agency.id, counterpart)


def test_miscited_numbers_are_recorded_with_the_right_document(registry):
    assert "446/QĐ-LĐTBXH" in registry.documents["qd-406-2020"].miscited_as


def test_a_users_own_registry_adds_agencies_and_replaces_by_id(tmp_path, monkeypatch):
    from authoring.loading.registry import load_registry

    own = tmp_path / "cua-toi"
    own.mkdir()
    (own / "agencies.yaml").write_text(
        "agencies:\n"
        "  - {id: ban-dan-van-xa, names: [{name: Ban Dân vận xã}], level: xa, kind: dang}\n"
        "  - {id: bo-y-te, names: [{name: Bộ Y tế (tên riêng)}], level: trung_uong}\n", encoding="utf-8")
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(own))
    registry = load_registry()
    assert registry.resolve_agency("Ban Dân vận xã") == "ban-dan-van-xa"
    assert registry.agency_name("bo-y-te") == "Bộ Y tế (tên riêng)"
    assert registry.resolve_agency("Sở Y tế") is not None  # the built-in entries are still there
    assert "bo-y-te" in registry.agencies and len(registry.documents) > 0


def test_a_broken_own_registry_is_reported_with_its_file(tmp_path, monkeypatch):
    import pytest

    from authoring.errors import InputError
    from authoring.loading.registry import load_registry

    (tmp_path / "agencies.yaml").write_text("agencies:\n  - {names: thiếu mã}\n", encoding="utf-8")
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(tmp_path))
    with pytest.raises(InputError) as caught:
        load_registry()
    assert any(str(tmp_path / "agencies.yaml") in (f.file or "") for f in caught.value.findings)


def _fresh(folder):
    from authoring.loading.registry import _load_registry_cached

    _load_registry_cached.cache_clear()  # the in-process cache would hide the disk cache
    try:
        return load_registry(folder)
    finally:
        _load_registry_cached.cache_clear()


def test_registry_kept_on_disk_equals_the_registry_read_from_yaml(tmp_path, monkeypatch):
    import shutil

    from authoring.paths import registry_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "danh-muc"
    shutil.copytree(registry_dir(), folder)
    built = _fresh(folder)
    assert len(list((tmp_path / "cache" / "kehoach" / "registry").glob("*.pickle"))) == 1
    kept = _fresh(folder)
    assert kept is not built
    assert kept.agencies == built.agencies and kept.documents == built.documents
    assert kept.resolve_agency("Uỷ ban nhân dân tỉnh Nghệ An") == "ubnd-tinh"


def test_a_changed_registry_file_is_read_again_not_taken_from_the_disk_cache(tmp_path, monkeypatch):
    import shutil

    from authoring.paths import registry_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "danh-muc"
    shutil.copytree(registry_dir(), folder)
    assert _fresh(folder).agencies["so-y-te"].names[-1].name == "Sở Y tế"
    agencies = folder / "agencies.yaml"
    agencies.write_text(agencies.read_text(encoding="utf-8").replace("{name: Sở Y tế}", "{name: Sở Y tế tỉnh}", 1),
                        encoding="utf-8")
    assert _fresh(folder).agencies["so-y-te"].names[-1].name == "Sở Y tế tỉnh"


def test_a_damaged_disk_cache_is_rebuilt_from_yaml(tmp_path, monkeypatch):
    import shutil

    from authoring.paths import registry_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "danh-muc"
    shutil.copytree(registry_dir(), folder)
    _fresh(folder)
    (kept,) = (tmp_path / "cache" / "kehoach" / "registry").glob("*.pickle")
    kept.write_bytes(b"not a pickle")
    assert _fresh(folder).resolve_agency("Sở Y Tế") == "so-y-te"


class _Plant:
    """Stands for a file another account put in the cache: unpickling it would create the marker file."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("loose", ["file", "folder"])
def test_a_disk_cache_others_could_write_is_never_unpickled(tmp_path, monkeypatch, loose):
    import os
    import pickle
    import shutil

    from authoring.paths import registry_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = tmp_path / "danh-muc"
    shutil.copytree(registry_dir(), folder)
    _fresh(folder)
    (kept,) = (tmp_path / "cache" / "kehoach" / "registry").glob("*.pickle")
    marker = tmp_path / "ran"
    kept.write_bytes(pickle.dumps(_Plant(str(marker))))
    os.chmod(kept if loose == "file" else kept.parent, 0o666 if loose == "file" else 0o777)
    assert _fresh(folder).resolve_agency("Sở Y Tế") == "so-y-te"
    assert not marker.exists(), f"a registry cache in a {loose} others can write was unpickled"
