"""Evaluating answer files into FileResults, in process or in worker processes
(advisor.system.pool): each worker builds its own ``Advisor`` once."""

from __future__ import annotations

import functools
from typing import Sequence

from advisor.answers.expectations import compare
from advisor.answers.load import load_answers_document
from advisor.batch.results import FileResult
from advisor.engine import Advisor
from advisor.engine.advise import advise
from advisor.system.errors import InputError
from advisor.system.failure import INTERNAL
from advisor.system.pool import WorkerPool


class Evaluator:
    """One file at a time with one engine: load, evaluate, and compare with expectations."""

    def __init__(self, check: bool, named: frozenset[str] = frozenset()):
        """``named``: the files the user named (read whatever they are); the others were found in
        folders and are read only if they are regular files."""

        self.advisor = Advisor()
        self.check = check
        self.named = named

    def __call__(self, path: str) -> FileResult:
        try:
            answers, document = load_answers_document(path, regular_only=path not in self.named)
            recommendation = advise(answers, document, engine=self.advisor)
        except InputError as exc:
            return FileResult(path, problems=tuple(str(p) for p in exc.problems))
        except Exception as exc:  # a defect of ours: report it on this file and go on with the others
            return FileResult(path, problems=(f"{path}: {INTERNAL}: "
                                              f"{type(exc).__name__}: {exc}",), internal=True)
        expect = answers.expect
        has_expectations = expect is not None and not expect.empty
        mismatches = ()
        if self.check and has_expectations:
            mismatches = tuple(compare(expect, recommendation, self.advisor.kb.findings))
        return FileResult(path, recommendation.to_dict(), expectations=has_expectations, mismatches=mismatches)


def evaluations(paths: Sequence[str], jobs: int = 1, check: bool = False,
                named: frozenset[str] = frozenset()) -> WorkerPool:
    """``with evaluations(paths, jobs, check) as results: for result in results: ...``: each
    answer file evaluated, in ``jobs`` worker processes (advisor.system.pool), in input order.

    ``named``: the answer files the user named (read whatever they are); the others were
    found in folders and are read only if they are regular files."""
    return WorkerPool(paths, jobs, functools.partial(Evaluator, check, named))
