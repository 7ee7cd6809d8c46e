"""Where `pod-advisor review`'s memory goes: the bytes each structure holds once every object is reviewed.

    python bench/review_memory.py CORPUS...                  # the text report's review
    python bench/review_memory.py CORPUS... --format json    # what the JSON report holds
    python bench/review_memory.py CORPUS... --stages         # RSS (and its high-water mark) at each stage

Runs ``pod-advisor review`` in this process (the cache of XDG_CACHE_HOME, as the command uses it),
catches the parsed inputs, the reviewer and the report just before the report is written, and counts
the bytes reachable from each structure (sys.getsizeof of every object once; what two structures share
is counted with the first listed): the report's parts, then each kind of object's data, key-path lines,
texts as written and Document/ManifestObject shells, then the indexes and the reviewer's designs.
``--stages`` prints the process's RSS before and after parsing, reviewing and writing instead.

Measured on ten renamed copies of the shared corpus (bench/review_speed.py --scale makes them), the first
8,961 files (16,000 objects: 3,902 workloads, 3,742 Services/ConfigMaps/claims/budgets/autoscalers, 906
read whole, 7,450 outlines), text report, kept cache, 2026-12-07:

    before (dd45436): 115 MiB held: recommendations 36.0 (a copy per workload), workloads' data 21.7,
    lines 8.1, texts as written 3.5; cross-checked kinds 12.2; outlines 8.3; findings 4.3; answers 3.2;
    designs 5.2; intents 1.6; indexes 3.2. Then the JSON report built a dict of it all, json's pieces
    and their joined string (peak 269 MiB; SARIF 227 MiB).
    after: 71 MiB held: workloads' data 22.2, lines 8.1; cross-checked kinds 11.1; outlines 8.3; designs
    5.5; findings 4.3; refs and review shells 2.5; indexes 3.2; the report is written as it is made.

RSS (--stages): 27 MiB before parsing, 113 once every object is read (with the kept parses' store, 11 MB,
let go after), 123 once reviewed (findings, designs), and the report adds nothing as it is written. What is
left is the objects themselves: every object may be what another refers to, until the last is reviewed.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def held(objects, seen: set) -> int:
    """The bytes of everything reachable from ``objects`` not already in ``seen`` (which it fills)."""
    total = 0
    stack = list(objects)
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None or isinstance(item, (bool, type, type(sys), type(held))):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset)):
            stack.extend(item)
        elif not isinstance(item, (str, bytes, int, float)):
            if hasattr(item, "__dict__"):
                stack.append(item.__dict__)
            for cls in type(item).__mro__:
                stack.extend(getattr(item, slot) for slot in getattr(cls, "__slots__", ()) if hasattr(item, slot))
    return total


def rss() -> str:
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return f"RSS {int(fields['VmRSS'].split()[0]) / 1024:6.1f} MiB, high-water {int(fields['VmHWM'].split()[0]) / 1024:6.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", metavar="CORPUS", help="files or folders to review")
    parser.add_argument("--format", default="text", choices=("text", "json", "sarif"))
    parser.add_argument("--stages", action="store_true", help="RSS at each stage instead of the structures")
    args = parser.parse_args(argv)

    from advisor.cli.main import main as review
    from advisor.review import objects, parallel
    from advisor.review.objects import CROSS_CHECKED_KINDS, READ_WHOLE_KINDS
    from advisor.system import fileio

    caught: dict = {}
    real_review, real_parse, real_write = parallel.review_in_workers, objects.parse_inputs, fileio.write_output

    def reviewing(reviewer, inputs, options, jobs, **more):  # more: ahead=, as the review command passes it
        if args.stages:
            print(f"  parsed:   {rss()}", file=sys.stderr)
        report = real_review(reviewer, inputs, options, jobs, **more)
        if args.stages:
            print(f"  reviewed: {rss()}", file=sys.stderr)
        caught.update(reviewer=reviewer, inputs=inputs, report=report)
        return report

    def parsing(*a, **k):
        if args.stages:
            print(f"  started:  {rss()}", file=sys.stderr)
        return real_parse(*a, **k)

    def writing(*a, **k):
        written = real_write(*a, **k)
        if args.stages:
            print(f"  written:  {rss()}", file=sys.stderr)
        return written

    parallel.review_in_workers, objects.parse_inputs, fileio.write_output = reviewing, parsing, writing
    with open(os.devnull, "w") as devnull:
        stdout, sys.stdout = sys.stdout, devnull
        try:
            review(["review", "--format", args.format, *args.corpus])
        except SystemExit:
            pass
        finally:
            sys.stdout = stdout
    if args.stages:
        return 0
    inputs, report, reviewer = caught["inputs"], caught["report"], caught["reviewer"]

    def sort(obj) -> str:
        if obj.reviewed:
            return "workloads"
        if obj.kind in CROSS_CHECKED_KINDS:
            return "cross-checked"
        return "read whole" if obj.kind in READ_WHOLE_KINDS else "outlines"

    counts = Counter(sort(obj) for obj in inputs.objects)
    print(f"{len(inputs.objects)} objects ({', '.join(f'{n} {s}' for s, n in counts.items())}), "
          f"{len(report.objects)} reviewed, --format {args.format}")
    seen: set = set()
    rows = [("report: object refs", [r.ref for r in report.objects]),
            ("report: findings", [r.findings for r in report.objects]),
            ("report: recommendations", [r.recommendation for r in report.objects]),
            ("report: answers", [r.answers for r in report.objects]),
            ("report: intents", [r.intent for r in report.objects]),
            ("report: the rest", [report])]
    for group in ("workloads", "cross-checked", "read whole", "outlines"):
        these = [obj for obj in inputs.objects if sort(obj) == group]
        rows += [(f"{group}: data", [obj.data for obj in these]),
                 (f"{group}: lines", [obj.doc.lines for obj in these]),
                 (f"{group}: texts as written", [obj.doc.raw for obj in these]),
                 (f"{group}: Document and ManifestObject", [obj.doc for obj in these] + these)]
    rows += [("inputs: indexes, notes, derived", [inputs]), ("reviewer: designs", [reviewer.designs])]
    total = 0
    for name, structures in rows:
        size = held(structures, seen)
        total += size
        print(f"  {size / 2**20:8.2f} MiB  {name}")
    print(f"  {total / 2**20:8.2f} MiB  in all, {total / max(len(inputs.objects), 1):,.0f} bytes per object")
    return 0


if __name__ == "__main__":
    sys.exit(main())
