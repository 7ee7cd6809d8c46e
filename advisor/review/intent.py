"""What a Pod is for: run until stopped, finish, be a box to exec into, or not known.

A manifest rarely says it. A Deployment or a Job states it by its kind; a bare Pod
leaves it to evidence, and the advice hangs on it: a Deployment for a server, a Job
for work that finishes, nothing for a box kept for ``kubectl exec``. Every piece of
evidence found is recorded with its rank, strongest first, so that a finding can say
what it rests on and a reader can check it:

==== ===================================================================================
rank evidence
==== ===================================================================================
100  the object's kind, or an owner reference: stated, not guessed
 80  a container keeps its standard input open (``stdin``, ``tty``): a box to attach to
 70  the main container's own command, probe or port (advisor.review.runtime)
 65  a server beside a container that prepares what it serves (they share a volume)
 60  the main container's image, when the manifest gives no command (advisor.review.images)
 50  restartPolicy OnFailure or Never: its author allowed it to end
 40  a Service sends it traffic
 35  a container beside the main one is a server of its own, so the Pod never completes
 30  the only container whose command is known only waits
 25  the Pod's name or its file's says it is for debugging (``debug``, ``toolbox``, ``jump``)
 22  its repository's instructions reach into it by name (``kubectl exec NAME``, ``kubectl cp NAME:/x``)
 20  generateName: the Pod is made anew each time, by a tool or a script
==== ===================================================================================

Apart from the ranks, ``owner`` records a CI server that creates the Pod for one build and
deletes it after (a Jenkins agent): it is the Pod's controller, so none is recommended.

The strongest evidence decides. What the main container is comes from the same
evidence (advisor.review.facts): a server over a container that prepares its content,
whatever the order they are listed in. When nothing decides, the verdict is *unknown*,
and the advice names a controller for each case instead of guessing. When the evidence
says only that the Pod ends at once without doing any work (``exit 1``, ``sh -c`` with
no script, a shell with no input), the verdict is *finishes* with a doubt: what the Pod
was meant to do is not in the manifest, so no rewrite is written.
"""

from __future__ import annotations

import os
import re

from advisor.review import images
from advisor.system.records import record

UNTIL_STOPPED, FINISHES, EXEC_BOX, UNKNOWN = "until-stopped", "finishes", "exec-box", "unknown"
VERDICTS = (UNTIL_STOPPED, FINISHES, EXEC_BOX, UNKNOWN)
SAYING = {UNTIL_STOPPED: "it runs until stopped", FINISHES: "its work finishes",
          EXEC_BOX: "it is a box to exec into or attach to", UNKNOWN: "what it is for is not known"}

STATED, INTERACTIVE, COMMAND, PREPARED, IMAGE, POLICY, SERVICE, SIBLING, WAITING_SIBLING, NAMED, REACHED, GENERATED = (
    100, 80, 70, 65, 60, 50, 40, 35, 30, 25, 22, 20)

# Environment variables that the Jenkins Kubernetes plugin gives each agent it creates.
_JENKINS_AGENT_ENV = ("JENKINS_SECRET", "JENKINS_AGENT_NAME", "JENKINS_NAME", "JENKINS_AGENT_WORKDIR")
# Labels the CI systems put on the Pods they create for one build or one step.
_CI_LABELS = {"jenkins": "the Jenkins Kubernetes plugin", "jenkins/label": "the Jenkins Kubernetes plugin",
              "tekton.dev/taskRun": "Tekton (a TaskRun)", "tekton.dev/pipelineRun": "Tekton (a PipelineRun)",
              "workflows.argoproj.io/workflow": "Argo Workflows", "job.runner.gitlab.com/id": "a GitLab runner"}


@record(frozen=True)
class Evidence:
    """One sign of what a Pod is meant to do: what it says, how strongly, and why."""

    says: str  # one of VERDICTS (UNKNOWN never: absence of evidence is not evidence)
    rank: int
    why: str

    def to_dict(self) -> dict:
        return {"says": self.says, "rank": self.rank, "why": self.why}


@record(frozen=True)
class Intent:
    """What a Pod is meant to do (its verdict), with the evidence found, strongest first."""

    verdict: str
    evidence: tuple[Evidence, ...] = ()  # everything found, strongest first
    owner: str | None = None  # another controller creates and deletes the Pod (a CI server)
    doubt: str | None = None  # the verdict is known, not what the Pod is meant to do: no rewrite

    @property
    def why(self) -> str | None:
        """The deciding evidence, in words."""
        return self.evidence[0].why if self.evidence and self.verdict != UNKNOWN else None

    @property
    def stated(self) -> bool:
        return bool(self.evidence) and self.evidence[0].rank >= STATED

    @property
    def decided(self) -> bool:
        """Whether the evidence decides what the Pod is for, so that a rewrite may rest on it."""
        return self.verdict != UNKNOWN and self.doubt is None and self.owner is None

    def to_dict(self) -> dict:
        return {"verdict": self.verdict, "owner": self.owner, "doubt": self.doubt,
                "evidence": [e.to_dict() for e in self.evidence]}


def run_by_hand(intent: Intent, restart_policy: str | None) -> bool:
    """Whether the verdict is unknown because the Pod's command runs until stopped under restartPolicy Never: run by hand
    until someone deletes it, or meant to stay up (advisor.review.facts decides it; the finding and --suggest's note
    say the same two cases)."""
    top = intent.evidence[0] if intent.evidence else None
    return (intent.verdict == UNKNOWN and restart_policy == "Never" and top is not None and top.rank == COMMAND
            and top.says == UNTIL_STOPPED)


def decide(evidence: list[Evidence], owner: str | None = None, doubt: str | None = None) -> Intent:
    """The verdict of the strongest evidence (the first listed wins a tie), all of it kept in rank order.

    A guess from an image's name (rank IMAGE or below) decides nothing against what the author wrote
    (a restartPolicy, rank POLICY or above) when the two disagree on whether the Pod finishes:
    ``arungupta/vault-kubernetes`` with ``restartPolicy: Never`` is a client that reads a secret and
    exits, not the Vault server its name suggests. The verdict is then unknown (the evidence says both)."""
    ranked = tuple(sorted(evidence, key=lambda e: -e.rank))
    if not ranked:
        return Intent(UNKNOWN, (), owner)
    top = ranked[0]
    if top.rank <= IMAGE and top.says in (UNTIL_STOPPED, FINISHES):
        against = next((e for e in ranked[1:] if e.rank >= POLICY and e.says in (UNTIL_STOPPED, FINISHES)
                        and e.says != top.says), None)
        if against is not None:
            return Intent(UNKNOWN, ranked, owner)
    return Intent(top.says, ranked, owner, doubt if top.says == FINISHES else None)


def ci_owner(pod_spec: dict, labels: dict, containers) -> str | None:
    """The CI server that creates this Pod for a build and deletes it after, when the Pod shows one."""
    for key, owner in _CI_LABELS.items():
        if key in labels:
            return owner
    for c in containers:
        names = {str(v.get("name")) for v in c.spec.get("env") or [] if isinstance(v, dict)}
        if c.name == "jnlp" or len(names & set(_JENKINS_AGENT_ENV)) >= 2:
            return (f"the Jenkins Kubernetes plugin, which creates it for one build and deletes it after (its "
                    f"{'jnlp container' if c.name == 'jnlp' else 'agent variables JENKINS_SECRET and others'})")
        nature = images.nature(c.image)
        if nature is not None and nature.runs == images.CI_AGENT:
            server = next((name for word, name in _CI_SERVERS if word in images.repository(c.image)), "its CI server")
            return f"{server} ({nature.why(c.image)})"
    return None


_CI_SERVERS = (("jenkins", "the Jenkins Kubernetes plugin"), ("gitlab", "a GitLab runner"),
               ("argo", "Argo Workflows"), ("tekton", "Tekton"))


def interactive(containers) -> str | None:
    """Why the Pod is a box to attach to: a container whose standard input stays open."""
    for c in containers:
        stdin, tty = c.spec.get("stdin") is True, c.spec.get("tty") is True
        if stdin or tty:
            kept = " and ".join(k for k, on in (("stdin: true", stdin), ("tty: true", tty)) if on)
            return f"{c.name} keeps its standard input open ({kept}): a box to attach to or exec into"
    return None


_DEBUG_WORDS = ("debug", "debugger", "toolbox", "jump", "jumpbox", "troubleshoot", "netshoot")


def debug_name(name: str, file: str) -> str | None:
    """Why the Pod's name or its file's name says it is a box for debugging, or None."""
    for what, text in (("its name", name), ("its file's name", os.path.basename(file or ""))):
        words = re.split(r"[^a-z0-9]+", str(text or "").lower())
        found = next((w for w in words if w in _DEBUG_WORDS), None)
        if found:
            return f"{what} ({text}) says it is for debugging ({found!r}): a box to exec into"
    return None
