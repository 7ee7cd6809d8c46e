"""--suggest: the corrected object, where the advisor can write it. Reviewing the
suggestion again must not raise the findings it claims to fix."""

import json
import os

import yaml

from helpers.paths import FIXTURES

MISTAKES = FIXTURES / "review" / "mistakes"


def suggestion(cli, path, *flags):
    report = json.loads(cli("review", str(path), "--format", "json", "--suggest", "--fail-on", "never",
                            *flags).stdout)
    [obj] = report["objects"]
    return obj["suggestion"], obj["suggestion_fixes"]


def reviewed_again(cli, write, text, *flags):
    """The findings of the suggestion reviewed again, but disruption-budget-missing: a suggestion corrects the
    object it is for and adds what that needs; the budget beside a Deployment is its own finding."""
    report = json.loads(cli("review", write("suggested.yaml", text), "--format", "json", "--fail-on", "never",
                            *flags).stdout)
    assert report["objects"], "the suggestion was not reviewed"  # a review of nothing finds nothing
    return {f["id"] for f in report["findings"]} - {"disruption-budget-missing"}


def test_a_bare_pod_is_wrapped_in_a_deployment_with_its_labels_as_selector(cli, write):
    text, fixes = suggestion(cli, MISTAKES / "bare-pod.yaml")
    deployment = yaml.safe_load(text)
    assert fixes == ["bare-pod"]
    assert (deployment["apiVersion"], deployment["kind"], deployment["metadata"]["name"]) == ("apps/v1",
                                                                                           "Deployment", "web")
    assert deployment["spec"]["selector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"] \
        == {"app": "web"}
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert "bare-pod" not in reviewed_again(cli, write, text)


def test_a_bare_pod_whose_work_finishes_becomes_a_job_that_may_complete(cli, write):
    pod = """apiVersion: v1
kind: Pod
metadata: {name: migrate}
spec:
  containers:
    - name: migrate
      image: ghcr.io/example/blog:1.8.0
      command: ["python", "manage.py", "migrate"]
      resources: {requests: {cpu: 100m, memory: 128Mi}}
"""
    text, fixes = suggestion(cli, write("pod.yaml", pod))
    job = yaml.safe_load(text)
    assert set(fixes) == {"bare-pod", "restart-always-on-completion"}
    assert job["kind"] == "Job" and job["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert reviewed_again(cli, write, text) == set()


def test_a_bare_pod_named_by_generate_name_becomes_a_deployment_the_api_server_accepts(cli, write):
    from advisor.manifests.validate import validate_objects

    pod = """apiVersion: v1
kind: Pod
metadata: {generateName: web-}
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources: {requests: {cpu: 100m, memory: 128Mi}}
"""
    text, fixes = suggestion(cli, write("pod.yaml", pod))
    assert fixes == ["bare-pod"]
    assert validate_objects([yaml.safe_load(text)], "1.37") == []


def test_a_jobs_sidecar_moves_to_a_native_sidecar_on_1_29_and_newer(cli, write):
    text, fixes = suggestion(cli, MISTAKES / "sidecar-blocks-completion.yaml", "--kubernetes", "1.29")
    spec = yaml.safe_load(text)["spec"]["template"]["spec"]
    assert fixes == ["sidecar-blocks-completion"]
    assert [c["name"] for c in spec["containers"]] == ["importer"]
    assert [(c["name"], c["restartPolicy"]) for c in spec["initContainers"]] == [("log-shipper", "Always")]
    assert list(spec).index("initContainers") < list(spec).index("containers")
    assert reviewed_again(cli, write, text, "--kubernetes", "1.29") == set()


def test_nothing_is_suggested_for_a_sidecar_before_1_29(cli):
    assert suggestion(cli, MISTAKES / "sidecar-blocks-completion.yaml", "--kubernetes", "1.28") == (None, [])


def test_a_jobs_restart_policy_is_set_to_the_advised_one(cli, write):
    text, _ = suggestion(cli, MISTAKES / "restart-always-on-completion.yaml")
    assert yaml.safe_load(text)["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert reviewed_again(cli, write, text) == set()


def test_a_statefulset_gets_the_headless_service_it_names(cli, write):
    text, _ = suggestion(cli, MISTAKES / "statefulset-without-service-name.yaml")
    service, statefulset = yaml.safe_load_all(text)
    assert service["kind"] == "Service" and service["spec"]["clusterIP"] == "None"
    assert service["spec"]["selector"] == {"app": "queue"} and statefulset["spec"]["serviceName"] == "queue"
    # the container declares no port, so the headless Service sends it no traffic to gate: nothing is left
    assert reviewed_again(cli, write, text) == set()


def test_a_service_that_is_not_headless_gets_a_headless_one_beside_it(cli):
    text, _ = suggestion(cli, MISTAKES / "statefulset-without-headless-service.yaml")
    service, statefulset = yaml.safe_load_all(text)
    assert (service["metadata"]["name"], service["spec"]["clusterIP"]) == ("etcd-headless", "None")
    assert service["spec"]["ports"] == [{"port": 2379}] and statefulset["spec"]["serviceName"] == "etcd-headless"
    assert text.startswith("# spec.serviceName cannot change on a StatefulSet that exists")


def test_without_suggest_no_suggestion_is_written(cli):
    report = json.loads(cli("review", str(MISTAKES / "bare-pod.yaml"), "--format", "json").stdout)
    assert report["objects"][0]["suggestion"] is None


def test_the_text_output_shows_the_suggestion_under_its_object(cli):
    run = cli("review", str(MISTAKES / "bare-pod.yaml"), "--suggest")
    assert "    suggested (fixes bare-pod):\n      apiVersion: apps/v1\n      kind: Deployment\n" in run.stdout


NODEPORT = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{name: http, port: 80, nodePort: 30080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{name: http, containerPort: 80}]
          readinessProbe: {tcpSocket: {port: 80}}
          resources: {requests: {cpu: 100m, memory: 128Mi}}
"""


def test_a_nodeport_service_is_left_alone_and_a_headless_one_added(cli, write):
    report = json.loads(cli("review", write("web.yaml", NODEPORT), "--format", "json", "--suggest").stdout)
    text = report["objects"][0]["suggestion"]
    service, statefulset = yaml.safe_load_all(text)
    assert service["metadata"]["name"] == "web-headless" and service["spec"]["clusterIP"] == "None"
    assert "type" not in service["spec"] and "nodePort" not in service["spec"]["ports"][0]
    assert statefulset["spec"]["serviceName"] == "web-headless"
    assert reviewed_again(cli, write, NODEPORT.split("---\n")[0] + "---\n" + text) == set()


def test_an_unrelated_database_is_split_into_its_own_workload_with_a_service(cli, write):
    text, fixes = suggestion(cli, MISTAKES / "unrelated-database-behind-an-auth-proxy.yaml")
    statefulset, service, deployment = yaml.safe_load_all(text)
    assert fixes == ["unrelated-containers"]
    assert (statefulset["kind"], statefulset["metadata"]["name"], statefulset["spec"]["serviceName"]) == (
        "StatefulSet", "postgres", "postgres")
    assert [c["name"] for c in statefulset["spec"]["template"]["spec"]["containers"]] == ["postgres"]
    assert (service["spec"]["clusterIP"], service["spec"]["ports"]) == ("None", [{"port": 5432, "targetPort": 5432}])
    assert [c["name"] for c in deployment["spec"]["template"]["spec"]["containers"]] == ["oauth2-proxy", "ui"]


def test_the_main_container_is_pointed_at_the_service_of_what_it_called_on_localhost(cli, write):
    text, fixes = suggestion(cli, MISTAKES / "network-service-on-its-default-port.yaml")
    objects = list(yaml.safe_load_all(text))
    worker = next(o for o in objects if o["metadata"]["name"] == "queue-worker")
    env = worker["spec"]["template"]["spec"]["containers"][0]["env"]
    assert fixes == ["network-services-in-one-pod"] and env == [{"name": "REDIS_URL", "value": "redis://redis/0"}]
    redis = next(o for o in objects if o["kind"] == "Deployment" and o["metadata"]["name"] == "redis")
    # the image's default port is declared so that the Service can target it
    assert redis["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 6379}]
    assert "now calls the Service redis" in text
    assert redis["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] == {"tcpSocket": {"port": 6379}}
    # one replica is what the advisor plans for a cache of its own, and says so
    assert reviewed_again(cli, write, text) == {"single-replica"}


def test_a_helper_that_exits_becomes_an_init_container_not_a_native_sidecar(cli, write):
    text, fixes = suggestion(cli, MISTAKES / "restart-always-on-a-preparation-step.yaml")
    spec = yaml.safe_load(text)["spec"]["template"]["spec"]
    assert fixes == ["restart-always-on-completion"]
    assert [c["name"] for c in spec["initContainers"]] == ["copy-content"]
    assert "restartPolicy" not in spec["initContainers"][0]
    assert spec["initContainers"][0]["command"] == ["cp", "-r", "/content/.", "/html/"]
    assert reviewed_again(cli, write, text) == set()


def test_everything_the_user_wrote_is_kept_in_the_wrapped_pod(cli, write):
    pod = """apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: shop
  labels: {app: api, team: checkout}
  annotations: {example.com/owner: checkout}
spec:
  serviceAccountName: api
  securityContext: {runAsNonRoot: true}
  volumes: [{name: cache, emptyDir: {}}]
  containers:
    - name: api
      image: ghcr.io/example/api:2.0.0
      command: ["/api", "--serve"]
      env: [{name: MODE, value: production}]
      ports: [{containerPort: 8080}]
      readinessProbe: {httpGet: {path: /ready, port: 8080}}
      volumeMounts: [{name: cache, mountPath: /cache}]
      resources: {requests: {cpu: 100m, memory: 128Mi}}
"""
    text, _ = suggestion(cli, write("pod.yaml", pod))
    deployment = yaml.safe_load(text)
    original = yaml.safe_load(pod)
    assert deployment["spec"]["template"]["spec"] == original["spec"]
    assert deployment["spec"]["template"]["metadata"] == {"labels": original["metadata"]["labels"],
                                                          "annotations": original["metadata"]["annotations"]}
    assert deployment["metadata"]["namespace"] == "shop"


def test_an_object_the_api_server_refuses_gets_no_rewrite_and_a_note_says_why(cli, write):
    # the Pod mounts a volume it does not define: what the author meant is theirs to mend first
    pod = (MISTAKES / "bare-pod.yaml").read_text().replace(
        "      ports:\n", "      volumeMounts: [{name: data, mountPath: /data}]\n      ports:\n", 1)
    run = cli("review", write("pod.yaml", pod), "--format", "json", "--suggest", "--fail-on", "never")
    report = json.loads(run.stdout)
    assert report["objects"][0]["suggestion"] is None
    assert "no rewrite is written for Pod web: the API server would refuse it as it is" in run.stderr


def test_two_bare_pods_with_the_same_labels_become_controllers_that_do_not_select_each_others_pods(cli, write):
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{demo: shop}}\nspec:\n  containers:\n"
           "    - name: web\n      image: nginx:1.27\n      ports: [{{containerPort: 80}}]\n")
    path = write("pods.yaml", pod.format(name="web-1") + "---\n" + pod.format(name="web-2"))
    run = cli("review", str(path), "--suggest", "--format", "json", "--fail-on", "never")
    rewrites = [yaml.safe_load_all(o["suggestion"]) for o in json.loads(run.stdout)["objects"]]
    selectors = [[d for d in docs if d and d.get("kind") == "Deployment"][0]["spec"]["selector"]["matchLabels"]
                 for docs in rewrites]
    assert selectors[0]["demo"] == selectors[1]["demo"] == "shop"  # the Pods keep the label a Service selects
    assert selectors[0] != selectors[1]


def test_a_pod_without_labels_is_given_labels_no_selector_among_the_files_already_matches(cli, write):
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\nspec:\n  containers:\n"
           "    - name: web\n      image: nginx:1.27\n      ports: [{containerPort: 80}]\n")
    service = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  selector: {app: nginx}\n"
               "  ports: [{port: 80}]\n")
    policy = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: access-nginx\nspec:\n"
              "  podSelector: {matchLabels: {app: nginx}}\n")
    write("service.yaml", service + "---\n" + policy)
    path = write("pod.yaml", pod)
    run = cli("review", os.path.dirname(path), "--suggest", "--format", "json", "--fail-on", "never")
    [obj] = [o for o in json.loads(run.stdout)["objects"] if o["kind"] == "Pod"]
    [deployment] = [d for d in yaml.safe_load_all(obj["suggestion"]) if d and d.get("kind") == "Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert labels == deployment["spec"]["selector"]["matchLabels"] == {"app.kubernetes.io/name": "nginx"}
