"""Review one half of the blind protocol and write its labelling sheet.

    python bench/blind/run.py ROOT --half tuning --sheet SHEET.yaml [--sample 30] [--seed 20]
                              [--carry LABELLED.yaml] [--raw DIR] [--command pod-advisor]

ROOT is a half as bench/blind/extract.py writes it: its first-level folders are
OWNER+NAME copies of one repository's manifests each. Every repository is reviewed
on its own, as its owners would review it: from inside its folder,

    pod-advisor review . --format json --fail-on never -j 1
    pod-advisor review . --format json --fail-on never -j 1 --suggest

so that Services, ConfigMaps and StatefulSets link only within one repository. The
sheet (YAML) holds

- findings: one entry per design finding, keyed by (file, object, container, id), with
  its line and message, and an empty verdict and reason to fill in;
- recall_sample: a seeded random sample of the reviewed objects that raised no design
  finding, each with an empty verdict (was the silence right?) and missed ids;
- suggestions: every object --suggest rewrote, with the rewrite, for a verdict;
- context: the reviewer, the commands, per-repository counts and the design ids,
  which bench/blind/score.py needs for its percentages.

A design finding is a finding `pod-advisor rules` lists as raised by review, other than
the generic checks every linter has (GENERIC_IDS in bench/corpus_labels.py).
With --carry, the verdicts of an earlier labelled sheet of the same half are copied onto
the entries with the same key, and the labelled entries no longer raised are listed
under `gone`. bench/blind/README.md explains how to label.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from corpus_labels import GENERIC_IDS  # noqa: E402

_BESIDE = os.path.join(os.path.dirname(sys.executable), "pod-advisor")
COMMAND = _BESIDE if os.access(_BESIDE, os.X_OK) else "pod-advisor"
REVIEW = ["review", ".", "--format", "json", "--fail-on", "never", "-j", "1"]


class Block(str):
    """A string written as a YAML literal block (the suggested manifests)."""


def _block(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")


yaml.SafeDumper.add_representer(Block, _block)


def design_ids(command: str) -> list[str]:
    rules = json.loads(subprocess.run([command, "rules", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)["rules"]
    return sorted(r["id"] for r in rules
                  if r["kind"] == "finding" and "review" in r["used_by"] and r["id"] not in GENERIC_IDS)


def reviewer_source(command: str) -> str:
    """The command and the checkout whose advisor package it runs, with its commit."""
    probe = "import advisor, os; print(os.path.dirname(os.path.dirname(os.path.abspath(advisor.__file__))))"
    path = shutil.which(command) or command
    python = os.path.join(os.path.dirname(path), "python")
    if not os.access(python, os.X_OK):
        python = sys.executable
    try:
        folder = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60).stdout.strip()
        commit = subprocess.run(["git", "-C", folder, "log", "-1", "--format=%h %s"], capture_output=True,
                                text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", folder, "status", "--porcelain", "--", "advisor", "knowledge"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return command
    if not folder:
        return command
    return f"{folder} at {commit or '(not a git checkout)'}{' + uncommitted changes' if dirty else ''}"


def review(command: str, folder: str, *extra: str) -> tuple[dict, int]:
    proc = subprocess.run([command, *REVIEW, *extra], cwd=folder, capture_output=True, text=True)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"run: {command} review in {folder} printed no JSON (exit {proc.returncode}):\n"
                         f"{proc.stderr[-2000:]}")
    return report, proc.returncode


def label(obj: dict) -> str:
    return f"{obj['kind']} {obj['namespace'] + '/' if obj.get('namespace') else ''}{obj['name']}"


def relfile(repo: str, path: str) -> str:
    return f"{repo}/{os.path.normpath(path)}"


def collect(root: str, command: str, design: set[str], raw: str | None):
    repos, findings, objects, suggestions, titles = {}, {}, [], [], {}
    for repo in sorted(os.listdir(root)):
        folder = os.path.join(root, repo)
        if not os.path.isdir(folder):
            continue
        plain, status = review(command, folder)
        suggested, status_s = review(command, folder, "--suggest")
        if raw:
            for name, data in (("review", plain), ("suggest", suggested)):
                with open(os.path.join(raw, f"{repo}.{name}.json"), "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=1)
        summary = plain["summary"]
        active = plain["findings"]
        repos[repo] = {
            "exit": status, "exit_suggest": status_s, "files": summary["files"], "objects": summary["objects"],
            "not_reviewed": summary.get("not_reviewed", 0), "file_errors": len(plain["errors"]),
            "notes": len(plain["notes"]),
            "findings": len(active),
            "design_findings": sum(1 for f in active if f["id"] in design),
        }
        for f in active:
            if f["id"] not in design:
                continue
            titles[f["id"]] = {"title": f["title"], "fix": f["fix"]}
            container = f["container"]["name"] if f["container"] else None
            key = (relfile(repo, f["object"]["file"]), label(f["object"]), container, f["id"])
            entry = findings.get(key)
            if entry is None:
                findings[key] = {"file": key[0], "line": f["line"], "object": key[1], "container": container,
                                 "id": f["id"], "message": f["message"], "verdict": None, "reason": None}
            elif f["message"] not in entry["message"]:
                entry["message"] += " | " + f["message"]
        for obj in plain["objects"]:
            objects.append({"file": relfile(repo, obj["file"]), "line": obj["line"], "object": label(obj),
                            "findings": list(obj["findings"]),
                            "design": any(i in design for i in obj["findings"])})
        for obj in suggested["objects"]:
            if obj.get("suggestion"):
                suggestions.append({"file": relfile(repo, obj["file"]), "line": obj["line"], "object": label(obj),
                                    "fixes": list(obj.get("suggestion_fixes") or []),
                                    "suggestion": Block(obj["suggestion"].rstrip("\n") + "\n"),
                                    "verdict": None, "reason": None})
    return repos, list(findings.values()), objects, suggestions, titles


def carry(sheet: dict, old_path: str) -> None:
    with open(old_path, encoding="utf-8") as fh:
        old = yaml.safe_load(fh)
    for section, keys in (("findings", ("file", "object", "container", "id")),
                          ("recall_sample", ("file", "object")), ("suggestions", ("file", "object"))):
        judged = {tuple(e[k] for k in keys): e for e in old.get(section) or [] if e.get("verdict")}
        now = set()
        for entry in sheet[section]:
            key = tuple(entry[k] for k in keys)
            now.add(key)
            if key in judged:
                for k in ("verdict", "reason", "missed"):
                    if k in judged[key] and k in entry:
                        entry[k] = judged[key][k]
        if section == "findings":
            sheet["gone"] = [{k: e[k] for k in (*keys, "verdict", "reason")}
                             for key, e in judged.items() if key not in now]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", help="a half: first-level folders OWNER+NAME (bench/blind/extract.py)")
    parser.add_argument("--half", required=True, choices=("tuning", "heldout"))
    parser.add_argument("--sheet", required=True, help="write the labelling sheet here")
    parser.add_argument("--force", action="store_true", help="overwrite the sheet if it exists")
    parser.add_argument("--sample", type=int, default=30, help="objects with no design finding to sample")
    parser.add_argument("--seed", type=int, default=20, help="seed of the sample")
    parser.add_argument("--carry", metavar="LABELLED", help="copy verdicts from an earlier labelled sheet")
    parser.add_argument("--raw", metavar="DIR", help="also keep each repository's JSON reports here")
    parser.add_argument("--command", default=COMMAND, help=f"the pod-advisor to run (default {COMMAND})")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.root):
        parser.error(f"{args.root}: not a folder")
    if os.path.exists(args.sheet) and not args.force:
        parser.error(f"{args.sheet} exists; pass --force to overwrite it")
    if args.raw:
        os.makedirs(args.raw, exist_ok=True)
    design = design_ids(args.command)
    repos, findings, objects, suggestions, titles = collect(args.root, args.command, set(design), args.raw)
    clean = sorted((o for o in objects if not o["design"]), key=lambda o: (o["file"], o["line"], o["object"]))
    sample = random.Random(args.seed).sample(clean, min(args.sample, len(clean)))
    sample.sort(key=lambda o: (o["file"], o["line"]))
    sheet = {
        "half": args.half,
        "context": {
            "reviewer": reviewer_source(args.command),
            "commands": [" ".join(["pod-advisor", *REVIEW]), " ".join(["pod-advisor", *REVIEW, "--suggest"])],
            "run_in": "each OWNER+NAME folder of the half",
            "design_ids": design,
            "finding_texts": dict(sorted(titles.items())),
            "objects": len(objects),
            "objects_without_design_finding": len(clean),
            "sample": {"size": len(sample), "seed": args.seed},
            "repositories": repos,
        },
        "findings": sorted(findings, key=lambda e: (e["file"], e["line"], e["id"])),
        "recall_sample": [{"file": o["file"], "line": o["line"], "object": o["object"],
                           "generic_findings": sorted(set(o["findings"])), "verdict": None, "missed": [],
                           "reason": None} for o in sample],
        "suggestions": suggestions,
    }
    if args.carry:
        carry(sheet, args.carry)
    with open(args.sheet, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        yaml.safe_dump(sheet, fh, sort_keys=False, width=110, allow_unicode=True)
    raised = len(sheet["findings"])
    print(f"{args.half}: {len(repos)} repositories, {sum(r['files'] for r in repos.values())} files, "
          f"{len(objects)} objects, {raised} design findings, {len(sample)} sampled clean objects, "
          f"{len(suggestions)} suggestions -> {args.sheet}")
    return 0


HEADER = """\
# A labelling sheet of the blind protocol (bench/blind/README.md), written by bench/blind/run.py.
# Fill in every `verdict` and `reason`; judge from the manifest files alone (and the images'
# public documentation), not from the reviewer's rules or code.
#   findings:      verdict right | wrong | debatable; reason: one line a reader can check in the file
#   recall_sample: verdict right (rightly no design finding) | wrong (one was due: name its ids in
#                  missed, e.g. [bare-pod]) | debatable
#   suggestions:   verdict right (applies, keeps what the Pod does, and is the better design) |
#                  wrong (breaks or changes what the Pod does, or is the worse design) | debatable
# Score it with: python bench/blind/score.py SHEET
"""


if __name__ == "__main__":
    sys.exit(main())
