"""A container's shell script read as a shell reads it, into a small tree the reviewer judges.

Whether a container runs until stopped or finishes is, as often as not, in the script
it runs (``sh -c "..."``). Read with regular expressions, cosmetic variants of one
script got different verdicts: ``>> log`` or ``| tee log``, a ``set -euo pipefail;``
in front, ``sleep $((RANDOM % 10))``. Here the script is parsed by bashlex (a port of
bash's own grammar, from PyPI) into the few shapes the judgement needs:

- ``Simple``: one command as it runs: its words, without assignments and redirections
  (``>> /log`` changes where output goes, not how long the command runs);
- ``Pipeline``: commands joined by ``|``, which run together;
- ``Loop``: ``while``/``until`` with their condition, ``for`` (bounded by its list, or
  ``for ((;;))`` for ever), and the body;
- ``Branch``: ``if``/``case``, whose arms may or may not run;
- ``Seq``: steps in order, each with the operator after it (``;``, ``&&``, ``||``, ``&``).

bashlex has no arithmetic (``$((...))``, ``for ((...))``, ``(( ))``) or ``[[ ]]``, and
no actions for its grammar's ``case``; arithmetic and ``[[`` are rewritten to what a
judgement needs first (an arithmetic value is a word that is not known, ``for ((;;))`` a
``while true``), ``case`` is given its actions (``_read_case``), and a script bashlex still
refuses (``$(a || b)``, a here-document at the end, an array) is split with ``shlex`` into
statements, keywords (``case`` arms included) structured by hand: coarser, but never a
crash. ``Script.parser`` says which read it.

bashlex is imported on first use (a review whose commands are all exec-form lists never
needs it), with its parser tables kept in advisor.system.cache rather than computed at every
import (``import_bashlex``). Scripts once parsed are
kept in advisor.system.cache (under a key of this module, bashlex and this version), so
that a review run again over the same manifests needs no bashlex at all.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from dataclasses import dataclass, field
from typing import Union

Node = Union["Simple", "Pipeline", "Loop", "Branch", "Seq"]

ARITHMETIC = "__arithmetic__"  # the word an arithmetic expansion becomes: a number nobody can know here
SHELLS = ("sh", "bash", "ash", "dash", "zsh", "ksh", "mksh")


@dataclass(frozen=True)
class Simple:
    words: tuple[str, ...]
    assignments: tuple[tuple[str, str], ...] = ()  # NAME=value written before the command (or alone)

    @property
    def program(self) -> str:
        """The program's base name: ``nginx`` for ``/usr/sbin/nginx``."""
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Pipeline:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Loop:
    keyword: str  # while | until | for
    condition: "Seq | None"  # None: a for over a list, or for ((...)) with a bound
    body: "Seq"
    forever: bool = False  # for ((;;))


@dataclass(frozen=True)
class Branch:
    conditions: tuple["Seq", ...]
    arms: tuple["Seq", ...]
    otherwise: bool  # an else (or a case's *) arm: one of the arms always runs


@dataclass(frozen=True)
class Seq:
    steps: tuple[tuple[Node, str], ...] = ()  # (node, the operator after it: ; && || & or '')


@dataclass(frozen=True)
class Script:
    body: Seq
    functions: dict = field(default_factory=dict)  # name -> Seq
    parser: str = "bashlex"  # bashlex | shlex (bashlex refused it) | argv (an exec-form command, not parsed)
    text: str = ""


# -- the container's command ------------------------------------------------------------


@dataclass(frozen=True)
class Invocation:
    """What a container's command and args start: a script given to a shell, a script file, or a program."""

    script: str | None = None  # the text of ``sh -c SCRIPT``
    script_file: str | None = None  # ``sh /scripts/run.sh``: a file the shell reads
    arguments: tuple[str, ...] = ()  # $1... of the script ($0 left out)
    argv: tuple[str, ...] = ()  # a program started directly (exec form), when no shell is
    shell_without_script: str | None = None  # ``sh -c`` with no script, or a bare ``sh``: why


def is_shell(word: str) -> bool:
    return word.rsplit("/", 1)[-1] in SHELLS


def invocation(words: list[str]) -> Invocation:
    """How the runtime starts ``words`` (a container's command followed by its args)."""
    rest = list(words)
    if rest and rest[0].rsplit("/", 1)[-1] == "busybox" and len(rest) > 1 and rest[1] in SHELLS:
        rest = rest[1:]
    if rest and rest[0].rsplit("/", 1)[-1] in ("env", "dumb-init", "tini", "tini-static") and len(rest) > 1:
        rest = [w for w in rest[1:] if w != "--" and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", w)] or rest
    if not rest or not is_shell(rest[0]):
        return Invocation(argv=tuple(rest))
    shell, options = rest[0], rest[1:]
    i = 0
    while i < len(options) and options[i].startswith(("-", "+")) and options[i] not in ("-", "--"):
        flag = options[i]
        if flag in ("-o", "+o"):
            i += 2  # -o pipefail
            continue
        if "c" in flag[1:]:
            # the script is the first word that is no option: `bash -c -- SCRIPT`, `sh -c -e SCRIPT`
            j = i + 1
            while j < len(options) and options[j].startswith(("-", "+")) and options[j] != "-":
                done = options[j] == "--"
                j += 2 if options[j] in ("-o", "+o") else 1
                if done:
                    break
            if j >= len(options):
                return Invocation(shell_without_script=f"{' '.join(rest)} gives {shell} -c no script, so it "
                                                       f"exits at once with an error")
            return Invocation(script=options[j], arguments=tuple(options[j + 2:]))
        i += 1
    if i < len(options) and options[i] == "--":
        i += 1
    if i < len(options):
        return Invocation(script_file=options[i], arguments=tuple(options[i + 1:]))
    return Invocation(shell_without_script=f"{' '.join(rest)} is a shell with no script: it reads its commands "
                                           f"from standard input")


# -- parsing ------------------------------------------------------------------------------


KEPT = "scripts"  # their file in advisor.system.cache
MAX_KEPT = 4096  # scripts kept, the oldest going first: a bound on the file, above one repository's scripts


class _Parsed:
    """The scripts parsed in this process and in earlier runs: text -> Script, read on first use."""

    def __init__(self):
        self.scripts: dict[str, Script] | None = None
        self.key: str | None = None
        self.changed = False
        self.journal: list | None = None  # when a list, each script parsed is added to it as (text, Script)

    def get(self, text: str) -> Script | None:
        if self.scripts is None:
            self._load()
        return self.scripts.get(text)

    def add(self, text: str, script: Script) -> None:
        if len(self.scripts) >= MAX_KEPT:
            del self.scripts[next(iter(self.scripts))]
        self.scripts[text] = script
        self.changed = True
        if self.journal is not None:
            self.journal.append((text, script))

    def merge(self, entries) -> None:
        """Take scripts another process parsed (its ``journal``), as if parsed here."""
        if self.scripts is None:
            self._load()
        for text, script in entries:
            if text not in self.scripts:
                self.add(text, script)

    def _load(self) -> None:
        import atexit
        from importlib.machinery import PathFinder

        from advisor import __version__
        from advisor.system import cache

        self.scripts = {}
        try:
            here = os.stat(__file__)
            spec = PathFinder.find_spec("bashlex")
            found = os.stat(spec.origin) if spec is not None and spec.origin else None
        except OSError:
            return
        self.key = cache.digest(KEPT, __version__, sys.version, f"{here.st_size}:{here.st_mtime_ns}",
                                f"{spec.origin if found else None}:{found.st_mtime_ns if found else None}")
        stored = cache.load(KEPT, self.key)
        if isinstance(stored, dict):
            self.scripts = stored
        atexit.register(self.save)

    def save(self) -> None:
        from advisor.system import cache

        if self.changed and self.key:
            cache.store(KEPT, self.key, cache.pickled(self.scripts))
            self.changed = False


_parsed = _Parsed()


def parsed() -> _Parsed:
    """The scripts parsed in this process (and kept from earlier runs)."""
    return _parsed


def parse(text: str) -> Script:
    """The script ``text`` as a tree; never raises. The same text gives the same (immutable) tree."""
    found = _parsed.get(text)
    if found is None:
        found = _parse(text)
        _parsed.add(text, found)
    return found


def _parse(text: str) -> Script:
    cleaned = _for_bashlex(text)
    try:
        bashlex = import_bashlex()
        _read_case(bashlex)
        parts = bashlex.parse(cleaned) if cleaned.strip() else []
    except Exception:  # bashlex raises its own errors, NotImplementedError and more on what it does not know
        return _by_tokens(cleaned, text)
    functions: dict = {}
    steps: list[tuple[Node, str]] = []
    for part in parts:
        steps += _steps(part, functions)
    return Script(Seq(tuple(steps)), functions, "bashlex", text)


def _steps(node, functions) -> list[tuple[Node, str]]:
    """The (node, operator) steps of a bashlex list, or one step for anything else."""
    if node.kind == "list":
        steps: list[tuple[Node, str]] = []
        for part in node.parts:
            if part.kind == "operator":
                if steps:
                    steps[-1] = (steps[-1][0], part.op)
                continue
            converted = _node(part, functions)
            if converted is not None:
                steps.append((converted, ""))
        return steps
    converted = _node(node, functions)
    return [(converted, "")] if converted is not None else []


def _seq(node, functions) -> Seq:
    return Seq(tuple(_steps(node, functions))) if node is not None else Seq()


def _node(node, functions) -> Node | None:
    kind = node.kind
    if kind == "command":
        words = tuple(p.word for p in node.parts if p.kind == "word")
        assigned = tuple(tuple(p.word.split("=", 1)) for p in node.parts if p.kind == "assignment")
        return Simple(words, assigned)
    if kind == "pipeline":
        return Pipeline(tuple(n for p in node.parts if p.kind not in ("pipe", "reservedword")
                              for n in [_node(p, functions)] if n is not None))
    if kind == "list":
        return Seq(tuple(_steps(node, functions)))
    if kind == "function":
        name = next((p.word for p in node.parts if p.kind == "word"), None)
        body = next((p for p in node.parts if p.kind == "compound"), None)
        if name and body is not None:
            functions[name] = _compound_body(body, functions)
        return None
    if kind == "compound" and getattr(node, "case_arms", None) is not None:
        return _case(node.case_arms, functions)
    if kind == "compound":
        inner = [p for p in node.list if p.kind != "reservedword"]
        if len(inner) == 1 and inner[0].kind in ("while", "until", "for", "if"):
            return _node(inner[0], functions)
        return _compound_body(node, functions)
    if kind in ("while", "until"):
        lists = [p for p in node.parts if p.kind != "reservedword"]
        condition = _seq(lists[0], functions) if lists else Seq()
        body = _seq(lists[1], functions) if len(lists) > 1 else Seq()
        return Loop(kind, condition, body)
    if kind == "for":
        body = next((p for p in reversed(node.parts) if p.kind in ("list", "command", "pipeline", "compound")), None)
        return Loop("for", None, _seq(body, functions))
    if kind == "if":
        conditions, arms, otherwise, current = [], [], False, None
        for part in node.parts:
            if part.kind == "reservedword":
                current = part.word
                if part.word == "else":
                    otherwise = True
                continue
            target = conditions if current in ("if", "elif") else arms
            target.append(_seq(part, functions))
        return Branch(tuple(conditions), tuple(arms), otherwise)
    return None


def _case(arms, functions) -> Branch:
    return _case_branch([(patterns, _seq(body, functions), end) for patterns, body, end in arms])


def _case_branch(arms: list[tuple[tuple[str, ...], Seq, str]]) -> Branch:
    """``case``'s arms (patterns, list, terminator), in order, as the branch the judgement reads: each arm
    what runs when its patterns match first: its own list, then, after ``;&``, the next arm's list without
    a test (and on while they end in ``;&``), and after ``;;&`` the rest of the case tested again. An arm
    with the pattern ``*`` matches anything, so one arm always runs and the arms after it run only by
    falling through."""
    choices: list[Seq] = []
    otherwise = False
    for i, (patterns, body, _) in enumerate(arms):
        steps, j = list(body.steps), i
        while arms[j][2] == ";&" and j + 1 < len(arms):
            j += 1
            steps += arms[j][1].steps
        if arms[j][2] == ";;&" and j + 1 < len(arms):
            steps.append((_case_branch(arms[j + 1:]), ""))
        choices.append(Seq(tuple(steps)))
        if "*" in patterns:
            otherwise = True
            break
    return Branch((), tuple(choices), otherwise)


def _compound_body(node, functions) -> Seq:
    steps: list[tuple[Node, str]] = []
    for part in getattr(node, "list", []):
        if part.kind != "reservedword":
            steps += _steps(part, functions)
    return Seq(tuple(steps))


# -- case ... esac, read by bashlex's own grammar ------------------------------------------------
#
# bashlex's grammar has bash's case command (case_command, pattern_list, ;; ;& ;;&) and its tokenizer
# lexes it as bash does (patterns, a ")" that closes one, esac, nested case, case inside $(...)); only
# the actions that build its tree raise NotImplementedError. Those actions are given here: they keep
# each arm's patterns, list and terminator on a compound node (``case_arms``), whose ``list`` holds the
# arms' lists so that bashlex's own visitors (positions, here-documents) see them as for any compound.
# Rewriting the text before bashlex reads it would need a second shell lexer beside bashlex's, which
# would disagree with it at the edges (quotes, comments, a ")" inside a pattern, heredocs, $( case ...
# ) ); this way what is a pattern and what a command is decided by the same lexer as the rest.


def _read_case(bashlex) -> None:
    """Give bashlex's case productions actions, once, when its own raise (bashlex 0.18 has none)."""
    yaccparser = getattr(getattr(bashlex, "parser", None), "yaccparser", None)
    productions = getattr(yaccparser, "productions", None)
    if not productions or getattr(yaccparser, "_pod_advisor_case", False):
        return
    yaccparser._pod_advisor_case = True
    try:
        bashlex.parse("case x in x) y;; esac")
        return  # this bashlex reads case itself
    except NotImplementedError:
        pass
    except Exception:  # noqa: BLE001 - a bashlex laid out otherwise: case stays a script bashlex refuses
        return
    node = bashlex.ast.node

    def pattern(p):  # pattern : WORD | pattern BAR WORD
        p[0] = (p[1],) if len(p) == 2 else p[1] + (p[3],)

    def pattern_list(p):  # newline_list [LEFT_PAREN] pattern RIGHT_PAREN compound_list | ... newline_list
        body = p[len(p) - 1]
        p[0] = (p[3] if len(p) == 6 else p[2], body if isinstance(body, node) else None, ";;")

    def case_clause_sequence(p):  # [case_clause_sequence] pattern_list (;; | ;& | ;;&)
        before, (patterns, body, _) = (p[1], p[2]) if len(p) == 4 else ([], p[1])
        p[0] = before + [(patterns, body, p[len(p) - 1])]

    def case_clause(p):  # [case_clause_sequence] pattern_list: the last arm, with no terminator
        p[0] = p[1] + [p[2]] if len(p) == 3 else [p[1]]

    def case_command(p):  # CASE WORD newline_list IN (newline_list | case_clause_sequence newline_list
        arms = p[5] if isinstance(p[5], list) else []  # | case_clause) ESAC
        p[0] = node(kind="compound", redirects=[], list=[body for _, body, _ in arms if body is not None],
                    pos=(p.lexspan(1)[0], p.lexspan(len(p) - 1)[1]), case_arms=arms)

    actions = {"p_pattern": pattern, "p_pattern_list": pattern_list, "p_case_clause_sequence": case_clause_sequence,
               "p_case_clause": case_clause, "p_case_command": case_command}
    for production in productions:
        if getattr(production, "func", None) in actions:
            production.callable = actions[production.func]


# -- bashlex's parser tables, computed once ------------------------------------------------------
#
# bashlex builds its parser at import with its bundled ply yacc, which computes the LALR tables
# of bash's grammar every time (this yacc cannot read a table file): 0.1 s of every run that
# parses a script. The tables are a function of the grammar and of the code that computes them,
# nothing else, so the first import computes them with bashlex's own yacc and keeps them in the
# user's cache under digests of both; a later import whose grammar and yacc.py digest the same
# builds the parser from them (the very tables yacc would compute), any other computes them as it
# always did. Either way bashlex's own code then builds and patches the parser. They are not
# shipped with pod-advisor: derived from bashlex's grammar, they would carry its GPL licence.


def import_bashlex(tables=None):
    """bashlex, imported with its parser tables from ``tables(grammar, log, build)`` (by default those
    kept in the user's cache when they are this bashlex's, else built by its yacc as a plain import does,
    and kept)."""
    if "bashlex" in sys.modules:
        return sys.modules["bashlex"]
    import importlib
    import importlib.util

    spec = importlib.util.find_spec("bashlex")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        import bashlex  # raises what a plain import raises

        return bashlex
    package = importlib.util.module_from_spec(spec)
    sys.modules["bashlex"] = package  # its yacc module loads first, without the package running its parser
    try:
        yacc = importlib.import_module("bashlex.yacc")
        build = yacc.LRTable
        yacc.LRTable = lambda grammar, log=None: (tables or _kept_or_computed)(grammar, log, build)
        try:
            spec.loader.exec_module(package)  # bashlex/__init__.py: imports its parser, which calls yacc.yacc()
        finally:
            yacc.LRTable = build
    except Exception:  # a bashlex laid out otherwise: imported as it is, raising what a plain import raises
        for name in [n for n in sys.modules if n == "bashlex" or n.startswith("bashlex.")]:
            del sys.modules[name]
        import bashlex

        return bashlex
    return package


def grammar_digest(grammar) -> str:
    """What the LALR tables of a ply grammar depend on: start, productions, precedence, terminals."""
    import hashlib

    signature = repr((grammar.Start, [(p.name, tuple(p.prod), p.prec) for p in grammar.Productions],
                      sorted(grammar.Precedence.items()), list(grammar.Terminals)))
    return hashlib.sha256(signature.encode()).hexdigest()


def generator_digest(build) -> str | None:
    """The digest of the source file of ``build`` (ply's LRTable), or None when it cannot be read."""
    import hashlib

    try:
        with open(sys.modules[build.__module__].__file__, "rb") as source:
            return hashlib.sha256(source.read()).hexdigest()
    except (OSError, KeyError, AttributeError, TypeError):
        return None


TABLES = "bashlex-tables"  # the cache's kind for the LALR tables of bashlex's grammar


def kept_tables(grammar, build, environ=None):
    """The tables kept in the user's cache for this grammar as this very ``build`` (ply's LRTable)
    computed them, as ``build`` would hold them; else None. They are computed once per machine and
    bashlex version, not shipped: they are derived from bashlex's grammar, which is GPL-licensed."""
    from advisor.system import cache

    generator = generator_digest(build)
    if generator is None:
        return None
    stored = cache.load(TABLES, cache.digest(generator, grammar_digest(grammar)),
                        **({"environ": environ} if environ is not None else {}))
    if not (isinstance(stored, tuple) and len(stored) == 2 and all(isinstance(t, dict) for t in stored)):
        return None
    table = build.__new__(build)  # what build's __init__ leaves that the parser reads, without computing it
    table.grammar, table.log = grammar, None
    table.lr_productions = grammar.Productions
    table.lr_action, table.lr_goto = stored
    table.sr_conflicts, table.rr_conflicts, table.conflicts = [], [], []
    return table


def _kept_or_computed(grammar, log, build):
    table = kept_tables(grammar, build)
    if table is not None:
        return table
    table = build(grammar, log)
    generator = generator_digest(build)
    if generator is not None:  # kept before bashlex's parser patches its corrections into them
        from advisor.system import cache

        cache.store(TABLES, cache.digest(generator, grammar_digest(grammar)), cache.pickled(
            ({state: dict(moves) for state, moves in table.lr_action.items()},
             {state: dict(moves) for state, moves in table.lr_goto.items()})))
    return table


# What bashlex cannot read, rewritten to what the judgement needs.
_FOR_ARITHMETIC = re.compile(r"\bfor\s*\(\((?P<expr>.*?)\)\)\s*;?\s*(?=do\b)", re.DOTALL)
_ARITHMETIC_COMMAND = re.compile(r"(?<![$\w])\(\((?P<expr>[^()]*)\)\)")
_DOUBLE_BRACKET = (re.compile(r"(?<![\w\[])\[\[(?=\s)"), re.compile(r"(?<=\s)\]\](?![\w\]])"))


# A here-document's delimiter in quotes (<<'SQL', <<"EOF", <<\EOF): bash only stops expanding the body, but
# bashlex then looks for the quotes around the closing line and refuses the script. The body is never judged.
_QUOTED_DELIMITER = re.compile(r"""<<(-?)[ \t]*(?:(['"])([^'"\s]+)\2|\\(\w+))""")


def _for_bashlex(text: str) -> str:
    text = _without_arithmetic_expansions(text)
    text = _QUOTED_DELIMITER.sub(lambda m: f"<<{m.group(1)}{m.group(3) or m.group(4)}", text)

    def loop(match: re.Match) -> str:
        forever = not "".join(match.group("expr").split(";")[1:2]).strip()
        return "while true; " if forever else f"while {ARITHMETIC}; "

    text = _FOR_ARITHMETIC.sub(loop, text)
    text = _ARITHMETIC_COMMAND.sub(
        lambda m: "true" if m.group("expr").strip() in ("1", "true") else ARITHMETIC, text)
    text = _DOUBLE_BRACKET[0].sub("[", text)
    return _DOUBLE_BRACKET[1].sub("]", text)


def _without_arithmetic_expansions(text: str) -> str:
    """``$((...))`` (balanced) replaced by a word that stands for an unknown number."""
    out, i = [], 0
    while True:
        start = text.find("$((", i)
        if start < 0:
            out.append(text[i:])
            return "".join(out)
        depth, j = 0, start + 1
        while j < len(text):
            if text[j] == "(":
                depth += 1
            elif text[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        out.append(text[i:start] + ARITHMETIC)
        i = j + 1


# -- the fallback: statements by shlex, keywords structured by hand ---------------------------

_TERMINATORS = (";;", ";&", ";;&")  # what ends a case arm
_OPERATORS = (";", "&&", "||", "&", "|", "\n", "|&") + _TERMINATORS
_REDIRECT = re.compile(r"^\d*(?:>>?|<<?|>&|<&|&>)")
# shlex's punctuation_chars joins a run of them into one token (``);``, ``||(``, ``>&``): split the run
# into the shell's operators, longest first, so that ``$(ls); do`` ends a statement before ``do``.
_PUNCTUATION = re.compile(r";;&|;;|;&|&&|\|\||\|&|>>|<<|>&|<&|&>|[;&|()<>]")


def _uncommented(text: str) -> str:
    """``text`` without its comments: a ``#`` that starts a word outside quotes, to the end of its line.
    Done before the lines are joined, since a comment would otherwise run to the end of the script."""
    out, quote, i = [], None, 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"' and i + 1 < len(text):
                out.append(ch)
                i += 1
                ch = text[i]
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;"):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _tokens(text: str) -> list[str]:
    """The script's words and operators, a run of punctuation split into operators; a line continued
    with a backslash is one line, and a redirection's file descriptor (the 2 of ``2>/dev/null``) no word."""
    joined = re.sub(r"\\\n", " ", _uncommented(text)).replace("\n", " ; ")
    joined = re.sub(r"(?<![^\s;&|()])\d+(?=[<>])", "", joined)
    lexer = shlex.shlex(joined, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:  # an unclosed quote: words as they are
        return text.replace("\n", " ; ").split()
    split: list[str] = []
    for token in tokens:
        if token and all(c in ";&|()<>" for c in token):
            split += _PUNCTUATION.findall(token)
        else:
            split.append(token)
    return split


def _by_tokens(text: str, original: str) -> Script:
    statements: list[tuple[list[str], str]] = [([], "")]
    tokens = _tokens(text)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        words = statements[-1][0]
        if token == "(" and words and words[-1].endswith("$"):
            # $( ... ): a command substitution is part of its word, not a step of the script
            depth, start = 1, i
            while i < len(tokens) and depth:
                depth += {"(": 1, ")": -1}.get(tokens[i], 0)
                i += 1
            words[-1] += "(" + " ".join(tokens[start:i - 1]) + ")"
            continue
        if token in _OPERATORS or token in ("(", ")"):
            if words:
                statements[-1] = (words, ";" if token == "(" else token)  # ")" ends a pattern or a subshell
                statements.append(([], ""))
            elif token in _TERMINATORS and len(statements) > 1:
                # a case arm's ;; on a line of its own ends the statement before it; right after a
                # pattern's ")", it ends an arm with no commands
                before, op = statements[-2]
                if op in ("", ";", "\n", ")"):
                    statements[-2] = (before, op + token if op == ")" else token)
            continue
        if _REDIRECT.match(token):
            if not re.search(r"[^<>&\d]", token) and i < len(tokens) and tokens[i] not in _OPERATORS:
                i += 1  # "> file": the file is the next token
            continue
        words.append(token)
    flat = [(words, op) for words, op in statements if words]
    seq, _ = _structure(flat, 0, ())
    return Script(seq, {}, "shlex", original)


_KEYWORDS = ("while", "until", "if", "elif", "do", "then", "else", "{", "!")


def _keywords_apart(statements):
    """``do echo hi`` as ``do`` and ``echo hi``: each keyword a statement of its own."""
    apart = []
    for words, op in statements:
        while words and words[0] in _KEYWORDS and len(words) > 1:
            apart.append(([words[0]], ""))
            words = words[1:]
        apart.append((words, op))
    return apart


def _op(op: str) -> str:
    """The operator after a step as the judgement reads it: a pattern's ")" and a case arm's end are ";"."""
    return ";" if op.startswith(")") or op in _TERMINATORS else op


def _structure(statements, i, until: tuple[str, ...], arm: list | None = None) -> tuple[Seq, int]:
    """Statements from ``i`` up to a keyword in ``until`` (its index returned), blocks nested. In a case
    arm (``arm`` a list), also up to the statement whose operator ends the arm (;; ;& ;;&: its index
    returned, and its operator appended to ``arm``)."""
    if i == 0 and until == ():
        statements = _keywords_apart(statements)
    steps: list[tuple[Node, str]] = []
    n = len(statements)
    while i < n:
        words, op = statements[i]
        head = words[0]
        if head in until:
            return Seq(tuple(steps)), i
        if head in ("while", "until", "for"):
            condition, i = _structure(statements, i + 1, ("do",))
            body, i = _structure(statements, i + 1, ("done",))
            after = _op(statements[i][1]) if i < n else ""
            steps.append((Loop(head, condition if head != "for" else None, body), after))
        elif head == "if":
            conditions, arms, otherwise = [], [], False
            condition, i = _structure(statements, i + 1, ("then",))
            conditions.append(condition)
            while i < n:
                arm_seq, i = _structure(statements, i + 1, ("elif", "else", "fi"))
                arms.append(arm_seq)
                if i >= n or statements[i][0][0] == "fi":
                    break
                if statements[i][0][0] == "else":
                    otherwise = True
                    arm_seq, i = _structure(statements, i + 1, ("fi",))
                    arms.append(arm_seq)
                    break
                condition, i = _structure(statements, i + 1, ("then",))
                conditions.append(condition)
            steps.append((Branch(tuple(conditions), tuple(arms), otherwise), _op(statements[i][1]) if i < n else ""))
        elif head == "case":
            branch, i = _case_by_statements(statements, i)
            steps.append((branch, _op(statements[i][1]) if i < n else ""))
        elif head in ("do", "done", "then", "fi", "else", "elif", "esac", "{", "}", "!"):
            pass  # a keyword out of place: the statement around it is read as it comes
        else:
            assignment = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*")
            simple = Simple(tuple(w for w in words if not assignment.fullmatch(w)),
                            tuple(tuple(w.split("=", 1)) for w in words if assignment.fullmatch(w)))
            if steps and steps[-1][1] == "|":  # joined to the command before it: one pipeline
                before = steps.pop()[0]
                parts = before.parts if isinstance(before, Pipeline) else (before,)
                steps.append((Pipeline(parts + (simple,)), _op(op)))
            else:
                steps.append((simple, _op(op)))
        if arm is not None and i < n and statements[i][1] in _TERMINATORS:
            arm.append(statements[i][1])
            return Seq(tuple(steps)), i
        i += 1
    return Seq(tuple(steps)), i


def _case_by_statements(statements, i) -> tuple[Branch, int]:
    """The case at ``statements[i]`` (``case WORD in`` and maybe its first pattern) up to its ``esac``
    (its index returned): each arm's patterns (words joined by ``|``, up to the statement that ends in
    ``)``) and its commands up to ``;;``, ``;&``, ``;;&`` or ``esac``. A case laid out otherwise is read
    as one arm that may or may not run, as before."""
    n = len(statements)
    words, op = statements[i]
    if len(words) < 3 or words[2] != "in":
        arm_seq, i = _structure(statements, i + 1, ("esac",))
        return Branch((), (arm_seq,), False), i
    arms: list[tuple[tuple[str, ...], Seq, str]] = []
    patterns, start = list(words[3:]), i
    if patterns[:1] == ["esac"]:  # case WORD in esac: no arm
        return Branch((), (), False), i
    while True:
        if not patterns:
            i += 1
            if i >= n or statements[i][0][0] == "esac":
                break
            patterns, op = list(statements[i][0]), statements[i][1]
        while op == "|" and i + 1 < n:
            i += 1
            patterns += statements[i][0]
            op = statements[i][1]
        if not op.startswith(")"):  # no pattern where one must be: read coarsely
            arm_seq, i = _structure(statements, start + 1, ("esac",))
            return Branch((), (arm_seq,), False), i
        if op != ")":  # a pattern with no commands: ")" and its terminator
            arms.append((tuple(patterns), Seq(), op[1:]))
        else:
            ended: list[str] = []
            body, i = _structure(statements, i + 1, ("esac",), arm=ended)
            arms.append((tuple(patterns), body, ended[0] if ended else ";;"))
            if not ended:  # at the case's own esac (or the script's end)
                break
        patterns = []
    return _case_branch(arms), i
