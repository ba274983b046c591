"""The web workspace end to end in Chromium (Debian's chromium, driven by Playwright as in test_browser.py), against
a real uvicorn server on loopback over a workspace of example deals: the issuer's, the law firm's and the reviewer's
journeys, each without a console error, each saving screenshots of its main screens.

``FILING_SCREENSHOTS=docs pytest tests/test_serve_browser.py`` rewrites the README's pictures (docs/serve-*.png).
One packet build in this file (the law firm's draft, which the reviewer then receives).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright
from serve_support import EXAMPLES, KEY, amended, copy_examples, evil_zip

from filing.serve import create_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make setup installs it)")
REFUSING = ("/tape", "/reviews", "/fields")
"""The only requests a journey expects to be refused (422): uploads and a form with bad input."""
LONG = 300_000
"""Milliseconds a job (the chain suite, a build) may take on a busy machine."""


@dataclass
class Site:
    url: str
    root: Path
    shots: Path

    def tree(self, deal: str) -> dict[str, bytes]:
        folder = self.root / deal
        return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    base = tmp_path_factory.mktemp("serve-browser")
    root = base / "workspace"
    copy_examples(root, "trade-receivables", "noncompliant")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(root, sign_key_file=KEY), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    yield Site(f"http://127.0.0.1:{port}", root, base / "shots")
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 860}, device_scale_factor=1, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    refused: list[tuple[int, str]] = []
    page.on("console", lambda message: message.type == "error" and not message.text.startswith(
        "Failed to load resource") and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and refused.append((response.status, response.url)))
    yield page
    context.close()
    assert errors == [], errors
    assert all(status == 422 and url.endswith(REFUSING) for status, url in refused), refused


def _shot(site: Site, page: Page, name: str, publish: bool = True) -> None:
    """Save the screen (non-blank), and the README's pictures into the folder FILING_SCREENSHOTS names when set."""
    site.shots.mkdir(exist_ok=True)
    png = page.screenshot()
    picture = Image.open(io.BytesIO(png)).convert("L")
    assert sum(picture.histogram()[:160]) / (picture.width * picture.height) > 0.02, f"{name} looks blank"
    (site.shots / f"serve-{name}.png").write_bytes(png)
    if publish and (target := os.environ.get("FILING_SCREENSHOTS")):
        (Path(target) / f"serve-{name}.png").write_bytes(png)


def _upload(page: Page, form: str, name: str, data: bytes) -> None:
    page.set_input_files(f"{form} input[type=file]", files=[{"name": name, "mimeType": "application/octet-stream",
                                                             "buffer": data}])
    page.click(f"{form} button[type=submit]")


def test_issuer_from_a_new_deal_to_the_pool_and_the_chain_suite(site: Site, page: Page) -> None:
    page.goto(site.url)
    page.fill("#new-deal input[name=name]", "my-deal")
    page.select_option("#new-deal select[name=asset_class]", "trade_receivables")
    page.click("#new-deal button[type=submit]")
    expect(page).to_have_url(f"{site.url}/deals/my-deal")
    expect(page.locator("#findings")).to_contain_text("token.tranches[0].principal")  # the scaffold leaves it zero
    page.fill('[id="input-token.tranches[0].principal"]', "100000000.00")
    page.click("#save")
    expect(page.locator("#findings")).to_contain_text("my-deal/tape.xlsx")
    expect(page.locator("#findings")).to_contain_text("TAPE-03")

    before = site.tree("my-deal")
    _upload(page, "#upload-tape", "wrong.csv", "应收账款编号,备注\nAR1,x\n".encode("gb18030"))
    expect(page.locator("h1")).to_contain_text("could not be used")
    expect(page.locator(".problems")).to_contain_text("wrong.csv:1")
    expect(page.locator(".problems")).to_contain_text("TAPE-04")
    assert site.tree("my-deal") == before

    page.goto(f"{site.url}/deals/my-deal")
    _upload(page, "#upload-tape", "receivables.csv", (EXAMPLES / "trade-receivables" / "tape.csv").read_bytes())
    expect(page).to_have_url(f"{site.url}/deals/my-deal/pool")
    expect(page.locator("#pool-stats")).to_contain_text("gb18030")
    expect(page.locator("#pool-stats")).to_contain_text("5,006")
    assert page.locator("figure.chart svg").count() == 2 and page.locator("figure.chart svg polyline").count() >= 2
    _shot(site, page, "pool")

    page.goto(f"{site.url}/deals/my-deal")
    expect(page.locator("#verdict")).to_contain_text("blocker")
    assert page.locator(".field.has-findings, fieldset.has-findings").count() > 0

    page.goto(f"{site.url}/deals/trade-receivables")
    page.click("#run-contract")
    expect(page.locator("#job")).to_be_visible()
    expect(page.locator("#result")).to_contain_text("132 of 共 132", timeout=LONG)
    expect(page.locator("#job-status")).to_have_text("done")
    _shot(site, page, "chain")


def test_law_firm_fixes_a_finding_builds_a_draft_and_downloads_it(site: Site, page: Page, tmp_path: Path) -> None:
    page.goto(f"{site.url}/deals/noncompliant")
    field = page.locator('[id="field-issuer.jurisdiction"]')
    expect(field.locator(".finding")).to_contain_text("CN-G-02")
    blockers = int(page.locator("#verdict .counts").first.inner_text().split()[0])
    field.scroll_into_view_if_needed()
    _shot(site, page, "deal")

    deal = (site.root / "noncompliant" / "deal.yaml").read_bytes()
    page.fill('[id="input-issuer.jurisdiction"]', "Xanadu")  # checked live, before anything is saved
    expect(page.locator("#live")).to_contain_text("does not load")
    expect(page.locator('[id="field-issuer.jurisdiction"] .live-finding')).to_contain_text("unknown jurisdiction")
    page.click("#save")
    expect(page.locator('[id="field-issuer.jurisdiction"]')).to_contain_text("unknown jurisdiction")
    assert (site.root / "noncompliant" / "deal.yaml").read_bytes() == deal

    page.goto(f"{site.url}/deals/noncompliant")
    page.fill('[id="input-issuer.jurisdiction"]', "Hong Kong")
    expect(page.locator("#live")).to_contain_text("blocker(s)")
    expect(page.locator('[id="field-issuer.jurisdiction"] .finding')).to_have_count(0)
    assert (site.root / "noncompliant" / "deal.yaml").read_bytes() == deal
    page.click("#save")
    expect(page.locator("#verdict .saved")).to_contain_text("1 field(s)")
    expect(page.locator('[id="field-issuer.jurisdiction"] .finding')).to_have_count(0)
    assert int(page.locator("#verdict .counts").first.inner_text().split()[0]) < blockers

    page.click("#build-draft")
    expect(page.locator("#job progress")).to_be_visible()
    expect(page.locator("#job-step")).to_contain_text("/", timeout=LONG)  # the script has polled the progress
    _shot(site, page, "progress", publish=False)
    expect(page.locator("#result")).to_contain_text("pages", timeout=LONG)
    _shot(site, page, "build")
    with page.expect_download() as caught:
        page.click("text=09-legal-opinion.docx")
    opinion = docx.Document(caught.value.path())
    assert any("法律意见书" in paragraph.text for paragraph in opinion.paragraphs)
    with page.expect_download() as caught:
        page.click("a.download")
    with zipfile.ZipFile(caught.value.path()) as archive:
        assert any(name.endswith("manifest.json") for name in archive.namelist())


def _draft_zip(site: Site, page: Page) -> bytes:
    """The law firm's draft (built through the browser above; built here when this test runs alone)."""
    path = site.root / "noncompliant" / "packets" / "draft.zip"
    if not path.is_file():
        page.goto(f"{site.url}/deals/noncompliant")
        page.click("#build-draft")
        expect(page.locator("#result")).to_contain_text("pages", timeout=LONG)
    return path.read_bytes()


def test_reviewer_checks_a_packet_opens_its_documents_and_compares_versions(site: Site, page: Page) -> None:
    draft = _draft_zip(site, page)
    page.goto(site.url)
    reviews = site.root / ".serve" / "reviews"
    kept = sorted(reviews.iterdir())
    _upload(page, "#upload-packet", "hostile.zip", evil_zip())
    expect(page.locator(".problems")).to_contain_text("../../escaped.txt")
    assert sorted(reviews.iterdir()) == kept

    page.goto(site.url)
    _upload(page, "#upload-packet", "draft-v1.zip", draft)
    expect(page.locator("#verdict .verdict")).to_have_text("FAIL")
    assert page.locator("#checks section.check").count() >= 6
    expect(page.locator("#check-integrity")).to_contain_text("34 files listed")
    _shot(site, page, "review")
    first = page.url
    link = page.locator("#review-findings a.doc-link").first
    target = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(f"{site.url}{target}")
    assert page.locator("section.lang-zh h1").count() == 1
    page.goto(first)  # every document link of the review page leads to an existing section
    targets = set(page.eval_on_selector_all("a.doc-link", "links => links.map(a => a.getAttribute('href'))"))
    assert len(targets) > 3
    for href in sorted(targets):
        page.goto(f"{site.url}{href}")
        anchor = href.split("#", 1)[1]
        assert page.evaluate("id => document.getElementById(id) !== null", anchor), href

    page.goto(site.url)
    _upload(page, "#upload-packet", "draft-v2.zip", amended(draft, "documents/04-token-terms.html"))
    expect(page.locator("#verdict .verdict")).to_have_text("FAIL")
    previous = page.locator("#diff-form option", has_text="draft-v1.zip").first.get_attribute("value")
    page.select_option("#diff-form select", value=previous)
    page.click("#diff-form button")
    expect(page.locator("#changes-documents")).to_contain_text("documents/04-token-terms.html")
    _shot(site, page, "diff")
    page.goto(first)
    expect(page.locator("#verdict")).to_contain_text("FAIL")
