"""apicheck from Python: its verdicts on objects, for the tests and bench/differential.py.

    run(binary, items, "restricted")          -> [Verdict, ...]   one process, one file
    with Session(binary, "baseline") as s:    a process kept open, fed one batch at a time
        s.check(items)                        -> [Verdict, ...]

An item is an object (a dict, sent as JSON, which no YAML reader can read another way)
or the YAML text a program wrote (sent as it is, one or more documents: what a user
would apply). Both read apicheck's one line per object, in order, and check that each
line names the object it answers, as PyYAML reads the text: a name that the API
server's YAML reader reads otherwise (``n`` is false there) shows as a mismatch. Plain
Python, no pytest: tests add the skip-or-fail of a missing tool.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml

BINARY = Path(__file__).resolve().parent / "bin" / "apicheck"
LINE = re.compile(r"^(ACCEPTED|REJECTED) ([A-Za-z]+)/(\S*)(?:: (.*))?$")


class ApicheckError(RuntimeError):
    """apicheck did not answer as it promises (a crash, input it could not check, a stray line)."""


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    object: str   # Kind/name
    message: str  # the upstream messages, "" when accepted

    def __str__(self) -> str:
        word = "ACCEPTED" if self.accepted else "REJECTED"
        return f"{word} {self.object}{': ' + self.message if self.message else ''}"


def label(obj: dict) -> str:
    """How apicheck names an object: Kind/name, or Kind/prefix-* for one named by generateName."""
    meta = obj.get("metadata") or {}
    name = meta.get("name") or (f"{meta['generateName']}*" if meta.get("generateName") else "")
    return f"{obj.get('kind')}/{name}"


def read_line(line: str) -> Verdict:
    match = LINE.match(line.rstrip("\n"))
    if not match:
        raise ApicheckError(f"not a verdict: {line!r}")
    return Verdict(match[1] == "ACCEPTED", f"{match[2]}/{match[3]}", match[4] or "")


def _document(item: dict | str) -> str:
    return json.dumps(item) if isinstance(item, dict) else item.rstrip("\n")


def _labels(items: list[dict | str]) -> list[str]:
    return [label(o) for item in items
            for o in ([item] if isinstance(item, dict) else [d for d in yaml.safe_load_all(item) if d])]


def _checked(items: list[dict | str], found: list[Verdict]) -> list[Verdict]:
    wanted = _labels(items)
    if len(found) != len(wanted):
        raise ApicheckError(f"apicheck answered {len(found)} objects of {len(wanted)}")
    for verdict, name in zip(found, wanted):
        if verdict.object != name:
            raise ApicheckError(f"apicheck answered {verdict.object} where {name} was expected")
    return found


def run(binary: str | Path, items: list[dict | str], pss: str = "restricted", timeout: float = 600) -> list[Verdict]:
    """apicheck's verdict on each object of ``items``, from one process at Pod Security level ``pss``."""
    if not items:
        return []
    with tempfile.TemporaryDirectory(prefix="apicheck-") as folder:
        path = Path(folder) / "objects.yaml"
        path.write_text("".join(f"---\n{_document(item)}\n" for item in items), encoding="utf-8")
        done = subprocess.run([str(binary), "--pss", pss, str(path)], capture_output=True, text=True,
                              timeout=timeout)
    if done.returncode not in (0, 1):
        raise ApicheckError(f"apicheck exited {done.returncode}: {done.stderr.strip()}")
    found = _checked(items, [read_line(line) for line in done.stdout.splitlines()])
    if done.returncode != (1 if any(not v.accepted for v in found) else 0):
        raise ApicheckError(f"apicheck exited {done.returncode} for these verdicts")
    return found


class Session:
    """One apicheck process reading standard input, fed a batch of objects at a time.

    Each item is sent followed by a '---' line, which lets apicheck's
    document reader hand it over at once; apicheck writes its verdict line unbuffered.
    Its warnings go to a file, so that a full pipe never stalls it. Only kinds apicheck
    checks belong in a session: another gets no verdict, and ``check`` raises.
    """

    def __init__(self, binary: str | Path, pss: str = "restricted", timeout: float = 60):
        self._timeout = timeout
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._process = subprocess.Popen([str(binary), "--pss", pss, "-"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self._stderr, text=True, bufsize=1)
        # Lines are read by a thread, so that waiting for one can time out.
        self._lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self._process.stdout:
            self._lines.put(line)
        self._lines.put("")

    def check(self, items: list[dict | str]) -> list[Verdict]:
        found = []
        for item in items:
            self._process.stdin.write(_document(item) + "\n---\n")
            self._process.stdin.flush()
            found += [self._verdict() for _ in _labels([item])]
        return _checked(items, found)

    def _verdict(self) -> Verdict:
        # A document apicheck cannot check gets no verdict line: wait, but not forever.
        try:
            line = self._lines.get(timeout=self._timeout)
        except queue.Empty:
            line = ""
        if not line:
            self._stderr.seek(0)
            raise ApicheckError(f"apicheck gave no verdict: {self._stderr.read().strip()}")
        return read_line(line)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._stderr.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
