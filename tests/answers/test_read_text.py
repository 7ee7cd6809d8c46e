"""Reading a user's file: whole when it is within the bound, refused when it is over it, whatever size the file
system states for it (issue 26: the read is sized by that size, not by the bound)."""

from __future__ import annotations

import os
import tempfile
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.system import yamlsource
from advisor.system.errors import InputError
from advisor.system.yamlsource import read_text


def _read_stating(content: bytes, stated: int, bound: int) -> bytes:
    """What the bounded read gives of a file holding ``content`` whose size the file system states as ``stated``
    (a file that grew or shrank since it was looked at, or one that states none)."""
    with tempfile.NamedTemporaryFile() as handle:
        handle.write(content)
        handle.flush()
        real = os.fstat

        def fstat(fd):
            found = real(fd)
            return os.stat_result((*found[:6], stated, *found[7:]))

        with open(handle.name, "rb") as reading, mock.patch.object(os, "fstat", fstat):
            return yamlsource._read_bounded(reading, bound)


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=64), stated=st.integers(0, 80), bound=st.integers(1, 64))
def test_a_file_within_the_bound_is_read_whole_and_one_over_it_gives_one_byte_more_whatever_its_stated_size(
        content, stated, bound):
    data = _read_stating(content, stated, bound)
    assert data == (content if len(content) <= bound else content[:bound + 1])


def test_a_file_of_exactly_the_bound_is_read(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (1024 - 4) + b"\n")
    assert len(read_text(str(path), max_bytes=1024)) == 1024


def test_a_file_one_byte_over_the_bound_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * (1024 - 3) + b"\n")
    with pytest.raises(InputError, match="larger than 1 KiB"):
        read_text(str(path), max_bytes=1024)


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc: a file that states no size")
def test_a_file_that_states_no_size_is_read_whole():
    """/proc's files say they hold 0 bytes."""
    assert os.stat("/proc/self/status").st_size == 0
    assert "Name:" in read_text("/proc/self/status")
