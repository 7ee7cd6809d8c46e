"""Rules as first-class units.

``@rule(rule_id, *patterns)`` is experta's ``Rule`` plus a stable id. While a
rule fires, the engine knows which one it is, so every reason and finding it
records carries that id and the knowledge-base entries the id cites. The engine
refuses to start when a rule in the code has no entry in ``knowledge/rules`` or
an entry has no rule.
"""

from __future__ import annotations

import functools
import itertools

from advisor.domain.vocabulary import CommentPlace
from advisor.engine.experta_compat import Rule

# Each rule's place among all rules, in the order the code defines them: what breaks a tie between two
# activations of the same salience on the same facts (experta leaves that to the order its network
# happens to produce them in, which differs from one build of the network to the next).
_DEFINED = itertools.count()

SALIENCE = {"grouping": 60, "roles": 50, "placement": 40, "controller": 30, "service": 20, "operations": 15,
            "findings": 10}


def rule(rule_id: str, *patterns, concern: str, comment: CommentPlace | None):
    """Declare the experta rule ``rule_id`` of ``concern`` (which orders firing).

    ``comment``: where a written manifest says what the rule concluded (a place of
    advisor.domain.vocabulary), or None when its conclusion needs no comment there (the main
    container is the first one; a Deployment keeps the replicas asked for). Required, so a new
    rule cannot go unmentioned by accident."""

    def decorate(function):
        @functools.wraps(function)
        def fire(engine, **bound):
            engine.firing = rule_id
            try:
                function(engine, **bound)
            finally:
                engine.firing = None

        fire.defined = next(_DEFINED)  # on the action, so that experta's copies of the rule carry it too
        compiled = Rule(*patterns, salience=SALIENCE[concern])(fire)
        compiled.rule_id = rule_id
        compiled.concern = concern
        compiled.comment = comment
        return compiled

    return decorate


def comment_places(engine_class) -> dict[str, str | None]:
    """{rule id: where its conclusion goes in a manifest} for every rule of an engine class."""
    return {rule_id: compiled.comment for rule_id, compiled in rules_of(engine_class).items()}


def rules_of(engine_class) -> dict[str, object]:
    """{rule id: experta Rule} for every rule an engine class defines."""
    found: dict[str, object] = {}
    for klass in reversed(engine_class.__mro__):
        for value in vars(klass).values():
            if isinstance(value, Rule) and hasattr(value, "rule_id"):
                if value.rule_id in found and found[value.rule_id] is not value:
                    raise ValueError(f"rule id {value.rule_id!r} is defined twice")
                found[value.rule_id] = value
    return found
