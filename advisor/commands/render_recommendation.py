"""Rendering a recommendation in the format a command was asked for."""

from __future__ import annotations


def render(recommendation, fmt: str, env, explain: bool = False) -> str:
    if fmt == "json":
        from ..render.structured import to_json

        return to_json(recommendation)
    if fmt == "yaml":
        from ..render.structured import to_yaml

        return to_yaml(recommendation)
    from ..knowledge import knowledge_base
    from ..render.style import Style
    from ..render.text import render_text

    return render_text(recommendation, knowledge_base(), Style(env.color, env.unicode), explain=explain)
