"""The core in one call each: what the commands and the wizard use."""

from __future__ import annotations

from .answers import load_answers
from .model import Answers
from .recommendation import Recommendation


def advise(answers: Answers) -> Recommendation:
    from .engine import evaluate

    return evaluate(answers)


def advise_file(path: str) -> Recommendation:
    """Load, validate and evaluate one answer file (InputError when invalid)."""
    return advise(load_answers(path))
