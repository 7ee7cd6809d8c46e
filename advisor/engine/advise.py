"""The core in one call each: what the commands, the wizard and batch use.

An answer file is valid when the format accepts it (advisor.answers) and Kubernetes can
take the design it leads to (advisor.engine.feasible); ``advise`` checks both, so every
command agrees on which files are valid.
"""

from __future__ import annotations

from advisor.answers.load import load_answers_document
from advisor.domain.model import Answers
from advisor.domain.recommendation import Recommendation
from advisor.engine import evaluate
from advisor.engine.feasible import infeasible
from advisor.system.errors import InputError, Problem
from advisor.system.yamlsource import Document


def advise(answers: Answers, document: Document | None = None, engine=None) -> Recommendation:
    """The recommendation for ``answers``; InputError when Kubernetes could not take the design
    (at the lines of ``document``, the answers as read, when there is one). ``engine``: an
    ``advisor.engine.Advisor`` to reuse (batch's workers keep one)."""
    recommendation = (engine.evaluate if engine is not None else evaluate)(answers)
    problems = [Problem(p.message, file=answers.source, path=p.path) for p in infeasible(recommendation)]
    if problems:
        raise InputError([document.locate(p) for p in problems] if document is not None else problems)
    return recommendation


def advise_file(path: str, regular_only: bool = False, engine=None) -> Recommendation:
    """Load, validate and evaluate one answer file (InputError when invalid).

    ``regular_only``: refuse a FIFO or device (for files found in a folder, not named)."""
    answers, document = load_answers_document(path, regular_only=regular_only)
    return advise(answers, document, engine)
