"""A bare Pod its repository's own instructions put in a kubelet's static-Pod folder is a static Pod: the
kubelet owns it, so bare-pod is not raised and no Deployment is written for it. Blind round 25: a tutorial
whose static.md copies nodejs-pod.yaml into the folder its kubelet flag names (/etc/kubernetes/manifest)."""

from __future__ import annotations

from pathlib import Path

from helpers.review import REVIEWER, server_pod
from helpers.review import write_repository as repository

from advisor.review import ReviewOptions
from advisor.review.objects import parse_inputs

def bare_pod_findings(root: Path) -> set[str]:
    """The files (relative to ``root``) whose Pod gets bare-pod, of every manifest in the repository."""
    manifests = sorted(p for p in root.rglob("*.yaml") if ".git" not in p.parts)
    report = REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in manifests]), ReviewOptions())
    assert report.objects, "nothing was reviewed"
    return {str(Path(f.file).relative_to(root)) for f in report.findings if f.id == "bare-pod"}


def test_a_pod_its_documentation_copies_into_the_static_pod_folder_is_no_bare_pod(tmp_path):
    root = repository(tmp_path, {"examples/nodejs/nodejs-pod.yaml": server_pod("nodejs"),
                                 "content/static.md": "Copy it:\n\n    cp nodejs-pod.yaml /etc/kubernetes/manifests\n"})
    assert bare_pod_findings(root) == set()


def test_the_same_pod_without_those_instructions_is_a_bare_pod(tmp_path):
    root = repository(tmp_path, {"examples/nodejs/nodejs-pod.yaml": server_pod("nodejs"),
                                 "content/static.md": "Apply it:\n\n    kubectl apply -f nodejs-pod.yaml\n"})
    assert bare_pod_findings(root) == {"examples/nodejs/nodejs-pod.yaml"}


def test_a_folder_the_kubelet_flag_names_is_a_static_pod_folder_too(tmp_path):
    doc = ("    mkdir -p /srv/static\n    cp web.yaml /srv/static\n\n"
           "ExecStart=/usr/bin/kubelet --pod-manifest-path=/srv/static/\n")
    root = repository(tmp_path, {"web.yaml": server_pod("web"), "setup.sh": doc})
    assert bare_pod_findings(root) == set()


def test_a_bare_name_two_files_share_names_neither_when_the_document_is_elsewhere(tmp_path):
    root = repository(tmp_path, {"a/pod.yaml": server_pod("a"), "b/pod.yaml": server_pod("b"),
                                 "docs/static.md": "    cp pod.yaml /etc/kubernetes/manifests/\n"})
    assert bare_pod_findings(root) == {"a/pod.yaml", "b/pod.yaml"}


def test_a_path_names_only_its_own_file(tmp_path):
    root = repository(tmp_path, {"a/pod.yaml": server_pod("a"), "b/pod.yaml": server_pod("b"),
                                 "docs/static.md": "    sudo cp a/pod.yaml /etc/kubernetes/manifests/\n"})
    assert bare_pod_findings(root) == {"b/pod.yaml"}


def test_a_file_named_inside_the_static_folder_is_that_file(tmp_path):
    root = repository(tmp_path, {"etcd.yaml": server_pod("etcd"),
                                 "README.md": "cat <<EOF | sudo tee /etc/kubernetes/manifests/etcd.yaml\n"})
    assert bare_pod_findings(root) == set()


def test_a_vagrantfile_syncing_a_folder_there_makes_each_of_its_pods_static(tmp_path):
    vagrant = 'config.vm.synced_folder "manifests/master", "/etc/kubernetes/manifests"\n'
    root = repository(tmp_path, {"manifests/master/scheduler.yaml": server_pod("scheduler"),
                                 "other/web.yaml": server_pod("web"), "Vagrantfile": vagrant})
    assert bare_pod_findings(root) == {"other/web.yaml"}


def test_only_a_repository_under_version_control_is_read(tmp_path):
    root = repository(tmp_path, {"nodejs-pod.yaml": server_pod("nodejs"),
                                 "static.md": "    cp nodejs-pod.yaml /etc/kubernetes/manifests\n"},
                      version_control=False)
    assert bare_pod_findings(root) == {"nodejs-pod.yaml"}


def test_documents_in_hidden_and_vendored_folders_are_not_the_repository_s_instructions(tmp_path):
    line = "    cp nodejs-pod.yaml /etc/kubernetes/manifests\n"
    root = repository(tmp_path, {"nodejs-pod.yaml": server_pod("nodejs"), ".github/static.md": line,
                                 "node_modules/x/README.md": line})
    assert bare_pod_findings(root) == {"nodejs-pod.yaml"}


def test_the_kubelet_command_that_names_the_folder_places_no_file_in_it(tmp_path):
    line = ("ExecStart=/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml "
            "--pod-manifest-path=/etc/kubernetes/manifests\n")
    root = repository(tmp_path, {"config.yaml": server_pod("config"), "kubelet.service.md": line})
    assert bare_pod_findings(root) == {"config.yaml"}
