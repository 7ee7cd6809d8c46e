"""What a review keeps between runs (advisor.system.cache): the files it parsed, the designs the
engine concluded, the schemas' outcomes, the shell scripts it parsed. A review run again over
the same files reads them back instead of working them out, and must say exactly the same;
an edited file is read again, and a file that may hold a Secret is never copied into the cache."""

from __future__ import annotations

import json

import pytest

from advisor.kb.knowledge import knowledge_base
from advisor.manifests.known_valid import KnownValid
from advisor.render.review import render_json
from advisor.review import ReviewOptions, Reviewer, designs, objects, reviewer, shell

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          command: [sh, -c, "nginx -g 'daemon off;' >> /var/log/{name}.log"]
"""
SECRET = "apiVersion: v1\nkind: Secret\nmetadata: {name: token}\nstringData: {token: hunter2}\n"


@pytest.fixture
def tree(tmp_path):
    folder = tmp_path / "manifests"
    folder.mkdir()
    for name in ("shop", "blog", "wiki"):
        (folder / f"{name}.yaml").write_text(DEPLOYMENT.format(name=name))
    return folder


def _small_inputs_kept(monkeypatch):
    monkeypatch.setattr(objects.KeptParses, "LEAST_BYTES", 1)
    monkeypatch.setattr(objects.KeptParses, "STORE_PER_INPUT", 1000)


def _parses(monkeypatch) -> list[str]:
    """The files parsed from their text from now on."""
    parsed: list[str] = []
    real = objects.parse_documents_apart

    def counting(text, source, *args, **kwargs):
        parsed.append(source.rsplit("/", 1)[-1])
        return real(text, source, *args, **kwargs)

    monkeypatch.setattr(objects, "parse_documents_apart", counting)
    return parsed


def test_a_review_run_again_reads_its_files_back_and_says_the_same(cli, tree, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    first = cli("review", str(tree), "--format", "json")
    parsed = _parses(monkeypatch)
    second = cli("review", str(tree), "--format", "json")
    assert parsed == []
    assert (second.status, second.stdout, second.stderr) == (first.status, first.stdout, first.stderr)


def test_files_read_back_share_their_key_paths_as_files_parsed_do(tree, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    texts = [(str(path), path.read_text()) for path in sorted(tree.iterdir())]
    objects.parse_inputs(texts, keep=10**6)
    parsed = _parses(monkeypatch)
    shop, blog, wiki = objects.parse_inputs(texts, keep=10**6).objects
    assert parsed == []
    path = ("spec", "template", "spec", "containers", 0, "image")
    held = [next(p for p in obj.doc.lines if p == path) for obj in (shop, blog, wiki)]
    assert held[0] is held[1] is held[2]


def test_an_edited_file_is_parsed_again(cli, tree, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    cli("review", str(tree))
    (tree / "blog.yaml").write_text(DEPLOYMENT.format(name="blog").replace("nginx:1.27", "nginx:1.28"))
    parsed = _parses(monkeypatch)
    cli("review", str(tree))
    assert parsed == ["blog.yaml"]


def test_a_small_review_keeps_nothing_of_its_files(cli, tree, cache_home):
    cli("review", str(tree))
    assert not (cache_home / f"{objects.KeptParses.KIND}.pickle").exists()


def test_a_file_that_may_hold_a_secret_is_never_kept(cli, tree, cache_home, monkeypatch):
    _small_inputs_kept(monkeypatch)
    (tree / "token.yaml").write_text(SECRET)
    cli("review", str(tree))
    kept = (cache_home / f"{objects.KeptParses.KIND}.pickle").read_bytes()
    assert b"hunter2" not in kept and b"shop" in kept
    parsed = _parses(monkeypatch)
    cli("review", str(tree))
    assert parsed == ["token.yaml"]


def test_a_large_review_keeps_its_designs_for_the_next_one(cache_home, monkeypatch):
    monkeypatch.setattr(reviewer, "KEEP_FROM", 2)
    texts = [(f"{name}.yaml", DEPLOYMENT.format(name=name)) for name in ("shop", "blog")]
    first = Reviewer(keep_designs=True)
    before = first.review_texts(texts, ReviewOptions())
    first.designs.save()
    again = Reviewer(keep_designs=True)
    after = again.review_texts(texts, ReviewOptions())
    assert again.designs.evaluated == 0 and again.designs.reused == 2
    assert render_json(after, knowledge_base()) == render_json(before, knowledge_base())


def test_a_review_of_few_workloads_reads_no_kept_designs(cache_home, monkeypatch):
    monkeypatch.setattr(reviewer, "KEEP_FROM", 3)
    texts = [(f"{name}.yaml", DEPLOYMENT.format(name=name)) for name in ("shop", "blog")]
    review = Reviewer(keep_designs=True)
    review.review_texts(texts, ReviewOptions())
    assert review.designs.key is None and not (cache_home / f"{designs.KIND}.pickle").exists()


def test_a_refusal_is_remembered_and_never_counts_as_a_pass(cache_home):
    known = KnownValid()
    refused, passed, unserved = (known.digest({"kind": kind}, "1.37") for kind in ("A", "B", "C"))
    known.remember(refused, True, ["spec.x: unknown field"])
    known.remember(passed, True, [])
    known.remember(unserved, False, [])
    known.save()
    again = KnownValid()
    assert refused not in again and passed in again and unserved not in again
    assert again.outcome(refused) == (True, ("spec.x: unknown field",))
    assert again.outcome(passed) == (True, ()) and again.outcome(unserved) == (False, ())
    assert again.outcome(known.digest({"kind": "D"}, "1.37")) is None


def test_a_script_parsed_once_is_read_back_as_the_same_tree(cache_home, monkeypatch):
    script = "set -e; while true; do date >> /log/out; sleep 5; done"
    monkeypatch.setattr(shell, "_parsed", shell._Parsed())
    tree = shell.parse(script)
    shell._parsed.save()
    monkeypatch.setattr(shell, "_parsed", shell._Parsed())
    monkeypatch.setattr(shell, "_parse", lambda text: pytest.fail("parsed again"))
    assert shell.parse(script) == tree and tree.parser == "bashlex"
