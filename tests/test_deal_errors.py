"""Malformed deal files: each error names the file, the line and column, and the field path; exit code 2; nothing
is written anywhere."""

from __future__ import annotations

import json
import re

import pytest
from deal_edits import TRADE_RECEIVABLES
from typer.testing import CliRunner

from filing.cli import app

ORIGINAL = TRADE_RECEIVABLES.read_text(encoding="utf-8")

# (case id, text to replace in the example, replacement, expected field path, text on the expected line)
CASES = [
    ("uscc-short", "  uscc: 91440300AY4CL12T24", "  uscc: 91440300AY4CL12T2", "filer.uscc",
     "uscc: 91440300AY4CL12T2\n"),
    ("uscc-letter-O", "  uscc: 91440300AY4CL12T24", "  uscc: 91440300AY4CLO2T24", "filer.uscc", "AY4CLO2T24"),
    ("lei-check-digits", "lei: 254900ABCD1234EFGH49", "lei: 254900ABCD1234EFGH48", "issuer.lei", "EFGH48"),
    ("isin-check-digit", "      symbol: HXSC-A\n", "      symbol: HXSC-A\n      isin: US0378331006\n",
     "token.tranches[0].isin", "US0378331006"),
    ("evm-checksum", "      symbol: HXSC-B\n",
     "      symbol: HXSC-B\n      address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'\n",
     "token.tranches[1].address", "0x5aAeb"),
    ("unknown-jurisdiction", "  jurisdiction: Hong Kong\n", "  jurisdiction: Xanadu\n", "issuer.jurisdiction",
     "Xanadu"),
    ("unknown-jurisdiction-in-list", "[CN, US]", "[CN, Atlantis]", "offering.investors.excluded_jurisdictions[1]",
     "Atlantis"),
    ("currency", "      currency: USD\n      coupon_rate: 0.052", "      currency: USX\n      coupon_rate: 0.052",
     "token.tranches[0].currency", "USX"),
    ("region-code", 'region_code: "440300"', 'region_code: "990000"', "filer.region_code", "990000"),
    ("unknown-field", "  legal_representative: 陈立明", "  legal_representativ: 陈立明", "filer.legal_representativ",
     "legal_representativ:"),
    ("missing-field", "  name_en: Shenzhen Qianhai Huaxun Supply Chain Management Co., Ltd.\n  address_zh",
     "  address_zh", "filer.name_en", "filer:"),
    ("asset-class", "asset_class: trade_receivables", "asset_class: mortgages", "assets.asset_class", "mortgages"),
    ("impossible-date", "cut_off_date: 2026-09-30", "cut_off_date: 2026-02-30", "assets.cut_off_date", "2026-02-30"),
    ("negative-principal", 'principal: "30000000"', 'principal: "-30000000"', "token.tranches[1].principal",
     "-30000000"),
    ("rate-as-percent", "coupon_rate: 0.052", "coupon_rate: 5.2", "token.tranches[0].coupon_rate", "5.2"),
    ("bool-as-text", "  ownership_dispute: false", "  ownership_dispute: 'no'", "assets.ownership_dispute", "'no'"),
    ("decimals-too-many", "      decimals: 6\n    - id: B", "      decimals: 30\n    - id: B",
     "token.tranches[0].decimals", "decimals: 30"),
    ("symbol-lowercase", "symbol: HXSC-C", "symbol: hxsc-c", "token.tranches[2].symbol", "hxsc-c"),
    ("tranche-id-repeated", "    - id: C\n", "    - id: B\n", "token.tranches", "  tranches:"),
    ("schema-version", 'schema_version: "1.0"', 'schema_version: "2.0"', "schema_version", 'schema_version: "2.0"'),
    ("email", "li.jing@huaxun-sc.example", "li.jing-at-huaxun", "filing.contacts[0].email", "li.jing-at-huaxun"),
    ("allowed-and-excluded", "[HK, SG, GB, AE, KY]", "[HK, SG, GB, AE, KY, US]", "offering.investors",
     "  investors:"),
    ("not-applicable-without-reason", "    not_applicable_reason: The filer is not", "    reason: The filer is not",
     "approvals[0].reason", "reason: The filer is not"),
    ("amount-not-a-number", 'pool_balance: "1200000000.00"', 'pool_balance: "1.2 billion"', "assets.pool_balance",
     "1.2 billion"),
    ("date-as-number", "launch_date: 2027-01-15", "launch_date: 20270115", "offering.launch_date", "20270115"),
    ("officers-empty", "  officers:\n    - {name: 陈立明, role: director}\n    - {name: 王慧, role: director}\n"
     "    - {name: 赵建国, role: supervisor}\n    - {name: 李静, role: senior_manager}\n", "  officers: []\n",
     "filer.officers", "officers: []"),
    ("officer-role", "{name: 赵建国, role: supervisor}", "{name: 赵建国, role: chairman}", "filer.officers[2].role",
     "role: chairman"),
    ("title-too-long", "title_en: Huaxun Supply Chain Trade Receivables ABS Token 2026-1",
     "title_en: " + "X" * 5000, "title_en", "XXXXX"),
    ("sfc-ce-number", "sfc_ce_number: BTZ201", "sfc_ce_number: 12345", "offering.venue.sfc_ce_number", "12345"),
    ("fx-rate-zero", 'fx_to_pool: {USD: "7.10"}', 'fx_to_pool: {USD: "0"}', "cashflow.fx_to_pool.USD", "fx_to_pool"),
    ("peg-currency", "    peg_currency: USD", "    peg_currency: DOLLARS", "token.settlement_asset.peg_currency",
     "DOLLARS"),
    ("negative-list-code", "  originator_affiliates: []", "  negative_list_flags: [NL9]",
     "assets.negative_list_flags[0]", "NL9"),
    ("scenario-name", "{name: base, label_zh", "{name: Base Case, label_zh", "cashflow.base.name", "Base Case"),
    ("extra-top-level", "deal_id: HXSC-TR-2026-01\n", "deal_id: HXSC-TR-2026-01\nnotes: hello\n", "notes",
     "notes: hello"),
]


def run(tmp_path, text: str | bytes, name: str = "deal.yaml", *args: str):
    deal = tmp_path / name
    deal.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["check", str(deal), *args])
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "a failed check must write nothing"
    return result, deal


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize(("case", "old", "new", "path", "marker"), CASES, ids=[c[0] for c in CASES])
def test_located_error(tmp_path, case, old, new, path, marker):
    assert old in ORIGINAL, f"case {case} no longer matches the example"
    text = ORIGINAL.replace(old, new, 1)
    result, deal = run(tmp_path, text)
    assert result.exit_code == 2, result.output
    expected_line = line_of(text, marker)
    pattern = rf"{re.escape(str(deal))}:{expected_line}:\d+: {re.escape(path)}: "
    assert re.search(pattern, result.output), result.output


def test_json_output_of_an_input_error_is_one_object(tmp_path):
    result, deal = run(tmp_path, ORIGINAL.replace("asset_class: trade_receivables", "asset_class: x"), "deal.yaml",
                       "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["errors"][0]["path"] == "assets.asset_class"
    assert data["errors"][0]["line"] == line_of(ORIGINAL, "asset_class: trade_receivables")
    assert data["findings"][0]["severity"] == "blocker"


def test_several_errors_are_reported_together(tmp_path):
    text = ORIGINAL.replace("asset_class: trade_receivables", "asset_class: x").replace("jurisdiction: Hong Kong",
                                                                                         "jurisdiction: Xanadu")
    result, _ = run(tmp_path, text)
    assert result.exit_code == 2
    assert "assets.asset_class" in result.output and "issuer.jurisdiction" in result.output


@pytest.mark.parametrize(("case", "text", "line", "words"), [
    ("duplicate-key", ORIGINAL.replace("deal_id: HXSC-TR-2026-01\n", "deal_id: A\ndeal_id: B\n"), 7, "duplicate key"),
    ("tab-indent", ORIGINAL.replace("  uscc: 91440300AY4CL12T24", "\tuscc: 91440300AY4CL12T24", 1), 11, "YAML syntax"),
    ("unclosed-flow", ORIGINAL.replace("[CN, US]", "[CN, US"), None, "YAML syntax"),
    ("not-a-mapping", "- just\n- a list\n", 1, "must be a mapping"),
    ("empty", "", 1, "must be a mapping"),
    ("gb18030", ORIGINAL.encode("gb18030"), None, "not UTF-8"),
    ("alias-bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)),
     None, "alias bomb"),
])
def test_unreadable_files(tmp_path, case, text, line, words):
    result, deal = run(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert str(deal) in result.output and words in result.output
    if line is not None:
        assert f"{deal}:{line}:" in result.output


def test_json_deal_errors_are_located(tmp_path):
    text = '{\n  "schema_version": "1.0",\n  "deal_id": 42\n}\n'
    result, deal = run(tmp_path, text, "deal.json")
    assert result.exit_code == 2
    assert f"{deal}:3:14: deal_id: should be a valid string" in result.output


def test_missing_file_is_an_input_error(tmp_path):
    result = CliRunner().invoke(app, ["check", str(tmp_path / "absent.yaml")])
    assert result.exit_code == 2 and "cannot read the file" in result.output
