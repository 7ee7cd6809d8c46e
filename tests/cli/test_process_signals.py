"""Stopping the installed command: SIGTERM, SIGHUP, SIGKILL and Ctrl-C, once or again and
again (issue 11, classes 6, 7 and 11). No worker outlives the batch, no temporary file
outlives a TERM or HUP, and nothing hangs or prints a traceback.

The batch is held still by a FIFO named first among its files: the worker reading it
waits for a writer, so the signal always lands while the batch runs.
"""

from __future__ import annotations

import glob
import os
import signal
import subprocess
import sys

import pytest

from helpers.installed import (TIMEOUT, alive, children, console_script, finished, held_job, needs_proc, spawn,
                               wait_for)
from helpers.tools import require_module

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

ANSWERS = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


@pytest.fixture
def held_batch(tmp_path):
    """A running ``batch --jobs 2 -o out.jsonl`` held still, and its worker processes."""
    needs_proc()
    held = tmp_path / "held.yaml"
    os.mkfifo(held)
    folder = tmp_path / "answers"
    folder.mkdir()
    for i in range(40):
        (folder / f"a{i:02}.yaml").write_text(ANSWERS)
    with held_job([console_script(), "batch", str(held), str(folder), "--jobs", "2", "--format", "jsonl",
                   "-o", str(tmp_path / "out.jsonl")]) as process:
        wait_for(lambda: len(children(process.pid)) >= 2, what="two workers")
        wait_for(lambda: glob.glob(str(tmp_path / ".pod-advisor-*.tmp")), what="the temporary output file")
        yield process, children(process.pid)


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_terminated_batch_stops_its_workers_and_removes_its_temporary_file(held_batch, tmp_path, signum, status):
    process, workers = held_batch
    process.send_signal(signum)
    code, err = finished(process)
    assert (code, "stopped by SIG" in err, "Traceback" in err) == (status, True, False), err
    wait_for(lambda: not any(alive(w) for w in workers), what="the workers to end")
    assert sorted(os.listdir(tmp_path)) == ["answers", "held.yaml"]


def test_a_killed_batch_takes_its_workers_with_it(held_batch):
    process, workers = held_batch
    process.kill()
    finished(process)
    wait_for(lambda: not any(alive(w) for w in workers), what="the workers to end")


@pytest.mark.parametrize("presses", [1, 2, 3])
def test_ctrl_c_pressed_again_and_again_ends_the_batch_cleanly(held_batch, tmp_path, presses):
    process, workers = held_batch
    for _ in range(presses):
        os.killpg(process.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole foreground group
    code, err = finished(process)
    assert (code, "Traceback" in err) == (130, False), err
    wait_for(lambda: not any(alive(w) for w in workers), what="the workers to end")
    assert sorted(os.listdir(tmp_path)) == ["answers", "held.yaml"]


def test_a_batch_run_under_nohup_keeps_ignoring_sighup(tmp_path):
    (tmp_path / "a.yaml").write_text(ANSWERS)
    script = (f"import signal, subprocess; signal.signal(signal.SIGHUP, signal.SIG_IGN); "
              f"p = subprocess.Popen([{console_script()!r}, 'batch', {str(tmp_path)!r}, '--format', 'jsonl']); "
              f"p.send_signal(signal.SIGHUP); raise SystemExit(p.wait())")
    assert subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=TIMEOUT).returncode == 0


def test_sigterm_to_the_wizard_leaves_the_terminal_as_it_was(tmp_path):
    pexpect = require_module("pexpect", "pip install -e '.[test]'")
    import termios

    needs_proc()
    environ = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = spawn(console_script(), ["wizard"], cwd=str(tmp_path), env=environ, dimensions=(24, 80),
                  encoding="utf-8", timeout=TIMEOUT)
    try:
        child.expect_exact("What is the application called?")  # the prompt has the terminal in raw mode
        # the terminal's own side, kept open to look at it once the wizard is gone
        terminal = os.open(os.readlink(f"/proc/{child.pid}/fd/0"), os.O_RDWR | os.O_NOCTTY)
        wait_for(lambda: not termios.tcgetattr(terminal)[3] & termios.ICANON, what="the prompt's raw mode")
        child.kill(signal.SIGTERM)
        child.expect_exact("stopped by SIGTERM")  # (no EOF while this test holds the terminal open)
        wait_for(lambda: not child.isalive(), what="the wizard to end")
        flags = termios.tcgetattr(terminal)[3]
        os.close(terminal)
        assert child.exitstatus == 143
        assert flags & termios.ICANON and flags & termios.ECHO  # line editing and echo are back
    finally:
        child.close(force=True)
