"""What a finding says first, one text per finding id, for the engine (which reads answers)
and review (which reads a manifest) alike. Each adds only what it alone knows: the engine
the answer behind it, review the evidence and the rewrite --suggest writes."""

from __future__ import annotations


def bare_pod(name: str) -> str:
    return (f"{name} is a bare Pod: when its node fails, it is evicted or the node is drained, nothing "
            f"recreates it.")


def sidecar_blocks_completion(helper: str, controller: str, main: str) -> str:
    """``controller``: the kind whose Pod it is (a bare "Pod" too)."""
    pod = "Pod" if controller == "Pod" else f"{controller} Pod"
    return (f"{helper} is an ordinary container in a {pod} whose work finishes: it keeps running after {main} "
            f"exits, so the Pod never completes.")
