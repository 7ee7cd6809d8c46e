"""What the tests of the Helm chart and the Kustomize base share: the answer files they are
written for, objects compared as data, and the session's fixtures that write every chart and base
and render them once with the real tools (a test module imports the fixtures it uses by name)."""

from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml
from helpers.paths import EXAMPLES, FIXTURES
from helpers.tools import require_tool

from advisor.answers.load import load_answers
from advisor.domain import annotations as keys
from advisor.engine.advise import advise
from advisor.system.fileio import write_tree
from advisor.manifests import make_manifest
from advisor.manifests.helm import chart_files
from advisor.manifests.kustomize import kustomize_files

HOW = "tools/build-go-tools builds it into tools/bin"

# Every example and every fixture the manifest is written for, globbed so a new one is covered.
ANSWER_FILES = sorted([*EXAMPLES.glob("*.yaml"), *(FIXTURES / "rules").glob("*.yaml"),
                       *(FIXTURES / "manifest").glob("*.yaml")])
IDS = [f"{p.parent.name}/{p.stem}" for p in ANSWER_FILES]


def manifest_of(path, **options):
    if not options:
        return _default_manifest(str(path))
    return make_manifest(advise(load_answers(str(path))), **options)


@functools.lru_cache(maxsize=None)
def _default_manifest(path: str):
    """Built once a session: the chart, the base and their tests all start from it (and change none of it)."""
    return make_manifest(advise(load_answers(path)))


def each_answer_file(root):
    """Each answer file with a place of its own under ``root`` for what a tool reads: (path, place)."""
    for i, path in enumerate(ANSWER_FILES):
        yield path, root / f"{i}-{path.stem}"


def run_all(commands: dict, timeout: int = 120) -> dict:
    """Run each command of ``{key: argv}`` side by side (one per CPU): ``{key: CompletedProcess}``."""
    def one(argv):
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(commands, pool.map(one, commands.values())))


def claimed_level(text: str) -> str | None:
    """The Pod Security level the objects of a YAML text say they need (pod-advisor.io/pod-security),
    when they say one: a node agent's host paths need "privileged"."""
    levels = {((doc.get("metadata") or {}).get("annotations") or {}).get(keys.POD_SECURITY)
              for doc in yaml.safe_load_all(text) if doc}
    levels.discard(None)
    assert len(levels) <= 1, levels
    return levels.pop() if levels else None


def identity(obj: dict) -> tuple:
    return obj["kind"], obj["metadata"]["name"]


def as_data(objects) -> list[dict]:
    """Objects in one order (kind, name): Helm applies them in its own, by kind."""
    return sorted((o for o in objects if o is not None), key=identity)


def rendered(text: str) -> list[dict]:
    return as_data(yaml.safe_load_all(text))


def with_workload(recommendation, name: str, **changes):
    """The recommendation with the workload ``name`` changed (replicas=5, ...)."""
    return dataclasses.replace(recommendation, workloads=[
        dataclasses.replace(w, **changes) if w.name == name else w for w in recommendation.workloads])


def with_shared_image(recommendation, container: str, image: str):
    """The recommendation with ``container``'s image, and every container running the same one, changed."""
    old = next(c.image for w in recommendation.workloads for c in w.containers if c.name == container)
    workloads = []
    for w in recommendation.workloads:
        containers = [dataclasses.replace(c, image=image) if c.image == old else c for c in w.containers]
        workloads.append(dataclasses.replace(w, containers=containers))
    return dataclasses.replace(recommendation, workloads=workloads)


def namespace_flags(manifest) -> list[str]:
    """helm's --namespace for a manifest whose objects the answers put in a namespace (the chart puts
    them in the release's)."""
    found = {o["metadata"]["namespace"] for o in manifest.objects if "namespace" in o["metadata"]}
    return ["--namespace", found.pop()] if found else []


def with_image(recommendation, container: str, image: str):
    workloads = []
    for w in recommendation.workloads:
        containers = [dataclasses.replace(c, image=image) if c.name == container else c for c in w.containers]
        workloads.append(dataclasses.replace(w, containers=containers))
    return dataclasses.replace(recommendation, workloads=workloads)


# -- the session's fixtures --------------------------------------------------------------------


@pytest.fixture(scope="session")
def helm():
    return require_tool("helm", HOW)


@pytest.fixture(scope="session")
def kustomize():
    return require_tool("kustomize", HOW)


@pytest.fixture(scope="session")
def charts(tmp_path_factory):
    """Every answer file's chart, written once: {path: (chart folder, manifest)}."""
    found = {}
    for path, folder in each_answer_file(tmp_path_factory.mktemp("charts")):
        write_tree(str(folder), chart_files(manifest_of(path)))
        found[path] = (folder, manifest_of(path))
    return found


@pytest.fixture(scope="session")
def default_renders(helm, charts):
    """helm template of every chart with its default values, run side by side: {path: result}."""
    return run_all({path: [helm, "template", str(folder), "--kube-version", manifest.recommendation.kubernetes,
                           *namespace_flags(manifest)]
                    for path, (folder, manifest) in charts.items()})


@pytest.fixture(scope="session")
def base_builds(kustomize, tmp_path_factory):
    """kustomize build of every answer file's base, run side by side: {path: result}."""
    commands = {}
    for path, folder in each_answer_file(tmp_path_factory.mktemp("bases")):
        write_tree(str(folder), kustomize_files(manifest_of(path)))
        commands[path] = [kustomize, "build", str(folder / "base")]
    return run_all(commands)
