"""Fuzzing `filing check` and `filing pool` in-process, as a user runs them on a folder holding a deal and its tape:
the exit code is 0, 1 or 2, `--format json` prints exactly one JSON object of the contract's shape, an input error
names its file, and nothing is written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from deal_strategies import DEAL_FORMATS, deal_bytes, dump, mutated_deals, valid_deals
from fuzz_support import budget
from hypothesis import given
from hypothesis import strategies as st
from tape_strategies import broken_tapes, valid_tapes
from typer.testing import CliRunner

from filing.cli import app
from filing.model.deal import AssetClass


@st.composite
def deal_folders(draw) -> tuple[bytes, bytes]:
    """(deal file, tape) of one asset class; either may be valid or broken."""
    asset_class = draw(st.sampled_from(AssetClass))
    trees = valid_deals(asset_class)
    texts = st.tuples(trees | mutated_deals(trees), st.sampled_from(DEAL_FORMATS)).map(
        lambda pair: dump(*pair).encode())
    return draw(texts | deal_bytes()), draw(valid_tapes(asset_class) | broken_tapes(asset_class))


@budget(20)
@given(files=deal_folders(), command=st.sampled_from(["check", "pool"]), fmt=st.sampled_from(["json", "text"]))
def test_fuzz_cli_check_and_pool(files, command, fmt):
    with tempfile.TemporaryDirectory() as folder:
        deal, tape = Path(folder) / "deal.yaml", Path(folder) / "tape.bin"
        deal.write_bytes(files[0])
        tape.write_bytes(files[1])
        result = CliRunner().invoke(app, [command, str(deal), "--format", fmt])
        assert sorted(Path(folder).iterdir()) == [deal, tape], "check and pool write nothing"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1, 2), result.output
    if fmt == "json":
        payload = json.loads(result.stdout)
        assert isinstance(payload, dict) and payload["ok"] is (result.exit_code == 0)
        for finding in payload["findings"]:
            assert finding["severity"] in ("blocker", "warning", "info") and finding["rule"]
            assert isinstance(finding["path"], str) and finding["message"]
    elif result.exit_code == 2:  # the deal, or the tape it names (which may not exist)
        assert f"{folder}/" in result.stderr, result.stderr
