"""``record``: a dataclass whose equality, hash and repr cost nothing to define.

Python 3.11 writes each method a dataclass generates as source and compiles it with an
``exec`` of its own: a frozen dataclass of twenty fields takes about a millisecond to
define, and a run of ``pod-advisor review`` defines some sixty of them before it reads
a file. ``__init__`` (and a frozen class's ``__setattr__``/``__delattr__``) are left to
``dataclasses``; ``__eq__``, ``__hash__`` and ``__repr__`` are shared functions here that
read the class's fields, and behave as the generated ones do:

- ``a == b`` when ``b`` is of the same class and their fields of ``compare=True`` are
  equal as a tuple (``NotImplemented`` for another class);
- a frozen record hashes as the tuple of those fields (``hash=`` of a field as
  ``dataclasses`` reads it); a mutable one is unhashable;
- ``repr`` is ``Name(field=value!r, ...)`` over the fields of ``repr=True``, ``...``
  where it would recurse;
- a method the class writes itself is kept.

tests/properties/test_records.py holds them to what ``@dataclass`` gives.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from reprlib import recursive_repr


def record(cls=None, /, *, frozen: bool = False, **options):
    """``@dataclass`` (``frozen`` and ``options`` as it takes them; ``eq``, ``repr``, ``order``
    and ``unsafe_hash`` are always its defaults), with the shared methods above."""

    def wrap(cls):
        # What the class writes itself, read before dataclasses adds to it (as dataclasses reads it:
        # a class that writes __eq__ without __hash__ has __hash__ = None put there by Python).
        own_eq, own_repr = "__eq__" in cls.__dict__, "__repr__" in cls.__dict__
        class_hash = cls.__dict__.get("__hash__", dataclasses.MISSING)
        explicit_hash = not (class_hash is dataclasses.MISSING or (class_hash is None and own_eq))
        cls = dataclasses.dataclass(cls, frozen=frozen, eq=False, repr=False, **options)
        every = dataclasses.fields(cls)
        compared = _key([f.name for f in every if f.compare])
        if not own_eq:
            cls.__eq__ = _eq(compared)
        if not own_repr:
            cls.__repr__ = _repr([f.name for f in every if f.repr])
        if not explicit_hash:
            hashed = _key([f.name for f in every if (f.compare if f.hash is None else f.hash)])
            cls.__hash__ = _hash(hashed) if frozen else None
        return cls

    return wrap if cls is None else wrap(cls)


def _key(names: list[str]):
    """A function giving the tuple of the named attributes (attrgetter gives a bare value for one name)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _eq(key):
    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(key):
    def __hash__(self):
        return hash(key(self))

    return __hash__


def _repr(names: list[str]):
    @recursive_repr()
    def __repr__(self):
        return self.__class__.__qualname__ + "(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in names) + ")"

    return __repr__
