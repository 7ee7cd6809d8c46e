"""Whether a container's work finishes, read from its command, probes, ports and image.

A manifest does not say whether a container exits when its work is done; only a
Job or CronJob, or a Pod's restartPolicy, says that of the whole Pod. The reviewer
reads each container on its own: a server or an endless loop never ends, a script
of one-shot commands finishes, and anything else is not known. "Not known" is an
answer: no finding may rest on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from advisor.review import images

ENDLESS, FINISHES = "endless", "finishes"

# Shell idioms that keep a container alive for ever (or for as long as anyone cares).
_ENDLESS_SHELL = re.compile(
    r"while\s+(?:true|:|\[\s*1\s*\]|\[\s*true\s*\]|\(\(\s*1\s*\)\)|sleep\b)"
    r"|until\s+false|for\s*\(\(\s*;\s*;\s*\)\)|sleep\s+inf"
    r"|tail\s+(?:-[a-z]*f|--follow)|\bwait\b\s*$"
    r"|while\s*\(\s*(?:true|1)\s*\)",
    re.IGNORECASE)
# A load that only burns CPU or memory: a demo of limits, a test, never a service.
_LOAD = re.compile(r"\bdd\b(?![^;&|]*\bcount=)[^;&|]*\bif=/dev/(?:zero|u?random)|\byes\b\s*(?:>|\||$)"
                   r"|^(?:\S*/)?stress(?:-ng)?\b", re.IGNORECASE)
# A way out of a loop: it ends when something happens (a file appears, a request comes).
_WAY_OUT = re.compile(r"\b(?:break|exit)\b", re.IGNORECASE)
# Code given inline to an interpreter: its last statement is code, not a program to judge.
_INLINE_CODE = re.compile(r"^(?:\S*/)?(?:node|nodejs|python[0-9.]*|ruby|perl|php|deno|bun)$")
# A command that does nothing but wait.
_IDLE = re.compile(r"(?:/bin/|/usr/bin/)?(?:sleep (?:inf\S*|\d{3,}[smhd]?|\d+[hd])|tail -f /dev/null|"
                   r"(?:/bin/|/usr/bin/)?cat)")
# ``sleep N`` this long (or longer) is a way to keep a container up, not work that ends.
_KEEP_ALIVE_SECONDS = 300
_SLEEP = re.compile(r"\bsleep\s+(\d+(?:\.\d+)?)([smhd]?)\b", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _keeps_alive(words: list[str]) -> bool:
    match = _SLEEP.search(" ".join(words))
    return bool(match) and float(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()] >= _KEEP_ALIVE_SECONDS


# Programs and flags that serve until stopped.
_SERVER_WORDS = ("serve", "server", "gunicorn", "uvicorn", "daemon", "--watch", "watch", "listen", "forever",
                 "nginx", "httpd", "supervisord", "agent", "controller", "operator", "manager", "proxy",
                 "run-server", "runserver", "start", "worker", "consumer", "--follow", "exporter", "--daemon",
                 "redis-server", "mongod", "postgres", "mysqld", "java", "node", "dotnet", "--port", "--listen")
# Programs, subcommands and flags that do one thing and exit.
_ONE_SHOT = ("migrate", "migration", "migrations", "backup", "restore", "pg_dump", "pg_restore", "mysqldump",
             "mongodump", "import", "export", "seed", "cleanup", "prune", "vacuum", "run-once", "--once",
             "oneshot", "one-shot", "batch", "report", "echo", "printf", "curl", "wget", "nslookup", "dig",
             "ping", "exit", "cp", "mv", "chmod", "chown", "mkdir", "tar", "unzip", "envsubst", "pytest",
             "--dry-run", "ls", "cat", "date", "true", "touch", "rm", "kubectl", "helm", "sleep", "env",
             "printenv", "hostname", "perl", "sha256sum", "md5sum", "dd", "sync")
_STATEMENT = re.compile(r"&&|\|\||[;|\n]")
_NOISE = {"exec", "sudo", "nohup", "time", "then", "do", "fi", "done", "else", "set", "-e", "-x", "-ex", "-eu",
          "-euo", "pipefail"}


@dataclass(frozen=True)
class Runtime:
    runs: str | None  # ENDLESS, FINISHES, or None when not known
    why: str | None = None
    idle: bool = False  # it only waits (sleep infinity, tail -f /dev/null): a box to exec into

    @property
    def endless(self) -> bool:
        return self.runs == ENDLESS

    @property
    def finishes(self) -> bool:
        return self.runs == FINISHES


def _shown(line: str) -> str:
    return line if len(line) <= 60 else line[:57] + "..."


def command_words(spec: dict) -> list[str]:
    """The container's command and arguments, as the words the runtime gets."""
    words = []
    for key in ("command", "args"):
        value = spec.get(key)
        if isinstance(value, list):
            words += [str(w) for w in value if isinstance(w, (str, int, float))]
    return words


def _last_statement(line: str) -> list[str]:
    """The words of the command a script ends with: what the container does for as long as it runs."""
    for statement in reversed(_STATEMENT.split(line)):
        words = [w for w in re.split(r"[\s()'\"`]+", statement) if w]
        words = [w for w in words if w.lower() not in _NOISE and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", w)]
        if words and not re.fullmatch(r"(?:/bin/|/usr/bin/)?(?:ba|da|a)?sh|-c|-lc", words[0]):
            return words
        if words:
            rest = [w for w in words if not re.fullmatch(r"(?:/bin/|/usr/bin/)?(?:ba|da|a)?sh|-c|-lc", w)]
            if rest:
                return rest
    return []


_SHOWING = re.compile(r"(?:echo|printf|printenv|env|cat|date|ls|df|du|sleep\s+\d+[smhd]?|true|:)\b.*|done|do|fi|else|while\s+.*|"
                      r"for\s+.*|if\s+\[.*")
_SHELL_PREFIX = re.compile(r"^(?:\S*/)?(?:ba|da|a)?sh\s+-\w*c\s+")


def _only_shows(line: str) -> bool:
    """Whether a loop does nothing but print and sleep: a placeholder that shows it is alive."""
    line = re.sub(r"\$\([^()]*\)", "x", line)  # what $(date) prints is still printing
    line = re.sub(r"\"[^\"]*\"|'[^']*'", "x", line)  # a | or ; in quotes is text
    statements = [p.strip() for p in _STATEMENT.split(line) if p.strip()]
    statements = [re.sub(r"^(?:do|then)\s+", "", _SHELL_PREFIX.sub("", p)) for p in statements]
    return bool(statements) and all(_SHOWING.fullmatch(p) for p in statements)


def _is(word: str, words: tuple[str, ...]) -> bool:
    return word in words or word.rsplit("/", 1)[-1] in words


def runtime_of(spec: dict) -> Runtime:
    """How long the container described by ``spec`` (a container of a Pod spec) runs."""
    words = command_words(spec)
    line = " ".join(words)
    lowered = line.lower()
    inline = len(words) > 1 and _INLINE_CODE.match(words[0]) and words[1] in ("-e", "-c", "--eval")
    last = [w.lower() for w in _last_statement(line)] if not inline else []
    if _IDLE.fullmatch(" ".join(last)) and not spec.get("ports"):
        return Runtime(ENDLESS, f"its command {_shown(line)!r} only waits, to keep the container up", idle=True)
    if _LOAD.search(lowered) or images.base_name(str(spec.get("image") or "")) in ("stress", "stress-ng"):
        return Runtime(ENDLESS, f"its command {_shown(line)!r} only burns CPU or memory: a load for a demo or a "
                                f"test", idle=True)
    if _ENDLESS_SHELL.search(lowered):
        if _WAY_OUT.search(lowered):
            return Runtime(None)  # it loops until something tells it to stop: it may well end
        if not inline and _only_shows(line):
            return Runtime(ENDLESS, f"its command {_shown(line)!r} only prints and sleeps, for ever", idle=True)
        return Runtime(ENDLESS, f"its command {_shown(line)!r} loops or waits for ever")
    if spec.get("readinessProbe") or spec.get("livenessProbe") or spec.get("startupProbe"):
        return Runtime(ENDLESS, "it has a probe, which only a long-running container needs")
    if isinstance(spec.get("ports"), list) and spec["ports"]:
        return Runtime(ENDLESS, "it declares a port to serve")
    if not line:
        image = str(spec.get("image") or "")
        if images.base_name(image) == "pause":
            return Runtime(ENDLESS, "its image is the pause container, which only waits", idle=True)
        if images.is_server_image(image):
            return Runtime(ENDLESS, f"its image {images.repository(image)!r} runs a server")
        return Runtime(None)
    if _keeps_alive(last):
        return Runtime(ENDLESS, f"its command {_shown(line)!r} sleeps to keep the container up")
    if last[:1] == ["exit"] and last[1:2] not in ([], ["0"]):
        return Runtime(None)  # it fails on purpose: a crash, not work that finishes
    server = next((w for w in last if _is(w, _SERVER_WORDS) or any(w.startswith(f + "=") for f in
                                                                     ("--port", "--listen"))), None)
    if server:
        return Runtime(ENDLESS, f"its command {_shown(line)!r} ends in a server ({server!r})")
    found = next((w for w in last if _is(w, _ONE_SHOT)), None)
    if found:
        return Runtime(FINISHES, f"its command {_shown(line)!r} ends in work that finishes ({found!r})")
    return Runtime(None)
