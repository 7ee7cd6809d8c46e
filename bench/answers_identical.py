"""Byte-identity of what the answer-file commands print, between two checkouts of pod-advisor.

    python bench/answers_identical.py --before ../old-checkout --after .

(review's outputs have bench/review_identical.py, over fixtures and corpora.)

A change that moves code (issue 18) or makes it faster (issue 26) must not change a byte
of output. This runs the same commands with each checkout on PYTHONPATH and compares
stdout, stderr and the exit status (a command that differs is run once more, so that a
run upset by a loaded machine is not taken for a change):

- `evaluate --format json`, `evaluate` (text) and `manifest` for every answer file under
  examples/ and tests/fixtures/{rules,manifest,render}/ (taken from --after).

Each checkout gets a cache folder of its own, so a pickle written by one cannot answer
for the other. It prints one line per difference and the counts; exit 1 on any.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

def answer_files(root: Path) -> list[Path]:
    folders = [root / "examples"] + [root / "tests/fixtures" / f for f in ("rules", "manifest", "render")]
    return sorted(p for folder in folders for p in folder.rglob("*.yaml"))


def commands(root: Path) -> list[list[str]]:
    runs: list[list[str]] = []
    for path in answer_files(root):
        name = str(path)
        runs += [["evaluate", "--format", "json", name], ["evaluate", name], ["manifest", name]]
    return runs


def run(checkout: Path, cache: str, argv: list[str]) -> tuple[int, bytes, bytes]:
    env = dict(os.environ, PYTHONPATH=str(checkout.resolve()), XDG_CACHE_HOME=cache,
               COLUMNS="100", NO_COLOR="1")
    env.pop("CI", None)
    done = subprocess.run([sys.executable, "-m", "advisor", *argv], env=env, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=900)
    return done.returncode, done.stdout, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path, help="checkout of the old code")
    parser.add_argument("--after", required=True, type=Path, help="checkout of the new code")
    args = parser.parse_args()
    runs = commands(args.after.resolve())
    differ = 0
    with tempfile.TemporaryDirectory() as before_cache, tempfile.TemporaryDirectory() as after_cache:
        for argv in runs:
            old = run(args.before, before_cache, argv)
            new = run(args.after, after_cache, argv)
            if old != new:  # once more, so that a run upset by the machine is told from a real change
                old, new = run(args.before, before_cache, argv), run(args.after, after_cache, argv)
            if old != new:
                differ += 1
                parts = [what for what, a, b in zip(("exit", "stdout", "stderr"), old, new) if a != b]
                print(f"DIFFERS ({', '.join(parts)}): pod-advisor {' '.join(argv)}", flush=True)
                for label, result in (("before", old), ("after", new)):
                    print(f"  {label}: exit {result[0]}; stderr: {result[2][-300:].decode(errors='replace')!r}")
    print(f"{len(runs)} commands, {len(runs) - differ} identical, {differ} different")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
