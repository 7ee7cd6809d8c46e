"""The colours pod-advisor gives to severities, controllers and container roles (the styling
itself, which degrades to plain text, is advisor.system.text.Style)."""

from __future__ import annotations

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "blue"}
# The colours of a design, in the text drawing and in the pictures (render/graph.py).
CONTROLLER_COLOUR = "cyan"
MAIN_COLOUR, HELPER_COLOUR = "green", "magenta"


def role_colour(role: str) -> str:
    """The main container green; every helper (sidecar, adapter, ambassador, init) magenta."""
    return MAIN_COLOUR if role == "main" else HELPER_COLOUR
