"""What keeps the local server from being used by other web sites or flooded: a request-size bound, a host check
(against DNS rebinding), an origin check on every request that changes something, a CSRF token on every form, and
headers that keep pages and packet documents from loading anything from elsewhere.

Why both an origin check and a form token: the JSON API is called by programs that send no token, and browsers send
``Origin`` (or ``Sec-Fetch-Site``) on every cross-site POST, so a foreign page cannot call it; forms get the
double-submit token as well, for browsers or proxies that strip those headers.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.types import Message, Receive, Scope, Send

CSRF_COOKIE = "filing_csrf"
CSRF_FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PAGE_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
DOCUMENT_POLICY = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
                   "frame-ancestors 'self'; sandbox allow-same-origin")
"""For packet HTML served from an upload: it may show its own inline styles and data: images, and nothing else."""


class Guard:
    """ASGI middleware: refuse unknown hosts (400), cross-site changes (403) and bodies declared too large (413,
    before a byte is read; the framework's own limit stops a body that grows past it), and set the security
    headers on every response."""

    def __init__(self, app: Any, *, max_body: int, hosts: frozenset[str]):
        self.app, self.max_body, self.hosts = app, max_body, hosts
        """The FastAPI app behind the guard (its ``state.server`` holds the workspace)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self._refusal(scope, headers)
        if refused is not None:
            await _plain(send, *refused)
            return
        await self.app(scope, receive, _with_headers(send, scope["path"]))

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if _hostname(host) not in self.hosts:
            return 400, f"unknown host {host!r}: the workspace answers only on the address it was started on"
        if scope["method"] in UNSAFE:
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc != host:
                return 403, "a request from another site was refused"
            if headers.get("sec-fetch-site") == "cross-site":
                return 403, "a request from another site was refused"
            length = headers.get("content-length")
            if length is None and headers.get("transfer-encoding"):
                return 411, "send the upload with a Content-Length"
            if length is not None and (not length.isdigit() or int(length) > self.max_body):
                return 413, f"the request is larger than {self.max_body:,} bytes"
        return None


def _hostname(host: str) -> str:
    return urlsplit(f"//{host}").hostname or ""


def _with_headers(send: Send, path: str) -> Send:
    policy = DOCUMENT_POLICY if "/packet/" in path or "/packets/" in path else PAGE_POLICY

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
            headers += [(b"content-security-policy", policy.encode()), (b"x-content-type-options", b"nosniff"),
                        (b"referrer-policy", b"same-origin"), (b"x-frame-options", b"SAMEORIGIN")]
            message = {**message, "headers": headers}
        await send(message)

    return sending


async def _plain(send: Send, status: int, text: str) -> None:
    body = json.dumps({"ok": False, "findings": [{"rule": "HTTP", "severity": "blocker", "path": "",
                                                  "message": text}]}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_ok(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
