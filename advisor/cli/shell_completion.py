"""Shell completion scripts for bash, zsh and fish, generated from the argparse parser.

The parser is the one description of the command line: its subcommands, options,
and the choices of each option (``--format`` values included, whichever formats a
command offers). What argparse cannot say comes from the knowledge base: the
Kubernetes versions ``--kubernetes`` takes and the topics ``explain`` knows. An
option or positional that names a file (``-o FILE``, ``PATH``) completes file names.
"""

from __future__ import annotations

import argparse
import re
from collections import namedtuple

# What to offer after an option or for a positional argument: words, file names, or nothing.
WORDS, FILES, NOTHING = "words", "files", "nothing"
FILE_METAVARS = ("FILE", "PATH", "DIR")
FILE_DESTS = ("output", "file", "paths")

WORDS_CACHE = "completion-words"

Option = namedtuple("Option", "flags help takes_value offer words repeat")
Command = namedtuple("Command", "name help options offer words many")


def vocabulary() -> tuple[list[str], list[str]]:
    """(Kubernetes versions, explain's topic words) from the knowledge base.

    Shells run ``completion`` at every start (``eval "$(pod-advisor completion bash)"``),
    so the two lists are cached on their own, under the knowledge base's key: reading
    them does not load the knowledge base itself.
    """
    from advisor.kb.files import sources, sources_key
    from advisor.system import cache

    def fits(found) -> bool:
        return isinstance(found, tuple) and len(found) == 2 and all(isinstance(part, list) for part in found)

    def build() -> tuple[list[str], list[str]]:
        from advisor.kb.knowledge import knowledge_base
        from advisor.kb.lookup import completion_words

        kb = knowledge_base()
        return list(kb.questions.supported_versions), completion_words(kb)

    return cache.kept(WORDS_CACHE, sources_key(sources()), fits, build)


def describe(parser: argparse.ArgumentParser, versions: list[str], topics: list[str]) -> list[Command]:
    """Every subcommand of ``parser`` with its options and what each one completes to.

    The first entry (name ``""``) is the program itself: its options and its subcommands.
    """
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in subparsers._choices_actions}
    commands = [Command("", parser.description or "", _options(parser, versions, topics), WORDS,
                        tuple(subparsers.choices), False)]
    for name, sub in subparsers.choices.items():
        offer, words, many = NOTHING, (), False
        for action in sub._actions:
            if not action.option_strings:
                many = action.nargs in ("*", "+", argparse.REMAINDER)
                offer, words = _offer(action, versions, topics)
        commands.append(Command(name, helps.get(name) or "", _options(sub, versions, topics), offer, words, many))
    return commands


def _offer(action: argparse.Action, versions: list[str], topics: list[str]) -> tuple[str, tuple[str, ...]]:
    """What a value of ``action`` completes to: its choices, the knowledge base's versions or
    topics, file names, or nothing (a number, a name only the user knows)."""
    if action.choices:
        return WORDS, tuple(action.choices)
    if action.dest == "kubernetes":
        return WORDS, tuple(versions)
    if action.dest == "topic":
        return WORDS, tuple(topics)
    if str(action.metavar or "").upper() in FILE_METAVARS or action.dest in FILE_DESTS:
        return FILES, ()
    return NOTHING, ()


def _options(parser: argparse.ArgumentParser, versions: list[str], topics: list[str]) -> tuple[Option, ...]:
    options = []
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        takes_value = action.nargs != 0
        offer, words = _offer(action, versions, topics) if takes_value else (NOTHING, ())
        options.append(Option(tuple(action.option_strings), _short_help(action.help or ""), takes_value, offer, words,
                              isinstance(action, argparse._AppendAction)))
    return tuple(options)


def _short_help(text: str, width: int = 70) -> str:
    """One line of help, cut at a word."""
    text = " ".join(text.replace("%%", "%").split())
    if len(text) > width:
        text = text[:width].rsplit(" ", 1)[0] + "..."
    return text


# -- bash ------------------------------------------------------------------------


def bash(commands: list[Command], prog: str) -> str:
    function = "_" + re.sub(r"\W", "_", prog)
    top, subcommands = commands[0], commands[1:]
    cases = []
    for command in subcommands:
        values = [f'            {"|".join(o.flags)}) {_bash_offer(o.offer, o.words)}; return ;;'
                  for o in command.options if o.takes_value]
        flags = " ".join(flag for o in command.options for flag in o.flags)
        cases.append(
            f"        {command.name})\n"
            f"            case \"$prev\" in\n" + "".join(v + "\n" for v in values) +
            "            esac\n"
            f"            if [[ \"$cur\" == -* ]]; then COMPREPLY=($(compgen -W \"{flags}\" -- \"$cur\")); return; fi\n"
            f"            {_bash_offer(command.offer, command.words)}; return ;;")
    top_flags = " ".join(flag for o in top.options for flag in o.flags)
    return f"""# bash completion for {prog}; generated by `{prog} completion bash`.
# Load it now:      eval "$({prog} completion bash)"
# Or for good:      {prog} completion bash > ~/.local/share/bash-completion/completions/{prog}
{function}() {{
    local cur prev command i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    # --option=value: bash splits at the '=' (COMP_WORDBREAKS)
    if [[ "$cur" == "=" ]]; then cur=""; elif [[ "$prev" == "=" ]]; then prev="${{COMP_WORDS[COMP_CWORD-2]}}"; fi
    command=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ "${{COMP_WORDS[i]}}" != -* ]]; then command="${{COMP_WORDS[i]}}"; break; fi
    done
    case "$command" in
        "")
            if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "{top_flags}" -- "$cur")); return; fi
            COMPREPLY=($(compgen -W "{' '.join(top.words)}" -- "$cur")); return ;;
{chr(10).join(cases)}
    esac
}}
complete -F {function} {prog}
"""


def _bash_offer(offer: str, words: tuple[str, ...]) -> str:
    if offer == WORDS:
        return f'COMPREPLY=($(compgen -W "{" ".join(words)}" -- "$cur"))'
    if offer == FILES:
        # mapfile, one name a line: $(...) would split names at spaces and expand * and [ab] in them
        return 'compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur")'
    return "COMPREPLY=()"


# -- zsh -------------------------------------------------------------------------


def zsh(commands: list[Command], prog: str) -> str:
    function = "_" + re.sub(r"\W", "_", prog)
    top, subcommands = commands[0], commands[1:]
    described = "\n".join(f"        {_zsh_quote(c.name + ':' + _zsh_escape_colon(c.help))}" for c in subcommands)
    cases = []
    for command in subcommands:
        specs = [_zsh_option(o) for o in command.options]
        specs.append(_zsh_positional(command))
        body = " \\\n                ".join(s for s in specs if s)
        cases.append(f"            {command.name})\n                _arguments -s \\\n                {body} ;;")
    top_specs = " \\\n        ".join(_zsh_option(o, exclusive=True) for o in top.options)
    return f"""#compdef {prog}
# zsh completion for {prog}; generated by `{prog} completion zsh`.
# Load it now:      source <({prog} completion zsh)     (after compinit)
# Or for good:      {prog} completion zsh > "${{fpath[1]}}/_{prog}"
{function}() {{
    local curcontext="$curcontext" state line
    typeset -A opt_args
    _arguments -C \\
        {top_specs} \\
        '1: :->command' \\
        '*:: :->argument'
    case $state in
        command)
            local -a commands
            commands=(
{described}
            )
            _describe -t commands '{prog} command' commands ;;
        argument)
            case $line[1] in
{chr(10).join(cases)}
            esac ;;
    esac
}}
if [[ "${{funcstack[1]}}" == "{function}" ]]; then
    {function} "$@"
else
    compdef {function} {prog}
fi
"""


def _zsh_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").replace(":", "\\:")


def _zsh_escape_colon(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh_action(offer: str, words: tuple[str, ...]) -> str:
    if offer == WORDS:
        return "(" + " ".join(words) + ")"
    if offer == FILES:
        return "_files"
    return " "


def _zsh_option(option: Option, exclusive: bool = False) -> str:
    help_text = f"[{_zsh_escape(option.help)}]"
    value = ""
    if option.takes_value:
        value = f":{option.flags[-1].lstrip('-')}:{_zsh_action(option.offer, option.words)}"
    if len(option.flags) == 1:
        flag = option.flags[0] + ("=" if option.takes_value and option.flags[0].startswith("--") else "")
        prefix = "(- *)" if exclusive else ("*" if option.repeat else "")
        return _zsh_quote(prefix + flag + help_text + value)
    group = "(- *)" if exclusive else f"({' '.join(option.flags)})"
    if option.repeat:
        group = "*"
    names = "{" + ",".join(option.flags) + "}"
    return _zsh_quote(group) + names + _zsh_quote(help_text + value)


def _zsh_positional(command: Command) -> str:
    if command.offer == NOTHING and not command.many:
        return ""
    return _zsh_quote(("*" if command.many else "") + f":{command.name} argument:"
                      + _zsh_action(command.offer, command.words))


# -- fish ------------------------------------------------------------------------


def fish(commands: list[Command], prog: str) -> str:
    top, subcommands = commands[0], commands[1:]
    names = " ".join(c.name for c in subcommands)
    lines = [f"# fish completion for {prog}; generated by `{prog} completion fish`.",
             f"# Load it now:      {prog} completion fish | source",
             f"# Or for good:      {prog} completion fish > ~/.config/fish/completions/{prog}.fish",
             f"complete -c {prog} -f  # file names only where an argument is a file"]
    for option in top.options:
        lines.append(f"complete -c {prog} -n 'not __fish_seen_subcommand_from {names}' {_fish_option(option)}")
    for command in subcommands:
        lines.append(f"complete -c {prog} -n 'not __fish_seen_subcommand_from {names}' -a {command.name} "
                     f"-d {_fish_quote(command.help)}")
    for command in subcommands:
        seen = f"-n '__fish_seen_subcommand_from {command.name}'"
        for option in command.options:
            lines.append(f"complete -c {prog} {seen} {_fish_option(option)}")
        if command.offer == WORDS:
            lines.append(f"complete -c {prog} {seen} -a {_fish_quote(' '.join(command.words))}")
        elif command.offer == FILES:
            lines.append(f"complete -c {prog} {seen} -F")
    return "\n".join(lines) + "\n"


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish_option(option: Option) -> str:
    parts = []
    for flag in option.flags:
        parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}")
    if option.takes_value:
        if option.offer == WORDS:
            parts.append(f"-x -a {_fish_quote(' '.join(option.words))}")
        elif option.offer == FILES:
            parts.append("-r -F")
        else:
            parts.append("-x")
    parts.append(f"-d {_fish_quote(option.help)}")
    return " ".join(parts)


SCRIPTS = {"bash": bash, "zsh": zsh, "fish": fish}
