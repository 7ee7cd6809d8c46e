"""The engine's time per evaluation, two checkouts side by side, on the designs a review evaluates.

    python bench/engine_evaluate.py --before ../old-checkout --after . [--rounds 20] [--repeat 5] PATH...

Each checkout, in a process of its own (its root on PYTHONPATH, an empty cache folder
of its own): `review -j 1 PATH...` runs in process with ``Advisor.evaluate`` recording the answers it is
given (one per distinct design: advisor.review.designs), timing those calls (the first pass,
what a review with an empty cache spends in the engine), then a new Advisor evaluates those
answers once untimed and again --rounds times over, timed (what the engine keeps between
evaluations is then warm). Checkouts alternate --repeat times; the median of the
per-evaluation times is printed for each, with the ratio. With no PATH, every examples/*.yaml
answer file of --after is evaluated instead. Timings depend on the machine: numbers go in
notes, never in assertions.

``--profile`` prints, for the --after checkout, cProfile's top functions by total time over one
round instead. ``--instructions`` counts instead (valgrind's callgrind): the answers --after's review
evaluates are pickled, and each checkout evaluates them once in a new process, under callgrind,
less the same process without evaluating: instructions per evaluation of a first pass, which a
busy machine does not disturb.
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
    first = [0.0]
    def recording(self, answers):
        recorded.append(answers)
        start = time.perf_counter()
        try:
            return original(self, answers)
        finally:
            first[0] += time.perf_counter() - start
    Advisor.evaluate = recording
    from advisor.cli.main import main
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        main(["review", "-j", "1", *paths])
    Advisor.evaluate = original
else:
    from advisor.answers.load import load_answers
    recorded = [load_answers(p) for p in examples]
advisor = Advisor()
if not paths:  # the first pass over them, as a review's is
    first = [time.perf_counter()]
    for answers in recorded:
        advisor.evaluate(answers)
    first[0] = time.perf_counter() - first[0]
else:
    for answers in recorded:  # once untimed: what the engine keeps between evaluations is kept
        advisor.evaluate(answers)
if isinstance(profile, str):  # a file to pickle the answers to
    import pickle
    with open(profile, "wb") as handle:
        pickle.dump(recorded, handle)
    print(json.dumps({"designs": len(recorded)}))
    sys.exit(0)
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
print(json.dumps({"designs": len(recorded), "first": first[0] / len(recorded), "per_evaluation": min(times),
                  "median": statistics.median(times)}))
"""

# --instructions: the designs (recorded by CHILD's review, pickled) evaluated once by a new Advisor, under
# callgrind; the same process without the evaluations is subtracted.
IR_CHILD = r"""
import gc, pickle, sys
from advisor.cli.main import GC_THRESHOLD
from advisor.engine.advisor import Advisor
gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])  # as the command sets it
with open(sys.argv[1], "rb") as handle:
    recorded = pickle.load(handle)
advisor = Advisor()
if sys.argv[2] == "eval":
    for answers in recorded:
        advisor.evaluate(answers)
"""


def instructions(checkout: Path, designs: str, count: int) -> float:
    """Instructions per evaluation of the pickled designs, on a first pass (callgrind's count)."""
    python = os.path.realpath(sys.executable)  # not a shim: valgrind follows no exec
    counts = {}
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPATH=str(checkout.resolve()), XDG_CACHE_HOME=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for mode in ("base", "eval"):  # once outside callgrind: the Rete network and .pyc files are made
            subprocess.run([python, "-c", IR_CHILD, designs, mode], env=env, cwd=cwd, check=True)
        for mode in ("base", "eval"):
            done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-c",
                                   IR_CHILD, designs, mode], env=env, cwd=cwd, capture_output=True, text=True,
                                  check=True)
            counts[mode] = int(re.search(r"Collected : (\d+)", done.stderr).group(1))
    return (counts["eval"] - counts["base"]) / count


def record(checkout: Path, paths: list, examples: list, designs: str) -> int:
    """Pickle the answers that ``review -j 1 paths`` evaluates (or the examples') to ``designs``; how many."""
    return measure(checkout, [paths, 0, examples, designs])["designs"]


def measure(checkout: Path, payload: list) -> dict:
    """One process of ``checkout``, with an empty cache (a review keeps the designs it evaluated)."""
    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PYTHONPATH=str(checkout.resolve()), XDG_CACHE_HOME=cache)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        done = subprocess.run([sys.executable, "-c", CHILD, json.dumps(payload)], env=env, cwd=cwd,
                              capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{checkout}: {done.stderr}")
    return done.stdout if payload[3] is True else json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--after", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=20, help="timed passes over the designs in one process")
    parser.add_argument("--repeat", type=int, default=5, help="processes per checkout, alternating")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions per evaluation with valgrind's callgrind instead of timing")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = [str(p.resolve()) for p in args.paths]
    examples = [str(p) for p in sorted((args.after.resolve() / "examples").glob("*.yaml"))]
    if args.profile:
        print(measure(args.after, [paths, 1, examples, True]))
        return 0
    if args.instructions:
        with tempfile.TemporaryDirectory() as scratch:
            designs = os.path.join(scratch, "designs.pickle")
            count = record(args.after, paths, examples, designs)  # the same answers for both
            before = instructions(args.before, designs, count)
            after = instructions(args.after, designs, count)
        print(f"instructions per evaluation, first pass of {count} (callgrind):\n  before {before / 1e6:.3f} M   after "
              f"{after / 1e6:.3f} M   after/before {after / before:.3f}  ({(1 - after / before) * 100:+.1f}% fewer)")
        return 0
    results: dict[str, list] = {"before": [], "after": []}
    for _ in range(args.repeat):
        for name, checkout in (("before", args.before), ("after", args.after)):
            results[name].append(measure(checkout, [paths, args.rounds, examples, False]))
    designs = {r["designs"] for rs in results.values() for r in rs}
    print(f"designs evaluated: {sorted(designs)}; medians of {args.repeat} processes each")
    for what, label in (("first", "first pass (the review's own, or the examples' first)"),
                        ("per_evaluation", f"again, best of {args.rounds} passes")):
        before = statistics.median(r[what] for r in results["before"])
        after = statistics.median(r[what] for r in results["after"])
        print(f"{label}:\n  before {before * 1e6:8.1f} us/evaluation   after {after * 1e6:8.1f} us/evaluation   "
              f"after/before {after / before:.3f}  ({(1 - after / before) * 100:+.1f}% less time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
