"""Answer files: reading, validating and writing them (format 1).

Validation is driven entirely by the question definitions in the knowledge
base: the keys they name are the only keys allowed, and each value is checked by
its question's type. Every problem is collected, so a user fixes a file in one go.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from advisor.domain.model import Answers, Container
from advisor.kb.knowledge import knowledge_base
from advisor.kb.questions import Invalid, Question, QuestionSet, to_data
from advisor.system.errors import InputError, Problem, closest, kind_of, shown
from advisor.system.yamlsource import Document, parse_document, read_text

EXTRA_TOP_KEYS = ("workload", "containers", "expect")


def load_answers(path: str, questions: QuestionSet | None = None, regular_only: bool = False) -> Answers:
    """Read and validate the answer file at ``path``; InputError on any problem.

    ``regular_only``: refuse a FIFO or device (for files found in a folder, not named)."""
    return parse_answers(read_text(path, regular_only=regular_only), path, questions)


def load_answers_document(path: str, regular_only: bool = False) -> tuple[Answers, Document]:
    """``load_answers``, and the document read, for the lines of problems found later."""
    doc = parse_document(read_text(path, regular_only=regular_only), path)
    return answers_from_document(doc), doc


def parse_answers(text: str, source: str, questions: QuestionSet | None = None) -> Answers:
    return answers_from_document(parse_document(text, source), questions)


def answers_from_data(data: Any, source: str = "<answers>", questions: QuestionSet | None = None) -> Answers:
    """Validate plain data (the wizard's) exactly as a file would be."""
    return answers_from_document(Document(data=data, source=source), questions)


def answers_from_document(doc: Document, questions: QuestionSet | None = None) -> Answers:
    if questions is None:
        questions = knowledge_base().questions
    return _Validator(doc, questions).run()


def _tree(questions: list[Question]) -> dict:
    """Nested {key part: Question or subtree} for one scope's questions."""
    tree: dict = {}
    for question in questions:
        node = tree
        for part in question.parts[:-1]:
            node = node.setdefault(part, {})
        node[question.parts[-1]] = question
    return tree


class _Validator:
    def __init__(self, doc: Document, questions: QuestionSet):
        self.doc = doc
        self.questions = questions
        self.problems: list[Problem] = []

    def problem(self, path: tuple, message: str, hint: str | None = None) -> None:
        self.problems.append(self.doc.problem(path, message, hint))

    def run(self) -> Answers:
        data = self.doc.data
        if not isinstance(data, dict):
            found = "an empty file" if data is None else kind_of(data)
            raise InputError(self.doc.problem((), f"an answer file is a mapping with at least 'name' and "
                                                  f"'containers'; found {found}"))
        file_tree = _tree(self.questions.in_scope("file"))
        allowed = list(file_tree) + list(EXTRA_TOP_KEYS)
        self.unknown_keys(data, allowed, ())
        top = self.values(data, file_tree, ())
        workload = self.section(data, "workload", _tree(self.questions.in_scope("workload")))
        containers = self.containers(data.get("containers"))
        for container in containers:
            # A container that gets a Pod of its own names that workload; it must not clash with the main one.
            if not container.main and container.name == top["name"]:
                self.problem(("containers", container.index, "name"),
                             f"{shown(container.name)} is also the name of the workload; a container beside the main "
                             "one may get a workload of its own, named after it, so give it another name")
        containers = [self.fitted(c) for c in containers]
        self.workload_fits(workload, data.get("workload") if isinstance(data.get("workload"), dict) else {})
        expect = None
        if data.get("expect") is not None:
            # here: most answer files expect nothing, and every evaluate imports this module
            from advisor.answers.expectations import parse_expectations

            items = data.get("containers")
            complete = isinstance(items, list) and len(containers) == len(items)
            expect = parse_expectations(data["expect"], self.problem, name=top["name"],
                                        containers=[(c.name, c.main) for c in containers] if complete else None)
        if self.problems:
            raise InputError(sorted(self.problems, key=lambda p: p.line or 0))
        return Answers(
            name=top["name"], kubernetes=top["kubernetes"], version=top["version"],
            containers=tuple(containers), expect=expect, source=self.doc.source, **workload,
        )

    def unknown_keys(self, data: dict, allowed: list[str], path: tuple, elsewhere: list[str] = ()) -> None:
        """Report keys not in ``allowed``; ``elsewhere`` are keys valid only on other containers."""
        for key in data:
            if key not in allowed:
                near = closest(key, list(allowed) + list(elsewhere))
                if near in elsewhere:
                    hint = f"did you mean {near!r}? It describes a container other than the main one"
                else:
                    hint = f"did you mean {near!r}?" if near else f"known keys: {', '.join(allowed)}"
                self.problem(path + (key,), "unknown key", hint=hint)

    def values(self, data: dict, tree: dict, path: tuple) -> dict:
        """Check each question of ``tree`` against ``data``; return {question name: value}."""
        result: dict = {}
        for key, node in tree.items():
            if isinstance(node, dict):  # a nested mapping such as resources
                sub = data.get(key)
                if sub is None:
                    sub = {}
                elif not isinstance(sub, dict):
                    self.problem(path + (key,), f"must be a mapping with the keys {', '.join(node)}")
                    sub = {}
                self.unknown_keys(sub, list(node), path + (key,))
                result.update(self.values(sub, node, path + (key,)))
                continue
            result[node.name] = self.value(node, data, key, path)
        return result

    def value(self, question: Question, data: dict, key: str, path: tuple) -> Any:
        if key not in data:
            if question.required:
                self.problem(path + (key,), "is required: " + question.prompt.rstrip("?").lower())
            return question.missing()
        try:
            return question.check(data[key], raw=self.doc.raw.get(path + (key,)))
        except Invalid as exc:
            self.problem(path + (key,) + exc.at, str(exc), exc.hint)
            return question.missing()

    # -- what one key cannot say alone -----------------------------------------

    def fitted(self, c: Container) -> Container:
        """``c`` with what its keys imply filled in (the port of an HTTP health check), or problems."""
        path = ("containers", c.index)
        health = c.health
        if health is not None and health.kind == "http" and health.port is None:
            if c.ports:
                health = replace(health, port=c.ports[0])
            else:
                self.problem(path + ("health",), "an HTTP health check needs a port, and the container "
                                                 "declares none", hint="add port: N, or list the container's ports")
        if health is not None and health.kind in ("http", "tcp") and health.port is not None \
                and health.port not in c.ports:
            key = "port" if health.kind == "http" else "tcp"
            self.problem(path + ("health", key), f"port {health.port} is not one of the container's ports "
                                                 f"({', '.join(map(str, c.ports)) or 'none'})",
                         hint="a probe reaches the container on a port it declares: add it to ports")
        items = self.doc.data.get("containers")
        written = items[c.index] if isinstance(items, list) else {}
        if c.liveness and health is None and "health" not in written:  # a health check written wrong is said already
            self.problem(path + ("liveness",), "liveness uses the container's health check, and it has none",
                         hint="add health (http, tcp or command), or leave liveness out")
        if not c.main and c.talks_over_network is None:
            c = replace(c, talks_over_network=c.talked_to)  # not said: a separate-service is talked to
        return replace(c, health=health) if health is not c.health else c

    def workload_fits(self, workload: dict, raw: dict) -> None:
        completes = workload.get("runs_to_completion") or workload.get("schedule") is not None
        if workload.get("deadline") is not None and not completes:
            self.problem(("workload", "deadline"), "a deadline limits work that runs to completion, and this "
                                                   "workload keeps running",
                         hint="set runs_to_completion: true (or a schedule), or leave deadline out")
        access = raw.get("node_access")
        if isinstance(access, dict) and access and not workload.get("one_per_node"):
            self.problem(("workload", "node_access"), "node_access is for node agents: one copy on every node",
                         hint="set one_per_node: true, or leave node_access out")

    def section(self, data: dict, key: str, tree: dict) -> dict:
        section = data.get(key)
        if section is None:
            section = {}
        elif not isinstance(section, dict):
            self.problem((key,), f"must be a mapping with the keys {', '.join(tree)}")
            section = {}
        self.unknown_keys(section, list(tree), (key,))
        return self.values(section, tree, (key,))

    def containers(self, items: Any) -> list[Container]:
        if items is None:
            self.problem(("containers",), "is required: list the containers, the main one first")
            return []
        if not isinstance(items, list) or not items:
            self.problem(("containers",), "must be a list of at least one container")
            return []
        common = _tree(self.questions.in_scope("container"))
        helper = _tree(self.questions.in_scope("helper"))
        declared_main = [i for i, item in enumerate(items) if isinstance(item, dict) and item.get("main") is True]
        for extra in declared_main[1:]:
            self.problem(("containers", extra, "main"), "a second container says main: true; only one may",
                         hint=f"containers[{declared_main[0]}] is already the main one")
        main_index = declared_main[0] if declared_main else 0
        result, names = [], {}
        for index, item in enumerate(items):
            path = ("containers", index)
            if not isinstance(item, dict):
                self.problem(path, "must be a mapping with at least 'name' and 'image'")
                continue
            is_main = index == main_index
            if is_main:
                for key in item:
                    if key in helper:
                        self.problem(path + (key,), "describes a container relative to the main one, "
                                                    "and this is the main container")
                self.unknown_keys({k: v for k, v in item.items() if k not in helper}, list(common), path,
                                  elsewhere=list(helper))
                values = self.values(item, common, path)
            else:
                self.unknown_keys(item, list(common) + list(helper), path)
                values = self.values(item, common, path)
                values.update(self.values(item, helper, path))
            values["main"] = is_main
            name = values.get("name")
            if name in names:
                self.problem(path + ("name",), f"the name {shown(name)} is already used by containers[{names[name]}]")
            elif name:
                names[name] = index
            if name and values.get("image"):
                result.append(Container(index=index, **values))
        return result


def answers_to_data(answers: Answers) -> dict:
    """The answer file for ``answers``: every key written out, so it documents itself."""

    qs = knowledge_base().questions
    data: dict = {"version": 1, "name": answers.name, "kubernetes": answers.kubernetes, "workload": {}}
    for question in qs.in_scope("workload"):
        _put(data["workload"], question, getattr(answers, question.name))
    data["containers"] = []
    for container in answers.containers:
        item: dict = {}
        for question in qs.in_scope("container") + ([] if container.main else qs.in_scope("helper")):
            value = getattr(container, question.name)
            if question.name == "main":
                if container.main and container.index != 0:
                    item["main"] = True
                continue
            _put(item, question, value)
        data["containers"].append(item)
    if answers.expect is not None:
        data["expect"] = answers.expect.to_data()
    return data


def _put(data: dict, question: Question, value) -> None:
    """Write one answer where its key goes. A nested key (resources.cpu, node_access.read) is left out
    while it has no value, and so is an optional key that says nothing (no env, no health)."""
    nested = len(question.parts) > 1
    empty = value is None or value == () and question.type in ("env", "paths")
    if empty and (nested or question.type in ("strings", "env", "health", "paths", "namespace", "priority-class")):
        return
    if nested and question.type == "bool" and value is False:
        return
    for part in question.parts[:-1]:
        data = data.setdefault(part, {})
    data[question.parts[-1]] = to_data(value)


def dump_answers(answers: Answers) -> str:
    import yaml

    header = "# pod-advisor answers (format 1). Check it with: pod-advisor evaluate THIS-FILE\n"
    return header + yaml.safe_dump(answers_to_data(answers), sort_keys=False, default_flow_style=None)
