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
import io
from typing import Iterator

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


def review_in_workers(reviewer: Reviewer, inputs: Inputs, options: ReviewOptions, jobs: int,
                      ahead: bool = False) -> ReviewReport:
    """The report ``reviewer.review(inputs, options)`` gives, the objects reviewed by ``jobs`` processes.
    ``ahead``: with one job, let a helper process review from the last object back (``review_ahead``)."""
    if jobs <= 1:
        if ahead:
            return review_ahead(reviewer, inputs, options)
        return reviewer.review(inputs, options)
    from advisor.system.pool import WorkerPool  # here: multiprocessing is for large trees only

    worker = functools.partial(_ObjectReviewer, inputs, options)
    with WorkerPool(range(len(inputs.objects)), jobs, worker) as outcomes:
        return reviewer.review(inputs, options, outcomes)


# Fewer reviewed objects than this are reviewed without a helper: forking one costs a few milliseconds
# and copies pages of this process as either writes to them.
AHEAD_FROM = 100


def review_ahead(reviewer: Reviewer, inputs: Inputs, options: ReviewOptions) -> ReviewReport:
    """The report ``reviewer.review(inputs, options)`` gives, with a helper process (advisor.system.helper)
    reviewing the objects from the last one back while this one reviews from the first on.

    The helper sends each object's outcome as it is done, with what its caches learnt meanwhile (the
    designs the engine evaluated, the scripts parsed, what the schemas said), which this process takes
    in as it goes: an object the helper has done is not reviewed again, a design or a script it has seen
    is not worked out again here, and the caches kept for the next run hold both halves. The two meet
    somewhere in the middle, where the helper is stopped. An object's outcome is a function of the
    object, the inputs and the options (advisor.review.parallel's workers rely on it too), so the report
    is the same as without a helper, whichever process reviewed what.
    """
    reviewer.prepare(inputs)
    reviewed = [i for i, obj in enumerate(inputs.objects) if obj.reviewed]
    if len(reviewed) < AHEAD_FROM:
        return reviewer.review(inputs, options)
    from advisor.system import helper

    if not helper.available():
        return reviewer.review(inputs, options)
    from advisor.review import images

    images.families()  # read by every workload's review: read once, here, rather than by both processes
    # the helper sends the recommendation itself, as workers do: a function to make it again would carry its
    # design along with every object's outcome
    sent = dataclasses.replace(options, remade=False)
    with helper.Helper(functools.partial(_review_back, reviewer, inputs, sent, reviewed)) as ahead:
        return reviewer.review(inputs, options, _outcomes(reviewer, inputs, options, ahead))


def _caches(reviewer: Reviewer) -> tuple:
    """A getter of each cache the review of an object adds to, in the order the helper's messages carry
    what each learnt: the designs, the scripts (the shell reader is imported only when one is met), what
    the schemas said."""

    def scripts():
        from advisor.review import shell

        return shell.parsed()

    def schemas():
        from advisor.review.refusals import known_valid

        return known_valid()

    return (lambda: reviewer.designs), scripts, schemas


def _review_back(reviewer: Reviewer, inputs: Inputs, options: ReviewOptions, reviewed: list[int], send) -> None:
    """In the helper: review ``reviewed`` (indices) from the last back, sending each (index, outcome,
    what each cache learnt)."""
    from advisor.system.cache import pickled

    caches = [get() for get in _caches(reviewer)]
    for cache in caches:
        cache.journal = []
    for index in reversed(reviewed):
        outcome = reviewer.review_object(inputs.objects[index], inputs, options)
        send(pickled((index, outcome, tuple(cache.journal for cache in caches))))
        for cache in caches:
            cache.journal = []


def _outcomes(reviewer: Reviewer, inputs: Inputs, options: ReviewOptions, ahead) -> Iterator[ObjectOutcome]:
    """Each object's outcome in order: the helper's where it has sent one, else reviewed here."""
    from advisor.system.cache import Unpickler

    done: dict[int, ObjectOutcome] = {}
    reached = len(inputs.objects)  # every reviewed object from here on has its outcome in ``done``
    caches = _caches(reviewer)
    for index, obj in enumerate(inputs.objects):
        if index < reached and obj.reviewed:  # (another kind's outcome is a note at most: cheaper than asking)
            for message in ahead.received():
                reached, outcome, learnt = Unpickler(io.BytesIO(message)).load()
                done[reached] = outcome
                for cache, entries in zip(caches, learnt):
                    if entries:
                        cache().merge(entries)
            if index >= reached:
                ahead.stop()  # the two have met: what the helper does now is done here already
        found = done.pop(index, None)
        yield found if found is not None else reviewer.review_object(obj, inputs, options)
