"""The review checks: the manifest compared with what the advisor recommends, and
the few checks only a manifest can fail.

Each check is a function of the Subject (the object and the answers read from
it) and the Recommendation the engine drew for those answers. It yields Hits;
the reviewer adds severity, place and suppression. ``CHECKS`` maps each check to
the finding ids it may raise; the knowledge base's findings with ``review`` in
their sources must be exactly those ids (``check_catalogue``).
"""

from __future__ import annotations

import os
import re
from typing import Callable, Iterator

from advisor.domain import messages
from advisor.domain.recommendation import Recommendation, WorkloadPlan
from advisor.domain.vocabulary import HELPER_ROLES, LONG_RUNNING_KINDS, POD_TEMPLATE_PATHS, REPLICATED_KINDS
from advisor.engine.placement import NATIVE_SIDECARS_FROM
from advisor.review import addresses, images
from advisor.review.facts import ManifestContainer, Subject, service_targets, targeted_by
from advisor.review.intent import FINISHES, SAYING, UNKNOWN, UNTIL_STOPPED, run_by_hand
from advisor.review.objects import ManifestObject, api_group, matches, selects
from advisor.review.repository import exposed_by_kubectl, headless_created, repository_of
from advisor.system.errors import KnowledgeBaseError
from advisor.system.patterns import lazy
from advisor.system.records import record

# Volume claims one node at a time can mount: a Deployment with one cannot add replicas.
_ONE_NODE_MODES = frozenset({"ReadWriteOnce", "ReadWriteOncePod"})
# Engine findings that mean the same thing in a manifest and are passed on as they are.
PASSED_ON = ("mutable-image-tag", "single-replica")


@record(frozen=True)
class Hit:
    """What one review check found: a finding id, its message, and where it points."""

    id: str
    message: str
    container: ManifestContainer | None = None
    line: int | None = None  # a more precise line than the container's or the object's
    guess: str | None = None


Check = Callable[[Subject, Recommendation], Iterator[Hit]]
CHECKS: dict[Check, tuple[str, ...]] = {}


def check(*finding_ids: str):
    def register(function: Check) -> Check:
        CHECKS[function] = finding_ids
        return function

    return register


def check_catalogue(kb) -> None:
    """Every review finding in the knowledge base has a check, and every check its finding."""
    code = {fid for ids in CHECKS.values() for fid in ids}
    documented = {fid for fid, info in kb.findings.items() if "review" in info.sources}
    problems = [f"review check raises {fid!r}, which knowledge/rules does not list with sources: review"
                for fid in sorted(code - documented)]
    problems += [f"finding {fid!r} says sources: review, but no review check raises it"
                 for fid in sorted(documented - code)]
    if problems:
        raise KnowledgeBaseError(problems)


def _joined(*parts: str | None) -> str | None:
    """The guesses behind a finding, each said once (one may already hold another)."""
    given = list(dict.fromkeys(p for p in parts if p))
    kept = [p for p in given if not any(p != other and p in other for other in given)]
    return "; ".join(kept) if kept else None


def _plan_of(rec: Recommendation, index: int) -> WorkloadPlan | None:
    return next((w for w in rec.workloads if any(c.index == index for c in w.containers)), None)


def role_in_main_pod(rec: Recommendation, index: int) -> str | None:
    """The role the advisor gives the container at ``index``, if it stays in the main Pod."""
    return next((c.role for c in rec.main.containers if c.index == index), None)


# -- what the engine already says ------------------------------------------------


@check(*PASSED_ON)
def engine_findings(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    for finding in rec.findings:
        if finding.id not in PASSED_ON:
            continue
        if finding.id == "single-replica":
            # only for replicas the manifest sets (a bare Pod gets bare-pod), and not for a workload
            # the advisor would split off
            if s.controller in REPLICATED_KINDS and s.main.name in finding.containers:
                claim = one_node_claim(s) if s.controller == "Deployment" else None
                clustered = images.is_separate_service(s.main.family) and not images.is_cache(s.main.image)
                message = _one_member(s) if clustered else finding.message if claim is None else (
                    f"{s.obj.name} runs one replica, and as written it can run no more: its Pods mount the "
                    f"{claim}, which one node at a time can mount, so a second replica elsewhere would never "
                    f"start. If it must survive a node failure without waiting for a replacement, or serve "
                    f"more, run it as a StatefulSet with a volumeClaimTemplate (each replica its own claim, "
                    f"with replication the application provides); if one replica is the design, say so "
                    f"with the annotation pod-advisor.io/ignore: single-replica")
                yield Hit(finding.id, message, line=s.obj.line("spec", "replicas"))
            continue
        for name in finding.containers:
            container = s.container(name)
            if container is not None:
                field = ("image",) if finding.id == "mutable-image-tag" else ()
                yield Hit(finding.id, finding.message, container, line=s.obj.doc.line(container.path + field))


@check("resources-unset")
def resources_unset(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """A container without a CPU or a memory request (a limit set alone is its own request, as Kubernetes
    defaults it), told all it misses of what the fix asks for: the requests and a memory limit. With
    both requests set, a missing memory limit alone is left to the team: a finding of its own would
    be a policy, not a design mistake."""
    for c in s.containers:
        written, missing = resources_of(c.spec)
        if not {"CPU request", "memory request"} & set(missing):
            continue
        if not written:
            message = (f"{c.name} declares no CPU or memory: the scheduler cannot place it by need and it is the "
                       f"first to be evicted under pressure")
        else:
            effects = {"CPU request": "it may get no CPU time when the node is busy",
                       "memory request": "the scheduler places it as if it needed no memory",
                       "memory limit": "it can take the node's memory until the kernel kills a process, maybe "
                                       "another Pod's"}
            message = (f"{c.name} sets {_listed(written)} but no {_listed(missing, 'or')}: "
                       + "; ".join(f"without a {m}, {effects[m]}" for m in missing))
        line = s.obj.doc.line(c.path + ("resources",)) if written else c.line
        yield Hit("resources-unset", message, c, line=line)


def resources_of(spec: dict) -> tuple[list[str], list[str]]:
    """(what a container sets, what it misses) of a CPU request, a memory request and a memory limit."""
    resources = spec.get("resources") if isinstance(spec.get("resources"), dict) else {}
    requests = resources.get("requests") if isinstance(resources.get("requests"), dict) else {}
    limits = resources.get("limits") if isinstance(resources.get("limits"), dict) else {}
    written = [f"{resource} {level}" for level, values in (("request", requests), ("limit", limits))
               for resource in ("CPU", "memory") if values.get(resource.lower()) is not None]
    def requested(resource: str) -> bool:
        return requests.get(resource) is not None or limits.get(resource) is not None

    missing = [name for name, have in (("CPU request", requested("cpu")), ("memory request", requested("memory")),
                                       ("memory limit", limits.get("memory") is not None)) if not have]
    return [f"a {w}" for w in written], missing


def _listed(items: list[str], last: str = "and") -> str:
    return ", ".join(items[:-1]) + f" {last} " + items[-1] if len(items) > 1 else items[0]


def _first_few(names: list[str]) -> str:
    """The first three of ``names`` and how many more: a Pod may be selected by thousands."""
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _one_member(s: Subject) -> str:
    """single-replica for a database or consensus store, whose replicas are members, not copies."""
    program = images.base_name(s.main.image) or s.main.name
    return (f"{s.obj.name} runs one replica of {program}, {images.kind_of('separate-service')}: a second replica "
            f"would not be a copy of the first but another {program} with data of its own (consensus stores such "
            f"as etcd or ZooKeeper need each member configured to know the others, three for a quorum; a "
            f"database needs its replication set up). If it must stay up through a node drain, run it as the "
            f"cluster its documentation (or its operator) describes; if one replica is the design, say so with "
            f"the annotation pod-advisor.io/ignore: single-replica")


def one_node_claim(s: Subject) -> str | None:
    """The claim (or Recreate strategy) that keeps a Deployment to one node at a time, worded."""
    volumes = s.pod_spec.get("volumes") if isinstance(s.pod_spec.get("volumes"), list) else []
    claims = [str(v["persistentVolumeClaim"].get("claimName")) for v in volumes
              if isinstance(v, dict) and isinstance(v.get("persistentVolumeClaim"), dict)]
    for name in claims:
        claim = next((c for c in s.inputs.named("PersistentVolumeClaim", name) if c.links_to(s.obj)), None)
        modes = claim.get("spec", "accessModes") if claim is not None else None
        if isinstance(modes, list) and modes and set(map(str, modes)) <= _ONE_NODE_MODES:
            return f"ReadWriteOnce claim {name} ({claim.file}:{claim.line()})"
    if claims and s.obj.get("spec", "strategy", "type") == "Recreate":
        return f"claim {claims[0]}, whose strategy Recreate stops the old Pod before the new one mounts it"
    return None


# -- the manifest compared with the recommendation -------------------------------------


@check("bare-pod")
def bare_pod(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """A bare Pod that something should own, with advice that fits what the evidence says it is for."""
    if s.controller != "Pod" or rec.main.controller == "Pod" or s.static_why or s.idle_why or s.used_why:
        # owned by a controller, a debugging Pod (marked, or a box to exec into), a static Pod, or one a test
        # or an admission policy uses as a Pod
        return
    intent = s.intent
    if intent.owner:
        return  # a CI server that creates it for one build, or a ReplicaSet that adopts it: it has a controller
    if intent.verdict == FINISHES and s.restart_policy == "Never":
        return  # never restarted: a Pod its author runs once, the one-off the advisor itself writes bare
    head = messages.bare_pod(s.obj.name)
    tail = "A Pod meant for debugging can say so with the annotation pod-advisor.io/environment: experiment"
    main = s.main.name
    if run_by_hand(intent, s.restart_policy):
        yield Hit("bare-pod",
                  f"{head} {intent.evidence[0].why}, but its author wrote restartPolicy Never: if it is run by hand "
                  f"until someone deletes it (a load generator, a test client), a bare Pod is what it is, and the "
                  f"annotation pod-advisor.io/environment: experiment says so; if it is to stay up, a Deployment must "
                  f"own it (restartPolicy Always). --suggest writes no rewrite: the manifest does not say which",
                  guess=_joined("whether it is to stay up is not in the manifest", s.main_why))
        return
    if intent.verdict == UNKNOWN or not intent.evidence:
        weak = f" ({_disagreeing(intent) or intent.evidence[0].why})" if intent.evidence else ""
        yield Hit("bare-pod",
                  f"{head} Nothing in the manifest says whether {main} runs until stopped or finishes{weak}: if it "
                  f"finishes, a Job must own it; if it runs until stopped, a Deployment. --suggest writes no "
                  f"rewrite until the manifest says which (a port or a readinessProbe for a server; restartPolicy "
                  f"Never, or a command whose work ends, for work that finishes). {tail}",
                  guess=_joined(f"nothing in the manifest says whether {main} finishes", s.main_why))
        return
    if intent.doubt:
        yield Hit("bare-pod",
                  f"{head} {intent.doubt}: under any controller it would only end "
                  f"again (under restartPolicy Always, in CrashLoopBackOff). If it is a box to exec into, give it a "
                  f"command that waits (sleep infinity) or stdin and tty; if it does work that finishes, a Job must "
                  f"own it; if it serves, a Deployment. --suggest writes no rewrite: the manifest does not say "
                  f"which. {tail}", guess=_joined(intent.why, s.main_why))
        return
    kind = rec.main.controller
    preparing = [c.name for c in s.containers if c.placement == "containers" and not c.main
                 and c.purpose == "prepare" and c.runtime.finishes]
    moved = (f"; {listed(preparing)} {'prepares' if len(preparing) == 1 else 'prepare'} what {main} needs and "
             f"{'becomes an init container' if len(preparing) == 1 else 'become init containers'}"
             if preparing and kind in LONG_RUNNING_KINDS else "")
    yield Hit("bare-pod",
              f"{head} The advisor recommends a {kind} ({SAYING[intent.verdict]}{moved}); --suggest writes it. "
              f"{tail}", guess=_joined(intent.why, s.main_why))


def _disagreeing(intent) -> str | None:
    """The strongest piece of evidence that the Pod runs until stopped and the strongest that it finishes,
    where the evidence says both."""
    first = {}
    for e in intent.evidence:
        if e.says in (UNTIL_STOPPED, FINISHES):
            first.setdefault(e.says, e.why)
    return f"{first[UNTIL_STOPPED]}, but {first[FINISHES]}" if len(first) == 2 else None


def listed(names) -> str:
    """Names for a message, each once, in the order first given: ``a, b and c``."""
    unique = list(dict.fromkeys(str(n) for n in names))
    return unique[0] if len(unique) == 1 else ", ".join(unique[:-1]) + " and " + unique[-1] if unique else ""


@check("unrelated-containers", "network-services-in-one-pod")
def colocation(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """A service of its own packed into the Pod: with nothing tying it there, or tied only by localhost.

    Only a container the evidence shows to be a service of its own (a database, a cache,
    a queue) is judged; a container the reviewer cannot place stays where its author
    put it, and so does one tied by a volume, a Pod-wide setting or a stated need.
    """
    main = s.main
    for c in s.containers:
        if c.main or c.purpose != "separate-service":
            continue
        plan = _plan_of(rec, c.index)
        if plan is not None and plan is not rec.main:
            service = f" behind a {plan.service} Service" if plan.service else ""
            yield Hit("unrelated-containers",
                      # (what they share is what the manifest shows: a labeller of round 44 read a web app whose
                      # client, told no address, reaches its database on localhost by default)
                      f"{c.name} ({images.kind_of(c.purpose)}) shares no volume with {main.name}, and the manifest "
                      f"shows no localhost address between them, so nothing in it ties {c.name} to this Pod: the "
                      f"advisor would run it as a {plan.controller} of its own{service}, scaled and updated on its "
                      f"own. If it does read {main.name}'s files or talk to it on localhost (a client told no "
                      f"address may default to it), say so in the manifest: a shared volume, localhost in its env "
                      f"or args, or the annotation pod-advisor.io/same-node.{c.name}",
                      c, guess=_joined(c.purpose_why, s.main_why))
        elif c.uses_localhost and c.tie.evidence:
            ports = ", ".join(map(str, dict.fromkeys(c.ports))) or "its port"  # 53 for TCP and UDP: once
            host = s.pod_spec.get("hostNetwork") is True and s.pod_spec.get("dnsPolicy") != "ClusterFirstWithHostNet"
            yield Hit("network-services-in-one-pod",
                      f"{c.name} serves {ports} and {main.name} talks to it over localhost only because they "
                      f"share a Pod: two services that just call each other belong in two Pods. Run {c.name} "
                      f"as a workload of its own with a Service, and have {main.name} call the Service's name"
                      + (f" (on the host network, {main.name} can resolve it only with dnsPolicy: "
                         f"ClusterFirstWithHostNet)" if host else ""),
                      c, guess=_joined(c.tie.why, c.purpose_why, s.main_why))
        elif c.same_node and any(f.id == "unrelated-containers" and c.name in f.containers for f in rec.findings):
            message = next(f.message for f in rec.findings
                           if f.id == "unrelated-containers" and c.name in f.containers)
            yield Hit("unrelated-containers", message, c, guess=c.purpose_why)


def never_ends(c: ManifestContainer) -> str | None:
    """Why ``c`` is taken never to exit on its own, or None when that is not known."""
    if c.runtime.kills:
        return None  # it stops others (killall, pkill): the Pod's stopper, which ends when it has
    if c.runtime.endless:
        return c.runtime.why
    if c.family.helper and not c.runtime.finishes:
        return f"{c.family.why}, which runs until stopped"
    return None


# How a main container tells a helper beside it to stop: a shutdown endpoint, a signal.
_SHUTDOWN = lazy(r"quitquitquit|/quit\b|/shutdown\b|/exit\b|\bpkill\b|\bkillall\b", re.IGNORECASE)


def told_to_exit(s: Subject, helper: ManifestContainer | None = None) -> bool:
    """Whether the Pod shuts its helpers (or ``helper``) down when its work is done, the way before native
    sidecars: the main container calls a shutdown endpoint or signals them, or a container of a Pod that
    shares one process namespace kills the helper's process (``killall cloud_sql_proxy``)."""
    said = " ".join(text for _, _, text in s.main.texts())
    if _SHUTDOWN.search(said):
        return True
    if s.pod_spec.get("shareProcessNamespace") is not True:
        return False
    targets = [t for c in s.containers if c is not helper for t in c.runtime.kills]
    if helper is None:
        return bool(targets)
    names = _process_names(helper)
    return any(t == n or n in t or (len(t) >= 4 and t in n) for t in targets for n in names)


def _process_names(c: ManifestContainer) -> set[str]:
    """The names a helper's process may go by: its program, its image and its container."""
    words = [w for w in (c.spec.get("command") or c.spec.get("args") or []) if isinstance(w, str)]
    names = {c.name, images.base_name(c.image)}
    if words:
        names.add(words[0].rsplit("/", 1)[-1])
    return {n for n in names if n}


@check("sidecar-blocks-completion")
def sidecar_blocks_completion(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """In a Pod whose work finishes, an ordinary container that never ends keeps it from completing."""
    if not s.completes:
        return  # no finish to block
    if s.controller == "Pod" and s.main.runtime.runs is None:
        # a bare Pod says it finishes only by its restartPolicy, and what its main container runs is not known: a
        # server as likely as a step (blind round 39: a course's web app under Never, its secrets rendered by
        # consul-template beside it); nothing says there is a finish to block
        return
    for c in s.containers:
        if c.main or c.placement != "containers" or role_in_main_pod(rec, c.index) not in HELPER_ROLES:
            continue
        if told_to_exit(s, c):
            continue  # the main container or a stopper beside it tells the helper to stop
        if c.image == s.main.image and c.spec.get("command") == s.main.spec.get("command") and c.image:
            continue  # the main container's program again, on other arguments: the same work, which finishes
        endless = never_ends(c)
        if endless is None:
            continue  # it may well finish with the main container: nothing to blame it for
        if s.controller == "Pod" and not (c.tie and c.tie.evidence) and (c.ports or images.is_server_image(c.image)):
            # a bare Pod says it finishes only by its restartPolicy, and beside its finite container runs a
            # server tied to nothing: which of the two the Pod is for is not in the files (a lesson's
            # nginx beside `sleep 60` is meant to keep serving)
            continue
        if s.answers.minor >= NATIVE_SIDECARS_FROM:
            fix = (f"On Kubernetes {s.answers.kubernetes}, make it a native sidecar: move it to initContainers "
                   f"with restartPolicy: Always (--suggest writes it)")
        else:
            fix = (f"Native sidecars need Kubernetes 1.29; on {s.answers.kubernetes}, have {c.name} exit when "
                   f"{s.main.name} is done (a file it watches in the shared volume)")
        if c.shares_volume and (c.ports or images.is_server_image(c.image)):
            fix += (f". If {s.main.name} only prepares what {c.name} serves, the Pod is not meant to finish: "
                    f"make {s.main.name} an init container and run {c.name} under a Deployment")
        yield Hit("sidecar-blocks-completion",
                  f"{messages.sidecar_blocks_completion(c.name, s.controller, s.main.name)} {fix}",
                  c, guess=_joined(s.completes_why, endless, s.main_why))


@check("statefulset-without-headless-service")
def statefulset_headless_service(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    if s.obj.kind != "StatefulSet":
        return
    name = s.obj.get("spec", "serviceName")
    line = s.obj.line("spec", "serviceName")
    if not _reached_by_name(s, str(name or "")):
        # A headless Service gives each Pod a DNS name for others to connect to; Pods that serve
        # nothing (a loop writing to its volume, a controller that only calls the API server) have
        # no use for one, and an engineer would not ask for it.
        return
    if rec.main.service != "headless" or s.answers.replicas == 1:
        # one Pod: a StatefulSet for its at-most-one guarantee, with no peers to find by name; but a
        # serviceName that names no Service at all is a dangling name whatever the replicas, and a headless
        # Service written for its Pod that it does not name is a link left out (blind round 37's labeller: a
        # MySQL StatefulSet beside its headless Service, in the same file)
        if not name and s.answers.replicas == 1 and (other := headless_selecting(s, "")) is not None:
            yield Hit("statefulset-without-headless-service",
                      f"{s.obj.name} names no Service in spec.serviceName, though the headless Service "
                      f"{other.name!r} ({other.file}:{other.line()}) selects its Pod: the Pod gets no DNS name of its "
                      f"own ({s.obj.name}-0.{other.name}), and older kubectl and Helm releases, which check the "
                      f"API's published schema, refuse a StatefulSet without the field. Name it in spec.serviceName "
                      f"(--suggest writes it)", line=line)
            return
        if (name and s.answers.replicas == 1 and named_service(s, str(name)) is None and not _named_anywhere(s)
                and not _made_with_others(s) and headless_created(s.obj.file, str(name)) is None):
            yield Hit("statefulset-without-headless-service",
                      f"{s.obj.name} names the Service {name!r} in spec.serviceName, but no Service of that name "
                      f"is among the files reviewed: its Pod's DNS name ({s.obj.name}-0.{name}) resolves to "
                      f"nothing. Create the Service with clusterIP: None (--suggest writes it), or drop serviceName",
                      line=line, guess="the Service was looked for only among the files reviewed together")
        return
    other = headless_selecting(s, str(name or ""))
    if not name:
        yield Hit("statefulset-without-headless-service",
                  f"{s.obj.name} names no headless Service (spec.serviceName is not set): its Pods get no "
                  f"stable DNS names ({s.obj.name}-0.SERVICE). "
                  + (_name_the_headless(s, other) if other is not None else
                     "Create a Service with clusterIP: None that selects its Pods and name it in spec.serviceName "
                     "(--suggest writes it)"), line=line)
        return
    service = named_service(s, str(name))
    if service is None and name and _made_with_others(s):
        return  # its Service was made with it, by the same chart or in the same cluster, not in these files
    if service is not None and _made_with_others(s) and _of_another_chart(service, s.obj):
        return  # a copy of another release's Service (kafka-0.21.2's beside kafka-12.1.0's StatefulSet): its own is not here
    if service is None and (away := service_elsewhere(s, str(name))) is not None:
        # The folder rule keeps one application's Service from standing in for another's, but a
        # Service of this very name elsewhere in the input is evidence either way: applied together it is
        # the one (then nothing is missing if it is headless and selects the Pods), applied apart it is not.
        if away.get("spec", "clusterIP") == "None" and selects(away, s.labels):
            return
        yield Hit("statefulset-without-headless-service",
                  f"{s.obj.name} names the Service {name!r}; the one of that name in {away.file}:{away.line()} is "
                  f"in another folder, so it is not taken for this one, and it is not a headless Service that "
                  f"selects these Pods either. If the two are applied together, give it clusterIP: None and a "
                  f"selector the Pod template's labels match; if not, create one here. --suggest writes nothing "
                  f"while the evidence does not say which", line=line,
                  guess="the files do not say whether the two folders are applied together")
    elif service is None and headless_created(s.obj.file, str(name)) is not None:
        return  # a lab's instructions create it with kubectl, beside the manifest
    elif service is None:
        yield Hit("statefulset-without-headless-service",
                  f"{s.obj.name} names the Service {name!r}, but no Service of that name is among the files "
                  f"reviewed: without it the Pods get no stable DNS names. "
                  + (_name_the_headless(s, other) if other is not None else
                     "Create it with clusterIP: None (--suggest writes it), or review it together with this file"),
                  line=line, guess="the Service was looked for only among the files reviewed together")
    elif service.get("spec", "clusterIP") != "None":
        yield Hit("statefulset-without-headless-service",
                  f"{s.obj.name}'s Service {name!r} is not headless ({service.file}:{service.line()}): "
                  f"with a virtual IP, the Pods get no DNS names of their own. "
                  + (_name_the_headless(s, other) if other is not None else
                     "Set clusterIP: None on it (or create a second, headless Service for spec.serviceName)"),
                  line=line)
    elif not selects(service, s.labels):
        selector = service.get("spec", "selector")
        said = (", ".join(f"{k}: {v}" for k, v in selector.items()) if isinstance(selector, dict) and selector
                else None)
        why = f"its selector ({said}) is not among their labels" if said else "it has no selector"
        yield Hit("statefulset-without-headless-service",
                  f"{s.obj.name}'s headless Service {name!r} ({service.file}:{service.line()}) does not select its "
                  f"Pods: {why}, so the Pods get no DNS names through it. Give the Service a selector that "
                  f"the Pod template's labels match", line=line)


def headless_selecting(s: Subject, name: str) -> ManifestObject | None:
    """The one headless Service, other than the one called ``name``, that selects the StatefulSet's Pods in its
    namespace, or None (none, or several: which one the Pods are known by is then the author's to say). Named in
    spec.serviceName, it gives the Pods their DNS names; nothing else need be created."""
    found = [svc for svc in s.services if svc.name != name and svc.get("spec", "clusterIP") == "None"]
    return found[0] if len(found) == 1 else None


def _name_the_headless(s: Subject, service: ManifestObject) -> str:
    return (f"The headless Service {service.name!r} ({service.file}:{service.line()}) already selects these Pods: "
            f"name it in spec.serviceName (--suggest writes it), and they are known as {s.obj.name}-0.{service.name} "
            f"and so on")


# Ports named for the kubelet's probes or a metrics scraper: nobody connects to a Pod by its DNS name for them.
_HEALTH_PORT_NAMES = lazy(r"health|metrics|prom|pprof|profil", re.IGNORECASE)


def _reached_by_name(s: Subject, service_name: str) -> bool:
    """Whether anything could connect to the StatefulSet's Pods by name: a container (or native sidecar)
    declares a port not named for health checks or metrics, or runs an image the catalogue knows to
    listen, or a command or env value writes a Pod's name under the Service's (``$(POD_NAME).etcd``)."""
    for c in s.containers:
        if c.placement == "initContainers" and not c.native:
            continue
        for port in c.spec.get("ports") or []:
            if isinstance(port, dict) and not _HEALTH_PORT_NAMES.search(str(port.get("name") or "")):
                return True
        if images.default_ports(c.image) and not c.spec.get("command"):
            # declaring ports is optional: rabbitmq serves on 5672 whether or not it says so; unless a
            # command replaces the image's program (nginx's image running a shell loop serves nothing)
            return True
        if service_name and any(f".{service_name}" in text for _, text in c.texts_only()):
            return True
    return False


def _named_anywhere(s: Subject) -> bool:
    """Whether a Service of the StatefulSet's serviceName exists in any namespace of the input (then the
    mismatch is one of namespaces, which the check with replicas says; one Pod is left alone)."""
    return bool(s.inputs.named("Service", str(s.obj.get("spec", "serviceName"))))


def _of_another_chart(one: ManifestObject, other: ManifestObject) -> bool:
    """Whether the two objects carry the labels of two different charts (helm.sh/chart, or Helm 2's chart): copies
    taken from two releases, of which neither made the other."""
    def chart(obj: ManifestObject):
        labels = obj.metadata.get("labels")
        return next((str(labels[k]) for k in ("helm.sh/chart", "chart") if isinstance(labels, dict) and k in labels),
                    None)
    return chart(one) is not None and chart(other) is not None and chart(one) != chart(other)


def _made_with_others(s: Subject) -> bool:
    """Whether the object in a file was made together with objects the files do not hold: Helm manages it
    (its release annotation or managed-by label), or the file is a copy of what a cluster gave back
    (managedFields, a uid, a status), where whatever else its chart or its author created lives too."""
    if not os.path.isfile(s.obj.file):
        return False  # read from a cluster (review --cluster) or standard input: what is missing there is missing
    metadata = s.obj.metadata
    labels = metadata.get("labels") if isinstance(metadata.get("labels"), dict) else {}
    annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    return bool(str(labels.get("app.kubernetes.io/managed-by", "")).lower() == "helm"
                or "meta.helm.sh/release-name" in annotations or metadata.get("managedFields")
                or metadata.get("uid") or s.obj.data.get("status"))


def service_elsewhere(s: Subject, name: str) -> ManifestObject | None:
    """A Service called ``name`` that the folder rule keeps apart from the object (one of them names no
    namespace, and they sit in different folders), and that is no rival version of the object's own files:
    a headless one that selects the object's Pods if there is one, else the one in the nearest folder."""
    found = [svc for svc in s.inputs.named("Service", name)
             if svc.unit not in s.obj.rivals and not (svc.namespace and s.obj.namespace)]
    fitting = [svc for svc in found if svc.get("spec", "clusterIP") == "None" and selects(svc, s.labels)]
    here = os.path.dirname(os.path.abspath(s.obj.file))
    nearest = sorted(fitting or found, key=lambda svc: -len(os.path.commonpath(
        [here, os.path.dirname(os.path.abspath(svc.file))])))
    return nearest[0] if nearest else None


def named_service(s: Subject, name: str) -> ManifestObject | None:
    """The Service called ``name`` among the inputs, in the object's namespace."""
    return next((svc for svc in s.inputs.named("Service", name) if svc.links_to(s.obj)), None)


# -- what only a manifest can get wrong --------------------------------------------------


@check("native-sidecar-unsupported")
def native_sidecar_unsupported(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    if s.answers.minor >= NATIVE_SIDECARS_FROM:
        return
    for c in s.containers:
        if c.native:
            # 1.28 knows the field but drops it with SidecarContainers off; 1.25-1.27 do not know it at all
            lost = ("the field is dropped" if s.answers.minor >= NATIVE_SIDECARS_FROM - 1 else
                    "the field is unknown there: kubectl's strict field validation refuses the manifest, and a "
                    "client that does not validate strictly has the field dropped")
            yield Hit("native-sidecar-unsupported",
                      f"{c.name} is a native sidecar (an init container with restartPolicy: Always), which "
                      f"Kubernetes {s.answers.kubernetes} does not run by default: {lost}. Without it, {c.name} "
                      f"is an init container that never exits, so {s.main.name} never starts. "
                      f"Make it an ordinary container, or target Kubernetes 1.29 or newer",
                      c, line=s.obj.doc.line(c.path + ("restartPolicy",)))


@check("restart-always-on-completion")
def restart_always_on_completion(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    line = s.spec_line("restartPolicy")
    written = s.pod_spec.get("restartPolicy")
    if s.obj.kind in ("Job", "CronJob"):
        if written not in ("OnFailure", "Never"):
            shown = f"restartPolicy {written}" if written else "no restartPolicy (so Always)"
            yield Hit("restart-always-on-completion",
                      f"{s.obj.name}'s Pod template has {shown}: a {s.obj.kind}'s Pods must be allowed to "
                      f"finish, and the API server rejects it. Set restartPolicy: "
                      f"{rec.main.restart_policy or 'OnFailure'} (Never keeps each failed attempt's Pod)",
                      line=line)
        return
    if s.obj.kind == "Pod" and s.controller == "Pod":
        if s.completes and s.restart_policy == "Always" and not s.intent.doubt:
            shown = "restartPolicy Always" if written else "no restartPolicy, so Always"
            yield Hit("restart-always-on-completion",
                      f"{s.obj.name} has {shown}, but its work finishes: each time it succeeds the kubelet "
                      f"starts it again, so the Pod never reaches Succeeded and ends in CrashLoopBackOff. The "
                      f"advisor recommends {_restart_advice(rec.main)}", line=line, guess=s.completes_why)
        return
    if s.obj.kind in LONG_RUNNING_KINDS or (s.obj.kind == "Pod" and not s.completes):
        owner = s.controller if s.controller != "Pod" else "Pod with restartPolicy Always"
        for c in s.containers:
            if c.placement != "containers" or not c.runtime.finishes:
                continue
            if c.runtime.at_once or c.runtime.fails:
                # it ends without doing work (busybox with no command, `sleep 60; exit 1` to show a crash):
                # no work to hand to a Job; a placeholder or a crash on purpose, which a Job would not mend
                continue
            if c.main and s.obj.kind in LONG_RUNNING_KINDS:
                yield Hit("restart-always-on-completion",
                          f"{c.name} looks like work that finishes, but a {s.obj.kind} only allows restartPolicy "
                          f"Always: it is started again after each success and never rests. Run it as a Job (or "
                          f"a CronJob for a schedule)", c, guess=c.runtime.why)
            elif not c.main:
                yield Hit("restart-always-on-completion",
                          f"{c.name} exits when its work is done, but in a {owner} it is started again after "
                          f"each success, and again, with a growing back-off. If it prepares something "
                          f"{s.main.name} needs, make it an init container, which runs once before "
                          f"{s.main.name} starts (--suggest writes it)", c, guess=_joined(c.runtime.why, s.main_why))


def _restart_advice(plan: WorkloadPlan) -> str:
    if plan.controller == "Pod":
        return f"restartPolicy {plan.restart_policy} for a Pod that runs once"
    return f"a {plan.controller} with restartPolicy {plan.restart_policy}"


@check("readiness-probe-missing")
def readiness_probe_missing(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    # A Service that publishes Pods before they are ready has no use for their readiness.
    services = [svc for svc in s.services if svc.get("spec", "publishNotReadyAddresses") is not True]
    if not services or s.completes or s.controller not in LONG_RUNNING_KINDS | {"Pod"}:
        return
    serving = [c for c in s.containers if c.placement == "containers" or c.native]
    targets = service_targets(services)
    targeted = [c for c in serving if targeted_by(c, targets)]
    if not targeted and not targets and not s.main.ports:
        return  # a Service with no port (a StatefulSet's bare headless one): no traffic for readiness to gate
    for c in targeted or [s.main]:
        if c.spec.get("readinessProbe"):
            continue
        names = _first_few(list(dict.fromkeys(svc.name for svc in services)))  # each name once
        port = f"on port {c.ports[0]}" if c.ports else "on its port"
        yield Hit("readiness-probe-missing",
                  f"{c.name} serves behind the Service {names} but has no readinessProbe: it gets traffic as "
                  f"soon as it starts, before it can answer, and keeps getting it while it cannot. Add a "
                  f"readinessProbe (an HTTP GET of a health path, or a TCP check {port})", c)


@check("disruption-budget-missing")
def disruption_budget_missing(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """A Deployment the advisor would give a PodDisruptionBudget (two replicas or more, in production)
    that serves others (a Service or an InferencePool among the files reviewed selects it, or its repository's scripts
    or documents put one in front of it with kubectl expose) and no budget there covers.
    A load generator or a worker that nothing calls loses nobody's requests when all its Pods go."""
    if s.obj.kind != "Deployment" or not rec.main.disruption_budget:
        return
    exposed = None  # what puts a Service in front of it when no Service or InferencePool among the files selects it
    if not (s.services or _pooled(s)):
        exposed = exposed_by_kubectl(s.obj.file, s.obj.name)
        if exposed is None:
            return
    if any((budget.links_to(s.obj) or _same_repository_any_namespace(budget, s.obj)) and covers(budget, s.labels)
           for budget in s.inputs.of_kind("PodDisruptionBudget")):
        return
    if any(_canary_of(canary, s.obj) for canary in s.inputs.of_kind("Canary")):
        return  # Flagger scales it to zero and serves from its own primary: a budget here protects nothing
    if claim_held_by_one(s, guess=False) is not None:
        # its replicas share one claim that only one node (or Pod) mounts (blind round 36: two Prometheus replicas on
        # one ReadWriteOnce TSDB volume): they are no copies that stand in for each other, the second cannot start
        # on another node, and a budget of maxUnavailable 1 over them would hold a drain up
        return
    if _on_one_node(s.pod_spec):
        # every replica is on that node: its drain takes them all whatever a budget says (the replacements
        # cannot be placed elsewhere, so a budget of maxUnavailable 1 would only hold the drain up)
        return
    role = images.family_of("", s.main.image).family  # its image's word, not its name's (php-redis is PHP)
    # (a cache's copies are alike, as a stateless service's are: the catalogue's role for the image says which;
    # the role its word gives, "service", never says cache)
    if role is not None and role.id == "service" and not images.is_cache(s.main.image):
        # a database's replicas in a Deployment are separate databases (or one data folder shared by
        # several servers), not copies of one service: a budget would guard the wrong design
        return
    sharing = _sharing_pods(s)
    served = f" ({exposed}, a Service in front of it)" if exposed else ""
    yield Hit("disruption-budget-missing",
              f"{s.obj.name} runs {s.answers.replicas} replicas{served}, and no PodDisruptionBudget among the files "
              f"reviewed selects its Pods: a node drain or a cluster autoscaler may evict all of them at once, "
              f"and it is down until they are replaced. Add one with maxUnavailable: 1 that selects its Pods "
              f"(`pod-advisor manifest` writes it)" + (
                  f". Its selector also selects the Pods of {_first_few(sharing)}, wherever they run in one "
                  f"namespace: give them one budget, not one each (the eviction API refuses to evict a Pod that two "
                  f"budgets select, and a drain stops there)"
                  if sharing else ""),
              line=s.obj.line("spec", "replicas"),
              guess="the budget was looked for only among the files reviewed together, in the same folder or "
                    "namespace (or anywhere in the checkout where one of the two names no namespace); one a policy "
                    "engine or another repository adds is not seen. Only a Deployment a Service (or an InferencePool) "
                    "selects, or one its repository's scripts expose with kubectl, is asked for one, and not one whose "
                    "replicas share a claim only one node mounts")


# Workloads whose Pods a budget made for another's selector may select as well (a canary pair, blue and green).
_TEMPLATED = ("Deployment", "StatefulSet")


def _sharing_pods(s: Subject) -> list[str]:
    """The other workloads among the inputs (of ``s.obj``'s namespace or folder) whose Pod labels ``s.obj``'s
    selector matches (blind round 42: a canary's v1 and v2 Deployments under one selector): a budget that selects
    its Pods selects theirs too, so it is one budget for them all. Only a selector of matchLabels is compared."""
    selector = s.obj.get("spec", "selector")
    if not isinstance(selector, dict) or selector.get("matchExpressions"):
        return []
    match = selector.get("matchLabels")
    if not isinstance(match, dict) or not match:
        return []
    # the workloads by each of their Pod labels, indexed once for the review: a large input has thousands, and a
    # selector's rarest label leaves a few (a folded workload's labels were kept as it was parsed: no file is read back)
    by_label = s.inputs.once("workloads by pod label", lambda: _by_pod_label(s.inputs))
    fewest = min((by_label.get((str(k), str(v)), ()) for k, v in match.items()), key=len)
    # each name once: a folder of exercises may hold several Deployments called nginx
    return list(dict.fromkeys(f"{o.kind} {o.name}" for o in fewest if (o.kind, o.name) != (s.obj.kind, s.obj.name)
                              and matches(match, o.pod_labels) and s.obj.links_to(o)))


def _by_pod_label(inputs) -> dict[tuple[str, str], list[ManifestObject]]:
    """(label, value) as text -> the Deployments and StatefulSets among ``inputs`` whose Pods carry it."""
    found: dict[tuple[str, str], list[ManifestObject]] = {}
    for kind in _TEMPLATED:
        for o in inputs.of_kind(kind):
            for key, value in (o.pod_labels or {}).items():
                found.setdefault((str(key), str(value)), []).append(o)
    return found


def _pooled(s: Subject) -> bool:
    """Whether an InferencePool among the inputs (the Gateway API inference extension's) selects the Pods: a gateway
    routes requests to them, as it would through a Service (blind round 40: two vLLM replicas). Its selector is a map
    of labels (inference.networking.x-k8s.io/v1alpha2) or a matchLabels (inference.networking.k8s.io/v1)."""
    for pool in s.inputs.of_kind("InferencePool"):
        if not pool.group.startswith("inference.networking.") or not pool.links_to(s.obj):
            continue
        selector = pool.get("spec", "selector")
        if isinstance(selector, dict) and isinstance(selector.get("matchLabels"), dict):
            selector = selector["matchLabels"]
        if matches(selector, s.labels):
            return True
    return False


# Access modes under which one Pod, or the Pods of one node, may mount a claim.
_ONE_HOLDER = ("ReadWriteOncePod", "ReadWriteOnce")


# Volume sources written in the Pod that name one cloud disk: attached read-write, it is attached to one node at a time
# (the kubelet reports a Multi-Attach error for a second node's Pod).
_ONE_NODE_DISKS = ("gcePersistentDisk", "awsElasticBlockStore", "azureDisk", "cinder")


def claim_held_by_one(subject: Subject, guess: bool = True) -> str | None:
    """Why a rolling update of the Pod would hang on its storage: a claim only one Pod may mount
    (ReadWriteOncePod) or one node's (ReadWriteOnce: block storage attaches to one node), or a cloud disk
    written in the Pod and attached read-write, else None. A claim not among the inputs is taken as
    ReadWriteOnce, the common case, when ``guess`` (a rewrite's strategy); else only a claim the workload's own file
    defines is judged, the two written together: blind labellers found budgets right for replicated servers whose
    shared claim another file defines (round 33), and wrong for Prometheus replicas on the claim of their own file
    (round 36)."""
    for volume in subject.pod_spec.get("volumes") or []:
        if not isinstance(volume, dict):
            continue
        disk = next((k for k in _ONE_NODE_DISKS if isinstance(volume.get(k), dict)), None)
        if disk and volume[disk].get("readOnly") is not True:
            return f"the {disk} of the volume {volume.get('name')} attaches read-write to one node at a time"
        claim = volume.get("persistentVolumeClaim")
        if not isinstance(claim, dict) or claim.get("readOnly") is True or not claim.get("claimName"):
            continue
        name = str(claim["claimName"])
        found = next((c for c in subject.inputs.named("PersistentVolumeClaim", name) if c.links_to(subject.obj)
                      and (guess or c.file == subject.obj.file)), None)
        if found is None:
            if guess:
                return f"the claim {name} (not among the files reviewed) is most likely ReadWriteOnce"
            continue
        modes = found.get("spec", "accessModes")
        modes = [str(m) for m in modes] if isinstance(modes, list) else []
        held = next((m for m in _ONE_HOLDER if m in modes), None)
        if held and not any(m in ("ReadWriteMany", "ReadOnlyMany") for m in modes):
            return f"the claim {name} is {held}"
    return None


def _ports_held_on_the_node(subject: Subject) -> str | None:
    """Why two Pods of the workload cannot share a node: it uses the node's network, or binds a host port
    (the scheduler places no second Pod asking for the same hostPort on that node), else None."""
    if subject.pod_spec.get("hostNetwork") is True:
        return "the Pod is on its node's network (hostNetwork: its ports are the node's)"
    for c in subject.containers:
        for port in c.spec.get("ports") or []:
            if isinstance(port, dict) and port.get("hostPort"):
                return f"{c.name} binds host port {port['hostPort']} on its node"
    return None


def why_recreate(subject: Subject) -> str | None:
    """Why a Deployment of the subject's Pod wants strategy Recreate, worded for a rewrite's note or a finding,
    else None: its storage or its host ports keep an old and a new Pod from running side by side."""
    held = claim_held_by_one(subject)
    if held:
        return (f"strategy Recreate: {held}, so a rolling update's new Pod could not mount it while the old one "
                f"runs and the rollout would hang")
    bound = _ports_held_on_the_node(subject)
    if bound:
        return (f"strategy Recreate: {bound}, so on a node where the old Pod still runs a rolling update's new one "
                f"cannot be placed, and on a one-node cluster the rollout would hang")
    return None


def _on_one_node(pod_spec: dict) -> bool:
    """Whether the Pod spec binds its Pods to one named node: nodeName, or a nodeSelector on the node's hostname."""
    selector = pod_spec.get("nodeSelector")
    return bool(pod_spec.get("nodeName")) or (isinstance(selector, dict) and "kubernetes.io/hostname" in selector)


def _canary_of(canary: ManifestObject, workload: ManifestObject) -> bool:
    """Whether a Flagger Canary (flagger.app) takes over ``workload``: its targetRef names it."""
    if not str(canary.data.get("apiVersion") or "").startswith("flagger.app/") or not canary.links_to(workload):
        return False
    target = canary.get("spec", "targetRef")
    return (isinstance(target, dict) and str(target.get("kind")) == workload.kind
            and str(target.get("name")) == workload.name)


def _same_repository_any_namespace(budget: ManifestObject, workload: ManifestObject) -> bool:
    """Whether a budget elsewhere in the workload's checkout may still be its own: one of the two names no namespace
    (it goes where it is applied: an overlay or a script may put it in the other's), and the budget's selector names
    labels (an empty one would select every Pod of a namespace). Blind round 36: a base Deployment naming none, and
    a budget in another folder in the namespace its production overlay sets."""
    if bool(budget.namespace) == bool(workload.namespace):
        return False
    root = repository_of(budget.file)
    if root is None or root != repository_of(workload.file):
        return False
    selector = budget.get("spec", "selector")
    return isinstance(selector, dict) and bool(selector.get("matchLabels") or selector.get("matchExpressions"))


def covers(budget: ManifestObject, labels: dict) -> bool:
    """Whether a PodDisruptionBudget may select Pods of these labels. A selector of expressions is taken
    to select them (it is not evaluated); an empty one selects every Pod of its namespace."""
    selector = budget.get("spec", "selector")
    if not isinstance(selector, dict):
        return False
    if selector.get("matchExpressions"):
        return True
    match = selector.get("matchLabels") or {}
    return isinstance(match, dict) and all(labels.get(k) == v for k, v in match.items())


@check("sidecar-startup-probe-missing")
def sidecar_startup_probe_missing(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """A native sidecar the main container connects through (an outbound proxy) without a startupProbe."""
    if s.answers.minor < NATIVE_SIDECARS_FROM:
        return  # native-sidecar-unsupported says what matters there
    for c in s.containers:
        if not c.native or c.purpose != "proxy-outbound" or c.spec.get("startupProbe"):
            continue
        yield Hit("sidecar-startup-probe-missing",
                  f"{c.name} is a native sidecar {s.main.name} connects through, with no startupProbe: the kubelet "
                  f"starts the next container as soon as {c.name} has started, not once it listens, so "
                  f"{s.main.name}'s first connections can fail. Give {c.name} a startupProbe (a TCP check of "
                  f"the port it listens on, or its health endpoint); what comes after it then waits for it",
                  c, line=s.obj.doc.line(c.path), guess=_joined(c.purpose_why, s.main_why))


@check("replicaset-without-deployment")
def replicaset_without_deployment(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    if s.obj.metadata.get("ownerReferences"):
        # made by a controller (a Deployment's ReplicaSet, a DeploymentConfig's ReplicationController in an
        # `oc get all -o yaml` export): nobody created it by hand, and its owner is what is applied
        return
    # (a labeller of blind round 42: MongoDB's ReplicationController on one GCE disk and a hostPort, as the
    # classic examples wrote it, wants a Deployment that stops the old Pod before it starts the new one)
    recreate = why_recreate(s)
    recreate = f" (give it {recreate})" if recreate else ""
    if s.obj.kind == "ReplicaSet":
        yield Hit("replicaset-without-deployment",
                  f"{s.obj.name} is a ReplicaSet of its own: changing its Pod template changes no running Pod, "
                  f"and there is no rolling update or rollback. Use a Deployment, which manages ReplicaSets "
                  f"for you{recreate}")
    elif s.obj.kind == "ReplicationController":
        yield Hit("replicaset-without-deployment",
                  f"{s.obj.name} is a ReplicationController, the ReplicaSet's predecessor: it has no rolling "
                  f"update of its own (kubectl rolling-update is gone) and only equality selectors. Use a "
                  f"Deployment with the same Pod template and a matchLabels selector{recreate}")


@check("pod-ip-literal")
def pod_ip_literal(s: Subject, rec: Recommendation) -> Iterator[Hit]:
    """An address the input shows to be a Pod's: in a Pod network it declares, or, with none declared, on
    Docker's default bridge. Any other private address (a node, a LAN device, a NAS, a name server, an
    external database, a Service's cluster IP, a VPN network, a lesson's placeholder) is left alone."""
    if s.pod_spec.get("hostNetwork") is True:
        # a Pod on its node's network talks as a node, to nodes and hosts (an etcd member's peers, an
        # external etcd a backup reaches): the addresses it is given are theirs, which no Service replaces
        return
    networks = _declared_networks(s).seen_from(s.obj.folder, s.obj.namespace)
    storage = _storage_servers(s)
    nodes, service_ranges = _cluster_addresses(s)
    devices = _device_addresses(s)
    for c in s.containers:
        flag = None  # the flag an argument is the value of: --web.external-url http://...
        for path, label, text in c.texts():
            if label.startswith("env "):
                if (addresses.holds_ranges(label[4:]) or addresses.for_outside(label[4:])
                        or addresses.for_storage(label[4:])):
                    continue
            else:
                given_to, flag = flag, (text if text.startswith("-") and "=" not in text else None)
                if given_to and (addresses.for_outside(given_to) or addresses.for_storage(given_to)
                                 or addresses.holds_ranges(given_to)):
                    continue  # -localip 169.254.20.10,10.0.0.10: where node-local-dns listens
                if text.startswith("-") and "=" in text and addresses.for_storage(text.split("=", 1)[0]):
                    continue  # --nfs-server=10.0.0.5
            for address in addresses.pod_ip_literals(text):
                if address in storage:
                    continue  # the NFS server or iSCSI target a volume names: a storage machine, not a Pod
                if address in nodes or address in devices or addresses.in_ranges(address, service_ranges):
                    continue  # a node the input's host-network Pods name, or a Service IP of its API server's range
                evidence = networks.pod_evidence(address)
                if evidence:
                    yield Hit("pod-ip-literal", _ip_message(f"{c.name}'s {label}", address, evidence), c,
                              line=s.obj.doc.line(path))
        for config, key, line in s.config_values(c):
            if addresses.holds_ranges(key) or addresses.is_dns_configuration(key):
                continue
            for address in addresses.pod_ip_literals(addresses.without_comments(str(config.get("data", key)))):
                if address in devices or address in nodes:
                    continue
                evidence = networks.pod_evidence(address)
                if evidence:
                    where = f"ConfigMap {config.name} key {key} ({config.file}:{line}), used by {c.name},"
                    yield Hit("pod-ip-literal", _ip_message(where, address, evidence), c)


# The kinds whose objects declare a cluster's Pod or Service network (addresses.declared_by_object).
_NETWORK_KINDS = ("IPPool", "Installation", "ClusterConfiguration", "Cluster", "CiliumPodIPPool",
                  "KubeProxyConfiguration")


@record(frozen=True)
class _Networks:
    """What the input says of its cluster's networks: the Pod networks it declares, each with where, the
    Service networks it declares, and the cluster IPs its Services set."""

    pods: tuple  # (network, where it is declared, the folder of the file that declares it, its namespace)
    services: tuple
    service_ips: frozenset

    def seen_from(self, folder: str, namespace: str | None) -> "_Networks":
        """The networks that count for a workload in ``folder`` and ``namespace``: those declared in that
        folder or one above it, or by an object of the same named namespace (as review --cluster reads
        them, each kind in a folder of its own). A repository of lessons declares one cluster per lab (a
        kind configuration with Calico's 192.168.0.0/16 in lab 11), which says nothing of the addresses
        another lab's files hold."""
        return _Networks(tuple(p for p in self.pods if p[2] == folder or folder.startswith(p[2].rstrip(os.sep) + os.sep)
                               or (namespace and p[3] == namespace)), self.services, self.service_ips)

    def pod_evidence(self, address: str) -> str | None:
        """Why ``address`` is a Pod's (the words for the finding), or None when the input does not show it:
        it is in a declared Pod network, or, with none declared, on Docker's default bridge. A Service's
        cluster IP, or an address in a declared Service network, is never a Pod's."""
        if address in self.service_ips or addresses.in_ranges(address, self.services):
            return None
        if self.pods:
            for network, where, *_ in self.pods:
                if addresses.in_ranges(address, (network,)):
                    return f"inside the Pod network {network} that {where} declares"
            return None
        if addresses.on_docker_bridge(address):
            return (f"on Docker's default bridge {addresses.DOCKER_BRIDGE}, where Docker numbers the containers "
                    f"it runs, and a cluster that leaves Pod networking to Docker (no CNI plugin) its Pods")
        return None


def _declared_networks(s: Subject) -> _Networks:
    """The Pod and Service networks the input declares (addresses.declared_in_text, declared_by_object) and
    its Services' cluster IPs, worked out once for the input (``_over_the_input``)."""
    return s.inputs.once("addresses over the input", lambda: _over_the_input(s))[0]


def _over_the_input(s: Subject) -> tuple:
    """What pod-ip-literal reads of the whole input, worked out once: the networks it declares, what its own
    cluster says of addresses and the devices it names (``_declared_networks``, ``_cluster_addresses``,
    ``_device_addresses``), from what each workload's Pod spec says (``ManifestObject.told_facts``): a large
    input's workloads are folded (advisor.review.objects.FoldedObject), and reading each back for a pass was
    a tenth of the review of 10 copies of the shared corpus; theirs were worked out as they were parsed.
    Returns the three: (networks, cluster addresses, device addresses)."""
    pods, services = [], []
    host_network, devices = [], set()  # the Pod specs on their node's network; the devices their words show

    def add(declared, where, o):
        pods.extend((network, where, o.folder, o.namespace) for network in declared[0])
        services.extend(declared[1])

    for kind in POD_TEMPLATE_PATHS:
        for o in s.inputs.of_kind(kind):
            facts = o.told_facts  # a folded workload's, worked out as it was parsed: its documents are not read
            if facts is None:
                continue
            declared, host, shown = facts
            for name, found in declared:
                add(found, f"{name}'s command line or env in {o.label} ({o.file}:{o.line()})", o)
            if host:
                host_network.append(o.get(*POD_TEMPLATE_PATHS[kind], "spec"))
            devices |= shown
    data = [config.get("data") for config in s.inputs.of_kind("ConfigMap")]
    for config, values in zip(s.inputs.of_kind("ConfigMap"), data):
        for key, value in values.items() if isinstance(values, dict) else ():
            if isinstance(value, str):
                # the key counts as a setting's name: cilium-config's cluster-pool-ipv4-cidr: 10.0.0.0/8
                add(addresses.declared_in_text(f"{key}: " + addresses.without_comments(value), str(key)),
                    f"ConfigMap {config.name} key {key} ({config.file}:{config.line('data', key)})", config)
    for kind in _NETWORK_KINDS:
        for o in s.inputs.of_kind(kind):
            add(addresses.declared_by_object(kind, api_group(o.data), o.data), f"{o.label} ({o.file}:{o.line()})", o)
    ips = set()
    for service in s.inputs.of_kind("Service"):
        for ip in [service.get("spec", "clusterIP")] + list(service.get("spec", "clusterIPs") or []):
            if isinstance(ip, str):
                ips.add(ip)
    texts = [v for d in data if isinstance(d, dict) for v in d.values()]
    corefiles = [v for d in data if isinstance(d, dict) for k, v in d.items() if addresses.is_dns_configuration(str(k))]
    return (_Networks(tuple(pods), tuple(services), frozenset(ips)), addresses.cluster_addresses(host_network),
            addresses.device_addresses(texts, corefiles) | devices)


def _storage_servers(s: Subject) -> set[str]:
    """The addresses of the storage servers the Pod's volumes, and the input's PersistentVolumes and
    StorageClasses, name (nfs.server, iscsi.targetPortal, a share's source): machines that serve storage,
    which no Service could stand for."""
    # the input's own, once for all its workloads (quadratic otherwise: 5 s of 10k objects)
    shared = s.inputs.once("storage servers", lambda: addresses.storage_servers(
        [o.get(key) for kind, key in (("PersistentVolume", "spec"), ("StorageClass", "parameters"))
         for o in s.inputs.of_kind(kind)]))
    return addresses.storage_servers([v for v in s.pod_spec.get("volumes") or [] if isinstance(v, dict)]) | shared


def _cluster_addresses(s: Subject) -> tuple[set[str], tuple]:
    """The nodes' addresses and the Service ranges the input's own control plane names (addresses.
    cluster_addresses), worked out once for the input (``_over_the_input``)."""
    return s.inputs.once("addresses over the input", lambda: _over_the_input(s))[1]


def _device_addresses(s: Subject) -> set[str]:
    """The addresses the input shows to be cameras, recorders and name servers (addresses.device_addresses),
    from its ConfigMaps and its containers' env values and arguments; worked out once for the input
    (``_over_the_input``)."""
    return s.inputs.once("addresses over the input", lambda: _over_the_input(s))[2]


def _ip_message(where: str, address: str, evidence: str) -> str:
    return (f"{where} holds the address {address}, {evidence}: a Pod's IP changes whenever the Pod is replaced (every "
            f"rollout, eviction or reschedule), and may later belong to another Pod. Address the workload "
            f"by its Service's DNS name instead")
