"""Editable DOCX drafts (legal opinion, undertakings) made from the same rendered HTML as the PDF.

Why convert the HTML instead of a second template: the lawyer's redline starts from exactly the text the packet's
PDF shows. Why paired paragraphs: the Chinese and English versions come from one template, so their blocks line up
one for one; each Chinese block is followed by its English counterpart (set smaller, in grey), which lets counsel
redline one language against the other. Why the fonts: PRC legal drafts are set in 宋体 (SimSun) for body text and 黑体
(SimHei) for headings; ``w:eastAsia`` is the attribute Word reads for CJK characters. The page is A4 with page
numbers, the language zh-CN, and the core and application properties come from the deal (the document's own
``<title>`` and ``<meta>`` tags), never python-docx's defaults.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.table import Table
from docx.text.paragraph import Paragraph

from filing.packet.htmltree import Element, language_sections, parse

LATIN, BODY_CJK, HEAD_CJK = "Times New Roman", "SimSun", "SimHei"
PAIRED_GREY = RGBColor(0x59, 0x59, 0x59)
_NUMBERED = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）"
                       r"|Part \d|\d+\.|\(\d+\))")
APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           '<Application>filing</Application><Company>{company}</Company>'
           '<DocSecurity>0</DocSecurity></Properties>')


@dataclass(frozen=True)
class Block:
    """One unit of text a lawyer edits: a heading, a paragraph, a list item, or a table."""

    kind: str
    """h1, h2, h3, h4, p, li, note, governing (the zh-only line saying Chinese governs), table"""
    text: str = ""
    rows: tuple[tuple[tuple[str, bool], ...], ...] = ()
    """For a table: rows of (cell text, is a header cell)."""
    page_break: bool = False
    """The block starts a page in the PDF (an undertaking letter, a signature page)."""


def html_to_docx(html: str, created: datetime, title: str) -> bytes:
    """One A4 DOCX with the Chinese and English versions paired block by block, Chinese first."""
    root = parse(html)
    meta = _meta(root, title)
    document = Document()
    _page(document, meta)
    sections = [_flatten(section) for section in language_sections(root).values()]
    _paired(document, *_aligned(sections[0], sections[1] if len(sections) > 1 else []))
    _properties(document, meta, created)
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), created,
                     {"docProps/app.xml": APP_XML.format(company=_xml(meta.get("author", ""))).encode()})


def _meta(root: Element, title: str) -> dict[str, str]:
    head = {m.attrs.get("name"): m.attrs.get("content", "") for m in root.find_all(lambda e: e.tag == "meta")}
    titles = root.find_all(lambda e: e.tag == "title")
    return {k: v for k, v in head.items() if k} | {"title": titles[0].text() if titles else title,
                                                  "draft": "1" if root.find_all(lambda e: "draft-mark" in e.classes)
                                                  else ""}


def _page(document, meta: dict[str, str]) -> None:
    """A4, PRC margins, zh-CN, SimSun/SimHei, a running header and 第 X 页 / 共 Y 页 in the footer."""
    _fonts(document.styles["Normal"], BODY_CJK, 10.5)
    for level in range(1, 5):
        _fonts(document.styles[f"Heading {level}"], HEAD_CJK, (16, 13, 11.5, 10.5)[level - 1])
    defaults = document.styles.element.find(qn("w:docDefaults"))
    for lang in (defaults.iter(qn("w:lang")) if defaults is not None else ()):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(25), Mm(22)
    section.left_margin, section.right_margin = Mm(25), Mm(22)
    header = section.header.paragraphs[0]
    header.text = ("草稿 DRAFT · " if meta["draft"] else "") + meta.get("dcterms.subject", meta["title"])
    footer = section.footer.paragraphs[0]
    footer.alignment = 1
    footer.add_run("第 ")
    _field(footer, "PAGE")
    footer.add_run(" 页，共 ")
    _field(footer, "NUMPAGES")
    footer.add_run(" 页 · Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _fonts(style: BaseStyle, east_asian: str, size: float) -> None:
    style.font.name = LATIN
    style.font.size = Pt(size)
    properties = style.element.get_or_add_rPr()
    fonts = properties.get_or_add_rFonts()
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _flatten(element: Element, page_break: bool = False) -> list[Block]:
    """The blocks of a language section in reading order (tables of contents, figures and draft marks left out)."""
    blocks: list[Block] = []
    first = page_break
    for child in element.children:
        if isinstance(child, str):
            if child.strip():
                blocks.append(Block("p", " ".join(child.split()), page_break=first))
                first = False
            continue
        tag = child.tag
        if tag in ("nav", "figure", "style", "svg") or "draft-mark" in child.classes:
            continue
        if tag in ("h1", "h2", "h3", "h4"):
            blocks.append(Block(tag, child.text(), page_break=first))
        elif tag in ("p", "blockquote"):
            kind = "note" if "note" in child.classes else "governing" if "governing" in child.classes else "p"
            blocks.append(Block(kind, child.text(), page_break=first))
        elif tag in ("ul", "ol"):
            items = child.find_all(lambda e: e.tag == "li")
            blocks += [Block("li", f"{i}. {item.text()}" if tag == "ol" else item.text(), page_break=first and i == 1)
                       for i, item in enumerate(items, start=1)]
        elif tag == "table":
            rows = tuple(tuple((cell.text(), cell.tag == "th")
                               for cell in row.find_all(lambda e: e.tag in ("th", "td")))
                         for row in child.find_all(lambda e: e.tag == "tr"))
            if rows:
                blocks.append(Block("table", rows=rows, page_break=first))
        else:
            blocks += _flatten(child, first or bool({"undertaking", "signature-page"} & child.classes))
        first = False if blocks else first
    return blocks


def _aligned(zh: list[Block], en: list[Block]) -> tuple[list[Block | None], list[Block | None]]:
    """The two versions block against block by kind: a block one language has alone (the governing-text line) is
    paired with nothing."""
    left: list[Block | None] = []
    right: list[Block | None] = []
    matcher = SequenceMatcher(a=[b.kind for b in zh], b=[b.kind for b in en], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left += zh[i1:i2]
            right += en[j1:j2]
        else:
            left += zh[i1:i2] + [None] * (j2 - j1)
            right += [None] * (i2 - i1) + en[j1:j2]
    return left, right


def _paired(document, zh: list[Block | None], en: list[Block | None]) -> None:
    """Each Chinese block, then its English pair (grey, smaller); headings numbered where the text is not."""
    counters = [0, 0, 0]
    for index, (first, second) in enumerate(zip(zh, en or [None] * len(zh), strict=True)):
        lead = first or second
        if lead is None:
            continue
        if lead.page_break and index:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        number = _number(lead, counters)
        if first is not None:
            _add(document, first, number, paired=False)
        if second is not None:
            _add(document, second, number, paired=first is not None)


def _number(block: Block, counters: list[int]) -> str:
    """1, 1.1 … for h2/h3 headings whose text carries no number of its own (PRC-style 一、 and （一） count)."""
    if block.kind not in ("h2", "h3") or _NUMBERED.match(block.text):
        return ""
    level = 0 if block.kind == "h2" else 1
    counters[level] += 1
    counters[level + 1:] = [0] * (len(counters) - level - 1)
    return ".".join(str(c) for c in counters[:level + 1]) + " "


def _add(document, block: Block, number: str, paired: bool) -> None:
    if block.kind in ("h1", "h2", "h3", "h4"):
        heading = document.add_heading(number + block.text, level=int(block.kind[1]))
        if paired:
            _style(heading, grey=True)
    elif block.kind == "table":
        _table(document, block)
    else:
        paragraph = document.add_paragraph(block.text, style="List Paragraph" if block.kind == "li" else None)
        _style(paragraph, grey=paired, italic=block.kind == "note")


def _style(paragraph: Paragraph, grey: bool = False, italic: bool = False) -> None:
    for run in paragraph.runs:
        if grey:
            run.font.color.rgb = PAIRED_GREY
            run.font.size = Pt(9)
        if italic:
            run.italic = True


def _table(document, block: Block) -> None:
    table: Table = document.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
    table.style = "Table Grid"
    for r, row in enumerate(block.rows):
        for c, (text, header) in enumerate(row):
            target = table.cell(r, c)
            target.text = text
            if header:
                for run in target.paragraphs[0].runs:
                    run.bold = True
        if any(header for _, header in row):
            _repeat_header(table.rows[r])


def _repeat_header(row) -> None:
    """Mark a header row to repeat at the top of every page the table spans."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _properties(document, meta: dict[str, str], created: datetime) -> None:
    properties = document.core_properties
    properties.title = meta["title"]
    properties.subject = meta.get("dcterms.subject", "")
    properties.author = properties.last_modified_by = meta.get("author", "")
    properties.keywords = meta.get("keywords", "")
    properties.identifier = meta.get("dcterms.identifier", "")
    properties.comments = meta.get("description", "")
    properties.category = meta.get("category", "")
    properties.language = "zh-CN"
    properties.version = meta.get("generator", "")
    properties.content_status = "草稿 Draft" if meta["draft"] else ""
    properties.created = properties.modified = properties.last_printed = created.replace(tzinfo=None)
    properties.revision = 1


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fixed_zip(data: bytes, when: datetime, replace: dict[str, bytes] | None = None) -> bytes:
    """Rewrite a zip with every entry dated ``when``, in the original order (zip entries otherwise carry the clock),
    with the entries of ``replace`` swapped in."""
    source = zipfile.ZipFile(io.BytesIO(data))
    swap = replace or {}
    return zip_entries([(info.filename, swap.get(info.filename) or source.read(info.filename))
                        for info in source.infolist()], when)


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
