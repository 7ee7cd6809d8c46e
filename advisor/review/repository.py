"""What a repository around the manifests says about them: where it is, which of its files its own
instructions put in a kubelet's static-Pod folder, which headless Services they create with kubectl, and which
tokens of a template their sed commands replace.

A bare Pod that the kubelet runs from a file on its node (a static Pod) is owned by that kubelet, not by
the API server: it cannot be a Deployment's. The manifest seldom says so; the repository's instructions do
("cp nodejs-pod.yaml /etc/kubernetes/manifests", a Vagrantfile syncing a folder there, a kubelet flag
naming its own folder). ``static_placement`` says where the repository's documents and scripts put a file;
they are walked and read once per repository for all that is asked of them (``_said``). Only a repository
with version control is read (a folder with .git, .hg, .svn or .jj: the checkout a user reviews), within
fixed limits of files and bytes, and nothing outside it.
"""

from __future__ import annotations

import functools
import os
import re

from advisor.review.objects import STDIN
from advisor.review.scope import VERSION_CONTROL
from advisor.system.patterns import lazy
from advisor.system.records import record

# The files whose lines are instructions: documents, shell scripts, Makefiles, Vagrantfiles.
_TEXT_SUFFIXES = (".md", ".markdown", ".rst", ".adoc", ".txt", ".sh", ".bash")
_TEXT_NAMES = ("Makefile", "makefile", "GNUmakefile", "Vagrantfile")
_SKIPPED_FOLDERS = frozenset({"node_modules", "vendor", "third_party"})
_MAX_FILES = 5000  # a repository with more text than this is read no further: what was read still counts
_MAX_BYTES = 1 << 20  # per file
# The kubelet's static-Pod folders by convention (kubeadm's, and older kubelets' /etc/kubelet.d), and the
# settings that name another one (the flag --pod-manifest-path, the configuration's staticPodPath).
_STATIC_FOLDER = lazy(r"(?<![\w.-])/etc/kubernetes/manifests?\b|(?<![\w.-])/etc/kubelet\.d\b")
_NAMED_FOLDER = lazy(r"(?:--pod-manifest-path[= ]|staticPodPath:\s*)[\"']?(/[\w./-]+)")
_MANIFEST_NAME = lazy(r"[\w./-]*[\w-]\.(?:ya?ml|json)\b")
_WORD = lazy(r"[\w./-]+")


def repository_of(path: str) -> str | None:
    """The nearest folder above ``path`` with version control (.git, .hg, .svn, .jj), or None (standard input too)."""
    return None if path == STDIN else _repository_of(os.path.dirname(os.path.abspath(path)))


@functools.lru_cache(maxsize=4096)
def _repository_of(folder: str) -> str | None:
    if any(os.path.exists(os.path.join(folder, marker)) for marker in VERSION_CONTROL):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _repository_of(parent)


def static_placement(path: str, reviewed: list[str]) -> str | None:
    """Where the repository of the manifest file ``path`` says to put it into a kubelet's static-Pod folder
    ("its repository's content/static.md:23 names it with /etc/kubernetes/manifest, ..."), or None. ``reviewed``: every file of the
    input, so that a bare file name said in a document is taken for one file only when no other file of the
    repository has that name (or when the document sits beside it)."""
    root = repository_of(path)
    if root is None:
        return None
    placements = _said(root).placements
    if not placements:
        return None
    path = os.path.abspath(path)
    for said, where, line, folder in placements:
        if _means(said, where, path, root, reviewed):
            return (f"its repository's {os.path.relpath(where, root)}:{line} names it with {folder}, a kubelet's "
                    f"static-Pod folder")
    return None


def _means(said: str, where: str, path: str, root: str, reviewed: list[str]) -> bool:
    """Whether ``said`` (a file name, a path, or a folder ending in /) in the document ``where`` names the
    manifest file ``path``: a path or a folder relative to the document or the repository's root; a bare
    name when no other file of the input there has it, or when the document sits beside the file."""
    if said.endswith("/"):
        return os.path.dirname(path) == os.path.normpath(os.path.join(os.path.dirname(where), said))
    if "/" in said:
        return path in {os.path.normpath(os.path.join(base, said)) for base in (os.path.dirname(where), root)}
    if os.path.basename(path) != said:
        return False
    return os.path.dirname(where) == os.path.dirname(path) or not _named_elsewhere(path, reviewed, root)


def _named_elsewhere(path: str, reviewed: list[str], root: str) -> bool:
    """Whether another file of the input in the same repository has ``path``'s file name."""
    name = os.path.basename(path)
    return any(os.path.basename(other) == name and os.path.abspath(other) != path
               and os.path.abspath(other).startswith(root + os.sep) for other in reviewed)


@record(frozen=True)
class _Said:
    """What a repository's documents and scripts say of its manifests, read once for all of them."""

    placements: tuple  # _placements
    headless: tuple  # _headless_services
    sed_tokens: frozenset  # _sed_tokens
    reached: dict  # _reached_by_name
    exposed: dict  # _exposed_deployments


@functools.lru_cache(maxsize=64)
def _said(root: str) -> _Said:
    """The repository's texts walked and read once (``_texts``), whichever of them a review asks for first."""
    texts = list(_texts(root))
    return _Said(_placements(texts), _headless_services(texts), _sed_tokens(texts), _reached_by_name(texts),
                 _exposed_deployments(texts))


def _placements(texts: list[tuple[str, str]]) -> tuple[tuple[str, str, int, str], ...]:
    """(file or path said, the document, its line, the static folder) of every line of the repository's
    documents and scripts that names a manifest file and a static-Pod folder; a Vagrantfile's synced folder
    counts for each manifest in it ("folder/" said)."""
    folders = {m.group(1).rstrip("/") for _, text in texts for m in _NAMED_FOLDER.finditer(text)}
    named = re.compile("|".join(re.escape(f) + r"\b" for f in sorted(folders, key=len, reverse=True))) \
        if folders else None
    found = []
    for where, text in texts:
        if "/etc/kube" not in text and not (named and named.search(text)):
            continue  # most documents name no static-Pod folder (a substring test: the pattern's lookbehind makes
            # Python's re try it at every character, a tenth of a second over a large checkout's documents)
        for number, line in enumerate(text.splitlines(), 1):
            folder = (_STATIC_FOLDER.search(line) if "/etc/kube" in line else None) or (
                named.search(line) if named else None)
            if folder is None or _NAMED_FOLDER.search(line):
                continue  # a flag or setting that names the folder is no placement of a file
            said = [m.group(0) for m in _MANIFEST_NAME.finditer(line)]
            said += [w.strip("/") + "/" for w in _WORD.findall(line) if w.strip("/") and "." not in w
                     and os.path.isdir(os.path.join(os.path.dirname(where), w.strip("/")))
                     and not w.startswith("/")] if os.path.basename(where) == "Vagrantfile" else []
            for name in said:
                name = name.rsplit("/", 1)[-1] if name.startswith("/") else name  # a file inside the folder itself
                found.append((name, where, number, folder.group(0)))
    return tuple(found)


# kubectl (or its usual alias k, or OpenShift's oc) creating a headless Service from the command line:
# `kubectl create service clusterip NAME --clusterip=None`, `kubectl expose statefulset web --cluster-ip=None
# --name=NAME` (the Service takes the name of what it exposes when --name is not given).
_KUBECTL = r"(?<![\w-])(?:kubectl|oc|k)\s"
_CREATES_HEADLESS = lazy(_KUBECTL + r"[^\n]*?\bcreate\s+(?:service|svc)\s+clusterip\s+([a-z0-9][a-z0-9.-]*)"
                                    r"[^\n]*?--clusterip[= ][\"']?None\b")
_EXPOSES_HEADLESS = lazy(_KUBECTL + r"[^\n]*?\bexpose\s+([^\n]*?--cluster-ip[= ][\"']?None\b[^\n]*)")
_EXPOSED = lazy(r"--name[= ][\"']?([a-z0-9][a-z0-9.-]*)|(?:^|\s)(?:\w+/|(?:statefulsets?|sts|deployments?|deploy|"
                r"pods?|services?|svc|replicasets?|rs)\s+)([a-z0-9][a-z0-9.-]*)")


def headless_created(path: str, name: str) -> str | None:
    """Where the repository of the manifest file ``path`` creates a headless Service called ``name`` with kubectl
    ("its repository's problem.md:2 creates it: kubectl create svc clusterip hls --clusterip=None"), or None:
    a lab whose instructions make the Service a StatefulSet names, beside the manifest of the StatefulSet."""
    root = repository_of(path)
    if root is None:
        return None
    for created, where, line, text in _said(root).headless:
        if created == name:
            return f"its repository's {os.path.relpath(where, root)}:{line} creates it: {text}"
    return None


def _headless_services(texts: list[tuple[str, str]]) -> tuple[tuple[str, str, int, str], ...]:
    """(the Service's name, the document, its line, the command) of each headless Service the repository's
    documents and scripts create with kubectl."""
    found = []
    for where, text in texts:
        if "clusterip" not in text.lower() and "cluster-ip" not in text:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            created = _CREATES_HEADLESS.search(line)
            if created:
                found.append((created.group(1), where, number, created.group(0).strip()))
                continue
            exposed = _EXPOSES_HEADLESS.search(line)
            if exposed is None:
                continue
            said = list(_EXPOSED.finditer(exposed.group(1)))
            # --name names it, else what it exposes does
            name = next((m.group(1) for m in said if m.group(1)), None) or next(
                (m.group(2) for m in said if m.group(2)), None)
            if name:
                found.append((name, where, number, exposed.group(0).strip()))
    return tuple(found)


def exposed_by_kubectl(path: str, name: str) -> str | None:
    """Where the repository of the manifest file ``path`` puts a Service in front of the Deployment ``name`` with
    kubectl expose ("its repository's lab.sh:52 runs kubectl expose deployment web --port=8080 --name=svc1"), or
    None: a lesson's script that serves the Deployment of the manifest beside it (blind round 45)."""
    return _runs(path, "exposed", name)


def _runs(path: str, said: str, name: str) -> str | None:
    """Where the repository of ``path`` runs a command about ``name`` ("its repository's WHERE:LINE runs COMMAND"),
    from its ``said`` table (a field of ``_Said``: {name: (the document, its line, the command)}), or None."""
    root = repository_of(path)
    if root is None:
        return None
    found = getattr(_said(root), said).get(name)
    if found is None:
        return None
    where, line, command = found
    return f"its repository's {os.path.relpath(where, root)}:{line} runs {command}"


# kubectl expose of a Deployment: `kubectl expose deployment web --port=80`, `kubectl expose deploy/web ...`.
_EXPOSES_DEPLOYMENT = lazy(_KUBECTL + r"[^\n]*?\bexpose\s+(?:deployments?|deploy)(?:\s+|/)([a-z0-9][a-z0-9.-]*)[^\n]*")


# kubectl create deployment making a Deployment of its own: `kubectl create deployment web --image=nginx`.
_CREATES_DEPLOYMENT = lazy(_KUBECTL + r"[^\n]*?\bcreate\s+(?:deployments?|deploy)\s+([a-z0-9][a-z0-9.-]*)")


def _exposed_deployments(texts: list[tuple[str, str]]) -> dict[str, tuple[str, int, str]]:
    """{a Deployment's name: (the document, its line, the command)} for the first kubectl expose of each, but for a
    name the documents also give a Deployment of their own with kubectl create deployment: which of the two the
    expose serves, the text does not say (as for kubectl run's Pods, ``_reached_by_name``)."""
    found: dict[str, tuple[str, int, str]] = {}
    created: set[str] = set()
    for where, text in texts:
        if "expose" not in text and "create" not in text:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if "create" in line:
                created.update(match.group(1) for match in _CREATES_DEPLOYMENT.finditer(line))
            if "expose" in line:
                for match in _EXPOSES_DEPLOYMENT.finditer(line):
                    found.setdefault(match.group(1), (where, number, " ".join(match.group(0).split())[:120]))
    return {name: said for name, said in found.items() if name not in created}


# A sed substitution of a template's token: s/NODE/$node/g, s|QOS|high|, with the token in capitals.
_SED_TOKEN = lazy(r"(?<![\w-])s([/|#,:])([A-Z][A-Z0-9_]+)\1")


def sed_placeholders(path: str) -> frozenset[str]:
    """The tokens in capitals (NODE, QOS, INDEX) that the scripts and documents of the repository of the manifest
    file ``path`` replace with sed before the file is applied: placeholders of a template, not values; empty
    outside a checkout."""
    root = repository_of(path)
    return _said(root).sed_tokens if root is not None else frozenset()


def _sed_tokens(texts: list[tuple[str, str]]) -> frozenset[str]:
    return frozenset(m.group(2) for _, text in texts if "sed" in text
                     for line in text.splitlines() if "sed" in line for m in _SED_TOKEN.finditer(line))


# kubectl (or k, or oc) reaching into one Pod by its name: exec and attach name it after their flags, cp in a
# NAME:path (or NAMESPACE/NAME:path) argument. A Pod written as pod/NAME counts; another kind (deploy/web) does not.
_REACHES = lazy(_KUBECTL + r"\s*(exec|attach|cp)\s+([^\n;&|]*)")
_TAKES_A_VALUE = frozenset({"-n", "--namespace", "-c", "--container", "--context", "--kubeconfig", "-f", "--filename",
                            "--pod-running-timeout", "--request-timeout", "-s", "--server", "--user", "--cluster"})
_POD_NAME = lazy(r"(?:pods?/)?([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)")
_COPIED = lazy(r"^(?:[a-z0-9][a-z0-9-]*/)?([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?):\S")


def reached_by_name(path: str, name: str) -> str | None:
    """Where the repository of the manifest file ``path`` reaches into a Pod called ``name`` with kubectl exec,
    attach or cp ("its repository's commands.txt:582 runs kubectl exec sre-user -- kubectl auth can-i delete
    pods"), or None: a Pod its instructions use as a box to work in, by the name they know it by."""
    return _runs(path, "reached", name)


def _reached_by_name(texts: list[tuple[str, str]]) -> dict[str, tuple[str, int, str]]:
    """{a Pod's name: (the document, its line, the command)} for the first kubectl exec, attach or cp of each Pod
    the repository's documents and scripts name, but for a name they also give a Pod of their own with kubectl run:
    which of the two Pods of that name they reach into, the text does not say (blind round 43: a course's
    `kubectl run nginx --image=nginx`, then `kubectl exec -it nginx`, beside an example nginx Pod)."""
    found: dict[str, tuple[str, int, str]] = {}
    run: set[str] = set()
    for where, text in texts:
        if "run " in text:  # (substring tests first, as below)
            run.update(_run_pod(match.group(1).split()) for line in text.splitlines() if "run " in line
                       for match in _RUNS.finditer(line))
        if "exec" not in text and "attach" not in text and "cp " not in text:
            continue
        values = _literal_variables(text) if "$" in text else {}
        for number, line in enumerate(text.splitlines(), 1):
            if "exec" not in line and "attach" not in line and "cp " not in line:
                continue  # (a substring test first: the pattern's lookbehind is tried at every character)
            for match in _REACHES.finditer(line):
                words = [_VARIABLE.sub(lambda m: values.get(m.group(1) or m.group(2), m.group(0)), word).strip("'\"")
                         for word in match.group(2).split()]
                for name in _pods_reached(match.group(1), words):
                    found.setdefault(name, (where, number, " ".join(match.group(0).split())[:120]))
    return {name: said for name, said in found.items() if name not in run}


# An assignment at the start of a line, and its value when that is one literal word (POD_NAME="dev-js", export
# NS=web; not POD_NAME="$1" nor NS=$(kubectl ...)), and a use of a variable ($NAME, ${NAME}): blind round 46's scripts
# reach their Pods with kubectl exec -it -n "$NAMESPACE" "$POD_NAME".
_ASSIGNED = lazy(r"^\s*(?:export\s+|readonly\s+|local\s+|declare\s+)?([A-Za-z_][A-Za-z0-9_]*)="
                 r"(?:([\"']?)([A-Za-z0-9][A-Za-z0-9._-]*)\2\s*(?:#.*)?$)?")
_VARIABLE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _literal_variables(text: str) -> dict[str, str]:
    """{a variable's name: its value} for each variable the script ``text`` gives a literal value, and only one
    (a name given two values, or one from elsewhere as well, may hold either where it is used)."""
    values: dict[str, set] = {}
    for line in text.splitlines():
        if "=" not in line:
            continue
        assigned = _ASSIGNED.match(line)
        if assigned:  # (the value None: not a literal)
            values.setdefault(assigned.group(1), set()).add(assigned.group(3))
    return {name: given.pop() for name, given in values.items() if len(given) == 1 and None not in given}


# kubectl run making a Pod of the name after its verb (`kubectl run nginx --image=nginx`, `kubectl run --rm -it
# --image=busybox box -- sh`): its flags give their values after =, or after a space for those that take one.
_RUNS = lazy(_KUBECTL + r"\s*run\s+([^\n;&|]*)")
_RUN_TAKES_A_VALUE = _TAKES_A_VALUE | {"--image", "--restart", "--port", "--labels", "-l", "--env", "--overrides",
                                       "--serviceaccount", "--image-pull-policy", "--annotations"}


def _run_pod(words: list[str]) -> str | None:
    """The name of the Pod a kubectl run with these words (after the verb) makes, or None."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--":
            return None
        elif word.startswith("-"):
            skip = word in _RUN_TAKES_A_VALUE
        else:
            named = _POD_NAME.fullmatch(word)
            return named.group(1) if named and "/" not in word else None
    return None


# Programs that look at what a running Pod holds or does: exec'd into a server to check it (`kubectl exec web -- cat
# /app/config.json`), they say nothing of the Pod being a box to work in.
_LOOKS = frozenset({"cat", "ls", "env", "printenv", "ps", "top", "curl", "wget", "head", "tail", "less", "more", "df",
                    "du", "id", "whoami", "hostname", "date", "echo", "nslookup", "dig", "host", "ping", "netstat",
                    "ss", "mount", "find", "grep", "stat", "wc", "tree", "uname", "nc", "ip", "ifconfig", "free"})


def _pods_reached(verb: str, words: list[str]) -> list[str]:
    """The Pods' names a kubectl exec, attach or cp with these words (after the verb) reaches into to work there:
    files copied in or out, a shell, a tool or a script run in it; not a look at what it holds (``_LOOKS``)."""
    if verb == "cp":
        return [m.group(1) for m in map(_COPIED.match, words) if m]
    skip = False
    for index, word in enumerate(words):
        if skip:
            skip = False
            continue
        if word == "--":
            return []
        if word.startswith("-"):
            skip = word in _TAKES_A_VALUE
            continue
        named = _POD_NAME.fullmatch(word)
        if not named or ("/" in word and not word.startswith("pod")):
            return []
        run = [w for w in words[index + 1:] if not w.startswith("-")]  # the program after `--` (or flags)
        program = run[0].rsplit("/", 1)[-1].strip("'\"") if run else ""
        return [] if program in _LOOKS else [named.group(1)]
    return []


def _texts(root: str):
    """(path, text) of the repository's documents and scripts, within the limits."""
    count = 0
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d not in _SKIPPED_FOLDERS)
        for name in sorted(files):
            if not (name.endswith(_TEXT_SUFFIXES) or name in _TEXT_NAMES):
                continue
            count += 1
            if count > _MAX_FILES:
                return
            path = os.path.join(folder, name)
            try:
                with open(path, "rb") as handle:
                    data = handle.read(_MAX_BYTES)
            except OSError:
                continue
            yield path, data.decode("utf-8", "replace")
