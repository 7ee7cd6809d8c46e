"""What blind round 22 (bench/blind/round22) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import REVIEWER, deployment, review, service

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

# TampaDevs/cloud-development-gitops-apps: ctfd's init containers wait for its database with busybox, under
# runAsNonRoot and without runAsUser, in charts whose siblings hold OpenShift Routes and Projects.
WAIT = """        - name: wait-for-postgres
          image: busybox:1.36
          command: [sh, -c, 'until nc -z postgres 5432; do sleep 3; done']
          securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true}
"""
ROUTE = """---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: web}
spec:
  to: {kind: Service, name: web}
"""


def cannot_start(text: str) -> list:
    return [f for f in review(text).findings if f.id == "container-cannot-start"]


def suggested(text: str):
    """The report, and the reviewed object (its ``suggestion`` text and the ``fixes`` it makes)."""
    report = REVIEWER.review(parse_inputs([("app.yaml", text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    return report, report.objects[0]


def test_beside_an_openshift_object_a_container_without_run_as_user_is_not_told_the_kubelet_refuses_it():
    """OpenShift's restricted security context constraints give such a container a UID from its namespace's range;
    a runAsUser of the catalogue's (65532) would be outside it and get the Pod refused."""
    assert cannot_start(deployment(WAIT, replicas=1) + ROUTE) == []


def test_without_an_openshift_object_the_kubelet_still_refuses_it():
    [finding] = cannot_start(deployment(WAIT, replicas=1))
    assert "container has runAsNonRoot and image will run as root" in finding.message


def test_beside_an_openshift_object_suggest_writes_no_run_as_user():
    text = deployment(WAIT + "          volumeMounts: [{name: tmp, mountPath: /tmp}]\n", replicas=1,
                      extra_spec="      volumes: [{name: tmp, emptyDir: {}}]\n") + ROUTE
    _, reviewed = suggested(text)
    assert "runAsUser" not in (reviewed.suggestion or "")


# AhmedAminIV/KodeKE-k8s-practice's LAMP task: the PHP app reaches MySQL through the Service mysql-service, which
# selects the Pod they share and forwards 3306 to the mysql container.
LAMP = """        - name: httpd-php-container
          image: webdevops/php-apache:alpine-3-php7
          ports: [{containerPort: 80}]
          env: [{name: MYSQL_HOST, value: mysql-service}]
        - name: mysql-container
          image: mysql:5.6
          ports: [{containerPort: 3306}]
          env: [{name: MYSQL_ROOT_PASSWORD, valueFrom: {secretKeyRef: {name: mysql-secret, key: root}}}]
"""
MYSQL_SERVICE = service("app: lamp", "  ports: [{port: 3306, targetPort: 3306}]\n").replace("name: web",
                                                                                         "name: mysql-service")


def test_a_container_an_existing_service_forwards_to_is_not_split_out_alone():
    """Split out, the container would leave mysql-service selecting only the PHP Pods, where nothing listens on
    3306; a rewrite of the Deployment cannot change the Service's selector."""
    text = deployment(LAMP, name="lamp-wp", replicas=1, labels="app: lamp") + MYSQL_SERVICE
    report, reviewed = suggested(text)
    assert "unrelated-containers" in {f.id for f in report.findings}
    assert "unrelated-containers" not in reviewed.fixes
    assert any("the Service mysql-service selects its Pods and forwards to mysql-container's port" in note.text
               for note in report.notes)


def test_without_such_a_service_the_container_is_still_split_out():
    _, reviewed = suggested(deployment(LAMP, name="lamp-wp", replicas=1, labels="app: lamp"))
    assert "unrelated-containers" in reviewed.fixes


def test_an_openshift_object_on_standard_input_counts_for_what_comes_with_it():
    from advisor.review.objects import STDIN

    report = REVIEWER.review(parse_inputs([(STDIN, deployment(WAIT, replicas=1) + ROUTE)]),
                             ReviewOptions(kubernetes="1.37"))
    assert [f for f in report.findings if f.id == "container-cannot-start"] == []
