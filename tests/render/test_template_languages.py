"""Text that reaches a template language is escaped by that language's own rules, and the real
tool reads it back as written (issue 24, class 6): Go templates (the Helm chart, read by the real
helm) and Mermaid (the picture, read by Mermaid's own parser from npm, tools/mermaid/install).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest

from advisor.answers.load import load_answers
from advisor.engine.advise import advise
from advisor.system.fileio import write_tree
from advisor.manifests import make_manifest
from advisor.manifests.helm import chart_files
from advisor.domain.model import Answers, Container
from advisor.render.graph import build_picture, to_mermaid
from helpers.paths import EXAMPLES, ROOT
from helpers.tools import in_ci, require_tool

MERMAID = ROOT / "tools" / "mermaid"
BRACES = ["{{{ a }}}", "{{- .Release.Name }}", "{{", "}}", "x{{{", "{{/* c */}}"]


# -- Helm (Go templates) ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", BRACES)
def test_a_comment_in_a_chart_template_renders_as_written(tmp_path, text):
    helm = require_tool("helm", "tools/build-go-tools builds it into tools/bin")
    manifest = make_manifest(advise(load_answers(str(EXAMPLES / "web-with-log-shipper.yaml"))))
    first = manifest.documents[0]
    comments = {**first.comments, ("metadata",): [f"note: {text} end"]}
    manifest = dataclasses.replace(manifest, documents=[dataclasses.replace(first, comments=comments),
                                                        *manifest.documents[1:]])
    write_tree(str(tmp_path / "chart"), chart_files(manifest))
    done = subprocess.run([helm, "template", str(tmp_path / "chart"), "--kube-version",
                           manifest.recommendation.kubernetes], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"# note: {text} end" in [line.strip() for line in done.stdout.splitlines()]


# -- Mermaid ------------------------------------------------------------------------------------------


def read_mermaid(text: str) -> dict:
    """What Mermaid's own parser makes of ``text`` (tools/mermaid/read.mjs)."""
    node = require_tool("node", "apt-get install nodejs npm")
    if not (MERMAID / "node_modules" / "mermaid").is_dir():
        reason = "Mermaid's parser is not installed (run tools/mermaid/install)"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason)
    done = subprocess.run([node, str(MERMAID / "read.mjs")], input=text, capture_output=True, text=True,
                          timeout=120, cwd=MERMAID)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def one_container(image: str, name: str = "web") -> Answers:
    """Answers as data, past the answer file's checks: what the picture must draw, whatever it holds."""
    return Answers(name="shop", kubernetes="1.33",
                   containers=(Container(index=0, name=name, image=image, main=True, ports=(80,)),))


def expected_labels(rec) -> dict[str, list[str]]:
    return {box.id: [box.title, *box.details] for box in build_picture(rec).all_boxes()}


INIT = '%%{init: {"theme": "dark", "themeVariables": {"primaryTextColor": "transparent"}}}%%'


@pytest.mark.parametrize("image", [INIT + "nginx:1.27", "nginx:1.27" + INIT, "%%comment", 'a"b#c<d>e|f&g`h%i'])
def test_a_mermaid_label_reads_back_as_written_and_sets_no_configuration(image):
    rec = advise(one_container(image))
    read = read_mermaid(to_mermaid(rec))
    assert read["config"] == {}  # no directive: the picture keeps its own styles
    assert {k: v for k, v in read["vertices"].items() if k in expected_labels(rec)} == expected_labels(rec)


def test_the_drawing_of_every_example_reads_back_box_for_box():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        rec = advise(load_answers(str(path)))
        read = read_mermaid(to_mermaid(rec))
        assert {k: v for k, v in read["vertices"].items() if k in expected_labels(rec)} == expected_labels(rec), path
        assert read["type"] == "flowchart-v2"

