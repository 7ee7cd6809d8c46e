"""What the tests of the Helm chart and the Kustomize base share: the answer files they are
written for, and objects compared as data."""

from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import yaml
from conftest import EXAMPLES, FIXTURES

from advisor.answers import load_answers
from advisor.core import advise
from advisor.manifests import make_manifest

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


def run_all(commands: dict, timeout: int = 120) -> dict:
    """Run each command of ``{key: argv}`` side by side (one per CPU): ``{key: CompletedProcess}``."""
    def one(argv):
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        return dict(zip(commands, pool.map(one, commands.values())))


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


def with_image(recommendation, container: str, image: str):
    workloads = []
    for w in recommendation.workloads:
        containers = [dataclasses.replace(c, image=image) if c.name == container else c for c in w.containers]
        workloads.append(dataclasses.replace(w, containers=containers))
    return dataclasses.replace(recommendation, workloads=workloads)
