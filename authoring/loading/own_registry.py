"""A unit's own registry layer written from the page: documents and agencies added with their source, pending review."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

from ruamel.yaml import YAML

from ..errors import InputError
from ..fileio import rewrites, write_atomic
from ..findings import Finding, Severity
from ..model import Agency, AgencyRegistry, CitationRegistry, CitedDocument, Level, PartialDate
from ..text import nfc, slug
from .registry import forget_loaded, load_registry

FILES = {"documents": ("citations.yaml", CitationRegistry), "agencies": ("agencies.yaml", AgencyRegistry)}
HEADER = {"documents": "# Văn bản bổ sung từ trang kehoach; mục mang dấu «review: pending» chưa được dùng khi kiểm tra.\n",
          "agencies": "# Cơ quan bổ sung từ trang kehoach; mục mang dấu «review: pending» chưa được dùng khi kiểm tra.\n"}
HISTORY = "withdrawn.yaml"   # withdrawn entries, kept; the registry loader reads only the two files above
HISTORY_HEADER = "# Mục đã rút khỏi danh mục riêng (không còn dùng khi kiểm tra), giữ lại để tra cứu.\n"
MAX_ENTRIES = 2000   # a unit adds a few dozen; a larger layer is not a unit's own registry


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    return yaml


def _read(folder: Path, kind: str) -> list[dict]:
    name, _ = FILES[kind]
    path = folder / name
    if not path.is_file():
        return []
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    return list(data.get(kind) or [])


def _rewrite(path: Path, data: bytes) -> None:
    """The layer is read (by every check, and `kehoach serve` runs as one command) in order to be rewritten: its files
    are no input that this output would destroy."""
    rewrites(path)
    write_atomic(path, data)


def _write(folder: Path, kind: str, entries: list[dict]) -> None:
    """Validated against the registry's model before anything is written; the file appears whole or not at all."""
    name, model = FILES[kind]
    model.model_validate({kind: entries})
    buffer = io.StringIO()
    _yaml().dump({kind: entries}, buffer)
    folder.mkdir(parents=True, exist_ok=True)
    _rewrite(folder / name, (HEADER[kind] + buffer.getvalue()).encode("utf-8"))
    forget_loaded()


def _refuse(message: str, fix: str, field: str) -> InputError:
    return InputError(message, [Finding("L124", Severity.ERROR, message, path=field, suggestion=fix)])


class Stale(Exception):
    """Someone else changed or withdrew the entry after the caller read it; *current* is the entry as it is now (None
    when it is no longer in force)."""

    def __init__(self, current: dict | None):
        super().__init__("stale registry entry")
        self.current = current


def version_of(entry: dict) -> str:
    """The optimistic version of an entry of one's own folder: a fingerprint of its content, so any change to it, from
    the page, another window or the file itself, makes a form read before it stale."""
    return hashlib.sha256(json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()[:12]


def _same_version(entry: dict, version: str | None) -> None:
    if version is not None and version_of(entry) != version:
        raise Stale(entry)


def _waiting(what: str, shared: bool, field: str) -> InputError:
    """The entry is already in the layer, not yet counted: waiting for the Sở in the shared workspace; on one's own
    computer (entries in force at once), written pending by an earlier kehoach."""
    if shared:
        return _refuse(f"{what} đã được thêm vào danh mục của đơn vị, đang chờ Sở duyệt",
                       "Không cần thêm lại; nhắc lãnh đạo Sở duyệt ở trang «Danh mục của đơn vị».", field)
    return _refuse(f"{what} đã có trong danh mục của riêng bạn nhưng chưa dùng khi kiểm tra",
                   "Không cần thêm lại; bấm «Dùng khi kiểm tra» ở trang «Danh mục của riêng bạn».", field)


def shown(day: PartialDate) -> str:
    """A date as people write it: 26/05/2020, 05/2020 or 2020."""
    return "/".join(f"{p:02d}" for p in (day.day, day.month) if p is not None) + ("/" if day.month else "") + str(day.year)


def _new_id(stem: str, taken: set[str]) -> str:
    stem = slug(stem)[:60].strip("-") or "muc"
    candidate, n = stem, 2
    while candidate in taken:
        candidate, n = f"{stem}-{n}", n + 1
    return candidate


def _source(source: str) -> str:
    source = nfc(" ".join(source.split()))[:300]
    if not source:
        raise _refuse("chưa ghi nguồn đối chiếu của mục thêm vào danh mục",
                      "Ghi nơi đã đối chiếu, vd. «Công báo số 123, ngày 05/6/2021» hoặc «vbpl.vn».", "nguồn")
    return source


def document_entry(registry, taken: set[str], *, type: str, code: str, day: PartialDate | None, issuer: str, title: str,
                   source: str, added_by: str, pending: bool = True, same: str | None = None) -> dict:
    """A cited document as a unit adds it, pending the Sở's review (in force at once when not *pending*), checked
    against *registry* (and the ids *taken* in the layer it goes to); *same* is the id of the entry being edited,
    which keeps its id and is no duplicate of itself. Refused with a finding that says what to write."""
    type, code, issuer, title = (nfc(" ".join(v.split()))[:300] for v in (type, code, issuer, title))
    for value, label in ((type, "loại văn bản"), (issuer, "cơ quan ban hành"), (title, "trích yếu")):
        if not value:
            raise _refuse(f"chưa ghi {label} của văn bản", f"Ghi {label} như trên bản chính của văn bản.", label)
    if day is not None and code and any(d.date and d.date == day and d.id != same
                                        for d in registry.documents_with_code(code)):
        raise _refuse(f"văn bản {code} ngày {shown(day)} đã có trong danh mục",
                      "Chọn văn bản này ở ô tìm căn cứ thay vì thêm lại.", "số, ký hiệu")
    waiting = registry.pending_document(code, day.year if day else None) if code else None
    if waiting is not None and waiting.id != same:
        raise _waiting(f"văn bản {code}", pending, "số, ký hiệu")
    number = re.match(r"[0-9a-z]+", slug(code)) if code else None
    stem = "-".join(p for p in (slug(type)[:12], number.group(0) if number else "", str(day.year) if day else "") if p)
    entry = {"id": same or _new_id(stem, set(registry.documents) | {p.id for p in registry.pending} | taken),
             "type": type}
    if code:
        entry["code"] = code
    if day is not None:
        entry["date"] = day.iso()
    entry.update({"issuer": issuer, "title": title, **_standing(pending), "source": _source(source),
                  "note": f"Do {nfc(added_by)[:200]} {'sửa' if same else 'thêm'} từ trang kehoach."})
    CitedDocument.model_validate(entry)
    return entry


def _standing(pending: bool) -> dict:
    """Waiting for the Sở's review; or, on one's own computer where there is no Sở, checked by its user against one
    source and in force at once."""
    return {"status": "unconfirmed", "review": "pending"} if pending else {"status": "single_source"}


def agency_entry(registry, taken: set[str], *, name: str, level: str, source: str, added_by: str, pending: bool = True,
                 same: str | None = None) -> dict:
    """An agency as a unit adds it, pending the Sở's review (in force at once when not *pending*), checked against
    *registry*; *same* as for document_entry. Refused with a finding."""
    name = nfc(" ".join(name.split()))[:300]
    if not name:
        raise _refuse("chưa ghi tên cơ quan", "Ghi tên đầy đủ của cơ quan, vd. «Trung tâm Y tế huyện Quỳ Châu».", "tên cơ quan")
    try:
        level = Level(level).value
    except ValueError:
        raise _refuse("chưa chọn cấp của cơ quan", "Chọn cấp: trung ương, tỉnh hoặc xã.", "cấp") from None
    known = registry.resolve_agency(name)
    if known is not None and known != same:
        raise _refuse(f"cơ quan «{name}» đã có trong danh mục", "Chọn cơ quan này trong danh sách thay vì thêm lại.",
                      "tên cơ quan")
    waiting = registry.pending_agency(name)
    if waiting is not None and waiting.id != same:
        raise _waiting(f"cơ quan «{name}»", pending, "tên cơ quan")
    entry = {"id": same or _new_id(name, set(registry.agencies) | {p.id for p in registry.pending} | taken),
             "names": [{"name": name}], "level": level, "kind": "co-quan", **_standing(pending),
             "source": _source(source), "note": f"Do {nfc(added_by)[:200]} {'sửa' if same else 'thêm'} từ trang kehoach."}
    Agency.model_validate(entry)
    return entry


def approved(entry: dict, reviewer: str, words: str = "Sở duyệt") -> dict:
    """The entry after the Sở's review: no longer pending, checked against one source, the reviewer named."""
    entry = {k: v for k, v in entry.items() if k != "review"}
    entry["status"] = "single_source"
    entry["note"] = f"{entry.get('note', '')} {words}: {nfc(reviewer)[:200]}.".strip()
    return entry


def _add(folder: Path, kind: str, make) -> str:
    entries = _read(folder, kind)
    if len(entries) >= MAX_ENTRIES:
        raise _refuse("danh mục riêng đã quá nhiều mục", "Rút bớt các mục không còn dùng.", "danh mục")
    entry = make(load_registry(), {e.get("id") for e in entries})
    _write(folder, kind, entries + [entry])
    return entry["id"]


def add_document(folder: Path, **values) -> str:
    """Add a cited document to the folder's layer: one's own, in force at once (no Sở reviews a single user's
    folder); the id of the new entry."""
    return _add(folder, "documents", lambda registry, taken: document_entry(registry, taken, pending=False, **values))


def add_agency(folder: Path, **values) -> str:
    """Add an agency to the folder's layer, in force at once; the id of the new entry."""
    return _add(folder, "agencies", lambda registry, taken: agency_entry(registry, taken, pending=False, **values))


def entries(folder: Path) -> list[tuple[str, dict]]:
    """The layer's entries, documents then agencies: (kind, entry)."""
    return [(kind, entry) for kind in FILES for entry in _read(folder, kind)]


def find(folder: Path, kind: str, entry_id: str) -> dict | None:
    """One entry of the folder's layer, or None."""
    return next((e for e in _read(folder, kind) if e.get("id") == entry_id), None) if kind in FILES else None


def edit(folder: Path, kind: str, entry_id: str, version: str | None = None, **values) -> bool:
    """The entry written anew from *values*, keeping its id (plans that cite it still do), in force at once; False
    when the layer has no such entry; Stale when it changed since *version* was read."""
    items = _read(folder, kind) if kind in FILES else []
    index = next((i for i, e in enumerate(items) if e.get("id") == entry_id), None)
    if index is None:
        return False
    _same_version(items[index], version)
    make = document_entry if kind == "documents" else agency_entry
    items[index] = make(load_registry(), {e.get("id") for e in items}, pending=False, same=entry_id, **values)
    _write(folder, kind, items)
    return True


def withdraw(folder: Path, kind: str, entry_id: str, by: str, on: str, version: str | None = None) -> bool:
    """The entry leaves the layer (no check counts it) and is kept in the folder's history file with who withdrew it
    and when; False when there is no such entry; Stale when it changed since *version* was read. The history is
    written first: a crash between the two writes leaves the entry in force, never lost."""
    items = _read(folder, kind) if kind in FILES else []
    entry = next((e for e in items if e.get("id") == entry_id), None)
    if entry is None:
        return False
    _same_version(entry, version)
    history = withdrawn(folder)
    history.append({"kind": kind, "withdrawn_by": nfc(by)[:200], "withdrawn_on": on, "entry": entry})
    buffer = io.StringIO()
    _yaml().dump({"withdrawn": history[-MAX_ENTRIES:]}, buffer)
    _rewrite(folder / HISTORY, (HISTORY_HEADER + buffer.getvalue()).encode("utf-8"))
    _write(folder, kind, [e for e in items if e is not entry])
    return True


def withdrawn(folder: Path) -> list[dict]:
    """The folder's withdrawn entries, oldest first: {kind, withdrawn_by, withdrawn_on, entry}."""
    path = folder / HISTORY
    if not path.is_file():
        return []
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}
    return [item for item in data.get("withdrawn") or [] if isinstance(item, dict) and item.get("kind") in FILES]


def approve(folder: Path, kind: str, entry_id: str, reviewer: str, version: str | None = None) -> bool:
    """An entry written pending by an earlier kehoach is put in force (one's own folder has no Sở to review it);
    Stale when it changed since *version* was read."""
    if kind not in FILES:
        return False
    items = _read(folder, kind)
    for i, entry in enumerate(items):
        if entry.get("id") == entry_id and entry.get("review") == "pending":
            _same_version(entry, version)
            items[i] = approved(entry, reviewer, "Đưa vào dùng khi kiểm tra")
            _write(folder, kind, items)
            return True
    return False
