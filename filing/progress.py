"""How long stages say how far they are: a callback the caller passes in (the CLI draws a bar from it), so the
library never prints. A stage calls ``progress(step, done, total)``; a stage made of stages names its parts."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def advance(progress: Progress | None, step: str, done: int, total: int) -> None:
    if progress is not None:
        progress(step, done, total)


def within(progress: Progress | None, stage: str) -> Progress | None:
    """The callback for one part of a longer stage: its steps show as ``stage: step``."""
    if progress is None:
        return None
    return lambda step, done, total: progress(f"{stage}: {step}", done, total)


__all__ = ["Progress", "advance", "within"]
