"""review --fix and --diff: the suggestions written back into the reviewed files.

What a fix must do, whatever the suggestion: the fixed object's document becomes the
suggestion (as data), keeping its comments; added objects follow it; every other
document stays byte for byte; a file is written whole or not at all.
"""

import functools
import json
import os
import re
import shutil
import stat

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers.paths import FIXTURES
from helpers.cli import run_cli
from advisor.review import ReviewOptions, Reviewer
from advisor.review.objects import parse_inputs
from advisor.system.yamlsource import parse_documents

FIX = FIXTURES / "review" / "fix"
MISTAKES = FIXTURES / "review" / "mistakes"
CLEAN = FIXTURES / "review" / "clean"
MARKER = re.compile(r"^(?=---(?:[ \t]|$))", re.MULTILINE)


def copy(tmp_path, source, name=None):
    target = tmp_path / (name or source.name)
    shutil.copyfile(source, target)
    return target


def suggested(path):
    """The suggestion --suggest prints for the file's objects: [(kind, name, [documents])]."""
    report = json.loads(run_cli("review", str(path), "--suggest", "--format", "json", "--fail-on", "never").stdout)
    return {(o["kind"], o["name"]): list(yaml.safe_load_all(o["suggestion"])) for o in report["objects"]
            if o["suggestion"]}


def documents(text):
    return [doc.data for doc in parse_documents(text, "fixed")]


def chunks(text):
    """The file cut before each ``---`` line (independently of the code under test)."""
    return [part for part in MARKER.split(text) if part]


def comments(text):
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def apply_patch(text, patch):
    """Apply a unified diff of one file (what ``patch -p0`` would do) to ``text``."""
    old = text.splitlines(keepends=True)
    out, at = [], 0
    lines = patch.splitlines(keepends=True)
    i = 2  # after the --- and +++ lines
    while i < len(lines):
        start = int(re.match(r"@@ -(\d+)", lines[i]).group(1)) - 1
        start = max(start, 0) if not re.match(r"@@ -\d+,0 ", lines[i]) else start + 1
        out += old[at:start]
        at = start
        i += 1
        while i < len(lines) and not lines[i].startswith("@@"):
            tag, body = lines[i][0], lines[i][1:]
            if i + 1 < len(lines) and lines[i + 1].startswith("\\"):
                body = body.rstrip("\n")
            if tag in " -":
                assert old[at] == body, (old[at], body)
                at += 1
            if tag in " +":
                out.append(body)
            i += 1 + (i + 1 < len(lines) and lines[i + 1].startswith("\\"))
    return "".join(out + old[at:])


# -- what is written ------------------------------------------------------------------------


def test_only_the_fixed_document_changes_and_the_other_documents_stay_byte_for_byte(tmp_path):
    path = copy(tmp_path, FIX / "three-documents.yaml")
    before = path.read_text()
    run = run_cli("review", str(path), "--fix")
    after = path.read_text()
    assert "fixed " + str(path) + ": bare-pod" in run.stderr
    old, new = chunks(before), chunks(after)
    assert len(new) == 3 and new[0] == old[0] and new[2] == old[2]
    assert comments(new[1]) == comments(old[1])  # every comment of the fixed document, in order


def test_the_fixed_document_reads_as_the_suggestion_and_the_others_as_before(tmp_path):
    path = copy(tmp_path, FIX / "three-documents.yaml")
    before = documents(path.read_text())
    [deployment] = suggested(path)[("Pod", "web")]
    run_cli("review", str(path), "--fix")
    assert documents(path.read_text()) == [before[0], deployment, before[2]]


def test_keys_that_stay_keep_their_place_their_quotes_and_their_comments(tmp_path):
    path = copy(tmp_path, FIX / "three-documents.yaml")
    run_cli("review", str(path), "--fix")
    text = path.read_text()
    assert "  name: web  # the name the Service selects on, through the label below\n" in text
    assert '    tier: "frontend"\n' in text  # quoted as the user wrote it
    assert "          image: nginx:1.27  # pinned on purpose\n" in text  # moved with the Pod spec, comment kept
    fixed = chunks(text)[1]
    assert fixed.index("kind: Deployment") < fixed.index("metadata:") < fixed.index("spec:") < fixed.index("replicas")


def test_an_added_service_follows_its_statefulset_as_a_new_document_naming_the_finding(tmp_path):
    path = copy(tmp_path, FIX / "added-service.yaml")
    before = path.read_text()
    [statefulset_doc, service_doc] = suggested(path)[("StatefulSet", "queue")][::-1]
    run_cli("review", str(path), "--fix")
    text = path.read_text()
    old_part, added = text.split("---\n")
    assert added.startswith("# added by pod-advisor review --fix: statefulset-without-headless-service\n")
    assert documents(text) == [statefulset_doc, service_doc]
    assert comments(old_part) == comments(before)


def test_an_item_of_a_list_is_replaced_and_the_added_objects_join_its_items(tmp_path):
    path = copy(tmp_path, FIX / "list.yaml")
    before = documents(path.read_text())[0]
    suggestions = suggested(path)
    [job] = suggestions[("Job", "migrate")]
    [service, statefulset] = suggestions[("StatefulSet", "queue")]
    run = run_cli("review", str(path), "--fix", "--fail-on", "never")
    assert run.status == 0, run.stderr
    [after] = documents(path.read_text())
    assert after["items"] == [before["items"][0], job, statefulset, service]
    assert {k: v for k, v in after.items() if k != "items"} == {k: v for k, v in before.items() if k != "items"}
    assert "  # added by pod-advisor review --fix: statefulset-without-headless-service\n  - apiVersion: v1\n" \
        in path.read_text()
    assert "restartPolicy: OnFailure   # wrong for a Job" in path.read_text()  # the comment keeps its distance


def test_a_file_with_several_fixed_documents_gets_every_fix(tmp_path):
    parts = [(MISTAKES / name).read_text() for name in ("bare-pod.yaml", "sidecar-blocks-completion.yaml")]
    path = tmp_path / "two.yaml"
    path.write_text("---\n".join(parts))
    run = run_cli("review", str(path), "--fix", "--fail-on", "never")
    assert "bare-pod, sidecar-blocks-completion" in run.stderr
    [deployment, job] = documents(path.read_text())
    assert deployment["kind"] == "Deployment"
    assert [c["name"] for c in job["spec"]["template"]["spec"]["initContainers"]] == ["log-shipper"]


def test_a_json_manifest_stays_json(tmp_path):
    path = copy(tmp_path, FIX / "bare-pod.json")
    [deployment] = suggested(path)[("Pod", "web")]
    run_cli("review", str(path), "--fix")
    assert json.loads(path.read_text()) == deployment


def test_a_json_file_is_not_given_a_second_object(tmp_path):
    statefulset = yaml.safe_load((FIX / "added-service.yaml").read_text())
    path = tmp_path / "queue.json"
    path.write_text(json.dumps(statefulset, indent=2) + "\n")
    before = path.read_text()
    run = run_cli("review", str(path), "--fix", "--fail-on", "warning")
    assert "StatefulSet queue: not fixed: a JSON file holds one object" in run.stderr
    assert path.read_text() == before
    assert run.status == 1  # the finding remains


def test_windows_line_endings_are_kept(tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes((FIX / "three-documents.yaml").read_bytes().replace(b"\n", b"\r\n"))
    run_cli("review", str(path), "--fix")
    data = path.read_bytes()
    assert b"kind: Deployment\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_a_document_with_anchors_is_left_to_the_user(tmp_path):
    path = tmp_path / "anchors.yaml"
    path.write_text("""apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: &labels {app: web}
spec:
  containers:
    - name: web
      image: nginx:1.27
      resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 128Mi}}
""")
    before = path.read_text()
    run = run_cli("review", str(path), "--fix")
    assert "Pod web: not fixed: it uses YAML anchors" in run.stderr
    assert path.read_text() == before


def test_an_object_the_input_has_already_is_not_added_twice(tmp_path):
    path = copy(tmp_path, MISTAKES / "unrelated-containers.yaml")  # splits postgres out, with a Service postgres
    (tmp_path / "other.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: postgres}\n"
                                         "spec: {selector: {app: other}, ports: [{port: 5432}]}\n")
    before = path.read_text()
    run = run_cli("review", str(tmp_path), "--fix")
    assert f"no rewrite is written for Deployment blog: it would add Service postgres, and " \
           f"{tmp_path / 'other.yaml'}:1 has one already" in run.stderr
    assert path.read_text() == before


def test_an_object_is_not_turned_into_one_the_input_has_already(tmp_path):
    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    copy(tmp_path, MISTAKES / "mutable-image-tag.yaml")  # a Deployment web
    before = path.read_text()
    run = run_cli("review", str(tmp_path), "--fix")
    assert "no rewrite is written for Pod web: it would become Deployment web, and " in run.stderr
    assert f"{tmp_path / 'mutable-image-tag.yaml'}:3 has one already" in run.stderr  # its Deployment's line
    assert path.read_text() == before


def test_what_to_do_besides_is_said_for_each_object_fixed(tmp_path):
    copy(tmp_path, MISTAKES / "statefulset-without-headless-service.yaml")
    run = run_cli("review", str(tmp_path), "--fix")
    assert "to do: " in run.stderr and "spec.serviceName cannot change on a StatefulSet that exists" in run.stderr


@pytest.mark.parametrize("name", ["bare-pod.yaml", "sidecar-blocks-completion.yaml", "restart-always-on-completion.yaml",
                                  "restart-always-on-completion-pod.yaml", "statefulset-without-service-name.yaml",
                                  "statefulset-without-headless-service.yaml", "unrelated-containers.yaml"])
def test_fixing_a_fixed_file_again_changes_nothing(tmp_path, name):
    path = copy(tmp_path, MISTAKES / name)
    before = path.read_bytes()
    assert "pod-advisor: fixed " in run_cli("review", str(path), "--fix").stderr
    once = path.read_bytes()
    assert once != before
    run = run_cli("review", str(path), "--fix")
    assert "nothing to fix" in run.stderr and path.read_bytes() == once


# -- the report and the exit status ---------------------------------------------------------


def test_the_exit_status_after_a_fix_is_about_the_findings_that_remain(tmp_path):
    path = copy(tmp_path, MISTAKES / "sidecar-blocks-completion.yaml")
    assert run_cli("review", str(path)).status == 1  # an error before
    assert run_cli("review", str(path), "--fix").status == 0  # fixed: nothing at or above error remains


def test_a_finding_the_fix_cannot_fix_still_fails(tmp_path):
    path = tmp_path / "two.yaml"
    path.write_text((MISTAKES / "bare-pod.yaml").read_text() + "---\n" + (MISTAKES / "mutable-image-tag.yaml")
                    .read_text().replace("name: web", "name: shop"))
    run = run_cli("review", str(path), "--fix", "--fail-on", "warning")
    assert run.status == 1 and "mutable-image-tag" in run.stdout and "bare-pod" not in run.stdout


def test_the_report_after_a_fix_gives_the_lines_of_the_fixed_file(tmp_path):
    path = copy(tmp_path, FIX / "three-documents.yaml")
    report = json.loads(run_cli("review", str(path), "--fix", "--format", "json", "--fail-on", "never").stdout)
    [obj] = report["objects"]
    lines = path.read_text().splitlines()
    assert obj["kind"] == "Deployment" and lines[obj["line"] - 1] == "apiVersion: apps/v1"
    assert [f["id"] for f in report["findings"]] == ["single-replica"]
    assert lines[report["findings"][0]["line"] - 1].strip() == "replicas: 1"


# -- --diff ---------------------------------------------------------------------------------


def test_diff_alone_prints_the_patch_writes_nothing_and_exits_as_review(tmp_path):
    path = copy(tmp_path, MISTAKES / "sidecar-blocks-completion.yaml")
    before = path.read_text()
    run = run_cli("review", str(path), "--diff")
    assert path.read_text() == before
    assert run.stdout.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "+      initContainers:\n" in run.stdout
    assert f"would fix {path}: sidecar-blocks-completion" in run.stderr
    assert run.status == 1  # nothing was fixed: the error is still there


def test_the_diff_turns_the_file_into_what_fix_writes(tmp_path):
    path = copy(tmp_path, FIX / "three-documents.yaml")
    before = path.read_text()
    patch = run_cli("review", str(path), "--diff").stdout
    written = run_cli("review", str(path), "--fix", "--diff")
    assert written.stdout == patch  # --fix --diff shows what it wrote
    assert apply_patch(before, patch) == path.read_text()


def test_a_diff_marks_a_last_line_without_a_newline(tmp_path):
    path = tmp_path / "pod.json"
    path.write_text((FIX / "bare-pod.json").read_text().rstrip("\n"))
    patch = run_cli("review", str(path), "--diff").stdout
    assert patch.endswith("\n\\ No newline at end of file\n")
    assert apply_patch(path.read_text(), patch) != path.read_text()


def test_diff_with_an_output_file_writes_the_report_there(tmp_path):
    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    report = tmp_path / "report.json"
    run = run_cli("review", str(path), "--diff", "--format", "json", "-o", str(report))
    assert run.stdout.startswith("--- ")
    assert json.loads(report.read_text())["findings"][0]["id"] == "bare-pod"


# -- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--fix", "--diff"])
def test_standard_input_cannot_be_fixed(flag):
    run = run_cli("review", "-", flag, stdin=(MISTAKES / "bare-pod.yaml").read_text())
    assert run.status == 2
    assert "standard input cannot be fixed" in run.stderr and run.stdout == ""


def test_a_read_only_file_is_not_fixed_and_says_so(tmp_path):
    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    before = path.read_text()
    path.chmod(0o444)
    run = run_cli("review", str(path), "--fix")
    assert run.status == 2
    assert f"{path}: is read-only; not fixed" in run.stderr
    assert path.read_text() == before and sorted(os.listdir(tmp_path)) == ["bare-pod.yaml"]


def test_a_file_that_cannot_be_replaced_is_left_whole(tmp_path, monkeypatch):
    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    before = path.read_text()

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    run = run_cli("review", str(path), "--fix")
    assert run.status == 2 and "cannot write: Permission denied; not fixed" in run.stderr
    assert path.read_text() == before and sorted(os.listdir(tmp_path)) == ["bare-pod.yaml"]


def test_one_unwritable_file_does_not_stop_the_others(tmp_path):
    locked = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    other = copy(tmp_path, MISTAKES / "sidecar-blocks-completion.yaml")
    locked.chmod(0o444)
    run = run_cli("review", str(tmp_path), "--fix")
    assert run.status == 2
    assert "kind: Pod" in locked.read_text() and "initContainers" in other.read_text()


def test_a_file_changed_while_it_was_reviewed_is_not_overwritten(tmp_path, monkeypatch):
    from advisor.review import fix

    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    real = fix.fix_text

    def meanwhile(text, source, edits):
        path.write_text(text + "# someone's edit\n")
        return real(text, source, edits)

    monkeypatch.setattr(fix, "fix_text", meanwhile)
    run = run_cli("review", str(path), "--fix")
    assert run.status == 2 and "changed while it was reviewed; not fixed" in run.stderr
    assert path.read_text().endswith("# someone's edit\n")


def test_a_fix_that_would_not_read_back_is_never_written(tmp_path, monkeypatch):
    from advisor.review import fix

    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    before = path.read_text()
    monkeypatch.setattr(fix, "_round_trip", lambda content, data, edits: ("kind: Something else\n", []))
    run = run_cli("review", str(path), "--fix")
    assert run.status == 3
    assert "internal error, please report it" in run.stderr and "nothing was written" in run.stderr
    assert path.read_text() == before


def test_the_file_keeps_its_mode(tmp_path):
    path = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    path.chmod(0o600)
    run_cli("review", str(path), "--fix")
    assert "kind: Deployment" in path.read_text() and stat.S_IMODE(path.stat().st_mode) == 0o600


# -- symbolic links -------------------------------------------------------------------------


def test_a_link_to_a_file_inside_the_tree_is_written_through(tmp_path):
    tree = tmp_path / "k8s"
    (tree / "base").mkdir(parents=True)
    target = copy(tree / "base", MISTAKES / "bare-pod.yaml")
    (tree / "web.yaml").symlink_to("base/bare-pod.yaml")
    run = run_cli("review", str(tree / "web.yaml"), "--fix")
    assert run.status == 0, run.stderr
    assert (tree / "web.yaml").is_symlink() and "kind: Deployment" in target.read_text()


def test_a_link_out_of_the_tree_is_refused(tmp_path):
    outside = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    before = outside.read_text()
    tree = tmp_path / "k8s"
    tree.mkdir()
    (tree / "web.yaml").symlink_to(outside)
    run = run_cli("review", str(tree), "--fix")
    assert run.status == 2
    assert f"{tree / 'web.yaml'}: is a symbolic link to {outside}, outside {tree}; not fixed" in run.stderr
    assert outside.read_text() == before and (tree / "web.yaml").is_symlink()


def test_a_file_reached_twice_through_a_link_is_fixed_once(tmp_path):
    target = copy(tmp_path, MISTAKES / "bare-pod.yaml")
    (tmp_path / "same.yaml").symlink_to("bare-pod.yaml")
    run = run_cli("review", str(tmp_path), "--fix", "--fail-on", "never")
    assert run.status == 0, run.stderr
    assert run.stderr.count("pod-advisor: fixed ") == 1 and "fixed once" in run.stderr
    assert "Pod web" not in run.stdout  # the report is about the file as it is now, under both names
    assert documents(target.read_text())[0]["kind"] == "Deployment"


# -- the property: any file built from the fixtures ------------------------------------------

POOL = [path for path in sorted(MISTAKES.glob("*.yaml")) + sorted(CLEAN.glob("*.yaml"))]
WORDS = st.text(alphabet=st.sampled_from("abcxyz ÄéüЖ中-_.,:'\"#!|>"), min_size=0, max_size=12)


def _pieces(path):
    """The fixture's documents, as text."""
    return [part.strip("\n") + "\n" for part in re.split(r"(?m)^---\n", path.read_text()) if part.strip()]


def _identities(paths):
    text = "---\n".join(piece for path in paths for piece in _pieces(path))
    report = reviewer().review_texts([("x.yaml", text)], ReviewOptions(suggest=True))
    names = {(o.kind, o.name) for o in parse_inputs([("x.yaml", text)]).objects}
    for review in report.objects:
        for data in ([review.replacement] if review.replacement else []) + review.added:
            names.add((data["kind"], data["metadata"]["name"]))
    return names


@functools.cache
def reviewer():
    return Reviewer()


@functools.cache
def identities(path):
    return _identities([path])


def _with_comments(draw, piece):
    """The document with comment lines and end-of-line comments put in at random places."""
    lines = piece.splitlines()
    out = []
    block = None  # the indentation of the key whose block scalar (| or >) the lines are in
    for line in lines:
        indent = len(line) - len(line.lstrip(" "))
        if block is not None and (not line.strip() or indent > block):
            out.append(line)  # a comment here would be part of the text
            continue
        block = indent if re.search(r":\s*[|>][-+]?\s*$", line) else None
        if draw(st.booleans()) and line.strip():
            indent = len(line) - len(line.lstrip(" ")) if draw(st.booleans()) else 0
            out.append(" " * indent + "# " + draw(WORDS))
        if line.strip() and "#" not in line and line.count("[") == line.count("]") and \
                line.count("{") == line.count("}") and draw(st.booleans()):
            line += " " * draw(st.integers(1, 3)) + "# " + draw(WORDS)
        out.append(line)
    if draw(st.booleans()):
        out.append("# " + draw(WORDS))
    return "\n".join(out) + "\n"


@st.composite
def manifest_files(draw):
    order = draw(st.permutations(POOL))
    chosen, names = [], set()
    for path in order[:draw(st.integers(1, 4))]:
        if not identities(path) & names:  # objects of one name would clash: the fix rightly refuses those
            chosen.append(path)
            names |= identities(path)
    pieces = [piece for path in chosen for piece in _pieces(path)]
    pieces = draw(st.permutations(pieces))
    text = ""
    for i, piece in enumerate(pieces):
        if i or draw(st.booleans()):
            text += draw(st.sampled_from(["---\n", "--- # next\n"]))
        text += _with_comments(draw, piece)
    return text


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=manifest_files())
def test_fix_then_read_gives_the_suggested_objects_and_the_rest_untouched(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("prop")
    path = folder / "file.yaml"
    path.write_text(text)
    name = str(path)
    report = reviewer().review_texts([(name, text)], ReviewOptions(suggest=True))
    original = parse_documents(text, name)
    expected = {doc.index: [doc.data] for doc in original}
    touched = set()
    for review in report.objects:
        if review.replacement is None:
            continue
        touched.add(review.ref.document)
        doc = expected[review.ref.document]
        if review.ref.path:
            doc[0]["items"][review.ref.path[1]] = review.replacement
            doc[0]["items"] += review.added
        else:
            doc[:] = [review.replacement, *review.added]
    assume(not _clashes(text, report))

    run = run_cli("review", name, "--fix", "--fail-on", "never")
    assert run.status == 0, run.stderr
    new = path.read_text()
    assert documents(new) == [data for index in sorted(expected) for data in expected[index]]
    untouched = [chunk for chunk, doc in zip(chunks(text), original, strict=True) if doc.index not in touched]
    position = 0
    for chunk in untouched:  # byte for byte, in order
        position = new.index(chunk, position) + len(chunk)
    for comment in comments(text):  # no comment is lost (the fixtures' suggestions delete no commented key)
        assert comment in comments(new)


def _clashes(text, report):
    """Whether a suggestion would add an object of a name the file has already (which --fix refuses)."""
    seen = {(o.kind, o.name) for o in parse_inputs([("x.yaml", text)]).objects}
    for review in report.objects:
        for data in ([review.replacement] if review.replacement else []) + review.added:
            key = (data["kind"], data["metadata"]["name"])
            if key != (review.ref.kind, review.ref.name) and key in seen:
                return True
            seen.add(key)
    return False
