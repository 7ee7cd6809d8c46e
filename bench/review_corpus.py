"""Benchmark `pod-advisor review` on real manifests: crashes, refusals, speed, findings, precision.

    python bench/review_corpus.py CORPUS...                       # the numbers per root and in total
    python bench/review_corpus.py CORPUS... --labels bench/labels  # + precision per finding id
    python bench/review_corpus.py CORPUS... --labels bench/labels --unlabelled 30   # + what to judge next
    python bench/review_corpus.py CORPUS... --compare checkov,kube-score           # + other linters
    python bench/review_corpus.py CORPUS... --json out.json        # everything, machine-readable

A CORPUS is a folder whose first-level folders are OWNER+REPO copies of public
repositories' manifests. For each root the benchmark

- reviews it in process through the project's API (``read_inputs``, ``parse_inputs``,
  ``Reviewer.review``), as the command does, --runs times (median wall time; the
  Reviewer, built once, is timed apart as start-up), and once more under tracemalloc
  for the peak of Python memory;
- runs the installed ``pod-advisor review ROOT --format json`` once: its exit status
  (3, a signal or a traceback is a crash), wall time, peak RSS, and whether it
  reviewed as many objects as the API did;
- counts files, objects reviewed, objects skipped by kind, file errors (grouped by
  reason), notes, crashes (an exception: then each file is reviewed alone to name
  the culprits) and active findings per id.

With --labels, hand judgements (bench/labels/README.md) give precision per finding id;
a judgement whose finding is no longer raised is "gone". --unlabelled N lists up to N
unjudged design findings per id. With --compare, Checkov, kube-score and kube-linter
(bench/build-linters.sh) run on the same roots: time, errors, findings, and the
overlap of their checks with ours (corpus_linters.OVERLAP).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from corpus_labels import GENERIC_IDS, is_design, load_labels, precision  # noqa: E402
from corpus_linters import OVERLAP, RUNNERS, TOOLS  # noqa: E402

from advisor.system.errors import InputError  # noqa: E402
from advisor.system.fileio import write_atomic  # noqa: E402
from advisor.review import ReviewOptions, Reviewer  # noqa: E402
from advisor.review.objects import parse_inputs, read_inputs  # noqa: E402


# The console script of the Python running this benchmark, so that PYTHONPATH=OTHER-CHECKOUT
# measures that checkout's reviewer in process and as a command alike.
_BESIDE = os.path.join(os.path.dirname(sys.executable), "pod-advisor")
COMMAND = _BESIDE if os.access(_BESIDE, os.X_OK) else "pod-advisor"


def reviewer_source() -> str:
    """Which advisor package is measured: its folder and the commit of its checkout."""
    import advisor

    folder = os.path.dirname(os.path.dirname(os.path.abspath(advisor.__file__)))
    try:
        commit = subprocess.run(["git", "-C", folder, "log", "-1", "--format=%h %s"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", folder, "status", "--porcelain", "--", "advisor", "knowledge"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit, dirty = "", ""
    return f"{folder} at {commit or '(not a git checkout)'}{' + uncommitted changes' if dirty else ''}"


def reason_of(text: str) -> str:
    """A refusal or note with the names taken out, so that alike ones group together."""
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\b(Pod|Deployment|ReplicaSet|StatefulSet|DaemonSet|Job|CronJob|ReplicationController) \S+",
                  r"\1 …", text)
    return re.sub(r"\d+", "N", text)


def rel(root: str, path: str) -> str:
    return os.path.relpath(path, root)


def repo_of(root: str, path: str) -> str:
    """The OWNER+REPO folder a file of the corpus root is in."""
    return rel(root, path).split(os.sep, 1)[0]


class RootResult:
    """Everything measured on one corpus root."""

    def __init__(self, root: str):
        self.root = root
        self.files = 0
        self.objects = 0
        self.not_objects = 0
        self.skipped: Counter = Counter()
        self.errors: Counter = Counter()  # reason -> files
        self.error_files: list = []
        self.notes: Counter = Counter()
        self.crashes: list = []  # (file or None, exception text)
        self.findings: Counter = Counter()
        self.active: list = []  # ReviewFinding
        self.keys: set = set()  # (file, object, container, id), file relative to the root
        self.objects_flagged: dict = defaultdict(set)  # id -> {(file, kind, name)}
        self.object_keys: set = set()  # (file, kind, name) of every reviewed object
        self.seconds: list = []
        self.peak_python_mib = 0.0
        self.command: dict = {}
        self.tools: dict = {}  # tool -> ToolRun
        self.paths: list = []  # the manifest files, as the tools are given them
        self.fingerprint = "-"  # of the files read: before and after numbers must share it
        self.starts: dict = defaultdict(list)  # file -> sorted [(line, kind, name)] of every object
        self.by_repo: dict = defaultdict(Counter)  # OWNER+REPO -> files, objects, findings, design

    def to_dict(self) -> dict:
        return {
            "root": self.root, "fingerprint": self.fingerprint, "files": self.files, "objects": self.objects, "not_objects": self.not_objects,
            "skipped": dict(self.skipped.most_common()), "file_errors": dict(self.errors.most_common()),
            "notes": dict(self.notes.most_common()), "crashes": self.crashes,
            "findings": dict(sorted(self.findings.items())), "seconds": self.seconds,
            "median_seconds": self.median, "peak_python_mib": round(self.peak_python_mib, 1),
            "command": self.command, "by_repo": {repo: dict(c) for repo, c in sorted(self.by_repo.items())},
            "tools": {name: {"installed": run.installed, "files": run.files, "objects": run.objects,
                             "seconds": round(run.seconds, 2),
                             "status": run.status, "crashed": run.crashed, "errors": len(run.errors),
                             "findings": len(run.findings), "note": run.note,
                             "refused": [{"file": f, "reason": why} for f, why in run.errors]}
                      for name, run in self.tools.items()},
        }

    def locate(self, file: str, line: int):
        """(kind, name) of the object of ``file`` (relative to the root) that encloses ``line``."""
        starts = self.starts.get(file)
        if not starts:
            return None
        i = bisect.bisect_right(starts, (line, "\uffff", "\uffff")) - 1
        return starts[i][1:] if i >= 0 else None

    def objects_in(self, file: str) -> list:
        """(kind, name) of every object of ``file`` (relative to the root)."""
        return [start[1:] for start in self.starts.get(file, ())]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else 0.0


def review_root(reviewer: Reviewer, root: str, leave_out: frozenset = frozenset()):
    texts, unreadable = read_inputs([root])
    texts = [(name, text) for name, text in texts if rel(root, name) not in leave_out]
    inputs = parse_inputs(texts, unreadable)
    return texts, inputs, reviewer.review(inputs, ReviewOptions())


def measure(reviewer: Reviewer, root: str, runs: int) -> RootResult:
    """Review the root --runs times; if it raises, name the files that do and measure the rest."""
    result = RootResult(root)
    leave_out = frozenset()
    while len(result.seconds) < runs:
        start = time.perf_counter()
        try:
            texts, inputs, report = review_root(reviewer, root, leave_out)
        except Exception as exc:  # a crash is what this benchmark is there to count
            if leave_out or result.crashes:  # crashes only in company: nothing more to measure
                result.crashes.append((None, f"{type(exc).__name__}: {exc}"[:300]))
                return result
            result.crashes = find_crashes(reviewer, root, exc)
            leave_out = frozenset(where for where, _ in result.crashes if where)
            continue
        result.seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    review_root(reviewer, root, leave_out)
    result.peak_python_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    result.paths = [name for name, _ in texts]
    result.fingerprint = fingerprint(root, texts)
    result.files = len(report.files)
    result.not_objects = inputs.not_objects
    result.objects = len(report.objects)
    result.skipped.update(report.skipped)
    for problem in report.errors:
        result.errors[reason_of(problem.message)] += 1
        result.error_files.append(problem)
    for note in report.notes:
        result.notes[reason_of(note.text)] += 1
    for obj in inputs.objects:
        result.starts[rel(root, obj.file)].append((obj.line(), obj.kind, obj.name))
    for starts in result.starts.values():
        starts.sort()
    for name in report.files:
        result.by_repo[repo_of(root, name)]["files"] += 1
    for problem in report.errors:
        result.by_repo[repo_of(root, problem.file or root)]["file errors"] += 1
    for review in report.objects:
        result.object_keys.add((rel(root, review.ref.file), review.ref.kind, review.ref.name))
        result.by_repo[repo_of(root, review.ref.file)]["objects"] += 1
    for finding in report.findings:
        result.findings[finding.id] += 1
        result.active.append(finding)
        where = rel(root, finding.file)
        counts = result.by_repo[repo_of(root, finding.file)]
        counts["findings"] += 1
        counts["design"] += is_design(finding.id)
        result.keys.add((where, finding.object.label, finding.container, finding.id))
        result.objects_flagged[finding.id].add((where, finding.object.kind, finding.object.name))
    return result


def fingerprint(root: str, texts: list) -> str:
    """A short hash of every file read (path and text): a corpus that changed between two
    runs (files added while one ran) shows here, so numbers are only compared on one corpus."""
    digest = hashlib.sha256()
    for name, text in sorted(texts):
        digest.update(rel(root, name).encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:12]


def find_crashes(reviewer: Reviewer, root: str, first: Exception) -> list:
    """The whole root raised: review each file alone to name the ones that do."""
    crashes = []
    texts, unreadable = read_inputs([root])
    for name, text in texts:
        try:
            reviewer.review(parse_inputs([(name, text)]), ReviewOptions())
        except Exception as exc:
            crashes.append((rel(root, name), f"{type(exc).__name__}: {exc}"[:300]))
    return crashes or [(None, f"{type(first).__name__}: {first}"[:300])]


def run_command(root: str, expected_objects: int, expected_findings: Counter) -> dict:
    """The installed command, once: exit status, wall time, peak RSS, and the same objects and findings."""
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "report.json")
        argv = [COMMAND, "review", root, "--format", "json", "-o", out]
        start = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            try:
                child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
            except FileNotFoundError:
                return {"status": None, "crashed": True, "note": "pod-advisor is not on PATH"}
            _, wait_status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(wait_status)
            wall = time.perf_counter() - start
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        objects, findings = None, None
        if os.path.exists(out):
            with open(out, encoding="utf-8") as handle:
                report = json.load(handle)
            objects, findings = report["summary"]["objects"], Counter(f["id"] for f in report["findings"])
    status = child.returncode
    crashed = status not in (0, 1, 2) or "Traceback (most recent call last)" in stderr
    return {"status": status, "crashed": crashed, "seconds": round(wall, 2), "peak_rss_mib": usage.ru_maxrss / 1024,
            "objects": objects, "agrees": objects == expected_objects and findings == expected_findings,
            "note": stderr.strip().splitlines()[-1][:200] if crashed and stderr.strip() else ""}


# -- printing ------------------------------------------------------------------


def table(rows: list[list], header: list[str], out) -> None:
    cells = [[str(c) for c in row] for row in [header] + rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))),
              file=out)
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths), file=out)


def print_roots(results: list[RootResult], reviewer_start: float, out) -> None:
    print(f"reviewer: {reviewer_source()}; command: {COMMAND}", file=out)
    print(f"pod-advisor review on real manifests (reviewer start-up {reviewer_start:.2f} s, not in the times; "
          f"wall times are the median of {len(results[0].seconds) if results else 0} runs)", file=out)
    rows = []
    for r in results + [total(results)]:
        med = r.median
        rows.append([os.path.basename(r.root.rstrip("/")) or r.root, r.fingerprint, r.files, r.objects, sum(r.skipped.values()),
                     sum(r.errors.values()), len(r.crashes) + (1 if r.command.get("crashed") else 0),
                     sum(r.findings.values()), f"{med:.2f}", f"{r.files / med:.0f}" if med else "-",
                     f"{r.objects / med:.0f}" if med else "-", f"{r.peak_python_mib:.0f}",
                     r.command.get("status", "-"), f"{r.command.get('seconds', 0):.2f}",
                     f"{r.command.get('peak_rss_mib', 0):.0f}",
                     {True: "yes", False: "NO", None: "-"}[r.command.get("agrees")]])
    table(rows, ["root", "fingerprint", "files", "objects", "skipped", "file errors", "crashes", "findings", "wall s",
                 "files/s", "objects/s", "py MiB", "exit", "cmd s", "cmd RSS MiB", "cmd agrees"], out)
    everything = total(results)
    print("\n  per repository:", file=out)
    table([[f"{os.path.basename(r.root.rstrip('/'))}/{repo}"] + [c[k] for k in ("files", "file errors", "objects",
                                                                              "findings", "design")]
           for r in results for repo, c in sorted(r.by_repo.items())],
          ["repository", "files", "file errors", "objects", "findings", "design findings"], out)
    print("\n  findings per id (design ids marked *):", file=out)
    table([[("* " if is_design(fid) else "  ") + fid] + [r.findings[fid] for r in results] + [everything.findings[fid]]
           for fid in sorted(everything.findings)],
          ["id"] + [os.path.basename(r.root.rstrip("/")) for r in results] + ["total"], out)
    print("\n  objects skipped, by kind (the 15 most common):", file=out)
    print("    " + ", ".join(f"{kind} {n}" for kind, n in everything.skipped.most_common(15))
          + f"; {len(everything.skipped)} kinds in all", file=out)
    print(f"  documents that are not objects (no kind): {everything.not_objects}", file=out)
    print("\n  file errors (refusals), grouped by reason:", file=out)
    for reason, n in everything.errors.most_common():
        print(f"    {n:4d}  {reason}", file=out)
    for r in results:
        for problem in r.error_files:
            print(f"          {problem}", file=out)
    print("\n  notes, grouped:", file=out)
    for reason, n in everything.notes.most_common(12):
        print(f"    {n:4d}  {reason}", file=out)
    crashes = [c for r in results for c in r.crashes] + [
        (r.root, f"command: {r.command.get('note')}") for r in results if r.command.get("crashed")]
    print(f"\n  crashes: {len(crashes)}", file=out)
    for where, text in crashes:
        print(f"    {where}: {text}", file=out)


def total(results: list[RootResult]) -> RootResult:
    t = RootResult("total")
    for r in results:
        t.files += r.files
        t.objects += r.objects
        t.not_objects += r.not_objects
        t.skipped.update(r.skipped)
        t.errors.update(r.errors)
        t.notes.update(r.notes)
        t.crashes += r.crashes
        t.findings.update(r.findings)
    if results and all(r.seconds for r in results):
        t.seconds = [sum(r.median for r in results)]
    t.peak_python_mib = max((r.peak_python_mib for r in results), default=0)
    statuses = [r.command.get("status") for r in results]
    t.command = {"status": max((s for s in statuses if s is not None), default="-"),
                 "seconds": sum(r.command.get("seconds", 0) for r in results),
                 "peak_rss_mib": max((r.command.get("peak_rss_mib", 0) for r in results), default=0),
                 "crashed": any(r.command.get("crashed") for r in results),
                 "agrees": all(r.command.get("agrees") for r in results) if results else None}
    return t


def print_precision(results: list[RootResult], labels, unlabelled: int, out) -> dict:
    keys = {(r.root, k) for r in results for k in r.keys}
    folders = {name for r in results for name in os.listdir(r.root) if os.path.isdir(os.path.join(r.root, name))}
    result = precision({k for _, k in keys}, labels, folders)
    ids = set(result.raised) | {g.id for g in result.gone} | {label.id for label in labels}
    rows = []
    for row in result.rows(ids):
        rows.append([("* " if is_design(row["id"]) else "  ") + row["id"], row["raised"], row["judged"], row["right"],
                     row["wrong"], "-" if row["precision"] is None else f"{100 * row['precision']:.0f}%",
                     row["unjudged"], row["gone_right"], row["gone_wrong"]])
    design = [row for row in result.rows(ids) if is_design(row["id"])]
    judged = sum(r["judged"] for r in design)
    right = sum(r["right"] for r in design)
    rows.append(["  all design ids", sum(r["raised"] for r in design), judged, right, judged - right,
                 f"{100 * right / judged:.0f}%" if judged else "-", sum(r["unjudged"] for r in design),
                 sum(r["gone_right"] for r in design), sum(r["gone_wrong"] for r in design)])
    print(f"\nprecision on {len(labels)} hand judgements (bench/labels; keys: file, object, container, id)", file=out)
    table(rows, ["id", "raised", "judged", "right", "wrong", "precision", "unjudged", "gone right", "gone wrong"],
          out)
    if result.gone:
        print("\n  gone (judged, no longer raised):", file=out)
        for label in result.gone:
            print(f"    [{label.verdict}] {label.id}: {label.file} {label.object}"
                  f"{' container ' + label.container if label.container else ''} ({label.reason})", file=out)
    if unlabelled:
        print_unlabelled(results, result.unjudged, unlabelled, out)
    return {"rows": list(result.rows(ids)),
            "gone": [{"file": g.file, "object": g.object, "container": g.container, "id": g.id,
                      "verdict": g.verdict, "reason": g.reason} for g in result.gone]}


def print_unlabelled(results: list[RootResult], unjudged: dict, limit: int, out) -> None:
    by_key = {}
    for r in results:
        for f in r.active:
            by_key.setdefault((rel(r.root, f.file), f.object.label, f.container, f.id), []).append(f)
    print(f"\nunjudged design findings, up to {limit} per id (paste into bench/labels/OWNER+REPO.yaml, "
          f"set verdict and reason):", file=out)
    for fid in sorted(unjudged):
        if not is_design(fid):
            continue
        keys = spread(unjudged[fid])
        print(f"\n## {fid}: {len(keys)} unjudged{', ' + str(limit) + ' of them' if len(keys) > limit else ''}",
              file=out)
        for key in keys[:limit]:
            findings = by_key[key]
            f = findings[0]
            print(f"# {key[0]}:{f.line}", file=out)
            for each in findings:
                print(f"#   {each.message}", file=out)
                if each.guess:
                    print(f"#   guess: {each.guess}", file=out)
            print(f"- file: {key[0]}\n  object: {key[1]}\n  container: {key[2] if key[2] else 'null'}\n"
                  f"  id: {fid}\n  verdict: \n  reason: ", file=out)


def spread(keys: list) -> list:
    """The keys taken in turn from each repository, so that the first N are a sample of all of them."""
    by_repo = defaultdict(list)
    for key in keys:
        by_repo[key[0].split("/", 1)[0]].append(key)
    queues = [by_repo[repo] for repo in sorted(by_repo)]
    order = []
    while any(queues):
        for queue in queues:
            if queue:
                order.append(queue.pop(0))
    return order


def print_compare(results: list[RootResult], tools: list[str], out) -> dict:
    print("\nside by side, on the same files (one run of each tool per root; pod-advisor: the installed "
          "command, start-up included)", file=out)
    advisor_seconds = sum(r.command.get("seconds", 0) for r in results)
    rows = [["pod-advisor", sum(len(r.paths) for r in results), sum(r.objects for r in results),
             f"{advisor_seconds:.1f}", "1.0",
             sum(sum(r.findings.values()) for r in results), sum(sum(r.errors.values()) for r in results),
             "yes" if any(r.command.get("crashed") or r.crashes for r in results) else "no", ""]]
    summary = {}
    for tool in tools:
        runs = [r.tools[tool] for r in results]
        if not all(run.installed for run in runs):
            rows.append([tool, "-", "-", "-", "-", "-", "-", "-", "not installed (bash bench/build-linters.sh)"])
            continue
        seconds = sum(run.seconds for run in runs)
        notes = "; ".join(f"{os.path.basename(run.root.rstrip('/'))}: {run.note}" for run in runs if run.note)
        rows.append([tool, sum(run.files for run in runs), sum(run.objects for run in runs) or "-", f"{seconds:.1f}",
                     f"{seconds / advisor_seconds:.1f}" if advisor_seconds else "-",
                     sum(len(run.findings) for run in runs), sum(len(run.errors) for run in runs),
                     "yes" if any(run.crashed for run in runs) else "no", notes])
        summary[tool] = {"seconds": seconds, "findings": sum(len(run.findings) for run in runs),
                         "errors": sum(len(run.errors) for run in runs), "crashed": any(run.crashed for run in runs)}
    table(rows, ["tool", "files", "objects", "seconds", "x pod-advisor", "findings", "file errors", "crashed", "note"],
          out)

    installed = [t for t in tools if all(r.tools[t].installed for r in results)]
    if not installed:
        return summary
    flagged = {t: defaultdict(set) for t in installed}  # tool -> check -> {(root, file, kind, name)}
    by_object = {t: defaultdict(Counter) for t in installed}  # tool -> object -> check counts
    for tool in installed:
        for r in results:
            for file, kind, name, check in r.tools[tool].findings:
                obj = (r.root, file, kind, name)
                flagged[tool][check].add(obj)
                by_object[tool][obj][check] += 1
    ours = defaultdict(set)
    for r in results:
        for fid, objects in r.objects_flagged.items():
            ours[fid] |= {(r.root, *o) for o in objects}
    reviewed = {(r.root, *o) for r in results for o in r.object_keys}

    print("\n  overlap: objects flagged by pod-advisor's id and by the tool's closest checks "
          "(corpus_linters.OVERLAP), among the objects pod-advisor reviews", file=out)
    rows = []
    summary["overlap"] = []
    for fid, mapping in OVERLAP.items():
        for tool in installed:
            checks = mapping.get(tool)
            if not checks:
                rows.append([fid, tool, "(none)", len(ours[fid]), "-", "-", "-"])
                continue
            theirs = set().union(*(flagged[tool][c] for c in checks)) & reviewed
            rows.append([fid, tool, ",".join(checks), len(ours[fid]), len(ours[fid] & theirs),
                         len(ours[fid] - theirs), len(theirs - ours[fid])])
            summary["overlap"].append({
                "id": fid, "tool": tool, "checks": list(checks), "ours": len(ours[fid]),
                "both": len(ours[fid] & theirs),
                "only_ours": sorted("/".join(o[1:]) for o in ours[fid] - theirs),
                "only_theirs": sorted("/".join(o[1:]) for o in theirs - ours[fid])})
    table(rows, ["pod-advisor id", "tool", "its checks", "ours", "both", "only ours", "only theirs"], out)

    names = {t: {k: v for r in results for k, v in r.tools[t].names.items()} for t in installed}
    legend = {}
    print("\n  design findings: what the others flag on the same objects (the 5 most common checks)", file=out)
    for fid in sorted(ours):
        if not is_design(fid) or fid in OVERLAP:
            continue
        print(f"    {fid} ({len(ours[fid])} objects):", file=out)
        for tool in installed:
            counts = Counter()
            seen = 0
            for obj in ours[fid]:
                checks = by_object[tool].get(obj)
                if checks:
                    seen += 1
                    counts.update(set(checks))
            top = ", ".join(f"{c} {n}" for c, n in counts.most_common(5)) or "nothing"
            print(f"      {tool}: flags {seen} of them: {top}", file=out)
            legend.update({c: names[tool].get(c, "") for c, _ in counts.most_common(5) if c.startswith("CKV")})
    if legend:
        print("    " + "; ".join(f"{c}: {legend[c]}" for c in sorted(legend)), file=out)
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", metavar="PATH", help="corpus roots (first-level folders: OWNER+REPO)")
    parser.add_argument("--labels", metavar="DIR", help="hand judgements (bench/labels): precision per id")
    parser.add_argument("--unlabelled", type=int, default=0, metavar="N",
                        help="with --labels: list up to N unjudged design findings per id")
    parser.add_argument("--compare", default="", metavar="TOOLS", help=f"comma-separated: {','.join(TOOLS)}")
    parser.add_argument("--json", metavar="OUT", help="write every number as JSON to OUT")
    parser.add_argument("--force", action="store_true", help="overwrite the --json file if it exists")
    parser.add_argument("--runs", type=int, default=3, help="in-process runs per root; the median is reported")
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.compare.split(",") if t.strip()]
    unknown = [t for t in tools if t not in RUNNERS]
    if unknown:
        parser.error(f"--compare: unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    for path in args.paths:
        if not os.path.isdir(path):
            parser.error(f"{path}: not a folder")
    if args.unlabelled and not args.labels:
        parser.error("--unlabelled needs --labels DIR")

    if args.json and os.path.exists(args.json) and not args.force:
        parser.error(f"{args.json} already exists; pass --force to overwrite it")

    start = time.perf_counter()
    reviewer = Reviewer()
    reviewer_start = time.perf_counter() - start
    labels = []
    if args.labels:
        try:
            labels = load_labels(args.labels, set(reviewer.finding_ids))
        except InputError as exc:
            for problem in exc.problems:
                print(f"review_corpus: {problem}", file=sys.stderr)
            return 2

    results = []
    for path in args.paths:
        root = os.path.abspath(path)
        print(f"reviewing {root} ...", file=sys.stderr)
        result = measure(reviewer, root, args.runs)
        result.command = run_command(root, result.objects, result.findings)
        for tool in tools:
            print(f"  {tool} on {root} ...", file=sys.stderr)
            result.tools[tool] = RUNNERS[tool](root, result.paths, result)
        results.append(result)

    out = sys.stdout
    print_roots(results, reviewer_start, out)
    data = {"reviewer": reviewer_source(), "reviewer_start_seconds": reviewer_start, "roots": [r.to_dict() for r in results],
            "design_ids": sorted(set(reviewer.finding_ids) - GENERIC_IDS)}
    if args.labels:
        data["precision"] = print_precision(results, labels, args.unlabelled, out)
    if tools:
        data["compare"] = print_compare(results, tools, out)
    if args.json:
        write_atomic(args.json, json.dumps(data, indent=1, default=str) + "\n", force=args.force)
        print(f"\nwrote {args.json}", file=sys.stderr)
    crashed = any(r.crashes or r.command.get("crashed") for r in results)
    return 3 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
