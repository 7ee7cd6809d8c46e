"""What blind round 18 (bench/blind/round18) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# -- a StatefulSet whose Pods name each other under the Service they have -------------------------------------

MINIO = """\
apiVersion: v1
kind: Service
metadata: {name: minio}
spec:
  selector: {app: minio}
  ports: [{port: 9000}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: minio}
spec:
  serviceName: minio
  replicas: 4
  selector: {matchLabels: {app: minio}}
  template:
    metadata: {labels: {app: minio}}
    spec:
      containers:
      - name: minio
        image: minio/minio:RELEASE.2024-01-16T16-07-38Z
        command: [/bin/sh, -c]
        args: ["PEERS"]
        ports: [{containerPort: 9000}]
"""


def reviewed(peers: str):
    [statefulset] = [o for o in REVIEWER.review(parse_inputs([("minio.yaml", MINIO.replace("PEERS", peers))]),
                                                ReviewOptions(suggest=True)).objects if o.ref.kind == "StatefulSet"]
    return statefulset


@pytest.mark.parametrize("peers", ["minio server http://minio-{0...3}.minio.data.svc.cluster.local/data",
                                   "minio server http://minio-0.minio/data http://minio-1.minio/data"])
def test_no_second_headless_service_is_written_where_the_pods_name_each_other_under_the_one_they_have(peers):
    """ggkunka/fortress-gitops's MinIO and Elasticsearch: a 'minio-headless' Service would give the Pods names
    nothing calls; the finding stays, the rewrite is withheld and says to make 'minio' itself headless."""
    statefulset = reviewed(peers)
    assert "statefulset-without-headless-service" in [f.id for f in statefulset.findings]
    assert statefulset.suggestion is None


def test_pods_that_name_no_peer_still_get_a_headless_service_of_their_own():
    assert reviewed("minio server /data").suggestion is not None


# -- a ytt template is not reviewed as written -------------------------------------------------------------

YTT = """\
#@ load("@ytt:data", "data")
#@ def labels():
simple-app: ""
#@ end
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: simple-app
spec:
  selector:
    matchLabels: #@ labels()
  template:
    metadata:
      labels: #@ labels()
    spec:
      containers:
      - name: simple-app
        image: quay.io/eduk8s-labs/sample-app-go:1.0
"""


def test_a_ytt_template_is_left_out_with_a_note_saying_to_render_it():
    """eduk8s-labs/lab-getting-started-with-carvel: `matchLabels: #@ labels()` reads as null to YAML, and the
    Deployment was said refused for an empty selector."""
    report = REVIEWER.review(parse_inputs([("config.yml", YTT)]), ReviewOptions())
    assert report.objects == []
    assert any("a ytt template (Carvel)" in note.text and "ytt -f" in note.text for note in report.notes)


def test_a_comment_that_only_starts_with_an_at_sign_is_no_template():
    plain = YTT.split("---\n", 1)[1].replace("#@ labels()", "{app: web}  # @owner: team-web")
    report = REVIEWER.review(parse_inputs([("config.yml", plain)]), ReviewOptions())
    assert [o.ref.name for o in report.objects] == ["simple-app"]
