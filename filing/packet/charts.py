"""SVG drawn by hand: the structure diagram and line charts of the cash-flow projection.

Why not a plotting library: the charts are a few polylines and boxes, the SVG must be byte-identical across machines
(no embedded dates, ids or float noise) and use the document's CJK font; a hundred lines of string building give
that without matplotlib's import time. Every label is escaped here, so the result is safe Markup.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")
FONT = "font-family=\"'Noto Sans CJK SC', sans-serif\""


def _f(value: float) -> str:
    """Coordinates to 0.1 unit: short, stable text."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text_width(text: str, size: float) -> float:
    return sum(size if ord(ch) > 0x2E7F else size * 0.56 for ch in text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break a label into lines that fit ``width``: between words for Latin text, anywhere for CJK."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        candidate = (line + token) if line else token.lstrip()
        if line and _text_width(candidate, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    return [*lines, line.rstrip()] if line else lines


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for ch in text:
        if ord(ch) > 0x2E7F or not tokens or ch == " " or ord(tokens[-1][-1]) > 0x2E7F:
            tokens.append(ch)
        else:
            tokens[-1] += ch
    return tokens


def line_chart(series: Mapping[str, Sequence[float]], x_labels: Sequence[str], title: str, y_unit: str,
               width: float = 640, height: float = 250, mark: tuple[int, str] | None = None) -> Markup:
    """One polyline per series over shared x positions, with a zero-based y axis, 5 grid lines and a legend;
    ``mark`` (x index, label) draws a labelled dashed line at that x (the end of a revolving period)."""
    left, right, top, bottom = 70.0, 150.0, 24.0, 34.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step_y = _nice_step(max((max(values, default=0.0) for values in series.values()), default=0.0) / 5)
    peak = step_y * 5
    count = max((len(values) for values in series.values()), default=1)
    step = plot_w / max(count - 1, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" {FONT} '
             f'font-size="9" role="img" aria-label="{escape(title)}">',
             f'<text x="{_f(left)}" y="14" font-size="10" font-weight="bold">{escape(title)}</text>']
    for i in range(6):
        y = top + plot_h - plot_h * i / 5
        parts.append(f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" '
                     f'stroke="#d9d9d9" stroke-width="0.6"/>')
        parts.append(f'<text x="{_f(left - 4)}" y="{_f(y + 3)}" text-anchor="end">{step_y * i:,.{_places(step_y)}f}'
                     '</text>')
    parts.append(f'<text x="{_f(left - 4)}" y="{_f(top - 6)}" text-anchor="end">{escape(y_unit)}</text>')
    every = max(count // 6, 1)
    ticks = [*range(0, count, every)]
    if count - 1 - ticks[-1] >= every / 2:
        ticks.append(count - 1)
    for index in ticks:
        if index < len(x_labels):
            parts.append(f'<text x="{_f(left + index * step)}" y="{_f(top + plot_h + 14)}" '
                         f'text-anchor="middle">{escape(x_labels[index])}</text>')
    if mark is not None:
        x = left + mark[0] * step
        parts.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + plot_h)}" stroke="#7f7f7f" '
                     f'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{_f(x + 3)}" y="{_f(top + 9)}" fill="#595959">{escape(mark[1])}</text>')
    for n, (name, values) in enumerate(series.items()):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{_f(left + i * step)},{_f(top + plot_h - plot_h * v / peak)}"
                          for i, v in enumerate(values))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.4" points="{points}"/>')
        y = top + 10 + n * 14
        parts.append(f'<line x1="{_f(width - right + 10)}" y1="{_f(y - 3)}" x2="{_f(width - right + 28)}" '
                     f'y2="{_f(y - 3)}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{_f(width - right + 32)}" y="{_f(y)}">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least ``raw``: round axis labels."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _places(step: float) -> int:
    """Decimals that show every multiple of ``step`` exactly (2.5 → 1, 0.25 → 2, 200 → 0)."""
    _, _, decimals = f"{step:.6g}".partition(".")
    return len(decimals)


@dataclass(frozen=True)
class Node:
    """A party box: its role and name, at a cell of the diagram's grid (column 0-1 onshore, 2-3 offshore)."""

    key: str
    role: str
    name: str
    column: int
    row: int


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    label: str


def structure_diagram(nodes: Sequence[Node], flows: Sequence[Flow], onshore: str, offshore: str) -> Markup:
    """Boxes on a 4 × N grid with the onshore/offshore border between columns 1 and 2, and labelled arrows."""
    box_w, box_h, gap_x, gap_y, margin = 150.0, 58.0, 40.0, 46.0, 20.0
    rows = max(n.row for n in nodes) + 1
    width = margin * 2 + 4 * box_w + 3 * gap_x
    height = margin + 22 + rows * box_h + (rows - 1) * gap_y + margin
    place = {n.key: (margin + n.column * (box_w + gap_x), margin + 22 + n.row * (box_h + gap_y)) for n in nodes}
    border = margin + 2 * box_w + 1.5 * gap_x
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" {FONT} '
             f'font-size="8.5" role="img">',
             f'<line x1="{_f(border)}" y1="{_f(margin)}" x2="{_f(border)}" y2="{_f(height - 4)}" stroke="#7f7f7f" '
             f'stroke-dasharray="5 4"/>',
             f'<text x="{_f(border - 8)}" y="{_f(margin + 8)}" text-anchor="end" font-weight="bold">'
             f'{escape(onshore)}</text>',
             f'<text x="{_f(border + 8)}" y="{_f(margin + 8)}" font-weight="bold">{escape(offshore)}</text>']
    for flow in flows:
        parts.append(_arrow(place[flow.source], place[flow.target], box_w, box_h, flow.label))
    for node in nodes:
        x, y = place[node.key]
        parts.append(f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(box_w)}" height="{_f(box_h)}" rx="4" '
                     f'fill="#eef3f8" stroke="#1f4e79" stroke-width="0.8"/>')
        lines = [(line, True) for line in wrap(node.role, box_w - 10, 8.5)[:2]]
        lines += [(line, False) for line in wrap(node.name, box_w - 10, 8.5)[:4 - len(lines)]]
        for i, (line, bold) in enumerate(lines):
            weight = ' font-weight="bold"' if bold else ""
            parts.append(f'<text x="{_f(x + box_w / 2)}" y="{_f(y + 14 + i * 11.5)}" text-anchor="middle"'
                         f'{weight}>{escape(line)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _arrow(start: tuple[float, float], end: tuple[float, float], box_w: float, box_h: float, label: str) -> str:
    """From the edge of one box to the edge of the other, along the line between their centres."""
    (x1, y1), (x2, y2) = (start[0] + box_w / 2, start[1] + box_h / 2), (end[0] + box_w / 2, end[1] + box_h / 2)
    dx, dy = x2 - x1, y2 - y1
    length = max((dx * dx + dy * dy) ** 0.5, 1.0)
    ux, uy = dx / length, dy / length
    limit = min(box_w / 2 / abs(ux) if ux else 1e9, box_h / 2 / abs(uy) if uy else 1e9)
    ax, ay, bx, by = x1 + ux * limit, y1 + uy * limit, x2 - ux * (limit + 2), y2 - uy * (limit + 2)
    head = f"{_f(bx)},{_f(by)} {_f(bx - ux * 7 - uy * 3.5)},{_f(by - uy * 7 + ux * 3.5)} " \
           f"{_f(bx - ux * 7 + uy * 3.5)},{_f(by - uy * 7 - ux * 3.5)}"
    mx, my = (ax + bx) / 2, (ay + by) / 2
    text_w = _text_width(label, 7.5) + 6
    return (f'<line x1="{_f(ax)}" y1="{_f(ay)}" x2="{_f(bx)}" y2="{_f(by)}" stroke="#404040" stroke-width="0.9"/>'
            f'<polygon points="{head}" fill="#404040"/>'
            f'<rect x="{_f(mx - text_w / 2)}" y="{_f(my - 7)}" width="{_f(text_w)}" height="10" fill="#ffffff"/>'
            f'<text x="{_f(mx)}" y="{_f(my + 1)}" text-anchor="middle" font-size="7.5">{escape(label)}</text>')
