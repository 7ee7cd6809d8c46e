"""The installed wizard when its terminal goes away or is asked to step aside (issue 24, class 5):
closing the terminal ends it with 129 (128 + SIGHUP) whether SIGHUP comes or the input just ends
(under nohup it never comes), writing nothing; Ctrl-Z suspends it as a shell's job, and `fg`
brings the question back.
"""

from __future__ import annotations

import os
import signal
import sys

import pytest

from helpers.installed import TIMEOUT, console_script, default_signals, spawn

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
pexpect = pytest.importorskip("pexpect")
ENVIRON = {**os.environ, "NO_COLOR": "1", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}


def _nohup() -> None:
    default_signals()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _close_terminal(child) -> int:
    """Close the terminal's own side, as closing its window does; the wizard's exit status."""
    os.close(child.child_fd)
    child.closed = True  # pexpect must not close it again
    _, status = os.waitpid(child.pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("hangup", ["SIGHUP", "nohup"])
def test_closing_the_terminal_ends_the_wizard_with_129_and_writes_nothing(tmp_path, hangup):
    child = spawn(console_script(), ["wizard"], cwd=str(tmp_path), env=ENVIRON, dimensions=(24, 80),
                  encoding="utf-8", timeout=TIMEOUT, preexec_fn=_nohup if hangup == "nohup" else default_signals)
    try:
        child.expect_exact("What is the application called?")
    except BaseException:
        child.close(force=True)
        raise
    assert _close_terminal(child) == 129
    assert list(tmp_path.iterdir()) == []


def test_ctrl_z_suspends_the_wizard_and_fg_brings_the_question_back(tmp_path):
    bash = "/bin/bash"
    if not os.access(bash, os.X_OK):
        pytest.skip("needs bash for job control")
    shell = spawn(bash, ["--norc", "--noprofile", "-i"], cwd=str(tmp_path), env={**ENVIRON, "PS1": "$ "},
                  dimensions=(24, 80), encoding="utf-8", timeout=TIMEOUT)
    try:
        shell.expect_exact("$ ")
        shell.sendline(f"{console_script()} wizard")
        shell.expect_exact("What is the application called?")
        shell.send("\x1a")  # Ctrl-Z
        shell.expect_exact("Stopped")
        shell.expect_exact("$ ")
        shell.sendline("fg")
        shell.expect_exact("What is the application called?")
        shell.send("\x03")  # Ctrl-C: the wizard leaves as usual
        shell.expect_exact("nothing was written")
        shell.expect_exact("$ ")
        shell.sendline("echo status=$?")
        shell.expect_exact("status=130")
    finally:
        shell.close(force=True)
