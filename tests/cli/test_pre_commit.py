"""The pre-commit hooks, run by the real pre-commit (`pre-commit try-repo`) in a fresh git repository.

pre-commit installs pod-advisor the way it does for a user: a virtualenv of its own
and `pip install .` from a clone of this repository. pip gets the dependencies from
tools/wheelhouse (tools/wheelhouse.sh) with no package index, so the test runs
offline. try-repo builds a new environment every time (a store of its own), so it runs
once; the other tests name the repository in a .pre-commit-config.yaml, and share one
environment, built once per session.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from helpers.paths import FIXTURES, ROOT
from helpers.tools import require_built, require_tool

WHEELHOUSE = ROOT / "tools" / "wheelhouse"
GOOD_MANIFEST = FIXTURES / "review" / "clean" / "deployment-with-service.yaml"
BAD_MANIFEST = FIXTURES / "review" / "mistakes" / "bare-pod.yaml"
ANSWERS = """\
version: 1
name: shop
containers:
  - name: web
    image: nginx:1.27
    ports: [80]
    resources: {cpu: 250m, memory: 256Mi}
expect:
  controller: CONTROLLER
"""


def _git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", "-c",
                    "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory):
    """This repository as it is now (uncommitted changes included), committed in a clone:
    what try-repo would make of it, but made once, so that every test uses one environment."""
    snapshot = tmp_path_factory.mktemp("pod-advisor-source") / "repo"
    _git("clone", "--quiet", "--no-local", str(ROOT), str(snapshot), cwd=ROOT)
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True, timeout=120).stdout.decode().split("\0")
    for name in filter(None, listed):
        source, target = ROOT / name, snapshot / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()  # deleted in the working tree
    _git("add", "-A", cwd=snapshot)
    _git("commit", "--quiet", "--allow-empty", "-m", "the working tree under test", cwd=snapshot)
    return snapshot


@pytest.fixture(scope="session")
def pre_commit_env(tmp_path_factory):
    """pre-commit's environment variables: its own store, and pip without an index."""
    require_tool("pre-commit", "pip install -e '.[test]'")
    require_built(WHEELHOUSE / "READY", "run tools/wheelhouse.sh")
    env = dict(os.environ)
    env.update(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")), PIP_NO_INDEX="1",
               PIP_FIND_LINKS=str(WHEELHOUSE), PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_COMPILE="1",
               VIRTUALENV_NO_PERIODIC_UPDATE="1", PRE_COMMIT_COLOR="never")
    env.pop("PRE_COMMIT", None)
    return env


@pytest.fixture
def project(tmp_path):
    """A user's repository: git, with files staged."""
    folder = tmp_path / "project"
    folder.mkdir()
    _git("init", "--quiet", cwd=folder)

    def add(name: str, text: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        _git("add", "--", name, cwd=folder)

    add.folder = folder
    return add


def _rev(repo) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def _pre_commit(pre_commit_env, project, *argv: str) -> subprocess.CompletedProcess:
    pre_commit = require_tool("pre-commit", "pip install -e '.[test]'")
    return subprocess.run([pre_commit, *argv], cwd=project.folder, env=pre_commit_env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture
def configured(hooks_repo, project):
    """The project's .pre-commit-config.yaml naming this repository's hooks; pre-commit installs
    their environment once into the session's store (try-repo makes a store of its own each time)."""

    def configure(hooks: str) -> None:
        project(".pre-commit-config.yaml", f"repos:\n  - repo: {hooks_repo}\n    rev: {_rev(hooks_repo)}\n"
                                           f"    hooks:\n{hooks}")

    return configure


def test_try_repo_fails_a_bad_manifest_and_passes_good_answer_files(hooks_repo, pre_commit_env, project):
    project("k8s/debug.yaml", BAD_MANIFEST.read_text())
    project("answers/shop.yaml", ANSWERS.replace("CONTROLLER", "Deployment"))
    done = _pre_commit(pre_commit_env, project, "try-repo", str(hooks_repo))  # every hook the repository offers
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(line.startswith("pod-advisor review") and line.endswith("Failed") for line in lines)
    assert any(line.startswith("pod-advisor check answer files") and line.endswith("Passed") for line in lines)
    assert "k8s/debug.yaml:3: warning bare-pod" in done.stdout


def test_a_good_manifest_passes_the_review_hook(pre_commit_env, project, configured):
    project("k8s/web.yaml", GOOD_MANIFEST.read_text())
    project("README.md", "not a manifest\n")
    configured("      - id: pod-advisor-review\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_a_bad_manifest_fails_the_review_hook(pre_commit_env, project, configured):
    project("k8s/debug.yaml", BAD_MANIFEST.read_text())
    configured("      - id: pod-advisor-review\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1 and "warning bare-pod" in done.stdout, done.stdout + done.stderr


def test_the_review_hooks_threshold_is_set_through_args(pre_commit_env, project, configured):
    project("k8s/debug.yaml", BAD_MANIFEST.read_text())  # warnings, no error
    configured("      - id: pod-advisor-review\n        args: [--fail-on, error, --]\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_answer_file_whose_expectation_is_not_met_fails_the_check_hook(pre_commit_env, project, configured):
    project("answers/shop.yaml", ANSWERS.replace("CONTROLLER", "StatefulSet"))
    project("k8s/web.yaml", GOOD_MANIFEST.read_text())  # not an answer file: the hook's files leave it out
    configured("      - id: pod-advisor-check\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "expect.controller: expected StatefulSet, advisor says Deployment" in done.stdout
    assert "k8s/web.yaml" not in done.stdout


def test_the_wizards_answer_files_are_checked_wherever_they_are(pre_commit_env, project, configured):
    project("services/shop.answers.yaml", ANSWERS.replace("CONTROLLER", "DaemonSet"))
    configured("      - id: pod-advisor-check\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1 and "services/shop.answers.yaml" in done.stdout, done.stdout + done.stderr


# -- committed files named like options (issue 24, class 2) ----------------------------------------


def test_a_committed_file_named_like_an_option_is_reviewed_as_a_file(pre_commit_env, project, configured):
    project("ignore.yaml", "review:\n  ignore:\n    - id: all\n")  # a config that would silence every finding
    project("--config=ignore.yaml", BAD_MANIFEST.read_text())
    project("k8s/debug.yaml", BAD_MANIFEST.read_text())
    configured("      - id: pod-advisor-review\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "k8s/debug.yaml:3: warning bare-pod" in done.stdout
    assert "--config=ignore.yaml:3: warning bare-pod" in done.stdout


def test_a_committed_file_named_like_the_output_option_writes_nothing_outside(pre_commit_env, project, configured):
    project("--output=../escaped-report.yaml", BAD_MANIFEST.read_text())
    configured("      - id: pod-advisor-review\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1, done.stdout + done.stderr
    assert not (project.folder.parent / "escaped-report.yaml").exists()
    assert "--output=../escaped-report.yaml:3: warning bare-pod" in done.stdout


def test_a_committed_answer_file_named_like_an_option_is_checked_as_a_file(pre_commit_env, project, configured):
    project("--jobs=0.answers.yaml", ANSWERS.replace("CONTROLLER", "StatefulSet"))
    configured("      - id: pod-advisor-check\n")
    done = _pre_commit(pre_commit_env, project, "run")
    assert done.returncode == 1 and "expect.controller: expected StatefulSet" in done.stdout, done.stdout
