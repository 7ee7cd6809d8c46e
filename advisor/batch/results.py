"""What a batch learns about one file, its status, and the running totals.

A ``FileResult`` is small and picklable: worker processes send it back. It holds
the spec's recommendation object (``Recommendation.to_dict()``), or the
problems that made the file invalid, and the mismatches ``--check`` found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import field

from advisor.answers.expectations import Mismatch
from advisor.domain.vocabulary import SEVERITIES as LEAST_FIRST
from advisor.domain.vocabulary import fails_on
from advisor.system.failure import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_INVALID, EXIT_OK
from advisor.system.records import record

# Statuses, best first; the worst decides the exit status.
OK, FLAGGED, MISMATCH, INVALID, FAILED = "ok", "flagged", "mismatch", "invalid", "error"
STATUSES = (OK, FLAGGED, MISMATCH, INVALID, FAILED)
EXIT_STATUS = {OK: EXIT_OK, FLAGGED: EXIT_FINDINGS, MISMATCH: EXIT_FINDINGS, INVALID: EXIT_INVALID, FAILED: EXIT_INTERNAL}
SEVERITIES = tuple(reversed(LEAST_FIRST))  # error first, as the summary's columns show them


@record(frozen=True)
class FileResult:
    file: str
    recommendation: dict | None = None  # the spec's JSON object; None when the file is invalid
    problems: tuple[str, ...] = ()  # why the file is invalid, each "file:line: key.path: message"
    internal: bool = False  # the problem is ours (an engine failure), not the file's
    expectations: bool = False  # the file has a non-empty expect: block
    mismatches: tuple[Mismatch, ...] = ()  # filled only when --check asked

    @property
    def valid(self) -> bool:
        return self.recommendation is not None

    @property
    def main(self) -> dict:
        return self.recommendation["workloads"][0]

    def severities(self) -> Counter:
        """{severity: number of findings}."""
        return Counter(f["severity"] for f in (self.recommendation or {}).get("findings", ()))

    def finding_ids(self) -> list[str]:
        """Each finding id once, in the recommendation's order (worst first)."""
        return list(dict.fromkeys(f["id"] for f in (self.recommendation or {}).get("findings", ())))

    def helper_roles(self) -> list[tuple[str, int]]:
        """(role, count) of the main Pod's containers other than the main one, in the Pod's order."""
        roles = Counter(c["role"] for c in self.main["containers"] if c["role"] != "main")
        return list(roles.items())

    def flagged_findings(self, fail_on: str | None) -> list[dict]:
        if not fail_on or not self.valid:
            return []
        return [f for f in self.recommendation["findings"] if fails_on(f["severity"], fail_on)]

    def status(self, fail_on: str | None = None) -> str:
        if not self.valid:
            return FAILED if self.internal else INVALID
        if self.mismatches:
            return MISMATCH
        if self.flagged_findings(fail_on):
            return FLAGGED
        return OK


@record
class Totals:
    """Counts over the batch so far; what the summaries and the exit status read."""

    check: bool = False
    files: int = 0
    statuses: Counter = field(default_factory=Counter)
    severities: Counter = field(default_factory=Counter)
    controllers: Counter = field(default_factory=Counter)
    unchecked: int = 0  # valid files without expectations, when --check asked

    def add(self, result: FileResult, status: str) -> None:
        self.files += 1
        self.statuses[status] += 1
        if result.valid:
            self.severities.update(result.severities())
            self.controllers[result.main["controller"]] += 1
            if self.check and not result.expectations:
                self.unchecked += 1

    @property
    def exit_status(self) -> int:
        return max((EXIT_STATUS[s] for s in self.statuses), default=0)

    def status_line(self) -> str:
        counts = ", ".join(f"{self.statuses[s]} {s}" for s in STATUSES if self.statuses[s])
        return f"{self.files} file{'s' if self.files != 1 else ''}" + (f": {counts}" if counts else "")

    def findings_line(self) -> str:
        parts = [f"{self.severities[s]} {s}{'s' if s != 'info' and self.severities[s] != 1 else ''}"
                 for s in SEVERITIES if self.severities[s]]
        return "findings: " + (", ".join(parts) if parts else "none")

    def controllers_line(self) -> str:
        return "controllers: " + (", ".join(f"{n} {kind}" for kind, n in self.controllers.most_common()) or "none")

    def check_line(self) -> str | None:
        if not self.check:
            return None
        checked = self.files - self.statuses[INVALID] - self.statuses[FAILED] - self.unchecked
        line = f"checked: {checked} file{'s' if checked != 1 else ''} with an expect: block"
        if self.unchecked:
            line += f", {self.unchecked} without one (nothing to check)"
        return line

    def lines(self) -> list[str]:
        return [line for line in (self.status_line(), self.findings_line(), self.controllers_line(),
                                  self.check_line()) if line]
