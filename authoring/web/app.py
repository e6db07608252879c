"""The web application: pages, edits, downloads and versions of plans, all through kehoach's core."""

from __future__ import annotations

import dataclasses
import gc
import html
import json
import os
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from datetime import date, timezone
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from .. import limits
from ..loading import edit as yamledit
from . import core, engine, forms, ops
from .pages import PageError, PageImages
from .preview import PagesAhead, preview_html
from .store import Conflict, Store, migrate
from .unit_check import unit_refusal

HERE = Path(__file__).resolve().parent
MAX_UPLOAD = 5 * 1024 * 1024  # a plan in Word is a few hundred kB; anything far larger is not a plan
UPLOAD_SUFFIXES = {".yaml", ".yml", ".docx", ".pdf", ".txt", ".md"}


class UserError(Exception):
    """Something the user can fix; shown in Vietnamese, never as a traceback."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _secret(data_dir: Path) -> str:
    if os.environ.get("KEHOACH_SECRET"):
        return os.environ["KEHOACH_SECRET"]
    path = data_dir / "web-secret.key"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
    except OSError:
        return secrets.token_hex(32)


def _data_dir() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "kehoach"


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
        self.changes: OrderedDict = OrderedDict()  # (plan, version) → what its save changed, in sentences

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
        if text is None:
            row = self.store.version(plan_id, number)
            if row is None:
                raise UserError("Không tìm thấy phiên bản này của kế hoạch.", 404)
            text = row.yaml_text
        result = engine.analyse(text)
        self.remember(plan_id, number, result)
        return result

    def remember(self, plan_id: int, number: int, result: engine.Analysis) -> None:
        with self.lock:
            self.cache[(plan_id, number)] = result
            while len(self.cache) > self.cache_limit:
                self.cache.popitem(last=False)

    def take_change(self, plan_id: int, number: int) -> list[str] | None:
        """The sentences of the semantic diff the save of this version made (the audit log's detail entry reuses
        them instead of diffing the two versions again); None when unknown."""
        with self.lock:
            return self.changes.pop((plan_id, number), None)


LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1", "[::1]", "testserver"]


def create_app(db_url: str | None = None, warm_office: bool = False, hosts: list[str] | None = None,
               on_ready=None, workspace: bool | None = None, redis: str | None = None,
               https_only: bool = False) -> FastAPI:
    """The application; *warm_office* keeps one LibreOffice running for fast PDF downloads.

    *hosts* are the names the page answers to: loopback names by default, so that a web site cannot reach the page
    through a name of its own that resolves to this machine (DNS rebinding). *workspace* (or KEHOACH_WORKSPACE=1) adds
    the province's shared workspace (workspace_app.py); *https_only* marks the session cookie Secure, for a deployment
    behind an HTTPS proxy."""
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    from contextlib import asynccontextmanager

    from .store import default_url
    from .warm_office import WarmOffice

    url = db_url or default_url()
    migrate(url)
    state = State(url)
    office = WarmOffice()

    @asynccontextmanager
    async def lifespan(_app):
        # A plan's analysis is tens of thousands of small objects kept for the next edit; with the default
        # thresholds, full collections walk them all every few requests (p95 ×3). Collect less often, and
        # leave what start-up loaded (registry, library) out of the walk.
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
        if warm_office:
            office.start()
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            state.ahead.stop()
            office.stop()

    app = FastAPI(title="kehoach", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.kh = state
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts or LOOPBACK_NAMES)
    app.add_middleware(SessionMiddleware, secret_key=_secret(_data_dir()), session_cookie="kehoach_phien",
                       same_site="strict", https_only=https_only, max_age=60 * 60 * 24 * 30)
    app.mount("/tinh", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["forms"] = forms
    # Stored in UTC; shown in the machine's own time zone (Vietnam's on a civil servant's computer).
    templates.env.filters["local"] = lambda moment: moment.replace(tzinfo=timezone.utc).astimezone().strftime("%d/%m/%Y %H:%M:%S")

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        # In the shared workspace every page carries the same bar: who is signed in, their unit, role and way out.
        me = request.scope.get("state", {}).get("account")
        return templates.TemplateResponse(request, template, {"csrf": csrf_token(request), "me": me, **context},
                                          status_code=status)

    # --- reliability: CSRF, errors ---------------------------------------------------------

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = secrets.token_urlsafe(24)
            request.session["csrf"] = token
        return token

    def session_key(request: Request) -> str:
        """Which browser session saved a version (a hash of its CSRF token; never the token itself)."""
        import hashlib

        return hashlib.sha256(csrf_token(request).encode()).hexdigest()[:16]

    async def require_csrf(request: Request) -> None:
        expected = request.session.get("csrf")
        sent = request.headers.get("x-csrf-token")
        if not sent:
            length = int(request.headers.get("content-length") or 0)
            if length > MAX_UPLOAD + 64 * 1024:
                raise UserError("Tệp tải lên quá lớn (tối đa 5 MB).", 413)
            form = await request.form(max_files=2, max_fields=4000, max_part_size=2 * 1024 * 1024)
            sent = form.get("csrf")
        if not expected or not sent or not secrets.compare_digest(str(sent), expected):
            raise UserError("Phiên làm việc đã hết hạn hoặc yêu cầu không đến từ trang của kehoach. "
                            "Hãy tải lại trang rồi làm lại.", 403)

    def is_htmx(request: Request) -> bool:
        return request.headers.get("hx-request") == "true"

    def alert_fragment(message: str, kind: str = "loi", extra: str = "") -> str:
        return (f'<div id="alert" hx-swap-oob="true" class="alert {kind}" role="alert">{html.escape(message)}{extra}'
                f'<button type="button" class="close" onclick="this.parentElement.className=\'alert hidden\'">Đóng</button></div>')

    @app.exception_handler(UserError)
    async def user_error(request: Request, exc: UserError):
        if is_htmx(request):
            return HTMLResponse(alert_fragment(exc.message), status_code=exc.status, headers={"HX-Reswap": "none"})
        return page(request, "error.html", exc.status, message=exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = {404: "Không tìm thấy trang hoặc kế hoạch này.", 405: "Thao tác này không dùng được ở đây."}.get(
            exc.status_code, "Yêu cầu không hợp lệ.")
        if is_htmx(request):
            return HTMLResponse(alert_fragment(message), status_code=exc.status_code, headers={"HX-Reswap": "none"})
        return page(request, "error.html", exc.status_code, message=message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        message = "Địa chỉ hoặc dữ liệu gửi lên không đúng dạng (ví dụ số kế hoạch phải là số). Hãy quay lại trang trước."
        if is_htmx(request):
            return HTMLResponse(alert_fragment(message), status_code=400, headers={"HX-Reswap": "none"})
        return page(request, "error.html", 400, message=message)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        if os.environ.get("KEHOACH_DEBUG"):
            raise exc
        message = ("Chương trình gặp lỗi khi xử lý yêu cầu này. Dữ liệu đã lưu không bị ảnh hưởng. "
                   "Hãy thử lại; nếu vẫn lỗi, báo cho nhóm phát triển kèm thời điểm xảy ra.")
        if isinstance(exc, core.KehoachError):
            message = exc.message[:1].upper() + exc.message[1:] + (f" {exc.hint}" if exc.hint else "")
        if is_htmx(request):
            return HTMLResponse(alert_fragment(message), status_code=500, headers={"HX-Reswap": "none"})
        return page(request, "error.html", 500, message=message)

    # --- helpers ---------------------------------------------------------------------------

    def plan_or_404(plan_id: int):
        row = state.store.plan(plan_id)
        if row is None:
            raise UserError("Không tìm thấy kế hoạch này (có thể đã bị xóa).", 404)
        return row

    def describe(analysis: engine.Analysis) -> tuple[str, str]:
        tree = analysis.tree or {}
        doc = tree.get("document") if isinstance(tree.get("document"), dict) else {}
        issuer = doc.get("issuer") if isinstance(doc.get("issuer"), dict) else {}
        return str(doc.get("title") or "(chưa có trích yếu)")[:1000], str(issuer.get("name") or "")[:300]

    def create_plan(text: str, note: str, origin: str) -> int:
        analysis = engine.analyse(text)
        title, issuer = describe(analysis)
        saved = state.store.create(text, note, origin, title, issuer, analysis.counts(), analysis.format_ok)
        state.remember(saved.plan_id, saved.number, analysis)
        return saved.plan_id

    def save(plan_id: int, base: int, text: str, note: str, analysis: engine.Analysis | None = None,
             before: engine.Analysis | None = None, session_key: str | None = None,
             part: str | None = None) -> tuple[int, engine.Analysis]:
        """Every save is a version; it remembers the session and part edited (to group a run of saves in the list)
        and what changed in words (the semantic diff, as `kehoach diff`)."""
        analysis = analysis or engine.analyse(text)
        title, issuer = describe(analysis)
        change, lines = None, None
        if before is not None and before.loaded is not None and analysis.loaded is not None:
            lines = diff_lines(core.semantic_diff(before.loaded, analysis.loaded), forms.AgencyNames(state.registry, analysis.tree))
            change = "; ".join(lines) if lines else None
        saved = state.store.save(plan_id, base, text, note, title, issuer, analysis.counts(), analysis.format_ok,
                                 session_key, part, change, analysis)
        state.remember(plan_id, saved.number, analysis)
        if lines is not None:   # version base → saved.number, as the audit log's detail entry describes it
            with state.lock:
                state.changes[(plan_id, saved.number)] = lines
                while len(state.changes) > 200:
                    state.changes.popitem(last=False)
        state.ahead.saved(plan_id, text, analysis.loaded if analysis.format_ok else None)
        return saved.number, analysis

    def findings_by_slot(analysis: engine.Analysis) -> dict:
        out: dict = {}
        for finding in analysis.findings:
            path = yamledit.parse_path(finding.path) if finding.path else ()
            out.setdefault(forms.slot_for(path), []).append(finding)
        return out

    def names_for(analysis: engine.Analysis) -> forms.AgencyNames:
        """Agencies by name and the parents' items by their words, for showing and reading back the forms."""
        parents = forms.ParentChoices(engine.parent_items(list(analysis.parents)))
        return forms.AgencyNames(state.registry, analysis.tree if isinstance(analysis.tree, dict) else {}, parents)

    # The editor's parts in the order of the printed document; «Thông tin khác» holds the plan's bookkeeping.
    PARTS = ("document", "implements", "bases", "references", "preamble", "sections", "closing", "recipients",
             "archive", "signature", "footnotes", "annex", "khac")
    OTHER = ("kind", "id", "recipients_label", "status", "source")

    def editor_html(plan_id: int, analysis: engine.Analysis) -> str:
        tree = analysis.tree if isinstance(analysis.tree, dict) else {}
        names = names_for(analysis)
        renderer = forms.FormRenderer(plan_id, tree, names, findings_by_slot(analysis),
                                      forms.describer(tree, state.registry))
        plan_fields = {f.key: f for f in forms.cached_fields(core.Plan)}
        parts = []
        for key in PARTS:
            if key == "implements":
                parts.append(f'<section class="part" id="phan-implements"><h2>{html.escape(forms.IMPLEMENTS.label)}</h2>'
                             f'{renderer.implements_box(tree.get("implements"), implements_titles(tree))}</section>')
                continue
            if key == "annex":
                annex_on = tree.get("annex") is not None
                button = renderer.op_button("remove" if annex_on else "add_annex", ("annex",),
                                            "Bỏ phụ lục bảng nhiệm vụ" if annex_on else "+ Thêm phụ lục bảng nhiệm vụ (trang ngang)",
                                            "Phụ lục lập từ các mục có dữ liệu nhiệm vụ")
                body = renderer.fields(core.Annex, tree.get("annex") or {}, ("annex",)) if annex_on else ""
                parts.append(f'<section class="part" id="phan-annex"><h2>Phụ lục</h2>{button}{body}</section>')
                continue
            if key == "khac":
                inner = "".join(renderer.field(plan_fields[k], tree.get(k), (k,)) for k in OTHER)
                parts.append(f'<section class="part" id="phan-khac"><details><summary><h2>Thông tin khác</h2></summary>'
                             f'{inner}</details></section>')
                continue
            field = plan_fields[key]
            inner = renderer.field(field, tree.get(key), (key,))
            parts.append(f'<section class="part" id="phan-{key}"><h2>{html.escape(field.label)}</h2>{inner}</section>'
                         if field.kind not in ("model", "models") or key in ("sections", "preamble", "closing")
                         else f'<section class="part" id="phan-{key}">{inner}</section>')
        return "".join(parts)

    def summary_html(plan_id: int, number: int, analysis: engine.Analysis) -> str:
        counts = analysis.counts()
        describe = forms.describer(analysis.tree, state.registry)
        items = []
        for finding in analysis.findings:
            path = yamledit.parse_path(finding.path) if finding.path else ()
            slot = forms.slot_for(path)
            target = f"#{forms.slot_id(slot)}" if slot else "#editor"
            items.append(f'<li><a href="{target}" onclick="return khGoto(\'{forms.slot_id(slot) if slot else ""}\')">'
                         f'{forms.finding_html(finding, describe)}</a></li>')
        state_text = ("Chưa đọc được kế hoạch: sửa các lỗi định dạng dưới đây trước."
                      if not analysis.format_ok else
                      f"Đã đối chiếu với: {', '.join(map(parent_title, analysis.parents)) or 'không có văn bản cấp trên trong thư viện'}.")
        return (f'<div id="summary" hx-swap-oob="true"><div class="counts"><span class="c loi">{counts["error"]} lỗi</span>'
                f'<span class="c canh-bao">{counts["warning"]} cảnh báo</span><span class="c thong-tin">{counts["info"]} lưu ý</span></div>'
                f'<p class="muted">{html.escape(state_text)} '
                f'<a href="/ke-hoach/{plan_id}/bao-phu" target="_blank">Ma trận bao phủ</a></p>'
                f'<ul class="findings">{"".join(items) or "<li class=ok>Không có lỗi, cảnh báo hay lưu ý nào.</li>"}</ul></div>')

    def preview_block(analysis: engine.Analysis) -> str:
        if analysis.loaded is None:
            return ('<div id="preview" hx-swap-oob="true"><p class="alert canh-bao">Chưa xem trước được: kế hoạch còn lỗi '
                    'định dạng (xem phần Kiểm tra). Bản xem trước sẽ hiện lại khi sửa xong.</p></div>')
        return f'<div id="preview" hx-swap-oob="true">{preview_html(analysis.loaded.plan, analysis.loaded)}</div>'

    def status_fragments(plan_id: int, number: int, analysis: engine.Analysis, note: str) -> str:
        stamp = time.strftime("%H:%M:%S")
        return (f'<input type="hidden" id="base-version" name="base" value="{number}" hx-swap-oob="true">'
                f'<span id="save-status" hx-swap-oob="true">Đã lưu phiên bản {number} ({html.escape(note)}) lúc {stamp}</span>'
                + summary_html(plan_id, number, analysis) + preview_block(analysis)
                + '<div id="alert" hx-swap-oob="true" class="alert hidden"></div>')

    def conflict_response(plan_id: int, head: int, path: str | None = None, values: list[str] | None = None):
        extra = ""
        if path is not None:
            payload = html.escape(json.dumps({"path": path, "v": values or [], "base": head}, ensure_ascii=False), quote=True)
            shown = html.escape("; ".join(v for v in (values or []) if v)[:300])
            extra = (f'<div>Nội dung bạn vừa nhập (chưa lưu): <q>{shown}</q></div>'
                     f'<button type="button" hx-post="/ke-hoach/{plan_id}/truong" hx-vals="{payload}" hx-swap="none">'
                     f'Ghi nội dung của tôi lên bản mới nhất</button> ')
        extra += f'<a class="button" href="/ke-hoach/{plan_id}">Tải lại bản mới nhất</a>'
        message = (f"Kế hoạch vừa được lưu ở một cửa sổ hoặc thẻ khác (phiên bản {head}), nên thay đổi này chưa được lưu "
                   "để không ghi đè lên thay đổi kia. Không có nội dung nào bị mất.")
        return HTMLResponse(alert_fragment(message, "canh-bao", extra), status_code=409, headers={"HX-Reswap": "none"})

    def base_of(form) -> int:
        try:
            return int(form.get("base"))
        except (TypeError, ValueError):
            raise UserError("Thiếu số phiên bản đang sửa; hãy tải lại trang.")

    # --- pages -----------------------------------------------------------------------------

    def library() -> list[dict]:
        items = []
        for folder, kind in ((core.EXAMPLES_DIR, "Kế hoạch mẫu"), (core.DIRECTIVES_DIR, "Văn bản cấp trên")):
            for path in sorted(folder.glob("*.yaml")):
                loaded, _ = engine.parent_plan(path, state.registry)
                if loaded is None:
                    continue
                doc = loaded.plan.document
                number = f"{doc.number:02d}/{doc.symbol}" if doc.number else doc.symbol
                items.append({"file": f"{folder.name}/{path.name}", "kind": kind, "issuer": doc.issuer.name,
                              "number": number, "year": doc.date.year, "title": doc.title})
        return items

    def library_name(path: Path) -> str:
        """A library document as its readers name it: «Kế hoạch số 07/KH-UBND của … (2025)», not its file."""
        loaded, _ = engine.parent_plan(path, state.registry)
        if loaded is None:
            return "văn bản trong thư viện"
        doc = loaded.plan.document
        number = f" số {doc.number:02d}/{doc.symbol}" if doc.number else ""
        return f"{doc.type}{number} của {doc.issuer.name} ({doc.date.year})"

    def implements_titles(tree: dict) -> dict[str, str]:
        """The library's directives, and the plan's other parents (a province plan in the workspace) in words."""
        titles = dict(directive_titles())
        chosen = tree.get("implements")
        for ref in chosen if isinstance(chosen, list) else []:
            if isinstance(ref, str) and ref not in titles:
                titles[ref] = engine.parent_name(ref) or "Văn bản cấp trên chưa có trong thư viện"
        return titles

    def directive_titles() -> dict[str, str]:
        """Library directives by the id a plan's 'implements' names them with, titled in words."""
        out = {}
        for path in sorted(core.DIRECTIVES_DIR.glob("*.yaml")):
            loaded, _ = engine.parent_plan(path, state.registry)
            if loaded is not None:
                out[path.stem] = f"{parent_title(path.stem)} — {loaded.plan.document.title}"[:220]
        for path in sorted(core.EXAMPLES_DIR.glob("*.yaml")):
            loaded, _ = engine.parent_plan(path, state.registry)
            if loaded is not None:
                doc = loaded.plan.document
                # by the plan's id, as derive names a parent plan in 'implements' (loading/library finds it)
                out.setdefault(loaded.plan.id, f"{doc.type} của {doc.issuer.name} ({doc.date.year}) — {doc.title}"[:220])
        return out

    def library_path(name: str) -> Path:
        folder, _, file = name.partition("/")
        base = {"examples": core.EXAMPLES_DIR, "directives": core.DIRECTIVES_DIR}.get(folder)
        if base is None or "/" in file or not file.endswith(".yaml") or not (base / file).is_file():
            raise UserError("Không có văn bản này trong thư viện.")
        return base / file

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request):
        plans = state.store.list_plans()
        levels = [(level.value, level.label) for level in core.Level]
        names = forms.AgencyNames(state.registry, {})
        return page(request, "home.html", plans=plans, library=library(), levels=levels,
                    agencies=names.choices(), year=date.today().year)

    @app.post("/tao/thu-vien")
    async def start_from_library(request: Request):
        await require_csrf(request)
        form = await request.form()
        path = library_path(str(form.get("file") or ""))
        text = path.read_text(encoding="utf-8")
        name = library_name(path)
        plan_id = create_plan(text, f"Mở từ thư viện: {name}", f"Thư viện: {name}")
        return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)

    @app.post("/tao/trong")
    async def start_blank(request: Request):
        await require_csrf(request)
        form = await request.form()
        text = blank_plan(state.registry, str(form.get("level") or "xa"), str(form.get("issuer") or ""),
                          str(form.get("province") or ""), str(form.get("year") or date.today().year))
        plan_id = create_plan(text, "Kế hoạch trống", "Kế hoạch trống")
        return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)

    def derive_draft(file: str, unit: str, request: Request):
        """(parent's path, parent, draft text, derive report) for *unit* from a library file: the page and the API
        refuse the same units (unknown, abolished, another commune's) with the same words."""
        path = library_path(file)
        parent, index = engine.parent_plan(path, state.registry)
        if parent is None or index.has_errors:
            raise UserError("Văn bản cấp trên này còn lỗi định dạng nên chưa lập được kế hoạch cấp dưới.")
        me = request.scope.get("state", {}).get("account")
        refusal = unit_refusal(unit, parent, own_commune=me.unit_name if me and me.unit_level == "xa" else None)
        if refusal:
            raise UserError(refusal)
        try:
            # As if written beside the parent: an example parent is then named by its file name, found again
            # by the check through the links in the work folder.
            output = path.parent / f".kehoach-web-{secrets.token_hex(4)}.yaml"
            text, report = core.derive(parent, unit, output)
        except core.KehoachError as exc:
            raise UserError(_error_text(exc))
        except (IndexError, KeyError):
            # derive stops when the parent gives this level no duty to take up (seen: a province plan → a commune)
            raise UserError(f"Chưa lập được kế hoạch cho {unit} từ văn bản này: văn bản không giao nhiệm vụ hay chế độ "
                            "báo cáo nào cho cấp đó. Hãy chọn văn bản cấp trên trực tiếp của đơn vị, hoặc bắt đầu từ "
                            "kế hoạch trống.")
        return path, parent, text, report

    @app.post("/tao/cap-duoi")
    async def start_derived(request: Request):
        await require_csrf(request)
        form = await request.form()
        unit = " ".join(str(form.get("unit") or "").split())
        if not unit:
            raise UserError("Hãy ghi tên đơn vị cấp dưới, kèm loại: 'xã Hòa Bình', 'phường …', 'quận …'.")
        path, parent, text, report = derive_draft(str(form.get("file") or ""), unit, request)
        plan_id = create_plan(text, f"Lập cho {unit} từ {library_name(path)}", f"Kế hoạch cấp dưới của {parent.plan.document.issuer.name}")
        analysis = state.analysis(plan_id, 1)
        summary = (f"Đã lập dự thảo kế hoạch của {unit} từ {parent.plan.document.type.lower()} của "
                   f"{parent.plan.document.issuer.name}: {len(report.added)} mục (chỉ tiêu, nhiệm vụ, chế độ báo cáo) được "
                   "chép xuống, có liên kết tới mục cấp trên; hạn báo cáo của cấp dưới được đặt sớm hơn hạn của cấp trên.")
        lines = ["Điền họ tên người ký, số và ngày khi ban hành.",
                 "Điều chỉnh chỉ tiêu cho phù hợp địa phương (chỉ tiêu thấp hơn cấp trên sẽ được báo)."]
        return page(request, "started.html", heading=f"Kế hoạch của {unit}", summary=summary, lines=lines,
                    plan_id=plan_id, counts=analysis.counts())

    @app.post("/tao/nam-moi")
    async def start_new_year(request: Request):
        await require_csrf(request)
        form = await request.form()
        try:
            source_id, year = int(form.get("plan")), int(form.get("year"))
        except (TypeError, ValueError):
            raise UserError("Hãy chọn kế hoạch và ghi năm mới (vd. 2026).")
        if not 2000 <= year <= 2100:
            raise UserError("Năm mới phải từ 2000 đến 2100.")
        row = plan_or_404(source_id)
        version = state.store.version(source_id, row.head)
        with engine.plan_file(version.yaml_text) as path:
            analysis = engine.analyse_file(path, version.yaml_text)
            if not analysis.format_ok:
                raise UserError("Kế hoạch này còn lỗi định dạng; sửa xong mới lập được kế hoạch năm sau.")
            text, report = core.new_year(analysis.loaded, year)
        plan_id = create_plan(text, f"Kế hoạch năm {year} từ kế hoạch số {source_id}",
                              f"Năm sau của: {row.title[:200]}")
        names = forms.AgencyNames(state.registry, state.analysis(plan_id, 1).tree)
        describe = forms.describer(state.analysis(plan_id, 1).tree, state.registry)
        lines = [f"Đổi cơ quan sau sắp xếp: {names.name(old)} → {names.name(new.replace(' [chưa xác nhận]', ''))}"
                 + (" (chưa xác nhận)" if "[chưa xác nhận]" in new else "") for _, old, new in report.renamed]
        lines += [f"{describe(why[:1].upper() + why[1:])}" for _, why in report.flagged]
        if report.abolished:
            lines.append(f"{len(report.abolished)} chỗ nhắc cơ quan cấp huyện (cấp huyện kết thúc 01/7/2025).")
        summary = (f"Đã lập kế hoạch năm {year}: dời năm, bỏ số và ngày ban hành, đổi tên cơ quan theo danh mục. "
                   "Những chỗ dưới đây cần người soạn xem lại.")
        return page(request, "started.html", heading=f"Kế hoạch năm {year}", summary=summary, lines=lines[:60],
                    plan_id=plan_id, counts=state.analysis(plan_id, 1).counts())

    @app.post("/tao/tai-len")
    async def start_upload(request: Request):
        await require_csrf(request)
        form = await request.form()
        upload = form.get("file")
        if upload is None or not getattr(upload, "filename", ""):
            raise UserError("Hãy chọn một tệp để tải lên (.docx, .txt hoặc .yaml).")
        name = Path(upload.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in UPLOAD_SUFFIXES:
            raise UserError(f"Chưa nhận loại tệp '{suffix or name}'. Dùng tệp Word (.docx), PDF (.pdf), văn bản (.txt) hoặc kế hoạch (.yaml).")
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise UserError("Tệp tải lên quá lớn (tối đa 5 MB).", 413)
        if suffix in (".yaml", ".yml"):
            if len(data) > limits.MAX_PLAN_BYTES:   # refused before any parsing, and never stored
                raise UserError(f"Tệp kế hoạch {name} quá lớn (tối đa {limits.MAX_PLAN_BYTES // 1048576} MB); "
                                "một kế hoạch thật chỉ vài chục KB — hãy kiểm tra lại tệp.", 413)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise UserError("Tệp YAML không theo bảng mã UTF-8; hãy lưu lại với bảng mã UTF-8.")
            # Analysing a plan takes CPU: in the thread pool, so one upload never freezes everyone's pages.
            plan_id = await run_in_threadpool(create_plan, text, f"Tải lên {name}", f"Tệp {name}")
            return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)

        def convert():
            with tempfile.TemporaryDirectory(prefix="kehoach-nhap-") as tmp:
                source = Path(tmp) / f"tai-len{suffix}"   # never the user's own file name on disk
                source.write_bytes(data)
                try:
                    return core.import_plan(source), None
                except core.InputError as exc:
                    # The server's temporary folder is nobody's business: findings name the uploaded file.
                    exc.findings = [dataclasses.replace(f, file=name) if f.file else f for f in exc.findings]
                    exc.message = exc.message.replace(str(source), name).replace(tmp, "")
                    return None, exc

        result, failure = await run_in_threadpool(convert)
        if failure is not None:
            return page(request, "import.html", 400, name=name, result=None,
                        error=_error_text(failure), findings=failure.findings)
        plan_id = await run_in_threadpool(create_plan, result.yaml_text, f"Nhập từ {name}", f"Nhập từ {name}")
        analysis = await run_in_threadpool(state.analysis, plan_id, 1)
        return page(request, "import.html", name=name, result=result, plan_id=plan_id, error=None,
                    findings=analysis.findings, counts=analysis.counts(),
                    describe=forms.describer(analysis.tree, state.registry))

    @app.get("/ke-hoach/{plan_id}", response_class=HTMLResponse)
    def editor(request: Request, plan_id: int):
        row = plan_or_404(plan_id)
        analysis = state.analysis(plan_id, row.head)
        if analysis.tree is not None:   # only a text the reader accepted (size, aliases, depth) is parsed again
            state.preload_tree(plan_id, row.head, analysis.text)
        names = names_for(analysis)
        return page(request, "editor.html", plan=row, number=row.head, editor=editor_html(plan_id, analysis),
                    summary=summary_html(plan_id, row.head, analysis), preview=preview_block(analysis),
                    agencies=names.choices(), parent_items=names.parents.labels(), format_ok=analysis.format_ok)

    @app.post("/ke-hoach/{plan_id}/truong")
    async def edit_field(request: Request, plan_id: int):
        await require_csrf(request)
        form = await request.form()
        plan_or_404(plan_id)
        base = base_of(form)
        path_text = str(form.get("path") or "")
        path = yamledit.parse_path(path_text)
        field = forms.field_at(path)
        if field is None or field.kind in ("model", "models"):
            raise UserError("Không sửa được trường này.")
        values = [str(v) for v in form.getlist("v")]
        return await run_in_threadpool(change_field, plan_id, base, path, path_text, field, values, session_key(request))

    def change_field(plan_id: int, base: int, path, path_text: str, field, values: list[str],
                     session: str | None = None) -> HTMLResponse:
        current = state.analysis(plan_id, base)
        previous = yamledit.get_in(current.tree or {}, path)
        names = names_for(current) if field.kind == "links" else forms.AgencyNames(state.registry, current.tree)
        try:
            value = forms.read_field(field, values, previous, names)
        except forms.FieldError as exc:
            raise UserError(str(exc))
        try:
            text, checked = set_checked(current.text, path, value)
        except (AttributeError, TypeError, KeyError, IndexError):
            raise UserError("Không lưu được: ô này không còn ở chỗ cũ trong kế hoạch. Hãy tải lại trang rồi nhập lại.", 409)
        if text == current.text:
            number, analysis = base, current
            head = state.store.plan(plan_id).head
            if head != base:
                return conflict_response(plan_id, head, path_text, values)
            note = "không đổi"
        else:
            note = f"Sửa {field.label.lower()}{where(current.tree, path)}"
            try:
                number, analysis = save(plan_id, base, text, note, checked, current, session, part_of(path))
            except Conflict as exc:
                return conflict_response(plan_id, exc.head, path_text, values)
            with state.lock:
                tree = state.trees.pop((plan_id, base), None)
            if tree is not None:  # the kept tree follows the edit, so the next structural edit needs no re-read
                try:
                    yamledit.set_in_tree(tree, path, value)
                    state.put_tree(plan_id, number, tree)
                except (KeyError, IndexError, TypeError):
                    pass
        body = status_fragments(plan_id, number, analysis, note)
        body += slot_updates(current, analysis)
        if field.kind in ("agencies", "links"):
            names = forms.AgencyNames(state.registry, analysis.tree, names.parents)
            renderer = forms.FormRenderer(plan_id, analysis.tree or {}, names, {},
                                          forms.describer(analysis.tree, state.registry))
            widget = renderer.agency_list if field.kind == "agencies" else renderer.link_list
            body = widget(yamledit.get_in(analysis.tree or {}, path), path, forms.slot_id(path)) + body
        return HTMLResponse(body)

    def set_checked(text: str, path, value) -> tuple[str, engine.Analysis]:
        """The text with the new value, and its analysis; a splice that does not read back exactly is redone
        by the YAML writer (the analysis reads the new text anyway, so the check costs nothing extra)."""
        new_text = yamledit.set_value(text, path, value)
        analysis = engine.analyse(new_text)
        if value is not None and (not isinstance(analysis.tree, dict)
                                  or yamledit.get_in(analysis.tree, path) != core.nfc_tree(value)):
            new_text = yamledit.transform(text, lambda tree: yamledit.set_in_tree(tree, path, value))
            analysis = engine.analyse(new_text)
        return new_text, analysis

    def slot_updates(before: engine.Analysis, after: engine.Analysis) -> str:
        old, new = findings_by_slot(before), findings_by_slot(after)
        describe = forms.describer(after.tree, state.registry)
        out = []
        for slot in set(old) | set(new):
            if not slot:
                continue
            old_text = [f.message for f in old.get(slot, [])]
            new_text = [f.message for f in new.get(slot, [])]
            if old_text != new_text:
                out.append(forms.render_slot(slot, new.get(slot, []), describe).replace('<div class="fnd"', '<div class="fnd" hx-swap-oob="true"', 1))
        return "".join(out)

    @app.post("/ke-hoach/{plan_id}/thao-tac")
    async def structural(request: Request, plan_id: int):
        await require_csrf(request)
        form = await request.form()
        plan_or_404(plan_id)
        base = base_of(form)
        op = str(form.get("op") or "")
        path = yamledit.parse_path(str(form.get("path") or ""))
        current = state.analysis(plan_id, base)
        note = ""

        def change(tree):
            nonlocal note
            if op == "add_annex":
                tree["annex"] = yamledit._to_yaml({})
                note = "Thêm phụ lục"
                return
            note = ops.apply(tree, op, path)

        return await run_in_threadpool(change_structure, plan_id, base, current, change, lambda: note,
                                       session_key(request), part_of(path))

    def change_structure(plan_id: int, base: int, current: engine.Analysis, change, note_of,
                         session: str | None = None, part: str | None = None) -> HTMLResponse:
        """Apply a change to the round-trip tree, save the written text as a version, answer with the new editor."""
        tree = state.take_tree(plan_id, base, current.text)
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
            number, analysis = save(plan_id, base, text, note, None, current, session, part)
        except Conflict as exc:
            return conflict_response(plan_id, exc.head)
        state.put_tree(plan_id, number, tree)
        return HTMLResponse(editor_html(plan_id, analysis) + status_fragments(plan_id, number, analysis, note))

    @app.get("/ke-hoach/{plan_id}/tim-van-ban", response_class=HTMLResponse)
    def search_documents(plan_id: int, q: str = "", path: str = ""):
        """The citation registry searched by number or words; a result fills the legal basis at *path*."""
        plan_or_404(plan_id)
        found = forms.search_documents(state.registry, q[:200])
        if not q.strip():
            return HTMLResponse("")
        if not found:
            return HTMLResponse('<p class="muted">Không có văn bản nào trong danh mục khớp với chữ đã gõ; '
                                'hãy thử số hiệu (vd. 56/2017) hoặc điền tay các ô bên dưới.</p>')
        buttons = "".join(
            f'<button type="button" class="result" hx-post="/ke-hoach/{plan_id}/can-cu" '
            f'hx-vals=\'{html.escape(json.dumps({"path": path, "v": d.id}), quote=True)}\' hx-target="#editor" '
            f'hx-swap="innerHTML" hx-include="#base-version">{html.escape(forms.document_label(d))}</button>'
            for d in found)
        return HTMLResponse(f'<div class="result-list">{buttons}</div>')

    @app.post("/ke-hoach/{plan_id}/can-cu")
    async def pick_citation(request: Request, plan_id: int):
        await require_csrf(request)
        form = await request.form()
        plan_or_404(plan_id)
        base = base_of(form)
        path = yamledit.parse_path(str(form.get("path") or ""))
        wanted = str(form.get("v") or "").strip()
        document = state.registry.documents.get(wanted) or next(
            (d for d in state.registry.documents.values() if wanted and wanted in f"{d.type} {d.code or ''} — {d.title}"), None)
        if document is None:
            raise UserError("Không tìm thấy văn bản này trong danh mục; hãy điền tay các ô bên dưới.")
        current = state.analysis(plan_id, base)
        return await run_in_threadpool(change_structure, plan_id, base, current,
                                       lambda tree: ops.fill_citation(tree, path, document),
                                       lambda: f"Điền căn cứ từ danh mục: {forms.document_label(document)[:120]}",
                                       session_key(request), part_of(path))

    # --- downloads -------------------------------------------------------------------------

    def usable(plan_id: int, number: int | None = None) -> tuple[engine.Analysis, str]:
        row = plan_or_404(plan_id)
        number = number or row.head
        analysis = state.analysis(plan_id, number)
        stem = core.slug(str((analysis.tree or {}).get("id") or f"ke-hoach-{plan_id}")) or f"ke-hoach-{plan_id}"
        return analysis, stem

    def attachment(data: bytes, name: str, media: str) -> Response:
        return Response(data, media_type=media,
                        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"})

    def need_valid(analysis: engine.Analysis) -> None:
        if not analysis.format_ok:
            raise UserError("Kế hoạch còn lỗi định dạng (xem phần Kiểm tra); sửa xong mới tải văn bản được. "
                            "Tệp YAML vẫn tải được để lưu giữ.")

    @app.get("/ke-hoach/{plan_id}/tai/{kind}")
    def download(plan_id: int, kind: str, v: int | None = None):
        analysis, stem = usable(plan_id, v)
        if kind == "yaml":
            return attachment(analysis.text.encode("utf-8"), f"{stem}.yaml", "application/yaml; charset=utf-8")
        if kind == "bao-cao":
            body = check_report_html(plan_id, v or plan_or_404(plan_id).head, analysis)
            return attachment(body.encode("utf-8"), f"{stem}-kiem-tra.html", "text/html; charset=utf-8")
        need_valid(analysis)
        if kind == "json":
            data = json.dumps(core.plan_to_json(analysis.loaded), ensure_ascii=False, indent=2).encode("utf-8")
            return attachment(data, f"{stem}.json", "application/json")
        if kind == "docx":
            return attachment(core.render_docx(analysis.loaded), f"{stem}.docx",
                              "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        if kind == "pdf":
            return attachment(make_pdf(analysis.loaded), f"{stem}.pdf", "application/pdf")
        raise UserError("Không có loại tệp này.", 404)

    def check_report_html(plan_id: int, number: int, analysis: engine.Analysis) -> str:
        """The check as the page shows it, to keep or send: each finding with where it is and how to fix it, in
        words (the CLI's report names the file, lines and fields, which mean nothing outside the page)."""
        tree = analysis.tree if isinstance(analysis.tree, dict) else {}
        describe = forms.describer(tree, state.registry)
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
        parents = ", ".join(map(parent_title, analysis.parents))
        return templates.get_template("report.html").render(
            title=str(document.get("title") or "(chưa có trích yếu)"),
            issuer=str((document.get("issuer") or {}).get("name") or "") if isinstance(document.get("issuer"), dict) else "",
            number=number, moment=time.strftime("%d/%m/%Y %H:%M"), counts=analysis.counts(), rows=rows,
            parents=f"Đã đối chiếu với: {parents}." if parents else "Không có văn bản cấp trên trong thư viện để đối chiếu.",
            coverage=coverage_table(plan_id, analysis) if analysis.format_ok else "")

    def make_pdf(loaded) -> bytes:
        with tempfile.TemporaryDirectory(prefix="kehoach-pdf-web-") as tmp, state.pdf_lock:
            docx = Path(tmp) / "ke-hoach.docx"
            docx.write_bytes(core.render_docx(loaded))
            pdf = Path(tmp) / "ke-hoach.pdf"
            core.docx_to_pdf([(docx, pdf)])
            return pdf.read_bytes()

    def pages_ahead(plan_id: int, text: str, loaded) -> None:
        digest, _count, _more = state.pages.pages(plan_id, text, lambda: make_pdf(loaded))
        state.pages.cut_all(plan_id, digest)

    state.ahead = PagesAhead(pages_ahead)

    @app.get("/ke-hoach/{plan_id}/trang-in", response_class=HTMLResponse)
    def printed_pages(request: Request, plan_id: int, v: int | None = None):
        """The real pages, as the PDF download prints them (the side preview's page breaks are estimated)."""
        row = plan_or_404(plan_id)
        analysis, _ = usable(plan_id, v)
        need_valid(analysis)
        number = v or row.head
        state.ahead.watch(plan_id)          # from now on its saves have their pages made ahead
        state.ahead.take(plan_id, analysis.text)
        try:
            digest, count, more = state.pages.pages(plan_id, analysis.text, lambda: make_pdf(analysis.loaded))
        except PageError as exc:
            raise UserError(str(exc), 503)
        images = [f"/ke-hoach/{plan_id}/trang-in/{digest}/{n}.png" for n in range(1, count + 1)]
        return page(request, "pages.html", plan=row, number=number, images=images, more=more)

    @app.get("/ke-hoach/{plan_id}/trang-in/{digest}/{page_number}.png")
    def printed_page_image(plan_id: int, digest: str, page_number: int):
        from fastapi.responses import FileResponse

        path = state.pages.image(plan_id, digest, page_number)
        if path is None:
            raise UserError("Không có ảnh trang này (có thể đã được dọn); hãy mở lại «Xem trang in».", 404)
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    # --- check report pages, versions ------------------------------------------------------

    @app.get("/ke-hoach/{plan_id}/bao-phu", response_class=HTMLResponse)
    def coverage(request: Request, plan_id: int):
        row = plan_or_404(plan_id)
        analysis = state.analysis(plan_id, row.head)
        return page(request, "coverage.html", plan=row, matrix=coverage_table(plan_id, analysis),
                    parents=[parent_title(p) for p in analysis.parents])

    def parent_title(doc_id: str) -> str:
        document = state.registry.documents.get(doc_id)
        if document and document.code:
            return f"{document.type} số {document.code}"
        return engine.parent_name(doc_id) or "văn bản cấp trên"

    def coverage_table(plan_id: int, analysis: engine.Analysis) -> str:
        """The coverage matrix in words: parent item, the plan's items that take it up, lead agencies by name."""
        if not analysis.coverage:
            return "<p>Không có nhiệm vụ cấp trên nào giao cho cấp này trong thư viện.</p>"
        tree = analysis.tree or {}
        names = forms.AgencyNames(state.registry, tree)
        describe = forms.describer(tree, state.registry)
        places = {}
        for path, block in core.iter_blocks(analysis.loaded.plan):
            if block.id:
                places[block.id] = path
        rows = []
        for item in analysis.coverage:
            ok = bool(item["covered_by"]) and bool(item["lead"])
            mark = "Đủ" if ok else ("Thiếu cơ quan chủ trì" if item["covered_by"] else "Chưa có mục nào")
            taken = ", ".join(
                f'<a href="/ke-hoach/{plan_id}#{forms.slot_id(places[i])}">{html.escape(describe(i))}</a>'
                if i in places else html.escape(describe(i)) for i in item["covered_by"])
            status = core.Status(item["status"]).label if item["status"] else ""
            document = parent_title(item["parent"].split("#")[0])
            rows.append(f"<tr class='{'ok' if ok else 'missing'}'><td>{mark}</td><td>{html.escape(document)}</td>"
                        f"<td>{html.escape(item['text'])}</td><td>{taken or '—'}</td>"
                        f"<td>{html.escape(', '.join(names.name(a) for a in item['lead'])) or '—'}</td>"
                        f"<td>{html.escape(status)}</td></tr>")
        return ("<table><thead><tr><th>Tình trạng</th><th>Văn bản cấp trên</th><th>Nhiệm vụ cấp trên</th>"
                "<th>Mục của kế hoạch đảm nhận</th><th>Cơ quan chủ trì</th><th>Độ tin cậy dữ liệu</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>")

    @app.get("/ke-hoach/{plan_id}/phien-ban", response_class=HTMLResponse)
    def versions(request: Request, plan_id: int, a: int | None = None, b: int | None = None):
        row = plan_or_404(plan_id)
        rows = state.store.versions(plan_id)
        diff = None
        if a and b:
            diff = version_diff(plan_id, a, b)
        return page(request, "versions.html", plan=row, versions=rows, groups=version_groups(rows), a=a, b=b,
                    diff=diff, part_name=lambda v: part_name(plan_id, v))

    def part_name(plan_id: int, version) -> str:
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
            tree = state.analysis(plan_id, version.number).tree or {}
        except UserError:
            return ""
        return where(tree, path + ("x",)).removeprefix(" — ") or forms.LABELS["Plan"].get(str(path[0]), "")

    @app.post("/ke-hoach/{plan_id}/phien-ban/dat-ten")
    async def name_version(request: Request, plan_id: int):
        await require_csrf(request)
        form = await request.form()
        plan_or_404(plan_id)
        try:
            number = int(form.get("v"))
        except (TypeError, ValueError):
            raise UserError("Hãy chọn phiên bản cần đặt tên.")
        name = " ".join(str(form.get("name") or "").split())
        if len(name) > 200:
            raise UserError("Tên phiên bản dài quá 200 chữ; hãy đặt tên ngắn hơn, vd. «Bản trình lãnh đạo».")
        if not state.store.name_version(plan_id, number, core.nfc(name)):
            raise UserError("Không có phiên bản này.", 404)
        return RedirectResponse(f"/ke-hoach/{plan_id}/phien-ban#v{number}", status_code=303)

    def version_diff(plan_id: int, a: int, b: int) -> dict:
        first, second = state.analysis(plan_id, a), state.analysis(plan_id, b)
        if first.loaded is None or second.loaded is None:
            return {"error": "Một trong hai phiên bản còn lỗi định dạng nên chưa so sánh nội dung được."}
        changes = core.semantic_diff(first.loaded, second.loaded)
        names = forms.AgencyNames(state.registry, second.tree)
        return {"lines": diff_lines(changes, names)}

    @app.post("/ke-hoach/{plan_id}/khoi-phuc")
    async def restore(request: Request, plan_id: int):
        await require_csrf(request)
        form = await request.form()
        row = plan_or_404(plan_id)
        try:
            number = int(form.get("v"))
        except (TypeError, ValueError):
            raise UserError("Hãy chọn phiên bản cần khôi phục.")
        old = state.store.version(plan_id, number)
        if old is None:
            raise UserError("Không có phiên bản này.", 404)
        try:
            label = f"Khôi phục phiên bản {number}" + (f" «{old.name}»" if old.name else "")
            current = state.analysis(plan_id, row.head)
            save(plan_id, int(form.get("base") or row.head), old.yaml_text, label, None, current, session_key(request))
        except Conflict:
            raise UserError("Kế hoạch vừa được lưu ở nơi khác; hãy tải lại trang danh sách phiên bản rồi làm lại.", 409)
        return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)

    @app.post("/ke-hoach/{plan_id}/xoa")
    async def delete(request: Request, plan_id: int):
        await require_csrf(request)
        plan_or_404(plan_id)
        state.store.delete(plan_id)
        return RedirectResponse("/", status_code=303)

    app.state.make_pdf = make_pdf
    from . import workspace_app

    if workspace_app.enabled(workspace):
        workspace_app.install(app, state, _data_dir(), redis)

    def derive_for_api(file: str, unit: str, request: Request) -> int:
        unit = " ".join(unit.split())
        parent_path, parent, text, _report = derive_draft(file, unit, request)
        return create_plan(text, f"Lập cho {unit} từ {library_name(parent_path)} (qua API)",
                           f"Kế hoạch cấp dưới của {parent.plan.document.issuer.name}")

    def api_account(request: Request):
        return request.scope.get("state", {}).get("account")

    def may_create(request: Request) -> str | None:
        me = api_account(request)
        if me is not None and not any(me.has(r) for r in ("soan-thao", "lanh-dao")):
            return "Chỉ chuyên viên soạn thảo và lãnh đạo đơn vị tạo được kế hoạch mới."
        return None

    def may_edit(request: Request, plan_id: int) -> str | None:
        me = api_account(request)
        check = getattr(app.state, "edit_refusal", None)
        return check(me, plan_id) if me is not None and check else None

    from . import api

    app.mount("/api/v1", api.create(api.Services(
        state=state, plan_or_404=plan_or_404, create_plan=create_plan,
        save=lambda plan_id, base, text, note: save(plan_id, base, text, note, before=state.analysis(plan_id, base)),
        usable=usable, make_pdf=make_pdf, derive=derive_for_api, may_create=may_create, may_edit=may_edit,
        names=lambda analysis: forms.describer(analysis.tree, state.registry),
        step=lambda request: getattr(app.state, "api_step", None))))

    return app


FIELD_NAMES = {"number": "Số", "symbol": "Ký hiệu", "title": "Trích yếu", "place": "Địa danh", "date": "Ngày ban hành"}
COMPARATOR_WORDS = {c.value: c.label for c in core.Comparator}


def _value_text(text: str | None) -> str:
    """'at_least 95% (2025)' from the diff module, with the direction in words."""
    if not text:
        return "—"
    import re

    head, _, rest = text.partition(" ")
    rest = re.sub(r"^(-?[\d.]+)(?=[^\d\s.%‰)])", r"\1 ", rest)   # '4điểm vui chơi' → '4 điểm vui chơi'; '95%' stays
    return f"{COMPARATOR_WORDS.get(head, head)} {rest}".strip()


def diff_lines(changes: dict, names) -> list[str]:
    """The semantic diff in sentences, agencies by name."""
    labels = core.DIFF_LABELS
    lines = []
    for entry in changes["document"]:
        lines.append(f"Văn bản — {FIELD_NAMES.get(entry['field'], entry['field'])}: {entry['old'] or '—'} → {entry['new'] or '—'}")
    for entry in changes["targets"]:
        lines.append(f"Chỉ tiêu ({labels[entry['change']]}): {_value_text(entry.get('old'))} → {_value_text(entry.get('new'))}")
    for entry in changes["duties"]:
        agency = names.name(entry["agency"])
        if entry["change"] == "reassigned":
            lines.append(f"Nhiệm vụ giao cho cơ quan khác: {names.name(entry['old'])} → {names.name(entry['new'])}")
        elif entry["change"] == "changed":
            lines.append(f"Nhiệm vụ của {agency} (sửa): «{entry['old'][:120]}» → «{entry['new'][:120]}»")
        else:
            lines.append(f"Nhiệm vụ của {agency} ({labels[entry['change']]}): {entry['text'][:160]}")
    for entry in changes["deadlines"]:
        lines.append(f"Hạn báo cáo ({labels[entry['change']]}): {entry['old'] or '—'} → {entry['new'] or '—'}")
    for entry in changes["citations"]:
        lines.append(f"Căn cứ, văn bản dẫn chiếu: {entry['old'] or '—'} → {entry['new'] or '—'}")
    return lines


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
    issuer_text = " ".join(issuer_text.split())
    if not issuer_text:
        raise UserError("Hãy ghi tên cơ quan ban hành, vd. 'Ủy ban nhân dân xã Hòa Bình'.")
    agency_id = registry.resolve_agency(issuer_text)
    name = issuer_text if agency_id is None or issuer_text not in registry.agencies else registry.agency_name(agency_id)
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
