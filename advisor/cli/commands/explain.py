"""pod-advisor explain TOPIC: one knowledge-base entry, rule or finding, at hand."""

from __future__ import annotations

HELP = "explain a Kubernetes concept, or a rule or finding id, from the knowledge base"
DESCRIPTION = (
    "Print a knowledge-base entry: its summary, details, an example where one helps, and related entries. "
    "TOPIC is an entry id (patterns.sidecar), a title or alias in any case or plural (\"bare pod\", "
    "restartPolicy, sidecars), a small misspelling of one (sidcar), or a rule or finding id (bare-pod), "
    "which shows the rule and the entries it cites. Each shows its sources, and the history of the "
    "version-dependent features it relies on; --kubernetes 1.N says what they do on that version. TOPIC may "
    "also be a container image (nginx:1.27, gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11): its entry in "
    "the image catalogue, with the source of each fact. When TOPIC matches several entries, or none, the "
    "closest are listed and the exit status is 2."
)


MAX_TOPIC = 200  # characters: longer than any title, and spelling suggestions are quadratic in length


def configure(parser) -> None:
    parser.add_argument("topic", nargs="*", help="what to explain; several words are one topic")
    parser.add_argument("--list", action="store_true", help="list every entry, grouped by area")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text for people (default), json for tools, or markdown")
    parser.add_argument("--kubernetes", metavar="1.N", default=None,
                        help="the cluster's minor version, 1.25 to 1.37: say what the version-dependent features "
                             "the topic relies on do there (default: their whole history)")


def run(args, env) -> int:
    from advisor.kb.knowledge import knowledge_base
    from advisor.kb.lookup import FOUND, UNKNOWN, lookup
    from advisor.render import knowledge as kbdoc  # the knowledge base as text, Markdown, JSON
    from advisor.system.text import Style

    kb = knowledge_base()
    style = Style(env.color, env.unicode)
    minor = _minor(kb, args.kubernetes)
    topic = " ".join(args.topic).strip()
    if args.list or not topic:
        if not args.list:
            env.err("pod-advisor explain: give a TOPIC (an id, title or alias); here is every entry")
        env.write({"text": lambda: kbdoc.entry_list_text(kb, style),
                   "json": lambda: kbdoc.to_json(kbdoc.entry_list_record(kb)),
                   "markdown": lambda: kbdoc.entry_list_markdown(kb)}[args.format](), human=args.format == "text")
        return 0 if args.list else 2

    if len(topic) > MAX_TOPIC:
        env.err(f"pod-advisor explain: a topic is at most {MAX_TOPIC} characters; this one has {len(topic):,}. "
                "Run `pod-advisor explain --list` for every entry.")
        return 2
    found = lookup(kb, topic)
    if found.by not in ("id", "name"):  # an image the catalogue knows beats a guess from words or spelling
        from advisor.kb import images
        from advisor.render import image_entry

        family = images.match_topic(topic)
        if family is not None:
            catalogue = images.catalogue()
            env.write({"text": lambda: image_entry.image_text(catalogue, family, style),
                       "json": lambda: kbdoc.to_json(image_entry.image_record(catalogue, family)),
                       "markdown": lambda: image_entry.image_markdown(catalogue, family)}[args.format](),
                      human=args.format == "text")
            return 0
    if found.status != FOUND:
        if found.status == UNKNOWN:
            env.err(f"pod-advisor explain: no entry, rule or finding is called {topic!r}.")
            if found.topics:
                env.err("Entries that mention it:" if found.by == "text" else "The closest:")
        else:
            env.err(f"pod-advisor explain: {topic!r} could mean several topics:")
        width = max((len(t.id) for t in found.topics), default=0)
        for candidate in found.topics:
            kind = "" if candidate.kind == "entry" else f" ({candidate.kind})"
            env.err(f"  {candidate.id:<{width}}  {candidate.title}{kind}")
        env.err(("Run `pod-advisor explain ID` with one of them, or `pod-advisor explain --list` for every entry."
                 if found.topics else "Run `pod-advisor explain --list` for every entry."))
        return 2
    if found.by == "spelling":
        env.err(f"pod-advisor explain: nothing is called {topic!r}; showing {found.topic.id}")

    chosen = found.topic
    if chosen.kind == "entry":
        entry = kb.entry(chosen.id)
        text = {"text": lambda: kbdoc.entry_text(kb, entry, style, minor),
                "json": lambda: kbdoc.to_json(kbdoc.entry_record(kb, entry, minor)),
                "markdown": lambda: kbdoc.entry_markdown(kb, entry, minor)}[args.format]()
    else:
        from advisor.engine.advisor import registry

        doc = next(d for d in kbdoc.catalogue(kb, registry()) if d.id == chosen.id)
        text = {"text": lambda: kbdoc.rule_explained_text(kb, doc, style, minor),
                "json": lambda: kbdoc.to_json(kbdoc.rule_explained_record(kb, doc, minor)),
                "markdown": lambda: kbdoc.rule_explained_markdown(kb, doc, minor)}[args.format]()
    env.write(text, human=args.format == "text")
    return 0


def _minor(kb, kubernetes: str | None) -> int | None:
    """29 for --kubernetes 1.29, checked as the answer files' version is; None without it."""
    if kubernetes is None:
        return None
    from advisor.domain.vocabulary import minor_of
    from advisor.kb.questions import Invalid
    from advisor.system.errors import InputError, Problem

    try:
        version = kb.questions.by_id("kubernetes").check(kubernetes, raw=kubernetes)
    except Invalid as exc:
        raise InputError(Problem(f"--kubernetes: {exc}", hint=exc.hint)) from None
    return minor_of(str(version))
