"""The engine's quicker paths through experta (advisor.engine.experta_compat) conclude what
experta's own would: the same plans, findings and reasons for every answer file, and the
same facts refused with the same errors."""

from __future__ import annotations

import pytest

from advisor.answers.load import load_answers
from advisor.engine.advisor import Advisor, PodAdvisorEngine, given_facts
from advisor.engine.experta_compat import (
    AS,
    CachedReteMatcher,
    Engine,
    Fact,
    KnowledgeEngine,
    ReteMatcher,
    Rule,
    W,
    _DepthStrategy,
)
from advisor.kb.knowledge import knowledge_base
from helpers.engine import with_helper
from helpers.paths import EXAMPLES, FIXTURES

ANSWER_FILES = sorted((FIXTURES / "rules").glob("*.yaml")) + sorted(EXAMPLES.glob("*.yaml"))


class ExpertasOwnEngine(PodAdvisorEngine):
    """The same rules, run the way experta runs them: its matcher (a network of its own, never
    the cached one), its strategy, its reset, declare and run."""

    __matcher__ = ReteMatcher
    __strategy__ = _DepthStrategy
    run = KnowledgeEngine.run
    reset = KnowledgeEngine.reset
    _KnowledgeEngine__declare = KnowledgeEngine._KnowledgeEngine__declare


@pytest.fixture(scope="module")
def engines():
    return Advisor(), ExpertasOwnEngine(knowledge_base())


def _as_experta_concludes(engine, answers):
    engine.begin(answers)
    engine.reset()
    for fact in given_facts(answers):
        engine.declare(fact)
    engine.run()
    try:
        return engine.result()
    finally:
        engine.begin(None)


def _without_reason_order(recommendation):
    # Rules of one salience that match the same facts fire in the order of the network experta
    # built, which differs from one build to the next: the reasons are compared as a multiset.
    return recommendation.workloads, recommendation.findings, sorted(map(repr, recommendation.reasons))


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_quicker_engine_concludes_what_experta_run_its_own_way_does(path, engines):
    advisor, experta_engine = engines
    answers = load_answers(str(path)).with_changes(expect=None)
    assert _without_reason_order(advisor.evaluate(answers)) == \
        _without_reason_order(_as_experta_concludes(experta_engine, answers))


def test_equal_facts_in_later_designs_are_concluded_from_as_the_first_was(engines):
    # The second and third designs declare facts equal to the first's (the alpha network's outcome
    # is kept for them): each is still what experta concludes, before and after the others.
    advisor, experta_engine = engines
    designs = [with_helper(name="shipper", image="fluent/fluent-bit:3.1", purpose="ship-logs", shares_volume=True)
               .answers, with_helper(name="proxy", image="envoyproxy/envoy:v1.31", purpose="proxy-outbound",
                                     uses_localhost=True).answers]
    designs.append(designs[0].with_changes(replicas=3))
    for answers in designs + designs[::-1]:
        assert _without_reason_order(advisor.evaluate(answers)) == \
            _without_reason_order(_as_experta_concludes(experta_engine, answers))


class Tiny(Engine):
    @Rule(Fact(a=1))
    def one(self):
        pass


def test_a_fact_holding_a_pattern_is_refused_as_experta_refuses_it():
    engine = Tiny()
    engine.reset()
    with pytest.raises(TypeError, match="conditional elements"):
        engine.declare(Fact(a=W()))


def test_a_fact_with_a_double_underscore_key_is_refused_as_experta_refuses_it():
    engine = Tiny()
    engine.reset()
    with pytest.raises(KeyError, match="double underscores"):
        engine.declare(Fact(a__b=1))


def test_a_fact_declared_twice_is_kept_once():
    engine = Tiny()
    engine.start(Fact(a=1))
    assert engine.declare(Fact(a=1)) is None
    assert [dict(f) for f in engine.facts.values()][1:] == [{"a": 1, "__factid__": 1}]



class Capturing(Engine):
    __matcher__ = CachedReteMatcher

    @Rule(AS.fact << Fact(a=1))
    def seen(self, fact):
        self.captured.append(fact)


def test_a_captured_fact_is_the_one_declared_even_when_an_equal_one_came_before():
    engine = Capturing()
    engine.captured = []
    first, second = Fact(a=1), Fact(a=1)
    for fact in (first, second):
        engine.start(fact)
        engine.run()
    assert engine.captured[0] is first and engine.captured[1] is second



def test_a_fact_retracted_before_the_run_fires_nothing_even_when_an_equal_one_came_before():
    engine = Capturing()
    engine.captured = []
    engine.start(Fact(a=1))  # the first of two equal facts: what the alpha network gave it is kept
    engine.run()
    second = Fact(a=1)
    engine.start(Fact(b=2), second)  # another fact first: the second gets another id than the first had
    engine.retract(second)  # the retraction takes the alpha network's full path, and must find what the add left
    engine.run()
    assert len(engine.captured) == 1

def _network(engine_class, kb) -> list[str]:
    """The nodes of an engine's Rete network, depth first: kind, test and rule, with the names
    experta draws from object ids left out."""
    import re

    lines, seen = [], set()

    def visit(node, depth):
        rule = getattr(node, "rule", None)
        test = re.sub(r"__pattern_\d+__|0x[0-9a-f]+", "#", str(getattr(node, "matcher", "")))
        kind = next(k.__name__ for k in type(node).__mro__ if k.__module__.startswith("experta"))
        lines.append(f"{depth} {kind} {test} {getattr(rule, '__name__', '')} {len(getattr(rule, '_wrapped_args', ()))}")
        if id(node) not in seen:
            seen.add(id(node))
            for child in node.children:
                visit(child.node, depth + 1)

    visit(engine_class(kb).matcher.root_node, 0)
    return lines


def test_the_network_built_from_the_shims_rule_copies_is_the_one_experta_builds(monkeypatch):
    from advisor.engine import experta_compat
    from advisor.system import cache

    monkeypatch.setenv(cache.DISABLE, "1")  # built, not read from the cache
    kb = knowledge_base()
    ours = _network(PodAdvisorEngine, kb)
    monkeypatch.setattr(experta_compat.Rule, "new_conditions", experta_compat._ExpertaRule.new_conditions)
    assert _network(PodAdvisorEngine, kb) == ours


def test_the_networks_cache_key_changes_with_the_order_the_rules_are_defined_in():
    # The network kept in the cache carries each rule's place (``defined``), which breaks ties
    # between activations: a network kept before the rules moved must not be taken for theirs.
    from advisor.engine.experta_compat import _describe

    def rule_defined(place):
        def act(engine):
            pass

        act.defined = place
        return Rule(Fact(kind="x"))(act)

    assert _describe([rule_defined(1)])[0] != _describe([rule_defined(2)])[0]


def test_the_conflict_set_nodes_are_in_the_order_experta_finds_them(engines):
    # changes() hands on the activations of one call in this order: tied rules fire by it.
    matcher = engines[0].engine.matcher
    assert matcher._get_conflict_set_nodes() == ReteMatcher._get_conflict_set_nodes.__wrapped__(matcher)


def _actions():
    import functools

    def plain(self, w, c):
        pass

    def with_varargs(self, *rest, w=None):
        pass

    def with_kwargs(self, w, **rest):
        pass

    def nothing():
        pass

    @functools.wraps(plain)
    def wrapped(engine, **bound):
        pass

    signed = functools.wraps(plain)(lambda engine, **bound: None)
    signed.__signature__ = None  # inspect stops unwrapping at a __signature__ attribute
    return [plain, with_varargs, with_kwargs, nothing, wrapped, signed, functools.partial(plain, None)]


@pytest.mark.parametrize("action", _actions(), ids=lambda action: getattr(action, "__name__", "partial"))
def test_a_rule_takes_the_names_of_its_action_as_experta_reads_them(action):
    from advisor.engine.experta_compat import _ExpertaRule

    ours, theirs = Rule(W())(action), _ExpertaRule(W())(action)
    assert ours._wrapped is theirs._wrapped is action
    assert (type(ours._wrapped_args), ours._wrapped_args) == (type(theirs._wrapped_args), theirs._wrapped_args)


def test_every_rule_of_the_engine_passes_its_action_the_names_experta_would():
    from advisor.engine.experta_compat import _ExpertaRule, _rules_of

    for rule in _rules_of(PodAdvisorEngine):
        assert rule._wrapped_args == _ExpertaRule(*rule, salience=rule.salience)(rule._wrapped)._wrapped_args
