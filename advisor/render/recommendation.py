"""Rendering a recommendation in the format a command was asked for."""

from __future__ import annotations

from advisor.kb.knowledge import knowledge_base
from advisor.render.structured import to_json, to_yaml
from advisor.render.text import render_text
from advisor.system.text import Style


def render(recommendation, fmt: str, env, explain: bool = False) -> str:
    """The text of ``fmt``; ``svg`` raises GraphvizMissing or GraphvizFailed (render/graph.py)."""
    if fmt in ("mermaid", "dot", "svg"):
        from advisor.render import graph

        if fmt == "svg":
            return graph.to_svg(recommendation, path=env.environ.get("PATH"))
        return graph.to_mermaid(recommendation) if fmt == "mermaid" else graph.to_dot(recommendation)
    if fmt == "json":
        return to_json(recommendation)
    if fmt == "yaml":
        return to_yaml(recommendation)

    return render_text(recommendation, knowledge_base(), Style(env.color, env.unicode), explain=explain)
