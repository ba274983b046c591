"""``-o DIR``: the review as JSON, HTML and PDF, written together or not at all.

Why the packet's environment, fonts and PDF writer rather than a renderer of our own: the review report carries
strings from the packet under review (paths, messages, addresses), so it needs the same autoescaping, strict
templates and deny-by-default URL fetcher as the packet's documents, and one place to keep them right.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from filing.packet.build import PacketError
from filing.packet.environment import TemplateProblem, make_environment, render_template
from filing.packet.fonts import FontsMissing, find_faces
from filing.packet.pdf import PdfJob, render_pdf
from filing.resources import templates_dir
from filing.review.report import ReviewReport
from filing.write import atomic_folder, replaceable

TEMPLATE = "review/report.html.j2"
FILES = ("review.json", "review.html", "review.pdf")


def write_review(report: ReviewReport, target: Path, now: datetime | None = None) -> list[Path]:
    """Render and write the three files into `target` (replacing a previous review there) and return their paths.

    Raises PacketError (``target`` is someone's folder, or a template, font or fetch problem) before anything is
    written: ``-o`` pointed at the packet itself or at a folder of one's own files must not wipe it.
    """
    if not replaceable(target, "review"):
        raise PacketError(f"{target} exists and is not a review folder written by filing (no .filing-output marker); "
                          "choose another -o folder")
    created = (now or datetime.now(UTC)).replace(microsecond=0)
    data = report.to_dict()
    try:
        find_faces()
        html = render_template(make_environment(), TEMPLATE, {"review": data, "timestamp": created.isoformat()})
    except (TemplateProblem, FontsMissing) as error:
        raise PacketError(str(error)) from None
    result = render_pdf(PdfJob("review", html, (str(templates_dir()),), created))
    if result.refused:
        raise PacketError(f"review.pdf: {result.refused}")
    contents = {"review.json": (json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n").encode(),
                "review.html": html.encode(), "review.pdf": result.pdf}
    with atomic_folder(target, mark="review") as staging:
        for name, content in contents.items():
            (staging / name).write_bytes(content)
    return [target / name for name in FILES]
