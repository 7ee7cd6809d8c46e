"""What the reviewer reads from a manifest before it judges: the main container, the ties
between containers, whether each finishes, and which objects are only parts of objects.

Each class of misreading seen on real manifests has a case here, through the reviewer's
own reading (``advisor.review.facts.describe``), so that a finding is never right by
accident. The fixtures in tests/fixtures/review/ show the same cases end to end.
"""

from __future__ import annotations

import pytest

from helpers.paths import FIXTURES
from advisor.review import ReviewOptions, Reviewer
from advisor.review.facts import Skip, describe
from advisor.review.objects import parse_inputs, read_inputs
from advisor.review.runtime import runtime_of

REVIEWER = Reviewer()
CLEAN = FIXTURES / "review" / "clean"
MISTAKES = FIXTURES / "review" / "mistakes"


def subjects(*paths):
    texts, errors = read_inputs([str(p) for p in paths])
    inputs = parse_inputs(texts, errors)
    return [describe(obj, inputs, "1.37", REVIEWER.purposes) for obj in inputs.objects if obj.reviewed]


def subject(path):
    [found] = subjects(path)
    return found


def described(text):
    """The Subject of the one object in ``text``, and the inputs it was read from."""
    inputs = parse_inputs([("p.yaml", text)])
    return describe(inputs.objects[0], inputs, "1.37", REVIEWER.purposes), inputs


def tie(s, name):
    return s.container(name).tie


# -- which container is the main one ----------------------------------------------------


def test_a_helper_listed_first_is_not_taken_for_the_main_container():
    s = subject(CLEAN / "config-reloader-listed-first.yaml")
    assert s.main.name == "prometheus" and "named after its workload" in s.main_why


def test_the_container_behind_an_auth_proxy_is_the_main_one_and_the_guess_says_why():
    s = subject(MISTAKES / "unrelated-database-behind-an-auth-proxy.yaml")
    assert s.main.name == "ui" and "oauth2-proxy" in s.main_why


def test_the_default_container_annotation_names_the_main_container():
    text = (CLEAN / "config-reloader-listed-first.yaml").read_text().replace(
        "      labels:\n        app: prometheus\n    spec:",
        "      labels:\n        app: prometheus\n      annotations:\n"
        "        kubectl.kubernetes.io/default-container: config-reloader\n    spec:")
    s, _ = described(text)
    assert s.main.name == "config-reloader" and s.main_why is None


def _bare_pod(image):
    text = (f"apiVersion: v1\nkind: Pod\nmetadata: {{name: probe}}\nspec:\n  containers:\n"
            f"    - name: probe\n      image: {image}\n")
    report = REVIEWER.review(parse_inputs([("pod.yaml", text)]), ReviewOptions())
    return next(f for f in report.findings if f.id == "bare-pod")


def test_a_bare_pod_that_gives_no_sign_of_finishing_names_a_controller_for_each_case():
    finding = _bare_pod("registry.example.com/team/secret-check:1.0")
    assert "if it finishes, a Job must own it; if it runs until stopped, a Deployment" in finding.message
    assert "nothing in the manifest says whether probe finishes" in finding.guess


def test_a_bare_pod_of_a_known_server_gives_no_such_guess():
    assert "finishes" not in (_bare_pod("nginx:1.27").guess or "")


def test_in_a_pod_that_runs_once_the_container_that_finishes_is_the_main_one():
    s = subject(MISTAKES / "sidecar-blocks-completion-the-server-is-blamed.yaml")
    assert s.main.name == "debian-container" and s.completes


# -- ties between every pair of containers ----------------------------------------------


def test_a_volume_shared_with_another_helper_ties_a_container_to_the_pod():
    s = subject(CLEAN / "socket-shared-with-a-sibling.yaml")
    assert s.main.name == "driver"
    assert tie(s, "node-driver-registrar").kind == "volume"


def test_every_container_of_a_daemonset_is_tied_to_its_node():
    s = subject(CLEAN / "socket-shared-with-a-sibling.yaml")
    prepull = tie(s, "image-prepull")
    assert prepull.evidence and "DaemonSet" in prepull.why


def test_a_shared_process_namespace_ties_every_container():
    s = subject(CLEAN / "shared-process-namespace.yaml")
    assert all(tie(s, name).evidence and "shareProcessNamespace" in tie(s, name).why for name in ("profiler", "cache"))


def test_localhost_in_a_mounted_configmap_ties_the_proxy_to_the_port_it_names():
    s = subject(CLEAN / "nginx-proxy-pass-in-configmap.yaml")
    assert s.main.name == "app"
    found = tie(s, "nginx")
    assert (found.kind, found.evidence) == ("localhost", True) and "127.0.0.1:8090" not in found.why
    assert "ConfigMap wiki-nginx" in found.why and "localhost:8090" in found.why


def test_a_host_and_port_pair_in_env_ties_the_client_to_the_proxy_listening_there():
    found = tie(subject(CLEAN / "client-of-a-cloud-sql-proxy.yaml"), "cloud-sql-proxy")
    assert found.kind == "localhost" and "localhost:5432" in found.why and "DB_HOST" in found.why


def test_localhost_at_an_images_default_port_ties_the_two():
    found = tie(subject(MISTAKES / "network-service-on-its-default-port.yaml"), "redis")
    assert found.evidence and "localhost:6379" in found.why


def test_a_second_role_of_the_main_program_stays_where_its_author_put_it():
    s = subject(CLEAN / "redis-master-and-sentinel.yaml")
    sentinel = s.container("sentinel")
    assert sentinel.purpose == "other" and not sentinel.tie.evidence


# 5stackgg/kustomize-app-config (blind round 25): a search server whose CORS setting names the browser origin
# http://localhost, beside a dashboard web server on port 80. The origin is who may call the server, not whom it calls.
SEARCH_AND_DASHBOARD = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: typesense
spec:
  selector:
    matchLabels: {app: typesense}
  template:
    metadata:
      labels: {app: typesense}
    spec:
      containers:
        - name: typesense
          image: typesense/typesense:27.0
          ports: [{containerPort: 8108}]
          command: [/opt/typesense-server, --enable-cors, "--cors-domains=http://localhost,https://search.example.com"]
        - name: typesense-web
          image: ghcr.io/bfritscher/typesense-dashboard:1.9.1
          ports: [{containerPort: 80}]
"""


def test_a_browser_origin_a_server_allows_is_no_address_it_calls():
    s, _ = described(SEARCH_AND_DASHBOARD)
    assert tie(s, "typesense-web").kind != "localhost"


def test_an_address_after_an_origin_setting_is_still_one_it_calls():
    text = SEARCH_AND_DASHBOARD.replace('"--cors-domains=http://localhost,https://search.example.com"',
                                        '"--cors-domains=https://search.example.com", "--peer=http://localhost:80"')
    s, _ = described(text)
    found = tie(s, "typesense-web")
    assert (found.kind, found.evidence) == ("localhost", True) and "localhost:80" in found.why


def test_a_word_that_only_begins_like_origin_names_an_address_it_calls():
    text = SEARCH_AND_DASHBOARD.replace('"--cors-domains=http://localhost,https://search.example.com"',
                                        '"--original-url=http://localhost:80"')
    s, _ = described(text)
    assert tie(s, "typesense-web").kind == "localhost"


@pytest.mark.parametrize("variable", ["CORS_ORIGINS", "ALLOWED_ORIGINS", "ACCESS_CONTROL_ALLOW_ORIGIN"])
def test_a_variable_naming_allowed_origins_is_no_address_either(variable):
    text = SEARCH_AND_DASHBOARD.replace(
        '          command: [/opt/typesense-server, --enable-cors, "--cors-domains=http://localhost,https://search.example.com"]\n',
        f"          env: [{{name: {variable}, value: 'http://localhost'}}]\n")
    s, _ = described(text)
    assert tie(s, "typesense-web").kind != "localhost"


def test_localhost_on_a_port_nobody_declares_is_a_doubt_not_evidence():
    text = (MISTAKES / "unrelated-database-behind-an-auth-proxy.yaml").read_text().replace(
        "dashboard-db.shop.svc", "localhost:7000")
    s, inputs = described(text)
    assert not tie(s, "postgres").evidence and "cannot tell" in tie(s, "postgres").why
    assert {f.id for f in REVIEWER.review(inputs, ReviewOptions()).findings} == set()


# -- whether a container finishes ---------------------------------------------------------


@pytest.mark.parametrize("command, runs", [
    (["sh", "-c", "while [ 1 ]; do date >> /out/log; sleep 30; done"], "endless"),
    (["sh", "-c", "while true; do sleep 5; done"], "endless"),
    (["sleep", "infinity"], "endless"),
    (["tail", "-f", "/dev/null"], "endless"),
    (["sh", "-c", "python manage.py migrate && gunicorn blog.wsgi"], "endless"),
    (["sh", "-c", "pip install -q requests && python report.py --once"], "finishes"),
    (["python", "manage.py", "migrate"], "finishes"),
    (["sh", "-c", "cp -r /src/. /dst/ && echo copied"], "finishes"),
    (["sh", "-c", "pip install flask && python app.py"], None),
    (["ghcr.io/example/tool"], None),
    (["node", "-e", "fs.writeFile('/tmp/m', Date.now(), () => { while(true) {} });"], "endless"),
    (["python3", "-c", "import app; app.run(port=8080) or True"], None),
    (["sh", "-c", "while true; do [ -f /shared/done ] && exit 0; sleep 1; done"], None),
    (["sh", "-c", "env"], "finishes"),
    (["/drop/sleeper", "-mode", "sleep"], None),  # a program told how to behave: not the sleep command
    (["/app/tool", "import"], "finishes"),
])
def test_the_command_a_script_ends_with_says_whether_the_container_finishes(command, runs):
    assert runtime_of({"command": command}).runs == runs


def test_a_probe_or_a_port_means_a_container_keeps_running():
    assert runtime_of({"command": ["python", "x.py"], "readinessProbe": {"tcpSocket": {"port": 80}}}).endless
    assert runtime_of({"image": "ghcr.io/x/y:1", "ports": [{"containerPort": 80}]}).endless


# -- parts of objects -----------------------------------------------------------------------


def test_files_a_kustomization_patches_with_are_skipped_and_name_it():
    found = subjects(FIXTURES / "review" / "kustomize")
    skips = [s for s in found if isinstance(s, Skip)]
    assert len(found) == 3 and len(skips) == 2
    assert all("kustomize patch" in s.text and "overlays/production/kustomization.yaml" in s.text for s in skips)


def test_a_container_without_an_image_marks_a_fragment_not_an_object():
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: api\n          resources: {limits: {memory: 1Gi}}\n")
    report = REVIEWER.review(parse_inputs([("patch.yaml", text)]), ReviewOptions())
    assert report.objects == [] and report.not_reviewed == 1 and "has no image" in report.notes[0].text


# -- which objects refer to each other --------------------------------------------------------


def _app(name, namespace=None):
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}{ns}\nspec:\n  replicas: 2\n"
            f"  selector: {{matchLabels: {{app: web}}}}\n  template:\n    metadata: {{labels: {{app: web}}}}\n"
            f"    spec:\n      containers:\n        - name: web\n          image: ghcr.io/x/web:1.0.0\n"
            f"          ports: [{{containerPort: 80}}]\n"
            f"          resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}\n")


def _service(namespace=None):
    ns = f"\n  namespace: {namespace}" if namespace else ""
    return f"apiVersion: v1\nkind: Service\nmetadata:\n  name: web{ns}\nspec:\n  selector: {{app: web}}\n" \
           f"  ports: [{{port: 80}}]\n"


def _review_folders(tmp_path, app_text, service_text):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "app.yaml").write_text(app_text)
    (tmp_path / "b" / "service.yaml").write_text(service_text)
    texts, errors = read_inputs([str(tmp_path)])
    return {f.id for f in REVIEWER.review(parse_inputs(texts, errors), ReviewOptions()).findings}


def test_objects_without_a_namespace_in_other_folders_are_not_linked(tmp_path):
    assert "readiness-probe-missing" not in _review_folders(tmp_path, _app("web"), _service())


def test_objects_of_one_named_namespace_are_linked_across_folders(tmp_path):
    assert "readiness-probe-missing" in _review_folders(tmp_path, _app("web", "shop"), _service("shop"))


def test_objects_without_a_namespace_in_one_folder_are_linked(tmp_path):
    (tmp_path / "app.yaml").write_text(_app("web") + "---\n" + _service())
    texts, errors = read_inputs([str(tmp_path)])
    report = REVIEWER.review(parse_inputs(texts, errors), ReviewOptions())
    assert "readiness-probe-missing" in {f.id for f in report.findings}


def test_a_workload_without_a_name_is_a_fragment_not_an_object():
    text = ("apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n"
            "        - name: main\n          image: python:3.12\n")
    report = REVIEWER.review(parse_inputs([("snippet.yaml", text)]), ReviewOptions())
    assert report.objects == [] and report.not_reviewed == 1 and "has no name" in report.notes[0].text


def test_localhost_with_a_single_sibling_but_no_port_it_listens_on_is_a_doubt():
    # "localhost" in an nginx config is as often a server_name as a call
    text = (MISTAKES / "network-service-on-its-default-port.yaml").read_text().replace(
        "redis://localhost/0", "http://localhost:7777/")
    s, _ = described(text)
    assert not tie(s, "redis").evidence and "only other container" in tie(s, "redis").why


def test_a_container_that_only_waits_is_not_the_main_one_beside_a_server():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: demo}\nspec:\n  containers:\n"
            "    - {name: box, image: 'fedora:40', command: [sleep, inf]}\n"
            "    - {name: web, image: 'nginx:1.27'}\n")
    s, _ = described(text)
    assert s.main.name == "web" and "box only waits" in s.main_why and s.idle_why is None


def test_a_server_blamed_for_blocking_a_run_once_pod_is_also_offered_the_long_running_design():
    [found] = [f for f in REVIEWER.review(parse_inputs(
        [("p.yaml", (MISTAKES / "sidecar-blocks-completion-the-server-is-blamed.yaml").read_text())]),
        ReviewOptions()).findings if f.id == "sidecar-blocks-completion"]
    assert "make debian-container an init container and run nginx-container under a Deployment" in found.message


def _statefulset(name="db", service="db"):
    return (f"apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  serviceName: {service}\n"
            f"  replicas: 3\n  selector: {{matchLabels: {{app: db}}}}\n  template:\n"
            f"    metadata: {{labels: {{app: db}}}}\n    spec:\n      containers:\n"
            f"        - name: db\n          image: cassandra:5.0.2\n          ports: [{{containerPort: 9042}}]\n")


def _headless(name="db", selector="db"):
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  clusterIP: None\n"
            f"  selector: {{app: {selector}}}\n  ports: [{{port: 9042}}]\n")


def _headless_findings(tmp_path, service_text, *options):
    (tmp_path / "statefulset").mkdir()
    (tmp_path / "service").mkdir()
    (tmp_path / "statefulset" / "db.yaml").write_text(_statefulset())
    (tmp_path / "service" / "db.yaml").write_text(service_text)
    texts, errors = read_inputs([str(tmp_path)])
    return REVIEWER.review(parse_inputs(texts, errors), ReviewOptions(*options))


def test_a_statefulsets_headless_service_in_another_folder_is_not_called_missing(tmp_path):
    # a templates repository keeps Services in one folder and StatefulSets in another
    report = _headless_findings(tmp_path, _headless())
    assert "statefulset-without-headless-service" not in {f.id for f in report.findings}


def test_a_same_named_service_in_another_folder_that_selects_other_pods_leaves_both_cases_open(tmp_path):
    report = _headless_findings(tmp_path, _headless(selector="other"))
    [finding] = [f for f in report.findings if f.id == "statefulset-without-headless-service"]
    assert "another folder" in finding.message and "applied together" in finding.message


def test_no_second_service_of_the_same_name_is_suggested_beside_one_in_another_folder(tmp_path):
    report = _headless_findings(tmp_path, _headless(selector="other"), None, True)
    assert not [o for o in report.objects if "statefulset-without-headless-service" in o.fixes]
    assert any("another folder" in n.text and "--suggest" in n.text for n in report.notes)


def _writer_statefulset(ports=""):
    return ("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: writer\nspec:\n  serviceName: writer\n"
            "  replicas: 2\n  selector: {matchLabels: {app: writer}}\n  template:\n"
            "    metadata: {labels: {app: writer}}\n    spec:\n      containers:\n"
            "        - name: writer\n          image: busybox:1.37\n"
            "          command: [sh, -c, 'while true; do date >> /data/out; sleep 5; done']\n" + ports)


def test_a_statefulset_whose_pods_serve_nothing_is_not_asked_for_a_headless_service():
    # a loop writing to its volume: no one connects to its Pods, so their DNS names serve no one
    assert "statefulset-without-headless-service" not in {f.id for f in review_text(_writer_statefulset())}


def test_a_port_named_for_health_checks_is_not_a_reason_for_a_headless_service():
    text = _writer_statefulset("          ports: [{name: healthz, containerPort: 9808}]\n")
    assert "statefulset-without-headless-service" not in {f.id for f in review_text(text)}


def test_a_statefulset_whose_pods_serve_a_port_still_needs_its_headless_service():
    text = _writer_statefulset("          ports: [{name: http, containerPort: 8080}]\n")
    assert "statefulset-without-headless-service" in {f.id for f in review_text(text)}


def review_text(text):
    return REVIEWER.review(parse_inputs([("writer.yaml", text)]), ReviewOptions()).findings


def test_a_server_image_whose_program_a_command_replaces_is_not_reached_by_name():
    text = _writer_statefulset().replace("busybox:1.37", "nginx:1.27")
    assert "statefulset-without-headless-service" not in {f.id for f in review_text(text)}
    served = text.replace("          command: [sh, -c, 'while true; do date >> /data/out; sleep 5; done']\n", "")
    assert "statefulset-without-headless-service" in {f.id for f in review_text(served)}
