"""A unit's own registry layer written from the page: documents and agencies added with their source, pending review."""

from __future__ import annotations

import io
import re
from pathlib import Path

from ruamel.yaml import YAML

from ..errors import InputError
from ..fileio import write_atomic
from ..findings import Finding, Severity
from ..model import Agency, AgencyRegistry, CitationRegistry, CitedDocument, Level, PartialDate
from ..text import nfc, slug
from .registry import forget_loaded, load_registry

FILES = {"documents": ("citations.yaml", CitationRegistry), "agencies": ("agencies.yaml", AgencyRegistry)}
HEADER = {"documents": "# Văn bản đơn vị bổ sung từ trang kehoach; mục mang dấu review là pending đang chờ Sở duyệt.\n",
          "agencies": "# Cơ quan đơn vị bổ sung từ trang kehoach; mục mang dấu review là pending đang chờ Sở duyệt.\n"}
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


def _write(folder: Path, kind: str, entries: list[dict]) -> None:
    """Validated against the registry's model before anything is written; the file appears whole or not at all."""
    name, model = FILES[kind]
    model.model_validate({kind: entries})
    buffer = io.StringIO()
    _yaml().dump({kind: entries}, buffer)
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / name, (HEADER[kind] + buffer.getvalue()).encode("utf-8"))
    forget_loaded()


def _refuse(message: str, fix: str, field: str) -> InputError:
    return InputError(message, [Finding("L124", Severity.ERROR, message, path=field, suggestion=fix)])


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
                   source: str, added_by: str) -> dict:
    """A cited document as a unit adds it, pending the Sở's review, checked against *registry* (and the ids *taken*
    in the layer it goes to); refused with a finding that says what to write."""
    type, code, issuer, title = (nfc(" ".join(v.split()))[:300] for v in (type, code, issuer, title))
    for value, label in ((type, "loại văn bản"), (issuer, "cơ quan ban hành"), (title, "trích yếu")):
        if not value:
            raise _refuse(f"chưa ghi {label} của văn bản", f"Ghi {label} như trên bản chính của văn bản.", label)
    if day is not None and code and any(d.date and d.date == day for d in registry.documents_with_code(code)):
        raise _refuse(f"văn bản {code} ngày {shown(day)} đã có trong danh mục",
                      "Chọn văn bản này ở ô tìm căn cứ thay vì thêm lại.", "số, ký hiệu")
    if code and registry.pending_document(code, day.year if day else None):
        raise _refuse(f"văn bản {code} đã được thêm vào danh mục của đơn vị, đang chờ Sở duyệt",
                      "Không cần thêm lại; nhắc lãnh đạo Sở duyệt ở trang «Danh mục của đơn vị».", "số, ký hiệu")
    number = re.match(r"[0-9a-z]+", slug(code)) if code else None
    stem = "-".join(p for p in (slug(type)[:12], number.group(0) if number else "", str(day.year) if day else "") if p)
    entry = {"id": _new_id(stem, set(registry.documents) | {p.id for p in registry.pending} | taken), "type": type}
    if code:
        entry["code"] = code
    if day is not None:
        entry["date"] = day.iso()
    entry.update({"issuer": issuer, "title": title, "status": "unconfirmed", "review": "pending",
                  "source": _source(source), "note": f"Do {nfc(added_by)[:200]} thêm từ trang kehoach."})
    CitedDocument.model_validate(entry)
    return entry


def agency_entry(registry, taken: set[str], *, name: str, level: str, source: str, added_by: str) -> dict:
    """An agency as a unit adds it, pending the Sở's review, checked against *registry*; refused with a finding."""
    name = nfc(" ".join(name.split()))[:300]
    if not name:
        raise _refuse("chưa ghi tên cơ quan", "Ghi tên đầy đủ của cơ quan, vd. «Trung tâm Y tế huyện Quỳ Châu».", "tên cơ quan")
    try:
        level = Level(level).value
    except ValueError:
        raise _refuse("chưa chọn cấp của cơ quan", "Chọn cấp: trung ương, tỉnh hoặc xã.", "cấp") from None
    if registry.resolve_agency(name) is not None:
        raise _refuse(f"cơ quan «{name}» đã có trong danh mục", "Chọn cơ quan này trong danh sách thay vì thêm lại.",
                      "tên cơ quan")
    if registry.pending_agency(name) is not None:
        raise _refuse(f"cơ quan «{name}» đã được thêm vào danh mục của đơn vị, đang chờ Sở duyệt",
                      "Không cần thêm lại; nhắc lãnh đạo Sở duyệt ở trang «Danh mục của đơn vị».", "tên cơ quan")
    entry = {"id": _new_id(name, set(registry.agencies) | {p.id for p in registry.pending} | taken),
             "names": [{"name": name}], "level": level, "kind": "co-quan", "status": "unconfirmed", "review": "pending",
             "source": _source(source), "note": f"Do {nfc(added_by)[:200]} thêm từ trang kehoach."}
    Agency.model_validate(entry)
    return entry


def approved(entry: dict, reviewer: str) -> dict:
    """The entry after the Sở's review: no longer pending, checked against one source, the reviewer named."""
    entry = {k: v for k, v in entry.items() if k != "review"}
    entry["status"] = "single_source"
    entry["note"] = f"{entry.get('note', '')} Sở duyệt: {nfc(reviewer)[:200]}.".strip()
    return entry


def _add(folder: Path, kind: str, make) -> str:
    entries = _read(folder, kind)
    if len(entries) >= MAX_ENTRIES:
        raise _refuse("danh mục của đơn vị đã quá nhiều mục", "Nhờ Sở gộp các mục đã duyệt vào danh mục chung.", "danh mục")
    entry = make(load_registry(), {e.get("id") for e in entries})
    _write(folder, kind, entries + [entry])
    return entry["id"]


def add_document(folder: Path, **values) -> str:
    """Add a cited document to the folder's layer, pending the Sở's review; the id of the new entry."""
    return _add(folder, "documents", lambda registry, taken: document_entry(registry, taken, **values))


def add_agency(folder: Path, **values) -> str:
    """Add an agency to the folder's layer, pending the Sở's review; the id of the new entry."""
    return _add(folder, "agencies", lambda registry, taken: agency_entry(registry, taken, **values))


def entries(folder: Path) -> list[tuple[str, dict]]:
    """The layer's entries, documents then agencies: (kind, entry)."""
    return [(kind, entry) for kind in FILES for entry in _read(folder, kind)]


def approve(folder: Path, kind: str, entry_id: str, reviewer: str) -> bool:
    """The Sở's review: the entry is no longer pending and counts as checked against one source."""
    if kind not in FILES:
        return False
    items = _read(folder, kind)
    for i, entry in enumerate(items):
        if entry.get("id") == entry_id and entry.get("review") == "pending":
            items[i] = approved(entry, reviewer)
            _write(folder, kind, items)
            return True
    return False
