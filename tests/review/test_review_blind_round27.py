"""What blind round 27 (bench/blind/round27) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
from helpers.review import REVIEWER, bare_pods_written, server_pod

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# mrbranan/cis-gke-kyverno's tests/kubernetes/supported-4.1.6: a compliant and a noncompliant Pod for each CIS
# control, which scripts/test-kubernetes-policies.sh feeds to `kyverno apply`, beside the ClusterPolicies.
POLICY = """apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-host-network
spec:
  validationFailureAction: Enforce
  rules:
    - name: host-network
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: no host network
        pattern: {spec: {=(hostNetwork): false}}
"""


FIXTURES = {"examples/supported-4.1.6/compliant/pod.yaml": server_pod("compliant"),
            "examples/supported-4.1.6/noncompliant/pod.yaml": server_pod("noncompliant"),
            "apps/web.yaml": server_pod("web")}


@pytest.mark.parametrize("yes, no", [("compliant", "noncompliant"), ("pass", "fail"), ("good", "bad"),
                                     ("allowed", "denied"), ("valid", "invalid")])
def test_pods_in_folders_named_for_a_policys_verdicts_beside_policies_are_examples(tmp_path, yes, no):
    files = {"security/policies/host-network.yaml": POLICY, f"examples/cis/{yes}/pod.yaml": server_pod("a"),
             f"examples/cis/{no}/pod.yaml": server_pod("b"), "apps/web.yaml": server_pod("web")}
    assert bare_pods_written(tmp_path, files) == {"apps/web.yaml"}


def test_the_same_folders_without_policies_among_the_files_hold_bare_pods(tmp_path):
    assert bare_pods_written(tmp_path, FIXTURES) == set(FIXTURES)


def test_a_verdict_folder_without_its_opposite_beside_it_holds_bare_pods(tmp_path):
    files = {"security/policies/host-network.yaml": POLICY, "examples/good/pod.yaml": server_pod("a"),
             "apps/web.yaml": server_pod("web")}
    assert bare_pods_written(tmp_path, files) == {"examples/good/pod.yaml", "apps/web.yaml"}


# brokenpip3/my-personal-cluster-gitops: a Deployment encrypted in place with SOPS, which Flux decrypts (its
# Kustomization's decryption.provider: sops) and whose sops block it removes before applying.
SOPS = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: open-resume
spec:
  selector:
    matchLabels: {app: open-resume}
  template:
    metadata:
      labels: {app: open-resume}
    spec:
      containers:
        - name: open-resume
          image: ghcr.io/example/open-resume:1.0.0
          env:
            - name: TOKEN
              value: ENC[AES256_GCM,data:q83v,iv:Zm9v,tag:YmFy,type:str]
sops:
    kms: []
    age: []
    lastmodified: "2025-08-02T22:23:26Z"
    mac: ENC[AES256_GCM,data:VrBU,iv:9FB5,tag:o2du,type:str]
    version: 3.10.2
"""


def refused(text: str) -> list:
    report = REVIEWER.review(parse_inputs([("deployment.yaml", text)]), ReviewOptions())
    return [f for f in report.findings if f.id == "refused-by-api-server"]


def test_a_sops_encrypted_manifest_is_judged_as_it_reaches_the_api_server_decrypted():
    assert refused(SOPS) == []


def test_a_top_level_field_named_sops_that_is_no_sops_block_is_still_refused():
    assert refused(SOPS.replace("    mac: ENC[AES256_GCM,data:VrBU,iv:9FB5,tag:o2du,type:str]\n", ""))


def test_an_encrypted_value_where_a_number_goes_is_not_judged():
    text = SOPS.replace("spec:\n  selector:", "spec:\n  replicas: ENC[AES256_GCM,data:Mg==,iv:Zm9v,tag:YmFy,type:int]\n"
                                              "  selector:", 1)
    assert refused(text) == []


# TykTechnologies/tyk-k8s-demo (blind round 28): a template that main.sh pipes through `sed s/replace_name/.../`.
SED_TEMPLATE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: replace_name
spec:
  selector:
    matchLabels: {app: replace_name}
  template:
    metadata:
      labels: {app: replace_name}
    spec:
      containers:
        - name: node-red
          image: nodered/node-red:4.0.2
          ports: [{containerPort: replace_port}]
"""


def test_a_sed_scripts_lower_case_replace_token_is_a_placeholder_not_a_value_to_refuse():
    assert refused(SED_TEMPLATE) == []


def test_a_name_that_merely_holds_the_word_replace_is_still_judged():
    assert refused(SED_TEMPLATE.replace("replace_", "replace-me_"))
