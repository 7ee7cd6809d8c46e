"""The Kustomize base of a design, as files: one per object, the shared labels said once, and an
example overlay. The real kustomize builds them in test_manifest_kustomize_tools.py."""

from __future__ import annotations

import yaml
from helpers.paths import EXAMPLES
from helpers.manifest_forms import manifest_of

from advisor.manifests.build import MANAGED_BY_LABEL, PART_OF_LABEL
from advisor.manifests.emit import read_stream
from advisor.manifests.kustomize import kustomize_files

BLOG = EXAMPLES / "app-and-database.yaml"


def files(path=BLOG, **options):
    return kustomize_files(manifest_of(path, **options))


def test_the_base_lists_one_file_per_object_named_kind_and_name_in_the_manifests_order():
    found = files()
    kustomization = yaml.safe_load(found["base/kustomization.yaml"])
    assert kustomization["resources"] == ["deployment-blog.yaml", "service-blog.yaml",
                                          "poddisruptionbudget-blog.yaml", "networkpolicy-blog.yaml",
                                          "statefulset-postgres.yaml", "service-postgres.yaml",
                                          "networkpolicy-postgres.yaml"]
    assert sorted(found) == sorted(["base/kustomization.yaml", "overlays/production/kustomization.yaml",
                                    *(f"base/{name}" for name in kustomization["resources"])])
    assert kustomization["sortOptions"] == {"order": "fifo"}


def test_each_file_holds_its_object_with_its_why_comments():
    found = files()
    (deployment,) = read_stream(found["base/deployment-blog.yaml"])
    assert deployment["kind"] == "Deployment" and deployment["metadata"]["name"] == "blog"
    assert "# blog runs as a Deployment: a long-running service with interchangeable replicas." in \
        found["base/deployment-blog.yaml"]


def keys(value) -> set:
    if isinstance(value, dict):
        return set(value).union(*(keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys(v) for v in value))
    return set()


def test_the_labels_every_object_shares_are_said_once_in_the_kustomization():
    found = files()
    for name, text in found.items():
        if name.startswith("base/") and not name.endswith("kustomization.yaml"):
            (obj,) = read_stream(text)
            assert not keys(obj) & {PART_OF_LABEL, MANAGED_BY_LABEL}, name
    labels = yaml.safe_load(found["base/kustomization.yaml"])["labels"]
    assert labels[0] == {"pairs": {PART_OF_LABEL: "blog"}, "includeSelectors": True}
    assert labels[1]["pairs"] == {MANAGED_BY_LABEL: "pod-advisor"} and labels[1]["includeSelectors"] is False


def test_the_name_label_stays_with_each_object_and_selector():
    (service,) = read_stream(files()["base/service-postgres.yaml"])
    assert service["metadata"]["labels"] == {"app.kubernetes.io/name": "postgres"}
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "postgres"}


def test_the_production_overlay_sets_each_workloads_replicas_and_each_images_tag_to_the_bases():
    overlay = yaml.safe_load(files()["overlays/production/kustomization.yaml"])
    assert overlay["resources"] == ["../../base"]
    assert overlay["replicas"] == [{"name": "blog", "count": 2}, {"name": "postgres", "count": 1}]
    assert overlay["images"] == [{"name": "ghcr.io/example/blog", "newTag": "1.8.0"},
                                 {"name": "bitnamilegacy/postgresql", "newTag": "16.4.0"}]


def test_the_overlay_explains_itself_in_comments():
    text = files()["overlays/production/kustomization.yaml"]
    assert text.startswith("# An example overlay: what production changes in the base.")
    assert "# How many Pods each workload runs in production." in text


def test_an_image_without_a_tag_or_run_with_two_tags_is_left_out_of_the_overlay(write):
    path = write("images.yaml", "name: web\ncontainers:\n  - {name: web, image: nginx}\n"
                                "  - {name: a, image: 'busybox:1.36', purpose: other, shares_volume: true}\n"
                                "  - {name: b, image: 'busybox:1.37', purpose: other, shares_volume: true}\n")
    overlay = yaml.safe_load(files(path)["overlays/production/kustomization.yaml"])
    assert "images" not in overlay


def test_a_job_has_no_replicas_in_the_overlay():
    overlay = yaml.safe_load(files(EXAMPLES / "migration-job.yaml")["overlays/production/kustomization.yaml"])
    assert "replicas" not in overlay


def test_no_comments_writes_the_base_without_comments():
    for name, text in kustomize_files(manifest_of(BLOG), comments=False).items():
        assert "#" not in text, name
