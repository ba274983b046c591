"""The packet's HTML as a reviewer opens it: the index and every document in headless Chromium (Debian's chromium,
driven by Playwright). No console error and no page error; no request leaves the packet's own files; every link
resolves (in-page anchors to an element, the index's file names to files of the packet, a click on a document's name
opens that document); Chinese text is drawn.

What the Chinese checks prove: the regions holding Chinese text have ink (screenshots are not blank); Chromium says a
CJK font drew them (CSS.getPlatformFontsForNode); and every distinct character of every document, drawn in the font
family its element uses, differs from that family's missing-glyph box, so none fell back to a "tofu" box. What they
do not prove: that each glyph is the right one for its character, or how the pages look with other fonts installed.

``FILING_SCREENSHOT=docs/packet-html.png pytest tests/test_browser.py -k first_screen`` rewrites the README's picture.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import Browser, Page, sync_playwright

import filing
from filing import stages
from filing.packet import DOCUMENTS

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "trade-receivables"
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make setup installs it)")
SLUGS = [spec.slug for spec in DOCUMENTS]
NO_GLYPH = "\U000f0000"
"""A private-use code point no font draws: Chromium shows the missing-glyph box of the element's font."""
CELL, COLUMNS = 32, 20
"""The glyph grid: square cells of 32 px, 20 to a row."""


@pytest.fixture(scope="module")
def packet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "packet"
    stages.build(filing.load_deal(EXAMPLE / "deal.yaml"), out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Visit:
    """One page of the packet opened in a fresh browser context that records every request, console error and
    page error."""

    def __init__(self, browser: Browser, packet: Path):
        self.packet = packet
        self.context = browser.new_context(viewport={"width": 1000, "height": 800}, device_scale_factor=1)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.page: Page = self.context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, slug: str) -> Page:
        self.page.goto((self.packet / "documents" / f"{slug}.html").as_uri(), wait_until="load")
        return self.page

    def outside(self) -> list[str]:
        """Requests for anything but data: URIs and existing files inside the packet folder."""
        return [url for url in self.requests if not url.startswith("data:") and self.packet_file(url) is None]

    def packet_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        return path if path.is_relative_to(self.packet.resolve()) and path.is_file() else None


@pytest.fixture
def visit(browser: Browser, packet: Path) -> Iterator[Visit]:
    visit = Visit(browser, packet)
    yield visit
    visit.context.close()


@pytest.mark.parametrize("slug", SLUGS)
def test_a_document_loads_cleanly_and_its_links_resolve(visit: Visit, slug: str) -> None:
    page = visit.open(slug)
    page.evaluate("document.fonts.ready.then(() => true)")
    assert visit.errors == []
    assert visit.outside() == []
    assert page.locator("section.lang-zh h1").count() == 1 and page.locator("section.lang-en h1").count() == 1
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => [a.getAttribute('href'), a.href])")
    for written, resolved in links:
        if written.startswith("#"):
            assert page.evaluate("id => document.getElementById(id) !== null", unquote(written[1:])), written
        else:
            assert visit.packet_file(resolved) is not None, f"{written} → {resolved}"
    if slug == "00-index":
        assert {written for written, _ in links if not written.startswith("#")} >= {f"{s}.html" for s in SLUGS}


def test_the_index_opens_each_document(visit: Visit) -> None:
    page = visit.open("00-index")
    rows = page.eval_on_selector_all(
        "section.lang-zh table.index tbody tr",
        "rows => rows.map(r => [r.cells[1].innerText, r.querySelector('a[href$=\".html\"]').getAttribute('href')])")
    assert len(rows) == len(SLUGS)
    for title, href in rows:
        with page.expect_navigation(wait_until="load"):
            page.click(f"section.lang-zh a[href='{href}']")
        assert page.url == (visit.packet / "documents" / href).as_uri()
        assert page.inner_text("section.lang-zh h1") == title
        visit.open("00-index")
    assert visit.errors == [] and visit.outside() == []


def _picture(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def _ink(image: Image.Image) -> float:
    """Share of the picture's pixels that are not (near) white."""
    return sum(image.histogram()[:160]) / (image.width * image.height)


@pytest.mark.parametrize("slug", SLUGS)
def test_chinese_headings_are_drawn_by_a_cjk_font(visit: Visit, slug: str) -> None:
    page = visit.open(slug)
    session = visit.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    for selector in ("section.lang-zh h1", "section.lang-zh .deal-title", "section.lang-zh .doc-meta"):
        assert _ink(_picture(page.locator(selector).screenshot())) > 0.03, f"{slug}: {selector} looks blank"
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert fonts and all("CJK" in font["familyName"] for font in fonts), (slug, selector, fonts)


def test_no_character_of_any_document_is_a_missing_glyph_box(visit: Visit) -> None:
    """Every distinct character, per font family, drawn in a grid inside the index's Chinese section (the documents'
    one stylesheet) after that family's missing-glyph box; no cell may look like the box."""
    characters: dict[str, set[str]] = {}
    for slug in SLUGS:
        page = visit.open(slug)
        for family, text in page.evaluate("""() => {
            const found = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode;
                if (node.parentElement.closest('style, title') === null && node.data.trim())
                    found.push([getComputedStyle(node.parentElement).fontFamily, node.data]);
            }
            return found;
        }"""):
            characters.setdefault(family, set()).update(char for char in text if not char.isspace())
    assert any(len(chars) > 500 for chars in characters.values()), "the documents hold hundreds of characters"
    page = visit.open("00-index")
    for family, chars in characters.items():
        cells = [NO_GLYPH, *sorted(chars)]
        page.evaluate("""([family, cells, size, columns]) => {
            const grid = document.createElement('div');
            grid.style.cssText = `font-family: ${family}; font-size: 20px; line-height: ${size}px;
                position: absolute; left: 0; top: 0; z-index: 1; width: ${size * columns}px;
                display: flex; flex-wrap: wrap; background: white; color: black`;
            for (const char of cells) {
                const cell = document.createElement('span');
                cell.style.cssText = `width: ${size}px; height: ${size}px; text-align: center; overflow: hidden`;
                cell.textContent = char;
                grid.appendChild(cell);
            }
            grid.id = 'glyph-grid';
            document.querySelector('section.lang-zh').appendChild(grid);
        }""", [family, cells, CELL, COLUMNS])
        picture = _picture(page.locator("#glyph-grid").screenshot())
        rows = -(-len(cells) // COLUMNS)
        assert picture.size == (CELL * COLUMNS, CELL * rows), "the whole grid is in the picture"
        boxes = [picture.crop((column * CELL, row * CELL, (column + 1) * CELL, (row + 1) * CELL))
                 for row, column in (divmod(i, COLUMNS) for i in range(len(cells)))]
        tofu = boxes[0]
        assert _ink(tofu) > 0, f"{family}: the missing-glyph box is drawn"
        like_tofu = [char for char, box in zip(cells[1:], boxes[1:], strict=True)
                     if ImageChops.difference(box, tofu).getbbox() is None]
        assert like_tofu == [], f"{family}: drawn as missing-glyph boxes: {''.join(like_tofu)}"
        page.evaluate("document.getElementById('glyph-grid').remove()")
    assert visit.errors == [] and visit.outside() == []


def test_first_screen_of_the_index_is_the_chinese_version(visit: Visit) -> None:
    page = visit.open("00-index")
    top = page.evaluate("document.querySelector('section.lang-zh').getBoundingClientRect().top")
    assert top < 100 and page.evaluate("document.querySelector('section.lang-en').getBoundingClientRect().top") > 800
    png = page.screenshot()
    assert _ink(_picture(png)) > 0.02
    if target := os.environ.get("FILING_SCREENSHOT"):
        Path(target).write_bytes(png)
