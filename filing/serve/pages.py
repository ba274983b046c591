"""The pages: server-rendered from ``templates/serve/`` in the packet's Jinja environment (sandboxed, autoescaped,
strict), every form carrying the CSRF token; a few lines of JavaScript poll a job's progress."""

from __future__ import annotations

import mimetypes
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2.sandbox import SandboxedEnvironment
from starlette.datastructures import FormData, UploadFile

from filing.packet.environment import make_environment
from filing.resources import templates_dir
from filing.serve import actions, present
from filing.serve.safety import CSRF_COOKIE, CSRF_FIELD, new_token, token_ok
from filing.serve.service import Rejected, Server
from filing.serve.workspace import NotFound

router = APIRouter(include_in_schema=False)
STATIC = ("serve.css", "serve.js")
MAX_FIELDS = 5_000


@cache
def _environment() -> SandboxedEnvironment:
    env = make_environment()
    env.globals.update(document_of=present.document_of, internal_document=present.internal_document,
                       bars=present.bars)
    return env


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page, with the CSRF token its forms carry (the cookie is set when the browser has none yet)."""
    token = request.cookies.get(CSRF_COOKIE) or new_token()
    html = _environment().get_template(f"serve/{name}.html.j2").render(
        csrf_field=CSRF_FIELD, csrf_token=token, signer=_server(request).signer, **context)
    response = HTMLResponse(html, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def problem_page(request: Request, payload: dict[str, Any], status: int) -> HTMLResponse:
    """The CLI's exit-2 problems (file, line, column, field path, hint) as a page."""
    return render(request, "problem", status, payload=payload, code=status)


def _server(request: Request) -> Server:
    return request.app.state.server


async def _form(request: Request) -> FormData:
    """The posted form, refused (403) without the page's CSRF token."""
    form = await request.form(max_files=1, max_fields=MAX_FIELDS)
    submitted = form.get(CSRF_FIELD)
    if not token_ok(request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None):
        payload = {"ok": False, "findings": [{"rule": "CSRF", "severity": "blocker", "path": "",
                                              "message": "the form's token is missing or stale: reload the page"}]}
        raise Rejected(payload, 403)
    return form


def _upload(form: FormData, name: str = "file") -> UploadFile:
    upload = form.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise Rejected({"ok": False, "findings": [{"rule": "INPUT", "severity": "blocker", "path": name,
                                                   "message": "choose a file to upload"}]}, 400)
    return upload


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# -- workspace ----------------------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    server = _server(request)
    return render(request, "home", deals=server.workspace.deals(), reviews=server.workspace.reviews(),
                  asset_classes=actions.ASSET_CLASSES)


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        raise NotFound(f"no file {name!r}")
    path = templates_dir() / "serve" / name
    return FileResponse(path, media_type=mimetypes.guess_type(name)[0])


# -- issuer and law firm: the deal ---------------------------------------------------------------------------------

@router.post("/deals")
async def create(request: Request) -> Response:
    form = await _form(request)
    name = _server(request).create_deal(_text(form, "name"), _text(form, "asset_class"))
    return _see(f"/deals/{name}")


@router.get("/deals/{name}", response_class=HTMLResponse)
def deal(request: Request, name: str) -> Response:
    return render(request, "deal", deal=_server(request).deal(name), saved=request.query_params.get("saved"))


@router.post("/deals/{name}/fields")
async def save(request: Request, name: str) -> Response:
    """Save the form: the changed fields are written when the deal still loads; otherwise the form comes back with
    what was typed and each error beside its field (422), and deal.yaml is untouched."""
    form = await _form(request)
    submitted = {key[2:]: value for key, value in form.multi_items() if key.startswith("f:") and isinstance(value, str)}
    server = _server(request)
    try:
        changed = server.save_fields(name, submitted)
    except Rejected as rejected:
        if rejected.tree is None:
            raise
        return render(request, "deal", 422, deal=server.deal(name, rejected.tree, rejected.error), saved=None)
    return _see(f"/deals/{name}?saved={len(changed)}#findings")


@router.post("/deals/{name}/tape")
async def tape(request: Request, name: str) -> Response:
    form = await _form(request)
    upload = _upload(form)
    _server(request).upload_tape(name, upload.filename or "tape", upload.file)
    return _see(f"/deals/{name}/pool")


@router.get("/deals/{name}/pool", response_class=HTMLResponse)
def pool(request: Request, name: str) -> Response:
    view = _server(request).deal(name)
    pool = (view["check"] or {}).get("pool")
    return render(request, "pool", deal=view, pool=pool, charts=present.pool_charts(pool))


@router.post("/deals/{name}/jobs")
async def start(request: Request, name: str) -> Response:
    form = await _form(request)
    job = _server(request).start(name, _text(form, "kind"), sign=_text(form, "sign") == "yes")
    return _see(f"/jobs/{job['id']}")


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job(request: Request, job_id: str) -> Response:
    return render(request, "job", job=_server(request).jobs.get(job_id))


@router.get("/deals/{name}/packets/{kind}.zip")
def packet_zip(request: Request, name: str, kind: str) -> Response:
    folder = _server(request).workspace.packet_folder(name, kind)
    path = _server(request).workspace.file_under(folder.parent, f"{kind}.zip")
    return FileResponse(path, filename=f"{name}-{kind}.zip")


@router.get("/deals/{name}/packets/{kind}/{relative:path}")
def packet_file(request: Request, name: str, kind: str, relative: str) -> Response:
    return _file(_server(request).workspace.packet_file(name, kind, relative))


@router.post("/deals/{name}/packets/{kind}/review")
async def review_built(request: Request, name: str, kind: str) -> Response:
    await _form(request)
    return _see(f"/reviews/{_server(request).review_built(name, kind)}")


# -- reviewer ---------------------------------------------------------------------------------------------------

@router.post("/reviews")
async def add_review(request: Request) -> Response:
    form = await _form(request)
    upload = _upload(form)
    review_id = _server(request).add_review(upload.filename or "packet.zip", upload.file, _text(form, "signer"))
    return _see(f"/reviews/{review_id}")


@router.get("/reviews/{review_id}", response_class=HTMLResponse)
def review(request: Request, review_id: str) -> Response:
    server = _server(request)
    others = [r for r in server.workspace.reviews() if r["id"] != review_id]
    return render(request, "review", review=server.review(review_id), others=others)


@router.get("/reviews/{review_id}/diff", response_class=HTMLResponse)
def diff(request: Request, review_id: str) -> Response:
    previous = request.query_params.get("against", "")
    server = _server(request)
    return render(request, "diff", review=server.review(review_id), diff=server.diff(review_id, previous),
                  previous=server.review(previous))


@router.get("/reviews/{review_id}/packet/{relative:path}")
def review_file(request: Request, review_id: str, relative: str) -> Response:
    workspace = _server(request).workspace
    return _file(workspace.file_under(workspace.review_folder(review_id) / "packet", relative))


def _file(path: Path) -> Response:
    """A packet file: HTML shown in the browser (under the document policy), anything else downloaded."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind == "text/html":
        return FileResponse(path, media_type="text/html; charset=utf-8")
    return FileResponse(path, media_type=kind, filename=path.name)
