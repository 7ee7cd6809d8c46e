"""pod-advisor completion SHELL: the Tab-completion script for bash, zsh or fish."""

from __future__ import annotations

HELP = "print the shell completion script for bash, zsh or fish"
DESCRIPTION = (
    "Print a script that makes Tab complete pod-advisor's commands, options, their values (--format, "
    "--fail-on, --kubernetes versions), file names, and the topics and rule ids `explain` knows. "
    "bash: eval \"$(pod-advisor completion bash)\" in ~/.bashrc; zsh: source <(pod-advisor completion zsh) "
    "after compinit in ~/.zshrc; fish: pod-advisor completion fish > ~/.config/fish/completions/pod-advisor.fish")
SHELLS = ("bash", "zsh", "fish")


def configure(parser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")


def run(args, env) -> int:
    from advisor.cli.main import PROG, build_parser
    from advisor.cli.shell_completion import SCRIPTS, describe, vocabulary

    versions, topics = vocabulary()
    commands = describe(build_parser(env), versions, topics)
    env.stdout.write(SCRIPTS[args.shell](commands, PROG))
    return 0
