"""A ReviewReport for people (text), for programs (JSON) and for code scanning (SARIF 2.1.0)."""

from __future__ import annotations

from typing import Iterator

from advisor import __version__
from advisor.kb.knowledge import KnowledgeBase
from advisor.render.style import SEVERITY_STYLE
from advisor.review.objects import STDIN
from advisor.review.report import ReviewFinding, ReviewReport, Streamed
from advisor.system.text import Style, wrap
from advisor.system.text import one_line as _line

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _plural(count: int, word: str) -> str:
    """``3 NetworkPolicies``, ``2 Ingresses``, ``2 Endpoints``: the count and the word (a kind), in the plural
    when it is not one."""
    if count == 1:
        return f"{count} {word}"
    if word.endswith(("ss", "us", "x", "z", "ch", "sh", "S")):  # (an acronym's S: CephNFSes)
        return f"{count} {word}es"
    if word.endswith("s"):  # a kind named in the plural already: Endpoints, SecurityContextConstraints
        return f"{count} {word}"
    if word.endswith("y") and word[-2:-1].lower() not in "aeiou":
        return f"{count} {word[:-1]}ies"
    return f"{count} {word}s"


def render_text(report: ReviewReport, kb: KnowledgeBase, style: Style) -> str:
    return "".join(text_lines(report, kb, style))


def text_lines(report: ReviewReport, kb: KnowledgeBase, style: Style) -> Iterator[str]:
    """``render_text``'s report a line at a time, each with its line break: what the command writes as
    it is made, so that a large report is never one string in memory."""
    by_file: dict[str, list] = {}
    for review in report.objects:
        if review.active or review.suggestion:
            by_file.setdefault(review.ref.file, []).append(review)
    explained: set[str] = set()  # each finding's fix is shown once, at its first appearance
    for file, reviews in by_file.items():
        yield style(_line(file), "bold") + "\n"
        for review in reviews:
            rendered = f" as `{_line(review.ref.render)}` writes it" if review.ref.render else ""
            yield (f"  {style(_line(review.ref.label), 'bold', 'cyan')}  "
                   f"{style(f'{_line(file)}:{review.ref.line}{rendered}', 'dim')}\n")
            for finding in review.active:
                for line in _finding_lines(finding, kb, style, finding.id not in explained):
                    yield line + "\n"
                explained.add(finding.id)
            if review.suggestion:
                fixes = ", ".join(review.fixes)
                yield f"    {style('suggested', 'green', 'bold')} (fixes {fixes}):\n"
                for line in review.suggestion.rstrip("\n").split("\n"):
                    yield "      " + line + "\n" if line else "\n"
        yield "\n"
    if report.suppressed:
        yield style("Suppressed", "bold") + "\n"
        for finding in report.suppressed:
            by = finding.suppressed
            where = f"{by.file}:{by.line}" if by.line else by.file
            because = f": {by.reason}" if by.reason else ""
            who = f" [{finding.container}]" if finding.container else ""
            yield _line(f"  {finding.file}:{finding.line}  {finding.id}{who}  by {by.by} {by.key} ({where})"
                        f"{because}") + "\n"
        yield "\n"
    yield _summary(report, style) + "\n"


def _finding_lines(finding: ReviewFinding, kb: KnowledgeBase, style: Style, with_fix: bool) -> list[str]:
    label = style(finding.severity, SEVERITY_STYLE[finding.severity], "bold")
    where = f"{_line(finding.file)}:{finding.line}"
    container = f"  container {_line(finding.container)}" if finding.container else ""
    lines = [f"    {where}: {label} {style(finding.id, 'bold')}{container}"]
    lines += wrap(_line(finding.message) + ".", "      ")
    if with_fix:
        lines += wrap(f"fix: {kb.findings[finding.id].fix}", "      ")
    if finding.guess:
        lines += [style(line, "dim") for line in wrap(_line(f"guess: {finding.guess}"), "      ")]
    return lines


def _summary(report: ReviewReport, style: Style) -> str:
    counts = report.counts()
    reviewed = f"{_plural(len(report.objects), 'object')} reviewed in {_plural(len(report.files), 'file')}"
    besides = []
    if report.not_reviewed:
        besides.append(f"{report.not_reviewed} not reviewed, see the notes")
    if report.skipped:
        besides.append("also read: " + ", ".join(_plural(count, kind) for kind, count in report.skipped.items()))
    if besides:
        reviewed += f" ({'; '.join(besides)})"
    if not report.findings:
        result = style("no findings", "green")
    else:
        result = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "info") if counts[s])
    suppressed = f"; {len(report.suppressed)} suppressed" if report.suppressed else ""
    unreadable = ""
    if report.errors:
        unreadable = f" {style(_plural(len(report.errors), 'file'), 'red', 'bold')} could not be reviewed (see above)."
    return f"{reviewed}: {result}{suppressed}.{unreadable}"


def render_json(report: ReviewReport, kb: KnowledgeBase) -> str:
    return "".join(json_pieces(report, kb))


def json_pieces(report: ReviewReport, kb: KnowledgeBase) -> Iterator[str]:
    """``render_json``'s text in the pieces json's encoder makes, each finding's and object's part made
    as it is reached (``ReviewReport.to_dict(streamed=True)``): the same bytes as ``json.dumps(...,
    indent=2)``, which joins the same pieces, without the report as one dict and one string in memory."""
    import json  # here, as in render_sarif: the text report, the usual one, does without

    yield from json.JSONEncoder(indent=2).iterencode(report.to_dict(kb, streamed=True))
    yield "\n"


def sarif_rules(kb: KnowledgeBase) -> list[dict]:
    """One reportingDescriptor per finding the reviewer can raise, with help from the knowledge base."""
    rules = []
    for fid, info in sorted(kb.findings.items()):
        if "review" not in info.sources:
            continue
        entries = [kb.entry(ref) for ref in info.see]
        help_text = f"{info.fix}\n\n" + "\n\n".join(f"{e.title}: {e.summary}" for e in entries)
        help_markdown = f"{info.fix}\n\n" + "\n".join(f"- **{e.title}** (`{e.id}`): {e.summary}" for e in entries)
        if info.guess:
            help_text += f"\n\nA heuristic: {info.guess}"
            help_markdown += f"\n\n*A heuristic:* {info.guess}"
        help_text += "\n\nSources:\n" + "\n".join(info.pages)
        help_markdown += "\n\n**Sources:**\n" + "\n".join(f"- <{page}>" for page in info.pages)
        rules.append({
            "id": fid,
            "name": "".join(part.capitalize() for part in fid.split("-")),
            "shortDescription": {"text": info.title},
            "fullDescription": {"text": info.when},
            "helpUri": info.pages[0],
            "help": {"text": help_text, "markdown": help_markdown},
            "defaultConfiguration": {"level": SARIF_LEVEL[info.severity]},
            "properties": {"tags": ["kubernetes", "pod-design"], "knowledgeBase": list(info.see)},
        })
    return rules


def render_sarif(report: ReviewReport, kb: KnowledgeBase) -> str:
    return "".join(sarif_pieces(report, kb))


def sarif_pieces(report: ReviewReport, kb: KnowledgeBase) -> Iterator[str]:
    """``render_sarif``'s text in the pieces json's encoder makes, each result made as it is reached
    (``Streamed``): the same bytes as ``json.dumps(..., indent=2)``, without every result in memory at once."""
    import json

    rules = sarif_rules(kb)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    findings = report.findings + report.suppressed
    run = {
        "tool": {"driver": {"name": "pod-advisor", "version": __version__, "rules": rules}},
        "results": Streamed(len(findings), lambda: (_sarif_result(finding, index) for finding in findings)),
    }
    if report.errors:
        # Files that could not be reviewed: code scanning shows them as tool notifications.
        run["invocations"] = [{
            "executionSuccessful": False,
            "toolExecutionNotifications": [_notification(problem) for problem in report.errors],
        }]
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    yield from json.JSONEncoder(indent=2).iterencode(sarif)
    yield "\n"


def _sarif_result(finding: ReviewFinding, index: dict[str, int]) -> dict:
    logical = f"{finding.object.kind}/{finding.object.name}" + (f"/{finding.container}" if finding.container else "")
    result = {
        "ruleId": finding.id,
        "ruleIndex": index[finding.id],
        "level": SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message + "."},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(finding.file)},
                "region": {"startLine": finding.line},
            },
            "logicalLocations": [{"fullyQualifiedName": logical, "kind": "object"}],
        }],
        "partialFingerprints": {"podAdvisor/v1": f"{finding.id}:{logical}"},
    }
    if finding.guess:
        result["properties"] = {"guess": finding.guess}
    if finding.suppressed:
        by = finding.suppressed
        result["suppressions"] = [{
            "kind": "inSource" if by.by == "annotation" else "external",
            "justification": by.reason or f"{by.key} ({by.file}:{by.line})",
        }]
    return result


def _notification(problem) -> dict:
    notification = {"level": "error", "message": {"text": str(problem)}}
    if problem.file:
        location = {"artifactLocation": {"uri": _uri(problem.file)}}
        if problem.line:
            location["region"] = {"startLine": problem.line}
        notification["locations"] = [{"physicalLocation": location}]
    return notification


def _uri(path: str) -> str:
    """A file name as the URI reference SARIF requires: a space, '#' or 'ü' percent-encoded
    (code scanning decodes them back to the file's path). From the name's bytes, so that one that
    is not UTF-8 keeps them (%FF); a backslash is a folder separator only where the system says so
    (on Linux it is a character of the name, %5C)."""
    import os
    from urllib.parse import quote

    if path == STDIN:
        return "stdin"
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    return quote(os.fsencode(path.removeprefix("./")), safe="/")
