"""What kube-score and Checkov say about the manifests pod-advisor writes: every example, as a plain
manifest, as a Helm chart (rendered by ``helm template``) and as a Kustomize base (``kustomize build``).

    bash bench/build-linters.sh                  # kube-score and Checkov into bench/tools/bin (once)
    python bench/scanners.py                     # the tables for this checkout
    python bench/scanners.py --root /tmp/before  # ... for another checkout (the numbers before a change)
    python bench/scanners.py --format markdown   # the tables as Markdown, for the README
    python bench/scanners.py --json out.json     # every finding, machine-readable

The manifests are written by the checkout named by ``--root`` (``python -m advisor`` with that
folder first on PYTHONPATH), so one copy of this script measures any version. For each example it
prints kube-score's critical and warning checks and Checkov's failed checks per form, then each
check that fails somewhere, with the forms it fails in. A check counts once per object it fails on.

Measurement only: no test runs it, and the product never needs the scanners.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
FORMS = ("plain", "helm", "kustomize")
GRADES = {1: "critical", 5: "warning"}  # kube-score's grades below "ok" (7 is "almost ok", 10 ok)


def tool(name: str, given: str | None) -> str | None:
    if given:
        return given
    for place in (HERE / "tools" / "bin" / name, PROJECT / "tools" / "bin" / name):
        if place.exists() and os.access(place, os.X_OK):
            return str(place)
    return shutil.which(name)


def run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


class Writer:
    """Manifests from the checkout at ``root``: its own code, its own examples."""

    def __init__(self, root: Path, helm: str, kustomize: str, work: Path):
        self.root = root
        self.helm = helm
        self.kustomize = kustomize
        self.work = work
        self.env = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(work / "cache"),
                    "NO_COLOR": "1"}

    def advisor(self, *args: str) -> str:
        done = run([sys.executable, "-m", "advisor", *args], env=self.env, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"pod-advisor {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def forms(self, example: Path) -> dict[str, str]:
        """{form: the YAML of every object} for one answer file."""
        version = json.loads(self.advisor("evaluate", str(example), "--format", "json"))["kubernetes"]
        texts = {"plain": self.advisor("manifest", str(example))}
        chart = self.work / "charts" / example.stem
        chart.parent.mkdir(parents=True, exist_ok=True)
        self.advisor("manifest", str(example), "--format", "helm", "-o", str(chart), "--force")
        namespace = next((o["metadata"]["namespace"] for o in _objects(texts["plain"])
                          if o.get("metadata", {}).get("namespace")), None)
        flags = ["--namespace", namespace] if namespace else []
        done = run([self.helm, "template", example.stem, str(chart), "--kube-version", f"{version}.0", *flags])
        texts["helm"] = done.stdout if done.returncode == 0 else ""
        if done.returncode != 0:
            print(f"helm template {example.stem}: {done.stderr.strip()}", file=sys.stderr)
        base = self.work / "kustomize" / example.stem
        base.parent.mkdir(parents=True, exist_ok=True)
        self.advisor("manifest", str(example), "--format", "kustomize", "-o", str(base), "--force")
        done = run([self.kustomize, "build", str(base / "base")])
        texts["kustomize"] = done.stdout if done.returncode == 0 else ""
        if done.returncode != 0:
            print(f"kustomize build {example.stem}: {done.stderr.strip()}", file=sys.stderr)
        return texts


def _objects(text: str) -> list[dict]:
    import yaml

    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def kube_score(binary: str, path: Path) -> list[tuple[str, str, str]]:
    """(severity, check id, object) of every check below ok."""
    done = run([binary, "score", "--output-format", "json", str(path)])
    found = []
    for obj in json.loads(done.stdout or "[]"):
        name = obj["object_name"].split("/")[0] + "/" + obj["object_meta"].get("name", "?")
        for check in obj.get("checks") or []:
            severity = GRADES.get(check["grade"])
            if severity and not check["skipped"]:
                found.append((severity, check["check"]["id"], name))
    return found


def checkov(binary: str, path: Path) -> list[tuple[str, str, str]]:
    """(check id, its name, object) of every failed check."""
    done = run([binary, "-f", str(path), "--framework", "kubernetes", "--output", "json", "--quiet", "--compact",
                "--skip-download"])
    data = json.loads(done.stdout or "{}")
    reports = data if isinstance(data, list) else [data]
    found = []
    for report in reports:
        for failed in (report.get("results") or {}).get("failed_checks") or []:
            resource = failed.get("resource", "?")
            found.append((failed["check_id"], failed.get("check_name", ""), resource))
    return found


def measure(args) -> dict:
    root = Path(args.root).resolve()
    helm, kustomize = tool("helm", args.helm), tool("kustomize", args.kustomize)
    scorer, checker = tool("kube-score", args.kube_score), tool("checkov", args.checkov)
    missing = [n for n, p in (("helm", helm), ("kustomize", kustomize), ("kube-score", scorer),
                              ("checkov", checker)) if not p]
    if missing:
        sys.exit(f"scanners.py: not installed: {', '.join(missing)} (bash bench/build-linters.sh; "
                 f"tools/build-go-tools for helm and kustomize)")
    examples = sorted((root / "examples").glob("*.yaml"))
    results: dict = {"root": str(root), "examples": {}}
    with tempfile.TemporaryDirectory(prefix="scanners-") as tmp:
        work = Path(tmp)
        writer = Writer(root, helm, kustomize, work)
        for example in examples:
            entry = results["examples"][example.stem] = {}
            for form, text in writer.forms(example).items():
                path = work / "out" / f"{example.stem}.{form}.yaml"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text)
                entry[form] = {"objects": len(_objects(text)), "kube-score": kube_score(scorer, path),
                               "checkov": checkov(checker, path)}
            print(f"scanned {example.stem}", file=sys.stderr)
    return results


def tables(results: dict, markdown: bool) -> str:
    out = []
    head = ["example", *(f"{form}: objects / kube-score critical, warning / Checkov failed" for form in FORMS)]
    rows = []
    totals = Counter()
    for name, entry in results["examples"].items():
        cells = [name]
        for form in FORMS:
            found = entry[form]
            score = Counter(s for s, _, _ in found["kube-score"])
            failed = len(found["checkov"])
            totals[form, "critical"] += score["critical"]
            totals[form, "warning"] += score["warning"]
            totals[form, "checkov"] += failed
            totals[form, "objects"] += found["objects"]
            cells.append(f"{found['objects']} / {score['critical']}, {score['warning']} / {failed}")
        rows.append(cells)
    rows.append(["total", *(f"{totals[f, 'objects']} / {totals[f, 'critical']}, {totals[f, 'warning']} / "
                            f"{totals[f, 'checkov']}" for f in FORMS)])
    out += _table(head, rows, markdown)
    out.append("")
    by_check: dict = defaultdict(lambda: defaultdict(set))
    counts = Counter()
    for name, entry in results["examples"].items():
        for form in FORMS:
            for severity, check, obj in entry[form]["kube-score"]:
                key = ("kube-score", f"{check} ({severity})")
                by_check[key][form].add(name)
                counts[key] += 1
            for check, title, obj in entry[form]["checkov"]:
                key = ("Checkov", f"{check} {title}")
                by_check[key][form].add(name)
                counts[key] += 1
    head = ["scanner", "check", "objects", "examples (plain / helm / kustomize)"]
    rows = [[scanner, check, str(counts[scanner, check]),
             " / ".join(str(len(by_check[scanner, check][f])) for f in FORMS)]
            for scanner, check in sorted(by_check, key=lambda k: (k[0] != "kube-score", -counts[k], k[1]))]
    out += _table(head, rows, markdown)
    return "\n".join(out) + "\n"


def _table(head: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)] + \
            ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=str(PROJECT), help="the pod-advisor checkout whose manifests to scan")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    parser.add_argument("--json", help="write every finding to this file")
    parser.add_argument("--helm")
    parser.add_argument("--kustomize")
    parser.add_argument("--kube-score")
    parser.add_argument("--checkov")
    args = parser.parse_args()
    results = measure(args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")
    print(tables(results, args.format == "markdown"), end="")


if __name__ == "__main__":
    main()
