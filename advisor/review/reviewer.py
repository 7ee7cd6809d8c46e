"""The reviewer: objects in, a ReviewReport out. No printing, no exits.

Build one Reviewer per process (it builds the engine once) and call ``review``
as often as needed.
"""

from __future__ import annotations

from collections import Counter

from advisor.domain import annotations as keys
from advisor.domain.vocabulary import SEVERITY_ORDER
from advisor.engine import Advisor
from advisor.kb.questions import Invalid
from advisor.review import config_keys, starts  # noqa: F401  (register their checks, container-cannot-start)
from advisor.review.checks import CHECKS, check_catalogue
from advisor.review.designs import KEEP_FROM, Designs
from advisor.review.facts import Skip, Subject, describe
from advisor.review.objects import Inputs, parse_inputs
from advisor.review.refusals import REFUSED  # registers its check: what the API server would refuse
from advisor.review.report import Note, ObjectRef, ObjectReview, ReviewFinding, ReviewReport
from advisor.review.suppress import IgnoreConfig, Suppressor
from advisor.system.records import record


@record(frozen=True)
class ReviewOptions:
    """How to review: for which Kubernetes version, whether to suggest, what to ignore."""

    kubernetes: str | None = None  # None: each object's pod-advisor.io/kubernetes, else the newest
    suggest: bool = False
    config: IgnoreConfig | None = None
    # Whether each ObjectReview keeps the answers read, the recommendation and the intent: the JSON report
    # shows them, the text and SARIF reports do not, and a recommendation is a few KiB per workload (36 MiB
    # of a review of 16,000 objects) held until the report is written.
    details: bool = True
    # With ``details``: each ObjectReview holds a function that makes its recommendation again when the report
    # is written (``ObjectReview.remake``, sharing the design advisor.review.designs keeps), not the
    # recommendation itself. For the JSON report of the command; a worker (``--jobs``) sends it made.
    remade: bool = False


@record
class ObjectOutcome:
    """What reviewing one object gave: its review, or None when it was not reviewed, and the
    notes it raised, in order. ``skipped``: a kind that is read but never reviewed (a Service);
    otherwise a workload left out (a patch, no container), which a note says."""

    kind: str
    review: ObjectReview | None
    notes: list[Note]
    skipped: bool = False


def finding_ids(kb) -> list[str]:
    """The ids of the findings review may raise (what ignore rules may name), sorted."""
    return sorted(fid for fid, info in kb.findings.items() if "review" in info.sources)


class Reviewer:
    def __init__(self, advisor=None, keep_designs: bool = False):
        """``keep_designs``: a large review reads the designs earlier runs concluded, and keeps its own
        (advisor.review.designs), as the command does; only with the shipped knowledge base's Advisor."""
        self.keep_designs = keep_designs and advisor is None
        self.advisor = advisor or Advisor()
        self.designs = Designs(self.advisor)  # the engine runs once per distinct design
        self.kb = self.advisor.kb
        check_catalogue(self.kb)
        self.finding_ids = finding_ids(self.kb)
        purpose = self.kb.questions.by_key("containers[].purpose")
        self.purposes = tuple(choice.value for choice in purpose.choices)
        self.version_question = self.kb.questions.by_id("kubernetes")

    def target_version(self, obj, options: ReviewOptions, notes: list[Note]) -> str:
        """--kubernetes, else the version the manifest says it was written for, else the newest."""

        if options.kubernetes:
            return options.kubernetes
        stated = obj.metadata.get("annotations", {}).get(keys.KUBERNETES) if isinstance(
            obj.metadata.get("annotations"), dict) else None
        if stated is not None:
            try:
                return self.version_question.check(str(stated), raw=str(stated))
            except Invalid as exc:
                notes.append(Note(obj.file, obj.line("metadata"), f"annotation {keys.KUBERNETES}: {exc}; "
                                                                   f"reviewing for the newest version"))
        return self.version_question.default

    def review_texts(self, texts: list[tuple[str, str]], options: ReviewOptions,
                     errors: list | None = None) -> ReviewReport:
        """Parse (name, text) pairs and review them together; files that are not YAML become report errors."""
        return self.review(parse_inputs(texts, errors), options)

    def review(self, inputs: Inputs, options: ReviewOptions, outcomes=None) -> ReviewReport:
        """Review every object of ``inputs``. ``outcomes``: each object's ``review_object``, in
        input order, when they were computed elsewhere (``review --jobs``, advisor.review.parallel)."""
        if outcomes is None:
            self.prepare(inputs)
            outcomes = (self.review_object(obj, inputs, options) for obj in inputs.objects)
        notes: list[Note] = list(inputs.notes)  # objects whose shapes are wrong (review.shapes), left out
        skipped: Counter = Counter()
        not_reviewed = 0  # workloads that are parts of objects (patches) or hold no container
        reviews = []
        for outcome in outcomes:
            notes += outcome.notes
            if outcome.review is not None:
                reviews.append(outcome.review)
            elif outcome.skipped:
                skipped[outcome.kind] += 1
            else:
                not_reviewed += 1
        return ReviewReport(options.kubernetes or self.version_question.default, list(inputs.files), reviews,
                            dict(sorted(skipped.items())), notes, list(inputs.errors), not_reviewed)

    def prepare(self, inputs: Inputs) -> None:
        """Read the designs kept by earlier runs when ``inputs`` are large enough for them to pay."""
        if self.keep_designs and sum(obj.reviewed for obj in inputs.objects) >= KEEP_FROM:
            self.designs.keep()

    def review_object(self, obj, inputs: Inputs, options: ReviewOptions) -> ObjectOutcome:
        """One object of ``inputs`` (the others are there for cross-object checks)."""
        notes: list[Note] = []
        if not obj.reviewed:
            return ObjectOutcome(obj.kind, None, notes, skipped=True)
        if inputs.folds is None:
            return self._review_object(obj, inputs, options, notes)
        with inputs.reviewing(obj):  # a folded object (advisor.review.objects.FoldedObject) held meanwhile
            return self._review_object(obj, inputs, options, notes)

    def _review_object(self, obj, inputs: Inputs, options: ReviewOptions, notes: list[Note]) -> ObjectOutcome:
        subject = describe(obj, inputs, self.target_version(obj, options, notes), self.purposes)
        if isinstance(subject, Skip):
            notes.append(Note(obj.file, subject.line, subject.text))
            return ObjectOutcome(obj.kind, None, notes)
        notes += [Note(obj.file, line, text) for line, text in subject.notes]
        return ObjectOutcome(obj.kind, self.review_subject(subject, options, notes), notes)

    def review_subject(self, subject: Subject, options: ReviewOptions, notes: list[Note]) -> ObjectReview:
        obj = subject.obj
        rec, again = self.designs.evaluate_again(subject.answers)
        ref = ObjectRef(obj.file, obj.line(), obj.kind, obj.name, obj.namespace, obj.doc.index, obj.path,
                        getattr(obj.doc, "render", None) or None)
        suppressor = Suppressor(obj, subject.template_path, options.config, self.finding_ids, notes)
        findings, seen = [], set()
        for check in CHECKS:
            for hit in check(subject, rec):
                container = hit.container
                key = (hit.id, container.name if container else None, hit.message)
                if key in seen:
                    continue
                seen.add(key)
                findings.append(ReviewFinding(
                    id=hit.id, severity=self.kb.findings[hit.id].severity, message=hit.message, object=ref,
                    line=hit.line or (container.line if container else ref.line),
                    container=container.name if container else None,
                    container_line=container.line if container else None,
                    guess=hit.guess or None,
                    suppressed=suppressor(hit.id, container.name if container else None),
                ))
        # what the API server would refuse first: nothing else matters until the object is accepted
        findings.sort(key=lambda f: (f.id != REFUSED, f.line, -SEVERITY_ORDER[f.severity], f.id))
        review = ObjectReview(ref, findings, rec, subject.answers, intent=subject.intent)
        if options.suggest:
            self._suggest(subject, rec, review, notes)
        if not options.details:
            review.recommendation = review.answers = review.intent = None
        elif options.remade and again is not None:
            review.recommendation, review.remake = None, again
        return review

    def _suggest(self, subject: Subject, rec, review: ObjectReview, notes: list[Note]) -> None:
        """Attach the corrected design, if there is one and a cluster would accept it."""
        # imported here: only --suggest writes one, and the module (with the manifest builder and
        # writer it pulls in) is a few milliseconds of every review's start-up otherwise
        from advisor.review.suggest import problems, suggest

        withheld: list[str] = []
        written = suggest(subject, rec, review.active, self.designs.evaluate, withheld)
        notes += [Note(subject.obj.file, subject.obj.line(), f"--suggest: {reason}") for reason in withheld]
        if written is None:
            return
        refused = problems(written, subject)
        if refused:
            notes.append(Note(subject.obj.file, subject.obj.line(),
                              f"no suggestion for {subject.obj.label}: the corrected object would be refused "
                              f"({refused[0]}{'; ...' if len(refused) > 1 else ''})"))
            return
        review.suggestion, review.fixes = written.text, written.fixes
        review.replacement, review.added = written.replacement, list(written.added)
        review.suggestion_notes = written.notes

