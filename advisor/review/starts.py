"""container-cannot-start: a container the cluster accepts and then never runs, by what its image is.

The API server and Pod Security admission take ``runAsNonRoot: true`` whatever the
image; the kubelet then refuses to start a container whose UID it cannot show is not 0
(no ``runAsUser``, and an image that runs as root or as a named user), and the Pod stays
in CreateContainerConfigError. A read-only root filesystem with no volume where the
image writes fails later, when the program first writes there; and a database image given
none of the password settings its entrypoint asks for exits at its first start. All rest
on facts of the image, read from the image catalogue through advisor.kb.starts, the module
the manifest writer decides with: review and ``pod-advisor manifest`` agree on what
starts.

``cannot_start`` is the check; ``fix_start`` is what ``--suggest`` writes for it: the
UID the manifest writer would give the container, and an emptyDir at each path its
image writes that no volume holds.
"""

from __future__ import annotations

import os
import re
from typing import Iterator

from advisor.kb.images import ROOT_USERS
from advisor.kb.starts import (Start, alternative_image, covered, env_of, missing_env, one_dash_flag, one_of,
                               plan_start, refused_env, refused_mounts, volume_name)
from advisor.review import images
from advisor.review.checks import Hit, check
from advisor.review.facts import ManifestContainer, Subject, used_as_an_example
from advisor.review.repository import repository_of
from advisor.system.patterns import lazy
from advisor.system.records import record

FINDING = "container-cannot-start"
# What only OpenShift serves (route.openshift.io, project.openshift.io, apps.openshift.io, security.openshift.io):
# manifests that hold such an object are applied to OpenShift, whose admission (the restricted security context
# constraints) gives a container without runAsUser a UID from its namespace's range, so the kubelet's runAsNonRoot
# check passes whatever user the image names; and a runAsUser outside that range gets the Pod refused.
_OPENSHIFT_GROUPS = ".openshift.io"


def _context(value) -> dict:
    context = value.get("securityContext") if isinstance(value, dict) else None
    return context if isinstance(context, dict) else {}


def _mount_paths(spec: dict) -> list[str]:
    mounts = spec.get("volumeMounts") if isinstance(spec.get("volumeMounts"), list) else []
    return [str(m.get("mountPath")) for m in mounts if isinstance(m, dict) and m.get("mountPath")]


def _effective(c: ManifestContainer, pod: dict, key: str):
    """A setting of the container's security context, else the Pod's (the kubelet's precedence)."""
    own = _context(c.spec)
    return own[key] if key in own else _context(pod).get(key)


def _image_user(start: Start) -> str | None:
    """The user the kubelet would find in the image when it is one it cannot start under
    runAsNonRoot ('root', or the name), or None (a numeric non-root user, or not known)."""
    user = start.family.user.value if start.family is not None else None
    if user is None:
        return None
    uid = user.split(":", 1)[0]
    if uid in ROOT_USERS:
        return "root"
    return None if uid.isdigit() else user


# A command that changes files' owners (chown, chgrp, install -o/-g), which only root may do (with CHOWN among its
# capabilities): a step that prepares a volume for the Pod's user. Given another UID, it fails (blind round 47's
# labellers: an init container's `install -d -o 1001 -g 1001` told to run as 65532 exits 1 on every try).
_OWNERS = lazy(r"(?:^|[;&|\n(`]|\b(?:sudo|then|do|exec|xargs))\s*(?:(chown|chgrp)\s|install\s+(?:[^;&|\n]*?\s)?"
               r"(?:-o|-g|--owner|--group)(?=[\s=\d]))", re.MULTILINE)


def needs_root(spec: dict) -> str | None:
    """What in the container's own command needs root ('chown', 'install -o'), or None."""
    words = [w for key in ("command", "args") if isinstance(spec.get(key), list)
             for w in spec[key] if isinstance(w, str)]
    found = _OWNERS.search("\n".join(words))
    if found is None:
        return None
    return found.group(1) or "install -o"


def _root_fix(c: ManifestContainer, what: str) -> str:
    """Both ways out for a container whose command needs root under a Pod that asks for non-root users."""
    capabilities = _context(c.spec).get("capabilities")
    dropped = capabilities.get("drop") if isinstance(capabilities, dict) else None
    chown = (", and CHOWN added to the capabilities it drops" if isinstance(dropped, list)
             and {"ALL", "CHOWN"} & {str(d).upper() for d in dropped} else "")
    return (f"Its command changes files' owners ({what}), which only root may do: let {c.name} alone run as root "
            f"(runAsNonRoot: false on it{chown}; Pod Security's \"restricted\" level allows neither), or leave it out "
            f"and let the Pod's fsGroup give its volumes to the Pod's group. --suggest writes neither: which the "
            f"namespace allows, the manifest does not say")


def _the_fix(start: Start, name: str) -> str:
    if start.uid is not None:
        said = "" if start.basis != "assumed" else (" (an assumption: no source says the image works under "
                                                    "another UID)")
        return (f"Set runAsUser: {start.uid} and runAsGroup: {start.gid} on {name}{said}; --suggest writes "
                f"them")
    ways = []
    alternative = start.family.alternative.value if start.family.alternative else None
    if alternative is not None:
        port = f", port {alternative.port}" if alternative.port else ""
        ways.append(f"run {alternative_image(start.shown, alternative.image)} instead (UID {alternative.uid}{port})")
    ways.append(f"let {name} run as root (runAsNonRoot: false on it, Pod Security \"baseline\")")
    return f"Its image needs root as shipped: {', or '.join(ways)}"


def unwritable(start: Start, spec: dict) -> list[str]:
    """The paths the image writes that a read-only root filesystem leaves unwritable: no volume is
    mounted at or above them, and the image declares no volume there (the runtime mounts those
    writable). Empty when the catalogue does not say what the image writes or declares."""
    family = start.family
    if family is None or not start.writes_known or family.volumes is None or not family.volumes.known:
        return []
    return [p for p in start.writes if not covered(p, _mount_paths(spec)) and not covered(p, family.volumes.value)]


# Paths a container writes on a read-only root all the same: the runtime's own mounts (the devices and shared
# memory, the kernel's, the files the kubelet mounts for names and the termination message).
_RUNTIME_MOUNTS = ("/dev", "/proc", "/sys", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf")


def touched_before_it_stops(start: Start, spec: dict) -> list[str]:
    """The files the container's shell script touches on a read-only root where no volume (mounted, or declared by
    the image) holds them, when the failure ends the script: ``touch /tmp/healthy && sleep 3600`` (round 28's
    troubleshooting lab), or after ``set -e``. Only ``touch``, which fails on a read-only filesystem whatever is
    there (``mkdir -p`` of a folder the image has succeeds), and only the script's first steps, up to the first
    command that is neither touch nor one that only prints or sets the shell up. Empty when the catalogue does not
    say which volumes the image declares (one may be at that path)."""
    family = start.family
    if family is None or family.volumes is None or not family.volumes.known:
        return []
    command, args = spec.get("command"), spec.get("args")
    words = (command if isinstance(command, list) else []) + (args if isinstance(args, list) else [])
    if not isinstance(command, list) or not all(isinstance(w, str) for w in words):
        return []  # without a command the image's entrypoint runs, which may not be a shell given the args
    from advisor.review import shell  # its parse trees are a start's cost (advisor.review.runtime says so too)

    call = shell.invocation(words)
    if call.script is None:
        return []
    options = words[1:words.index(call.script)] if call.script in words else []
    errexit = any(_sets_errexit(w) for w in options) or "errexit" in options
    mounts = _mount_paths(spec) + list(family.volumes.value) + list(_RUNTIME_MOUNTS)
    for node, operator in shell.parse(call.script).body.steps:
        if not isinstance(node, shell.Simple):
            break
        if node.program == "set":
            errexit = errexit or any(_sets_errexit(w) for w in node.words[1:]) or "errexit" in node.words
            continue
        if node.program == "touch":
            files = [w for w in node.words[1:] if w.startswith("/") and "$" not in w and not covered(w, mounts)]
            if files and (operator == "&&" or errexit):
                return files
            continue
        if node.program not in ("echo", "printf", "export", "cd", "date", "hostname", "id", "whoami", "env"):
            break
    return []


def _sets_errexit(word: str) -> bool:
    """Whether a shell option word turns errexit on: -e, -eu, -euxo (not --e..., nor +e)."""
    return word.startswith("-") and not word.startswith("--") and "e" in word[1:]


def _writable_fix(start: Start, missing: list[str]) -> str:
    """How to make ``missing`` writable: an emptyDir each, except where the image keeps files of its own
    (an empty volume would hide them), for which --suggest writes nothing and both ways are said."""
    empty = [p for p in missing if p not in start.ships]
    shipped = [p for p in missing if p in start.ships]
    if not shipped:
        return "Mount an emptyDir at each (--suggest writes them)"
    where = ", ".join(shipped)
    said = (f"At {where} its image keeps files of its own that it reads, which an empty volume would hide: set "
            f"readOnlyRootFilesystem: false on it, or copy those files into a volume first (an init container of "
            f"the same image) and mount that")
    if empty:
        said += f"; mount an emptyDir at {', '.join(empty)} (--suggest writes those, and nothing for {where})"
    else:
        said += " (--suggest writes neither)"
    return said


def _uid_fix(start: Start, name: str) -> str:
    if start.family is None:
        return (f"Set runAsUser to the UID its image runs as (--suggest writes {start.uid}, an assumption: "
                f"{start.shown} is not in pod-advisor's image catalogue)")
    if start.uid is None:
        return _the_fix(start, name)
    return f"Set runAsUser: {start.uid}, the UID {start.shown} runs as without root; --suggest writes it"


def _line(s: Subject, c: ManifestContainer, key: str) -> int:
    """The line of the container's own setting ``key``, else the container's."""
    return s.obj.doc.line(c.path + ("securityContext", key)) or c.line


@check(FINDING)
def cannot_start(s: Subject, rec) -> Iterator[Hit]:
    pod = s.pod_spec
    for c in s.containers:
        start = plan_start(c.image)
        why = (f"{start.shown}'s user and the paths it writes are those pod-advisor's image catalogue gives "
               f"{start.family.title}" if start.family is not None else None)
        if _effective(c, pod, "runAsNonRoot") is True:
            user = _effective(c, pod, "runAsUser")
            if user == 0:
                root = needs_root(c.spec)
                yield Hit(FINDING,
                          f"{c.name} asks for runAsNonRoot and sets runAsUser 0: the kubelet refuses to start it "
                          f"(\"container's runAsUser breaks non-root policy\"), and the Pod stays in "
                          f"CreateContainerConfigError. {_root_fix(c, root) if root else _uid_fix(start, c.name)}",
                          c, line=_line(s, c, "runAsUser"))
            elif user is None and (found := _image_user(start)) is not None and not openshift(s):
                refusal = ("container has runAsNonRoot and image will run as root" if found == "root" else
                           f"image has non-numeric user ({found}), cannot verify user is non-root")
                runs = "as root" if found == "root" else f"as the user {found!r}, a name the kubelet cannot check"
                root = needs_root(c.spec)
                yield Hit(FINDING,
                          f"{c.name} asks for runAsNonRoot but sets no runAsUser, and its image {start.shown} runs "
                          f"{runs}: the kubelet refuses to start it (\"{refusal}\"), and the Pod stays in "
                          f"CreateContainerConfigError. {_root_fix(c, root) if root else _the_fix(start, c.name)}",
                          c, line=_line(s, c, "runAsNonRoot"), guess=why)
        if _context(c.spec).get("readOnlyRootFilesystem") is True and not _client_of_its_image(start, c):
            missing = unwritable(start, c.spec)
            if missing:
                paths = ", ".join(missing)
                yield Hit(FINDING,
                          f"{c.name} has a read-only root filesystem, but its image {start.shown} writes to {paths}, "
                          f"where no volume is mounted (nor does the image declare one there): each write there "
                          f"fails, and a program that needs it stops. {_writable_fix(start, missing)}",
                          c, line=_line(s, c, "readOnlyRootFilesystem"), guess=why)
        if _context(c.spec).get("readOnlyRootFilesystem") is True and (touched := touched_before_it_stops(start, c.spec)):
            folders = sorted({os.path.dirname(f) for f in touched})
            yield Hit(FINDING,
                      f"{c.name} has a read-only root filesystem, and its command touches {', '.join(touched)}, where "
                      f"no volume is mounted (nor does its image {start.shown} declare one there): touch fails "
                      f"(\"Read-only file system\") and the script stops there, so the container exits before its "
                      f"work starts, and every restart exits the same way. "
                      + (f"Mount an emptyDir at {', '.join(folders)} (--suggest writes it), or write the file under "
                         f"a folder a volume holds" if "/" not in folders else
                         "Write the file under a folder a volume holds (no volume can be mounted at /)"),
                      c, line=_line(s, c, "readOnlyRootFilesystem"),
                      guess=f"the volumes {start.shown} declares are those pod-advisor's image catalogue gives "
                            f"{start.family.title}")
        if (shell_why := _shell_without_input(s, c)) is not None:
            yield Hit(FINDING,
                      f"{c.name} runs its image's own command, and {shell_why}: under restartPolicy Always the "
                      f"kubelet starts it again and again (CrashLoopBackOff), and the Pod is never ready. Give it a "
                      f"command that runs until stopped (its program, or sleep infinity for a box to exec into), or "
                      f"set stdin: true and tty: true for an interactive one",
                      c, line=c.line, guess="what the image's default command is comes from pod-advisor's list of "
                                            "base images and interpreters")
        if (taken := _port_taken_before(s, c)) is not None:
            yield Hit(FINDING,
                      f"{c.name} and {taken[0]} both run the image {taken[1]}'s own command, which listens on port "
                      f"{taken[2]}: the containers of a Pod share its network, so the second to start cannot bind "
                      f"it (\"Address already in use\") and exits, again on each restart. Give one of them another "
                      f"port, or run it in a Pod of its own",
                      c, line=c.line, guess=f"the port {taken[1]} listens on is the one pod-advisor's image "
                                            f"catalogue gives {plan_start(taken[1]).family.title}")
        flag = one_dash_flag(start, c.spec.get("command"), c.spec.get("args"))
        if flag is not None and not patched_base(s):  # (an overlay may give it other arguments)
            yield Hit(FINDING,
                      f"{c.name} passes {flag[0]} to its image {start.shown} ({start.family.title}), whose program "
                      f"reads a long flag with two dashes only: it takes {flag[0].split('=', 1)[0]} for the one-letter "
                      f"flags -{flag[0][1]}, -{flag[0][2]} and so on, stops with an error (unknown short flag "
                      f"'-{flag[0][1]}'), and every restart exits the same way (CrashLoopBackOff). "
                      f"{start.long_flags.remedy}; the API server accepts the manifest either way",
                      c, line=s.obj.doc.line(c.path + (flag[1], flag[2])) or c.line, guess=_flags_guess(start))
        if start.needs_env is None and start.refuses_env is None and start.refuses_mounts is None:
            continue  # most images: nothing below to judge, and no need to read the container's env
        running = (env_of(c.spec), c.spec.get("command"), c.spec.get("args"), _mount_paths(c.spec))
        refused_setting = refused_env(start, *running[:3])
        if refused_setting is not None and not patched_base(s):
            yield Hit(FINDING,
                      f"{c.name} sets {refused_setting}, which its image {start.shown} ({start.family.title}) "
                      f"refuses: on an empty data folder (its first start), the image's entrypoint stops with an "
                      f"error before it sets up the database, and every restart exits the same way "
                      f"(CrashLoopBackOff). {start.refuses_env.remedy}; the API server accepts the manifest either way",
                      c, line=_env_line(s, c, refused_setting.partition("=")[0]),
                      guess=(f"what {start.shown}'s entrypoint refuses is what pod-advisor's image catalogue gives "
                             f"{start.family.title}"))
        needed = missing_env(start, *running)
        if needed is not None and not _client_of_its_image(start, c) and not patched_base(s):
            name = needed[0].partition("=")[0]
            yield Hit(FINDING,
                      f"{c.name} sets none of the settings its image {start.shown} asks for before it sets up a new "
                      f"database: on an empty data folder (its first start), the image's entrypoint stops with an "
                      f"error unless {one_of(needed)} is set, and every restart exits the same way "
                      f"(CrashLoopBackOff). Set {name} from a Secret (env valueFrom secretKeyRef); the API server "
                      f"accepts the manifest either way",
                      c, line=c.line, guess=(f"what {start.shown}'s entrypoint asks for is what pod-advisor's image "
                                             f"catalogue gives {start.family.title}"))
        refused = refused_mounts(start, *running)
        if refused is not None and not patched_base(s):
            refuses = start.refuses_mounts
            yield Hit(FINDING,
                      f"{c.name} mounts a volume at {refused[0]}, and its image {start.shown} ({start.family.title}) "
                      f"will not set up a new database with a volume there: its entrypoint stops with an error at the "
                      f"first start, and every restart exits the same way (CrashLoopBackOff). That is where its "
                      f"earlier versions kept their data; it keeps its own below {start.data_path}. Mount the volume at "
                      f"{start.data_path}, or set {one_of(refuses.unless)} to a folder on the volume, or pin the "
                      f"version the manifest was written for; the API server accepts the manifest either way",
                      c, line=_mount_line(s, c, refused[0]), guess=_version_guess(start))


def _env_line(s: Subject, c: ManifestContainer, name: str) -> int:
    """The line of the container's last env entry named ``name`` (the one the kubelet uses), else the container's."""
    entries = c.spec.get("env") if isinstance(c.spec.get("env"), list) else []
    for i in reversed(range(len(entries))):
        if isinstance(entries[i], dict) and entries[i].get("name") == name:
            return s.obj.doc.line(c.path + ("env", i, "name")) or c.line
    return c.line


def _mount_line(s: Subject, c: ManifestContainer, path: str) -> int:
    """The line of the container's volumeMount at ``path``, else the container's."""
    mounts = c.spec.get("volumeMounts") if isinstance(c.spec.get("volumeMounts"), list) else []
    for i, mount in enumerate(mounts):
        if isinstance(mount, dict) and str(mount.get("mountPath")).rstrip("/") == path:
            return s.obj.doc.line(c.path + ("volumeMounts", i, "mountPath")) or c.line
    return c.line


def _flags_guess(start: Start) -> str:
    """What the finding on a one-dash flag takes for granted: how the image's version reads flags, from its tag."""
    from advisor.kb.images import parse_reference

    tag = parse_reference(start.image).tag or "latest"
    said = (f"how {start.shown}'s program reads its flags is what pod-advisor's image catalogue gives "
            f"{start.family.title}")
    if not tag.removeprefix("v")[:1].isdigit():
        said += f"; the tag {tag} names no version, and is taken to be the newest release"
    return said


def _version_guess(start: Start) -> str:
    """What the finding on an image's version takes for granted: its tag's version, or what a tag without one means."""
    from advisor.kb.images import parse_reference

    tag = parse_reference(start.image).tag or "latest"
    said = f"what {start.shown}'s entrypoint does is what pod-advisor's image catalogue gives {start.family.title}"
    if not tag[:1].isdigit():
        said += (f"; the tag {tag} names no version, and is taken to be the newest release, which a node pulls again "
                 f"when it starts the Pod (imagePullPolicy Always, the default for latest)")
    return said


def openshift(s: Subject) -> bool:
    """Whether the repository the reviewed object's file is in holds an object of an API group only OpenShift serves:
    the evidence that its manifests are applied to OpenShift. A repository is the folder with its version control
    (.git), so that a review of several at once does not take one's OpenShift for another's; files outside any count
    as one (a copy without .git, standard input). Worked out once for the whole input."""
    found = s.inputs.once("openshift repositories", lambda: frozenset(
        repository_of(o.file) for o in s.inputs.objects if o.group.endswith(_OPENSHIFT_GROUPS)))
    return bool(found) and repository_of(s.obj.file) in found


def patched_base(s: Subject) -> bool:
    """Whether a kustomize patch among the inputs changes an object of the reviewed one's kind and name: the object
    reviewed is then a base, and what is applied may carry what it lacks (an overlay's envFrom of the Secret it
    generates, the usual way to give a base its password). Worked out once for the whole input."""
    found = s.inputs.once("kustomize patched", lambda: frozenset(
        (o.kind, o.name) for o in s.inputs.objects if s.inputs.patched_by(o)))
    return (s.obj.kind, s.obj.name) in found


def _own_command(c: ManifestContainer) -> bool:
    """Whether the container runs its image's own command: no command and no args."""
    return not c.spec.get("command") and not c.spec.get("args")


def _shell_without_input(s: Subject, c: ManifestContainer) -> str | None:
    """Why the container exits at once, when it runs its image's own command and that is a shell or an interpreter's
    prompt (busybox, alpine, python) with no standard input kept open, in a container the kubelet restarts
    (restartPolicy Always: a long-running controller's, or a Pod's that sets no other); else None."""
    # (a Job's Pods that restart Always are refused, and restart-always-on-completion says why)
    always = s.obj.kind not in ("Job", "CronJob") and (
        c.native or (c.placement == "containers" and s.restart_policy == "Always"))
    if not always or not _own_command(c) or c.spec.get("stdin") is True or c.spec.get("tty") is True:
        return None
    nature = images.nature(c.image)
    if nature is None or nature.runs != images.SHELL or not _runs_as_written(s):
        return None
    return f"{nature.why(c.image)}, which with no standard input (no stdin or tty) exits at once"


def _port_taken_before(s: Subject, c: ManifestContainer) -> tuple[str, str, int] | None:
    """(the earlier container, the image, the port) when ``c`` and an earlier container of the Pod both run the
    same image's own command, which the catalogue says listens on a port, and nothing that could move it is given
    (no env, no volume over its configuration); else None."""
    if c.placement != "containers" or not _untouched(c):
        return None
    start = plan_start(c.image)
    family = start.family
    if family is None or not family.ports.value:
        return None
    for other in s.containers:
        if other is c:
            return None
        if (other.placement == "containers" and _untouched(other)
                and plan_start(other.image).family is family):
            return (other.name, start.shown, family.ports.value[0]) if _runs_as_written(s) else None
    return None


def _runs_as_written(s: Subject) -> bool:
    """Whether the object is run as the file writes it: not a policy's example or a test's fixture (a Pod a
    Kyverno test feeds to its policies, a DaemonSet a chainsaw test applies to see it admitted: what they check is
    admission, not what runs), nor a base a kustomize patch among the files changes (an overlay gives the
    placeholder image of a base its own image and command)."""
    # a bare Pod's (controller "Pod") was worked out as it was described: its used_why
    example = s.used_why if s.controller == "Pod" else used_as_an_example(s.obj, s.inputs)
    return example is None and not patched_base(s)


def _untouched(c: ManifestContainer) -> bool:
    """Whether the container runs its image as shipped: its own command, and no env or volume that could set
    another port."""
    return (_own_command(c) and not c.spec.get("env") and not c.spec.get("envFrom")
            and not c.spec.get("volumeMounts"))


def _client_of_its_image(start: Start, c: ManifestContainer) -> bool:
    """Whether the container runs, from the image of a program that runs until stopped, a command of its own
    that finishes (``until psql ...; do sleep 1; done`` from postgres's image, in an init container, which
    must finish for the Pod to start): it runs one of the image's clients, not its server, and the paths the
    catalogue says the image writes are its server's."""
    family = start.family
    if family is None or family.runs.value != "until-stopped" or c.spec.get("command") is None:
        return False
    return (c.placement == "initContainers" and not c.native) or (c.runtime.finishes and c.runtime.basis == "command")


# -- the fix ------------------------------------------------------------------------------------


@record(frozen=True)
class StartFix:
    """What ``fix_start`` wrote: a note for each assumption made, and how many of ``cannot_start``'s
    findings it mends whole (a read-only root is mended only when every path the image writes is)."""

    notes: list[str]
    mended: int


def fix_start(pod_spec: dict, names: set[str], uids: bool = True) -> StartFix:
    """Write into ``pod_spec`` (a draft's) what lets the named containers start: the UID the manifest
    writer gives each (unless ``uids`` is false: on OpenShift, whose admission gives the UID), and emptyDirs
    where its image writes.
    Raises nothing and changes nothing it cannot fix (an image that needs root), nor a folder where the
    image keeps files of its own (an emptyDir there would hide them; the finding says both ways)."""
    notes: list[str] = []
    mended = 0
    volumes = pod_spec.get("volumes") if isinstance(pod_spec.get("volumes"), list) else None
    taken = {str(v.get("name")) for v in volumes or [] if isinstance(v, dict)}
    pod_context = _context(pod_spec)
    for placement in ("initContainers", "containers"):
        for spec in pod_spec.get(placement) or []:
            if not isinstance(spec, dict) or spec.get("name") not in names:
                continue
            start = plan_start(str(spec.get("image") or ""))
            context = spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else None
            non_root = (context or {}).get("runAsNonRoot", pod_context.get("runAsNonRoot"))
            user = (context or {}).get("runAsUser", pod_context.get("runAsUser"))
            needs_uid = user == 0 or (user is None and _image_user(start))
            if uids and non_root is True and start.uid is not None and needs_uid and not needs_root(spec):
                if context is None:
                    context = spec["securityContext"] = {}
                _set_after(context, "runAsNonRoot", {"runAsUser": start.uid, "runAsGroup": start.gid})
                mended += 1
                if start.basis == "assumed":
                    notes.append(f"{spec['name']}: runAsUser {start.uid} is an assumption: no source says "
                                 f"{start.shown} works under another UID than root's.")
                elif start.basis == "unknown":
                    notes.append(f"{spec['name']}: runAsUser {start.uid} is an assumption: {start.shown} is not "
                                 f"in pod-advisor's image catalogue; use the UID its image is built for.")
            if (context or {}).get("readOnlyRootFilesystem") is True:
                missing = unwritable(start, spec)
                mended += bool(missing) and not set(missing) & set(start.ships)
                # the folder of each file the script touches (an emptyDir there); none can be mounted at /
                folders = sorted({os.path.dirname(f) for f in touched_before_it_stops(start, spec)})
                mended += bool(folders) and "/" not in folders
                writable = [p for p in missing if p not in start.ships]
                for path in writable + [f for f in folders if f != "/" and not covered(f, writable)]:
                    name = volume_name(str(spec["name"]), path, taken)
                    if volumes is None:
                        volumes = pod_spec["volumes"] = []
                    volumes.append({"name": name, "emptyDir": {}})
                    mounts = spec.setdefault("volumeMounts", [])
                    mounts.append({"name": name, "mountPath": path})
    return StartFix(notes, mended)


def _set_after(mapping: dict, after: str, values: dict) -> None:
    """Set ``values`` in ``mapping`` right after the key ``after`` (at the end where it is missing)."""
    items = [(k, v) for k, v in mapping.items() if k not in values]
    mapping.clear()
    placed = False
    for k, v in items:
        mapping[k] = v
        if k == after:
            mapping.update(values)
            placed = True
    if not placed:
        mapping.update(values)
