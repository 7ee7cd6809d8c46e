"""How each container starts: the user it runs as and the paths it writes, from the image catalogue.

The API server and Pod Security admission accept ``runAsNonRoot: true`` whatever the
image; the kubelet then refuses to start a container whose image runs as root or as a
named user it cannot verify, unless ``runAsUser`` gives a UID. And a read-only root
filesystem stops an image that writes where no volume is mounted. Both are facts of the
image, which the catalogue (advisor.kb.images) holds with their sources; this module
turns them into what a manifest sets, and into the words that explain it.

``plan_start(image)`` answers for one image, in one of these ways (``Start.basis``):

- ``image``: the image runs as a numeric non-root UID; the manifest states it;
- ``named``: it runs as a named user, which the kubelet cannot verify; the manifest
  gives that user's UID, from the catalogue;
- ``own``: it starts as root only to step down to a UID of its own, and works when
  started as that UID (or under any UID); it runs as that UID from the start;
- ``any``: it runs as root but works under any non-root UID; it gets ``FIXED_UID``;
- ``assumed``: it runs as root, or as a user no source names, and whether it works
  under another UID is not known; it gets its own UID where one is known, else
  ``FIXED_UID``, and the comment says it is an assumption;
- ``unknown``: the image is not in the catalogue; it gets ``FIXED_UID`` and /tmp,
  and the comment says what was assumed;
- ``needs-root``: it needs root as shipped (nginx binding port 80, postgres's
  entrypoint); no UID makes it start under ``runAsNonRoot``. Nothing is guessed: the
  manifest keeps ``runAsNonRoot`` and a note, on stderr and in the text output, names
  the unprivileged alternative and ``--allow-root-for``.

It also says how much memory the image needs to keep running with its shipped settings (the
catalogue's ``memory``: Kafka's 1 GiB heap and what its JVM needs beside it): a container the
answers give no memory gets that instead of ``STARTER_MEMORY``, and one they give less gets a
comment and a note saying so (``Start.memory_comment``, ``Start.memory_note``).

And it says which settings the image's entrypoint will not start without on an empty data folder (the
catalogue's ``needs_env``: MySQL's root password): ``missing_env`` is the one decision, from what a container
runs and sets, that the engine's ``password-from-secret`` and review both take.

The manifest writer (advisor.manifests.build) and review's ``container-cannot-start``
(advisor.review.starts) both read it, so a manifest and a review say the same.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Mapping

from advisor.system.patterns import lazy
from advisor.system.records import record

if TYPE_CHECKING:  # the catalogue's module is imported where it is used: a start note rarely needs it
    from advisor.kb.images import Family

# The UID given to an image that runs under any UID, and to one the catalogue does not know:
# distroless's "nonroot" user, which no system account of a usual base image uses.
FIXED_UID = 65532
# Where an image the catalogue does not know (or whose writes it does not know) is assumed to write.
ASSUMED_WRITES = ("/tmp",)
# The bases where /var/run is a link to /run (Debian, Ubuntu, Alpine, distroless): a volume at
# either path is where the other's files go.
RUN_ALIASES = (("/var/run", "/run"),)

# The memory a starter manifest gives a container whose answers give none, unless its image needs more
# (the catalogue's ``memory``; advisor.manifests.build writes it as requests and limits).
STARTER_MEMORY = "128Mi"
_MEMORY = lazy(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?")
_MEMORY_UNITS = {"Ki": 2 ** 10, "Mi": 2 ** 20, "Gi": 2 ** 30, "Ti": 2 ** 40, "Pi": 2 ** 50, "Ei": 2 ** 60,
                 "k": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18}

# The catalogue's roles whose first written path is where the service keeps its data (knowledge/images/roles.yaml).
DATA_ROLES = ("service", "cache")
BASES = ("image", "named", "own", "any", "assumed", "unknown", "needs-root")


@record(frozen=True)
class Start:
    """How a container of ``image`` starts without root, as far as the catalogue knows."""

    image: str
    family: Family | None
    basis: str  # one of BASES
    uid: int | None  # the runAsUser to write; None: no non-root UID makes it start (needs-root)
    gid: int | None  # the runAsGroup to write with it
    writes: tuple[str, ...]  # where it must be able to write: an emptyDir each under a read-only root
    writes_known: bool  # False: the catalogue does not say, and ASSUMED_WRITES is a guess
    # the paths among ``writes`` that hold the image's own files: no empty volume can go there, so the
    # root filesystem stays writable (knowledge/images/roles.yaml, "ships")
    ships: tuple[str, ...] = ()
    # the least memory limit it runs under with its shipped settings, and how that was derived (the catalogue's
    # ``memory``); None when the catalogue states no need above STARTER_MEMORY
    memory: str | None = None
    memory_why: str | None = None

    @property
    def needs_env(self):
        """The settings its entrypoint will not start without on an empty data folder (advisor.kb.images.NeedsEnv),
        or None when the catalogue states none."""
        return self._stated("needs_env")

    @property
    def refuses_env(self):
        """The settings' values its entrypoint stops at before it sets up a new database (advisor.kb.images.RefusesEnv),
        or None when the catalogue states none."""
        return self._stated("refuses_env")

    @property
    def refuses_mounts(self):
        """Where a volume keeps its entrypoint from setting up a new database (advisor.kb.images.RefusesMounts), or
        None when the catalogue states none."""
        return self._stated("refuses_mounts")

    @property
    def long_flags(self):
        """The program that stops at a long flag written with one dash (advisor.kb.images.LongFlags), or None when the
        catalogue states none."""
        return self._stated("long_flags")

    @property
    def data_env(self):
        """The setting that keeps its data in a folder below the root of its data volume (advisor.kb.images.DataEnv),
        or None when the catalogue states none."""
        return self._stated("data_env")

    def _stated(self, name: str):
        """The value of the family's optional fact ``name``, or None when it states none or does not know it."""
        fact = self.family.fact(name) if self.family is not None else None
        return fact.value if fact is not None and fact.known else None

    @property
    def volume_writes(self) -> tuple[str, ...]:
        """The paths it writes that an emptyDir can make writable: all but those holding its own files."""
        return tuple(p for p in self.writes if p not in self.ships)

    @property
    def needs_root(self) -> bool:
        return self.basis == "needs-root"

    @property
    def data_path(self) -> str | None:
        """Where a service of its own keeps its data (the first path it writes, by the catalogue's
        convention for the roles service and cache), or None when that is not known."""
        if self.family is None or not self.writes_known or not self.writes:
            return None
        return self.writes[0] if self.family.role.value in DATA_ROLES else None

    @property
    def shown(self) -> str:
        """The image as a comment shows it: in ASCII, anything else escaped (a manifest is written in ASCII)."""
        return self.image if self.image.isascii() else self.image.encode("ascii", "backslashreplace").decode()

    @property
    def title(self) -> str:
        """How a comment names the image's catalogue entry."""
        return f"{self.family.title}, in pod-advisor's image catalogue" if self.family else ""

    # -- the words -----------------------------------------------------------------------

    def user_comment(self, name: str) -> str:
        """Why the container runs as the UID it does (or why it cannot, without root)."""
        image, family, uid = self.shown, self.family, self.uid
        if self.basis == "image":
            own = _numeric(family.user.value)
            built = ("the user its image {image} is built with" if own and own[0] == uid else
                     "the user {image} is meant to run as").format(image=image)
            return f"{name} runs as UID {uid}, {built} ({self.title}); stated, so the kubelet can check it."
        if self.basis == "named":
            return (f"{image} runs as the user {family.user.value!r}, a name the kubelet cannot check is not "
                    f"root, so it would refuse to start it: runAsUser {uid} is that user by number "
                    f"({self.title}).")
        if self.basis == "own":
            return (f"{image} is built to start as root and then switch to UID {uid}; it also works when "
                    f"started as {uid}, so it runs as {uid} from the start ({self.title}).")
        if self.basis == "any":
            return (f"{image} is built to run as {_user_words(family)} but works under any non-root UID "
                    f"({self.title}): it runs as UID {uid}.")
        if self.basis == "assumed":
            own = f"UID {uid}, the user it is meant to run as," if uid != FIXED_UID else f"UID {uid}"
            return (f"Assumed: {image} is built to run as {_user_words(family)}, and no source in pod-advisor's "
                    f"image catalogue ({family.title}) says whether it works started as another user. It is "
                    f"given {own} so that the kubelet starts it under \"restricted\"; if it fails, "
                    f"{_instead(self, name)}.")
        if self.basis == "unknown":
            return (f"Assumed: {image} is not in pod-advisor's image catalogue, so its user is not known. It is "
                    f"given UID {uid}, which the kubelet starts under \"restricted\" whatever the image's own "
                    f"user is; if its image is built for a UID of its own (files it must write, owned by it), "
                    f"set runAsUser and runAsGroup to that UID.")
        return (f"{image} needs root as shipped ({self.title}). "
                f"{_sentence(family.any_uid.note) or 'No other UID is known to work.'} Under runAsNonRoot the "
                f"kubelet refuses to start it: {_instead(self, name)}.")

    def writes_comment(self) -> str:
        """Why the root filesystem is read-only and what stays writable: every path the image writes is on
        a volume (an emptyDir of its own, or the Pod's shared or data volume)."""
        image = self.shown
        where = _and(list(self.writes)) if self.writes else ""
        if not self.writes_known and self.family is None:
            return (f"A read-only root filesystem: nothing can change the image's files. Assumed: {image} "
                    f"writes only to {where}, on a volume; if it writes elsewhere, mount an emptyDir there too "
                    f"(or set readOnlyRootFilesystem: false).")
        if not self.writes_known:
            return (f"A read-only root filesystem. Assumed: {image} writes only to {where}, on a volume; "
                    f"pod-advisor's image catalogue ({self.family.title}) does not say where it writes. If it "
                    f"writes elsewhere, mount an emptyDir there too.")
        if not self.writes:
            return (f"A read-only root filesystem: {image} writes nothing at run time ({self.title}); "
                    f"mount a volume where your configuration makes it write.")
        if self.ships:
            shipped = _and(list(self.ships))
            on_volumes = _and(list(self.volume_writes))
            rest = (f" What else it writes ({on_volumes}) is on {'volumes' if len(self.volume_writes) > 1 else 'a volume'}."
                    if self.volume_writes else "")
            return (f"A writable root filesystem: {image} writes to {shipped}, where its image keeps files of its own "
                    f"that it reads ({self.title}), and an empty volume mounted there would hide them.{rest} To make "
                    f"the root filesystem read-only, copy those files into a volume first (an init container of the "
                    f"same image).")
        each = "each on a volume" if len(self.writes) > 1 else "on a volume"
        return f"A read-only root filesystem: {image} writes only to {where} ({self.title}), {each}."

    def short_of_memory(self, given: str | None) -> bool:
        """Whether ``given`` (the answers' memory) is less than what the image needs with its shipped settings."""
        if self.memory is None or given is None:
            return False
        size = memory_bytes(given)
        return size is not None and size < memory_bytes(self.memory)

    def memory_comment(self, name: str, given: str | None) -> str | None:
        """Why the container gets the memory it does, where its image decides it; None where it does not."""
        if self.memory is None:
            return None
        why = f" {_sentence(self.memory_why)}" if self.memory_why else ""
        if given is None:
            return (f"The answers give no memory: {name} gets {self.memory}, what {self.shown} needs to keep running "
                    f"with its shipped settings ({self.title}).{why} Under the starter {STARTER_MEMORY} it would not "
                    f"keep running {_HOW_IT_STOPS}; to give it less, lower what the "
                    f"image takes through its own settings first.")
        if self.short_of_memory(given):
            return (f"The answers give {name} {given} of memory, less than the {self.memory} {self.shown} needs with "
                    f"its shipped settings ({self.title}): with less, it {_MAY_STOP}.{why} Raise "
                    f"it, or lower what the image takes through its own settings.")
        return None

    def memory_note(self, name: str, given: str | None) -> str | None:
        """What a person must know before applying the manifest about the container's memory, or None."""
        if not self.short_of_memory(given):
            return None
        return (f"{name} ({self.shown}) is given {given} of memory, less than the {self.memory} its image needs "
                f"with its shipped settings ({self.title}): with less, it {_MAY_STOP}. Raise "
                f"its memory in the answers, or lower what the image takes through its own settings")

    def env_note(self, name: str, env: Mapping[str, str | None], command=None, args=None) -> str | None:
        """What a person must know before applying the manifest about a setting the answers give the container that
        its image refuses (``refused_env``), or None. The value is the answers' own: it is written as given."""
        refused = refused_env(self, env, command, args)
        if refused is None:
            return None
        return (f"{name} ({self.shown}) will not start as written: the answers set {refused}, at which its image "
                f"({self.title}) stops with an error before it sets up a new database. "
                f"{_capital(self.refuses_env.remedy)}")

    def flags_note(self, name: str, command=None, args=None) -> str | None:
        """What a person must know before applying the manifest about a flag written with one dash that the image's
        program stops at (``one_dash_flag``), or None. The flag is the answers' own: it is written as given."""
        found = one_dash_flag(self, command, args)
        if found is None:
            return None
        return (f"{name} ({self.shown}) will not start as written: the answers pass it {found[0]}, a long flag with one "
                f"dash, at which its program ({self.title}) stops with an error. {_capital(self.long_flags.remedy)}")

    def note(self, name: str) -> str | None:
        """What a person must know before applying the manifest, or None."""
        if not self.needs_root:
            return None
        return (f"{name} ({self.shown}) will not start as written: its image needs root, and the kubelet refuses "
                f"it under runAsNonRoot. {_capital(_instead(self, name))}").rstrip(".")  # a note ends where it is said


# How an image given less memory than it needs stops: a JVM with a fixed heap is killed for its memory, but
# SQL Server refuses to start under 2000 MB. Every comment and note about memory says both.
_HOW_IT_STOPS = "(killed for its memory, or refusing to start)"
_MAY_STOP = f"may not keep running {_HOW_IT_STOPS}"


def _user_words(family: Family) -> str:
    from advisor.kb.images import ROOT_USERS

    user = family.user.value
    if user is None:
        return "a user no source names"
    if user.split(":", 1)[0] in ROOT_USERS:
        return "root"
    return f"the user {user!r}"


def _instead(start: Start, name: str) -> str:
    """What to do instead: the unprivileged alternative, else root for this container."""
    alternative = start.family.alternative.value if start.family and start.family.alternative else None
    ways = []
    if alternative is not None:
        image = alternative_image(start.shown, alternative.image)
        port = f", port {alternative.port}" if alternative.port else ""
        ways.append(f"use {image} (UID {alternative.uid}{port}), which does the same job without root")
    ways.append(f"write the manifest again with --allow-root-for {name} (Pod Security \"baseline\" for it; "
                f"--allow-root for every container)")
    return ", or ".join(ways)


def alternative_image(image: str, alternative: str) -> str:
    """The alternative with the image's tag where it is a variant of the same software
    (nginx:1.27 -> nginxinc/nginx-unprivileged:1.27); as the catalogue gives it otherwise."""
    from advisor.kb.images import parse_reference

    ours, theirs = parse_reference(image), parse_reference(alternative)
    if ours is None or theirs is None or theirs.tag or theirs.digest or not ours.tag:
        return alternative
    base, other = ours.repository.rsplit("/", 1)[-1], theirs.repository.rsplit("/", 1)[-1]
    return f"{alternative}:{ours.tag}" if other.startswith(base + "-") else alternative


def _sentence(text: str | None) -> str:
    if not text:
        return ""
    text = " ".join(text.split())
    return text if text.endswith(".") else text + "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- the decision ----------------------------------------------------------------------------


def memory_bytes(quantity) -> int | None:
    """A Kubernetes memory quantity ("1536Mi", "1G", "2e9", 134217728) in bytes; None when it is none, or not
    whole bytes (a memory of "500m" means thousandths of a byte)."""
    from decimal import Decimal, InvalidOperation

    if isinstance(quantity, bool) or not isinstance(quantity, (str, int)):
        return None
    match = _MEMORY.fullmatch(str(quantity))
    if match is None:
        return None
    number, unit = match.groups()
    try:
        if unit is None or unit[0] in "eE":
            value = Decimal(number + (unit or ""))
        else:
            value = Decimal(number) * _MEMORY_UNITS[unit]
    except InvalidOperation:  # an exponent too large to hold
        return None
    if value.adjusted() > 30:  # more bytes than any machine holds (and "1e999999999" would take minutes to spell out)
        return None
    return int(value) if value == value.to_integral_value() else None


def _numeric(user: str) -> tuple[int, int | None] | None:
    """(uid, gid or None) of a numeric user as an image configuration holds it ("101", "65533:65533")."""
    uid, _, gid = user.partition(":")
    if not uid.isdigit():
        return None
    return int(uid), int(gid) if gid.isdigit() else None


@functools.lru_cache(maxsize=1024)
def plan_start(image: str) -> Start:
    """How a container of ``image`` starts without root (see the module's docstring)."""
    from advisor.kb.images import match

    return _start(image, match(image))


def _start(image: str, family: Family | None) -> Start:
    from advisor.kb.images import ROOT_USERS

    if family is None:
        return Start(image, None, "unknown", FIXED_UID, FIXED_UID, ASSUMED_WRITES, False)
    writes_known = family.writes.known
    writes = tuple(family.writes.value) if writes_known else ASSUMED_WRITES

    ships = tuple(family.ships.value) if family.ships is not None and family.ships.known and writes_known else ()
    memory = family.memory if family.memory is not None and family.memory.known else None

    def start(basis: str, uid: int | None, gid: int | None = None) -> Start:
        return Start(image, family, basis, uid, gid if gid is not None else uid, writes, writes_known, ships,
                     memory.value if memory else None, memory.note if memory else None)

    user, any_uid, run_as = family.user.value, family.any_uid.value, family.run_as.value
    numeric = _numeric(user) if user is not None else None
    if numeric is not None and numeric[0] != 0:
        uid, gid = numeric
        if run_as is not None and run_as != uid:
            return start("image", run_as)  # the UID it is meant to run as (linkerd's proxy: 2102)
        return start("image", uid, gid)
    root = user is not None and user.split(":", 1)[0] in ROOT_USERS
    if user is not None and not root and run_as is not None:
        return start("named", run_as)
    if any_uid is False:
        return start("needs-root", None)
    if any_uid is True:
        return start("own", run_as) if run_as is not None else start("any", FIXED_UID)
    return start("assumed", run_as if run_as is not None else FIXED_UID)


# -- settings an image will not start without --------------------------------------------------------


def missing_env(start: Start, env: Mapping[str, str | None] | None, command=None, args=None,
                mount_paths=()) -> tuple[str, ...] | None:
    """The settings of which the container must give one for its image to start on an empty data folder (the
    catalogue's ``needs_env``), when it gives none of them; None when it gives one, or when what it runs or sets
    does not say.

    ``env``: the container's variables, each name to its text, or to None when it is read from a Secret or
    ConfigMap (set, its value not known here); None when the container also takes variables it does not name
    (envFrom), which may hold any of them. ``command``, ``args``: the container's, as written. The entrypoint checks
    only when it runs what ``needs_env.command`` names: a command of the container's own replaces the
    entrypoint, and arguments starting with anything else run something else. A tag in ``except_tags`` (or a
    digest, whose build date is not known) may be an image older than the check, and a volume at one of
    ``unless_mounted`` may hold what lets it do without; neither is judged."""
    needs = start.needs_env
    reference = _checking(start, needs.command, command, args) if needs is not None and env is not None else None
    if reference is None or _excepted(reference, needs.except_tags):
        return None
    if any(covered(path, mount_paths) for path in needs.unless_mounted):
        return None
    for setting in needs.any:
        name, equals, wanted = setting.partition("=")
        for given in ((name, name + "_FILE") if not equals else (name,)):
            if given not in env:
                continue
            value = env[given]
            if value is None:  # from a Secret or ConfigMap: given, unless a value is wanted, which is not known
                return None
            if (value == wanted) if equals else value != "":
                return None
    return tuple(needs.any)


def refused_env(start: Start, env: Mapping[str, str | None] | None, command=None, args=None) -> str | None:
    """The setting (NAME=value) the container gives that its image's entrypoint refuses before it sets up a new
    database (the catalogue's ``refuses_env``), or None: when it gives none, or when what it runs or sets does not say
    (as ``missing_env``: a command of its own, other arguments, an image known by a digest alone). A value read from
    a Secret or ConfigMap is not known here, and is not judged."""
    refuses = start.refuses_env
    if refuses is None or not env or _checking(start, refuses.command, command, args) is None:
        return None
    for setting in refuses.any:
        name, _, value = setting.partition("=")
        if env.get(name) == value:
            return setting
    return None


def refused_mounts(start: Start, env: Mapping[str, str | None] | None, command=None, args=None,
                   mount_paths=()) -> tuple[str, ...] | None:
    """The paths among ``mount_paths`` at which a volume keeps the image's entrypoint from setting up a new database
    (the catalogue's ``refuses_mounts``), when the container gives none of the settings that move its data folder;
    None when it mounts none there, gives one, or when what it runs or sets does not say (as ``missing_env``)."""
    refuses = start.refuses_mounts
    if refuses is None or env is None or _checking(start, refuses.command, command, args) is None:
        return None
    if any(name in env for name in refuses.unless):
        return None
    mounted = {p.rstrip("/") for p in mount_paths if isinstance(p, str)}
    return tuple(p for p in refuses.paths if p in mounted) or None


# A long flag written with one dash: a dash, a letter, and at least one more character (``-config.file=x``). kingpin
# reads it as the one-letter flags -c, -o, ...; ``-h`` alone, a number (``-1``) and ``--x`` are something else.
_ONE_DASH_FLAG = lazy(r"-[A-Za-z][^\s=]")


def one_dash_flag(start: Start, command=None, args=None) -> tuple[str, str, int] | None:
    """The first long flag written with one dash that the container passes to its image's program, when the program
    reads long flags with two dashes only (the catalogue's ``long_flags``): (the flag as written, "command" or "args",
    its index there); else None. The program is the image's own when the container gives no command, or the one a
    command names by its path or name (its other items are arguments too). A command running anything else (a shell,
    a script) may pass on other arguments, a tag in ``except_tags`` names a version that reads one dash, and an image
    known by a digest alone may be such a version: none is judged."""
    flags = start.long_flags
    if flags is None:
        return None
    reference = _tagged(start)
    if reference is None or _excepted(reference, flags.except_tags):
        return None
    given: list[tuple[str, list]] = []
    if command is not None:
        if not isinstance(command, (list, tuple)) or not command or command[0] not in flags.program:
            return None
        given.append(("command", list(command)[1:]))
    if args is not None:
        if not isinstance(args, (list, tuple)):
            return None
        given.append(("args", list(args)))
    for where, items in given:
        for index, item in enumerate(items):
            if item == "--":
                return None  # what follows is no flag (and the program takes no other argument)
            if isinstance(item, str) and _ONE_DASH_FLAG.match(item):
                return item, where, index + (1 if where == "command" else 0)
    return None


def _checking(start: Start, checking: tuple[str, ...], command, args):
    """The image's reference (advisor.kb.images.Reference) when the container runs its entrypoint with what makes it
    check (``checking``: the first arguments with which it does, or any starting with "-") and the image is known by
    a tag; else None: a command of the container's own replaces the entrypoint, arguments starting with anything
    else run something else, and a digest alone may be an image older than the check."""
    if command is not None:
        return None
    reference = _tagged(start)
    if reference is None:
        return None
    if args is not None:
        first = args[0] if isinstance(args, (list, tuple)) and args else None
        if not isinstance(first, str) or not (first.startswith("-") or first in checking):
            return None
    return reference


def _tagged(start: Start):
    """The image's reference (advisor.kb.images.Reference), or None when it is none a runtime pulls or is known by a
    digest alone, which may be an image older than what the catalogue states."""
    from advisor.kb.images import parse_reference

    reference = parse_reference(start.image)
    return None if reference is None or (reference.tag is None and reference.digest is not None) else reference


def _excepted(reference, patterns: tuple[str, ...]) -> bool:
    """Whether the reference's tag fits one of a fact's ``except_tags`` (glob patterns): a version it does not hold for."""
    import fnmatch

    return reference.tag is not None and any(fnmatch.fnmatchcase(reference.tag, p) for p in patterns)


def one_of(settings: tuple[str, ...]) -> str:
    """Settings of which one must be given, in words: "A", "one of A, B or C"."""
    return settings[0] if len(settings) == 1 else f"one of {', '.join(settings[:-1])} or {settings[-1]}"


def env_given(variables) -> dict[str, str | None]:
    """The answers' variables (advisor.domain EnvVars) as ``missing_env`` and ``refused_env`` take them: each name to
    its value, or to None when it is read from a Secret or ConfigMap (set, its value not known here)."""
    return {v.name: (v.value if v.source is None else None) for v in variables}


def env_of(spec: dict) -> dict[str, str | None] | None:
    """A container's variables as ``missing_env`` takes them, from its spec as written (a later entry of a name
    wins, as for the kubelet); None when it has envFrom."""
    if spec.get("envFrom"):
        return None
    found: dict[str, str | None] = {}
    entries = spec.get("env") if isinstance(spec.get("env"), list) else []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        if entry.get("valueFrom") is not None:
            found[entry["name"]] = None
        else:
            value = entry.get("value")
            found[entry["name"]] = "" if value is None else str(value)
    return found


# -- where a volume makes a path writable ---------------------------------------------------------


def _aliases(path: str) -> set[str]:
    found = {path}
    for one, other in RUN_ALIASES:
        for a, b in ((one, other), (other, one)):
            if path == a or path.startswith(a + "/"):
                found.add(b + path[len(a):])
    return found


def covered(path: str, mount_paths) -> bool:
    """Whether a volume mounted at one of ``mount_paths`` holds ``path`` (the path itself or a folder above it)."""
    mounts = [m.rstrip("/") or "/" for m in mount_paths if isinstance(m, str) and m.startswith("/")]
    return any(p == m or p.startswith(m.rstrip("/") + "/") for p in _aliases(path) for m in mounts)


_SLUG = lazy(r"[^a-z0-9]+")


def volume_name(container: str, path: str, taken: set[str]) -> str:
    """A volume name (a DNS label) for ``container``'s emptyDir at ``path``, not among ``taken``."""
    slug = _SLUG.sub("-", path.lower()).strip("-") or "root"
    base = f"{container}-{slug}"[:63].rstrip("-")
    name, n = base, 2
    while name in taken:
        suffix = f"-{n}"
        name = base[:63 - len(suffix)].rstrip("-") + suffix
        n += 1
    taken.add(name)
    return name


def start_notes(recommendation) -> list[str]:
    """What keeps a container of the recommendation's starter manifest from starting, or from running, as
    ``pod-advisor manifest`` writes it without --allow-root: one note per container.

    Only an image of a family that needs root, or one that needs more memory than the answers give it, has a
    note, and an image can be of such a family only if its name (the reference without tag and digest) ends
    with one of the family's repositories or suffixes (``_noted_names``): the catalogue is read only for those."""
    notes = []
    root_names, memory_names = _noted_names()[:2]
    for plan in recommendation.workloads:
        for c in plan.containers:
            named = _named(c.image) if isinstance(c.image, str) else None
            said = []
            if named is None or named.endswith(root_names):
                said.append(plan_start(c.image).note(c.name))
            if c.memory is not None and (named is None or named.endswith(memory_names)):
                said.append(plan_start(c.image).memory_note(c.name, c.memory))
            notes += [note for note in said if note is not None and note not in notes]
    return notes


def may_need_env(image) -> bool:
    """Whether ``image`` may be of a family that will not start without a setting (``Start.needs_env``): its name
    ends with one of those families' repositories or suffixes. Asked before the catalogue is loaded, which takes a
    tenth of ``evaluate``. Once the catalogue is loaded (review reads it for every container), it is asked instead:
    working out the names' key costs more."""
    return _may(image, 2, lambda start: start.needs_env is not None)


def may_keep_data_below(image) -> bool:
    """Whether ``image`` may be of a family that keeps its data below the root of its volume (``Start.data_env``),
    asked as ``may_need_env`` asks."""
    return _may(image, 3, lambda start: start.data_env is not None)


def _may(image, which: int, has) -> bool:
    """``has(plan_start(image))`` where the catalogue is loaded; else whether the image's name ends with one of the
    names ``_noted_names()[which]`` holds."""
    if not isinstance(image, str):
        return False
    images = sys.modules.get("advisor.kb.images")
    if images is not None and images.catalogue.cache_info().currsize:
        return has(plan_start(image))
    return _named(image).endswith(_noted_names()[which])


def _named(image: str) -> str:
    """The reference without its digest and tag, split as advisor.kb.images.parse_reference splits it."""
    name = image.partition("@")[0]
    return name[:name.rfind(":")] if name.rfind(":") > name.rfind("/") else name


_CATALOGUE = "knowledge.images"  # advisor.kb.images.PACKAGE, named here so that the module is not imported


@functools.lru_cache(maxsize=1)
def _noted_names() -> tuple[tuple[str, ...], ...]:
    """The repositories and suffixes of the catalogue's families whose images need root, of those that state a
    memory, of those that need a setting to start (``may_need_env``) and of those that keep their data below their
    volume's root (``may_keep_data_below``), kept in advisor.system.cache under a key
    of the catalogue's files and this module's text: what ``start_notes`` asks of the catalogue, without loading it
    (a tenth of ``evaluate``)."""
    from advisor.kb.files import sources_key, yaml_files
    from advisor.system import cache

    def build() -> tuple[tuple[str, ...], ...]:
        from advisor.kb.images import catalogue

        def names(families) -> tuple[str, ...]:
            return tuple(sorted({name for family in families for name in (*family.repositories, *family.suffixes)}))

        families = catalogue().families
        return (names(f for f in families if _start("", f).needs_root),
                names(f for f in families if _start("", f).memory is not None),
                names(f for f in families if _start("", f).needs_env is not None),
                names(f for f in families if _start("", f).data_env is not None))

    def fits(found) -> bool:
        return isinstance(found, tuple) and len(found) == 4 and all(isinstance(n, tuple) for n in found)

    # this module's text, not its file's stamps: the key of an installed seed (advisor.system.cache.seed) must be
    # the one a copy of the same code anywhere works out (its loader reads it, in an archive too)
    key = cache.digest(sources_key({_CATALOGUE: yaml_files(_CATALOGUE)}), __loader__.get_data(__file__))
    return cache.kept("noted-images", key, fits, build)
