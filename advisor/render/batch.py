"""The batch's output formats, written one result at a time.

Each writer gets ``start(files)``, then ``add(result, status)`` per file in
input order, then ``finish(totals)``. None of them keeps the results: the text
table's column widths come from the file names known up front, and the JUnit
report, whose counts must come first, spools its test cases to a temporary file.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
from typing import IO, Sequence
from xml.sax.saxutils import escape, quoteattr

from advisor.batch.results import FAILED, FLAGGED, INVALID, MISMATCH, OK, SEVERITIES, FileResult, Totals
from advisor.render.style import SEVERITY_STYLE
from advisor.system.text import Style, one_line
from advisor.system.text import width as shown_width

class Writer:
    def __init__(self, out: IO, style: Style | None = None, check: bool = False, fail_on: str | None = None):
        self.out = out
        self.style = style or Style(False)
        self.check = check
        self.fail_on = fail_on

    def start(self, files: Sequence[str]) -> None:
        pass

    def add(self, result: FileResult, status: str) -> None:
        raise NotImplementedError

    def finish(self, totals: Totals) -> None:
        pass

    def notes(self, result: FileResult) -> list[str]:
        """Why a file is not ok: its problems, its mismatches, the findings it was failed on."""
        notes = list(result.problems) + [str(m) for m in result.mismatches]
        notes += [finding_line(f) for f in result.flagged_findings(self.fail_on)]
        return notes


def finding_line(finding: dict) -> str:
    """A finding failed on, in a note or a JUnit failure: ``id (severity): message``."""
    return f"{finding['id']} ({finding['severity']}): {finding['message']}"


def helper_text(result: FileResult, unicode: bool = False) -> str:
    times = "×" if unicode else "x"
    return ", ".join(role if n == 1 else f"{role}{times}{n}" for role, n in result.helper_roles()) or "-"


# -- text ------------------------------------------------------------------------

STATUS_STYLE = {OK: ("green",), FLAGGED: ("yellow",), MISMATCH: ("yellow", "bold"), INVALID: ("red", "bold"),
                FAILED: ("red", "bold")}
MAX_FILE_WIDTH = 48
HELPERS_WIDTH = 22


class TextWriter(Writer):
    """A table a person reads: one row per file, the reasons under the rows that are not ok, then totals."""

    # (header, width, right-aligned); a longer helper list is cut, a longer file name overflows.
    columns = (("WORKLOADS", 9, True), ("CONTROLLER", 11, False), ("LAYOUT", 6, False),
               ("HELPERS", HELPERS_WIDTH, False), ("ERR", 3, True), ("WARN", 4, True), ("INFO", 4, True),
               ("STATUS", 8, False))

    def start(self, files: Sequence[str]) -> None:
        self.file_width = min(MAX_FILE_WIDTH, max([len("FILE")] + [shown_width(one_line(f)) for f in files]))
        header = self._row("FILE", [name for name, _, _ in self.columns], [()] * len(self.columns))
        self.out.write(self.style(header, "bold") + "\n")

    def _row(self, file: str, cells: list[str], styles: list[tuple]) -> str:
        parts = [file + " " * (self.file_width - shown_width(file))]  # as wide as shown, escapes and CJK included
        for (_, width, right), text, style in zip(self.columns, cells, styles):
            if len(text) > width:
                text = text[:width - 1] + self.style.glyph("…", "~")
            padded = text.rjust(width) if right else text.ljust(width)
            parts.append(self.style(padded, *style) if style else padded)
        return "  ".join(parts).rstrip()

    def add(self, result: FileResult, status: str) -> None:
        if result.valid:
            counts = result.severities()
            main = result.main
            cells = [str(len(result.recommendation["workloads"])), main["controller"],
                     main["layout"].split("-")[0], helper_text(result, self.style.unicode)]
            cells += [str(counts[s]) for s in SEVERITIES]
            styles = [(), (), (), ()] + [(SEVERITY_STYLE[s],) if counts[s] else () for s in SEVERITIES]
        else:
            cells, styles = ["-"] * 7, [()] * 7
        line = self._row(one_line(result.file), cells + [status], styles + [STATUS_STYLE[status]])
        self.out.write(line + "\n")
        for note in self.notes(result):
            self.out.write(f"    {one_line(note)}\n")

    def finish(self, totals: Totals) -> None:
        self.out.write("\n" + "\n".join(totals.lines()) + "\n")


# -- jsonl -----------------------------------------------------------------------


class JsonlWriter(Writer):
    """One JSON object per line: ``file``, ``status``, then the spec's recommendation or ``error``."""

    def add(self, result: FileResult, status: str) -> None:
        line: dict = {"file": result.file, "status": status}
        if result.valid:
            line.update(result.recommendation)
        else:
            line["error"] = "\n".join(result.problems)
        if self.check and result.valid:
            line["check"] = {"expectations": result.expectations,
                             "mismatches": [m.to_dict() for m in result.mismatches]}
        # ASCII: a file name that is not UTF-8 stays itself ("\udce9") instead of breaking the line
        self.out.write(json.dumps(line) + "\n")


# -- csv -------------------------------------------------------------------------

CSV_COLUMNS = ("file", "status", "workloads", "controller", "restartPolicy", "replicas", "layout", "service",
               "helper_roles", "errors", "warnings", "info", "findings", "mismatches", "message")


class CsvWriter(Writer):
    """One row per file; the main workload's decisions, finding counts, and what went wrong."""

    def start(self, files: Sequence[str]) -> None:
        self.csv = csv.writer(self.out, lineterminator="\n")
        self.csv.writerow(CSV_COLUMNS)

    def add(self, result: FileResult, status: str) -> None:
        row: dict = {"file": result.file, "status": status, "mismatches": len(result.mismatches),
                     "message": "; ".join(self.notes(result))}
        if result.valid:
            main, counts = result.main, result.severities()
            row.update(workloads=len(result.recommendation["workloads"]), controller=main["controller"],
                       restartPolicy=main["restartPolicy"], replicas=main["replicas"], layout=main["layout"],
                       service=main["service"], findings=" ".join(result.finding_ids()),
                       helper_roles=" ".join(role for role, n in result.helper_roles() for _ in range(n)),
                       errors=counts["error"], warnings=counts["warning"], info=counts["info"])
        self.csv.writerow(["" if row.get(c) is None else row[c] for c in CSV_COLUMNS])


# -- junit -----------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
SUITE = "pod-advisor batch"
CLASSNAME = "pod-advisor"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("?", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("?", value))


class JunitWriter(Writer):
    """A JUnit XML report as CI systems read it (Jenkins, GitLab, GitHub Actions reporters):
    one test case per file; an ``error`` for an invalid file, a ``failure`` for
    mismatches and for findings ``--fail-on`` names. The counts come first in the
    XML, so the test cases are spooled to a temporary file until the end."""

    def start(self, files: Sequence[str]) -> None:
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.tests = self.failures = self.errors = 0

    def add(self, result: FileResult, status: str) -> None:
        self.tests += 1
        case = [f"    <testcase name={_attr(result.file)} classname={_attr(CLASSNAME)}>"]
        if not result.valid:
            self.errors += 1
            kind, what = ("internal", "internal error") if result.internal else ("invalid", "invalid answer file")
            case.append(f"      <error type={_attr(kind)} message={_attr(what + ': ' + result.problems[0])}>"
                        f"{_text(chr(10).join(result.problems))}</error>")
        else:
            failures = []
            if result.mismatches:
                count = len(result.mismatches)
                failures.append(("mismatch", f"{count} expectation{'s' if count != 1 else ''} not met: "
                                             f"{result.mismatches[0]}", [str(m) for m in result.mismatches]))
            flagged = result.flagged_findings(self.fail_on)
            if flagged:
                ids = ", ".join(dict.fromkeys(f["id"] for f in flagged))
                failures.append(("finding", f"findings at or above {self.fail_on}: {ids}",
                                 [finding_line(f) for f in flagged]))
            if failures:
                self.failures += 1
            for kind, message, lines in failures:
                case.append(f"      <failure type={_attr(kind)} message={_attr(message)}>"
                            f"{_text(chr(10).join(lines))}</failure>")
            case.append(f"      <system-out>{_text(self._summary(result))}</system-out>")
        case.append("    </testcase>")
        self.spool.write("\n".join(case) + "\n")

    @staticmethod
    def _summary(result: FileResult) -> str:
        lines = []
        for w in result.recommendation["workloads"]:
            roles = ", ".join(f"{c['name']} {c['role']} ({c['placement']})" for c in w["containers"])
            lines.append(f"{w['name']}: {w['controller']}, restartPolicy {w['restartPolicy']}, replicas "
                         f"{w['replicas'] if w['replicas'] is not None else '-'}, {w['layout']}, Service "
                         f"{w['service'] or 'none'}; {roles}")
        lines += [f"{f['severity']} {f['id']}: {f['message']}" for f in result.recommendation["findings"]]
        return "\n".join(lines)

    def finish(self, totals: Totals) -> None:
        counts = f'tests="{self.tests}" failures="{self.failures}" errors="{self.errors}"'
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(f"<testsuites name={_attr(SUITE)} {counts}>\n")
        self.out.write(f'  <testsuite name={_attr(SUITE)} {counts} skipped="0">\n')
        self.spool.seek(0)
        shutil.copyfileobj(self.spool, self.out)
        self.spool.close()
        self.out.write("  </testsuite>\n</testsuites>\n")


WRITERS = {"text": TextWriter, "jsonl": JsonlWriter, "csv": CsvWriter, "junit": JunitWriter}
