"""A newcomer's run of `pod-advisor wizard`, in tmux, as a person would: three workloads from scratch.

usage: python bench/wizard_newcomer.py [--code DIR] [--json]

For each workload (a Django shop: gunicorn, nginx in front, a collectstatic init
container and a celery worker; a nightly backup CronJob; a node log collector
DaemonSet) the script starts the wizard in a tmux pane of 80x24 (``python -m advisor
wizard`` with PYTHONPATH=DIR, default this checkout), reads the screen the way a
person does, and answers each question with the design below. Like a person, it
presses Enter when what is offered is already right and types otherwise: Ctrl-U and
the answer in a text field, y or n for a yes/no, the option's number in a list (and
Enter after it where the legend does not say a digit picks). Offered the unprivileged
image for one that needs root, it takes it. It stops on the review screen.

It reports, per workload: the screens (questions) it met, the Enter presses, all
keys pressed, and the seconds from start to the review screen as measured (the
program's own time and tmux's, not a person's reading). A person's time is then
modelled: 4 seconds to read each screen and a quarter of a second per key.

Then it saves the answers (Enter on the review and on both save questions, in a
temporary folder) and starts again with ``wizard --answers FILE``, pressing Enter on
every screen until the review shows: the Enter presses a person needs to come back
to a design and change one answer ("again" in the table).

Needs tmux.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS, COLUMNS = 24, 80
READ_SECONDS, KEY_SECONDS = 4.0, 0.25  # the model of a person's time

# How a question is recognised (a piece of its text, in either version's wording) -> the
# answer's name in a design below. The first match wins: the more specific come first.
QUESTIONS = [
    ("runs as root", "root"),
    ("What is the application called", "app"),
    ("Image", "image"),
    ("Kubernetes version", "kubernetes"),
    ("real use, or an experiment", "environment"),
    ("Another container to add", "more"),
    ("Container name", "name"),
    ("Ports it listens on", "ports"),
    ("CPU it needs", "cpu"),
    ("Memory it needs", "memory"),
    ("What does this container do", "job"),
    ("What is this container's job", "job"),
    ("share files with the main container", "shares"),
    ("over the network", "called"),
    ("by a host name", "called"),
    ("localhost", "localhost"),
    ("same node", "same_node"),
    ("number of copies of its own", "scales"),
    ("workload of its own, does each copy", "own_identity"),
    ("workload of its own, how many copies", "own_copies"),
    ("Does the work finish", "finishes"),
    ("cron schedule", "schedule"),
    ("keep its Pod for inspection", "keep_failed"),
    ("one copy run on every node", "per_node"),
    ("stable name and storage of its own", "identity"),
    ("How many copies should run", "copies"),
    ("Do other workloads connect", "connect"),
]

SHOP_IMAGE = "ghcr.io/example/shop:1.4"
DESIGNS = {
    "django-shop": {
        "app": "shop", "kubernetes": "1.37", "environment": "Production",
        "containers": [
            {"image": SHOP_IMAGE, "name": "gunicorn", "ports": "8000", "cpu": "", "memory": "", "more": True},
            {"image": "nginx:1.27", "name": "nginx", "ports": {"nginx:1.27": "80", "*": "8080"}, "cpu": "",
             "memory": "", "job": ["Sits in front"], "shares": True, "localhost": True, "same_node": False,
             "scales": False, "called": False, "more": True},
            {"image": SHOP_IMAGE, "name": "collectstatic", "ports": "", "cpu": "", "memory": "",
             "job": ["Runs once"], "shares": True, "localhost": False, "same_node": False, "scales": False,
             "called": False, "more": True},
            {"image": SHOP_IMAGE, "name": "celery-worker", "ports": "", "cpu": "", "memory": "",
             "job": ["Works on its own", "A helper not listed"], "shares": False, "localhost": False,
             "same_node": False, "scales": True, "called": False, "own_identity": False, "own_copies": "2",
             "more": False},
        ],
        "finishes": False, "per_node": False, "identity": False, "copies": "2", "connect": True,
    },
    "nightly-backup": {
        "app": "nightly-backup", "kubernetes": "1.37", "environment": "Production",
        "containers": [
            {"image": "ghcr.io/example/pg-backup:1.0", "name": "backup", "ports": "", "cpu": "", "memory": "",
             "more": False},
        ],
        "finishes": True, "schedule": "0 3 * * *", "keep_failed": False, "per_node": False,
    },
    "node-log-collector": {
        "app": "node-logs", "kubernetes": "1.37", "environment": "Production",
        "containers": [
            {"image": "fluent/fluent-bit:3.1", "name": "fluent-bit", "ports": "2020", "cpu": "", "memory": "",
             "more": False},
        ],
        "finishes": False, "per_node": True, "connect": False,
    },
}


class Tmux:
    def __init__(self, code: Path, workdir: str, args: str = ""):
        self.socket = f"newcomer-{os.getpid()}-{time.monotonic_ns()}"  # a server of its own each time
        environment = (f"env PYTHONPATH={shlex.quote(str(code))} XDG_CACHE_HOME={shlex.quote(workdir)}/cache "
                       "NO_COLOR=1 TERM=xterm")
        command = (f"cd {shlex.quote(workdir)} && {environment} {shlex.quote(sys.executable)} -m advisor wizard "
                   f"{args}; sleep 600")
        self.started = time.monotonic()
        subprocess.run(["tmux", "-L", self.socket, "new-session", "-d", "-s", "run", "-x", str(COLUMNS),
                        "-y", str(ROWS), command], check=True)

    def screen(self) -> list[str]:
        done = subprocess.run(["tmux", "-L", self.socket, "capture-pane", "-p", "-t", "run"], capture_output=True,
                              text=True, check=True)
        return done.stdout.splitlines()

    def send(self, *keys: str, literal: bool = False) -> None:
        subprocess.run(["tmux", "-L", self.socket, "send-keys", "-t", "run"] + (["-l"] if literal else [])
                       + list(keys), check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


OPTION = re.compile(r"^\s*(?:›|>)?\s*(\d+)\. (.*)$")


def open_question(lines: list[str]):
    """(question text, body lines, legend) of the question open on screen, or None."""
    legend_at = next((i for i in range(len(lines) - 1, -1, -1) if "Ctrl-C quit" in lines[i]), None)
    if legend_at is None:
        return None
    start = next((i for i in range(legend_at, -1, -1) if lines[i].startswith("? ")), None)
    if start is None:
        return None
    body = start
    while body < legend_at and not lines[body].lstrip().startswith(("›", ">")) \
            and not OPTION.match(lines[body]) and "[Yes]" not in lines[body] and "[No]" not in lines[body]:
        body += 1
    question = " ".join(line.strip() for line in lines[start:body])[2:]
    return question, lines[body:legend_at], lines[legend_at]


def answer_keys(question: str, body: list[str], legend: str, wanted):
    """The keys a person presses to give ``wanted``: [(key, literal)]."""
    if any("[Yes]" in line or "[No]" in line for line in body):
        highlighted = any("[Yes]" in line for line in body)
        return [("Enter", False)] if highlighted == wanted else [("y" if wanted else "n", True)]
    options = [(m.group(1), m.group(2), line.lstrip().startswith(("›", ">")))
               for line in body if (m := OPTION.match(line))]
    if options:
        wanted = wanted if isinstance(wanted, list) else [wanted]
        number, _, selected = next(o for o in options if any(w in o[1] for w in wanted))
        if selected:
            return [("Enter", False)]
        picks = "pick" in legend  # the legend says a digit picks; else it only moves there
        return [(number, True)] + ([] if picks else [("Enter", False)])
    field = next((line.lstrip()[1:].strip() for line in body if line.lstrip().startswith(("›", ">"))), "")
    if field == wanted:
        return [("Enter", False)]
    return [("C-u", False), (wanted, True), ("Enter", False)] if wanted else [("C-u", False), ("Enter", False)]


def run(name: str, design: dict, code: Path) -> dict:
    containers = [dict(c) for c in design["containers"]]
    index = 0
    screens = enters = keys = 0
    with tempfile.TemporaryDirectory() as workdir:
        tmux = Tmux(code, workdir)
        try:
            last = None
            while True:
                deadline = time.monotonic() + 60
                while True:
                    lines = tmux.screen()
                    if any("Review your answers" in line for line in lines):
                        seconds = time.monotonic() - tmux.started
                        again = come_back(tmux, code, workdir, design["app"])
                        return {"workload": name, "screens": screens, "enter": enters, "keys": keys,
                                "seconds": round(seconds, 1),
                                "modelled_person_seconds": round(screens * READ_SECONDS + keys * KEY_SECONDS),
                                "again_enter": again}
                    found = open_question(lines)
                    if found is not None and (found[0], found[2]) != last:  # the next question, not the last one
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{name}: no question showed; the screen:\n" + "\n".join(lines))
                    time.sleep(0.05)
                question, body, legend = found
                key = next((k for text, k in QUESTIONS if text in question), None)
                if key is None:
                    raise RuntimeError(f"{name}: a question the design does not know: {question!r}")
                container = containers[index] if index < len(containers) else {}
                if key == "root":
                    wanted = ["Use "]  # take the unprivileged image offered
                    offered = re.search(r"Use (\S+)", " ".join(body))
                    container["image"] = offered.group(1) if offered else container["image"]
                elif key in ("app", "kubernetes", "environment") or key not in container:
                    wanted = design[key]
                else:
                    wanted = container[key]
                    if isinstance(wanted, dict):
                        wanted = wanted.get(container["image"], wanted["*"])
                pressed = answer_keys(question, body, legend, wanted)
                for text, literal in pressed:
                    tmux.send(text, literal=literal)
                screens += 1
                enters += sum(1 for text, _ in pressed if text == "Enter")
                keys += sum(1 if not literal else len(text) for text, literal in pressed)
                if key == "more" and wanted:
                    index += 1
                last = (question, legend)
                if screens > 200:
                    raise RuntimeError(f"{name}: more than 200 screens; stuck at {question!r}")
        finally:
            tmux.close()


def wait(tmux: Tmux, text: str) -> list[str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = tmux.screen()
        if any(text in line for line in lines):
            return lines
        time.sleep(0.05)
    raise RuntimeError(f"the screen never showed {text!r}:\n" + "\n".join(tmux.screen()))


def come_back(tmux: Tmux, code: Path, workdir: str, app: str) -> int:
    """Save the answers from the review, start again from them, and count the Enter presses
    (one per screen) until the review shows again."""
    tmux.send("Enter")
    wait(tmux, "Save the answers file to")
    tmux.send("Enter")
    wait(tmux, "Save the starter manifest to")
    tmux.send("Enter")
    wait(tmux, "Next:")
    tmux.close()
    again = Tmux(code, workdir, f"--answers {app}.answers.yaml --save-answers again.yaml --manifest again-m.yaml")
    enters = 0
    try:
        last = None
        while True:
            deadline = time.monotonic() + 60
            while True:
                lines = again.screen()
                if any("Review your answers" in line for line in lines):
                    return enters
                found = open_question(lines)
                if found is not None and (found[0], found[2]) != last:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("no question showed:\n" + "\n".join(lines))
                time.sleep(0.05)
            again.send("Enter")
            enters += 1
            last = (found[0], found[2])
    finally:
        again.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose wizard runs (default: this one)")
    parser.add_argument("--json", action="store_true", help="one JSON object per workload instead of a table")
    args = parser.parse_args(argv)
    results = [run(name, design, args.code.resolve()) for name, design in DESIGNS.items()]
    if args.json:
        for result in results:
            print(json.dumps(result))
        return 0
    print(f"{'workload':<20} {'screens':>7} {'Enter':>6} {'keys':>6} {'seconds':>8} {'person (model)':>15} "
          f"{'again':>6}")
    for r in results:
        print(f"{r['workload']:<20} {r['screens']:>7} {r['enter']:>6} {r['keys']:>6} {r['seconds']:>8} "
              f"{r['modelled_person_seconds']:>14}s {r['again_enter']:>6}")
    total = {k: sum(r[k] for r in results)
             for k in ("screens", "enter", "keys", "modelled_person_seconds", "again_enter")}
    print(f"{'total':<20} {total['screens']:>7} {total['enter']:>6} {total['keys']:>6} "
          f"{round(sum(r['seconds'] for r in results), 1):>8} {total['modelled_person_seconds']:>14}s "
          f"{total['again_enter']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
