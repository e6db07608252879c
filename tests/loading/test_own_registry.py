"""A unit's own registry layer written from the page: validated, with its source, pending until the Sở approves."""

from __future__ import annotations

import pytest

from authoring.errors import InputError
from authoring.loading import own_registry
from authoring.loading.registry import load_registry
from authoring.model import PartialDate


@pytest.fixture
def layer(tmp_path, monkeypatch):
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(tmp_path))
    yield tmp_path
    own_registry.forget_loaded()


def _add(layer, **changes):
    values = dict(type="Chỉ thị", code="23/CT-TTg", day=PartialDate.parse("2021-05-26"), issuer="Thủ tướng Chính phủ",
                  title="Về tăng cường", source="Công báo", added_by="xã Quỳ Châu")
    return own_registry.add_document(layer, **{**values, **changes})


def test_an_added_document_does_not_count_before_the_sos_review_and_counts_after(layer):
    entry = _add(layer)
    registry = load_registry()
    assert entry not in registry.documents and {d.date.year for d in registry.documents_with_code("23/CT-TTg")} == {2020}
    assert registry.pending_document("23/CT-TTg", 2021).id == entry and registry.pending_document("23/CT-TTg", 2020) is None
    own_registry.approve(layer, "documents", entry, "Lê Văn Lãnh (Sở Y tế)")
    registry = load_registry()
    assert {d.date.year for d in registry.documents_with_code("23/CT-TTg")} == {2020, 2021} and not registry.pending


def test_approval_ends_the_pending_mark_and_names_the_reviewer(layer):
    entry = _add(layer)
    assert own_registry.approve(layer, "documents", entry, "Lê Văn Lãnh (Sở Y tế)")
    document = load_registry().documents[entry]
    assert document.review is None and document.status.value == "single_source" and "Lê Văn Lãnh" in document.note
    assert not own_registry.approve(layer, "documents", entry, "ai đó")   # only once


def test_no_source_or_the_same_document_again_is_refused_and_nothing_written(layer):
    with pytest.raises(InputError, match="nguồn"):
        _add(layer, source=" ")
    with pytest.raises(InputError, match="đã có trong danh mục"):
        _add(layer, day=PartialDate.parse("2020-05-26"))
    assert not (layer / "citations.yaml").exists()
    _add(layer)
    with pytest.raises(InputError, match="đang chờ Sở duyệt"):   # added once, waiting: not twice
        _add(layer, title="Về tăng cường công tác")


def test_an_added_agency_is_found_by_its_name_once_the_so_approves_it(layer):
    entry = own_registry.add_agency(layer, name="Trung tâm Công tác xã hội tỉnh Nghệ An", level="tinh",
                                    source="Quyết định thành lập", added_by="Sở Y tế")
    assert load_registry().resolve_agency("Trung tâm Công tác xã hội tỉnh Nghệ An") is None   # pending: not yet
    assert load_registry().pending_agency("Trung tâm công tác xã hội tỉnh Nghệ An").id == entry
    own_registry.approve(layer, "agencies", entry, "Lê Văn Lãnh (Sở Y tế)")
    assert load_registry().resolve_agency("Trung tâm Công tác xã hội tỉnh Nghệ An") == entry
