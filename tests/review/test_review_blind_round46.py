"""What blind round 46 (bench/blind/round46) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER, review_suggest

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# a CKA drill's Pod whose restartPolicy is left empty: YAML's null, which the API server reads as a field left out
EMPTY_RESTART_POLICY = """apiVersion: v1
kind: Pod
metadata:
  name: full-pod-a
  namespace: full-access
  labels: {run: full-pod-a}
spec:
  containers:
  - image: nginx:1.27
    name: full-pod-a
  restartPolicy:
"""


def findings_of(text: str, name: str = "pod.yaml") -> list:
    return REVIEWER.review(parse_inputs([(name, text)]), ReviewOptions(kubernetes="1.37")).findings


def test_a_field_written_null_is_not_refused_as_the_value_none():
    """Round 46: `restartPolicy:` with nothing after it was reported as "spec.restartPolicy: None; a Pod accepts only
    Always or OnFailure or Never"; the API server decodes a null as no value and defaults it to Always."""
    assert "refused-by-api-server" not in {f.id for f in findings_of(EMPTY_RESTART_POLICY)}


def test_a_field_written_null_is_judged_as_one_left_out():
    """A Job's template with an empty restartPolicy is refused as one with none: a Job needs OnFailure or Never."""
    job = """apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  template:
    spec:
      containers: [{name: once, image: busybox:1.36, command: [sh, -c, "true"]}]
      restartPolicy:
"""
    ids = {f.id for f in findings_of(job)}
    assert "restart-always-on-completion" in ids


def test_a_value_the_api_server_refuses_is_still_refused_beside_a_null():
    refused = EMPTY_RESTART_POLICY.replace("labels: {run: full-pod-a}", "labels: {run: 'not ok!'}")
    [finding] = [f for f in findings_of(refused) if f.id == "refused-by-api-server"]
    assert "'not ok!' is not a valid label value" in finding.message and "None" not in finding.message


# a development Pod's setup script (muscariello/k8s-dev-pods' pods/dev-js.yaml, shortened): it installs node with nvm,
# then only waits, for its users to exec into it
DEV_POD = """apiVersion: v1
kind: Pod
metadata: {name: dev-js, labels: {app: dev-js}}
spec:
  containers:
  - name: js-dev
    image: node:22-bookworm
    command:
    - /bin/bash
    - -c
    - |
      apt-get update && apt-get install -y --no-install-recommends nginx
      nvm install node
      nvm alias default lts/*
      npm install -g typescript
      echo "Installed Node version: $(node --version)"
      sleep infinity
"""


def test_a_package_a_setup_script_installs_is_not_the_server_it_runs():
    """Round 46: `nvm install node` was taken for the server 'node', so the development box was told to become a
    Deployment and rewritten as one; what the script ends in is `sleep infinity`."""
    ids, written, _ = review_suggest(DEV_POD)
    assert "bare-pod" not in ids and written == []


@pytest.mark.parametrize("command, finishes", [
    ("apt-get install -y nginx", True),
    ("pip install gunicorn", True),
    ("npm ci", True),
    ("npm install && npm start", False),
    ("pip install -r requirements.txt && gunicorn app:app", False),
    ("go run ./cmd/server", False),
])
def test_an_install_finishes_and_what_runs_after_it_decides(command, finishes):
    from advisor.review.runtime import FINISHES, runtime_of

    container = {"name": "app", "image": "python:3.12", "command": ["sh", "-c", command]}
    assert (runtime_of(container, {}).runs == FINISHES) is finishes


# a `kubectl get pod -o yaml` trimmed to its creationTimestamp and edited for kubectl replace --force
TRIMMED_DUMP = """apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2023-07-01T03:41:35Z"
  name: meu-pod
  namespace: default
spec:
  containers:
  - image: nginx:1.27-alpine
    name: nginx
    ports: [{containerPort: 80, protocol: TCP}]
    volumeMounts:
    - {mountPath: /var/run/secrets/kubernetes.io/serviceaccount, name: kube-api-access-g45jk, readOnly: true}
  nodeName: minikube-m02
  volumes:
  - name: kube-api-access-g45jk
    projected:
      sources:
      - serviceAccountToken: {expirationSeconds: 3607, path: token}
"""


def test_a_dump_with_only_its_creation_timestamp_left_is_still_a_copy_of_what_the_cluster_gave_back():
    """Round 46: the rewrite bound every replacement Pod to minikube-m02 and copied the Pod's token volume."""
    _, written, _ = review_suggest(TRIMMED_DUMP)
    [deployment] = [d for d in written if d["kind"] == "Deployment"]
    spec = deployment["spec"]["template"]["spec"]
    assert "nodeName" not in spec and "volumes" not in spec


def test_a_dry_run_s_null_creation_timestamp_keeps_the_node_the_author_chose():
    written_by_hand = TRIMMED_DUMP.replace('"2023-07-01T03:41:35Z"', "null")
    _, written, _ = review_suggest(written_by_hand)
    [deployment] = [d for d in written if d["kind"] == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["nodeName"] == "minikube-m02"


# muscariello/k8s-dev-pods' scripts/shell-js.sh: the Pod's name in a variable, quoted where it is used
SHELL_SCRIPT = """#!/bin/bash
NAMESPACE="${NAMESPACE:-lumuscar-jobs}"
POD_NAME="dev-js"

kubectl exec -it -n "$NAMESPACE" "$POD_NAME" -- /bin/bash
"""


def test_a_script_that_execs_into_a_pod_named_by_a_variable_reaches_it_by_that_name():
    """Round 46's labeller: a rewrite of dev-js broke the scripts that reach it as "$POD_NAME"; they were not read."""
    from advisor.review.repository import _reached_by_name

    assert _reached_by_name([("/repo/scripts/shell-js.sh", SHELL_SCRIPT)]) == {
        "dev-js": ("/repo/scripts/shell-js.sh", 5, 'kubectl exec -it -n "$NAMESPACE" "$POD_NAME" -- /bin/bash')}


@pytest.mark.parametrize("given", ['POD_NAME="$1"\nPOD_NAME="dev-js"', 'POD_NAME=dev-go\nPOD_NAME=dev-js',
                                   "POD_NAME=$(kubectl get pods -o name | head -1)"])
def test_a_variable_given_another_value_too_names_no_pod(given):
    from advisor.review.repository import _reached_by_name

    script = SHELL_SCRIPT.replace('POD_NAME="dev-js"', given)
    assert _reached_by_name([("/repo/scripts/shell-js.sh", script)]) == {}


# erimendes/k8s-pod-exemplo1-dio's teste/app-deployment.yml: a lesson's Pod beside the Deployment that runs the same
# app under the same label, and the Service of both
POD_BESIDE_ITS_DEPLOYMENT = """apiVersion: v1
kind: Pod
metadata: {name: myapp-php, labels: {app: myapp-php}}
spec:
  containers:
  - {name: myapp-php, image: erimendes/myapp-php:1.0, ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: myapp-php-service}
spec:
  selector: {app: myapp-php}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: myapp-php-deployment}
spec:
  replicas: 3
  selector: {matchLabels: {app: myapp-php}}
  template:
    metadata: {labels: {app: myapp-php}}
    spec:
      containers:
      - {name: myapp-php, image: erimendes/myapp-php:1.0, ports: [{containerPort: 80}]}
"""


def suggested_for_the_pod(text: str):
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [pod] = [o for o in report.objects if o.ref.kind == "Pod"]
    return pod.suggestion


def test_the_rewrite_of_a_pod_another_workload_s_selector_matches_says_that_selector_still_matches_it():
    """Round 46's labeller: the note on the Deployment written for the Pod said its added label kept the two apart,
    but the Deployment beside it still selected the new Pods (app: myapp-php), and the Pod was a leftover of that
    app anyway. The rewrite stays (such rewrites were labelled right 41 times): its note says what is true."""
    suggestion = suggested_for_the_pod(POD_BESIDE_ITS_DEPLOYMENT)
    assert ("the selector of Deployment myapp-php-deployment still matches these Pods, which keep the labels a Service "
            "may select them by" in suggestion)
    assert "if Deployment myapp-php-deployment runs the same program, the Pod is left over and can simply go" in suggestion


def test_a_pod_whose_labels_no_other_selector_matches_is_told_only_that_its_selector_was_set_apart():
    other_app = POD_BESIDE_ITS_DEPLOYMENT.replace("selector: {matchLabels: {app: myapp-php}}",
                                                  "selector: {matchLabels: {app: myapp-php, tier: web}}").replace(
        "metadata: {labels: {app: myapp-php}}", "metadata: {labels: {app: myapp-php, tier: web}}")
    suggestion = suggested_for_the_pod(other_app)
    assert "two controllers must not select each other's Pods" in suggestion and "still matches" not in suggestion
