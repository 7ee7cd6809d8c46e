"""The prompt primitives of dialogs/prompts.py, each driven through a pipe and DummyOutput."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from advisor.kb.questions import Invalid
from dialogs.prompts import Back, Heading, Terminal, ask_choice, ask_text, ask_yes_no

ENTER, ESC, CTRL_C, CTRL_D, CLEAR = "\r", "\x1b", "\x03", "\x04", "\x15"


@contextmanager
def keys(text: str):
    with create_pipe_input() as pipe:
        pipe.send_text(text)
        pipe.close()
        yield Terminal(input=pipe, output=DummyOutput(), color=False)


def whole_number(text: str) -> int:
    if not text.isdigit():
        raise Invalid(f"{text!r} is not a whole number", hint="such as 3")
    return int(text)


def test_text_enter_keeps_the_default():
    with keys(ENTER) as terminal:
        assert ask_text(terminal, "Name?", default="web") == "web"


def test_text_typing_adds_to_the_default_and_ctrl_u_clears_it():
    with keys("-1" + ENTER + CLEAR + "db" + ENTER) as terminal:
        assert ask_text(terminal, "Name?", default="web") == "web-1"
        assert ask_text(terminal, "Name?", default="web") == "db"


def test_text_refuses_what_parse_refuses_until_it_is_corrected():
    with keys("three" + ENTER + CLEAR + "3" + ENTER) as terminal:
        assert ask_text(terminal, "How many?", parse=whole_number) == 3


def test_text_esc_goes_back_with_what_was_typed():
    with keys("we" + ESC + "x") as terminal:
        assert ask_text(terminal, "Name?") == Back(draft="we")


def test_text_esc_does_nothing_where_there_is_no_way_back():
    with keys(ESC + "web" + ENTER) as terminal:
        assert ask_text(terminal, "Name?", can_go_back=False) == "web"


def test_text_question_mark_shows_help_instead_of_typing_it():
    with keys("?a" + ENTER) as terminal:
        assert ask_text(terminal, "Name?", help="A name.") == "a"


def test_text_question_mark_is_typed_where_it_is_valid_input():
    with keys("?" + ENTER) as terminal:
        assert ask_text(terminal, "Day?", help="A day.", question_mark_help=False) == "?"


def test_text_f1_shows_help_without_answering():
    with keys("\x1bOP" + "a" + ENTER) as terminal:  # F1
        assert ask_text(terminal, "Name?", help="A name.", question_mark_help=False) == "a"


# The keys after Ctrl-C or Ctrl-D would answer the prompt if the key were ignored: past the last key the
# prompt raises EOFError anyway, so a Ctrl-D at the very end could not tell its handling from the end of input.
AFTER = "x" + ENTER


@pytest.mark.parametrize("key, raised", [(CTRL_C, KeyboardInterrupt), (CTRL_D, EOFError)])
def test_text_ctrl_c_and_ctrl_d_raise_even_with_text_typed(key, raised):
    with keys("half" + key + AFTER) as terminal:
        with pytest.raises(raised):
            ask_text(terminal, "Name?", default="web")


def test_yes_no_enter_takes_the_default():
    with keys(ENTER + ENTER) as terminal:
        assert ask_yes_no(terminal, "Sure?", default=True) is True
        assert ask_yes_no(terminal, "Sure?", default=False) is False


def test_yes_no_y_and_n_answer_at_once():
    with keys("yN") as terminal:
        assert ask_yes_no(terminal, "Sure?", default=False) is True
        assert ask_yes_no(terminal, "Sure?", default=True) is False


def test_yes_no_tab_moves_to_the_other_answer():
    with keys("\t" + ENTER) as terminal:
        assert ask_yes_no(terminal, "Sure?", default=False) is True


def test_yes_no_esc_goes_back_with_the_highlighted_answer():
    with keys("\t" + ESC + "x") as terminal:
        assert ask_yes_no(terminal, "Sure?", default=False) == Back(draft=True)


def test_yes_no_ctrl_c_raises_keyboard_interrupt():
    with keys(CTRL_C + AFTER) as terminal:
        with pytest.raises(KeyboardInterrupt):
            ask_yes_no(terminal, "Sure?")


OPTIONS = [("a", "Apples"), ("b", "Bananas"), ("c", "Cherries")]


def test_choice_enter_takes_the_default():
    with keys(ENTER) as terminal:
        assert ask_choice(terminal, "Fruit?", OPTIONS, default="b") == "b"


def test_choice_without_a_default_starts_on_the_first_option():
    with keys(ENTER) as terminal:
        assert ask_choice(terminal, "Fruit?", OPTIONS) == "a"


def test_choice_down_and_up_move_and_stop_at_the_ends():
    with keys("jjjj" + ENTER + "\x1b[B\x1b[A\x1b[A" + ENTER) as terminal:
        assert ask_choice(terminal, "Fruit?", OPTIONS) == "c"
        assert ask_choice(terminal, "Fruit?", OPTIONS) == "a"


def test_choice_a_digit_picks_its_option_at_once():
    with keys("3") as terminal:  # no Enter: past the digit the input ends, which would raise EOFError
        assert ask_choice(terminal, "Fruit?", OPTIONS) == "c"


def test_choice_a_digit_past_the_last_option_picks_nothing():
    with keys("9" + "2") as terminal:
        assert ask_choice(terminal, "Fruit?", OPTIONS) == "b"


TWELVE = [(n, f"option {n}") for n in range(1, 13)]


def test_choice_in_a_long_list_two_digits_pick_at_once():
    with keys("12") as terminal:
        assert ask_choice(terminal, "Which?", TWELVE) == 12


def test_choice_in_a_long_list_a_digit_no_other_number_starts_with_picks_at_once():
    with keys("7") as terminal:
        assert ask_choice(terminal, "Which?", TWELVE) == 7


def test_choice_in_a_long_list_a_digit_that_starts_other_numbers_waits_for_enter():
    with keys("1" + ENTER) as terminal:
        assert ask_choice(terminal, "Which?", TWELVE) == 1


def test_choice_headings_are_neither_numbered_nor_picked():
    options = [Heading("Red"), ("a", "Apples"), ("c", "Cherries"), Heading("Yellow"), ("b", "Bananas")]
    with keys("3" + "j" * 5 + "k" + ENTER) as terminal:
        assert ask_choice(terminal, "Fruit?", options) == "b"  # 3 is the third option, under its heading
        assert ask_choice(terminal, "Fruit?", options) == "c"  # down past the heading, then up one


def test_choice_esc_goes_back_with_the_highlighted_option():
    with keys("j" + ESC + "x") as terminal:
        assert ask_choice(terminal, "Fruit?", OPTIONS) == Back(draft="b")


def test_choice_ctrl_d_raises_eof():
    with keys(CTRL_D + ENTER) as terminal:
        with pytest.raises(EOFError):
            ask_choice(terminal, "Fruit?", OPTIONS)


def test_choice_needs_an_option():
    with pytest.raises(ValueError, match="at least one option"):
        ask_choice(Terminal(), "Fruit?", [])
