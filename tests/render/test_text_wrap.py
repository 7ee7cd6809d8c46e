"""Lines filled to the terminal's width: ``advisor.system.text.wrap`` gives what ``textwrap.wrap`` gives (words
broken on spaces only), whether it fills the lines itself (words one space apart, each fitting a line) or hands
the text to textwrap (issue 26: filling them itself is a fifth of textwrap's cost)."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.system.text import wrap

WORDS = st.sampled_from(["a", "pod", "web-0.nginx", "clusterIP:", "None", "é", "ReplicaSet", "x" * 30, "y" * 90,
                         "--cascade=orphan", "(its", "Pods)", "."])
SPACES = st.sampled_from([" ", " ", " ", "  ", "\t", "\xa0", "\n"])


def textwrap_of(text: str, indent: str, width: int, first: str | None) -> list[str]:
    return textwrap.wrap(text, width=width, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [indent.rstrip()]


@settings(max_examples=500, deadline=None)
@given(words=st.lists(WORDS, max_size=40), spaces=st.lists(SPACES, max_size=40),
       indent=st.integers(0, 12).map(" ".__mul__), first=st.sampled_from([None, "", "  ", "      fix: "]),
       width=st.integers(24, 100))
def test_wrap_fills_lines_as_textwrap_does(words, spaces, indent, first, width):
    text = "".join(word + (spaces[i] if i < len(spaces) else " ") for i, word in enumerate(words)).rstrip(" ")
    assert wrap(text, indent, width, first) == textwrap_of(text, indent, width, first)


def test_a_message_of_single_spaced_words_fills_each_line_up_to_the_width():
    lines = wrap("nginx declares no CPU or memory: the scheduler cannot place it by need and it is the first to be "
                 "evicted under pressure.", "      ")
    assert lines == ["      nginx declares no CPU or memory: the scheduler cannot place it by need",
                     "      and it is the first to be evicted under pressure."]


def test_an_empty_text_is_one_line_of_the_indent_without_its_trailing_spaces():
    assert wrap("", "      ") == [""]
