"""Loading and checking the knowledge base shipped in the ``knowledge`` package.

Layout (all YAML, all checked at load, every problem reported at once):
- ``knowledge/kb/*.yaml``: entries (``id``, ``title``, ``summary``, ``details``, ...)
- ``knowledge/quiz.yaml``: knowledge-check questions
- ``knowledge/rules/*.yaml``: metadata of every rule and finding, joined by id
  with the code that implements them
- ``knowledge/questions.yaml``: the answer-file questions (see advisor.kb.questions)
"""

from __future__ import annotations

import functools
from dataclasses import field

from advisor.domain.vocabulary import SEVERITIES
from advisor.kb.files import PACKAGES, sources_key
from advisor.kb.files import yaml_files as _yaml_files  # a name of this module, so that tests can swap the files
from advisor.system.errors import KnowledgeBaseError
from advisor.system.records import record

# PyYAML is imported where the files are parsed: with the cache warm (advisor.system.cache), a
# command that reads no YAML of the user's never loads it.

CONCERNS = ("grouping", "roles", "placement", "controller", "service", "operations", "findings", "review")


@record(frozen=True)
class Entry:
    """One knowledge-base entry (knowledge/kb/*.yaml): what ``pod-advisor explain`` shows."""

    id: str
    title: str
    summary: str
    details: str
    related: tuple[str, ...]
    source: str  # seed when the chapter is among its sources, else kubernetes (kept for the JSON record)
    aliases: tuple[str, ...] = ()
    example: str | None = None
    file: str = ""
    sources: tuple[str, ...] = ()  # URLs, and seed (advisor.kb.sources)
    features: tuple[str, ...] = ()  # ids of the version-dependent features its text relies on


@record(frozen=True)
class QuizQuestion:
    """One knowledge-check question (knowledge/quiz.yaml)."""

    id: str
    question: str
    choices: tuple[tuple[str, bool], ...]  # (text, correct)
    explanation: str
    see: tuple[str, ...]
    from_seed: bool


@record(frozen=True)
class RuleInfo:
    """What the knowledge base says about one rule (a decision the engine draws)."""

    id: str
    concern: str
    title: str
    when: str
    see: tuple[str, ...]
    raises: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()  # the pages its conclusion rests on (advisor.kb.sources)


@record(frozen=True)
class FindingInfo:
    """What the knowledge base says about one finding: its severity, wording and fix."""

    id: str
    severity: str
    title: str
    when: str
    fix: str
    see: tuple[str, ...]
    guess: str | None = None  # what the finding rests on when it is a heuristic
    sources: tuple[str, ...] = ("advise",)  # advise: the engine raises it; review: the reviewer does
    pages: tuple[str, ...] = ()  # the pages its message and fix rest on (advisor.kb.sources)


@record
class KnowledgeBase:
    """Everything the knowledge package holds, loaded and checked."""

    entries: dict[str, Entry]
    quiz: list[QuizQuestion]
    rules: dict[str, RuleInfo]
    findings: dict[str, FindingInfo]
    questions: object = None  # advisor.kb.questions.QuestionSet
    aliases: dict[str, str] = field(default_factory=dict)
    features: dict = field(default_factory=dict)  # id -> advisor.kb.sources.Feature

    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]


@functools.lru_cache(maxsize=1)
def _fields() -> dict[str, dict]:
    """The shape of each kind of record, for parsing (which a cached knowledge base spares)."""
    from advisor.kb.sources import gate_problem, sources_problem
    from advisor.system.schemacheck import ENTRY_ID, RULE_ID, Field, list_of, max_length, pattern

    entry = {
        "id": Field(str, check=pattern(ENTRY_ID)),
        "title": Field(str),
        "aliases": Field(list, required=False, check=list_of(str)),
        "summary": Field(str, check=max_length(300)),
        "details": Field(str),
        "example": Field(str, required=False),
        "related": Field(list, check=list_of(str)),
        "sources": Field(list, check=sources_problem),
        "features": Field(list, required=False, check=list_of(str)),
    }
    quiz = {
        "id": Field(str, check=pattern(ENTRY_ID)),
        "question": Field(str),
        "choices": Field(list),
        "explanation": Field(str),
        "see": Field(list, check=list_of(str)),
        "from_seed": Field(bool),
    }
    choice = {"text": Field(str), "correct": Field(bool, required=False)}
    rule = {
        "id": Field(str, check=pattern(RULE_ID)),
        "concern": Field(str, check=lambda v: None if v in CONCERNS else f"must be one of {', '.join(CONCERNS)}"),
        "title": Field(str),
        "when": Field(str),
        "see": Field(list, check=list_of(str)),
        "raises": Field(list, required=False, check=list_of(str)),
        "pages": Field(list, check=sources_problem),
    }
    finding = {
        "id": Field(str, check=pattern(RULE_ID)),
        "severity": Field(str, check=lambda v: None if v in SEVERITIES else f"must be one of {', '.join(SEVERITIES)}"),
        "title": Field(str),
        "when": Field(str),
        "fix": Field(str),
        "see": Field(list, check=list_of(str)),
        "guess": Field(str, required=False),
        "sources": Field(list, required=False, check=lambda v: None if set(v) <= {"advise", "review"} and v
                         else "a non-empty list of: advise, review"),
        "pages": Field(list, check=sources_problem),
    }
    feature = {
        "id": Field(str, check=pattern(RULE_ID)),
        "title": Field(str),
        "gate": Field((str, type(None)), check=gate_problem),
        "stages": Field(list),
        "without": Field(str),
        "sources": Field(list, check=sources_problem),
    }

    return {"entry": entry, "quiz": quiz, "choice": choice, "rule": rule, "finding": finding, "feature": feature}


def _load_list(name: str, text: str, top_key: str, problems: list[str]) -> list:
    import yaml

    from advisor.system.yamlsource import SAFE_LOADER

    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        problems.append(f"{name}: not valid YAML: {exc}")
        return []
    if not isinstance(data, dict) or set(data) - {top_key, "findings", "rules", "version"}:
        problems.append(f"{name}: expected a mapping with the key {top_key!r}")
        return []
    items = data.get(top_key) or []
    if not isinstance(items, list):
        problems.append(f"{name}: {top_key} must be a list")
        return []
    return items


def _sources() -> dict[str, list[tuple[str, str]]]:
    return {package: _yaml_files(package) for package in PACKAGES}


def load_knowledge_base(sources: dict[str, list[tuple[str, str]]] | None = None) -> KnowledgeBase:
    """Read and check everything; raises KnowledgeBaseError listing every problem."""
    import yaml

    from advisor.kb.questions import parse_questions
    from advisor.system.schemacheck import check_record
    from advisor.system.yamlsource import SAFE_LOADER

    fields = _fields()
    sources = sources or _sources()
    problems: list[str] = []
    entries: dict[str, Entry] = {}
    aliases: dict[str, str] = {}
    for name, text in sources["knowledge.kb"]:
        prefix = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        for i, raw in enumerate(_load_list(name, text, "entries", problems)):
            where = f"{name}: entries[{i}]"
            if not check_record(raw, fields["entry"], where, problems):
                continue
            if raw["id"].split(".")[0] != prefix:
                problems.append(f"{where}.id: {raw['id']!r} must start with {prefix!r}. (the file's name)")
            if raw["id"] in entries:
                problems.append(f"{where}.id: {raw['id']!r} is also defined in {entries[raw['id']].file}")
            entry = Entry(
                id=raw["id"], title=raw["title"], summary=raw["summary"].strip(), details=raw["details"].strip(),
                related=tuple(raw["related"]), source="seed" if "seed" in raw["sources"] else "kubernetes",
                aliases=tuple(raw.get("aliases", ())), example=raw.get("example"), file=name,
                sources=tuple(raw["sources"]), features=tuple(raw.get("features", ())),
            )
            entries[entry.id] = entry
            for alias in entry.aliases:
                if alias != alias.lower():
                    problems.append(f"{where}.aliases: {alias!r} must be lower case")
                if alias in aliases and aliases[alias] != entry.id:
                    problems.append(f"{where}.aliases: {alias!r} is also an alias of {aliases[alias]}")
                aliases[alias] = entry.id

    quiz: list[QuizQuestion] = []
    for name, text in [f for f in sources["knowledge"] if f[0].endswith("/quiz.yaml")]:
        for i, raw in enumerate(_load_list(name, text, "questions", problems)):
            where = f"{name}: questions[{i}]"
            if not check_record(raw, fields["quiz"], where, problems):
                continue
            choices = []
            for j, choice in enumerate(raw["choices"]):
                if check_record(choice, fields["choice"], f"{where}.choices[{j}]", problems):
                    choices.append((choice["text"], bool(choice.get("correct", False))))
            if sum(1 for _, correct in choices if correct) != 1:
                problems.append(f"{where}.choices: exactly one choice must be correct")
            quiz.append(QuizQuestion(raw["id"], raw["question"], tuple(choices), raw["explanation"].strip(),
                                     tuple(raw["see"]), raw["from_seed"]))

    rules: dict[str, RuleInfo] = {}
    findings: dict[str, FindingInfo] = {}
    for name, text in sources["knowledge.rules"]:
        try:
            data = yaml.load(text, Loader=SAFE_LOADER) or {}
        except yaml.YAMLError as exc:
            problems.append(f"{name}: not valid YAML: {exc}")
            continue
        if not isinstance(data, dict) or set(data) - {"rules", "findings"}:
            problems.append(f"{name}: expected a mapping with the keys 'rules' and/or 'findings'")
            continue
        for i, raw in enumerate(data.get("rules") or []):
            where = f"{name}: rules[{i}]"
            if check_record(raw, fields["rule"], where, problems):
                if raw["id"] in rules:
                    problems.append(f"{where}.id: rule {raw['id']!r} is defined twice")
                rules[raw["id"]] = RuleInfo(raw["id"], raw["concern"], raw["title"], raw["when"].strip(),
                                            tuple(raw["see"]), tuple(raw.get("raises", ())), tuple(raw["pages"]))
        for i, raw in enumerate(data.get("findings") or []):
            where = f"{name}: findings[{i}]"
            if check_record(raw, fields["finding"], where, problems):
                if raw["id"] in findings:
                    problems.append(f"{where}.id: finding {raw['id']!r} is defined twice")
                findings[raw["id"]] = FindingInfo(raw["id"], raw["severity"], raw["title"], raw["when"].strip(),
                                                  raw["fix"].strip(), tuple(raw["see"]), raw.get("guess"),
                                                  tuple(raw.get("sources", ("advise",))), tuple(raw["pages"]))

    features = _load_features(sources, fields, problems)

    questions = None
    for name, text in [f for f in sources["knowledge"] if f[0].endswith("/questions.yaml")]:
        questions = parse_questions(name, text, problems)
    if questions is None:
        problems.append("knowledge/questions.yaml: missing")

    kb = KnowledgeBase(entries, quiz, rules, findings, questions, aliases, features)
    problems.extend(dangling_references(kb))
    if problems:
        raise KnowledgeBaseError(problems)
    return kb


def _load_features(sources, fields, problems: list[str]) -> dict:
    """knowledge/features.yaml: what depends on the Kubernetes version (advisor.kb.sources.Feature)."""
    from advisor.kb.sources import Feature, parse_stages
    from advisor.system.schemacheck import check_record

    features = {}
    for name, text in [f for f in sources["knowledge"] if f[0].endswith("/features.yaml")]:
        for i, raw in enumerate(_load_list(name, text, "features", problems)):
            where = f"{name}: features[{i}]"
            if not check_record(raw, fields["feature"], where, problems):
                continue
            if raw["id"] in features:
                problems.append(f"{where}.id: feature {raw['id']!r} is defined twice")
            stages = parse_stages(raw["stages"], where, problems)
            features[raw["id"]] = Feature(raw["id"], raw["title"], raw["gate"], stages,
                                          " ".join(raw["without"].split()), tuple(raw["sources"]))
    return features


def cited_ids(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Every (where, entry id) citation in the knowledge base and its rules."""
    cited = []
    for entry in kb.entries.values():
        cited += [(f"entry {entry.id} related", ref) for ref in entry.related]
    for question in kb.quiz:
        cited += [(f"quiz {question.id} see", ref) for ref in question.see]
    for info in kb.rules.values():
        cited += [(f"rule {info.id} see", ref) for ref in info.see]
    for info in kb.findings.values():
        cited += [(f"finding {info.id} see", ref) for ref in info.see]
    if kb.questions is not None:
        for question in kb.questions.all():
            cited += [(f"question {question.id} see", ref) for ref in question.see]
    return cited


def dangling_references(kb: KnowledgeBase) -> list[str]:
    problems = [f"{where}: no entry {ref!r}" for where, ref in cited_ids(kb) if ref not in kb.entries]
    problems += [f"entry {entry.id} features: no feature {ref!r}" for entry in kb.entries.values()
                 for ref in entry.features if ref not in kb.features]
    for info in kb.rules.values():
        problems += [f"rule {info.id} raises: no finding {f!r}" for f in info.raises if f not in kb.findings]
    return problems


@functools.lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """The shipped knowledge base, loaded and checked once per process.

    Parsing and checking it is most of a short command's start-up, so the checked
    result is kept in the user's cache (advisor.system.cache) under a key of this version,
    this Python and the text of every knowledge file: an edited file, an upgrade or
    another Python builds and checks it again. The files are read either way (for
    the key), so a broken knowledge base is never hidden by a cached one.
    """
    from advisor.system import cache

    sources = _sources()
    key = sources_key(sources)
    kb = cache.kept("knowledge", key, lambda kb: isinstance(kb, KnowledgeBase), lambda: load_knowledge_base(sources))
    global _shipped_key
    _shipped_key = key
    return kb


_shipped_key: str | None = None  # the key of the knowledge base knowledge_base() gave, once it has


def shipped_key() -> str:
    """The key of the shipped knowledge base (its files' names and texts, this version, this Python):
    what a cache of conclusions drawn from it is kept under."""
    knowledge_base()
    assert _shipped_key is not None
    return _shipped_key
