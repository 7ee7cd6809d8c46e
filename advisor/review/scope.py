"""What a review reads: the manifest files under the paths given, less what is left out.

As the linters users know do it:

- ``--exclude GLOB`` (repeatable) and ``exclude:`` in ``.pod-advisor.yaml`` leave paths
  unread: an envsubst template, a folder of test data. A glob matches a file or a folder by
  its path relative to where it was given (the current folder for ``--exclude``, the
  config file's folder for ``exclude:``), by its path as found, or by its name; ``*`` also
  crosses folders, and a folder that matches is left out whole. A file named outright is
  left out too, so that a hook that passes each changed file gets the same result as a
  review of the folder.
- Hidden folders (``.github``, ``.old``) are not searched, and a note says how many
  manifest files each one holds; name one to review it. Version control's own folders
  (``.git``) are passed over without a word.
- A Helm chart (a folder with a ``Chart.yaml``) and a kustomization (a folder with a
  ``kustomization.yaml``) are found here, for advisor.review.rendered to render.

Nothing here reads a file's content; advisor.review.objects reads what is found.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import field

from advisor.review.report import Note
from advisor.system.errors import Problem
from advisor.system.records import record

EXTENSIONS = (".yaml", ".yml", ".json")
CHART_FILE = "Chart.yaml"
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
VERSION_CONTROL = frozenset({".git", ".hg", ".svn", ".jj"})


@record(frozen=True)
class Exclude:
    """One glob of paths to leave unread, and where it was given."""

    pattern: str
    base: str  # the folder relative globs are relative to
    origin: str  # "--exclude", or the config file that lists it

    def matches(self, path: str) -> bool:
        pattern = self.pattern.replace(os.sep, "/").rstrip("/") or "/"
        patterns = {pattern, pattern[3:]} if pattern.startswith("**/") else {pattern}
        return any(fnmatch.fnmatchcase(name, p) for name in _names(path, self.base) for p in patterns)


def _names(path: str, base: str) -> set[str]:
    """The names a glob may match ``path`` by: as found, relative to ``base``, and its own name."""
    found = os.path.normpath(path).replace(os.sep, "/")
    names = {found, os.path.basename(found)}
    relative = os.path.relpath(os.path.abspath(path), base)
    if relative != ".." and not relative.startswith(".." + os.sep):
        names.add(relative.replace(os.sep, "/"))
    return names


@record(frozen=True)
class Scope:
    """What to leave unread, and how to read charts and kustomizations."""

    exclude: tuple[Exclude, ...] = ()
    render: bool = False  # render Helm charts and build kustomizations with the tools on search_path
    search_path: str | None = None  # the PATH the tools are looked for on (None: this process's)
    kubernetes: str | None = None  # the version charts are rendered for (helm template --kube-version)

    def excluded(self, path: str) -> Exclude | None:
        return next((rule for rule in self.exclude if rule.matches(path)), None)


def excludes(patterns, base: str, origin: str) -> tuple[Exclude, ...]:
    return tuple(Exclude(str(p), base, origin) for p in patterns)


@record
class Found:
    """The files to read, in order, and what the search met besides."""

    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)  # folders with a Chart.yaml, outermost first
    kustomizations: list[str] = field(default_factory=list)  # folders with a kustomization file
    named: set[str] = field(default_factory=set)  # the paths given outright (read whatever they are)
    left_out: dict[str, int] = field(default_factory=dict)  # exclude origin -> paths it left out


def find(paths: list[str], scope: Scope) -> Found:
    """Expand folders (recursively, hidden folders skipped with a note) into their manifest files."""
    found = Found(named=set(paths))
    for path in paths:
        if path == "-":
            found.files.append(path)
        elif (rule := scope.excluded(path)) is not None:
            found.left_out[rule.origin] = found.left_out.get(rule.origin, 0) + 1
        elif os.path.isdir(path):
            before = len(found.files), sum(found.left_out.values())
            _walk(path, scope, found)
            if (len(found.files), sum(found.left_out.values())) == before:
                found.problems.append(Problem("holds no *.yaml, *.yml or *.json file", file=path))
        elif os.path.exists(path):
            found.files.append(path)
        else:
            found.problems.append(Problem("no such file or folder", file=path))
    for origin, count in found.left_out.items():
        found.notes.append(Note(origin, None, f"left out {count} path{'s' if count != 1 else ''} its exclude "
                                              f"globs match; not read"))
    return found


def _walk(root: str, scope: Scope, found: Found) -> None:
    for folder, subfolders, files in os.walk(root):
        kept = []
        for name in sorted(subfolders):
            path = os.path.join(folder, name)
            if name in VERSION_CONTROL:
                continue
            rule = scope.excluded(path)
            if rule is not None:
                found.left_out[rule.origin] = found.left_out.get(rule.origin, 0) + 1
            elif name.startswith("."):
                count = _manifest_files(path)
                if count:
                    found.notes.append(Note(path, None, f"a hidden folder, not searched: it holds {count} "
                                                        f"*.yaml, *.yml or *.json file{'s' if count != 1 else ''}; "
                                                        f"name it to review {'them' if count != 1 else 'it'}"))
            else:
                kept.append(name)
        subfolders[:] = kept
        if CHART_FILE in files:
            found.charts.append(folder)
        if any(name in files for name in KUSTOMIZATION_FILES):
            found.kustomizations.append(folder)
        for name in sorted(files):
            path = os.path.join(folder, name)
            if not name.endswith(EXTENSIONS):
                continue
            rule = scope.excluded(path)
            if rule is not None:
                found.left_out[rule.origin] = found.left_out.get(rule.origin, 0) + 1
            else:
                found.files.append(path)


def _manifest_files(folder: str) -> int:
    """How many files a review of ``folder`` would read (its own hidden folders included)."""
    count = 0
    for _, subfolders, files in os.walk(folder):
        subfolders[:] = [d for d in subfolders if d not in VERSION_CONTROL]
        count += sum(1 for name in files if name.endswith(EXTENSIONS))
    return count
