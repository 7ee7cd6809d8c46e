"""review --fix on what is not a plain UTF-8 file (issue 24, classes 3 and 7): a FIFO is read once
and never opened again (the installed command, fed by a writer that then goes away, must end), and
a UTF-16 file is written back in UTF-16, its other documents byte for byte.
"""

from __future__ import annotations

import codecs
import os
import re
import threading

import pytest

from helpers.paths import FIXTURES

from helpers.cli import run_cli
from helpers.installed import TIMEOUT, run

THREE = (FIXTURES / "review" / "fix" / "three-documents.yaml").read_text(encoding="utf-8")
BARE_POD = (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text(encoding="utf-8")
MARKER = re.compile(r"^(?=---(?:[ \t]|$))", re.MULTILINE)


def _feed(fifo, text: str) -> threading.Thread:
    """A writer that gives ``text`` to the first reader of ``fifo``, once, and goes away."""
    def write() -> None:
        with open(fifo, "w", encoding="utf-8") as handle:
            handle.write(text)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return writer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fix_on_a_fifo_reads_it_once_and_says_it_cannot_be_fixed(tmp_path):
    fifo = tmp_path / "manifest.yaml"
    os.mkfifo(fifo)
    writer = _feed(fifo, BARE_POD)
    done = run("review", str(fifo), "--fix", text=True, timeout=TIMEOUT)  # no second writer ever comes
    writer.join(TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert f"{fifo}: is a FIFO, not a file; not fixed (save what it gives to a file, and fix that file)" \
        in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_diff_on_a_fifo_prints_the_patch(tmp_path):
    fifo = tmp_path / "manifest.yaml"
    os.mkfifo(fifo)
    _feed(fifo, BARE_POD)
    done = run("review", str(fifo), "--diff", text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr  # a warning, and --fail-on is error
    assert "+kind: Deployment" in done.stdout


def test_a_character_device_is_not_fixed():
    run_ = run_cli("review", os.devnull, "--fix")
    assert "Traceback" not in run_.stderr and run_.status in (0, 2)


@pytest.mark.parametrize("codec, mark", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                         ("utf-8", codecs.BOM_UTF8), ("utf-8", b"")])
def test_a_fixed_file_keeps_its_encoding_and_its_other_documents_byte_for_byte(tmp_path, codec, mark):
    path = tmp_path / "three.yaml"
    path.write_bytes(mark + THREE.encode(codec))
    run_ = run_cli("review", str(path), "--fix")
    assert f"fixed {path}: bare-pod" in run_.stderr, run_.stderr
    data = path.read_bytes()
    assert data.startswith(mark)
    after = data[len(mark):].decode(codec)
    old, new = MARKER.split(THREE), MARKER.split(after)
    assert new[0] == old[0] and new[2] == old[2] and "kind: Deployment" in new[1]
    for untouched in (old[0], old[2]):  # the very bytes, not only the same text
        assert untouched.encode(codec) in data
