"""What blind round 17 (bench/blind/round17) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

import pytest
from helpers.review import REVIEWER

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of
from advisor.review.shell import parse

# -- a here-document whose delimiter is quoted ----------------------------------------------------------------


@pytest.mark.parametrize("opening", ["<<'SQL'", '<<"SQL"', "<<\\SQL", "<< 'SQL'", "<<-'SQL'"])
def test_a_quoted_here_document_delimiter_is_read_as_bash_reads_it(opening):
    """bash takes the quotes as 'do not expand the body'; bashlex refused such a script, and the fallback read
    the body's lines as commands."""
    script = parse(f"psql -v ON_ERROR_STOP=1 {opening}\nDELETE FROM survey WHERE synthetic;\nSQL\n")
    assert script.parser == "bashlex"
    assert [step[0].words[0] for step in script.body.steps] == ["psql"]


def test_psql_fed_a_quoted_here_document_finishes():
    spec = {"command": ["/bin/sh", "-ceu"], "args": ["psql -v ON_ERROR_STOP=1 <<'SQL'\nSELECT 1;\nSQL\n"]}
    assert runtime_of(spec, lambda path: None).runs == "finishes"


TEARDOWN = """\
apiVersion: batch/v1
kind: Job
metadata: {name: teardown}
spec:
  template:
    spec:
      restartPolicy: OnFailure
      securityContext: {runAsNonRoot: true, runAsUser: 70, runAsGroup: 70}
      containers:
      - name: psql
        image: postgres:18.4-alpine3.23
        securityContext: {readOnlyRootFilesystem: true}
        env: [{name: PGHOST, value: db-rw}]
        command: [/bin/sh, -ceu]
        args:
        - |
          psql -v ON_ERROR_STOP=1 <<'SQL'
          DELETE FROM survey WHERE synthetic;
          SQL
"""


def test_a_psql_client_run_from_postgres_s_image_is_not_held_to_the_server_s_writes():
    """webgrip/homelab-cluster's teardown Jobs: the server writes /var/run/postgresql, the client never does."""
    report = REVIEWER.review(parse_inputs([("teardown.yaml", TEARDOWN)]), ReviewOptions())
    assert "container-cannot-start" not in [f.id for o in report.objects for f in o.findings]


# -- a base's Deployment whose selector an overlay's labels fill in ----------------------------------------------

BASE_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: pgo}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: operator
        image: registry.developers.crunchydata.com/crunchydata/postgres-operator:ubi8-5.6.1-0
"""
BASE = "kind: Kustomization\nresources:\n  - manager.yaml\n"
OVERLAY = """\
kind: Kustomization
labels:
- includeSelectors: {include}
  pairs: {{postgres-operator.crunchydata.com/control-plane: postgres-operator}}
resources:
- ../manager
"""


def refused(include: str) -> bool:
    files = [("install/manager/manager.yaml", BASE_DEPLOYMENT), ("install/manager/kustomization.yaml", BASE),
             ("install/default/kustomization.yaml", OVERLAY.format(include=include))]
    report = REVIEWER.review(parse_inputs(files), ReviewOptions())
    return "refused-by-api-server" in [f.id for o in report.objects for f in o.findings]


def test_a_base_deployment_without_a_selector_is_not_refused_when_an_overlay_listing_its_folder_fills_it_in():
    """ZackZhouHB/zack-gitops-project's postgres operator: install/default lists ../manager and writes the
    selector with labels' includeSelectors."""
    assert not refused("true")


def test_the_same_base_is_refused_when_no_overlay_writes_selectors():
    assert refused("false")


# -- args that replace a server image's command ----------------------------------------------------------------


def test_args_that_name_another_program_leave_a_server_image_s_verdict_unknown():
    """rfashwall/securing-k8s-workshop's Gatekeeper exhibit: nginx's entrypoint script runs `client` instead of
    nginx (it exits at once); the Pod was told to become a Deployment of a server."""
    assert runtime_of({"image": "nginx", "args": ["client"]}).runs is None


@pytest.mark.parametrize("args", [[], ["-g", "daemon off;"], ["nginx", "-g", "daemon off;"]])
def test_a_server_image_with_flags_or_its_own_program_still_serves(args):
    assert runtime_of({"image": "nginx", "args": args}).runs == "endless"


def test_a_command_line_tool_s_image_still_runs_its_one_command_with_a_subcommand():
    assert runtime_of({"image": "bitnami/kubectl:1.31", "args": ["get", "secret", "x"]}).runs == "finishes"


def test_a_bare_pod_whose_server_image_runs_another_program_gets_no_deployment_rewrite():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: nginx}\nspec:\n  containers:\n  - name: nginx\n"
           "    image: nginx:1.27\n    args: [client]\n")
    [obj] = REVIEWER.review(parse_inputs([("pod.yaml", pod)]), ReviewOptions(suggest=True)).objects
    assert obj.suggestion is None
