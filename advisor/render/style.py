"""Terminal styling that degrades to plain text (no colour, or no Unicode)."""

from __future__ import annotations

_CODES = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "blue": "34", "magenta": "35",
          "cyan": "36"}
SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
# The colours of a design, in the text drawing and in the pictures (render/graph.py).
CONTROLLER_COLOUR = "cyan"
MAIN_COLOUR, HELPER_COLOUR = "green", "magenta"


def role_colour(role: str) -> str:
    """The main container green; every helper (sidecar, adapter, ambassador, init) magenta."""
    return MAIN_COLOUR if role == "main" else HELPER_COLOUR


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
