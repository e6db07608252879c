"""Routes of a plan's life on the page: start (library, blank, derived, next year, upload), edit, check, download."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ... import limits
from ...loading import edit as yamledit
from ...text import utf8_problem, vietnam_today
from .. import core, engine, forms, ops
from ..pages import PageError
from ..site import MAX_UPLOAD, UPLOAD_SUFFIXES, UserError, blank_plan, _error_text, part_of, site_of

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    site = site_of(request)
    plans = site.state.store.list_plans()
    levels = [(level.value, level.label) for level in core.Level]
    names = forms.AgencyNames(site.state.registry, {})
    return site.page(request, "home.html", plans=plans, library=site.library(), levels=levels,
                agencies=names.choices(), year=vietnam_today().year)


@router.post("/tao/thu-vien")
async def start_from_library(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    path = site.library_path(str(form.get("file") or ""))
    text = path.read_text(encoding="utf-8")
    name = site.library_name(path)
    plan_id = site.create_plan(text, f"Mở từ thư viện: {name}", f"Thư viện: {name}")
    return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)


@router.post("/tao/trong")
async def start_blank(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    text = blank_plan(site.state.registry, str(form.get("level") or "xa"), str(form.get("issuer") or ""),
                      str(form.get("province") or ""), str(form.get("year") or vietnam_today().year))
    plan_id = site.create_plan(text, "Kế hoạch trống", "Kế hoạch trống")
    return RedirectResponse(f"/ke-hoach/{plan_id}", status_code=303)


@router.post("/tao/cap-duoi")
async def start_derived(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    unit = " ".join(str(form.get("unit") or "").split())
    if not unit:
        raise UserError("Hãy ghi tên đơn vị cấp dưới, kèm loại: 'xã Hòa Bình', 'phường …', 'đặc khu …'.")
    upload = form.get("peer")
    peer = None
    if upload is not None and getattr(upload, "filename", ""):   # a neighbour's plan, as evidence (derive --peer)
        name = Path(upload.filename).name
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise UserError(f"Chưa nhận loại tệp '{Path(name).suffix or name}' cho kế hoạch tham khảo. Dùng tệp Word "
                            "(.docx), PDF (.pdf), văn bản (.txt) hoặc kế hoạch (.yaml).")
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise UserError(f"Kế hoạch tham khảo {name} quá lớn (tối đa 5 MB).", 413)
        peer = (name, data)
    # Reading a neighbour's DOCX or PDF takes CPU: in the thread pool, so one derive never freezes everyone's pages.
    path, parent, text, report = await run_in_threadpool(site.derive_draft, str(form.get("file") or ""), unit,
                                                         request, peer)
    plan_id = site.create_plan(text, f"Lập cho {unit} từ {site.library_name(path)}", f"Kế hoạch cấp dưới của {parent.plan.document.issuer.name}")
    analysis = site.state.analysis(plan_id, 1)
    summary = (f"Đã lập dự thảo kế hoạch của {unit} từ {parent.plan.document.type.lower()} của "
               f"{parent.plan.document.issuer.name}: {len(report.added)} mục (chỉ tiêu, nhiệm vụ, chế độ báo cáo) được "
               "chép xuống, có liên kết tới mục cấp trên; hạn báo cáo của cấp dưới được đặt sớm hơn hạn của cấp trên.")
    lines = ["Điền họ tên người ký, số và ngày khi ban hành.",
             "Điều chỉnh chỉ tiêu cho phù hợp địa phương (chỉ tiêu thấp hơn cấp trên sẽ được báo)."]
    if peer is not None:   # what the neighbour's plan gave, and what of it was not used
        lines += [f"Tham khảo kế hoạch {peer[0]}: cơ quan kế hoạch đó giao việc được ưu tiên khi nhiệm vụ của văn bản "
                  "cấp trên thuộc chức năng của cơ quan (chú thích 'theo kế hoạch của …' trong dự thảo)."]
        lines += [f"Lưu ý: {note}." for note in report.notes if peer[0] in note or "kế hoạch của" in note]
    return site.page(request, "started.html", heading=f"Kế hoạch của {unit}", summary=summary, lines=lines,
                plan_id=plan_id, counts=analysis.counts())


@router.post("/tao/nam-moi")
async def start_new_year(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    try:
        source_id, year = int(form.get("plan")), int(form.get("year"))
    except (TypeError, ValueError):
        raise UserError("Hãy chọn kế hoạch và ghi năm mới (vd. 2026).")
    if not 2000 <= year <= 2100:
        raise UserError("Năm mới phải từ 2000 đến 2100.")
    row = site.plan_or_404(source_id)
    version = site.state.store.version(source_id, row.head)
    with engine.plan_file(version.yaml_text) as path:
        analysis = engine.analyse_file(path, version.yaml_text)
        if not analysis.format_ok:
            raise UserError("Kế hoạch này còn lỗi định dạng; sửa xong mới lập được kế hoạch năm sau.")
        text, report = core.new_year(analysis.loaded, year)
    plan_id = site.create_plan(text, f"Kế hoạch năm {year} từ kế hoạch số {source_id}",
                          f"Năm sau của: {row.title[:200]}")
    names = forms.AgencyNames(site.state.registry, site.state.analysis(plan_id, 1).tree)
    describe = forms.describer(site.state.analysis(plan_id, 1).tree, site.state.registry)
    lines = [f"Đổi cơ quan sau sắp xếp: {names.name(old)} → {names.name(new.replace(' [chưa xác nhận]', ''))}"
             + (" (chưa xác nhận)" if "[chưa xác nhận]" in new else "") for _, old, new in report.renamed]
    lines += [f"{describe(why[:1].upper() + why[1:])}" for _, why in report.flagged]
    if report.abolished:
        lines.append(f"{len(report.abolished)} chỗ nhắc cơ quan cấp huyện (cấp huyện kết thúc 01/7/2025).")
    summary = (f"Đã lập kế hoạch năm {year}: dời năm, bỏ số và ngày ban hành, đổi tên cơ quan theo danh mục. "
               "Những chỗ dưới đây cần người soạn xem lại.")
    return site.page(request, "started.html", heading=f"Kế hoạch năm {year}", summary=summary, lines=lines[:60],
                plan_id=plan_id, counts=site.state.analysis(plan_id, 1).counts())


@router.post("/tao/tai-len")
async def start_upload(request: Request):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    upload = form.get("file")
    if upload is None or not getattr(upload, "filename", ""):
        raise UserError("Hãy chọn một tệp để tải lên (.docx, .pdf, .edxml, .txt hoặc .yaml).")
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UserError(f"Chưa nhận loại tệp '{suffix or name}'. Dùng tệp Word (.docx), PDF (.pdf), gói tin edXML "
                        "(.edxml), văn bản (.txt) hoặc kế hoạch (.yaml).")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise UserError("Tệp tải lên quá lớn (tối đa 5 MB).", 413)
    if suffix in (".yaml", ".yml"):
        if len(data) > limits.MAX_PLAN_BYTES:   # refused before any parsing, and never stored
            raise UserError(f"Tệp kế hoạch {name} quá lớn (tối đa {limits.MAX_PLAN_BYTES // 1048576} MB); "
                            "một kế hoạch thật chỉ vài chục KB — hãy kiểm tra lại tệp.", 413)
        problem = utf8_problem(data)
        if problem is not None:
            line, column, byte = problem
            raise UserError(f"Tệp {name}, dòng {line}, cột {column}: tệp không được lưu theo bảng mã UTF-8 (byte "
                            f"0x{byte:02X} không đọc được). Cách sửa: mở tệp bằng trình soạn thảo và lưu lại với bảng "
                            "mã UTF-8, rồi tải lên lại.")
        text = data.decode("utf-8-sig")
        # Analysing a plan takes CPU: in the thread pool, so one upload never freezes everyone's pages.
        plan_id = await run_in_threadpool(site.create_plan, text, f"Tải lên {name}", f"Tệp {name}")
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
        return site.page(request, "import.html", 400, name=name, result=None,
                    error=_error_text(failure), findings=failure.findings)
    plan_id = await run_in_threadpool(site.create_plan, result.yaml_text, f"Nhập từ {name}", f"Nhập từ {name}")
    analysis = await run_in_threadpool(site.state.analysis, plan_id, 1)
    return site.page(request, "import.html", name=name, result=result, plan_id=plan_id, error=None,
                findings=analysis.findings, counts=analysis.counts(),
                describe=forms.describer(analysis.tree, site.state.registry))


@router.get("/ke-hoach/{plan_id}", response_class=HTMLResponse)
def editor(request: Request, plan_id: int):
    site = site_of(request)
    row = site.plan_or_404(plan_id)
    analysis = site.state.analysis(plan_id, row.head)
    if analysis.tree is not None:   # only a text the reader accepted (size, aliases, depth) is parsed again
        site.state.preload_tree(plan_id, row.head, analysis.text)
    names = site.names_for(analysis)
    return site.page(request, "editor.html", plan=row, number=row.head, editor=site.editor_html(plan_id, analysis),
                summary=site.summary_html(plan_id, row.head, analysis), preview=site.preview_block(analysis),
                agencies=names.choices(), parent_items=names.parents.labels(), format_ok=analysis.format_ok)


@router.post("/ke-hoach/{plan_id}/truong")
async def edit_field(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    site.plan_or_404(plan_id)
    base = site.base_of(form)
    path_text = str(form.get("path") or "")
    path = yamledit.parse_path(path_text)
    field = forms.field_at(path)
    if field is None or field.kind in ("model", "models"):
        raise UserError("Không sửa được trường này.")
    values = [str(v) for v in form.getlist("v")]
    return await run_in_threadpool(site.change_field, plan_id, base, path, path_text, field, values, site.session_key(request))


@router.post("/ke-hoach/{plan_id}/thao-tac")
async def structural(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    site.plan_or_404(plan_id)
    base = site.base_of(form)
    op = str(form.get("op") or "")
    path = yamledit.parse_path(str(form.get("path") or ""))
    current = site.state.analysis(plan_id, base)
    note = ""

    def change(tree):
        nonlocal note
        if op == "add_annex":
            tree["annex"] = yamledit._to_yaml({})
            note = "Thêm phụ lục"
            return
        note = ops.apply(tree, op, path)

    return await run_in_threadpool(site.change_structure, plan_id, base, current, change, lambda: note,
                                   site.session_key(request), part_of(path))


@router.get("/ke-hoach/{plan_id}/tim-van-ban", response_class=HTMLResponse)
def search_documents(request: Request, plan_id: int, q: str = "", path: str = ""):
    """The citation registry searched by number or words; a result fills the legal basis at *path*."""
    site = site_of(request)
    site.plan_or_404(plan_id)
    if not q.strip():
        return HTMLResponse("")
    found = forms.search_documents(site.state.registry_for(plan_id), q[:200])
    return site.templates.TemplateResponse(request, "_citation_results.html", {
        "found": found, "plan_id": plan_id, "path": path, "label": forms.document_label})


@router.post("/ke-hoach/{plan_id}/can-cu")
async def pick_citation(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    form = await request.form()
    site.plan_or_404(plan_id)
    base = site.base_of(form)
    path = yamledit.parse_path(str(form.get("path") or ""))
    wanted = str(form.get("v") or "").strip()
    registry = site.state.registry_for(plan_id)
    document = registry.documents.get(wanted) or next(
        (d for d in registry.documents.values() if wanted and wanted in f"{d.type} {d.code or ''} — {d.title}"), None)
    if document is None:
        raise UserError("Không tìm thấy văn bản này trong danh mục; hãy điền tay các ô bên dưới.")
    current = site.state.analysis(plan_id, base)
    return await run_in_threadpool(site.change_structure, plan_id, base, current,
                                   lambda tree: ops.fill_citation(tree, path, document),
                                   lambda: f"Điền căn cứ từ danh mục: {forms.document_label(document)[:120]}",
                                   site.session_key(request), part_of(path))


@router.get("/ke-hoach/{plan_id}/tai/{kind}")
def download(request: Request, plan_id: int, kind: str, v: int | None = None):
    site = site_of(request)
    analysis, stem = site.usable(plan_id, v)
    if kind == "yaml":
        return site.attachment(analysis.text.encode("utf-8"), f"{stem}.yaml", "application/yaml; charset=utf-8")
    if kind == "bao-cao":
        body = site.check_report_html(plan_id, v or site.plan_or_404(plan_id).head, analysis)
        return site.attachment(body.encode("utf-8"), f"{stem}-kiem-tra.html", "text/html; charset=utf-8")
    site.need_valid(analysis)
    if kind == "json":
        data = json.dumps(core.plan_to_json(analysis.loaded), ensure_ascii=False, indent=2).encode("utf-8")
        return site.attachment(data, f"{stem}.json", "application/json")
    if kind == "docx":
        return site.attachment(core.render_docx(analysis.loaded, issued=site.issued_of(plan_id)), f"{stem}.docx",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if kind == "pdf":
        return site.attachment(site.make_pdf(analysis.loaded, site.issued_of(plan_id)), f"{stem}.pdf", "application/pdf")
    raise UserError("Không có loại tệp này.", 404)


@router.get("/ke-hoach/{plan_id}/trang-in", response_class=HTMLResponse)
def printed_pages(request: Request, plan_id: int, v: int | None = None):
    """The real pages, as the PDF download prints them (the side preview's page breaks are estimated)."""
    site = site_of(request)
    row = site.plan_or_404(plan_id)
    analysis, _ = site.usable(plan_id, v)
    site.need_valid(analysis)
    number = v or row.head
    site.state.ahead.watch(plan_id)          # from now on its saves have their pages made ahead
    site.state.ahead.take(plan_id, analysis.text)
    try:
        digest, count, more = site.state.pages.pages(plan_id, analysis.text,
                                                     lambda: site.make_pdf(analysis.loaded, site.issued_of(plan_id)))
    except PageError as exc:
        raise UserError(str(exc), 503)
    images = [f"/ke-hoach/{plan_id}/trang-in/{digest}/{n}.png" for n in range(1, count + 1)]
    return site.page(request, "pages.html", plan=row, number=number, images=images, more=more)


@router.get("/ke-hoach/{plan_id}/trang-in/{digest}/{page_number}.png")
def printed_page_image(request: Request, plan_id: int, digest: str, page_number: int):
    site = site_of(request)
    from fastapi.responses import FileResponse

    path = site.state.pages.image(plan_id, digest, page_number)
    if path is None:
        raise UserError("Không có ảnh trang này (có thể đã được dọn); hãy mở lại «Xem trang in».", 404)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

# --- check report pages, versions ------------------------------------------------------


@router.get("/ke-hoach/{plan_id}/bao-phu", response_class=HTMLResponse)
def coverage(request: Request, plan_id: int):
    site = site_of(request)
    row = site.plan_or_404(plan_id)
    analysis = site.state.analysis(plan_id, row.head)
    return site.page(request, "coverage.html", plan=row, rows=site.coverage_rows(plan_id, analysis),
                parents=[site.parent_title(p) for p in analysis.parents])


@router.post("/ke-hoach/{plan_id}/xoa")
async def delete(request: Request, plan_id: int):
    site = site_of(request)
    await site.require_csrf(request)
    site.plan_or_404(plan_id)
    site.state.store.delete(plan_id)
    return RedirectResponse("/", status_code=303)
