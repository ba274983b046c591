"""Asset classes live in one place (filing/assets): every registered class is complete (glossary label, scaffold,
tape template that reads back), no other module names a class, and the fourth class, supply-chain payables, works
end to end on its example (check, pool, build signed, review --rebuild)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from deal_edits import EXAMPLES, edited

import filing
from filing import scaffold
from filing.assets import SPECS, AssetClass, spec
from filing.packet.environment import load_glossary, make_environment
from filing.pool.schema import ALIASES, SCHEMAS, header_key

ROOT = Path(__file__).resolve().parents[1]
SUPPLY_CHAIN = EXAMPLES / "supply-chain-payables" / "deal.yaml"
KEY = EXAMPLES / "trade-receivables" / "test-key.txt"
SIGNER = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"


def test_the_registry_holds_every_class_module_and_the_model_takes_its_classes_from_it() -> None:
    modules = {p.stem for p in (ROOT / "filing" / "assets").glob("*.py")} - {"__init__", "spec", "columns"}
    assert set(SPECS) == modules == {c.value for c in AssetClass} == {c.value for c in SCHEMAS}
    assert filing.json_schema()["$defs"]["AssetClass"]["enum"] == list(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_class_names_itself_in_the_documents_and_every_alias_reads_back(name: str) -> None:
    glossary = load_glossary(make_environment())
    zh, en = glossary["zh"](f"asset_class_{name}"), glossary["en"](f"asset_class_{name}")
    assert (zh, en) == (spec(name).label_zh, spec(name).label_en) and not re.search(r"[A-Za-z_]", zh)
    for column in spec(name).columns:
        assert all(ALIASES[header_key(alias)] == column.name for alias in (column.name, *column.aliases))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_init_scaffolds_every_class_and_its_tape_template_has_the_class_columns(name: str, tmp_path: Path) -> None:
    deal, tape = scaffold.create(name, tmp_path / "deal")
    text = deal.read_text(encoding="utf-8")
    assert f"asset_class: {name}" in text and f"cashflow_basis: {spec(name).cashflow_basis}" in text
    assert all(line in text for line in spec(name).scaffold_assets)
    with pytest.raises(filing.InputError, match=r"token\.tranches\[0\]\.principal"):  # left at zero: the first step
        filing.load_deal(deal)
    deal.write_text(text.replace('principal: "0"', 'principal: "100000000.00"'), encoding="utf-8")
    with pytest.raises(filing.InputError, match="TAPE-03"):  # headers recognised, no rows yet: the next step
        filing.analyse(filing.load_deal(deal))
    assert tape.stat().st_size > 0


def test_no_module_outside_the_registry_names_an_asset_class() -> None:
    """Adding a class must not mean hunting for branches: only filing/assets and the glossary name classes."""
    names = re.compile("|".join(SPECS))
    found = [f"{path.relative_to(ROOT)}:{number}" for folder in ("filing", "templates")
             for path in sorted((ROOT / folder).rglob("*")) if path.is_file() and path.suffix in {".py", ".j2"}
             and "assets" not in path.relative_to(ROOT).parts
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if names.search(line)]
    assert found == []


@pytest.fixture(scope="module")
def supply_chain() -> filing.PoolReport:
    return filing.analyse(filing.load_deal(SUPPLY_CHAIN))


def test_the_supply_chain_tape_reads_its_chinese_headers_and_tests_creditor_dispersion(supply_chain) -> None:
    report = supply_chain
    assert report.tape.encoding == "utf-8-sig" and report.tape.unrecognised == ()
    assert {"creditor_id", "creditor_name", "creditor_uscc", "confirmation_date"} <= set(report.tape.columns)
    assert report.totals.matches_stated and report.totals.obligor_count == 6 and not report.blockers
    totals = json.loads((EXAMPLES / "tape_totals.json").read_text(encoding="utf-8"))["supply-chain-payables"]
    assert report.dispersion.party == "creditors" and report.dispersion.meets
    assert report.dispersion.unrelated_obligors == totals["creditors"] >= 10
    assert report.dispersion.max_allowed_share is None  # no cap figure was found, so none is applied
    assert report.cashflows.summary["base"]["tranches"]["A"]["repaid_in_full"]


def _with_tape(tmp_path: Path, edit) -> filing.LoadedDeal:
    """The supply-chain deal with its tape rewritten row by row by ``edit`` (header row untouched)."""
    rows = list(csv.reader(io.StringIO((SUPPLY_CHAIN.parent / "tape.csv").read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *(edit(i, row) for i, row in enumerate(rows[1:]))])
    (tmp_path / "tape.csv").write_text(out.getvalue(), encoding="utf-8")
    loaded = edited({}, SUPPLY_CHAIN)
    return filing.LoadedDeal(loaded.deal, tmp_path / "deal.yaml")


def _codes(loaded: filing.LoadedDeal) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for finding in filing.check_deal(loaded, filing.analyse(loaded)).findings:
        found.setdefault(finding.rule, set()).add(finding.path)
    return found


def test_creditor_dispersion_both_ways(tmp_path: Path) -> None:
    """CN-ABS-04 on a supply-chain pool counts suppliers; a guarantee does not waive it (only the obligor test)."""
    assert "CN-ABS-04" not in _codes(_with_tape(tmp_path, lambda i, row: row))
    few = _with_tape(tmp_path, lambda i, row: [*row[:5], f"SP{i % 4}", f"供应商{i % 4}", "", *row[8:]])
    assert _codes(few)["CN-ABS-04"] == {"assets.tape"}
    message = next(f for f in filing.check_deal(few, filing.analyse(few)).findings if f.rule == "CN-ABS-04")
    assert message.message == "4 creditors, fewer than 10" and message.message_zh == "债权人 4 个，少于 10 个"


def test_a_confirmation_after_the_cut_off_and_a_bad_supplier_uscc_are_tape_findings(tmp_path: Path) -> None:
    def spoil(i: int, row: list[str]) -> list[str]:
        if i == 0:
            row[15] = "2026-12-01"
        if i == 1:
            row[7] = row[7][:17] + ("0" if row[7][17] != "0" else "1")
        return row

    report = filing.analyse(_with_tape(tmp_path, spoil))
    found = {(f.code, f.column) for f in report.findings}
    assert {("TAPE-21", "confirmation_date"), ("TAPE-16", "creditor_uscc")} <= found


def test_a_missing_supplier_column_lists_the_headers_it_accepts(tmp_path: Path) -> None:
    loaded = _with_tape(tmp_path, lambda i, row: row)
    text = (tmp_path / "tape.csv").read_text(encoding="utf-8").replace("供应商名称", "名称", 1)
    (tmp_path / "tape.csv").write_text(text, encoding="utf-8")
    with pytest.raises(filing.InputError, match=r"TAPE-04 .*creditor_name \(供应商名称, 供应商, 债权人名称"):
        filing.analyse(loaded)


def _filing(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filing", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, "FILING_LANG": "en"}, timeout=600)


def test_the_supply_chain_example_checks_builds_and_reviews_end_to_end(tmp_path: Path) -> None:
    checked = _filing("check", SUPPLY_CHAIN, "--format", "json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["ok"]
    pooled = _filing("pool", SUPPLY_CHAIN, "--format", "json")
    assert pooled.returncode == 0 and json.loads(pooled.stdout)["pool"]["dispersion"]["party"] == "creditors"
    packet = tmp_path / "packet"
    built = _filing("-q", "build", SUPPLY_CHAIN, "-o", packet, "--sign-key-file", KEY)
    assert built.returncode == 0, built.stdout + built.stderr
    asset_report = (packet / "documents" / "02-asset-report.html").read_text(encoding="utf-8")
    assert "供应链应付账款" in asset_report and "债权人数" in asset_report
    reviewed = _filing("review", packet, "--rebuild", "--signer", SIGNER, "--format", "json")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    assert json.loads(reviewed.stdout)["verdict"] == "PASS"
