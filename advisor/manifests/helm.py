"""The design as a Helm chart: ``pod-advisor manifest FILE --format helm -o DIR``.

The templates are the objects and comments of the plain manifest (``Manifest.documents``)
with what a team changes per environment read from values.yaml: each image's repository and
tag (one value for an image several containers run), each workload's replicas and schedule,
each container's resources, whether it may run as root (``--allow-root-for``) and extra
environment variables, the port each Service offers, and the extension points a platform
expects of a chart: Pod annotations, a nodeSelector, tolerations, an affinity and
imagePullSecrets. With its default values the chart renders exactly the plain manifest's
objects. The design itself (which containers share a Pod, their roles and placement, the
controller, restartPolicy, the security context, probes, names and labels) is fixed in the
templates, with the comments that say why.

A value that changes more than itself (a container allowed to run as root changes the
Pod's security context; a second replica adds the spread over nodes and zones and the
PodDisruptionBudget) picks between objects ``build.py`` builds for each case, here with that
value changed (the answers evaluated again with two replicas), so the chart decides nothing
the plain manifest does not. Objects the answers put in a namespace go in the release's.
"""

from __future__ import annotations

import copy
import dataclasses
import json

from advisor import __version__
from advisor.domain.vocabulary import CONTROLLER_KINDS, REPLICATED_KINDS, pod_template_path
from advisor.manifests.build import MANAGED_BY, MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL, build_documents
from advisor.manifests.emit import Splice, Template, TemplateBlock, When, emit_stream
from advisor.manifests.files import image_parts, object_file, pod_spec_of, replace_labels, yaml_file
from advisor.manifests.why import findings_summary

CHART_VERSION = "0.1.0"  # the chart's own version; appVersion is the main container's tag
TWO_OR_MORE = "gt ($w.replicas | int) 1"
BESIDE = ("PodDisruptionBudget", "NetworkPolicy", "ServiceAccount")  # objects beside a workload, no Pods
# The values a platform expects to set on any chart's Pods: {value: (its default, its schema, what it does)}.
EXTENSIONS = {
    "podAnnotations": ({}, {"type": "object", "additionalProperties": {"type": "string"}},
                       "Annotations added to each Pod (a log or metrics agent's settings, for one)."),
    "nodeSelector": ({}, {"type": "object", "additionalProperties": {"type": "string"}},
                     "Node labels the Pods must run on (kubernetes.io/os: linux, a node pool's label)."),
    "tolerations": ([], {"type": "array", "items": {"type": "object"}},
                    "Tolerations added to the Pods', for nodes tainted for them (a dedicated pool)."),
    "affinity": ({}, {"type": "object"},
                 "An affinity for the Pods; given, it replaces the design's spread of replicas over nodes "
                 "(keep a podAntiAffinity in it to keep that)."),
    "imagePullSecrets": ([], {"type": "array", "items": {"type": "object", "required": ["name"],
                                                         "properties": {"name": {"type": "string", "minLength": 1}}}},
                         "Secrets with the credentials of a private registry: [{name: regcred}]."),
}
# A Kubernetes quantity (250m, 1Gi, 0.5): the API server's own pattern.
QUANTITY = r"^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"


def chart_files(manifest, comments: bool = True) -> dict[str, str]:
    """The chart's files, by path inside its folder."""
    return _Chart(manifest, comments).files()


def _go(text: str) -> str:
    """A Go template string literal."""
    return json.dumps(text)


def _container(name: str) -> str:
    return f"(index $w.containers {_go(name)})"


def _image(key: str) -> str:
    return f"(index $.Values.images {_go(key)})"


class _Chart:
    def __init__(self, manifest, comments: bool):
        self.manifest = manifest
        self.rec = manifest.recommendation
        self.name = self.rec.name
        self.comments = comments
        self.plans = {plan.name: plan for plan in self.rec.workloads}
        # The builder's objects for the cases values.yaml can choose.
        self.as_root = _by_object(build_documents(self.rec, True).documents)
        self.not_root = _by_object(build_documents(self.rec, False).documents)
        self.spread = _by_object(build_documents(_with_two_replicas(self.rec), manifest.root).documents)
        self.images, self.image_keys = _images(manifest.documents)

    def files(self) -> dict[str, str]:
        files = {"Chart.yaml": self.chart_yaml(), "values.yaml": self.values_yaml(),
                 "values.schema.json": json.dumps(self.schema(), indent=2) + "\n",
                 "templates/_helpers.tpl": self.helpers(), "templates/NOTES.txt": self.notes()}
        for doc in self.manifest.documents:
            files[f"templates/{object_file(doc.obj)}"] = self.template(doc)
        for key, doc in self.spread.items():  # a budget the default replicas do not need, for more
            if key[0] == "PodDisruptionBudget" and key not in _by_object(self.manifest.documents) \
                    and key[1] in self.plans:
                files[f"templates/{object_file(doc.obj)}"] = self.template(doc)
        return files

    # -- Chart.yaml ----------------------------------------------------------------------

    def chart_yaml(self) -> str:
        main = self.rec.main
        kinds = ", ".join(f"{plan.controller} {plan.name}" for plan in self.rec.workloads)
        chart = {"apiVersion": "v2", "name": self.name,
                 "description": f"{self.name} as pod-advisor designed it: {kinds}",
                 "type": "application", "version": CHART_VERSION}
        tag = image_parts(main.main.image)["tag"]
        if tag:
            chart["appVersion"] = tag
        chart["kubeVersion"] = f">={self.rec.kubernetes}.0-0"
        notes = {(): [f"The Helm chart of {self.name}, written by pod-advisor {__version__}{self._from()}."],
                 ("version",): ["The chart's own version: raise it when you change the chart."],
                 ("appVersion",): [f"The tag of {main.main.name}, the main container."],
                 ("kubeVersion",): [f"The manifests are checked against Kubernetes {self.rec.kubernetes}; "
                                    f"the -0 admits provider versions such as v{self.rec.kubernetes}.2-eks."]}
        return yaml_file(chart, self._kept(notes))

    # -- values.yaml and its schema ----------------------------------------------------------

    def values(self) -> tuple[dict, dict]:
        values: dict = {}
        notes: dict = {}
        for doc in self.manifest.documents:
            obj = doc.obj
            plan = self.plans[obj["metadata"]["name"]]
            here = ("workloads", plan.name)
            entry = values.setdefault(plan.name, {})
            if obj["kind"] in BESIDE:
                continue
            if obj["kind"] == "Service":
                if obj["spec"].get("ports"):
                    entry["service"] = {"ports": {p["name"]: p["port"] for p in obj["spec"]["ports"]}}
                    for p in obj["spec"]["ports"]:
                        notes[here + ("service", "ports", p["name"])] = [
                            f"The port clients of Service {plan.name} connect to; it forwards to port "
                            f"{p['targetPort']} of the Pod."]
                continue
            notes[here] = [self._workload_summary(plan)]
            if "replicas" in obj["spec"] and obj["kind"] != "Pod":
                entry["replicas"] = obj["spec"]["replicas"]
                notes[here + ("replicas",)] = [
                    "How many Pods; from 2 up they are spread over nodes where the scheduler can.",
                    *doc.comments.get(("spec", "replicas"), ())]
            if obj["kind"] == "CronJob":
                entry["schedule"] = obj["spec"]["schedule"]
                notes[here + ("schedule",)] = ["When it runs, in cron syntax (or @daily, @hourly, ...), in the "
                                               "time zone of the cluster's controller manager (often UTC)."]
            containers = entry["containers"] = {}
            for path, c in _container_paths(obj):
                containers[c["name"]] = {"resources": c["resources"], "allowRoot": c["name"] in self.manifest.root,
                                         "env": []}
                at = here + ("containers", c["name"])
                notes[at] = [self._container_summary(plan, c["name"])]
                notes[at + ("resources",)] = doc.comments.get(path + ("resources",), [])
                notes[at + ("allowRoot",)] = [
                    f"true lets {c['name']} run as root (Pod Security \"baseline\" instead of \"restricted\"), "
                    f"as `pod-advisor manifest --allow-root-for {c['name']}` writes it."]
                notes[at + ("env",)] = [f"Environment variables added to {c['name']}'s own, as Kubernetes writes "
                                        f"them: [{{name: LOG_LEVEL, value: debug}}], or with valueFrom."]
        for name, entry in values.items():
            for key, (default, _, what) in EXTENSIONS.items():
                entry[key] = copy.deepcopy(default)
                notes[("workloads", name, key)] = [what]
        images = {}
        for key, parts in self.images.items():
            images[key] = parts
            users = [name for name, used in self.image_keys.items() if used == key]
            notes[("images", key)] = [f"The image {_and(users)} run{'s' if len(users) == 1 else ''}: one value "
                                      f"for every container that runs it."]
            found = next(((image, said) for name, image, said in self._image_comment_paths() if name in users), None)
            if found is not None:
                image, said = found
                notes[("images", key)] += [*said, f"The user it runs as and the folders it may write (templates/) "
                                                  f"are those of {_shown(image)}: another image may need others "
                                                  f"(pod-advisor explain IMAGE)."]
        values = {"images": images, "workloads": values}
        notes[()] = self._values_header()
        notes[("images",)] = ["The images the containers run, by name: repository, tag (in quotes), and digest "
                              "where one pins it."]
        notes[("workloads",)] = ["One entry per workload, named as its objects are."]
        return values, notes

    def _image_comment_paths(self):
        """(container, its image, the comments at its image in the plain manifest) of every container."""
        for doc in self.manifest.documents:
            if doc.obj["kind"] in CONTROLLER_KINDS:
                for path, c in _container_paths(doc.obj):
                    yield c["name"], c["image"], doc.comments.get(path + ("image",), [])

    def values_yaml(self) -> str:
        values, notes = self.values()
        return yaml_file(values, self._kept(notes))

    def schema(self) -> dict:
        values, _ = self.values()
        workloads = {}
        for name, entry in values["workloads"].items():
            properties: dict = {}
            if "replicas" in entry:
                properties["replicas"] = {"type": "integer", "minimum": 0}
            if "schedule" in entry:
                properties["schedule"] = {"type": "string", "minLength": 1}
            properties["containers"] = _closed({c: _container_schema() for c in entry["containers"]})
            if "service" in entry:
                ports = {p: {"type": "integer", "minimum": 1, "maximum": 65535} for p in entry["service"]["ports"]}
                properties["service"] = _closed({"ports": _closed(ports)})
            for key, (_, schema, what) in EXTENSIONS.items():
                properties[key] = {**schema, "description": what}
            workloads[name] = _closed(properties, description=self._workload_summary(self.plans[name]))
        images = _closed({key: _image_schema(parts) for key, parts in values["images"].items()})
        return {"$schema": "http://json-schema.org/draft-07/schema#",
                "title": f"Values of the {self.name} chart",
                **_closed({"images": images, "workloads": _closed(workloads)})}

    # -- templates -------------------------------------------------------------------------------

    def helpers(self) -> str:
        part_of, managed = _go(self.name), _go(MANAGED_BY)
        return "\n".join([
            "{{/*",
            f"Labels and images of {self.name}'s objects. Their names are the design's own, not the",
            "release's: other workloads reach a Service by its name.",
            "*/}}",
            "",
            "{{/* The labels a workload's selector and its Service select; the argument is its name. */}}",
            f'{{{{- define "{self.name}.selectorLabels" -}}}}',
            f"{NAME_LABEL}: {{{{ . | quote }}}}",
            f"{PART_OF_LABEL}: {part_of}",
            "{{- end }}",
            "",
            "{{/* The labels of every object of a workload; the argument is its name. */}}",
            f'{{{{- define "{self.name}.labels" -}}}}',
            f'{{{{ include "{self.name}.selectorLabels" . }}}}',
            f"{MANAGED_BY_LABEL}: {managed}",
            "{{- end }}",
            "",
            "{{/* An image reference from a container's values: repository[:tag][@digest]. */}}",
            f'{{{{- define "{self.name}.image" -}}}}',
            "{{ .repository }}{{ with .tag }}:{{ . }}{{ end }}{{ with .digest }}@{{ . }}{{ end }}",
            "{{- end }}",
            ""])

    def template(self, doc) -> str:
        obj = doc.obj
        plan = self.plans[obj["metadata"]["name"]]
        comments = dict(doc.comments)
        obj = _escaped(self._labelled(obj, plan))
        if "namespace" in obj["metadata"]:
            obj["metadata"]["namespace"] = Template("{{ .Release.Namespace | quote }}")
        if obj["kind"] == "Service":
            for port in obj["spec"].get("ports", ()):
                port["port"] = Template(f"{{{{ index $w.service.ports {_go(port['name'])} | int }}}}")
        elif obj["kind"] in CONTROLLER_KINDS:
            self._parametrise_workload(obj, plan, comments)
        head = [f"{{{{- /* {obj['kind']} {plan.name}. What changes per environment comes from values.yaml, "
                f"under workloads.{plan.name}; the rest is the design. */}}}}",
                f"{{{{- $w := index .Values.workloads {_go(plan.name)} }}}}"]
        body = emit_stream([(obj, self._kept(comments, template=True))])
        if obj["kind"] == "PodDisruptionBudget":  # one replica has nothing to keep available
            return "\n".join(head + [f"{{{{- if {TWO_OR_MORE} }}}}"]) + "\n" + body + "{{- end }}\n"
        return "\n".join(head) + "\n" + body

    def _labelled(self, value, plan):
        """``value`` with the workload's labels and selector written by the helpers."""
        return replace_labels(value, self.name, plan.name,
                              labels=lambda _: TemplateBlock(f'include "{self.name}.labels" {_go(plan.name)}'),
                              selector=lambda m: TemplateBlock(f'include "{self.name}.selectorLabels" '
                                                               f'{_go(m[NAME_LABEL])}'))

    def _parametrise_workload(self, obj: dict, plan, comments: dict) -> None:
        key = (obj["kind"], plan.name)
        spec = obj["spec"]
        if "replicas" in spec and obj["kind"] != "Pod":
            spec["replicas"] = Template("{{ $w.replicas | int }}")
        if obj["kind"] == "CronJob":
            spec["schedule"] = Template("{{ $w.schedule | quote }}")
        pod = pod_spec_of(obj)
        root_pod, plain_pod = pod_spec_of(self.as_root[key].obj), pod_spec_of(self.not_root[key].obj)
        names = []
        for placement in ("initContainers", "containers"):
            for i, entry in enumerate(pod.get(placement, ())):
                name = entry["name"]
                names.append(name)
                c = _container(name)
                entry["image"] = Template(f'{{{{ include "{self.name}.image" {_image(self.image_keys[name])} '
                                          f'| quote }}}}')
                entry["resources"] = TemplateBlock(f"toYaml {c}.resources")
                _add_env(entry, f"{c}.env")
                pod[placement][i] = _choose(entry, f"{c}.allowRoot", root_pod[placement][i], plain_pod[placement][i],
                                            keys=("securityContext",))
        anyone = " ".join(f"{_container(n)}.allowRoot" for n in names)
        any_root = f"or {anyone}" if len(names) > 1 else anyone
        pod["securityContext"] = _choose(pod["securityContext"], f"not ({any_root})",
                                         plain_pod["securityContext"], root_pod["securityContext"])
        spread: dict = {}  # what two or more replicas add to the Pod: the spread over nodes and zones
        if obj["kind"] in REPLICATED_KINDS and "replicas" in spec:
            path = pod_template_path(obj["kind"]) + ("spec",)
            wider = pod_spec_of(self.spread[key].obj)
            for field in ("affinity", "topologySpreadConstraints"):
                if field in wider:
                    spread[field] = self._labelled(wider[field], plan)
                    for where, text in self.spread[key].comments.items():
                        if where[:len(path) + 1] == path + (field,):
                            comments.setdefault(where, text)
        self._extension_points(obj, pod, spread)

    def _extension_points(self, obj: dict, pod: dict, spread: dict) -> None:
        """The values a platform sets on any chart's Pods, placed in the Pod (and its template's metadata)."""
        meta = obj["metadata"] if obj["kind"] == "Pod" else obj["spec"]["template"]["metadata"] \
            if obj["kind"] != "CronJob" else obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"]
        if "annotations" in meta:
            meta["annotations"][Splice("$w.podAnnotations")] = None
        else:
            meta[When("$w.podAnnotations")] = {"annotations": TemplateBlock("toYaml $w.podAnnotations")}
        added: dict = {}
        design_affinity = spread.pop("affinity", None)
        if design_affinity is not None:
            added[When("not $w.affinity", {"affinity": TemplateBlock("toYaml $w.affinity")})] = {
                When(TWO_OR_MORE): {"affinity": design_affinity}}
        else:
            added[When("$w.affinity")] = {"affinity": TemplateBlock("toYaml $w.affinity")}
        if spread:
            added[When(TWO_OR_MORE)] = spread
        if "tolerations" in pod:
            added["tolerations"] = [*pod.pop("tolerations"), Splice("$w.tolerations")]
        else:
            added[When("$w.tolerations")] = {"tolerations": TemplateBlock("toYaml $w.tolerations")}
        added[When("$w.nodeSelector")] = {"nodeSelector": TemplateBlock("toYaml $w.nodeSelector")}
        added[When("$w.imagePullSecrets")] = {"imagePullSecrets": TemplateBlock("toYaml $w.imagePullSecrets")}
        rest = {k: v for k, v in pod.items() if k not in ("affinity", "topologySpreadConstraints")}
        pod.clear()
        for k, v in rest.items():
            if k == "volumes":
                pod.update(added)
                added = {}
            pod[k] = v
        pod.update(added)

    # -- NOTES.txt -------------------------------------------------------------------------------

    def notes(self) -> str:
        lines = [f"{self.name} is installed: release {{{{ .Release.Name }}}} in namespace "
                 f"{{{{ .Release.Namespace }}}}.", ""]
        namespace = "{{ .Release.Namespace }}"
        services = {d.obj["metadata"]["name"]: d.obj for d in self.manifest.documents if d.obj["kind"] == "Service"}
        for plan in self.rec.workloads:
            w = f"(index .Values.workloads {_go(plan.name)})"
            if plan.controller in REPLICATED_KINDS:
                lines.append(f"{plan.name}: a {plan.controller} of {{{{ {w}.replicas }}}} replicas.")
            elif plan.controller == "CronJob":
                lines.append(f"{plan.name}: a CronJob, on the schedule {{{{ {w}.schedule | quote }}}}; its runs: "
                             f"kubectl get jobs --namespace {namespace} -l {NAME_LABEL}={plan.name}")
            elif plan.controller == "Job":
                lines.append(f"{plan.name}: a Job; its logs: kubectl logs --namespace {namespace} job/{plan.name} "
                             f"--all-containers")
            elif plan.controller == "DaemonSet":
                lines.append(f"{plan.name}: a DaemonSet, one Pod on each node: kubectl get pods --namespace "
                             f"{namespace} -l {NAME_LABEL}={plan.name} -o wide")
            else:
                lines.append(f"{plan.name}: a bare Pod: kubectl exec --namespace {namespace} -it {plan.name} -- sh")
            service = services.get(plan.name)
            if service is not None:
                ports = [p["name"] for p in service["spec"].get("ports", ())]
                port = f"{{{{ index {w}.service.ports {_go(ports[0])} }}}}" if ports else None
                host = f"{plan.name}.{namespace}.svc.cluster.local"
                if plan.service == "headless":
                    first = f"{plan.name}-0.{host}"
                    lines.append(f"  Its Pods have stable DNS names (headless Service {plan.name}): {first}"
                                 f"{':' + port if port else ''}, {plan.name}-1..., from inside the cluster.")
                else:
                    lines.append(f"  Inside the cluster: {host}:{port} (Service {plan.name}).")
                if port:
                    lines.append(f"  From your machine: kubectl port-forward --namespace {namespace} "
                                 f"service/{plan.name} 8080:{port}, then localhost:8080.")
        return "\n".join(lines) + "\n"

    # -- shared --------------------------------------------------------------------------------------

    def _kept(self, comments: dict, template: bool = False) -> dict:
        """The comments to write (none with --no-comments); in a template, each ``{{`` written as
        Go's template language prints one (``{{ "{{" }}``), so that Helm shows the text as it is."""
        if not self.comments:
            return {}
        return {path: [t.replace("{{", '{{ "{{" }}') if template else t for t in texts]
                for path, texts in comments.items() if texts}

    def _from(self) -> str:
        return f" from {self.manifest.source}" if self.manifest.source else ""

    def _values_header(self) -> list[str]:
        return [f"Values of the {self.name} chart, written by pod-advisor {__version__}{self._from()}. With these "
                f"values the chart renders what `pod-advisor manifest` writes, for Kubernetes {self.rec.kubernetes}. "
                f"Change them per environment (helm install -f production.yaml, or --set "
                f"workloads.{self.rec.main.name}.{'replicas=3' if 'replicas' in self._main_values() else '...'}); "
                f"the design itself is in templates/, and values.schema.json refuses a value of the wrong type.",
                f"Findings: {findings_summary(self.rec)}.",
                *(f"TO DO: {note}." for note in self.manifest.notes)]

    def _main_values(self) -> dict:
        return next((d.obj["spec"] for d in self.manifest.documents
                     if d.obj["metadata"]["name"] == self.rec.main.name and d.obj["kind"] != "Service"), {})

    def _workload_summary(self, plan) -> str:
        names = ", ".join(c.name for c in plan.containers)
        return f"The {plan.controller} {plan.name} (restartPolicy {plan.restart_policy}): {names}."

    def _container_summary(self, plan, name: str) -> str:
        c = next(c for c in plan.containers if c.name == name)
        where = "a native sidecar, in initContainers" if c.native_sidecar else c.placement
        return f"{name}: {c.role} ({where})."


def _shown(image: str) -> str:
    return image if image.isascii() else image.encode("ascii", "backslashreplace").decode()


def _by_object(documents) -> dict:
    """(kind, name) -> the builder's document of that object."""
    return {(d.obj["kind"], d.obj["metadata"]["name"]): d for d in documents}


def _container_paths(obj: dict):
    """(path, entry) of each container of a workload object, init containers first."""
    base = pod_template_path(obj["kind"]) + ("spec",)
    spec = pod_spec_of(obj)
    for placement in ("initContainers", "containers"):
        for i, entry in enumerate(spec.get(placement, ())):
            yield base + (placement, i), entry


def _choose(default: dict, condition: str, then: dict, otherwise: dict, keys=None) -> dict:
    """``default`` with the entries that differ between ``then`` and ``otherwise`` (only ``keys``, if
    given) written under ``{{- if condition }}``: ``then``'s when it holds, else ``otherwise``'s."""
    differ = [k for k in {**then, **otherwise} if then.get(k) != otherwise.get(k) and (keys is None or k in keys)]
    if not differ:
        return default
    when = When(condition, {k: otherwise[k] for k in differ if k in otherwise})
    chosen = {k: then[k] for k in differ if k in then}
    if not chosen:  # nothing to write when it holds: say when not
        when, chosen = When(f"not ({condition})"), when.otherwise
    out, placed = {}, False
    for k, v in default.items():
        if k in differ:
            if not placed:
                out[when] = chosen
                placed = True
        else:
            out[k] = v
    if not placed:
        out = {when: chosen, **out}
    return out


def _closed(properties: dict, description: str | None = None) -> dict:
    schema = {"type": "object"}
    if description:
        schema["description"] = description
    schema.update({"properties": properties, "required": list(properties), "additionalProperties": False})
    return schema


def _container_schema() -> dict:
    quantity = {"type": ["string", "number"], "pattern": QUANTITY}
    amounts = {"type": "object", "additionalProperties": quantity}
    env = {"type": "array", "items": {"type": "object", "required": ["name"],
                                      "properties": {"name": {"type": "string", "minLength": 1}}}}
    return _closed({"resources": {"type": "object", "properties": {"requests": amounts, "limits": amounts},
                                  "additionalProperties": False},
                    "allowRoot": {"type": "boolean"}, "env": env})


def _image_schema(parts: dict) -> dict:
    from advisor.domain import image_reference as grammar  # the parts as the kubelet parses them

    image = {"repository": {"type": "string", "pattern": grammar.REPOSITORY_PATTERN},
             "tag": {"type": "string", "pattern": grammar.TAG_PATTERN}}
    if "digest" in parts:
        image["digest"] = {"type": "string", "pattern": grammar.DIGEST_PATTERN}
    schema = _closed(image)
    if "digest" not in parts:  # 64 hex digits alone are an image ID, not a name
        schema["not"] = {"properties": {"repository": {"pattern": "^[a-f0-9]{64}$"}, "tag": {"maxLength": 0}}}
    return schema


def _images(documents) -> tuple[dict, dict]:
    """({key: image parts}, {container: key}): one key per image reference, named after the first
    container that runs it, so that one value sets it for every container."""
    images: dict = {}
    keys: dict = {}
    by_reference: dict = {}
    for doc in documents:
        if doc.obj["kind"] not in CONTROLLER_KINDS:
            continue
        for _, c in _container_paths(doc.obj):
            key = by_reference.setdefault(c["image"], c["name"])
            keys[c["name"]] = key
            images.setdefault(key, image_parts(c["image"]))
    return images, keys


def _with_two_replicas(rec):
    """The recommendation for the same answers with two replicas wherever one was asked for: what a
    chart installed with more replicas renders (the rules decide the spread and the budget)."""
    from advisor.engine import evaluate  # the engine loads once, and only for a chart

    answers = rec.answers
    if answers is None:  # no answers to evaluate again: the same plans with two replicas
        return dataclasses.replace(rec, workloads=[
            dataclasses.replace(plan, replicas=2) if plan.controller in REPLICATED_KINDS and plan.replicas == 1
            else plan for plan in rec.workloads])
    single = {plan.main_index for plan in rec.workloads if plan.controller in REPLICATED_KINDS and plan.replicas == 1}
    if not single:
        return rec
    main = answers.main.index
    return evaluate(answers.with_changes(
        replicas=2 if main in single else answers.replicas,
        containers=tuple(dataclasses.replace(c, replicas=2) if c.index in single and c.index != main else c
                         for c in answers.containers)))


def _add_env(entry: dict, values: str) -> None:
    """A container's env, with the extra variables of ``values`` after the design's own."""
    if "env" in entry:
        entry["env"] = [*entry["env"], Splice(values)]
        return
    added = {}
    for key, value in entry.items():
        added[key] = value
        if key == next(k for k in ("args", "command", "image") if k in entry):
            added[When(values)] = {"env": TemplateBlock(f"toYaml {values}")}
    entry.clear()
    entry.update(added)


def _and(names: list) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _escaped(value):
    """Strings of the objects with ``{{`` written so that Helm prints them rather than runs them."""
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, str) and not isinstance(value, Template) and ("{{" in value or "}}" in value):
        return Template(f"{{{{ {_go(value)} | quote }}}}")
    return value
