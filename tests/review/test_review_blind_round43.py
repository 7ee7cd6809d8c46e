"""What blind round 43 (bench/blind/round43) found wrong, each fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest

from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.repository import _reached_by_name

# a course's utils/pod-template.yaml, which its lesson asks the learner to complete
FORM = """apiVersion: v1
kind: Pod
metadata:
  name: kuard
spec:
  volumes:
    - name: <nom_du_volume>
      # TODO
  containers:
    - name: <nom_du_conteneur>
      image: gcr.io/kuar-demo/kuard-amd64:blue
      ports:
        - name: <nom_du_port>
          containerPort: <numero_du_port>
      volumeMounts:
        - name: "kuard-data"
          # TODO
"""


def reviewed(text: str):
    return REVIEWER.review(parse_inputs([("utils/pod-template.yaml", text)]), ReviewOptions(kubernetes="1.37"))


def test_a_pod_whose_container_is_named_by_a_blank_is_a_form_not_reviewed():
    """Round 43: bare-pod and refused-by-api-server on a form whose blanks (<nom_du_conteneur>) and TODOs are the
    exercise; a name holds no < or >, so no object is named that way."""
    report = reviewed(FORM)
    assert report.objects == [] and report.not_reviewed == 1
    assert "a form to fill in: its container's name '<nom_du_conteneur>' is a blank" in report.notes[0].text


def test_an_object_whose_own_name_alone_is_a_blank_is_still_reviewed():
    """rook's cleanup Job, rook-ceph-cleanup-<node-hostname>, is whole but for the name its reader gives it: what it
    runs is reviewed as written."""
    text = FORM.replace("<nom_du_conteneur>", "kuard").replace("  name: kuard\n", "  name: kuard-<node>\n", 1)
    assert [o.ref.name for o in reviewed(text).objects] == ["kuard-<node>"]


def test_a_pod_whose_containers_are_named_is_reviewed_whatever_blanks_its_values_hold():
    """An image or a port left as a blank (<your-image>) is what the image and placeholder notes are for: a
    container's name says that the Pod spec is a form."""
    text = FORM.replace("<nom_du_conteneur>", "kuard")
    assert [o.ref.name for o in reviewed(text).objects] == ["kuard"]


def test_a_pod_the_documents_make_with_kubectl_run_is_not_the_one_their_exec_reaches_by_that_name():
    """Round 43: a course's Installation.md runs `kubectl run nginx --image=nginx`, then `kubectl exec -it nginx`;
    the note on the rewrite of an example nginx Pod said the exec reached that Pod. Which nginx it is, the text does
    not say."""
    documents = [("/repo/Installation.md", "$ kubectl run nginx --image=nginx\n$ kubectl exec -it nginx -- nginx -v\n")]
    assert _reached_by_name(documents) == {}


@pytest.mark.parametrize("run", ["kubectl run --restart=Never --image=busybox nginx -- sleep 1000",
                                 "kubectl run -it --rm --image busybox nginx -- sh"])
def test_kubectl_run_names_its_pod_after_its_flags(run):
    documents = [("/repo/setup.sh", run + "\n"), ("/repo/README.md", "kubectl exec -it nginx -- sh\n")]
    assert _reached_by_name(documents) == {}


def test_an_exec_into_a_pod_the_documents_do_not_run_is_still_found():
    documents = [("/repo/README.md", "kubectl run web --image=nginx\nkubectl exec -it box -- sh\n")]
    assert list(_reached_by_name(documents)) == ["box"]
