"""Validators for the identifiers a filing carries: USCC, LEI, ISIN, EVM address, currency.

Each ``validate_*`` function normalises its input (Unicode NFKC, so full-width characters typed in
Chinese input methods become ASCII; surrounding whitespace stripped; upper-cased where case carries
no meaning), checks it, and returns the canonical form. A bad value raises ``ValueError`` whose
message says what is wrong and how to fix it, so it can be shown to the user as it is; the common faults raise
``Invalid``, a ValueError whose message comes from the catalogue, so the loader can also show it in Chinese.
"""

from __future__ import annotations

import re
import unicodedata

import pycountry

from filing.errors import Invalid

__all__ = [
    "check_uscc_format",
    "lei_check_digits",
    "organization_code_valid",
    "uscc_check_digit",
    "validate_currency",
    "validate_evm_address",
    "validate_isin",
    "validate_lei",
    "validate_uscc",
]

ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _normalise(code: str) -> str:
    return unicodedata.normalize("NFKC", code).strip().upper()


def _expand_letters(code: str) -> str:
    """Replace each letter by its two-digit value (A=10 … Z=35), as ISO 7064 and ISO 6166 require."""
    return "".join(str(ALPHANUMERIC.index(char)) for char in code)


def _require_alphanumeric(code: str, what: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in ALPHANUMERIC:
            raise ValueError(
                f"{what} {code!r} has {char!r} at position {position}; only A-Z and 0-9 are allowed"
            )


# --- Unified Social Credit Code (GB 32100-2015) ------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORGANIZATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _check_uscc_characters(code: str) -> None:
    for position, char in enumerate(code, start=1):
        if char not in USCC_CHARSET:
            key = "uscc.letter" if char in "IOSVZ" else "uscc.character"
            raise Invalid(key, code=code, char=char, position=position, charset=USCC_CHARSET)
        if 3 <= position <= 8 and not char.isdigit():
            raise Invalid("uscc.division", code=code, char=char, position=position)


def uscc_check_digit(first17: str) -> str:
    """Return the 18th character of a USCC from its first 17 (GB 32100-2015, weights 3^i mod 31)."""
    body = _normalise(first17)
    if len(body) != 17:
        raise ValueError(f"a USCC body needs 17 characters to compute the check digit, got {len(body)}")
    _check_uscc_characters(body)
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[-total % 31]


def check_uscc_format(code: str) -> str:
    """Return the normalised USCC if its length and characters are right, without judging the check digit.

    Kept apart from ``validate_uscc`` so that a real code whose check digit fails can still be loaded
    and the failure reported as an overridable rule rather than a load error.
    """
    normalised = _normalise(code)
    if len(normalised) != 18:
        raise Invalid("uscc.length", code=normalised, length=len(normalised))
    _check_uscc_characters(normalised)
    return normalised


def validate_uscc(code: str) -> str:
    """Return the normalised USCC, or raise ValueError naming the length, character or check-digit fault.

    The inner GB 11714 organisation-code check is deliberately not enforced here because many
    genuine codes fail it; call ``organization_code_valid(code[8:17])`` to raise a warning instead.
    """
    normalised = check_uscc_format(code)
    expected = uscc_check_digit(normalised[:17])
    if normalised[17] != expected:
        raise Invalid("uscc.check_digit", code=normalised, found=normalised[17], expected=expected)
    return normalised


def organization_code_valid(code9: str) -> bool:
    """Whether USCC positions 9-17 pass the GB 11714 organisation-code check.

    A predicate rather than a validator: real USCCs fail it often enough that a failure is only
    worth a warning, never a rejection.
    """
    code = _normalise(code9)
    if len(code) != 9 or any(char not in ALPHANUMERIC for char in code[:8]):
        return False
    # eight weights for nine characters: zip stops before the check character
    total = sum(ALPHANUMERIC.index(char) * weight
                for char, weight in zip(code, ORGANIZATION_CODE_WEIGHTS, strict=False))
    remainder = 11 - total % 11
    expected = {10: "X", 11: "0"}.get(remainder, str(remainder))
    return code[8] == expected


# --- Legal Entity Identifier (ISO 17442, check digits per ISO 7064 MOD 97-10) ------------------------


def lei_check_digits(first18: str) -> str:
    """Return the two check digits that complete an 18-character LEI prefix."""
    body = _normalise(first18)
    if len(body) != 18:
        raise ValueError(f"an LEI body needs 18 characters to compute the check digits, got {len(body)}")
    _require_alphanumeric(body, "LEI body")
    return f"{98 - int(_expand_letters(body + '00')) % 97:02d}"


def validate_lei(code: str) -> str:
    """Return the normalised LEI, or raise ValueError naming the length, character or check-digit fault."""
    normalised = _normalise(code)
    if len(normalised) != 20:
        raise ValueError(f"LEI {normalised!r} has {len(normalised)} characters; an LEI has exactly 20")
    _require_alphanumeric(normalised, "LEI")
    if not normalised[18:].isdigit():
        raise ValueError(
            f"LEI {normalised!r} must end in two digits (its check digits), not {normalised[18:]!r}"
        )
    expected = lei_check_digits(normalised[:18])
    if normalised[18:] != expected:
        raise Invalid("lei.check_digits", code=normalised, found=normalised[18:], expected=expected)
    return normalised


# --- ISIN (ISO 6166) ---------------------------------------------------------------------------------

# Prefixes ANNA allocates besides ISO 3166 country codes. Internal, non-unique prefixes (QS, QT, XF)
# are left out on purpose: an ISIN quoted in a filing must be one that identifies a security globally.
ISIN_SPECIAL_PREFIXES = frozenset(
    {
        "XS",  # international securities (Euroclear / Clearstream): typical for offshore notes
        "EU",  # securities issued by European Union institutions
        "EZ",  # OTC derivatives (ANNA Derivatives Service Bureau)
        "XA",  # CUSIP Global Services acting as substitute numbering agency
        "XB",  # NSD Russia acting as substitute numbering agency
        "XC",  # WM Datenservice acting as substitute numbering agency
        "XD",  # SIX Financial Information acting as substitute numbering agency
        "XK",  # Kosovo, which has no ISO 3166 code
    }
)


def _isin_prefix_allowed(prefix: str) -> bool:
    return prefix in ISIN_SPECIAL_PREFIXES or pycountry.countries.get(alpha_2=prefix) is not None


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for index, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value // 10 + value % 10
    return str(-total % 10)


def validate_isin(code: str) -> str:
    """Return the normalised ISIN, or raise ValueError naming the length, prefix or check-digit fault."""
    normalised = _normalise(code)
    if len(normalised) != 12:
        raise ValueError(f"ISIN {normalised!r} has {len(normalised)} characters; an ISIN has exactly 12")
    _require_alphanumeric(normalised, "ISIN")
    prefix = normalised[:2]
    if not _isin_prefix_allowed(prefix):
        raise ValueError(
            f"ISIN {normalised!r} starts with {prefix!r}, which is neither an ISO 3166 country code "
            f"nor a prefix allocated by ANNA ({', '.join(sorted(ISIN_SPECIAL_PREFIXES))})"
        )
    if not normalised[11].isdigit():
        raise ValueError(f"ISIN {normalised!r} must end in a digit (its check digit), not {normalised[11]!r}")
    expected = _luhn_check_digit(_expand_letters(normalised[:11]))
    if normalised[11] != expected:
        raise Invalid("isin.check_digit", code=normalised, found=normalised[11], expected=expected)
    return normalised


# --- EVM address (EIP-55) ----------------------------------------------------------------------------

_HEX_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")


def validate_evm_address(address: str) -> str:
    """Return the EIP-55 checksummed form of an EVM address.

    A single-case address carries no checksum and is accepted; a mixed-case one must match its
    EIP-55 checksum, because a wrong mix signals a typo that could send tokens to a stranger.
    """
    stripped = unicodedata.normalize("NFKC", address).strip()
    if not _HEX_ADDRESS.fullmatch(stripped):
        raise ValueError(f"EVM address {stripped!r} must be '0x' followed by 40 hexadecimal characters")
    from eth_utils import to_checksum_address  # eth_utils costs ~0.2 s to import: only for deals with an address

    checksummed = to_checksum_address(stripped)
    hex_part = stripped[2:]
    single_case = hex_part == hex_part.lower() or hex_part == hex_part.upper()
    if not single_case and stripped != checksummed:
        raise Invalid("evm.checksum", address=stripped, checksummed=checksummed)
    return checksummed


# --- Currency (ISO 4217) -----------------------------------------------------------------------------

# Offshore renminbi is traded and quoted as CNH although ISO 4217 only knows CNY; deals settle in
# it, so it is accepted as a currency in its own right.
MARKET_CURRENCY_CODES = frozenset({"CNH"})


def validate_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 alpha-3 code (or CNH), or raise ValueError."""
    normalised = _normalise(code)
    if normalised in MARKET_CURRENCY_CODES or (
        len(normalised) == 3 and pycountry.currencies.get(alpha_3=normalised) is not None
    ):
        return normalised
    raise Invalid("currency.unknown", code=normalised)
