"""The review fixtures: one known mistake per file in mistakes/, none in clean/.

Each file in tests/fixtures/review/mistakes/ says what it must raise in its header:
``# expect: FINDING-ID LINE`` (and ``# kubernetes: 1.N`` to review it for that
version). Adding a case means adding a file.
"""

import json
import re

import pytest

from helpers.paths import FIXTURES
from advisor.kb.knowledge import knowledge_base

MISTAKES = sorted((FIXTURES / "review" / "mistakes").glob("*.yaml"))
CLEAN = sorted((FIXTURES / "review" / "clean").glob("*.*"))


def header(path, key):
    return re.findall(rf"^# {key}: (.+)$", path.read_text(), re.MULTILINE)


def review(cli, path, *extra):
    versions = header(path, "kubernetes")
    flags = ["--kubernetes", versions[0]] if versions else []
    run = cli("review", str(path), "--format", "json", "--fail-on", "never", *flags, *extra)
    assert run.status == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("path", MISTAKES, ids=lambda p: p.stem)
def test_each_mistake_fixture_raises_exactly_its_finding_at_its_line(cli, path):
    expected = sorted((fid, int(line)) for fid, line in (e.split() for e in header(path, "expect")))
    assert expected, f"{path.name} has no '# expect: FINDING-ID LINE' line"
    found = sorted((f["id"], f["line"]) for f in review(cli, path)["findings"])
    assert found == expected


@pytest.mark.parametrize("path", CLEAN, ids=lambda p: p.name)
def test_each_clean_fixture_raises_nothing(cli, path):
    report = review(cli, path)
    assert report["findings"] == [] and report["summary"]["objects"] >= 1


def test_every_finding_review_can_raise_has_a_mistake_fixture():
    covered = {e.split()[0] for path in MISTAKES for e in header(path, "expect")}
    reviewable = {fid for fid, info in knowledge_base().findings.items() if "review" in info.sources}
    assert reviewable - covered == set()


def test_the_whole_mistakes_folder_reviewed_at_once_fails_with_status_1(cli):
    run = cli("review", str(FIXTURES / "review" / "mistakes"), "--kubernetes", "1.28")
    assert run.status == 1
    assert "sidecar-blocks-completion" in run.stdout and "native-sidecar-unsupported" in run.stdout
