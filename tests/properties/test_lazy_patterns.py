"""``advisor.system.patterns.lazy`` answers as the compiled pattern does, before and after its first use."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.system.patterns import lazy

PATTERN = r"([0-9]+)(?:\.([a-z]*))?"


@given(st.text(alphabet="0123456789.abz ", max_size=12))
def test_a_lazy_pattern_matches_as_the_compiled_one(text):
    compiled, deferred = re.compile(PATTERN), lazy(PATTERN)
    for method in ("match", "fullmatch", "search"):
        found, expected = getattr(deferred, method)(text), getattr(compiled, method)(text)
        assert (found and found.groups()) == (expected and expected.groups())
    assert deferred.sub("#", text) == compiled.sub("#", text)
    assert deferred.split(text) == compiled.split(text)
    assert deferred.findall(text) == compiled.findall(text)


def test_a_lazy_pattern_keeps_its_text_and_flags():
    deferred = lazy("a+", re.IGNORECASE)
    assert (deferred.pattern, deferred.flags) == ("a+", re.IGNORECASE)
    assert deferred.fullmatch("AAa")


def test_a_lazy_pattern_is_compiled_once(monkeypatch):
    deferred = lazy("b+")
    assert deferred.match("bb")
    monkeypatch.setattr(re, "compile", lambda *args: pytest.fail("compiled again"))
    assert deferred.fullmatch("bbb") and deferred.search("abc")


def test_a_lazy_pattern_has_no_other_attributes():
    with pytest.raises(AttributeError):
        lazy("c").groupindex
