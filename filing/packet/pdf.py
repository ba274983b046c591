"""HTML to PDF with WeasyPrint, one document per call, in worker processes.

Each call runs in a worker of a process pool, so it takes and returns plain data only. Reproducibility comes from
the document itself (``dcterms.created``/``modified`` in the HTML), the fixed attachment dates, and a PDF identifier
derived from the content; nothing reads the clock. The glyph check runs on the fonts WeasyPrint actually embedded.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import weasyprint
from weasyprint.text.fonts import FontConfiguration

from filing.packet.fetcher import LockedURLFetcher, RefusedURL
from filing.packet.fonts import find_faces, missing_glyphs


@dataclass(frozen=True)
class PdfJob:
    slug: str
    html: str
    roots: tuple[str, ...]
    """Template folders whose ``assets/`` the fetcher may serve."""
    created: datetime
    pdf_a: bool = False
    attachment: bytes | None = None
    """The canonical deal JSON, embedded as an associated file when building PDF/A-3b."""


@dataclass(frozen=True)
class PdfResult:
    slug: str
    pdf: bytes
    pages: int
    missing_glyphs: tuple[str, ...]
    seconds: float
    """Time inside WeasyPrint (layout and PDF writing), for the benchmark's share."""
    refused: str | None = None


def render_pdf(job: PdfJob) -> PdfResult:
    """Lay out and write one PDF; a refused URL or a character without a glyph is reported, not raised."""
    start = time.perf_counter()
    fetcher = LockedURLFetcher([Path(r) for r in job.roots])
    base = Path(job.roots[-1]).as_uri() + "/"
    try:
        document = weasyprint.HTML(string=job.html, base_url=base, url_fetcher=fetcher).render(
            font_config=FontConfiguration())
    except RefusedURL as refusal:
        return PdfResult(job.slug, b"", 0, (), time.perf_counter() - start, str(refusal))
    _relative_links(document, base)
    options: dict = {"pdf_identifier": True, "uncompressed_pdf": False}
    if job.pdf_a:
        options["pdf_variant"] = "pdf/a-3b"
        if job.attachment is not None:
            options["attachments"] = [weasyprint.Attachment(
                string=job.attachment, name="deal.json", description="Canonical deal JSON (data/deal.json)",
                created=job.created, modified=job.created, relationship="Source", url_fetcher=fetcher)]
    pdf = document.write_pdf(**options)
    seconds = time.perf_counter() - start
    text = "".join(_laid_out_text(document))
    return PdfResult(job.slug, pdf, len(document.pages), tuple(missing_glyphs(text, list(document.fonts.values()))),
                     seconds)


def exit_with_parent(parent: int) -> None:
    """Worker initializer: once the build that forked this worker is gone (killed), stop, rather than lay out pages
    for nobody and then wait for work for ever."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def warm_up() -> None:
    """Render a one-line page in this process before workers are forked from it: fontconfig's font list, Pango's
    font maps, the faces' character sets and WeasyPrint's user-agent stylesheets are then loaded once and shared by
    every worker, instead of each worker paying for them on its first document (about a second each)."""
    find_faces()
    sample = ('<p style="font-family: \'Noto Serif CJK SC\'">备案 <b>报告</b> Filing</p>'
              '<p style="font-family: \'Noto Sans CJK SC\'">备案 <b>报告</b> Filing</p>')
    weasyprint.HTML(string=sample).render(font_config=FontConfiguration()).write_pdf()


def _relative_links(document: weasyprint.Document, base: str) -> None:
    """Links to the packet's sibling files (the index's file names) as written, relative: WeasyPrint resolves them
    against the templates folder, which would put the build machine's path into the PDF and break byte-identical
    rebuilds elsewhere; relative, they open the sibling file beside the PDF."""
    for page in document.pages:
        page.links = [(kind, target.removeprefix(base) if kind == "external" else target, *rest)
                      for kind, target, *rest in page.links]


def _laid_out_text(document: weasyprint.Document):
    """Every text fragment on every page, generated content (page numbers, leaders) included."""
    for page in document.pages:
        for box in page._page_box.descendants():
            text = getattr(box, "text", None)
            if isinstance(text, str):
                yield text
