"""Does a change keep `pod-advisor review`'s output byte for byte? Two checkouts, the same inputs.

    git archive main | tar -x -C /tmp/before            # the checkout to compare with
    python bench/review_identical.py --before /tmp/before --after . CORPUS... tests/fixtures/review
    python bench/review_identical.py --before A --after B CORPUS --jobs 1,2 --extra=--suggest

For every --format (json, sarif, text) and every --jobs value, ``python -m advisor review
PATH...`` runs once with PYTHONPATH=--before and once with PYTHONPATH=--after, in one
empty temporary folder (no .pod-advisor.yaml is picked up), each with its own new cache
folder and another PYTHONHASHSEED (an output that depends on hashing shows up as a
difference). Standard output, standard error and the exit status must be identical; the
first differing lines are shown. Exit status 0 when every run matched, 1 otherwise.

The --after checkout then runs once more with the cache its first run left (and another
seed): what a review keeps between runs (the parsed files, the designs, the schemas'
outcomes, the parsed scripts) must give the same bytes as a cold run. --no-warm skips it.
"""

from __future__ import annotations

import argparse
import difflib
import os
import subprocess
import sys
import tempfile
import time

FORMATS = ("json", "sarif", "text")


def run(source: str, argv: list[str], cwd: str, seed: str, python: str,
        cache: str | None = None) -> tuple[bytes, bytes, int, float]:
    env = dict(os.environ, PYTHONPATH=os.path.abspath(source), PYTHONHASHSEED=seed, NO_COLOR="1",
               XDG_CACHE_HOME=cache or tempfile.mkdtemp(dir=cwd, prefix="cache-"))
    start = time.perf_counter()
    done = subprocess.run([python, "-m", "advisor", *argv], cwd=cwd, env=env, capture_output=True)
    return done.stdout, done.stderr, done.returncode, time.perf_counter() - start


def first_difference(before: bytes, after: bytes, limit: int = 12) -> str:
    lines = difflib.unified_diff(before.decode("utf-8", "replace").splitlines(),
                                 after.decode("utf-8", "replace").splitlines(), "before", "after", lineterm="", n=1)
    return "\n".join(line for _, line in zip(range(limit), lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="what to review: folders or files")
    parser.add_argument("--before", required=True, help="the checkout to compare with (its root)")
    parser.add_argument("--after", required=True, help="the changed checkout (its root)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="default: json,sarif,text")
    parser.add_argument("--jobs", default="default,1",
                        help="--jobs values to run, comma-separated; 'default' passes none (default: default,1)")
    parser.add_argument("--extra", default="", help="more review arguments, space-separated (e.g. --suggest)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--no-warm", dest="warm", action="store_false",
                        help="skip the second run of --after with the cache its first run left")
    args = parser.parse_args(argv)
    paths = [os.path.abspath(p) for p in args.paths]
    mismatches = 0
    with tempfile.TemporaryDirectory(prefix="review-identical-") as cwd:
        for fmt in args.formats.split(","):
            for jobs in args.jobs.split(","):
                review = ["review", *paths, "--format", fmt, *args.extra.split()]
                if jobs != "default":
                    review += ["--jobs", jobs]
                b_out, b_err, b_status, b_wall = run(args.before, review, cwd, "1", args.python)
                cache = tempfile.mkdtemp(dir=cwd, prefix="cache-")
                afters = [("", run(args.after, review, cwd, "2", args.python, cache))]
                if args.warm:
                    afters.append((" (warm)", run(args.after, review, cwd, "3", args.python, cache)))
                for warm, (a_out, a_err, a_status, a_wall) in afters:
                    same = (b_out, b_err, b_status) == (a_out, a_err, a_status)
                    label = f"--format {fmt} --jobs {jobs}{' ' + args.extra if args.extra else ''}{warm}"
                    print(f"{'identical' if same else 'DIFFERENT':<9}  {label:<43} {len(a_out):>9} bytes out, "
                          f"{len(a_err):>7} bytes err, exit {a_status}  ({b_wall:.1f} s before, {a_wall:.1f} s after)")
                    if not same:
                        mismatches += 1
                        if b_status != a_status:
                            print(f"  exit status: {b_status} before, {a_status} after")
                        for name, before, after in (("stdout", b_out, a_out), ("stderr", b_err, a_err)):
                            if before != after:
                                print(f"  {name}:\n" + first_difference(before, after))
    print("every output identical" if not mismatches else f"{mismatches} run(s) differ")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
