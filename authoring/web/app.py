"""The web application: one FastAPI app whose routers (routes/) serve plans, versions, the workspace and the API."""

from __future__ import annotations

import gc
import os
import secrets
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from . import forms, workspace_site
from ..text import vietnam_time
from .routes import errors, plans, registry, versions
from .lanes import ReadLane
from .preview import PagesAhead
from .site import HERE, Site, State, UserError
from .store import migrate


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

    # The unit's own registry layer, which «Thêm vào danh mục của đơn vị» writes: KEHOACH_OWN_REGISTRY, else a folder
    # of the page's data (set for this process, so the checks the page runs read it as the CLI would).
    os.environ.setdefault("KEHOACH_OWN_REGISTRY", str(_data_dir() / "danh-muc"))
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
    app.add_middleware(ReadLane)
    app.mount("/tinh", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["forms"] = forms
    templates.env.filters["local"] = vietnam_time
    site = Site(app, state, templates)
    app.state.site = site
    state.ahead = PagesAhead(site.pages_ahead)
    app.add_exception_handler(UserError, errors.user_error)
    app.add_exception_handler(StarletteHTTPException, errors.http_error)
    app.add_exception_handler(RequestValidationError, errors.bad_request)
    app.add_exception_handler(Exception, errors.internal_error)
    app.include_router(plans.router)
    app.include_router(versions.router)
    app.include_router(registry.router)
    app.state.make_pdf = site.make_pdf
    if workspace_site.enabled(workspace):
        workspace_site.install(app, state, _data_dir(), redis)

    from .routes import api

    app.mount("/api/v1", api.create(api.Services(
        state=state, plan_or_404=site.plan_or_404, create_plan=site.create_plan,
        save=lambda plan_id, base, text, note: site.save(plan_id, base, text, note, before=state.analysis(plan_id, base)),
        usable=site.usable, make_pdf=site.make_pdf, derive=site.derive_for_api, may_create=site.may_create, may_edit=site.may_edit,
        names=lambda analysis: forms.describer(analysis.tree, state.registry),
        step=lambda request: getattr(app.state, "api_step", None),
        reports=lambda request: getattr(app.state, "reports", None), app=app)))

    return app
