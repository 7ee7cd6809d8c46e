"""Merge keys, aliases and documents: YAML read as YAML defines it, at a bounded cost
(issue 11, classes 5 and 11)."""

from __future__ import annotations

import codecs

import pytest

from advisor.system import yamlsource
from advisor.system.errors import InputError
from advisor.system.yamlsource import decode, parse_document, parse_documents

MINIMAL = "name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n"


def test_a_key_after_a_merge_overrides_the_merged_one():
    doc = parse_document("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "x")
    assert doc.data["c"] == {"x": 3, "y": 2}


def test_a_key_before_a_merge_overrides_the_merged_one_too():
    assert parse_document("base: &b {x: 1}\nc: {x: 3, <<: *b}\n", "x").data["c"] == {"x": 3}


def test_of_several_merged_mappings_the_first_wins():
    assert parse_document("c: {<<: [{x: 1}, {x: 2, y: 3}]}\n", "x").data["c"] == {"x": 1, "y": 3}


def test_a_merged_key_keeps_the_line_where_it_is_written():
    doc = parse_document("base: &b\n  x: 1\nc:\n  <<: *b\n", "x")
    assert doc.line(("c", "x")) == 2


def test_a_key_written_twice_beside_a_merge_is_still_refused():
    with pytest.raises(InputError, match="the key 'x' appears twice"):
        parse_document("base: &b {y: 1}\nc: {<<: *b, x: 1, x: 2}\n", "x")


def test_a_merge_of_something_other_than_a_mapping_is_refused_with_its_line():
    with pytest.raises(InputError) as caught:
        parse_document("a: 1\nc: {<<: 5}\n", "x")
    assert caught.value.problems[0].line == 2 and "a merge (<<) takes a mapping" in str(caught.value)


def test_a_mapping_that_merges_itself_is_refused():
    with pytest.raises(InputError, match="merges itself"):
        parse_document("a: &a\n  <<: *a\n", "x")


def test_an_answer_file_with_a_merge_override_is_valid(cli, write):
    text = MINIMAL.replace(
        "  - name: web\n    image: nginx:1.27\n",
        "  - &web {name: web, image: nginx:1.27}\n  - <<: *web\n    name: side\n")
    assert cli("evaluate", write("app.yaml", text)).status == 0


def _laughs(levels: int) -> str:
    """A small document that expands to 10 ** levels values."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_the_alias_budget_covers_every_document_of_an_input():
    # each document alone stays under the budget; together they do not
    one = _laughs(4)  # about 11,000 values visited again
    assert parse_documents(one, "x")
    with pytest.raises(InputError, match="expands past a sane size"):
        parse_documents("---\n".join([one] * 12), "x")


def test_an_input_without_aliases_is_never_charged_however_long():
    text = "items:\n" + "".join(f"- {{name: n{i}, value: {i}}}\n" for i in range(20_000))
    assert len(parse_document(text, "x").data["items"]) == 20_000


def test_an_answer_file_stops_at_its_second_document_before_expanding_it(monkeypatch):
    converted = []
    original = yamlsource._Converter.document
    monkeypatch.setattr(yamlsource._Converter, "document",
                        lambda self, node, *rest: converted.append(node) or original(self, node, *rest))
    with pytest.raises(InputError, match="holds several YAML documents") as caught:
        parse_document("---\n".join([_laughs(4)] * 50), "x")
    assert len(converted) == 1 and caught.value.problems[0].line is not None


def test_utf16_with_its_bom_is_read():
    assert decode("name: café\n".encode("utf-16"), "x") == "name: café\n"


def test_utf8_with_a_bom_is_read():
    assert decode(codecs.BOM_UTF8 + "a: b\n".encode(), "x") == "a: b\n"


def test_bytes_that_are_not_utf8_are_refused_with_the_offset():
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 4\)"):
        decode(b"a: b\xff\n", "x")
