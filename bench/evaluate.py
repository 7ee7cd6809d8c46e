"""Benchmark `pod-advisor evaluate`: a cold start, and warm evaluations in one process.

    python bench/evaluate.py [--runs 10] [--warm 2000]

Cold: wall time of the installed command on one example, the median of --runs
fresh processes (imports, knowledge-base load, engine build, evaluation).
Warm: evaluations per second with one Advisor reused, over all the examples.
Also reports what `pod-advisor --help` imports. Numbers go in the notes, not in
assertions: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "web-with-log-shipper.yaml"


def cold(runs: int) -> list[float]:
    command = shutil.which("pod-advisor")
    argv = [command] if command else [sys.executable, "-m", "advisor"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv + ["evaluate", str(EXAMPLE)], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def warm(count: int) -> tuple[float, float]:
    from advisor.answers.load import load_answers
    from advisor.engine import Advisor

    start = time.perf_counter()
    advisor = Advisor()
    build = time.perf_counter() - start
    answers = [load_answers(str(p)) for p in sorted((ROOT / "examples").glob("*.yaml"))]
    start = time.perf_counter()
    for i in range(count):
        advisor.evaluate(answers[i % len(answers)])
    return build, count / (time.perf_counter() - start)


def help_imports() -> list[str]:
    code = ("import sys; from advisor.cli.main import main; main(['--help']); "
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return out.strip().splitlines()[-1].split(",")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warm", type=int, default=2000)
    args = parser.parse_args()
    times = cold(args.runs)
    print(f"cold evaluate: median {statistics.median(times) * 1000:.0f} ms, "
          f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {args.runs} runs")
    build, rate = warm(args.warm)
    print(f"engine build: {build * 1000:.0f} ms; warm: {rate:.0f} evaluations/s "
          f"({1000 / rate:.2f} ms each) over {args.warm} evaluations")
    modules = help_imports()
    heavy = [m for m in modules if m in ("experta", "kubernetes_validate", "jsonschema")]
    print(f"--help imports {len(modules)} top-level modules; heavy ones: {heavy or 'none'}")


if __name__ == "__main__":
    main()
