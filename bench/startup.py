"""Benchmark pod-advisor's start-up against the floor it cannot go below, side by side.

    python bench/startup.py                 # 9 alternating rounds (the minimum the targets ask for)
    python bench/startup.py --runs 21       # steadier on a busy machine
    python bench/startup.py --source DIR --module   # another checkout (`git archive REV | tar -x -C DIR`)

Every command is a fresh process, run once per round, the commands alternating so
that a burst of load elsewhere on the machine hits all of them alike; each time
is the median over the rounds. The ratios are those issue 14 sets:

- ``evaluate`` at most 1.5x ``python -c "import experta, yaml"`` (with the
  collections.Mapping alias experta 1.9.4 needs): what any experta program pays;
- ``manifest`` at most 1.2x ``evaluate``; ``review`` of one file at most 1.3x ``evaluate``;
- ``--help`` and ``completion bash`` at most 1.2x ``python -c "import yaml"``.

The knowledge-base cache is warm for these (one untimed run fills it, in a
temporary XDG_CACHE_HOME, never the user's); ``evaluate, empty cache`` shows what
the first run after an install or an upgrade pays, with a new empty cache each time.
Timings are for reading, never for asserting: they depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "web-with-log-shipper.yaml"
EXPERTA_AND_YAML = ("import collections, collections.abc; collections.Mapping = collections.abc.Mapping; "
                    "import experta, yaml")

# (name, numerator, denominator, the most the ratio may be)
TARGETS = (
    ("evaluate / import experta+yaml", "evaluate", "import experta, yaml", 1.5),
    ("manifest / evaluate", "manifest", "evaluate", 1.2),
    ("review one file / evaluate", "review one file", "evaluate", 1.3),
    ("--help / import yaml", "--help", "import yaml", 1.2),
    ("completion / import yaml", "completion bash", "import yaml", 1.2),
)


def commands(python: str, advisor: list[str], manifest_file: str) -> dict[str, list[str]]:
    return {
        "import yaml": [python, "-c", "import yaml"],
        "import experta, yaml": [python, "-c", EXPERTA_AND_YAML],
        "evaluate": advisor + ["evaluate", str(EXAMPLE)],
        "manifest": advisor + ["manifest", str(EXAMPLE)],
        "review one file": advisor + ["review", manifest_file],
        "--help": advisor + ["--help"],
        "completion bash": advisor + ["completion", "bash"],
        "evaluate, empty cache": advisor + ["evaluate", str(EXAMPLE)],
    }


def _advisor_command(python: str, module: bool) -> list[str]:
    """The console script beside ``python`` (what a user runs), else ``python -m advisor``."""
    script = Path(python).parent / "pod-advisor"
    return [str(script)] if script.exists() and not module else [python, "-m", "advisor"]


def _run(argv: list[str], env: dict, cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, exit status) of one fresh process, run in ``cwd`` (not the
    checkout, whose advisor/ ``python -m`` would import ahead of --source)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # the child's own CPU time, not its siblings'
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_utime + usage.ru_stime, process.returncode


def measure(runs: int, python: str, source: str | None, module: bool) -> tuple[dict, dict, dict[str, int]]:
    """Median wall and CPU seconds of each command, and its exit status."""
    work = Path(tempfile.mkdtemp(prefix="pod-advisor-startup-"))
    try:
        env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"), NO_COLOR="1")
        # A user's Python writes and reuses bytecode; without it every run would also compile
        # pod-advisor's sources (experta's were compiled by pip) and the ratios would mislead.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if source:
            env["PYTHONPATH"] = source
        advisor = _advisor_command(python, module)
        manifest_file = work / "web.k8s.yaml"
        with open(manifest_file, "w", encoding="utf-8") as out:
            subprocess.run(advisor + ["manifest", str(EXAMPLE)], env=env, cwd=work, stdout=out, check=True)
        argvs = commands(python, advisor, str(manifest_file))
        statuses = {name: _run(argv, env, work)[2] for name, argv in argvs.items()}  # warms caches, OS and ours
        walls: dict[str, list[float]] = {name: [] for name in argvs}
        cpus: dict[str, list[float]] = {name: [] for name in argvs}
        for round_ in range(runs):
            for name, argv in argvs.items():
                run_env = env
                if name == "evaluate, empty cache":
                    run_env = dict(env, XDG_CACHE_HOME=str(work / f"empty-{round_}"))
                wall, cpu, _ = _run(argv, run_env, work)
                walls[name].append(wall)
                cpus[name].append(cpu)
        return ({name: statistics.median(t) for name, t in walls.items()},
                {name: statistics.median(t) for name, t in cpus.items()}, statuses)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(walls: dict[str, float], cpus: dict[str, float], statuses: dict[str, int], runs: int) -> str:
    lines = [f"median of {runs} alternating runs, each a fresh process (CPU: the process's own user+system time,",
             "which other load on the machine disturbs less than the wall clock)", ""]
    lines.append(f"{'command':<24} {'wall ms':>8} {'CPU ms':>8}  exit")
    for name in walls:
        lines.append(f"{name:<24} {walls[name] * 1000:>8.1f} {cpus[name] * 1000:>8.1f}  {statuses[name]}")
    lines += ["", f"{'ratio':<32} {'wall':>7} {'CPU':>7} {'target':>7}  met"]
    for label, top, bottom, most in TARGETS:
        if statuses[top] != 0:
            lines.append(f"{label:<32} {'-':>7} {'-':>7} {most:>6.1f}x  (`{top}` exits with {statuses[top]})")
            continue
        wall, cpu = walls[top] / walls[bottom], cpus[top] / cpus[bottom]
        met = "yes" if wall <= most and cpu <= most else ("wall only" if wall <= most else
                                                          "CPU only" if cpu <= most else "NO")
        lines.append(f"{label:<32} {wall:>6.2f}x {cpu:>6.2f}x {most:>6.1f}x  {met}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="alternating rounds (at least 9)")
    parser.add_argument("--python", default=sys.executable, help="the interpreter whose pod-advisor to time")
    parser.add_argument("--source", help="put this checkout first on PYTHONPATH (to time another version)")
    parser.add_argument("--module", action="store_true",
                        help="run python -m advisor, not the console script (whose entry point another version "
                             "may not have)")
    args = parser.parse_args()
    if args.runs < 9:
        parser.error("--runs: at least 9, so that the median means something")
    walls, cpus, statuses = measure(args.runs, args.python, args.source, args.module)
    print(table(walls, cpus, statuses, args.runs))


if __name__ == "__main__":
    main()
