"""What a review found: findings with their places, suppressions, and per-object results.

Renderers (text, JSON, SARIF) only read this. ``to_dict`` is the JSON output.
"""

from __future__ import annotations

from dataclasses import field

from advisor.answers.load import answers_to_data
from advisor.domain.vocabulary import fails_on, worst_of
from advisor.system.records import record


@record(frozen=True)
class Suppression:
    """What silenced a finding: an annotation or a config rule, and where it is written."""

    by: str  # annotation | config
    file: str
    line: int | None
    key: str  # the annotation's key, or the config rule ("ignore[2]")
    reason: str | None = None

    def to_dict(self) -> dict:
        return {"by": self.by, "file": self.file, "line": self.line, "key": self.key, "reason": self.reason}


@record(frozen=True)
class ObjectRef:
    """Where a reviewed object is: its file, line, kind, name and namespace."""

    file: str
    line: int
    kind: str
    name: str
    namespace: str | None
    document: int | None = None  # the document's index in its file (yamlsource.Document.index)
    path: tuple = ()  # the object's key path in that document: () or ("items", 3)
    # The render that wrote it (``kustomize build overlays/prod``), for an object a tool rendered: its file and
    # line are where it came from, which may hold another kind or lack what the render added.
    render: str | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"

    def to_dict(self) -> dict:
        found = {"kind": self.kind, "name": self.name, "namespace": self.namespace, "file": self.file,
                 "line": self.line}
        if self.render:
            found["render"] = self.render
        return found


@record(frozen=True)
class ReviewFinding:
    """One finding of review on one object, with the line it points at."""

    id: str
    severity: str
    message: str
    object: ObjectRef
    line: int  # the most precise line: the field, else the container, else the object
    container: str | None = None
    container_line: int | None = None
    guess: str | None = None  # what this finding rests on, when it is a guess
    suppressed: Suppression | None = None

    @property
    def file(self) -> str:
        return self.object.file

    def to_dict(self, kb) -> dict:
        info = kb.findings[self.id]
        data = {
            "id": self.id, "severity": self.severity, "title": info.title, "message": self.message,
            "file": self.file, "line": self.line, "object": self.object.to_dict(),
            "container": ({"name": self.container, "line": self.container_line} if self.container else None),
            "fix": info.fix, "see": list(info.see), "guess": self.guess,
        }
        if self.suppressed:
            data["suppressed"] = self.suppressed.to_dict()
        return data


@record
class ObjectReview:
    """What review found of one object, and what it suggests instead."""

    ref: ObjectRef
    findings: list[ReviewFinding] = field(default_factory=list)  # active and suppressed
    recommendation: object = None  # advisor.domain.recommendation.Recommendation for the answers below
    answers: object = None  # advisor.domain.model.Answers: what the reviewer read from the manifest
    suggestion: str | None = None  # the corrected object(s), YAML
    fixes: tuple[str, ...] = ()  # the finding ids the suggestion addresses
    # The suggestion as data, what --fix writes back: the object that takes this one's
    # place, and the new objects that go right after it.
    replacement: dict | None = None
    added: list[dict] = field(default_factory=list)
    suggestion_notes: tuple[str, ...] = ()  # what to do besides applying it
    intent: object = None  # advisor.review.intent.Intent: what the Pod is for, with the evidence, ranked
    # In place of ``recommendation`` (ReviewOptions.remade): makes an equal one again, when the report is written.
    remake: object = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        recommendation = self.recommendation if self.remake is None else self.remake()
        return {
            **self.ref.to_dict(),
            "findings": [f.id for f in self.active],
            "answers": answers_to_data(self.answers) if self.answers else None,
            "recommendation": ([w.to_dict() for w in recommendation.workloads] if recommendation else None),
            "suggestion": self.suggestion,
            "suggestion_fixes": list(self.fixes),
            "intent": self.intent.to_dict() if self.intent is not None else None,
        }

    @property
    def active(self) -> list[ReviewFinding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def suppressed(self) -> list[ReviewFinding]:
        return [f for f in self.findings if f.suppressed]


@record(frozen=True)
class Note:
    """A remark of review about a file or an object, not a finding."""

    file: str
    line: int | None
    text: str

    def __str__(self) -> str:  # one line, whatever a file name or an object's name holds
        return f"{self.file}{':' + str(self.line) if self.line else ''}: {self.text}".replace("\n", "\\n")


@record
class ReviewReport:
    """Everything one review found: the objects, the notes and the files that could not be read."""

    kubernetes: str
    files: list[str]
    objects: list[ObjectReview]
    skipped: dict[str, int]  # kind -> count of objects read but not reviewed
    notes: list[Note] = field(default_factory=list)
    errors: list = field(default_factory=list)  # advisor.system.errors.Problem: files that could not be reviewed
    not_reviewed: int = 0  # workload objects passed over (patches, no containers): each has a note

    @property
    def findings(self) -> list[ReviewFinding]:
        return [f for o in self.objects for f in o.active]

    @property
    def suppressed(self) -> list[ReviewFinding]:
        return [f for o in self.objects for f in o.suppressed]

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in ("error", "warning", "info")}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def worst_severity(self) -> str | None:
        return worst_of(f.severity for f in self.findings)

    def fails(self, fail_on: str) -> bool:
        return fails_on(self.worst_severity(), fail_on)

    def to_dict(self, kb, streamed: bool = False) -> dict:
        """The JSON report. ``streamed``: its findings and objects as ``Streamed`` lists, each item's
        dict made when json's encoder reaches it (advisor.render.review.json_pieces)."""
        findings, suppressed = self.findings, self.suppressed
        if streamed:
            return self._dict(suppressed,
                              Streamed(len(findings), lambda: (f.to_dict(kb) for f in findings)),
                              Streamed(len(suppressed), lambda: (f.to_dict(kb) for f in suppressed)),
                              Streamed(len(self.objects), lambda: (o.to_dict() for o in self.objects)))
        return self._dict(suppressed, [f.to_dict(kb) for f in findings],
                          [f.to_dict(kb) for f in suppressed], [o.to_dict() for o in self.objects])

    def _dict(self, suppressed, finding_dicts, suppressed_dicts, object_dicts) -> dict:
        return {
            "kubernetes": self.kubernetes,
            "summary": {"files": len(self.files), "objects": len(self.objects), "skipped": dict(self.skipped),
                        "findings": self.counts(), "suppressed": len(suppressed),
                        "errors": len(self.errors), "not_reviewed": self.not_reviewed},
            "errors": [{"file": e.file, "line": e.line, "message": str(e)} for e in self.errors],
            "findings": finding_dicts,
            "suppressed": suppressed_dicts,
            "objects": object_dicts,
            "notes": [{"file": n.file, "line": n.line, "text": n.text} for n in self.notes],
        }


class Streamed(list):
    """A list whose ``count`` items ``items()`` makes one at a time as it is walked, for json's encoder:
    with an indent it walks a list by iterating it (in Python, never the C encoder), so that a report of
    16,000 objects is written without a dict of each in memory at once. Empty as a list otherwise: only
    for handing to ``json.JSONEncoder(indent=...).iterencode``."""

    def __init__(self, count: int, items):
        super().__init__()
        self.count, self.items = count, items

    def __len__(self) -> int:
        return self.count

    def __iter__(self):
        return iter(self.items())
