"""Hostile input at the doors added since the first attack (issue 24, classes 5 and 7): what used to
end in a traceback or in wrong output. Each class is fixed where it starts; these say what a user
now gets.
"""

from __future__ import annotations

import json
import os

import pytest

from helpers.paths import FIXTURES

BARE_POD = (FIXTURES / "review" / "mistakes" / "bare-pod.yaml").read_text(encoding="utf-8")
STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: shop
spec:
  serviceName: shop
  replicas: 2
  selector:
    matchLabels: {app: shop}
  volumeClaimTemplates: TEMPLATES
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
        - name: shop
          image: ghcr.io/example/shop:1.0
          resources: {requests: {cpu: 100m, memory: 128Mi}}
        - name: postgres
          image: postgres:16.4
          ports: [{containerPort: 5432}]
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]
          resources: {requests: {cpu: 100m, memory: 128Mi}}
"""
PORT_NAMED_BY_A_NUMBER = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        - name: 8080
          containerPort: 8080
    - name: postgres
      image: postgres:16.4
"""


# -- class 5: wrong-typed fields that review took, and --suggest, --diff and --fix did not --------


@pytest.mark.parametrize("text, where", [
    (STATEFULSET.replace("TEMPLATES", "[data]"), "spec.volumeClaimTemplates[0] is not a mapping"),
    (STATEFULSET.replace("TEMPLATES", "[{metadata: data}]"), "spec.volumeClaimTemplates[0].metadata is not a mapping"),
    (STATEFULSET.replace("TEMPLATES", "5"), "spec.volumeClaimTemplates is not a list"),
    (BARE_POD.replace("name: web", "name: 1234", 1), "metadata.name is not text (found a number)"),
    (PORT_NAMED_BY_A_NUMBER, "spec.containers[0].ports[0].name is not text (found a number)"),
], ids=["template-string", "template-metadata-string", "templates-number", "name-number", "port-name-number"])
@pytest.mark.parametrize("flag", ["--suggest", "--diff", "--fix"])
def test_a_field_of_the_wrong_type_is_named_in_a_note_whatever_review_is_asked(cli, write, text, where, flag):
    path = write("m.yaml", text)
    run = cli("review", path, flag)
    assert run.status in (0, 1, 2) and "Traceback" not in run.stderr
    assert where in run.stderr and "; not reviewed" in run.stderr


def test_the_object_of_the_wrong_name_type_is_left_out_in_plain_review_too(cli, write):
    path = write("m.yaml", BARE_POD.replace("name: web", "name: 1234", 1))
    run = cli("review", path, "--format", "json")
    assert json.loads(run.stdout)["objects"] == []
    assert "metadata.name is not text (found a number); not reviewed" in run.stderr


# -- class 5: --cluster when kubectl's JSON holds a lone surrogate -----------------------------------


def test_a_lone_surrogate_in_kubectls_json_is_read_as_the_api_server_reads_it(cli, tmp_path, monkeypatch):
    import sys

    listing = {"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "debug", "namespace": "shop", "labels": {"team": "ops\ud800"}},
        "spec": {"containers": [{"name": "shell", "image": "busybox:1.36", "command": ["sleep", "infinity"]}]}}]}
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "kubectl").write_text(f"#!/bin/sh\nexec /bin/cat {tmp_path / 'listing.json'}\n")
    (folder / "kubectl").chmod(0o755)
    (tmp_path / "listing.json").write_text(json.dumps(listing))  # "ops\ud800", escaped as kubectl may print it
    assert "\\ud800" in (tmp_path / "listing.json").read_text()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.path.dirname(sys.executable)}")
    run = cli("review", "--cluster", "--format", "json")
    assert run.status in (0, 1), run.stderr
    assert [o["name"] for o in json.loads(run.stdout)["objects"]] == ["debug"]


# -- class 5 and 7: SARIF file names --------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="names of any bytes, and backslashes in names, are POSIX's")
@pytest.mark.parametrize("name, uri", [(b"bad\xff.yaml", "bad%FF.yaml"), (b"a\\b.yaml", "a%5Cb.yaml"),
                                       (b"caf\xc3\xa9 #1.yaml", "caf%C3%A9%20%231.yaml")])
def test_sarif_names_a_file_by_its_bytes(cli, tmp_path, name, uri):
    path = os.path.join(os.fsencode(tmp_path), name)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(BARE_POD)
    run = cli("review", os.fsdecode(path), "--format", "sarif")
    assert "Traceback" not in run.stderr
    [result] = json.loads(run.stdout)["runs"][0]["results"][:1]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("/" + uri)


# -- class 7: a line break in a name or a file name is shown, never obeyed ----------------------------

FORGED = "\n0 objects reviewed in 0 files: no findings."


def test_a_line_break_in_an_objects_name_cannot_forge_a_line_of_the_report(cli, write):
    path = write("m.yaml", BARE_POD.replace("name: web", f"name: {json.dumps('web' + FORGED)}", 1))
    run = cli("review", path)
    assert run.stdout.splitlines()[-1].startswith("1 object reviewed in 1 file")
    assert not any(line.startswith("0 objects reviewed") for line in run.stdout.splitlines())
    assert "web\\n0 objects reviewed in 0 files: no findings." in run.stdout


@pytest.mark.skipif(os.name != "posix", reason="a line break in a file name is POSIX's")
@pytest.mark.parametrize("text", [BARE_POD, "kind: [unclosed\n"], ids=["findings", "unreadable"])
def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_the_report_or_an_error(cli, tmp_path, text):
    path = tmp_path / f"m{FORGED}.yaml"
    path.write_text(text, encoding="utf-8")
    run = cli("review", str(path))
    lines = run.stdout.splitlines() + run.stderr.splitlines()
    assert FORGED.strip() not in lines  # the line as forged, alone (the real summary says more)
    assert "m\\n0 objects reviewed in 0 files: no findings..yaml" in run.stdout + run.stderr


@pytest.mark.skipif(os.name != "posix", reason="a line break in a file name is POSIX's")
def test_a_line_break_in_an_answer_files_name_stays_in_its_row_of_the_batch_table(cli, tmp_path):
    (tmp_path / f"a{FORGED}.yaml").write_text("name: shop\ncontainers:\n  - name: web\n    image: nginx:1.27\n")
    run = cli("batch", str(tmp_path))
    assert not any(line.startswith("0 objects reviewed") for line in run.stdout.splitlines())
    assert "a\\n0 objects reviewed" in run.stdout


# -- found by bench/fuzz.py: a version no schema can be named after ---------------------------------


@pytest.mark.parametrize("api_version", ["9" * 5000, "../../x/v1"])
def test_an_api_version_no_schema_is_named_after_gets_no_suggestion_not_an_internal_error(cli, write, api_version):
    text = STATEFULSET.replace("TEMPLATES", "[]").replace("apiVersion: apps/v1", f"apiVersion: {json.dumps(api_version)}")
    path = write("m.yaml", text)
    run = cli("review", path, "--suggest")
    assert run.status in (0, 1) and "internal error" not in run.stderr, run.stderr
