"""apicheck start: the kubelet's run-as-non-root check, which the API server does not make.

A container whose security context says ``runAsNonRoot: true`` and sets no ``runAsUser``
passes the API server and Pod Security admission whatever image it runs; the kubelet then
asks the container runtime which user the image runs as and refuses to start it unless that
user is numeric and not 0 (the Pod stays in CreateContainerConfigError). ``apicheck start``
makes that check on every container of every Pod template, from upstream's effective
security context and the kubelet's own rule, with each image's user given in a file.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.apicheck import apicheck, verdicts
from helpers.starts import catalogue_users
from helpers.tools import ROOT, in_ci, require_tool

sys.path.insert(0, str(ROOT / "tools" / "apicheck"))
from start_verdicts import StartVerdict, start  # noqa: E402  (tools/apicheck is no package)

AS_ROOT = "container has runAsNonRoot and image will run as root"
RUN_AS_USER_ROOT = "container's runAsUser breaks non-root policy"
NAMED = "container has runAsNonRoot and image has non-numeric user ({}), cannot verify user is non-root"
RESTRICTED = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsNonRoot": True,
              "seccompProfile": {"type": "RuntimeDefault"}}


def start_verdicts(items: list[dict | str], users: dict[str, str]) -> list[StartVerdict]:
    return start(apicheck(), items, users)


def container(name="web", image="nginx:1.27", **security) -> dict:
    return {"name": name, "image": image, "securityContext": {**copy.deepcopy(RESTRICTED), **security}}


def deployment(*containers: dict, pod_security: dict | None = None, init: tuple = ()) -> dict:
    """A Deployment as pod-advisor writes one: runAsNonRoot for the Pod and for each container."""
    pod = {"securityContext": pod_security if pod_security is not None
           else {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
           "containers": list(containers) or [container()]}
    if init:
        pod["initContainers"] = list(init)
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": pod}}}


def bare(name: str, image: str, **security) -> dict:
    """A container whose only security setting is what the test gives."""
    return {"name": name, "image": image, **({"securityContext": security} if security else {})}


def verdict_of(found: list[StartVerdict], name: str) -> StartVerdict:
    [one] = [v for v in found if v.container == name]
    return one


# -- the README's example, as pod-advisor used to write it ------------------------------------

def test_nginx_with_run_as_non_root_and_no_run_as_user_is_refused_because_its_image_runs_as_root():
    [found] = start_verdicts([deployment()], {"nginx:1.27": "0"})
    assert not found.starts and found.reason.startswith(AS_ROOT), str(found)


def test_the_api_server_accepts_the_deployment_that_the_kubelet_refuses():
    """The gap this check closes: the create path and Pod Security say yes to it."""
    [accepted] = verdicts([deployment()])
    assert accepted.accepted, str(accepted)


def test_the_same_container_with_run_as_user_101_starts():
    [found] = start_verdicts([deployment(container(runAsUser=101))], {"nginx:1.27": "0"})
    assert found.starts, str(found)


def test_the_old_manifest_of_the_web_with_log_shipper_example_is_refused_with_the_catalogue_s_users():
    """What pod-advisor wrote for that example before it read the image catalogue, as a new user
    applied it: nginx:1.27 and Fluent Bit (a native sidecar), runAsNonRoot on the Pod and on each
    container, no runAsUser. nginx's Dockerfile names no user, and Fluent Bit's production image is
    distroless with none either (the catalogue's entries cite them): the kubelet takes both as root.
    What pod-advisor writes now is proven to start in test_manifests_start.py."""
    sidecar = {**container("log-shipper", "fluent/fluent-bit:3.1"), "restartPolicy": "Always"}
    old = deployment(container("web", "nginx:1.27"), init=(sidecar,))
    assert catalogue_users([old]) == {"nginx:1.27": "", "fluent/fluent-bit:3.1": "0"}
    found = start_verdicts([old], catalogue_users([old]))
    assert {v.container: v.starts for v in found} == {"log-shipper": False, "web": False}
    assert all(v.reason.startswith(AS_ROOT) for v in found), [str(v) for v in found]


# -- the image's user ---------------------------------------------------------------------------

def test_an_image_whose_configuration_names_no_user_runs_as_root_and_is_refused():
    [found] = start_verdicts([deployment()], {"nginx:1.27": ""})
    assert not found.starts and found.reason.startswith(AS_ROOT), str(found)


def test_a_named_image_user_cannot_be_verified_and_is_refused():
    [found] = start_verdicts([deployment(container(image="ghcr.io/example/app:1.0"))],
                             {"ghcr.io/example/app:1.0": "app"})
    assert not found.starts and found.reason.startswith(NAMED.format("app")), str(found)


def test_root_by_name_is_a_named_user_too():
    [found] = start_verdicts([deployment()], {"nginx:1.27": "root"})
    assert not found.starts and found.reason.startswith(NAMED.format("root")), str(found)


def test_a_numeric_non_root_image_user_starts_without_run_as_user():
    image = "nginxinc/nginx-unprivileged:1.27"
    [found] = start_verdicts([deployment(container(image=image))], {image: "101"})
    assert found.starts, str(found)


@pytest.mark.parametrize("user, starts", [("101:101", True), ("0:101", False), (":101", False)])
def test_of_a_user_and_group_only_the_user_counts(user, starts):
    [found] = start_verdicts([deployment()], {"nginx:1.27": user})
    assert found.starts is starts, str(found)


def test_a_user_id_beyond_the_range_of_user_ids_is_refused():
    [found] = start_verdicts([deployment()], {"nginx:1.27": "2147483648"})
    assert not found.starts and "image has an invalid user id (2147483648)" in found.reason, str(found)


def test_an_image_missing_from_the_users_file_is_refused_as_unknown():
    [found] = start_verdicts([deployment()], {"nginxinc/nginx-unprivileged:1.27": "101"})
    assert not found.starts and 'the user of image "nginx:1.27" is unknown' in found.reason, str(found)


def test_an_unknown_image_starts_when_run_as_user_is_set_and_not_0():
    [found] = start_verdicts([deployment(container(runAsUser=1000))], {})
    assert found.starts, str(found)


def test_an_unknown_image_starts_when_run_as_non_root_is_not_asked_for():
    [found] = start_verdicts([deployment(bare("web", "nginx:1.27"), pod_security={})], {})
    assert found.starts, str(found)


def test_a_repository_entry_covers_each_tag_and_an_exact_entry_wins_over_it():
    found = start_verdicts([deployment(container("old", "nginx:1.26"), container("new", "nginx:1.27"))],
                           {"nginx": "101", "nginx:1.27": "0"})
    assert [(v.container, v.starts) for v in found] == [("old", True), ("new", False)]


# -- which security context counts: upstream's DetermineEffectiveSecurityContext -------------

PRECEDENCE = [
    ("a container's runAsUser 0 overrides the Pod's 101", {"runAsNonRoot": True, "runAsUser": 101},
     {"runAsUser": 0}, False, RUN_AS_USER_ROOT),
    ("a container's runAsUser 101 overrides the Pod's 0", {"runAsNonRoot": True, "runAsUser": 0},
     {"runAsUser": 101}, True, ""),
    ("the Pod's runAsUser 101 holds for a container that sets none", {"runAsNonRoot": True, "runAsUser": 101},
     {}, True, ""),
    ("the Pod's runAsNonRoot holds for a container that sets none", {"runAsNonRoot": True}, {}, False, AS_ROOT),
    ("a container's runAsNonRoot false overrides the Pod's true", {"runAsNonRoot": True},
     {"runAsNonRoot": False}, True, ""),
    ("a container's runAsNonRoot true overrides the Pod's false", {"runAsNonRoot": False},
     {"runAsNonRoot": True}, False, AS_ROOT),
]


@pytest.mark.parametrize("what, pod_security, security, starts, reason", PRECEDENCE,
                         ids=[p[0] for p in PRECEDENCE])
def test_the_container_s_settings_take_precedence_over_the_pod_s(what, pod_security, security, starts, reason):
    [found] = start_verdicts([deployment(bare("web", "nginx:1.27", **security), pod_security=pod_security)],
                             {"nginx:1.27": "0"})
    assert found.starts is starts and found.reason.startswith(reason), str(found)


# -- every container of every Pod template --------------------------------------------------

def test_init_containers_are_checked_and_answered_first():
    found = start_verdicts([deployment(container(runAsUser=101), init=(container("prepare", "busybox:1.36"),))],
                           {"busybox:1.36": "", "nginx:1.27": "0"})
    assert [(v.container, v.starts) for v in found] == [("prepare", False), ("web", True)]
    assert found[0].reason.startswith(AS_ROOT)


def test_a_native_sidecar_is_checked():
    sidecar = {**container("log-shipper", "fluent/fluent-bit:3.1"), "restartPolicy": "Always"}
    found = start_verdicts([deployment(container(runAsUser=101), init=(sidecar,))],
                           {"fluent/fluent-bit:3.1": "", "nginx:1.27": "0"})
    assert not verdict_of(found, "log-shipper").starts and verdict_of(found, "web").starts


def _with_template(kind: str, api_version: str, pod: dict) -> dict:
    spec = {"template": {"metadata": {"labels": {"app": "w"}}, "spec": pod}}
    if kind == "CronJob":
        spec = {"schedule": "@daily", "jobTemplate": {"spec": spec}}
    elif kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        spec["selector"] = {"matchLabels": {"app": "w"}}
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": "w"},
            "spec": pod if kind == "Pod" else spec}


KINDS = [("Pod", "v1"), ("Deployment", "apps/v1"), ("StatefulSet", "apps/v1"), ("DaemonSet", "apps/v1"),
         ("ReplicaSet", "apps/v1"), ("Job", "batch/v1"), ("CronJob", "batch/v1"),
         ("ReplicationController", "v1")]


@pytest.mark.parametrize("kind, api_version", KINDS, ids=[k for k, _ in KINDS])
def test_each_kind_that_makes_pods_has_its_containers_checked(kind, api_version):
    pod = {"securityContext": {"runAsNonRoot": True}, "containers": [bare("app", "nginx:1.27")]}
    [found] = start_verdicts([_with_template(kind, api_version, pod)], {"nginx:1.27": "0"})
    assert (found.object, found.container, found.starts) == (f"{kind}/w", "app", False)


def test_objects_without_a_pod_get_no_verdict():
    service = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
               "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "web"}, "data": {"a": "b"}}
    assert start_verdicts([service, config], {}) == []


# -- the command ------------------------------------------------------------------------------

def _run_start(tmp_path, users: str, objects: list[dict]) -> subprocess.CompletedProcess:
    (tmp_path / "users.json").write_text(users, encoding="utf-8")
    (tmp_path / "objects.yaml").write_text("".join(f"---\n{json.dumps(o)}\n" for o in objects), encoding="utf-8")
    return subprocess.run([apicheck(), "start", "--image-users", str(tmp_path / "users.json"),
                           str(tmp_path / "objects.yaml")], capture_output=True, text=True, timeout=60)


def test_the_exit_status_is_1_when_a_container_is_refused(tmp_path):
    done = _run_start(tmp_path, '{"nginx:1.27": "0"}', [deployment()])
    assert done.returncode == 1 and done.stdout.startswith("REFUSED Deployment/web/web: "), done.stdout


def test_the_exit_status_is_0_when_every_container_starts(tmp_path):
    done = _run_start(tmp_path, '{"nginx:1.27": "101"}', [deployment()])
    assert done.returncode == 0 and done.stdout.startswith("STARTS Deployment/web/web: "), done.stdout


def test_a_users_file_that_is_no_json_object_exits_2_and_names_it(tmp_path):
    done = _run_start(tmp_path, '["nginx:1.27"]', [deployment()])
    assert done.returncode == 2 and "--image-users" in done.stderr and done.stdout == ""


def test_a_user_that_is_neither_text_nor_a_whole_number_exits_2(tmp_path):
    done = _run_start(tmp_path, '{"nginx:1.27": 1.5}', [deployment()])
    assert done.returncode == 2 and '"nginx:1.27": the user must be a string or a whole number' in done.stderr


def test_start_without_a_users_file_is_a_usage_error(tmp_path):
    (tmp_path / "objects.yaml").write_text(json.dumps(deployment()), encoding="utf-8")
    done = subprocess.run([apicheck(), "start", str(tmp_path / "objects.yaml")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and "usage: apicheck start --image-users FILE" in done.stderr


# -- the kubelet's rule is upstream's, at the release apicheck embeds ------------------------

def _function(text: str, name: str) -> str:
    match = re.search(rf"^func {name}\(.*?^}}\n", text, re.MULTILINE | re.DOTALL)
    assert match, f"no func {name}"
    return match[0]


def test_apicheck_s_run_as_non_root_rule_is_the_kubelet_s_text_at_the_pinned_release():
    """verifyRunAsNonRoot is unexported in the kubelet, so start.go carries a copy: the same
    text as k8s.io/kubernetes/pkg/kubelet/kuberuntime/security_context_others.go at the
    version go.mod pins (in Go's module cache once tools/apicheck/build has run)."""
    go = require_tool("go", "apicheck needs Go 1.26 or later")
    version = re.search(r"^\s*k8s\.io/kubernetes (v\S+)", (ROOT / "tools/apicheck/go.mod").read_text(),
                        re.MULTILINE)[1]
    cache = subprocess.run([go, "env", "GOMODCACHE"], capture_output=True, text=True, timeout=60).stdout.strip()
    upstream = Path(cache, f"k8s.io/kubernetes@{version}/pkg/kubelet/kuberuntime/security_context_others.go")
    if not upstream.is_file():
        reason = f"{upstream} is missing (tools/apicheck/build downloads it)"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason)
    ours = (ROOT / "tools/apicheck/start.go").read_text(encoding="utf-8")
    assert _function(ours, "verifyRunAsNonRoot") == _function(upstream.read_text(encoding="utf-8"),
                                                               "verifyRunAsNonRoot")
