"""Reading a deal file (YAML or JSON) into a Deal, with every problem located by file, line, column and field path."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import stat
import typing
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent
from ruamel.yaml.reader import ReaderError

from filing import i18n
from filing.errors import InputError, Invalid, Problem, one_line
from filing.model import deal as models
from filing.model.deal import Deal
from filing.model.notes import field_notes

MAX_DEAL_BYTES = 8_000_000
"""A deal of 10,000 officers, 10,000 service providers and their undertakings is about 3 MB."""
MAX_NODES = 200_000
"""Bounds that stop a YAML alias bomb or a runaway file before it costs memory."""
MAX_DEPTH = 100
"""Nesting reported when a document is too deep for the parser's recursion (which fails at a few hundred)."""


@dataclass(frozen=True)
class LoadedDeal:
    """A validated deal and where it came from, so relative paths (the tape) resolve against the deal's folder."""

    deal: Deal
    source: Path
    allow_outside_tape: bool = False
    """Whether the files the deal names (tape, history, attachments) may lie outside its folder
    (``--allow-outside-tape``); by default they may not."""

    @property
    def tape_path(self) -> Path:
        return self.local_file(self.deal.assets.tape, "assets.tape", "tape.outside")

    def local_file(self, name: str, where: str, key: str = "file.outside") -> Path:
        """A file the deal names (tape, history, attachment), links resolved; InputError at `where` when it lies
        outside the deal's folder and that was not allowed: a deal file from someone else must not make the tool
        open /etc/passwd or /proc/self/environ, nor copy them into a packet."""
        folder = self.source.parent.resolve()
        path = (folder / name).resolve()
        if not self.allow_outside_tape and not path.is_relative_to(folder):
            raise InputError.of(self.source, key, folder=folder, name=name, path=where)
        return path

    def canonical_json(self) -> str:
        """The deal as sorted JSON with normalised codes: what the packet stores and hashes."""
        return json.dumps(self.deal.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, indent=2) + "\n"

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()


def load_deal(path: str | Path, *, allow_outside_tape: bool = False) -> LoadedDeal:
    """Read and validate a deal file; raise InputError listing every problem with its location."""
    path = Path(path)
    tree = read_document(path)
    return LoadedDeal(validate_deal(tree, path), path, allow_outside_tape)


def validate_deal(tree: Any, path: Path) -> Deal:
    try:
        return Deal.model_validate(_plain(tree, str(path)))
    except ValidationError as error:
        raise InputError([_locate(path, tree, e) for e in error.errors(include_url=False)]) from None


def read_document(path: Path) -> Any:
    """Parse YAML (or JSON, which the same parser reads) keeping positions; reject anything that is not a mapping."""
    name = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a pipe or device would block the read or never end
            raise InputError.of(name, "file.unreadable", reason="not a regular file (a folder, pipe or device)")
        if info.st_size > MAX_DEAL_BYTES:  # judged before reading, so a huge file costs no memory
            raise InputError.of(name, "file.too_large", size=info.st_size, limit=MAX_DEAL_BYTES)
        raw = path.read_bytes()
    except OSError as error:
        raise InputError.of(name, "file.unreadable", reason=error.strerror) from None
    if len(raw) > MAX_DEAL_BYTES:
        raise InputError.of(name, "file.too_large", size=len(raw), limit=MAX_DEAL_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError.of(name, "file.not_utf8", line=line) from None
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    # Dates stay text here so that an impossible date (2026-02-30) is a located field error, not a parser crash.
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    too_deep = _flow_too_deep(name, text)
    if too_deep is not None:
        raise too_deep
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = " ".join(filter(None, [error.context, error.problem])) or "the YAML is malformed"
        raise InputError.of(name, "yaml.syntax", problem=problem,
                            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None) from None
    except ReaderError as error:  # a character YAML forbids (a control character): ruamel gives an offset, no mark
        line, column = _line_column(text, error.position)
        problem = (f"character U+{error.character:04X} is not allowed in YAML; delete it, or write it as "
                   f"\\u{error.character:04X} inside double quotes")
        raise InputError.of(name, "yaml.syntax", problem=problem, line=line, column=column) from None
    except YAMLError as error:
        raise InputError.of(name, "yaml.syntax", problem=str(error).splitlines()[0]) from None
    except RecursionError:  # ruamel composes and constructs nested nodes recursively
        raise _too_deep(name, text) from None
    if not isinstance(tree, CommentedMap):
        raise InputError.of(name, "deal.not_mapping", line=1, column=1)
    return tree


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
"""What YAML counts as a line break, so positions found here agree with the parser's marks."""


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    breaks = list(_LINE_BREAK.finditer(text, 0, offset))
    return len(breaks) + 1, offset - (breaks[-1].end() if breaks else 0) + 1


_FLOW = re.compile(r"[\[\]{}]")


def _flow_too_deep(name: str, text: str) -> InputError | None:
    """A document opening more than MAX_DEPTH flow lists or mappings, refused before ruamel sees it, at the bracket
    that goes past: ruamel's scanner looks ahead to the end of every open flow collection, so its cost grows with the
    square of the nesting (20,000 '[' take seconds, a 2 MB file of them hours), and once py_ecc has raised the
    recursion limit to 100,000 (filing build, review and contract import it) no RecursionError stops it first.
    Brackets inside quotes and comments count too: a deal never holds a hundred unclosed ones."""
    depth = 0
    for bracket in _FLOW.finditer(text):
        depth = max(depth + (1 if bracket[0] in "[{" else -1), 0)
        if depth > MAX_DEPTH:
            line, column = _line_column(text, bracket.start())
            problem = f"lists or mappings nested more than {MAX_DEPTH} levels deep; a deal file needs a handful"
            return InputError.of(name, "yaml.syntax", problem=problem, line=line, column=column)
    return None


def _too_deep(name: str, text: str) -> InputError:
    """Locate where a document too deeply nested to load goes past MAX_DEPTH (error path only: a second parse, cut
    short there because ruamel's scanner slows down with depth)."""
    depth, mark = 0, None
    try:
        for event in YAML(typ="rt", pure=True).parse(text):
            depth += isinstance(event, CollectionStartEvent) - isinstance(event, CollectionEndEvent)
            if depth > MAX_DEPTH:
                mark = event.start_mark
                break
    except YAMLError:
        pass  # the parser's recursion failed before the syntax error it ran into
    problem = f"lists or mappings nested more than {MAX_DEPTH} levels deep; a deal file needs a handful"
    return InputError.of(name, "yaml.syntax", problem=problem, line=mark.line + 1 if mark else None,
                         column=mark.column + 1 if mark else None)


def _plain(node: Any, file: str) -> Any:
    """Turn ruamel's position-carrying nodes into plain Python, counting nodes so alias expansion stays bounded."""
    budget = [MAX_NODES]

    def walk(value: Any) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise InputError.of(file, "deal.alias_bomb", limit=MAX_NODES)
        if isinstance(value, dict):
            return {str(k) if not isinstance(k, (int, bool)) else k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, bool) or value is None or isinstance(value, (date, datetime)):
            return value
        if isinstance(value, float):
            return float(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, str):
            return str(value)
        return value

    return walk(node)


def _position(tree: Any, loc: tuple, at_key: bool = False) -> tuple[int | None, int | None]:
    """Follow a pydantic error location through the YAML tree as far as it exists; 1-based line and column.

    A scalar is located at its value; a mapping or list, an empty value (whose "value position" is where the next
    key starts) and, with `at_key`, the last step (an unknown field) at the key."""
    node, line, column = tree, 1, 1
    for index, part in enumerate(loc):
        if isinstance(node, CommentedMap) and part in node:
            keyed = isinstance(node[part], (CommentedMap, CommentedSeq)) or node[part] is None \
                or (at_key and index == len(loc) - 1)
            line, column = node.lc.key(part) if keyed else node.lc.value(part)
            line, column = line + 1, column + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            item_line, item_column = node.lc.item(part)
            line, column = item_line + 1, item_column + 1
            node = node[part]
        else:
            break
    return line, column


def _path_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{one_line(part)}" if text else one_line(part))
    return text


def _field_names(loc: tuple) -> list[str]:
    """Names a model accepts at a location, to suggest the intended one for an unknown field."""
    model: Any = Deal
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _model_of(model.model_fields[part].annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_of(annotation: Any) -> Any:
    """The model inside Optional[...], list[...] or Annotated[...]."""
    for arg in typing.get_args(annotation) or ():
        inner = _model_of(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    return annotation


def _locate(path: Path, tree: Any, error: dict) -> Problem:
    """A pydantic error as a located problem, in the catalogue's words when it has them (so also in Chinese)."""
    loc = tuple(error["loc"])
    kind, context = error["type"], error.get("ctx") or {}
    line, column = _position(tree, loc, at_key=kind == "extra_forbidden")
    where = {"path": _path_text(loc), "line": line, "column": column}
    if kind == "extra_forbidden":
        field = one_line(loc[-1])
        close = difflib.get_close_matches(field, _field_names(loc[:-1]), n=1)
        if close:
            return Problem.of(path, "deal.unknown_field_close", field=field, close=close[0], **where)
        return Problem.of(path, "deal.unknown_field", field=field, **where)
    if kind == "missing":
        return Problem.of(path, "deal.missing_field", **where)
    if isinstance(context.get("error"), Invalid):
        return Problem.of(path, context["error"].key, **context["error"].params, **where)
    got = _got(error)
    if f"field.{kind}" in i18n.catalogue():
        problem = Problem.of(path, f"field.{kind}", **context, **where)
        if got is None:
            return problem
        return replace(problem, message=problem.message + i18n.text("field.got", "en", value=got),
                       message_zh=problem.message_zh + i18n.text("field.got", "zh", value=got))
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message = message.replace("Input should be", "should be").replace("String should", "text should")
    return Problem(str(path), message + (i18n.text("field.got", value=got) if got is not None else ""), **where)


def _got(error: dict) -> str | None:
    """The offending value as the message shows it, when it is short and the message does not already name it."""
    value = error.get("input")
    if isinstance(value, bool):
        return str(value).lower()
    if error["type"] not in {"value_error", "assertion_error"} and isinstance(value, (str, int, float, date)) \
            and len(str(value)) <= 60:
        return value.isoformat() if isinstance(value, date) else repr(value)
    return None


def json_schema() -> dict:
    """JSON Schema of the deal file, for editors (YAML language server) to autocomplete and validate."""
    schema = Deal.model_json_schema(mode="validation")
    for name, entry in [("Deal", schema), *schema.get("$defs", {}).items()]:
        model = getattr(models, name, None)
        if isinstance(model, type) and issubclass(model, BaseModel):
            for field, note in field_notes(model).items():
                entry["properties"][field]["description"] = note
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://filing.invalid/schema/deal-1.0.json"
    return schema


__all__ = ["LoadedDeal", "load_deal", "validate_deal", "read_document", "json_schema"]
