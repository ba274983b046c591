"""The message catalogue: both languages in every entry with the same placeholders, hints that exist, and the
English of pydantic's error types still pydantic's own words (so the English messages did not change)."""

from __future__ import annotations

from string import Formatter

import pytest
from pydantic_core import _pydantic_core

from filing import i18n
from filing.errors import Invalid, Problem

CATALOGUE = i18n.catalogue()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_entry_has_both_languages_with_the_same_placeholders(key):
    entry = CATALOGUE[key]
    assert set(entry) <= {"en", "zh", "hint"}, entry
    assert entry["en"].strip() and entry["zh"].strip()
    assert placeholders(entry["en"]) == placeholders(entry["zh"])


@pytest.mark.parametrize("key", sorted(k for k, v in CATALOGUE.items() if "hint" in v))
def test_hint_exists_and_needs_no_more_than_its_message(key):
    target = CATALOGUE[key]["hint"]
    assert target.startswith("hint.") and "hint" not in CATALOGUE[target]
    assert placeholders(CATALOGUE[target]["en"]) <= placeholders(CATALOGUE[key]["en"])


def test_field_entries_say_what_pydantic_says():
    templates = {e["type"]: e["message_template_python"] for e in _pydantic_core.list_all_errors()}
    for key in (k for k in CATALOGUE if k.startswith("field.") and k.removeprefix("field.") in templates):
        expected = templates[key.removeprefix("field.")].replace("Input should be", "should be")
        assert CATALOGUE[key]["en"] == expected.replace("String should", "text should"), key


@pytest.mark.parametrize(("value", "lang"), [(None, "en"), ("zh", "zh"), ("zh_CN.UTF-8", "zh"), ("ZH-Hans", "zh"),
                                             ("en_GB", "en"), (" en ", "en")])
def test_language(value, lang):
    assert i18n.language(value) == lang


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="en or zh"):
        i18n.language("fr")


def test_problem_in_both_languages_keeps_its_location():
    error = Invalid("jurisdiction.unknown", name="Xanadu")
    problem = Problem.of("deal.yaml", error.key, path="issuer.jurisdiction", line=3, column=5, **error.params)
    assert str(error) == problem.message and str(problem) == problem.text("en")
    assert problem.text("en").startswith("deal.yaml:3:5: issuer.jurisdiction: unknown jurisdiction 'Xanadu'")
    assert problem.text("zh").startswith("deal.yaml:3:5: issuer.jurisdiction: 未知司法辖区 'Xanadu'")
    assert problem.advice("zh") == i18n.text("hint.jurisdiction", "zh")


def test_a_problem_without_a_catalogue_entry_falls_back_to_english_and_the_general_hint():
    problem = Problem("tape.csv", "TAPE-06 something new", line=4)
    assert problem.text("zh") == problem.text("en") == "tape.csv:4: TAPE-06 something new"
    assert problem.as_dict() == {"file": "tape.csv", "line": 4, "column": None, "path": "",
                                 "message": "TAPE-06 something new", "message_zh": "TAPE-06 something new",
                                 "hint": i18n.text("hint.fix_and_rerun"),
                                 "hint_zh": i18n.text("hint.fix_and_rerun", "zh")}
