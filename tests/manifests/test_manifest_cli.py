"""`pod-advisor manifest`: where the YAML goes, which version it targets, and how it fails."""

from __future__ import annotations

import os

from helpers.cli import run_cli
from helpers.paths import EXAMPLES

import advisor.manifests.build as build
from advisor.manifests.emit import read_stream

NGINX = str(EXAMPLES / "nginx-pod.yaml")
JOB_127 = str(EXAMPLES / "job-with-sidecar-1.27.yaml")
JOB_133 = str(EXAMPLES / "job-with-sidecar-1.33.yaml")


def test_manifest_prints_the_yaml_on_stdout(cli):
    run = cli("manifest", NGINX)
    assert run.status == 0
    assert [o["kind"] for o in read_stream(run.stdout)] == ["Deployment", "Service", "PodDisruptionBudget"]
    assert run.stderr == ""


def test_manifest_writes_the_output_file_and_says_what_it_wrote(cli, tmp_path):
    (tmp_path / "k8s").mkdir()
    target = tmp_path / "k8s" / "web.yaml"
    run = cli("manifest", NGINX, "-o", str(target))
    assert run.status == 0 and run.stdout == ""
    assert [o["kind"] for o in read_stream(target.read_text())] == ["Deployment", "Service", "PodDisruptionBudget"]
    assert "Deployment web, Service web, PodDisruptionBudget web" in run.stderr


def test_manifest_refuses_to_overwrite_a_file_without_force(cli, write):
    target = write("web.yaml", "mine\n")
    run = cli("manifest", NGINX, "-o", target)
    assert run.status == 2
    assert "already exists; pass --force" in run.stderr
    assert open(target).read() == "mine\n"


def test_manifest_overwrites_a_file_with_force(cli, write):
    target = write("web.yaml", "mine\n")
    assert cli("manifest", NGINX, "-o", target, "--force").status == 0
    assert read_stream(open(target).read())[0]["kind"] == "Deployment"


def test_kubernetes_option_evaluates_the_answers_again_for_that_version(cli):
    objects = read_stream(cli("manifest", JOB_133, "--kubernetes", "1.27").stdout)
    spec = objects[0]["spec"]["template"]["spec"]
    assert [c["name"] for c in spec["containers"]] == ["importer", "log-shipper"]
    assert "initContainers" not in spec


def test_kubernetes_option_names_the_version_in_the_header(cli):
    assert "on Kubernetes 1.27" in cli("manifest", JOB_133, "--kubernetes", "1.27").stdout


def test_unsupported_kubernetes_version_is_a_usage_error(cli):
    run = cli("manifest", NGINX, "--kubernetes", "1.20")
    assert run.status == 2
    assert "not supported; use 1.25 to 1.37" in run.stderr and run.stdout == ""


def test_invalid_answer_file_exits_2_with_nothing_on_stdout(cli, write):
    path = write("bad.yaml", "name: web\ncontainers:\n  - name: web\n    imgae: nginx:1.27\n")
    run = cli("manifest", path)
    assert run.status == 2 and run.stdout == ""
    assert "did you mean 'image'?" in run.stderr


def test_no_comments_writes_bare_yaml_with_the_same_objects(cli):
    bare = cli("manifest", NGINX, "--no-comments").stdout
    assert "#" not in bare
    assert read_stream(bare) == read_stream(cli("manifest", NGINX).stdout)


def test_allow_root_for_names_the_container(cli):
    objects = read_stream(cli("manifest", NGINX, "--allow-root-for", "web").stdout)
    assert objects[0]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["runAsNonRoot"] is False


def test_serious_findings_are_repeated_on_stderr(cli):
    run = cli("manifest", JOB_127)
    assert run.status == 0
    assert "error sidecar-blocks-completion" in run.stderr


def test_invalid_object_fails_loudly_with_status_3_and_writes_nothing(cli, tmp_path, monkeypatch):
    real = build.build_documents

    def broken(recommendation, allow_root=False):
        built = real(recommendation, allow_root)
        built.documents[0].obj["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = "80"
        built.documents[0].obj["spec"]["replica"] = 2
        return built

    monkeypatch.setattr(build, "build_documents", broken)
    target = tmp_path / "web.yaml"
    run = cli("manifest", NGINX, "-o", str(target))
    assert run.status == 3
    assert "internal error, please report it" in run.stderr
    assert "spec: Additional properties are not allowed ('replica' was unexpected)" in run.stderr
    assert "containers[0].ports[0].containerPort: '80' is not of type 'integer'" in run.stderr
    assert not os.path.exists(target) and run.stdout == ""


def test_a_secret_the_answers_env_reads_from_is_a_to_do_once_naming_its_readers(cli):
    run = cli("manifest", str(EXAMPLES / "app-and-database.yaml"))
    assert run.status == 0
    todo = [line for line in run.stderr.splitlines() if "Secret blog-db" in line]
    assert todo == [line for line in todo if line.startswith("pod-advisor: to do: create Secret blog-db before "
                                                             "applying")] and len(todo) == 1
    assert "app and postgres read variables from it" in todo[0]


def test_a_node_agent_that_writes_a_host_folder_as_non_root_is_told_the_kubelet_makes_it_roots():
    # hostPath DirectoryOrCreate: a missing folder is made with mode 0755, owned as the kubelet is (root)
    run = run_cli("manifest", str(EXAMPLES / "node-agent.yaml"))
    assert "collector writes /var/lib/fluent-bit on each node" in run.stderr and "mode 0755" in run.stderr
    assert "--allow-root-for collector" in run.stderr
    as_root = run_cli("manifest", str(EXAMPLES / "node-agent.yaml"), "--allow-root-for", "collector")
    assert "mode 0755" not in as_root.stderr
