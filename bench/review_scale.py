"""Benchmark how `pod-advisor review` grows with the input: linear, or worse?

    python bench/review_scale.py                 # 1k, 2k, 4k, 8k and 16k objects
    python bench/review_scale.py --sizes 1000 4000 --repeat 2

Each input is one stream of N objects: N/2 Deployments, each mounting a ConfigMap of its own as a
volume, reading another's keys through envFrom and sitting behind a Service (every fourth object),
and the ConfigMaps themselves. Cross-object look-ups (the ConfigMaps a container reads, the Service
that selects a Pod) are what once made review quadratic (issue 24, class 4: 73 s of CPU for 16k
objects, against 19.7 s without the mounts). The same objects without mounts are the baseline.

For each size it runs `pod-advisor review - --format json -o /dev/null` as a subprocess and
reports the CPU time of the child (user + system, start-up included), the microseconds per object,
and the growth from one size to the next (2.0 when the size doubles and the time with it). It exits
with status 1 when the largest size costs more than 1.5 times as much per object as the smallest:
the growth is then not linear.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def objects(count: int, mounts: bool) -> str:
    """``count`` objects as one YAML stream."""
    docs = []
    for i in range(count // 2):
        name = f"app-{i}"
        volumes = mounts_ = env = ""
        if mounts:
            volumes = f"      volumes: [{{name: config, configMap: {{name: config-{i}}}}}]\n"
            mounts_ = "          volumeMounts: [{name: config, mountPath: /etc/app}]\n"
            env = f"          envFrom: [{{configMapRef: {{name: config-{(i + 1) % (count // 2)}}}}}]\n"
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: 2\n"
            f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec:\n{volumes}      containers:\n        - name: web\n          image: nginx:1.27\n"
            f"          resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}\n{mounts_}{env}")
        if i % 2 == 0:
            docs.append(f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  selector: {{app: {name}}}\n"
                        f"  ports: [{{port: 80}}]\n")
        else:
            docs.append(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: config-{i}}}\n"
                        f"data: {{app.conf: 'upstream http://10.0.{i % 250}.{i % 200}:8080'}}\n")
    return "---\n".join(docs)


def cpu_seconds(stream: str) -> float:
    """The CPU time (user + system) of one `review -` of ``stream``, start-up included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-m", "advisor", "review", "-", "--format", "json", "-o", os.devnull,
                           "--force", "--jobs", "1"], input=stream, capture_output=True, text=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"review failed ({done.returncode}): {done.stderr[-2000:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000, 16000])
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest counts")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = {}
    for mounts in (True, False):
        label = "with ConfigMap mounts" if mounts else "without mounts (baseline)"
        print(f"{label}:\n  {'objects':>8} {'CPU s':>8} {'µs/object':>10} {'growth':>7}")
        rows, previous = [], None
        for size in args.sizes:
            stream = objects(size, mounts)
            seconds = min(cpu_seconds(stream) for _ in range(args.repeat))
            growth = f"{seconds / previous:7.2f}" if previous else "      -"
            print(f"  {size:>8} {seconds:>8.2f} {seconds / size * 1e6:>10.0f} {growth}", flush=True)
            rows.append({"objects": size, "cpu_seconds": round(seconds, 3)})
            previous = seconds
        results[label] = rows
    with_mounts = results["with ConfigMap mounts"]
    ratio = (with_mounts[-1]["cpu_seconds"] / with_mounts[-1]["objects"]) / (
        with_mounts[0]["cpu_seconds"] / with_mounts[0]["objects"])
    print(f"\ncost per object, largest size against smallest: {ratio:.2f} ({'linear' if ratio <= 1.5 else 'NOT linear'})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(results, out, indent=2)
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
