"""External programs some tests run: the real tools that prove what pod-advisor writes.

``.ci/run`` builds or installs them (Go programs into ``tools/bin/``, or a tool's own
``tools/NAME/bin/`` when it is a module of its own, such as ``tools/apicheck``); on a user's
machine they may be absent. A test asks for one with ``require_tool``: it gets the
path, or the test is skipped with the reason, except in CI (the ``CI`` variable is
set), where a missing tool fails the test, so that CI never passes by skipping.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "tools" / "bin"  # where tools/ scripts put what they build


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def find_tool(name: str) -> str | None:
    """The project's built copy of ``name``, else the one on PATH, else None."""
    for built in (BUILT / name, ROOT / "tools" / name / "bin" / name):
        if built.is_file() and os.access(built, os.X_OK):
            return str(built)
    return shutil.which(name)


def require_tool(name: str, how: str) -> str:
    """The path of ``name``; skip (fail in CI) saying ``how`` to get it when it is missing."""
    found = find_tool(name)
    if found:
        return found
    reason = f"{name} is not installed ({how})"
    if in_ci():
        pytest.fail(f"CI needs {reason}", pytrace=False)
    pytest.skip(reason)


def require_module(name: str, how: str):
    """The Python module ``name``; skip (fail in CI) saying ``how`` to get it when it cannot be imported.
    (pytest.importorskip skips in CI too, where a missing test dependency must fail.)"""
    try:
        return importlib.import_module(name)
    except ImportError:
        reason = f"the Python module {name} is not installed ({how})"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason, allow_module_level=True)


def require_built(path: Path, how: str) -> Path:
    """A file or folder a tools/ script makes (``path``); skip (fail in CI) saying ``how`` when it is missing."""
    if path.exists():
        return path
    reason = f"{path.relative_to(ROOT)} is missing ({how})"
    if in_ci():
        pytest.fail(f"CI needs {reason}", pytrace=False)
    pytest.skip(reason)
