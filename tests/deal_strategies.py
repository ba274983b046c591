"""Hypothesis strategies for deal files: valid deals derived from the pydantic model itself, mutated deal trees,
and broken deal texts and bytes.

Valid trees are built by walking `Deal`'s fields and their validators (an `AfterValidator(validate_lei)` field gets
real LEIs), so a field added to the model is fuzzed without touching this file; only the model's cross-field
validators need the small fix-ups below. Mutations break a tree the ways hand-edited files break.
"""

from __future__ import annotations

import copy
import enum
import functools
import json
import string
from datetime import date
from decimal import Decimal
from io import StringIO
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pycountry
from deal_edits import EXAMPLES, example_tree
from eth_utils import to_checksum_address
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from ruamel.yaml import YAML

from filing.model import deal as model
from filing.model import identifiers, jurisdictions, regions, types
from filing.rules import rulebook

# --- identifiers and codes, valid by their real algorithms ------------------------------------------------------------

ALPHANUMERIC = string.digits + string.ascii_uppercase


def _chars(alphabet: str, size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=size, max_size=size)


@st.composite
def usccs(draw) -> str:
    """A well-formed USCC; its check digit is right most of the time (a wrong one is a rule finding, not an error)."""
    body = draw(_chars(identifiers.USCC_CHARSET, 2)) + draw(_chars(string.digits, 6)) + draw(
        _chars(identifiers.USCC_CHARSET, 9))
    check = identifiers.uscc_check_digit(body)
    return body + draw(st.just(check) | st.sampled_from(identifiers.USCC_CHARSET))


@st.composite
def leis(draw) -> str:
    body = draw(_chars(ALPHANUMERIC, 18))
    return body + identifiers.lei_check_digits(body)


def _accepts(validate, value: str) -> bool:
    try:
        validate(value)
    except ValueError:
        return False
    return True


@st.composite
def isins(draw) -> str:
    prefix = draw(st.sampled_from(sorted(identifiers.ISIN_SPECIAL_PREFIXES | {c.alpha_2 for c in pycountry.countries})))
    body = prefix + draw(_chars(ALPHANUMERIC, 9))
    return next(body + d for d in string.digits if _accepts(identifiers.validate_isin, body + d))


evm_addresses = _chars("0123456789abcdef", 40).flatmap(
    lambda hex_: st.sampled_from(["0x" + hex_, "0x" + hex_.upper(), to_checksum_address("0x" + hex_)]))


@st.composite
def region_codes(draw) -> str:
    province = draw(st.sampled_from(sorted(regions.PROVINCES)))
    if province in regions.UNDIVIDED_PREFIXES:
        return province + "0000"
    prefecture = draw(_chars(string.digits, 2))
    return province + prefecture + ("00" if prefecture == "00" else draw(_chars(string.digits, 2)))


currencies = st.sampled_from(sorted({c.alpha_3 for c in pycountry.currencies} | {"CNH"})).flatmap(
    lambda code: st.sampled_from([code, code.lower()]))


def _jurisdiction_spellings() -> list[str | int]:
    """Every way a deal may write a jurisdiction: ISO codes, numeric codes, English and Chinese names, aliases."""
    spellings: list[str | int] = [alias for aliases in jurisdictions.ALIASES.values() for alias in aliases]
    for country in pycountry.countries:
        spellings += [country.alpha_2, country.alpha_3, int(country.numeric), country.numeric, country.name,
                      jurisdictions.jurisdiction_name(country.alpha_2, "zh"),
                      jurisdictions.jurisdiction_name(country.alpha_2, "en")]
    return spellings


jurisdiction_spellings = st.sampled_from(_jurisdiction_spellings())

# --- plain values -----------------------------------------------------------------------------------------------------

unicode_text = st.text(st.characters(codec="utf-8"), max_size=40)
"""Any Unicode a UTF-8 file can carry, control characters included."""


typed_characters = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff",
                                 include_characters="\n\t")
"""What a person can type into a deal file: YAML forbids the other control characters and two non-characters raw."""


def texts(min_size: int = 1, max_size: int = 300) -> st.SearchStrategy[str]:
    """Text as the model keeps it: surrounding whitespace is stripped before its length is checked."""
    return st.text(typed_characters, min_size=min_size, max_size=min(max_size, 60)).map(
        str.strip).filter(lambda text: min_size <= len(text) <= max_size)


def decimals(low: Decimal | None, high: Decimal | None, positive: bool) -> st.SearchStrategy[str | int | float]:
    """An amount or rate written as a deal file writes it: a quoted string, an integer or a YAML float."""
    low = Decimal("0.01") if positive else (low if low is not None else Decimal(0))
    high = high if high is not None else Decimal(10) ** 12
    value = st.decimals(low, high, places=4, allow_nan=False, allow_infinity=False)
    return value.flatmap(lambda d: st.sampled_from([str(d), float(d)] + ([int(d)] if d == int(d) else [])))


dates = st.dates(date(1995, 1, 1), date(2075, 12, 31))

name_characters = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff")
"""What a name may hold: no control characters at all (a tab or line break in a name is an input error)."""


def names(min_size: int = 1, max_size: int = 300) -> st.SearchStrategy[str]:
    return st.text(name_characters, min_size=min_size, max_size=min(max_size, 60)).map(
        str.strip).filter(lambda text: min_size <= len(text) <= max_size)

SPECIAL_VALUES = {
    identifiers.check_uscc_format: usccs(), identifiers.validate_lei: leis(), identifiers.validate_isin: isins(),
    identifiers.validate_evm_address: evm_addresses, identifiers.validate_currency: currencies,
    regions.validate_region_code: region_codes(), types._jurisdiction: jurisdiction_spellings,
    types.plain_name: names(), types.plain_text: texts(1, 4000),
}
"""Validator function → the values it accepts, for the annotated types of `filing.model.types`."""

# --- valid deal trees, from the model ---------------------------------------------------------------------------------


def _unwrap(annotation: Any, metadata: list) -> tuple[Any, list]:
    """The bare type and the flat list of constraints and validators of an annotation (Annotated and FieldInfo)."""
    metadata = list(metadata)
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        for item in extra:
            metadata += item.metadata if isinstance(item, FieldInfo) else [item]
    return annotation, metadata


def _bound(metadata: list, name: str) -> Any:
    return next((getattr(m, name) for m in metadata if getattr(m, name, None) is not None), None)


def value_strategy(annotation: Any, metadata: list = ()) -> st.SearchStrategy:
    """Values of one annotated field type, as they would appear in a deal file."""
    annotation, metadata = _unwrap(annotation, metadata)
    for item in metadata:
        if getattr(item, "func", None) in SPECIAL_VALUES:
            return SPECIAL_VALUES[item.func]
        if getattr(item, "func", None) is types._to_decimal:
            return decimals(_bound(metadata, "ge"), _bound(metadata, "le"), _bound(metadata, "gt") is not None)
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, UnionType):
        return st.one_of([st.none() if a is type(None) else value_strategy(a, metadata) for a in args])
    if origin is Literal:
        return st.sampled_from(args)
    if origin is list:
        low = _bound(metadata, "min_length") or 0
        return st.lists(value_strategy(args[0]), min_size=low, max_size=low + 2)
    if origin is dict:
        return st.dictionaries(value_strategy(args[0]), value_strategy(args[1]), max_size=2)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_trees(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([member.value for member in annotation])
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(_bound(metadata, "ge"), _bound(metadata, "le") or 2**63)
    if annotation is float:
        return st.floats(_bound(metadata, "ge"), _bound(metadata, "le"), allow_nan=False)
    if annotation is date:
        return dates
    if annotation is str:
        pattern = _bound(metadata, "pattern")
        if pattern:
            return st.from_regex(pattern, fullmatch=True, alphabet=typed_characters).map(str.strip).filter(bool)
        return texts(_bound(metadata, "min_length") or 0, _bound(metadata, "max_length") or 4000)
    raise TypeError(f"no strategy for {annotation!r}; teach value_strategy the new field type")


def _entity(tree: dict) -> dict:
    return tree if tree.get("name_zh") or tree.get("name_en") else tree | {"name_en": "Fixture Holdings Ltd"}


def _approval(tree: dict) -> dict:
    needs_reason = tree["status"] == "not_applicable" and not tree.get("not_applicable_reason")
    return tree | {"not_applicable_reason": "No data leaves the mainland."} if needs_reason else tree


def _investors(tree: dict) -> dict:
    code = jurisdictions.normalise_jurisdiction
    excluded = {code(j) for j in tree["excluded_jurisdictions"]}
    allowed = [j for j in tree.get("allowed_jurisdictions", []) if code(j) not in excluded]
    return tree | {"allowed_jurisdictions": allowed}


def _tranche(tree: dict) -> dict:
    """A principal the token can hold: positive and whole base units (any whole number is, below 10^12)."""
    return tree | {"principal": str(max(1, int(Decimal(str(tree["principal"])))))}


FIXUPS = {model.Entity: _entity, model.StructureParty: _entity, model.Approval: _approval,
          model.Investors: _investors, model.Tranche: _tranche}
"""The model's cross-field validators, satisfied after generation."""
UNIQUE = {(model.Token, "tranches"): (lambda t: t["id"], lambda t: t["symbol"])}
"""Lists whose items the model wants unique by these keys."""
FIELDS = {(model.Override, "rule"): st.sampled_from([item.code for item in rulebook().rules])}
"""Fields whose valid values a validator looks up elsewhere: an override names a rule the rulebook has."""


@functools.cache
def model_trees(cls: type[BaseModel]) -> st.SearchStrategy[dict]:
    """Plain trees (dicts, lists, scalars) that `cls` accepts; optional fields are sometimes left out."""
    required, optional = {}, {}
    for name, field in cls.model_fields.items():
        strategy = FIELDS[cls, name] if (cls, name) in FIELDS else value_strategy(field.annotation, field.metadata)
        if (cls, name) in UNIQUE:
            item = model_trees(get_args(field.annotation)[0])
            strategy = st.lists(item, min_size=1, max_size=3, unique_by=UNIQUE[cls, name])
        (required if field.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional).map(FIXUPS.get(cls, dict))


def valid_deals(asset_class: str | None = None) -> st.SearchStrategy[dict]:
    """Valid deal trees, optionally of one asset class, with the tape at `tape.bin` next to the deal."""
    def fixed(tree: dict) -> dict:
        assets = tree["assets"] | {"tape": "tape.bin"} | ({"asset_class": str(asset_class)} if asset_class else {})
        return tree | {"assets": assets}
    return model_trees(model.Deal).map(fixed)


EXAMPLE_TREES = tuple(example_tree(path) for path in sorted(EXAMPLES.glob("*/deal.yaml")))

# --- writing a tree as the user would ---------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else str(value)


def dump(tree: Any, fmt: str) -> str:
    """The tree as deal-file text: block-style YAML or JSON. (Not flow-style YAML: ruamel writes `{k: ?0}`, which
    is valid YAML 1.2, and then fails to read it back.)"""
    if fmt == "json":
        return json.dumps(tree, ensure_ascii=False, default=_jsonable, indent=1)
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_unicode = True
    yaml.default_flow_style = False
    yaml.width = 4096
    buffer = StringIO()
    yaml.dump(tree, buffer)
    return buffer.getvalue()


DEAL_FORMATS = ("yaml", "json")
deal_encodings = st.sampled_from(["utf-8", "utf-8-sig"])

# --- mutated trees ----------------------------------------------------------------------------------------------------

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | unicode_text | dates,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(unicode_text, inner, max_size=3),
    max_leaves=6,
)
"""Any value a YAML or JSON document can hold, for fields of the wrong type."""


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path into the tree, the root's children first."""
    items = tree.items() if isinstance(tree, dict) else enumerate(tree) if isinstance(tree, list) else ()
    found = []
    for key, value in items:
        found.append(prefix + (key,))
        found += _paths(value, prefix + (key,))
    return found


def _at(tree: Any, path: tuple) -> Any:
    for step in path:
        tree = tree[step]
    return tree


def _typo(draw, name: str) -> str:
    position = draw(st.integers(0, len(name)))
    return draw(st.sampled_from([name[:position] + name[position + 1:], name[:position] + "x" + name[position:],
                                 name.upper(), name.replace("_", "-"), name + " "])) or "x"


def _broken_text(draw, value: str) -> str:
    """An identifier or code with a slip: a character changed, dropped or doubled, full-width, or padded."""
    position = draw(st.integers(0, max(len(value) - 1, 0)))
    char = draw(st.characters(codec="utf-8"))
    return draw(st.sampled_from([
        value[:position] + char + value[position + 1:], value[:position] + value[position + 1:],
        value[:position] + value[position:position + 1] * 2 + value[position + 1:],
        value.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}), f" {value}\t", value.lower()]))


def _mutate(draw, tree: dict) -> None:
    paths = _paths(tree)
    path = draw(st.sampled_from(paths))
    parent, key = _at(tree, path[:-1]), path[-1]
    kind = draw(st.sampled_from(["drop", "add", "rename", "retype", "swap", "unicode", "slip", "date", "nest",
                                 "control", "amount"]))
    if kind == "drop":
        del parent[key]
    elif kind == "add" and isinstance(parent, dict):
        parent[draw(unicode_text | st.sampled_from(list(parent)).map(lambda k: _typo(draw, k)))] = draw(junk)
    elif kind == "rename" and isinstance(parent, dict):
        parent[_typo(draw, key)] = parent.pop(key)
    elif kind == "swap":
        other = draw(st.sampled_from(paths))
        if not (other[:len(path)] == path or path[:len(other)] == other):
            other_parent = _at(tree, other[:-1])
            parent[key], other_parent[other[-1]] = other_parent[other[-1]], parent[key]
    elif kind == "unicode":
        parent[key] = draw(st.text(st.characters(codec="utf-8"), max_size=5000))
    elif kind == "slip" and isinstance(parent[key], str):
        parent[key] = _broken_text(draw, parent[key])
    elif kind == "date":
        parent[key] = draw(st.sampled_from(["2026-02-30", "2026-13-01", "31/12/2026", "0000-00-00", 20261301,
                                            "9999-12-31", "1900-01-01", "2026-1-1", "2026-09-30T25:00:00",
                                            "2000-01-01", "0001-01-01"]))
    elif kind == "control" and isinstance(parent[key], str):
        position = draw(st.integers(0, len(parent[key])))
        control = draw(st.sampled_from(["\x00", "\x07", "\x1b[2J", "\x0b", "\x7f", "\x9b", "\r"]))
        parent[key] = parent[key][:position] + control + parent[key][position:]
    elif kind == "amount":
        parent[key] = draw(st.sampled_from(["0", 0, "1e76", 1e76, "0.0000001", "1e-30", "-1", "1E+400", "NaN"]))
    elif kind == "nest":
        parent[key] = [parent[key]] if draw(st.booleans()) else {"value": parent[key]}
    else:
        parent[key] = draw(junk)


@st.composite
def mutated_deals(draw, base: st.SearchStrategy[dict] | None = None) -> dict:
    """A valid tree (an example or a generated one) with one to four mutations."""
    tree = copy.deepcopy(draw(base if base is not None else st.sampled_from(EXAMPLE_TREES) | valid_deals()))
    for _ in range(draw(st.integers(1, 4))):
        if tree:
            _mutate(draw, tree)
    return tree


# --- broken text and bytes --------------------------------------------------------------------------------------------

YAML_PIECES = ("\n", "  ", "\t", ": ", "- ", "? ", "{", "}", "[", "]", ",", "'", '"', "#", "&a ", "*a", "<<: ",
               "!!str ", "!!binary ", "!!python/object:os.system ", "!tag ", "%YAML 1.1\n", "---\n", "...\n", "|\n",
               ">-\n", "~", "null", "true", "yes", "0x1F", "1e999", ".nan", "2026-02-30", "schema_version", "filer",
               "uscc", "assets", "tape", "token", "tranches", "\\u0000", "\ufeff", "\x85", "\u2028", "\x00", "\r")
yaml_texts = st.lists(st.sampled_from(YAML_PIECES) | unicode_text, max_size=60).map("".join)
"""Text made of YAML's own syntax, deal keys and awkward characters: reaches the parser's error paths."""


@st.composite
def edited_texts(draw, text: str) -> str:
    """A deal file's text with a few characters inserted, deleted or repeated at random places."""
    for _ in range(draw(st.integers(1, 3))):
        position = draw(st.integers(0, len(text)))
        piece = draw(st.sampled_from(YAML_PIECES) | unicode_text)
        text = draw(st.sampled_from([text[:position] + piece + text[position:],
                                     text[:position] + text[position + len(piece):],
                                     text[:position] + piece * draw(st.integers(2, 1200)) + text[position:]]))
    return text


def deal_bytes() -> st.SearchStrategy[bytes]:
    """Whole files that are not a valid deal: broken YAML, hand-edited examples, wrong encodings, random bytes."""
    examples = st.sampled_from([path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*/deal.yaml"))])
    encode = st.sampled_from(["utf-8", "utf-16", "gb18030", "latin-1"]).map(
        lambda encoding: functools.partial(str.encode, encoding=encoding, errors="replace"))
    return st.one_of(
        yaml_texts.map(str.encode),
        examples.flatmap(edited_texts).map(str.encode),
        st.tuples(examples, encode).map(lambda pair: pair[1](pair[0])),
        st.binary(max_size=2000),
    )
