"""Fuzzing the loader and the rulebook: a deal file either loads and checks, or fails with located InputErrors;
no input makes them raise anything else."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from deal_strategies import DEAL_FORMATS, deal_bytes, deal_encodings, dump, mutated_deals, valid_deals
from fuzz_support import assert_located, budget
from hypothesis import example, given
from hypothesis import strategies as st

import filing
from filing.errors import InputError


def load_and_check(data: bytes) -> filing.LoadedDeal | InputError:
    """What `filing check` does with a deal file, minus the tape: load, check, hash, serialise."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "deal.yaml"
        path.write_bytes(data)
        try:
            loaded = filing.load_deal(path)
        except InputError as error:
            assert_located(error, path)
            return error
    report = filing.check_deal(loaded)
    json.dumps(report.to_dict() | {"deal_sha256": loaded.sha256()}, ensure_ascii=False)
    for finding in report.findings:
        assert finding.rule and finding.message
    return loaded


@budget(20)
@given(tree=valid_deals(), fmt=st.sampled_from(DEAL_FORMATS), encoding=deal_encodings)
def test_fuzz_valid_deals_load_and_check(tree, fmt, encoding):
    outcome = load_and_check(dump(tree, fmt).encode(encoding))
    assert not isinstance(outcome, InputError), str(outcome)


@budget(40)
@given(tree=mutated_deals(), fmt=st.sampled_from(DEAL_FORMATS))
@example(tree={"schema_version": "1.0", "a\nb\x85": 1}, fmt="json")  # an unknown field's name broke the line
@example(tree={"schema_version": "1.0", "assets": {"pool_balance": "1\r2"}}, fmt="json")  # so did a bad number
def test_fuzz_mutated_deals_fail_located(tree, fmt):
    load_and_check(dump(tree, fmt).encode())


@budget(80)
@given(data=deal_bytes())
@example(data=b'{"deal_id": "A\x7fB"}')  # a control character: was an unlocated two-line message
@example(data=b"[" * 1200)  # nested deeper than the parser recurses: was a RecursionError
@example(data=b"a:\n" + b"".join(b" " * depth + b"b:\n" for depth in range(1, 400)))
def test_fuzz_broken_deal_files_fail_located(data):
    load_and_check(data)
