"""A minimal element tree of the HTML our templates produce, for the DOCX writer and the language-parity check.

Why not re-render from the template: the DOCX and the parity check must see exactly the text the HTML/PDF carries,
so they read the rendered HTML rather than a second rendering path that could drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "wbr", "source"})
SKIP = frozenset({"style", "script", "svg", "head", "title"})
"""Elements whose content is not document text."""


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        """Text content with whitespace runs collapsed, skipping styles, scripts and SVG."""
        parts: list[str] = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag not in SKIP:
                parts.append(child.text())
                if child.tag in ("p", "li", "td", "th", "h1", "h2", "h3", "div", "br", "tr", "dd", "dt"):
                    parts.append(" ")
        return " ".join("".join(parts).split())

    def find_all(self, predicate) -> list[Element]:
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if predicate(child):
                    found.append(child)
                found.extend(child.find_all(predicate))
        return found


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root


def language_sections(root: Element) -> dict[str, Element]:
    """The per-language ``<section class="lang" data-lang="zh|en">`` blocks of a document."""
    return {s.attrs["data-lang"]: s for s in root.find_all(lambda e: e.tag == "section" and "lang" in e.classes)}
