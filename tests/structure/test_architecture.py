"""The layers of the code (pyproject.toml's [tool.importlinter]), checked by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers.tools import require_module

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    require_module("importlinter", "pip install -e '.[test]'")
    script = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-c", script, "--no-cache", "--config", str(root / "pyproject.toml")],
                          cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root), "PATH": ""})


def test_every_import_contract_is_kept():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_an_import_from_a_lower_layer_up_breaks_the_layers_contract(tmp_path):
    for name in ("advisor", "dialogs", "knowledge"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with open(tmp_path / "advisor/system/text.py", "a") as module:
        module.write("\nfrom advisor.render import style  # upward\n")
    run = lint_imports(tmp_path)
    assert run.returncode == 1
    assert "advisor.system is not allowed to import advisor.render" in run.stdout
    assert "advisor.system.text -> advisor.render.style" in run.stdout
