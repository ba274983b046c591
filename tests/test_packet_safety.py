"""Rendering is safe with hostile input: deal strings are text, never markup or fetched URLs; the fetcher refuses
everything but data: URIs and template assets; override templates run in the sandbox and fail loudly and by name."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
from weasyprint.urls import FatalURLFetchingError

import filing
from filing import stages
from filing.packet.data import PacketData
from filing.packet.environment import TemplateProblem, make_environment
from filing.packet.fetcher import LockedURLFetcher
from filing.packet.pdf import PdfJob, render_pdf
from filing.packet.render import RenderOptions, render_documents
from filing.pool import analyse_pool
from filing.resources import templates_dir
from filing.stages import with_cashflows

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
WHEN = datetime(2026, 11, 20, tzinfo=UTC)
OPTIONS = RenderOptions(("zh", "en"), False, WHEN.isoformat(), "test")


@pytest.fixture(scope="module")
def data() -> PacketData:
    """The example's data without the chain stage (not needed to test rendering)."""
    loaded = filing.load_deal(EXAMPLE / "deal.yaml")
    pool = with_cashflows(analyse_pool(loaded), loaded.deal)
    return stages.packet_data(loaded, pool, None)


@pytest.fixture()
def server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def _with_title(data: PacketData, title: str) -> PacketData:
    deal = json.loads(data.deal_json)
    deal["title_zh"] = deal["title_en"] = title
    deal["filer"]["business_scope_en"] = title
    return replace(data, deal_json=json.dumps(deal, ensure_ascii=False, sort_keys=True, indent=2) + "\n")


def test_hostile_deal_strings_are_neither_markup_nor_fetched(data: PacketData, server) -> None:
    url, hits = server
    payload = f'<img src="file:///etc/passwd"><img src="{url}/leak.png"><style>@import "{url}/x.css";</style>'
    html = render_documents(make_environment(), _with_title(data, payload), OPTIONS)
    for page in html.values():
        assert "<img" not in page and "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in page
    result = render_pdf(PdfJob("01-filing-report", html["01-filing-report"], (str(templates_dir()),), WHEN))
    assert result.refused is None and not result.missing_glyphs
    assert hits == []
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(result.pdf)).pages)
    assert "file:///etc/passwd" in text  # shown as the text it is
    assert "root:x:0:0" not in text


def test_fetcher_refuses_files_and_network_but_serves_data_and_assets(tmp_path: Path, server) -> None:
    url, hits = server
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "secret.css").write_text("body {}")
    fetcher = LockedURLFetcher([tmp_path])
    for refused in ("file:///etc/passwd", f"{url}/x.png", "https://example.invalid/x.css", "ftp://127.0.0.1/x",
                    (tmp_path / "secret.css").as_uri(), (tmp_path / "assets" / ".." / "secret.css").as_uri()):
        with pytest.raises(FatalURLFetchingError, match="refused"):
            fetcher.fetch(refused)
    assert hits == []
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch((tmp_path / "assets" / "logo.svg").as_uri()).read().startswith(b"<svg")


def test_an_override_that_fetches_stops_the_render_without_a_request(data: PacketData, tmp_path: Path,
                                                                     server) -> None:
    url, hits = server
    documents = tmp_path / "packet" / "documents"
    documents.mkdir(parents=True)
    (documents / "material_event.html.j2").write_text(
        '{% extends "packet/base.html.j2" %}{% block body %}<img src="' + url + '/seal.png">{% endblock %}')
    html = render_documents(make_environment(tmp_path), data, OPTIONS)["11-material-event-report"]
    result = render_pdf(PdfJob("11-material-event-report", html, (str(tmp_path), str(templates_dir())), WHEN))
    assert result.refused and "refused to fetch" in result.refused and url in result.refused
    assert hits == []


def test_overrides_replace_templates_and_run_in_the_sandbox(data: PacketData, tmp_path: Path) -> None:
    documents = tmp_path / "packet" / "documents"
    documents.mkdir(parents=True)
    target = documents / "material_event.html.j2"
    target.write_text('{% extends "packet/base.html.j2" %}{% block body %}<p>OVERRIDDEN {{ deal.deal_id }}</p>'
                      '{% endblock %}')
    html = render_documents(make_environment(tmp_path), data, OPTIONS)
    assert "OVERRIDDEN HXSC-TR-2026-01" in html["11-material-event-report"]
    assert "OVERRIDDEN" not in html["01-filing-report"]
    target.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateProblem, match="unsafe|__class__"):
        render_documents(make_environment(tmp_path), data, OPTIONS)


def test_a_missing_field_names_the_template_and_the_field(data: PacketData, tmp_path: Path) -> None:
    documents = tmp_path / "packet" / "documents"
    documents.mkdir(parents=True)
    (documents / "cashflow.html.j2").write_text(
        '{% extends "packet/base.html.j2" %}{% block body %}\n\n{{ deal.filer.no_such_field }}{% endblock %}')
    with pytest.raises(TemplateProblem, match=r"cashflow\.html\.j2:3.*no_such_field"):
        render_documents(make_environment(tmp_path), data, OPTIONS)
    (tmp_path / "glossary.yaml").write_text((templates_dir() / "glossary.yaml").read_text().replace(
        "contents: {zh: 目录, en: Contents}", "contents: {zh: 目录}"))
    with pytest.raises(TemplateProblem, match="without both zh and en: contents"):
        render_documents(make_environment(tmp_path), data, OPTIONS)


def test_a_character_no_font_has_is_reported(data: PacketData) -> None:
    html = render_documents(make_environment(), _with_title(data, "华讯\U000F0001供应链"), OPTIONS)
    result = render_pdf(PdfJob("01-filing-report", html["01-filing-report"], (str(templates_dir()),), WHEN))
    assert result.missing_glyphs == ("U+F0001 (\U000F0001)",)


def test_an_override_may_use_its_own_assets_as_data_uris(data: PacketData, tmp_path: Path) -> None:
    """A firm's logo comes from the override folder's assets/, inlined, so the HTML stays self-contained."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    documents = tmp_path / "packet" / "documents"
    documents.mkdir(parents=True)
    (documents / "material_event.html.j2").write_text(
        '{% extends "packet/base.html.j2" %}{% block body %}<img src="{{ asset("logo.svg") }}">{% endblock %}')
    html = render_documents(make_environment(tmp_path), data, OPTIONS)["11-material-event-report"]
    assert '<img src="data:image/svg+xml;base64,' in html
    result = render_pdf(PdfJob("11-material-event-report", html, (str(tmp_path), str(templates_dir())), WHEN))
    assert result.refused is None and result.pages >= 2
    (documents / "material_event.html.j2").write_text(
        '{% extends "packet/base.html.j2" %}{% block body %}<img src="{{ asset("../../etc/passwd") }}">{% endblock %}')
    with pytest.raises(TemplateProblem, match="no asset"):
        render_documents(make_environment(tmp_path), data, OPTIONS)
