"""container-cannot-start for a ConfigMap key the ConfigMap lacks: an env variable's configMapKeyRef (the
kubelet reads data only) and a ConfigMap volume's items (data or binaryData), judged only where the
ConfigMap is among the files and nothing among them may bring the key."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES, deployment

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config
data:
  application.properties: "a=b"
  config.yaml: "x: 1"
"""
ENV = """          env:
            - name: APP_CONFIG
              valueFrom:
                configMapKeyRef: {name: app-config, key: %s%s}
"""
VOLUME = """          volumeMounts: [{name: conf, mountPath: /etc/app}]
"""
VOLUMES = """      volumes:
        - name: conf
          configMap:
            name: app-config%s
            items: [{key: %s, path: app.conf}]
"""


def workload(env_key=None, item_key=None, optional="", mounted=True):
    extra = ENV % (env_key, optional) if env_key else ""
    extra += VOLUME if item_key and mounted else ""
    lines = f"        - name: app\n          image: ghcr.io/example/app:1.0.0\n          {RESOURCES}\n{extra}"
    text = deployment(lines, name="app", labels="app: app")
    if item_key:
        text = text.replace("      containers:\n", (VOLUMES % (optional and "\n            optional: true", item_key))
                            + "      containers:\n", 1)
    return text


def cannot_start(*files) -> list:
    report = REVIEWER.review(parse_inputs(list(files)), ReviewOptions(kubernetes="1.37"))
    assert report.objects, "nothing was reviewed"
    return [f for f in report.findings if f.id == "container-cannot-start"]


def test_an_env_variable_reading_a_key_the_configmap_lacks_cannot_start():
    text = CONFIG + "---\n" + workload(env_key="config.properties")
    [finding] = cannot_start(("app.yaml", text))
    assert "couldn't find key config.properties in ConfigMap <its namespace>/app-config" in finding.message
    assert "CreateContainerConfigError" in finding.message
    assert finding.line == text[:text.index("key: config.properties")].count("\n") + 1


def test_the_finding_names_the_key_the_configmap_has_that_is_closest():
    [finding] = cannot_start(("app.yaml", CONFIG + "---\n" + workload(env_key="config.yml")))
    assert "it has 'config.yaml'" in finding.message


def test_a_volume_item_naming_a_key_the_configmap_lacks_cannot_be_set_up():
    [finding] = cannot_start(("app.yaml", CONFIG + "---\n" + workload(item_key="app.conf")))
    assert "configmap references non-existent config key: app.conf" in finding.message
    assert "ContainerCreating" in finding.message


def test_a_projected_volume_item_is_judged_as_a_configmap_volume_is():
    text = workload(item_key="app.conf").replace(
        "          configMap:\n            name: app-config\n            items: [{key: app.conf, path: app.conf}]\n",
        "          projected:\n            sources:\n              - configMap:\n                  name: app-config\n"
        "                  items: [{key: app.conf, path: app.conf}]\n")
    [finding] = cannot_start(("app.yaml", CONFIG + "---\n" + text))
    assert "non-existent config key: app.conf" in finding.message


def test_a_key_the_configmap_has_is_no_finding():
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(env_key="config.yaml", item_key="config.yaml"))) == []


def test_an_optional_reference_may_name_a_missing_key():
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(env_key="nope", optional=", optional: true"))) == []
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(item_key="nope", optional="yes"))) == []


def test_a_key_in_binary_data_serves_a_volume_but_not_an_env_variable():
    config = CONFIG + "binaryData:\n  logo.png: aGVsbG8=\n"
    assert cannot_start(("app.yaml", config + "---\n" + workload(item_key="logo.png"))) == []
    [finding] = cannot_start(("app.yaml", config + "---\n" + workload(env_key="logo.png")))
    assert "couldn't find key logo.png" in finding.message


def test_a_volume_no_container_mounts_is_not_judged():
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(item_key="nope", mounted=False))) == []


def test_a_configmap_not_among_the_files_is_not_judged():
    assert cannot_start(("app.yaml", workload(env_key="config.properties"))) == []


def test_another_file_that_defines_the_configmap_with_the_key_is_evidence_it_may_be_there():
    other = CONFIG.replace('  config.yaml: "x: 1"\n', '  config.yaml: "x: 1"\n  config.properties: "y"\n')
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(env_key="config.properties")),
                        ("prod/config.yaml", other)) == []


def test_an_empty_configmap_is_a_placeholder_and_not_judged():
    empty = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\n"
    assert cannot_start(("app.yaml", empty + "---\n" + workload(env_key="config.properties"))) == []


def test_a_configmap_of_another_namespace_is_not_the_one_read():
    config = CONFIG.replace("  name: app-config\n", "  name: app-config\n  namespace: other\n")
    text = workload(env_key="config.properties").replace("  name: app\n", "  name: app\n  namespace: shop\n", 1)
    assert cannot_start(("app.yaml", config + "---\n" + text)) == []


def test_a_key_a_template_fills_in_is_not_judged():
    assert cannot_start(("app.yaml", CONFIG + "---\n" + workload(env_key="'${CONFIG_KEY}'"))) == []


def test_a_kustomize_generator_of_the_configmap_may_bring_the_key():
    kustomization = ("resources: [config.yaml, app.yaml]\nconfigMapGenerator:\n"
                     "  - name: app-config\n    behavior: merge\n    literals: [config.properties=y]\n")
    assert cannot_start(("base/config.yaml", CONFIG), ("base/app.yaml", workload(env_key="config.properties")),
                        ("base/kustomization.yaml", kustomization)) == []


def test_a_kustomization_that_patches_configmaps_there_may_bring_the_key():
    kustomization = ("resources: [config.yaml, app.yaml]\npatches:\n  - target: {kind: ConfigMap, name: app-config}\n"
                     "    patch: |-\n      - op: add\n        path: /data/config.properties\n        value: y\n")
    assert cannot_start(("base/config.yaml", CONFIG), ("base/app.yaml", workload(env_key="config.properties")),
                        ("base/kustomization.yaml", kustomization)) == []


def test_a_kustomization_that_patches_the_workload_may_point_it_elsewhere():
    kustomization = ("resources: [config.yaml, app.yaml]\npatches:\n  - target: {kind: Deployment, name: app}\n"
                     "    patch: |-\n      - op: remove\n        path: /spec/template/spec/containers/0/env\n")
    assert cannot_start(("base/config.yaml", CONFIG), ("base/app.yaml", workload(env_key="config.properties")),
                        ("base/kustomization.yaml", kustomization)) == []


def test_a_kustomization_that_patches_nothing_leaves_the_finding():
    kustomization = "resources: [config.yaml, app.yaml]\n"
    [finding] = cannot_start(("base/config.yaml", CONFIG), ("base/app.yaml", workload(env_key="config.properties")),
                             ("base/kustomization.yaml", kustomization))
    assert "base/config.yaml:1" in finding.message
