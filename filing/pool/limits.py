"""Limits on a tape, judged before it is read: rows, columns, cells and (decompressed) bytes.

Why before: Parquet and XLSX are compressed, so a file of a megabyte can hold a hundred million constant rows and
cost gigabytes once materialised. Each format says its size up front, or can be measured cheaply without building
the table: Parquet's footer gives rows, columns and uncompressed bytes; an XLSX is a zip whose central directory
gives each part's inflated size, and whose worksheets are counted row by row as they stream through zlib (bounded
memory; a declared dimension that already exceeds a limit refuses at once); a CSV's bytes are its size and its rows
its records, which polars counts without parsing a field (a line break inside a quoted value is no new row). A
tape over a limit is an input error (exit 2) naming the file, the figure and the environment variable that raises
the limit, before anything is written.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import polars as pl

from filing.errors import InputError

CHUNK = 1 << 20
SMALL = 8 << 20
"""Below this many (decompressed) bytes a tape cannot come near the row or cell limits, so it is not counted."""
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')


@dataclass(frozen=True)
class TapeLimits:
    """The most a tape may hold; a real pool (a million assets of a dozen columns) is well within each.
    Each can be raised with the environment variable ``FILING_TAPE_MAX_<NAME>`` (e.g. ``FILING_TAPE_MAX_ROWS``)."""

    rows: int = 2_000_000
    columns: int = 200
    cells: int = 40_000_000
    bytes: int = 1 << 30
    """Of the file (CSV), of the inflated worksheets and shared strings (XLSX), or of the uncompressed pages
    (Parquet)."""

    @classmethod
    def from_env(cls) -> TapeLimits:
        """The defaults, each replaced by its environment variable when that is set to a whole number."""
        values = {}
        for item in fields(cls):
            name = f"FILING_TAPE_MAX_{item.name.upper()}"
            text = os.environ.get(name, "").replace("_", "").replace(",", "").strip()
            if text:
                if not text.isdigit():
                    raise InputError.single(name, f"the limit must be a whole number, not {text[:40]!r}")
                values[item.name] = int(text)
        return cls(**values)


def check_tape_limits(path: Path, fmt: str, limits: TapeLimits | None = None) -> None:
    """InputError when the tape at `path` (csv, xlsx or parquet) exceeds a limit; silent when it fits or when its
    metadata cannot be read (the reader then reports the damage in its own words)."""
    limits = limits or TapeLimits.from_env()
    measure = {"parquet": _parquet, "xlsx": _xlsx, "csv": _csv}[fmt]
    figures = measure(path, limits)
    problems = [f"the tape holds {value:,} {what}; at most {limit:,} are read (FILING_TAPE_MAX_{key.upper()} "
                "raises the limit)"
                for key, what, value, limit in _figures(figures, limits) if value is not None and value > limit]
    if problems:
        raise InputError.single(path, "TAPE-01 " + "; ".join(problems), path="assets.tape")


def _figures(figures: dict[str, int | None], limits: TapeLimits) -> Iterator[tuple[str, str, int | None, int]]:
    names = {"rows": "rows", "columns": "columns", "cells": "cells", "bytes": "bytes of data once decompressed"}
    rows, columns = figures.get("rows"), figures.get("columns")
    if figures.get("cells") is None and rows is not None and columns is not None:
        figures = figures | {"cells": rows * columns}
    for key, what in names.items():
        yield key, what, figures.get(key), getattr(limits, key)


def _parquet(path: Path, limits: TapeLimits) -> dict[str, int | None]:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception:  # noqa: BLE001 - damaged footers raise several types; the reader locates the damage
        return {}
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return {"rows": meta.num_rows, "columns": meta.num_columns, "bytes": size}


def _xlsx(path: Path, limits: TapeLimits) -> dict[str, int | None]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [info for info in archive.infolist() if info.filename.startswith("xl/worksheets/")
                     or info.filename == "xl/sharedStrings.xml"]
            sheets = [info for info in parts if info.filename.endswith(".xml")
                      and info.filename.startswith("xl/worksheets/")]
            inflated = sum(info.file_size for info in parts)
            if inflated > limits.bytes:
                return {"bytes": inflated}
            if inflated <= SMALL:
                return {"bytes": inflated}
            rows = cells = 0
            for sheet in sheets:
                declared = _declared_rows(archive, sheet)
                if declared is not None and declared > limits.rows:
                    return {"rows": declared, "bytes": inflated}
                sheet_rows, sheet_cells = _count(archive, sheet, limits)
                rows, cells = max(rows, sheet_rows), max(cells, sheet_cells)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        return {}
    return {"rows": rows, "cells": cells, "bytes": inflated}


def _declared_rows(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo) -> int | None:
    """The last row of the sheet's ``<dimension ref="A1:M5000001">``, read from its first kilobytes."""
    with archive.open(sheet) as stream:
        found = _DIMENSION.search(stream.read(4096))
    return int(found[1]) if found else None


def _count(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo, limits: TapeLimits) -> tuple[int, int]:
    """Rows and cells of a worksheet, counted as it inflates; stops as soon as either passes its limit."""
    rows = cells = 0
    tail = b""
    with archive.open(sheet) as stream:
        while chunk := stream.read(CHUNK):
            text = tail + chunk
            rows += text.count(b"<row ") + text.count(b"<row>")
            cells += text.count(b"<c ") + text.count(b"<c>")
            tail = text[-5:]
            rows -= tail.count(b"<row ") + tail.count(b"<row>")
            cells -= tail.count(b"<c ") + tail.count(b"<c>")
            if rows > limits.rows or cells > limits.cells:
                break
    return rows + tail.count(b"<row ") + tail.count(b"<row>"), cells + tail.count(b"<c ") + tail.count(b"<c>")


def _csv(path: Path, limits: TapeLimits) -> dict[str, int | None]:
    try:
        size = path.stat().st_size
        if size > limits.bytes or size <= SMALL:
            return {"bytes": size}
        with path.open("rb") as handle:
            header = handle.readline(CHUNK)
        separator = max(",\t;", key=lambda sep: header.count(sep.encode()))  # as the reader chooses it
        columns = header.count(separator.encode()) + 1
        try:
            records = (pl.scan_csv(path, has_header=False, separator=separator, infer_schema=False)
                       .select(pl.len()).collect().item())
        except pl.exceptions.PolarsError:  # damage the reader will locate: bound it by its line breaks meanwhile
            records = _line_breaks(path) + 1
    except OSError:
        return {}
    return {"rows": max(records - 1, 0), "columns": columns, "bytes": size}


def _line_breaks(path: Path) -> int:
    """Line breaks in the file, counted in chunks: never fewer than its records, so a safe bound."""
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(CHUNK), b""))


__all__ = ["TapeLimits", "check_tape_limits"]
