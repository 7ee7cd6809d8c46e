"""Stopping a review while its helper process (advisor.system.helper) runs: Ctrl-C, SIGTERM, SIGKILL.
The helper never outlives the review, and the review ends as it would without one.

The review is held still by a FIFO named first among its inputs (the review waits for a writer), and
the helper by a file it takes an hour to parse (a stand-in for a long parse, patched in by the
runner below), so that each signal lands while both run.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from helpers.installed import alive, children, finished, held_job, needs_proc, wait_for
from helpers.paths import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a helper is forked: Linux only")

# pod-advisor as the console script runs it, with a helper whatever the machine's CPUs and load, and a
# helper that parses slow.yaml for an hour
RUNNER = """\
import sys, time
from advisor.review import ahead, objects
from advisor.system import helper
helper.available = lambda: True
objects.AHEAD_BYTES = 0
parsed = ahead._parsed
ahead._parsed = lambda name, stored: time.sleep(3600) if name.endswith("slow.yaml") else parsed(name, stored)
from advisor.cli.main import console_main
console_main()
"""
POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers: [{name: web, image: nginx:1.27}]\n"


@pytest.fixture
def held_review(tmp_path):
    """A running ``review held.yaml tree/`` held still, and its helper."""
    needs_proc()
    held = tmp_path / "held.yaml"
    os.mkfifo(held)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.yaml").write_text(POD)
    (tree / "slow.yaml").write_text(POD)  # the last file: the helper's first
    with held_job([sys.executable, "-c", RUNNER, "review", str(held), str(tree)],
                  env={**os.environ, "PYTHONPATH": str(ROOT)}) as process:
        wait_for(lambda: len(children(process.pid)) == 1, what="the helper")
        yield process, children(process.pid)[0]


def test_ctrl_c_ends_the_review_and_its_helper(held_review):
    process, helper = held_review
    os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole foreground group
    code, err = finished(process)
    assert (code, "Traceback" in err) == (130, False), err
    assert not alive(helper)


def test_ctrl_c_pressed_again_while_the_review_stops_ends_it_the_same_way(held_review):
    """The presses after the first wait while the helper is stopped, and one that comes as the process leaves (a
    busy machine delays the test's own presses) is dropped there (console_main)."""
    process, helper = held_review
    for _ in range(3):
        os.killpg(process.pid, signal.SIGINT)
    code, err = finished(process)
    assert (code, "Traceback" in err) == (130, False), err
    assert not alive(helper)


def test_a_terminated_review_ends_its_helper(held_review):
    process, helper = held_review
    process.send_signal(signal.SIGTERM)
    code, err = finished(process)
    assert (code, "stopped by SIGTERM" in err, "Traceback" in err) == (143, True, False), err
    assert not alive(helper)


def test_a_killed_review_takes_its_helper_with_it(held_review):
    process, helper = held_review
    process.kill()
    finished(process)
    wait_for(lambda: not alive(helper), what="the helper to end")


def test_a_ctrl_c_while_the_process_leaves_is_not_a_traceback(monkeypatch):
    """After main's own handling (the helpers stopped, the message said), the exit still flushes and runs the
    worker pools' exit handlers: a Ctrl-C there is dropped, and the run ends with main's status."""
    import threading

    from advisor.cli import main as entry

    left = []

    def leave(status):
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # Ctrl-C, as it reaches a one-threaded process
        left.append(status)

    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    monkeypatch.setattr(entry, "main", lambda prog: 130)
    monkeypatch.setattr(entry, "leave", leave)
    try:
        entry.console_main()
        escaped = False
    except KeyboardInterrupt:
        escaped = True
    finally:
        signal.signal(signal.SIGINT, before)
    assert (escaped, left) == (False, [130])
