"""What blind round 9 (bench/blind/round9) found wrong, each fixed with the behaviour its labellers
expected."""

from __future__ import annotations

from helpers.review import REVIEWER, RESOURCES

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: volume-test}\nspec:\n  containers:\n  - name: app\n"
       "    image: nginx:1.27\n    ports: [{containerPort: 80}]\n" f"    {RESOURCES}\n")
CONSTRAINT = ("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sPSPPrivilegedContainer\n"
              "metadata: {name: no-privileged}\nspec:\n  match:\n    kinds: [{apiGroups: [''], kinds: [Pod]}]\n")


def reviewed(files: dict[str, str], root):
    paths = {}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[str(path.relative_to(root))] = text
    return REVIEWER.review(parse_inputs(list(paths.items())), ReviewOptions(suggest=True))


def bare(report) -> list[str]:
    return [o.ref.name for o in report.objects if any(f.id == "bare-pod" for f in o.findings)]


def test_a_bare_pod_in_a_folder_of_tests_is_a_test_s_pod(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = reviewed({"tests/files/pod.vol": POD, "examples/pod.yaml": POD.replace("volume-test", "web")},
                      tmp_path)
    assert bare(report) == ["web"]
    assert [o.ref.name for o in report.objects if o.suggestion] == ["web"]


def test_a_bare_pod_beside_an_admission_policy_is_that_policy_s_example(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = reviewed({"gatekeeper/policies/privileged.yaml": CONSTRAINT,
                       "gatekeeper/examples/bad/pod-privileged.yaml": POD,
                       "apps/web.yaml": POD.replace("volume-test", "web")}, tmp_path)
    assert bare(report) == ["web"]


def test_a_bare_pod_with_no_policy_or_test_around_it_is_still_bare(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = reviewed({"gatekeeper/examples/bad/pod-privileged.yaml": POD}, tmp_path)
    assert bare(report) == ["volume-test"]


def test_a_deployment_a_flagger_canary_takes_over_is_not_asked_for_a_disruption_budget(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: sample-app}\nspec:\n  replicas: 3\n"
                  "  selector: {matchLabels: {app: sample-app}}\n  template:\n    metadata: {labels: {app: sample-app}}\n"
                  "    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n"
                  "        ports: [{containerPort: 80}]\n" f"        {RESOURCES}\n"
                  "---\napiVersion: v1\nkind: Service\nmetadata: {name: sample-app}\nspec:\n"
                  "  selector: {app: sample-app}\n  ports: [{port: 80}]\n")
    canary = ("apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: sample-app}\nspec:\n"
              "  targetRef: {apiVersion: apps/v1, kind: Deployment, name: sample-app}\n")

    def budgets(files):
        return [f for o in reviewed(files, tmp_path).objects for f in o.findings
                if f.id == "disruption-budget-missing"]

    assert len(budgets({"flagger/app.yaml": deployment})) == 1
    assert budgets({"flagger/app.yaml": deployment, "flagger/canary.yaml": canary}) == []


def test_a_name_with_capitals_is_refused_for_its_letters_not_its_length():
    from advisor.manifests.validate import api_object_problems

    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "Probe-Demo"},
           "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}
    [problem] = api_object_problems(pod, "1.37", promises=False)
    assert "lower-case letters, digits" in problem and "characters" not in problem
    pod["metadata"]["name"] = "a" * 254
    [problem] = api_object_problems(pod, "1.37", promises=False)
    assert problem.endswith("(at most 253 characters; it has 254)")
