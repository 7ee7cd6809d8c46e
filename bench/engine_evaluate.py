"""The engine's time per evaluation, two checkouts side by side, on the designs a review evaluates.

    python bench/engine_evaluate.py --before ../old-checkout --after . [--rounds 20] [--repeat 5] PATH...

Each checkout, in a process of its own (its root on PYTHONPATH, an empty cache folder
of its own): `review -j 1 PATH...` runs in process with ``Advisor.evaluate`` recording the answers it is
given (one per distinct design: advisor.review.designs), then the same Advisor evaluates those
answers again --rounds times over, timed. Checkouts alternate --repeat times; the median of the
per-evaluation times is printed for each, with the ratio. With no PATH, every examples/*.yaml
answer file of --after is evaluated instead. Timings depend on the machine: numbers go in
notes, never in assertions.

``--profile`` prints, for the --after checkout, cProfile's top functions by total time over one
round instead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import contextlib, io, json, statistics, sys, time
from advisor.engine.advisor import Advisor
paths, rounds, examples, profile = json.loads(sys.argv[1])
recorded = []
if paths:
    original = Advisor.evaluate
    def recording(self, answers):
        recorded.append(answers)
        return original(self, answers)
    Advisor.evaluate = recording
    from advisor.cli.main import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["review", "-j", "1", *paths])
    Advisor.evaluate = original
else:
    from advisor.answers.load import load_answers
    recorded = [load_answers(p) for p in examples]
advisor = Advisor()
for answers in recorded:  # once untimed: what is built lazily is built
    advisor.evaluate(answers)
if profile:
    import cProfile, pstats
    profiler = cProfile.Profile()
    profiler.enable()
    for answers in recorded:
        advisor.evaluate(answers)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    sys.exit(0)
times = []
for _ in range(rounds):
    start = time.perf_counter()
    for answers in recorded:
        advisor.evaluate(answers)
    times.append((time.perf_counter() - start) / len(recorded))
print(json.dumps({"designs": len(recorded), "per_evaluation": min(times), "median": statistics.median(times)}))
"""


def measure(checkout: Path, payload: list) -> dict:
    """One process of ``checkout``, with an empty cache (a review keeps the designs it evaluated)."""
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPATH=str(checkout.resolve()), XDG_CACHE_HOME=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(payload)], env=env, cwd=cwd,
                              capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr}")
    return done.stdout if payload[3] else json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=20, help="timed passes over the designs in one process")
    parser.add_argument("--repeat", type=int, default=5, help="processes per checkout, alternating")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = [str(p.resolve()) for p in args.paths]
    examples = [str(p) for p in sorted((args.after.resolve() / "examples").glob("*.yaml"))]
    if args.profile:
        print(measure(args.after, [paths, 1, examples, True]))
        return 0
    results: dict[str, list] = {"before": [], "after": []}
    for _ in range(args.repeat):
        for name, checkout in (("before", args.before), ("after", args.after)):
            results[name].append(measure(checkout, [paths, args.rounds, examples, False]))
    designs = {r["designs"] for rs in results.values() for r in rs}
    before = statistics.median(r["per_evaluation"] for r in results["before"])
    after = statistics.median(r["per_evaluation"] for r in results["after"])
    print(f"designs evaluated: {sorted(designs)}; best of {args.rounds} rounds, median of {args.repeat} processes")
    print(f"before {before * 1e6:8.1f} us/evaluation   after {after * 1e6:8.1f} us/evaluation   "
          f"after/before {after / before:.3f}  ({(1 - after / before) * 100:+.1f}% less time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
