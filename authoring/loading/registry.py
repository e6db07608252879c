"""The agency and citation registries, and matching of free-text agency names against them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import InputError
from ..model import Agency, AgencyRegistry, CitationRegistry, CitedDocument
from ..paths import own_registry_dirs, registry_dir
from ..text import match_key
from .validate import load_model

AGENCY_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class Registry:
    """Agencies and cited documents, indexed for lookup by id and by name."""

    agencies: dict[str, Agency] = field(default_factory=dict)
    documents: dict[str, CitedDocument] = field(default_factory=dict)
    _by_name: dict[str, str] = field(default_factory=dict)
    # Names with a place slot ("ubnd tinh {tinh}"): (literal start, regular expression, agency id). The expression is
    # compiled on first use (re's own cache), so a registry read from the disk cache compiles none it does not try.
    _patterns: list[tuple[str, str, str]] = field(default_factory=list)
    _by_code: dict[str, list[str]] = field(default_factory=dict)
    # Entries a unit added from the page that the Sở has not yet approved: no check counts them, a finding says so.
    pending: list[Agency | CitedDocument] = field(default_factory=list)
    # Whether a Sở reviews the pending entries (the shared workspace); on one's own computer nobody does, the user puts
    # them in force.
    shared: bool = False

    @classmethod
    def build(cls, agencies: list[Agency], documents: list[CitedDocument]) -> "Registry":
        registry = cls()
        registry.pending = [e for e in [*documents, *agencies] if e.review == "pending"]
        agencies = [a for a in agencies if a.review != "pending"]
        documents = [d for d in documents if d.review != "pending"]
        for agency in agencies:
            registry.agencies[agency.id] = agency
            for name in [n.name for n in agency.names] + agency.aliases:
                key = match_key(name)
                if "{tinh}" in key or "{xa}" in key or "{huyen}" in key:
                    pattern = re.escape(key)
                    for slot in ("tinh", "xa", "huyen"):
                        pattern = pattern.replace(re.escape("{" + slot + "}"), "(?P<%s>.+)" % slot)
                    start = key.split("{", 1)[0]
                    registry._patterns.append((start, f"^{pattern}$", agency.id))
                else:
                    registry._by_name.setdefault(key, agency.id)
        for document in documents:
            registry.documents[document.id] = document
            if document.code:
                registry._by_code.setdefault(match_key(document.code), []).append(document.id)
        return registry

    @property
    def district_level_ends(self) -> date | None:
        """The day the district level stopped (Luật 72/2025/QH15), as the registry's collective district body says."""
        agency = self.agencies.get("ubnd-cap-huyen")
        return agency.valid_until.to_date() if agency is not None and agency.valid_until else None

    def is_agency_id(self, text: str) -> bool:
        """Whether *text* is written as an id (slug) rather than a name."""
        return bool(AGENCY_ID_RE.match(text))

    def resolve_agency(self, text: str) -> str | None:
        """Registry id for an id or a free-text name ("Sở Y Tế", "Sở Lao động – Thương binh…"), or None."""
        if text in self.agencies:
            return text
        key = match_key(text)
        if key in self._by_name:
            return self._by_name[key]
        for start, pattern, agency_id in self._patterns:
            if key.startswith(start) and re.match(pattern, key):
                return agency_id
        return None

    def agency_name(self, agency_id: str, on: date | None = None, province: str | None = None) -> str:
        agency = self.agencies[agency_id]
        names = [n for n in agency.names if not n.kinds]   # a name of some unit kinds only is name_of's (with the unit)
        chosen = names[-1]
        if on is not None:
            for name in names:
                start = name.valid_from.to_date() if name.valid_from and name.valid_from.is_complete else None
                end = name.valid_until.to_date() if name.valid_until and name.valid_until.is_complete else None
                if (start is None or start <= on) and (end is None or on < end):
                    chosen = name
                    break
        text = chosen.name
        if province:
            text = text.replace("{tinh}", province)
        return text

    def documents_with_code(self, code: str) -> list[CitedDocument]:
        return [self.documents[i] for i in self._by_code.get(match_key(code), [])]

    def pending_document(self, code: str, year: int | None) -> CitedDocument | None:
        """A document of this number (and year, when known) a unit added and the Sở has not yet approved."""
        return next((d for d in self.pending if isinstance(d, CitedDocument) and d.code
                     and match_key(d.code) == match_key(code) and (year is None or d.date is None or d.date.year == year)),
                    None)

    @property
    def pending_words(self) -> str:
        """What a finding about a pending entry adds: who has to act, and how."""
        if self.shared:
            return " (đơn vị đã bổ sung, đang chờ Sở duyệt)"
        return (" (đã có trong danh mục của riêng bạn nhưng chưa dùng khi kiểm tra: bấm «Dùng khi kiểm tra» ở trang "
                "«Danh mục của riêng bạn» của kehoach serve, hoặc xóa dòng «review: pending» của mục trong tệp danh mục "
                "riêng)")

    def pending_agency(self, text: str) -> Agency | None:
        """An agency of this name a unit added and the Sở has not yet approved."""
        key = match_key(text)
        return next((a for a in self.pending if isinstance(a, Agency)
                     and key in {match_key(n) for n in [*(x.name for x in a.names), *a.aliases]}), None)

    def with_layer(self, agencies: list[dict], documents: list[dict]) -> "Registry":
        """This registry with a unit's own entries laid over it (an entry with a built-in id replaces it); entries
        pending the Sở's review are kept aside, as in a layer read from files."""
        added_agencies = {a.id: a for a in (Agency.model_validate(e) for e in agencies)}
        added_documents = {d.id: d for d in (CitedDocument.model_validate(e) for e in documents)}
        layered = Registry.build([*{**self.agencies, **added_agencies}.values(),
                                  *(p for p in self.pending if isinstance(p, Agency))],
                                 [*{**self.documents, **added_documents}.values(),
                                  *(p for p in self.pending if isinstance(p, CitedDocument))])
        layered.shared = True   # layers laid over from the workspace's database wait for the Sở
        return layered

    def close_agency_ids(self, text: str, n: int = 3) -> list[str]:
        import difflib

        return difflib.get_close_matches(text, list(self.agencies), n=n, cutoff=0.6)


def load_registry(folder: Path | None = None) -> Registry:
    """Load agencies.yaml and citations.yaml, with the user's own registry folders laid over them (KEHOACH_OWN_REGISTRY);
    a broken registry is reported like any bad input."""
    folder = Path(folder) if folder else registry_dir()
    own = tuple(str(d.resolve()) for d in own_registry_dirs())
    return _load_registry_cached(str(folder.resolve()), own)


def forget_loaded() -> None:
    """Read the registries again on next use (after a unit's layer was written)."""
    _load_registry_cached.cache_clear()


@lru_cache(maxsize=8)
def _load_registry_cached(folder: str, own: tuple[str, ...] = ()) -> Registry:
    layers = []
    for index, base in enumerate(Path(f) for f in (folder, *own)):
        for name in ("agencies.yaml", "citations.yaml"):
            file = base / name
            if index > 0 and not file.is_file():
                continue  # a user's layer may hold only one of the two
            layers.append(file)
    key = _disk_key(layers)
    cached = _read_disk_cache(key) if key else None
    if cached is not None:
        from ..fileio import note_read

        for file in layers:
            note_read(file)  # read as surely as if parsed: this command's output must not overwrite it
        return cached
    registry = _build_registry(layers)
    if key:
        _write_disk_cache(key, registry)
    return registry


def _build_registry(layers: list[Path]) -> Registry:
    agencies: dict[str, Agency] = {}
    documents: dict[str, CitedDocument] = {}
    findings = []
    for file in layers:
        model, into, items = ((AgencyRegistry, agencies, "agencies") if file.name == "agencies.yaml"
                              else (CitationRegistry, documents, "documents"))
        loaded, _, found = load_model(file, model)
        findings += found
        if loaded is None:
            continue
        entries = getattr(loaded, items)
        findings += _duplicate_registry_ids([e.id for e in entries], file)
        into.update((e.id, e) for e in entries)  # a layer's entry replaces the built-in one with its id
    if findings:
        raise InputError("Danh mục cơ quan hoặc danh mục văn bản có lỗi; kehoach không thể chạy tiếp.", findings)
    return Registry.build(list(agencies.values()), list(documents.values()))


# Parsing and validating the registry is a third of `kehoach validate`; the built Registry is kept on disk, keyed by
# the registry files' bytes and by the code that builds it, so any change to either rebuilds it.
_CACHE_SOURCES = ("model/common.py", "model/registry.py", "loading/registry.py", "loading/validate.py", "text.py")


def _disk_key(layers: list[Path]) -> str | None:
    import hashlib
    import sys

    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    root = Path(__file__).resolve().parent.parent
    try:
        for relative in _CACHE_SOURCES:
            digest.update((root / relative).read_bytes())
        for file in layers:
            digest.update(str(file).encode() + b"\0" + file.read_bytes() + b"\0")
    except OSError:
        return None  # a missing or unreadable file: let the normal path report it
    return digest.hexdigest()


def _read_disk_cache(key: str) -> Registry | None:
    import pickle

    from .diskcache import cache_file, read_cached

    data = read_cached(cache_file("registry", key))
    if data is None:
        return None
    try:
        registry = pickle.loads(data)  # our own file in the user's cache, named by the hash of what it was built from
    except Exception:  # truncated or from another version: build it again
        return None
    return registry if isinstance(registry, Registry) else None


def _write_disk_cache(key: str, registry: Registry) -> None:
    import pickle

    from .diskcache import cache_file, write_cached

    write_cached(cache_file("registry", key), pickle.dumps(registry, protocol=pickle.HIGHEST_PROTOCOL))


def _duplicate_registry_ids(ids: list[str], file: Path) -> list:
    from ..findings import Finding, Severity

    seen, out = set(), []
    for item in ids:
        if item in seen:
            out.append(Finding("L120", Severity.ERROR, f"mã '{item}' xuất hiện hai lần trong danh mục", str(file),
                               suggestion="Mỗi mã trong danh mục phải là duy nhất."))
        seen.add(item)
    return out
