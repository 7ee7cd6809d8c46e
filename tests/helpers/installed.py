"""The installed ``pod-advisor`` command as a user (or an attacker) runs it: a real process,
with real signals, pipes and terminals, and the processes it leaves behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

TIMEOUT = 60  # generous: a slow CI machine starts Python, loads the knowledge base and the engine


def copy_source(target: Path) -> Path:
    """This repository's working tree as it is now (uncommitted changes included, ignored files left out: no
    build/, no seeds an editable install wrote) copied into ``target``: what a clean clone of it would hold."""
    from helpers.paths import ROOT

    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True, timeout=120).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def console_script() -> str:
    found = shutil.which("pod-advisor") or str(Path(sys.executable).parent / "pod-advisor")
    if not os.path.exists(found):
        pytest.skip("the pod-advisor console script is not installed")
    return found


STOPS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGHUP", "SIGTERM", "SIGQUIT") if hasattr(signal, name))


def default_signals() -> None:
    """A child's start (``preexec_fn``): Ctrl-C, SIGHUP and SIGTERM as a terminal's job gets them.

    The suite may run where they are ignored (a CI step started from a non-interactive shell,
    with `&` or `nohup`), and children inherit an ignored signal; pod-advisor rightly keeps it
    ignored, so a test that stops its child with one would wait in vain."""
    for signum in STOPS:
        signal.signal(signum, signal.SIG_DFL)


def popen(argv: list[str], **kwargs) -> subprocess.Popen:
    """``subprocess.Popen`` with the stop signals at their defaults in the child (``default_signals``)."""
    kwargs.setdefault("preexec_fn", default_signals)
    return subprocess.Popen(argv, **kwargs)


@contextlib.contextmanager
def held_job(argv: list[str], **kwargs):
    """``popen(argv)`` as a terminal's job: its own process group, text pipes for its output. A test holds it
    still (a FIFO among its inputs) and signals it; whatever is still running at the end is killed with its
    whole group, and its output read, so that no process outlives the test."""
    process = popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                    **kwargs)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=TIMEOUT)


def finished(process) -> tuple[int, str]:
    """The exit status and standard error of a ``held_job`` once it ends."""
    _, err = process.communicate(timeout=TIMEOUT)
    return process.returncode, err


def spawn(command: str, args: list[str], **kwargs):
    """``pexpect.spawn`` with the stop signals at their defaults in the child (``default_signals``)."""
    import pexpect

    kwargs.setdefault("preexec_fn", default_signals)
    return pexpect.spawn(command, args, **kwargs)


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run the installed command to its end (bytes in and out unless ``text`` is given)."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", TIMEOUT)
    kwargs.setdefault("preexec_fn", default_signals)
    return subprocess.run([console_script(), *args], **kwargs)


def needs_proc() -> None:
    if not os.path.isdir("/proc/self"):
        pytest.skip("needs /proc (Linux) to see the processes a run leaves")


def children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat and int(stat[1]) == pid and stat[0] != "Z":
                found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a parent that never reaps, as in a container, is not)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            text = handle.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # state, ppid, ...


def wait_for(condition, timeout: float = TIMEOUT, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
