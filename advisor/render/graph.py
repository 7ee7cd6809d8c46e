"""The recommendation as a picture: a Mermaid flowchart (GitHub draws it in Markdown), a
Graphviz DOT graph, and SVG drawn from that graph by Graphviz's ``dot``.

One ``Picture`` is built from the recommendation and written in each language, so the
two cannot show different designs: each workload (its controller, replicas or schedule,
restartPolicy) holds its Pod, whose containers are grouped by the list they are in
(initContainers, containers) and coloured by role, as in the text drawing; the Pod's
shared volume and localhost links; each Service with its ports, pointing at the
container that receives them; and the calls from the main container to the workloads it
talks to over the network. The picture decides nothing: every fact in it is the
recommendation's.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from dataclasses import field

from advisor.domain.recommendation import ContainerPlan, Recommendation, WorkloadPlan
from advisor.render.style import CONTROLLER_COLOUR, role_colour
from advisor.render.text import workload_facts
from advisor.system.failure import Internal, Invalid
from advisor.system.records import record

# (fill, line) for each colour name of the text drawing's styles, light enough for black text.
PALETTE = {"green": ("#d3f9d8", "#2b8a3e"), "magenta": ("#f8d9f5", "#9c36b5"), "cyan": ("#e3fafc", "#0c8599"),
           "blue": ("#e7f5ff", "#1c7ed6"), "grey": ("#f1f3f5", "#868e96")}
SERVICE_COLOUR, VOLUME_COLOUR = "blue", "grey"
FONT = "Helvetica,Arial,sans-serif"
DOT_TIMEOUT = 60  # seconds; dot draws these graphs in well under one
ROW = 3  # init containers side by side, at most: six containers in three workloads fit 1,000 px
IMAGE_WIDTH = 30  # a longer image reference is broken after a slash


@record
class Box:
    """A node: a container, a Service or a volume."""
    id: str
    title: str
    details: list[str]
    kind: str  # container, service, volume
    colour: str


@record
class Group:
    """A workload, its Pod, or one list of the Pod's containers."""
    id: str
    title: str
    details: list[str]
    kind: str  # workload, pod, list
    members: list = field(default_factory=list)  # Boxes and Groups


@record
class Link:
    source: str
    target: str
    label: str
    kind: str  # traffic, localhost, volume, calls; or order: drawn by no line, it keeps what starts first above


@record
class Picture:
    title: str
    groups: list[Group]
    boxes: list[Box]  # outside any workload: the Services
    links: list[Link]

    def all_boxes(self) -> list[Box]:
        found = list(self.boxes)

        def walk(group: Group) -> None:
            for member in group.members:
                if isinstance(member, Group):
                    walk(member)
                else:
                    found.append(member)

        for group in self.groups:
            walk(group)
        return found


# -- the picture -------------------------------------------------------------------------------


def build_picture(rec: Recommendation) -> Picture:
    groups, services, links = [], [], []
    container_ids: dict[str, str] = {}
    targets: dict[str, str] = {}  # workload name -> what a call to it points at
    for i, plan in enumerate(rec.workloads):
        wid = f"w{i}"
        # restartPolicy is the Pod's; replicas and schedule are its controller's.
        pod = Group(f"{wid}_pod", "Pod", [f"restartPolicy {plan.restart_policy}"], "pod")
        for placement in ("initContainers", "containers"):
            members = plan.init_order if placement == "initContainers" else \
                [c for c in plan.containers if c.placement == placement]
            if placement == "containers":
                members.sort(key=lambda c: c.role != "main")
            if not members:
                continue
            group = Group(f"{wid}_{'init' if placement == 'initContainers' else 'run'}", placement, [], "list")
            for n, c in enumerate(members, 1):
                cid = f"{wid}_c{c.index}"
                container_ids[c.name] = cid
                # Init containers start one after another: their place in the list is part of the design.
                # ("1. name" would be a Markdown list to Mermaid.)
                title = f"{n} · {c.name}" if placement == "initContainers" else c.name
                group.members.append(Box(cid, title, _container_details(c), "container", role_colour(c.role)))
            pod.members.append(group)
            if placement == "initContainers":  # rows of ROW, so that a long list stays narrow
                links += _rows(group.members)
        if [g.title for g in pod.members] == ["containers"]:  # one list, the usual one: no frame for it
            pod.members = pod.members[0].members
        main_id = container_ids[plan.main.name]
        sharing = [c for c in plan.containers if c.shares_volume]
        if sharing:
            volume = Box(f"{wid}_volume", "shared volume", [], "volume", VOLUME_COLOUR)
            pod.members.append(volume)
            for c in [plan.main, *sharing]:
                links.append(Link(container_ids[c.name], volume.id, "", "volume"))
        # Each helper's links run to the main container from above it: top to bottom, what the
        # traffic reaches first, what starts first.
        for c in plan.containers:
            if c.uses_localhost and c.role != "main":
                links.append(Link(container_ids[c.name], main_id, "localhost", "localhost"))
        for c in plan.init_order:
            if not c.uses_localhost:
                links.append(Link(container_ids[c.name], main_id, "", "order"))
        if plan.controller == "Pod":  # a bare Pod is its own workload: one frame, not a Pod in a Pod
            pod = Group(pod.id, f"Pod {plan.name}", pod.details, "workload", pod.members)
            groups.append(pod)
        else:
            groups.append(Group(wid, f"{plan.controller} {plan.name}", workload_facts(plan), "workload", [pod]))
        targets[plan.name] = pod.id
        if plan.service:
            ports = ", ".join(str(p) for p in plan.service_ports)
            service = Box(f"{wid}_service", f"Service {plan.name}",
                          [plan.service + (f" · port {ports}" if ports else "")], "service", SERVICE_COLOUR)
            services.append(service)
            targets[plan.name] = service.id
            receivers = _receivers(plan)
            if receivers:
                for port, c in receivers:
                    links.append(Link(service.id, container_ids[c.name], str(port), "traffic"))
            else:
                links.append(Link(service.id, pod.id, "selects", "traffic"))
    caller = container_ids[rec.main.main.name]
    for plan in rec.workloads[1:]:
        if plan.called_by_main:
            links.append(Link(caller, targets[plan.name], "calls", "calls"))
    return Picture(f"{rec.name} for Kubernetes {rec.kubernetes}", groups, services, links)


def _rows(boxes: list[Box]) -> list[Link]:
    """Links that lay ``boxes`` out in rows of ROW, a short row first: 1 2 / 3 4 5 above the main container."""
    short = len(boxes) % ROW
    rows = ([boxes[:short]] if short else []) + [boxes[i:i + ROW] for i in range(short, len(boxes), ROW)]
    return [Link(above.id, below[min(i, len(below) - 1)].id, "", "order")
            for upper, below in zip(rows, rows[1:]) for i, above in enumerate(upper)]


def _container_details(c: ContainerPlan) -> list[str]:
    role = c.role
    if c.native_sidecar:
        role = "native sidecar" if c.role == "sidecar" else f"{c.role} · native sidecar"
    elif c.role == "init":
        role += " · runs first, to completion"
    if c.same_node:
        role += " · same node"
    details = [role, *_image_lines(c.image)]
    if c.ports:
        details.append("port " + ", ".join(str(p) for p in c.ports))
    return details


def _image_lines(image: str) -> list[str]:
    """``gcr.io/cloud-sql-connectors/`` and ``cloud-sql-proxy:2.13.0``: a long reference on two lines."""
    cut = image.rfind("/", 0, len(image) - 1)
    if len(image) <= IMAGE_WIDTH or cut < 0:
        return [image]
    return [image[:cut + 1], image[cut + 1:]]


def _receivers(plan: WorkloadPlan) -> list[tuple[int, ContainerPlan]]:
    """Each Service port and the container of the Pod that listens on it."""
    found = []
    for port in plan.service_ports:
        c = next((c for c in plan.containers if port in c.ports and c.role != "init"), None)
        if c is not None:
            found.append((port, c))
    return found


# -- Mermaid ------------------------------------------------------------------------------------


def to_mermaid(rec: Recommendation) -> str:
    picture = build_picture(rec)
    lines = [f"---\ntitle: {_mermaid_text(picture.title)}\n---", "flowchart TB"]

    # A group's title on one line, and short: Mermaid lets a second line overlap what is inside the
    # frame, and a title wider than the frame overlap the frame beside it.
    _nest(picture.groups, lines, lambda g: [f'subgraph {g.id}["{_mermaid_text(" · ".join([g.title, *g.details]))}"]'],
          _mermaid_box, "end")
    for box in picture.boxes:
        lines.append(f"    {_mermaid_box(box)}")
    arrows = {"traffic": "-->", "calls": "==>", "localhost": "<-.->", "volume": "-.-", "order": "~~~"}
    for link in picture.links:
        arrow = arrows[link.kind]
        label = f"|{_mermaid_text(link.label)}|" if link.label else ""
        lines.append(f"    {link.source} {arrow}{label} {link.target}")
    # Colours: one class per colour of the text drawing, and a frame for each group.
    boxes = picture.all_boxes()
    for colour in dict.fromkeys(b.colour for b in boxes):
        fill, line = PALETTE[colour]
        lines.append(f"    classDef {colour} fill:{fill},stroke:{line},color:#000")
        lines.append(f"    class {','.join(b.id for b in boxes if b.colour == colour)} {colour}")
    for g in _walk_groups(picture.groups):
        fill, line = PALETTE[CONTROLLER_COLOUR] if g.kind == "workload" else ("#ffffff", "#adb5bd")
        dash = ",stroke-dasharray:4 3" if g.kind == "list" else ""
        lines.append(f"    style {g.id} fill:{fill},stroke:{line},color:#000{dash}")
    return "\n".join(lines) + "\n"


def _nest(groups: list[Group], lines: list[str], opening, box, closing: str, depth: int = 1) -> None:
    """Write ``groups`` inside one another: ``opening(group)`` lines, their boxes and groups, ``closing``."""
    pad = "    " * depth
    for g in groups:
        lines += [pad + line for line in opening(g)]
        for member in g.members:
            if isinstance(member, Group):
                _nest([member], lines, opening, box, closing, depth + 1)
            else:
                lines.append(f"{pad}    {box(member)}")
        lines.append(pad + closing)


def _walk_groups(groups: list[Group]):
    for g in groups:
        yield g
        yield from _walk_groups([m for m in g.members if isinstance(m, Group)])


def _mermaid_box(box: Box) -> str:
    label = _mermaid_label(box.title, box.details)
    if box.kind == "service":
        return f'{box.id}(["{label}"])'
    if box.kind == "volume":
        return f'{box.id}[("{label}")]'
    return f'{box.id}["{label}"]'


def _mermaid_label(title: str, details: list[str]) -> str:
    return "<br/>".join(_mermaid_text(t) for t in [title, *details])


def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label, as Mermaid's own entity codes (``#35;``) write what it
    would otherwise read: its quotes and markup, ``%`` (``%%{init: ...}%%`` anywhere in the text is
    a directive that restyles the whole picture, ``%%`` a comment), ``&`` (an HTML entity) and the
    backquote (a Markdown label)."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"),
                       ("%", "#37;"), ("&", "#38;"), ("`", "#96;")):
        text = text.replace(char, code)
    return text


# -- Graphviz -----------------------------------------------------------------------------------


def to_dot(rec: Recommendation) -> str:
    picture = build_picture(rec)
    lines = [f"digraph {_dot_quoted(picture.title)} {{",
             f'    graph [rankdir=TB, compound=true, newrank=true, nodesep=0.2, ranksep=0.45, fontname="{FONT}",'
             f' fontsize=13, labelloc=t, label={_dot_html(picture.title, [], bold=True)}];',
             f'    node [shape=box, style="rounded,filled", fontname="{FONT}", fontsize=11, margin="0.14,0.06"];',
             f'    edge [fontname="{FONT}", fontsize=10, color="#495057", fontcolor="#495057"];']

    _nest(picture.groups, lines, _dot_cluster, _dot_box, "}")
    for box in picture.boxes:
        lines.append(f"    {_dot_box(box)}")
    clusters = {g.id: g for g in _walk_groups(picture.groups)}
    for link in picture.links:
        lines.append(f"    {_dot_link(link, clusters)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_cluster(g: Group) -> list[str]:
    line = PALETTE[CONTROLLER_COLOUR][1] if g.kind == "workload" else "#adb5bd"
    style = {"workload": "rounded,bold", "pod": "rounded", "list": "rounded,dashed"}[g.kind]
    return [f"subgraph cluster_{g.id} {{",
            f'    graph [label={_dot_html(g.title, g.details, bold=g.kind == "workload", left=True)}, style="{style}", '
            f'color="{line}", fontsize={13 if g.kind == "workload" else 11}, labeljust=l, margin=10];']


def _dot_box(box: Box) -> str:
    fill, line = PALETTE[box.colour]
    shape = {"service": "box", "volume": "cylinder"}.get(box.kind, "box")
    style = "filled" if box.kind == "volume" else "rounded,filled"
    return (f'{box.id} [label={_dot_html(box.title, box.details, bold=box.kind != "volume")}, shape={shape}, '
            f'style="{style}", fillcolor="{fill}", color="{line}"];')


def _dot_link(link: Link, clusters: dict[str, Group]) -> str:
    attributes = []
    target = link.target
    if target in clusters:  # an edge to a group ends at its frame: aim at a box inside it
        attributes.append(f"lhead=cluster_{target}")
        target = _first_box(clusters[target]).id
    if link.label:
        attributes.append(f"label={_dot_quoted(link.label)}")
    # A call crosses to another workload: two ranks down, so that workload sits below this one.
    attributes += {"traffic": [], "calls": ["style=bold", "minlen=2"], "localhost": ["style=dashed", "dir=both"],
                   "volume": ["style=dotted", "dir=none"], "order": ["style=invis"]}[link.kind]
    return f"{link.source} -> {target} [{', '.join(attributes)}];"


def _first_box(group: Group) -> Box:
    for member in group.members:
        if isinstance(member, Group):
            return _first_box(member)
        return member
    raise ValueError(f"group {group.id} holds no box")


def _dot_html(title: str, details: list[str], bold: bool, left: bool = False) -> str:
    """An HTML-like label: the title (bold), then each detail smaller; ``left`` aligns the lines left."""
    br = '<br align="left"/>' if left else "<br/>"
    head = html.escape(title)
    head = f"<b>{head}</b>" if bold else head
    rest = "".join(f'{br}<font point-size="9">{html.escape(d)}</font>' for d in details)
    return f"<{head}{rest}{br if left else ''}>"


def _dot_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- SVG through Graphviz --------------------------------------------------------------------------


class GraphvizMissing(Invalid):
    """Graphviz's ``dot`` is not installed: the user's machine lacks it, nothing is wrong with the input."""

    def __init__(self):
        super().__init__("--format svg draws the picture with Graphviz's dot program, which is not installed "
                         "(PATH has no dot): install the package graphviz (Debian, Ubuntu: sudo apt-get install "
                         "graphviz; macOS: brew install graphviz), or write --format dot and draw it elsewhere")


class GraphvizFailed(Internal):
    """``dot`` refused our graph or did not finish: a defect of ours (or of that installation)."""


def to_svg(rec: Recommendation, path: str | None = None) -> str:
    """The picture as SVG, drawn by ``dot`` (found on ``path``, a PATH value; the process's by default)."""
    dot = shutil.which("dot", path=path)
    if dot is None:
        raise GraphvizMissing()
    try:
        done = subprocess.run([dot, "-Tsvg"], input=to_dot(rec), capture_output=True, text=True,
                              timeout=DOT_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GraphvizFailed(f"{dot} did not finish in {DOT_TIMEOUT} s") from None
    except OSError as exc:
        raise GraphvizFailed(f"cannot run {dot}: {exc.strerror}") from None
    if done.returncode != 0 or "<svg" not in done.stdout:
        raise GraphvizFailed(f"{dot} failed (exit status {done.returncode}): {done.stderr.strip()}")
    return done.stdout
