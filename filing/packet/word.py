"""Editable DOCX drafts (legal opinion, undertakings) made from the same rendered HTML as the PDF.

Why convert the HTML instead of a second template: the lawyer's redline starts from exactly the text the packet's
PDF shows. Why the fonts: PRC legal drafts are set in 宋体 (SimSun) for body text and 黑体 (SimHei) for headings,
which every Chinese Word installation has; ``w:eastAsia`` is the attribute Word reads for CJK characters, so it must
be set explicitly or Word falls back to a Latin font's East-Asian default.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from filing.packet.htmltree import Element, language_sections, parse

LATIN, BODY_CJK, HEAD_CJK = "Times New Roman", "SimSun", "SimHei"


def html_to_docx(html: str, created: datetime, title: str) -> bytes:
    """One DOCX holding every language section of the HTML, each starting on a new page, Chinese first."""
    document = Document()
    _fonts(document.styles["Normal"], BODY_CJK, 10.5)
    for level in range(1, 4):
        _fonts(document.styles[f"Heading {level}"], HEAD_CJK, (16, 13, 11)[level - 1])
    root = parse(html)
    if root.find_all(lambda e: "draft-mark" in e.classes):
        document.sections[0].header.paragraphs[0].text = "DRAFT 草稿"
    body = _Body(document)
    for index, section in enumerate(language_sections(root).values()):
        if index:
            body.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _blocks(body, section)
    properties = document.core_properties
    properties.title, properties.author, properties.last_modified_by = title, "filing", "filing"
    properties.created = properties.modified = properties.last_printed = created.replace(tzinfo=None)
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), created)


def _fonts(style: BaseStyle, east_asian: str, size: float) -> None:
    style.font.name = LATIN
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asian)


class _Body:
    """Appends blocks to the document body in constant time each.

    Why: python-docx inserts every block before the body's final ``w:sectPr``, which it finds by scanning the body
    each time, and looks styles up by name with an XPath query; a document of thousands of paragraphs (an
    undertaking per officer of a large deal) then takes time growing with the square of its length. Here each block
    is made in an empty scratch container, then moved before the ``sectPr`` found once, and styles are resolved once.
    """

    def __init__(self, document: Any):
        self.document = document
        self.end = document.element.body.sectPr
        self.styles: dict[str, BaseStyle] = {}

    def style(self, name: str | None) -> BaseStyle | None:
        if name is not None and name not in self.styles:
            self.styles[name] = self.document.styles[name]
        return self.styles.get(name) if name is not None else None

    def _scratch(self) -> tuple[BlockItemContainer, Any]:
        element = OxmlElement("w:body")
        return BlockItemContainer(element, self.document._body), element

    def _place(self, element: Any) -> None:
        for child in list(element):
            self.end.addprevious(child)

    def add_paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        container, element = self._scratch()
        paragraph = container.add_paragraph(text, self.style(style))
        self._place(element)
        return paragraph

    def add_heading(self, text: str, level: int) -> Paragraph:
        return self.add_paragraph(text, f"Heading {level}")

    def add_table(self, rows: int, cols: int) -> Table:
        container, element = self._scratch()
        table = container.add_table(rows, cols, self.document._block_width)
        table.style = self.style("Table Grid")
        self._place(element)
        return table


def _blocks(document: _Body, element: Element) -> None:
    """Map the block elements our templates use onto Word paragraphs, headings, lists and tables."""
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                document.add_paragraph(" ".join(child.split()))
            continue
        tag = child.tag
        if tag in ("nav", "figure", "style", "svg") or "draft-mark" in child.classes:
            continue
        if tag in ("h1", "h2", "h3"):
            document.add_heading(child.text(), level=int(tag[1]))
        elif tag == "p":
            paragraph = document.add_paragraph(child.text())
            if "note" in child.classes:
                _italic(paragraph)
        elif tag in ("ul", "ol"):
            for item in child.find_all(lambda e: e.tag == "li"):
                document.add_paragraph(item.text(), style="List Bullet" if tag == "ul" else "List Number")
        elif tag == "table":
            _table(document, child)
        else:
            _blocks(document, child)


def _italic(paragraph: Paragraph) -> None:
    for run in paragraph.runs:
        run.italic = True


def _table(document: _Body, element: Element) -> None:
    rows = element.find_all(lambda e: e.tag == "tr")
    if not rows:
        return
    cells = [row.find_all(lambda e: e.tag in ("th", "td")) for row in rows]
    table = document.add_table(len(rows), max(len(c) for c in cells))
    for row, targets in zip(cells, (row.cells for row in table.rows), strict=True):
        for cell, target in zip(row, targets, strict=False):  # row by row: table.cell(r, c) rebuilds every cell
            target.text = cell.text()
            if cell.tag == "th":
                for run in target.paragraphs[0].runs:
                    run.bold = True


def fixed_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite a zip with every entry dated ``when``, in the original order: zip entries otherwise carry the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_entries([(info.filename, source.read(info.filename)) for info in source.infolist()], when)


def zip_entries(entries: list[tuple[str, bytes]], when: datetime, comment: bytes = b"") -> bytes:
    """A deflated zip of ``entries`` in the given order, each dated ``when`` with fixed permissions, and ``comment``
    as the zip's comment (a packet zip's says it is ours, so a later build may replace it)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in entries:
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(entry, content)
        target.comment = comment
    return out.getvalue()
