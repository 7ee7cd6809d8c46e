"""Properties of the doors issue 24 attacked, for any input: random valid answers give a Helm chart
that the real helm renders as exactly the plain manifest's objects, and a picture that Mermaid's
own parser reads back box for box; mutated manifests in any encoding YAML allows go through
review --fix, --diff and --suggest without a traceback, and a file --fix rewrites keeps its
encoding and, byte for byte, every document it did not fix.

Like test_properties.py, each runs the examples of the Hypothesis profile (conftest.py): a bounded,
repeatable few in the suite; ``python bench/fuzz.py`` runs them long. The ones that start a real
tool for each example run a fifth as many (at least 5), each example a list of inputs where the
tool takes several at once.
"""

from __future__ import annotations

import codecs
import json
import re
import subprocess
import tempfile

import pytest
import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from helpers import hostile as hostile
from advisor.answers.load import answers_from_data
from advisor.engine.advise import advise
from advisor.system.errors import InputError
from advisor.system.fileio import write_tree
from advisor.manifests import make_manifest
from advisor.manifests.helm import chart_files
from advisor.render.graph import build_picture, to_mermaid
from helpers.paths import ROOT
from helpers.cli import run_cli
from helpers.tools import in_ci, require_tool

OUTCOMES = {0, 1, 2}
EXPENSIVE = settings(max_examples=max(5, settings.default.max_examples // 5))
MERMAID = ROOT / "tools" / "mermaid"
MARKER = re.compile(r"^(?=(?:---|\.\.\.)(?:[ \t\r\n]|$))", re.MULTILINE)


def _manifest(data):
    try:
        return make_manifest(advise(answers_from_data(data)))
    except InputError:  # not valid after all, or a name Kubernetes would not take for an object
        assume(False)


# -- the Helm chart, rendered by the real helm ------------------------------------------------------


@given(hostile.answer_data())
def test_any_valid_answer_files_chart_renders_with_helm_as_exactly_its_manifests_objects(data):
    helm = require_tool("helm", "tools/build-go-tools builds it into tools/bin")
    manifest = _manifest(data)
    with tempfile.TemporaryDirectory(prefix="pod-advisor-chart-") as folder:
        write_tree(f"{folder}/chart", chart_files(manifest))
        # objects the answers put in a namespace go in the release's: installed there, as docs/manifests.md says
        namespaces = {obj["metadata"]["namespace"] for obj in manifest.objects if "namespace" in obj["metadata"]}
        release = [arg for namespace in namespaces for arg in ("--namespace", namespace)]
        done = subprocess.run([helm, "template", f"{folder}/chart", "--kube-version",
                               manifest.recommendation.kubernetes, *release], capture_output=True, text=True,
                              timeout=120)
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml.safe_load_all(done.stdout) if d is not None]
    key = lambda obj: (obj["kind"], obj["metadata"]["name"])  # noqa: E731 - Helm orders by kind
    assert sorted(rendered, key=key) == sorted(manifest.objects, key=key)


# -- the picture, read by Mermaid's own parser ------------------------------------------------------


def _read_many(texts: list[str]) -> list[dict]:
    node = require_tool("node", "apt-get install nodejs npm")
    if not (MERMAID / "node_modules" / "mermaid").is_dir():
        reason = "Mermaid's parser is not installed (run tools/mermaid/install)"
        if in_ci():
            pytest.fail(f"CI needs {reason}", pytrace=False)
        pytest.skip(reason)
    done = subprocess.run([node, str(MERMAID / "read.mjs"), "--many"], input=json.dumps(texts), capture_output=True,
                          text=True, timeout=600, cwd=MERMAID)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@EXPENSIVE
@given(st.lists(hostile.answer_data(), min_size=1, max_size=8))
def test_any_valid_answer_files_picture_reads_back_in_mermaid_box_for_box(many):
    recs = []
    for data in many:
        try:
            recs.append(advise(answers_from_data(data)))
        except InputError:
            continue
    assume(recs)
    for rec, read in zip(recs, _read_many([to_mermaid(rec) for rec in recs])):
        assert "error" not in read, read
        assert read["config"] == {}  # nothing in a label is a directive
        boxes = {box.id: [box.title, *box.details] for box in build_picture(rec).all_boxes()}
        assert {k: v for k, v in read["vertices"].items() if k in boxes} == boxes


# -- review --fix, --diff and --suggest in any encoding ---------------------------------------------

ENCODINGS = [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
             ("utf-16-be", codecs.BOM_UTF16_BE)]
FIX_SEEDS = sorted((ROOT / "tests" / "fixtures" / "review" / "fix").glob("*.y*ml")) + hostile.MANIFEST_SEEDS
manifests = st.one_of(st.sampled_from(FIX_SEEDS).map(hostile.seed_text),
                      st.sampled_from(FIX_SEEDS).map(hostile.seed_text).flatmap(hostile.mutated_text),
                      st.sampled_from(hostile.MANIFEST_SEEDS).map(hostile.seed_data).flatmap(hostile.mutated_data)
                      .map(lambda docs: "---\n".join(hostile.dump_any(d) for d in docs) if isinstance(docs, list)
                           else hostile.dump_any(docs)))


@given(manifests, st.sampled_from(ENCODINGS), st.booleans())
def test_review_fix_keeps_a_files_encoding_and_every_document_it_does_not_fix(text, encoding, crlf):
    codec, mark = encoding
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    try:
        data = mark + text.encode(codec)
    except UnicodeEncodeError:  # a lone surrogate: no file holds it
        assume(False)
    handle, path = tempfile.mkstemp(prefix="pod-advisor-fuzz-", suffix=".yaml")
    with open(handle, "wb") as out:
        out.write(data)
    for flag in ("--suggest", "--diff"):
        run = run_cli("review", path, flag)
        assert run.status in OUTCOMES and "Traceback" not in run.stderr, (flag, run.stderr)
    with open(path, "rb") as before:
        assert before.read() == data  # neither writes
    run = run_cli("review", path, "--fix")
    assert run.status in OUTCOMES and "Traceback" not in run.stderr, run.stderr
    with open(path, "rb") as after:
        written = after.read()
    if "fixed " not in run.stderr:
        assert written == data
        return
    assert written.startswith(mark) and not (mark == b"" and written.startswith(codecs.BOM_UTF8))
    written[len(mark):].decode(codec)  # strict: the file is still in its encoding
    kept = [chunk for chunk in MARKER.split(text) if chunk.encode(codec) in written]
    changed = [chunk for chunk in MARKER.split(text) if chunk not in kept]
    for chunk in changed:  # what changed held an object review fixes; the rest is there byte for byte
        assert re.search(r"(?m)^\s*kind:\s*[\"']?(Pod|Deployment|ReplicaSet|ReplicationController|StatefulSet|"
                         r"DaemonSet|Job|CronJob|List)\b", chunk) or '"kind"' in chunk, chunk
    again = run_cli("review", path, "--fix")
    assert again.status in OUTCOMES and "Traceback" not in again.stderr
