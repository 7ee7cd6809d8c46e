"""Image references read as the kubelet reads them (advisor/domain/image_reference.py), and the
places that use the one parser: the answers' validation, the Helm chart's values schema, review.

The parser is checked against the real one: tools/imageref is the kubelet's reference library
(github.com/distribution/reference) as a command, built by tools/imageref/build.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from advisor.domain import image_reference as grammar
from advisor.domain.image_reference import InvalidReference, parse
from helpers.paths import EXAMPLES
from helpers.tools import find_tool, in_ci

SHA = "sha256:" + "a" * 64


@pytest.mark.parametrize("text, parts", [
    ("nginx", ("nginx", None, None)),
    ("nginx:1.27", ("nginx", "1.27", None)),
    ("localhost:5000/team/app:v1", ("localhost:5000/team/app", "v1", None)),
    ("[::1]:5000/app", ("[::1]:5000/app", None, None)),
    ("MyRegistry/app:1", ("MyRegistry/app", "1", None)),  # a capital letter makes the first part a registry
    (f"ghcr.io/x/y:2@{SHA}", ("ghcr.io/x/y", "2", SHA)),
    ("a__b/c--d.e_f", ("a__b/c--d.e_f", None, None)),
])
def test_a_reference_the_runtime_pulls_is_split_into_its_parts(text, parts):
    reference = parse(text)
    assert (reference.repository, reference.tag, reference.digest) == parts
    assert str(reference) == text


@pytest.mark.parametrize("text, why", [
    (":1.0", "the repository name is missing before ':'"),
    ("@sha256:abc", "the repository name is missing before '@'"),
    ("web@v2", "'v2' after '@' is not a digest"),
    ("nginx:", "nothing follows ':'"),
    ("Nginx:1.27", "the repository 'Nginx' must be lower case"),
    ("nginx:1.27:2", "the tag '1.27:2' is not one a runtime takes"),
    ("a" * 64, "an image ID, not a name"),
    ("x@md5:" + "a" * 32, "the digest algorithm 'md5' is not one a runtime checks"),
    ("x@sha256:" + "A" * 64, "64 lower-case hexadecimal digits, not 64 with capitals"),
    ("%%{init:{}}%%nginx:1.27", "is not one a runtime takes"),
    ("nginx{{{", "is not lower-case letters and digits"),
    ("a" * 250, "the repository path is longer than 255 characters ('library/aaa"),
])
def test_a_reference_the_runtime_refuses_is_refused_saying_why(text, why):
    with pytest.raises(InvalidReference, match=None) as raised:
        parse(text)
    assert why in str(raised.value)


# -- the real parser ----------------------------------------------------------------------------


def _imageref() -> str | None:
    found = find_tool("imageref")
    if found is None:
        reason = "tools/imageref/bin/imageref is not built (tools/imageref/build; it needs Go)"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def _runtime(texts: list[str]) -> list[str]:
    done = subprocess.run([_imageref()], input="".join(t + "\n" for t in texts), capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.splitlines()


def _ours(text: str) -> str:
    """Our parse, worded as tools/imageref prints the runtime's (the name as Docker shows it)."""
    try:
        reference = parse(text)
    except InvalidReference:
        return "ERR"
    domain, path = reference.domain, reference.path
    name = path.removeprefix("library/") if domain == grammar.DEFAULT_DOMAIN else f"{domain}/{path}" if domain else path
    return f"OK {name} {reference.tag or '-'} {reference.digest or '-'}"


PIECES = ["a", "b", "z", "0", "9", "A", ".", "_", "__", "-", "--", "/", ":", "@", "5000", "localhost", "docker.io",
          "index.docker.io", "library", "ghcr.io", "[::1]", "[", "]", "x.Y", "sha256:", "sha512:", "md5:", "a" * 32,
          "f" * 64, "F" * 64, "0" * 96, "v1.2", "ê", " ", "{{", "%"]


def near_references(seed: int, count: int) -> list[str]:
    """``count`` texts pieced together from the grammar's tokens: about one in nine is a reference."""
    import random

    rnd = random.Random(seed)
    return ["".join(rnd.choice(PIECES) for _ in range(rnd.randint(1, 12))) for _ in range(count)]


def disagreements(texts: list[str]) -> list[tuple[str, str, str]]:
    """(text, the runtime's parse, ours) wherever the two differ."""
    return [(t, r, o) for t, r in zip(texts, _runtime(texts))
            if (r if r.startswith("OK") else "ERR") != (o := _ours(t))]


def test_the_parser_accepts_and_splits_exactly_what_the_kubelets_parser_does():
    texts = near_references(seed=24, count=5000)
    assert disagreements(texts) == []


def test_the_parser_agrees_with_the_kubelets_on_the_issues_cases():
    cases = [":1.0", "@sha256:abc", "web@v2", "nginx:", "nginx:1.27", "%%{init:{}}%%nginx:1.27", "{{{", "a" * 64,
             "MyRegistry/app:1", "foo/Bar", "docker.io/nginx", "index.docker.io/team/app", "x@" + SHA.upper()]
    runtime = _runtime(cases)
    assert [r if r.startswith("OK") else "ERR" for r in runtime] == [_ours(t) for t in cases]


# -- where the parser is used ---------------------------------------------------------------------


@pytest.mark.parametrize("image", [":1.0", "@sha256:abc", "web@v2", "nginx:", "nginx:1.27{{{"])
def test_an_answer_file_with_an_image_the_runtime_refuses_is_invalid_input(cli, write, image):
    path = write("app.yaml", f"name: shop\ncontainers:\n  - name: web\n    image: {json.dumps(image)}\n")
    run = cli("evaluate", path)
    assert run.status == 2
    assert f"containers[0].image: {image!r} is not an image reference a container runtime can pull" in run.stderr


def test_review_notes_a_container_whose_image_the_runtime_cannot_parse(cli, write):
    path = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n"
                             "    - name: web\n      image: 'nginx:'\n")
    run = cli("review", path)
    assert f"{path}:7: Pod x: container web's image 'nginx:' is not a reference a container runtime can pull" \
        in run.stderr
    assert "InvalidImageName" in run.stderr


@pytest.fixture(scope="module")
def chart(tmp_path_factory):
    from advisor.answers.load import load_answers
    from advisor.engine.advise import advise
    from advisor.system.fileio import write_tree
    from advisor.manifests import make_manifest
    from advisor.manifests.helm import chart_files

    folder = tmp_path_factory.mktemp("chart") / "blog"
    manifest = make_manifest(advise(load_answers(str(EXAMPLES / "app-and-database.yaml"))))
    write_tree(str(folder), chart_files(manifest))
    return folder, manifest.recommendation.kubernetes


@pytest.mark.parametrize("setting, accepted", [
    ("images.app.tag=1.8.1", True),
    ("images.app.repository=registry.example.com:5000/team/blog", True),
    ("images.app.tag=", True),
    ("images.app.tag=-rc1", False),
    ("images.app.tag=1.8 beta", False),
    ("images.app.repository=Blog", False),
    ("images.app.repository=blog{{{", False),
    ("images.app.repository=" + "a" * 64, True),  # with its tag, a name
    ("images.app.repository=" + "a" * 64 + ",images.app.tag=",
     False),  # alone, an image ID
])
def test_the_charts_schema_takes_exactly_the_image_parts_the_runtime_takes(chart, setting, accepted):
    from helpers.tools import require_tool

    helm = require_tool("helm", "tools/build-go-tools builds it into tools/bin")
    folder, kubernetes = chart
    done = subprocess.run([helm, "template", str(folder), "--kube-version", kubernetes, "--set-string", setting],
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode == 0) == accepted, done.stderr
    if accepted:
        images = [line.split("image: ", 1)[1].strip('"') for line in done.stdout.splitlines() if "image: " in line]
        assert images and all(grammar.is_valid(image) for image in images)
    else:
        assert "/images/app" in done.stderr

