"""`pod-advisor review` against kube-score and Checkov: the same files, one run, side by side.

    bash bench/build-linters.sh                       # once: kube-score (Go module proxy), Checkov (PyPI)
    python bench/review_speed.py CORPUS...            # median of 5 alternating rounds, ratios
    python bench/review_speed.py CORPUS... --runs 9   # steadier on a busy machine
    python bench/review_speed.py CORPUS... --scale    # + a 10x generated corpus, peak RSS at 1k/4k/16k objects
    python bench/review_speed.py CORPUS... --source DIR   # another checkout's pod-advisor (PYTHONPATH=DIR)
    python bench/review_speed.py CORPUS... --before DIR   # + that checkout's pod-advisor in the same rounds

A CORPUS is a folder (searched for *.yaml, *.yml, *.json, hidden folders skipped, as
review searches one) or a file. The files kube-score refuses are left out first (found
by bisection: kube-score stops at the first file it cannot parse), so that all three
tools read exactly the same files. Each tool is run as its users run it, once over
the whole set, output to /dev/null:

- ``pod-advisor review FILE...`` (``python -m advisor``, the text report, default --jobs);
  "pod-advisor" runs with the cache earlier runs left (pre-commit on a workstation, a CI job
  that keeps ~/.cache), "first-run" with an empty cache every time (a fresh CI runner);
- ``kube-score score FILE...``;
- ``checkov -f FILE... --framework kubernetes --quiet --compact --skip-download``
  (--skip-download: this machine reaches no Prisma Cloud, and waiting for it is no
  part of a linter's time).

Every run is a fresh process; the tools take turns in each round (one untimed round
first warms the OS's file cache and pod-advisor's own cache, which "first-run" never sees), so that a burst of load
elsewhere hits them alike; each figure is the median over the rounds. CPU is the
process's user+system time with its workers'; peak RSS is that of the largest process
(os.wait4's ru_maxrss). The ratios: pod-advisor's wall time over kube-score's
(issue 26 asks at most 1.0x) and Checkov's over pod-advisor's (at least 20x).

--scale writes ten copies of the files into a temporary folder, each copy's objects
renamed (``metadata.name`` and ``metadata.namespace`` get ``-cN``) so that no copy
stands in for another (kube-score keeps one object per kind and name; pod-advisor links
objects of one namespace), times the tools on all of it, and reports each tool's peak
RSS on the first files holding 1,000, 4,000 and 16,000 objects: memory should stay
flat as inputs grow. Timings are for reading, never for asserting.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "bench" / "tools" / "bin"
EXTENSIONS = (".yaml", ".yml", ".json")
TOOLS = ("pod-advisor", "first-run", "kube-score", "checkov")
# A marker in a tool's environment, never passed on: run each time with an empty cache of its own.
EMPTY_CACHE = "REVIEW_SPEED_EMPTY_CACHE"
SIZES = (1000, 4000, 16000)
COPIES = 10


def manifest_files(paths: list[str]) -> list[Path]:
    """Every manifest file under ``paths``, in review's order (sorted, hidden folders skipped)."""
    found = []
    for path in map(Path, paths):
        if path.is_dir():
            for folder, subfolders, files in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                found += [Path(folder) / f for f in sorted(files) if f.endswith(EXTENSIONS)]
        elif path.is_file():
            found.append(path)
        else:
            sys.exit(f"review_speed: {path}: no such file or folder")
    return [f.resolve() for f in found]


def kube_score_parses(exe: str, files: list[Path], cwd: Path) -> bool:
    done = subprocess.run([exe, "score", "-o", "json", *map(str, files)], cwd=cwd, capture_output=True, text=True)
    return done.returncode in (0, 1) and "Failed to score files" not in done.stderr


def kube_score_refuses(exe: str, files: list[Path], cwd: Path) -> list[Path]:
    """The files kube-score cannot parse, by bisection (a batch either parses whole or not)."""
    if not files or kube_score_parses(exe, files, cwd):
        return []
    if len(files) == 1:
        return list(files)
    half = len(files) // 2
    return kube_score_refuses(exe, files[:half], cwd) + kube_score_refuses(exe, files[half:], cwd)


def commands(files: list[str], python: str, tools: list[str], env: dict,
             before: str | None = None) -> dict[str, tuple[list[str], dict]]:
    """(argv, environment) of each tool in ``tools`` as its users run it over ``files`` (paths relative
    to the run's folder); with ``before``, also "before": pod-advisor from that checkout."""
    argvs = {
        "pod-advisor": [python, "-m", "advisor", "review", *files],
        "kube-score": [str(BIN / "kube-score"), "score", *files],
        "checkov": [str(BIN / "checkov"), "-f", *files, "--framework", "kubernetes", "--quiet", "--compact",
                    "--skip-download"],
    }
    argvs["first-run"] = argvs["pod-advisor"]
    chosen = {tool: (argvs[tool], dict(env, **{EMPTY_CACHE: "1"}) if tool == "first-run" else env)
              for tool in tools}
    if before:
        was = dict(env, PYTHONPATH=os.path.abspath(before), XDG_CACHE_HOME=env["XDG_CACHE_HOME"] + "-before")
        chosen["before"] = (argvs["pod-advisor"], was)
        if "first-run" in tools:
            chosen["before first-run"] = (argvs["pod-advisor"], dict(was, **{EMPTY_CACHE: "1"}))
    return chosen


def run_once(argv: list[str], cwd: Path, env: dict) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit status) of one fresh process and the workers it waited for."""
    empty = None
    if env.get(EMPTY_CACHE):
        empty = tempfile.mkdtemp(prefix="review-speed-first-run-")
        env = {key: value for key, value in env.items() if key != EMPTY_CACHE}
        env["XDG_CACHE_HOME"] = empty
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if empty:
        shutil.rmtree(empty, ignore_errors=True)
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode


def measure(argvs: dict[str, tuple[list[str], dict]], cwd: Path, runs: int) -> dict[str, dict]:
    """Median wall, CPU and peak RSS of each tool over ``runs`` alternating rounds after a warm-up."""
    samples: dict[str, list] = {name: [] for name in argvs}
    statuses = {}
    for round_ in range(runs + 1):
        for name, (argv, env) in argvs.items():
            wall, cpu, rss, status = run_once(argv, cwd, env)
            statuses[name] = status
            if round_:  # round 0 warms caches
                samples[name].append((wall, cpu, rss))
            print(f"  round {round_}{' (warm-up)' if not round_ else ''}: {name:<12} {wall:7.2f} s", file=sys.stderr)
    return {name: {"wall": statistics.median(s[0] for s in got), "min": min(s[0] for s in got),
                   "cpu": statistics.median(s[1] for s in got), "rss": max(s[2] for s in got),
                   "status": statuses[name]} for name, got in samples.items()}


def table(title: str, results: dict[str, dict], files: int) -> str:
    lines = [title, f"  {'tool':<12} {'files':>6} {'wall s':>8} {'best s':>8} {'CPU s':>7} {'peak MiB':>9}  exit"]
    for name, r in results.items():
        lines.append(f"  {name:<12} {files:>6} {r['wall']:>8.2f} {r['min']:>8.2f} {r['cpu']:>7.2f} {r['rss']:>9.0f}"
                     f"  {r['status']}")
    for name, was_name in (("pod-advisor", "before"), ("first-run", "before first-run")):
        ours = results.get(name)
        if not ours:
            continue
        lines.append("")
        if was_name in results:
            was = results[was_name]
            lines.append(f"  {name} / {was_name}: {ours['wall'] / was['wall']:.2f}x wall, "
                         f"{ours['cpu'] / was['cpu']:.2f}x CPU")
        if "kube-score" in results:
            ks = results["kube-score"]
            lines.append(f"  {name} / kube-score: {ours['wall'] / ks['wall']:.2f}x wall, "
                         f"{ours['cpu'] / ks['cpu']:.2f}x CPU  (target: at most 1.0x)")
        if "checkov" in results:
            ck = results["checkov"]
            lines.append(f"  checkov / {name}: {ck['wall'] / ours['wall']:.1f}x wall, "
                         f"{ck['cpu'] / ours['cpu']:.1f}x CPU  (target: at least 20x)")
    return "\n".join(lines)


# -- the generated corpus ------------------------------------------------------------------

_META = re.compile(r"^(?P<indent> *)(?P<dash>- )?metadata:\s*(#.*)?$")
_FIELD = re.compile(r"^(?P<head> *(- )?(name|namespace):[ \t]+)(?P<value>[^#\s][^#]*?)(?P<tail>[ \t]*(#.*)?)$")
_FLOW = re.compile(r"(\bmetadata:\s*\{[^}]*?\b(?:name|namespace):\s*)([^,}\s]+)")


def _renamed(value: str, suffix: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[:-1] + suffix + value[-1]
    return value + suffix


def rename(text: str, suffix: str) -> str:
    """``text`` with every object's metadata.name and metadata.namespace ending in ``suffix``: the
    block-style fields directly under a ``metadata:`` key, and flow-style ``metadata: {name: x}``."""
    lines = text.split("\n")
    child_indent = None  # the indentation of the metadata mapping being read, once known
    meta_indent = -1
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if meta_indent >= 0:
            if indent <= meta_indent:
                meta_indent, child_indent = -1, None
            else:
                child_indent = indent if child_indent is None else child_indent
                if indent == child_indent:
                    match = _FIELD.match(line)
                    if match:
                        lines[i] = match["head"] + _renamed(match["value"], suffix) + match["tail"]
                continue
        meta = _META.match(line)
        if meta:
            meta_indent = len(meta["indent"]) + (2 if meta["dash"] else 0)
            child_indent = None
    return _FLOW.sub(lambda m: m.group(1) + _renamed(m.group(2), suffix), "\n".join(lines))


def generate(files: list[Path], base: Path, into: Path, copies: int) -> list[list[Path]]:
    """``copies`` copies of ``files`` (relative to ``base``) under ``into``/cNN, objects renamed."""
    import json

    made = []
    for copy in range(copies):
        suffix = f"-c{copy}"
        these = []
        for source in files:
            target = into / f"c{copy:02d}" / source.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text(encoding="utf-8", errors="surrogateescape")
            if source.suffix == ".json":
                try:
                    text = json.dumps(_renamed_json(json.loads(text), suffix), indent=2)
                except ValueError:
                    pass
            else:
                text = rename(text, suffix)
            target.write_text(text, encoding="utf-8", errors="surrogateescape")
            these.append(target)
        made.append(these)
    return made


def _renamed_json(data, suffix: str):
    if isinstance(data, dict):
        if isinstance(data.get("metadata"), dict):
            for key in ("name", "namespace"):
                if isinstance(data["metadata"].get(key), str):
                    data["metadata"][key] += suffix
        for item in data.get("items") or [] if isinstance(data.get("items"), list) else []:
            _renamed_json(item, suffix)
    return data


def objects_per_file(files: list[Path], python: str, env: dict) -> list[int]:
    """How many objects pod-advisor reads in each file (its own count, from its parser)."""
    script = ("import sys\nfrom advisor.review.objects import parse_inputs, read_inputs\n"
              "for path in sys.stdin.read().splitlines():\n"
              "    texts, _ = read_inputs([path])\n"
              "    print(len(parse_inputs(texts).objects))\n")
    done = subprocess.run([python, "-c", script], input="\n".join(map(str, files)), env=env, capture_output=True,
                          text=True, check=True)
    return [int(n) for n in done.stdout.split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="+", metavar="CORPUS", help="folders or files of manifests")
    parser.add_argument("--runs", type=int, default=5, help="alternating timed rounds (default 5)")
    parser.add_argument("--scale", action="store_true",
                        help="also a 10x generated corpus, and peak RSS at 1k, 4k and 16k objects")
    parser.add_argument("--scale-runs", type=int, default=None, help="rounds on the 10x corpus (default --runs)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"which to run (default {','.join(TOOLS)})")
    parser.add_argument("--source", help="the checkout whose pod-advisor to time (default: this one)")
    parser.add_argument("--before", help="also time this checkout's pod-advisor, as 'before', in the same rounds")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs pod-advisor")
    args = parser.parse_args(argv)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = [t for t in tools if t not in TOOLS]
    if unknown:
        parser.error(f"--tools: unknown {', '.join(unknown)} (known: {', '.join(TOOLS)})")
    for tool in [t for t in tools if t not in ("pod-advisor", "first-run") and not os.access(BIN / t, os.X_OK)]:
        print(f"review_speed: {tool} is not built; run bash bench/build-linters.sh (left out)", file=sys.stderr)
        tools.remove(tool)

    work = Path(tempfile.mkdtemp(prefix="review-speed-"))
    try:
        env = dict(os.environ, PYTHONPATH=os.path.abspath(args.source or ROOT), NO_COLOR="1",
                   XDG_CACHE_HOME=str(work / "cache"))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python keeps its bytecode
        files = manifest_files(args.corpus)
        base = Path(os.path.commonpath([str(f.parent) for f in files]))
        if "kube-score" in tools:
            refused = kube_score_refuses(str(BIN / "kube-score"), files, base)
            for path in refused:
                print(f"review_speed: left out (kube-score cannot parse it): {path.relative_to(base)}",
                      file=sys.stderr)
            files = [f for f in files if f not in refused]
        print(f"pod-advisor from {env['PYTHONPATH']}, Python {sys.version.split()[0]}; "
              f"{len(files)} files under {base}; median of {args.runs} alternating rounds")
        relative = [str(f.relative_to(base)) for f in files]
        results = measure(commands(relative, args.python, tools, env, args.before), base, args.runs)
        print(table("the corpus", results, len(files)))

        if args.scale:
            generated = work / "scaled"
            copies = generate(files, base, generated, COPIES)
            if "kube-score" in tools:  # a renaming kube-score cannot read leaves that file out of every copy
                refused = {f.relative_to(generated / "c00")
                           for f in kube_score_refuses(str(BIN / "kube-score"), copies[0], generated)}
                for path in sorted(refused):
                    print(f"review_speed: left out of the copies (kube-score cannot parse it renamed): {path}",
                          file=sys.stderr)
                copies = [[f for f in copy if Path(*f.relative_to(generated).parts[1:]) not in refused]
                          for copy in copies]
            counts = objects_per_file(copies[0], args.python, env)
            every = [f for copy in copies for f in copy]
            relative = [str(f.relative_to(generated)) for f in every]
            print(f"\n{COPIES} renamed copies: {len(every)} files, {COPIES * sum(counts)} objects (pod-advisor's count)")
            scaled = measure(commands(relative, args.python, tools, env, args.before), generated,
                             args.scale_runs or args.runs)
            print(table(f"the corpus x{COPIES}", scaled, len(every)))
            names = list(commands([], args.python, tools, env, args.before))
            print(f"\npeak RSS (MiB) by objects read, one run each after the timed ones"
                  f"\n  {'objects':>8} {'files':>6}  " + "  ".join(f"{t:>11}" for t in names))
            per_file = counts * COPIES
            for size in SIZES:
                total, upto = 0, 0
                while upto < len(every) and total < size:
                    total += per_file[upto]
                    upto += 1
                argvs = commands(relative[:upto], args.python, tools, env, args.before)
                rss = [run_once(argv, generated, run_env)[2] for argv, run_env in argvs.values()]
                print(f"  {total:>8} {upto:>6}  " + "  ".join(f"{r:>11.0f}" for r in rss))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
