"""The CJK fonts: found through fontconfig at run time, named by family in the CSS, checked glyph by glyph.

Why family names rather than ``@font-face { src: local(...) }``: the Noto CJK files are 20 MB collections (JP, KR,
SC, TC, HK faces). With ``local()`` WeasyPrint reads each file through the URL fetcher and registers a temporary copy
for every document; naming the fontconfig family gives Pango the same Simplified Chinese face directly, and the URL
fetcher never has to open a font file. ``find_faces`` asks ``fc-match`` up front so a machine without the fonts fails
with an instruction instead of rendering with a fallback. Why check glyphs ourselves: WeasyPrint silently drops a
character that no font has (peers.md), which in a filing would delete a character of a name or an amount.
"""

from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont

SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"
FACES = ((SERIF, 400), (SERIF, 700), (SANS, 400), (SANS, 700))
"""(family, CSS weight): serif body text as PRC legal documents use (宋体 style), sans for headings, tables and
charts (黑体 style); packet.css names the same families."""
FC_WEIGHT = {400: 80, 700: 200}
"""fontconfig's weight scale for CSS 400 (regular) and 700 (bold)."""


class FontsMissing(Exception):
    """The CJK fonts are not installed; documents would fall back to a font without Chinese glyphs."""


@dataclass(frozen=True)
class Face:
    family: str
    weight: int
    file: str
    index: int
    codepoints: frozenset[int]
    """What the face can draw, from fontconfig's charset (the font's cmap, without parsing 20 MB with fontTools)."""


@cache
def find_faces() -> tuple[Face, ...]:
    """Ask fontconfig (``fc-match``) for each face; fail when it answers with another family."""
    faces = []
    for family, weight in FACES:
        try:
            answer = subprocess.run(["fc-match", "-f", "%{family[0]}|%{file}|%{index}|%{charset}",
                                     f"{family}:weight={FC_WEIGHT[weight]}"], capture_output=True, text=True,
                                    check=True, timeout=30).stdout
        except (OSError, subprocess.SubprocessError) as error:
            raise FontsMissing(f"fontconfig's fc-match could not run ({error}); install fontconfig") from None
        found, file, index, charset = answer.split("|")
        if found != family:
            raise FontsMissing(f"font '{family}' is not installed (fontconfig offers '{found}'); install Debian's "
                               "fonts-noto-cjk (`make setup` does)")
        faces.append(Face(family, weight, file, int(index), _charset(charset)))
    return tuple(faces)


def _charset(text: str) -> frozenset[int]:
    """fontconfig's charset notation: hexadecimal code points and ranges ('20-7e a0 ...')."""
    points: set[int] = set()
    for item in text.split():
        first, _, last = item.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return frozenset(points)


def _cmap(content: bytes, index: int) -> frozenset[int]:
    number = index if content[:4] == b"ttcf" else -1
    return frozenset(TTFont(io.BytesIO(content), fontNumber=number, lazy=True).getBestCmap() or {})


def covered_codepoints(fonts: list) -> frozenset[int]:
    """Code points that the fonts WeasyPrint laid the text out with can draw.

    Our faces are judged by their full character set: the embedded subset keeps only the glyphs drawn, and a Chinese
    character drawn through a localised variant (the ``locl`` feature) is no longer in the subset's cmap. Any other
    font WeasyPrint fell back to is judged by the cmap of the subset it embedded.
    """
    faces = {(face.family, face.weight): face for face in find_faces()}
    covered: set[int] = set()
    for font in fonts:
        face = faces.get((font.family, font.weight))
        covered |= face.codepoints if face else _cmap(font.file_content, font.index)
    return frozenset(covered)


def missing_glyphs(text: str, fonts: list) -> list[str]:
    """Characters of ``text`` that no used font has, as 'U+XXXX (c)', whitespace and controls aside."""
    covered = covered_codepoints(fonts)
    return [f"U+{ord(ch):04X} ({ch})" for ch in sorted(set(text))
            if not ch.isspace() and ord(ch) >= 0x20 and ord(ch) not in covered]
