"""Score a labelled sheet of the blind protocol: precision per design id, recall, suggestions.

    python bench/blind/score.py SHEET.yaml [--list]

SHEET is a sheet written by bench/blind/run.py whose verdicts have been filled in
(bench/blind/README.md). Printed, as Markdown tables:

- per design finding id: raised, right, wrong, debatable, unlabelled, and over all of
  them the share right and wrong of those labelled, against the targets of issue 20
  (wrong <= 3%, right >= 80%);
- recall: of the sampled objects with no design finding, how many a design finding was
  due on (verdict wrong, ids in `missed`); scaled to every object without a design
  finding, the estimated number of missed findings, and recall = right findings /
  (right findings + estimated missed ones);
- suggestions: per set of fixed ids, right, wrong, debatable, unlabelled, against the
  target (at least 20 rewrites, none wrong);
- with --list, every wrong and debatable entry with its reason: the work list.

A malformed sheet (an unknown verdict, a verdict without a reason, an unknown key)
is refused with every problem listed, exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict

import yaml

VERDICTS = ("right", "wrong", "debatable")
KEYS = {
    "findings": {"file", "line", "object", "container", "id", "message", "verdict", "reason"},
    "recall_sample": {"file", "line", "object", "generic_findings", "verdict", "missed", "reason"},
    "suggestions": {"file", "line", "object", "fixes", "suggestion", "verdict", "reason"},
}
TARGET_WRONG, TARGET_RIGHT, TARGET_SUGGESTIONS = 0.03, 0.80, 20


def check(sheet) -> list[str]:
    problems = []
    if not isinstance(sheet, dict) or "context" not in sheet:
        return ["not a sheet of bench/blind/run.py (no context)"]
    design = set(sheet["context"].get("design_ids") or ())
    for section, keys in KEYS.items():
        for i, entry in enumerate(sheet.get(section) or []):
            where = f"{section}[{i}] {entry.get('file')}:{entry.get('line')} {entry.get('object')}"
            for key in set(entry) - keys:
                problems.append(f"{where}: unknown key {key!r}")
            verdict = entry.get("verdict")
            if verdict is not None and verdict not in VERDICTS:
                problems.append(f"{where}: verdict {verdict!r} is not one of {', '.join(VERDICTS)}")
            if verdict is not None and not (isinstance(entry.get("reason"), str) and entry["reason"].strip()):
                problems.append(f"{where}: a verdict needs a reason")
            if section == "recall_sample":
                missed = entry.get("missed") or []
                unknown = [m for m in missed if m not in design]
                if unknown:
                    problems.append(f"{where}: missed names {unknown}, not design ids ({', '.join(sorted(design))})")
                if verdict == "wrong" and not missed:
                    problems.append(f"{where}: verdict wrong needs the missed ids")
    return problems


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def findings_table(sheet, out) -> dict:
    rows = defaultdict(Counter)
    for entry in sheet.get("findings") or []:
        rows[entry["id"]][entry.get("verdict") or "unlabelled"] += 1
    total = Counter()
    out.write("| id | raised | right | wrong | debatable | unlabelled |\n|---|---|---|---|---|---|\n")
    for fid in sorted(rows, key=lambda i: (-sum(rows[i].values()), i)):
        c = rows[fid]
        total.update(c)
        out.write(f"| {fid} | {sum(c.values())} | {c['right']} | {c['wrong']} | {c['debatable']} | "
                  f"{c['unlabelled']} |\n")
    raised = sum(total.values())
    out.write(f"| **all design ids** | {raised} | {total['right']} | {total['wrong']} | {total['debatable']} | "
              f"{total['unlabelled']} |\n\n")
    labelled = raised - total["unlabelled"]
    right, wrong = (total["right"] / labelled, total["wrong"] / labelled) if labelled else (0.0, 0.0)
    over = "raised" if not total["unlabelled"] else f"labelled ({labelled} of {raised} raised)"
    out.write(f"Of the design findings {over}: right {pct(total['right'], labelled)} "
              f"(target >= {TARGET_RIGHT:.0%}: {'met' if labelled and right >= TARGET_RIGHT else 'missed'}), "
              f"wrong {pct(total['wrong'], labelled)} "
              f"(target <= {TARGET_WRONG:.0%}: {'met' if labelled and wrong <= TARGET_WRONG else 'missed'}), "
              f"debatable {pct(total['debatable'], labelled)}.\n\n")
    return total


def recall(sheet, right_findings: int, out) -> None:
    sample = sheet.get("recall_sample") or []
    labelled = [e for e in sample if e.get("verdict")]
    clean = sheet["context"].get("objects_without_design_finding", 0)
    missed_objects = sum(1 for e in labelled if e["verdict"] == "wrong")
    missed_ids = Counter(m for e in labelled if e["verdict"] == "wrong" for m in e.get("missed") or [])
    debatable = sum(1 for e in labelled if e["verdict"] == "debatable")
    out.write(f"Recall sample: {len(sample)} of {clean} objects with no design finding "
              f"(seed {sheet['context'].get('sample', {}).get('seed')}), {len(labelled)} labelled: "
              f"{sum(1 for e in labelled if e['verdict'] == 'right')} rightly silent, "
              f"{missed_objects} with a design finding missed, {debatable} debatable.\n")
    if not labelled:
        out.write("\n")
        return
    estimated = sum(missed_ids.values()) / len(labelled) * clean
    out.write(f"Missed ids: {dict(missed_ids) or 'none'}; estimated over all {clean} objects: "
              f"{estimated:.0f} missed findings; recall ~ {right_findings} / ({right_findings} + {estimated:.0f}) = "
              f"{pct(right_findings, right_findings + estimated)}"
              f"{' (no miss in the sample: the estimate is an upper bound)' if not missed_ids else ''}.\n\n")


def suggestions_table(sheet, out) -> None:
    rows = defaultdict(Counter)
    for entry in sheet.get("suggestions") or []:
        rows[", ".join(entry.get("fixes") or ["(none)"])][entry.get("verdict") or "unlabelled"] += 1
    total = Counter()
    out.write("| suggestion fixes | written | right | wrong | debatable | unlabelled |\n|---|---|---|---|---|---|\n")
    for fixes in sorted(rows, key=lambda f: (-sum(rows[f].values()), f)):
        c = rows[fixes]
        total.update(c)
        out.write(f"| {fixes} | {sum(c.values())} | {c['right']} | {c['wrong']} | {c['debatable']} | "
                  f"{c['unlabelled']} |\n")
    written = sum(total.values())
    out.write(f"| **all** | {written} | {total['right']} | {total['wrong']} | {total['debatable']} | "
              f"{total['unlabelled']} |\n\n")
    out.write(f"Suggestions: {written} written (target >= {TARGET_SUGGESTIONS}: "
              f"{'met' if written >= TARGET_SUGGESTIONS else 'fewer'}), {total['wrong']} wrong "
              f"(target 0: {'met' if not total['wrong'] and not total['unlabelled'] else 'missed' if total['wrong'] else 'open'}).\n\n")


def work_list(sheet, out) -> None:
    for section in ("findings", "suggestions", "recall_sample"):
        entries = [e for e in sheet.get(section) or [] if e.get("verdict") in ("wrong", "debatable")]
        if not entries:
            continue
        out.write(f"{section}, wrong and debatable:\n")
        for e in entries:
            what = e.get("id") or ", ".join(e.get("fixes") or e.get("missed") or [])
            container = f" [{e['container']}]" if e.get("container") else ""
            out.write(f"- {e['verdict']}: {e['file']}:{e['line']} {e['object']}{container} {what}: {e['reason']}\n")
        out.write("\n")
    gone = sheet.get("gone") or []
    if gone:
        out.write(f"gone (labelled before, no longer raised): "
                  f"{dict(Counter(g.get('verdict') for g in gone))}\n")
        for g in gone:
            out.write(f"- was {g['verdict']}: {g['file']} {g['object']} {g['id']}: {g['reason']}\n")
        out.write("\n")


def main(argv=None, out=sys.stdout) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sheet")
    parser.add_argument("--list", action="store_true", help="also list every wrong and debatable entry")
    args = parser.parse_args(argv)
    with open(args.sheet, encoding="utf-8") as fh:
        sheet = yaml.safe_load(fh)
    problems = check(sheet)
    if problems:
        for problem in problems:
            print(f"score: {args.sheet}: {problem}", file=sys.stderr)
        return 2
    ctx = sheet["context"]
    out.write(f"# {sheet['half']} half: {len(ctx['repositories'])} repositories, "
              f"{sum(r['files'] for r in ctx['repositories'].values())} files, {ctx['objects']} objects reviewed\n"
              f"reviewer: {ctx['reviewer']}\n\n")
    total = findings_table(sheet, out)
    recall(sheet, total["right"], out)
    suggestions_table(sheet, out)
    if args.list:
        work_list(sheet, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
