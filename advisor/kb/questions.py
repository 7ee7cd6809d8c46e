"""The question definitions: the one description of the answer-file format.

The loader validates answer files with it, the wizard asks from it, and
``pod-advisor schema`` turns it into a JSON Schema. Each value type has one
validator here (``Question.check``) and one text parser for typed input
(``Question.parse_text``), so a value the wizard accepts is one the file accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from advisor.system.errors import did_you_mean, kind_of, shown
from advisor.system.schemacheck import Field, check_record
from advisor.system.yamlsource import SAFE_LOADER

# Every pattern is matched whole (fullmatch: "$" would accept a trailing newline) and
# with ASCII digits only: "٣" is a digit to Python's \d, not to Kubernetes.
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
VERSION = re.compile(r"1\.([0-9]{1,3})")
QUANTITY = re.compile(r"([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?")
MAX_QUANTITY = 64  # characters; a longer quantity is a mistake, and a 5,000-digit one breaks YAML readers
MAX_INTEGER = 2**31 - 1  # Kubernetes counts replicas in 32 bits
WHOLE_NUMBER = re.compile(r"[0-9]{1,10}")
CRON_NUMBER = re.compile(r"[0-9]{1,4}")
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
TYPES = ("format-version", "name", "kubernetes-version", "choice", "bool", "integer", "cron", "image",
         "ports", "cpu", "memory")
SCOPES = ("file", "workload", "container", "helper")


class Invalid(ValueError):
    """A value a question does not accept; the message says why, for a person."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
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

    @property
    def name(self) -> str:
        """The key's last part: ``purpose`` for ``containers[].purpose``."""
        return self.key.rsplit(".", 1)[-1]

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
            import unicodedata  # here: only an image needs it, and every run imports this module

            if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in value):
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
        raise AssertionError(f"unknown question type {kind}")  # the loader refuses these

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
        if kind in ("cron", "cpu", "memory"):
            return self.check(text or None)
        return self.check(text, raw=text)

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

@dataclass
class QuestionSet:
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
        "prompt": Field(str),
        "label": Field(str, required=False),
        "variants": Field(list, required=False),
        "help": Field(str),
        "see": Field(list),
    }


def parse_questions(name: str, text: str, problems: list[str]) -> QuestionSet:
    import yaml  # here, not above: a cached knowledge base needs no YAML parser (advisor.kb.knowledge)


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
            variants=tuple(raw.get("variants", ())),
        )
        for j, variant in enumerate(question.variants):
            if not (isinstance(variant, dict) and set(variant) == {"when", "prompt"}
                    and isinstance(variant["when"], list) and isinstance(variant["prompt"], str)):
                problems.append(f"{where}.variants[{j}]: must be a mapping of 'when' (a list of conditions) "
                                "and 'prompt' (text)")
        try:
            if question.default is not None or question.type in ("cron", "cpu", "memory"):
                question.check(question.default)
        except Invalid as exc:
            problems.append(f"{where}.default: {exc}")
        result.questions.append(question)
    return result
