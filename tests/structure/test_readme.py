"""The README's commands run as written, from a fresh copy of the checkout.

Every line of a ```sh block in the README that starts with `pod-advisor` is a promise to a
newcomer; each runs here, in a copy of the files git tracks (what a clone holds), with the
copy's own code (`python -m advisor` in its folder). A comment `# exit N` on the line says the
status it ends with (the default is 0). `pod-advisor wizard` lines need a terminal: the wizard's
own tests drive them (tests/wizard/). Lines with placeholders (FILE, my-app.yaml) are templates,
not commands, and the README marks them so (`# template`).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import ROOT

README = ROOT / "README.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.M | re.S)
SKIPPED = ("wizard", "# template")


def commands(text: str) -> list[tuple[str, int]]:
    """(command, exit status it promises) for every pod-advisor line of the README's sh blocks."""
    found = []
    for block in BLOCK.findall(text):
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if not part.startswith("pod-advisor ") or any(word in line for word in SKIPPED):
                    continue
                command = re.split(r"\s#(?:\s|$)", part, maxsplit=1)[0]
                comment = part[len(command):]
                status = re.search(r"\bexit (\d+)", comment)
                found.append((command.strip(), int(status[1]) if status else 0))
    return found


COMMANDS = commands(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: no list of the files a clone would hold")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    copy = tmp_path_factory.mktemp("clone")
    for name in filter(None, listed.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def test_the_readme_shows_the_main_job_and_the_tests_on_a_fresh_machine():
    text = README.read_text(encoding="utf-8")
    assert "pip install -e . && pod-advisor evaluate examples/" in text
    assert "pip install -e '.[test]' && pytest" in text


def test_the_readme_has_commands_to_run():
    assert len(COMMANDS) >= 5


@pytest.mark.parametrize("command, status", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_a_readme_command_runs_as_written_from_a_fresh_copy(fresh_copy, command, status):
    argv = [sys.executable, "-m", "advisor", *shlex.split(command)[1:]]
    done = subprocess.run(argv, cwd=fresh_copy, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == status, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
