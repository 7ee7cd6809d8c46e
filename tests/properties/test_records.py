"""``advisor.system.records.record`` behaves as ``@dataclass``: equality, hash and repr, for any values.

Each shape is written twice, once with ``@dataclass`` and once with ``@record``, and the two are
compared on the same values (NaN included: a tuple holding the same NaN object is equal to itself).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from hypothesis import given
from hypothesis import strategies as st

from advisor.system.records import record


def _shapes(decorate, frozen_decorate):
    @frozen_decorate
    class Frozen:
        name: str
        size: float = 0.0
        parts: tuple = ()
        note: str | None = field(default=None, compare=False)
        secret: str = field(default="", repr=False)
        unhashed: int = field(default=0, hash=False)

    @decorate
    class Mutable:
        name: str
        size: float = 0.0
        items: list = field(default_factory=list)
        source: str | None = field(default=None, compare=False, repr=False)

    @frozen_decorate
    class One:
        value: float

    @frozen_decorate
    class Empty:
        pass

    @frozen_decorate
    class OwnEquality:
        value: float

        def __eq__(self, other):
            return isinstance(other, OwnEquality)

        def __hash__(self):
            return 7

    return {"Frozen": Frozen, "Mutable": Mutable, "One": One, "Empty": Empty, "OwnEquality": OwnEquality}


DATACLASSES = _shapes(dataclass, dataclass(frozen=True))
RECORDS = _shapes(record, record(frozen=True))

values = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=5))
same_nan = float("nan")


def _make(shapes, shape, args):
    return shapes[shape](*args)


ARITY = {"Frozen": 6, "Mutable": 4, "One": 1, "Empty": 0, "OwnEquality": 1}


@pytest.mark.parametrize("shape", sorted(ARITY))
@given(data=st.data())
def test_a_record_compares_hashes_and_prints_as_a_dataclass_does(shape, data):
    first = data.draw(st.lists(st.one_of(values, st.just(same_nan)), min_size=ARITY[shape], max_size=ARITY[shape]))
    second = data.draw(st.one_of(st.just(list(first)),
                                 st.lists(st.one_of(values, st.just(same_nan)), min_size=ARITY[shape],
                                          max_size=ARITY[shape])))
    if shape == "Mutable":  # the list field
        first[2], second[2] = list(first[2:3]), list(second[2:3])
    d1, d2 = _make(DATACLASSES, shape, first), _make(DATACLASSES, shape, second)
    r1, r2 = _make(RECORDS, shape, first), _make(RECORDS, shape, second)
    assert (r1 == r2) == (d1 == d2)
    assert (r1 != r2) == (d1 != d2)
    assert repr(r1) == repr(d1)
    try:
        expected = hash(d1)
    except TypeError:
        with pytest.raises(TypeError):
            hash(r1)
    else:
        assert hash(r1) == expected


def test_a_record_is_not_equal_to_another_class_with_the_same_fields():
    assert RECORDS["One"](1) != DATACLASSES["One"](1)
    assert RECORDS["One"](1).__eq__(DATACLASSES["One"](1)) is NotImplemented


def test_a_frozen_record_refuses_assignment_and_a_mutable_one_takes_it():
    frozen = RECORDS["Frozen"]("a")
    with pytest.raises(dataclasses.FrozenInstanceError):
        frozen.name = "b"
    mutable = RECORDS["Mutable"]("a")
    mutable.name = "b"
    assert mutable == RECORDS["Mutable"]("b")


def test_a_record_that_holds_itself_prints_without_end():
    mutable = RECORDS["Mutable"]("a")
    mutable.items.append(mutable)
    expected = DATACLASSES["Mutable"]("a")
    expected.items.append(expected)
    assert repr(mutable) == repr(expected)
    assert repr(mutable).endswith("Mutable(name='a', size=0.0, items=[...])")


def test_a_record_keeps_what_dataclasses_give_it():
    assert [f.name for f in dataclasses.fields(RECORDS["Frozen"])] == [f.name for f in
                                                                        dataclasses.fields(DATACLASSES["Frozen"])]
    assert dataclasses.replace(RECORDS["Frozen"]("a"), size=2.0) == RECORDS["Frozen"]("a", 2.0)
    assert RECORDS["Frozen"].__match_args__ == DATACLASSES["Frozen"].__match_args__
