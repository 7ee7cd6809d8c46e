"""Parsing the input files with a helper process (advisor.system.helper) working from the last file back.

A review's first run spends a third of its time reading YAML, file after file, on one CPU. With
a second CPU, a helper forked once the files are known reads and parses them from the last one
back and sends each file's parse (documents and problems, pickled: unpickling one takes a tenth of
parsing it) while this process parses from the first one on; where the two meet, the helper is
stopped. A file's parse is a function of its name, its text and its outline (``parse_documents_apart``,
as advisor.review.objects.KeptParses relies on too), so it is taken only when the text this process
read is the text the helper parsed (a digest of both); the objects are the same either way.

Before the files, the helper computes bashlex's parser tables, checks the image catalogue and builds the
engine's Rete network when the user's cache does not hold them yet (advisor.review.shell, advisor.kb.images
and advisor.engine keep them there): 0.1 s, 0.03 s and 0.03 s that the review would otherwise spend at its
first shell script, at its first workload and on building its engine after the parse.
"""

from __future__ import annotations

import contextlib
import io

from advisor.review.objects import (STDIN, Gathered, KeptParses, folds_at, interns, outline_of, trim_raw,
                                    unpickled)


@contextlib.contextmanager
def parsed_ahead(gathered: Gathered, kept: KeptParses | None):
    """What ``_parse_inputs`` takes as its store of parses (``entry``, ``get``, ``add``, as ``kept``):
    ``kept``'s, and the helper's, which parses the files the store does not hold. Without a helper (a small
    input, one CPU, a kept store that holds as many files as half the input: most likely a run again over
    the same files), ``kept`` itself."""
    stored = kept.stored if kept is not None else {}
    if len(stored) * 2 >= len(gathered.files):
        yield kept
        return
    from advisor.system import cache, helper

    if not helper.available():
        yield kept
        return
    prepare = cache.folder() is not None  # kept there for the review to find; else not worth building
    with helper.Helper(lambda send: _parse_back(gathered, stored, prepare, send)) as ahead:
        yield _Parses(gathered, kept, ahead)


def _key(name: str, text: str, outline: bool) -> str:
    """What a file's parse is a function of, as a digest (``KeptParses.entry``'s, for every file)."""
    from advisor.system.cache import digest

    return digest(name, text, "outline" if outline else "whole")


class _Parses:
    """The parses the helper has sent and the kept store's, as ``_parse_inputs`` asks for them."""

    def __init__(self, gathered: Gathered, kept: KeptParses | None, ahead):
        self.kept, self.ahead = kept, ahead
        self.position: dict[str, int] = {}  # each file's place in the order the files are read
        self.files = gathered.files
        for index, name in enumerate(gathered.files):
            self.position.setdefault(STDIN if name == "-" else name, index)
        self.reached = len(gathered.files)  # the helper has sent every file from here on
        self.sent: dict[str, tuple[str, bytes]] = {}  # name -> (the key of the text it parsed, the pickled parse)
        self.paths: dict[tuple, tuple] = kept.paths if kept is not None else {}
        self.intern = interns(gathered.size)  # as the kept store's documents do
        self.fold = folds_at(gathered.size)  # as the objects are (parse_inputs)
        self.last: tuple[str, bytes] | None = None  # the name and pickle of the last file the helper's parse gave

    def entry(self, name: str, text: str, outline: bool):
        if name == STDIN:
            return None
        return name, text, outline, self.kept.entry(name, text, outline) if self.kept is not None else None

    def get(self, entry):
        name, text, outline, kept_entry = entry
        if self.position.get(name, -1) < self.reached:
            self._receive()
            if self.position.get(name, -1) >= self.reached:
                self.ahead.stop()  # the two have met: the helper's next files are parsed here already
        key, payload = self.sent.pop(name, (None, None))
        # the text the helper parsed is this one (the digest is the kept store's, when it has one)
        if payload is None or key != (kept_entry or _key(name, text, outline)):
            return self.kept.get(kept_entry) if kept_entry is not None else None
        parsed = unpickled(payload, self.paths, self.intern, self.fold)
        self.last = name, payload
        if kept_entry is not None:  # kept for the next run as ``kept.add`` would have, without pickling again
            self.kept.used[kept_entry] = payload
            self.kept.changed = True
        return parsed

    def payload(self, entry):
        """The pickle of the file of ``entry``: the kept store's, or the one the helper sent last."""
        name, _, _, kept_entry = entry
        if kept_entry is not None:
            return self.kept.payload(kept_entry)
        return self.last[1] if self.last is not None and self.last[0] == name else None

    def add(self, entry, parsed) -> None:
        if entry[3] is not None:
            self.kept.add(entry[3], parsed)

    def _receive(self) -> None:
        from advisor.system.cache import Unpickler

        for message in self.ahead.received():
            index, key, payload = Unpickler(io.BytesIO(message)).load()
            self.reached = index
            if payload is not None:
                self.sent[self.files[index]] = key, payload


def _parse_back(gathered: Gathered, stored: dict, prepare: bool, send) -> None:
    """In the helper: bashlex's tables, the image catalogue and the Rete network when ``prepare`` and not kept
    yet; then each file from the last back, sent as (its index, its key, its pickled parse), the key and the
    parse None when it is not parsed here."""
    from advisor.system.cache import pickled

    if prepare:
        from advisor.engine import Advisor
        from advisor.kb.images import catalogue
        from advisor.review import shell

        shell.import_bashlex()  # computes them and keeps them in the cache, unless they are there already
        catalogue()  # the image catalogue, checked and kept likewise: every workload's review reads it
        Advisor()  # the engine's Rete network, built and kept likewise: the review builds its engine next
    for index in range(len(gathered.files) - 1, -1, -1):
        send(pickled((index, *_parsed(gathered.files[index], stored))))


def _parsed(name: str, stored: dict) -> tuple[str | None, bytes | None]:
    """(the key, the pickled parse) of the file ``name``; (None, None) when it is standard input, not a
    regular file (what a pipe holds, as review <(helm template ...) names one, is read by this process
    alone), cannot be read (this process says why), or is kept in ``stored``."""
    from advisor.review.objects import MAX_BYTES
    from advisor.system.cache import pickled
    from advisor.system.errors import InputError
    from advisor.system.yamlsource import parse_documents_apart, read_text

    if name == "-":
        return None, None
    try:
        text = read_text(name, max_bytes=MAX_BYTES, regular_only=True)
    except InputError:
        return None, None
    outline = outline_of(name)
    if stored and KeptParses.entry(name, text, outline is not None) in stored:
        return None, None
    try:
        parsed = parse_documents_apart(text, name, outline=outline)
    except InputError as exc:
        parsed = [], exc.problems
    # as this process would have kept it: the parse sent is what the review holds, and the kept store too
    trim_raw(parsed[0])
    return _key(name, text, outline is not None), pickled(parsed)
