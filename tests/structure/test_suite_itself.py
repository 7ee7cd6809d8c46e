"""The suite itself, run as CI runs it (issue 24, class 9): from a shell where Ctrl-C and SIGHUP are
ignored (a step started with `&` or `nohup`), the tests that stop pod-advisor with a signal still
pass, as their children start with the signals at their defaults; and collecting the tests writes
nothing into the cache folder of the user who runs them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from helpers.paths import ROOT


def _ignoring_stops() -> None:
    """What `&` in a non-interactive shell and `nohup` leave a process: SIGINT and SIGHUP ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)


def _pytest(*args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *args],
                          cwd=ROOT, env=env or dict(os.environ), capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_ignoring_stops)


def test_the_signal_tests_pass_when_the_runner_ignores_ctrl_c_and_hangups():
    done = _pytest("tests/cli/test_process_signals.py", "-k", "terminated_batch or ctrl_c_pressed or wizard")
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout and "failed" not in done.stdout


def test_collecting_the_tests_writes_nothing_into_the_runners_cache_folder(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}
    done = _pytest("--collect-only", "tests/", env=env, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert not (tmp_path / "cache").exists() and not (tmp_path / "home").exists()
