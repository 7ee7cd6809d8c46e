"""Build the seeds the package installs (advisor.system.cache.seed): what the cache would store, on a first
run, for each kind that depends only on pod-advisor's own files and its installed dependencies.

``python -m advisor.cli.seeds FOLDER [--kinds KIND,...|all]``, run by setup.py's build_py in a fresh process.
Each kind is built by the very call a run makes (which stores it through the cache's own code) into an
empty cache of its own, with no seed read, and the cache's file copied into FOLDER: the same key, the same
digest-checked format. Seeds are an optimisation: a kind that cannot be built is reported and left out.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import traceback


def _knowledge() -> None:
    from advisor.kb.knowledge import knowledge_base

    knowledge_base()


def _images() -> None:
    from advisor.kb.images import catalogue

    catalogue()


def _noted_images() -> None:
    from advisor.kb.starts import _noted_names

    _noted_names()


def _completion_words() -> None:
    from advisor.cli.shell_completion import vocabulary

    vocabulary()


def _rete() -> None:
    from advisor.engine import Advisor

    Advisor()  # builds the engine, whose matcher builds the network and keeps it


def _bashlex_tables() -> None:
    from advisor.review.shell import import_bashlex

    if "bashlex" in sys.modules:
        raise RuntimeError("bashlex was imported already: its tables would not be computed")
    import_bashlex()


# kind (the cache's name, its file <kind>.pickle) -> the call of a run that builds and keeps it
BUILDERS = {
    "knowledge": _knowledge,
    "images": _images,
    "noted-images": _noted_images,
    "completion-words": _completion_words,
    "rete": _rete,
    "bashlex-tables": _bashlex_tables,
}
# What a wheel carries. bashlex's parser tables are left to the machine that uses them (a seed built in place by
# an editable install, or the user's cache): derived from bashlex's grammar, they would carry its GPL licence
# into a package that anyone may copy on (advisor/review/shell.py).
SHIPPED = tuple(kind for kind in BUILDERS if kind != "bashlex-tables")


def build(folder: str, kinds=SHIPPED, report=None) -> list[str]:
    """Write the seed of each of ``kinds`` into ``folder`` (made if need be; the seeds of ``BUILDERS`` it held
    before are removed first, so that none is left from another build); the kinds written. A kind whose call
    fails, or leaves nothing in the cache, is reported through ``report(message)`` and left out.

    Run it in a process of its own: what this process loaded before (the knowledge base, bashlex) would be
    taken as built, and the environment is changed for good (the cache points at a folder of the build's)."""
    from advisor.system import cache

    report = report or (lambda message: print(message, file=sys.stderr))
    unknown = [kind for kind in kinds if kind not in BUILDERS]
    if unknown:
        raise ValueError(f"no such kind of seed: {', '.join(unknown)} (known: {', '.join(BUILDERS)})")
    os.makedirs(folder, exist_ok=True)
    for kind in BUILDERS:
        try:
            os.unlink(os.path.join(folder, f"{kind}.pickle"))
        except FileNotFoundError:
            pass
    written = []
    with tempfile.TemporaryDirectory(prefix="pod-advisor-seeds-") as home:
        os.environ["XDG_CACHE_HOME"] = home  # cache.kept and cache.store read the environment at each call
        os.environ.pop(cache.DISABLE, None)
        os.environ[cache.NO_SEEDS] = "1"  # built, not taken from seeds already installed (an older build's)
        stored = cache.folder()
        for kind in kinds:
            try:
                BUILDERS[kind]()
            except Exception:  # an optimisation only: the package works without this seed
                report(f"pod-advisor seeds: {kind} not built:\n{traceback.format_exc()}")
                continue
            made = os.path.join(stored, f"{kind}.pickle")
            if not os.path.isfile(made):
                report(f"pod-advisor seeds: {kind} left nothing in the cache")
                continue
            shutil.copyfile(made, os.path.join(folder, f"{kind}.pickle"))
            written.append(kind)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m advisor.cli.seeds", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", help="where to write the seeds (advisor/seeds of the build)")
    parser.add_argument("--kinds", default=",".join(SHIPPED),
                        help=f"which, comma-separated, or all (default, what a wheel carries: {','.join(SHIPPED)}; "
                             f"all: {','.join(BUILDERS)})")
    args = parser.parse_args(argv)
    kinds = list(BUILDERS) if args.kinds == "all" else [kind for kind in args.kinds.split(",") if kind]
    written = build(args.folder, kinds)
    print(f"pod-advisor seeds: {', '.join(written) or 'none'} in {args.folder}", file=sys.stderr)
    return 0 if written == kinds else 1


if __name__ == "__main__":
    sys.exit(main())
