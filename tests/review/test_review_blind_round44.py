"""What blind round 44 (bench/blind/round44) found wrong, fixed with the behaviour its labeller expected."""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# a demo's web server beside its MongoDB: the web image connects to mongodb://localhost:27017 unless MONGO_URL is set
WEB_AND_MONGO = """apiVersion: apps/v1
kind: Deployment
metadata: {name: hello-web}
spec:
  replicas: 3
  selector: {matchLabels: {app: hello-web}}
  template:
    metadata: {labels: {app: hello-web}}
    spec:
      containers:
      - name: web
        image: nkuba/hello-web:2.4
        ports: [{containerPort: 3080}]
WEB_ENV      - name: db
        image: mongo:7.0
        ports: [{containerPort: 27017}]
---
apiVersion: v1
kind: Service
metadata: {name: hello-web}
spec:
  selector: {app: hello-web}
  ports: [{port: 3080}]
"""


def reviewed(web_env: str = ""):
    text = WEB_AND_MONGO.replace("WEB_ENV", web_env)
    report = REVIEWER.review(parse_inputs([("dep-srv-web.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [review] = report.objects
    return review, [note.text for note in report.notes]


def test_a_database_no_container_is_told_the_address_of_is_not_split_out():
    """Round 44: the split left web calling its default, localhost, where no database was any longer; the rewrite
    could not say which setting to change."""
    review, notes = reviewed()
    assert "unrelated-containers" in {f.id for f in review.findings}
    assert review.suggestion is None or "StatefulSet" not in review.suggestion
    assert any("db is not split out of Deployment hello-web: nothing in web's command, arguments or env says where "
               "it reaches db" in note for note in notes)


@pytest.mark.parametrize("web_env", [
    "        env: [{name: MONGO_URL, valueFrom: {secretKeyRef: {name: mongo, key: url}}}]\n",
    "        env: [{name: DATABASE, value: 'mongodb://mongo.shop.svc:27017/hello'}]\n",
])
def test_a_database_whose_client_is_told_an_address_is_still_split_out(web_env):
    review, _ = reviewed(web_env)
    assert review.suggestion is not None and "kind: StatefulSet" in review.suggestion


def test_a_database_packed_beside_web_is_said_to_show_no_localhost_address_not_to_share_none():
    """Round 44's labeller: the message said db "shares no localhost" with web, where web's client, told no address,
    reaches db on localhost by default; what the reviewer knows is only what the manifest shows."""
    review, _ = reviewed()
    [message] = [f.message for f in review.findings if f.id == "unrelated-containers"]
    assert "the manifest shows no localhost address between them" in message
    assert "no localhost with" not in message
