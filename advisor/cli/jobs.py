"""``--jobs``, as batch and review both take it: how many worker processes to use."""

from __future__ import annotations

import argparse
import os


def jobs_argument(text: str) -> int:
    """argparse type of --jobs (batch and review): a whole number, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cpus() -> int:
    """The CPUs this process may run on (a container's limit, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


MAX_JOBS_PER_CPU = 2  # more workers only share the same CPUs, at the memory of one engine each


def worker_count(env, requested: int | None, items: int, small: int) -> int:
    """The worker processes for ``items`` (batch's files, review's objects): ``--jobs`` as asked,
    but at most MAX_JOBS_PER_CPU per CPU (said in a note: --jobs 100000 asked for as many
    processes); without it, one for fewer than ``small`` items, else one per CPU."""
    if requested is None:
        return 1 if items < small else cpus()
    most = MAX_JOBS_PER_CPU * cpus()
    if requested > most:
        env.err(f"pod-advisor: note: --jobs {requested} is more than {most} workers can use on {cpus()} "
                f"CPU{'s' if cpus() != 1 else ''}; using {most}")
        return most
    return requested
