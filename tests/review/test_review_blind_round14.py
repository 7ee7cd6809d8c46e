"""What blind round 14 (bench/blind/round14) found wrong, fixed with the behaviour its labellers expected."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES, container, deployment, ids, reviewed

from advisor.manifests.validate import api_object_problems
from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

SERVICE = """---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector: {{app: {app}}}
  ports: [{{port: {port}}}]
"""
TRIGGERED = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: pgadmin4
  annotations:
    image.openshift.io/triggers: '[{"from":{"kind":"ImageStreamTag","name":"pgadmin4:patch"},"fieldPath":"spec.template.spec.containers[?(@.name==\\"pgadmin4\\")].image"}]'
spec:
  replicas: 1
  selector:
    matchLabels: {app: pgadmin4}
  template:
    metadata:
      labels: {app: pgadmin4}
    spec:
      containers:
        - name: pgadmin4
          image: ' '
""" + "          " + RESOURCES + "\n"


def test_a_pod_template_s_blank_image_left_for_an_openshift_trigger_is_not_refused():
    """The API server takes a template's " " as it is, for OpenShift's trigger sets the image before any Pod."""
    assert "refused-by-api-server" not in ids(TRIGGERED)


def test_a_template_s_blank_image_no_trigger_fills_in_is_still_refused():
    """Without the trigger, the Deployment is taken but the ReplicaSet's Pods are refused, one by one."""
    assert "refused-by-api-server" in ids(TRIGGERED.replace("image.openshift.io/triggers", "example.com/note"))


def test_the_note_on_a_blank_image_names_the_image_stream_tag_its_trigger_fills_it_in_from():
    report = reviewed(TRIGGERED)
    [note] = [n.text for n in report.notes if "pgadmin4's image" in n.text]
    assert "left for an OpenShift image trigger to fill in from ImageStreamTag pgadmin4:patch" in note


def test_a_pod_s_own_image_with_white_space_around_it_is_still_refused():
    text = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: ' nginx:1.27'
      """ + RESOURCES + "\n"
    assert "refused-by-api-server" in ids(text)


def test_a_pod_template_s_empty_image_is_still_refused_by_the_api_server_s_rules():
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": ""}]}}
    obj = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
           "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template}}
    assert "spec.template.spec.containers[0].image: ''; an image is required, without white space around it" \
        in api_object_problems(obj, "1.37")


def test_a_chaos_tool_run_with_dry_run_and_an_interval_is_not_taken_for_work_that_finishes():
    """pumba repeats its command every --interval until stopped; --dry-run only keeps it from acting."""
    text = deployment('''        - name: pumba
          image: gaiaadm/pumba:0.10.1
          command: ["/pumba", "--dry-run", "--interval", "2h", "pause", "--duration", "1h", "db-0"]
          ''' + RESOURCES + "\n", name="pumba", replicas=1)
    assert "restart-always-on-completion" not in ids(text)


def test_a_migration_under_a_deployment_is_still_work_that_finishes():
    text = deployment('''        - name: migrate
          image: ghcr.io/example/app:1.0
          command: ["/app", "migrate", "--dry-run"]
          ''' + RESOURCES + "\n", name="migrate", replicas=1)
    assert "restart-always-on-completion" in ids(text)


SERVING_POD = """apiVersion: v1
kind: Pod
metadata:
  name: sa-frontend
  labels: {app: sa-frontend}
spec:
  containers:
    - name: sa-frontend
      image: rinormaloku/sentiment-analysis-frontend:1.0
      ports: [{containerPort: 80}]
      """ + RESOURCES + "\n"


def suggested_for_the_pod(*others: tuple[str, str], namespace: str | None = None):
    """The report on the Pod's file (the Pod in ``namespace``) and ``others`` ((file, text)), all in one
    folder, with --suggest."""
    pod = SERVING_POD if namespace is None else SERVING_POD.replace(
        "  name: sa-frontend\n", f"  name: sa-frontend\n  namespace: {namespace}\n", 1)
    inputs = parse_inputs([("app/pod.yaml", pod), *others])
    report = REVIEWER.review(inputs, ReviewOptions(kubernetes="1.37", suggest=True))
    [pod] = [o for o in report.objects if o.ref.kind == "Pod"]
    return pod, [n.text for n in report.notes]


def test_a_bare_pod_is_not_rewritten_into_a_deployment_whose_name_another_deployment_of_its_folder_has():
    """The tutorial's Pod and its Deployment side by side: a Deployment sa-frontend written for the Pod would
    replace the other (whose selector cannot change), and kustomize refuses two of one kind and name."""
    other = deployment(container("sa-frontend", "rinormaloku/sentiment-analysis-frontend:1.0"),
                       name="sa-frontend", labels="app: sa-frontend-v2")
    pod, notes = suggested_for_the_pod(("app/deployment.yaml", other))
    assert pod.suggestion is None
    assert "no rewrite is written for Pod sa-frontend: it would become Deployment sa-frontend, and " \
           "app/deployment.yaml:1 has one already" in " ".join(notes)


def test_a_deployment_of_the_same_name_in_another_namespace_leaves_the_rewrite_written():
    other = deployment(container("sa-frontend", "rinormaloku/sentiment-analysis-frontend:1.0"),
                       name="sa-frontend", labels="app: sa-frontend-v2").replace(
        "  name: sa-frontend\n", "  name: sa-frontend\n  namespace: elsewhere\n", 1)
    pod, _ = suggested_for_the_pod(("app/deployment.yaml", other), namespace="shop")
    assert pod.replacement is not None and pod.replacement["kind"] == "Deployment"


def test_a_cache_s_replicas_behind_a_service_are_asked_for_a_disruption_budget():
    """Two redis replicas behind a Service are copies, as a stateless service's are: a drain may evict both."""
    text = deployment(container("slave", "redis:7.2"), name="redis-slave", labels="app: redis",
                      with_budget=False) + SERVICE.format(name="redis-slave", app="redis", port=6379)
    assert "disruption-budget-missing" in ids(text)


def test_a_database_s_replicas_in_a_deployment_are_still_not_asked_for_one():
    text = deployment(container("db", "postgres:16"), name="db", labels="app: db",
                      with_budget=False) + SERVICE.format(name="db", app="db", port=5432)
    assert "disruption-budget-missing" not in ids(text)
