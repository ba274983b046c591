"""Latin free text in the Chinese (governing) version of a document: what a PRC reader would see as untranslated.

Why a check and not a convention: the Chinese text governs, and every English phrase left in it (a party's English
name, a scenario code, an enum value, a sentence from the deal file) is a sentence the filer did not file in
Chinese. Once identifiers (USCC, LEI, ISIN, symbols, currency and jurisdiction codes, addresses, hashes, e-mail
addresses, file names) are taken out, a text run fails when it has no CJK character and still holds a Latin word of
three or more letters with a lowercase letter, or when it holds an English phrase of three or more words (an English
sentence or party name set inside a Chinese one). Elements marked ``class="code"`` or ``lang="en"`` (a deliberate
English original beside its Chinese form) are identifiers or quotations and are skipped. The text of the section's
SVG charts and diagrams is read too, one run per ``<text>`` line: a reader sees their labels as part of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from filing.packet.htmltree import Element, language_sections, parse

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
IDENTIFIERS = re.compile(
    r"0x[0-9a-fA-F]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|[\w-]+\.(?:pdf|html|docx|json|parquet|csv|xlsx|txt)"
    r"|\b[0-9a-f]{16,}\b|\b[A-Z0-9][A-Z0-9._/-]*\b")
WORD = re.compile(r"[A-Za-z]{3,}")
PHRASE = re.compile(r"[A-Za-z][A-Za-z'’.&-]*(?:[ ,]+[A-Za-z][A-Za-z'’.&-]*){2,}")
SKIPPED_CLASSES = frozenset({"code", "draft-mark", "latin-ok"})


@dataclass(frozen=True)
class LatinLeak:
    document: str
    text: str

    def __str__(self) -> str:
        return f"{self.document}: Latin text in the Chinese version: {self.text!r}"


def latin_leaks(document: str, html: str) -> list[LatinLeak]:
    """Every text run of the Chinese section of ``html`` that is Latin free text (module docstring)."""
    section = language_sections(parse(html)).get("zh")
    return [] if section is None else [LatinLeak(document, run) for run in _runs(section) if is_latin_text(run)]


def is_latin_text(text: str) -> bool:
    """A Latin word with a lowercase letter in a run without CJK, or an English phrase in any run, once identifiers
    are removed."""
    rest = IDENTIFIERS.sub(" ", text)
    if any(any(ch.islower() for ch in phrase) for phrase in PHRASE.findall(rest)):
        return True
    return not CJK.search(text) and any(not word.isupper() for word in WORD.findall(rest))


def _runs(element: Element) -> list[str]:
    """The text of each leaf block: a cell, a list item, a paragraph or heading (their inline children included)."""
    if element.tag in ("style", "script") or _skipped(element):
        return []
    if element.tag == "svg":
        return [run for label in element.find_all(lambda e: e.tag == "text") if (run := label.text())]
    runs: list[str] = []
    inline: list[str] = []
    for child in element.children:
        if isinstance(child, str):
            inline.append(child)
        elif child.tag in ("span", "a", "b", "strong", "em", "i", "sup", "sub", "br", "small"):
            if not _skipped(child):
                inline.append(child.text())
        else:
            runs.extend(_runs(child))
    text = " ".join(" ".join(inline).split())
    return [text, *runs] if text else runs


def _skipped(element: Element) -> bool:
    return bool(element.classes & SKIPPED_CLASSES) or element.attrs.get("lang") == "en"
