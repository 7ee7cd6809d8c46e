"""Each distinct design evaluated once, however many objects share it.

A repository's workloads repeat themselves: overlays of one Deployment, a dozen
services built from one template, the same exporter in every namespace. What the
engine concludes depends on the answers read from an object, and of its names
(the workload's, each container's) only on which of them are equal: the rules
bind names, key plans by them and write them into sentences, but never look
inside one. So the answers are keyed with each distinct name replaced by a token
(in order of appearance, so that equal names get equal tokens), the engine runs
once per key on the tokenised answers, and each object gets a fresh copy of that
recommendation with its own names put back in place of the tokens.

Answers that could confuse the tokens (a string already holding one of their
marker characters, or expectations attached) are simply evaluated directly.

A large review also keeps its designs between runs (``keep``): the next review of
the same repository (pre-commit, CI with a kept cache) finds them in advisor.system.cache
and runs the engine only for designs it has not seen. They are kept under a key of
the shipped knowledge base, this version, this Python, experta and the code that
draws the conclusions (every module of advisor.engine, advisor.domain and advisor.kb,
and this one, by size and time of change), so that any change to what the engine
would conclude starts afresh.
"""

from __future__ import annotations

import functools
import os
import sys

from advisor.domain.model import Answers
from advisor.domain.recommendation import Recommendation

_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use characters: no Kubernetes name holds them
_FIELDS = "__dataclass_fields__"  # what dataclasses.is_dataclass looks for, asked of the class directly
CACHE_SIZE = 2048  # distinct designs kept; the oldest goes first
KIND = "designs"  # their file in advisor.system.cache
# Reading the kept designs (a few KiB each) costs about as much as a dozen engine runs: worth it for a
# review of many workloads, not for one file's.
KEEP_FROM = 50
_CODE = ("advisor/engine", "advisor/domain", "advisor/kb")  # what the engine's conclusions depend on


class Designs:
    """``evaluate(answers)``, as ``advisor.evaluate`` gives it, with the engine run once per design."""

    def __init__(self, advisor, size: int = CACHE_SIZE):
        self.advisor = advisor
        self.size = size
        self.recommendations: dict[Answers, Recommendation] = {}
        self.recipes: dict[Answers, tuple] = {}  # how each is copied with names put back (``_recipe``)
        self.evaluated = 0  # engine runs, for benchmarks and tests
        self.reused = 0
        self.key: str | None = None  # the kept designs' key, once ``keep`` has read them
        self.changed = False
        self.journal: list | None = None  # when a list, each design evaluated is added to it as (key, template)

    def keep(self) -> None:
        """Read the designs kept by earlier runs, and keep these when the process ends (once a process).
        Only for an Advisor of the shipped knowledge base."""
        import atexit

        from advisor.system import cache

        if self.key is not None:
            return
        try:
            self.key = _kept_key()
        except OSError:
            return
        stored = cache.load(KIND, self.key)
        if isinstance(stored, dict):
            stored.update(self.recommendations)
            self.recommendations = stored
        atexit.register(self.save)

    def save(self) -> None:
        from advisor.system import cache

        if self.changed and self.key:
            cache.store(KIND, self.key, cache.pickled(self.recommendations))
            self.changed = False

    def merge(self, entries) -> None:
        """Take designs another process evaluated (its ``journal``), as if evaluated here."""
        for key, template in entries:
            if key not in self.recommendations and len(self.recommendations) < self.size:
                self.recommendations[key] = template
                self.changed = True

    def evaluate(self, answers: Answers) -> Recommendation:
        return self.evaluate_again(answers)[0]

    def evaluate_again(self, answers: Answers):
        """(``evaluate(answers)``, a function of no arguments that makes an equal recommendation again from the
        design, or None when there is no design to make it from): a report that shows recommendations can
        hold the function, which shares the design, instead of a copy of it for every object."""
        keyed = tokenised(answers)
        if keyed is None:
            self.evaluated += 1
            return self.advisor.evaluate(answers), None
        key, names = keyed
        template = self.recommendations.get(key)
        if template is None:
            self.evaluated += 1
            template = self.advisor.evaluate(key)
            if len(self.recommendations) >= self.size:
                oldest = next(iter(self.recommendations))
                del self.recommendations[oldest]
                self.recipes.pop(oldest, None)
            self.recommendations[key] = template
            self.changed = True
            if self.journal is not None:
                self.journal.append((key, template))
        else:
            self.reused += 1
        recipe = self.recipes.get(key)
        if recipe is None:
            recipe = self.recipes[key] = _recipe(template)
        return _named(recipe, names, answers), functools.partial(_named, recipe, names, answers)


def _kept_key() -> str:
    """What the kept designs are valid for (see the module's docstring)."""
    from importlib.machinery import PathFinder

    from advisor import __version__
    from advisor.kb.knowledge import shipped_key
    from advisor.system import cache

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    stamps = []
    for folder in _CODE:
        with os.scandir(os.path.join(root, folder)) as entries:
            stamps += sorted(f"{folder}/{e.name}:{e.stat().st_size}:{e.stat().st_mtime_ns}" for e in entries
                             if e.name.endswith(".py"))
    here = os.stat(__file__)
    spec = PathFinder.find_spec("experta")
    experta = os.stat(spec.origin) if spec is not None and spec.origin else None
    return cache.digest(KIND, __version__, sys.version, shipped_key(), *stamps, f"{here.st_size}:{here.st_mtime_ns}",
                        f"{spec.origin if experta else None}:{experta.st_mtime_ns if experta else None}")


def tokenised(answers: Answers) -> tuple[Answers, list[str]] | None:
    """(the answers with each distinct name a token, the names by token number), or None when
    these answers are to be evaluated as they are."""
    if answers.expect is not None or _marked(answers):
        return None
    names: dict[str, str] = {}

    def token(name: str) -> str:
        if name not in names:
            names[name] = f"{_OPEN}{len(names)}{_CLOSE}"
        return names[name]

    workload = token(answers.name)
    containers = tuple(_with_name(c, token(c.name)) for c in answers.containers)
    key = _with_fields(answers, name=workload, containers=containers, source=None)
    try:
        hash(key)
    except TypeError:
        return None
    return key, list(names)


def _with_name(container, name: str):
    return _with_fields(container, name=name)


def _with_fields(obj, **fields):
    """``dataclasses.replace`` of a frozen dataclass without a ``__post_init__``, without the
    constructor's call and defaults: the fields as they were, these changed."""
    new = object.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    new.__dict__.update(fields)
    return new


def _marked(value) -> bool:
    """Whether a string in ``value`` (answers: every field, nested in tuples, lists and dataclasses)
    holds a token's marker: the names put back would then replace text the engine wrote from it."""
    for item in (value.__dict__.values() if hasattr(value.__class__, _FIELDS) else value):
        kind = item.__class__
        if kind is str:
            if _OPEN in item or _CLOSE in item:
                return True
        elif kind not in _SCALARS and (kind is tuple or kind is list or hasattr(kind, _FIELDS)) and _marked(item):
            return True
    return False


_SCALARS = frozenset({bool, int, float, type(None)})


def _named(recipe, names: list[str], answers: Answers) -> Recommendation:
    """A fresh copy of the recommendation ``recipe`` was drawn from (``_recipe``) with the names
    back in place of the tokens, and ``answers`` as its answers: every dataclass in it copied
    (lists of them too), every string and tuple of strings holding a token rewritten."""
    tokens = [(f"{_OPEN}{number}{_CLOSE}", name) for number, name in enumerate(names)]
    named = _made(recipe, tokens)
    named.__dict__["answers"] = answers
    return named


def _recipe(obj):
    """How to copy ``obj`` (a dataclass) with the names put back: (its class, its fields, [(field,
    what to do, with what)] for those that change). Strings without a token are taken as they
    are, as are tuples without one and values that are neither strings, tuples, lists nor
    dataclasses; a list is always a new list; a dataclass (but the answers) a new copy, and in a tuple
    of them only those that hold a token (the Secret password-from-secret names after a container)."""
    changes = []
    for key, value in obj.__dict__.items():
        kind = value.__class__
        if kind in _SCALARS:
            continue
        if kind is str:
            if _OPEN in value:
                changes.append((key, _TEXT, value))
        elif kind is tuple:
            if any(item.__class__ is str and _OPEN in item for item in value):
                changes.append((key, _TUPLE, value))
            elif any(hasattr(item.__class__, _FIELDS) for item in value):
                # records in a tuple (a container's variables): only those holding a name are copied
                items = [(_OBJECT, recipe) if hasattr(item.__class__, _FIELDS) and (recipe := _recipe(item))[2]
                         else (_KEEP, item) for item in value]
                if any(how is _OBJECT for how, _ in items):
                    changes.append((key, _RECORDS, items))
        elif kind is list:
            changes.append((key, _LIST, [(_OBJECT, _recipe(item)) if hasattr(item.__class__, _FIELDS) else
                                         (_TEXT, item) if item.__class__ is str and _OPEN in item else
                                         (_KEEP, item) for item in value]))
        elif hasattr(kind, _FIELDS) and key != "answers":
            changes.append((key, _OBJECT, _recipe(value)))
    return obj.__class__, dict(obj.__dict__), changes


_TEXT, _TUPLE, _LIST, _OBJECT, _KEEP, _RECORDS = range(6)


def _made(recipe, tokens):
    kind, kept, changes = recipe
    fields = dict(kept)
    for key, what, value in changes:
        if what is _TEXT:
            fields[key] = _text(value, tokens)
        elif what is _TUPLE:
            fields[key] = tuple(_text(item, tokens) if item.__class__ is str and _OPEN in item else item
                                for item in value)
        elif what is _LIST:
            fields[key] = [_made(item, tokens) if how is _OBJECT else _text(item, tokens) if how is _TEXT else item
                           for how, item in value]
        elif what is _RECORDS:
            fields[key] = tuple(_made(item, tokens) if how is _OBJECT else item for how, item in value)
        else:
            fields[key] = _made(value, tokens)
    new = object.__new__(kind)
    new.__dict__.update(fields)
    return new


def _text(value: str, tokens) -> str:
    for token, name in tokens:
        value = value.replace(token, name)
    return value
