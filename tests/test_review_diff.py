"""The recursive JSON comparison behind `filing diff` and re-validation: paths spelled as findings spell them, and no
change is lost or invented."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from filing.review import Change, changes

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                                   max_size=4), max_leaves=20)


def test_paths_old_and_new() -> None:
    old = {"filer": {"name_en": "A"}, "token": {"tranches": [{"principal": "1"}, {"principal": "2"}]}, "x": 1}
    new = {"filer": {"name_en": "B"}, "token": {"tranches": [{"principal": "1"}]}, "y": [1]}
    assert changes(old, new) == [
        Change("filer.name_en", "A", "B"),
        Change("token.tranches[1]", {"principal": "2"}, None, "removed"),
        Change("x", 1, None, "removed"),
        Change("y", None, [1], "added"),
    ]


def test_a_null_is_not_an_absence() -> None:
    assert changes({"a": None}, {}) == [Change("a", None, None, "removed")]
    assert changes([], [None]) == [Change("[0]", None, None, "added")]


def test_a_type_change_is_one_change() -> None:
    assert changes({"a": [1, 2]}, {"a": {"0": 1}}) == [Change("a", [1, 2], {"0": 1})]


@given(JSON)
def test_a_value_has_no_changes_from_itself(value: Any) -> None:
    assert changes(value, value) == []


@given(JSON, JSON)
def test_changes_exactly_when_the_values_differ(old: Any, new: Any) -> None:
    found = changes(old, new)
    assert (found == []) == (old == new)
    assert all(c.old != c.new or c.kind != "changed" for c in found)
