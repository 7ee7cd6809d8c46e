"""What `pod-advisor review` reads: exclusions, hidden folders, alternatives, charts and kustomizations.

Helm and kustomize are the real tools (tools/build-go-tools builds them into tools/bin); a
test that needs one skips without it, and fails in CI. A test of a missing tool runs the
command with a PATH that holds nothing.
"""

from __future__ import annotations

import json
import os

from helpers.paths import FIXTURES
from helpers.tools import require_tool

HOW = "tools/build-go-tools builds it into tools/bin"
CHART = FIXTURES / "review" / "chart"
KUSTOMIZE = FIXTURES / "review" / "kustomize"

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources:
        requests: {{cpu: 100m, memory: 128Mi}}
"""
# An envsubst template: not YAML until the variables are filled in.
TEMPLATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${APP}\ndata: {url: ${URL}\n"
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 80}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
"""
SERVICE = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{app: web}}\n" \
          "  ports: [{{port: {port}, targetPort: 80}}]\n"


def review(cli, *args, environ=None):
    run = cli("review", *map(str, args), "--format", "json", "--fail-on", "never", environ=environ)
    return run, (json.loads(run.stdout) if run.stdout else None)


def ids_by_file(report, root) -> set[tuple[str, str]]:
    return {(os.path.relpath(f["file"], root), f["id"]) for f in report["findings"]}


def tool_folder(name: str) -> str:
    return os.path.dirname(require_tool(name, HOW))


# -- --exclude and exclude: ------------------------------------------------------------


def test_an_excluded_envsubst_template_no_longer_fails_the_run(cli, write, tmp_path):
    write("k8s/web.yaml", POD.format(name="web"))
    write("k8s/templates/config.yaml", TEMPLATE)
    run, report = review(cli, tmp_path / "k8s", "--exclude", "templates")
    assert run.status == 0, run.stderr
    assert report["summary"]["errors"] == 0 and report["summary"]["objects"] == 1


def test_exclude_is_repeatable_and_each_glob_leaves_its_paths_unread(cli, write, tmp_path):
    write("k8s/web.yaml", POD.format(name="web"))
    write("k8s/a.tmpl.yaml", TEMPLATE)
    write("k8s/vendor/b.yaml", TEMPLATE)
    run, report = review(cli, tmp_path / "k8s", "--exclude", "*.tmpl.yaml", "--exclude", "vendor")
    assert run.status == 0, run.stderr
    assert "--exclude: left out 2 paths" in run.stderr


def test_exclude_in_the_config_file_is_relative_to_the_config_files_folder(cli, write, tmp_path):
    write("repo/k8s/web.yaml", POD.format(name="web"))
    write("repo/k8s/config.yaml", TEMPLATE)
    config = write("repo/.pod-advisor.yaml", "review:\n  exclude: [k8s/config.yaml]\n")
    run, report = review(cli, tmp_path / "repo" / "k8s", "--config", config)
    assert run.status == 0, run.stderr
    assert report["summary"]["files"] == 1


def test_a_file_named_outright_is_left_out_when_a_glob_matches_it(cli, write, tmp_path):
    """As a pre-commit hook passes each changed file: the same result as a review of the folder."""
    web = write("web.yaml", POD.format(name="web"))
    template = write("config.tmpl.yaml", TEMPLATE)
    run, report = review(cli, web, template, "--exclude", "*.tmpl.yaml")
    assert run.status == 0, run.stderr


def test_the_config_refuses_an_exclude_that_is_not_globs(cli, write):
    config = write(".pod-advisor.yaml", "review:\n  exclude: {a: b}\n")
    run = cli("review", write("web.yaml", POD.format(name="web")), "--config", config)
    assert run.status == 2
    assert "review.exclude: must be a glob or a list of globs" in run.stderr


# -- hidden folders --------------------------------------------------------------------


def test_a_hidden_folder_is_skipped_with_a_note_that_counts_its_files_until_it_is_named(cli, write, tmp_path):
    write("k8s/web.yaml", POD.format(name="web"))
    for name in ("a", "b", "c"):
        write(f"k8s/.old/{name}.yaml", POD.format(name=name))
    run, report = review(cli, tmp_path / "k8s")
    assert report["summary"]["objects"] == 1
    assert ".old: a hidden folder, not searched: it holds 3 *.yaml, *.yml or *.json files; name it" in run.stderr
    run, report = review(cli, tmp_path / "k8s" / ".old")
    assert report["summary"]["objects"] == 3 and "hidden folder" not in run.stderr


# -- alternatives -------------------------------------------------------------------------


def test_a_service_of_another_version_of_the_deployment_is_not_this_ones(cli, write, tmp_path):
    """Two files that both define Deployment web are two versions of one deployment: the Service of one
    does not make the other's Pods serve behind it."""
    write("step-1.yaml", DEPLOYMENT + SERVICE.format(name="web", port=80))
    write("step-2.yaml", DEPLOYMENT)
    run, report = review(cli, tmp_path)
    assert ids_by_file(report, tmp_path) == {("step-1.yaml", "readiness-probe-missing"),
                                             ("step-1.yaml", "disruption-budget-missing")}  # step-2: neither
    assert "step-2.yaml also defines Deployment web: the two are read as versions of one deployment" in run.stderr


def test_a_message_names_each_service_once(cli, write, tmp_path):
    services = "".join(SERVICE.format(name="echo-1", port=port) for port in (80, 8080, 9090))
    write("echo.yaml", DEPLOYMENT + services)
    _, report = review(cli, tmp_path)
    [finding] = [f for f in report["findings"] if f["id"] == "readiness-probe-missing"]
    assert "behind the Service echo-1 but" in finding["message"]


# -- Helm charts ---------------------------------------------------------------------------


def test_a_chart_is_reviewed_as_helm_renders_it_with_findings_at_the_template_line(cli):
    run, report = review(cli, CHART, environ={"PATH": tool_folder("helm")})
    assert run.status == 0, run.stderr
    assert {(f["file"], f["line"], f["id"]) for f in report["findings"]} == {
        (str(CHART / "web/templates/deployment.yaml"), 19, "mutable-image-tag"),  # the tag comes from values.yaml
        (str(CHART / "web/examples/debug-pod.yaml"), 2, "bare-pod"),  # the chart's plain YAML, read as it is
        (str(CHART / "web/templates/deployment.yaml"), 8, "disruption-budget-missing"),  # replicas from values.yaml
    }


def test_a_chart_that_helm_cannot_render_is_a_note_with_helms_message(cli, tmp_path):
    chart = tmp_path / "broken"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: broken\nversion: 0.1.0\n")
    (chart / "templates" / "pod.yaml").write_text("{{ .Values.missing.key }}\n")
    run, report = review(cli, chart, environ={"PATH": tool_folder("helm")})
    assert run.status == 0, run.stderr
    assert "a Helm chart, not rendered: `helm template` failed:" in run.stderr
    assert "nil pointer" in run.stderr


def test_without_helm_a_note_says_how_to_get_it_and_the_charts_plain_yaml_is_reviewed(cli, tmp_path):
    run, report = review(cli, CHART, environ={"PATH": str(tmp_path)})
    assert run.status == 0, run.stderr
    assert "helm is not on PATH (install helm" in run.stderr
    assert {f["id"] for f in report["findings"]} == {"bare-pod"}


# -- kustomizations ----------------------------------------------------------------------


def test_a_kustomization_is_reviewed_as_kustomize_builds_it(cli):
    """The overlay's patch sets one replica; the finding points at the base's replicas line."""
    run, report = review(cli, KUSTOMIZE, environ={"PATH": tool_folder("kustomize")})
    assert run.status == 0, run.stderr
    assert report["summary"]["objects"] == 1  # the overlay's build; its base is a part of it
    assert {(f["file"], f["line"], f["id"]) for f in report["findings"]} == {
        (str(KUSTOMIZE / "base/deployment.yaml"), 6, "single-replica")}


def test_a_rendered_object_says_which_build_wrote_it_where_its_file_holds_only_its_base(cli):
    """Blind round 25: a finding on an overlay's render points at its base's file, which alone does not show what the
    overlay changed (there, a DaemonSet it made a Deployment)."""
    run, report = review(cli, KUSTOMIZE, environ={"PATH": tool_folder("kustomize")})
    [obj] = report["objects"]
    assert obj["render"].startswith("kustomize build ") and obj["file"] == str(KUSTOMIZE / "base/deployment.yaml")
    text = cli("review", str(KUSTOMIZE), "--fail-on", "never", environ={"PATH": tool_folder("kustomize")})
    assert f"as `{obj['render']}` writes it" in text.stdout


def test_an_object_read_as_written_names_no_render(cli, write, tmp_path):
    write("k8s/web.yaml", POD.format(name="web"))
    run, report = review(cli, tmp_path / "k8s")
    [obj] = report["objects"]
    assert "render" not in obj and "as `" not in cli("review", str(tmp_path / "k8s"), "--fail-on", "never").stdout


# planetarium/9c-k8s-config (blind round 26): each StatefulSet's serviceName names a LoadBalancer Service kept in
# service.yaml beside the kustomization, which does not list it (applied on its own, out of `kubectl delete -k`).
MINER = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: miner
spec:
  serviceName: miner
  replicas: 1
  selector:
    matchLabels: {app: miner}
  template:
    metadata:
      labels: {app: miner}
    spec:
      containers:
        - name: miner
          image: ghcr.io/example/miner:1.0.0
          ports: [{containerPort: 80}]
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
"""
MINER_SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: miner
spec:
  type: LoadBalancer
  selector: {app: miner}
  ports: [{port: 80}]
"""


def test_a_service_beside_a_kustomization_that_does_not_list_it_is_seen_by_the_checks(cli, write, tmp_path):
    write("app/kustomization.yaml", "resources:\n  - miner.yaml\n")
    write("app/miner.yaml", MINER)
    write("app/service.yaml", MINER_SERVICE)
    run, report = review(cli, tmp_path / "app", environ={"PATH": tool_folder("kustomize")})
    assert "statefulset-without-headless-service" not in {f["id"] for f in report["findings"]}
    assert report["summary"]["skipped"] == {"Service": 1}  # read, not reviewed


def test_without_that_service_the_name_it_gives_is_still_dangling(cli, write, tmp_path):
    write("app/kustomization.yaml", "resources:\n  - miner.yaml\n")
    write("app/miner.yaml", MINER)
    run, report = review(cli, tmp_path / "app", environ={"PATH": tool_folder("kustomize")})
    assert "statefulset-without-headless-service" in {f["id"] for f in report["findings"]}


def test_a_workload_beside_a_kustomization_that_does_not_list_it_is_not_reviewed(cli, write, tmp_path):
    """Often one switched off on purpose (a resource commented out, a patch not applied)."""
    write("app/kustomization.yaml", "resources:\n  - miner.yaml\n")
    write("app/miner.yaml", MINER)
    write("app/old.yaml", POD.format(name="old"))
    run, report = review(cli, tmp_path / "app", environ={"PATH": tool_folder("kustomize")})
    assert [obj["name"] for obj in report["objects"]] == ["miner"]


def test_a_rendered_object_gets_findings_but_no_rewrite_since_its_file_is_not_what_is_edited(cli, write, tmp_path):
    """An overlay's render pasted over its base would carry that overlay's values into every render."""
    write("app/kustomization.yaml", "resources:\n  - web.yaml\n")
    write("app/web.yaml", POD.format(name="web").replace("      resources:", "      ports: [{containerPort: 80}]\n"
                                                          "      resources:"))
    run, report = review(cli, tmp_path / "app", "--suggest", environ={"PATH": tool_folder("kustomize")})
    [obj] = report["objects"]
    assert "bare-pod" in obj["findings"] and obj["suggestion"] is None
    assert "kustomize" in run.stderr and "not a file to edit" in run.stderr


def test_without_kustomize_a_note_says_how_to_get_it_and_the_files_are_reviewed_as_they_are(cli, tmp_path):
    run, report = review(cli, KUSTOMIZE, environ={"PATH": str(tmp_path)})
    assert run.status == 0, run.stderr
    assert "neither kustomize nor kubectl is on PATH (install kustomize" in run.stderr
    # the base as it is: two replicas behind its Service (built, the overlay would make it one)
    assert report["summary"]["objects"] == 1
    assert {f["id"] for f in report["findings"]} == {"disruption-budget-missing"}


def test_a_failed_builds_note_leaves_out_the_time_and_process_id_its_tool_logged(cli, write, tmp_path):
    """kubectl's klog header (and Go's log date) would make two runs over the same files print different notes."""
    write("app/kustomization.yaml", "resources:\n  - web.yaml\n")
    write("app/web.yaml", POD.format(name="web"))
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "kustomize").write_text(
        "#!/bin/sh\n"
        "echo 'E1207 03:05:19.928716   11425 run.go:72] \"command failed\" err=\"no web.yaml\"' >&2\n"
        "echo '2026/12/07 03:05:19 and a second line' >&2\n"
        "exit 1\n")
    (tools / "kustomize").chmod(0o755)
    run, report = review(cli, tmp_path / "app", environ={"PATH": str(tools)})
    assert "`kustomize build` failed: \"command failed\" err=\"no web.yaml\" and a second line;" in run.stderr
    assert report["summary"]["objects"] == 1  # its files reviewed as they are


def test_a_kustomization_that_names_a_remote_resource_is_not_built(cli, write, tmp_path):
    write("app/kustomization.yaml", "resources:\n  - https://github.com/example/app//deploy?ref=v1\n"
                                    "  - web.yaml\n")
    write("app/web.yaml", POD.format(name="web"))
    run, report = review(cli, tmp_path / "app", environ={"PATH": tool_folder("kustomize")})
    assert "names the remote resource https://github.com/example/app//deploy?ref=v1, and pod-advisor " \
           "fetches nothing" in run.stderr
    assert report["summary"]["objects"] == 1


def test_diff_and_fix_read_the_files_as_they_are_written_leaving_chart_templates_out(cli, tmp_path):
    """--fix writes into the files, so it reviews them as written, not as a tool renders them; a chart's
    templates are not YAML until rendered, and are left out with a note."""
    import shutil

    shutil.copytree(CHART, tmp_path / "chart")
    shutil.copytree(KUSTOMIZE, tmp_path / "kustomize")
    run = cli("review", str(tmp_path), "--diff", "--fail-on", "never", environ={"PATH": tool_folder("helm")})
    assert run.status == 0, run.stderr
    assert "a Helm chart: its templates are not reviewed" in run.stderr
    assert "templates/deployment.yaml" not in run.stdout and "kustomization, not built" not in run.stderr
