"""Helm charts and kustomizations among the inputs, reviewed as the tools render them.

A chart's templates are not YAML until ``helm template`` has filled them in, and a
kustomization's files are parts (a base, patches) of the objects ``kustomize build``
writes. When the tool is on PATH, a chart folder (a ``Chart.yaml``) is reviewed as
``helm template`` renders it with its default values, and a kustomization that no other
kustomization of the input builds on (an overlay, or a base used alone) as ``kustomize
build`` (or ``kubectl kustomize``) builds it. Each rendered object points at the file
it came from: the template the ``# Source:`` comment names, at the line of the template
that writes the same text; the resource file kustomize's origin annotation names, at the
line of the same key. The objects of one render refer to each other (as a folder's do),
never to another render's.

A chart's other files (a crds/ folder, examples) are reviewed as they are, rendered or
not. Without the tool, a note says how to get it; the chart's templates are then left
out (they are not YAML), and the kustomization's files are reviewed as they are.
A render that fails or takes too long is a note with the tool's own message, and the
files are reviewed as they are. The tools run with no network: no dependency update,
proxies pointed at nothing, git limited to local files, and a kustomization that names
a remote resource or a Helm chart is not built.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import field
from difflib import SequenceMatcher

from advisor.domain.vocabulary import POD_TEMPLATE_PATHS
from advisor.review.objects import CROSS_CHECKED_KINDS, RenderedDocument
from advisor.review.report import Note
from advisor.review.scope import CHART_FILE, KUSTOMIZATION_FILES, Found, Scope
from advisor.system.errors import InputError
from advisor.system.patterns import lazy
from advisor.system.records import record
from advisor.system.yamlsource import Document, parse_documents, parse_documents_apart, read_text

TIMEOUT = 120  # seconds a render may take; a chart renders in well under one
MAX_CONTEXT_BYTES = 1 << 20  # a file beside a kustomization read only for its Services
MAX_OUTPUT = 64 * 1024 * 1024
LONGEST_ALIGNMENT = 4_000_000  # rendered lines times template lines aligned at most (2,000 each)
GET_HELM = ("install helm (https://helm.sh/docs/intro/install/), or render the chart yourself: "
            "helm template CHART | pod-advisor review -")
GET_KUSTOMIZE = ("install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or kubectl, "
                 "or build it yourself: kustomize build FOLDER | pod-advisor review -")
ORIGIN = "config.kubernetes.io/origin"
_SOURCE = lazy(r"^# Source: (.+?)\s*$", re.MULTILINE)
_DOCUMENT_START = lazy(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
_REMOTE = lazy(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)|\?ref=", re.I)
# The header klog (kubectl) and Go's log package put before each line they write: a severity letter, the date,
# the time to the microsecond, the process id and the source line; or the date and time. Left in a note, it
# made two runs over the same files differ.
_LOG_HEADER = lazy(r"^(?:[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] "
                   r"|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)? )")
_OFFLINE = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "ALL_PROXY": "http://127.0.0.1:9",
            "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "all_proxy": "http://127.0.0.1:9",
            "NO_PROXY": "", "no_proxy": "", "GIT_ALLOW_PROTOCOL": "file", "GIT_TERMINAL_PROMPT": "0",
            "HELM_NO_PLUGINS": "1"}


@record
class Rendered:
    """What the tools rendered, and the files that are still to be read as they are."""

    documents: list[Document] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


class RenderFailed(Exception):
    """A tool could not render: its message, shortened."""


def render(found: Found, scope: Scope) -> Rendered:
    """Render the charts and build the kustomizations ``found`` holds; the files left to read as they are."""
    out = Rendered()
    skip: set[str] = set()  # files rendered (or unreadable templates) that are not read as they are
    templates: list[str] = []  # template folders of charts not rendered
    for chart in _outermost(found.charts):
        try:
            out.documents += _helm(chart, scope)
            # what helm rendered: the templates, and the subcharts with theirs
            skip |= {f for f in found.files if _under(f, os.path.join(chart, "templates"))
                     or _under(f, os.path.join(chart, "charts"))}
        except RenderFailed as failed:
            out.notes.append(Note(os.path.join(chart, CHART_FILE), None,
                                  f"a Helm chart, not rendered: {failed}; its templates are not reviewed, its other "
                                  f"files are"))
            templates += [os.path.join(c, "templates") for c in found.charts if _under(c, chart)]
    skip |= {f for f in found.files if any(_under(f, folder) for folder in templates)}
    _kustomizations(found, scope, out, skip)
    out.files = [f for f in found.files if f not in skip]
    return out


def _under(path: str, folder: str) -> bool:
    path, folder = os.path.abspath(path), os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _outermost(folders: list[str]) -> list[str]:
    """The folders that lie in none of the others (a chart's subcharts render with it)."""
    return [f for f in folders if not any(other != f and _under(f, other) for other in folders)]


# -- running a tool ----------------------------------------------------------------------


def _tool(name: str, scope: Scope) -> str | None:
    return shutil.which(name, path=scope.search_path)


def _run(argv: list[str], scope: Scope) -> str:
    """The tool's standard output; RenderFailed with its message when it fails or takes too long."""
    env = {**os.environ, **_OFFLINE}
    if scope.search_path is not None:
        env["PATH"] = scope.search_path
    shown = os.path.basename(argv[0]) + " " + argv[1]
    try:
        run = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RenderFailed(f"`{shown}` took more than {TIMEOUT} s") from None
    except OSError as exc:
        raise RenderFailed(f"cannot run {argv[0]}: {exc.strerror}") from None
    if run.returncode != 0:
        message = run.stderr.decode("utf-8", "replace").strip().splitlines()
        said = " ".join(_LOG_HEADER.sub("", line.strip()) for line in message[-3:])
        said = said or f"exit status {run.returncode}"
        raise RenderFailed(f"`{shown}` failed: {said[:400]}")
    if len(run.stdout) > MAX_OUTPUT:
        raise RenderFailed(f"`{shown}` wrote more than {MAX_OUTPUT // (1024 * 1024)} MiB")
    return run.stdout.decode("utf-8", "replace")


def _chunks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each document of a tool's output, cut at its ``---`` lines."""
    starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0] + [len(text)]
    chunks = []
    for begin, end in zip(starts, starts[1:]):
        if text[begin:end].strip():
            chunks.append((text.count("\n", 0, begin) + 1, text[begin:end]))
    return chunks


def _read(text: str, source: str) -> list[Document]:
    try:
        return parse_documents(text, source)
    except InputError:
        return []


# -- Helm -------------------------------------------------------------------------------


def _helm(chart: str, scope: Scope) -> list[Document]:
    helm = _tool("helm", scope)
    if helm is None:
        raise RenderFailed(f"helm is not on PATH ({GET_HELM})")
    version = scope.kubernetes or _newest()
    argv = [helm, "template", _release(chart), os.path.abspath(chart), "--skip-tests",
            "--kube-version", version]
    output = _run(argv, scope)
    label = f"helm template {chart}"
    documents = []
    for _, chunk in _chunks(output):
        source = _SOURCE.search(chunk)
        template = _template_file(chart, source.group(1)) if source else None
        for doc in _read(chunk, template or chart):
            lines = doc.lines
            if template is not None:
                where = _line_map(chunk, _text_of(template)) if _read_whole(doc.data) else []
                lines = {path: where[line - 1] if 0 < line <= len(where) else 1 for path, line in doc.lines.items()}
            documents.append(RenderedDocument(doc.data, template or os.path.join(chart, CHART_FILE), lines,
                                              doc.raw, None, render=label))
    return documents


def _newest() -> str:
    from advisor.kb.knowledge import knowledge_base

    return knowledge_base().questions.by_id("kubernetes").default


def _release(chart: str) -> str:
    """The release name: the chart's own name, so that its helpers do not prefix names twice."""
    try:
        data = parse_documents(_text_of(os.path.join(chart, CHART_FILE)), CHART_FILE)
        name = str(data[0].data.get("name") or "") if data and isinstance(data[0].data, dict) else ""
    except InputError:
        name = ""
    name = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")[:53].strip("-")
    return name or "release-name"


def _template_file(chart: str, source: str) -> str | None:
    """The file a ``# Source: NAME/templates/x.yaml`` comment names, in ``chart`` (NAME is the chart's
    name, not its folder's)."""
    parts = source.replace("\\", "/").split("/")[1:]
    path = os.path.join(chart, *parts) if parts else None
    return path if path and os.path.isfile(path) else None


def _text_of(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(MAX_OUTPUT)
    except OSError:
        return ""


def _read_whole(data) -> bool:
    """Whether the reviewer reads the object's fields (a workload, a Service...), so that its lines
    matter; a chart's CustomResourceDefinitions run to thousands of lines and are kept as an outline."""
    kind = data.get("kind") if isinstance(data, dict) else None
    return kind in POD_TEMPLATE_PATHS or kind in CROSS_CHECKED_KINDS


def _line_map(rendered: str, template: str) -> list[int]:
    """For each line of ``rendered``, the line of ``template`` that writes it: where the same key (or the
    same text, for a line without one) stands, in order, else the nearest such line above it (a
    line an include or a loop wrote)."""
    a = [_key_of(line) for line in rendered.split("\n")]
    b = [_key_of(line) for line in template.split("\n")]
    if len(a) * len(b) > LONGEST_ALIGNMENT:
        return [1] * len(a)  # too long to align in good time: the template's first line
    where: list[int | None] = [None] * len(a)
    for i, j, size in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(size):
            where[i + k] = j + k + 1
    last = next((w for w in where if w is not None), 1)
    for i, w in enumerate(where):
        last = w if w is not None else last
        where[i] = last
    return where


def _key_of(line: str) -> str:
    """``- name:`` for ``  - name: {{ .Chart.Name }}`` and for ``  - name: web``: what a template and its
    rendering share."""
    text = line.strip()
    key = re.match(r"^(-\s+)?[\w.\-/\"']+:(\s|$)", text)
    return key.group(0).strip() if key else text


# -- Kustomize --------------------------------------------------------------------------


@record
class _Kustomization:
    folder: str
    data: dict
    file: str

    @property
    def component(self) -> bool:
        return self.data.get("kind") == "Component"

    def entries(self, *keys: str) -> list[str]:
        found = []
        for key in keys:
            items = self.data.get(key)
            for item in items if isinstance(items, list) else []:
                value = item.get("path") if isinstance(item, dict) else item
                if isinstance(value, str) and value:
                    found.append(value)
        return found

    def folders(self) -> list[str]:
        """The kustomizations it builds on (resources, bases and components that are folders)."""
        entries = self.entries("resources", "bases", "components")
        paths = [os.path.normpath(os.path.join(self.folder, e)) for e in entries if not _REMOTE.search(e)]
        return [p for p in paths if os.path.isdir(p)]

    def files(self) -> list[str]:
        """The files it reads by name (resources, patches)."""
        keys = ("resources", "patches", "patchesStrategicMerge", "patchesJson6902")
        paths = [os.path.normpath(os.path.join(self.folder, e)) for e in self.entries(*keys) if not _REMOTE.search(e)]
        return [p for p in paths if os.path.isfile(p)]

    def unbuildable(self) -> str | None:
        remote = next((e for e in self.entries("resources", "bases", "components") if _REMOTE.search(e)), None)
        if remote:
            return f"{self.file} names the remote resource {remote}, and pod-advisor fetches nothing"
        if self.data.get("helmCharts") or self.data.get("helmChartInflationGenerator"):
            return f"{self.file} inflates Helm charts (helmCharts), which kustomize fetches"
        return None


def _kustomization(folder: str) -> _Kustomization | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            docs = _read(_text_of(path), path)
            data = docs[0].data if docs and isinstance(docs[0].data, dict) else {}
            return _Kustomization(os.path.abspath(folder), data, path)
    return None


def _kustomizations(found: Found, scope: Scope, out: Rendered, skip: set[str]) -> None:
    if not found.kustomizations:
        return
    relative = not any(os.path.isabs(f) for f in found.kustomizations)
    known = {os.path.abspath(f): k for f in found.kustomizations if (k := _kustomization(f)) is not None}
    used = {folder for k in known.values() for folder in k.folders()}
    roots = [k for folder, k in known.items() if folder not in used and not k.component]
    if not roots:
        return
    argv = _kustomize_argv(scope)
    for root in roots:
        closure = _closure(root)
        why = next((k.unbuildable() for k in closure if k.unbuildable()), None)
        try:
            if argv is None:
                raise RenderFailed(f"neither kustomize nor kubectl is on PATH ({GET_KUSTOMIZE})")
            if why:
                raise RenderFailed(why)
            out.documents += _build(argv, root, scope, relative)
        except (RenderFailed, OSError) as failed:  # OSError: no temporary folder for the build
            out.notes.append(Note(root.file, None, f"a kustomization, not built: {failed}; its files are reviewed "
                                                   f"as they are"))
            continue
        folders = {k.folder for k in closure}
        named = {f for k in closure for f in k.files()}
        beside = {f for f in found.files if os.path.dirname(os.path.abspath(f)) in folders}
        skip |= beside | {f for f in found.files if os.path.abspath(f) in named}
        out.documents += _services_beside(sorted(f for f in beside if os.path.abspath(f) not in named
                                                 and os.path.basename(f) not in KUSTOMIZATION_FILES))


def _services_beside(files: list[str]) -> list[Document]:
    """The Services in the files beside a kustomization that it does not name, as they are written: not part of
    the build, and not reviewed (a file a kustomization leaves out is often one it left out on purpose: a patch
    commented out, a workload switched off), but a Service there is most often applied on its own (a
    LoadBalancer kept out of `kubectl delete -k`), so the checks that ask whether a Service of some name exists
    see it. A file that cannot be read or parsed is passed over: it is only evidence."""
    found = []
    for path in files:
        try:
            documents, _ = parse_documents_apart(read_text(path, MAX_CONTEXT_BYTES, regular_only=True), path)
        except InputError:
            continue
        found += [doc for doc in documents if isinstance(doc.data, dict) and doc.data.get("kind") == "Service"
                  and str(doc.data.get("apiVersion")) == "v1"]
    return found


def _closure(root: _Kustomization) -> list[_Kustomization]:
    """``root`` and every kustomization it builds on, each once."""
    seen, todo, out = set(), [root], []
    while todo:
        k = todo.pop()
        if k.folder in seen:
            continue
        seen.add(k.folder)
        out.append(k)
        todo += [sub for folder in k.folders() if (sub := _kustomization(folder)) is not None]
    return out


def _kustomize_argv(scope: Scope) -> list[str] | None:
    kustomize = _tool("kustomize", scope)
    if kustomize:
        return [kustomize, "build"]
    kubectl = _tool("kubectl", scope)
    return [kubectl, "kustomize"] if kubectl else None


def _build(argv: list[str], root: _Kustomization, scope: Scope, relative: bool) -> list[Document]:
    """The objects ``root`` builds, each pointing at its resource file (kustomize's origin annotation).

    The build runs in a temporary folder holding a kustomization of one resource, ``root``,
    that asks for origin annotations; the user's files are not touched."""
    shown = os.path.relpath if relative else os.path.abspath  # file names as the user gave the folders
    label = f"kustomize build {shown(root.folder)}"
    with tempfile.TemporaryDirectory(prefix="pod-advisor-kustomize-") as wrap:
        try:
            with open(os.path.join(wrap, "kustomization.yaml"), "w", encoding="utf-8") as handle:
                handle.write(f"resources:\n- {os.path.relpath(root.folder, wrap)}\n"
                             f"buildMetadata: [originAnnotations]\n")
        except (OSError, ValueError) as exc:  # ValueError: another drive, on Windows
            raise RenderFailed(f"cannot prepare the build: {exc}") from None
        output = _run(argv + [wrap], scope)
        documents, origins = [], {}
        for _, chunk in _chunks(output):
            for doc in _read(chunk, root.file):
                source = shown(_origin(doc, wrap) or root.file)
                original = _original(source, doc.data, origins)
                lines = {path: (original.line(path) if original else None) or 1 for path in doc.lines}
                documents.append(RenderedDocument(doc.data, source, lines, {}, None, render=label))
    return documents


def _origin(doc: Document, wrap: str) -> str | None:
    """The file kustomize's origin annotation names (the annotation removed from the object)."""
    data = doc.data if isinstance(doc.data, dict) else {}
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    said = annotations.pop(ORIGIN, None)
    if not annotations and "annotations" in metadata:
        del metadata["annotations"]
    if not isinstance(said, str):
        return None
    origin = _read(said, ORIGIN)
    fields = origin[0].data if origin and isinstance(origin[0].data, dict) else {}
    path = fields.get("path") or fields.get("configuredIn")
    if not isinstance(path, str) or _REMOTE.search(path):
        return None
    full = os.path.normpath(os.path.join(wrap, path))
    return full if os.path.isfile(full) else None


def _original(source: str, data, cache: dict) -> Document | None:
    """The document of ``source`` the rendered object came from: the one of its kind whose name it
    holds (a namePrefix adds to it), else the first of its kind."""
    if source not in cache:
        try:
            cache[source] = parse_documents_apart(_text_of(source), source)[0]
        except InputError:
            cache[source] = []
    kind = data.get("kind") if isinstance(data, dict) else None
    name = str((data.get("metadata") or {}).get("name") or "") if isinstance(data, dict) else ""
    same_kind = [d for d in cache[source] if isinstance(d.data, dict) and d.data.get("kind") == kind]
    for doc in same_kind:
        own = str((doc.data.get("metadata") or {}).get("name") or "") if isinstance(doc.data.get("metadata"),
                                                                                   dict) else ""
        if own and own in name:
            return doc
    return same_kind[0] if same_kind else None
