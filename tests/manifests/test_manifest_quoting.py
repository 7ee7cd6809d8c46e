"""The manifest writer quotes by what a reader would take a plain scalar for (issue 11,
class 2): names that look like dates or Go numbers, images with any character."""

from __future__ import annotations

import pytest
import yaml

from advisor.manifests.emit import flow, read_stream, scalar

MINIMAL = "name: {name}\ncontainers:\n  - name: web\n    image: {image}\n"


@pytest.mark.parametrize("name", ["2020-13-01", "2020-01-01", "1e5", "0o17", "0x1f", "1-0", "123", "yes", "null"])
def test_a_name_a_reader_could_take_for_something_else_is_written_as_text(cli, write, name):
    run = cli("manifest", write("app.yaml", MINIMAL.format(name=f'"{name}"', image="nginx:1.27")))
    assert run.status == 0, run.stderr
    assert [doc["metadata"]["name"] for doc in read_stream(run.stdout)] == [name]


@pytest.mark.parametrize("text", ["nginx:1.27é", "nginx:\U0001F600", "ghcr.io/ü/x:1", "nginx:1.27ß"])
def test_a_text_with_any_printable_character_is_written_in_ascii_and_reads_back_as_written(text):
    written = f"image: {scalar(text)}\n"
    assert written.isascii() and read_stream(written) == [{"image": text}]


@pytest.mark.parametrize("image", ["nginx:1.27é", "nginx:\U0001F600", "ghcr.io/ü/x:1"])
def test_an_image_no_runtime_could_pull_never_reaches_a_manifest(cli, write, image):
    # (issue 24: image references are read as the kubelet reads them, advisor/domain/image_reference.py)
    run = cli("manifest", write("app.yaml", MINIMAL.format(name="shop", image=f'"{image}"')))
    assert run.status == 2 and "is not an image reference a container runtime can pull" in run.stderr


@pytest.mark.parametrize("text", ["1e5", "+Inf", "-.5", "0b101", "1_000", "0x1p-2", "+inf", "12:30"])
def test_what_kubectls_go_decoder_reads_as_a_number_is_quoted(text):
    assert scalar(text) != text


@pytest.mark.parametrize("value", ["a, b", "[x]", "{x}", "- x", "a: b", "a #b", "", "~", "\n", "x\ty", True, 0, 1.5,
                                   None])
def test_a_scalar_reads_back_as_itself_in_block_and_in_flow_context(value):
    assert yaml.safe_load(f"k: {scalar(value)}\n") == {"k": value}
    assert yaml.safe_load(f"k: {flow([value, value])}\n") == {"k": [value, value]}
