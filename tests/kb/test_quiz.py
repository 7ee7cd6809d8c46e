"""pod-advisor quiz: asked through prompt_toolkit (driven here by pipe input), or from a file."""

from collections import Counter

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from advisor.kb.knowledge import knowledge_base
from advisor.kb.quiz import shuffled
from helpers.cli import run_cli
from dialogs.quiz import ask_option

SEED = 7
DOWN, ENTER, CTRL_C = "\x1b[B", "\r", "\x03"


def quiz_keys(keys: str, *args: str):
    """Run `pod-advisor quiz --seed 7` at a (pretend) terminal that types ``keys``."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # past the last key the prompt sees end of input, never waits
        with create_app_session(input=pipe, output=DummyOutput()):
            return run_cli("quiz", "--seed", str(SEED), *args, tty=True, environ={"NO_COLOR": "1"})


def answer_keys(right: bool = True) -> list[str]:
    """The digit that answers each question (rightly or wrongly) under SEED: a digit picks at once."""
    return [f"{(a.right if right else (a.right + 1) % len(a.options)) + 1}"
            for a in shuffled(knowledge_base().quiz, SEED)]


# -- the prompt ----------------------------------------------------------------------

def test_the_prompt_returns_the_option_whose_number_was_typed_without_enter():
    with create_pipe_input() as pipe:
        pipe.send_text("3")  # no Enter: past the digit the input ends, which would raise EOFError
        pipe.close()
        assert ask_option("Question 1 of 1", "Which?", ["a", "b", "c"], input=pipe, output=DummyOutput()) == 2


def test_the_prompt_moves_with_the_arrow_keys():
    with create_pipe_input() as pipe:
        pipe.send_text(DOWN + ENTER)
        pipe.close()
        assert ask_option("Question 1 of 1", "Which?", ["a", "b", "c"], input=pipe, output=DummyOutput()) == 1


def test_the_prompt_raises_keyboard_interrupt_on_ctrl_c():
    with create_pipe_input() as pipe:
        pipe.send_text(CTRL_C)
        pipe.close()
        with pytest.raises(KeyboardInterrupt):
            ask_option("Question 1 of 1", "Which?", ["a", "b"], input=pipe, output=DummyOutput())


# -- the quiz at a terminal -------------------------------------------------------------

def test_a_perfect_run_scores_every_question():
    total = len(knowledge_base().quiz)
    run = quiz_keys("".join(answer_keys()))
    assert run.status == 0, run.stderr
    assert run.stdout.count("✓ Right.") == total and "Not quite" not in run.stdout
    assert f"Score: {total} of {total} (100%)." in run.stdout


def test_a_wrong_answer_is_explained_with_the_right_one_and_its_entries():
    first = shuffled(knowledge_base().quiz, SEED)[0]
    run = quiz_keys(answer_keys(right=False)[0] + CTRL_C)
    feedback = " ".join(run.stdout.split())  # unwrap the lines
    assert f"✗ Not quite. The answer: {first.options[first.right]}" in feedback
    assert " ".join(first.question.explanation.split()) in feedback
    assert all(ref in feedback for ref in first.question.see)


def test_a_wrong_answer_costs_a_point_and_sends_you_to_the_entry():
    keys = answer_keys()
    keys[0] = answer_keys(right=False)[0]
    run = quiz_keys("".join(keys))
    total = len(keys)
    first = shuffled(knowledge_base().quiz, SEED)[0].question
    assert f"Score: {total - 1} of {total}" in run.stdout
    assert f"pod-advisor explain {first.see[0]}" in run.stdout.split("To read again:")[1]


def test_ctrl_c_stops_the_quiz_with_status_130_and_the_score_so_far():
    run = quiz_keys(answer_keys()[0] + CTRL_C)
    assert run.status == 130
    assert f"Stopped after 1 of {len(knowledge_base().quiz)} questions: 1 right." in run.stdout
    assert "interrupted" in run.stderr


def test_the_same_seed_shuffles_the_options_the_same_way():
    quiz = knowledge_base().quiz
    assert [a.options for a in shuffled(quiz, 1)] == [a.options for a in shuffled(quiz, 1)]
    assert [a.options for a in shuffled(quiz, 1)] != [a.options for a in shuffled(quiz, 2)]


def test_without_a_terminal_the_quiz_says_so_and_exits_2(cli):
    run = cli("quiz")
    assert run.status == 2 and run.stdout == ""
    assert "terminal" in run.stderr and "--answers" in run.stderr


# -- the quiz from an answers file ------------------------------------------------------

def test_an_answers_file_needs_no_terminal_and_is_scored(cli, write):
    path = write("answers.yaml", "quiz.controller-per-node: DaemonSet\n"
                                 "quiz.job-restart-policy: only always\n")
    run = cli("quiz", "--answers", path)
    assert run.status == 0, run.stderr
    assert "Question 1 of 2" in run.stdout and "Score: 1 of 2 (50%)." in run.stdout
    assert "Not quite. The answer: OnFailure or Never" in run.stdout


def test_an_answers_file_may_give_the_beginning_of_a_choice(cli, write):
    path = write("answers.yaml", "quiz.pod-sharing: One network namespace\n")
    assert "Score: 1 of 1" in cli("quiz", "--answers", path).stdout


def test_answers_can_come_from_standard_input(cli):
    run = cli("quiz", "--answers", "-", stdin="quiz.controller-nightly: CronJob\n")
    assert "Score: 1 of 1" in run.stdout


def test_an_answers_file_with_an_unknown_question_suggests_the_closest(cli, write):
    path = write("answers.yaml", "quiz.controler-per-node: DaemonSet\n")
    run = cli("quiz", "--answers", path)
    assert run.status == 2
    assert "answers.yaml:1: quiz.controler-per-node: no such quiz question" in run.stderr
    assert "did you mean 'quiz.controller-per-node'?" in run.stderr


def test_an_answer_that_matches_no_choice_lists_the_choices(cli, write):
    path = write("answers.yaml", "quiz.controller-nightly: a Lambda\n")
    run = cli("quiz", "--answers", path)
    assert run.status == 2 and "'a Lambda' matches no choice" in run.stderr and "'CronJob'" in run.stderr


def test_an_answer_that_begins_several_choices_is_refused(cli, write):
    path = write("answers.yaml", "quiz.job-restart-policy: Only\n")
    run = cli("quiz", "--answers", path)
    assert run.status == 2 and "is the beginning of 2 choices" in run.stderr


def test_a_numbered_answer_is_refused_because_the_options_are_shuffled(cli, write):
    path = write("answers.yaml", "quiz.controller-nightly: 1\n")
    run = cli("quiz", "--answers", path)
    assert run.status == 2 and "expected the text of a choice" in run.stderr


# -- the questions ---------------------------------------------------------------------

def test_every_question_has_distinct_choices():
    for question in knowledge_base().quiz:
        texts = [text for text, _ in question.choices]
        assert len(set(texts)) == len(texts) >= 3, question.id


def test_no_choice_text_is_the_beginning_of_another():
    """So that a whole choice text in an answers file always names exactly one option."""
    for question in knowledge_base().quiz:
        texts = [text.lower() for text, _ in question.choices]
        assert not [(a, b) for a in texts for b in texts if a != b and b.startswith(a)], question.id


@pytest.mark.parametrize("area,least", [("lifecycle", 3), ("restart", 3), ("controllers", 4), ("patterns", 4)])
def test_the_quiz_covers_phases_restart_policies_controllers_and_patterns(area, least):
    """Counted by the area of the entry each question cites first."""
    areas = Counter(question.see[0].split(".")[0] for question in knowledge_base().quiz)
    assert areas[area] >= least


def test_the_quiz_keeps_the_three_chapter_questions():
    assert sum(question.from_seed for question in knowledge_base().quiz) == 3


def test_the_quiz_draws_on_the_topics_a_pod_designer_needs_beyond_the_chapter():
    """Job features, probes, resources, disruptions, placement, security, storage, debugging and
    scaling each have a question, counted by every entry a question cites."""
    cited = {ref.split(".")[0] for question in knowledge_base().quiz for ref in question.see}
    assert {"jobs", "probes", "resources", "availability", "placement", "security", "storage", "debugging",
            "scaling"} <= cited
