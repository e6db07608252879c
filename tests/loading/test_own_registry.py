"""One's own registry layer written from the page: validated, with its source, in force at once; edited, withdrawn."""

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


def _pending(layer) -> str:
    """An entry as an earlier kehoach wrote it into one's own folder: pending a review."""
    registry = load_registry()
    entry = own_registry.document_entry(registry, set(), type="Chỉ thị", code="23/CT-TTg",
                                        day=PartialDate.parse("2021-05-26"), issuer="Thủ tướng Chính phủ",
                                        title="Về tăng cường", source="Công báo", added_by="xã Quỳ Châu")
    own_registry._write(layer, "documents", [entry])
    return entry["id"]


def test_a_document_added_to_ones_own_folder_counts_at_once(layer):
    entry = _add(layer)
    registry = load_registry()
    assert {d.date.year for d in registry.documents_with_code("23/CT-TTg")} == {2020, 2021} and not registry.pending
    assert registry.documents[entry].status.value == "single_source" and registry.documents[entry].review is None


def test_an_entry_written_pending_counts_once_put_in_force_and_names_who_did(layer):
    entry = _pending(layer)
    registry = load_registry()
    assert entry not in registry.documents and registry.pending_document("23/CT-TTg", 2021).id == entry
    assert registry.pending_document("23/CT-TTg", 2020) is None
    with pytest.raises(InputError, match="chưa dùng khi kiểm tra") as refused:   # not added twice
        _add(layer, title="Về tăng cường công tác")
    assert "Sở" not in f"{refused.value.findings[0].message} {refused.value.findings[0].suggestion}"   # no Sở here
    assert own_registry.approve(layer, "documents", entry, "Lê Văn Lãnh")
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
    with pytest.raises(InputError, match="đã có trong danh mục"):   # added once: not twice
        _add(layer, title="Về tăng cường công tác")


def test_an_added_agency_is_found_by_its_name_at_once(layer):
    entry = own_registry.add_agency(layer, name="Trung tâm Công tác xã hội tỉnh Nghệ An", level="tinh",
                                    source="Quyết định thành lập", added_by="Sở Y tế")
    assert load_registry().resolve_agency("Trung tâm công tác xã hội tỉnh Nghệ An") == entry


def test_an_edited_entry_keeps_its_id_and_is_not_a_duplicate_of_itself(layer):
    entry = _add(layer)
    values = dict(type="Chỉ thị", code="23/CT-TTg", day=PartialDate.parse("2021-05-26"), issuer="Thủ tướng Chính phủ",
                  source="Công báo số 5", added_by="xã Quỳ Châu")
    assert own_registry.edit(layer, "documents", entry, title="Về tăng cường công tác", **values)
    document = load_registry().documents[entry]
    assert document.title == "Về tăng cường công tác" and document.source == "Công báo số 5"
    before = (layer / "citations.yaml").read_bytes()
    with pytest.raises(InputError, match="đã có trong danh mục"):   # into the 2020 directive the registry holds
        own_registry.edit(layer, "documents", entry, title="x", **{**values, "day": PartialDate.parse("2020-05-26")})
    assert (layer / "citations.yaml").read_bytes() == before
    assert not own_registry.edit(layer, "documents", "khong-co", title="x", **values)


def test_a_withdrawn_entry_leaves_the_registry_and_is_kept_in_the_history_file(layer):
    entry = _add(layer)
    assert own_registry.withdraw(layer, "documents", entry, "Nguyễn Văn A", "07/12/2026")
    assert entry not in load_registry().documents
    history = own_registry.withdrawn(layer)
    assert [(h["kind"], h["entry"]["id"], h["withdrawn_by"], h["withdrawn_on"]) for h in history] == [
        ("documents", entry, "Nguyễn Văn A", "07/12/2026")]
    assert not own_registry.withdraw(layer, "documents", entry, "Nguyễn Văn A", "07/12/2026")


def test_kehoach_serve_adds_edits_and_withdraws_again_after_the_checks_read_the_layer(layer):
    """`kehoach serve` runs inside the command's read tracking, and every check reads the layer: the layer is read in
    order to be rewritten, so the next write to it is no "output overwriting an input"."""
    from authoring.fileio import command_reads

    with command_reads():
        entry = _add(layer)
        load_registry()                      # the server checks a plan: the layer's files are read
        values = dict(type="Chỉ thị", code="23/CT-TTg", day=PartialDate.parse("2021-05-26"), issuer="Thủ tướng Chính phủ",
                      source="Công báo", added_by="xã Quỳ Châu")
        assert own_registry.edit(layer, "documents", entry, title="Về tăng cường công tác", **values)
        load_registry()
        own_registry.add_agency(layer, name="Trung tâm Y tế huyện Quỳ Châu", level="xa", source="Quyết định thành lập",
                                added_by="xã Quỳ Châu")
        assert own_registry.withdraw(layer, "documents", entry, "Nguyễn Văn A", "07/12/2026")
        load_registry()
        assert own_registry.withdraw(layer, "agencies", own_registry.entries(layer)[0][1]["id"], "Nguyễn Văn A",
                                     "07/12/2026")
