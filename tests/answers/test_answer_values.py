"""Values as Kubernetes reads them: ASCII digits, whole patterns, bounded lengths, and
errors that repeat a value without echoing all of it (issue 11, classes 3, 5 and 11)."""

from __future__ import annotations

import pytest

from advisor.system.errors import InputError, Problem
from advisor.kb.knowledge import knowledge_base
from advisor.kb.questions import Invalid

MINIMAL = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


def question(key: str):
    return knowledge_base().questions.by_key(key)


def refused(cli, write, text) -> str:
    run = cli("evaluate", write("app.yaml", text))
    assert run.status == 2 and run.stdout == "" and "Traceback" not in run.stderr
    return run.stderr


@pytest.mark.parametrize("schedule", ["² * * * *", "٣ * * * *", "0 ٣ * * *", "*/٣ * * * *", "ſun * * * *",
                                      "0 3 * * ſun", "*/" + "9" * 5000 + " * * * *", "0\x0b3 * * *"])
def test_a_schedule_with_digits_or_letters_kubernetes_does_not_read_is_refused(schedule):
    with pytest.raises(Invalid):
        question("workload.schedule").check(schedule)


def test_a_schedule_may_separate_its_fields_with_tabs():
    assert question("workload.schedule").check("0\t3 * * *") == "0\t3 * * *"


@pytest.mark.parametrize("cpu", ["٣", "1\n", "١٠٠m", "9" * 65])
def test_a_quantity_kubernetes_does_not_read_is_refused(cpu):
    with pytest.raises(Invalid):
        question("containers[].resources.cpu").check(cpu)


def test_a_five_thousand_digit_quantity_is_refused_as_too_long(cli, write):
    err = refused(cli, write, MINIMAL + f"    resources: {{cpu: \"{'9' * 5000}\"}}\n")
    assert "too long for a Kubernetes quantity" in err and "(5,000 characters)" in err


@pytest.mark.parametrize("name", ["web\n", "ｗeb", "web\u200b"])
def test_a_name_is_matched_whole_and_in_ascii(name):
    with pytest.raises(Invalid):
        question("name").check(name)


def test_a_version_with_other_digits_is_refused():
    with pytest.raises(Invalid):
        question("kubernetes").check("1.٣٣", raw="1.٣٣")


@pytest.mark.parametrize("typed", ["٣", "1_0", "+3", "9" * 11])
def test_a_typed_whole_number_is_ascii_digits(typed):
    with pytest.raises(Invalid):
        question("workload.replicas").parse_text(typed)


def test_typed_ports_are_ascii_digits():
    with pytest.raises(Invalid):
        question("containers[].ports").parse_text("80, ٣")


def test_replicas_beyond_what_kubernetes_counts_are_refused(cli, write):
    assert "must be at most 2,147,483,647" in refused(cli, write, MINIMAL + "workload: {replicas: 4294967296}\n")


def test_an_image_with_a_control_character_is_refused(cli, write):
    assert "contains a control character" in refused(cli, write, MINIMAL.replace("nginx:1.27", '"nginx\\e[2J:1"'))


def test_every_port_there_is_is_checked_at_once():
    ports = list(range(1, 65536))
    assert len(question("containers[].ports").check(ports)) == 65535
    with pytest.raises(Invalid, match="port 1 is listed twice"):
        question("containers[].ports").check(ports + [1])


def test_a_file_of_the_wrong_type_says_what_it_found_in_words(cli, write):
    assert "found a number" in refused(cli, write, "5\n")


def test_an_error_repeats_a_long_value_cut_with_its_length(cli, write):
    err = refused(cli, write, MINIMAL.replace("name: shop", f"name: {'A' * 200_000}"))
    assert len(err) < 1000 and "(200,000 characters)" in err


def test_an_unknown_long_key_is_named_cut(cli, write):
    err = refused(cli, write, MINIMAL + f"{'k' * 1000}: 1\n")
    assert len(err) < 1000 and "unknown key" in err


def test_a_problem_with_no_file_names_no_input():
    assert str(Problem("--kubernetes: 1.2 is not supported")) == "--kubernetes: 1.2 is not supported"


def test_review_kubernetes_option_error_is_not_blamed_on_input(cli, write):
    run = cli("review", write("x.yaml", "a: 1\n"), "--kubernetes", "1.2")
    assert run.status == 2 and run.stderr.startswith("pod-advisor: --kubernetes:")


@pytest.mark.parametrize("text", ["nginx:1.27", "a\x00b", "tab\there", "del\x7f", "soft\u00adhyphen", "bidi\u202eimage",
                                  "lone\ud800surrogate", "accented-é", "\u2028line", "plain ascii ~!"])
def test_an_image_with_a_control_character_is_found_as_unicode_categories_find_it(text):
    import unicodedata

    from advisor.kb.questions import _has_control_character

    assert _has_control_character(text) == any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)
