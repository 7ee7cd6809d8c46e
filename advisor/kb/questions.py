"""The question definitions: the one description of the answer-file format.

The loader validates answer files with it, the wizard asks from it, and
``pod-advisor schema`` turns it into a JSON Schema. Each value type has one
validator here (``Question.check``) and one text parser for typed input
(``Question.parse_text``), so a value the wizard accepts is one the file accepts.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

from advisor.domain.model import EnvVar, Health
from advisor.system.errors import did_you_mean, kind_of, shown
from advisor.system.patterns import lazy
from advisor.system.records import record
from advisor.system.yamlsource import SAFE_LOADER

# Every pattern is matched whole (fullmatch: "$" would accept a trailing newline) and
# with ASCII digits only: "٣" is a digit to Python's \d, not to Kubernetes.
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
VERSION = lazy(r"1\.([0-9]{1,3})")
QUANTITY = lazy(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?")
MAX_QUANTITY = 64  # characters; a longer quantity is a mistake, and a 5,000-digit one breaks YAML readers
MAX_INTEGER = 2**31 - 1  # Kubernetes counts replicas in 32 bits
WHOLE_NUMBER = lazy(r"[0-9]{1,10}")
CRON_NUMBER = lazy(r"[0-9]{1,4}")
CRON_MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (name, lowest, highest, names usable instead of numbers, first name's number)
CRON_FIELDS = (
    ("minute", 0, 59, None, 0),
    ("hour", 0, 23, None, 0),
    ("day of month", 1, 31, None, 0),
    ("month", 1, 12, _MONTHS, 1),
    ("day of week", 0, 6, _DAYS, 0),  # the CronJob controller's parser refuses 7 for Sunday
)
NULLABLE = ("cron", "cpu", "memory", "strings", "env", "health", "paths", "namespace", "priority-class")  # null: not given
TYPES = ("format-version", "name", "kubernetes-version", "choice", "bool", "integer", "cron", "image",
         "ports", "cpu", "memory", "strings", "env", "health", "paths", "namespace", "priority-class")
# An environment variable's name as the API server takes it on every supported version (1.34 relaxed it
# to any printable character but '=', behind a gate); a ConfigMap's or Secret's key.
ENV_NAME = lazy(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
CONFIG_KEY = lazy(r"[-._a-zA-Z0-9]+")
SUBDOMAIN = lazy(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
ENV_SOURCES = {"config_map": "configmap", "secret": "secret"}  # the file's key -> the wizard's prefix
HEALTH_KINDS = ("http", "tcp", "command")
SCOPES = ("file", "workload", "container", "helper")


class Invalid(ValueError):
    """A value a question does not accept; the message says why, for a person. ``at``: the key path
    inside the value where the problem is (``("DB_PASSWORD", "key")`` in an env mapping)."""

    def __init__(self, message: str, hint: str | None = None, at: tuple = ()):
        super().__init__(message)
        self.hint = hint
        self.at = at


@record(frozen=True)
class Choice:
    """One value a choice question accepts, and how the wizard labels it."""

    value: str
    label: str


@record(frozen=True)
class Question:
    """One key of the answer-file format: its type and checks, and how the wizard asks it."""

    id: str
    key: str  # e.g. "containers[].purpose"
    scope: str
    type: str
    prompt: str
    help: str
    see: tuple[str, ...] = ()
    required: bool = False
    default: Any = None
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    when: tuple = ()
    suggest: tuple = ()
    ask: bool = True
    oldest: int = 25
    newest: int = 37
    label: str | None = None  # a few words for a list of answers (the wizard's review); else the prompt
    variants: tuple = ()  # ({when, prompt}, ...): a wording that fits better when its conditions hold
    field: str | None = None  # the answer's attribute, where the key's last part would not say enough

    @property
    def name(self) -> str:
        """The answer's attribute in the model: ``field`` if given, else the key's last part
        (``purpose`` for ``containers[].purpose``)."""
        return self.field or self.key.rsplit(".", 1)[-1]

    @property
    def parts(self) -> tuple[str, ...]:
        """The key below its scope: ``("resources", "cpu")`` for ``containers[].resources.cpu``."""
        key = self.key
        for prefix in ("containers[].", "workload."):
            if key.startswith(prefix):
                key = key[len(prefix):]
        return tuple(key.split("."))

    # -- validation ---------------------------------------------------------

    def check(self, value: Any, raw: str | None = None) -> Any:
        """The normalised value, or Invalid. ``raw`` is the scalar as written, if known."""
        kind = self.type
        if kind == "format-version":
            if value != 1 or isinstance(value, bool):
                raise Invalid(f"unsupported format version {shown(value)}; 1 is the only version")
            return 1
        if kind == "name":
            if not isinstance(value, str):
                raise Invalid(f"must be a name (text), found {kind_of(value)}")
            if len(value) > 63 or not DNS_LABEL.fullmatch(value):
                raise Invalid(
                    f"{shown(value)} is not a valid name: use lower-case letters, digits and '-', "
                    "starting and ending with a letter or digit, at most 63 characters",
                    hint=_name_hint(value),
                )
            return value
        if kind == "kubernetes-version":
            return self._check_version(value, raw)
        if kind == "choice":
            values = [c.value for c in self.choices]
            if value not in values:
                raise Invalid(f"{shown(value)} is not one of: {', '.join(values)}",
                              hint=did_you_mean(value, values) if isinstance(value, str) else None)
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise Invalid(f"must be true or false, found {kind_of(value)} {shown(value)}")
            return value
        if kind == "integer":
            if value is None and self.default is None and not self.required:
                return None  # an optional number, not given
            if isinstance(value, bool) or not isinstance(value, int):
                raise Invalid(f"must be a whole number, found {kind_of(value)} {shown(value)}")
            if self.minimum is not None and value < self.minimum:
                raise Invalid(f"must be at least {self.minimum}, found {shown(value)}")
            if value > MAX_INTEGER:
                raise Invalid(f"must be at most {MAX_INTEGER:,} (Kubernetes counts it in 32 bits), "
                              f"found {shown(value)}")
            return value
        if kind == "cron":
            if value is None:
                return None
            if not isinstance(value, str):
                raise Invalid(f"must be a cron schedule in quotes, found {kind_of(value)}")
            return check_cron(value)
        if kind == "image":
            if not isinstance(value, str) or not value.strip():
                raise Invalid("must be a non-empty image reference such as nginx:1.27")
            if any(ch.isspace() for ch in value):
                raise Invalid(f"{shown(value)} contains white space; an image reference has none")
            if _has_control_character(value):
                raise Invalid(f"{shown(value)} contains a control character; an image reference has none")
            from advisor.domain.image_reference import InvalidReference, parse

            try:  # as the kubelet reads it: what it cannot pull would never start
                parse(value)
            except InvalidReference as exc:
                raise Invalid(f"{shown(value)} is not an image reference a container runtime can pull: {exc}",
                              hint="[registry/]name[:tag][@digest], such as nginx:1.27") from None
            return value
        if kind == "ports":
            if value is None:
                return ()
            if not isinstance(value, list):
                raise Invalid(f"must be a list of port numbers such as [80, 443], found {kind_of(value)}")
            ports: dict[int, None] = {}  # ordered, and a duplicate is found at once however many there are
            for port in value:
                if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
                    raise Invalid(f"{shown(port)} is not a port number (a whole number from 1 to 65535)")
                if port in ports:
                    raise Invalid(f"port {port} is listed twice")
                ports[port] = None
            return tuple(ports)
        if kind in ("cpu", "memory"):
            return check_quantity(kind, value)
        if kind == "strings":
            return check_strings(value)
        if kind == "env":
            return check_env(value)
        if kind == "health":
            return check_health(value)
        if kind == "paths":
            return check_paths(value)
        if kind in ("namespace", "priority-class"):
            return check_object_name(kind, value)
        raise AssertionError(f"unknown question type {kind}")  # the loader refuses these

    def missing(self) -> Any:
        """The value of a key the answers leave out."""
        if self.default is None and self.type not in NULLABLE:
            return None
        return self.check(self.default)

    def _check_version(self, value: Any, raw: str | None) -> str:
        # An unquoted 1.30 is the float 1.3 to YAML; the text as written is what was meant.
        text = raw if raw is not None and isinstance(value, float) else value
        if isinstance(text, (int, float)) and not isinstance(text, bool):
            text = str(text)
        match = VERSION.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise Invalid(f"{shown(value)} is not a Kubernetes minor version such as \"1.33\"")
        minor = int(match.group(1))
        if not self.oldest <= minor <= self.newest:
            raise Invalid(f"Kubernetes {text} is not supported; use 1.{self.oldest} to 1.{self.newest}")
        return f"1.{minor}"

    def parse_text(self, text: str) -> Any:
        """Turn what a person typed into a value, then check it like a file's value."""
        text = text.strip()
        kind = self.type
        if kind == "bool":
            lowered = text.lower()
            if lowered in ("y", "yes", "true"):
                return True
            if lowered in ("n", "no", "false"):
                return False
            raise Invalid("answer yes or no")
        if kind == "integer":
            if not text and self.default is None:
                return None
            if not WHOLE_NUMBER.fullmatch(text):
                raise Invalid(f"{shown(text)} is not a whole number")
            return self.check(int(text))
        if kind == "ports":
            if not text:
                return ()
            words = [p for p in re.split(r"[,\s]+", text) if p]
            if not all(WHOLE_NUMBER.fullmatch(p) for p in words):
                raise Invalid("give port numbers separated by commas, such as 80, 443")
            return self.check([int(p) for p in words])
        if kind in ("cron", "cpu", "memory", "namespace", "priority-class"):
            return self.check(text or None)
        if kind in ("strings", "env", "health", "paths"):
            data = text_to_data(kind, text)
            self.check(data)  # refused as a file's value would be
            return data
        return self.check(text, raw=text)

    def as_text(self, value: Any) -> str:
        """A value (plain data, or what ``check`` made of it) as a person types it: ``parse_text``
        reads it back."""
        if value is None:
            return ""
        if self.type in ("strings", "env", "health", "paths"):
            return data_to_text(self.type, to_data(value))
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return str(value)

    def applies(self, answers: dict, container: dict | None = None) -> bool:
        """Whether the question is asked, given the answers so far (plain data)."""
        return all(_holds(cond, answers, container) for cond in self.when)

    def prompt_for(self, answers: dict, container: dict | None = None) -> str:
        """The question as asked, given the answers so far: the first variant whose conditions
        hold (an outbound proxy is asked about localhost in its own terms), else ``prompt``."""
        for item in self.variants:
            if all(_holds(cond, answers, container) for cond in item["when"]):
                return item["prompt"]
        return self.prompt

    @property
    def short(self) -> str:
        """What a list of answers calls it: the label, else the prompt."""
        return self.label or self.prompt

    def suggested(self, answers: dict, container: dict | None = None) -> Any:
        """The default an expert would offer given earlier answers."""
        for item in self.suggest:
            if all(_holds(cond, answers, container) for cond in item["when"]):
                return item["value"]
        return self.default


def _has_control_character(text: str) -> bool:
    """Whether ``text`` holds a control, format or surrogate character (Unicode Cc, Cf, Cs). In
    ASCII only the controls are, and they are what ``isprintable`` refuses: unicodedata (a
    library of its own to load) is asked only of other text."""
    if text.isascii():
        return not text.isprintable()
    import unicodedata

    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def check_quantity(kind: str, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid(f"must be a Kubernetes quantity such as {'250m' if kind == 'cpu' else '256Mi'}")
    text = str(value)
    if len(text) > MAX_QUANTITY:
        raise Invalid(f"{shown(text)} is too long for a Kubernetes quantity (at most {MAX_QUANTITY} characters)")
    if not QUANTITY.fullmatch(text):
        raise Invalid(f"{shown(text)} is not a Kubernetes quantity (such as "
                      f"{'250m or 0.5' if kind == 'cpu' else '256Mi or 1Gi'})")
    if kind == "cpu" and text.endswith(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")):
        raise Invalid(f"{text!r} is a memory size; CPU is counted in cores, such as 500m or 2")
    if kind == "memory" and re.search(r"[0-9](m|u|n)$", text):
        raise Invalid(f"{text!r} means thousandths of a byte", hint=f"did you mean {text[:-1]}Mi?")
    if not re.search(r"[1-9]", re.match(r"[0-9.]*", text).group(0)):
        raise Invalid(f"{text!r} is zero; leave it out instead")
    return text


def check_strings(value: Any) -> tuple[str, ...] | None:
    """A command or its arguments: a list of text, or None for the image's own."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise Invalid(f"must be a list of text such as [\"--port\", \"8080\"], found {kind_of(value)}")
    if not value:
        raise Invalid("is an empty list; leave it out to keep the image's own")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise Invalid(f"item {i + 1}, {shown(item)}, is {kind_of(item)}: Kubernetes takes only text here",
                          hint=f"write it in quotes: \"{item}\"" if isinstance(item, (int, float, bool)) else None,
                          at=(i,))
    return tuple(value)


def check_env(value: Any) -> tuple[EnvVar, ...]:
    """Environment variables: NAME: text, or NAME: {config_map|secret: NAME, key: KEY}."""
    if value is None:
        return ()
    if not isinstance(value, dict):
        raise Invalid(f"must be a mapping of variable names to values, found {kind_of(value)}",
                      hint="for example {LOG_LEVEL: info, DB_PASSWORD: {secret: db, key: password}}")
    result = []
    for name, item in value.items():
        if not isinstance(name, str) or not ENV_NAME.fullmatch(name):
            raise Invalid(f"{shown(name)} is not a variable name: letters, digits, '_', '-' and '.', not starting "
                          "with a digit", at=(name,))
        if isinstance(item, str):
            result.append(EnvVar(name, value=item))
            continue
        if isinstance(item, dict):
            sources = [k for k in ENV_SOURCES if k in item]
            unknown = [k for k in item if k not in (*ENV_SOURCES, "key")]
            if unknown:
                raise Invalid(f"{shown(unknown[0])} is not a key of a reference; use config_map or secret, and key",
                              hint=did_you_mean(unknown[0], [*ENV_SOURCES, "key"]) if isinstance(unknown[0], str)
                              else None, at=(name, unknown[0]))
            if len(sources) != 1 or "key" not in item:
                raise Invalid("a reference names one ConfigMap or Secret and its key: {secret: NAME, key: KEY} or "
                              "{config_map: NAME, key: KEY}", at=(name,))
            source = sources[0]
            target, key = item[source], item["key"]
            if not isinstance(target, str) or len(target) > 253 or not SUBDOMAIN.fullmatch(target):
                raise Invalid(f"{shown(target)} is not the name of a {'Secret' if source == 'secret' else 'ConfigMap'}:"
                              " lower-case letters, digits, '-' and '.'", at=(name, source))
            if not isinstance(key, str) or len(key) > 253 or not CONFIG_KEY.fullmatch(key):
                raise Invalid(f"{shown(key)} is not a key: letters, digits, '-', '_' and '.'", at=(name, "key"))
            result.append(EnvVar(name, source=source, object=target, key=key))
            continue
        hint = f"write it in quotes: \"{str(item).lower() if isinstance(item, bool) else item}\"" \
            if isinstance(item, (int, float, bool)) else None
        raise Invalid(f"the value of {name} is {kind_of(item)} {shown(item)}; Kubernetes takes only text, or a "
                      "reference to a ConfigMap's or Secret's key", hint=hint, at=(name,))
    return tuple(result)


def check_health(value: Any) -> Health | None:
    """{http: PATH, port: N} (port: the container's first, if left out), {tcp: PORT} or {command: [...]}."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise Invalid(f"must be a mapping such as {{http: /healthz, port: 8080}}, {{tcp: 5432}} or "
                      f"{{command: [pg_isready]}}, found {kind_of(value)}")
    kinds = [k for k in HEALTH_KINDS if k in value]
    unknown = [k for k in value if k not in (*HEALTH_KINDS, "port")]
    if unknown:
        raise Invalid(f"unknown key {shown(unknown[0])}; health has one of http (with port), tcp or command",
                      hint=did_you_mean(unknown[0], [*HEALTH_KINDS, "port"]) if isinstance(unknown[0], str) else None,
                      at=(unknown[0],))
    if len(kinds) != 1:
        raise Invalid("give one way to check it: http (a path, with port), tcp (a port) or command (a list)")
    kind = kinds[0]
    if "port" in value and kind != "http":
        raise Invalid(f"port goes with http; {kind} says it all", at=("port",))
    if kind == "http":
        path = value["http"]
        if not isinstance(path, str) or not path.startswith("/") or any(ch.isspace() for ch in path) or \
                not path.isprintable():
            raise Invalid(f"{shown(path)} is not an HTTP path: it starts with / and has no spaces", at=("http",))
        port = value.get("port")
        if port is not None:
            _check_port(port, ("port",))
        return Health("http", port=port, path=path)
    if kind == "tcp":
        return Health("tcp", port=_check_port(value["tcp"], ("tcp",)))
    command = value["command"]
    if not isinstance(command, list) or not command:
        raise Invalid("command must be a non-empty list, such as [pg_isready, -U, app]", at=("command",))
    return Health("command", command=check_strings(command))


def _check_port(port: Any, at: tuple) -> int:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise Invalid(f"{shown(port)} is not a port number (a whole number from 1 to 65535)", at=at)
    return port


def check_paths(value: Any) -> tuple[str, ...]:
    """Folders or files of the node: absolute, without '..', each once."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise Invalid(f"must be a list of paths on the node such as [/var/log], found {kind_of(value)}")
    seen: dict[str, None] = {}
    for i, path in enumerate(value):
        if not isinstance(path, str) or not path.startswith("/") or not path.isprintable() or \
                any(ch.isspace() for ch in path):
            raise Invalid(f"{shown(path)} is not an absolute path on the node (such as /var/log)", at=(i,))
        if ".." in path.split("/"):
            raise Invalid(f"{shown(path)} climbs with '..'; give the folder itself", at=(i,))
        normal = path.rstrip("/") or "/"
        if normal == "/":
            raise Invalid("/ is the node's whole file system; name the folders the agent needs", at=(i,))
        if normal in seen:
            raise Invalid(f"{normal} is listed twice", at=(i,))
        seen[normal] = None
    return tuple(seen)


def check_object_name(kind: str, value: Any) -> str | None:
    """A namespace (a DNS label) or a PriorityClass (a DNS subdomain); None when not given."""
    if value is None:
        return None
    longest, pattern = (63, DNS_LABEL) if kind == "namespace" else (253, SUBDOMAIN)
    what = "a namespace" if kind == "namespace" else "a PriorityClass"
    allowed = "lower-case letters, digits and '-'" if kind == "namespace" else "lower-case letters, digits, '-' and '.'"
    if not isinstance(value, str):
        raise Invalid(f"must be the name of {what} (text), found {kind_of(value)}")
    if len(value) > longest or not pattern.fullmatch(value):
        raise Invalid(f"{shown(value)} is not the name of {what}: {allowed}, at most {longest} characters",
                      hint=_name_hint(value))
    return value


def to_data(value: Any) -> Any:
    """What ``check`` made of a value, back as an answer file writes it (plain data passes as it is)."""
    if isinstance(value, Health):
        return value.to_data()
    if isinstance(value, tuple) and value and all(isinstance(v, EnvVar) for v in value):
        return {v.name: v.to_data() for v in value}
    if isinstance(value, tuple):
        return list(value)
    return value


def text_to_data(kind: str, text: str) -> Any:
    """What a person typed for a structured value, as the answer file writes it (checked afterwards)."""
    import shlex  # here: only the wizard's typed answers need it

    text = text.strip()
    if not text:
        return None
    if kind == "paths":
        return [p for p in re.split(r"[,\s]+", text) if p]
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise Invalid(f"cannot read it: {exc} (quote with ' or \")")
    if kind == "strings":
        return words
    if kind == "health":
        way, rest = words[0], words[1:]
        if way == "http" and 1 <= len(rest) <= 2:
            data: dict = {"http": rest[0]}
            if len(rest) == 2:
                if not WHOLE_NUMBER.fullmatch(rest[1]):
                    raise Invalid(f"{shown(rest[1])} is not a port number")
                data["port"] = int(rest[1])
            return data
        if way == "tcp" and len(rest) == 1 and WHOLE_NUMBER.fullmatch(rest[0]):
            return {"tcp": int(rest[0])}
        if way == "command" and rest:
            return {"command": rest}
        raise Invalid("answer http PATH [PORT], tcp PORT, or command PROGRAM [ARGUMENTS...]")
    env: dict = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals:
            raise Invalid(f"{shown(word)} has no '='; give NAME=value, NAME=secret:SECRET/KEY or "
                          "NAME=configmap:CONFIGMAP/KEY")
        prefix, colon, reference = value.partition(":")
        source = next((k for k, p in ENV_SOURCES.items() if p == prefix), None)
        if colon and source and "/" in reference:
            target, _, key = reference.partition("/")
            env[name] = {source: target, "key": key}
        else:
            env[name] = value
    return env


def data_to_text(kind: str, data: Any) -> str:
    import shlex  # here: only the wizard's typed answers need it

    if data is None or (kind == "env" and not data):  # no variables, whether as {} or as an empty list
        return ""
    if kind == "paths":
        return ", ".join(data)
    if kind == "strings":
        return shlex.join(data)
    if kind == "health":
        if "http" in data:
            return f"http {data['http']}" + (f" {data['port']}" if data.get("port") is not None else "")
        if "tcp" in data:
            return f"tcp {data['tcp']}"
        return "command " + shlex.join(data["command"])
    words = []
    for name, value in data.items():
        if isinstance(value, dict):
            source = next(k for k in ENV_SOURCES if k in value)
            value = f"{ENV_SOURCES[source]}:{value[source]}/{value['key']}"
        words.append(shlex.quote(f"{name}={value}"))
    return " ".join(words)


def check_cron(text: str) -> str:
    schedule = text.strip()
    if schedule and not re.fullmatch(r"[\t -~]+", schedule):
        raise Invalid(f"{shown(schedule)} is not a cron schedule: it has characters other than ASCII letters, "
                      "digits, spaces and * , - / ?")
    if schedule.startswith(("TZ=", "CRON_TZ=")):
        raise Invalid("a time zone inside the schedule is not accepted by Kubernetes; "
                      "the CronJob's timeZone field sets it")
    if schedule.startswith("@"):
        if schedule not in CRON_MACROS:
            raise Invalid(f"{shown(schedule)} is not a cron macro; use one of {', '.join(CRON_MACROS)}")
        return schedule
    fields = re.split(r"[ \t]+", schedule)
    if len(fields) != 5:
        raise Invalid(f"{shown(schedule)} has {len(fields)} fields; a cron schedule has 5: "
                      "minute hour day-of-month month day-of-week (e.g. \"0 3 * * *\")")
    for text_field, (name, low, high, names, first) in zip(fields, CRON_FIELDS):
        for part in text_field.split(","):
            _check_cron_part(part, name, low, high, names, first)
    return schedule


def _check_cron_part(part: str, name: str, low: int, high: int, names, first: int) -> None:
    def number(token: str) -> int:
        if names and token.isascii() and token.upper() in names:
            return names.index(token.upper()) + first
        if not CRON_NUMBER.fullmatch(token):
            raise Invalid(f"{shown(token)} is not a valid {name} (allowed: {low}-{high})")
        value = int(token)
        if not low <= value <= high:
            raise Invalid(f"{value} is out of range for the {name} (allowed: {low}-{high})")
        return value

    base, _, step = part.partition("/")
    if step and (not CRON_NUMBER.fullmatch(step) or int(step) == 0):
        raise Invalid(f"{shown(step)} is not a valid step in the {name} field")
    if base in ("*", "?"):
        return
    start, dash, end = base.partition("-")
    lo = number(start)
    if dash and number(end) < lo:
        raise Invalid(f"the range {shown(base)} in the {name} field runs backwards")



def _name_hint(value: str) -> str | None:
    fixed = re.sub(r"[^a-z0-9-]+", "-", value.lower()).strip("-")[:63].strip("-")
    return f"did you mean {fixed!r}?" if fixed and fixed != value and DNS_LABEL.fullmatch(fixed) else None


def _main(answers: dict) -> dict:
    """The main container in answer data: the one marked main, else the first."""
    containers = [c for c in answers.get("containers") or () if isinstance(c, dict)]
    return next((c for c in containers if c.get("main")), containers[0] if containers else {})


def _helpers(answers: dict) -> list[dict]:
    main = _main(answers)
    return [c for c in answers.get("containers") or () if isinstance(c, dict) and c is not main]


def _lookup(key: str, answers: dict, container: dict | None) -> Any:
    if key.startswith("container."):
        data: Any = container or {}
        key = key[len("container."):]
    elif key.startswith("main."):
        data = _main(answers)
        key = key[len("main."):]
    else:
        data = answers
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _holds(cond: dict, answers: dict, container: dict | None) -> bool:
    if "any" in cond:
        return any(_holds(c, answers, container) for c in cond["any"])
    if cond["key"].startswith("helpers."):  # holds for some container other than the main one
        inner = {**cond, "key": "container." + cond["key"][len("helpers."):]}
        return any(_holds(inner, answers, helper) for helper in _helpers(answers))
    value = _lookup(cond["key"], answers, container)
    if "empty" in cond:
        return (value in (None, "", [], ())) == cond["empty"]
    if "equals" in cond:
        return value == cond["equals"] or (value is None and cond["equals"] is False)
    if "not" in cond:
        return value != cond["not"]
    if "in" in cond:
        return value in cond["in"]
    if "set" in cond:
        return (value is not None) == cond["set"]
    return False


# -- loading the definitions ---------------------------------------------------

@record
class QuestionSet:
    """Every question of knowledge/questions.yaml, and the Kubernetes versions they accept."""

    questions: list[Question] = field(default_factory=list)
    oldest: int = 25
    newest: int = 37

    def all(self) -> list[Question]:
        return list(self.questions)

    def by_id(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def by_key(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)

    def in_scope(self, *scopes: str) -> list[Question]:
        return [q for q in self.questions if q.scope in scopes]

    @property
    def supported_versions(self) -> list[str]:
        return [f"1.{m}" for m in range(self.oldest, self.newest + 1)]


def _question_fields() -> dict:
    """The shape of one question in questions.yaml (built when the file is parsed, which a
    cached knowledge base spares: advisor.kb.knowledge)."""
    from advisor.system.schemacheck import Field

    return {
        "id": Field(str),
        "key": Field(str),
        "scope": Field(str, check=lambda v: None if v in SCOPES else f"must be one of {', '.join(SCOPES)}"),
        "type": Field(str, check=lambda v: None if v in TYPES else f"unknown type; known: {', '.join(TYPES)}"),
        "required": Field(bool, required=False),
        "default": Field(object, required=False),
        "choices": Field(list, required=False),
        "minimum": Field(int, required=False),
        "when": Field(list, required=False),
        "suggest": Field(list, required=False),
        "ask": Field(bool, required=False),
        "field": Field(str, required=False),
        "prompt": Field(str),
        "label": Field(str, required=False),
        "variants": Field(list, required=False),
        "help": Field(str),
        "see": Field(list),
    }


def parse_questions(name: str, text: str, problems: list[str]) -> QuestionSet:
    import yaml  # here, not above: a cached knowledge base needs no YAML parser (advisor.kb.knowledge)

    from advisor.system.schemacheck import check_record

    fields = _question_fields()
    data = yaml.load(text, Loader=SAFE_LOADER) or {}
    versions = data.get("kubernetes", {})
    result = QuestionSet(oldest=versions.get("oldest", 25), newest=versions.get("newest", 37))
    seen: dict[str, set] = {"id": set(), "key": set()}
    for i, raw in enumerate(data.get("questions") or []):
        where = f"{name}: questions[{i}]"
        if not check_record(raw, fields, where, problems):
            continue
        for key in ("id", "key"):
            if raw[key] in seen[key]:
                problems.append(f"{where}.{key}: {raw[key]!r} is used twice")
            seen[key].add(raw[key])
        choices = tuple(Choice(c["value"], c["label"]) for c in raw.get("choices", []))
        if raw["type"] == "choice" and not choices:
            problems.append(f"{where}.choices: a choice question needs choices")
        question = Question(
            id=raw["id"], key=raw["key"], scope=raw["scope"], type=raw["type"], prompt=raw["prompt"],
            help=" ".join(raw["help"].split()), see=tuple(raw["see"]), required=raw.get("required", False),
            default=raw.get("default"), choices=choices, minimum=raw.get("minimum"),
            when=tuple(raw.get("when", ())), suggest=tuple(raw.get("suggest", ())), ask=raw.get("ask", True),
            oldest=result.oldest, newest=result.newest, label=raw.get("label"),
            variants=tuple(raw.get("variants", ())), field=raw.get("field"),
        )
        for j, variant in enumerate(question.variants):
            if not (isinstance(variant, dict) and set(variant) == {"when", "prompt"}
                    and isinstance(variant["when"], list) and isinstance(variant["prompt"], str)):
                problems.append(f"{where}.variants[{j}]: must be a mapping of 'when' (a list of conditions) "
                                "and 'prompt' (text)")
        try:
            if question.default is not None or question.type in NULLABLE:
                question.check(question.default)
        except Invalid as exc:
            problems.append(f"{where}.default: {exc}")
        result.questions.append(question)
    for group in (("file", "workload"), ("container", "helper")):
        names = [q.name for q in result.questions if q.scope in group]
        for twice in sorted({n for n in names if names.count(n) > 1}):
            problems.append(f"{name}: two questions of the {'/'.join(group)} scopes answer {twice!r}; "
                            "give one of them a field")
    return result
