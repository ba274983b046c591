"""Layout of the filed documents: no text runs outside its box, identifiers are never split across lines, tables
repeat their header row on every page and leave no row alone on a page, and signature blocks close what they sign.

Every page of every example is rendered to an image (pdftoppm) and its side margins must hold no ink; the laid-out
boxes of one example (WeasyPrint's own layout) are checked cell by cell, since text spilling into a neighbouring cell
stays inside the page."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
import weasyprint
from document_packets import NAMES, Packet, packet
from PIL import Image
from weasyprint.formatting_structure import boxes

from filing.packet.fetcher import LockedURLFetcher
from filing.packet.htmltree import language_sections, parse
from filing.resources import templates_dir

DPI = 30
MARGIN_MM = 15.0
"""The page's text area starts 17 mm from each side (packet.css); a column of ink within 15 mm of an edge is text
that left its box."""
INK = 150
"""Grey level below which a pixel is ink; the DRAFT watermark is a light tint well above it."""
TOLERANCE_PT = 0.75
IDENTIFIER = re.compile(r"\b[0-9A-Z]{18}\b|0x[0-9a-fA-F]{40}|\b[0-9A-Z]{20}\b")
"""USCC (18), LEI (20) and EVM addresses."""


@pytest.mark.parametrize("name", NAMES)
def test_no_ink_in_the_side_margins_of_any_page(name: str) -> None:
    built = packet(name)
    with tempfile.TemporaryDirectory() as folder:
        for pdf in built.pdfs():
            prefix = Path(folder) / pdf.stem
            subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(pdf), str(prefix)], check=True)
            pages = sorted(Path(folder).glob(f"{pdf.stem}-*.png"))
            assert pages, pdf.name
            for page in pages:
                image = Image.open(page).convert("L")
                margin = round(MARGIN_MM / 25.4 * DPI)
                width, height = image.size
                for left in (0, width - margin):
                    strip = image.crop((left, 0, left + margin, height))
                    assert strip.getextrema()[0] >= INK, f"{pdf.name} {page.stem}: ink in the side margin"


@pytest.mark.parametrize("name", NAMES)
def test_identifiers_stay_on_one_line(name: str) -> None:
    """Every USCC, LEI and address a document's HTML shows is found whole in its PDF's text: a line break inside
    one would split it."""
    built = packet(name)
    html = built.html()
    for slug, text in built.pdf_text().items():
        shown = {m[0] for m in IDENTIFIER.finditer(" ".join(parse(html[slug]).text().split()))}
        broken = sorted(identifier for identifier in shown if identifier not in text)
        assert not broken, (slug, broken[:5])


@pytest.fixture(scope="module")
def laid_out() -> dict[str, weasyprint.Document]:
    """The trade-receivables documents laid out again by WeasyPrint, as the build lays them out."""
    built = packet("trade-receivables")
    fetcher = LockedURLFetcher([templates_dir()])
    return {slug: weasyprint.HTML(string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher).render()
            for slug, html in built.html().items()}


def _descendants(box: boxes.Box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _text_right(box: boxes.Box) -> float:
    return box.position_x + box.width


def test_text_stays_inside_its_cell_and_its_page(laid_out: dict[str, weasyprint.Document]) -> None:
    for slug, document in laid_out.items():
        for number, page in enumerate(document.pages, start=1):
            root = page._page_box
            right_edge = root.margin_width() - root.margin_right
            for box in _descendants(root):
                if isinstance(box, boxes.TableCellBox):
                    limit = box.border_box_x() + box.border_width() + TOLERANCE_PT
                    for text in _descendants(box):
                        if isinstance(text, boxes.TextBox) and text.text.strip():
                            assert _text_right(text) <= limit, (slug, number, text.text)
                elif isinstance(box, boxes.TextBox) and box.text.strip() and not _in_margin_box(root, box):
                    assert _text_right(box) <= right_edge + TOLERANCE_PT, (slug, number, box.text)


def _in_margin_box(root: boxes.Box, target: boxes.Box) -> bool:
    return any(target in set(_descendants(m)) for m in root.children if isinstance(m, boxes.MarginBox))


def test_split_tables_repeat_their_header_and_leave_no_row_alone(laid_out: dict[str, weasyprint.Document]) -> None:
    for slug, document in laid_out.items():
        fragments: dict[int, list[tuple[bool, int]]] = {}
        for page in document.pages:
            for box in _descendants(page._page_box):
                if isinstance(box, boxes.TableBox):
                    groups = [g for g in box.children if isinstance(g, boxes.TableRowGroupBox)]
                    header = any(g.is_header for g in groups)
                    rows = sum(len(g.children) for g in groups if not g.is_header)
                    fragments.setdefault(id(box.element) if box.element is not None else id(box), []).append(
                        (header, rows))
        for parts in fragments.values():
            if len(parts) < 2:
                continue
            has_header = parts[0][0]
            assert all(header == has_header for header, _ in parts), (slug, parts)
            assert all(rows >= 2 for _, rows in parts), (slug, parts)


@pytest.mark.parametrize("slug", ["01-filing-report", "06-investor-restrictions", "09-legal-opinion"])
def test_the_signature_block_closes_the_document(slug: str) -> None:
    built: Packet = packet("trade-receivables")
    for section in language_sections(parse(built.html()[slug])).values():
        blocks = [child for child in section.children if not isinstance(child, str) and child.text().strip()]
        assert blocks[-1].classes & {"signature", "signature-block"}, (slug, blocks[-1].tag, blocks[-1].classes)


def test_each_undertaking_is_a_page_of_its_own_ending_with_its_signature() -> None:
    built = packet("trade-receivables")
    section = language_sections(parse(built.html()["08-undertakings"]))["zh"]
    letters = section.find_all(lambda e: "undertaking" in e.classes)
    for letter in letters:
        last = [c for c in letter.children if not isinstance(c, str)][-1]
        assert last.tag == "table" and "signatures" in last.classes
    pdf = built.root / "documents" / "08-undertakings.pdf"
    pages = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    zh_letters = ["".join(page.split()) for page in pages if "致：中国证券监督管理委员会" in "".join(page.split())]
    assert len(zh_letters) == len(letters)
    assert all(page.count("郑重承诺如下") == 1 for page in zh_letters)
