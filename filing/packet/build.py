"""``build_from_data``: documents in every format, checked for parity and glyphs, hashed, signed and written atomically.

Order of work: render all HTML (fast, in this process), hand the PDFs to a pool of worker processes, and convert the
DOCX drafts and run the parity check here while the workers lay out pages. Nothing touches the target folder until
every file exists in memory; the packet is then written to a sibling temporary folder and swapped in by rename, so a
reader sees the old packet or the new one, never a mixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import time as clock
from multiprocessing import get_context
from pathlib import Path

from filing.errors import InputError
from filing.findings import Verdict
from filing.packet.data import PacketData
from filing.packet.environment import LANGS, TemplateProblem, make_environment
from filing.packet.fonts import FontsMissing, find_faces
from filing.packet.manifest import (
    KEY_ENV,
    MANIFEST,
    SIGNATURE,
    build_manifest,
    read_key,
    sign_manifest,
    signing_account,
)
from filing.packet.parity import ParityIssue, check_parity
from filing.packet.pdf import PdfJob, exit_with_parent, render_pdf, warm_up
from filing.packet.render import DOCUMENTS, RenderOptions, render_documents
from filing.packet.word import html_to_docx, zip_entries
from filing.progress import Progress, advance, within
from filing.resources import templates_dir
from filing.version import tool_version
from filing.write import ZIP_COMMENT, recover, replaceable, write_outputs, zip_replaceable

WORKERS = 2


class PacketError(Exception):
    """The documents could not be produced (template error, refused URL, missing glyph, fonts not installed)."""


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    verdict: Verdict
    draft: bool
    written: bool
    """False when blockers stopped a final build: nothing was written."""
    files: dict[str, str] = field(default_factory=dict)
    """Packet path → SHA-256 of every file listed in the manifest."""
    pages: int = 0
    parity: tuple[ParityIssue, ...] = ()
    signer: str | None = None
    zip_path: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds per phase; ``weasyprint`` is the time inside WeasyPrint summed over documents."""

    @property
    def exit_code(self) -> int:
        return 0 if self.verdict.ok and self.written else 1


def precheck(out_dir: str | Path, *, langs: tuple[str, ...] = LANGS, sign_key_file: str | Path | None = None,
             zip: bool = False, **_options: object) -> None:
    """Judge the build's arguments (languages, target folder and zip, signing key) before the stages take their
    minutes: InputError naming the option or file."""
    _languages(langs)
    _check_target(Path(out_dir), zip)
    key = read_key(Path(sign_key_file) if sign_key_file else None)
    if key is not None:
        signing_account(key, str(sign_key_file or KEY_ENV))


def build_from_data(data: PacketData, out_dir: str | Path, *, langs: tuple[str, ...] = LANGS,
                    sign_key_file: str | Path | None = None, draft: bool = False, zip: bool = False,
                    templates: str | Path | None = None, pdf_a: bool = False,
                    progress: Progress | None = None) -> BuildResult:
    """Write the packet of already-assembled data; a final build with blockers writes nothing."""
    start = time.perf_counter()
    out_dir = Path(out_dir)
    langs = _languages(langs)
    verdict = data.verdict
    if not verdict.ok and not draft:
        return BuildResult(out_dir, verdict, draft, written=False)
    key = read_key(Path(sign_key_file) if sign_key_file else None)
    _check_target(out_dir, zip)
    created = render_time(data)
    files, pages, parity, timings = render_packet(data, langs=langs, draft=draft, templates=templates, pdf_a=pdf_a,
                                                  created=created, progress=within(progress, "documents"))
    files |= data.files()
    manifest = build_manifest(files, tool=_tool(), rulebook_version=verdict.rulebook_version,
                              deal={"id": data.deal["deal_id"], "sha256": data.deal_sha256}, langs=list(langs),
                              draft=draft, pdf_a=pdf_a, created=created.isoformat(),
                              templates=_template_overrides(templates), verdict=verdict.headline(),
                              parity=[issue.to_dict() for issue in parity])
    hashes = {path: hashlib.sha256(content).hexdigest() for path, content in sorted(files.items())}
    extra = {MANIFEST: manifest}
    signer = None
    if key is not None:
        extra[SIGNATURE] = sign_manifest(manifest, key, str(sign_key_file or "FILING_SIGN_KEY"))
        signer = json.loads(extra[SIGNATURE])["signer"]
    write_start = time.perf_counter()
    zip_path = _write_outputs(out_dir, files | extra, created, zip)
    timings["write"] = time.perf_counter() - write_start
    timings["total"] = time.perf_counter() - start
    return BuildResult(out_dir, verdict, draft, True, hashes, pages, tuple(parity), signer, zip_path, timings)


def render_packet(data: PacketData, *, langs: tuple[str, ...], draft: bool, templates: str | Path | None,
                  pdf_a: bool, created: datetime, progress: Progress | None = None
                  ) -> tuple[dict[str, bytes], int, list[ParityIssue], dict[str, float]]:
    """Every document as HTML, PDF and (for the legal drafts) DOCX; raises PacketError naming what failed.
    ``progress`` hears of each PDF as its worker finishes it."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        env = make_environment(Path(templates) if templates else None)
        find_faces()
        options = RenderOptions(langs, draft, created.isoformat(), _tool()["version"])
        html = render_documents(env, data, options)
    except (TemplateProblem, FontsMissing) as error:
        raise PacketError(str(error)) from None
    timings["html"] = time.perf_counter() - started
    roots = tuple(str(r) for r in ([Path(templates)] if templates else []) + [templates_dir()])
    jobs = sorted((PdfJob(slug, page, roots, created, pdf_a, data.deal_json.encode() if pdf_a else None)
                   for slug, page in html.items()), key=lambda job: -len(job.html))
    files = {f"documents/{slug}.html": page.encode() for slug, page in html.items()}
    pdf_start = time.perf_counter()
    warm_up()  # fonts and stylesheets loaded once here, inherited by the forked workers
    with ProcessPoolExecutor(WORKERS, mp_context=get_context("fork"), initializer=exit_with_parent,
                             initargs=(os.getpid(),)) as pool:
        pending = [pool.submit(render_pdf, job) for job in jobs]
        parity = [issue for slug, page in html.items() for issue in check_parity(slug, page)]
        for spec in DOCUMENTS:
            if spec.docx:
                files[f"documents/{spec.slug}.docx"] = html_to_docx(html[spec.slug], created, spec.slug)
        slugs = {future: job.slug for future, job in zip(pending, jobs, strict=True)}
        for done, future in enumerate(as_completed(pending), start=1):
            advance(progress, slugs[future], done, len(pending))
        results = [future.result() for future in pending]
    timings["pdf"] = time.perf_counter() - pdf_start
    timings["weasyprint"] = sum(r.seconds for r in results)
    for result in results:
        if result.refused:
            raise PacketError(f"documents/{result.slug}.pdf: {result.refused}")
        if result.missing_glyphs:
            raise PacketError(f"documents/{result.slug}.pdf: no font has a glyph for "
                              f"{', '.join(result.missing_glyphs)}; change the text or install a font that has it")
        files[f"documents/{result.slug}.pdf"] = result.pdf
    return files, sum(r.pages for r in results), parity, timings


def _languages(langs: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [code for code in langs if code not in LANGS]
    if unknown or not langs:
        raise InputError.single("--lang", f"languages are zh and en (got {', '.join(langs) or 'none'})")
    return tuple(code for code in LANGS if code in langs)  # Chinese first, whatever order was asked


def render_time(data: PacketData) -> datetime:
    """SOURCE_DATE_EPOCH when set (reproducible-builds convention), else midnight UTC of the deal's as-of date; the
    manifest records it so that a rebuild dates its documents the same way."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.combine(datetime.fromisoformat(data.deal["filing"]["as_of"]).date(), clock(0), UTC)


def _template_overrides(templates: str | Path | None) -> list[dict[str, str]]:
    """Path and SHA-256 of every file in a ``--templates`` folder: the manifest names what replaced the packaged
    templates, since a rebuild with the packaged ones cannot reproduce those documents."""
    if templates is None:
        return []
    root = Path(templates)
    return [{"path": path.relative_to(root).as_posix(), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            for path in sorted(root.rglob("*")) if path.is_file()]


def _tool() -> dict[str, str]:
    return {"name": "filing", "version": tool_version()}


def _check_target(out_dir: Path, zip: bool) -> None:
    """Replace only our own outputs: a folder without filing's marker, or a DIR.zip filing did not write, is someone's
    (even a folder holding a manifest.json), not ours to delete; judged before anything is written."""
    recover(out_dir)
    if not replaceable(out_dir, "packet"):
        raise InputError.single(out_dir, "exists and is not a packet folder written by filing (no .filing-output "
                                         "marker); choose another -o folder")
    if zip and not zip_replaceable(_zip_path(out_dir)):
        raise InputError.single(_zip_path(out_dir), "exists and is not a packet zip written by filing (a folder, a "
                                                    "link or another file); move it or choose another -o folder")


def _zip_path(out_dir: Path) -> Path:
    return out_dir.with_name(out_dir.name + ".zip")


def _write_outputs(out_dir: Path, files: dict[str, bytes], created: datetime, zip: bool) -> Path | None:
    """The folder and, with ``zip``, ``DIR.zip`` beside it (the same files under ``DIR/``, sorted, every entry dated
    ``created``), replaced together or not at all."""
    target = _zip_path(out_dir) if zip else None
    content = zip_entries([(f"{out_dir.name}/{p}", c) for p, c in sorted(files.items())], created, ZIP_COMMENT) \
        if zip else b""
    write_outputs(out_dir, files, target, content)
    return target
