"""Copy each blind-protocol repository's Kubernetes manifests out of its git snapshot.

    python bench/blind/extract.py --mirror MIRROR --out ROOT [--counts FILE] [bench/blind/repositories.yaml]

For every repository of repositories.yaml, at the commit recorded there, every file
named *.yaml, *.yml or *.json is read from the bare git directory
MIRROR/OWNER+NAME/repo (or MIRROR/OWNER+NAME) and written to
ROOT/HALF/OWNER+NAME/<its path in the repository> when

- no folder of its path is vendor, third_party or node_modules (other projects' files),
- it is UTF-8 text with no "{{" (Helm, Go or Jinja templates are not manifests yet),
- it parses whole as YAML (JSON is YAML) and one of its documents is a mapping with a
  string apiVersion and a string kind, or it is a kustomization file (kustomization.yaml,
  which often has neither but names the folder's patch files, so they are not reviewed
  as objects of their own).

Everything else is counted by reason and left out. With --with-text, the repository's documents and
scripts are copied too (the files advisor.review.repository reads for a kubelet's static-Pod folder:
*.md, *.markdown, *.rst, *.adoc, *.txt, *.sh, *.bash, Makefiles, Vagrantfiles) and an empty .git file
marks the folder as a checkout, as a user's is: the reviewer then reads what it would read in one
(rounds before 25 were extracted without them). ROOT/HALF/OWNER+NAME is emptied
first, so a second run gives the same tree. The counts (files, manifests, workload
objects by kind) go to --counts as YAML and to standard output as a table. The
files are measurement data: they stay outside the project.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections import Counter

import yaml

SUFFIXES = (".yaml", ".yml", ".json")
# What --with-text copies besides the manifests: advisor.review.repository's documents and scripts.
TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt", ".sh", ".bash")
TEXT_NAMES = ("Makefile", "makefile", "GNUmakefile", "Vagrantfile")
FOREIGN = {"vendor", "third_party", "node_modules"}
WORKLOADS = ("Pod", "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet",
             "Job", "CronJob")
# A kustomization file often has no apiVersion and kind, yet says which of its folder's files are
# patches (parts of objects): without it a patch would be reviewed as an object sent on its own.
KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def git_dir(mirror: str, repo: str) -> str:
    base = os.path.join(mirror, repo.replace("/", "+"))
    for candidate in (os.path.join(base, "repo"), base):
        if os.path.isfile(os.path.join(candidate, "HEAD")):
            return candidate
    raise SystemExit(f"extract: no git directory for {repo} under {mirror}")


def is_text(path: str) -> bool:
    return path.endswith(TEXT_SUFFIXES) or os.path.basename(path) in TEXT_NAMES


def blobs(gdir: str, commit: str, text: bool = False):
    """(path, bytes) of every candidate file at commit (and, with ``text``, every document and script), read
    through one cat-file process."""
    listing = subprocess.run(["git", f"--git-dir={gdir}", "ls-tree", "-r", "-z", commit], check=True,
                             capture_output=True).stdout.decode()
    entries = []
    for item in listing.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000" and (path.lower().endswith(SUFFIXES) or (text and is_text(path))):
            entries.append((path, sha))
    proc = subprocess.Popen(["git", f"--git-dir={gdir}", "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    try:
        for path, sha in entries:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) < 3:  # "<sha> missing": the snapshot left this (large) blob out
                yield path, None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)
            yield path, data
    finally:
        proc.stdin.close()
        proc.wait()


def classify(path: str, data: bytes) -> tuple[str, list]:
    """(reason, documents): reason is "manifest" for a file to keep."""
    if FOREIGN & set(path.split("/")[:-1]):
        return "foreign (vendor, third_party, node_modules)", []
    if data is None:
        return "absent from the snapshot", []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8", []
    if "{{" in text:
        return "template ({{)", []
    try:
        if path.lower().endswith(".json"):
            docs = [json.loads(text)]
        else:
            docs = list(yaml.load_all(text, Loader=Loader))
    except (ValueError, yaml.YAMLError):
        return "does not parse", []
    except RecursionError:
        return "does not parse", []
    manifests = [d for d in docs if isinstance(d, dict) and isinstance(d.get("apiVersion"), str)
                 and isinstance(d.get("kind"), str)]
    if not manifests and os.path.basename(path) in KUSTOMIZATIONS and any(isinstance(d, dict) for d in docs):
        return "kustomization", []  # kept: it says which files are patches, not objects
    if not manifests:
        return "no apiVersion and kind", []
    return "manifest", manifests


def workload_kinds(docs: list) -> Counter:
    kinds = Counter()
    for doc in docs:
        if doc["kind"] in WORKLOADS:
            kinds[doc["kind"]] += 1
        elif doc["kind"] == "List" and isinstance(doc.get("items"), list):
            kinds.update(i["kind"] for i in doc["items"] if isinstance(i, dict) and i.get("kind") in WORKLOADS)
    return kinds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", required=True)
    parser.add_argument("--out", required=True, help="the corpus root: HALF/OWNER+NAME/... is written under it")
    parser.add_argument("--counts", help="write the counts here as YAML")
    parser.add_argument("--half", choices=("tuning", "heldout"), help="only this half")
    parser.add_argument("--with-text", action="store_true",
                        help="also copy documents and scripts, and mark each folder a checkout (.git)")
    parser.add_argument("repositories", nargs="?",
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "repositories.yaml"))
    args = parser.parse_args(argv)
    with open(args.repositories, encoding="utf-8") as fh:
        repos = yaml.safe_load(fh)["repositories"]
    counts = {}
    for entry in repos:
        if args.half and entry["half"] != args.half:
            continue
        repo, half = entry["repo"], entry["half"]
        folder = os.path.join(args.out, half, repo.replace("/", "+"))
        shutil.rmtree(folder, ignore_errors=True)
        reasons, kinds = Counter(), Counter()
        texts = 0
        for path, data in blobs(git_dir(args.mirror, repo), entry["commit"], args.with_text):
            if args.with_text and is_text(path) and not path.lower().endswith(SUFFIXES):
                if data is not None and not FOREIGN & set(path.split("/")[:-1]):
                    texts += 1
                    target = os.path.join(folder, path)
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with open(target, "wb") as fh:
                        fh.write(data)
                continue
            reason, docs = classify(path, data)
            reasons[reason] += 1
            if reason not in ("manifest", "kustomization"):
                continue
            kinds += workload_kinds(docs)
            target = os.path.join(folder, path)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
        counts[repo] = {"half": half, "commit": entry["commit"], "candidates": sum(reasons.values()),
                        "manifests": reasons["manifest"],
                        "kustomizations": reasons["kustomization"],
                        "left_out": {r: n for r, n in sorted(reasons.items())
                                     if r not in ("manifest", "kustomization")},
                        "workloads": dict(sorted(kinds.items()))}
        if args.with_text:
            os.makedirs(folder, exist_ok=True)
            open(os.path.join(folder, ".git"), "w").close()
            counts[repo]["texts"] = texts
    print(f"{'repository':52} {'half':8} {'yaml/json':>9} {'kept':>5} {'workloads':>9}")
    for half in ("tuning", "heldout"):
        rows = [(r, c) for r, c in counts.items() if c["half"] == half]
        for repo, c in rows:
            print(f"{repo:52} {half:8} {c['candidates']:9} {c['manifests']:5} {sum(c['workloads'].values()):9}")
        if rows:
            print(f"{'total ' + half:52} {'':8} {sum(c['candidates'] for _, c in rows):9} "
                  f"{sum(c['manifests'] for _, c in rows):5} "
                  f"{sum(sum(c['workloads'].values()) for _, c in rows):9}")
    if args.counts:
        with open(args.counts, "w", encoding="utf-8") as fh:
            fh.write("# Written by bench/blind/extract.py: what each repository gave, by half.\n")
            yaml.safe_dump(counts, fh, sort_keys=False, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
