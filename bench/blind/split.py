"""Split the blind protocol's repositories into a tuning half and a held-out half, before reading either.

    python bench/blind/split.py --mirror MIRROR OWNER/NAME... > bench/blind/repositories.yaml
    python bench/blind/split.py --mirror MIRROR --all-heldout OWNER/NAME... > EXTRA.yaml

MIRROR holds one bare git directory per repository, at MIRROR/OWNER+NAME/repo (as the
search tool's fetch lays them out) or MIRROR/OWNER+NAME. The rule reads nothing but the
names: rank the repositories by the SHA-256 of "owner/name" (hex, ascending); the first
half (rounded up) is the tuning half, the rest the held-out half. The commit is the
git directory's HEAD; the licence is named from the first line of a top-level LICENSE
(or COPYING) file when it has one.

--all-heldout puts every repository in the held-out half: for an extension of a round
whose reviewer is already frozen, where there is nothing left to tune on.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys


def git_dir(mirror: str, repo: str) -> str:
    base = os.path.join(mirror, repo.replace("/", "+"))
    for candidate in (os.path.join(base, "repo"), base):
        if os.path.isfile(os.path.join(candidate, "HEAD")):
            return candidate
    raise SystemExit(f"split: no git directory for {repo} under {mirror}")


def git(gdir: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={gdir}", *args], check=True, capture_output=True,
                          text=True).stdout


def licence(gdir: str) -> str:
    names = git(gdir, "ls-tree", "--name-only", "HEAD").split("\n")
    for name in names:
        if name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            text = git(gdir, "show", f"HEAD:{name}")
            first = next((line.strip() for line in text.splitlines() if line.strip()), "")
            if first.startswith("Apache License"):
                return "Apache-2.0"
            if first.startswith("MIT License") or "Permission is hereby granted" in text[:2000]:
                return "MIT"
            return f"{name}: {first[:60]}"
    return "not visible (no top-level LICENSE file)"


def rank(repo: str) -> str:
    return hashlib.sha256(repo.encode()).hexdigest()


def split(repos: list[str], all_heldout: bool = False) -> dict[str, str]:
    ordered = sorted(set(repos), key=rank)
    tuning = 0 if all_heldout else (len(ordered) + 1) // 2
    return {repo: ("tuning" if i < tuning else "heldout") for i, repo in enumerate(ordered)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", required=True, help="folder of bare git directories, OWNER+NAME/repo")
    parser.add_argument("--all-heldout", action="store_true",
                        help="put every repository in the held-out half (the reviewer is frozen: no tuning half)")
    parser.add_argument("repos", nargs="+", metavar="OWNER/NAME")
    args = parser.parse_args(argv)
    halves = split(args.repos, all_heldout=args.all_heldout)
    out = sys.stdout
    if args.all_heldout:
        out.write("# Repositories of the blind protocol (bench/blind/README.md), recorded before any\n"
                  "# manifest was read, every one held out (--all-heldout: the reviewer is frozen, so\n"
                  "# there is no tuning half). Ranked by sha256(\"owner/name\"). Written by bench/blind/split.py.\n"
                  "repositories:\n")
    else:
        out.write("# The repositories of the blind protocol (bench/blind/README.md), split before any\n"
                  "# manifest was read. Rule: rank by sha256(\"owner/name\") in hex, ascending; the first\n"
                  "# half (rounded up) is the tuning half, the rest held out. Written by bench/blind/split.py.\n"
                  "repositories:\n")
    for repo in sorted(halves, key=rank):
        gdir = git_dir(args.mirror, repo)
        commit = git(gdir, "rev-parse", "HEAD").strip()
        date = git(gdir, "log", "-1", "--format=%cs", "HEAD").strip()
        out.write(f"  - repo: {repo}\n    sha256: {rank(repo)[:16]}\n    commit: {commit}\n"
                  f"    committed: {date}\n    licence: \"{licence(gdir)}\"\n    half: {halves[repo]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
