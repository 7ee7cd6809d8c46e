"""The wizard: ask the questions of ``knowledge/questions.yaml``, show the advice, save the files.

The flow asks from the question definitions (prompt and its variants, help, default,
choices, ``when`` and ``suggest``), so nothing here restates a question. It builds plain
answer data shaped like an answer file, validates it with ``answers_from_data``
(the checks a file gets), evaluates it with ``advise`` and renders it with the
same text renderer as ``pod-advisor evaluate``.

Order: the name, the Kubernetes version and the environment; each container
(the main one first), each followed by "another container?"; then the remaining
workload questions in the order of questions.yaml. A container's image comes first:
the image catalogue then offers its name, ports and job (``dialogs.defaults``), and an
image that needs root is met with the unprivileged image that does its job. Then its
name and, for every container but the main one, its job, since they decide which of
the other questions apply; the rest in the order of questions.yaml. Questions whose
``when`` does not hold are not asked, and their answers are left out of the file.
The progress shown under a question counts the questions of its part (the
application, one container, how it runs), so adding a container never changes it.

Then a review of every answer in plain words (pick one to change it), the advice, and
the offer to save. Started from an answer file, the wizard opens on that review.
Going back (Esc), or to an answer from the review, redraws the screen as it now is.

Prompts read and write through a ``dialogs.prompts.Terminal``; everything else
(headings, the advice, what was written) goes to ``env.stdout``. Ctrl-C and Ctrl-D
raise out of ``Wizard.run`` (KeyboardInterrupt, EOFError) before anything is written.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

from advisor.answers.load import answers_from_data, answers_to_data, dump_answers
from advisor.kb.knowledge import knowledge_base
from advisor.kb.questions import Invalid, Question, to_data
from advisor.system.errors import InputError
from advisor.system.failure import INTERNAL
from advisor.system.fileio import write_files
from advisor.system.text import Style
from dialogs import defaults
from dialogs.prompts import Back, Heading, Terminal, answered_lines, ask_choice, ask_text, ask_yes_no

EARLY = ("environment",)  # workload questions asked before the containers: they frame the rest
FIRST = ("image", "name", "purpose")  # a container's first questions: they decide the others' defaults
FROM_IMAGE = ("name", "ports", "purpose")  # a container's answers its image offers (dialogs.defaults)
ADVICE = "show-the-advice"
INTRO = ("pod-advisor wizard: describe your application, get a Pod design and why.",
         "Each answer comes filled in: press Enter to keep it, or change it.")
MORE_PROMPT = "Another container to add (a log shipper, a proxy, a setup step, a database it uses)?"
MORE_HELP = ("Describe every container that works with the main one. The advisor decides which of them share "
             "its Pod (as a sidecar, adapter, ambassador or init container) and which need a workload of their own.")
REVIEW = "Review your answers: Enter shows the advice; pick an answer (its number) to change it."
SAVE_ANSWERS_HELP = ("The answers file records what you told the wizard. `pod-advisor evaluate FILE` gives this "
                     "advice again, and `pod-advisor wizard --answers FILE` starts from it.")
SAVE_MANIFEST_HELP = ("A starter Kubernetes manifest for this design: the controller, its Pod template with every "
                      "container in its place, and the Service. Review it, then `kubectl apply -f FILE`.")
ROOT_HELP = ("The starter manifest sets runAsNonRoot: true, as the restricted Pod Security profile asks, and the "
             "kubelet refuses to start a container whose image runs as root under it. The image catalogue names an "
             "image that does the same job as a user other than root.")
WIDTH = 78
_MISSING = object()


@dataclass(frozen=True)
class Step:
    """One screen of the interview: a question (for one container, if ``index`` is set), or,
    with no question, "another container after container ``index``?"."""

    question: Question | None
    index: int | None = None

    @property
    def id(self) -> str:
        if self.question is None:
            return f"containers[{self.index}]+"
        return self.question.key.replace("[]", f"[{self.index}]")

    @property
    def name(self) -> str | None:
        return self.question.name if self.question is not None else None


def starting_data(answers) -> dict:
    """Answer data (file-shaped) from a loaded answer file, the main container first."""

    data = answers_to_data(answers)
    containers = data["containers"]
    questions = knowledge_base().questions
    for container, item in zip(answers.containers, containers):
        for question in questions.in_scope("container", *(() if container.main else ("helper",))):
            node = item
            for part in question.parts[:-1]:
                node = node.setdefault(part, {})
            if question.name != "main":  # a file leaves out what it need not say (no CPU: decide later)
                value = getattr(container, question.name)
                # no variables is no mapping of them (null), not the empty list to_data makes of ()
                node.setdefault(question.parts[-1], to_data(value) if value or question.type != "env" else None)
    # What the file left out is answered by its default (no namespace), not asked again after the
    # review changes an answer before it. A question's parts are below `workload` (node_access.read).
    for question in questions.in_scope("workload"):
        node = data.setdefault("workload", {})
        for part in question.parts[:-1]:
            node = node.setdefault(part, {})
        node.setdefault(question.parts[-1], to_data(getattr(answers, question.name)))
    main = next(i for i, c in enumerate(answers.containers) if c.main)
    containers.insert(0, containers.pop(main))
    containers[0].pop("main", None)
    if data["workload"].get("schedule"):
        data["workload"]["runs_to_completion"] = True  # a schedule implies it; the wizard asks it first
    return data


class Wizard:
    def __init__(self, env, terminal: Terminal, *, start: dict | None = None, origin: str | None = None,
                 save_answers: str | None = None, manifest: str | None = None, questions=None):
        """``start``: answer data to offer as the defaults (see ``starting_data``), read from ``origin``;
        the wizard then opens on the review. ``save_answers``/``manifest``: paths to write to
        without asking where."""
        if questions is None:
            questions = knowledge_base().questions
        self.env = env
        self.terminal = terminal
        self.questions = questions
        self.data: dict = start or {}
        self.data.setdefault("workload", {})
        self.data.setdefault("containers", [{}])
        self.expect = self.data.pop("expect", None)
        count = len(self.data["containers"])
        self.more: dict[int, bool] = {i: i < count - 1 for i in range(count)} if start else {}
        self.drafts: dict[str, object] = {}
        self.origin = origin
        self.review_first = start is not None
        self.save_answers = save_answers
        self.save_manifest = manifest
        self.section = ""
        self.style = Style(bool(getattr(env, "color", False)) and terminal.color, terminal.unicode)
        self.recommendation = None  # what the advice screen showed, once shown
        self.answers = None
        self.manifest_text: str | None = None  # the starter manifest for the advice shown
        self.written: list[str] = []

    # -- the flow -----------------------------------------------------------

    def run(self) -> int:
        self.terminal.discard_typeahead()
        if not self.review_first:
            self.intro()
            self.interview(self.steps()[0])
        problems: list[str] = []
        while True:
            chosen = self.review(problems)
            if chosen is not None:
                self.interview(chosen, target=chosen)
                problems = []  # changed: checked again when the advice is asked for
                continue

            try:
                answers = answers_from_data(self.file_data(), source="<wizard>")
                self.prepare(answers)
            except InputError as exc:
                problems = [p.message + (f" ({p.hint})" if p.hint else "") for p in exc.problems]
                continue
            problems = []
            self.advise()
            status = self.save()
            if not isinstance(status, Back):
                return status

    def intro(self) -> None:
        self.say(INTRO[0])
        if self.origin:
            self.say(f"Starting from the answers in {self.origin}.")
        self.say(INTRO[1])

    def interview(self, first: Step, target: Step | None = None) -> None:
        """Ask from ``first`` on. With a ``target`` (a jump from the review), go on past the
        target only through questions not answered yet; then return to the review."""
        step: Step | None = first
        redraw = target is not None  # from the review: show the answers before this one
        while step is not None:
            steps = self.steps()
            position = self._position(steps, step)
            if redraw:
                self.redraw(steps[:position])
                redraw = False
            self.heading(step)
            result = self.ask(step, steps, position)
            if isinstance(result, Back):
                self.drafts[step.id] = result.draft
                step = steps[position - 1] if position > 0 else step
                redraw = True
                continue
            self.drafts.pop(step.id, None)
            self.store(step, result)
            step = self.next_step(step, target)

    @staticmethod
    def _position(steps: list[Step], step: Step) -> int:
        return [s.id for s in steps].index(step.id)

    def next_step(self, step: Step, target: Step | None) -> Step | None:
        steps = self.steps()
        ids = [s.id for s in steps]
        reach = ids.index(target.id) if target is not None and target.id in ids else -1
        for position in range(ids.index(step.id) + 1, len(steps)):
            if target is None or position <= reach or not self.answered(steps[position]):
                return steps[position]
        return None

    def steps(self) -> list[Step]:
        """The screens that apply now, in order (they change as answers change)."""
        qs = self.questions
        workload = [q for q in qs.in_scope("workload") if q.ask]
        steps = [Step(q) for q in qs.in_scope("file") if q.ask]
        steps += [Step(q) for q in workload if q.name in EARLY and q.applies(self.data)]
        for index, container in enumerate(self.data["containers"]):
            asked = [q for q in qs.in_scope("container") + (qs.in_scope("helper") if index else []) if q.ask]
            first = [q for name in FIRST for q in asked if q.name == name]
            asked = first + [q for q in asked if q not in first]
            steps += [Step(q, index) for q in asked if q.applies(self.data, container)]
            steps.append(Step(None, index))
        steps += [Step(q) for q in workload if q.name not in EARLY and q.applies(self.data)]
        return steps

    def section_of(self, step: Step) -> str:
        if step.index is None:
            late = step.question.scope == "workload" and step.question.name not in EARLY
            return "How it runs" if late else "The application"
        if step.index == 0:
            return "Container 1: the main container"
        return f"Container {step.index + 1}: described relative to the main container"

    def progress(self, steps: list[Step], step: Step) -> str:
        """Where ``step`` stands in its part: "3/8" (adding a container changes no count)."""
        part = [s.id for s in steps if self.section_of(s) == self.section_of(step)]
        return f"{part.index(step.id) + 1}/{len(part)}"

    # -- one question -------------------------------------------------------

    def ask(self, step: Step, steps: list[Step], position: int):
        common = dict(context=self.progress(steps, step), can_go_back=position > 0)
        question = step.question
        if question is None:
            default = self.drafts.get(step.id, self.more.get(step.index, False))
            return ask_yes_no(self.terminal, MORE_PROMPT, default=bool(default), help=MORE_HELP, **common)
        value = self.current(step)
        if step.id in self.drafts:
            value = self.drafts[step.id]
        prompt = self.prompt_of(step)
        if question.type == "bool":
            return ask_yes_no(self.terminal, prompt, default=bool(value), help=question.help, **common)
        if question.type == "choice":
            return ask_choice(self.terminal, prompt, [(c.value, c.label) for c in question.choices],
                              default=value, help=question.help, **common)
        text = value if step.id in self.drafts else question.as_text(value)
        if question.type == "image" and step.index is not None:
            return self.ask_image(step, prompt, text, common, steps[:position])
        return ask_text(self.terminal, prompt, default=text, parse=self._parser(step),
                        help=question.help, question_mark_help=question.type != "cron", **common)

    def ask_image(self, step: Step, prompt: str, text: str, common: dict, before: list[Step]):
        """A container's image; one the catalogue says needs root is met with the image that does
        its job unprivileged (with the tag typed, where it had none of its own). The screen is
        then redrawn: one image on it, the one kept."""
        while True:
            image = ask_text(self.terminal, prompt, default=text, parse=self._parser(step),
                             help=step.question.help, **common)
            proposal = None if isinstance(image, Back) else defaults.unprivileged_alternative(image)
            if proposal is None:
                return image
            where = f", on port {proposal.port}" if proposal.port else ""
            message = (f"{image} runs as root, and the starter manifest forbids root (runAsNonRoot), so its Pod "
                       f"would not start. {proposal.instead.split(':')[0]} does the same job as UID "
                       f"{proposal.uid}{where}.")
            options = [("instead", f"Use {proposal.instead} instead"),
                       ("keep", f"Keep {image} (it needs root: see pod-advisor manifest --allow-root-for)")]
            choice = ask_choice(self.terminal, message, options, help=ROOT_HELP, **common)
            self.redraw(before)
            self.heading(step)
            if isinstance(choice, Back):
                text = image  # back to the field, with what was typed
                continue
            kept = proposal.instead if choice == "instead" else image
            self.show_answered(prompt, kept)
            return kept

    def _parser(self, step: Step):
        question = step.question

        def parse(text: str):
            value = question.parse_text(text)
            if question.type == "ports":
                value = list(value)
            if step.index is not None and question.name == "name":
                for index, other in enumerate(self.data["containers"]):
                    if index != step.index and other.get("name") == value:
                        raise Invalid(f"the name {value!r} is already used by container {index + 1}")
            return value

        return parse

    def prompt_of(self, step: Step) -> str:
        if step.question is None:
            return MORE_PROMPT
        return step.question.prompt_for(self.data, self._container(step))

    def _container(self, step: Step) -> dict | None:
        return self.data["containers"][step.index] if step.index is not None else None

    def current(self, step: Step):
        """The answer so far; else what is offered for it (``offered``)."""
        value = self._holder(self.data, step).get(step.question.parts[-1], _MISSING)
        return self.offered(step) if value is _MISSING else value

    def offered(self, step: Step):
        """The default for a question not answered yet: what the image catalogue says of the
        container's image; else the suggestion given the earlier answers; else the default. A
        container other than the main one is never offered the main one's image or name."""
        question = step.question
        container = self.data["containers"][step.index] if step.index is not None else None
        name = question.name
        if container is not None:
            image = container.get("image")
            if name == "name":
                taken = {c.get("name") for i, c in enumerate(self.data["containers"]) if i != step.index}
                derived = defaults.name_from_image(image) or question.default
                return _unique(derived, taken)
            if question.required and step.index > 0:
                return ""  # the main container's default is no better a guess for this one
            if name == "ports" and (found := defaults.ports(image)) is not None:
                return found
            if name == "purpose" and (found := defaults.purpose(container.get("name"), image)) is not None:
                return found
        elif name == "runs_to_completion":
            found = defaults.finishes(self.data["containers"][0].get("image"))
            if found is not None:
                return found
        return question.suggested(self.data, container)

    def answered(self, step: Step) -> bool:
        if step.question is None:
            return step.index in self.more
        return step.question.parts[-1] in self._holder(self.data, step)

    def store(self, step: Step, value) -> None:
        if step.question is not None:
            holder = self._holder(self.data, step)
            key = step.question.parts[-1]
            if step.name == "image" and step.index is not None and holder.get(key) not in (None, value):
                self._forget_offered(step.index)
            holder[key] = value
            return
        containers = self.data["containers"]
        self.more[step.index] = value
        if not value:
            del containers[step.index + 1:]
        elif step.index == len(containers) - 1:
            containers.append({})
        self.more = {i: v for i, v in self.more.items() if i < len(containers)}

    def _forget_offered(self, index: int) -> None:
        """A container's image is about to change: its answers (and the drafts left by going back)
        that are what the old image offered, its name, its ports, its job, are dropped, to be
        offered from the new one."""
        container = self.data["containers"][index]
        derived = [Step(q, index) for q in self.questions.in_scope("container", "helper") if q.name in FROM_IMAGE]
        old = {step.name: self.offered(step) for step in derived}
        for step in derived:
            if step.name in container and container[step.name] == old[step.name]:
                del container[step.name]
            if step.id in self.drafts and self.drafts[step.id] in (old[step.name], step.question.as_text(old[step.name])):
                del self.drafts[step.id]

    @staticmethod
    def _holder(root: dict, step: Step) -> dict:
        """The mapping that holds the step's answer, inside ``root`` (created on the way)."""
        question = step.question
        if question.scope == "file":
            return root
        if question.scope == "workload":
            node = root.setdefault("workload", {})
        else:
            containers = root.setdefault("containers", [])
            while len(containers) <= step.index:
                containers.append({})
            node = containers[step.index]
        for part in question.parts[:-1]:
            node = node.setdefault(part, {})
        return node

    def file_data(self) -> dict:
        """The answer data of the questions that apply (the others keep the format's defaults)."""
        data: dict = {"version": 1}
        for step in self.steps():
            if step.question is not None:
                self._holder(data, step)[step.question.parts[-1]] = self.current(step)
        if self.expect:
            data["expect"] = self.expect
        return data

    # -- the screens around the questions -----------------------------------

    def heading(self, step: Step) -> None:
        section = self.section_of(step)
        if section != self.section:
            self.section = section
            self.say("")
            self.say(self.style(section, "bold"))

    def redraw(self, before: list[Step]) -> None:
        """The screen as it now is: the answers to ``before`` (the steps ahead of the one about to
        be asked), as each question left them when answered."""
        self.terminal.clear()
        self.section = ""
        self.intro()
        for step in before:
            self.heading(step)
            self.show_answered(self.prompt_of(step), self._answer_text(step))

    def show_answered(self, prompt: str, answer: str) -> None:
        """What an answered prompt leaves on screen, its answer in the answer's colour."""
        lines = answered_lines(prompt, answer, max(20, self.terminal.columns() - 1))
        text = "\n".join(lines)
        cut = len(text) - min(len(answer), len(lines[-1]) - 2)
        self.say(self.style(text[:cut], "bold") + self.style(text[cut:], "cyan"))

    def _answer_text(self, step: Step) -> str:
        """An answer as its prompt shows it once answered."""
        if step.question is None:
            return "Yes" if self.more.get(step.index) else "No"
        value = self.current(step)
        if step.question.type == "bool":
            return "Yes" if value else "No"
        if step.question.type == "choice":
            return next((c.label for c in step.question.choices if c.value == value), step.question.as_text(value))
        return step.question.as_text(value).strip() or "(none)"

    def review(self, problems: list[str]) -> Step | None:
        """Every answer on one list, in plain words, under the part it belongs to; returns the
        step to change, or None to go on."""
        self.terminal.clear()
        self.section = ""
        self.say(INTRO[0])
        if self.origin:
            self.say(f"Starting from the answers in {self.origin}.")
        steps = self.steps()
        labels = {ADVICE: "Show the advice", **{s.id: self._label(s) for s in steps}}
        width = max(len(label) for label in labels.values()) + 2
        room = max(10, self.terminal.columns() - 1 - len("› 99. ") - width)
        options: list = [(ADVICE, labels[ADVICE])]
        part = None
        for step in steps:
            if self._part(step) != part:
                part = self._part(step)
                options.append(Heading(part))
            options.append((step.id, f"{labels[step.id]:<{width}}{_cut(self._shown(step), room)}"))
        message = REVIEW
        if problems:
            message = "These answers do not fit together: " + "; ".join(problems) + ". Change one of them."
        chosen = ask_choice(self.terminal, message, options, default=ADVICE if not problems else steps[0].id,
                            context="review", answer_label=lambda value, label: labels[value])
        if isinstance(chosen, Back):
            return steps[-1]
        if chosen == ADVICE:
            return None
        return next(s for s in steps if s.id == chosen)

    def _part(self, step: Step) -> str:
        """The review's heading over ``step``: its part, a container named."""
        if step.index is None:
            return self.section_of(step)
        name = self.data["containers"][step.index].get("name") or ""
        role = "the main container" if step.index == 0 else "described relative to the main container"
        return f"Container {step.index + 1}{': ' + name if name else ''} ({role})"

    def _label(self, step: Step) -> str:
        if step.question is None:
            return "Another container after it"
        return step.question.short

    def _shown(self, step: Step) -> str:
        if step.question is None:
            return "yes" if self.more.get(step.index) else "no"
        value = self.current(step)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if step.question.type == "choice":
            label = next((c.label for c in step.question.choices if c.value == value), step.question.as_text(value))
            return label.split(" (")[0]
        return step.question.as_text(value) or "(none)"

    def prepare(self, answers) -> None:
        """The advice and the starter manifest for ``answers``, before anything is shown or saved.

        InputError when Kubernetes would not take the objects (a name too long for a CronJob):
        the review shows why. A manifest that fails its own checks is a defect of ours: said at
        once, and only the answers can be saved."""
        # Imported when the advice is asked for, not when the wizard opens: the engine and the
        # manifest writer take longer to load than the first question takes to show.
        from advisor.engine.advise import advise
        from advisor.manifests import InvalidManifest, build_manifest

        self.answers = answers
        self.recommendation = advise(answers)
        try:
            self.manifest_text = build_manifest(self.recommendation, comments=True, allow_root=False)
        except InvalidManifest as exc:
            self.manifest_text = None
            self.say(f"pod-advisor: {INTERNAL}: {exc}\nThe manifest cannot be saved; "
                     "the answers can.")

    def advise(self) -> None:
        from advisor.render.recommendation import render

        self.say("")
        self.say("The advice")
        self.say("")
        self.say(render(self.recommendation, "text", self.env).rstrip("\n"))
        self.say("")

    # -- saving -------------------------------------------------------------

    def save(self):
        """Ask where to save (unless given), then write both files: nothing is written before,
        and a file that cannot be written is said and asked for again (the interview is not lost).
        Returns the exit status, or a Back (to the review) from the first question."""

        name = self.answers.name
        answers_default, manifest_default = f"{name}.answers.yaml", f"{name}.yaml"
        while True:
            answers_path = self._where("Save the answers file to (empty: do not save)", self.save_answers,
                                       answers_default, taken=None, help=SAVE_ANSWERS_HELP)
            if isinstance(answers_path, Back):
                return answers_path
            answers_default = answers_path or ""
            manifest_path = None
            if self.manifest_text is not None:
                manifest_path = self._where("Save the starter manifest to (empty: do not save)",
                                            self.save_manifest, manifest_default, taken=answers_path,
                                            help=SAVE_MANIFEST_HELP)
                if isinstance(manifest_path, Back):
                    if self.save_answers:
                        return manifest_path  # the answers path was given: back goes to the review
                    continue
                manifest_default = manifest_path or ""
            plan = []
            if answers_path:
                plan.append((answers_path, dump_answers(self.answers), "the answers"))
            if manifest_path:
                plan.append((manifest_path, self.manifest_text, "the starter manifest"))
            try:
                write_files([(path, text) for path, text, _ in plan], force=True)  # replacing was asked
            except InputError as exc:
                for problem in exc.problems:
                    self.say(f"{problem}; nothing was written")
                self.save_answers = self.save_manifest = None  # ask, starting from the paths given
                continue
            break
        self.say("")
        for path, _, what in plan:
            self.written.append(path)
            self.say(f"Wrote {what} to {path}")
        self.follow_up(answers_path, manifest_path)
        return 0

    def _where(self, message: str, given: str | None, default: str, taken: str | None, help: str):
        """A path to write to (None: do not save), asking before replacing a file; or Back."""

        def parse(text: str):
            path = os.path.expanduser(text.strip())
            if not path:
                return None
            if os.path.isdir(path):
                raise Invalid(f"{path} is a folder; give a file name")
            folder = os.path.dirname(path)
            if folder and not os.path.isdir(folder):
                raise Invalid(f"the folder {folder} does not exist")
            if taken and os.path.abspath(path) == os.path.abspath(taken):
                raise Invalid(f"{path} is where the answers go; give another name")
            return path

        while True:
            path = None
            if given:
                try:
                    path = parse(given)
                except Invalid as exc:
                    self.say(f"{given}: {exc}")
                default, given = given, None
            if path is None:
                path = ask_text(self.terminal, message, default=default, parse=parse, context="save",
                                help=help, empty_label="(not saved)")
                if isinstance(path, Back) or path is None:
                    return path
            if not os.path.exists(path):
                return path
            replace = ask_yes_no(self.terminal, f"{path} already exists. Replace it?", default=False,
                                 context="save")
            if replace is True:
                return path
            default = path  # no, or back: ask for another name, starting from this one

    def follow_up(self, answers_path: str | None, manifest_path: str | None) -> None:
        lines = []
        if answers_path:
            end = "-- " if answers_path.startswith("-") else ""  # a file, not an option
            lines.append((f"pod-advisor evaluate {end}{shlex.quote(answers_path)}",
                          "the advice again, from the file"))
        if manifest_path:
            lines.append((f"kubectl apply -f {shlex.quote(manifest_path)}", "create it in the cluster"))
        if not lines:
            self.say("Nothing was saved.")
            return
        width = max(len(command) for command, _ in lines) + 3
        self.say("")
        self.say("Next:")
        for command, what in lines:
            if width + len(what) + 4 <= WIDTH:
                self.say(f"  {command:<{width}}# {what}")
            else:
                self.say(f"  {command}\n      # {what}")

    # -- output -------------------------------------------------------------

    def say(self, text: str) -> None:
        self.env.out(text)
        self.env.stdout.flush()


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[:room - 1] + "…"


def _unique(name: str, taken: set) -> str:
    if name not in taken:
        return name
    number = 2
    while f"{name}-{number}" in taken:
        number += 1
    return f"{name}-{number}"
