"""Reading a deployed token's terms next to the deal's: the evidence the CHAIN rules judge (`filing.rules.chain`).

Why: nothing else ties the on-chain instrument to the filed documents. A token whose cap, decimals or maturity
differ from the offering documents, or whose jurisdiction lists drift from the deal, is a different instrument from
the one filed; a token without the manifest hash cannot be tied to the packet at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

from filing.chain.adapters import TokenAdapter
from filing.chain.deploy import TokenTerms
from filing.chain.report import ConfigCheck
from filing.chain.weakness import MANIFEST_FIELD

DAY = 86_400


def _iso(ts: int | None) -> str | None:
    """Unix seconds as ISO time; a uint64 past what a datetime holds (year 9999) is shown as its number."""
    if ts is None:
        return None
    try:
        return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")
    except (ValueError, OverflowError, OSError):
        return f"{ts} s after 1970 (past 9999-12-31)"


def config_checks(adapter: TokenAdapter, terms: TokenTerms) -> list[ConfigCheck]:
    """Each tranche term read from the token next to the deal's value; `ok` is None where the token is silent."""
    def same(field: str, expected: object, actual: object) -> ConfigCheck:
        return ConfigCheck(field, expected, actual, None if actual is None else actual == expected)

    maturity = adapter.maturity()
    checks = [same("name", terms.name, adapter.name()), same("symbol", terms.symbol, adapter.symbol()),
              same("decimals", terms.decimals, adapter.decimals()), same("cap", terms.cap, adapter.cap()),
              # Any second of the legal-maturity day (UTC) is accepted: tools differ on 00:00 or 23:59:59.
              ConfigCheck("maturity", _iso(terms.maturity), _iso(maturity),
                          None if maturity is None else terms.maturity - DAY <= maturity <= terms.maturity)]
    excluded, allowed = adapter.excluded(), adapter.allowed()
    excluded = None if excluded is None else sorted(excluded)
    allowed = None if allowed is None else sorted(allowed)
    checks.append(ConfigCheck("excluded_jurisdictions", list(terms.excluded), excluded,
                              None if excluded is None else set(terms.excluded) <= set(excluded)))
    checks.append(ConfigCheck("allowed_jurisdictions", list(terms.allowed), allowed,
                              None if allowed is None else set(terms.allowed) == set(allowed)))
    return checks


def document_check(adapter: TokenAdapter, manifest_sha256: str | None) -> ConfigCheck:
    """The `filing.manifest` document hash (ERC-1643) next to the packet's manifest, when one is given."""
    recorded = adapter.document_hash()
    actual = "0x" + recorded.hex() if recorded is not None and any(recorded) else None
    expected = "0x" + manifest_sha256.removeprefix("0x").lower() if manifest_sha256 else None
    return ConfigCheck(MANIFEST_FIELD, expected, actual, None if expected is None else actual == expected)
