"""One image family of the catalogue (advisor.kb.images), as ``pod-advisor explain IMAGE`` shows it:
text for people, a record for tools, Markdown for documents. Pure functions of the family."""

from __future__ import annotations

import dataclasses

from advisor.kb.images import Catalogue, Fact, Family
from advisor.kb.starts import one_of
from advisor.system.text import Style, wrap

LABELS = {  # fact -> how the text output names it
    "user": "user", "any_uid": "any UID", "run_as": "run as", "ports": "ports", "writes": "writes",
    "runs": "runs", "role": "role", "shell": "shell", "alternative": "instead", "volumes": "volumes",
    "ships": "ships in", "memory": "memory", "needs_env": "needs", "data_env": "data in",
    "refuses_env": "stops at", "refuses_mounts": "refuses", "long_flags": "flags",
}
RUNS = {"until-stopped": "until stopped (a server or agent)", "finishes": "to completion (a one-off step)",
        "exec-box": "nothing lasting on its own (a base or tool box: give it a command, or exec into it)"}
WIDTH = 9  # the labels' column


def user_words(user: str) -> str:
    """What an image configuration's User means, in words."""
    name = user.split(":", 1)[0]
    if name == "":
        return "root (the image names no user)"
    if name in ("0", "root"):
        return f"root ({user!r})"
    if name.isdigit():
        return f"UID {user}"
    return f"{user!r} (a user name, not a UID)"


def value_words(catalogue: Catalogue, family: Family, name: str) -> str:
    """A fact's value in words; an unknown value says so."""
    value = family.fact(name).value
    if value is None:
        return "none known" if name == "run_as" else "not known"
    if name == "user":
        return user_words(value)
    if name == "any_uid":
        return "yes" if value else "no"
    if name == "run_as":
        return f"UID {value}"
    if name == "ports":
        return ", ".join(str(p) for p in value) or "none"
    if name == "writes":
        return ", ".join(value) or "nothing"
    if name == "volumes":
        return ", ".join(value) or "none declared"
    if name == "ships":
        return (", ".join(value) + " (files of its own in folders it writes: an empty volume there would hide "
                "them)") if value else "nothing in the folders it writes"
    if name == "memory":
        return f"{value} (the least limit it keeps running under with its shipped settings)"
    if name == "runs":
        return RUNS[value]
    if name == "role":
        role = catalogue.roles[value]
        return f"{role.name} ({value}; answer-file purpose {role.purpose})"
    if name == "shell":
        return "yes" if value else "no"
    if name == "alternative":
        port = f", port {value.port}" if value.port else ""
        return f"{value.image}{port}, UID {value.uid}"
    if name == "needs_env":
        return needs_env_words(value)
    if name == "data_env":
        return f"{value.path}, set by {value.name}: a folder below the root of its data volume"
    if name == "refuses_env":
        return (f"{' or '.join(value.any)} in its environment, when it runs {' or '.join(value.command)}: it stops "
                f"with an error before it sets up a new database. {value.remedy}")
    if name == "long_flags":
        said = (f"long flags with two dashes only (--config.file), when it runs as the image's program or as "
                f"{' or '.join(value.program)}: a flag with one dash (-config.file) stops it with an error. "
                f"{value.remedy}")
        if value.except_tags:
            said += f". Not for tags {', '.join(value.except_tags)}"
        return said
    if name == "refuses_mounts":
        return (f"a volume mounted at {' or '.join(value.paths)}, when it runs {' or '.join(value.command)}, unless "
                f"{one_of(value.unless)} is set: it sets up no new database then")
    return str(value)


def needs_env_words(needs) -> str:
    """What an image will not start without, in words: "one of A, B or C set (or A_FILE ...) ..."."""
    said = (f"{one_of(needs.any)} in its environment before it first starts on an empty data folder (a NAME also "
            f"counts as given by NAME_FILE), when it runs {' or '.join(needs.command)}")
    if needs.except_tags:
        said += f"; not known for tags {', '.join(needs.except_tags)}"
    return said


def _facts(family: Family) -> list[tuple[str, Fact]]:
    names = list(LABELS)
    return [(name, family.fact(name)) for name in names if family.fact(name) is not None]


def _matching(family: Family) -> str:
    parts = [", ".join(family.repositories)]
    if family.suffixes:
        parts.append("or any repository ending in " + ", ".join(f"/{s}" for s in family.suffixes))
    if family.tags:
        parts.append("tags " + ", ".join(family.tags))
    return "; ".join(parts) + " (any registry)"


def image_text(catalogue: Catalogue, family: Family, style: Style) -> str:
    urls = list(dict.fromkeys(url for _, fact in _facts(family) for url in fact.sources))
    number = {url: i + 1 for i, url in enumerate(urls)}
    out = [f"{style(family.title, 'bold')}  {style(family.id, 'dim')}  {style('(image)', 'dim')}", ""]
    out += _labelled("matches", _matching(family), style)
    for name, fact in _facts(family):
        marks = "".join(f" [{number[url]}]" for url in fact.sources)
        out += _labelled(LABELS[name], value_words(catalogue, family, name) + marks, style)
        if fact.note:
            out += [style(line, "dim") for line in wrap(fact.note, " " * (WIDTH + 3))]
    if family.note:
        out += [""] + wrap(family.note, "  ")
    out += ["", style("Sources", "bold")]
    out += [f"  [{number[url]}] {url}" for url in urls]
    return "\n".join(out) + "\n"


def _labelled(label: str, text: str, style: Style) -> list[str]:
    lead = "  " + f"{label:<{WIDTH}} "
    lines = wrap(text, " " * len(lead), first=lead)
    lines[0] = "  " + style(label, "dim") + lines[0][2 + len(label):]
    return lines


def _plain(value):
    """A fact's value as JSON holds it: a record (an alternative, the settings it needs) as a mapping of its fields,
    in their order, a tuple as a list."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return list(value) if isinstance(value, tuple) else value


def image_record(catalogue: Catalogue, family: Family) -> dict:
    facts = {}
    for name, fact in _facts(family):
        facts[name] = {"value": _plain(fact.value), "sources": list(fact.sources), "note": fact.note}
    role = catalogue.role(family)
    return {
        "type": "image", "id": family.id, "title": family.title,
        "match": {"repositories": list(family.repositories), "suffixes": list(family.suffixes),
                  "tags": list(family.tags)},
        "facts": facts,
        "role": None if role is None else {"id": role.id, "name": role.name, "purpose": role.purpose,
                                           "helper": role.helper},
        "note": family.note, "file": family.file,
    }


def image_markdown(catalogue: Catalogue, family: Family) -> str:
    out = [f"## {family.title}", "", f"`{family.id}` · matches {_matching(family)}", "",
           "| fact | value | source |", "| --- | --- | --- |"]
    for name, fact in _facts(family):
        text = value_words(catalogue, family, name) + (f" ({fact.note})" if fact.note else "")
        sources = " ".join(f"<{url}>" for url in fact.sources)
        out.append(f"| {LABELS[name]} | {text.replace('|', '/')} | {sources} |")
    if family.note:
        out += ["", family.note]
    return "\n".join(out) + "\n"
