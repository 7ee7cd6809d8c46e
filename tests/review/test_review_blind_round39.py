"""What blind round 39 (bench/blind/round39) found wrong, each fixed with the behaviour its labellers expected.
(The exported DaemonSet's empty status is in test_review_api_refusals' table, held to the API server's own create
path; the load generator under restartPolicy Never in test_review_intent.)"""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER, write_repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs, read_inputs

SPRUCE_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: ca-certificates-(( random.String 5 "[a-z]" ))
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: certs
          image: alpine:3.20
          command: [sh, -c, 'update-ca-certificates']
          resources: {requests: {cpu: 10m, memory: 16Mi}}
"""


def refusals(text: str) -> list[str]:
    report = REVIEWER.review(parse_inputs([("fort-resources.yaml", text)]), ReviewOptions(kubernetes="1.37"))
    return [f.message for f in report.findings if f.id == "refused-by-api-server"]


def test_a_name_holding_a_template_expression_in_double_parentheses_is_not_refused():
    """A rendering pipeline's spruce expression, `(( random.String 5 "[a-z]" ))`, evaluated before the Job is applied
    (as Concourse's and BOSH's `((var))` are): not the name the API server receives."""
    assert refusals(SPRUCE_JOB) == []


def test_a_name_the_api_server_refuses_beside_no_template_expression_still_is():
    [message] = refusals(SPRUCE_JOB.replace('(( random.String 5 "[a-z]" ))', "Certs"))
    assert "metadata.name" in message and "'ca-certificates-Certs'" in message


def mongodb_with(name: str, image: str) -> str:
    """A MongoDB StatefulSet with a second container ``name`` running ``image``, which sets no address of its own."""
    return f"""apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: mongodb}}
spec:
  serviceName: mongodb
  replicas: 1
  selector: {{matchLabels: {{app: mongodb}}}}
  template:
    metadata: {{labels: {{app: mongodb}}}}
    spec:
      containers:
        - name: mongodb
          image: bitnami/mongodb:7.0
          ports: [{{containerPort: 27017}}]
          resources: {{requests: {{cpu: 100m, memory: 256Mi}}}}
        - name: {name}
          image: {image}
          env: [{{name: LABEL_SELECTOR, value: app=mongodb}}]
          resources: {{requests: {{cpu: 10m, memory: 32Mi}}}}
"""


def findings_of(text: str) -> set[str]:
    return {f.id for f in REVIEWER.review(parse_inputs([("mongodb.yaml", text)]),
                                          ReviewOptions(kubernetes="1.37")).findings}


def test_a_container_whose_image_is_named_a_sidecar_is_not_taken_for_a_service_of_its_own():
    """combor/k8s-mongo-labeler-sidecar labels the MongoDB primary, which it reaches on localhost by default: its
    name says mongo, its image says sidecar, and moving it to a Pod of its own would break it."""
    text = mongodb_with("mongo-labeler", "ghcr.io/qlik-download/combor/k8s-mongo-labeler-sidecar:0.1.2")
    assert "unrelated-containers" not in findings_of(text)


def test_a_database_s_word_without_the_word_sidecar_still_names_a_service_of_its_own():
    assert "unrelated-containers" in findings_of(mongodb_with("cache", "redis:7.4"))


def bare_pod_with_sidecar(main_image: str, main_command: str = "", helper: str = "hashicorp/consul-template:0.39") -> str:
    """A bare Pod under restartPolicy Never: a main container, and a helper (consul-template, rendering secrets) that
    shares a volume with it."""
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: exercise}}
spec:
  restartPolicy: Never
  volumes: [{{name: shared, emptyDir: {{}}}}]
  containers:
    - name: helper
      image: {helper}
      volumeMounts: [{{name: shared, mountPath: /etc/secrets}}]
      resources: {{requests: {{cpu: 10m, memory: 32Mi}}}}
    - name: app
      image: {main_image}
{main_command}      volumeMounts: [{{name: shared, mountPath: /secrets}}]
      resources: {{requests: {{cpu: 10m, memory: 32Mi}}}}
"""


def test_a_sidecar_is_not_said_to_block_a_finish_only_the_restart_policy_names():
    """A course's web app (poznajkubernetes/pkad, which the reviewer does not know) under Never: nothing says its main
    container finishes, so nothing says there is a finish to block."""
    assert "sidecar-blocks-completion" not in findings_of(bare_pod_with_sidecar("poznajkubernetes/pkad:blue"))


def test_a_sidecar_beside_a_main_container_whose_command_finishes_still_blocks_it():
    command = "      command: [sh, -c, 'echo report done >> /secrets/app.log']\n"
    text = bare_pod_with_sidecar("busybox:1.36", command, helper="fluent/fluent-bit:3.1")
    assert "sidecar-blocks-completion" in findings_of(text)


def test_a_lesson_s_pod_in_a_topic_folder_beside_the_policy_s_topic_is_no_example_of_it(tmp_path, monkeypatch):
    """A CKS course: a Gatekeeper constraint in cks/topic-22/, an httpd Pod in cks/topic-24/ (a lesson on read-only
    root filesystems). The two topics share a folder, as gatekeeper/policies/ and gatekeeper/examples/ do, but nothing
    between cks/ and the Pod's folder is named for examples: the Pod is the lesson's own, and a server."""
    monkeypatch.chdir(tmp_path)
    constraint = ("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sTrustedImage\n"
                  "metadata: {name: pod-must-have-trusted-image}\n"
                  "spec: {match: {kinds: [{apiGroups: [''], kinds: [Pod]}]}}\n")
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: read-only-fs-pod}\nspec:\n  containers:\n"
           "    - name: web\n      image: httpd:2.4\n      resources: {requests: {cpu: 10m, memory: 32Mi}}\n")
    for path, text in {"cks/topic-22/pod-must-have-trusted-image.yaml": constraint,
                       "cks/topic-24/read-only-fs-pod.yaml": pod,
                       "cks/topic-22/examples/bad-pod.yaml": pod.replace("read-only-fs-pod", "bad-pod")}.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    texts, _ = read_inputs(["cks"])
    report = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37"))
    assert sorted(f.object.name for f in report.findings if f.id == "bare-pod") == ["read-only-fs-pod"]


WEB = """apiVersion: v1
kind: Pod
metadata: {name: read-only-fs-pod, labels: {run: read-only-fs-pod}}
spec:
  containers:
    - name: web
      image: httpd:2.4
      ports: [{containerPort: 80}]
      resources: {requests: {cpu: 10m, memory: 32Mi}}
"""


def rewrite_of(root) -> str:
    manifests = sorted(p for p in root.rglob("*.y*ml") if ".git" not in p.parts)
    report = REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]),
                             ReviewOptions(kubernetes="1.37", suggest=True))
    [reviewed] = report.objects
    return reviewed.suggestion


def test_a_rewrite_says_how_the_repository_s_exec_by_the_pod_s_name_reaches_its_pods_now(tmp_path):
    """The labeller of the sixteen rewrites after round 39: the lessons' `kubectl exec NAME` would need the generated
    Pod names once the Pods are a Deployment's."""
    root = write_repository(tmp_path, {"topic-24/pod.yaml": WEB,
                                       "topic-24/README.md": "kubectl exec -it read-only-fs-pod -- touch /test\n"})
    rewrite = rewrite_of(root)
    assert "README.md:1 runs kubectl exec -it read-only-fs-pod -- touch /test" in rewrite
    assert ("kubectl exec and attach reach one as deploy/read-only-fs-pod; kubectl cp needs a Pod's name "
            "(kubectl get pods -l run=read-only-fs-pod)") in rewrite


def test_a_rewrite_of_a_pod_nothing_reaches_by_name_says_nothing_of_it(tmp_path):
    root = write_repository(tmp_path, {"topic-24/pod.yaml": WEB, "topic-24/README.md": "kubectl apply -f pod.yaml\n"})
    assert "generated names" not in rewrite_of(root)


VLLM = """apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-llama3-8b-instruct}
spec:
  replicas: 2
  selector: {matchLabels: {app: vllm-llama3-8b-instruct}}
  template:
    metadata: {labels: {app: vllm-llama3-8b-instruct}}
    spec:
      containers:
        - name: vllm
          image: ghcr.io/llm-d/llm-d-inference-sim:v0.1.1
          ports: [{containerPort: 8000}]
          readinessProbe: {httpGet: {path: /health, port: 8000}}
          resources: {requests: {cpu: 100m, memory: 128Mi}}
---
"""
POOL_V1ALPHA2 = ("apiVersion: inference.networking.x-k8s.io/v1alpha2\nkind: InferencePool\n"
                 "metadata: {name: vllm-llama3-8b-instruct}\n"
                 "spec: {targetPortNumber: 8000, selector: {app: vllm-llama3-8b-instruct}}\n")
POOL_V1 = ("apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: vllm}\n"
           "spec: {targetPorts: [{number: 8000}], selector: {matchLabels: {app: vllm-llama3-8b-instruct}}}\n")


@pytest.mark.parametrize("pool", [POOL_V1ALPHA2, POOL_V1])
def test_replicas_an_inference_pool_routes_to_are_asked_for_a_disruption_budget(pool):
    """Blind round 40's labeller: two vLLM replicas that a Gateway API InferencePool, not a Service, selects; the
    gateway routes requests to them, and a drain may evict both."""
    assert "disruption-budget-missing" in findings_of(VLLM + pool)


def test_replicas_no_service_or_pool_selects_are_still_not_asked():
    assert "disruption-budget-missing" not in findings_of(VLLM + POOL_V1.replace("app: vllm-llama3-8b-instruct",
                                                                                 "app: other"))


def test_a_pod_in_a_copy_of_a_node_s_static_pod_folder_is_a_static_pod_not_a_bare_one(tmp_path, monkeypatch):
    """Blind round 41: an Ansible role copies files/etc/kubernetes/manifests/haproxy.yaml onto each control-plane node,
    where the kubelet runs it: the kubelet recreates it, and it must run before the API server can be reached."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ansible/roles/cluster_bootstrap/files/etc/kubernetes/manifests/haproxy.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: haproxy, namespace: kube-system}\nspec:\n"
                    "  containers:\n    - name: haproxy\n      image: haproxy:2.9\n"
                    "      resources: {requests: {cpu: 10m, memory: 32Mi}}\n")
    texts, _ = read_inputs(["ansible"])
    report = REVIEWER.review(parse_inputs(texts), ReviewOptions(kubernetes="1.37"))
    assert "bare-pod" not in {f.id for f in report.findings}
