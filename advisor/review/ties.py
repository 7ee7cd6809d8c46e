"""What ties the containers of one Pod together: the evidence that they must share it.

The co-location test asks of every container whether it shares a volume, localhost
or the node with another. A manifest shows that in many places: a volume two
containers mount, an address on localhost in an argument, an env value or a
ConfigMap a container reads, the port a sibling listens on (declared, in its own
arguments, or its image's default), and Pod-wide settings (one process namespace,
a DaemonSet's one copy per node). Ties are found between every pair of containers,
not only with the main one, and a container tied to a container that is tied to the
main one stays in the Pod too.

A tie is either evidence (the manifest shows it) or a doubt (localhost is addressed
but the reviewer cannot tell which container listens there). Both keep a container
in its Pod; only evidence may support a finding.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Iterable

from advisor.review import images
from advisor.system.patterns import lazy
from advisor.system.records import record

# Volumes any Pod can mount on its own: sharing one is no reason to share a Pod.
INDEPENDENT_VOLUMES = ("configMap", "secret", "projected", "downwardAPI")

_LOCAL_PORT = lazy(r"(?<![\w.-])(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?(?![\w-])", re.IGNORECASE)
_URL_SCHEME = lazy(r"(https?|grpc|redis|postgres(?:ql)?|mysql|mongodb|amqp|nats)://(?:[^@/\s]*@)?$",
                   re.IGNORECASE)
_SCHEME_PORTS = {"http": 80, "https": 443, "redis": 6379, "postgres": 5432, "postgresql": 5432,
                 "mysql": 3306, "mongodb": 27017, "amqp": 5672, "nats": 4222}
# A browser origin a server lets call it (CORS: --cors-domains=http://localhost, ALLOWED_ORIGINS): who may call the
# container, never an address it calls. Read in the word that holds the address, or the one before it.
_ORIGIN = lazy(r"cors|origins?(?![a-z])", re.IGNORECASE)  # not "original", "originUrl"
# Where a program is told which port to listen on.
_LISTEN = lazy(
    r"(?:--?[\w.-]*(?:port|listen|address|addr|bind)[\w.-]*[=\s]+(?:\w+://)?(?:[\w.\[\]:-]*:)?|(?:0\.0\.0\.0|\[::\]|tcp):|^:)"
    r"(\d{2,5})\b", re.IGNORECASE | re.MULTILINE)
# Variables that tell a program where to listen (DB_PORT says where to call, and is not one).
_PORT_VARIABLE = lazy(r"^(?:(?:http|https|server|listen|app|grpc|metrics|web|admin)_)?port$|listen_port$",
                      re.IGNORECASE)


@record(frozen=True)
class Tie:
    """What ties a container to another: a volume, localhost or the node, and where the manifest says so."""

    why: str
    evidence: bool = True  # False: a doubt, which keeps a container in its Pod but supports no finding
    kind: str = "node"  # volume | localhost | node: which answer it stands for
    caller: str | None = None  # for localhost: the container whose configuration addresses the other
    where: str | None = None  # and where it does: "env DB_HOST", "args", "ConfigMap web key nginx.conf"
    port: int | None = None  # for localhost: the port it is called on, when the address gives one


@record
class Member:
    """What the tie finder needs of a container."""

    name: str
    image: str
    spec: dict
    texts: list[tuple[str, str]]  # (where, text): arguments, env values, ConfigMap values it reads
    family: images.Guess

    @property
    def mounts(self) -> set:
        return {m.get("name") for m in self.spec.get("volumeMounts") or [] if isinstance(m, dict)}

    @property
    def listens(self) -> set[int]:
        """The ports it is seen to listen on: declared, in its own configuration, or its image's default."""
        found = set(images.default_ports(self.image))
        for port in self.spec.get("ports") or []:
            number = port.get("containerPort") if isinstance(port, dict) else None
            if isinstance(number, int) and not isinstance(number, bool):
                found.add(number)
        return found | set(listen_ports(self.own_texts))

    @property
    def own_texts(self) -> list[tuple[str, str]]:
        return [(w, t) for w, t in self.texts if not w.startswith("ConfigMap ")]


@record
class Ties:
    """Ties between pairs of containers, and ties of the whole Pod."""

    pairs: dict[tuple[str, str], Tie]
    pod: list[Tie]

    def between(self, a: str, b: str) -> Tie | None:
        return self.pairs.get((a, b)) or self.pairs.get((b, a))

    def to_main(self, main: str, name: str) -> Tie | None:
        """The tie that keeps ``name`` in ``main``'s Pod: direct, Pod-wide, or through other containers.

        Evidence wins over doubt, and a direct tie over one through others.
        """
        for evidence in (True, False):
            direct = self.between(main, name)
            if direct is not None and direct.evidence >= evidence:
                return direct
            pod = next((t for t in self.pod if t.evidence >= evidence), None)
            if pod is not None:
                return pod
            path = self._path(main, name, evidence)
            if path is not None:
                steps = [self.between(a, b) for a, b in zip(path, path[1:])]
                via = ", ".join(path[1:-1])
                return Tie(f"it is tied to {via}, which is tied to {main} ({'; '.join(t.why for t in steps)})",
                           evidence=all(t.evidence for t in steps), kind="node")
        return None

    def _path(self, start: str, goal: str, evidence: bool) -> list[str] | None:
        neighbours: dict[str, set[str]] = {}
        for (a, b), tie in self.pairs.items():
            if tie.evidence >= evidence:
                neighbours.setdefault(a, set()).add(b)
                neighbours.setdefault(b, set()).add(a)
        seen: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            here = queue.popleft()
            if here == goal:
                path = [here]
                while seen[path[-1]] is not None:
                    path.append(seen[path[-1]])
                return path[::-1]
            for there in sorted(neighbours.get(here, ())):
                if there not in seen:
                    seen[there] = here
                    queue.append(there)
        return None


def listen_ports(texts: list[tuple[str, str]]) -> list[int]:
    """The ports (where, text) pairs of a container's own arguments and variables tell it to listen on."""
    found = []
    words = " ".join(text for where, text in texts if where in ("command", "args"))  # --port 7000: two words
    for where, text in [*texts, ("words", words)]:
        found += [int(n) for n in _LISTEN.findall(text) if 0 < int(n) < 65536]
        if where.startswith("env ") and _PORT_VARIABLE.search(where[4:]) and text.strip().isdigit():
            found.append(int(text.strip()))
    return list(dict.fromkeys(found))


def find_ties(pod_spec: dict, members: list[Member], per_node: bool) -> Ties:
    ties = Ties({}, [])
    if pod_spec.get("shareProcessNamespace") is True:
        ties.pod.append(Tie("the Pod shares one process namespace (shareProcessNamespace), so its containers "
                            "see and signal each other's processes"))
    if per_node:
        ties.pod.append(Tie("a DaemonSet runs every container of its Pod once on each node, so each must stay "
                            "on the node with the others"))
    restarting = [m.name for m in members if m.spec.get("restartPolicyRules") or (
        m.spec.get("restartPolicy") and m.spec.get("restartPolicy") != "Always")]
    if restarting:
        ties.pod.append(Tie(f"{', '.join(restarting)} set restart rules of their own, arranged with the rest of "
                            f"the Pod"))
    _volumes(pod_spec, members, ties)
    _localhost(members, ties)
    return ties


def _volumes(pod_spec: dict, members: list[Member], ties: Ties) -> None:
    volumes = pod_spec.get("volumes") if isinstance(pod_spec.get("volumes"), list) else []
    independent = {v.get("name") for v in volumes
                   if isinstance(v, dict) and any(k in v for k in INDEPENDENT_VOLUMES)}
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            shared = sorted(str(v) for v in (a.mounts & b.mounts) - independent)
            if shared:
                ties.pairs[(a.name, b.name)] = Tie(f"{a.name} and {b.name} mount the volume {shared[0]}",
                                                   kind="volume")


def localhost_mentions(text: str) -> list[int | None]:
    """The port of every localhost address in ``text`` (None where it gives none and no scheme implies one), but
    for an allowed browser origin (``_ORIGIN``)."""
    found = []
    for match in _LOCAL_PORT.finditer(text):
        if _origin(text, match.start()):
            continue
        if match.group(1):
            found.append(int(match.group(1)))
            continue
        scheme = _URL_SCHEME.search(text[max(0, match.start() - 40):match.start()])
        found.append(_SCHEME_PORTS.get(scheme.group(1).lower()) if scheme else None)
    return found


def _origin(text: str, at: int) -> bool:
    """Whether the address at ``at`` is in a word that names CORS or an origin (--cors-domains=http://localhost), or
    is the value of one (--cors-domains http://localhost, allowed_origins: http://localhost:3000)."""
    line = text.rfind("\n", 0, at) + 1
    word = max(text.rfind(" ", line, at) + 1, line)
    if _ORIGIN.search(text, word, at):
        return True
    if word == line or text.startswith("-", word):
        return False
    before = text[max(text.rfind(" ", line, word - 1) + 1, line):word - 1]
    return "=" not in before and "://" not in before and bool(_ORIGIN.search(before))


def _localhost(members: list[Member], ties: Ties) -> None:
    for caller in members:
        others = [m for m in members if m is not caller]
        unattributed: list[tuple[str, str]] = []  # (what it addresses, where)
        for where, text in caller.texts:
            if where.startswith("env ") and _ORIGIN.search(where):
                continue  # CORS_ORIGINS, ALLOWED_ORIGINS: who may call it
            for port in localhost_mentions(text):
                if port is None:
                    port = _port_beside(caller, where)
                if port is not None and port in caller.listens and not any(port in m.listens for m in others):
                    continue  # it addresses itself (a health check, its own listen address)
                partners = [m for m in others if port is not None and port in m.listens]
                if not partners and port is None:
                    partners = _named_in(where, others)
                if partners:
                    for partner in partners:
                        shown = f"localhost:{port}" if port else "localhost"
                        listens = f", where {partner.name} listens" if port else f", and {where} names {partner.name}"
                        _add(ties, caller.name, partner.name,
                             Tie(f"{caller.name} addresses {shown} (in its {where}){listens}", kind="localhost",
                                 caller=caller.name, where=where, port=port))
                else:
                    unattributed.append((f"addresses localhost{':' + str(port) if port else ''} (in its {where})",
                                         where))
        if unattributed and len(others) == 1:
            # a doubt still: "localhost" is also a server_name, a default, an address it listens on
            _add(ties, caller.name, others[0].name,
                 Tie(f"{caller.name} {unattributed[0][0]}, and {others[0].name} is the only other container",
                     evidence=False, kind="localhost", caller=caller.name, where=unattributed[0][1]))
        elif unattributed and others:
            for other in others:
                _add(ties, caller.name, other.name,
                     Tie(f"{caller.name} {unattributed[0][0]}; which container listens there, the reviewer cannot "
                         f"tell", evidence=False, kind="localhost", caller=caller.name, where=unattributed[0][1]))


def _add(ties: Ties, a: str, b: str, tie: Tie) -> None:
    existing = ties.between(a, b)
    if existing is None or (tie.evidence and not existing.evidence):
        ties.pairs.pop((b, a), None)
        ties.pairs[(a, b)] = tie


def _port_beside(caller: Member, where: str) -> int | None:
    """For ``env DB_HOST`` = localhost: the number in ``env DB_PORT``, when there is one."""
    if not where.startswith("env "):
        return None
    prefix = re.sub(r"(?i)(host|hostname|addr|address|server)$", "", where[4:])
    if prefix == where[4:]:
        return None
    for other_where, text in caller.texts:
        if other_where.startswith("env ") and re.fullmatch(re.escape(prefix) + r"_?port", other_where[4:], re.I):
            return int(text) if text.strip().isdigit() else None
    return None


def _named_in(where: str, others: Iterable[Member]) -> list[Member]:
    """The containers a variable's name speaks of: ``REDIS_HOST`` names the redis container."""
    if not where.startswith("env "):
        return []
    variable = where[4:].lower()
    parts = set(re.split(r"[^a-z0-9]+", variable))
    found = []
    for member in others:
        words = {member.name.lower(), images.base_name(member.image)}
        words |= {w for w in images.DEFAULT_PORTS if w in images.repository(member.image)}
        if any(len(w) >= 3 and w in variable for w in words):
            found.append(member)
        elif images.is_separate_service(member.family) and parts & (_CACHE_WORDS if images.is_cache(member.image)
                                                                    else _DATABASE_WORDS):
            found.append(member)  # WORDPRESS_DB_HOST=127.0.0.1 beside a MySQL, DB=localhost beside a Mongo
    return found


# What a variable calls the database or the cache it addresses: DB_HOST, WORDPRESS_DB_HOST, CACHE_ADDR.
_DATABASE_WORDS = frozenset({"db", "database", "sql", "datasource"})
_CACHE_WORDS = frozenset({"cache", "kv"})

