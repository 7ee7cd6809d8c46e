"""Hand-judged findings of `pod-advisor review` on real manifests, and the precision they give.

bench/labels/OWNER+REPO.yaml holds a list of judgements of findings raised on the files
of that corpus folder (see bench/labels/README.md). A judgement is keyed by
(file, object, container, id); several findings with one key (the same check saying
two things about one container) share one judgement.

Precision per finding id = right / judged, over the keys raised now. A judgement whose
finding is no longer raised is "gone": that is how a fix (a wrong one gone) or a lost
true finding (a right one gone) shows up.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from dataclasses import dataclass

from advisor.system.errors import InputError, Problem
from advisor.system.yamlsource import parse_document, read_text

# The checks every linter has; precision is asked of the others, the design findings
# that are pod-advisor's reason to exist.
GENERIC_IDS = frozenset({"resources-unset", "mutable-image-tag", "single-replica", "readiness-probe-missing"})
VERDICTS = ("right", "wrong")
REQUIRED = ("file", "object", "container", "id", "verdict", "reason")


def is_design(finding_id: str) -> bool:
    return finding_id not in GENERIC_IDS


@dataclass(frozen=True)
class Label:
    file: str  # relative to the corpus root: owner+repo/path
    object: str  # ObjectRef.label: "Deployment ns/name"
    container: str | None
    id: str
    verdict: str
    reason: str
    source: str  # the labels file and line, for messages
    line: int | None

    @property
    def key(self) -> tuple:
        return self.file, self.object, self.container, self.id


def load_labels(folder: str, known_ids: set[str] | None = None) -> list[Label]:
    """Every judgement in folder/*.yaml, checked; all problems of all files are raised together."""
    if not os.path.isdir(folder):
        raise InputError(Problem("no such folder", file=folder))
    labels, problems, seen = [], [], {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(folder, name)
        try:
            doc = parse_document(read_text(path), path, what="a labels file")
        except InputError as exc:
            problems += exc.problems
            continue
        repo = name.rsplit(".", 1)[0]
        entries = doc.data if doc.data is not None else []
        if not isinstance(entries, list):
            problems.append(doc.problem((), "a labels file is a list of judgements"))
            continue
        for i, entry in enumerate(entries):
            label = _check_entry(doc, i, entry, repo, known_ids, problems)
            if label is None:
                continue
            if label.key in seen:
                problems.append(doc.problem((i,), f"judges the same finding as {seen[label.key]}"))
                continue
            seen[label.key] = f"{path}:{label.line}"
            labels.append(label)
    if problems:
        raise InputError(problems)
    return labels


def _check_entry(doc, i, entry, repo, known_ids, problems) -> Label | None:
    if not isinstance(entry, dict):
        problems.append(doc.problem((i,), "a judgement is a mapping with keys " + ", ".join(REQUIRED)))
        return None
    bad = len(problems)
    for key in entry:
        if key not in REQUIRED:
            problems.append(doc.problem((i, key), "unknown key", hint=f"the keys are {', '.join(REQUIRED)}"))
    for key in REQUIRED:
        if key not in entry:
            problems.append(doc.problem((i,), f"{key}: missing"))
    for key in ("file", "object", "id", "reason"):
        if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
            problems.append(doc.problem((i, key), "must be a non-empty string"))
    if "container" in entry and entry["container"] is not None and not isinstance(entry["container"], str):
        problems.append(doc.problem((i, "container"), "must be a container name or null"))
    if "verdict" in entry and entry["verdict"] not in VERDICTS:
        problems.append(doc.problem((i, "verdict"), f"{entry['verdict']!r} is not a verdict",
                                    hint="right or wrong"))
    if isinstance(entry.get("file"), str) and not entry["file"].startswith(repo + "/"):
        problems.append(doc.problem((i, "file"), f"is not in {repo}/, the folder this labels file judges",
                                    hint="file is relative to the corpus root: OWNER+REPO/path"))
    if known_ids is not None and isinstance(entry.get("id"), str) and entry["id"] not in known_ids:
        problems.append(doc.problem((i, "id"), f"{entry['id']!r} is no finding id of pod-advisor review"))
    if len(problems) > bad:
        return None
    return Label(entry["file"], entry["object"], entry["container"], entry["id"], entry["verdict"],
                 entry["reason"].strip(), doc.source, doc.line((i,)))


@dataclass
class Precision:
    """Per finding id: what is raised now and how much of it was judged right."""

    raised: Counter  # id -> keys raised now
    right: Counter
    wrong: Counter
    gone: list  # Labels whose finding is no longer raised
    unjudged: dict  # id -> [finding keys raised but not judged]

    def rows(self, ids=None):
        ids = sorted(ids if ids is not None else set(self.raised) | {g.id for g in self.gone})
        for fid in ids:
            judged = self.right[fid] + self.wrong[fid]
            gone = [g for g in self.gone if g.id == fid]
            yield {
                "id": fid, "raised": self.raised[fid], "judged": judged, "right": self.right[fid],
                "wrong": self.wrong[fid], "precision": (self.right[fid] / judged) if judged else None,
                "unjudged": len(self.unjudged.get(fid, ())),
                "gone_right": sum(g.verdict == "right" for g in gone),
                "gone_wrong": sum(g.verdict == "wrong" for g in gone),
            }


def precision(raised_keys: set[tuple], labels: list[Label], folders: set[str]) -> Precision:
    """raised_keys: (file, object, container, id) of every active finding now, files relative to
    their corpus root. Only labels of the corpus folders given (``folders``) can be gone."""
    by_key = {label.key: label for label in labels}
    raised, right, wrong, unjudged = Counter(), Counter(), Counter(), defaultdict(list)
    for key in sorted(raised_keys, key=lambda k: tuple(str(p) for p in k)):
        fid = key[3]
        raised[fid] += 1
        label = by_key.get(key)
        if label is None:
            unjudged[fid].append(key)
        elif label.verdict == "right":
            right[fid] += 1
        else:
            wrong[fid] += 1
    gone = [label for label in labels
            if label.key not in raised_keys and label.file.split("/", 1)[0] in folders]
    return Precision(raised, right, wrong, gone, dict(unjudged))
