"""The seeds the build puts in the package (setup.py's build_py runs advisor/cli/seeds.py): a wheel carries
them, an editable install writes them in place, and the command installed either way builds none of
their kinds on its first run. A build whose seed builder fails still makes a package.

pip installs from this working tree's files, copied (helpers.installed.copy_source), with no package
index: its build requirements and the dependencies come from tools/wheelhouse (tools/wheelhouse.sh).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from advisor.cli.seeds import BUILDERS, SHIPPED
from advisor.system import cache

from helpers.installed import copy_source
from helpers.paths import EXAMPLES, FIXTURES, ROOT
from helpers.tools import require_built

WHEELHOUSE = ROOT / "tools" / "wheelhouse"
FIRST_RUNS = [["evaluate", str(EXAMPLES / "web-with-log-shipper.yaml")], ["completion", "bash"],
              ["review", str(FIXTURES / "review" / "mistakes")]]  # containers with shell scripts among them


def _offline() -> dict[str, str]:
    """pip's environment: the wheelhouse, no index, nothing of this checkout's on the path."""
    require_built(WHEELHOUSE / "READY", "run tools/wheelhouse.sh")
    env = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    return env


def _pip(*argv: str, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run([python, "-m", "pip", *argv], env=_offline(), capture_output=True, text=True, timeout=600)


def _build_wheel(source, out) -> subprocess.CompletedProcess:
    return _pip("wheel", "--no-deps", "--wheel-dir", str(out), str(source))


def _venv(folder) -> str:
    """A fresh virtual environment's python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True, timeout=300)
    return str(folder / "bin" / "python")


def _written_on_first_runs(python: str, cache_home) -> set[str]:
    """The kinds the installed command kept in an empty cache over FIRST_RUNS, run from an empty folder."""
    command = os.path.join(os.path.dirname(python), "pod-advisor")
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    for name in ("PYTHONPATH", cache.NO_SEEDS, cache.DISABLE):
        env.pop(name, None)
    cwd = cache_home.parent / "cwd"
    cwd.mkdir(exist_ok=True)
    for argv in FIRST_RUNS:
        done = subprocess.run([command, *argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 1), done.stderr
    folder = cache_home / "pod-advisor"
    return {name.removesuffix(".pickle") for name in os.listdir(folder)} if folder.exists() else set()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    source = copy_source(tmp_path_factory.mktemp("wheel-source"))
    out = tmp_path_factory.mktemp("wheel")
    done = _build_wheel(source, out)
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("pod_advisor-*.whl")
    return built


def test_the_wheel_carries_a_seed_of_each_kind_it_ships(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert sorted(name for name in names if name.startswith("advisor/seeds/")) == sorted(
        f"advisor/seeds/{kind}.pickle" for kind in SHIPPED)


def test_the_wheel_leaves_bashlex_s_tables_to_the_machine_that_uses_them(wheel):
    assert "advisor/seeds/bashlex-tables.pickle" not in zipfile.ZipFile(wheel).namelist()


def test_the_command_installed_from_the_wheel_builds_none_of_the_shipped_kinds_on_its_first_run(wheel, tmp_path):
    python = _venv(tmp_path / "venv")
    done = _pip("install", "--quiet", str(wheel), python=python)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _written_on_first_runs(python, tmp_path / "cache") & set(SHIPPED) == set()


def test_an_editable_install_writes_every_kind_of_seed_in_place_and_builds_none_on_its_first_run(tmp_path):
    source = copy_source(tmp_path / "source")
    python = _venv(tmp_path / "venv")
    done = _pip("install", "--quiet", "-e", str(source), python=python)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(os.listdir(source / "advisor" / "seeds")) == sorted(f"{kind}.pickle" for kind in BUILDERS)
    assert _written_on_first_runs(python, tmp_path / "cache") & set(BUILDERS) == set()


def test_a_build_whose_seed_builder_fails_still_makes_the_package(tmp_path):
    source = copy_source(tmp_path / "source")
    (source / "advisor" / "cli" / "seeds.py").write_text("raise SystemExit('the seed builder fails')\n")
    done = _build_wheel(source, tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = (tmp_path / "out").glob("pod_advisor-*.whl")
    names = zipfile.ZipFile(built).namelist()
    assert "advisor/cli/main.py" in names and not any(name.startswith("advisor/seeds/") for name in names)
