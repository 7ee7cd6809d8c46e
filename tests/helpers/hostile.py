"""Hypothesis strategies for hostile input: valid answer files drawn from the question
definitions, and answer files and manifests mutated as an attacker (or a bad day) would.

The properties using them are in ``test_properties.py``; ``bench/fuzz.py`` runs them long.
Example counts come from the Hypothesis profile (``conftest.py``): bounded in the suite.
"""

from __future__ import annotations

import datetime
import math
import string
from pathlib import Path

import yaml
from hypothesis import strategies as st

from advisor.domain import image_reference as grammar
from advisor.kb.knowledge import knowledge_base
from advisor.kb.questions import CRON_MACROS, DNS_LABEL

ROOT = Path(__file__).resolve().parents[2]
ANSWER_SEEDS = sorted((ROOT / "examples").glob("*.yaml"))
MANIFEST_SEEDS = sorted((ROOT / "tests" / "fixtures" / "review").glob("*/*.y*ml"))

# Values that broke or nearly broke pod-advisor: each class of issue 11 has some here.
HOSTILE_SCALARS = [
    "2001-13-45", "2024-02-30", "2020-13-01", "9" * 5000, "-" + "9" * 4400, "1e5", "0o17", "+Inf", ".nan",
    "٣", "² * * * *", "٣ * * * *", "ſun", "１２", "1_000", "0x1f", "yes", "no", "on", "~", "=", "<<", "null", "",
    "\x1b[2J", "\x1b]0;owned\x07", "a\u202eb", "\u2028", "\x85", "\ufeff", "\x00", "\t", "'", '"', "#", "- x",
    "a: b", "[", "{", "*", "&", "!", "%", "@", "`", "nginx:\U0001F600", "é" * 3, "A" * 200_000,
]
HOSTILE_TOKENS = [
    "!!int abc", "!!float abc", "!!bool abc", "!!timestamp abc", "!!binary a", "!!python/object/apply:os.system ['x']",
    "!!set {a}", "!!omap [a: 1]", "*nowhere", "&a [1, *a]", "<<: 5", "<<: [1]", "<<: {x: 1}", "? [a]\n: 1",
    "[", "]", "{", "}", "'unterminated", '"bad \\q escape"', "|-", ">", "---", "...", "%YAML 1.1", "- - -",
    "\t- tab", "key: value: more", "- {a: 1, a: 2}",
]


def _cron() -> st.SearchStrategy[str]:
    field = st.one_of(st.just("*"), st.integers(0, 5).map(str), st.integers(1, 5).map(lambda n: f"*/{n}"),
                      st.tuples(st.integers(0, 2), st.integers(3, 5)).map(lambda r: f"{r[0]}-{r[1]}"))
    fields = st.tuples(field, field, st.sampled_from(["*", "1", "15"]), st.sampled_from(["*", "1", "JAN", "12"]),
                       st.sampled_from(["*", "0", "MON", "1-5"])).map(" ".join)
    return st.one_of(st.sampled_from(CRON_MACROS), fields)


_NAME = st.one_of(st.from_regex(DNS_LABEL, fullmatch=True).filter(lambda n: len(n) <= 40),
                  st.sampled_from(["2020-13-01", "2020-01-01", "1e5", "0o17", "0x1f", "123", "yes", "null"]))
# An image is a reference the kubelet can parse (advisor/domain/image_reference.py): drawn from its grammar.
IMAGE = st.from_regex(f"{grammar.NAME}(?::{grammar.TAG})?(?:@{grammar.DIGEST})?", fullmatch=True).filter(
    grammar.is_valid)
_IMAGE = IMAGE
_QUANTITY = st.one_of(
    st.tuples(st.integers(1, 10**12), st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi", "e3", "E2"])).map(
        lambda q: f"{q[0]}{q[1]}"),
    st.floats(0.001, 1000, allow_nan=False).map(lambda f: f"{f:.3f}"))


def _value(question):
    """Values ``question`` accepts (its own check decides: what it refuses is drawn again)."""
    from advisor.kb.questions import Invalid

    def accepted(value) -> bool:
        try:
            question.check(value, raw=value if isinstance(value, str) else None)
        except Invalid:
            return False
        return True

    return _candidates(question).filter(accepted)


def _candidates(question):
    kind = question.type
    if kind == "name":
        return _NAME
    if kind == "kubernetes-version":
        return st.integers(question.oldest, question.newest).map(lambda m: f"1.{m}")
    if kind == "choice":
        return st.sampled_from([c.value for c in question.choices])
    if kind == "bool":
        return st.booleans()
    if kind == "integer":
        return st.integers(question.minimum or 0, 2**31 - 1)
    if kind == "cron":
        return st.one_of(st.none(), _cron())
    if kind == "image":
        return _IMAGE
    if kind == "ports":
        return st.lists(st.integers(1, 65535), unique=True, max_size=3)
    if kind in ("cpu", "memory"):
        return st.one_of(st.none(), _QUANTITY)
    if kind == "format-version":
        return st.just(1)
    if kind == "strings":
        return st.one_of(st.none(), st.lists(_TEXT, min_size=1, max_size=3))
    if kind == "env":
        value = st.one_of(_TEXT, st.fixed_dictionaries({"secret": _NAME_SUBDOMAIN, "key": st.just("password")}),
                          st.fixed_dictionaries({"config_map": _NAME_SUBDOMAIN, "key": st.just("mode")}))
        return st.one_of(st.none(), st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,10}", fullmatch=True), value,
                                                    max_size=3))
    if kind == "health":  # fitted to the container's ports in answer_data
        return st.one_of(st.none(), st.just({"command": ["true"]}))
    if kind == "paths":
        return st.lists(st.sampled_from(["/var/log", "/var/lib/agent", "/run/agent.sock", "/etc/agent"]), unique=True,
                        max_size=2)
    if kind in ("namespace", "priority-class"):
        return st.one_of(st.none(), st.from_regex(DNS_LABEL, fullmatch=True).filter(lambda n: len(n) <= 40))
    raise AssertionError(f"no strategy for question type {kind}")


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=20)  # YAML folds line breaks
_NAME_SUBDOMAIN = st.from_regex(DNS_LABEL, fullmatch=True).filter(lambda n: len(n) <= 40)


def _fitted(draw, data: dict) -> dict:
    """What one key cannot say alone made to fit (the loader refuses the rest): a deadline only for work that
    finishes, node access only for a node agent, a health check on a port the container declares, liveness
    only with a health check."""
    workload = data.get("workload", {})
    if not (workload.get("runs_to_completion") or workload.get("schedule")):
        workload.pop("deadline", None)
    if not workload.get("one_per_node"):
        workload.pop("node_access", None)
    for container in data["containers"]:
        if "health" in container:
            ports = container.get("ports") or []
            if ports:
                container["health"] = draw(st.sampled_from([{"tcp": ports[0]}, {"http": "/healthz", "port": ports[0]},
                                                            {"command": ["true"]}]))
        if container.get("liveness") and "health" not in container:
            del container["liveness"]
    return data


def _fill(draw, questions, target: dict) -> None:
    for question in questions:
        if question.required or draw(st.booleans()):
            holder = target
            for part in question.parts[:-1]:
                holder = holder.setdefault(part, {})
            value = draw(_value(question))
            if value is not None:
                holder[question.parts[-1]] = value


@st.composite
def answer_data(draw) -> dict:
    """A valid answer file as data, every key drawn from the question definitions."""
    qs = knowledge_base().questions
    data: dict = {}
    _fill(draw, [q for q in qs.in_scope("file") if q.name != "name"], data)
    data["name"] = draw(_NAME)
    workload: dict = {}
    _fill(draw, qs.in_scope("workload"), workload)
    if workload:
        data["workload"] = workload
    names = draw(st.lists(_NAME, min_size=1, max_size=4, unique=True).filter(lambda ns: data["name"] not in ns[1:]))
    containers = []
    for index, name in enumerate(names):
        container: dict = {}
        scopes = ("container",) if index == 0 else ("container", "helper")
        _fill(draw, [q for q in qs.in_scope(*scopes) if q.name not in ("name", "main")], container)
        container["name"] = name
        containers.append(container)
    data["containers"] = containers
    return _fitted(draw, data)


def answer_text(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# -- mutation ------------------------------------------------------------------------

_ATOMS = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True),
                   st.text(max_size=20), st.sampled_from(HOSTILE_SCALARS),
                   st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)))
ANY_VALUE = st.recursive(_ATOMS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                        st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                         max_leaves=8)


def paths(data, path=()):
    """Every place in ``data``: the path of each mapping, list and value, ``data`` itself first."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths(value, path + (index,))


def _replace(data, path, value):
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        return {k: (_replace(v, rest, value) if k == head else v) for k, v in data.items()}
    return [(_replace(v, rest, value) if i == head else v) for i, v in enumerate(data)]


def _delete(data, path):
    head, rest = path[0], path[1:]
    if not rest:
        return ({k: v for k, v in data.items() if k != head} if isinstance(data, dict)
                else [v for i, v in enumerate(data) if i != head])
    if isinstance(data, dict):
        return {k: (_delete(v, rest) if k == head else v) for k, v in data.items()}
    return [(_delete(v, rest) if i == head else v) for i, v in enumerate(data)]


@st.composite
def mutated_data(draw, data):
    """``data`` with one to three nodes replaced by a value of any type, or removed."""
    for _ in range(draw(st.integers(1, 3))):
        places = list(paths(data))
        path = draw(st.sampled_from(places))
        if path and draw(st.integers(0, 3)) == 0:
            data = _delete(data, path)
        else:
            data = _replace(data, path, draw(ANY_VALUE))
    return data


def dump_any(data) -> str:
    """YAML for mutated data (floats that are not numbers and dates included)."""
    def clean(value):
        if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
            return str(value)
        return value

    return yaml.safe_dump(_map(data, clean), sort_keys=False, allow_unicode=True, width=1000)


def _map(data, function):
    if isinstance(data, dict):
        return {k: _map(v, function) for k, v in data.items()}
    if isinstance(data, list):
        return [_map(v, function) for v in data]
    return function(data)


@st.composite
def mutated_text(draw, text: str) -> str:
    """``text`` with one to three lines changed as a hostile editor would: a value swapped
    for a hostile scalar or token, a line inserted, deleted or doubled, characters injected."""
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, max(0, len(lines) - 1)))
        line = lines[index] if lines else ""
        action = draw(st.integers(0, 5))
        if action == 0 and ":" in line:  # the value swapped
            key = line.split(":", 1)[0]
            scalar = draw(st.sampled_from(HOSTILE_SCALARS))
            value = draw(st.one_of(st.sampled_from(HOSTILE_TOKENS), st.just(scalar),
                                   st.just('"' + scalar.replace("\\", "\\\\").replace('"', '\\"') + '"')))
            lines[index] = f"{key}: {value}"
        elif action == 1:  # a line inserted, indented like its neighbour
            indent = len(line) - len(line.lstrip(" "))
            token = draw(st.one_of(st.sampled_from(HOSTILE_TOKENS), st.sampled_from(HOSTILE_SCALARS).map(
                lambda s: f"k{len(s)}: {s[:100]}")))
            lines.insert(index, " " * indent + token)
        elif action == 2 and lines:
            del lines[index]
        elif action == 3 and lines:
            lines.insert(index, line)
        elif action == 4:  # characters injected anywhere in the line
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(st.text(st.characters(codec="utf-8"), max_size=5)) + line[at:]
        else:  # a key renamed to a near miss or to nonsense
            lines[index] = line.replace(draw(st.sampled_from(string.ascii_lowercase)), "", 1)
    return "\n".join(lines)


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def seed_data(path: Path):
    return [d for d in yaml.safe_load_all(seed_text(path)) if d is not None]
