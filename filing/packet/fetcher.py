"""A deny-by-default URL fetcher for WeasyPrint: data: URIs and files under the template folders' assets, nothing else.

Why: WeasyPrint's default fetcher reads ``file://`` and ``http(s)://``, so a URL that reached the HTML (through a
template override, or a deal string if escaping ever failed) could read local files into the PDF or make the build
machine request internal addresses (peers.md). Refusing stops the whole render, so a refused URL is a build error the
user sees, not a silently missing image.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

ALLOWED_SUFFIXES = frozenset({".css", ".png", ".jpg", ".jpeg", ".svg", ".gif", ".otf", ".ttf", ".woff", ".woff2"})


class RefusedURL(FatalURLFetchingError):
    """WeasyPrint lets ordinary fetch errors pass (the image is left out); this one stops the render."""


class LockedURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and asset files under ``<root>/assets`` of the given template roots; refuses the rest."""

    def __init__(self, roots: Sequence[Path]):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False, fail_on_errors=True)
        self._assets = tuple((Path(r) / "assets").resolve() for r in roots)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self._assets) and \
                    path.suffix.lower() in ALLOWED_SUFFIXES and path.is_file():
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})
        raise RefusedURL(f"refused to fetch {url[:200]!r}: documents may only use data: URIs and files under a "
                         "templates folder's assets/")
