"""The recommendation as Kubernetes objects, with the comments that say why.

This module follows the recommendation; it decides nothing the rules decide.
What it adds are the starter values every manifest needs and the rules leave
open: labels, conservative resources where the answers give none, the
restricted security context, a TCP readiness probe, Job clean-up, and storage
for a StatefulSet. Each is a constant below, explained in the YAML it writes.

What each container's image needs to start under that security context (its user,
the paths it writes under a read-only root filesystem) comes from the image
catalogue, through advisor.kb.starts: a container is given the UID its image
runs as, or one known to work, and an emptyDir for each path its image writes; an
image that needs root keeps runAsNonRoot and gets a note (``Built.notes``) that says
it will not start and what to do; an image the catalogue does not know gets what is
known to be safe and a comment that names the assumption.
"""

from __future__ import annotations

from dataclasses import field
from typing import Collection

from advisor.domain import annotations as keys
from advisor.domain.recommendation import ContainerPlan, Recommendation, WorkloadPlan
from advisor.domain.vocabulary import (
    API_VERSIONS,
    CONTAINER,
    IMAGE,
    LONG_RUNNING_KINDS,
    OBJECT,
    REPLICAS,
    REPLICATED_KINDS,
    RESOURCES,
    RESTART,
    SERVICE,
)
from advisor.kb.starts import STARTER_MEMORY, Start, covered, env_given, plan_start, volume_name
from advisor.manifests import operations
from advisor.manifests.why import Why
from advisor.system.errors import InputError, Problem, did_you_mean
from advisor.system.records import record

MANAGED_BY = "pod-advisor"
NAME_LABEL, PART_OF_LABEL, MANAGED_BY_LABEL = \
    "app.kubernetes.io/name", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by"
STARTER_CPU = "100m"  # STARTER_MEMORY (128Mi) is advisor.kb.starts', where the image catalogue checks against it
STARTER_STORAGE = "1Gi"
SHARED_VOLUME, SHARED_PATH = "shared", "/shared"
DATA_VOLUME, DATA_PATH = "data", "/data"
FS_GROUP = 2000  # the Pod's fsGroup when no container's group is known
BACKOFF_LIMIT = 3
HISTORY_LIMIT = 3
STARTING_DEADLINE = 3600  # a run the controller missed may start up to an hour late
# What a root entrypoint typically needs to set up its files and switch to its own user;
# all inside the "baseline" Pod Security Standard.
ROOT_CAPABILITIES = ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID", "NET_BIND_SERVICE"]


@record
class Document:
    obj: dict
    comments: dict[tuple, list[str]] = field(default_factory=dict)

    def note(self, path: tuple, *texts: str) -> None:
        if texts:
            self.comments.setdefault(path, []).extend(texts)


@record
class Built:
    documents: list[Document]
    notes: list[str]  # what the reader must do before applying, also said on stderr
    root: frozenset[str]  # containers allowed to run as root


def build_documents(recommendation: Recommendation, allow_root: bool | Collection[str] = False) -> Built:
    """Every object of the recommendation, in order: each workload, then its Service."""
    names = [c.name for w in recommendation.workloads for c in w.containers]
    if allow_root is True:
        root = frozenset(names)
    else:
        root = frozenset(allow_root or ())
        unknown = sorted(root - set(names))
        if unknown:
            raise InputError(Problem(f"--allow-root-for: no container {unknown[0]!r} in the answers",
                                     file=recommendation.source, hint=did_you_mean(unknown[0], names)))
    writer = _Writer(recommendation, Why(recommendation), root)
    documents = []
    for plan in recommendation.workloads:
        documents.append(writer.workload(plan))
        service = writer.service(plan)
        if service is not None:
            documents.append(service)
        documents += operations.beside(plan, writer.why, writer.metadata, writer.selector(plan), Document)
        writer.notes += operations.notes(plan, root)
    writer.notes += operations.referenced(recommendation.workloads)
    return Built(documents, writer.notes, root)


def selector_labels(part_of: str, name: str) -> dict:
    """What a workload's selector and its Service's select: its name, within the design ``part_of``."""
    return {NAME_LABEL: name, PART_OF_LABEL: part_of}


def object_labels(part_of: str, name: str) -> dict:
    """The labels of every object of the workload ``name``: its selector's, and who manages it."""
    return {**selector_labels(part_of, name), MANAGED_BY_LABEL: MANAGED_BY}


class _Writer:
    def __init__(self, recommendation: Recommendation, why: Why, root: frozenset[str]):
        self.rec = recommendation
        self.why = why
        self.root = root
        self.notes: list[str] = []

    # -- labels ------------------------------------------------------------------

    def selector(self, plan: WorkloadPlan) -> dict:
        return selector_labels(self.rec.name, plan.name)

    def labels(self, plan: WorkloadPlan) -> dict:
        return object_labels(self.rec.name, plan.name)

    def metadata(self, plan: WorkloadPlan, annotations: dict | None = None) -> dict:
        meta = {"name": plan.name, "labels": self.labels(plan)}
        if annotations:
            meta["annotations"] = annotations
        operations.namespace(plan, meta)
        return meta

    # -- workloads -----------------------------------------------------------------

    def workload(self, plan: WorkloadPlan) -> Document:
        kind = plan.controller
        doc = Document({"apiVersion": API_VERSIONS[kind], "kind": kind})
        doc.note((), *self.why.at(plan.name, OBJECT))
        # What review would otherwise guess, stated on each workload: its version, and an experiment.
        stated = {keys.KUBERNETES: self.rec.kubernetes, **operations.stated_annotations(plan)}
        if self.rec.environment == "experiment":
            stated[keys.ENVIRONMENT] = "experiment"
        if kind == "Pod":
            doc.obj["metadata"] = self.metadata(plan, {**self._pod_annotations(plan), **stated})
            operations.namespace_note(plan, doc, self.why)
            doc.obj["spec"] = self.pod_spec(plan, doc, ("spec",))
            return doc
        doc.obj["metadata"] = self.metadata(plan, stated)
        operations.namespace_note(plan, doc, self.why)
        template = {"metadata": {"labels": self.labels(plan)}}
        annotations = self._pod_annotations(plan)
        if annotations:
            template["metadata"]["annotations"] = annotations
        if kind == "CronJob":
            doc.obj["spec"] = spec = {"schedule": plan.schedule}
            doc.note(("spec", "schedule"),
                     "The schedule runs in the time zone of the cluster's controller manager (often UTC); set "
                     "spec.timeZone (such as Europe/Berlin) to pin one.")
            spec["concurrencyPolicy"] = "Forbid"
            doc.note(("spec", "concurrencyPolicy"),
                     "Forbid: a run that comes due while the last one still runs does not start beside it; it "
                     "counts as missed, and may still start when the last one ends, within "
                     "startingDeadlineSeconds.")
            spec["startingDeadlineSeconds"] = STARTING_DEADLINE
            doc.note(("spec", "startingDeadlineSeconds"),
                     "A missed run (the controller was down, or Forbid held it behind a run still going) may "
                     "still start up to an hour late; later than that it is skipped. Lower it if a late run is "
                     "worse than none.")
            spec["successfulJobsHistoryLimit"] = HISTORY_LIMIT
            spec["failedJobsHistoryLimit"] = HISTORY_LIMIT
            doc.note(("spec", "successfulJobsHistoryLimit"),
                     f"Keeps the newest {HISTORY_LIMIT} finished Jobs of each outcome, and deletes older ones.",
                     *operations.cleanup_comment(plan, self.why))
            job = self._job_spec(plan, doc, ("spec", "jobTemplate", "spec"))
            spec["jobTemplate"] = {"metadata": {"labels": self.labels(plan)}, "spec": job}
            path = ("spec", "jobTemplate", "spec", "template")
            job["template"] = template
        elif kind == "Job":
            doc.obj["spec"] = self._job_spec(plan, doc, ("spec",))
            path = ("spec", "template")
            doc.obj["spec"]["template"] = template
        else:
            doc.obj["spec"] = spec = {}
            if kind == "StatefulSet":
                spec["serviceName"] = plan.name
                doc.note(("spec", "serviceName"),
                         f"The headless Service {plan.name} below gives each replica its DNS name "
                         f"({plan.name}-0.{plan.name}, ...).")
            if plan.replicas is not None:
                spec["replicas"] = plan.replicas
                doc.note(("spec", "replicas"), *self.why.at(plan.name, REPLICAS))
            spec["selector"] = {"matchLabels": self.selector(plan)}
            operations.workload_spec(plan, spec, doc, self.why)
            spec["template"] = template
            path = ("spec", "template")
        template["spec"] = self.pod_spec(plan, doc, path + ("spec",))
        if kind == "StatefulSet":
            doc.obj["spec"]["volumeClaimTemplates"] = [{
                "metadata": {"name": DATA_VOLUME, "labels": self.labels(plan)},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": STARTER_STORAGE}}},
            }]
            main_start = plan_start(plan.main.image)
            data_path = self._data_path(plan, {plan.main.name: main_start})
            where = (f"where {main_start.shown} keeps its data, by pod-advisor's image catalogue"
                     if data_path != DATA_PATH else "set mountPath to where it keeps its data")
            doc.note(("spec", "volumeClaimTemplates", 0),
                     f"Each replica gets a volume of its own that outlives its Pod, mounted at {data_path} in "
                     f"{plan.main.name}: {where}; set the size it needs (on the cluster's default storage "
                     f"class; set storageClassName to pick another).")
        return doc

    def _job_spec(self, plan: WorkloadPlan, doc: Document, path: tuple) -> dict:
        doc.note(path + ("backoffLimit",), "Retries before the Job gives up and counts as failed (the default is "
                                           "6); a retry starts the work over, so it must be safe to repeat.")
        spec = {"backoffLimit": BACKOFF_LIMIT}
        operations.job_spec(plan, spec, doc, path, self.why)
        return spec

    def _pod_annotations(self, plan: WorkloadPlan) -> dict:
        annotations = {}
        if len(plan.containers) > 1:
            annotations[keys.DEFAULT_CONTAINER] = plan.main.name
        for c in plan.containers:
            key = keys.PURPOSE + c.name
            if c.role != "main" and c.purpose and len(key.split("/", 1)[1]) <= 63:
                annotations[key] = c.purpose
            key = keys.SAME_NODE + c.name
            if c.role != "main" and c.same_node and len(key.split("/", 1)[1]) <= 63:
                annotations[key] = "true"
        return annotations

    # -- the Pod -----------------------------------------------------------------------

    def pod_spec(self, plan: WorkloadPlan, doc: Document, path: tuple) -> dict:
        spec: dict = {"restartPolicy": plan.restart_policy}
        doc.note(path + ("restartPolicy",), *self.why.at(plan.name, RESTART))
        spec["enableServiceLinks"] = False
        doc.note(path + ("enableServiceLinks",),
                 "No Docker-link variables (such as POSTGRES_PORT=tcp://...) for every Service of the "
                 "namespace: they clash with settings of the same name. Reach Services by their DNS names.")
        root = self._root_of(plan)
        init = plan.init_order
        regular = sorted((c for c in plan.containers if c.placement == "containers"), key=lambda c: c.role != "main")
        starts = {c.name: plan_start(c.image) for c in plan.containers}
        for c in init + regular:
            note = starts[c.name].note(c.name)
            if note is not None and c.name not in self.root and note not in self.notes:
                self.notes.append(note)
            note = starts[c.name].memory_note(c.name, c.memory)
            if note is not None and note not in self.notes:
                self.notes.append(note)
            note = starts[c.name].env_note(c.name, env_given(c.env), c.command, c.args)
            if note is not None and note not in self.notes:
                self.notes.append(note)
            note = starts[c.name].flags_note(c.name, c.command, c.args)
            if note is not None and note not in self.notes:
                self.notes.append(note)
        volumes = self._volumes(plan, init + regular, starts)
        context: dict = {} if root else {"runAsNonRoot": True}
        context["seccompProfile"] = {"type": "RuntimeDefault"}
        fs_group = self._fs_group(plan, starts) if volumes.pod or plan.controller == "StatefulSet" else None
        if fs_group is not None:
            context["fsGroup"] = fs_group
        if plan.controller == "StatefulSet":
            context["fsGroupChangePolicy"] = "OnRootMismatch"
        spec["securityContext"] = context
        doc.note(path + ("securityContext",), *self._security_comment(plan, root, fs_group))
        probed = self._probed(plan)
        for placement, group in (("initContainers", init), ("containers", regular)):
            if group:
                spec[placement] = []
                for i, c in enumerate(group):
                    spec[placement].append(self.container(plan, c, probed, doc, path + (placement, i), starts[c.name],
                                                          volumes))
        if plan.controller in REPLICATED_KINDS and (plan.replicas or 1) > 1:
            spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                "weight": 100,
                "podAffinityTerm": {"labelSelector": {"matchLabels": self.selector(plan)},
                                    "topologyKey": "kubernetes.io/hostname"}}]}}
            doc.note(path + ("affinity",),
                     f"Replicas on different nodes where the scheduler can, so one node going down takes one "
                     f"replica with it, not all {plan.replicas}; preferred, so scheduling never waits for it.")
        if volumes.pod:
            spec["volumes"] = []
            for volume, comment in volumes.pod:
                doc.note(path + ("volumes", len(spec["volumes"])), comment)
                spec["volumes"].append(volume)
        return operations.pod_spec(plan, spec, doc, path, self.why, self.selector(plan))

    def _volumes(self, plan: WorkloadPlan, ordered: list[ContainerPlan], starts: dict[str, Start]) -> "_Volumes":
        """The Pod's volumes: the shared one, then an emptyDir for each path a container's image writes
        that no other volume of it holds; and each container's mounts."""
        found = _Volumes()
        taken = {SHARED_VOLUME, DATA_VOLUME}
        if plan.shares_volume:
            sharing = [plan.main.name] + [c.name for c in plan.containers if c.shares_volume]
            found.pod.append(({"name": SHARED_VOLUME, "emptyDir": {}},
                              f"One emptyDir holds the files {_and(sharing)} share, mounted at {SHARED_PATH} in "
                              f"each: point them at it (or change the mountPaths). It lives as long as the Pod."))
        for c in ordered:
            mounts = found.mounts[c.name] = []
            if plan.shares_volume and (c.role == "main" or c.shares_volume):
                mounts.append({"name": SHARED_VOLUME, "mountPath": SHARED_PATH})
            if plan.controller == "StatefulSet" and c.role == "main":
                mounts.append({"name": DATA_VOLUME, "mountPath": self._data_path(plan, starts)})
            start = starts[c.name]
            for where in start.volume_writes:
                if covered(where, [m["mountPath"] for m in mounts]):
                    continue
                name = volume_name(c.name, where, taken)
                mounts.append({"name": name, "mountPath": where})
                said = "writes" if start.writes_known else "is assumed to write"
                why = (": an emptyDir there keeps those files out of the container's own layer and lives as long "
                       "as the Pod." if start.ships else ", which its read-only root filesystem cannot hold: an "
                       "emptyDir there, which lives as long as the Pod.")
                found.pod.append(({"name": name, "emptyDir": {}}, f"{c.name} {said} to {where}{why}"))
        return found

    def _data_path(self, plan: WorkloadPlan, starts: dict[str, Start]) -> str:
        """Where the main container of a StatefulSet keeps its data: its image's data folder, by the
        catalogue, else DATA_PATH."""
        return starts[plan.main.name].data_path or DATA_PATH

    def _fs_group(self, plan: WorkloadPlan, starts: dict[str, Start]) -> int:
        """The group the Pod's volumes are made writable for: the main container's, else the first
        container's with a known non-root group, else FS_GROUP."""
        order = [plan.main] + [c for c in plan.containers if c.role != "main"]
        # a group 0 (Elasticsearch's 1000:0) is no group to hand volumes to: its UID then
        return next((starts[c.name].gid or starts[c.name].uid for c in order if starts[c.name].uid is not None),
                    FS_GROUP)

    def _root_of(self, plan: WorkloadPlan) -> list[str]:
        """The containers of ``plan`` allowed to run as root."""
        return [c.name for c in plan.containers if c.name in self.root]

    def _security_comment(self, plan: WorkloadPlan, root: list[str], fs_group: int | None) -> list[str]:
        if len(root) == len(plan.containers):
            text = ("Run as root (--allow-root): the Pod meets the \"baseline\" Pod Security Standard, not "
                    "\"restricted\". Each container still drops every capability but the few a root "
                    "entrypoint needs to set up its files and switch to its own user.")
        else:
            who = f"every container but {_and(root)}, which may run as root (\"baseline\")" if root else \
                "every container"
            text = ("Pod Security \"restricted\": no root, no privilege escalation, no capabilities, the "
                    f"runtime's seccomp profile, on {who}. The kubelet starts a container under runAsNonRoot "
                    "only when it knows its UID is not 0: each container's comment says which UID it runs as "
                    "and why, from pod-advisor's image catalogue.")
        if fs_group is not None:
            what = "the data volume" if plan.controller == "StatefulSet" else "the Pod's volumes"
            text += (f" fsGroup {fs_group} makes {what} writable for group {fs_group}, which every container of "
                     f"the Pod joins.")
        return [text]

    def _probed(self, plan: WorkloadPlan) -> tuple[ContainerPlan, int] | None:
        """The container that receives the Pod's traffic and its port: the Service's target, else the main one."""
        if not (plan.controller in LONG_RUNNING_KINDS or plan.controller == "Pod" and plan.restart_policy == "Always"):
            return None
        candidates = [plan.main] + [c for c in plan.containers if c.role != "main" and c.role != "init"]
        for port in plan.service_ports:
            for c in candidates:
                if port in c.ports:
                    return c, port
        return (plan.main, plan.main.ports[0]) if plan.main.ports else None

    def container(self, plan: WorkloadPlan, c: ContainerPlan, probed, doc: Document, path: tuple, start: Start,
                  volumes: "_Volumes") -> dict:
        doc.note(path, *self.why.at(plan.name, CONTAINER, c.name))
        entry: dict = {"name": c.name, "image": c.image}
        doc.note(path + ("image",), *self.why.at(plan.name, IMAGE, c.name))
        if c.restart_policy:
            entry["restartPolicy"] = c.restart_policy
        if c.ports:
            entry["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in c.ports]
            low = [p for p in c.ports if p < 1024]
            if low and c.name not in self.root:
                doc.note(path + ("ports",),
                         f"Port {_and(low)} is below 1024: a non-root process binds it only where the runtime "
                         f"allows it (sysctl net.ipv4.ip_unprivileged_port_start); a port from 1024 up works "
                         f"everywhere.")
        if c.readiness is not None:  # readiness-from-health wrote it (advisor.manifests.operations)
            probed = None
        if probed is not None and probed[0] is c:
            entry["readinessProbe"] = {"tcpSocket": {"port": probed[1]}, "periodSeconds": 10}
            doc.note(path + ("readinessProbe",),
                     f"Ready once it accepts connections on port {probed[1]}, which may be before the application "
                     f"can answer: give it a health check in the answers (health: {{http: /PATH}}) to probe that "
                     f"instead. No liveness probe: a wrong one restarts healthy containers; add one (liveness: "
                     f"true) when you know how {c.name} fails.")
        elif probed is not None and c.role == "main" and c.ports:
            doc.note(path, f"No readiness probe on {c.name}: traffic reaches it through {probed[0].name}, which "
                           f"is probed, and it may listen on localhost only, where a probe cannot reach it.")
        # where the answers give no memory, what the image needs with its shipped settings, else the starter value
        cpu, memory = c.cpu or STARTER_CPU, c.memory or start.memory or STARTER_MEMORY
        entry["resources"] = {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu, "memory": memory}}
        resources_why = self.why.at(plan.name, RESOURCES, c.name)
        starter_memory = c.memory is None and start.memory is None
        if not resources_why and (c.cpu is None or starter_memory):
            resources_why = [f"The answers give no {'CPU' if c.cpu is None else 'memory'}: a conservative starter "
                             f"value, to measure and adjust."]
        if c.role == "main" and not resources_why:
            resources_why = ["Requests equal to limits (Guaranteed QoS): raise the CPU limit, or remove it, if "
                             "the container is throttled."]
        doc.note(path + ("resources",), *resources_why)
        memory_why = start.memory_comment(c.name, c.memory)
        if memory_why is not None:
            doc.note(path + ("resources",), memory_why)
        entry["securityContext"] = self._container_security(c, start)
        if c.name in self.root:
            if len(self._root_of(plan)) < len(plan.containers):
                doc.note(path + ("securityContext",),
                         f"{c.name} may run as root (--allow-root-for {c.name}): the capabilities added back let "
                         f"its entrypoint set up its files and switch to its own user.")
        else:
            doc.note(path + ("securityContext",), start.user_comment(c.name))
        doc.note(path + ("securityContext",), start.writes_comment())
        if volumes.mounts[c.name]:
            entry["volumeMounts"] = volumes.mounts[c.name]
        return operations.container(plan, c, entry, doc, path, self.why)

    def _container_security(self, c: ContainerPlan, start: Start) -> dict:
        if c.name in self.root:
            return {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": not start.ships, "runAsNonRoot": False,
                    "capabilities": {"drop": ["ALL"], "add": list(ROOT_CAPABILITIES)},
                    "seccompProfile": {"type": "RuntimeDefault"}}
        # an image that writes where it keeps files of its own cannot have that folder on an empty volume
        context = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": not start.ships, "runAsNonRoot": True}
        if start.uid is not None:
            context["runAsUser"] = start.uid
            context["runAsGroup"] = start.gid
        context["capabilities"] = {"drop": ["ALL"]}
        context["seccompProfile"] = {"type": "RuntimeDefault"}
        return context

    # -- Services ------------------------------------------------------------------------

    def service(self, plan: WorkloadPlan) -> Document | None:
        if plan.service is None:
            return None
        why = self.why.at(plan.name, SERVICE)
        headless = plan.service == "headless"
        if not plan.service_ports and not headless:
            self.notes.append(f"{plan.name} gets a ClusterIP Service, but no container port is declared for it "
                              f"(service-without-ports): declare the port in the answers and write the manifest "
                              f"again")
            return None
        doc = Document({"apiVersion": "v1", "kind": "Service", "metadata": self.metadata(plan)})
        doc.note((), *why)
        spec: dict = {"type": "ClusterIP"}
        if headless:
            spec["clusterIP"] = "None"
        spec["selector"] = self.selector(plan)
        if plan.service_ports:
            spec["ports"] = [{"name": f"tcp-{p}", "port": p, "targetPort": p, "protocol": "TCP"}
                             for p in plan.service_ports]
        doc.obj["spec"] = spec
        return doc


@record
class _Volumes:
    """A Pod's volumes with the comment of each, and each container's mounts."""

    pod: list[tuple[dict, str]] = field(default_factory=list)
    mounts: dict[str, list[dict]] = field(default_factory=dict)


def _and(names: list) -> str:
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
