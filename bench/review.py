"""Benchmark `pod-advisor review`: the time to review N manifests.

    python bench/review.py               # N = 1,000
    python bench/review.py -n 5000 --repeat 3

It writes N varied manifest files to a temporary folder (twelve shapes in turn:
every reviewed kind but ReplicaSet; sidecars, ambassadors, a database packed
into a Pod, Pod IPs, Services and headless Services; half of them clean), then
runs, as subprocesses:

- `pod-advisor review FOLDER --format json -o OUT`  (N files, one object each)
- `pod-advisor review - --format sarif -o OUT`       (the same N objects in one stream)

and reports the wall time (start-up included: imports, knowledge base, the
engine), manifests per second, milliseconds per manifest and the peak resident
memory of the children. It checks that the JSON report holds N objects and
lists the finding ids that appeared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

RESOURCES = "resources: {requests: {cpu: 100m, memory: 128Mi}}"


def _container(name: str, image: str, *extra: str, indent: int = 8) -> str:
    pad = " " * indent
    lines = [f"{pad}- name: {name}", f"{pad}  image: {image}", f"{pad}  {RESOURCES}"]
    return "\n".join(lines + [f"{pad}  {line}" for line in extra])


def _controller(kind: str, name: str, containers: str, spec: str = "", pod_spec: str = "",
                replicas: int | None = 2) -> str:
    api = "batch/v1" if kind == "Job" else "apps/v1"
    head = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n"
    if replicas is not None:
        head += f"  replicas: {replicas}\n"
    if kind != "Job":
        head += f"  selector:\n    matchLabels: {{app: {name}}}\n"
    return (head + spec + f"  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n" + pod_spec
            + "      containers:\n" + containers + "\n")


def _service(name: str, headless: bool = False, port: int = 80) -> str:
    cluster_ip = "  clusterIP: None\n" if headless else ""
    return (f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{cluster_ip}"
            f"  selector: {{app: {name}}}\n  ports: [{{port: {port}}}]\n")


PROBE = "readinessProbe: {httpGet: {path: /healthz, port: 8080}}"
SHARED = "volumeMounts: [{name: shared, mountPath: /shared}]"
VOLUMES = "      volumes: [{name: shared, emptyDir: {}}]\n"


def manifest(i: int) -> str:
    """One manifest; the shape cycles so every check, positive and negative, is exercised."""
    name = f"app-{i}"
    shape = i % 12
    if shape == 0:  # clean web Deployment behind a Service
        return _controller("Deployment", name, _container("web", "nginx:1.27", "ports: [{containerPort: 8080}]",
                                                          PROBE)) + _service(name)
    if shape == 1:  # bare Pod
        return (f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{app: {name}}}\nspec:\n"
                f"  containers:\n" + _container("web", "nginx:1.27", indent=4) + "\n")
    if shape == 2:  # web with a log shipper sharing a volume
        return _controller("Deployment", name, _container("web", "nginx:1.27", SHARED) + "\n"
                           + _container("log-shipper", "fluent/fluent-bit:3.1", SHARED), pod_spec=VOLUMES)
    if shape == 3:  # app and database in one Pod
        return _controller("Deployment", name, _container("app", "ghcr.io/example/blog:1.8.0") + "\n"
                           + _container("postgres", "postgres:16.4", "ports: [{containerPort: 5432}]"))
    if shape == 4:  # Job with an ordinary sidecar
        return _controller("Job", name, _container("importer", "ghcr.io/example/importer:5.0.2", SHARED) + "\n"
                           + _container("log-shipper", "fluent/fluent-bit:3.1", SHARED),
                           pod_spec="      restartPolicy: OnFailure\n" + VOLUMES, replicas=None)
    if shape == 5:  # ambassador over localhost
        return _controller("Deployment", name, _container(
            "api", "ghcr.io/example/orders-api:2.4.1", "env: [{name: DB_HOST, value: 127.0.0.1}]") + "\n"
            + _container("db-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.13.0"))
    if shape == 6:  # Pod IP literal, mutable tag
        return _controller("Deployment", name, _container(
            "client", "ghcr.io/example/client:latest", "env: [{name: UPSTREAM, value: 'http://10.244.3.7:8080'}]"))
    if shape == 7:  # StatefulSet with its headless Service
        return _controller("StatefulSet", name, _container("etcd", "quay.io/coreos/etcd:v3.5.15", PROBE),
                           spec=f"  serviceName: {name}\n", replicas=3) + _service(name, headless=True)
    if shape == 8:  # StatefulSet without serviceName
        return _controller("StatefulSet", name, _container("queue", "rabbitmq:3.13"), replicas=3)
    if shape == 9:  # DaemonSet node agent
        return _controller("DaemonSet", name, _container("collector", "fluent/fluent-bit:3.1"), replicas=None)
    if shape == 10:  # CronJob
        return (f"apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n  schedule: '0 3 * * *'\n"
                f"  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n"
                f"          containers:\n" + _container("report", "ghcr.io/example/reporter:3.2.0", indent=12) + "\n")
    return _controller("Deployment", name, _container("web", "nginx:1.27", "ports: [{containerPort: 8080}]"),
                       replicas=1) + _service(name)  # no readiness probe, one replica


def run(argv: list[str], stdin: str | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB of the child) of one fresh subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="how many manifests (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is reported (default 3)")
    args = parser.parse_args()
    command = [sys.executable, "-m", "advisor", "review"]
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "k8s")
        os.makedirs(source)
        texts = [manifest(i) for i in range(args.n)]
        for i, text in enumerate(texts):
            with open(os.path.join(source, f"m{i:05d}.yaml"), "w", encoding="utf-8") as handle:
                handle.write(text)
        stream = "---\n".join(texts)
        out = os.path.join(folder, "out.json")
        rows = []
        for label, argv, stdin in (
                (f"{args.n} files, --format json", command + [source, "--format", "json", "-o", out, "--force"], None),
                (f"{args.n} objects on stdin, --format sarif",
                 command + ["-", "--format", "sarif", "-o", out + ".sarif", "--force"], stream)):
            best = min(run(argv, stdin) for _ in range(args.repeat))
            rows.append((label, *best))
        startup, _ = min(run(command + [os.path.join(source, "m00000.yaml"), "-o", out + ".one", "--force"])
                         for _ in range(args.repeat))
        with open(out, encoding="utf-8") as handle:
            report = json.load(handle)
    assert report["summary"]["objects"] == args.n, report["summary"]
    seen = {f["id"] for f in report["findings"]}
    print(f"pod-advisor review, Python {sys.version.split()[0]}, best of {args.repeat}")
    print(f"  {'run':<42} {'wall s':>7} {'per s':>7} {'ms each':>8} {'peak MiB':>9}")
    for label, wall, peak in rows:
        print(f"  {label:<42} {wall:7.2f} {args.n / wall:7.0f} {1000 * wall / args.n:8.2f} {peak:9.0f}")
    print(f"  {'1 file (start-up and one review)':<42} {startup:7.2f}")
    print(f"  finding ids seen: {', '.join(sorted(seen))}")


if __name__ == "__main__":
    main()
