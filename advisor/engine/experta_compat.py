"""The one place pod-advisor imports experta.

experta 1.9.4 pins frozendict 1.2, whose class statement reads
``collections.Mapping``; that alias was removed in Python 3.10, so a plain
``import experta`` fails there. Restoring the alias before the import is the
smallest change that works, and it leaves experta's own code untouched.

``experta.engine`` also calls ``logging.basicConfig()`` at import time, which
would attach a stderr handler to the root logger and let experta's watcher
lines leak into our output. We drop whatever handlers that call added.

Below that: the Rete network kept between runs, and quicker paths through experta to the
same results (reset, declare, run, the network's nodes), which reviewing a repository of
hundreds of designs spends most of its engine time on. tests/engine/test_experta_compat.py
holds them to what experta run its own way concludes.
"""

from __future__ import annotations

import collections
import collections.abc
import io
import logging
import types
from bisect import insort
from collections.abc import Mapping
from contextlib import suppress
from functools import update_wrapper
from operator import attrgetter, itemgetter

if not hasattr(collections, "Mapping"):  # Python >= 3.10
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

_root = logging.getLogger()
_handlers_before = list(_root.handlers)
try:
    from experta import AS, EXISTS, MATCH, NOT, TEST, Field, KnowledgeEngine, L, P, W  # noqa: F401
    from experta import Fact as _ExpertaFact, Rule as _ExpertaRule
finally:
    for _handler in list(_root.handlers):
        if _handler not in _handlers_before:
            _root.removeHandler(_handler)

__all__ = ["AS", "EXISTS", "MATCH", "NOT", "TEST", "CachedReteMatcher", "DepthStrategy", "Engine", "Fact", "Field",
           "KnowledgeEngine", "L", "P", "Rule", "W"]


# -- the Rete network, kept between runs ------------------------------------------
#
# experta builds the Rete network of every rule each time an engine is created: about a
# fifth of a short command's run, spent on the same result every time. The built network
# is plain data (nodes, checks, memories) except for the functions the rules hold (each
# rule's action, the predicates of P() and TEST()), so it is pickled with those functions
# replaced by names, and the names resolved against the rules of the running code. The
# key is a fingerprint of the rules' structure (every condition, literal, binding and
# salience; which predicates are shared), so any change to the rules builds it afresh;
# a rule holding something the fingerprint does not know is never cached.

from experta import __version__ as _experta_version  # noqa: E402  (after the alias above)
from experta.activation import Activation  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.conditionalelement import ConditionalElement  # noqa: E402
from experta.fact import InitialFact  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.fieldconstraint import ANDFC  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.check import (  # noqa: E402
    FactCapture,
    FeatureCheck,
    SameContextCheck,
    TypeCheck,
    WhereCheck,
)
from experta.matchers.rete.mixins import ChildNode  # noqa: E402
from experta.matchers.rete.nodes import (  # noqa: E402
    BusNode,
    ConflictSetNode,
    FeatureTesterNode,
    NotNode,
    OrdinaryMatchNode,
    WhereNode,
)
from experta.matchers.rete.token import Token, TokenInfo  # noqa: E402
from experta.strategies import DepthStrategy as _DepthStrategy  # noqa: E402
from experta.watchers import ENGINE as ENGINE_WATCHER  # noqa: E402

from advisor.system.cache import PROTOCOL, Pickler, PicklingError, Unpickler  # noqa: E402


class _Unknown(Exception):
    """A rule holds a value whose structure the fingerprint cannot state: do not cache."""


def _describe(rules) -> tuple[str, dict]:
    """(fingerprint, {name: function}) of the rules an engine's network is built from."""
    out: list[str] = []
    functions: dict = {}
    named: dict[int, str] = {}

    def visit(value, path: str) -> None:
        if isinstance(value, types.FunctionType):
            name = named.setdefault(id(value), path)  # a shared predicate keeps its first name
            functions[name] = value
            out.append(f"<fn {name}>")
        elif value is None or isinstance(value, (str, int, float, bool)):
            out.append(repr(value))
        elif isinstance(value, type):
            out.append(f"<class {value.__module__}.{value.__qualname__}>")
        elif isinstance(value, dict):  # a Fact pattern (a dict subclass)
            out.append(f"{type(value).__qualname__}{{")
            for key, item in value.items():
                visit(key, path)
                out.append(":")
                visit(item, f"{path}.{key}")
            out.append(f"}}bind={getattr(value, '__bind__', None)!r}")
        elif isinstance(value, (tuple, list)):  # conditional elements, field constraints, literals
            out.append(f"{type(value).__qualname__}(")
            for i, item in enumerate(value):
                visit(item, f"{path}.{i}")
            out.append(f")bind={getattr(value, '__bind__', None)!r}")
        elif isinstance(value, (set, frozenset)):
            out.append(f"{type(value).__qualname__}{sorted(map(repr, value))}")
        else:
            raise _Unknown(f"{path}: {type(value).__qualname__}")

    for rule in rules:
        name = getattr(rule, "__name__", "rule")
        # ``defined`` (advisor.engine.registry) breaks ties between activations; the pickled rules
        # carry the value they had when the network was built, so it is part of the key.
        out.append(f"\nrule {name} salience={rule.salience!r} defined={getattr(rule, 'defined', None)!r} ")
        visit(rule._wrapped, name)
        visit(tuple(rule), name)
    return "".join(out), functions


def _rules_of(engine_class) -> list:
    """The Rule objects of an engine class, by name: what ``KnowledgeEngine.get_rules`` finds,
    without its ``inspect.getmembers`` over every attribute of the engine."""
    found = {}
    for klass in reversed(engine_class.__mro__):  # a subclass's attribute hides its bases'
        for name, value in vars(klass).items():
            if isinstance(value, Rule):
                found[name] = value
            else:
                found.pop(name, None)
    return [found[name] for name in sorted(found)]


def _as_tuple(cls, items, state):
    """A conditional element as it was: experta's ``__new__``s take other arguments than pickle gives."""
    obj = tuple.__new__(cls, items)
    obj.__dict__.update(state)
    return obj


class _NetworkPickler(Pickler):
    def __init__(self, file, functions: dict):
        super().__init__(file, protocol=PROTOCOL)
        self.names = {id(function): name for name, function in functions.items()}

    def persistent_id(self, obj):
        return self.names.get(id(obj)) if isinstance(obj, types.FunctionType) else None

    def reducer_override(self, obj):
        # Checks are interned and compute their check functions (closures) when made: make them again.
        if isinstance(obj, FeatureCheck):
            return FeatureCheck, (obj.what, obj.how)
        if isinstance(obj, (TypeCheck, FactCapture, WhereCheck)):
            return type(obj), tuple(obj)
        if isinstance(obj, ConditionalElement):
            return _as_tuple, (type(obj), tuple(obj), vars(obj))
        return NotImplemented


class _NetworkUnpickler(Unpickler):
    def __init__(self, file, functions: dict):
        super().__init__(file)
        self.functions = functions

    def persistent_load(self, pid):
        return self.functions[pid]


def _nodes(root) -> list:
    """Every node of a Rete network once, parents before children (a node has several parents
    where rules share a test: experta's recursive ``reset`` visits it once for each)."""
    found: dict[int, object] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in found:
            found[id(node)] = node
            stack.extend(child.node for child in reversed(node.children))
    return list(found.values())


_MEMORY = (ConflictSetNode, NotNode, OrdinaryMatchNode)  # the node kinds with a memory to wipe


class CachedReteMatcher(ReteMatcher):
    """experta's Rete matcher; the network comes from advisor.system.cache when the rules are the same."""

    def __init__(self, engine):
        super().__init__(engine)
        nodes = _nodes(self.root_node)
        _quicken(nodes)
        self.memories = [node for node in nodes if isinstance(node, _MEMORY)]
        # The same nodes by how ``reset`` wipes them (see there); any other kind, experta's way.
        self.terminals = [node for node in self.memories if type(node) is _Terminal]
        self.joins = [node for node in self.memories if type(node) is _Join]
        self.others = [node for node in self.memories if type(node) not in (_Terminal, _Join)]
        for node in self.memories:  # whatever a network kept in the cache holds, each starts empty
            node._reset()
        # experta's order of the conflict-set nodes (each first met depth first from the root), in
        # which ``changes`` hands on their activations: _nodes meets them in that order too.
        self.conflict_set_nodes = tuple(node for node in nodes if isinstance(node, ConflictSetNode))
        self.changed: list = []  # the conflict-set nodes that took an activation since ``changes`` last asked
        for position, node in enumerate(self.conflict_set_nodes):
            node.position, node.changed = position, self.changed

    def _get_conflict_set_nodes(self):
        return self.conflict_set_nodes

    def reset(self):
        """experta's ``reset`` walks the network from the root, once for every path to a node (about
        400 visits for our hundred nodes that remember anything) and logs each: wipe those hundred.
        An evaluation leaves something in about a fifth of them: a memory still empty is kept (it
        is what ``_reset`` would put there), the others are made afresh as ``_reset`` makes them."""
        for node in self.terminals:
            if node.memory:
                node.memory = set()
        for node in self.joins:
            if node.left_memory:
                node.left_memory = []
            if node.right_memory:
                node.right_memory = []
        for node in self.others:
            node._reset()

    def build_network(self):
        from advisor import __version__
        from advisor.system import cache

        try:
            fingerprint, functions = _describe(_rules_of(type(self.engine)))
        except _Unknown:
            super().build_network()
            return
        key = cache.digest("rete", __version__, _experta_version, cache.PYTHON, fingerprint)
        root = cache.load("rete", key, unpickler=lambda handle: _NetworkUnpickler(handle, functions))
        if isinstance(root, BusNode):
            self.root_node = root
            return
        super().build_network()
        buffer = io.BytesIO()
        try:
            _NetworkPickler(buffer, functions).dump(self.root_node)
        except (PicklingError, TypeError, AttributeError):
            return  # something in the network cannot be named; it is simply built every time
        cache.store("rete", key, buffer.getvalue())

    def changes(self, adding=None, deleting=None):
        """experta's ``changes``, asking only the conflict-set nodes that took new activations (in
        the network's order, as experta asks them all): the others would hand back two empty sets
        (and make two more), every fact, for every rule."""
        if deleting is not None:
            for deleted in deleting:
                self.root_node.remove(deleted)
        if adding is not None:
            for added in adding:
                self.root_node.add(added)
        added: list = []
        removed: list = []
        changed = self.changed
        if changed:
            nodes = sorted(set(changed), key=_POSITION) if len(changed) > 1 else list(changed)
            changed.clear()
            for node in nodes:
                first = node.first
                if first is not None:  # the one activation it took (see _Terminal)
                    node.first = None
                    added.append(first)
                elif node.added or node.removed:
                    node_added, node_removed = node.get_activations()
                    added.extend(node_added)
                    removed.extend(node_removed)
        return added, removed


_POSITION = attrgetter("position")  # a conflict-set node's place in the network's order


# -- the engine's hot paths, the same results sooner ------------------------------------------
#
# Reviewing a repository evaluates hundreds of designs; these are where experta spent its time
# on the way to the same answers.


class Rule(_ExpertaRule):
    """experta's Rule. Building the network puts each rule in normal form through a few dozen
    copies (``new_conditions``); experta's copy reads the action's signature afresh each time
    (``inspect.signature``, most of building the network), and this one takes it from the rule
    it copies, whose action it is."""

    def new_conditions(self, *args):
        obj = self.__class__(*args, salience=self.salience)
        if self._wrapped:
            obj._wrapped = self._wrapped
            obj._wrapped_args = self._wrapped_args
            update_wrapper(obj, self._wrapped)
        return obj

    def __call__(self, *args, **kwargs):
        """experta's: the first call takes the action, later ones run it. experta reads the names
        the action takes from ``inspect.signature`` (a fifth of defining the engine's rules at
        every start); for an action that is a plain function (after its ``__wrapped__`` chain, as
        inspect follows it) they are read from its code, which gives the same names."""
        if self._wrapped is None and args:
            names = _parameter_names(args[0])
            if names is not None:
                self._wrapped = args[0]
                if names is not _EVERYTHING:  # experta passes only these (a function taking **kwargs: all)
                    self._wrapped_args = names
                return update_wrapper(self, self._wrapped)
        return super().__call__(*args, **kwargs)


_VARARGS, _VARKEYWORDS = 0x04, 0x08  # inspect.CO_VARARGS, inspect.CO_VARKEYWORDS
_EVERYTHING = object()  # what _parameter_names gives for an action taking **kwargs


def _parameter_names(action):
    """What experta's ``Rule.__call__`` makes of ``inspect.signature(action)``: the set of its
    parameters' names, or _EVERYTHING when it takes ``**kwargs``; None when ``action`` is not a
    plain function once unwrapped (then experta's own way is taken)."""
    function = action
    while hasattr(function, "__wrapped__") and not hasattr(function, "__signature__"):
        function = function.__wrapped__
    if type(function) is not types.FunctionType or hasattr(function, "__signature__") \
            or hasattr(function, "_partialmethod"):
        return None
    code = function.__code__
    if code.co_flags & _VARKEYWORDS:
        return _EVERYTHING
    count = code.co_argcount + code.co_kwonlyargcount + (1 if code.co_flags & _VARARGS else 0)
    return set(code.co_varnames[:count])


_PLAIN = frozenset({str, int, bool, float, type(None)})  # what experta's ``freeze`` gives back as it is


class Fact(_ExpertaFact):
    """experta's Fact. Made with keywords whose values are plain (str, int, bool, float, None), as
    every fact the rules declare is, it takes them as they are: experta's constructor stores each
    through ``__setitem__``, which checks the fact is not declared yet and asks ``freeze`` (a
    single dispatch) for a value that is its own frozen form. A pattern (values that are field
    constraints) or positional values go experta's way."""

    def __init__(self, *args, **kwargs):
        if args or not _PLAIN.issuperset(map(type, kwargs.values())):
            super().__init__(*args, **kwargs)
            return
        dict.update(self, kwargs)
        self._Fact__defaults = {}


class Engine(KnowledgeEngine):
    """experta's engine, with ``start``: what ``reset`` then ``declare`` of each fact does, in one pass."""

    def run(self, steps=float("inf")):
        """experta's ``run`` without its watchers' lines, which it formats for every rule that fires
        even when nothing listens."""
        self.running = True
        matcher = self.matcher
        if not isinstance(matcher, CachedReteMatcher) or type(self).get_activations is not _GET_ACTIVATIONS:
            matcher = None
        while steps > 0 and self.running:
            if matcher is None:
                added, removed = self.get_activations()
                self.strategy.update_agenda(self.agenda, added, removed)
            else:
                # ``get_activations``, asked only when something changed: no fact declared or retracted
                # since it last asked, no node has an activation to give, and it would give nothing.
                facts = self.facts
                if facts.added or facts.removed or matcher.changed:
                    adding, deleting = facts.added, facts.removed  # ``facts.changes``, without its property
                    facts.added, facts.removed = [], []
                    added, removed = matcher.changes(adding, deleting)
                    if added or removed:
                        self.strategy.update_agenda(self.agenda, added, removed)
            agenda = self.agenda
            if type(agenda) is Agenda:  # its ``get_next``: the last activation, taken off
                activations = agenda.activations
                activation = activations.pop() if activations else None
            else:
                activation = agenda.get_next()
            if activation is None:
                break
            steps -= 1
            rule = activation.rule
            if type(rule) is Rule and rule._wrapped is not None:  # experta's ``Rule.__call__``, one call fewer
                names = rule._wrapped_args  # and the names it passes picked in one go
                if names:
                    context = {k: v for k, v in activation.context.items() if k in names and not k.startswith("__")}
                else:
                    context = {k: v for k, v in activation.context.items() if not k.startswith("__")}
                if rule._wrapped_self is None:
                    rule._wrapped(self, **context)
                else:
                    rule._wrapped(rule._wrapped_self, self, **context)
            else:
                rule(self, **{k: v for k, v in activation.context.items() if not k.startswith("__")})
        self.running = False

    def start(self, *facts) -> None:
        """``reset()`` and then ``declare(*facts)``: an empty agenda and fact list, the deffacts'
        facts (InitialFact) and then ``facts`` declared, in that order, so with the same ids.

        experta asks the network for new activations after the deffacts and after every
        ``declare``; here it is asked once, after all of them. The agenda comes out the same:
        no rule fires in between, none of these facts is matched by a NOT (so no activation
        comes and goes), and activations whose keys tie (the same salience and facts) become
        complete with the same, last, fact either way, so they reach the agenda together."""
        self.agenda = Agenda()
        self.facts = _FactList()
        self.matcher.reset()
        self.running = False
        deffacts = self.get_deffacts()
        if len(deffacts) == 1 and deffacts[0]._wrapped is _INITIAL_FACT:  # experta's alone: a copy of InitialFact()
            initial = [InitialFact()]
        else:
            initial = [fact for each in deffacts for fact in each()]
        self._KnowledgeEngine__declare(*initial, *facts)

    def declare(self, *facts):
        """experta's ``declare``, calling ``__declare`` itself."""
        if not self.facts:
            ENGINE_WATCHER.warning("Declaring fact before reset()")
        return self._KnowledgeEngine__declare(*facts)

    def _KnowledgeEngine__declare(self, *facts):
        """experta's ``__declare`` (what ``declare`` and ``reset`` call), refusing the same facts
        with the same errors: its checks ask a generator per fact; a fact of plain values cannot
        hold a conditional element, and the keys of one already accepted need no second look."""
        for fact in facts:
            if not _PLAIN.issuperset(map(type, fact.values())) and fact.has_field_constraints():
                raise TypeError("Declared facts cannot contain conditional elements")
        accepted = _ACCEPTED_KEYS
        for fact in facts:
            keys = tuple(fact)
            if keys not in accepted:
                if fact.has_nested_accessor():
                    raise KeyError("Cannot declare facts containing double underscores as keys.")
                if len(accepted) < 1024:
                    accepted.add(keys)
        last_inserted = None
        declare = self.facts.declare
        for fact in facts:
            last_inserted = declare(fact)
        if not self.running:
            added, removed = self.get_activations()
            self.strategy.update_agenda(self.agenda, added, removed)
        return last_inserted


_GET_ACTIVATIONS = KnowledgeEngine.get_activations
_INITIAL_FACT = KnowledgeEngine.__dict__["_declare_initial_fact"]._wrapped  # the generator of experta's deffacts
_ACCEPTED_KEYS: set[tuple] = set()  # the keys of facts declared before, which hold no double underscore


class _FactList(FactList):
    """experta's fact list, declaring as it does without telling the FACTS watcher."""

    def declare(self, fact):
        if not isinstance(fact, _ExpertaFact):
            raise ValueError("The fact must descend the Fact class.")
        if fact.__fields__:
            fact.validate()
        names, values = _fields(fact)
        fact_id = frozenset([fact.__class__, *zip(names, values)])
        counter = self.reference_counter
        if self.duplication or fact_id not in counter:
            index = self.last_index
            dict.__setitem__(fact, "__factid__", index)  # what experta's ``__factid__`` setter does
            self[index] = fact
            self.last_index = index + 1
            self.added.append(fact)
            counter[fact_id] += 1
            return fact
        return None


_FIELD_NAMES: dict[tuple, tuple] = {}  # a fact's keys: (those not special, a getter of their values)


def _fields(fact) -> tuple[tuple, tuple]:
    """(the keys of ``fact`` but the special ones such as ``__factid__``, their values), in its order."""
    keys = tuple(fact)
    found = _FIELD_NAMES.get(keys)
    if found is None:
        names = tuple(key for key in keys if not (isinstance(key, str) and key.startswith("__") and key.endswith("__")))
        if len(names) > 1:
            getter = itemgetter(*names)
        elif names:
            getter = lambda fact, name=names[0]: (fact[name],)  # noqa: E731
        else:
            getter = lambda fact: ()  # noqa: E731
        found = names, getter
        if len(_FIELD_NAMES) < 4096:
            _FIELD_NAMES[keys] = found
    names, getter = found
    return names, getter(fact)


class DepthStrategy(_DepthStrategy):
    """experta's depth strategy without the ``lru_cache`` on ``get_key``: hashing an activation
    (its rule, facts and context) to look its key up cost more than computing the key, which
    depends on nothing but the activation. Activations that tie on salience and facts fire in the
    order their rules are defined (``defined``, advisor.engine.registry), not in the order the
    network happens to produce them: that order differed between builds of the network, and so
    did the order of the reasons a recommendation lists."""

    def get_key(self, activation):
        facts = activation.facts
        if len(facts) == 1:
            ids = [f["__factid__"] for f in facts]
        else:
            ids = sorted([f["__factid__"] for f in facts], reverse=True)
        rule = activation.rule
        return rule.salience, ids, -getattr(rule, "defined", 0)

    def update_agenda(self, agenda, added, removed):
        """Without asking the ACTIVATIONS watcher (see the node classes below)."""
        if added or removed:
            self._update_agenda(agenda, added, removed)

    def _update_agenda(self, agenda, added, removed):
        """experta's: each activation removed leaves the agenda, then each one added is put in
        after those whose keys are not greater. experta's ``insort`` compares activations
        (``Activation.__lt__``, their keys); here it compares their keys, the same order."""
        if removed:
            super()._update_agenda(agenda, (), removed)
        activations = agenda.activations
        for act in added:
            act.key = self.get_key(act)
            insort(activations, act, key=_KEY)


_KEY = attrgetter("key")


# The network's nodes, as experta builds (or the cache gives) them, are given these classes: the
# same memories and the same results, without what only matters to experta's watchers (a
# logger asked at every node, even when nothing listens: pod-advisor never turns them on)
# and without copying a token where no node changes it.
#
# experta copies each token as it enters a node, as a node may change the copy: only a
# feature tester does (it adds what its test captured to the context), so here it makes a
# new token when it does, and the other nodes read the token they are given.


_VALID = Token.TagType.VALID


def _token(tag, data, context):
    return tuple.__new__(Token, (tag, data, context))


class _Bus(BusNode):
    """The root: a new fact goes only to the tests of its own type (experta offers it to every
    type's test, and all but one say no), in the same order.

    The tests of the alpha network (type, field values, captures) are functions of the fact's
    fields, so a fact whose fields equal an earlier one's (same keys, same values of the same
    types: str, int, bool, None) passes them the same way: what the tests gave the earlier
    fact (which join, not or terminal node gets a token, with which context, in which order)
    is kept, and the new fact goes straight to those nodes, with itself where the earlier one
    was captured. Reviewing a repository declares ~1,500 facts in 215 designs; 210 of them
    differ."""

    memo_size = 4096

    def add(self, fact):
        memo = self.memo
        key = None
        if memo is not None:
            # What the alpha network's tests can see of the fact: its type, and each field with its
            # value and the value's type (no key when a value is of another kind than _KEYED's).
            # Not __factid__: no test of this network reads it (see _quicken).
            names, values = _fields(fact)
            kinds = tuple(map(type, values))
            if _KEYED.issuperset(kinds):
                key = fact.__class__, names, kinds, values
        if key is None:
            token = _token(_VALID, {fact}, {})
            for callback in self.by_type.get(type(fact), ()):
                callback(token)
            return
        found = memo.get(key)
        if found is None:
            if len(memo) >= self.memo_size:
                memo.clear()
            found = memo[key] = (fact, _alpha(self.testers.get(type(fact), ()), fact))
        data = {fact}  # each token its own copy, made without hashing the fact again
        for callback, context, captured in found[1]:
            context = dict(context)
            for k in captured:  # where the earlier fact was captured, this one
                context[k] = fact
            callback(tuple.__new__(Token, (_VALID, data.copy(), context)))


_KEYED = frozenset({str, int, bool, type(None)})  # values whose equals are alike in every way a test can see


def _alpha(testers, fact) -> list:
    """[(the callback of a node past the alpha network, the context its token holds, the keys
    under which that context holds ``fact``)], in the order experta's testers would call them for ``fact``."""
    outputs: list = []

    def visit(node, context):
        match = node.test(fact)
        if not match:
            return
        if match is not True:
            if _contradicts(match, context):
                return
            context = {**context, **match}
        for child in node.children:
            if type(child.node) is _Tester:
                visit(child.node, context)
            else:
                outputs.append((child.callback, context, tuple(k for k, v in context.items() if v is fact)))

    for tester in testers:
        visit(tester, {})
    return outputs


def _contradicts(match: dict, context: dict) -> bool:
    """Whether what a test captured (``match``) contradicts the token's context: a value bound before
    to another, or one a negated capture (``(False, name)``) rules out."""
    for key, value in match.items():
        if key.__class__ is tuple:  # a negated capture
            if key[1] in context and context[key[1]] == value:
                return True
        else:
            if context.get(key, value) != value:
                return True
            if (False, key) in context and context[(False, key)] == value:
                return True
    return False


class _Tester(FeatureTesterNode):
    def test(self, fact):
        """This tester's check as a function of the fact (``_test_of``), made when first asked for:
        it then stands in this method's place."""
        self.test = test = _test_of(self.matcher)
        return test(fact)

    def activate(self, token):
        data = token.data
        if len(data) != 1:
            raise ValueError("a feature tester takes one fact")
        for fact in data:
            match = self.test(fact)
            if not match:
                return
            if match is not True:  # a mapping: what the test captured, unless it contradicts the context
                context = token.context
                if _contradicts(match, context):
                    return
                token = _token(token.tag, data, {**context, **match})
            for child in self.children:
                child.callback(token)


class _Where(WhereNode):
    def activate(self, token):
        if self.matcher(token.context):
            for child in self.children:
                child.callback(token)


class _Join(OrdinaryMatchNode):
    """experta's join, making its new tokens without ``Token.__new__``'s checks of every fact (they
    passed them on their way in) and without telling the MATCH watcher.

    experta's memories hold each token as a TokenInfo (its facts and its context, frozen: every
    fact and value hashed) and thaw the context again (``dict``) for every token it meets on the
    other side. Here they hold each token's own facts and context: no node changes those once
    the token is made, the join's check (experta's SameContextCheck) only reads them, and a token
    leaves its memory by equality (a dict equals another as its frozen items do)."""

    def activate_left(self, token):
        self._join(token, self.left_memory, self.right_memory, True)

    def activate_right(self, token):
        self._join(token, self.right_memory, self.left_memory, False)

    def _join(self, token, branch_memory, matching_memory, is_left):
        context = token.context
        if token.tag is _VALID:
            branch_memory.append((token.data, context))
        else:
            with suppress(ValueError):
                branch_memory.remove((token.data, context))
        for other_data, other_context in matching_memory:
            if self.matcher(context, other_context) if is_left else self.matcher(other_context, context):
                joined = {k: v for k, v in context.items() if isinstance(k, str)}
                for k, v in other_context.items():
                    if not isinstance(k, tuple):
                        joined[k] = v
                joined_token = _token(token.tag, token.data | other_data, joined)
                for child in self.children:
                    child.callback(joined_token)


class _Not(NotNode):
    """experta's NOT node, step for step, making its TokenInfos and tokens without their classes'
    ``__new__`` (whose checks the facts passed on their way in) and without the MATCH watcher."""

    def activate_left(self, token):
        info = _info(token)
        valid = token.tag is _VALID
        left_memory, right_memory = self.left_memory, self.right_memory
        if not right_memory:
            if valid:
                left_memory[info] = 0
            else:
                del left_memory[info]
            for child in self.children:
                child.callback(token)
            return
        context = token.context
        count = 0
        for _, right_context in right_memory:
            if self.matcher(context, dict(right_context)):
                count += 1
                if not valid:
                    break
        if count == 0:
            for child in self.children:
                child.callback(token)
        if valid:
            left_memory[info] = count
        else:
            del left_memory[info]

    def activate_right(self, token):
        if token.tag is _VALID:
            self.right_memory.append(_info(token))
            inc = 1
        else:
            inc = -1
            self.right_memory.remove(_info(token))
        left_memory = self.left_memory
        context = token.context
        for left in left_memory:
            if self.matcher(dict(left.context), context):
                left_memory[left] += inc
                count = left_memory[left]
                if (count == 0 and inc == -1) or (count == 1 and inc == 1):
                    tag = _VALID if inc == -1 else _INVALID  # what ``to_valid_token``/``to_invalid_token`` make
                    again = _token(tag, set(left.data), dict(left.context))
                    for child in self.children:
                        child.callback(again)


_INVALID = Token.TagType.INVALID


def _info(token) -> TokenInfo:
    """``token.to_info()``: its facts and context, frozen."""
    return tuple.__new__(TokenInfo, (frozenset(token.data), frozenset(token.context.items())))


class _Terminal(ConflictSetNode):
    """A rule's conflict-set node, which tells the matcher when it takes an activation.

    experta gathers the activations a node takes between two ``changes`` in a set (``added``),
    hashing each: its rule (every pattern of it), facts and context. A node mostly takes one
    activation between two ``changes``, and a set of one is iterated as that one: it is kept
    as it is (``first``), without hashing, until a second comes or one goes (a token not
    valid), when it goes into the set first, as experta would have added it, and the set
    is used from then on as experta uses it."""

    first = None  # the one activation taken since ``changes`` last asked, while ``added`` and ``removed`` are empty

    def _settle(self):
        """Put ``first`` in ``added``, where experta would have it."""
        self.added.add(self.first)
        self.first = None

    def activate(self, token):
        if token.tag is not _VALID:
            if self.first is not None:
                self._settle()
            self._activate(token)
            self.changed.append(self)
            return
        info = (frozenset(token.data), frozenset(token.context.items()))  # a TokenInfo's items (equal to one)
        memory = self.memory
        size = len(memory)
        memory.add(info)
        if len(memory) == size:  # it was there: this token activated the rule before
            return
        data, context = info
        activation = _new_activation(Activation)
        activation.rule = self.rule
        activation.facts = set(data)
        activation.key = None
        activation.context = {k: v for k, v in context if isinstance(k, str)}
        if self.first is not None:
            self._settle()
        elif not self.added and not self.removed:
            self.first = activation
            self.changed.append(self)
            return
        if self.removed and activation in self.removed:
            self.removed.remove(activation)
        else:
            self.added.add(activation)
        self.changed.append(self)


_new_activation = object.__new__  # an Activation as its __init__ makes it, given its attributes in the same order


_QUICKER = {BusNode: _Bus, FeatureTesterNode: _Tester, WhereNode: _Where, OrdinaryMatchNode: _Join, NotNode: _Not,
            ConflictSetNode: _Terminal}


def _test_of(check):
    """A feature tester's check as a function of the fact, giving what ``check(fact)`` gives."""
    kind = type(check)
    if kind is TypeCheck:
        fact_type = check.fact_type
        return lambda fact: type(fact) == fact_type
    if kind is FactCapture:
        bind = check.bind
        return lambda fact: {bind: fact}
    if kind is FeatureCheck and isinstance(check.what, str):
        what = check.what
        if isinstance(check.how, ANDFC):
            function, expected = _and_match, [_value_test(part) for part in check.expected]
        else:
            function, expected = check.check, check.expected
        if what.startswith("__") or what.endswith("__"):
            return lambda fact: function(fact, expected)
        path = [int(part) if part.isnumeric() else part for part in what.split("__")]
        if len(path) == 1:
            key = path[0]

            def test(fact):
                try:
                    record = fact[key]
                except (IndexError, KeyError, TypeError):
                    return False
                return function(record, expected)

            return test
    return check  # anything else as experta asks it


def _value_test(check):
    """A FeatureCheck as a function of the value it checks: what ``check(value, is_fact=False)``
    gives, without telling the MATCH watcher."""
    if isinstance(check.how, ANDFC):
        parts = [_value_test(part) for part in check.expected]
        return lambda value: _and_match(value, parts)
    function, expected = check.check, check.expected
    return lambda value: function(value, expected)


def _and_match(value, parts):
    """experta's ``and_match`` (an ``&`` of field constraints), its parts asked as ``_value_test`` makes them."""
    captured = {}
    for part in parts:
        result = part(value)
        if result is False:
            return False
        if result is True:
            continue
        if isinstance(result, Mapping):
            captured.update(result)
        else:
            raise TypeError("Bad check value.")
    return captured or True


def _quicken(nodes) -> None:
    """Give every node of the network its quicker class, and its parents callbacks of that class."""
    for node in nodes:
        quicker = _QUICKER.get(type(node))
        if quicker is _Join and type(node.matcher) is not SameContextCheck:
            quicker = None  # a join whose check might change what it is given: experta's way
        if quicker is not None:
            node.__class__ = quicker
    for node in nodes:
        node.children = [ChildNode(child.node, getattr(child.node, child.callback.__name__))
                         for child in node.children]
        if type(node) is _Bus:
            node.by_type, node.testers = {}, {}
            for child in node.children:
                check = getattr(child.node, "matcher", None)
                if type(check) is not TypeCheck:  # not a network experta builds: offer it everything
                    node.__class__ = BusNode
                    break
                node.by_type.setdefault(check.fact_type, []).append(child.callback)
                node.testers.setdefault(check.fact_type, []).append(child.node)
            # Facts alike are passed on alike only when every test is one of those _Bus.add knows to
            # see only the fields: a test of a special key (the fact id) or of unknown kind rules it out.
            node.memo = {} if all(_sees_fields(n.matcher) for n in nodes if type(n) is _Tester) else None


def _sees_fields(check) -> bool:
    """Whether ``check`` (a feature tester's) sees nothing of a fact but its type and fields: the
    checks experta makes from a pattern, except one of a special key such as ``__factid__``."""
    if type(check) in (TypeCheck, FactCapture):
        return True
    if type(check) is FeatureCheck:
        what = check.what
        return not isinstance(what, str) or not (what.startswith("__") or what.endswith("__"))
    return False


def _copy_token(self):
    """``Token.copy`` without ``Token.__new__``'s checks of every fact: a token's own parts passed them."""
    return tuple.__new__(self.__class__, (self.tag, self.data.copy(), self.context.copy()))


Token.copy = _copy_token
