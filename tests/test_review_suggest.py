"""--suggest: the corrected object, where the advisor can write it. Reviewing the
suggestion again must not raise the findings it claims to fix."""

import json

import yaml

from conftest import FIXTURES

MISTAKES = FIXTURES / "review" / "mistakes"


def suggestion(cli, path, *flags):
    report = json.loads(cli("review", str(path), "--format", "json", "--suggest", "--fail-on", "never",
                            *flags).stdout)
    [obj] = report["objects"]
    return obj["suggestion"], obj["suggestion_fixes"]


def reviewed_again(cli, write, text, *flags):
    report = json.loads(cli("review", write("suggested.yaml", text), "--format", "json", "--fail-on", "never",
                            *flags).stdout)
    return {f["id"] for f in report["findings"]}


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


def test_a_non_headless_service_is_rewritten_as_headless(cli):
    text, _ = suggestion(cli, MISTAKES / "statefulset-without-headless-service.yaml")
    service = next(yaml.safe_load_all(text))
    assert (service["metadata"]["name"], service["spec"]["clusterIP"]) == ("etcd", "None")
    assert service["spec"]["ports"] == [{"port": 2379}]


def test_without_suggest_no_suggestion_is_written(cli):
    report = json.loads(cli("review", str(MISTAKES / "bare-pod.yaml"), "--format", "json").stdout)
    assert report["objects"][0]["suggestion"] is None


def test_the_text_output_shows_the_suggestion_under_its_object(cli):
    run = cli("review", str(MISTAKES / "bare-pod.yaml"), "--suggest")
    assert "    suggested (fixes bare-pod):\n      apiVersion: apps/v1\n      kind: Deployment\n" in run.stdout
