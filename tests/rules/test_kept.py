"""A check kept with a version holds only under the code, registry and parents it was made with."""

from __future__ import annotations

import shutil
from pathlib import Path

from authoring.loading import load_plan, load_registry
from authoring.rules import kept
from authoring.rules.check import check_loaded

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = ROOT / "plans/examples/nghe-an-2025-kh-07.yaml"


def _child(folder: Path) -> Path:
    """A plan that implements the Nghệ An plan, which lies beside it in *folder*."""
    shutil.copy(PROVINCE, folder / "tinh.yaml")
    text = PROVINCE.read_text(encoding="utf-8")
    loaded, _ = load_plan(PROVINCE)
    child = text.replace(f"id: {loaded.plan.id}\n", "id: xa-con\n", 1)
    child = child.replace("implements:\n", "implements:\n  - tinh.yaml\n", 1)
    (folder / "xa.yaml").write_text(child, encoding="utf-8")
    return folder / "xa.yaml"


def _kept(path: Path):
    loaded, index = load_plan(path)
    report = check_loaded(loaded, index)
    assert "tinh.yaml" in loaded.plan.implements and report.parents
    return loaded, kept.keep(loaded, index.sorted(), report.coverage, report.parents)


def test_a_kept_check_holds_while_nothing_it_depends_on_changed(tmp_path):
    loaded, made = _kept(_child(tmp_path))
    findings, coverage, parents = kept.restore(loaded, made)
    assert [f.to_dict() for f in findings] == [f.to_dict() for f in check_loaded(*load_plan(loaded.path)).index.sorted()]
    assert coverage == made["coverage"] and coverage


def test_a_parent_edited_since_makes_the_kept_check_stale(tmp_path):
    """The province plan edited by the Sở: its communes' kept checks no longer hold (coverage may have changed)."""
    loaded, made = _kept(_child(tmp_path))
    parent = tmp_path / "tinh.yaml"
    parent.write_text(parent.read_text(encoding="utf-8").replace("trẻ em", "trẻ  em", 1), encoding="utf-8")
    assert kept.restore(loaded, made) is None


def test_changed_code_or_registry_makes_the_kept_check_stale(tmp_path, monkeypatch):
    loaded, made = _kept(_child(tmp_path))
    monkeypatch.setattr(kept, "code_key", lambda: "mã khác")
    assert kept.restore(loaded, made) is None
    monkeypatch.undo()
    # A unit's own layer over the built-in registry: checked anew, and such a check is not kept.
    other = load_registry().with_layer([], [])
    assert other is not load_registry()
    loaded.registry = other
    assert kept.restore(loaded, made) is None and kept.keep(loaded, [], [], []) is None


def test_the_code_key_covers_the_registry_files(tmp_path, monkeypatch):
    own = tmp_path / "danh-muc"
    own.mkdir()
    monkeypatch.setenv("KEHOACH_OWN_REGISTRY", str(own))
    before = kept.code_key()
    (own / "agencies.yaml").write_text("kind: agencies\nagencies: []\n", encoding="utf-8")
    assert kept.code_key() == before   # read once a process …
    kept.forget()
    assert kept.code_key() != before   # … until the registry is read again


def test_a_kept_check_from_other_code_is_checked_again(tmp_path):
    loaded, made = _kept(_child(tmp_path))
    assert kept.restore(loaded, {**made, "findings": [["C001", "không phải mức độ"]]}) is None
    assert kept.restore(loaded, None) is None and kept.restore(loaded, {"key": None}) is None
