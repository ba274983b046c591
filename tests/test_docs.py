"""The generated reference docs (deal file, rule catalogue) match the code they are generated from."""

from __future__ import annotations

import runpy
from pathlib import Path

GENERATE = Path(__file__).resolve().parents[1] / "docs" / "generate.py"


def test_generated_docs_are_current() -> None:
    generator = runpy.run_path(str(GENERATE))
    assert generator["stale"]() == [], "run `python docs/generate.py` and commit docs/"


def test_the_references_name_every_rule_and_the_fixed_deal_paths() -> None:
    generator = runpy.run_path(str(GENERATE))
    import filing

    catalogue, reference = generator["rule_catalogue"](), generator["deal_reference"]()
    assert all(f"## {rule.code}\n" in catalogue for rule in filing.rulebook().rules)
    for path in ("filer.uscc", "assets.asset_class", "assets.tape", "issuer.jurisdiction", "token.tranches",
                 "token.settlement_asset.peg_currency", "offering.investors.allowed_jurisdictions"):
        assert f"| `{path}` |" in reference
