"""Small manifests written in a line, and the reviewer run on them in process."""

from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs

REVIEWER = Reviewer()


def review(text, kubernetes="1.37", name="app.yaml"):
    return REVIEWER.review(parse_inputs([(name, text)]), ReviewOptions(kubernetes=kubernetes))


def reviewed(text, **options):
    """The report on ``text``, which must have reviewed an object: a review of nothing finds nothing,
    and a test that expects no finding would pass on a manifest the reviewer skipped."""
    report = review(text, **options)
    assert report.objects, f"nothing was reviewed: {[note.text for note in report.notes]}"
    return report


def review_suggest(text: str, name: str = "pod.yaml"):
    """The one object's review under --suggest: its findings' ids and its rewrite (parsed), and the run's notes."""
    import yaml

    report = REVIEWER.review(parse_inputs([(name, text)]), ReviewOptions(kubernetes="1.37", suggest=True))
    [obj] = report.objects
    written = list(yaml.safe_load_all(obj.suggestion)) if obj.suggestion else []
    return {f.id for f in obj.findings}, written, [n.text for n in report.notes]


def found(text, **options):
    return sorted((f.id, f.container) for f in reviewed(text, **options).findings)


def ids(text, **options):
    return {f.id for f in reviewed(text, **options).findings}


RESOURCES = "resources: {requests: {cpu: 100m, memory: 128Mi}}"


def budget(name="web", labels="app: web"):
    """The PodDisruptionBudget a Deployment of two replicas or more needs (disruption-budget-missing)."""
    return f"""---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{{labels}}}
"""


def deployment(containers, name="web", replicas=2, extra_spec="", kind="Deployment", labels="app: web",
               with_budget=True):
    """A workload of ``containers``; a Deployment of two replicas or more comes with its budget, so that a
    test of another check sees only that check's findings."""
    text = _workload(containers, name, replicas, extra_spec, kind, labels)
    if with_budget and kind == "Deployment" and replicas >= 2:
        text = text.rstrip("\n") + "\n" + budget(name, labels)
    return text


def _workload(containers, name, replicas, extra_spec, kind, labels):
    return f"""apiVersion: apps/v1
kind: {kind}
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{{labels}}}
  template:
    metadata:
      labels: {{{labels}}}
    spec:
{extra_spec}      containers:
{containers}"""


def container(name="web", image="nginx:1.27", extra=""):
    return f"""        - name: {name}
          image: {image}
          {RESOURCES}
{extra}"""


def job(containers, restart="OnFailure", init=""):
    policy = f"      restartPolicy: {restart}\n" if restart else ""
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: task
spec:
  template:
    spec:
{policy}      volumes:
        - name: shared
          emptyDir: {{}}
{init}      containers:
{containers}"""


SHARED = "          volumeMounts: [{name: shared, mountPath: /shared}]\n"


def service(selector="app: web", extra=""):
    return f"""---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {{{selector}}}
{extra}"""


def pod_network(cidr: str = "10.244.0.0/16") -> str:
    """flannel's ConfigMap declaring the cluster's Pod network ``cidr``: the evidence pod-ip-literal needs
    to take an address in it for a Pod's."""
    return ("---\nkind: ConfigMap\napiVersion: v1\nmetadata: {name: kube-flannel-cfg, namespace: kube-flannel}\n"
            f'data:\n  net-conf.json: |\n    {{"Network": "{cidr}", "Backend": {{"Type": "vxlan"}}}}\n')


def server_pod(name, image="ghcr.io/example/web:1.0.0", port=8080):
    """A bare Pod of one container that serves on ``port``: what bare-pod tells to become a Deployment."""
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
    - name: web
      image: {image}
      ports: [{{containerPort: {port}}}]
      resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{memory: 64Mi}}}}
"""


def bare_pods_written(root, files: dict) -> set:
    """Write ``files`` ({path under root: text}) and review them together: the paths whose Pod gets bare-pod."""
    from pathlib import Path

    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    paths = sorted(root / name for name in files)
    report = REVIEWER.review(parse_inputs([(str(p), p.read_text()) for p in paths]), ReviewOptions())
    return {str(Path(f.file).relative_to(root)) for f in report.findings if f.id == "bare-pod"}


def write_repository(root, files: dict, version_control: bool = True):
    """A checkout at ``root`` (a .git folder unless ``version_control`` is false) holding ``files`` ({path: text})."""
    if version_control:
        (root / ".git").mkdir()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
