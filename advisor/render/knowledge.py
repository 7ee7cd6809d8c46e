"""The knowledge base as documents: entries, rules and findings in three forms.

Text for a person at a terminal, Markdown for ``docs/rules.md``, JSON records for
other tools. ``pod-advisor explain`` and ``pod-advisor rules`` print these; the
checked-in ``docs/rules.md`` is ``rules_markdown`` of the shipped catalogue, so
the rule list is written once, in the engine and ``knowledge/rules/*.yaml``.
"""

from __future__ import annotations

import json

from advisor.kb.knowledge import CONCERNS, Entry, KnowledgeBase
from advisor.render.style import SEVERITY_STYLE
from advisor.system.errors import KnowledgeBaseError
from advisor.system.records import record
from advisor.system.text import Style, wrap

REGENERATE = "pod-advisor rules --format markdown > docs/rules.md"


def to_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _paragraphs(text: str) -> list[str]:
    """YAML block text -> paragraphs, each on one line."""
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


# -- entries -------------------------------------------------------------------

def cited_by(kb: KnowledgeBase, entry_id: str) -> list[tuple[str, str]]:
    """(kind, id) of every decision rule and finding that cites the entry."""
    found = [("rule", info.id) for info in kb.rules.values() if entry_id in info.see]
    return found + [("finding", info.id) for info in kb.findings.values() if entry_id in info.see]


def feature_records(kb: KnowledgeBase, feature_ids, minor: int | None = None) -> list[dict]:
    """The version-dependent features an entry relies on: their stages, and their state on 1.minor."""
    records = []
    for fid in feature_ids:
        feature = kb.features[fid]
        record = {"feature": fid, "title": feature.title, "gate": feature.gate,
                  "stages": [{"stage": s.stage, "since": f"1.{s.since}", "on_by_default": s.on} for s in feature.stages],
                  "history": feature.history(), "sources": list(feature.sources)}
        if minor is not None:
            stage = feature.at(minor)
            record["at"] = {"kubernetes": f"1.{minor}", "stage": stage.stage if stage else None,
                            "on_by_default": feature.on_at(minor), "text": feature.state_text(minor)}
        records.append(record)
    return records


def entry_features(kb: KnowledgeBase, entry_ids) -> list[str]:
    """The features the entries rely on, each once, in order."""
    return list(dict.fromkeys(fid for ref in entry_ids for fid in kb.entry(ref).features))


def _versions_text(kb: KnowledgeBase, feature_ids, minor: int | None, style: Style) -> list[str]:
    if not feature_ids:
        return []
    if minor is None:
        out = ["", style("Versions", "bold")]
        for fid in feature_ids:
            feature = kb.features[fid]
            out += wrap(f"{feature.title}: {feature.history()}.", "    ", first="  ")
        return out + wrap("pod-advisor explain TOPIC --kubernetes 1.N says what holds on one version.", "  ")
    out = ["", style(f"On Kubernetes 1.{minor}", "bold")]
    for fid in feature_ids:
        out += wrap(kb.features[fid].state_text(minor), "    ", first="  ")
    return out


def _sources_text(sources, style: Style) -> list[str]:
    from advisor.kb.sources import source_label

    return ["", style("Sources", "bold")] + [f"  {source_label(source)}" for source in sources] if sources else []


def _sources_markdown(sources) -> str:
    from advisor.kb.sources import SEED, SEED_TITLE

    return "**Sources:** " + ", ".join(f"seed ({SEED_TITLE})" if s == SEED else f"<{s}>" for s in sources)


def entry_record(kb: KnowledgeBase, entry: Entry, minor: int | None = None) -> dict:
    record = _entry_record(kb, entry)
    record["sources"] = list(entry.sources)
    record["versions"] = feature_records(kb, entry.features, minor)
    if minor is not None:
        record["kubernetes"] = f"1.{minor}"
    return record


def _entry_record(kb: KnowledgeBase, entry: Entry) -> dict:
    return {
        "type": "entry",
        "id": entry.id,
        "area": entry.id.split(".", 1)[0],
        "title": entry.title,
        "aliases": list(entry.aliases),
        "summary": entry.summary,
        "details": "\n\n".join(_paragraphs(entry.details)),
        "example": entry.example,
        "related": [{"id": ref, "title": kb.entry(ref).title} for ref in entry.related],
        "cited_by": [{"kind": kind, "id": rid} for kind, rid in cited_by(kb, entry.id)],
        "source": entry.source,
    }


def _labelled(label: str, text: str, indent: int, style: Style, width: int = 7) -> list[str]:
    """``label`` then ``text`` wrapped beside it: ``    when    A container ...``."""
    lead = " " * indent + f"{label:<{width}} "
    lines = wrap(text, " " * len(lead), first=lead)
    lines[0] = " " * indent + style(label, "dim") + lines[0][indent + len(label):]
    return lines


def entry_text(kb: KnowledgeBase, entry: Entry, style: Style, minor: int | None = None) -> str:
    out = [f"{style(entry.title, 'bold')}  {style(entry.id, 'dim')}", ""]
    out += wrap(entry.summary, "  ")
    for paragraph in _paragraphs(entry.details):
        out += [""] + wrap(paragraph, "  ")
    if entry.example:
        out += ["", style("Example", "bold")]
        out += [f"  {line}".rstrip() for line in entry.example.rstrip().splitlines()]
    if entry.related:
        out += ["", style("Related", "bold")]
        width = max(len(ref) for ref in entry.related)
        out += [f"  {ref:<{width}}  {kb.entry(ref).title}" for ref in entry.related]
    cited = cited_by(kb, entry.id)
    if cited:
        out += ["", style("Used by the advisor", "bold")]
        for kind, label in (("rule", "rules"), ("finding", "findings")):
            ids = [rid for k, rid in cited if k == kind]
            if ids:
                out += _labelled(label, ", ".join(ids), 2, style, width=8)
    out += _versions_text(kb, entry.features, minor, style)
    out += _sources_text(entry.sources, style)
    out += ["", style("pod-advisor explain ID shows any of these.", "dim")]
    return "\n".join(out) + "\n"


def entry_markdown(kb: KnowledgeBase, entry: Entry, minor: int | None = None) -> str:
    out = [f"## {entry.title}", "", f"`{entry.id}`"
           + (f" · also: {', '.join(entry.aliases)}" if entry.aliases else ""), "", entry.summary, ""]
    for paragraph in _paragraphs(entry.details):
        out += [paragraph, ""]
    if entry.example:
        out += ["```yaml", entry.example.rstrip(), "```", ""]
    if entry.related:
        out += ["**Related:** " + ", ".join(f"`{ref}` ({kb.entry(ref).title})" for ref in entry.related), ""]
    cited = cited_by(kb, entry.id)
    if cited:
        out += ["**Used by the advisor:** " + ", ".join(f"{kind} `{rid}`" for kind, rid in cited), ""]
    out += _versions_markdown(kb, entry.features, minor)
    out += [_sources_markdown(entry.sources), ""]
    return "\n".join(out)


def _versions_markdown(kb: KnowledgeBase, feature_ids, minor: int | None) -> list[str]:
    if not feature_ids:
        return []
    if minor is None:
        return ["**Versions:** " + " ".join(f"{kb.features[f].title}: {kb.features[f].history()}." for f in feature_ids),
                ""]
    return [f"**On Kubernetes 1.{minor}:** " + " ".join(kb.features[f].state_text(minor) for f in feature_ids), ""]


def areas(kb: KnowledgeBase) -> dict[str, list[Entry]]:
    """Entries grouped by area (the id's first part: the file they live in), in the files' order."""
    grouped: dict[str, list[Entry]] = {}
    for entry in kb.entries.values():
        grouped.setdefault(entry.id.split(".", 1)[0], []).append(entry)
    return grouped


def entry_list_text(kb: KnowledgeBase, style: Style) -> str:
    out = wrap(f"{len(kb.entries)} knowledge-base entries. `pod-advisor explain ID` (or a title or alias) "
                f"prints one; `pod-advisor rules` lists the rule and finding ids.", "") + [""]
    for area, entries in areas(kb).items():
        out.append(style(area, "bold"))
        width = max(len(entry.id) for entry in entries)
        out += [f"  {entry.id:<{width}}  {entry.title}" for entry in entries]
        out.append("")
    return "\n".join(out)


def entry_list_markdown(kb: KnowledgeBase) -> str:
    out = ["# Knowledge base", ""]
    for area, entries in areas(kb).items():
        out += [f"## {area}", "", "| id | title |", "|---|---|"]
        out += [f"| `{entry.id}` | {_cell(entry.title)} |" for entry in entries]
        out.append("")
    return "\n".join(out)


def entry_list_record(kb: KnowledgeBase) -> dict:
    return {"areas": {area: [{"id": e.id, "title": e.title, "aliases": list(e.aliases)} for e in entries]
                      for area, entries in areas(kb).items()}}


# -- rules and findings ----------------------------------------------------------

@record(frozen=True)
class RuleDoc:
    """One decision rule or finding, as `pod-advisor rules` and docs/rules.md show it."""

    id: str
    kind: str  # decision or finding
    concern: str
    title: str
    when: str
    see: tuple[tuple[str, str], ...]  # (entry id, entry title)
    used_by: tuple[str, ...]  # advise (the engine) and/or review
    severity: str | None = None
    fix: str | None = None
    guess: str | None = None
    raises: tuple[str, ...] = ()  # a decision: the findings it leads to
    follows: tuple[str, ...] = ()  # a finding: the decisions that lead to it
    pages: tuple[str, ...] = ()  # the pages its conclusion or message rests on


def catalogue(kb: KnowledgeBase, registry: dict) -> list[RuleDoc]:
    """Every rule of the engine's ``registry`` and every finding, described by the knowledge base.

    Decisions first, by concern; then findings. Refuses a rule the engine has but
    the knowledge base does not describe, and a description with no rule.
    """
    problems = [f"rule {rid!r} has no entry in knowledge/rules" for rid in registry
                if rid not in kb.rules and rid not in kb.findings]
    docs = []
    for info in kb.rules.values():
        if info.id in registry:
            concern, used_by = registry[info.id].concern, ("advise",)
        elif info.concern == "review":
            concern, used_by = "review", ("review",)
        else:
            problems.append(f"knowledge/rules: rule {info.id!r} has no rule in the engine")
            continue
        docs.append(RuleDoc(info.id, "decision", concern, info.title, info.when,
                            tuple((ref, kb.entry(ref).title) for ref in info.see), used_by, raises=info.raises,
                            pages=info.pages))
    docs.sort(key=lambda doc: CONCERNS.index(doc.concern))
    for info in kb.findings.values():
        if "advise" in info.sources and info.id not in registry:
            problems.append(f"knowledge/rules: finding {info.id!r} says advise but has no rule in the engine")
            continue
        concern = registry[info.id].concern if info.id in registry else "review"
        follows = tuple(rule.id for rule in kb.rules.values() if info.id in rule.raises)
        docs.append(RuleDoc(info.id, "finding", concern, info.title, info.when,
                            tuple((ref, kb.entry(ref).title) for ref in info.see), info.sources,
                            severity=info.severity, fix=info.fix, guess=info.guess, follows=follows,
                            pages=info.pages))
    if problems:
        raise KnowledgeBaseError(problems)
    return docs


def rule_record(doc: RuleDoc) -> dict:
    record = {"id": doc.id, "kind": doc.kind, "concern": doc.concern, "severity": doc.severity,
              "title": doc.title, "when": doc.when, "fix": doc.fix}
    if doc.guess:
        record["guess"] = doc.guess
    record["raises" if doc.kind == "decision" else "follows"] = list(doc.raises or doc.follows)
    record["see"] = [{"id": ref, "title": title} for ref, title in doc.see]
    record["used_by"] = list(doc.used_by)
    record["pages"] = list(doc.pages)
    return record


def rules_json(docs: list[RuleDoc]) -> str:
    return to_json({"rules": [rule_record(doc) for doc in docs]})


def rule_text(doc: RuleDoc, style: Style) -> list[str]:
    """One rule or finding for a terminal: its id and title, then one line a field."""
    if doc.kind == "finding":
        head = f"  {style(f'{doc.severity:<7}', SEVERITY_STYLE[doc.severity], 'bold')} {style(doc.id, 'bold')}"
    else:
        head = f"  {style(doc.id, 'bold')}"
    out = [head] + wrap(doc.title, "    ")
    out += _labelled("when", doc.when, 4, style)
    for label, value in (("fix", doc.fix), ("guess", doc.guess)):
        if value:
            out += _labelled(label, value, 4, style)
    for label, ids in (("raises", doc.raises), ("follows", doc.follows)):
        if ids:
            out += _labelled(label, ", ".join(ids), 4, style)
    width = max((len(ref) for ref, _ in doc.see), default=0)
    for i, (ref, title) in enumerate(doc.see):
        out += _labelled("cites" if i == 0 else "", f"{ref:<{width}}  {title}", 4, style)
    for i, page in enumerate(doc.pages):  # whole, never wrapped: a URL broken in two opens nothing
        out.append(f"    {style('source', 'dim') if i == 0 else '      '}  {page}")
    if doc.kind == "finding":
        out += _labelled("used by", ", ".join(doc.used_by), 4, style)
    return out


def rules_text(docs: list[RuleDoc], style: Style) -> str:
    decisions = [doc for doc in docs if doc.kind == "decision"]
    findings = [doc for doc in docs if doc.kind == "finding"]
    out = wrap(f"{len(decisions)} decision rules and {len(findings)} findings. `pod-advisor explain ID` "
                f"shows one with the knowledge-base entries it cites.", "")
    out += ["", style("Decision rules: the conclusions of the advice", "bold")]
    concern = None
    for doc in decisions:
        if doc.concern != concern:
            concern = doc.concern
            out += ["", style(concern, "bold", "cyan")]
        out += rule_text(doc, style) + [""]
    out += ["", style("Findings: what the advice warns about", "bold"), ""]
    for doc in findings:
        out += rule_text(doc, style) + [""]
    return "\n".join(out).rstrip() + "\n"


def _rule_markdown(doc: RuleDoc) -> list[str]:
    out = [f"### `{doc.id}`", "", f"{doc.title}.", ""]
    facts = [("Kind", doc.kind), ("Concern", doc.concern)]
    if doc.severity:
        facts.append(("Severity", doc.severity))
    facts.append(("When", doc.when))
    if doc.fix:
        facts.append(("Fix", doc.fix))
    if doc.guess:
        facts.append(("Guess", doc.guess))
    if doc.raises:
        facts.append(("Raises", ", ".join(f"[`{rid}`](#{rid})" for rid in doc.raises)))
    if doc.follows:
        facts.append(("Follows", ", ".join(f"[`{rid}`](#{rid})" for rid in doc.follows)))
    facts.append(("Cites", ", ".join(f"`{ref}` ({title})" for ref, title in doc.see)))
    facts.append(("Sources", ", ".join(f"<{page}>" for page in doc.pages)))
    facts.append(("Used by", ", ".join(doc.used_by)))
    return out + [f"- **{label}:** {value}" for label, value in facts] + [""]


def rules_markdown(docs: list[RuleDoc]) -> str:
    """docs/rules.md: a table of every id, then one section per rule, the same fields each."""
    decisions = [doc for doc in docs if doc.kind == "decision"]
    findings = [doc for doc in docs if doc.kind == "finding"]
    out = [
        f"<!-- Generated by pod-advisor; do not edit. Regenerate with: {REGENERATE} -->",
        "",
        "# Rules and findings",
        "",
        f"pod-advisor draws its advice with {len(decisions)} decision rules and warns with "
        f"{len(findings)} findings. Each id names the rule in the engine (`advisor/engine/`), its "
        "description in `knowledge/rules/`, and the reasons and findings it puts in the output. "
        "`pod-advisor explain ID` prints one of them with the knowledge-base entries it cites.",
        "",
        "*Used by* says who applies it: advise, the engine behind `pod-advisor evaluate` and the wizard "
        "(from answers), or review, `pod-advisor review` (from manifests).",
        "",
        "| id | kind | concern | severity | used by | title |",
        "|---|---|---|---|---|---|",
    ]
    out += [f"| [`{d.id}`](#{d.id}) | {d.kind} | {d.concern} | {d.severity or ''} | {', '.join(d.used_by)} "
            f"| {_cell(d.title)} |" for d in docs]
    out += ["", "## Decision rules", ""]
    for doc in decisions:
        out += _rule_markdown(doc)
    out += ["## Findings", ""]
    for doc in findings:
        out += _rule_markdown(doc)
    return "\n".join(out).rstrip() + "\n"


def rule_explained_text(kb: KnowledgeBase, doc: RuleDoc, style: Style, minor: int | None = None) -> str:
    """``explain RULE-ID``: the rule, then the summary of every entry it cites."""
    kind = "Finding" if doc.kind == "finding" else f"Decision rule ({doc.concern})"
    out = [f"{style(kind, 'bold')}", *rule_text(doc, style), "", style("From the knowledge base", "bold")]
    for ref, title in doc.see:
        out += ["", f"  {style(title, 'bold')}  {style(ref, 'dim')}"] + wrap(kb.entry(ref).summary, "    ")
    out += _versions_text(kb, entry_features(kb, (ref for ref, _ in doc.see)), minor, style)
    out += ["", style("pod-advisor explain ID shows an entry in full.", "dim")]
    return "\n".join(out) + "\n"


def rule_explained_record(kb: KnowledgeBase, doc: RuleDoc, minor: int | None = None) -> dict:
    record = {"type": doc.kind, **rule_record(doc)}
    record["see"] = [{"id": ref, "title": title, "summary": kb.entry(ref).summary} for ref, title in doc.see]
    record["versions"] = feature_records(kb, entry_features(kb, (ref for ref, _ in doc.see)), minor)
    if minor is not None:
        record["kubernetes"] = f"1.{minor}"
    return record


def rule_explained_markdown(kb: KnowledgeBase, doc: RuleDoc, minor: int | None = None) -> str:
    out = _rule_markdown(doc)
    for ref, title in doc.see:
        out += [f"#### {title} (`{ref}`)", "", kb.entry(ref).summary, ""]
    out += _versions_markdown(kb, entry_features(kb, (ref for ref, _ in doc.see)), minor)
    return "\n".join(out)
