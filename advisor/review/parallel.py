"""Reviewing a large tree in worker processes: ``pod-advisor review --jobs N``.

The objects are shared out, not the files: a workload's review reads the other
objects (the Services that select it, the ConfigMaps it mounts), so every worker
holds all the parsed inputs and reviews the objects it is given by their index.
The inputs reach the workers with the pool (inherited when the platform forks,
pickled once per worker otherwise); only indices go out, and each object's
outcome comes back, in input order, to be assembled exactly as one process would.

The pool is advisor.system.pool, as batch has it: the same chunking, bound on work
in flight, Ctrl-C handling and failure when a worker dies.
"""

from __future__ import annotations

import dataclasses
import functools

from advisor.review.objects import Inputs
from advisor.review.report import ReviewReport
from advisor.review.reviewer import ObjectOutcome, Reviewer, ReviewOptions

# Fewer workloads than this are reviewed in process unless --jobs asks for workers. Workers pay
# only when reviewing an object takes longer than sending its outcome back: with each distinct
# design evaluated once (review.designs), a workload takes about 0.4 ms in process and about as
# long again to come back from a worker, and every worker evaluates its designs afresh. On ten
# copies of the shared corpus (4,080 workloads, 2 CPUs) two workers took 3.2 s where one process
# took 1.8 s; the pool is kept for trees larger than that on machines with more CPUs.
SMALL_REVIEW = 10_000


class _ObjectReviewer:
    """What a worker calls with each object's index; builds its own Reviewer (and engine) once."""

    def __init__(self, inputs: Inputs, options: ReviewOptions):
        self.inputs = inputs
        # the recommendation itself: a function to make it again would send its design with every object
        self.options = dataclasses.replace(options, remade=False)
        self.reviewer = Reviewer()

    def __call__(self, index: int) -> ObjectOutcome:
        return self.reviewer.review_object(self.inputs.objects[index], self.inputs, self.options)


def review_in_workers(reviewer: Reviewer, inputs: Inputs, options: ReviewOptions, jobs: int) -> ReviewReport:
    """The report ``reviewer.review(inputs, options)`` gives, the objects reviewed by ``jobs`` processes."""
    if jobs <= 1:
        return reviewer.review(inputs, options)
    from advisor.system.pool import WorkerPool  # here: multiprocessing is for large trees only

    worker = functools.partial(_ObjectReviewer, inputs, options)
    with WorkerPool(range(len(inputs.objects)), jobs, worker) as outcomes:
        return reviewer.review(inputs, options, outcomes)
