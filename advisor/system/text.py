"""Text that is shown, never obeyed: control characters from input, escaped.

A container name, an image, a key or a file name can hold an escape sequence
(``\\x1b]0;owned\\x07`` retitles a terminal, ``\\x1b[2J`` clears it), a bidirectional
override that reorders what is shown (U+202E), a line separator, or the bytes of a
file name that is not UTF-8 (Python keeps them as lone surrogates, which no
UTF-8 stream can write). ``visible`` writes each of them as an escape a person
can read (``\\x1b``, ``\\u202e``, ``\\xff``); everything else is left alone.

It is applied where text leaves pod-advisor, not by each renderer:
``Environment`` streams for people (errors, notes, text reports) and the comments
of a manifest go through it, so a renderer cannot forget.
"""

from __future__ import annotations

import functools
import re
import textwrap

from advisor.system.failure import Invalid
from advisor.system.patterns import lazy

# C0 but tab and newline, DEL and C1, the bidirectional controls, the line and paragraph
# separators, the BOM, and lone surrogates.
_UNSAFE = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
           "\ud800-\udfff")
# The SGR sequences Style below writes (reset, bold, dim, six colours), and only
# those: an injected one can at worst colour text, never hide it, move the cursor or retitle.
_STYLE = "\x1b\\[(?:[012]|3[1-6])(?:;(?:[012]|3[1-6]))*m"


@functools.lru_cache(maxsize=None)
def _pattern(styled: bool) -> re.Pattern:
    """Compiled on first use: every command imports this module, few print a control character."""
    return re.compile(f"({_STYLE})|[{_UNSAFE}]" if styled else f"[{_UNSAFE}]")


def _escape(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, styled: bool = False) -> str:
    """``text`` with every control character escaped; ``styled`` keeps Style's colour codes."""
    if text.isascii() and text.isprintable():  # the common case, without a regex
        return text
    if styled:
        return _pattern(True).sub(lambda m: m.group(1) or _escape(m.group(0)), text)
    return _pattern(False).sub(lambda m: _escape(m.group(0)), text)


def one_line(text: str) -> str:
    """``text`` from the input (a name, a file name, a value) as one line for people: its control
    characters escaped as ``visible`` does, and its line breaks too (``\\n``), so that a name
    holding one cannot start a line of its own (a forged summary, a finding that is not there)."""
    if "\n" in text:
        text = text.replace("\n", "\\n")
    return visible(text)


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal once shown: its escapes as written, a wide
    (East Asian) character two columns, a combining mark none. For laying out tables."""
    import unicodedata

    shown = visible(text)
    if shown.isascii():
        return len(shown)
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in shown)


class OutputError(Invalid):
    """Writing to standard output or error failed (a full disk); not a defect, not the input's."""

    def __init__(self, name: str, error: OSError):
        super().__init__(f"cannot write to {name}: {error.strerror or error}")
        self.error = error


class VisibleStream:
    """A text stream: what is written is ``visible`` (unless ``escape`` is off), a character
    the stream's encoding lacks is written as an escape instead of failing, and a failed
    write raises OutputError (BrokenPipeError stays itself: the reader left, as with ``| head``)."""

    def __init__(self, stream, styled: bool = False, escape: bool = True, name: str = "the output"):
        self.stream = stream.stream if isinstance(stream, VisibleStream) else stream  # never twice
        self.styled = styled
        self.escape = escape
        self.name = name

    def write(self, text: str) -> int:
        shown = visible(text, self.styled) if self.escape else text
        try:
            try:
                self.stream.write(shown)
            except UnicodeEncodeError:
                encoding = getattr(self.stream, "encoding", None) or "utf-8"
                self.stream.write(shown.encode(encoding, "backslashreplace").decode(encoding))
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.name, exc) from None
        return len(text)

    def around(self, stream) -> "VisibleStream":
        """The same treatment for another stream (the progress bar's, while it shows)."""
        return VisibleStream(stream, self.styled, self.escape, self.name)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(self.name, exc) from None

    def __getattr__(self, name):  # isatty, fileno, encoding, getvalue, ...: the stream's own
        return getattr(self.stream, name)


# -- styling and wrapping ---------------------------------------------------------

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35",
          "cyan": "36"}

class Style:
    def __init__(self, color: bool, unicode: bool = True):
        self.color = color
        self.unicode = unicode

    def __call__(self, text: str, *styles: str) -> str:
        if not self.color or not styles:
            return text
        codes = ";".join(_CODES[s] for s in styles)
        return f"\033[{codes}m{text}\033[0m"

    def glyph(self, fancy: str, plain: str) -> str:
        return fancy if self.unicode else plain


WIDTH = 78


# Whitespace other than one space between words: textwrap's own rules apply (``wrap``). Compiled where first used,
# as every module-level pattern of the package: only the commands that print filled text need it.
_UNUSUAL_SPACING = lazy(r"[^\S ]|  |^ | $")


def wrap(text: str, indent: str, width: int = WIDTH, first: str | None = None) -> list[str]:
    """``text`` filled into lines of at most ``width``, the first after ``first`` (else ``indent``), the others
    after ``indent``: what ``textwrap.wrap`` gives (words broken on spaces only).

    Text whose words are one space apart and each fit on a line (nearly every message) is filled here, word by
    word, which is what textwrap's greedy fill comes to for it, at a fifth of its cost (its chunking and
    per-chunk bookkeeping were a twentieth of a review's time); any other text goes to textwrap."""
    first = indent if first is None else first
    words = text.split(" ")
    room = width - max(len(first), len(indent))
    if not text or _UNUSUAL_SPACING.search(text) or room <= 0 or max(map(len, words)) > room:
        return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=indent,
                             break_on_hyphens=False) or [indent.rstrip()]
    lines = []
    line, used, room = [first, words[0]], len(words[0]), width - len(first)
    for word in words[1:]:
        if used + 1 + len(word) <= room:
            line += (" ", word)
            used += 1 + len(word)
        else:
            lines.append("".join(line))
            line, used, room = [indent, word], len(word), width - len(indent)
    lines.append("".join(line))
    return lines
