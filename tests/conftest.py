"""The fixtures every test may use; shared helpers are in tests/helpers/."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

# pod-advisor keeps a start-up cache under XDG_CACHE_HOME: the tests' own, never the user's. Set
# before anything is imported or collected (a test module may load the knowledge base as it is
# imported, and that writes the cache), and inherited by every process a test starts.
_CACHE_HOME = tempfile.mkdtemp(prefix="pod-advisor-tests-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE_HOME
atexit.register(shutil.rmtree, _CACHE_HOME, True)
# The seeds an install puts in advisor/seeds (advisor/system/cache.py: `pip install -e .` writes them into this
# tree) stay hidden, in every process too: a test that starts with an empty cache sees a first run build what
# it builds without them. tests/cli/test_startup_seeds.py points the cache at seeds of its own.
os.environ["POD_ADVISOR_NO_SEEDS"] = "1"

from helpers.cli import run_cli  # noqa: E402


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def write(tmp_path):
    """Write a file under tmp_path and return its path as a string."""

    def _write(name: str, text: str) -> str:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return str(path)

    return _write


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """A cache of the test's own, turned on: the pod-advisor folder in it (it may not exist yet)."""
    from advisor.system import cache

    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.DISABLE, raising=False)
    return home / "pod-advisor"


# Property-based tests (test_properties.py): bounded and the same every run in the suite; bench/fuzz.py
# loads the "fuzz" profile (many more examples, random each run) with HYPOTHESIS_PROFILE=fuzz.
from hypothesis import HealthCheck, settings  # noqa: E402

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("suite", max_examples=25, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_QUIET)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1000")), deadline=None,
                          suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


# The modules that take longest (pytest --durations=0, summed by module, stop 38: 15 to 46 s each), run first. With
# one process per core and each module whole in one (--dist loadfile), the modules go to the processes in collection
# order, and alphabetical order left the wizard's two long modules for the end, one process working while the other
# waited: started first, they finish while the many short modules fill both processes. Order within a module is kept.
_LONG_MODULES = ("tests/cluster/test_cluster_review.py", "tests/cli/test_pre_commit.py",
                 "tests/cli/test_package_seeds.py", "tests/review/test_review_ahead.py", "tests/wizard/test_wizard.py",
                 "tests/cluster/test_cluster_manifests.py", "tests/properties/test_properties_doors.py",
                 "tests/structure/test_suite_itself.py", "tests/apicheck/test_manifests_start.py",
                 "tests/render/test_template_languages.py", "tests/wizard/test_wizard_defaults.py")


def pytest_collection_modifyitems(items):
    rank = {name: index for index, name in enumerate(_LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))  # stable: the rest keep their order
