"""apicheck, the API server's create path built from upstream Kubernetes, is a real oracle.

``tools/apicheck/build`` builds it; ``verdicts`` runs it once on many objects (a process
start costs a tenth of a second, so every module batches its objects into one run per
Pod Security level). Here, objects each broken in one way the API server or Pod Security
admission refuses are refused with upstream's own words, and a correct one is accepted:
the tests of the manifests that use apicheck could not pass by accident.
"""

from __future__ import annotations

import copy
import functools
import re
import subprocess

import pytest
from helpers.apicheck import RESTRICTED, apicheck, verdicts

# -- objects broken in one way each ---------------------------------------------------------


def container(name="app", **extra) -> dict:
    return {"name": name, "image": "ghcr.io/example/app:1.0.0", "securityContext": copy.deepcopy(RESTRICTED),
            **extra}


def deployment(name="web", **spec) -> dict:
    pod = {"containers": [container(ports=[{"containerPort": 8080}])], **spec}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": {"app": name}}, "spec": pod}}}


def job(name="once", **spec) -> dict:
    pod = {"restartPolicy": "OnFailure", "containers": [container()], **spec}
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": {"template": {"spec": pod}}}


def service(name="web", **spec) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": name}, "ports": [{"port": 80, "targetPort": 8080}], **spec}}


def with_change(obj: dict, path: str, value) -> dict:
    """A copy of ``obj`` with the value at a dotted path (list indexes as numbers) set."""
    obj = copy.deepcopy(obj)
    *parents, last = [int(k) if k.isdigit() else k for k in path.split(".")]
    target = functools.reduce(lambda node, key: node[key], parents, obj)
    target[last] = value
    return obj


TEMPLATE = "spec.template.spec"
# (what is wrong, the object, what upstream says: a part of its message)
BROKEN = [
    ("a NodePort Service with clusterIP None", service("np", type="NodePort", clusterIP="None"),
     "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"),
    ("a Job restarting Always", with_change(job("always"), f"{TEMPLATE}.restartPolicy", "Always"),
     "spec.template.spec.restartPolicy"),
    ("a Deployment restarting Never", with_change(deployment("never"), f"{TEMPLATE}.restartPolicy", "Never"),
     'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'),
    ("a label key with a space", with_change(deployment("label"), "metadata.labels", {"bad key": "x"}),
     'metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters'),
    ("a label value too long", with_change(deployment("long-label"), "metadata.labels", {"app": "x" * 64}),
     "must be no more than 63 bytes"),
    ("a misspelt field", with_change(deployment("typo"), f"{TEMPLATE}.containers.0.imagePullPolice", "Always"),
     'strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolice"'),
    ("a selector that misses the template", with_change(deployment("miss"), "spec.selector.matchLabels",
                                                        {"app": "other"}),
     "spec.template.metadata.labels: Invalid value: {\"app\":\"miss\"}: `selector` does not match template `labels`"),
    ("a ClusterIP Service without ports", service("no-ports", ports=[]), "spec.ports: Required value"),
    ("two unnamed Service ports", service("two-ports", ports=[{"port": 80}, {"port": 81}]),
     "spec.ports[0].name: Required value"),
    ("a probe on an init container", deployment("init-probe", initContainers=[container(
        "prepare", readinessProbe={"tcpSocket": {"port": 8080}})]),
     "spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers "
     "without restartPolicy=Always"),
    ("an init container's restartPolicy no kubelet knows", deployment("init-restart", initContainers=[container(
        "prepare", restartPolicy="Sometimes")]),
     'spec.template.spec.initContainers[0].restartPolicy: Unsupported value: "Sometimes"'),
    ("a request above its limit", with_change(deployment("over"), f"{TEMPLATE}.containers.0.resources",
                                              {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
     "must be less than or equal to cpu limit"),
    ("two containers of one name", deployment("twins", initContainers=[container("app")]),
     'spec.template.spec.initContainers[0].name: Duplicate value: "app"'),
    ("a mount of no volume", with_change(deployment("mount"), f"{TEMPLATE}.containers.0.volumeMounts",
                                         [{"name": "data", "mountPath": "/data"}]),
     'spec.template.spec.containers[0].volumeMounts[0].name: Not found: "data"'),
    ("a port name too long", with_change(deployment("port-name"), f"{TEMPLATE}.containers.0.ports",
                                         [{"containerPort": 8080, "name": "a-very-long-port-name"}]),
     "must be no more than 15 characters"),
    ("a CronJob name longer than 52", {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c" * 53},
                                       "spec": {"schedule": "@daily", "jobTemplate": {"spec": job()["spec"]}}},
     "must be no more than 52 characters"),
    ("a CronJob schedule cron cannot parse", {"apiVersion": "batch/v1", "kind": "CronJob",
                                              "metadata": {"name": "bad-schedule"},
                                              "spec": {"schedule": "every day", "jobTemplate": {"spec": job()["spec"]}}},
     "spec.schedule: Invalid value: \"every day\""),
    ("a Job selector without manualSelector", with_change(job("selector"), "spec.selector",
                                                          {"matchLabels": {"app": "selector"}}),
     "`selector` not auto-generated"),
    ("an upper-case name", deployment("Web"), 'metadata.name: Invalid value: "Web"'),
    ("a privileged container", with_change(deployment("privileged"), f"{TEMPLATE}.containers.0.securityContext",
                                           {**RESTRICTED, "privileged": True}),
     'violates PodSecurity "restricted:latest": privileged (container "app" must not set '
     "securityContext.privileged=true)"),
    ("a container running as root", with_change(deployment("root"), f"{TEMPLATE}.containers.0.securityContext",
                                                {**RESTRICTED, "runAsUser": 0}),
     'violates PodSecurity "restricted:latest": runAsUser=0 (container "app" must not set runAsUser=0)'),
    ("no seccomp profile", with_change(deployment("seccomp"), f"{TEMPLATE}.containers.0.securityContext",
                                       {k: v for k, v in RESTRICTED.items() if k != "seccompProfile"}),
     'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" '
     'or "Localhost")'),
    ("a hostPath volume", deployment("host-path", volumes=[{"name": "logs", "hostPath": {"path": "/var/log"}}]),
     'restricted volume types (volume "logs" uses restricted volume type "hostPath")'),
    ("the host's network", deployment("host-network", hostNetwork=True), "host namespaces (hostNetwork=true)"),
]


@pytest.fixture(scope="module")
def broken_verdicts():
    return dict(zip([what for what, _, _ in BROKEN], verdicts([obj for _, obj, _ in BROKEN])))


@pytest.mark.parametrize("what, obj, message", BROKEN, ids=[what for what, _, _ in BROKEN])
def test_an_object_broken_in_one_way_is_rejected_with_the_api_servers_words(broken_verdicts, what, obj, message):
    found = broken_verdicts[what]
    assert not found.accepted
    assert message in found.message, str(found)


def test_the_objects_broken_in_one_way_are_each_correct_when_repaired():
    """The base objects pass, so each rejection above is the one change's doing."""
    assert all(v.accepted for v in verdicts([deployment(), job(), service()])), "the base objects are refused"


def test_a_root_container_passes_baseline_but_not_restricted():
    root = with_change(deployment("root"), f"{TEMPLATE}.containers.0.securityContext", {"runAsUser": 0})
    [restricted], [baseline] = verdicts([root]), verdicts([root], pss="baseline")
    assert not restricted.accepted and baseline.accepted


def test_pod_security_none_checks_only_the_api_server():
    [found] = verdicts([with_change(deployment("privileged"), f"{TEMPLATE}.containers.0.securityContext",
                                    {"privileged": True})], pss="none")
    assert found.accepted


def test_a_host_path_volume_is_named_by_baseline_too():
    [found] = verdicts([deployment("host-path", volumes=[{"name": "logs", "hostPath": {"path": "/var/log"}}])],
                       pss="baseline")
    assert 'violates PodSecurity "baseline:latest": hostPath volumes (volume "logs")' in found.message


def test_a_document_apicheck_cannot_check_exits_2_and_names_it(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n", encoding="utf-8")
    done = subprocess.run([apicheck(), str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"{path}: document 1: v1 Secret: apicheck does not check this kind" in done.stderr


def test_an_unreadable_file_exits_2(tmp_path):
    done = subprocess.run([apicheck(), str(tmp_path / "missing.yaml")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "missing.yaml" in done.stderr


def test_apicheck_says_which_kubernetes_it_embeds():
    done = subprocess.run([apicheck(), "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert re.match(r"apicheck: Kubernetes v1\.\d+\.\d+ ", done.stdout), done.stdout
