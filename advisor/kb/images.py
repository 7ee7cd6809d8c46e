"""The image catalogue: what a container image is, from data in ``knowledge/images/``.

A manifest names an image and little else. Whether the container starts under
``runAsNonRoot``, which paths it must write under ``readOnlyRootFilesystem``, where it
listens and whether its process ever ends are facts of the image, and the same
images come back everywhere (nginx, postgres, fluent-bit, a CSI sidecar). The
catalogue holds those facts per *family* of images, each fact with the URL of the
Dockerfile or the documentation that settles it, or ``null`` and a note saying why
nothing does. Its schema is written at the top of ``knowledge/images/roles.yaml`` and
checked here at load: every problem at once, each with its file, line and key path.

- ``catalogue()``: the checked catalogue, loaded once per process;
- ``match(image)``: the family of an image reference, or None;
- ``image_user(image)``: the user the image's configuration runs as, as the
  kubelet reads it ('' or '0' for root, '101', 'nginx'), or None when not known.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from typing import Any, Generic, TypeVar

from advisor.system.errors import KnowledgeBaseError, Problem
from advisor.system.patterns import lazy
from advisor.system.records import record

PACKAGE = "knowledge.images"
RUNS = ("until-stopped", "finishes", "exec-box")  # a server, a one-off step, a box to exec into
PURPOSES = ("ship-logs", "sync-content", "proxy-inbound", "proxy-outbound", "reshape-output", "prepare",
            "separate-service", "other")  # the answer file's container purposes (knowledge/questions.yaml)
FACTS = ("user", "any_uid", "run_as", "ports", "writes", "runs", "role", "shell")  # every family states each
# A family states these where they apply or are known. ``memory`` is optional because it records a need above
# the starter manifest's memory (advisor.kb.starts.STARTER_MEMORY): most images (a shell, a proxy, a sidecar) run
# well within it, and no source gives them a number to state.
# ``needs_env`` is optional because few images refuse to start for want of a setting (a database's password),
# ``refuses_env`` because few refuse a setting's value (MySQL's MYSQL_USER=root), ``long_flags`` because few
# programs stop at a flag written with one dash (those that read their flags with kingpin: Prometheus 2.0 on).
OPTIONAL_FACTS = ("alternative", "volumes", "ships", "memory", "needs_env", "refuses_env", "data_env",
                  "refuses_mounts", "long_flags")
# What a source key starts with: how a fact was read. "report": a user's record of the image running,
# such as its log, where the image's own files leave a fact to the base image's tools.
SOURCE_KINDS = ("dockerfile", "build", "chart", "docs", "code", "report")
ROOT_USERS = ("", "0", "root")  # what an image's User means when it means root (its group aside)
DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")

T = TypeVar("T")


@record(frozen=True)
class Fact(Generic[T]):
    """One fact about a family: its value (None: not known) and the URLs it was read from."""

    value: T | None
    sources: tuple[str, ...] = ()
    note: str | None = None

    @property
    def known(self) -> bool:
        return self.value is not None


@record(frozen=True)
class Alternative:
    """An image that does the same job without root: its reference, where it listens, its UID."""

    image: str
    port: int | None
    uid: int


@record(frozen=True)
class NeedsEnv:
    """Settings an image's entrypoint will not start without, on an empty data folder (a database's first start)."""

    any: tuple[str, ...]  # NAME (set, not empty; or NAME_FILE set) or NAME=value: one of them must be given
    command: tuple[str, ...]  # the first arguments with which the entrypoint checks (or one starting with "-")
    except_tags: tuple[str, ...] = ()  # tags whose images may predate the check
    unless_mounted: tuple[str, ...] = ()  # a volume here may hold what lets it do without (a backup to restore)


@record(frozen=True)
class RefusesEnv:
    """Settings whose value an image's entrypoint refuses before it sets up a new database: it stops with an error."""

    any: tuple[str, ...]  # NAME=value: any one of them, given with that value, stops it
    command: tuple[str, ...]  # the first arguments with which the entrypoint checks (or one starting with "-")
    remedy: str  # what the setting is for, and what to give instead: a sentence a finding and a note end with


@record(frozen=True)
class RefusesMounts:
    """Where a volume keeps an image's entrypoint from setting up a new database: the data folder of an older layout,
    which it takes for data it must not touch, unless a setting moves its own data folder there."""

    paths: tuple[str, ...]  # a volume mounted at one of these (exactly: a mount point there)
    unless: tuple[str, ...]  # settings any of which, given, moves the data folder and the check away
    command: tuple[str, ...]  # the first arguments with which the entrypoint checks (or one starting with "-")


@record(frozen=True)
class LongFlags:
    """A program that reads a long flag only with two dashes (--config.file): one dash (-config.file, as Go's own flag
    reader also takes) is read as a run of one-letter flags it does not define, and it stops with an error."""

    program: tuple[str, ...]  # the image's program, as a command names it (its path or its name): args go to it
    remedy: str  # what to write instead: a sentence a finding and a note end with
    except_tags: tuple[str, ...] = ()  # tags of the versions that read flags with one dash


@record(frozen=True)
class DataEnv:
    """The setting that puts an image's data in a folder below its data volume's root, where its program refuses
    the root itself (a new disk's lost+found): NAME=PATH."""

    name: str
    path: str


# The facts whose value is a mapping, checked by the schema's "NAME value" entry and read into this record: its
# fields are the mapping's keys, a list read as a tuple, a key left out as the field's default.
_RECORD_FACTS = {"alternative": Alternative, "needs_env": NeedsEnv, "refuses_env": RefusesEnv,
                 "refuses_mounts": RefusesMounts, "data_env": DataEnv, "long_flags": LongFlags}


def _as_record(kind, value: dict):
    """``value`` (checked) as a ``kind`` record."""
    import dataclasses

    return kind(**{f.name: tuple(value[f.name]) if isinstance(value.get(f.name), list) else value[f.name]
                   for f in dataclasses.fields(kind) if f.name in value})


@record(frozen=True)
class Role:
    """What a container of a family does for a Pod, in the answer file's terms."""

    id: str
    name: str  # how a message calls it: "a log shipper"
    summary: str
    purpose: str  # an answer-file purpose (ship-logs, proxy-inbound, separate-service, ...)
    helper: bool  # serves another container; never the main one when another container is not a helper
    fronts: bool  # a helper only in front of an application (a web server serves on its own otherwise)
    cache: bool  # a service that keeps nothing worth a stable identity unless it mounts storage
    words: tuple[str, ...]  # review's hints in a container's name or image (review/images.py's rule)
    ports: tuple[int, ...]  # where a container known only by those words probably listens


@record(frozen=True)
class Family:
    """One family of images in the catalogue (knowledge/images): which repositories and tags it holds, and the
    facts known of them."""

    id: str
    title: str
    repositories: tuple[str, ...]  # exact repositories, registry host and Docker Hub's library/ left out
    suffixes: tuple[str, ...]  # any repository ending in /SUFFIX (re-hosted copies)
    tags: tuple[str, ...]  # glob patterns: the family holds only these tags (none: every tag)
    words: tuple[str, ...]  # review's hints for this family (a guess, never a match)
    sources: dict  # source key -> URL
    user: Fact[str]  # the image configuration's User, as written; '' when it sets none (root)
    any_uid: Fact[bool]  # works under an arbitrary non-root UID
    run_as: Fact[int]  # the non-root UID it is meant to run as
    ports: Fact[tuple]  # where it listens by default
    writes: Fact[tuple]  # paths it writes at run time, which a read-only root filesystem needs as volumes
    runs: Fact[str]  # until-stopped, finishes or exec-box
    role: Fact[str]  # a role id (Catalogue.roles)
    shell: Fact[bool]  # has /bin/sh, so that an exec hook or probe can use one
    alternative: Fact[Alternative] | None = None  # an unprivileged image that does the same job
    # the paths the image declares as volumes (VOLUME): the runtime mounts each writable, even under a
    # read-only root filesystem; None when the family does not say
    volumes: Fact[tuple] | None = None
    # the paths among ``writes`` where the image also ships files its program reads (Kafka's config
    # folder): an empty volume mounted there hides them, so no emptyDir can make them writable
    ships: Fact[tuple] | None = None
    # the least memory limit the image runs under, idle, with its shipped settings (a Kubernetes quantity, never
    # below the starter value): a JVM's default heap and what it needs beside it, a database's default cache
    memory: Fact[str] | None = None
    # the settings its entrypoint will not start without on an empty data folder (a database's password)
    needs_env: Fact[NeedsEnv] | None = None
    # the settings' values its entrypoint stops at before it sets up a new database (MYSQL_USER=root)
    refuses_env: Fact[RefusesEnv] | None = None
    # the setting that keeps its data below the root of the volume at the first of ``writes``
    data_env: Fact[DataEnv] | None = None
    # where a volume keeps its entrypoint from setting up a new database (an older version's data folder)
    refuses_mounts: Fact[RefusesMounts] | None = None
    # its program stops at a long flag written with one dash (-config.file): it reads them with two only
    long_flags: Fact[LongFlags] | None = None
    note: str | None = None
    file: str = ""

    def fact(self, name: str) -> Fact:
        return getattr(self, name)

    @property
    def root(self) -> bool | None:
        """Whether the image runs as root when nothing overrides its user (None: not known)."""
        if self.user.value is None:
            return None
        return self.user.value.split(":", 1)[0] in ROOT_USERS


@record(frozen=True)
class Reference:
    """An image reference taken apart as a container runtime reads it."""

    registry: str  # docker.io when the reference names none
    path: str  # the repository path at that registry: library/nginx
    tag: str | None
    digest: str | None

    @property
    def repository(self) -> str:
        """What the catalogue matches: the path, Docker Hub's ``library/`` left out."""
        return self.path.removeprefix("library/")


@record(frozen=True)
class Catalogue:
    """The image catalogue: every family, and the helper roles review's hints try."""

    families: tuple[Family, ...]
    roles: dict  # id -> Role, in the order review's hints are tried

    def family(self, family_id: str) -> Family:
        return next(f for f in self.families if f.id == family_id)

    def role(self, family: Family) -> Role | None:
        return self.roles.get(family.role.value) if family.role.known else None

    def match(self, image: str) -> Family | None:
        reference = parse_reference(image)
        return None if reference is None else self.match_reference(reference)

    def match_reference(self, reference: Reference) -> Family | None:
        """The family holding the reference: one with a tag pattern the tag fits first, then
        one for every tag; an exact repository before a suffix. A reference with no tag is
        ``latest`` to a runtime, and is that here unless it has a digest (whose tag is unknown)."""
        repository = reference.repository
        tag = reference.tag or (None if reference.digest else "latest")
        for exact in (True, False):
            holding = [f for f in self.families if _holds(f, repository, exact)]
            tagged = [f for f in holding if f.tags and tag is not None
                      and any(fnmatch.fnmatchcase(tag, p) for p in f.tags)]
            plain = [f for f in holding if not f.tags]
            if tagged or plain:
                return (tagged or plain)[0]
        return None


def _holds(family: Family, repository: str, exact: bool) -> bool:
    if exact:
        return repository in family.repositories
    return any(repository.endswith("/" + suffix) for suffix in family.suffixes)


# -- references ------------------------------------------------------------------------

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH = lazy(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_HOST = lazy(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
             r"|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$")
_TAG = lazy(r"^[\w][\w.-]{0,127}$")
_DIGEST = lazy(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


def parse_reference(image: str) -> Reference | None:
    """``registry.example.com:5000/team/app:1.2@sha256:...`` taken apart; None when it is not
    a reference a runtime would pull. The first part names a registry when it has a dot or a
    port, or is ``localhost`` (the rule Docker and containerd share)."""
    if not isinstance(image, str) or not image or len(image) > 512:
        return None
    name, at, digest = image.partition("@")
    if at and not _DIGEST.match(digest):
        return None
    slash, colon = name.rfind("/"), name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
        if not _TAG.match(tag):
            return None
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        registry, path = first, rest
        if not _HOST.match(registry):
            return None
        registry = registry.lower()
    else:
        registry, path = "docker.io", name
    if not _PATH.match(path):
        return None
    if registry in DOCKER_HUB:
        registry = "docker.io"
        if "/" not in path:
            path = "library/" + path
    return Reference(registry, path, tag, digest or None)


# -- loading ---------------------------------------------------------------------------

_ID = lazy(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_USER = lazy(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$|^$")
_SOURCE_KEY = lazy(rf"^({'|'.join(SOURCE_KINDS)})(-[a-z0-9]+)*$")
_URL = lazy(r"^https://[^\s/]+\.[^\s/]+/\S*$")
_WHERE = "\x00"  # what check_record's messages start with, to be turned into a key path


def _one_of(values: tuple) -> Any:
    return lambda v: None if v in values else f"{v!r} must be one of {', '.join(values)}"


def _each(check) -> Any:
    def run(values: list) -> str | None:
        return next((f"{v!r}: {m}" for v in values if (m := check(v))), None)

    return run


def _port(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 65536
    return None if ok else "must be a port number (1-65535)"


def _uid(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2 ** 31
    return None if ok else "must be a non-root UID (a whole number above 0)"


def _word(value: Any) -> str | None:
    return None if isinstance(value, str) and re.match(r"^[a-z0-9]+(-[a-z0-9]+)*$", value) else \
        "must be a lower-case word (letters, digits, dashes)"


def _repository(value: Any) -> str | None:
    return None if isinstance(value, str) and _PATH.match(value) and not value.startswith("library/") else \
        "must be a repository path without registry host, tag or Docker Hub's library/"


def _memory(value: Any) -> str | None:
    from advisor.kb.starts import STARTER_MEMORY, memory_bytes

    size = memory_bytes(value)
    if size is None:
        return "must be a Kubernetes memory quantity in whole bytes, such as 512Mi or 1536Mi"
    if size < memory_bytes(STARTER_MEMORY):
        return (f"{value!r} is less than the starter manifest's {STARTER_MEMORY}: state memory only for an image "
                f"that needs more")
    return None


_SETTING = lazy(r"^[A-Za-z_][A-Za-z0-9_]*(=\S+)?$")


def _setting(value: Any) -> str | None:
    return None if isinstance(value, str) and _SETTING.match(value) else \
        "must be an environment variable's name, or NAME=value"


def _valued_setting(value: Any) -> str | None:
    return None if isinstance(value, str) and _SETTING.match(value) and "=" in value else "must be NAME=value"


def _listing(what: str, each) -> Any:
    """A check of a list that must hold at least one ``what``, each item checked by ``each``."""
    return lambda v: f"must list at least one {what}" if not v else each(v)


def _path(value: Any) -> str | None:
    return None if isinstance(value, str) and value.startswith("/") and " " not in value else \
        "must be an absolute path"


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    from advisor.system.schemacheck import Field, list_of, pattern

    def fact(kind, check=None) -> dict:
        return {"value": Field((kind, type(None)), check=lambda v: None if v is None or check is None else check(v)),
                "from": Field((str, list), required=False,
                              check=lambda v: None if (isinstance(v, str) or (v and all(isinstance(s, str) for s in v)))
                              else "a source key or a list of them"),
                "note": Field(str, required=False)}

    return {
        "file": {"roles": Field(list, required=False), "images": Field(list, required=False)},
        "role record": {
            "id": Field(str, check=pattern(_ID)),
            "name": Field(str),
            "summary": Field(str),
            "purpose": Field(str, check=_one_of(PURPOSES)),
            "helper": Field(bool),
            "fronts": Field(bool, required=False),
            "cache": Field(bool, required=False),
            "words": Field(list, required=False, check=_each(_word)),
            "ports": Field(list, required=False, check=_each(_port)),
        },
        "family": {
            "id": Field(str, check=pattern(_ID)),
            "title": Field(str),
            "match": Field(dict),
            "sources": Field(dict),
            **{name: Field(dict) for name in FACTS},
            "alternative": Field(dict, required=False),
            "volumes": Field(dict, required=False),
            "ships": Field(dict, required=False),
            "memory": Field(dict, required=False),
            "needs_env": Field(dict, required=False),
            "refuses_env": Field(dict, required=False),
            "data_env": Field(dict, required=False),
            "refuses_mounts": Field(dict, required=False),
            "long_flags": Field(dict, required=False),
            "note": Field(str, required=False),
        },
        "match": {
            "repositories": Field(list, check=_each(_repository)),
            "suffixes": Field(list, required=False, check=_each(_repository)),
            "tags": Field(list, required=False, check=list_of(str)),
            "words": Field(list, required=False, check=_each(_word)),
        },
        "user": fact(str, lambda v: None if _USER.match(v) else "must be a user as an image configuration holds it"),
        "any_uid": fact(bool),
        "run_as": fact(int, _uid),
        "ports": fact(list, _each(_port)),
        "writes": fact(list, _each(_path)),
        "runs": fact(str, _one_of(RUNS)),
        "role": fact(str),
        "shell": fact(bool),
        "alternative": fact(dict),
        "volumes": fact(list, _each(_path)),
        "ships": fact(list, _each(_path)),
        "memory": fact(str, _memory),
        "needs_env": fact(dict),
        "refuses_env": fact(dict),
        "data_env": fact(dict),
        "refuses_mounts": fact(dict),
        "long_flags": fact(dict),
        "needs_env value": {"any": Field(list, check=_listing("setting", _each(_setting))),
                            "command": Field(list, check=_listing("argument", list_of(str))),
                            "except_tags": Field(list, required=False, check=list_of(str)),
                            "unless_mounted": Field(list, required=False, check=_each(_path))},
        "refuses_env value": {"any": Field(list, check=_listing("setting", _each(_valued_setting))),
                              "command": Field(list, check=_listing("argument", list_of(str))),
                              "remedy": Field(str)},
        "refuses_mounts value": {"paths": Field(list, check=_listing("path", _each(_path))),
                                 "unless": Field(list, check=_listing("setting", _each(_setting))),
                                 "command": Field(list, check=_listing("argument", list_of(str)))},
        "long_flags value": {"program": Field(list, check=_listing("program", list_of(str))),
                             "remedy": Field(str),
                             "except_tags": Field(list, required=False, check=list_of(str))},
        "data_env value": {"name": Field(str, check=lambda v: None if _SETTING.match(v) and "=" not in v
                                         else "must be an environment variable's name"),
                           "path": Field(str, check=_path)},
        "alternative value": {"image": Field(str),
                              "port": Field((int, type(None)), check=lambda v: None if v is None else _port(v)),
                              "uid": Field(int, check=_uid)},
    }


class _Reader:
    """Checks one file's records, each problem placed at its file, line and key path."""

    def __init__(self, document, problems: list[str]):
        self.doc = document
        self.problems = problems

    def report(self, path: tuple, message: str) -> None:
        self.problems.append(str(self.doc.problem(path, message)))

    def check(self, record: Any, fields: dict, path: tuple) -> bool:
        from advisor.system.schemacheck import check_record

        found: list[str] = []
        ok = check_record(record, fields, _WHERE, found)
        for text in found:  # "<where>: message" or "<where>.key: message"
            rest = text[len(_WHERE):]
            if rest.startswith("."):
                key, _, message = rest[1:].partition(": ")
                self.report(path + (key,), message)
            else:
                message = rest.removeprefix(": ")
                unknown = re.match(r"unknown key '([^']*)'", message)
                line = self.doc.line(path + (unknown.group(1),)) if unknown else None  # the key's own line
                self.problems.append(str(Problem(message, file=self.doc.source, path=path,
                                                 line=line or self.doc.line(path))))
        return ok


def load_catalogue(files: list[tuple[str, str]] | None = None) -> Catalogue:
    """Read and check every file of the catalogue; raises KnowledgeBaseError naming each problem."""
    from advisor.kb.files import yaml_files
    from advisor.system.errors import InputError
    from advisor.system.yamlsource import parse_document

    files = yaml_files(PACKAGE) if files is None else files
    schema = _schema()
    problems: list[str] = []
    raw_roles: list[tuple[_Reader, tuple, dict]] = []
    raw_families: list[tuple[_Reader, tuple, dict]] = []
    for name, text in files:
        try:
            document = parse_document(text, name, what="a catalogue file")
        except InputError as exc:
            problems += [str(p) for p in exc.problems]
            continue
        reader = _Reader(document, problems)
        if not reader.check(document.data, schema["file"], ()):
            continue
        for key, into in (("roles", raw_roles), ("images", raw_families)):
            for i, record in enumerate(document.data.get(key) or []):
                into.append((reader, (key, i), record))

    roles: dict[str, Role] = {}
    for reader, path, raw in raw_roles:
        if not reader.check(raw, schema["role record"], path):
            continue
        if raw["id"] in roles:
            reader.report(path + ("id",), f"the role {raw['id']!r} is defined twice")
        roles[raw["id"]] = Role(raw["id"], raw["name"], " ".join(raw["summary"].split()), raw["purpose"],
                                raw["helper"], raw.get("fronts", False), raw.get("cache", False),
                                tuple(raw.get("words", ())), tuple(raw.get("ports", ())))

    families: list[Family] = []
    for reader, path, raw in raw_families:
        family = _family(reader, path, raw, schema, roles)
        if family is not None:
            if any(f.id == family.id for f in families):
                reader.report(path + ("id",), f"the family {family.id!r} is defined twice")
            families.append(family)

    catalogue = Catalogue(tuple(families), roles)
    for reader, path, raw in raw_families:
        alternative = raw.get("alternative", {}) if isinstance(raw, dict) else {}
        image = alternative.get("value", {}).get("image") if isinstance(alternative.get("value"), dict) else None
        if isinstance(image, str) and catalogue.match(image) is None:
            reader.report(path + ("alternative", "value", "image"), f"{image!r} is no family of the catalogue")
    problems += _overlaps(families)
    if problems:
        raise KnowledgeBaseError(problems)
    return catalogue


def _family(reader: _Reader, path: tuple, raw: Any, schema: dict, roles: dict) -> Family | None:
    if not reader.check(raw, schema["family"], path):
        return None
    ok = reader.check(raw["match"], schema["match"], path + ("match",))
    sources = raw["sources"]
    for key, url in sources.items():
        if not _SOURCE_KEY.match(key):
            reader.report(path + ("sources", key), f"a source key starts with one of {', '.join(SOURCE_KINDS)}")
            ok = False
        if not isinstance(url, str) or not _URL.match(url):
            reader.report(path + ("sources", key), "must be an https:// URL")
            ok = False
    facts: dict[str, Fact] = {}
    for name in FACTS + OPTIONAL_FACTS:
        if name not in raw:
            continue
        fact = raw[name]
        where = path + (name,)
        if not reader.check(fact, schema[name], where):
            ok = False
            continue
        cited = fact.get("from", [])
        cited = [cited] if isinstance(cited, str) else cited
        value = fact["value"]
        if value is None and not fact.get("note"):
            reader.report(where, "an unknown value (null) needs a note saying why no source settles it")
            ok = False
        if value is not None and not cited:
            reader.report(where, "a stated value needs 'from': the source key(s) it was read from")
            ok = False
        for key in cited:
            if key not in sources:
                reader.report(where + ("from",), f"{key!r} is not a key of this family's sources")
                ok = False
        if name == "role" and value is not None and value not in roles:
            reader.report(where + ("value",), f"{value!r} is no role (known: {', '.join(roles)})")
            ok = False
        if name in _RECORD_FACTS and value is not None:
            if not reader.check(value, schema[f"{name} value"], where + ("value",)):
                ok = False
                continue
            value = _as_record(_RECORD_FACTS[name], value)
        if isinstance(value, list):
            value = tuple(value)
        facts[name] = Fact(value, tuple(sources[k] for k in cited if k in sources), fact.get("note"))
    shipped = facts.get("ships")
    if shipped is not None and shipped.known:
        written = facts["writes"].value if "writes" in facts and facts["writes"].known else ()
        for i, where in enumerate(shipped.value):
            if where not in written:
                reader.report(path + ("ships", "value", i), f"{where!r} is not among the paths the family writes: "
                                                           f"'ships' names written folders that also hold the "
                                                           f"image's own files")
                ok = False
    below = facts.get("data_env")
    if below is not None and below.known:
        written = facts["writes"].value if "writes" in facts and facts["writes"].known else ()
        if not written or not below.value.path.startswith(written[0].rstrip("/") + "/"):
            reader.report(path + ("data_env", "value", "path"), f"{below.value.path!r} is not below the first path "
                                                                f"the family writes, where its data volume goes")
            ok = False
    if not ok:
        return None
    match = raw["match"]
    return Family(
        id=raw["id"], title=raw["title"], repositories=tuple(match["repositories"]),
        suffixes=tuple(match.get("suffixes", ())), tags=tuple(match.get("tags", ())),
        words=tuple(match.get("words", ())), sources=dict(sources), note=raw.get("note"),
        file=reader.doc.source, **facts)


def _overlaps(families: list[Family]) -> list[str]:
    """Two families holding the same repository for every tag: which one a reference means
    would depend on the order of files."""
    problems = []
    seen: dict[tuple, str] = {}
    for family in families:
        for repository in family.repositories:
            key = (repository, family.tags)
            if key in seen:
                problems.append(f"{family.file}: images {family.id}: the repository {repository!r} is also matched "
                                f"by {seen[key]} for the same tags")
            seen.setdefault(key, family.id)
    return problems


@functools.lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """The shipped catalogue, read and checked once per process.

    As for the knowledge base (advisor.knowledge), the checked result is kept in the
    user's cache under a key of this version, this Python and every catalogue file's
    text, and the files are read for the key either way: an edited file is checked again.
    """
    from advisor.kb.files import sources_key, yaml_files
    from advisor.system import cache

    files = yaml_files(PACKAGE)
    return cache.kept("images", sources_key({PACKAGE: files}), lambda found: isinstance(found, Catalogue),
                      lambda: load_catalogue(files))


def match(image: str) -> Family | None:
    """The catalogue's family of ``image`` (any reference a runtime pulls), or None."""
    return catalogue().match(image)


def match_topic(topic: str) -> Family | None:
    """The family of what a person typed as an image (``NGINX:1.27`` too), or None."""
    topic = topic.strip()
    if not topic or any(c.isspace() for c in topic):
        return None
    return match(topic) or match(topic.lower())


def image_user(image: str) -> str | None:
    """The user the image runs as when the Pod sets none, as its configuration holds it
    ('' or '0' for root, '101', 'nginx'): what the kubelet checks against runAsNonRoot.
    None when the image is not in the catalogue or its user is not known."""
    family = match(image)
    return family.user.value if family is not None else None
