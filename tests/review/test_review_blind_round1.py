"""The wrong findings and rewrites of the first blind round's held-out half, each as a case.

Round 1's held-out labels are spent (their verdicts are known), so the causes they found are
ordinary known problems now: an external storage server's address taken for a Pod's IP, a
Pod a kustomization's generator reads as data reviewed as an object, a client that streams
until stopped taken for finite work, a shell's ``-c --`` read as no script, a Pod whose exact
name skaffold's port forwarding uses rewritten into a Deployment, a Deployment rewrite whose
rolling update would hang on a claim only one Pod or node may mount, and a StatefulSet whose
serviceName names no Service at all left silent. Each test holds a minimal manifest of our own.
"""

from __future__ import annotations

from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from advisor.review.runtime import runtime_of
from helpers.review import RESOURCES, container, deployment, ids, pod_network

REVIEWER = Reviewer()


def review_files(files: dict[str, str], suggest: bool = False):
    return REVIEWER.review(parse_inputs(list(files.items())), ReviewOptions(suggest=suggest))


# -- pod-ip-literal: a storage server is not a Pod ------------------------------------------------

NFS_PROVISIONER = deployment(container("provisioner", "registry.k8s.io/sig-storage/nfs-provisioner:v4.0.2", extra=(
    "          env:\n"
    "            - {name: NFS_SERVER, value: 10.10.10.60}\n"
    "            - {name: PEER, value: 10.10.10.61}\n")),
    extra_spec="      volumes: [{name: root, nfs: {server: 10.10.10.60, path: /export}}]\n")


def test_the_nfs_server_a_volume_names_is_not_a_pod_ip_even_in_a_pod_network_but_another_address_is():
    report = REVIEWER.review(parse_inputs([("d.yaml", NFS_PROVISIONER + pod_network("10.10.10.0/24"))]), ReviewOptions())
    messages = [f.message for f in report.findings if f.id == "pod-ip-literal"]
    assert len(messages) == 1 and "10.10.10.61" in messages[0]


def test_a_variable_named_for_a_storage_server_holds_no_pod_ip_even_in_a_pod_network():
    env = "          env: [{name: TARGETD_ADDRESS, value: 192.168.99.100}]\n"
    network = pod_network("192.168.0.0/16")
    assert "pod-ip-literal" not in ids(deployment(container(extra=env)) + network)
    assert "pod-ip-literal" in ids(deployment(container(extra=env.replace("TARGETD_ADDRESS", "UPSTREAM"))) + network)


def test_an_address_no_pod_network_of_the_input_holds_is_no_pod_ip():
    env = "          env: [{name: UPSTREAM, value: 192.168.99.100}]\n"
    assert "pod-ip-literal" not in ids(deployment(container(extra=env)))


def test_an_iscsi_target_portal_of_a_persistent_volume_is_not_a_pod_ip_even_in_a_pod_network():
    pv = ("---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: disk}\nspec:\n  capacity: {storage: 1Gi}\n"
          "  accessModes: [ReadWriteOnce]\n  iscsi: {targetPortal: '10.0.0.7:3260', iqn: 'iqn.x:y', lun: 0}\n")
    env = "          env: [{name: PORTAL_HOST, value: 10.0.0.7}]\n"
    text = deployment(container(extra=env.replace("PORTAL_HOST", "TARGET"))) + pod_network("10.0.0.0/8")
    assert "pod-ip-literal" in ids(text)
    assert "pod-ip-literal" not in ids(text + pv)


# -- kustomize: a generator's file is data ---------------------------------------------------------

HELPER_POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: helper-pod}\nspec:\n  containers:\n" \
             "  - {name: helper-pod, image: 'busybox:1.36'}\n"


def test_a_pod_file_a_config_map_generator_reads_is_data_not_a_pod():
    kustomization = ("configMapGenerator:\n- name: config\n  files:\n  - helperPod.yaml\n  - setup\n")
    alone = review_files({"ex/helperPod.yaml": HELPER_POD})
    assert "bare-pod" in {f.id for f in alone.findings}
    together = review_files({"ex/kustomization.yaml": kustomization, "ex/helperPod.yaml": HELPER_POD})
    assert together.objects == [] and "configMapGenerator" in together.notes[-1].text


def test_a_patch_a_kustomization_without_api_version_lists_is_not_refused():
    patch = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
             "      containers:\n      - {name: web, image: 'busybox:1.36', command: [sleep, '3600']}\n")
    report = review_files({"k/kustomization.yaml": "resources: [deployment.yaml]\npatches:\n- path: patch.yaml\n",
                           "k/patch.yaml": patch})
    assert "refused-by-api-server" not in {f.id for f in report.findings}
    assert "refused-by-api-server" in {f.id for f in review_files({"k/patch.yaml": patch}).findings}


WHOLE = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n"
         "  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
         "      containers:\n      - {name: web, image: 'nginx:1.27'}\n")
PATCH = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n"
         "      containers:\n      - {name: web, image: 'nginx:1.27', command: [nginx, -g, 'daemon off;']}\n")


def test_a_fragment_beside_its_whole_object_in_a_folder_skaffold_renders_with_kustomize_is_a_patch():
    skaffold = "apiVersion: skaffold/v4beta11\nkind: Config\nmanifests:\n  kustomize:\n    paths: [.]\n"
    together = review_files({"k/skaffold.yaml": skaffold, "k/deployment.yaml": WHOLE, "k/patch.yaml": PATCH})
    assert "refused-by-api-server" not in {f.id for f in together.findings}
    assert any("patch.yaml" in n.file and "kustomize" in n.text for n in together.notes)
    without = review_files({"k/deployment.yaml": WHOLE, "k/patch.yaml": PATCH})
    assert "refused-by-api-server" in {f.id for f in without.findings}


# -- what runs until stopped ------------------------------------------------------------------------


def test_a_client_that_streams_until_stopped_runs_until_stopped():
    assert runtime_of({"command": ["vault", "monitor"]}, lambda p: None).runs == "endless"
    assert runtime_of({"command": ["kubectl", "logs", "-f", "web"]}, lambda p: None).runs == "endless"
    assert runtime_of({"command": ["vault", "status"]}, lambda p: None).runs == "finishes"


def test_a_log_streaming_sidecar_beside_its_server_is_not_finite_work():
    monitor = "          command: [vault, monitor]\n          env: [{name: VAULT_ADDR, value: 'http://localhost:8200'}]\n"
    text = deployment(container("vault", "hashicorp/vault:1.15", "          ports: [{containerPort: 8200}]\n")
                      + container("monitor", "hashicorp/vault:1.15", monitor), replicas=1)
    assert "restart-always-on-completion" not in ids(text)
    assert "restart-always-on-completion" in ids(text.replace("[vault, monitor]", "[vault, status]"))


def test_a_shell_given_its_script_after_a_double_dash_reads_that_script():
    spec = {"command": ["/bin/bash", "-c", "--"], "args": ["while true; do sleep 30; done;"]}
    assert runtime_of(spec, lambda p: None).idle
    assert runtime_of({"command": ["sh", "-c", "-e", "sleep 30"]}, lambda p: None).runs == "finishes"


def test_a_host_pid_debug_pod_that_only_sleeps_in_a_loop_is_a_box_to_exec_into():
    pod = ("# debug what runs on the host\napiVersion: v1\nkind: Pod\nmetadata: {name: ubuntu}\nspec:\n"
           "  hostPID: true\n  containers:\n  - name: ubuntu\n    image: ubuntu:24.04\n"
           "    command: [/bin/bash, -c, --]\n    args: ['while true; do sleep 30; done;']\n"
           f"    {RESOURCES}\n")
    assert "bare-pod" not in ids(pod)


def test_a_pod_whose_name_says_it_is_for_debugging_and_whose_command_says_nothing_is_a_box():
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: NAME}\nspec:\n  hostPID: true\n  containers:\n"
           "  - {name: box, image: 'ghcr.io/example/tools:1.0', " f"{RESOURCES}" "}\n")
    assert "bare-pod" in ids(pod.replace("NAME", "tools"))
    assert "bare-pod" not in ids(pod.replace("NAME", "node-debug"))
    assert "bare-pod" not in ids(pod.replace("NAME", "tools"), name="hack/debug.yaml")


# -- --suggest: what a rewrite must keep -------------------------------------------------------------

WEB_POD = ("apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - name: web\n"
           "    image: nginx:1.27\n    ports: [{containerPort: 80}]\n" f"    {RESOURCES}\n"
           "    volumeMounts: [{name: data, mountPath: /data}]\n"
           "  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n")


def claim(mode: str) -> str:
    return (f"---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {{name: data}}\nspec:\n"
            f"  accessModes: [{mode}]\n  resources: {{requests: {{storage: 1Gi}}}}\n")


def rewrite(files: dict[str, str]):
    """The Pod's review under --suggest, and the notes of the run (a withheld rewrite says why there)."""
    report = review_files(files, suggest=True)
    [obj] = [o for o in report.objects if o.ref.kind == "Pod"]
    return obj, [n.text for n in report.notes]


def test_a_rewrite_of_a_pod_whose_claim_one_pod_holds_replaces_its_pod_before_starting_one():
    obj, _ = rewrite({"p.yaml": WEB_POD + claim("ReadWriteOncePod")})
    assert obj.replacement["kind"] == "Deployment"
    assert obj.replacement["spec"]["strategy"] == {"type": "Recreate"} and "ReadWriteOncePod" in obj.suggestion


def test_a_rewrite_of_a_pod_whose_claim_many_pods_share_keeps_the_rolling_update():
    obj, _ = rewrite({"p.yaml": WEB_POD + claim("ReadWriteMany")})
    assert obj.replacement["kind"] == "Deployment" and "strategy" not in obj.replacement["spec"]


def test_a_pod_whose_exact_name_skaffold_forwards_a_port_to_gets_no_rewrite():
    skaffold = ("apiVersion: skaffold/v4beta11\nkind: Config\nportForward:\n"
                "- {resourceType: pod, resourceName: web, port: 80}\n")
    pod = WEB_POD.replace("persistentVolumeClaim: {claimName: data}", "emptyDir: {}")
    plain, _ = rewrite({"a/p.yaml": pod})
    assert plain.replacement["kind"] == "Deployment"
    obj, notes = rewrite({"a/p.yaml": pod, "a/skaffold.yaml": skaffold})
    assert obj.suggestion is None and any("portForward" in n for n in notes)


# -- statefulset-without-headless-service: a serviceName that names nothing ---------------------------


def test_a_single_replica_statefulset_whose_service_name_names_no_service_is_told():
    text = deployment(container(), kind="StatefulSet", replicas=1).replace(
        "spec:\n  replicas", "spec:\n  serviceName: web\n  replicas", 1)
    assert "statefulset-without-headless-service" in ids(text)
    headless = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  clusterIP: None\n" \
               "  selector: {app: web}\n  ports: [{port: 80}]\n"
    assert "statefulset-without-headless-service" not in ids(text + headless)
