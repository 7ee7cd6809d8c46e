"""The knowledge check: the questions of ``knowledge/quiz.yaml``, each answer explained.

No terminal here: ``run_quiz`` is given ``choose`` (the prompt_toolkit dialog of
``dialogs.quiz``, or the choices of an ``--answers`` file) and ``say`` (where its
text goes), and keeps the score in a ``Score`` the caller holds, so that a quiz
stopped with Ctrl-C can still report how far it got.

An answers file is a YAML mapping of question id to the text of the choice, or
its beginning as long as only one choice starts that way::

    quiz.controller-per-node: DaemonSet
    quiz.job-restart-policy: OnFailure or Never
    quiz.pod-sharing: One network namespace

The options are shuffled, so a number or letter would name a different choice
each run; the text does not. Only the questions in the file are asked.
"""

from __future__ import annotations

import random
from dataclasses import field
from typing import Callable, Sequence

from advisor.kb.knowledge import KnowledgeBase, QuizQuestion
from advisor.system.errors import InputError, did_you_mean
from advisor.system.records import record
from advisor.system.text import Style, wrap
from advisor.system.yamlsource import Document


@record(frozen=True)
class Asked:
    """A question as it is put: its place in the quiz and its options in shuffled order."""

    question: QuizQuestion
    number: int
    total: int
    options: tuple[str, ...]
    right: int  # index of the correct option in ``options``


@record
class Score:
    right: int = 0
    answered: int = 0
    missed: list[QuizQuestion] = field(default_factory=list)


def shuffled(questions: Sequence[QuizQuestion], seed: int | None = None) -> list[Asked]:
    """The questions in order, the options of each shuffled (the same way for the same seed)."""
    rng = random.Random(seed)
    asked = []
    for number, question in enumerate(questions, 1):
        options = [text for text, _ in question.choices]
        rng.shuffle(options)
        right = next(text for text, correct in question.choices if correct)
        asked.append(Asked(question, number, len(questions), tuple(options), options.index(right)))
    return asked


def heading(asked: Asked) -> str:
    return f"Question {asked.number} of {asked.total}"


def question_text(asked: Asked, chosen: int, style: Style) -> str:
    """A question put by an answers file: what a terminal would have shown, and the choice."""
    out = [style(heading(asked), "dim")] + wrap(asked.question.question, "", first="")
    for i, option in enumerate(asked.options):
        out += wrap(option, "       ", first=f"  {'>' if i == chosen else ' '} {i + 1}. ")
    return "\n".join(out) + "\n"


def feedback(kb: KnowledgeBase, asked: Asked, chosen: int, style: Style) -> str:
    """Right or not, the correct answer and why, and where the knowledge base says more."""
    if chosen == asked.right:
        out = ["", style(style.glyph("✓ Right.", "Right."), "green", "bold")]
    else:
        verdict = style.glyph("✗ Not quite.", "Not quite.")
        out = wrap(f"{verdict} The answer: {asked.options[asked.right]}", "  ", first="")
        out[0] = style(verdict, "red", "bold") + out[0][len(verdict):]
        out.insert(0, "")
    out += wrap(asked.question.explanation, "  ")
    more = ", ".join(f"{ref} ({kb.entry(ref).title})" for ref in asked.question.see)
    out += wrap(f"More: {more}; pod-advisor explain ID prints one.", "  ")
    return "\n".join(out) + "\n\n"


def summary(kb: KnowledgeBase, score: Score, total: int, style: Style, stopped: bool = False) -> str:
    if stopped:
        out = [f"Stopped after {score.answered} of {total} questions: {score.right} right."]
    else:
        percent = round(100 * score.right / total) if total else 0
        out = [style(f"Score: {score.right} of {total} ({percent}%).", "bold")]
    if score.missed:
        out.append("To read again:")
        refs = list(dict.fromkeys(question.see[0] for question in score.missed))
        width = max(len(ref) for ref in refs)
        out += [f"  pod-advisor explain {ref:<{width}}  {kb.entry(ref).title}" for ref in refs]
    return "\n".join(out) + "\n"


def run_quiz(kb: KnowledgeBase, questions: Sequence[Asked], choose: Callable[[Asked], int],
             say: Callable[[str], None], style: Style, score: Score) -> Score:
    """Ask each question with ``choose`` (it returns the index of the chosen option) and explain it."""
    for asked in questions:
        chosen = choose(asked)
        score.answered += 1
        if chosen == asked.right:
            score.right += 1
        else:
            score.missed.append(asked.question)
        say(feedback(kb, asked, chosen, style))
    say(summary(kb, score, len(questions), style))
    return score


def _matching(value: str, options: Sequence[str]) -> list[str]:
    wanted = " ".join(value.split()).lower()
    plain = {option: " ".join(option.split()).lower() for option in options}
    exact = [option for option, text in plain.items() if text == wanted]
    return exact or [option for option, text in plain.items() if text.startswith(wanted)]


def _short(text: str, length: int = 32) -> str:
    return text if len(text) <= length else text[:length - 1].rstrip() + "…"


def read_choices(doc: Document, questions: Sequence[QuizQuestion]) -> dict[str, str]:
    """{question id: chosen choice text} from an answers file; every problem reported at once."""
    if not isinstance(doc.data, dict) or not doc.data:
        raise InputError(doc.problem((), "expected a mapping of quiz question id to the text of a choice",
                                     hint="quiz.controller-per-node: DaemonSet"))
    by_id = {question.id: question for question in questions}
    chosen, problems = {}, []
    for key, value in doc.data.items():
        question = by_id.get(key)
        if question is None:
            problems.append(doc.problem((key,), "no such quiz question", hint=did_you_mean(key, by_id)))
            continue
        options = [text for text, _ in question.choices]
        hint = "the choices begin: " + "; ".join(repr(_short(option)) for option in options)
        if not isinstance(value, str) or not value.strip():
            problems.append(doc.problem((key,), "expected the text of a choice (the options are shuffled, so "
                                                "a number would change meaning)", hint=hint))
            continue
        matches = _matching(value, options)
        if len(matches) != 1:
            what = "matches no choice" if not matches else f"is the beginning of {len(matches)} choices"
            problems.append(doc.problem((key,), f"{value!r} {what}", hint=hint))
            continue
        chosen[key] = matches[0]
    if problems:
        raise InputError(problems)
    return chosen
