"""Reading a tape (CSV, XLSX, Parquet) into canonical typed columns, with the encoding detected and reported.

Encodings are decided, never guessed: a byte-order mark, else a strict UTF-8 decode, else a strict GB18030 decode.
Anything else is an input error located at the first bad byte; charset-normalizer only names a likely encoding in
that message. A file that cannot be read as a table raises ``InputError`` (exit code 2) naming file, row and column.
"""

from __future__ import annotations

import codecs
import csv
import io
import stat
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from filing.errors import InputError
from filing.model.deal import AssetClass
from filing.pool.checks import TapeFinding
from filing.pool.limits import check_tape_limits
from filing.pool.parse import parse_columns
from filing.pool.schema import ALIASES, SCHEMAS, accepted_headers, header_is_percent, header_key


@dataclass(frozen=True)
class Tape:
    """A tape in canonical columns (plus ``row``, the row number in the file) and how it was read."""

    path: Path
    asset_class: AssetClass
    format: str
    """csv, xlsx or parquet."""
    encoding: str | None
    """utf-8, utf-8-sig (UTF-8 with BOM) or gb18030 for CSV; None for binary formats."""
    sheet: str | None
    headers: tuple[str, ...]
    """The headers as found in the file."""
    columns: dict[str, str]
    """Canonical column → the header it was read from."""
    unrecognised: tuple[str, ...]
    nd_counts: dict[str, dict[str, int]]
    findings: tuple[TapeFinding, ...]
    """Findings from reading: missing required values, unparsable cells, ND codes, unrecognised columns."""
    frame: pl.DataFrame = field(repr=False, compare=False)
    failing: pl.Series = field(repr=False, compare=False)
    """True on rows with a parse finding (blocker or warning)."""
    codes: dict[str, pl.Series] = field(repr=False, compare=False)
    """Code column (USCC, region, industry, currency) → its distinct values, so checks judge each code once."""

    @property
    def rows(self) -> int:
        return self.frame.height

    def completeness(self) -> float:
        """Share of schema cells (required and optional) holding a usable value: not blank, not ND, parsable."""
        schema = SCHEMAS[self.asset_class]
        cells = self.frame.height * len(schema.columns)
        filled = sum(self.frame.select(pl.col(schema.columns).is_not_null().sum()).row(0))
        return filled / cells if cells else 0.0


def read_tape(path: str | Path, asset_class: AssetClass | str, sheet: str | None = None) -> Tape:
    """Read a tape file and parse it against the asset class's schema; raise InputError if it is not a usable table,
    or is a folder (a tape larger than memory, which only the out-of-core scan of `filing pool` reads)."""
    path, asset_class = Path(path), AssetClass(asset_class)
    if path.is_dir():
        raise InputError.of(path, "tape.folder", path="assets.tape")
    raw, fmt, encoding, sheet_used = read_text_table(path, sheet)
    headers = tuple(raw.columns)
    where = f" (sheet {sheet_used!r}; assets.tape_sheet chooses another)" if sheet_used is not None else ""
    columns, unrecognised = _map_headers(path, headers, asset_class, line=1, where=where)
    raw = raw.select([pl.col(header).alias(column) for column, header in columns.items()])
    raw = raw.with_row_index("row", offset=2).with_columns(pl.col("row").cast(pl.Int64))
    filled = raw.select(pl.any_horizontal(pl.exclude("row").is_not_null())).to_series()
    if not filled.all():
        raw = raw.filter(filled)  # blank lines are dropped but keep their row numbers
    if raw.height == 0:
        raise InputError.of(path, "tape.no_rows", line=2)
    percent = frozenset(c for c, h in columns.items() if header_is_percent(h))
    frame, findings, failing, nd_counts, codes = parse_columns(raw, SCHEMAS[asset_class], percent)
    if unrecognised:
        findings.append(TapeFinding("TAPE-28", ", ".join(unrecognised), len(unrecognised),
                                    detail="ignored: " + ", ".join(unrecognised),
                                    detail_zh="已忽略：" + "、".join(unrecognised)))
    return Tape(path, asset_class, fmt, encoding, sheet_used, headers, columns, unrecognised, nd_counts,
                tuple(findings), frame, failing, codes)


def read_text_table(path: Path, sheet: str | None) -> tuple[pl.DataFrame, str, str | None, str | None]:
    """Every column as text, headers as in the file: (frame, format, encoding, sheet)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a pipe or device would block the read or never end
            raise InputError.of(path, "tape.unopenable", reason="not a regular file (a folder, pipe or device)")
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise InputError.of(path, "tape.unopenable", reason=error.strerror) from None
    check_tape_limits(path, "parquet" if magic == b"PAR1" else "xlsx" if magic.startswith(b"PK\x03\x04") else "csv")
    if magic == b"PAR1":
        return _text_frame(_guard(path, lambda: pl.read_parquet(path))), "parquet", None, None
    if magic.startswith(b"PK\x03\x04"):
        frame, sheet = _read_xlsx(path, sheet)
        return frame, "xlsx", None, sheet
    if sheet is not None:
        raise InputError.single(path, f"TAPE-01 a sheet ({sheet!r}) was given but the tape is not an XLSX workbook",
                                path="assets.tape_sheet")
    frame, encoding = _read_csv(path)
    return frame, "csv", encoding, None


def _guard(path: Path, read, unreadable: tuple[type[Exception], ...] = ()):
    """What ``read`` returns; InputError when the file is not a table (``unreadable``: the reader's own errors)."""
    try:
        return read()
    except pl.exceptions.PanicException:  # polars asserts on some damaged Parquet pages
        raise InputError.single(path, "TAPE-01 the tape is not a readable table: the file is damaged") from None
    except (pl.exceptions.PolarsError, OSError, ValueError, *unreadable) as error:
        raise InputError.single(path, f"TAPE-01 the tape is not a readable table: {error}".splitlines()[0]) from None


def _text_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Binary formats carry types; turn them back into text so one parser path handles every format."""
    return frame.select([
        (pl.col(c).cast(pl.Date) if dtype == pl.Datetime else pl.col(c)).cast(pl.String).alias(c)
        for c, dtype in frame.schema.items()])


def _read_xlsx(path: Path, sheet: str | None) -> tuple[pl.DataFrame, str]:
    import fastexcel  # on use: only a workbook needs it

    errors = (fastexcel.FastExcelError,)
    workbook = _guard(path, lambda: fastexcel.read_excel(path), errors)
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise InputError.single(path, f"TAPE-01 no sheet named {sheet!r}; the workbook has: {', '.join(names)}",
                                path="assets.tape_sheet")
    chosen = sheet if sheet is not None else names[0]
    frame = _guard(path, lambda: workbook.load_sheet(chosen, dtypes="string").to_polars(), errors)
    if not frame.columns:
        raise InputError.single(path, f"TAPE-03 sheet {chosen!r} is empty", line=1)
    if _renamed(frame.columns):
        header = _guard(path, lambda: workbook.load_sheet(chosen, header_row=None, n_rows=1, dtypes="string"), errors)
        _check_unique(path, list(header.to_polars().row(0)))
    return frame, chosen


def _renamed(names: list[str]) -> bool:
    """Whether fastexcel may have renamed a repeated header (it reads the second 'x' as 'x_1'); only then is the
    header row read again as written, since that costs a second parse of the sheet."""
    present = set(names)
    return any(base in present for base, _, suffix in (n.rpartition("_") for n in names) if suffix.isdigit())


def detect_encoding(raw: bytes, path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030, decided by BOM and strict decoding; otherwise InputError at the first bad byte."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError.of(path, "tape.utf16", line=1, column=1)
    if raw.startswith(codecs.BOM_UTF8):
        try:
            raw[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as error:
            line, column = _locate(raw, error.start + len(codecs.BOM_UTF8))
            raise InputError.of(path, "tape.bad_bom", offset=error.start + len(codecs.BOM_UTF8), line=line,
                                column=column) from None
        return "utf-8-sig"
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError as gb:
            raise _encoding_error(raw, path, utf8, gb) from None
        _refuse_mojibake(text, path)
        return "gb18030"


def _refuse_mojibake(text: str, path: Path) -> None:
    """GB18030 accepts almost any byte pair, so a Latin-1 or Windows-1252 file decodes "successfully": each accented
    letter and the ASCII letter after it become one rare ideograph (Müller → M黮ler). Chinese text keeps to the
    GB2312 repertoire almost entirely; a file whose non-ASCII characters mostly fall outside it is refused, located
    at the first such character, rather than read as garbled names."""
    try:
        text.encode("gb2312")
        return  # the common case, at C speed
    except UnicodeEncodeError:
        pass
    wide = [i for i, c in enumerate(text) if c > "\x7f"]
    rare = [i for i in wide if _rare_pair(text[i])]
    if len(rare) >= 3 and 2 * len(rare) > len(wide):
        first = rare[0]
        line, column = text.count("\n", 0, first) + 1, first - text.rfind("\n", 0, first)
        raise InputError.single(path, f"TAPE-02 the tape is not UTF-8, and read as GB18030 {len(rare)} of its "
                                      f"{len(wide)} non-ASCII characters would be rare ideographs (the first is "
                                      f"{text[first]!r}): it looks like Latin-1 or Windows-1252 text; save it as "
                                      "UTF-8", line=line, column=column)


def _rare_pair(character: str) -> bool:
    """A character GB18030 makes of two bytes but GB2312 lacks: what an accented Latin-1 letter and the byte after it
    become. Four-byte GB18030 characters need digits as second and fourth bytes, which Latin-1 text rarely has."""
    if len(character.encode("gb18030")) != 2:
        return False
    try:
        character.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return True


def _locate(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of a byte offset."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _encoding_error(raw: bytes, path: Path, utf8: UnicodeDecodeError, gb: UnicodeDecodeError) -> InputError:
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    guess = best.encoding if best is not None and best.encoding not in ("utf_8", "gb18030") else None
    line, column = _locate(raw, utf8.start)
    gb_line, _ = _locate(raw, gb.start)
    return InputError.of(path, "tape.encoding_guess" if guess else "tape.encoding", byte=raw[utf8.start],
                         offset=utf8.start, gb_offset=gb.start, gb_line=gb_line, guess=guess, line=line, column=column)


def _read_csv(path: Path) -> tuple[pl.DataFrame, str]:
    """UTF-8 is read straight from the file, polars validating it as it parses (no second pass over the bytes);
    only a file polars rejects as invalid UTF-8 is decoded here, strictly, to decide on GB18030 or fail located."""
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as error:
        raise InputError.of(path, "tape.unreadable", reason=error.strerror) from None
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return _parse_csv(path, path, head.removeprefix(codecs.BOM_UTF8)), encoding
    except (UnicodeDecodeError, _InvalidUtf8):
        raw = path.read_bytes()
        encoding = detect_encoding(raw, path)
        if encoding != "gb18030":
            raise InputError.of(path, "tape.not_utf8") from None
        data = raw.decode("gb18030").encode("utf-8")
        return _parse_csv(path, data, data[:65536]), encoding


class _InvalidUtf8(Exception):
    """polars met bytes that are not UTF-8."""


def _parse_csv(path: Path, source: Path | bytes, head: bytes) -> pl.DataFrame:
    """Every column as text; headers parsed here (so repeated ones can be reported) and data rows by polars."""
    end = head.find(b"\n")
    first = (head if end < 0 else head[:end]).decode("utf-8").rstrip("\r")
    if not first.strip():
        raise InputError.of(path, "tape.empty", line=1)
    delimiter = max(",\t;", key=first.count)
    if "\r" in first:  # csv.Error otherwise; polars would split the header where csv does not
        raise InputError.single(path, "TAPE-01 the header row holds a bare carriage return (old Mac line endings?); "
                                      "save the tape with Windows or Unix line endings", line=1)
    headers = next(csv.reader([first], delimiter=delimiter))
    _check_unique(path, headers)
    try:
        frame = pl.read_csv(source, has_header=False, skip_rows=1, separator=delimiter, missing_columns="insert",
                            schema={f"c{i}": pl.String for i in range(len(headers))})
    except pl.exceptions.PolarsError as error:
        if "invalid utf-8" in str(error):
            raise _InvalidUtf8() from None
        if "more fields" in str(error) or "not specified in schema" in str(error):  # a later row, the first row
            raise _ragged(path, source, delimiter, len(headers)) from None
        raise _unreadable(path, source, error) from None
    return frame.rename(dict(zip(frame.columns, headers, strict=True)))


def _text(source: Path | bytes) -> str:
    return source.read_text(encoding="utf-8-sig") if isinstance(source, Path) else source.decode("utf-8")


def _ragged(path: Path, source: Path | bytes, delimiter: str, width: int) -> InputError:
    """Find the first row with more fields than the header (error path only, so a Python scan is fine)."""
    reader = csv.reader(io.StringIO(_text(source), newline=""), delimiter=delimiter)
    for fields in reader:
        if len(fields) > width:
            return InputError.single(path, f"TAPE-06 row has {len(fields)} fields but the header has {width}; "
                                           "quote values that contain the delimiter", line=reader.line_num,
                                     column=None)
    return InputError.single(path, "TAPE-06 a row has more fields than the header")


def _unreadable(path: Path, source: Path | bytes, error: pl.exceptions.PolarsError) -> InputError:
    """TAPE-01 at the first line whose quotes do not pair up, the usual reason polars gives up on a CSV (error path
    only); polars's own words when no line shows it."""
    for number, line in enumerate(_text(source).split("\n"), start=1):
        if line.count('"') % 2:
            return InputError.single(path, "TAPE-01 a quote on this line is not closed, or stands inside a value that "
                                           "is not quoted; quote whole values and double the quotes inside them",
                                     line=number)
    return InputError.single(path, f"TAPE-01 the tape is not a readable CSV table: {str(error).splitlines()[0]}")


def _check_unique(path: Path, headers: list[str | None]) -> None:
    """TAPE-05 on a repeated header; blank workbook header cells (None) are not names and cannot repeat."""
    seen: dict[str, int] = {}
    for index, header in enumerate(headers, start=1):
        if header is None:
            continue
        if header in seen:
            raise InputError.single(path, f"TAPE-05 header {header!r} appears in columns {seen[header]} and {index}",
                                    line=1, column=index)
        seen[header] = index


def _map_headers(path: Path, headers: tuple[str, ...], asset_class: AssetClass, line: int, where: str = ""
                 ) -> tuple[dict[str, str], tuple[str, ...]]:
    """Canonical column → header; raise on two headers for one column or on missing required columns (`where`
    follows the headers found in that message: the sheet, for a workbook)."""
    schema = SCHEMAS[asset_class]
    columns: dict[str, str] = {}
    unrecognised: list[str] = []
    for index, header in enumerate(headers, start=1):
        column = ALIASES.get(header_key(header))
        if column is None or column not in schema.columns:
            unrecognised.append(header)
        elif column in columns:
            raise InputError.single(path, f"TAPE-05 headers {columns[column]!r} and {header!r} both mean {column}; "
                                          "keep one", line=line, column=index)
        else:
            columns[column] = header
    missing = [c for c in schema.required if c not in columns]
    if missing:
        raise InputError.of(path, "tape.missing_columns", asset_class=asset_class.value,
                            missing=accepted_headers(missing), found=(_shown(headers) or "(none)") + where, line=line)
    return columns, tuple(unrecognised)


def _shown(headers: tuple[str, ...], most: int = 20, width: int = 40) -> str:
    """The headers as a message can show them: control characters escaped, long ones cut, at most `most` listed
    (a binary file read as CSV has one header of 64 KB of NUL bytes)."""
    def one(header: str) -> str:
        text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                       for c in header[: width + 1])
        return text[:width] + "…" if len(header) > width or len(text) > width else text

    shown = ", ".join(one(h) for h in headers[:most])
    return shown + (f", … ({len(headers) - most:,} more)" if len(headers) > most else "")


__all__ = ["Tape", "read_tape", "read_text_table", "detect_encoding"]
