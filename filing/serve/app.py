"""The ASGI application: the workspace's pages and its JSON API over one ``Server``, behind the safety guard."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

import filing
from filing.serve import pages
from filing.serve.api import api
from filing.serve.jobs import Jobs
from filing.serve.safety import Guard
from filing.serve.service import Rejected, Server
from filing.serve.workspace import Limits, NotFound, TooLarge, Workspace

DEFAULT_LIMITS = Limits()
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def create_app(workspace: Path, *, sign_key_file: Path | None = None, limits: Limits = DEFAULT_LIMITS,
               host: str = "127.0.0.1") -> Guard:
    """The app over ``workspace`` (created when missing), behind the guard (``.app`` is the FastAPI app).
    ``sign_key_file`` is judged now (InputError when it holds no key) and only its address is kept; builds that sign
    read the file again. The host check admits loopback names and ``host`` itself."""
    from filing.serve import actions

    folder = Workspace(workspace)
    signer = actions.signer_of(sign_key_file) if sign_key_file is not None else None
    server = Server(folder, Jobs(folder.jobs_folder, {f"{folder.root}/": ""}), limits, sign_key_file, signer)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        server.jobs.shutdown()

    app = FastAPI(title="filing workspace", version=filing.__version__, lifespan=lifespan,
                  max_body_size=limits.request_bytes,
                  description="The CSRC filing toolkit's stages over HTTP: deals, tapes, checks, the chain suite, "
                              "packets, reviews and diffs. Findings use design.md's JSON shape; add ?format=log for "
                              "a coded log.")
    app.state.server = server
    app.include_router(api)
    app.include_router(pages.router)
    app.add_exception_handler(Rejected, _rejected)
    app.add_exception_handler(NotFound, _not_found)
    app.add_exception_handler(TooLarge, _too_large)
    hosts = LOOPBACK | {host, "testserver"}
    return Guard(app, max_body=limits.request_bytes, hosts=frozenset(hosts))


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _rejected(request: Request, error: Exception) -> Response:
    assert isinstance(error, Rejected)
    if _wants_json(request):
        return JSONResponse(error.payload, status_code=error.status)
    return pages.problem_page(request, error.payload, error.status)


async def _not_found(request: Request, error: Exception) -> Response:
    return _refusal(request, 404, str(error))


async def _too_large(request: Request, error: Exception) -> Response:
    return _refusal(request, 413, str(error))


def _refusal(request: Request, status: int, message: str) -> Response:
    payload = {"ok": False, "findings": [{"rule": "HTTP", "severity": "blocker", "path": "", "message": message}]}
    if _wants_json(request):
        return JSONResponse(payload, status_code=status)
    return pages.problem_page(request, payload, status)


def run(workspace: Path, *, host: str = "127.0.0.1", port: int = 8000, sign_key_file: Path | None = None) -> None:
    """Serve until interrupted (uvicorn, one process: the jobs and their records belong to it)."""
    import uvicorn

    uvicorn.run(create_app(workspace, sign_key_file=sign_key_file, host=host), host=host, port=port,
                log_level="warning")
