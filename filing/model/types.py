"""Annotated field types: every identifier, code and amount is checked and normalised once, at load time."""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from filing.errors import Invalid, one_line
from filing.model import identifiers, jurisdictions, regions


def _to_decimal(value: object) -> object:
    """Money and rates are Decimal; a YAML float is read through its text so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.replace(",", "").replace("_", "").strip()
        try:
            return Decimal(text)
        except InvalidOperation:
            raise Invalid("field.not_a_number", value=one_line(value)) from None
    return value


def _jurisdiction(value: object) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("expected a jurisdiction code or name")
    return jurisdictions.normalise_jurisdiction(value)


def _upper_text(value: object) -> object:
    return value.strip().upper() if isinstance(value, str) else value


Amount = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, allow_inf_nan=False)]
"""A non-negative amount of money in the unit of its currency."""

Rate = Annotated[Decimal, BeforeValidator(_to_decimal), Field(ge=0, le=1, allow_inf_nan=False)]
"""A rate or share as a fraction (0.045 is 4.5%)."""

Jurisdiction = Annotated[str, BeforeValidator(_jurisdiction)]
"""ISO 3166-1 alpha-2 after normalisation of codes and English or Chinese names."""

Currency = Annotated[str, BeforeValidator(_upper_text), AfterValidator(identifiers.validate_currency)]
"""ISO 4217 alphabetic code (CNH accepted for offshore renminbi), upper-cased."""
USCC = Annotated[str, BeforeValidator(_upper_text), AfterValidator(identifiers.check_uscc_format)]
"""Unified Social Credit Code; the check digit is a rule (CN-ID-01) so that a real code that fails it can be
overridden."""
LEI = Annotated[str, BeforeValidator(_upper_text), AfterValidator(identifiers.validate_lei)]
"""Legal Entity Identifier, 20 characters with ISO 17442 check digits."""
ISIN = Annotated[str, BeforeValidator(_upper_text), AfterValidator(identifiers.validate_isin)]
"""ISO 6166 securities identifier, 12 characters with its check digit."""
EvmAddress = Annotated[str, AfterValidator(identifiers.validate_evm_address)]
"""0x and 40 hex digits; a mixed-case address must carry a valid EIP-55 checksum (stored checksummed)."""
RegionCode = Annotated[str, AfterValidator(regions.validate_region_code)]
"""GB/T 2260 administrative division code, six digits, in a known province."""
def _control_free(value: str, allowed: str) -> str:
    """`value`, or Invalid at its first control character other than `allowed`: such characters are invisible in a
    filing, and the documents' XML (DOCX, PDF text) cannot hold most of them, so they would pass the check and fail
    the build."""
    for index, character in enumerate(value):
        if (unicodedata.category(character) in ("Cc", "Cs") and character not in allowed) or \
                character in ("\ufffe", "\uffff"):
            raise Invalid("field.control_character", character=repr(character)[1:-1], position=index + 1)
    return value


def plain_text(value: str) -> str:
    """Free text: line breaks and tabs are its only control characters."""
    return _control_free(value, "\n\t")


def plain_name(value: str) -> str:
    """A name: no control characters at all."""
    return _control_free(value, "")


Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(plain_text)]
"""Free text of 1 to 4,000 characters; line breaks and tabs are its only control characters."""
Name = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(plain_name)]
"""A name of 1 to 300 characters, without control characters."""


class Strict(BaseModel):
    """Base of every deal model: unknown fields are errors, booleans are booleans, and models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, validate_default=True)


__all__ = ["Amount", "Rate", "Jurisdiction", "Currency", "USCC", "LEI", "ISIN", "EvmAddress", "RegionCode",
           "Text", "Name", "Strict", "date"]
