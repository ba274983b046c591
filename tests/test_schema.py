"""`filing schema` is a real JSON Schema that editors can use: every example deal validates against it, and a
typo'd field does not."""

from __future__ import annotations

import json

import pytest
from deal_edits import EXAMPLES, example_tree
from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from filing.cli import app


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*/deal.yaml")), ids=lambda p: p.parent.name)
def test_examples_validate(validator, example):
    assert list(validator.iter_errors(example_tree(example))) == []


def test_unknown_field_is_flagged(validator):
    tree = example_tree(EXAMPLES / "trade-receivables" / "deal.yaml")
    tree["filer"]["uscc_code"] = tree["filer"].pop("uscc")
    messages = [e.message for e in validator.iter_errors(tree)]
    assert any("uscc_code" in m for m in messages) and any("'uscc' is a required property" in m for m in messages)
