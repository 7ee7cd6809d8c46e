"""Finding a knowledge-base entry, rule or finding from what a person types.

``pod-advisor explain`` takes a topic the way people say it ("bare pod",
"restartPolicy", "sidecars", "sidcar") and resolves it in steps, stopping at the
first that answers:

1. an exact id (``patterns.sidecar``, a rule or finding id such as ``bare-pod``);
2. a name: an entry's title, alias or id without its area, a rule's or finding's
   title, compared without case, punctuation, spaces or plural endings;
3. whole words: every word of the topic appears in one name ("readiness");
4. spelling: the names that are nearly the same (difflib).

An unknown topic comes with candidates: the entries whose text mentions it
("kubelet"), or else the names closest in spelling.

Knowledge-base entries come before rules and findings from step 2 on, so "bare
pod" is the entry and ``bare-pod`` (its exact id) the finding. A step that finds
several topics makes the lookup ambiguous; one that finds none passes on.
"""

from __future__ import annotations

import difflib
import re

from advisor.kb.knowledge import KnowledgeBase
from advisor.system.records import record

FOUND, AMBIGUOUS, UNKNOWN = "found", "ambiguous", "unknown"
SPELLING_CUTOFF = 0.8  # how alike a misspelt name must be to count as meant
SPELLING_MARGIN = 0.03  # names closer than this to the best are as likely
CLOSEST_CUTOFF = 0.6  # how alike a name must be to be suggested for an unknown topic
MAX_CANDIDATES = 6


@record(frozen=True)
class Topic:
    kind: str  # entry, rule (a decision rule) or finding
    id: str
    title: str


@record(frozen=True)
class Lookup:
    query: str
    status: str  # found, ambiguous or unknown
    topics: tuple[Topic, ...]  # the one found, or the candidates
    by: str = ""  # found by id, name, word or spelling; candidates by text or spelling

    @property
    def topic(self) -> Topic | None:
        return self.topics[0] if self.status == FOUND else None


def normalize(text: str) -> str:
    """``"restartPolicy: Always"`` -> ``"restartpolicy always"``."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def variants(text: str) -> set[str]:
    """The forms a name is compared in: as written, singular, and without spaces."""
    plain = normalize(text)
    single = " ".join(singular(word) for word in plain.split())
    return {plain, single, plain.replace(" ", ""), single.replace(" ", "")}


def topics(kb: KnowledgeBase) -> list[Topic]:
    """Every topic ``explain`` knows: entries, then decision rules, then findings."""
    found = [Topic("entry", entry.id, entry.title) for entry in kb.entries.values()]
    found += [Topic("rule", info.id, info.title) for info in kb.rules.values()]
    found += [Topic("finding", info.id, info.title) for info in kb.findings.values()]
    return found


def names(kb: KnowledgeBase, topic: Topic) -> list[str]:
    if topic.kind == "entry":
        entry = kb.entries[topic.id]
        return [entry.id, entry.id.split(".", 1)[1], entry.title, *entry.aliases]
    return [topic.id, topic.title]


def completion_words(kb: KnowledgeBase) -> list[str]:
    """The one-word names ``explain`` resolves, for Tab completion: entry ids, ids without their
    area (``sidecar``), one-word aliases, rule and finding ids; each once. Titles are left out:
    they are aliases' capitalised twins, and Tab completion minds case."""
    words = []
    for entry in kb.entries.values():
        words += [entry.id, entry.id.split(".", 1)[1], *(alias for alias in entry.aliases if " " not in alias)]
    words += list(kb.rules) + list(kb.findings)
    return list(dict.fromkeys(words))


def _prefer_entries(found: list[Topic]) -> list[Topic]:
    entries = [t for t in found if t.kind == "entry"]
    return entries or found


def _result(query: str, found: list[Topic], by: str) -> Lookup:
    unique = list(dict.fromkeys(found))
    status = FOUND if len(unique) == 1 else AMBIGUOUS
    return Lookup(query, status, tuple(unique[:MAX_CANDIDATES] if status == AMBIGUOUS else unique), by)


def _similarity(asked: set[str], name: str) -> float:
    """How alike the closest of the query's ``variants`` and the name's are."""
    return max(difflib.SequenceMatcher(None, q, n).ratio() for q in asked for n in variants(name))


def lookup(kb: KnowledgeBase, query: str) -> Lookup:
    """Resolve ``query`` to one topic, several (ambiguous) or none (unknown)."""
    every = topics(kb)
    wanted = query.strip().lower()
    exact = [t for t in every if t.id == wanted]
    if exact:
        return _result(query, exact, "id")

    plain = normalize(query)
    asked = variants(query)
    by_name = [t for t in every if any(plain == normalize(name) for name in names(kb, t))]
    if not by_name:
        by_name = [t for t in every if any(asked & variants(name) for name in names(kb, t))]
    if by_name:
        return _result(query, _prefer_entries(by_name), "name")

    words = {singular(word) for word in plain.split()}
    if words:
        by_word = [t for t in every
                   if any(words <= {singular(w) for w in normalize(name).split()} for name in names(kb, t))]
        if by_word:
            return _result(query, _prefer_entries(by_word), "word")

    scores = {t: max(_similarity(asked, name) for name in names(kb, t)) for t in every}
    ranked = sorted(every, key=lambda t: (-scores[t], t.kind != "entry"))
    best = scores[ranked[0]] if ranked else 0.0
    if best >= SPELLING_CUTOFF:
        close = [t for t in ranked if scores[t] >= best - SPELLING_MARGIN]
        return _result(query, _prefer_entries(close), "spelling")
    mentions = _mentions(kb, words)
    if mentions:
        return Lookup(query, UNKNOWN, tuple(mentions[:MAX_CANDIDATES]), "text")
    closest = [t for t in ranked if scores[t] >= CLOSEST_CUTOFF][:MAX_CANDIDATES]
    return Lookup(query, UNKNOWN, tuple(closest), "spelling")


def _mentions(kb: KnowledgeBase, words: set[str]) -> list[Topic]:
    """Entries with a word starting with each of ``words``, those with the most first."""
    counts = {}
    for entry in kb.entries.values():
        text = normalize(" ".join((entry.title, entry.summary, entry.details)))
        hits = [len(re.findall(rf"\b{word}", text)) for word in words]
        if hits and all(hits):
            counts[Topic("entry", entry.id, entry.title)] = sum(hits)
    return sorted(counts, key=lambda t: -counts[t])
