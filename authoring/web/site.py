"""What the page's routes share: the running server's state, its templates, and the steps they take on plans."""

from __future__ import annotations

import json
import secrets
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from ..loading import edit as yamledit
from ..text import nfc, vietnam_now
from . import core, engine, forms, fragments, ops
from .pages import PageImages
from .preview import PagesAhead, preview_html
from .store import Conflict, Store
from .changes import diff_lines
from .unit_check import unit_refusal

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 5 * 1024 * 1024  # a plan in Word is a few hundred kB; anything far larger is not a plan
UPLOAD_SUFFIXES = {".yaml", ".yml", ".docx", ".pdf", ".edxml", ".txt", ".md"}


class UserError(Exception):
    """Something the user can fix; shown in Vietnamese, never as a traceback."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class State:
    """What the running server keeps: storage, registry, and recent analyses by (plan, version)."""

    def __init__(self, url: str):
        self.store = Store(url)
        self.registry = core.load_registry()
        self.cache: OrderedDict = OrderedDict()
        self.cache_limit = 12   # analyses kept; the province workspace (many users per process) keeps more
        self.lock = threading.Lock()
        self.pdf_lock = threading.Lock()
        self.trees: OrderedDict = OrderedDict()   # (plan, version) → ruamel tree of that version's text
        self.pages = PageImages()                 # "Xem trang in": pictures of the PDF's pages by content hash
        self.ahead: PagesAhead | None = None       # pages made in the background after a save (set by the site)
        # plan id → the registry its unit checks against, None for the built-in one (set by the workspace)
        self.unit_registry = None

    def take_tree(self, plan_id: int, number: int, text: str):
        """The round-trip tree of a version, taken out of the cache (the taker mutates it), else read from text.

        Reading the largest plan with ruamel costs 150–500 ms; a structural edit on a plan just opened or just
        edited reuses the tree kept from before instead."""
        with self.lock:
            tree = self.trees.pop((plan_id, number), None)
        return tree if tree is not None else yamledit.load_tree(text)

    def put_tree(self, plan_id: int, number: int, tree) -> None:
        with self.lock:
            self.trees[(plan_id, number)] = tree
            while len(self.trees) > 6:
                self.trees.popitem(last=False)

    def preload_tree(self, plan_id: int, number: int, text: str) -> None:
        """Read the round-trip tree in the background while the author looks at the page."""
        with self.lock:
            if (plan_id, number) in self.trees:
                return

        def load():
            tree = yamledit.load_tree(text)
            with self.lock:
                self.trees.setdefault((plan_id, number), tree)

        threading.Thread(target=load, daemon=True).start()

    def analysis(self, plan_id: int, number: int, text: str | None = None) -> engine.Analysis:
        key = (plan_id, number)
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
        kept = None
        if text is None:
            row = self.store.version(plan_id, number, kept=True)
            if row is None:
                raise UserError("Không tìm thấy phiên bản này của kế hoạch.", 404)
            text, kept = row.yaml_text, row.analysis
        result = self.analyse(plan_id, text, kept)
        self.remember(plan_id, number, result)
        return result

    def registry_for(self, plan_id: int):
        """The registry the plan's unit checks against (the server's own when its unit adds nothing)."""
        return (self.unit_registry(plan_id) if self.unit_registry is not None else None) or self.registry

    def analyse(self, plan_id: int | None, text: str, kept: dict | None = None) -> engine.Analysis:
        """engine.analyse against the registry of the plan's unit (its own layer and its parents' in the workspace);
        *kept*: the check kept with the version, used when it still holds."""
        registry = self.unit_registry(plan_id) if self.unit_registry is not None and plan_id is not None else None
        return engine.analyse(text, registry, kept)

    def remember(self, plan_id: int, number: int, result: engine.Analysis) -> None:
        with self.lock:
            self.cache[(plan_id, number)] = result
            while len(self.cache) > self.cache_limit:
                self.cache.popitem(last=False)


class Site:
    """The page's shared steps (checks, saves, fragments, downloads), over one server's *state*."""

    # The editor's parts in the order of the printed document; «Thông tin khác» holds the plan's bookkeeping.
    PARTS = ("document", "implements", "bases", "references", "preamble", "sections", "closing", "recipients",
             "archive", "signature", "footnotes", "annex", "khac")
    OTHER = ("kind", "id", "recipients_label", "status", "source")

    def __init__(self, app, state: State, templates):
        self.app, self.state, self.templates = app, state, templates
        # whether a register gave a plan its number (the workspace sets this); None: the plan's file decides
        self.issued_of: Callable[[int], bool | None] = lambda plan_id: None

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        # In the shared workspace every page carries the same bar: who is signed in, their unit, role and way out.
        me = request.scope.get("state", {}).get("account")
        return self.templates.TemplateResponse(request, template, {"csrf": self.csrf_token(request), "me": me, **context},
                                          status_code=status)

    # --- reliability: CSRF, errors ---------------------------------------------------------

    def csrf_token(self, request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = secrets.token_urlsafe(24)
            request.session["csrf"] = token
        return token

    def session_key(self, request: Request) -> str:
        """Which browser session saved a version (a hash of its CSRF token; never the token itself)."""
        import hashlib

        return hashlib.sha256(self.csrf_token(request).encode()).hexdigest()[:16]

    async def require_csrf(self, request: Request) -> None:
        """Refuse a post not sent by kehoach's own page. The form it carries is read here, once, for every route, with
        its words in NFC: a name typed or pasted in another Unicode form must match as the same name."""
        expected = request.session.get("csrf")
        sent = request.headers.get("x-csrf-token")
        kind = request.headers.get("content-type", "")
        if not sent or kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            length = int(request.headers.get("content-length") or 0)
            if length > MAX_UPLOAD + 64 * 1024:
                raise UserError("Tệp tải lên quá lớn (tối đa 5 MB).", 413)
            form = await request.form(max_files=2, max_fields=4000, max_part_size=2 * 1024 * 1024)
            request._form = _nfc_form(form)   # what every later `await request.form()` of this request returns
            sent = sent or form.get("csrf")
        if not expected or not sent or not secrets.compare_digest(str(sent), expected):
            raise UserError("Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang của kehoach. "
                            "Hãy tải lại trang rồi làm lại.", 403)

    def is_htmx(self, request: Request) -> bool:
        return request.headers.get("hx-request") == "true"

    def alert_fragment(self, message: str, kind: str = "loi", extra: str = "") -> str:
        """*extra*: markup rendered from a fragment (what to do next)."""
        return fragments.render("alert", message=message, kind=kind, extra=fragments.markup(extra))

    # --- helpers ---------------------------------------------------------------------------

    def reload_registry(self) -> None:
        """After the unit's own registry layer changed: read the registry again and check every plan anew."""
        self.state.registry = core.load_registry()
        core.kept_check.forget()
        with self.state.lock:
            self.state.cache.clear()

    def plan_or_404(self, plan_id: int):
        row = self.state.store.plan(plan_id)
        if row is None:
            raise UserError("Không tìm thấy kế hoạch này (có thể đã bị xóa).", 404)
        return row

    def describe(self, analysis: engine.Analysis) -> tuple[str, str]:
        tree = analysis.tree or {}
        doc = tree.get("document") if isinstance(tree.get("document"), dict) else {}
        issuer = doc.get("issuer") if isinstance(doc.get("issuer"), dict) else {}
        return str(doc.get("title") or "(chưa có trích yếu)")[:1000], str(issuer.get("name") or "")[:300]

    def create_plan(self, text: str, note: str, origin: str) -> int:
        analysis = engine.analyse(text)
        title, issuer = self.describe(analysis)
        saved = self.state.store.create(text, note, origin, title, issuer, analysis.counts(), analysis.format_ok,
                                        analysis.kept)
        if self.state.unit_registry is None or self.state.unit_registry(saved.plan_id) is None:
            self.state.remember(saved.plan_id, saved.number, analysis)   # else checked again with the unit's layer
        return saved.plan_id

    def save(self, plan_id: int, base: int, text: str, note: str, analysis: engine.Analysis | None = None,
             before: engine.Analysis | None = None, session_key: str | None = None,
             part: str | None = None) -> tuple[int, engine.Analysis]:
        """Every save is a version; it remembers the session and part edited (to group a run of saves in the list)
        and what changed in words (the semantic diff, as `kehoach diff`)."""
        analysis = analysis or self.state.analyse(plan_id, text)
        title, issuer = self.describe(analysis)
        change, lines = None, None
        if before is not None and before.loaded is not None and analysis.loaded is not None:
            lines = diff_lines(core.semantic_diff(before.loaded, analysis.loaded), forms.AgencyNames(self.state.registry, analysis.tree))
            change = "; ".join(lines) if lines else None
        saved = self.state.store.save(plan_id, base, text, note, title, issuer, analysis.counts(), analysis.format_ok,
                                      session_key, part, change, analysis, lines)
        self.state.remember(plan_id, saved.number, analysis)
        self.state.ahead.saved(plan_id, text, analysis.loaded if analysis.format_ok else None)
        return saved.number, analysis

    def findings_by_slot(self, analysis: engine.Analysis) -> dict:
        out: dict = {}
        for finding in analysis.findings:
            path = yamledit.parse_path(finding.path) if finding.path else ()
            out.setdefault(forms.slot_for(path), []).append(finding)
        return out

    def describer(self, analysis: engine.Analysis):
        """forms.describer of the analysis's tree, built once per analysis (and registry)."""
        kept = analysis.described
        if kept is None or kept[0] is not self.state.registry:
            kept = analysis.described = (self.state.registry, forms.describer(analysis.tree, self.state.registry))
        return kept[1]

    def names_for(self, analysis: engine.Analysis) -> forms.AgencyNames:
        """Agencies by name and the parents' items by their words, for showing and reading back the forms."""
        parents = forms.ParentChoices(engine.parent_items(list(analysis.parents)))
        return forms.AgencyNames(self.state.registry, analysis.tree if isinstance(analysis.tree, dict) else {}, parents)

    def editor_html(self, plan_id: int, analysis: engine.Analysis) -> str:
        tree = analysis.tree if isinstance(analysis.tree, dict) else {}
        names = self.names_for(analysis)
        renderer = forms.FormRenderer(plan_id, tree, names, self.findings_by_slot(analysis),
                                      forms.describer(tree, self.state.registry))
        plan_fields = {f.key: f for f in forms.cached_fields(core.Plan)}
        parts = []
        for key in self.PARTS:
            if key == "implements":
                parts.append({"key": key, "heading": forms.IMPLEMENTS.label, "body": fragments.markup(
                    renderer.implements_box(tree.get("implements"), self.implements_titles(tree)))})
                continue
            if key == "annex":
                annex_on = tree.get("annex") is not None
                button = renderer.op_button("remove" if annex_on else "add_annex", ("annex",),
                                            "Bỏ phụ lục bảng nhiệm vụ" if annex_on else "+ Thêm phụ lục bảng nhiệm vụ (trang ngang)",
                                            "Phụ lục lập từ các mục có dữ liệu nhiệm vụ")
                body = renderer.fields(core.Annex, tree.get("annex") or {}, ("annex",)) if annex_on else ""
                parts.append({"key": key, "heading": "Phụ lục", "body": fragments.markup(button + body)})
                continue
            if key == "khac":
                inner = "".join(renderer.field(plan_fields[k], tree.get(k), (k,)) for k in self.OTHER)
                parts.append({"key": key, "heading": "Thông tin khác", "body": fragments.markup(inner), "folded": True})
                continue
            field = plan_fields[key]
            titled = field.kind not in ("model", "models") or key in ("sections", "preamble", "closing")
            parts.append({"key": key, "heading": field.label if titled else "",
                          "body": fragments.markup(renderer.field(field, tree.get(key), (key,)))})
        return fragments.render("editor_parts", parts=parts)

    def summary_html(self, plan_id: int, number: int, analysis: engine.Analysis) -> str:
        counts = analysis.counts()
        describe = self.describer(analysis)
        items = []
        for finding in analysis.findings:
            path = yamledit.parse_path(finding.path) if finding.path else ()
            slot = forms.slot_for(path)
            items.append({"target": f"#{forms.slot_id(slot)}" if slot else "#editor",
                          "slot": forms.slot_id(slot) if slot else "", "finding": fragments.markup(forms.finding_html(finding, describe))})
        state_text = ("Chưa đọc được kế hoạch: sửa các lỗi định dạng dưới đây trước."
                      if not analysis.format_ok else
                      f"Đã đối chiếu với: {', '.join(map(self.parent_title, analysis.parents)) or 'không có văn bản cấp trên trong thư viện'}.")
        return fragments.render("summary", counts=counts, state_text=state_text, plan_id=plan_id, items=items)

    def preview_block(self, analysis: engine.Analysis) -> str:
        body = fragments.markup(preview_html(analysis.loaded.plan, analysis.loaded)) if analysis.loaded is not None else None
        return fragments.render("preview", body=body)

    def status_fragments(self, plan_id: int, number: int, analysis: engine.Analysis, note: str) -> str:
        return fragments.render("saved", number=number, note=note, stamp=f"{vietnam_now():%H:%M:%S}",
                                summary=fragments.markup(self.summary_html(plan_id, number, analysis)),
                                preview=fragments.markup(self.preview_block(analysis)))

    def conflict_response(self, plan_id: int, head: int, path: str | None = None, values: list[str] | None = None):
        payload = (json.dumps({"path": path, "v": values or [], "base": head}, ensure_ascii=False)
                   if path is not None else None)
        extra = fragments.render("conflict", plan_id=plan_id, payload=payload,
                                 shown="; ".join(v for v in (values or []) if v)[:300])
        message = (f"Kế hoạch vừa được lưu ở một cửa sổ hoặc thẻ khác (phiên bản {head}), nên thay đổi này chưa được lưu "
                   "để không ghi đè lên thay đổi kia. Không có nội dung nào bị mất.")
        return HTMLResponse(self.alert_fragment(message, "canh-bao", extra), status_code=409, headers={"HX-Reswap": "none"})

    def base_of(self, form) -> int:
        try:
            return int(form.get("base"))
        except (TypeError, ValueError):
            raise UserError("Thiếu số phiên bản đang sửa; hãy tải lại trang.")

    # --- pages -----------------------------------------------------------------------------

    def library(self) -> list[dict]:
        items = []
        for folder, kind in ((core.EXAMPLES_DIR, "Kế hoạch mẫu"), (core.DIRECTIVES_DIR, "Văn bản cấp trên")):
            for path in sorted(folder.glob("*.yaml")):
                loaded, _ = engine.parent_plan(path, self.state.registry)
                if loaded is None:
                    continue
                doc = loaded.plan.document
                number = f"{doc.number:02d}/{doc.symbol}" if doc.number else doc.symbol
                items.append({"file": f"{folder.name}/{path.name}", "kind": kind, "issuer": doc.issuer.name,
                              "number": number, "year": doc.date.year, "title": doc.title})
        return items

    def library_name(self, path: Path) -> str:
        """A library document as its readers name it: «Kế hoạch số 07/KH-UBND của … (2025)», not its file."""
        loaded, _ = engine.parent_plan(path, self.state.registry)
        if loaded is None:
            return "văn bản trong thư viện"
        doc = loaded.plan.document
        number = f" số {doc.number:02d}/{doc.symbol}" if doc.number else ""
        return f"{doc.type}{number} của {doc.issuer.name} ({doc.date.year})"

    def implements_titles(self, tree: dict) -> dict[str, str]:
        """The library's directives, and the plan's other parents (a province plan in the workspace) in words."""
        titles = dict(self.directive_titles())
        chosen = tree.get("implements")
        for ref in chosen if isinstance(chosen, list) else []:
            if isinstance(ref, str) and ref not in titles:
                titles[ref] = engine.parent_name(ref) or "Văn bản cấp trên chưa có trong thư viện"
        return titles

    def directive_titles(self) -> dict[str, str]:
        """Library directives by the id a plan's 'implements' names them with, titled in words."""
        out = {}
        for path in sorted(core.DIRECTIVES_DIR.glob("*.yaml")):
            loaded, _ = engine.parent_plan(path, self.state.registry)
            if loaded is not None:
                out[path.stem] = f"{self.parent_title(path.stem)} — {loaded.plan.document.title}"[:220]
        for path in sorted(core.EXAMPLES_DIR.glob("*.yaml")):
            loaded, _ = engine.parent_plan(path, self.state.registry)
            if loaded is not None:
                doc = loaded.plan.document
                # by the plan's id, as derive names a parent plan in 'implements' (loading/library finds it)
                out.setdefault(loaded.plan.id, f"{doc.type} của {doc.issuer.name} ({doc.date.year}) — {doc.title}"[:220])
        return out

    def library_path(self, name: str) -> Path:
        folder, _, file = name.partition("/")
        base = {"examples": core.EXAMPLES_DIR, "directives": core.DIRECTIVES_DIR}.get(folder)
        if base is None or "/" in file or not file.endswith(".yaml") or not (base / file).is_file():
            raise UserError("Không có văn bản này trong thư viện.")
        return base / file

    def derive_draft(self, file: str, unit: str, request: Request, peer: tuple[str, bytes] | None = None):
        """(parent's path, parent, draft text, derive report) for *unit* from a library file, with a neighbour's plan
        (its file name and bytes) as evidence when given: the page and the API refuse the same units (unknown,
        abolished, another commune's) with the same words."""
        path = self.library_path(file)
        parent, index = engine.parent_plan(path, self.state.registry)
        if parent is None or index.has_errors:
            raise UserError("Văn bản cấp trên này còn lỗi định dạng nên chưa lập được kế hoạch cấp dưới.")
        me = request.scope.get("state", {}).get("account")
        refusal = unit_refusal(unit, parent, own_commune=me.unit_name if me and me.unit_level == "xa" else None)
        if refusal:
            raise UserError(refusal)
        neighbour = None
        try:
            # As if written beside the parent: an example parent is then named by its file name, found again
            # by the check through the links in the work folder.
            output = path.parent / f".kehoach-web-{secrets.token_hex(4)}.yaml"
            with tempfile.TemporaryDirectory(prefix="kehoach-tham-khao-") as tmp:
                if peer is not None:   # never the user's own file name on disk; the draft names it as uploaded
                    neighbour = Path(tmp) / f"tham-khao{Path(peer[0]).suffix.lower()}"
                    neighbour.write_bytes(peer[1])
                text, report = core.derive(parent, unit, output, peer=neighbour, peer_name=peer[0] if peer else None)
        except core.KehoachError as exc:
            message = _error_text(exc)
            raise UserError(message.replace(str(neighbour), peer[0]) if peer and neighbour else message)
        except (IndexError, KeyError):
            # derive stops when the parent gives this level no duty to take up (seen: a province plan → a commune)
            raise UserError(f"Chưa lập được kế hoạch cho {unit} từ văn bản này: văn bản không giao nhiệm vụ hay chế độ "
                            "báo cáo nào cho cấp đó. Hãy chọn văn bản cấp trên trực tiếp của đơn vị, hoặc bắt đầu từ "
                            "kế hoạch trống.")
        return path, parent, text, report

    def change_field(self, plan_id: int, base: int, path, path_text: str, field, values: list[str],
                     session: str | None = None) -> HTMLResponse:
        current = self.state.analysis(plan_id, base)
        previous = yamledit.get_in(current.tree or {}, path)
        names = self.names_for(current) if field.kind == "links" else forms.AgencyNames(self.state.registry, current.tree)
        try:
            value = forms.read_field(field, values, previous, names)
        except forms.FieldError as exc:
            raise UserError(str(exc))
        try:
            text, checked = self.set_checked(current.text, path, value, plan_id, current)
        except (AttributeError, TypeError, KeyError, IndexError):
            raise UserError("Không lưu được: ô này không còn ở chỗ cũ trong kế hoạch. Hãy tải lại trang rồi nhập lại.", 409)
        if text == current.text:
            number, analysis = base, current
            head = self.state.store.plan(plan_id).head
            if head != base:
                return self.conflict_response(plan_id, head, path_text, values)
            note = "không đổi"
        else:
            note = f"Sửa {field.label.lower()}{where(current.tree, path)}"
            try:
                number, analysis = self.save(plan_id, base, text, note, checked, current, session, part_of(path))
            except Conflict as exc:
                return self.conflict_response(plan_id, exc.head, path_text, values)
            with self.state.lock:
                tree = self.state.trees.pop((plan_id, base), None)
            if tree is not None:  # the kept tree follows the edit, so the next structural edit needs no re-read
                try:
                    yamledit.set_in_tree(tree, path, value)
                    self.state.put_tree(plan_id, number, tree)
                except (KeyError, IndexError, TypeError):
                    pass
        body = self.status_fragments(plan_id, number, analysis, note)
        body += self.slot_updates(current, analysis, plan_id)
        if field.kind in ("agencies", "links"):
            names = forms.AgencyNames(self.state.registry, analysis.tree, names.parents)
            renderer = forms.FormRenderer(plan_id, analysis.tree or {}, names, {},
                                          self.describer(analysis))
            widget = renderer.agency_list if field.kind == "agencies" else renderer.link_list
            body = str(widget(yamledit.get_in(analysis.tree or {}, path), path, forms.slot_id(path))) + body
        return HTMLResponse(body)

    def set_checked(self, text: str, path, value, plan_id: int | None = None,
                    current: engine.Analysis | None = None) -> tuple[str, engine.Analysis]:
        """The text with the new value, and its analysis; a splice that does not read back exactly is redone
        by the YAML writer (the analysis reads the new text anyway, so the check costs nothing extra)."""
        source = current.loaded.source if current is not None and current.loaded is not None else None
        new_text = yamledit.set_value(text, path, value, source)
        analysis = self.state.analyse(plan_id, new_text)
        if value is not None and (not isinstance(analysis.tree, dict)
                                  or yamledit.get_in(analysis.tree, path) != core.nfc_tree(value)):
            new_text = yamledit.transform(text, lambda tree: yamledit.set_in_tree(tree, path, value))
            analysis = self.state.analyse(plan_id, new_text)
        return new_text, analysis

    def slot_updates(self, before: engine.Analysis, after: engine.Analysis, plan_id: int | None = None) -> str:
        old, new = self.findings_by_slot(before), self.findings_by_slot(after)
        describe = self.describer(after)
        out = []
        for slot in set(old) | set(new):
            if not slot:
                continue
            old_text = [f.message for f in old.get(slot, [])]
            new_text = [f.message for f in new.get(slot, [])]
            if old_text != new_text:
                out.append(forms.render_slot(slot, new.get(slot, []), describe, plan_id, oob=True))
        return "".join(out)

    def change_structure(self, plan_id: int, base: int, current: engine.Analysis, change, note_of,
                         session: str | None = None, part: str | None = None) -> HTMLResponse:
        """Apply a change to the round-trip tree, save the written text as a version, answer with the new editor."""
        tree = self.state.take_tree(plan_id, base, current.text)
        try:
            change(tree)
        except ops.OpError as exc:
            raise UserError(f"Không thực hiện được: {exc}.")
        except (AttributeError, TypeError, KeyError, IndexError):
            # a path that no longer exists: the page is older than the plan
            raise UserError("Không thực hiện được: mục này không còn ở chỗ cũ. Hãy tải lại trang rồi làm lại.", 409)
        text = yamledit.dump_tree(tree)
        note = note_of()
        try:
            number, analysis = self.save(plan_id, base, text, note, None, current, session, part)
        except Conflict as exc:
            return self.conflict_response(plan_id, exc.head)
        self.state.put_tree(plan_id, number, tree)
        return HTMLResponse(self.editor_html(plan_id, analysis) + self.status_fragments(plan_id, number, analysis, note))

    # --- downloads -------------------------------------------------------------------------

    def usable(self, plan_id: int, number: int | None = None) -> tuple[engine.Analysis, str]:
        row = self.plan_or_404(plan_id)
        number = number or row.head
        analysis = self.state.analysis(plan_id, number)
        stem = core.slug(str((analysis.tree or {}).get("id") or f"ke-hoach-{plan_id}")) or f"ke-hoach-{plan_id}"
        return analysis, stem

    def attachment(self, data: bytes, name: str, media: str) -> Response:
        return Response(data, media_type=media,
                        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})

    def need_valid(self, analysis: engine.Analysis) -> None:
        if not analysis.format_ok:
            raise UserError("Kế hoạch còn lỗi định dạng (xem phần Kiểm tra); sửa xong mới tải văn bản được. "
                            "Tệp YAML vẫn tải được để lưu giữ.")

    def check_report_html(self, plan_id: int, number: int, analysis: engine.Analysis) -> str:
        """The check as the page shows it, to keep or send: each finding with where it is and how to fix it, in
        words (the CLI's report names the file, lines and fields, which mean nothing outside the page)."""
        tree = analysis.tree if isinstance(analysis.tree, dict) else {}
        describe = forms.describer(tree, self.state.registry)
        rows = []
        for finding in analysis.findings:
            path = yamledit.parse_path(finding.path) if finding.path else ()
            field = forms.field_at(path) if path else None
            place = (field.label if field else "Cả kế hoạch") + (where(tree, tuple(path) + ("x",)) if path else "")
            sev = finding.severity.value
            rows.append({"level": forms.SEVERITY_LABEL[sev], "cls": forms.SEVERITY_CLASS[sev], "place": place,
                         "message": describe(forms.humanize(finding.message)),
                         "fix": describe(forms.humanize(finding.suggestion)) if finding.suggestion else ""})
        document = tree.get("document") if isinstance(tree.get("document"), dict) else {}
        parents = ", ".join(map(self.parent_title, analysis.parents))
        return self.templates.get_template("report.html").render(
            title=str(document.get("title") or "(chưa có trích yếu)"),
            issuer=str((document.get("issuer") or {}).get("name") or "") if isinstance(document.get("issuer"), dict) else "",
            number=number, moment=f"{vietnam_now():%d/%m/%Y %H:%M}", counts=analysis.counts(), rows=rows,
            parents=f"Đã đối chiếu với: {parents}." if parents else "Không có văn bản cấp trên trong thư viện để đối chiếu.",
            coverage=self.coverage_rows(plan_id, analysis) if analysis.format_ok else None)

    def make_pdf(self, loaded, issued: bool | None = None) -> bytes:
        with tempfile.TemporaryDirectory(prefix="kehoach-pdf-web-") as tmp, self.state.pdf_lock:
            docx = Path(tmp) / "ke-hoach.docx"
            docx.write_bytes(core.render_docx(loaded, issued=issued))
            pdf = Path(tmp) / "ke-hoach.pdf"
            core.docx_to_pdf([(docx, pdf)])
            return pdf.read_bytes()

    def pages_ahead(self, plan_id: int, text: str, loaded) -> None:
        digest, _count, _more = self.state.pages.pages(plan_id, text,
                                                       lambda: self.make_pdf(loaded, self.issued_of(plan_id)))
        self.state.pages.cut_all(plan_id, digest)

    def parent_title(self, doc_id: str) -> str:
        document = self.state.registry.documents.get(doc_id)
        if document and document.code:
            return f"{document.type} số {document.code}"
        return engine.parent_name(doc_id) or "văn bản cấp trên"

    def coverage_rows(self, plan_id: int, analysis: engine.Analysis) -> list[dict]:
        """The coverage matrix in words (templates/_coverage.html): parent item, the plan's items that take it up,
        lead agencies by name."""
        if not analysis.coverage:
            return []
        tree = analysis.tree or {}
        names = forms.AgencyNames(self.state.registry, tree)
        describe = forms.describer(tree, self.state.registry)
        places = {}
        for path, block in core.iter_blocks(analysis.loaded.plan):
            if block.id:
                places[block.id] = path
        rows = []
        for item in analysis.coverage:
            ok = bool(item["covered_by"]) and bool(item["lead"])
            rows.append({
                "ok": ok, "mark": "Đủ" if ok else ("Thiếu cơ quan chủ trì" if item["covered_by"] else "Chưa có mục nào"),
                "document": self.parent_title(item["parent"].split("#")[0]), "text": item["text"],
                "taken": [(f"/ke-hoach/{plan_id}#{forms.slot_id(places[i])}" if i in places else None, describe(i))
                          for i in item["covered_by"]],
                "lead": ", ".join(names.name(a) for a in item["lead"]),
                "status": core.Status(item["status"]).label if item["status"] else ""})
        return rows

    def part_name(self, plan_id: int, version) -> str:
        """The part of the plan a run of saves was in, in words («Thông tin văn bản», mục «2. Sở Y tế»)."""
        if not version.part:
            return ""
        path = yamledit.parse_path(version.part)
        top = {"document": "Thông tin văn bản", "bases": "Căn cứ", "references": "Văn bản dẫn chiếu",
               "recipients": "Nơi nhận", "signature": "Người ký", "footnotes": "Chú thích", "annex": "Phụ lục",
               "implements": "Văn bản cấp trên"}
        if path and path[0] in top:
            return top[path[0]]
        try:
            tree = self.state.analysis(plan_id, version.number).tree or {}
        except UserError:
            return ""
        return where(tree, path + ("x",)).removeprefix(" — ") or forms.LABELS["Plan"].get(str(path[0]), "")

    def version_diff(self, plan_id: int, a: int, b: int) -> dict:
        first, second = self.state.analysis(plan_id, a), self.state.analysis(plan_id, b)
        if first.loaded is None or second.loaded is None:
            return {"error": "Một trong hai phiên bản còn lỗi định dạng nên chưa so sánh nội dung được."}
        changes = core.semantic_diff(first.loaded, second.loaded)
        names = forms.AgencyNames(self.state.registry, second.tree)
        return {"lines": diff_lines(changes, names)}

    def derive_for_api(self, file: str, unit: str, request: Request) -> int:
        unit = " ".join(unit.split())
        parent_path, parent, text, _report = self.derive_draft(file, unit, request)
        return self.create_plan(text, f"Lập cho {unit} từ {self.library_name(parent_path)} (qua API)",
                           f"Kế hoạch cấp dưới của {parent.plan.document.issuer.name}")

    def api_account(self, request: Request):
        return request.scope.get("state", {}).get("account")

    def may_create(self, request: Request) -> str | None:
        me = self.api_account(request)
        if me is not None and not any(me.has(r) for r in ("soan-thao", "lanh-dao")):
            return "Chỉ chuyên viên soạn thảo và lãnh đạo đơn vị tạo được kế hoạch mới."
        return None

    def may_edit(self, request: Request, plan_id: int) -> str | None:
        me = self.api_account(request)
        check = getattr(self.app.state, "edit_refusal", None)
        return check(me, plan_id) if me is not None and check else None


def site_of(request) -> Site:
    """The Site of the application serving *request*."""
    return request.app.state.site


def part_of(path) -> str:
    """The part of the plan an edit is in, for grouping a run of saves: the innermost block (a numbered item of
    the body), else the top-level part ('document', 'bases[2]' → 'bases')."""
    if not path:
        return ""
    part = (path[0],)
    for i in range(len(path) - 1):
        if path[i] in ("preamble", "sections", "closing", "blocks") and isinstance(path[i + 1], int):
            part = tuple(path[:i + 2])
    return core.field_path(part) if isinstance(part, tuple) else str(part)


def version_groups(rows) -> list[dict]:
    """Versions, newest first, with a run of saves by one session on one part folded into one row.

    A named version always stands on its own row; every folded version can still be compared and restored."""
    groups: list[dict] = []
    for row in rows:
        last = groups[-1] if groups else None
        if (last is not None and not row.name and not last["head"].name and row.session_key and row.part is not None
                and row.session_key == last["head"].session_key and row.part == last["head"].part):
            last["rest"].append(row)
        else:
            groups.append({"head": row, "rest": []})
    return groups


def where(tree, path) -> str:
    """' — mục «2. Sở Y tế»': the block an edit was in, for the version list (nothing for document fields)."""
    node, found = tree, None
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and any(k in node for k in ("label", "title", "text")) and "comparator" not in node:
            found = node
    if found is None:
        return ""
    head = " ".join(str(p) for p in (found.get("label"), found.get("title") or found.get("text")) if p)
    head = " ".join(head.split())
    return f" — mục «{head[:60]}{'…' if len(head) > 60 else ''}»"


def _error_text(exc) -> str:
    parts = [exc.message]
    for finding in getattr(exc, "findings", [])[:5]:
        parts.append(forms.humanize(finding.message) + (f" — {forms.humanize(finding.suggestion)}" if finding.suggestion else ""))
    if exc.hint:
        parts.append(exc.hint)
    return " ".join(p[:1].upper() + p[1:] for p in parts if p)


def _nfc_form(form):
    """The same form with every typed value, and every uploaded file's name, in NFC."""
    from starlette.datastructures import FormData

    items = []
    for key, value in form.multi_items():
        if isinstance(value, str):
            value = nfc(value)
        elif getattr(value, "filename", None):
            value.filename = nfc(value.filename)
        items.append((nfc(key), value))
    return FormData(items)


def blank_plan(registry, level: str, issuer_text: str, province: str, year: str) -> str:
    """A new plan with the usual three parts, for the level and issuer chosen."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    try:
        level_value = core.Level(level)
    except ValueError:
        raise UserError("Hãy chọn cấp của cơ quan ban hành.")
    try:
        year_value = int(year)
    except ValueError:
        raise UserError("Năm phải là số, vd. 2026.")
    if not 2000 <= year_value <= 2100:   # the same years kehoach new-year and derive accept
        raise UserError(f"Năm {year_value} không dùng được: năm của kế hoạch phải từ 2000 đến 2100, vd. 2026.")
    issuer_text = " ".join(issuer_text.split())
    if not issuer_text:
        raise UserError("Hãy ghi tên cơ quan ban hành, vd. 'Ủy ban nhân dân xã Hòa Bình'.")
    agency_id = registry.resolve_agency(issuer_text)
    registered = registry.agency_name(agency_id) if agency_id is not None else None
    # A registry agency is written by its registry name however it was typed ("sở y tế" → "Sở Y tế"); a kind of body
    # whose name depends on the place ("Ủy ban nhân dân xã {xa}") keeps the words typed, which name the place.
    name = registered if registered and "{" not in registered else issuer_text
    words = name.split()
    header = ["ỦY BAN NHÂN DÂN", " ".join(words[4:]).upper()] if name.lower().startswith("ủy ban nhân dân ") else [name.upper()]

    def m(*pairs):
        return CommentedMap([p for p in pairs if p[1] is not None])

    def section(label, title, text):
        return m(("label", label), ("title", title), ("blocks", CommentedSeq([m(("label", "1."), ("text", text))])))

    tree = m(
        ("kind", "plan"),
        ("id", f"{core.slug(name)[:40]}-{year_value}"),
        ("document", m(("issuer", m(("agency", agency_id or name), ("name", name), ("header", CommentedSeq(header)))),
                       ("symbol", "KH-UBND"), ("place", province or None), ("date", year_value),
                       ("title", f"Thực hiện công tác bảo vệ, chăm sóc trẻ em năm {year_value}"),
                       ("level", level_value.value), ("province", province or None))),
        ("sections", CommentedSeq([
            section("I.", "MỤC ĐÍCH, YÊU CẦU", "(mục đích)"),
            section("II.", "NỘI DUNG", "(nhiệm vụ, giải pháp)"),
            section("III.", "TỔ CHỨC THỰC HIỆN", "(phân công)"),
        ])),
        ("recipients", CommentedSeq([m(("name", "Như trên"))])),
        ("archive", "VT"),
        ("signature", m(("authority", CommentedSeq(["TM. ỦY BAN NHÂN DÂN"])), ("positions", CommentedSeq(["CHỦ TỊCH"])),
                        ("name", "(họ và tên người ký)"))),
    )
    return yamledit.dump_tree(tree)
