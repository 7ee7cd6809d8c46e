"""The real kustomize on the base of every example and fixture: `kustomize build DIR/base` renders
exactly the plain manifest's objects, in its order, and the production overlay renders what it says.

kustomize is built by tools/build-go-tools (.ci/run calls it); without it these tests skip, and fail in CI.
"""

from __future__ import annotations

import subprocess

import pytest
import yaml
from helpers.paths import EXAMPLES
from helpers.manifest_forms import base_builds, kustomize  # noqa: F401  (fixtures)
from helpers.manifest_forms import ANSWER_FILES, IDS, manifest_of, with_image, with_workload

from advisor.system.fileio import write_tree
from advisor.manifests import build_objects
from advisor.manifests.kustomize import kustomize_files


def objects_of(done: subprocess.CompletedProcess) -> list[dict]:
    assert done.returncode == 0, done.stderr
    return [o for o in yaml.safe_load_all(done.stdout) if o is not None]


def build(kustomize, folder) -> list[dict]:
    return objects_of(subprocess.run([kustomize, "build", str(folder)], capture_output=True, text=True,
                                     timeout=120, check=False))


def written(tmp_path, path):
    manifest = manifest_of(path)
    write_tree(str(tmp_path / "k"), kustomize_files(manifest))
    return tmp_path / "k", manifest


@pytest.mark.parametrize("path", ANSWER_FILES, ids=IDS)
def test_kustomize_build_of_the_base_renders_exactly_the_plain_manifest_in_its_order(path, base_builds):
    assert objects_of(base_builds[path]) == manifest_of(path).objects


EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_the_production_overlay_as_written_changes_nothing(path, kustomize, tmp_path):
    folder, manifest = written(tmp_path, path)
    assert build(kustomize, folder / "overlays" / "production") == manifest.objects


def test_the_production_overlay_edited_renders_its_replicas_and_tags(kustomize, tmp_path):
    folder, manifest = written(tmp_path, EXAMPLES / "app-and-database.yaml")
    overlay = folder / "overlays" / "production" / "kustomization.yaml"
    text = overlay.read_text()
    text = text.replace("  - name: blog\n    count: 2", "  - name: blog\n    count: 5")
    text = text.replace("newTag: 1.8.0", "newTag: 1.9.0")
    overlay.write_text(text)
    expected = with_image(with_workload(manifest.recommendation, "blog", replicas=5), "app",
                          "ghcr.io/example/blog:1.9.0")
    objects = build(kustomize, overlay.parent)
    assert objects == build_objects(expected)
    assert objects[0]["spec"]["replicas"] == 5
