"""Run the property-based tests long: hostile answer files and manifests by the thousand.

    python bench/fuzz.py                    # 1,000 examples per property
    python bench/fuzz.py -n 5000 -k review  # 5,000 examples of the properties matching "review"

The properties are those of tests/properties/test_properties.py (evaluate, manifest, batch, review) and of
tests/properties/test_properties_doors.py (the Helm chart rendered by the real helm, the picture read by
Mermaid's own parser, review --fix in every encoding; these start a tool for each example, so they
run a fifth as many, each example a batch where the tool takes several inputs at once).

The suite runs each property on a bounded, repeatable few
examples (the "suite" Hypothesis profile); this runs them under the "fuzz" profile:
N examples each, freshly random every run, and reports per property how many examples
ran, how many passed and how long it took, then the failures with the smallest input
Hypothesis found. Exit status: 0 when every property held.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = ("test_properties.py", "test_properties_doors.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--examples", type=int, default=1000, help="examples per property (default 1000)")
    parser.add_argument("-k", default=None, help="only the properties whose names match (pytest -k)")
    args = parser.parse_args()
    environ = {**os.environ, "HYPOTHESIS_PROFILE": "fuzz", "FUZZ_EXAMPLES": str(args.examples)}
    command = [sys.executable, "-m", "pytest", *(str(ROOT / "tests" / "properties" / name) for name in FILES), "-q", "-p",
               "no:cacheprovider", "--hypothesis-show-statistics", "-o", "addopts="]
    if args.k:
        command += ["-k", args.k]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    print(f"{args.examples} examples per property, {elapsed:.0f} s in all\n")
    print(f"{'property':<84} {'passing':>8} {'failing':>8} {'invalid':>8} {'seconds':>8}")
    total = 0
    for name, body in re.findall(r"test_properties\w*\.py::(\w+):\n(.*?)(?=\ntests/|\n=+|\Z)", done.stdout, re.S):
        phases = re.findall(r"(\d+) passing, (\d+) failing, and (\d+) invalid", body)
        passing, failing, invalid = (sum(int(p[i]) for p in phases) for i in range(3))
        seconds = sum(float(t) for t in re.findall(r"phase \(([\d.]+) seconds\)", body))
        total += passing + failing
        print(f"{name:<84} {passing:>8} {failing:>8} {invalid:>8} {seconds:>8.0f}")
    print(f"\n{total} runs; " + ("every property held" if done.returncode == 0 else "FAILURES:"))
    if done.returncode != 0:
        failures = re.findall(r"^(E\s+.*|Falsifying example.*|FAILED .*)$", done.stdout, re.M)
        print("\n".join(failures[:80]) or done.stdout[-5000:])
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
